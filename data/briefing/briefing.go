// Package briefing turns the store's aggregates into charts and printable briefing
// packs. It is the one place that knows both sides: data answers with figures,
// charts draws plain values, and this package translates, labels and footnotes.
// The GUI and danvanctl both call it, so a chart looks the same from either.
package briefing

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"danvan/charts"
	"danvan/data"
	"danvan/data/period"
)

// Kind names a chart.
type Kind string

// The chart kinds.
const (
	Progress     Kind = "progress"
	Cumulative   Kind = "cumulative"
	Ranking      Kind = "ranking"
	Breakdown    Kind = "breakdown"
	Completeness Kind = "completeness"
)

// Kinds lists every chart kind in the order menus show them.
var Kinds = []Kind{Progress, Cumulative, Ranking, Breakdown, Completeness}

// ParseKind checks a chart kind's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("%q is not a chart kind; use progress, cumulative, ranking, breakdown or completeness", s)
}

// Request says which chart to build. Empty fields take the program's defaults.
type Request struct {
	Kind      Kind
	Program   string        // program code (required)
	Indicator string        // indicator code; default: the program's first
	Locality  string        // official code; empty: the whole country
	From, To  period.Period // default: the program's span
	By        period.Type   // grouping; default: the program's period type
	Lang      string        // "vi" or "en"
	Now       time.Time     // "today" for cumulative and completeness
	GraceDays int           // days after a period before a report counts late
	ByContent bool          // breakdown by key content instead of by indicator
}

// Store is what building charts needs from the database.
type Store interface {
	ProgramByCode(ctx context.Context, code string) (data.Program, error)
	LastLocalityByCode(ctx context.Context, code string, d time.Time) (data.Locality, error)
	Progress(ctx context.Context, sc data.Scope, indicatorID int64, from, to period.Period, by period.Type) (data.Series, error)
	ByChild(ctx context.Context, sc data.Scope, indicatorID int64, p period.Period) ([]data.ChildFigure, []data.Locality, error)
	ByIndicator(ctx context.Context, sc data.Scope, p period.Period) ([]data.IndicatorFigure, []data.Locality, error)
	Completeness(ctx context.Context, programID int64, now time.Time, graceDays int) (data.Completeness, error)
	ProgramUnitsIn(ctx context.Context, programID, localityID int64) ([]data.Unit, error)
	AreaAt(ctx context.Context, d time.Time) (data.Area, error)
}

// Built is a chart with the table of figures behind it.
type Built struct {
	Chart charts.Chart
	Table charts.Table
}

// context of one request, resolved against the database.
type resolved struct {
	Request
	prog      data.Program
	indicator data.ProgramIndicator
	locality  data.Locality // zero for the headquarters' whole area
	area      data.Area     // that area, when locality is zero
	scope     data.Scope
	t         text
}

func resolve(ctx context.Context, st Store, r Request) (*resolved, error) {
	if r.Now.IsZero() {
		r.Now = time.Now()
	}
	if r.Lang != "en" {
		r.Lang = "vi"
	}
	prog, err := st.ProgramByCode(ctx, r.Program)
	if err != nil {
		return nil, err
	}
	if !r.By.Valid() {
		r.By = prog.PeriodType
	}
	if r.From.Year == 0 {
		r.From = period.Of(r.By, prog.Start)
	}
	if r.To.Year == 0 {
		r.To = period.Of(r.By, prog.End)
		if r.Kind == Ranking || r.Kind == Breakdown {
			// One period is briefed: the last one over, where reports are in.
			if last := period.Of(r.By, r.Now).Prev(); last.Start().Before(r.To.Start()) {
				r.To = last
			}
			if r.To.Start().Before(r.From.Start()) {
				r.To = r.From
			}
		}
	}
	if r.To.Start().Before(r.From.Start()) {
		return nil, fmt.Errorf("the period range ends (%s) before it starts (%s)", r.To, r.From)
	}
	res := &resolved{Request: r, prog: prog, t: texts(r.Lang)}
	res.scope = data.Scope{ProgramID: prog.ID}
	if len(prog.Indicators) == 0 {
		return nil, fmt.Errorf("program %s tracks no indicators yet", prog.Code)
	}
	res.indicator = prog.Indicators[0]
	if r.Indicator != "" {
		found := false
		for _, pi := range prog.Indicators {
			if strings.EqualFold(pi.Code, r.Indicator) {
				res.indicator, found = pi, true
			}
		}
		if !found {
			return nil, fmt.Errorf("program %s does not track indicator %q", prog.Code, r.Indicator)
		}
	}
	if r.Locality != "" {
		// A code means something only with a date: take the locality in force at
		// the end of the range, or the last day it existed before that.
		loc, err := st.LastLocalityByCode(ctx, r.Locality, r.To.End())
		if err != nil {
			return nil, err
		}
		res.locality = loc
		res.scope.LocalityID = loc.ID
	} else if res.area, err = st.AreaAt(ctx, r.To.End()); err != nil {
		return nil, err
	}
	return res, nil
}

