package ui

import (
	"context"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
	"danvan/data/vntext"
)

// valueStore is what the Values screen reads.
type valueStore interface {
	Programs(ctx context.Context) ([]data.Program, error)
	ProgramByCode(ctx context.Context, code string) (data.Program, error)
	Indicators(ctx context.Context) ([]data.Indicator, error)
	Units(ctx context.Context) ([]data.Unit, error)
	AllLocalities(ctx context.Context) ([]data.Locality, error)
	Values(ctx context.Context, f data.ValueFilter) ([]data.ValueRow, error)
	History(ctx context.Context, indicatorID, localityID, unitID int64, p period.Period) ([]data.Change, error)
}

// maxValueRows bounds one listing: a national database holds millions of values,
// and nobody reads past a few thousand rows; the count says when there are more.
const maxValueRows = 10000

// maxLocalityOptions bounds the locality drop-down while typing.
const maxLocalityOptions = 40

// Values lists reported results under filters, and shows a value's history on click.
type Values struct {
	store  valueStore
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	query  context.CancelFunc // the listing in flight, if any
	work   sync.WaitGroup

	Program     *widget.Select
	Indicator   *widget.Select
	Unit        *widget.Select
	From, To    *widget.Entry
	Locality    *suggestEntry
	FilterError *widget.Label
	Count       *widget.Label
	Table       *widget.Table
	root        fyne.CanvasObject

	// Catalog, loaded by reload; touched only on the UI goroutine.
	programs   []data.Program // with details
	indicators map[int64]data.Indicator
	units      []data.Unit
	localities []data.Locality
	locFolded  []string
	locByLabel map[string]int64
	quiet      bool // set while filters are filled in by code, to query once

	LocalityOptions []string // offered for what was typed

	Rows      []data.ValueRow
	More      bool // the listing was cut at maxValueRows
	language  string
	History   []data.Change // of the last value clicked, for tests
	historyDl dialog.Dialog
}

var valueColumns = []float32{115, 65, 160, 230, 250, 90, 135, 170}

// valueColumn is the column of the numbers, aligned right like its title.
const valueColumn = 5

// NewValues builds the screen; call reload to fill it.
func NewValues(store valueStore, win fyne.Window) *Values {
	s := &Values{store: store, win: win, language: uiLang(), indicators: map[int64]data.Indicator{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	s.Program = widget.NewSelect(nil, func(string) { s.programChanged() })
	s.Indicator = widget.NewSelect(nil, func(string) { s.filtersChanged() })
	s.Unit = widget.NewSelect(nil, func(string) { s.filtersChanged() })
	s.From = widget.NewEntry()
	s.From.SetPlaceHolder(lang.L("e.g. Quý 1/2024"))
	s.From.OnChanged = func(string) { s.filtersChanged() }
	s.To = widget.NewEntry()
	s.To.SetPlaceHolder(lang.L("e.g. 2024Q4"))
	s.To.OnChanged = func(string) { s.filtersChanged() }
	s.Locality = newSuggestEntry()
	s.Locality.SetPlaceHolder(lang.L("All localities — type, then Down or Enter to choose"))
	s.Locality.OnChanged = func(string) { s.localityTyped() }
	s.FilterError = widget.NewLabel("")
	s.FilterError.Importance = widget.DangerImportance
	s.FilterError.Wrapping = fyne.TextWrapWord
	s.FilterError.Hide()
	s.Count = widget.NewLabel("")

	s.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.Rows), len(valueColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		s.updateCell,
	)
	s.Table.ShowHeaderColumn = false
	s.Table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	s.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignLeading
			if id.Col == valueColumn {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(s.columnTitle(id.Col))
		}
	}
	for i, w := range valueColumns {
		s.Table.SetColumnWidth(i, w)
	}
	s.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(s.Rows) {
			s.showHistory(s.Rows[id.Row])
		}
		s.Table.UnselectAll() // so that clicking the same row again works
	}

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	// Program codes and periods are short; indicator and unit names are long and
	// share the rest.
	filters := newColumns([]float32{320, 0}, 1,
		container.NewVBox(field(lang.L("Program"), s.Program), field(lang.L("From period"), s.From)),
		container.NewGridWithColumns(2,
			field(lang.L("Indicator"), s.Indicator),
			field(lang.L("Unit"), s.Unit),
			field(lang.L("To period"), s.To),
			field(lang.L("Locality"), s.Locality),
		),
	)
	hint := lowLabel(lang.L("Click a row to see the history of the value."))
	top := container.NewVBox(filters, s.FilterError, container.NewBorder(nil, nil, s.Count, hint))
	s.root = container.NewBorder(top, nil, nil, nil, s.Table)
	return s
}

