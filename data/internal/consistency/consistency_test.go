// Package consistency holds the model-based test of issue 11: every figure shown
// or printed equals what the database holds. It lives in its own package because
// it drives the importer and the briefing, which both import data.
package consistency

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"danvan/data"
	"danvan/data/importer"
	"danvan/data/period"
)

var (
	seedFlag  = flag.Uint64("seed", 0, "replay one seed of TestConsistency (also CONSISTENCY_SEED)")
	stepsFlag = flag.Int("steps", 0, "steps per seed (default 63)")
)

const (
	seeds        = 8
	defaultSteps = 63
	grace        = 10
)

// TestConsistency applies random operations to a real database and to the
// reference, and after every step checks that everything a person sees (the
// values, the long export, the dashboard's aggregates, every chart kind and the
// briefing pack's tables) agrees with the reference. A failure names its seed; run
// it again with -seed=N or CONSISTENCY_SEED=N.
func TestConsistency(t *testing.T) {
	steps := defaultSteps
	if *stepsFlag > 0 {
		steps = *stepsFlag
	}
	list := make([]uint64, seeds)
	for i := range list {
		list[i] = uint64(i + 1)
	}
	if env := os.Getenv("CONSISTENCY_SEED"); env != "" {
		n, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			t.Fatalf("CONSISTENCY_SEED=%q: %v", env, err)
		}
		list = []uint64{n}
	}
	if *seedFlag != 0 {
		list = []uint64{*seedFlag}
	}
	for _, seed := range list {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, seed)
			for i := range steps {
				w.step(i)
			}
		})
	}
}

// world is the database and the reference side by side.
type world struct {
	t     *testing.T
	ctx   context.Context
	seed  uint64
	s     *data.Store
	raw   *sql.DB // for fingerprints of refused operations
	m     *model
	rng   *rand.Rand
	clock time.Time
	log   []string

	prog   data.Program
	inds   []data.Indicator
	units  []data.Unit // units[0] reports months, units[1] quarters
	files  map[string][]int64
	codes  int
	reform bool
}

var (
	firstPeriod = period.MustParse("2024Q1")
	lastPeriod  = period.MustParse("2025Q4")
)

func newWorld(t *testing.T, seed uint64) *world {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "consistency.db")
	s, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	w := &world{t: t, ctx: ctx, seed: seed, s: s, raw: raw, m: newModel(), rng: rand.New(rand.NewPCG(seed, 11)),
		clock: time.Date(2024, 1, 20, 8, 0, 0, 0, time.UTC), files: map[string][]int64{}}
	entries, err := data.ReadLocalityList("before.csv", strings.NewReader(`code,name,level,parent_code
01,Tỉnh A,province,
001,Huyện Một,district,01
00001,Xã C1,commune,001
00002,Xã C2,commune,001
02,Tỉnh B,province,
002,Huyện Hai,district,02
00003,Xã C3,commune,002
00004,Xã C4,commune,002
00005,Xã C5,commune,002
`))
	w.must(err)
	_, err = s.LoadLocalityList(ctx, date("2020-01-01"), entries, data.LoadOptions{})
	w.must(err)
	w.learnLocalities()
	for _, in := range []data.Indicator{
		{Code: "I_SUM", Name: "Tổng", Unit: "lượt", Rollup: data.Sum},
		{Code: "I_LAST", Name: "Mô hình", Unit: "mô hình", Rollup: data.Last},
		{Code: "I_MAX", Name: "Lớn nhất", Unit: "km", Rollup: data.Max, Decimals: 1},
	} {
		in, err := s.SaveIndicator(ctx, in)
		w.must(err)
		w.inds = append(w.inds, in)
		w.m.rollup[in.ID] = in.Rollup
	}
	for _, code := range []string{"U1", "U2"} {
		u, err := s.SaveUnit(ctx, data.Unit{Code: code, Name: "Đơn vị " + code})
		w.must(err)
		w.units = append(w.units, u)
	}
	w.prog, err = s.SaveProgram(ctx, data.Program{Code: "P", Title: "Chương trình", Start: firstPeriod.Start(), End: lastPeriod.End(),
		PeriodType: period.Quarter, Contents: []data.KeyContent{{Title: "Một"}, {Title: "Hai"}},
		Indicators: []data.ProgramIndicator{{Indicator: w.inds[0], KeyContent: 1}, {Indicator: w.inds[1], KeyContent: 1}, {Indicator: w.inds[2], KeyContent: 2}},
		UnitIDs:    []int64{w.units[0].ID, w.units[1].ID}})
	w.must(err)
	return w
}

