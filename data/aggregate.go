package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"danvan/data/period"
)

// The one aggregation every table, chart and briefing draws from.
//
// A locality's results are those of its whole subtree and of its predecessors: the
// localities that went into it at a reform, with their subtrees. A predecessor split
// between several localities counts only where all its parts lie inside the
// locality asked about (a province holding every part of a split commune); elsewhere
// it is left out and named in Split, so no value is ever counted twice.

// Scope says whose results to aggregate.
type Scope struct {
	ProgramID  int64 // targets come from this program; 0: no targets
	LocalityID int64 // 0: the whole country
	UnitID     int64 // 0: every reporting unit
}

// Figure is an actual against its target.
type Figure struct {
	Actual, Target       float64
	HasActual, HasTarget bool
}

// Percent is the actual as a percentage of the target, and false without a target.
func (f Figure) Percent() (float64, bool) {
	if !f.HasTarget || f.Target == 0 {
		return 0, false
	}
	return f.Actual / f.Target * 100, true
}

// PeriodFigure is one group of a series.
type PeriodFigure struct {
	Period period.Period
	Figure
}

// Series is an indicator's figures period by period.
type Series struct {
	Indicator Indicator
	Rows      []PeriodFigure
	Split     []Locality // split predecessors whose values are not included
}

// ChildFigure is one child locality's figure, for rankings.
type ChildFigure struct {
	Locality Locality
	Figure
}

// IndicatorFigure is one indicator's figure, for breakdowns.
type IndicatorFigure struct {
	Indicator  Indicator
	KeyContent int
	Figure
}

// Progress aggregates one indicator over the periods from..to, grouped by the
// given period type.
func (s *Store) Progress(ctx context.Context, sc Scope, indicatorID int64, from, to period.Period, by period.Type) (Series, error) {
	in, err := s.Indicator(ctx, indicatorID)
	if err != nil {
		return Series{}, err
	}
	g, err := s.localityGraph(ctx)
	if err != nil {
		return Series{}, err
	}
	members, split := g.contributors(sc.LocalityID)
	return s.progress(ctx, sc, in, g, members, split, from, to, by)
}

// progress is Progress once the indicator and the localities are known, so that a
// breakdown works them out once for all its indicators.
func (s *Store) progress(ctx context.Context, sc Scope, in Indicator, g *graph, members map[int64]bool, split []Locality, from, to period.Period, by period.Type) (Series, error) {
	groups := period.Range(from, to, by)
	if len(groups) == 0 {
		return Series{Indicator: in}, fmt.Errorf("period range %s to %s is empty", from, to)
	}
	index := make(map[period.Period]int, len(groups))
	for i, p := range groups {
		index[p] = i
	}
	group := func(o observation) int {
		if o.period.Type > by {
			return -1 // coarser than the grouping: belongs to no single group
		}
		if i, ok := index[o.period.Parent(by)]; ok {
			return i
		}
		return -1
	}
	figs, err := s.figures(ctx, sc, in, g, members, false, groups[0].Start(), groups[len(groups)-1].End(), len(groups), group)
	if err != nil {
		return Series{}, err
	}
	ser := Series{Indicator: in, Split: split}
	for i, p := range groups {
		ser.Rows = append(ser.Rows, PeriodFigure{Period: p, Figure: figs[i]})
	}
	return ser, nil
}

// figures reads the values and targets of one indicator between start and end and
// rolls them up into n figures, each observation into the one group gives it (-1:
// none). perLocality keeps each locality's observations apart, for group to tell.
func (s *Store) figures(ctx context.Context, sc Scope, in Indicator, g *graph, members map[int64]bool, perLocality bool, start, end time.Time,
	n int, group func(observation) int) ([]Figure, error) {
	actual, err := s.observations(ctx, fromValues, sc, in, members, perLocality, start, end)
	if err != nil {
		return nil, err
	}
	target, err := s.observations(ctx, fromTargets, sc, in, members, perLocality, start, end)
	if err != nil {
		return nil, err
	}
	a := rollup(in.Rollup, actual, n, group, g)
	t := rollup(in.Rollup, target, n, group, g)
	out := make([]Figure, n)
	for i := range out {
		out[i] = Figure{Actual: a[i].v, HasActual: a[i].ok, Target: t[i].v, HasTarget: t[i].ok}
	}
	return out, nil
}