// Build makes one chart and its table.
func Build(ctx context.Context, st Store, r Request) (Built, error) {
	res, err := resolve(ctx, st, r)
	if err != nil {
		return Built{}, err
	}
	switch r.Kind {
	case Progress, Cumulative:
		return res.progress(ctx, st)
	case Ranking:
		return res.ranking(ctx, st)
	case Breakdown:
		return res.breakdown(ctx, st)
	case Completeness:
		return res.completeness(ctx, st)
	}
	_, err = ParseKind(string(r.Kind))
	return Built{}, err
}

// placeName names the scope: its locality, else the headquarters' own provinces,
// the whole country only when the database holds it all.
func (r *resolved) placeName() string {
	switch {
	case r.locality.ID != 0:
		return r.locality.Name
	case r.area.WholeCountry || len(r.area.Tops) == 0:
		return r.t.country
	case len(r.area.Tops) > 3:
		return fmt.Sprintf(r.t.provinces, len(r.area.Tops))
	}
	return strings.Join(r.area.Names(), ", ")
}

func (r *resolved) rangeLabel() string {
	if r.From == r.To {
		return r.From.Label(r.Lang)
	}
	return r.From.Label(r.Lang) + " – " + r.To.Label(r.Lang)
}

func (r *resolved) header(title string, unit string, split []data.Locality) charts.Header {
	h := charts.Header{
		Title:    title,
		Subtitle: r.prog.Title + " · " + r.placeName() + " · " + r.rangeLabel(),
		Unit:     unit,
		Source:   fmt.Sprintf(r.t.source, r.Now.Format(r.t.dateLayout)),
	}
	if len(split) > 0 {
		var names []string
		for _, l := range split {
			names = append(names, l.Name)
		}
		if len(names) > 4 {
			names = append(names[:4], fmt.Sprintf(r.t.andMore, len(split)-4))
		}
		h.Footnote = fmt.Sprintf(r.t.splitNote, strings.Join(names, ", "))
	}
	return h
}

func (r *resolved) num(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return charts.FormatNumber(v, r.indicator.Decimals, r.Lang)
}

// pct is the "% chỉ tiêu" cell, in the chart's own words where there is no %:
// neither a missing target nor a missing report is 0 %.
func (r *resolved) pct(f data.Figure) string {
	p, ok := f.Percent()
	switch {
	case !f.HasTarget:
		return charts.NoTarget(r.Lang)
	case !f.HasActual:
		return charts.NotReported(r.Lang)
	case ok:
		return charts.FormatNumber(p, 1, r.Lang) + " %"
	}
	return "–" // a target of 0
}