func (s *Values) title() string           { return lang.L("Values") }
func (s *Values) icon() fyne.Resource     { return theme.GridIcon() }
func (s *Values) view() fyne.CanvasObject { return s.root }
func (s *Values) stop()                   { s.cancel() }
func (s *Values) focusSearch()            { s.win.Canvas().Focus(s.Locality) }

func (s *Values) columnTitle(col int) string {
	return []string{lang.L("Period"), lang.L("Code"), lang.L("Locality"), lang.L("Indicator"),
		lang.L("Unit"), lang.L("Value"), lang.L("Unit of measure"), lang.L("Note")}[col]
}

func (s *Values) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(s.Rows) {
		l.SetText("")
		return
	}
	r := s.Rows[id.Row]
	in := s.indicators[r.IndicatorID]
	l.Alignment = fyne.TextAlignLeading
	var text string
	switch id.Col {
	case 0:
		text = r.Period.Label(s.language)
	case 1:
		text = r.LocalityCode
	case 2:
		text = r.LocalityName
	case 3:
		text = r.IndicatorName
	case 4:
		text = r.UnitName
	case 5:
		text = formatNumber(r.Value.Value, in.Decimals, s.language)
		l.Alignment = fyne.TextAlignTrailing
	case 6:
		text = in.Unit
	case 7:
		text = r.Note
	}
	l.SetText(text)
}

// catalog is what the filters offer, loaded together.
type catalog struct {
	programs   []data.Program
	indicators []data.Indicator
	units      []data.Unit
	localities []data.Locality
}

func loadCatalog(ctx context.Context, st valueStore) (catalog, error) {
	var c catalog
	list, err := st.Programs(ctx)
	if err != nil {
		return c, err
	}
	for _, p := range list {
		full, err := st.ProgramByCode(ctx, p.Code)
		if err != nil {
			return c, err
		}
		c.programs = append(c.programs, full)
	}
	if c.indicators, err = st.Indicators(ctx); err != nil {
		return c, err
	}
	if c.units, err = st.Units(ctx); err != nil {
		return c, err
	}
	c.localities, err = st.AllLocalities(ctx)
	return c, err
}

// reload reads the catalog behind the filters, then lists values.
func (s *Values) reload() {
	background(&s.work, func() { s.loadFilters(s.ctx) })
}

func (s *Values) loadFilters(ctx context.Context) {
	c, err := loadCatalog(ctx, s.store)
	var folded []string
	for _, l := range c.localities {
		folded = append(folded, vntext.Fold(l.Name+" "+l.Code))
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			showError(err, s.win)
			return
		}
		s.applyCatalog(c, folded)
	})
}

func (s *Values) applyCatalog(c catalog, folded []string) {
	s.quiet = true
	defer func() { s.quiet = false; s.filtersChanged() }()
	s.programs = c.programs
	s.indicators = make(map[int64]data.Indicator, len(c.indicators))
	for _, in := range c.indicators {
		s.indicators[in.ID] = in
	}
	s.units = c.units
	s.localities = c.localities
	s.locFolded = folded
	s.locByLabel = make(map[string]int64, len(c.localities))
	for _, l := range c.localities {
		s.locByLabel[localityLabel(l)] = l.ID
	}

	progs := []string{lang.L("All programs")}
	for _, p := range s.programs {
		progs = append(progs, p.Code)
	}
	s.Program.SetOptions(progs)
	units := []string{lang.L("All units")}
	for _, u := range s.units {
		units = append(units, u.Code+" — "+u.Name)
	}
	s.Unit.SetOptions(units)
	s.Unit.SetSelectedIndex(0)
	if len(s.programs) > 0 {
		s.Program.SetSelectedIndex(1) // the newest program: what officers look at first
	} else {
		s.Program.SetSelectedIndex(0)
	}
	s.programChanged()
	s.localityTyped()
}