// ByChild aggregates one indicator for one period per child of the scope's locality
// (the top-level localities for the whole country), as in force at the period's end.
func (s *Store) ByChild(ctx context.Context, sc Scope, indicatorID int64, p period.Period) ([]ChildFigure, []Locality, error) {
	return s.ByChildOver(ctx, sc, indicatorID, p, p)
}

// ByChildOver is ByChild over the periods from..to taken as one (the quarters of a
// year so far: year to date), as in force at to's end.
func (s *Store) ByChildOver(ctx context.Context, sc Scope, indicatorID int64, from, to period.Period) ([]ChildFigure, []Locality, error) {
	in, err := s.Indicator(ctx, indicatorID)
	if err != nil {
		return nil, nil, err
	}
	g, err := s.localityGraph(ctx)
	if err != nil {
		return nil, nil, err
	}
	var kids []Locality
	for _, id := range g.children[sc.LocalityID] {
		if l := g.byID[id]; l.ValidOn(to.End()) {
			kids = append(kids, l)
		}
	}
	// Each locality belongs to at most one child, so reading the values once and
	// handing each to its owner cannot count it twice. A child's own subtree is its
	// own first: a province in force in the period keeps its values even when it
	// later went into a sibling, which only gets what no child in force holds.
	owner := map[int64]int{}
	for i, k := range kids {
		g.eachBelow(k.ID, func(id int64) { owner[id] = i })
	}
	var split []Locality
	for i, k := range kids {
		members, sp := g.contributors(k.ID)
		for id := range members {
			if _, taken := owner[id]; !taken {
				owner[id] = i
			}
		}
		split = append(split, sp...)
	}
	var members map[int64]bool // nil: the whole country, no need to list it
	if sc.LocalityID != 0 {
		members = make(map[int64]bool, len(owner))
		for id := range owner {
			members[id] = true
		}
	}
	group := func(o observation) int {
		if i, ok := owner[o.locality]; ok && within(o.period, from, to) {
			return i
		}
		return -1
	}
	figs, err := s.figures(ctx, sc, in, g, members, true, from.Start(), to.End(), len(kids), group)
	if err != nil {
		return nil, nil, err
	}
	out := make([]ChildFigure, len(kids))
	for i, k := range kids {
		out[i] = ChildFigure{Locality: k, Figure: figs[i]}
	}
	return out, uniqueLocalities(split), nil
}

// ByIndicator aggregates every indicator of the scope's program for one period.
func (s *Store) ByIndicator(ctx context.Context, sc Scope, p period.Period) ([]IndicatorFigure, []Locality, error) {
	return s.ByIndicatorOver(ctx, sc, p, p)
}

// ByIndicatorOver aggregates every indicator of the scope's program over the
// periods from..to taken as one: the quarters of a year so far for year to date,
// a period (from = to) for the period. The indicators are independent queries, so
// they run side by side on the read pool: a national breakdown is ten scans of a
// few hundred thousand rows.
func (s *Store) ByIndicatorOver(ctx context.Context, sc Scope, from, to period.Period) ([]IndicatorFigure, []Locality, error) {
	prog, err := s.programByID(ctx, sc.ProgramID)
	if err != nil {
		return nil, nil, err
	}
	g, err := s.localityGraph(ctx)
	if err != nil {
		return nil, nil, err
	}
	members, split := g.contributors(sc.LocalityID)
	out := make([]IndicatorFigure, len(prog.Indicators))
	errs := make([]error, len(prog.Indicators))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), len(prog.Indicators)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				pi := prog.Indicators[i]
				figs, err := s.figures(ctx, sc, pi.Indicator, g, members, false, from.Start(), to.End(), 1, func(o observation) int {
					if within(o.period, from, to) {
						return 0
					}
					return -1
				})
				if err != nil {
					errs[i] = err
					continue
				}
				out[i] = IndicatorFigure{Indicator: pi.Indicator, KeyContent: pi.KeyContent, Figure: figs[0]}
			}
		}()
	}
	for i := range prog.Indicators {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return out, split, nil
}

// within tells whether o lies in the periods from..to and is no coarser than they
// are: a year's target says nothing about its first three quarters.
func within(o, from, to period.Period) bool {
	return o.Type <= from.Type && !o.Start().Before(from.Start()) && !o.End().After(to.End())
}

func (s *Store) programByID(ctx context.Context, id int64) (Program, error) {
	var code string
	if err := s.ro.QueryRowContext(ctx, "SELECT code FROM program WHERE id = ?", id).Scan(&code); err != nil {
		return Program{}, fmt.Errorf("program #%d: %w", id, ErrNotFound)
	}
	return s.ProgramByCode(ctx, code)
}