func date(s string) time.Time {
	t, err := data.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

// must stops on an error that is the test's own doing, not a disagreement.
func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.fail("setup: %v", err)
	}
}

// fail stops with what a replay needs: the seed and every step so far.
func (w *world) fail(format string, args ...any) {
	w.t.Helper()
	w.t.Fatalf("seed %d (replay: go test ./data/internal/consistency -run TestConsistency -seed=%d): %s\nsteps:\n  %s",
		w.seed, w.seed, fmt.Sprintf(format, args...), strings.Join(w.log, "\n  "))
}

// learnLocalities adds the localities the reference does not hold yet: it learns
// their ids from the database, and their dates and links from what it was told.
func (w *world) learnLocalities() {
	all, err := w.s.AllLocalities(w.ctx)
	w.must(err)
	for _, l := range all {
		if _, ok := w.m.locs[l.ID]; !ok {
			w.m.locs[l.ID] = &mloc{id: l.ID, code: l.Code, name: l.Name, level: l.Level, parent: l.ParentID, from: l.ValidFrom, to: l.ValidTo}
		}
	}
}

func (w *world) step(i int) {
	w.clock = w.clock.Add(time.Duration(1+w.rng.IntN(20*24)) * time.Hour)
	var desc string
	switch n := w.rng.IntN(100); {
	case n < 34:
		desc = w.opImport()
	case n < 60:
		desc = w.opEntry()
	case n < 76:
		desc = w.opUndo()
	case n < 86:
		desc = w.opTargets()
	case n < 91:
		desc = w.opMerge()
	case n < 95:
		desc = w.opSplit()
	default:
		desc = w.opReform()
	}
	w.log = append(w.log, fmt.Sprintf("%d @%s: %s", i, w.clock.Format(time.DateTime), desc))
	w.check()
}

// pickPeriod is a period of the unit's type within the program that has begun:
// results are reported once it has.
func (w *world) pickPeriod(unit int) period.Period {
	t := []period.Type{period.Month, period.Quarter}[unit]
	last := period.Of(t, w.clock)
	if w.clock.After(lastPeriod.End()) {
		last = period.Of(t, lastPeriod.End())
	}
	ps := period.Range(period.Of(t, firstPeriod.Start()), last, t)
	return ps[w.rng.IntN(len(ps))]
}

// pickLocality is a locality in force on d, mostly a commune.
func (w *world) pickLocality(d time.Time) *mloc {
	var all, communes []*mloc
	for _, l := range w.m.locs {
		if l.validOn(d) {
			all = append(all, l)
			if l.level == "commune" {
				communes = append(communes, l)
			}
		}
	}
	byID := func(a, b *mloc) int { return int(a.id - b.id) }
	slices.SortFunc(all, byID)
	slices.SortFunc(communes, byID)
	if len(communes) > 0 && w.rng.IntN(5) > 0 {
		return communes[w.rng.IntN(len(communes))]
	}
	return all[w.rng.IntN(len(all))]
}

// newKey is a key the unit may write: its own kind of period.
func (w *world) newKey(unit int) vkey {
	p := w.pickPeriod(unit)
	return vkey{w.inds[w.rng.IntN(len(w.inds))].ID, w.pickLocality(p.End()).id, w.units[unit].ID, p}
}

// storedKeys lists the keys that hold a value, in a stable order, for unit (-1: any).
func (w *world) storedKeys(unit int, batchOnly bool) []vkey {
	var out []vkey
	for k, s := range w.m.vals {
		if (unit < 0 || k.unit == w.units[unit].ID) && (!batchOnly || s[len(s)-1].batch != 0) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, compareKeys)
	return out
}

func compareKeys(a, b vkey) int {
	for _, d := range []int64{a.ind - b.ind, a.loc - b.loc, a.unit - b.unit, int64(a.p.Start().Compare(b.p.Start())), int64(a.p.Type - b.p.Type)} {
		if d != 0 {
			return int(d)
		}
	}
	return 0
}

