package consistency

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"danvan/charts"
	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/period"
)

// check compares everything shown or printed with the reference.
func (w *world) check() {
	w.t.Helper()
	w.checkValues()
	w.checkExport()
	w.checkProgress()
	w.checkDashboard()
	w.checkPack()
}

func (w *world) checkValues() {
	rows, err := w.s.Values(w.ctx, data.ValueFilter{})
	w.must(err)
	got := map[vkey]data.ValueRow{}
	for _, r := range rows {
		got[vkey{r.IndicatorID, r.LocalityID, r.UnitID, r.Period}] = r
	}
	for _, k := range w.storedKeys(-1, false) {
		want, _ := w.m.current(k)
		r, ok := got[k]
		switch {
		case !ok:
			w.fail("value %s: missing, want %g", w.describe(row{k: k}), want.v)
		case r.Value.Value != want.v || r.BatchID != want.batch || !r.ChangedAt.Equal(want.at):
			w.fail("value %s: %g from batch %d at %s, want %g from batch %d at %s", w.describe(row{k: k}),
				r.Value.Value, r.BatchID, r.ChangedAt, want.v, want.batch, want.at)
		}
		delete(got, k)
	}
	for k, r := range got {
		w.fail("value %s = %g (batch %d) should not be there", w.describe(row{k: k}), r.Value.Value, r.BatchID)
	}
}