// observation is one stored value or target reduced to what aggregation needs. For
// sum and max, SQLite pre-aggregates per period (and per locality when asked), so
// locality and unit may be zero.
type observation struct {
	locality, unit int64
	period         period.Period
	v              float64
}

// source says which table observations come from.
type source int

const (
	fromValues source = iota
	fromTargets
)

// observations reads the values or the program's targets of one indicator whose
// periods lie within start..end, for the given localities (nil: all). For sum and
// max the database adds up per period, which keeps a national chart to a few dozen
// rows instead of hundreds of thousands; last needs every row.
func (s *Store) observations(ctx context.Context, src source, sc Scope, in Indicator, members map[int64]bool, perLocality bool, start, end time.Time) ([]observation, error) {
	table, unit := "value", "unit_id"
	where := "indicator_id = ? AND period_start >= ? AND period_end <= ?"
	args := []any{in.ID, day(start), day(end)}
	switch {
	case src == fromTargets && sc.ProgramID == 0:
		return nil, nil
	case src == fromTargets:
		table, unit = "target", "0"
		where += " AND program_id = ?"
		args = append(args, sc.ProgramID)
	case sc.UnitID != 0:
		where += " AND unit_id = ?"
		args = append(args, sc.UnitID)
	}
	if members != nil {
		ids := make([]int64, 0, len(members))
		for id := range members {
			ids = append(ids, id)
		}
		list, err := json.Marshal(ids)
		if err != nil {
			return nil, err
		}
		where += " AND locality_id IN (SELECT value FROM json_each(?))"
		args = append(args, string(list))
	}
	var q string
	switch {
	case in.Rollup == Last:
		q = "SELECT locality_id, " + unit + ", period_start, period_end, value FROM " + table + " WHERE " + where
	default:
		agg := "sum(value)"
		if in.Rollup == Max {
			agg = "max(value)"
		}
		loc, group := "0", "period_start, period_end"
		if perLocality {
			loc, group = "locality_id", "locality_id, period_start, period_end"
		}
		q = "SELECT " + loc + ", 0, period_start, period_end, " + agg + " FROM " + table + " WHERE " + where + " GROUP BY " + group
	}
	rows, err := s.ro.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	spans := map[[2]string]period.Period{}
	var out []observation
	var span [2]string
	for rows.Next() {
		var o observation
		if err := rows.Scan(&o.locality, &o.unit, &span[0], &span[1], &o.v); err != nil {
			return nil, err
		}
		p, ok := spans[span]
		if !ok {
			if p, err = periodOfSpan(span[0], span[1]); err != nil {
				return nil, err
			}
			spans[span] = p
		}
		o.period = p
		out = append(out, o)
	}
	return out, rows.Err()
}

// periodOfSpan finds the period that runs from start to end (both stored dates).
func periodOfSpan(start, end string) (period.Period, error) {
	a, errA := time.Parse(DateLayout, start)
	b, errB := time.Parse(DateLayout, end)
	if errA == nil && errB == nil {
		for _, t := range []period.Type{period.Month, period.Quarter, period.Half, period.Year} {
			if p := period.Of(t, a); p.Start().Equal(a) && p.End().Equal(b) {
				return p, nil
			}
		}
	}
	return period.Period{}, fmt.Errorf("stored period %s..%s is not a month, quarter, half-year or year", start, end)
}

type total struct {
	v  float64
	ok bool
}

// rollup combines observations into n groups; group returns an observation's group
// or -1 to leave it out.
func rollup(r Rollup, obs []observation, n int, group func(observation) int, g *graph) []total {
	out := make([]total, n)
	if r != Last {
		for _, o := range obs {
			i := group(o)
			if i < 0 {
				continue
			}
			switch {
			case !out[i].ok:
				out[i] = total{o.v, true}
			case r == Max:
				out[i].v = max(out[i].v, o.v)
			default:
				out[i].v += o.v
			}
		}
		return out
	}
	// last: each locality's (and unit's) latest value in the group, unless a successor
	// of that locality reported later in the same group: the successor's figure
	// already includes it.
	type key struct {
		group          int
		locality, unit int64
	}
	latest := map[key]observation{}
	type place struct {
		group    int
		locality int64
	}
	lastEnd := map[place]time.Time{} // any unit: the successor may report under another unit
	for _, o := range obs {
		i := group(o)
		if i < 0 {
			continue
		}
		k := key{i, o.locality, o.unit}
		if cur, ok := latest[k]; !ok || o.period.End().After(cur.period.End()) {
			latest[k] = o
		}
		if e := o.period.End(); e.After(lastEnd[place{i, o.locality}]) {
			lastEnd[place{i, o.locality}] = e
		}
	}
	for k, o := range latest {
		if g.reportedLater(k.locality, o.period.End(), func(loc int64) time.Time { return lastEnd[place{k.group, loc}] }) {
			continue
		}
		if !out[k.group].ok {
			out[k.group] = total{o.v, true}
		} else {
			out[k.group].v += o.v
		}
	}
	return out
}