func (w *world) unitIndex(id int64) int {
	if id == w.units[0].ID {
		return 0
	}
	return 1
}

// randomValue is a figure the indicator can hold: whole, or halves for the one
// with a decimal.
func (w *world) randomValue(ind int64) float64 {
	v := float64(w.rng.IntN(60))
	if ind == w.inds[2].ID && w.rng.IntN(2) == 0 {
		v += 0.5
	}
	return v
}

// clashKey is a quarter over a month the monthly unit holds: the writer must refuse it.
func (w *world) clashKey() (vkey, bool) {
	keys := w.storedKeys(0, false)
	if len(keys) == 0 {
		return vkey{}, false
	}
	k := keys[w.rng.IntN(len(keys))]
	k.p = k.p.Parent(period.Quarter)
	return k, true
}

type row struct {
	k vkey
	v float64
}

func (w *world) csvLine(r row) string {
	in := w.indByID(r.k.ind)
	return fmt.Sprintf("%s,%s,%s,%s,%s\n", w.m.locs[r.k.loc].code, in.Code, r.k.p.ID(), w.units[w.unitIndex(r.k.unit)].Code,
		strconv.FormatFloat(r.v, 'f', -1, 64))
}

func (w *world) indByID(id int64) data.Indicator {
	for _, in := range w.inds {
		if in.ID == id {
			return in
		}
	}
	panic(id)
}

const csvHeader = "locality,indicator,period,unit,value\n"

func (w *world) opImport() string {
	// Sending an earlier file again, byte for byte.
	if len(w.files) > 0 && w.rng.IntN(8) == 0 {
		contents := make([]string, 0, len(w.files))
		for c := range w.files {
			contents = append(contents, c)
		}
		slices.Sort(contents)
		content := contents[w.rng.IntN(len(contents))]
		if _, ok := w.parseRows(content); !ok {
			// A code it names has closed since: the file is refused.
			return w.refused("the same file again, a code closed", func() error {
				res, err := importer.Import(w.ctx, w.s, "again.csv", strings.NewReader(content), importer.Options{Now: w.clock})
				if err == nil && !res.Refused {
					err = fmt.Errorf("import of a file naming a closed code was not refused: %+v", res)
				} else if err == nil {
					err = errors.New(res.Problems[0].Message)
				}
				return err
			})
		}
		return w.importFile(content, nil, "the same file again")
	}
	var rows []row
	seen := map[vkey]bool{}
	add := func(k vkey, v float64) {
		if !seen[k] {
			seen[k] = true
			rows = append(rows, row{k, v})
		}
	}
	units := []int{w.rng.IntN(2)}
	if w.rng.IntN(3) == 0 {
		units = []int{0, 1}
	}
	// Only a key whose locality the code still names can be sent again.
	stored := slices.DeleteFunc(w.storedKeys(-1, false), func(k vkey) bool { return !w.m.locs[k.loc].validOn(k.p.End()) })
	for range 1 + w.rng.IntN(6) {
		u := units[w.rng.IntN(len(units))]
		switch n := w.rng.IntN(10); {
		case n < 3 && len(stored) > 0: // resend of a stored figure, or a correction of it
			k := stored[w.rng.IntN(len(stored))]
			cur, _ := w.m.current(k)
			v := cur.v
			if n == 0 {
				v = w.randomValue(k.ind)
			}
			add(k, v)
		default:
			k := w.newKey(u)
			add(k, w.randomValue(k.ind))
		}
	}
	refused := ""
	if w.rng.IntN(12) == 0 {
		if k, ok := w.clashKey(); ok && !seen[k] {
			rows = append(rows, row{k, 1})
			refused = "quarter over months"
		}
	}
	if refused == "" && w.rng.IntN(15) == 0 {
		k := w.newKey(units[0])
		if !seen[k] {
			rows = append(rows, row{k, 2e15})
			refused = "too large"
		}
	}
	w.rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	var b strings.Builder
	b.WriteString(csvHeader)
	for _, r := range rows {
		b.WriteString(w.csvLine(r))
	}
	if refused != "" {
		return w.refused("import, "+refused, func() error {
			res, err := importer.Import(w.ctx, w.s, "refused.csv", strings.NewReader(b.String()), importer.Options{Now: w.clock})
			if err == nil && !res.Refused {
				err = fmt.Errorf("import of a file with a bad row was not refused: %+v", res)
			} else if err == nil {
				err = errors.New(res.Problems[0].Message)
			}
			return err
		})
	}
	return w.importFile(b.String(), rows, "")
}

