package ui

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/period"
)

// dashboardStore is what the Dashboard reads.
type dashboardStore interface {
	Programs(ctx context.Context) ([]data.Program, error)
	ProgramByCode(ctx context.Context, code string) (data.Program, error)
	ByIndicatorOver(ctx context.Context, sc data.Scope, from, to period.Period) ([]data.IndicatorFigure, []data.Locality, error)
	ByChildOver(ctx context.Context, sc data.Scope, indicatorID int64, from, to period.Period) ([]data.ChildFigure, []data.Locality, error)
	Completeness(ctx context.Context, programID int64, now time.Time, graceDays int) (data.Completeness, error)
	AreaAt(ctx context.Context, d time.Time) (data.Area, error)
	Batches(ctx context.Context) ([]data.Batch, error)
	Units(ctx context.Context) ([]data.Unit, error)
}

// DashboardLinks are where the dashboard's items lead. Main points them at its
// screens; a nil link makes the items of that card inert.
type DashboardLinks struct {
	// Indicator opens the progress of one indicator of the program.
	Indicator func(p data.Program, in data.Indicator)
	// Locality opens the ranking, for the period, of the localities under parent
	// (the zero Locality: the whole country) that l belongs to.
	Locality func(p data.Program, pe period.Period, in data.Indicator, l, parent data.Locality)
	// Unit opens what a unit reported under the program.
	Unit func(p data.Program, u data.Unit)
	// Import opens one import batch.
	Import func(b data.Batch)
}

// dashboardTop is how many localities and imports the dashboard lists.
const dashboardTop = 5

// BehindRow is a locality of the "furthest behind" card.
type BehindRow struct {
	Locality data.Locality
	Parent   data.Locality // zero for a top-level locality
	data.Figure
	Percent float64
}

// UnitReport is a unit of the "not reported" card.
type UnitReport struct {
	Unit   data.Unit
	Status data.ReportStatus // data.Missing or data.Late
	Days   int               // days past the deadline (missing) or after it (late)
}

// dashboardRequest is what to show; empty fields mean the defaults.
type dashboardRequest struct {
	program   string
	period    span
	indicator string
}

// span is the time the dashboard adds up: one period of the program (from = to),
// the year so far (its first period to the last one over), or a whole year (from =
// to, a year).
type span struct{ from, to period.Period }

func single(p period.Period) span { return span{p, p} }

func (sp span) valid() bool { return sp.from.Valid() && sp.to.Valid() }

func (sp span) label(language string) string {
	switch {
	case sp.from == sp.to && sp.to.Type == period.Year:
		return lang.L("Whole year {{.Year}}", map[string]any{"Year": sp.to.Year})
	case sp.from == sp.to:
		return sp.to.Label(language)
	}
	return lang.L("Year to date, to the end of {{.Period}}", map[string]any{"Period": sp.to.Label(language)})
}

// last is the span's last period of the program's kind: the one whose reports the
// dashboard chases.
func (sp span) last(t period.Type) period.Period {
	if sp.to.Type > t {
		return period.Of(t, sp.to.End())
	}
	return sp.to
}

// dashboardData is one load of the dashboard.
type dashboardData struct {
	programs  []data.Program // without details, newest first
	program   data.Program   // with details; zero when the database has none
	period    span
	periods   []span // offered, newest first
	area      string // the localities added up, named
	indicator int    // of program.Indicators, for the ranking
	figures   []data.IndicatorFigure
	behind    []BehindRow
	level     string // of the localities in behind
	reports   []UnitReport
	batches   []data.Batch
	units     map[int64]data.Unit
}

