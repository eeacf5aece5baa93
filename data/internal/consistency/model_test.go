package consistency

import (
	"math"
	"slices"
	"time"

	"danvan/data"
	"danvan/data/period"
)

// The reference: a plain in-memory account of what the documented rules say the
// database holds and every figure should be. It never asks the code under test to
// work anything out; it learns only the ids and the times the database hands out.

type mloc struct {
	id                int64
	code, name, level string
	parent            int64
	from, to          time.Time // to zero: in force
}

func (l *mloc) validOn(d time.Time) bool {
	return !d.Before(l.from) && (l.to.IsZero() || !d.After(l.to))
}

type mlink struct {
	old, new int64
	whole    bool
}

type vkey struct {
	ind, loc, unit int64
	p              period.Period
}

// version is one writer's figure for a key: a batch, or 0 for a hand (or merge).
type version struct {
	v     float64
	batch int64
	at    time.Time
}

type tkey struct {
	ind, loc int64
	p        period.Period
}

type rkey struct {
	unit, ind int64
	p         period.Period
}

type model struct {
	locs    map[int64]*mloc
	links   []mlink
	rollup  map[int64]data.Rollup
	vals    map[vkey][]version // the writers since the key was last absent, the current one last
	undone  map[int64]bool
	batchAt map[int64]time.Time
	targets map[tkey]float64
	arrived map[rkey]time.Time // when each unit's report of an indicator and period first came
}

func newModel() *model {
	return &model{locs: map[int64]*mloc{}, rollup: map[int64]data.Rollup{}, vals: map[vkey][]version{},
		undone: map[int64]bool{}, batchAt: map[int64]time.Time{}, targets: map[tkey]float64{}, arrived: map[rkey]time.Time{}}
}

func (m *model) current(k vkey) (version, bool) {
	s := m.vals[k]
	if len(s) == 0 {
		return version{}, false
	}
	return s[len(s)-1], true
}

func (m *model) arrive(k vkey, at time.Time) {
	r := rkey{k.unit, k.ind, k.p}
	if cur, ok := m.arrived[r]; !ok || at.Before(cur) {
		m.arrived[r] = at
	}
}

// write is one value written by a batch or by hand. A batch always takes the key
// over, even with the same figure; a hand figure equal to a hand figure is no change.
func (m *model) write(k vkey, v float64, batch int64, at time.Time) {
	m.arrive(k, at)
	if cur, ok := m.current(k); ok && batch == 0 && cur.batch == 0 && cur.v == v {
		return
	}
	m.vals[k] = append(m.vals[k], version{v, batch, at})
}

func (m *model) del(k vkey) { delete(m.vals, k) }

// undo takes batch b out: each key it still holds goes back to the latest writer
// below it still in force, or goes; then the reports it brought first are dated by
// what remains, or were never received.
func (m *model) undo(b int64) {
	m.undone[b] = true
	for k, s := range m.vals {
		if s[len(s)-1].batch != b {
			continue
		}
		i := len(s) - 2
		for ; i >= 0 && s[i].batch != 0 && m.undone[s[i].batch]; i-- {
		}
		if i < 0 {
			delete(m.vals, k)
		} else {
			m.vals[k] = s[:i+1]
		}
	}
	at := m.batchAt[b]
	for r, t := range m.arrived {
		if !t.Equal(at) {
			continue
		}
		var first time.Time
		for k, s := range m.vals {
			if k.unit == r.unit && k.ind == r.ind && k.p == r.p {
				if t := s[len(s)-1].at; first.IsZero() || t.Before(first) {
					first = t
				}
			}
		}
		if first.IsZero() {
			delete(m.arrived, r)
		} else {
			m.arrived[r] = first
		}
	}
}

// contributors is the documented rule, worked out as a fixed point rather than a
// walk: a locality counts towards id when it is id, sits under one that counts, went
// whole into one that counts, or was split only among localities that count.
func (m *model) contributors(id int64) (in map[int64]bool, split []int64) {
	in = map[int64]bool{id: true}
	for grew := true; grew; {
		grew = false
		for _, l := range m.locs {
			if in[l.id] {
				continue
			}
			add := in[l.parent]
			parts, partsIn := 0, 0
			for _, ln := range m.links {
				if ln.old != l.id {
					continue
				}
				if ln.whole && in[ln.new] {
					add = true
				}
				parts++
				if in[ln.new] {
					partsIn++
				}
			}
			if add || (parts > 0 && parts == partsIn) {
				in[l.id] = true
				grew = true
			}
		}
	}
	for _, ln := range m.links {
		if !ln.whole && in[ln.new] && !in[ln.old] && !slices.Contains(split, ln.old) {
			split = append(split, ln.old)
		}
	}
	slices.Sort(split)
	return in, split
}