// importFile imports content; rows are its values, or nil to read them back from
// the content (a file sent again).
func (w *world) importFile(content string, rows []row, what string) string {
	name := fmt.Sprintf("report%d.csv", len(w.log))
	res, err := importer.Import(w.ctx, w.s, name, bytes.NewReader([]byte(content)), importer.Options{Now: w.clock})
	if err != nil || res.Refused {
		w.fail("import %s:\n%s\nerr %v, problems %+v", name, content, err, res.Problems)
	}
	if rows == nil {
		rows, _ = w.parseRows(content)
	}
	committedBefore := false
	for _, b := range w.files[content] {
		committedBefore = committedBefore || !w.m.undone[b]
	}
	switch {
	case committedBefore && res.AlreadyImported == 0:
		w.fail("a file imported before (batch %v, still in force) was imported again as batch %d", w.files[content], res.BatchID)
	case committedBefore:
		return fmt.Sprintf("import %s again: already imported as %d", what, res.AlreadyImported)
	case res.BatchID == 0:
		w.fail("import %s wrote no batch: %+v", name, res)
	}
	w.files[content] = append(w.files[content], res.BatchID)
	w.m.batchAt[res.BatchID] = w.clock.Truncate(time.Second)
	var desc []string
	for _, r := range rows {
		w.m.write(r.k, r.v, res.BatchID, w.clock.Truncate(time.Second))
		desc = append(desc, w.describe(r))
	}
	return fmt.Sprintf("import %s batch %d: %s", what, res.BatchID, strings.Join(desc, "; "))
}

// parseRows reads back a file the test wrote, through the reference's own codes,
// and false when a code names no locality any more.
func (w *world) parseRows(content string) ([]row, bool) {
	var rows []row
	for _, line := range strings.Split(strings.TrimSpace(content), "\n")[1:] {
		f := strings.Split(line, ",")
		p := period.MustParse(f[2])
		l, ok := w.m.byCode(f[0], p.End())
		if !ok {
			return nil, false
		}
		var ind int64
		for _, in := range w.inds {
			if in.Code == f[1] {
				ind = in.ID
			}
		}
		unit := w.units[0].ID
		if f[3] == w.units[1].Code {
			unit = w.units[1].ID
		}
		v, _ := strconv.ParseFloat(f[4], 64)
		rows = append(rows, row{vkey{ind, l.id, unit, p}, v})
	}
	return rows, true
}

func (w *world) describe(r row) string {
	return fmt.Sprintf("%s/%s#%d/%s/%s=%g", w.indByID(r.k.ind).Code, w.m.locs[r.k.loc].code, r.k.loc, r.k.p, w.units[w.unitIndex(r.k.unit)].Code, r.v)
}

func value(k vkey, v float64) data.Value {
	return data.Value{IndicatorID: k.ind, LocalityID: k.loc, UnitID: k.unit, Period: k.p, Value: v}
}