// graph is the locality tree with its successor links, cached per revision.
type graph struct {
	byID     map[int64]Locality
	children map[int64][]int64 // key 0: top-level localities
	preds    map[int64][]Successor
	succs    map[int64][]Successor
}

// graphCache keeps the graph until the locality revision (bumped by triggers, in
// any process) moves on.
type graphCache struct {
	mu  sync.Mutex
	rev int64
	g   *graph
}

func (s *Store) localityGraph(ctx context.Context) (*graph, error) {
	cache := &s.graph
	var rev int64
	if err := s.ro.QueryRowContext(ctx, "SELECT rev FROM locality_revision").Scan(&rev); err != nil {
		return nil, err
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.g != nil && cache.rev == rev {
		return cache.g, nil
	}
	all, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+" FROM locality ORDER BY code, valid_from")
	if err != nil {
		return nil, err
	}
	links, err := s.Successors(ctx)
	if err != nil {
		return nil, err
	}
	g := &graph{byID: map[int64]Locality{}, children: map[int64][]int64{}, preds: map[int64][]Successor{}, succs: map[int64][]Successor{}}
	for _, l := range all {
		g.byID[l.ID] = l
		g.children[l.ParentID] = append(g.children[l.ParentID], l.ID)
	}
	for _, sc := range links {
		g.preds[sc.NewID] = append(g.preds[sc.NewID], sc)
		g.succs[sc.OldID] = append(g.succs[sc.OldID], sc)
	}
	cache.g, cache.rev = g, rev
	return g, nil
}

// contributors returns the localities whose values count towards id (nil meaning all,
// for the whole country) and the split predecessors left out.
func (g *graph) contributors(id int64) (map[int64]bool, []Locality) {
	if id == 0 {
		return nil, nil
	}
	in := map[int64]bool{}
	var queue []int64
	add := func(x int64) {
		if !in[x] {
			in[x] = true
			queue = append(queue, x)
		}
	}
	add(id)
	pending := map[int64]bool{} // split predecessors not (yet) wholly inside
	for {
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, c := range g.children[x] {
				add(c)
			}
			for _, p := range g.preds[x] {
				if p.Whole {
					add(p.OldID)
				} else if !in[p.OldID] {
					pending[p.OldID] = true
				}
			}
		}
		// A split predecessor joins once every one of its parts is inside; that can
		// make another one whole, so repeat until nothing changes.
		grew := false
		for old := range pending {
			all := true
			for _, sc := range g.succs[old] {
				all = all && in[sc.NewID]
			}
			if all {
				delete(pending, old)
				add(old)
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	var split []Locality
	for old := range pending {
		if !in[old] {
			split = append(split, g.byID[old])
		}
	}
	slices.SortFunc(split, func(a, b Locality) int { return int(a.ID - b.ID) })
	return in, split
}

// eachBelow calls fn with id and every locality under it, of any date.
func (g *graph) eachBelow(id int64, fn func(int64)) {
	fn(id)
	for _, c := range g.children[id] {
		g.eachBelow(c, fn)
	}
}

// reportedLater reports whether a successor of loc (following links transitively)
// has a value ending after end; lastEnd gives each locality's latest end.
func (g *graph) reportedLater(loc int64, end time.Time, lastEnd func(loc int64) time.Time) bool {
	seen := map[int64]bool{loc: true}
	queue := []int64{loc}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, sc := range g.succs[x] {
			if seen[sc.NewID] {
				continue
			}
			seen[sc.NewID] = true
			if lastEnd(sc.NewID).After(end) {
				return true
			}
			queue = append(queue, sc.NewID)
		}
	}
	return false
}

func uniqueLocalities(ls []Locality) []Locality {
	slices.SortFunc(ls, func(a, b Locality) int { return int(a.ID - b.ID) })
	return slices.CompactFunc(ls, func(a, b Locality) bool { return a.ID == b.ID })
}