// checkExport reads the long export back and compares it with the stored values.
func (w *world) checkExport() {
	var buf bytes.Buffer
	w.must(w.s.ExportLong(w.ctx, &buf, data.ValueFilter{}))
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	w.must(err)
	var got, want []string
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[6], 64)
		w.must(err)
		got = append(got, fmt.Sprintf("%s %s %s %s %g", r[0], r[2], r[4], r[5], v))
	}
	for _, k := range w.storedKeys(-1, false) {
		cur, _ := w.m.current(k)
		want = append(want, fmt.Sprintf("%s %s %s %s %g", w.m.locs[k.loc].code, w.indByID(k.ind).Code, k.p.ID(), w.units[w.unitIndex(k.unit)].Code, cur.v))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		w.fail("long export:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// someLocality is any locality the reference knows, of any date.
func (w *world) someLocality() *mloc {
	ids := make([]int64, 0, len(w.m.locs))
	for id := range w.m.locs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return w.m.locs[ids[w.rng.IntN(len(ids))]]
}

func (w *world) codeID(code string) int64 {
	l, ok := w.m.byCode(code, firstPeriod.Start())
	if !ok {
		w.fail("no %s", code)
	}
	return l.id
}

func (w *world) checkProgress() {
	quarter := period.Range(firstPeriod, lastPeriod, period.Quarter)[w.rng.IntN(8)]
	scopes := []int64{0, w.codeID("01"), w.codeID("02"), w.someLocality().id, w.someLocality().id}
	for _, loc := range scopes {
		for _, in := range w.inds {
			w.compareSeries(data.Scope{ProgramID: w.prog.ID, LocalityID: loc}, in, firstPeriod, lastPeriod, period.Quarter)
		}
		w.compareChildren(data.Scope{ProgramID: w.prog.ID, LocalityID: loc}, w.inds[w.rng.IntN(3)], quarter)
	}
	in := w.inds[w.rng.IntN(3)]
	w.compareSeries(data.Scope{ProgramID: w.prog.ID, LocalityID: scopes[w.rng.IntN(len(scopes))]}, in,
		firstPeriod.Parent(period.Year), lastPeriod.Parent(period.Year), period.Year)
	w.compareSeries(data.Scope{ProgramID: w.prog.ID, LocalityID: scopes[w.rng.IntN(len(scopes))]}, in,
		period.Of(period.Month, quarter.Start()), period.Of(period.Month, quarter.Next().End()), period.Month)
	w.compareSeries(data.Scope{LocalityID: scopes[w.rng.IntN(len(scopes))], UnitID: w.units[w.rng.IntN(2)].ID}, in,
		firstPeriod, lastPeriod, period.Quarter)
}

func sameFigure(a, b data.Figure) bool {
	return a.HasActual == b.HasActual && a.HasTarget == b.HasTarget && math.Abs(a.Actual-b.Actual) < 1e-9 && math.Abs(a.Target-b.Target) < 1e-9
}

func ids(ls []data.Locality) []int64 {
	out := []int64{}
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

func (w *world) compareSeries(sc data.Scope, in data.Indicator, from, to period.Period, by period.Type) {
	ser, err := w.s.Progress(w.ctx, sc, in.ID, from, to, by)
	w.must(err)
	members, split := w.m.scope(sc.LocalityID)
	groups := period.Range(from, to, by)
	what := fmt.Sprintf("Progress(%+v, %s, %s..%s by %s)", sc, in.Code, from, to, by)
	if len(ser.Rows) != len(groups) {
		w.fail("%s: %d rows, want %d", what, len(ser.Rows), len(groups))
	}
	for i, g := range groups {
		want := w.m.figure(in.ID, members, sc.UnitID, g, sc.ProgramID != 0)
		if got := ser.Rows[i]; got.Period != g || !sameFigure(got.Figure, want) {
			w.fail("%s: %s = %+v, want %+v", what, g, got.Figure, want)
		}
	}
	if got := ids(ser.Split); !slices.Equal(got, append([]int64{}, split...)) {
		w.fail("%s: split %v, want %v", what, got, split)
	}
}

// children is what a ranking of the localities under parent shows for p.
func (w *world) children(parent int64, in data.Indicator, p period.Period) ([]*mloc, []data.Figure, []int64) {
	kids := w.m.kids(parent, p.End())
	var figs []data.Figure
	var split []int64
	// A child in force in the period keeps its own subtree's values, even when it
	// later went into a sibling.
	for _, k := range kids {
		members, sp := w.m.contributors(k.id)
		for _, o := range kids {
			if o != k {
				for id := range w.m.subtree(o.id) {
					delete(members, id)
				}
			}
		}
		figs = append(figs, w.m.figure(in.ID, members, 0, p, true))
		split = append(split, sp...)
	}
	slices.Sort(split)
	return kids, figs, slices.Compact(split)
}

func (w *world) compareChildren(sc data.Scope, in data.Indicator, p period.Period) []data.ChildFigure {
	got, split, err := w.s.ByChild(w.ctx, sc, in.ID, p)
	w.must(err)
	kids, figs, wantSplit := w.children(sc.LocalityID, in, p)
	what := fmt.Sprintf("ByChild(%+v, %s, %s)", sc, in.Code, p)
	if len(got) != len(kids) {
		w.fail("%s: %d children, want %d", what, len(got), len(kids))
	}
	for i, k := range kids {
		if got[i].Locality.ID != k.id || !sameFigure(got[i].Figure, figs[i]) {
			w.fail("%s: child %d = #%d %+v, want #%d %+v", what, i, got[i].Locality.ID, got[i].Figure, k.id, figs[i])
		}
	}
	if g := ids(split); !slices.Equal(g, append([]int64{}, wantSplit...)) {
		w.fail("%s: split %v, want %v", what, g, wantSplit)
	}
	return got
}

// checkDashboard makes the dashboard's own reads for the period it opens on: the
// last one over.
func (w *world) checkDashboard() {
	p := period.Of(period.Quarter, w.clock).Prev()
	if p.Start().Before(firstPeriod.Start()) {
		p = firstPeriod
	}
	if p.Start().After(lastPeriod.Start()) {
		p = lastPeriod
	}
	sc := data.Scope{ProgramID: w.prog.ID}
	figs, split, err := w.s.ByIndicator(w.ctx, sc, p)
	w.must(err)
	if len(figs) != len(w.inds) || len(split) != 0 {
		w.fail("ByIndicator(%s): %d figures, split %v", p, len(figs), ids(split))
	}
	for i, in := range w.inds {
		if want := w.m.figure(in.ID, nil, 0, p, true); figs[i].Indicator.ID != in.ID || !sameFigure(figs[i].Figure, want) {
			w.fail("ByIndicator(%s): %s = %+v, want %+v", p, in.Code, figs[i].Figure, want)
		}
	}
	in := w.inds[w.rng.IntN(3)]
	for _, top := range w.compareChildren(sc, in, p) {
		w.compareChildren(data.Scope{ProgramID: w.prog.ID, LocalityID: top.Locality.ID}, in, p)
	}
	c, err := w.s.Completeness(w.ctx, w.prog.ID, w.clock, grace)
	w.must(err)
	want := w.completeness()
	if len(c.Units) != len(want) || !slices.Equal(c.Periods, w.prog.Periods()) {
		w.fail("completeness: %d units, periods %v", len(c.Units), c.Periods)
	}
	for i, row := range want {
		for j, cell := range row {
			if got := c.Cells[i][j]; got.Status != cell.Status || (cell.Status >= data.OnTime && !got.ReportedAt.Equal(cell.ReportedAt)) {
				w.fail("completeness of %s for %s: %+v, want %+v", c.Units[i].Code, c.Periods[j], got, cell)
			}
		}
	}
}

// completeness is each unit's report for each program period by the reference.
func (w *world) completeness() [][]data.ReportCell {
	inds := []int64{w.inds[0].ID, w.inds[1].ID, w.inds[2].ID}
	var out [][]data.ReportCell
	for _, u := range w.units {
		var row []data.ReportCell
		for _, p := range w.prog.Periods() {
			at, ok := w.m.firstReport(u.ID, inds, p)
			row = append(row, data.ReportCell{Status: status(p, ok, at, w.clock, grace), ReportedAt: at})
		}
		out = append(out, row)
	}
	return out
}

// behindFirst orders the indicators as the pack gives them pages: by % of target in
// period p over the pack's place (as found over the whole program), lowest first,
// those without a target after, in the program's order.
func (w *world) behindFirst(code string, p period.Period) []data.Indicator {
	var members map[int64]bool
	if l, ok := w.place(code, firstPeriod, lastPeriod); ok && code != "" {
		members, _ = w.m.contributors(l.id)
	}
	pct := map[int64]float64{}
	for _, in := range w.inds {
		if v, ok := w.m.figure(in.ID, members, 0, p, true).Percent(); ok {
			pct[in.ID] = v
		}
	}
	out := slices.Clone(w.inds)
	slices.SortStableFunc(out, func(a, b data.Indicator) int {
		pa, oka := pct[a.ID]
		pb, okb := pct[b.ID]
		switch {
		case oka && okb:
			return cmp.Compare(pa, pb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out
}

// checkPack builds the briefing pack for a random quarter and place, and one
// more chart, and compares their tables with what the reference prints.
func (w *world) checkPack() {
	p := period.Range(firstPeriod, lastPeriod, period.Quarter)[w.rng.IntN(8)]
	code := []string{"", "01", "02", w.someLocality().code}[w.rng.IntN(4)]
	pr := briefing.PackRequest{Program: w.prog.Code, Period: p, Locality: code, Lang: "en", Now: w.clock, GraceDays: grace}
	what := fmt.Sprintf("pack %+v", pr)
	var want [][][]string
	base := briefing.Request{Program: w.prog.Code, Locality: code, Lang: "en", Now: w.clock, GraceDays: grace, By: period.Quarter}
	from := period.Of(period.Quarter, time.Date(p.Year, 1, 1, 0, 0, 0, 0, time.UTC))
	ok := w.resolves(code, firstPeriod, lastPeriod)
	order := w.behindFirst(code, p)
	for _, in := range order {
		for _, k := range []briefing.Kind{briefing.Progress, briefing.Cumulative} {
			r := base
			r.Kind, r.Indicator, r.From, r.To = k, in.Code, from, p
			t, good := w.table(r)
			ok = ok && good
			want = append(want, t)
		}
	}
	for _, k := range []briefing.Kind{briefing.Ranking, briefing.Breakdown, briefing.Breakdown, briefing.Completeness} {
		r := base
		r.Kind, r.Indicator, r.From, r.To, r.ByContent = k, order[0].Code, p, p, len(want) == 8
		if k == briefing.Completeness {
			r.From, r.To = firstPeriod, lastPeriod
		}
		t, good := w.table(r)
		ok = ok && good
		want = append(want, t)
	}
	b, err := briefing.Pack(w.ctx, w.s, pr)
	switch {
	case err != nil && ok:
		w.fail("%s: %v", what, err)
	case err == nil && !ok:
		w.fail("%s: built, but the place is not found for every page", what)
	case err != nil:
		return
	}
	if len(b.Pages) != len(want) {
		w.fail("%s: %d pages, want %d", what, len(b.Pages), len(want))
	}
	for i, page := range b.Pages {
		if !slices.EqualFunc(page.Table.Rows, want[i], slices.Equal) {
			w.fail("%s: page %d:\n%q\nwant\n%q", what, i, page.Table.Rows, want[i])
		}
	}
	// One chart more, by month or by year, for any place.
	r := base
	r.Kind, r.Indicator, r.Locality = briefing.Progress, w.inds[w.rng.IntN(3)].Code, w.someLocality().code
	r.By = []period.Type{period.Month, period.Year}[w.rng.IntN(2)]
	r.From, r.To = period.Of(r.By, p.Start()), period.Of(r.By, p.Next().End())
	t, good := w.table(r)
	got, err := briefing.Build(w.ctx, w.s, r)
	switch {
	case (err == nil) != good:
		w.fail("chart %+v: error %v, reference finds the place: %v", r, err, good)
	case err == nil && !slices.EqualFunc(got.Table.Rows, t, slices.Equal):
		w.fail("chart %+v:\n%q\nwant\n%q", r, got.Table.Rows, t)
	}
}

// place is the locality a chart of code over from..to is about, by the documented
// rule: the one in force at the end of the range, or else the last day it existed
// before that.
func (w *world) place(code string, from, to period.Period) (*mloc, bool) {
	if l, ok := w.m.byCode(code, to.End()); ok {
		return l, true
	}
	var last *mloc
	for _, l := range w.m.locs {
		if l.code == code && !l.from.After(to.End()) && (last == nil || l.to.After(last.to)) {
			last = l
		}
	}
	return last, last != nil
}

func (w *world) resolves(code string, from, to period.Period) bool {
	_, ok := w.place(code, from, to)
	return code == "" || ok
}

// table is what a chart's table prints by the reference, and false when its place
// cannot be found.
func (w *world) table(r briefing.Request) ([][]string, bool) {
	var members map[int64]bool
	var loc int64
	if r.Locality != "" {
		l, ok := w.place(r.Locality, r.From, r.To)
		if !ok {
			return nil, false
		}
		loc = l.id
		members, _ = w.m.contributors(loc)
	}
	var in data.Indicator
	for _, i := range w.inds {
		if i.Code == r.Indicator {
			in = i
		}
	}
	num := func(v float64, ok bool, decimals int) string {
		if !ok {
			return "–"
		}
		return charts.FormatNumber(v, decimals, "en")
	}
	// The % cell: no target and no report are said in words, never 0 %; a period
	// not over yet with nothing in is no news.
	pct := func(f data.Figure, future bool) string {
		p, ok := f.Percent()
		switch {
		case future && !f.HasActual:
			return "–"
		case !f.HasTarget:
			return "no target set"
		case !f.HasActual:
			return "not reported"
		case ok:
			return charts.FormatNumber(p, 1, "en") + " %"
		}
		return "–"
	}
	var rows [][]string
	switch r.Kind {
	case briefing.Progress, briefing.Cumulative:
		var runA, runT float64
		for _, g := range period.Range(r.From, r.To, r.By) {
			f := w.m.figure(in.ID, members, 0, g, true)
			line := []string{g.Label("en"), num(f.Actual, f.HasActual, in.Decimals), num(f.Target, f.HasTarget, in.Decimals)}
			future := g.End().After(r.Now)
			if r.Kind == briefing.Cumulative {
				runA += f.Actual
				runT += f.Target
				line = append(line, num(runA, !future, in.Decimals), num(runT, runT > 0, in.Decimals),
					pct(data.Figure{Actual: runA, Target: runT, HasTarget: runT > 0, HasActual: !future}, future))
			} else {
				line = append(line, pct(f, future))
			}
			rows = append(rows, line)
		}
	case briefing.Ranking:
		kids, figs, _ := w.children(loc, in, r.To)
		for i, k := range kids {
			if f := figs[i]; f.HasActual || f.HasTarget {
				rows = append(rows, []string{k.name, num(f.Actual, f.HasActual, in.Decimals), num(f.Target, f.HasTarget, in.Decimals), pct(f, false)})
			}
		}
	case briefing.Breakdown:
		var figs []data.Figure
		for _, i := range w.inds {
			figs = append(figs, w.m.figure(i.ID, members, 0, r.To, true))
		}
		if !r.ByContent {
			for i, f := range figs {
				rows = append(rows, []string{w.inds[i].Name, w.inds[i].Unit, num(f.Actual, f.HasActual, w.inds[i].Decimals),
					num(f.Target, f.HasTarget, w.inds[i].Decimals), pct(f, false)})
			}
			break
		}
		for _, c := range w.prog.Contents {
			var sum float64
			n := 0
			for i, f := range figs {
				if p, ok := f.Percent(); ok && w.prog.Indicators[i].KeyContent == c.Position {
					sum += p
					n++
				}
			}
			if n > 0 {
				label := fmt.Sprintf("%d. %s", c.Position, c.Title)
				rows = append(rows, []string{label, strconv.Itoa(n), charts.FormatNumber(sum/float64(n), 1, "en") + " %"})
			}
		}
	case briefing.Completeness:
		words := map[data.ReportStatus]string{data.NotDue: "Not yet due", data.OnTime: "On time", data.Late: "Late", data.Missing: "Overdue"}
		for i, row := range w.completeness() {
			line := []string{w.units[i].Name}
			for _, c := range row {
				line = append(line, words[c.Status])
			}
			rows = append(rows, line)
		}
	}
	return rows, true
}
