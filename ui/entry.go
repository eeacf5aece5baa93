package ui

import (
	"context"
	"image/color"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
	"danvan/data/tabular"
)

// entryStore is what the Data entry screen reads and writes.
type entryStore interface {
	Programs(ctx context.Context) ([]data.Program, error)
	ProgramByCode(ctx context.Context, code string) (data.Program, error)
	Units(ctx context.Context) ([]data.Unit, error)
	EntryGrid(ctx context.Context, programID, unitID int64, p period.Period) (data.EntryGrid, error)
	SaveEntryAccepting(ctx context.Context, set, del []data.Value, warnings []data.Breach, src data.Source) (data.WriteCounts, int, error)
	History(ctx context.Context, indicatorID, localityID, unitID int64, p period.Period) ([]data.Change, error)
}

// entryCell is one value of the grid: what is stored and what is typed.
type entryCell struct {
	had    bool // a value is stored
	orig   float64
	note   string
	stored string // the stored value as shown
	text   string // as typed
	target string // the program's target, as a hint; "" for none
}

// Entry is the data entry grid: localities by indicators for one program, period
// and unit, edited like a spreadsheet and saved in one transaction.
type Entry struct {
	store  entryStore
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	query  context.CancelFunc
	work   sync.WaitGroup

	Program, Period, Unit *widget.Select
	Table                 *entryTable
	Info                  *widget.Label // the selected cell
	Problem               *widget.Label // why the selected cell is invalid
	Warning               *widget.Label // the quality rules the selected cell breaks
	Message               *widget.Label // save results and refusals
	SaveButton            *widget.Button
	HistoryButton         *widget.Button
	root                  fyne.CanvasObject

	programs []data.Program
	units    map[int64]data.Unit
	periods  []period.Period
	unitIDs  []int64 // of the Unit select's options
	quiet    bool
	language string
	prev     [3]string // selections before the last change, to go back on Cancel

	// The grid, touched only on the UI goroutine.
	Rows       []data.Locality
	Indicators []data.ProgramIndicator
	Cells      [][]entryCell
	cur        widget.TableCellID
	editing    bool
	buf        string
	shift      bool

	// OnSaved runs after a save, for the screens that show values.
	OnSaved func()
	History []data.Change // of the last cell asked, for tests

	confirm dialog.Dialog // the open "save changes?" question
	// ConfirmButtons are the open question's Save, Don't save and Cancel, for tests.
	ConfirmButtons [3]*widget.Button
	// WarningButtons are the "save anyway?" question's Save anyway and Cancel.
	WarningButtons [2]*widget.Button

	gate *data.Gate // the quality rules of the grid loaded last
}

// entryTable is a table that takes keys like a spreadsheet.
type entryTable struct {
	widget.Table
	e *Entry
}

const entryLocalityWidth, entryValueWidth = 240, 130

// NewEntry builds the screen; call reload to fill it.
func NewEntry(store entryStore, win fyne.Window) *Entry {
	e := &Entry{store: store, win: win, language: uiLang(), units: map[int64]data.Unit{}}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.Program = widget.NewSelect(nil, func(string) { e.selectionChanged() })
	e.Period = widget.NewSelect(nil, func(string) { e.selectionChanged() })
	e.Unit = widget.NewSelect(nil, func(string) { e.selectionChanged() })
	e.Info = widget.NewLabel("")
	e.Info.Truncation = fyne.TextTruncateEllipsis
	e.Problem = widget.NewLabel("")
	e.Problem.Importance = widget.DangerImportance
	e.Problem.Wrapping = fyne.TextWrapWord
	e.Problem.Hide()
	e.Warning = widget.NewLabel("")
	e.Warning.Importance = widget.WarningImportance
	e.Warning.Wrapping = fyne.TextWrapWord
	e.Warning.Hide()
	e.Message = widget.NewLabel("")
	e.Message.Wrapping = fyne.TextWrapWord
	e.Message.Hide()
	e.SaveButton = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { e.Save(nil) })
	e.SaveButton.Importance = widget.HighImportance
	e.HistoryButton = widget.NewButtonWithIcon(lang.L("History"), theme.HistoryIcon(), e.ShowHistory)

	t := &entryTable{e: e}
	t.Length = func() (int, int) { return len(e.Rows), len(e.Indicators) + 1 }
	t.CreateCell = newEntryCellView
	t.UpdateCell = e.updateCell
	t.ShowHeaderRow = true
	t.StickyColumnCount = 1
	// Two lines a heading: the indicator's name, which the clerk reads, over its code
	// and unit of measure, which the forms and files use.
	t.CreateHeader = func() fyne.CanvasObject {
		name := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		code := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
		code.Truncation = fyne.TextTruncateEllipsis
		code.SizeName = theme.SizeNameCaptionText
		return container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, code)
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		lines := o.(*fyne.Container).Objects
		name, code := e.columnTitle(id.Col)
		lines[0].(*widget.Label).SetText(name)
		lines[1].(*widget.Label).SetText(code)
	}
	t.OnSelected = func(id widget.TableCellID) {
		e.commitEdit()
		e.cur = id
		e.showCell()
	}
	t.ExtendBaseWidget(t)
	t.SetColumnWidth(0, entryLocalityWidth)
	e.Table = t

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	top := container.NewVBox(
		// Program codes and periods are short; unit names are long and get the rest.
		newColumns([]float32{300, 240, 0}, 2, field(lang.L("Program"), e.Program), field(lang.L("Period"), e.Period), field(lang.L("Unit"), e.Unit)),
		lowLabel(lang.L("Type a number to fill the selected cell; Enter, Tab and the arrows move, Delete clears, Ctrl+V pastes a block copied from Excel, Ctrl+S saves.")),
	)
	bottom := container.NewVBox(e.Problem, e.Warning, e.Message,
		container.NewBorder(nil, nil, nil, container.NewHBox(e.HistoryButton, e.SaveButton), e.Info))
	e.root = container.NewBorder(top, bottom, nil, nil, t)
	e.showCell()
	return e
}