// Dashboard is the first screen: for the current program and period, the key
// numbers against target, the localities furthest behind, the units that have not
// reported and the last imports. Each item opens the screen behind it.
type Dashboard struct {
	store      dashboardStore
	win        fyne.Window
	thresholds func() (green, amber float64)
	links      DashboardLinks
	ctx        context.Context
	cancel     context.CancelFunc
	job        context.CancelFunc // the load in flight, if any
	work       sync.WaitGroup
	language   string
	quiet      bool
	now        func() time.Time // the clock; tests stop it

	Program    *widget.Select
	Period     *widget.Select
	Indicator  *widget.Select // of the ranking
	Refresh    *widget.Button
	Message    *widget.Label // empty database, or why loading failed
	KeyList    *widget.List
	BehindList *widget.List
	UnitList   *widget.List
	ImportList *widget.List
	BehindCard *widget.Card
	UnitCard   *widget.Card
	KeyCard    *widget.Card
	ImportCard *widget.Card
	cards      fyne.CanvasObject
	empties    [4]*widget.Label // shown over an empty list
	root       fyne.CanvasObject

	// The load on screen; touched only on the UI goroutine. Exposed for tests.
	Data        dashboardData
	Figures     []data.IndicatorFigure
	Behind      []BehindRow
	NotReported []UnitReport
	Imports     []data.Batch
	Err         error
}

// NewDashboard builds the screen; call reload to fill it. thresholds gives the %
// of target at or above which a figure is on track (green) or behind (amber).
func NewDashboard(store dashboardStore, win fyne.Window, thresholds func() (green, amber float64), links DashboardLinks) *Dashboard {
	s := &Dashboard{store: store, win: win, thresholds: thresholds, links: links, language: uiLang(), now: time.Now}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	s.Program = widget.NewSelect(nil, func(string) { s.changed(false) })
	s.Period = widget.NewSelect(nil, func(string) { s.changed(true) })
	s.Indicator = widget.NewSelect(nil, func(string) { s.changed(true) })
	s.Refresh = widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), s.reload)
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Alignment = fyne.TextAlignCenter
	s.Message.Hide()

	s.KeyList = s.newList(func() int { return len(s.Figures) }, s.updateKey, s.openKey)
	s.BehindList = s.newList(func() int { return len(s.Behind) }, s.updateBehind, s.openBehind)
	s.UnitList = s.newList(func() int { return len(s.NotReported) }, s.updateUnit, s.openUnit)
	s.ImportList = widget.NewList(
		func() int { return len(s.Imports) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			detail := lowLabel("")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.UploadIcon()), nil,
				container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, detail))
		},
		s.updateImport)
	s.ImportList.OnSelected = func(id widget.ListItemID) {
		s.ImportList.UnselectAll()
		if id < len(s.Imports) && s.links.Import != nil {
			s.links.Import(s.Imports[id])
		}
	}

	for i := range s.empties {
		s.empties[i] = lowLabel("")
		s.empties[i].Wrapping = fyne.TextWrapWord
		s.empties[i].Alignment = fyne.TextAlignCenter
	}
	s.KeyCard = widget.NewCard(lang.L("Key numbers"), "", container.NewStack(s.KeyList, s.empties[0]))
	behindHead := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Indicator")), nil, s.Indicator)
	s.BehindCard = widget.NewCard(lang.L("Localities furthest behind"), "",
		container.NewBorder(behindHead, nil, nil, nil, container.NewStack(s.BehindList, s.empties[1])))
	s.UnitCard = widget.NewCard(lang.L("Overdue and late reports"), "", container.NewStack(s.UnitList, s.empties[2]))
	s.ImportCard = widget.NewCard(lang.L("Last imports"), "", container.NewStack(s.ImportList, s.empties[3]))
	// The figures get more room than the lists of units and files below them.
	rows := container.NewVSplit(container.NewAdaptiveGrid(2, s.KeyCard, s.BehindCard),
		container.NewAdaptiveGrid(2, s.UnitCard, s.ImportCard))
	rows.Offset = 0.6
	s.cards = rows

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	top := container.NewBorder(nil, nil, nil, s.Refresh, container.NewGridWithColumns(2,
		field(lang.L("Program"), s.Program), field(lang.L("Period"), s.Period)))
	s.root = container.NewBorder(top, nil, nil, nil,
		container.NewStack(s.cards, container.NewPadded(container.NewVBox(layout.NewSpacer(), s.Message, layout.NewSpacer()))))
	return s
}

func (s *Dashboard) title() string           { return lang.L("Dashboard") }
func (s *Dashboard) icon() fyne.Resource     { return theme.InfoIcon() }
func (s *Dashboard) view() fyne.CanvasObject { return s.root }
func (s *Dashboard) focusSearch()            {}
func (s *Dashboard) stop()                   { s.cancel() }