func (r *resolved) progress(ctx context.Context, st Store) (Built, error) {
	ser, err := st.Progress(ctx, r.scope, r.indicator.ID, r.From, r.To, r.By)
	if err != nil {
		return Built{}, err
	}
	var ps []charts.Period
	tbl := charts.Table{Header: []string{r.t.period, r.t.actual, r.t.target, r.t.pctOfTarget}}
	today := ""
	var runA, runT float64
	if r.Kind == Cumulative {
		tbl.Header = []string{r.t.period, r.t.actual, r.t.target, r.t.runActual, r.t.runTarget, r.t.pctOfTarget}
	}
	for _, row := range ser.Rows {
		label := row.Period.ShortLabel(r.Lang)
		actual := row.Actual
		future := row.Period.End().After(r.Now) // not over yet: reports may still come
		if !row.HasActual && (future || r.Kind == Progress) {
			actual = math.NaN()
		}
		ps = append(ps, charts.Period{Label: label, Actual: actual, Target: row.Target, HasTarget: row.HasTarget})
		if row.Period.Start().Before(r.Now) {
			today = label
		}
		line := []string{row.Period.Label(r.Lang), r.num(row.Actual, row.HasActual), r.num(row.Target, row.HasTarget)}
		fig := row.Figure
		if r.Kind == Cumulative {
			runA += row.Actual
			runT += row.Target
			fig = data.Figure{Actual: runA, Target: runT, HasTarget: runT > 0, HasActual: !future}
			line = append(line, r.num(runA, !future), r.num(runT, runT > 0))
		}
		pct := r.pct(fig)
		if future && !fig.HasActual {
			pct = "–" // not over yet: not reported is no news
		}
		line = append(line, pct)
		tbl.Rows = append(tbl.Rows, line)
	}
	name := r.indicator.Name
	if r.Kind == Cumulative {
		h := r.header(fmt.Sprintf(r.t.cumulativeTitle, name), r.indicator.Unit, ser.Split)
		return Built{Chart: charts.Cumulative{Header: h, Periods: ps, Today: today}, Table: tbl}, nil
	}
	h := r.header(fmt.Sprintf(r.t.progressTitle, name), r.indicator.Unit, ser.Split)
	return Built{Chart: charts.Progress{Header: h, Periods: ps}, Table: tbl}, nil
}

func (r *resolved) ranking(ctx context.Context, st Store) (Built, error) {
	p := r.To
	kids, split, err := st.ByChild(ctx, r.scope, r.indicator.ID, p)
	if err != nil {
		return Built{}, err
	}
	r.From = p
	var ls []charts.Locality
	tbl := charts.Table{Header: []string{r.t.locality, r.t.actual, r.t.target, r.t.pctOfTarget}}
	for _, k := range kids {
		if !k.HasActual && !k.HasTarget {
			continue // a locality the program does not work in has no place in its ranking
		}
		ls = append(ls, charts.Locality{Name: k.Locality.Name, Actual: orNaN(k.Actual, k.HasActual), Target: orNaN(k.Target, k.HasTarget)})
		tbl.Rows = append(tbl.Rows, []string{k.Locality.Name, r.num(k.Actual, k.HasActual), r.num(k.Target, k.HasTarget), r.pct(k.Figure)})
	}
	h := r.header(fmt.Sprintf(r.t.rankingTitle, r.indicator.Name), r.indicator.Unit, split)
	return Built{Chart: charts.Ranking{Header: h, Localities: ls}, Table: tbl}, nil
}