func (e *Entry) title() string           { return lang.L("Data entry") }
func (e *Entry) icon() fyne.Resource     { return theme.DocumentCreateIcon() }
func (e *Entry) view() fyne.CanvasObject { return e.root }
func (e *Entry) stop()                   { e.cancel() }
func (e *Entry) focusSearch()            { e.focusTable() }

func (e *Entry) focusTable() {
	// The window's canvas: just after the grid is put on screen, the driver does
	// not know yet which canvas it is on.
	if e.win != nil {
		e.win.Canvas().Focus(e.Table)
	}
}

// columnTitle is a column's heading: a name, and the code and unit under it.
func (e *Entry) columnTitle(col int) (name, code string) {
	if col == 0 {
		return lang.L("Locality"), ""
	}
	if col-1 < len(e.Indicators) {
		in := e.Indicators[col-1]
		return in.Name, in.Code + " · " + in.Unit
	}
	return "", ""
}

// reload reads the programs and units, then the grid.
func (e *Entry) reload() {
	background(&e.work, func() { e.loadCatalog(e.ctx) })
}

func (e *Entry) loadCatalog(ctx context.Context) {
	var progs []data.Program
	list, err := e.store.Programs(ctx)
	for _, p := range list {
		if err != nil {
			break
		}
		var full data.Program
		full, err = e.store.ProgramByCode(ctx, p.Code)
		progs = append(progs, full)
	}
	var units []data.Unit
	if err == nil {
		units, err = e.store.Units(ctx)
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			showError(err, e.win)
			return
		}
		if e.Dirty() {
			return // never throw typed values away behind the user's back
		}
		e.programs = progs
		e.units = make(map[int64]data.Unit, len(units))
		for _, u := range units {
			e.units[u.ID] = u
		}
		keep := e.Program.Selected
		e.quiet = true
		var opts []string
		for _, p := range progs {
			opts = append(opts, p.Code)
		}
		e.Program.SetOptions(opts)
		if keep != "" && e.programIndex(keep) >= 0 {
			e.Program.SetSelected(keep)
		} else if len(opts) > 0 {
			e.Program.SetSelectedIndex(0) // the newest program
		}
		e.fillPeriodsAndUnits(e.Period.Selected, e.Unit.Selected)
		e.quiet = false
		e.load()
	})
}

func (e *Entry) programIndex(code string) int {
	for i, p := range e.programs {
		if p.Code == code {
			return i
		}
	}
	return -1
}

func (e *Entry) program() *data.Program {
	if i := e.Program.SelectedIndex(); i >= 0 && i < len(e.programs) {
		return &e.programs[i]
	}
	return nil
}