// newList makes a one-line list: status icon, name, figures on the right.
func (s *Dashboard) newList(length func() int, update func(int, *dashRow), open func(int)) *widget.List {
	l := widget.NewList(length, newDashRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		update(id, dashRowOf(o))
	})
	l.OnSelected = func(id widget.ListItemID) {
		l.UnselectAll() // so that clicking the same item again works
		open(id)
	}
	return l
}

// dashRow is the widgets of one list item.
type dashRow struct {
	icon         *widget.Icon
	name, figure *widget.Label
	status       *widget.Label
}

func newDashRow() fyne.CanvasObject {
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	figure := widget.NewLabel("")
	figure.Alignment = fyne.TextAlignTrailing
	status := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), container.NewHBox(figure, status), name)
}

func dashRowOf(o fyne.CanvasObject) *dashRow {
	c := o.(*fyne.Container) // Border: center, left, right
	right := c.Objects[2].(*fyne.Container)
	return &dashRow{icon: c.Objects[1].(*widget.Icon), name: c.Objects[0].(*widget.Label),
		figure: right.Objects[0].(*widget.Label), status: right.Objects[1].(*widget.Label)}
}

// level is where a % of target stands against the thresholds.
type level int

const (
	levelNone level = iota // no target or no result
	levelGreen
	levelAmber
	levelRed
)

func classify(pct float64, ok bool, green, amber float64) level {
	switch {
	case !ok || math.IsNaN(pct):
		return levelNone
	case pct >= green:
		return levelGreen
	case pct >= amber:
		return levelAmber
	}
	return levelRed
}

// show writes a % and its status, in words and with an icon as well as in colour.
func (s *Dashboard) showPercent(r *dashRow, f data.Figure) {
	pct, ok := f.Percent()
	if !f.HasActual {
		pct = 0 // nothing reported against a target is as far behind as it gets
	}
	green, amber := s.thresholds()
	lv := classify(pct, ok, green, amber)
	text, imp, icon := "", widget.MediumImportance, theme.QuestionIcon()
	switch lv {
	case levelGreen:
		text, imp, icon = lang.L("on track"), widget.SuccessImportance, theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case levelAmber:
		text, imp, icon = lang.L("behind"), widget.WarningImportance, theme.NewWarningThemedResource(theme.WarningIcon())
	case levelRed:
		text, imp, icon = lang.L("far behind"), widget.DangerImportance, theme.NewErrorThemedResource(theme.ErrorIcon())
	}
	switch {
	case !ok && f.HasTarget: // a % of 0 means nothing
		text = lang.L("target is 0")
	case !ok:
		text = lang.L("no target set")
	case !f.HasActual:
		text = lang.L("not reported")
	default:
		text = formatNumber(pct, 1, s.language) + "% · " + text
	}
	r.icon.SetResource(icon)
	r.status.Importance = imp
	r.status.SetText(text)
}

func (s *Dashboard) figureText(f data.Figure, in data.Indicator) string {
	actual, target := "—", "—"
	if f.HasActual {
		actual = formatNumber(f.Actual, in.Decimals, s.language)
	}
	if f.HasTarget {
		target = formatNumber(f.Target, in.Decimals, s.language)
	}
	text := actual + " / " + target
	if in.Unit != "" {
		text += " " + in.Unit
	}
	return text
}

func (s *Dashboard) updateKey(id int, r *dashRow) {
	if id >= len(s.Figures) {
		return
	}
	f := s.Figures[id]
	r.name.SetText(f.Indicator.Name)
	r.figure.SetText(s.figureText(f.Figure, f.Indicator))
	s.showPercent(r, f.Figure)
}

func (s *Dashboard) updateBehind(id int, r *dashRow) {
	if id >= len(s.Behind) {
		return
	}
	b := s.Behind[id]
	name := b.Locality.Name
	if b.Parent.ID != 0 {
		name += " · " + b.Parent.Name
	}
	r.name.SetText(name)
	r.figure.SetText(s.figureText(b.Figure, s.rankedIndicator()))
	s.showPercent(r, b.Figure)
}