// subtree is id and everything under it, of any date.
func (m *model) subtree(id int64) map[int64]bool {
	in := map[int64]bool{id: true}
	for grew := true; grew; {
		grew = false
		for _, l := range m.locs {
			if !in[l.id] && in[l.parent] {
				in[l.id], grew = true, true
			}
		}
	}
	return in
}

// successorOf reports whether later is reached from loc through successor links.
func (m *model) successorOf(loc, later int64) bool {
	seen := map[int64]bool{loc: true}
	queue := []int64{loc}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, ln := range m.links {
			if ln.old == x && !seen[ln.new] {
				if ln.new == later {
					return true
				}
				seen[ln.new] = true
				queue = append(queue, ln.new)
			}
		}
	}
	return false
}

type obs struct {
	loc, unit int64
	p         period.Period
	v         float64
}

// observations are the values (or, with targets, the program's targets) of one
// indicator for the localities in (nil: all) and the unit (0: all) whose period
// lies within g.
func (m *model) observations(ind int64, in map[int64]bool, unit int64, g period.Period, targets bool) []obs {
	var out []obs
	keep := func(loc int64, p period.Period) bool {
		return (in == nil || in[loc]) && g.Contains(p)
	}
	if targets {
		for k, v := range m.targets {
			if k.ind == ind && keep(k.loc, k.p) {
				out = append(out, obs{k.loc, 0, k.p, v})
			}
		}
		return out
	}
	for k, s := range m.vals {
		if k.ind == ind && (unit == 0 || k.unit == unit) && keep(k.loc, k.p) {
			out = append(out, obs{k.loc, k.unit, k.p, s[len(s)-1].v})
		}
	}
	return out
}

// combine rolls observations of one group up: sum, the largest, or for last each
// locality's and unit's latest figure, unless a successor of that locality reported
// later in the group (its figure already holds the predecessor's).
func (m *model) combine(r data.Rollup, os []obs) (float64, bool) {
	if len(os) == 0 {
		return 0, false
	}
	total := 0.0
	switch r {
	case data.Max:
		total = math.Inf(-1)
		for _, o := range os {
			total = max(total, o.v)
		}
	case data.Sum:
		for _, o := range os {
			total += o.v
		}
	default:
		for _, o := range os {
			latest := true
			for _, o2 := range os {
				if o2.loc == o.loc && o2.unit == o.unit && o2.p.End().After(o.p.End()) {
					latest = false
				}
				if o2.p.End().After(o.p.End()) && m.successorOf(o.loc, o2.loc) {
					latest = false
				}
			}
			if latest {
				total += o.v
			}
		}
	}
	return total, true
}

func (m *model) figure(ind int64, in map[int64]bool, unit int64, g period.Period, withTargets bool) data.Figure {
	var f data.Figure
	f.Actual, f.HasActual = m.combine(m.rollup[ind], m.observations(ind, in, unit, g, false))
	if withTargets {
		f.Target, f.HasTarget = m.combine(m.rollup[ind], m.observations(ind, in, 0, g, true))
	}
	return f
}

// scope is what a Scope covers: nil for the whole country.
func (m *model) scope(loc int64) (map[int64]bool, []int64) {
	if loc == 0 {
		return nil, nil
	}
	return m.contributors(loc)
}

// kids are the localities under parent (0: the top level) in force on d, in the
// order rankings list them.
func (m *model) kids(parent int64, d time.Time) []*mloc {
	var out []*mloc
	for _, l := range m.locs {
		if l.parent == parent && l.validOn(d) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *mloc) int {
		if a.code != b.code {
			if a.code < b.code {
				return -1
			}
			return 1
		}
		return a.from.Compare(b.from)
	})
	return out
}

// byCode is the locality with code in force on d.
func (m *model) byCode(code string, d time.Time) (*mloc, bool) {
	for _, l := range m.locs {
		if l.code == code && l.validOn(d) {
			return l, true
		}
	}
	return nil, false
}

// status is where a report stands by the documented rule.
func status(p period.Period, reported bool, at, now time.Time, grace int) data.ReportStatus {
	deadline := p.End().AddDate(0, 0, grace+1)
	switch {
	case reported && at.Before(deadline):
		return data.OnTime
	case reported:
		return data.Late
	case now.Before(deadline):
		return data.NotDue
	}
	return data.Missing
}

// firstReport is when a unit's report for a program period first arrived, from any
// of the program's indicators and any period within it.
func (m *model) firstReport(unit int64, inds []int64, p period.Period) (time.Time, bool) {
	var first time.Time
	for r, t := range m.arrived {
		if r.unit == unit && slices.Contains(inds, r.ind) && p.Contains(r.p) && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first, !first.IsZero()
}