// fillPeriodsAndUnits offers the program's periods and units, keeping the given
// choices when the program has them. Called with e.quiet set.
func (e *Entry) fillPeriodsAndUnits(keepPeriod, keepUnit string) {
	p := e.program()
	e.periods, e.unitIDs = nil, nil
	var popts, uopts []string
	def := -1
	if p != nil {
		e.periods = p.Periods()
		now := today()
		for i, pp := range e.periods {
			popts = append(popts, pp.Label(e.language))
			if pp.End().Before(now) {
				def = i // the last ended period
			}
		}
		for _, id := range p.UnitIDs {
			if u, ok := e.units[id]; ok {
				e.unitIDs = append(e.unitIDs, id)
				uopts = append(uopts, u.Code+" — "+u.Name)
			}
		}
	}
	if def < 0 && len(popts) > 0 {
		def = 0
	}
	e.Period.SetOptions(popts)
	e.Period.ClearSelected()
	if contains(popts, keepPeriod) {
		e.Period.SetSelected(keepPeriod)
	} else if def >= 0 {
		e.Period.SetSelectedIndex(def)
	}
	e.Unit.SetOptions(uopts)
	e.Unit.ClearSelected()
	if contains(uopts, keepUnit) {
		e.Unit.SetSelected(keepUnit)
	} else if len(uopts) > 0 {
		e.Unit.SetSelectedIndex(0)
	}
	e.prev = [3]string{e.Program.Selected, e.Period.Selected, e.Unit.Selected}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s && s != "" {
			return true
		}
	}
	return false
}

// selectionChanged follows a change of program, period or unit, asking first
// when the grid holds unsaved changes.
func (e *Entry) selectionChanged() {
	if e.quiet {
		return
	}
	now := [3]string{e.Program.Selected, e.Period.Selected, e.Unit.Selected}
	if now == e.prev {
		return
	}
	apply := func() {
		e.quiet = true
		e.Program.SetSelected(now[0])
		if now[0] != e.prev[0] {
			e.fillPeriodsAndUnits(e.prev[1], e.prev[2])
		} else {
			e.Period.SetSelected(now[1])
			e.Unit.SetSelected(now[2])
			e.prev = now
		}
		e.quiet = false
		e.load()
	}
	if !e.Dirty() {
		apply()
		return
	}
	// Go back until the user decides.
	e.quiet = true
	e.Program.SetSelected(e.prev[0])
	e.Period.SetSelected(e.prev[1])
	e.Unit.SetSelected(e.prev[2])
	e.quiet = false
	e.ConfirmDiscard(apply)
}

// SelectUnit chooses a unit by code, for tests and other screens.
func (e *Entry) SelectUnit(code string) bool {
	for i, id := range e.unitIDs {
		if e.units[id].Code == code {
			e.Unit.SetSelectedIndex(i)
			return true
		}
	}
	return false
}

// SelectPeriod chooses a period by its ID ("2026Q3").
func (e *Entry) SelectPeriod(id string) bool {
	for i, p := range e.periods {
		if p.ID() == id {
			e.Period.SetSelectedIndex(i)
			return true
		}
	}
	return false
}

func (e *Entry) selection() (*data.Program, period.Period, int64, bool) {
	p := e.program()
	pi, ui := e.Period.SelectedIndex(), e.Unit.SelectedIndex()
	if p == nil || pi < 0 || pi >= len(e.periods) || ui < 0 || ui >= len(e.unitIDs) {
		return nil, period.Period{}, 0, false
	}
	return p, e.periods[pi], e.unitIDs[ui], true
}

// load reads the grid for the chosen program, period and unit.
func (e *Entry) load() {
	if e.query != nil {
		e.query()
		e.query = nil
	}
	prog, p, unit, ok := e.selection()
	if !ok {
		e.setGrid(nil, nil, nil)
		return
	}
	ctx, cancel := context.WithCancel(e.ctx)
	e.query = cancel
	progCopy := *prog
	background(&e.work, func() { e.loadGrid(ctx, progCopy, p, unit) })
}

func (e *Entry) loadGrid(ctx context.Context, prog data.Program, p period.Period, unit int64) {
	grid, err := e.store.EntryGrid(ctx, prog.ID, unit, p)
	locs, targets, vals := grid.Localities, grid.Targets, grid.Values
	inds := prog.Indicators
	cells := make([][]entryCell, len(locs))
	row := map[int64]int{}
	for i, l := range locs {
		row[l.ID] = i
		cells[i] = make([]entryCell, len(inds))
	}
	col := map[int64]int{}
	for j, in := range inds {
		col[in.ID] = j
	}
	for _, t := range targets {
		i, ok1 := row[t.LocalityID]
		j, ok2 := col[t.IndicatorID]
		if ok1 && ok2 {
			cells[i][j].target = formatNumber(t.Value, inds[j].Decimals, e.language)
		}
	}
	for _, v := range vals {
		i, ok1 := row[v.LocalityID]
		j, ok2 := col[v.IndicatorID]
		if ok1 && ok2 && v.Period == p {
			c := &cells[i][j]
			c.had, c.orig, c.note = true, v.Value.Value, v.Note
			c.stored = formatNumber(v.Value.Value, inds[j].Decimals, e.language)
			c.text = c.stored
		}
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			showError(err, e.win)
			return
		}
		e.gate = grid.Gate
		e.setGrid(locs, inds, cells)
	})
}