// localityLabel names a locality version; closed ones carry their end date, because
// codes were reused after the 2025 reform.
func localityLabel(l data.Locality) string {
	label := l.Name + " (" + l.Code + ")"
	if !l.ValidTo.IsZero() {
		label += " " + lang.L("until {{.Date}}", map[string]any{"Date": formatDate(l.ValidTo)})
	}
	return label
}

// selectedProgram is the chosen program, or nil for all.
func (s *Values) selectedProgram() *data.Program {
	i := s.Program.SelectedIndex() - 1
	if i < 0 || i >= len(s.programs) {
		return nil
	}
	return &s.programs[i]
}

// indicatorChoices are the indicators offered under the program filter.
func (s *Values) indicatorChoices() []data.Indicator {
	if p := s.selectedProgram(); p != nil {
		out := make([]data.Indicator, len(p.Indicators))
		for i, in := range p.Indicators {
			out[i] = in.Indicator
		}
		return out
	}
	out := make([]data.Indicator, 0, len(s.indicators))
	for _, in := range s.indicators {
		out = append(out, in)
	}
	sortIndicators(out)
	return out
}

func sortIndicators(ins []data.Indicator) {
	for i := 1; i < len(ins); i++ {
		for j := i; j > 0 && ins[j].Code < ins[j-1].Code; j-- {
			ins[j], ins[j-1] = ins[j-1], ins[j]
		}
	}
}

func (s *Values) programChanged() {
	prev := s.selectedIndicator()
	opts := []string{lang.L("All indicators")}
	keep := 0
	for i, in := range s.indicatorChoices() {
		opts = append(opts, in.Code+" — "+in.Name)
		if in.ID == prev {
			keep = i + 1
		}
	}
	quiet := s.quiet
	s.quiet = true
	s.Indicator.SetOptions(opts)
	s.Indicator.SetSelectedIndex(keep)
	s.quiet = quiet
	s.filtersChanged()
}

func (s *Values) selectedIndicator() int64 {
	i := s.Indicator.SelectedIndex() - 1
	ch := s.indicatorChoices()
	if i < 0 || i >= len(ch) {
		return 0
	}
	return ch[i].ID
}

// SelectIndicator chooses an indicator by code, for tests and other screens.
func (s *Values) SelectIndicator(code string) bool {
	for i, in := range s.indicatorChoices() {
		if in.Code == code {
			s.Indicator.SetSelectedIndex(i + 1)
			return true
		}
	}
	return false
}

// localityTyped offers the localities matching what was typed.
func (s *Values) localityTyped() {
	needle := vntext.Fold(s.Locality.Text)
	var opts []string
	for i, l := range s.localities {
		if strings.Contains(s.locFolded[i], needle) {
			opts = append(opts, localityLabel(l))
			if len(opts) == maxLocalityOptions {
				break
			}
		}
	}
	s.LocalityOptions = opts
	s.Locality.SetOptions(opts)
	// While a name is being typed the listing stays as it was, with no complaint:
	// only a locality chosen from the list, or an empty field, filters.
	if text := strings.TrimSpace(s.Locality.Text); text != "" {
		if _, chosen := s.locByLabel[text]; !chosen {
			return
		}
	}
	s.filtersChanged()
}

// filter reads the filter fields. It returns false, with the reason shown under the
// filters, when one of them cannot be understood.
func (s *Values) filter() (data.ValueFilter, bool) {
	var f data.ValueFilter
	var problems []string
	prog := s.selectedProgram()
	if prog != nil {
		f.ProgramID = prog.ID
	}
	f.IndicatorID = s.selectedIndicator()
	if i := s.Unit.SelectedIndex() - 1; i >= 0 && i < len(s.units) {
		f.UnitID = s.units[i].ID
	}
	var periods []string
	f.From, f.To, periods = periodRange(s.From, s.To)
	problems = append(problems, periods...)
	if text := strings.TrimSpace(s.Locality.Text); text != "" {
		id, ok := s.locByLabel[text]
		if !ok {
			problems = append(problems, lang.L("Choose a locality from the list, or clear the field."))
		}
		f.LocalityID = id
	}
	return f, showProblems(s.FilterError, problems)
}