func (r *resolved) breakdown(ctx context.Context, st Store) (Built, error) {
	p := r.To
	figs, split, err := st.ByIndicator(ctx, r.scope, p)
	if err != nil {
		return Built{}, err
	}
	r.From = p
	var items []charts.Indicator
	tbl := charts.Table{Header: []string{r.t.indicator, r.t.unit, r.t.actual, r.t.target, r.t.pctOfTarget}}
	if r.ByContent {
		tbl.Header = []string{r.t.content, r.t.indicators, r.t.pctOfTarget}
		for _, c := range r.prog.Contents {
			var sum float64
			n := 0
			for _, f := range figs {
				if pct, ok := f.Percent(); ok && f.KeyContent == c.Position {
					sum += pct
					n++
				}
			}
			if n == 0 {
				continue // a content with no measurable indicator has no bar
			}
			items = append(items, charts.Indicator{Name: fmt.Sprintf("%d. %s", c.Position, c.Title), Percent: sum / float64(n)})
			tbl.Rows = append(tbl.Rows, []string{fmt.Sprintf("%d. %s", c.Position, c.Title), fmt.Sprint(n), charts.FormatNumber(sum/float64(n), 1, r.Lang) + " %"})
		}
	} else {
		for _, f := range figs {
			items = append(items, charts.Indicator{Name: f.Indicator.Name, Actual: orNaN(f.Actual, f.HasActual),
				Target: orNaN(f.Target, f.HasTarget), Percent: math.NaN(), Unit: f.Indicator.Unit})
			dec := charts.FormatNumber
			tbl.Rows = append(tbl.Rows, []string{f.Indicator.Name, f.Indicator.Unit,
				numOr(dec, f.Actual, f.HasActual, f.Indicator.Decimals, r.Lang), numOr(dec, f.Target, f.HasTarget, f.Indicator.Decimals, r.Lang), r.pct(f.Figure)})
		}
	}
	title := r.t.breakdownTitle
	if r.ByContent {
		title = r.t.contentTitle
	}
	h := r.header(title, "%", split)
	return Built{Chart: charts.Breakdown{Header: h, Items: items}, Table: tbl}, nil
}

// orNaN passes a figure to the charts, which read NaN as "none": not
// reported, or no target.
func orNaN(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}

func numOr(format func(float64, int, string) string, v float64, ok bool, decimals int, lang string) string {
	if !ok {
		return "–"
	}
	return format(v, decimals, lang)
}

func (r *resolved) completeness(ctx context.Context, st Store) (Built, error) {
	c, err := st.Completeness(ctx, r.prog.ID, r.Now, r.GraceDays)
	if err != nil {
		return Built{}, err
	}
	// Within a province or commune, the units working there: not every unit of the
	// program.
	var covered map[int64]bool
	if r.scope.LocalityID != 0 {
		units, err := st.ProgramUnitsIn(ctx, r.prog.ID, r.scope.LocalityID)
		if err != nil {
			return Built{}, err
		}
		covered = make(map[int64]bool, len(units))
		for _, u := range units {
			covered[u.ID] = true
		}
	}
	g := charts.Completeness{}
	tbl := charts.Table{Header: []string{r.t.unit}}
	for _, p := range c.Periods {
		g.Periods = append(g.Periods, p.ShortLabel(r.Lang))
		tbl.Header = append(tbl.Header, p.ShortLabel(r.Lang))
	}
	for i, u := range c.Units {
		if !expectedAny(c.Cells[i]) || (covered != nil && !covered[u.ID]) {
			continue // a unit dissolved before the program began owes it nothing
		}
		row := charts.UnitReports{Name: u.Name}
		line := []string{u.Name}
		for _, cell := range c.Cells[i] {
			row.Statuses = append(row.Statuses, chartStatus(cell.Status))
			word := ""
			if cell.Status != data.NotExpected {
				word = charts.StatusName(chartStatus(cell.Status), r.Lang)
			}
			line = append(line, word)
		}
		g.Units = append(g.Units, row)
		tbl.Rows = append(tbl.Rows, line)
	}
	r.From, r.To = period.Of(r.prog.PeriodType, r.prog.Start), period.Of(r.prog.PeriodType, r.prog.End)
	g.Header = r.header(r.t.completenessTitle, "", nil)
	g.Header.Subtitle = r.prog.Title + " · " + r.rangeLabel() + " · " + fmt.Sprintf(r.t.graceNote, r.GraceDays)
	return Built{Chart: g, Table: tbl}, nil
}

func expectedAny(cells []data.ReportCell) bool {
	for _, c := range cells {
		if c.Status != data.NotExpected {
			return true
		}
	}
	return false
}

// chartStatus maps a report status onto the chart's legend. A unit that did not
// exist in a period owes nothing, which reads as "not due".
func chartStatus(s data.ReportStatus) charts.Status {
	switch s {
	case data.OnTime:
		return charts.OnTime
	case data.Late:
		return charts.Late
	case data.Missing:
		return charts.Missing
	}
	return charts.NotDue
}