func (e *Entry) setGrid(locs []data.Locality, inds []data.ProgramIndicator, cells [][]entryCell) {
	e.Rows, e.Indicators, e.Cells = locs, inds, cells
	e.editing, e.buf = false, ""
	bold := fyne.TextStyle{Bold: true}
	// A label needs its inner padding on both sides, and a little more: the
	// drawn text is rounded up to whole pixels, and a title a pixel too wide is cut.
	pad := 2*theme.InnerPadding() + 2*theme.Padding()
	for j := range inds {
		// Wide enough for the header, within reason.
		name, code := e.columnTitle(j + 1)
		w := max(fyne.MeasureText(name, theme.TextSize(), bold).Width, fyne.MeasureText(code, theme.CaptionTextSize(), fyne.TextStyle{}).Width) + pad
		e.Table.SetColumnWidth(j+1, min(max(w, entryValueWidth), 2*entryValueWidth))
	}
	e.Table.Refresh()
	keep := e.cur // after a save the cursor stays where it was
	if keep.Row < 0 || keep.Row >= len(locs) || keep.Col < 1 || keep.Col > len(inds) {
		keep = widget.TableCellID{Row: 0, Col: 1}
	}
	e.cur = widget.TableCellID{Row: -1, Col: -1}
	e.Table.UnselectAll()
	if len(locs) > 0 && len(inds) > 0 {
		e.Table.Select(keep)
	}
	e.showCell()
}

// Dirty reports whether the grid holds changes not saved yet.
func (e *Entry) Dirty() bool {
	if e.editing && strings.TrimSpace(e.buf) != e.cellAt(e.cur).stored {
		return true
	}
	for i := range e.Cells {
		for j := range e.Cells[i] {
			if e.Cells[i][j].changed() {
				return true
			}
		}
	}
	return false
}

func (c entryCell) changed() bool { return strings.TrimSpace(c.text) != c.stored }

func (e *Entry) cellAt(id widget.TableCellID) *entryCell {
	if id.Row < 0 || id.Row >= len(e.Cells) || id.Col < 1 || id.Col > len(e.Indicators) {
		return &entryCell{}
	}
	return &e.Cells[id.Row][id.Col-1]
}

// parse reads a cell typed for indicator in: its value, whether it is empty, and
// why it is invalid ("" when it is not).
func (e *Entry) parse(in data.ProgramIndicator, text string) (float64, bool, string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, true, ""
	}
	// A number that settles its own style ("1.234,5", "1234.5") is read so;
	// one that does not ("1.234") is read in the UI language's style.
	style, _ := tabular.DetectNumberStyle([]string{text})
	if style == tabular.Unknown {
		style = tabular.DotDecimal
		if e.language == "vi" {
			style = tabular.CommaDecimal
		}
	}
	v, dec, err := tabular.ParseNumber(text, style)
	if err != nil {
		example := "1,234.5"
		if e.language == "vi" {
			example = "1.234,5"
		}
		return 0, false, lang.L("Not a number: write digits only, e.g. {{.Example}}, without units.", map[string]any{"Example": example})
	}
	if v < 0 {
		return 0, false, lang.L("Results are zero or more; a negative number is not accepted.")
	}
	if v > data.MaxValue {
		return 0, false, lang.L("Larger than any figure this work reports; check the unit of measure.")
	}
	if dec > in.Decimals {
		if in.Decimals == 0 {
			return 0, false, lang.L("{{.Code}} is counted in whole numbers; write no decimals.", map[string]any{"Code": in.Code})
		}
		return 0, false, lang.L("{{.Code}} takes at most {{.N}} decimals.", map[string]any{"Code": in.Code, "N": in.Decimals})
	}
	return v, false, ""
}

func (e *Entry) problem(id widget.TableCellID) string {
	if id.Col < 1 || id.Col > len(e.Indicators) || id.Row < 0 || id.Row >= len(e.Cells) {
		return ""
	}
	c := e.cellAt(id)
	_, empty, reason := e.parse(e.Indicators[id.Col-1], c.text)
	if reason == "" && empty && c.had {
		return "" // clearing deletes the value on save
	}
	return reason
}

// entryCellView draws one cell: a tinted background and its text.
type entryCellView struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	label *widget.Label
}