// filtersChanged lists values for the new filters, cancelling the listing in flight.
func (s *Values) filtersChanged() {
	if s.quiet {
		return
	}
	if s.query != nil {
		s.query()
		s.query = nil
	}
	f, ok := s.filter()
	if !ok {
		s.Rows, s.More = nil, false
		s.Table.Refresh()
		s.Count.SetText("")
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.query = cancel
	s.Count.SetText(lang.L("Searching…"))
	background(&s.work, func() { s.refresh(ctx, f) })
}

// refresh lists the values for f and applies them in one fyne.Do.
func (s *Values) refresh(ctx context.Context, f data.ValueFilter) {
	f.Limit = maxValueRows + 1
	rows, err := s.store.Values(ctx, f)
	fyne.Do(func() {
		if ctx.Err() != nil {
			return // the filters changed meanwhile
		}
		if err != nil {
			s.Count.SetText("")
			showError(err, s.win)
			return
		}
		s.More = len(rows) > maxValueRows
		if s.More {
			rows = rows[:maxValueRows]
		}
		s.Rows = rows
		s.Table.ScrollToTop()
		s.Table.Refresh()
		if s.More {
			s.Count.SetText(lang.L("The first {{.N}} values; narrow the filters to see the rest.", map[string]any{"N": formatCount(len(rows))}))
		} else {
			s.Count.SetText(lang.L("{{.N}} values", map[string]any{"N": formatCount(len(rows))}))
		}
	})
}

// showHistory opens the list of changes to one value.
func (s *Values) showHistory(r data.ValueRow) {
	ctx := s.ctx
	background(&s.work, func() {
		h, err := s.store.History(ctx, r.IndicatorID, r.LocalityID, r.UnitID, r.Period)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.History = h
			s.historyDialog(r, h)
		})
	})
}

var historyColumns = []float32{140, 100, 110, 110, 110, 0}

func (s *Values) historyDialog(r data.ValueRow, h []data.Change) {
	in := s.indicators[r.IndicatorID]
	num := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return formatNumber(*v, in.Decimals, s.language)
	}
	rows := []fyne.CanvasObject{
		wrapped(r.IndicatorName + " (" + in.Unit + ") — " + r.LocalityName + " (" + r.LocalityCode + ") — " +
			r.Period.Label(s.language) + "\n" + r.UnitName),
		newColumns(historyColumns, 5, lowLabel(lang.L("When")), lowLabel(lang.L("By")), lowLabel(lang.L("Source")),
			trailing(lowLabel(lang.L("Before"))), trailing(lowLabel(lang.L("After"))), lowLabel(lang.L("Note"))),
	}
	for _, c := range h {
		note := c.NewNote
		if c.OldNote != c.NewNote && c.OldNote != "" {
			note = lang.L("was: {{.Note}}", map[string]any{"Note": c.OldNote}) + "\n" + c.NewNote
		}
		if c.Rule.Template != "" { // a warning accepted, or checked
			note = "⚠ " + lang.L(c.Rule.Template, c.Rule.Args)
			if c.Comment != "" {
				note += "\n" + c.Comment
			}
		}
		rows = append(rows, newColumns(historyColumns, 5,
			widget.NewLabel(c.At.Local().Format("02/01/2006 15:04")),
			widget.NewLabel(c.By),
			widget.NewLabel(sourceName(c.Source)),
			trailing(widget.NewLabel(num(c.Old))), trailing(widget.NewLabel(num(c.New))),
			wrapped(note)))
	}
	if len(h) == 0 {
		rows = append(rows, lowLabel(lang.L("No change has been recorded for this value.")))
	}
	if s.historyDl != nil {
		s.historyDl.Hide()
	}
	d := dialog.NewCustom(lang.L("History of the value"), lang.L("Close"), container.NewVScroll(container.NewVBox(rows...)), s.win)
	d.Resize(fyne.NewSize(760, 360))
	s.historyDl = d
	d.Show()
}

// trailing aligns a label's text right, as numbers and their titles are.
func trailing(l *widget.Label) *widget.Label {
	l.Alignment = fyne.TextAlignTrailing
	return l
}

func sourceName(kind string) string {
	switch kind {
	case "import":
		return lang.L("import")
	case "entry":
		return lang.L("entry")
	case "undo":
		return lang.L("undo")
	case "merge":
		return lang.L("merge")
	case "demo":
		return lang.L("demo")
	case data.SourceWarning:
		return lang.L("warning accepted")
	case data.SourceChecked:
		return lang.L("warning checked")
	}
	return kind
}