func (s *Dashboard) updateUnit(id int, r *dashRow) {
	if id >= len(s.NotReported) {
		return
	}
	u := s.NotReported[id]
	r.name.SetText(u.Unit.Name)
	r.figure.SetText("")
	days := map[string]any{"N": u.Days}
	if u.Status == data.Missing {
		r.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		r.status.Importance = widget.DangerImportance
		r.status.SetText(lang.L("Overdue {{.N}} days", days))
	} else {
		r.icon.SetResource(theme.NewWarningThemedResource(theme.HistoryIcon()))
		r.status.Importance = widget.WarningImportance
		r.status.SetText(lang.L("Late {{.N}} days", days))
	}
}

func (s *Dashboard) updateImport(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.Imports) {
		return
	}
	b := s.Imports[id]
	lines := o.(*fyne.Container).Objects[0].(*fyne.Container)
	lines.Objects[0].(*widget.Label).SetText(b.FileName)
	unit := lang.L("several units")
	if u, ok := s.Data.units[b.UnitID]; ok {
		unit = u.Name
	}
	status := lang.L("committed")
	if b.Status == "undone" {
		status = lang.L("undone")
	}
	detail := b.ImportedAt.Local().Format("02/01/2006 15:04") + " · " + unit + " · " +
		lang.L("{{.Rows}} rows: {{.New}} new, {{.Changed}} changed, {{.Same}} unchanged, {{.Rejected}} rejected", map[string]any{
			"Rows": formatCount(b.Rows), "New": formatCount(b.Inserted), "Changed": formatCount(b.Updated),
			"Same": formatCount(b.Unchanged), "Rejected": formatCount(b.Rejected)}) + " · " + status
	lines.Objects[1].(*widget.Label).SetText(detail)
}

func (s *Dashboard) rankedIndicator() data.Indicator {
	if i := s.Data.indicator; i >= 0 && i < len(s.Data.program.Indicators) {
		return s.Data.program.Indicators[i].Indicator
	}
	return data.Indicator{}
}

func (s *Dashboard) openKey(id int) {
	if id < len(s.Figures) && s.links.Indicator != nil {
		s.links.Indicator(s.Data.program, s.Figures[id].Indicator)
	}
}

func (s *Dashboard) openBehind(id int) {
	if id < len(s.Behind) && s.links.Locality != nil {
		b := s.Behind[id]
		s.links.Locality(s.Data.program, s.Data.period.to, s.rankedIndicator(), b.Locality, b.Parent)
	}
}

func (s *Dashboard) openUnit(id int) {
	if id < len(s.NotReported) && s.links.Unit != nil {
		s.links.Unit(s.Data.program, s.NotReported[id].Unit)
	}
}

// reload loads the dashboard again with the choices on screen.
func (s *Dashboard) reload() {
	s.load(s.request(true))
}

// changed loads after a choice; a new program starts from its own defaults.
func (s *Dashboard) changed(keepPeriod bool) {
	if s.quiet {
		return
	}
	s.load(s.request(keepPeriod))
}

func (s *Dashboard) request(keepPeriod bool) dashboardRequest {
	var r dashboardRequest
	if i := s.Program.SelectedIndex(); i >= 0 && i < len(s.Data.programs) {
		r.program = s.Data.programs[i].Code
	}
	if !keepPeriod || r.program != s.Data.program.Code {
		return r
	}
	if i := s.Period.SelectedIndex(); i >= 0 && i < len(s.Data.periods) {
		r.period = s.Data.periods[i]
	}
	if i := s.Indicator.SelectedIndex(); i >= 0 && i < len(s.Data.program.Indicators) {
		r.indicator = s.Data.program.Indicators[i].Code
	}
	return r
}

// load reads what r asks off the UI goroutine, cancelling the load in flight.
func (s *Dashboard) load(r dashboardRequest) {
	if s.job != nil {
		s.job()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.job = cancel
	background(&s.work, func() {
		d, err := loadDashboard(ctx, s.store, r, s.now())
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			cancel()
			s.job = nil
			s.apply(d, err)
		})
	})
}

// currentProgram is the newest program in force on day, else the newest.
func currentProgram(progs []data.Program, day time.Time) data.Program {
	for _, p := range progs {
		if !day.Before(p.Start) && (p.End.IsZero() || !day.After(p.End)) {
			return p
		}
	}
	return progs[0]
}