func newEntryCellView() fyne.CanvasObject {
	v := &entryCellView{bg: canvas.NewRectangle(color.Transparent), label: widget.NewLabel("")}
	v.label.Truncation = fyne.TextTruncateEllipsis
	v.ExtendBaseWidget(v)
	return v
}

func (v *entryCellView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(v.bg, v.label))
}

func (e *Entry) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	v := o.(*entryCellView)
	l := v.label
	bg := color.Color(color.Transparent)
	style := fyne.TextStyle{}
	imp := widget.MediumImportance
	align := fyne.TextAlignTrailing
	var text string
	switch {
	case id.Row < 0 || id.Row >= len(e.Rows):
	case id.Col == 0:
		loc := e.Rows[id.Row]
		text, align = loc.Code+"  "+loc.Name, fyne.TextAlignLeading
	default:
		c := e.cellAt(id)
		text = c.text
		if e.editing && id == e.cur {
			text = e.buf + "▏"
			bg = theme.Color(theme.ColorNameInputBackground)
		} else if e.problem(id) != "" {
			imp = widget.DangerImportance
			bg = withAlpha(theme.Color(theme.ColorNameError), 0x40)
		} else if len(e.ruleWarnings(id)) > 0 {
			imp = widget.WarningImportance
			bg = withAlpha(theme.Color(theme.ColorNameWarning), 0x40)
		} else if text == "" && c.had {
			text = "—" // cleared: deleted on save
			imp = widget.DangerImportance
		} else if text == "" && c.target != "" {
			text = lang.L("target {{.Value}}", map[string]any{"Value": c.target})
			imp = widget.LowImportance
			style.Italic = true
		}
		if c.changed() {
			style.Bold = true
			if imp == widget.MediumImportance {
				imp = widget.HighImportance
			}
			text = "• " + text
		}
	}
	l.Alignment, l.TextStyle, l.Importance = align, style, imp
	l.Text = text
	l.Refresh()
	if v.bg.FillColor != bg {
		v.bg.FillColor = bg
		v.bg.Refresh()
	}
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// showCell describes the selected cell under the grid.
func (e *Entry) showCell() {
	id := e.cur
	e.HistoryButton.Disable()
	if id.Row < 0 || id.Row >= len(e.Rows) {
		if len(e.Rows) == 0 && e.program() != nil {
			e.Info.SetText(lang.L("No locality to report for: the program has no targets for this unit in this period and the unit has not reported before."))
		} else {
			e.Info.SetText("")
		}
		e.Problem.Hide()
		e.Warning.Hide()
		return
	}
	loc := e.Rows[id.Row]
	text := loc.Name + " (" + loc.Code + ")"
	if id.Col >= 1 && id.Col <= len(e.Indicators) {
		in := e.Indicators[id.Col-1]
		c := e.cellAt(id)
		text += " — " + in.Code + ": " + in.Name + " (" + in.Unit + ")"
		if c.target != "" {
			text += " — " + lang.L("target {{.Value}}", map[string]any{"Value": c.target})
		}
		if c.had {
			e.HistoryButton.Enable()
		}
	}
	e.Info.SetText(text)
	if p := e.problem(id); p != "" {
		e.Problem.SetText(p)
		e.Problem.Show()
	} else {
		e.Problem.Hide()
	}
	if w := e.CellWarning(id.Row, id.Col); w != "" {
		e.Warning.SetText(w)
		e.Warning.Show()
	} else {
		e.Warning.Hide()
	}
}

func (e *Entry) refreshCell(id widget.TableCellID) {
	e.Table.RefreshItem(id)
	e.showCell()
}

// SetCell types text into a cell, as the user would.
func (e *Entry) SetCell(id widget.TableCellID, text string) {
	if id.Col < 1 || id.Col > len(e.Indicators) || id.Row < 0 || id.Row >= len(e.Rows) {
		return
	}
	e.cellAt(id).text = strings.TrimSpace(text)
	e.Message.Hide()
	e.refreshCell(id)
}

// CellText is what a cell holds now.
func (e *Entry) CellText(row, col int) string {
	return e.cellAt(widget.TableCellID{Row: row, Col: col}).text
}

// CellProblem is why a cell is invalid, "" when it is not.
func (e *Entry) CellProblem(row, col int) string {
	return e.problem(widget.TableCellID{Row: row, Col: col})
}

// CellWarning names the quality rules a cell's figure breaks, one a line; ""
// when it breaks none.
func (e *Entry) CellWarning(row, col int) string {
	var lines []string
	for _, b := range e.ruleWarnings(widget.TableCellID{Row: row, Col: col}) {
		lines = append(lines, "⚠ "+lang.L(b.Msg.Template, b.Msg.Args))
	}
	return strings.Join(lines, "\n")
}