func (w *world) opEntry() string {
	u := w.rng.IntN(2)
	stored := w.storedKeys(u, false)
	seen := map[vkey]bool{}
	var set []row
	var del []vkey
	for range w.rng.IntN(5) {
		k := w.newKey(u)
		if len(stored) > 0 && w.rng.IntN(2) == 0 {
			k = stored[w.rng.IntN(len(stored))]
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		v := w.randomValue(k.ind)
		if cur, ok := w.m.current(k); ok && w.rng.IntN(3) == 0 {
			v = cur.v // typed again as it stands
		}
		set = append(set, row{k, v})
	}
	for range w.rng.IntN(3) {
		if len(stored) == 0 {
			break
		}
		if k := stored[w.rng.IntN(len(stored))]; !seen[k] {
			seen[k] = true
			del = append(del, k)
		}
	}
	var vals, dels []data.Value
	for _, r := range set {
		vals = append(vals, value(r.k, r.v))
	}
	for _, k := range del {
		dels = append(dels, value(k, 0))
	}
	src := data.Source{Kind: "entry", User: "tester", At: w.clock}
	if w.rng.IntN(12) == 0 {
		bad := append(slices.Clone(vals), value(w.newKey(u), 2e15))
		what := "too large"
		if k, ok := w.clashKey(); ok && !seen[k] {
			bad, what = append(slices.Clone(vals), value(k, 1)), "quarter over months"
		}
		return w.refused("entry, "+what, func() error {
			// No deletes: deleting the months first would make room for the quarter.
			_, _, err := w.s.SaveEntry(w.ctx, bad, nil, src)
			var clash *data.ErrPeriodClash
			if what == "quarter over months" && err != nil && !errors.As(err, &clash) {
				return fmt.Errorf("a period clash refused with %T %v, not *data.ErrPeriodClash", err, err)
			}
			return err
		})
	}
	if _, _, err := w.s.SaveEntry(w.ctx, vals, dels, src); err != nil {
		w.fail("save entry: %v", err)
	}
	var desc []string
	for _, k := range del {
		w.m.del(k)
		desc = append(desc, "delete "+w.describe(row{k: k}))
	}
	for _, r := range set {
		w.m.write(r.k, r.v, 0, w.clock.Truncate(time.Second))
		desc = append(desc, w.describe(r))
	}
	return "entry: " + strings.Join(desc, "; ")
}

func (w *world) opUndo() string {
	var committed, undone []int64
	for b := range w.m.batchAt {
		if w.m.undone[b] {
			undone = append(undone, b)
		} else {
			committed = append(committed, b)
		}
	}
	slices.Sort(committed)
	slices.Sort(undone)
	if len(undone) > 0 && w.rng.IntN(10) == 0 {
		b := undone[w.rng.IntN(len(undone))]
		return w.refused(fmt.Sprintf("undo batch %d again", b), func() error {
			_, err := w.s.UndoBatch(w.ctx, b)
			return err
		})
	}
	if len(committed) == 0 {
		return "undo: no batch"
	}
	b := committed[w.rng.IntN(len(committed))]
	if _, err := w.s.UndoBatch(w.ctx, b); err != nil {
		w.fail("undo batch %d: %v", b, err)
	}
	w.m.undo(b)
	return fmt.Sprintf("undo batch %d", b)
}

func (w *world) opTargets() string {
	var set []data.Target
	var del []data.Target
	var desc []string
	seen := map[tkey]bool{}
	for range 1 + w.rng.IntN(3) {
		p := w.pickPeriod(1)
		k := tkey{w.inds[w.rng.IntN(len(w.inds))].ID, w.pickLocality(p.End()).id, p}
		if !seen[k] {
			seen[k] = true
			v := float64(10 + w.rng.IntN(100))
			set = append(set, data.Target{IndicatorID: k.ind, LocalityID: k.loc, Period: k.p, Value: v})
			desc = append(desc, fmt.Sprintf("target %d/%d/%s=%g", k.ind, k.loc, k.p, v))
		}
	}
	var stored []tkey
	for k := range w.m.targets {
		stored = append(stored, k)
	}
	slices.SortFunc(stored, func(a, b tkey) int { return compareKeys(vkey{a.ind, a.loc, 0, a.p}, vkey{b.ind, b.loc, 0, b.p}) })
	if len(stored) > 0 && w.rng.IntN(2) == 0 {
		if k := stored[w.rng.IntN(len(stored))]; !seen[k] {
			del = append(del, data.Target{IndicatorID: k.ind, LocalityID: k.loc, Period: k.p})
			desc = append(desc, fmt.Sprintf("delete target %d/%d/%s", k.ind, k.loc, k.p))
		}
	}
	if _, err := w.s.SaveTargets(w.ctx, w.prog.ID, set, del); err != nil {
		w.fail("save targets: %v", err)
	}
	for _, t := range del {
		delete(w.m.targets, tkey{t.IndicatorID, t.LocalityID, t.Period})
	}
	for _, t := range set {
		w.m.targets[tkey{t.IndicatorID, t.LocalityID, t.Period}] = t.Value
	}
	return strings.Join(desc, "; ")
}

// reformDate is a quarter's first day after the program's first quarter.
func (w *world) reformDate() time.Time {
	return period.Range(firstPeriod.Next(), lastPeriod, period.Quarter)[w.rng.IntN(7)].Start()
}

// openCommunes are the communes in force from before d until further notice.
func (w *world) openCommunes(d time.Time) []*mloc {
	var out []*mloc
	for _, l := range w.m.locs {
		if l.level == "commune" && l.to.IsZero() && l.from.Before(d) && w.m.locs[l.parent].validOn(d) {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *mloc) int { return int(a.id - b.id) })
	return out
}

func (w *world) newCode(prefix string) string {
	w.codes++
	return fmt.Sprintf("%s%03d", prefix, w.codes)
}

func (w *world) opMerge() string {
	d := w.reformDate()
	byParent := map[int64][]*mloc{}
	var parents []int64
	for _, l := range w.openCommunes(d) {
		if len(byParent[l.parent]) == 0 {
			parents = append(parents, l.parent)
		}
		byParent[l.parent] = append(byParent[l.parent], l)
	}
	parents = slices.DeleteFunc(parents, func(p int64) bool { return len(byParent[p]) < 2 })
	if len(parents) == 0 {
		return "merge: nothing to merge on " + d.Format(time.DateOnly)
	}
	parent := parents[w.rng.IntN(len(parents))]
	cands := byParent[parent]
	w.rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	olds := cands[:2+w.rng.IntN(len(cands)-1)]
	var ids []int64
	for _, l := range olds {
		ids = append(ids, l.id)
	}
	code := w.newCode("M")
	into, err := w.s.MergeLocalities(w.ctx, ids, data.Locality{Code: code, Name: "Xã " + code, Level: "commune", ParentID: parent}, d)
	if err != nil {
		w.fail("merge %v on %s: %v", ids, d.Format(time.DateOnly), err)
	}
	w.m.locs[into.ID] = &mloc{id: into.ID, code: code, name: "Xã " + code, level: "commune", parent: parent, from: d}
	moved := map[vkey]float64{}
	for _, l := range olds {
		l.to = d.AddDate(0, 0, -1)
		w.m.links = append(w.m.links, mlink{l.id, into.ID, true})
		for k, s := range w.m.vals {
			if k.loc == l.id && !k.p.Start().Before(d) {
				nk := k
				nk.loc = into.ID
				moved[nk] += s[len(s)-1].v
				delete(w.m.vals, k)
			}
		}
		for k, v := range w.m.targets {
			if k.loc == l.id && !k.p.Start().Before(d) {
				w.m.targets[tkey{k.ind, into.ID, k.p}] += v
				delete(w.m.targets, k)
			}
		}
	}
	// A moved value is stamped with the time of the merge, which the reference
	// learns from the database.
	rows, err := w.s.Values(w.ctx, data.ValueFilter{LocalityID: into.ID})
	w.must(err)
	for _, r := range rows {
		k := vkey{r.IndicatorID, r.LocalityID, r.UnitID, r.Period}
		if v, ok := moved[k]; ok {
			w.m.vals[k] = []version{{v, 0, r.ChangedAt}}
		}
	}
	return fmt.Sprintf("merge %v into %s#%d on %s", ids, code, into.ID, d.Format(time.DateOnly))
}

func (w *world) opSplit() string {
	d := w.reformDate()
	cands := w.openCommunes(d)
	if len(cands) == 0 {
		return "split: nothing to split on " + d.Format(time.DateOnly)
	}
	old := cands[w.rng.IntN(len(cands))]
	var parts []data.Locality
	for range 2 {
		code := w.newCode("S")
		parts = append(parts, data.Locality{Code: code, Name: "Xã " + code, Level: "commune", ParentID: old.parent})
	}
	parts, err := w.s.SplitLocality(w.ctx, old.id, parts, d)
	if err != nil {
		w.fail("split %d on %s: %v", old.id, d.Format(time.DateOnly), err)
	}
	old.to = d.AddDate(0, 0, -1)
	var desc []string
	for _, p := range parts {
		w.m.locs[p.ID] = &mloc{id: p.ID, code: p.Code, name: p.Name, level: "commune", parent: old.parent, from: d}
		w.m.links = append(w.m.links, mlink{old.id, p.ID, false})
		desc = append(desc, fmt.Sprintf("%s#%d", p.Code, p.ID))
	}
	return fmt.Sprintf("split %s#%d into %s on %s", old.code, old.id, strings.Join(desc, ", "), d.Format(time.DateOnly))
}

// opReform is the 2025 reform in small: districts go, province B joins A whole,
// every commune carries on under its province, and one commune is split with a
// part going to a new province C.
func (w *world) opReform() string {
	if w.reform {
		return "reform: done already"
	}
	d := w.reformDate()
	for _, l := range w.m.locs {
		if l.to.IsZero() && !l.from.Before(d) {
			return "reform: a locality opened on or after " + d.Format(time.DateOnly)
		}
	}
	communes := w.openCommunes(d)
	if len(communes) == 0 {
		return "reform: no commune"
	}
	w.reform = true
	x := communes[w.rng.IntN(len(communes))]
	sCode := w.newCode("S")
	list := "code,name,level,parent_code\n01,Tỉnh A,province,\n03,Tỉnh C,province,\n" + sCode + ",Xã " + sCode + ",commune,03\n"
	mapping := "level,old_code,old_name,new_code,new_name,parts\nprovince,01,Tỉnh A,01,Tỉnh A,whole\nprovince,02,Tỉnh B,01,Tỉnh A,whole\n" +
		fmt.Sprintf("commune,%s,%s,%s,Xã %s,part\n", x.code, x.name, sCode, sCode)
	for _, l := range communes {
		list += fmt.Sprintf("%s,%s,commune,01\n", l.code, l.name)
		parts := "whole"
		if l == x {
			parts = "part"
		}
		mapping += fmt.Sprintf("commune,%s,%s,%s,%s,%s\n", l.code, l.name, l.code, l.name, parts)
	}
	entries, err := data.ReadLocalityList("after.csv", strings.NewReader(list))
	w.must(err)
	if _, err := w.s.LoadLocalityList(w.ctx, d, entries, data.LoadOptions{}); err != nil {
		w.fail("reform list on %s: %v\n%s", d.Format(time.DateOnly), err, list)
	}
	reform, err := data.ReadReformMapping("mapping.csv", strings.NewReader(mapping))
	w.must(err)
	if _, err := w.s.ApplyReform(w.ctx, d, reform, false); err != nil {
		w.fail("reform mapping on %s: %v\n%s", d.Format(time.DateOnly), err, mapping)
	}
	before := d.AddDate(0, 0, -1)
	for _, l := range w.m.locs {
		if l.to.IsZero() && l.code != "01" {
			l.to = before
		}
	}
	w.learnLocalities()
	a, _ := w.m.byCode("01", d)
	b, _ := w.m.byCode("02", before)
	w.m.links = append(w.m.links, mlink{b.id, a.id, true})
	s, _ := w.m.byCode(sCode, d)
	for _, l := range communes {
		nu, _ := w.m.byCode(l.code, d)
		w.m.links = append(w.m.links, mlink{l.id, nu.id, l != x})
		if l == x {
			w.m.links = append(w.m.links, mlink{l.id, s.id, false})
		}
	}
	return fmt.Sprintf("reform on %s: list\n%s mapping\n%s", d.Format(time.DateOnly), list, mapping)
}

// refused runs an operation that must fail, and checks that it left the database
// exactly as it was.
func (w *world) refused(what string, op func() error) string {
	before := w.fingerprint()
	if err := op(); err == nil {
		w.fail("%s: not refused", what)
	}
	if after := w.fingerprint(); after != before {
		w.fail("%s: refused, but the database changed:\nbefore %s\nafter  %s", what, before, after)
	}
	return what + ": refused"
}

// fingerprint is every row of the tables a write may touch.
func (w *world) fingerprint() string {
	var b strings.Builder
	for _, table := range []string{"value", "value_history", "import_batch", "report_received", "target", "locality", "locality_successor"} {
		rows, err := w.raw.QueryContext(w.ctx, "SELECT * FROM "+table)
		w.must(err)
		cols, err := rows.Columns()
		w.must(err)
		cells := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		for rows.Next() {
			w.must(rows.Scan(ptrs...))
			fmt.Fprintln(&b, table, cells)
		}
		w.must(errors.Join(rows.Err(), rows.Close()))
	}
	return b.String()
}