// offeredPeriods are the program's periods that have started by day, newest first,
// and at least its first; before each year's periods, the year so far (when more
// than one of its periods is over) and the whole year.
func offeredPeriods(p data.Program, day time.Time) []span {
	var out []span
	all := p.Periods()
	last := lastEndedOn(p, day)
	year := 0
	for i := len(all) - 1; i >= 0; i-- {
		pe := all[i]
		if pe.Start().After(day) && i != 0 {
			continue
		}
		if pe.Year != year && p.PeriodType < period.Year {
			year = pe.Year
			first := period.Of(p.PeriodType, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
			if last.Year == year && last != first {
				out = append(out, span{first, last})
			}
			out = append(out, single(period.Of(period.Year, pe.Start())))
		}
		out = append(out, single(pe))
	}
	return out
}

// lastEndedOn is the program's last period over by day, within its span: where
// reports are in, and the first one while none is.
func lastEndedOn(p data.Program, day time.Time) period.Period {
	last := period.Of(p.PeriodType, day).Prev()
	if end := period.Of(p.PeriodType, p.End); !p.End.IsZero() && end.Start().Before(last.Start()) {
		last = end
	}
	if first := period.Of(p.PeriodType, p.Start); last.Start().Before(first.Start()) {
		last = first
	}
	return last
}

func loadDashboard(ctx context.Context, st dashboardStore, r dashboardRequest, now time.Time) (dashboardData, error) {
	var d dashboardData
	var err error
	if d.programs, err = st.Programs(ctx); err != nil || len(d.programs) == 0 {
		return d, err
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	code := currentProgram(d.programs, day).Code
	for _, p := range d.programs {
		if p.Code == r.program {
			code = p.Code
		}
	}
	if d.program, err = st.ProgramByCode(ctx, code); err != nil {
		return d, err
	}
	p := d.program
	d.periods = offeredPeriods(p, day)
	d.period = single(lastEndedOn(p, day))
	if r.period.valid() {
		d.period = r.period
	}
	for i, in := range p.Indicators {
		if in.Code == r.indicator {
			d.indicator = i
		}
	}
	area, err := st.AreaAt(ctx, d.period.to.End())
	if err != nil {
		return d, err
	}
	d.area = areaName(area)
	sc := data.Scope{ProgramID: p.ID}
	if d.figures, _, err = st.ByIndicatorOver(ctx, sc, d.period.from, d.period.to); err != nil {
		return d, err
	}
	if len(p.Indicators) > 0 {
		if err = d.loadBehind(ctx, st, p.Indicators[d.indicator].ID); err != nil {
			return d, err
		}
	}
	if err = d.loadReports(ctx, st, now); err != nil {
		return d, err
	}
	batches, err := st.Batches(ctx)
	if err != nil {
		return d, err
	}
	d.batches = batches[:min(len(batches), dashboardTop)]
	units, err := st.Units(ctx)
	d.units = make(map[int64]data.Unit, len(units))
	for _, u := range units {
		d.units[u.ID] = u
	}
	return d, err
}

// loadBehind ranks the localities one level under the top-level ones (districts
// under provinces), or the top-level ones when none of those has a target.
func (d *dashboardData) loadBehind(ctx context.Context, st dashboardStore, indicatorID int64) error {
	top, _, err := st.ByChildOver(ctx, data.Scope{ProgramID: d.program.ID}, indicatorID, d.period.from, d.period.to)
	if err != nil {
		return err
	}
	var tops, lows []BehindRow
	for _, t := range top {
		if pct, ok := t.Percent(); ok {
			tops = append(tops, BehindRow{Locality: t.Locality, Figure: t.Figure, Percent: pct})
		}
		kids, _, err := st.ByChildOver(ctx, data.Scope{ProgramID: d.program.ID, LocalityID: t.Locality.ID}, indicatorID, d.period.from, d.period.to)
		if err != nil {
			return err
		}
		for _, k := range kids {
			if pct, ok := k.Percent(); ok {
				lows = append(lows, BehindRow{Locality: k.Locality, Parent: t.Locality, Figure: k.Figure, Percent: pct})
			}
		}
	}
	rows := lows
	if len(rows) == 0 {
		rows = tops
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Percent < rows[j].Percent })
	d.behind = rows[:min(len(rows), dashboardTop)]
	if len(d.behind) > 0 {
		d.level = d.behind[0].Locality.Level
	}
	return nil
}

// areaName names what the dashboard adds up: a headquarters' own provinces
// ("Tỉnh Lạng Sơn, Thành phố Cần Thơ"), or the whole country when it holds them all.
func areaName(a data.Area) string {
	switch {
	case a.WholeCountry || len(a.Tops) == 0:
		return lang.L("whole country")
	case len(a.Tops) > 3:
		return lang.L("{{.N}} provinces and cities", map[string]any{"N": len(a.Tops)})
	}
	return strings.Join(a.Names(), ", ")
}

// loadReports lists the units whose report for the period is missing, then those
// that reported late, longest first.
func (d *dashboardData) loadReports(ctx context.Context, st dashboardStore, now time.Time) error {
	c, err := st.Completeness(ctx, d.program.ID, now, graceDays)
	if err != nil {
		return err
	}
	chased := d.period.last(d.program.PeriodType)
	col := -1
	for i, p := range c.Periods {
		if p == chased {
			col = i
		}
	}
	if col < 0 {
		return nil
	}
	deadline := chased.End().AddDate(0, 0, graceDays+1) // the first day a report is late
	daysFrom := func(t time.Time) int { return max(1, int(t.Sub(deadline).Hours()/24)+1) }
	for u, row := range c.Cells {
		if col >= len(row) || u >= len(c.Units) {
			continue
		}
		switch cell := row[col]; cell.Status {
		case data.Missing:
			d.reports = append(d.reports, UnitReport{Unit: c.Units[u], Status: data.Missing, Days: daysFrom(now)})
		case data.Late:
			d.reports = append(d.reports, UnitReport{Unit: c.Units[u], Status: data.Late, Days: daysFrom(cell.ReportedAt)})
		}
	}
	sort.SliceStable(d.reports, func(i, j int) bool {
		a, b := d.reports[i], d.reports[j]
		if a.Status != b.Status {
			return a.Status == data.Missing
		}
		return a.Days > b.Days
	})
	return nil
}

// apply puts a load on screen.
func (s *Dashboard) apply(d dashboardData, err error) {
	s.Err = err
	if err != nil {
		s.cards.Hide()
		s.Message.SetText(lang.L("The dashboard could not be loaded.") + "\n" + errorText(err))
		s.Message.Show()
		return
	}
	s.Data = d
	s.quiet = true
	defer func() { s.quiet = false }()
	progs := make([]string, len(d.programs))
	for i, p := range d.programs {
		progs[i] = p.Code
		if p.Title != "" {
			progs[i] += " — " + p.Title
		}
	}
	s.Program.SetOptions(progs)
	if len(d.programs) == 0 {
		s.Figures, s.Behind, s.NotReported, s.Imports = nil, nil, nil, nil
		s.Program.ClearSelected()
		s.Period.SetOptions(nil)
		s.Indicator.SetOptions(nil)
		s.cards.Hide()
		s.Message.SetText(lang.L("This database holds no coordination program yet. Create or open a database with File › New database… or File › Open database…, or load the demo data into an empty database to try danvan."))
		s.Message.Show()
		return
	}
	s.Message.Hide()
	s.cards.Show()
	for i, p := range d.programs {
		if p.Code == d.program.Code {
			s.Program.SetSelectedIndex(i)
		}
	}
	periods := make([]string, len(d.periods))
	sel := -1
	for i, p := range d.periods {
		periods[i] = p.label(s.language)
		if p == d.period {
			sel = i
		}
	}
	if sel < 0 { // asked for a period not offered: offer it too
		periods = append(periods, d.period.label(s.language))
		s.Data.periods = append(s.Data.periods, d.period)
		sel = len(periods) - 1
	}
	s.Period.SetOptions(periods)
	s.Period.SetSelectedIndex(sel)
	inds := make([]string, len(d.program.Indicators))
	for i, in := range d.program.Indicators {
		inds[i] = in.Code + " — " + in.Name
	}
	s.Indicator.SetOptions(inds)
	if len(inds) > 0 {
		s.Indicator.SetSelectedIndex(d.indicator)
	}

	s.Figures, s.Behind, s.NotReported, s.Imports = d.figures, d.behind, d.reports, d.batches
	s.KeyCard.SetSubTitle(lang.L("{{.Program}}, {{.Period}}, {{.Area}}", map[string]any{
		"Program": d.program.Code, "Period": d.period.label(s.language), "Area": d.area}))
	behindSub := lang.L("Lowest % of target")
	if d.level != "" {
		behindSub = lang.L("Lowest % of target · {{.Level}}", map[string]any{"Level": levelName(d.level)})
	}
	s.BehindCard.SetSubTitle(behindSub)
	s.UnitCard.SetSubTitle(lang.L("{{.Period}} · overdue or late: {{.N}} · overdue first", map[string]any{
		"N": len(d.reports), "Period": d.period.last(d.program.PeriodType).Label(s.language)}))
	s.ImportCard.SetSubTitle(lang.L("The {{.N}} newest files", map[string]any{"N": dashboardTop}))
	s.setEmpty(0, len(s.Figures) == 0, lang.L("The program tracks no indicator."))
	s.setEmpty(1, len(s.Behind) == 0, lang.L("No locality has a target for this indicator and period."))
	s.setEmpty(2, len(s.NotReported) == 0, lang.L("Every unit has reported on time, or the report is not due yet."))
	s.setEmpty(3, len(s.Imports) == 0, lang.L("No file has been imported yet."))
	for _, l := range []*widget.List{s.KeyList, s.BehindList, s.UnitList, s.ImportList} {
		l.Refresh()
		l.ScrollToTop()
	}
}

func (s *Dashboard) setEmpty(i int, empty bool, text string) {
	s.empties[i].SetText(text)
	if empty {
		s.empties[i].Show()
	} else {
		s.empties[i].Hide()
	}
}

// showScreenOf selects sc in the sidebar; screens are found by identity, so the
// list can grow.
func (m *Main) showScreenOf(sc screen) {
	for i, x := range m.screens {
		if x == sc {
			m.nav.Select(i)
			m.show(i)
			return
		}
	}
}

// dashboardLinks points the dashboard's items at the screens behind them.
func (m *Main) dashboardLinks() DashboardLinks {
	return DashboardLinks{
		Indicator: func(p data.Program, in data.Indicator) {
			c := m.Charts
			c.Program.SetSelected(p.Code)
			c.SelectKind(briefing.Progress)
			c.SelectIndicator(in.Code)
			c.SelectLocality(data.Locality{})
			c.From.SetText("")
			c.To.SetText("")
			m.showScreenOf(c)
		},
		Locality: func(p data.Program, pe period.Period, in data.Indicator, _, parent data.Locality) {
			c := m.Charts
			c.Program.SetSelected(p.Code)
			c.SelectKind(briefing.Ranking)
			c.SelectIndicator(in.Code)
			c.SelectLocality(parent)
			c.From.SetText(pe.Label(c.language))
			c.To.SetText(pe.Label(c.language))
			m.showScreenOf(c)
		},
		Unit: func(p data.Program, u data.Unit) {
			m.showValuesOf(p.Code, u.ID)
		},
		Import: func(data.Batch) {
			m.showScreenOf(m.Import)
			m.Import.Tabs.SelectIndex(1) // the history of batches
		},
	}
}

// showValuesOf opens the Values screen on a program (all when "") and a unit (all
// when 0), over every period.
func (m *Main) showValuesOf(program string, unitID int64) {
	v := m.Values
	if program == "" {
		v.Program.SetSelectedIndex(0)
	} else {
		v.Program.SetSelected(program)
	}
	v.Indicator.SetSelectedIndex(0)
	unit := 0
	for i, u := range v.units {
		if u.ID == unitID {
			unit = i + 1
		}
	}
	v.Unit.SetSelectedIndex(unit)
	v.From.SetText("")
	v.To.SetText("")
	v.Locality.SetText("")
	m.showScreenOf(v)
}