// figure is a cell's value as typed, when it holds a valid number.
func (e *Entry) figure(row, j int) (float64, bool) {
	v, empty, reason := e.parse(e.Indicators[j], e.Cells[row][j].text)
	return v, !empty && reason == ""
}

// ruleWarnings are the quality rules a cell's figure breaks, as typed: alone,
// and beside the other figures of its row (same locality, period and unit).
func (e *Entry) ruleWarnings(id widget.TableCellID) []data.Breach {
	_, p, unit, ok := e.selection()
	if e.gate == nil || !ok || id.Row < 0 || id.Row >= len(e.Cells) || id.Col < 1 || id.Col > len(e.Indicators) {
		return nil
	}
	v, ok := e.figure(id.Row, id.Col-1)
	if !ok {
		return nil
	}
	val := data.Value{IndicatorID: e.Indicators[id.Col-1].ID, LocalityID: e.Rows[id.Row].ID, UnitID: unit, Period: p, Value: v}
	return e.gate.Value(val, func(ind int64) (float64, bool) {
		for j, in := range e.Indicators {
			if in.ID == ind {
				return e.figure(id.Row, j)
			}
		}
		return 0, false
	})
}

// changedWarnings are the rules that the changed cells break, alone or as
// either figure of a pair: what saving asks the officer to accept.
func (e *Entry) changedWarnings() []data.Breach {
	var out []data.Breach
	for i := range e.Cells {
		for j := range e.Cells[i] {
			for _, b := range e.ruleWarnings(widget.TableCellID{Row: i, Col: j + 1}) {
				changed := e.Cells[i][j].changed()
				for k, in := range e.Indicators {
					if b.Other != nil && in.ID == b.Other.IndicatorID && e.Cells[i][k].changed() {
						changed = true
					}
				}
				if changed {
					out = append(out, b)
				}
			}
		}
	}
	return out
}

func (e *Entry) commitEdit() {
	if !e.editing {
		return
	}
	e.editing = false
	e.SetCell(e.cur, e.buf)
	e.buf = ""
}

// move goes dr rows and dc columns from the selected cell, staying in the grid.
func (e *Entry) move(dr, dc int) {
	e.commitEdit()
	id := e.cur
	id.Row = min(max(id.Row+dr, 0), len(e.Rows)-1)
	id.Col = min(max(id.Col+dc, 0), len(e.Indicators))
	if id.Row < 0 {
		return
	}
	e.Table.Select(id)
}

// TypedKey moves like a spreadsheet: arrows, Tab and Shift+Tab, Enter; Delete
// clears; Escape cancels typing.
func (t *entryTable) TypedKey(ev *fyne.KeyEvent) {
	e := t.e
	switch ev.Name {
	case fyne.KeyUp:
		e.move(-1, 0)
	case fyne.KeyDown:
		e.move(1, 0)
	case fyne.KeyLeft:
		e.move(0, -1)
	case fyne.KeyRight:
		e.move(0, 1)
	case fyne.KeyTab:
		if t.e.shift {
			e.move(0, -1)
		} else {
			e.move(0, 1)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		e.move(1, 0)
	case fyne.KeyEscape:
		if e.editing {
			e.editing, e.buf = false, ""
			e.refreshCell(e.cur)
		}
	case fyne.KeyDelete:
		e.editing, e.buf = false, ""
		e.SetCell(e.cur, "")
	case fyne.KeyBackspace:
		if e.editing {
			r := []rune(e.buf)
			if len(r) > 0 {
				e.buf = string(r[:len(r)-1])
			}
		} else if e.cur.Col > 0 {
			e.editing, e.buf = true, ""
		}
		e.refreshCell(e.cur)
	case fyne.KeyF2:
		if !e.editing && e.cur.Col > 0 {
			e.editing, e.buf = true, e.cellAt(e.cur).text
			e.refreshCell(e.cur)
		}
	}
}

// TypedRune starts or continues typing into the selected cell.
func (t *entryTable) TypedRune(r rune) {
	e := t.e
	if e.cur.Col < 1 || e.cur.Row < 0 || e.cur.Row >= len(e.Rows) {
		return
	}
	if !e.editing {
		e.editing, e.buf = true, ""
	}
	e.buf += string(r)
	e.Message.Hide()
	e.refreshCell(e.cur)
}

// TypedShortcut pastes a block and saves.
func (t *entryTable) TypedShortcut(s fyne.Shortcut) {
	switch sc := s.(type) {
	case *fyne.ShortcutPaste:
		if sc.Clipboard != nil {
			t.e.Paste(sc.Clipboard.Content())
		}
	case *fyne.ShortcutCopy:
		if sc.Clipboard != nil {
			sc.Clipboard.SetContent(t.e.cellAt(t.e.cur).text)
		}
	case *desktop.CustomShortcut:
		if sc.KeyName == fyne.KeyS && sc.Modifier == fyne.KeyModifierShortcutDefault {
			t.e.Save(nil)
		}
	}
}

// AcceptsTab keeps Tab in the grid.
func (t *entryTable) AcceptsTab() bool { return true }

// KeyDown and KeyUp track Shift, for Shift+Tab.
func (t *entryTable) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		t.e.shift = true
	}
}

// KeyUp is the other half of KeyDown.
func (t *entryTable) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		t.e.shift = false
	}
}

// FocusLost keeps what was being typed.
func (t *entryTable) FocusLost() {
	t.e.commitEdit()
	t.Table.FocusLost()
}

// Paste fills the grid from the selected cell with a block of tab separated lines,
// as Excel copies it.
func (e *Entry) Paste(text string) {
	e.commitEdit()
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" || len(e.Rows) == 0 {
		return
	}
	start := e.cur
	if start.Col < 1 {
		start.Col = 1
	}
	outside := 0
	for i, line := range strings.Split(text, "\n") {
		for j, cell := range strings.Split(strings.TrimSuffix(line, "\r"), "\t") {
			id := widget.TableCellID{Row: start.Row + i, Col: start.Col + j}
			if id.Row >= len(e.Rows) || id.Col > len(e.Indicators) {
				outside++
				continue
			}
			e.cellAt(id).text = strings.TrimSpace(cell)
		}
	}
	e.Table.Refresh()
	e.showCell()
	if outside > 0 {
		e.Message.SetText(lang.L("{{.N}} pasted cells fell outside the grid and were left out.", map[string]any{"N": outside}))
		e.Message.Importance = widget.WarningImportance
		e.Message.Show()
	} else {
		e.Message.Hide()
	}
}

// Save writes the changed cells in one transaction: changed numbers are set,
// cleared cells deleted. It is refused while a cell is invalid. then runs after a
// successful save.
func (e *Entry) Save(then func()) {
	e.commitEdit()
	prog, p, unit, ok := e.selection()
	if !ok {
		return
	}
	var set, del []data.Value
	var bad []string
	firstBad := widget.TableCellID{Row: -1}
	for i := range e.Cells {
		for j := range e.Cells[i] {
			c := e.Cells[i][j]
			if !c.changed() {
				continue
			}
			in := e.Indicators[j]
			v, empty, reason := e.parse(in, c.text)
			key := data.Value{IndicatorID: in.ID, LocalityID: e.Rows[i].ID, UnitID: unit, Period: p, Value: v, Note: c.note}
			switch {
			case reason != "":
				bad = append(bad, e.Rows[i].Name+" — "+in.Code+": "+reason)
				if firstBad.Row < 0 {
					firstBad = widget.TableCellID{Row: i, Col: j + 1}
				}
			case empty && c.had:
				del = append(del, key)
			case empty:
			case !c.had || v != c.orig:
				set = append(set, key)
			}
		}
	}
	if len(bad) > 0 {
		msg := lang.L("Not saved: {{.N}} cells are invalid. Correct them first.", map[string]any{"N": len(bad)})
		if len(bad) > 5 {
			bad = append(bad[:5], "…")
		}
		e.Message.SetText(msg + "\n" + strings.Join(bad, "\n"))
		e.Message.Importance = widget.DangerImportance
		e.Message.Show()
		e.Table.Select(firstBad)
		return
	}
	if len(set)+len(del) == 0 {
		// Only retyped the same numbers: nothing to write.
		e.load()
		if then != nil {
			then()
		}
		return
	}
	warnings := e.changedWarnings()
	if len(warnings) == 0 {
		e.write(prog.ID, set, del, nil, then)
		return
	}
	e.confirmWarnings(warnings, func() { e.write(prog.ID, set, del, warnings, then) })
}

// confirmWarnings lists the rules the figures about to be saved break, and
// runs save if the officer saves anyway.
func (e *Entry) confirmWarnings(warnings []data.Breach, save func()) {
	lines := []string{lang.L("These figures break a quality rule of the program. Save them anyway? The warnings are kept under Data quality until someone checks them.")}
	for i, b := range warnings {
		if i == 10 {
			lines = append(lines, lang.L("… and {{.N}} more", map[string]any{"N": len(warnings) - i}))
			break
		}
		loc := ""
		if l, ok := e.localityOf(b.LocalityID); ok {
			loc = l.Name + " — "
		}
		lines = append(lines, "⚠ "+loc+lang.L(b.Msg.Template, b.Msg.Args))
	}
	var d *dialog.CustomDialog
	anyway := widget.NewButtonWithIcon(lang.L("Save anyway"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		save()
	})
	anyway.Importance = widget.WarningImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	text := widget.NewLabel(strings.Join(lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(lang.L("Figures to check"), container.NewVScroll(text), e.win)
	d.SetButtons([]fyne.CanvasObject{cancel, anyway})
	d.Resize(fyne.NewSize(640, 360))
	e.WarningButtons = [2]*widget.Button{anyway, cancel}
	d.Show()
}

func (e *Entry) localityOf(id int64) (data.Locality, bool) {
	for _, l := range e.Rows {
		if l.ID == id {
			return l, true
		}
	}
	return data.Locality{}, false
}

// write saves set and del, and records the warnings accepted with them.
func (e *Entry) write(programID int64, set, del []data.Value, warnings []data.Breach, then func()) {
	e.SaveButton.Disable()
	ctx := e.ctx
	background(&e.work, func() {
		wc, n, err := e.store.SaveEntryAccepting(ctx, set, del, warnings, data.Source{Kind: "entry"})
		fyne.Do(func() {
			e.SaveButton.Enable()
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, e.win)
				return
			}
			saved := wc.Inserted + wc.Updated + n
			// The grid is what is stored now, even before it is read back.
			for i := range e.Cells {
				for j := range e.Cells[i] {
					c := &e.Cells[i][j]
					if c.changed() {
						v, empty, _ := e.parse(e.Indicators[j], c.text)
						c.had, c.orig = !empty, v
						c.stored = strings.TrimSpace(c.text)
					}
				}
			}
			e.Message.SetText(lang.L("Saved {{.N}} values.", map[string]any{"N": saved}))
			e.Message.Importance = widget.SuccessImportance
			e.Message.Show()
			if sel := e.program(); sel != nil && sel.ID == programID {
				e.load()
			}
			if e.OnSaved != nil {
				e.OnSaved()
			}
			if then != nil {
				then()
			}
		})
	})
}

// ConfirmDiscard runs then at once when nothing is unsaved; else it asks whether
// to save first, throw the changes away, or stay.
func (e *Entry) ConfirmDiscard(then func()) {
	e.commitEdit()
	if !e.Dirty() {
		then()
		return
	}
	var d *dialog.CustomDialog
	save := widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		e.Save(then)
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButton(lang.L("Don't save"), func() {
		d.Hide()
		e.discard()
		then()
	})
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	text := widget.NewLabel(lang.L("The data entry grid has changes that are not saved. Save them?"))
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(lang.L("Unsaved changes"), text, e.win)
	d.SetButtons([]fyne.CanvasObject{cancel, discard, save})
	d.Resize(fyne.NewSize(460, 180))
	e.confirm = d
	e.ConfirmButtons = [3]*widget.Button{save, discard, cancel}
	d.Show()
}

// discard puts every cell back to what is stored.
func (e *Entry) discard() {
	e.editing, e.buf = false, ""
	for i := range e.Cells {
		for j := range e.Cells[i] {
			e.Cells[i][j].text = e.Cells[i][j].stored
		}
	}
	e.Message.Hide()
	e.Table.Refresh()
	e.showCell()
}

// ShowHistory opens the history of the selected cell's value.
func (e *Entry) ShowHistory() {
	_, p, unit, ok := e.selection()
	id := e.cur
	if !ok || id.Col < 1 || id.Col > len(e.Indicators) || id.Row < 0 || id.Row >= len(e.Rows) {
		return
	}
	in, loc, u := e.Indicators[id.Col-1], e.Rows[id.Row], e.units[unit]
	ctx := e.ctx
	background(&e.work, func() {
		h, err := e.store.History(ctx, in.ID, loc.ID, unit, p)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, e.win)
				return
			}
			e.History = h
			// The Values screen's dialog, over this cell.
			v := &Values{win: e.win, language: e.language, indicators: map[int64]data.Indicator{in.ID: in.Indicator}}
			v.historyDialog(data.ValueRow{
				Value:        data.Value{IndicatorID: in.ID, LocalityID: loc.ID, UnitID: unit, Period: p},
				LocalityCode: loc.Code, LocalityName: loc.Name, IndicatorCode: in.Code, IndicatorName: in.Name,
				UnitCode: u.Code, UnitName: u.Name,
			}, h)
		})
	})
}
