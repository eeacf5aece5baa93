package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
)

// programStore is what the Programs screen reads and writes, the targets grid
// included.
type programStore interface {
	Programs(ctx context.Context) ([]data.Program, error)
	ProgramByCode(ctx context.Context, code string) (data.Program, error)
	Units(ctx context.Context) ([]data.Unit, error)
	Indicators(ctx context.Context) ([]data.Indicator, error)
	SaveProgram(ctx context.Context, p data.Program) (data.Program, error)
	SaveIndicator(ctx context.Context, in data.Indicator) (data.Indicator, error)
	targetStore
	rulesStore
}

// Programs lists the coordination programs and shows one in full: its key contents,
// the indicators under each, and the units expected to report.
type Programs struct {
	store  programStore
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	work   sync.WaitGroup

	List   *widget.List
	Detail *fyne.Container // rebuilt for each program
	root   fyne.CanvasObject

	NewButton, EditButton, TargetsButton *widget.Button
	Form                                 *ProgramForm   // the open form, for tests
	Targets                              *Targets       // the open targets grid, for tests
	TargetsClose                         *widget.Button // its Close button, for tests
	RulesButton                          *widget.Button
	Rules                                *RulesEditor // the open rules editor, for tests

	OnChanged func() // called after a program or its targets are saved

	programs   []data.Program
	Selected   data.Program // with details, once loaded
	selectCode string       // the program to select after the next refresh
}

// NewPrograms builds the screen; call reload to fill it.
func NewPrograms(store programStore, win fyne.Window) *Programs {
	s := &Programs{store: store, win: win}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.List = widget.NewList(
		func() int { return len(s.programs) },
		func() fyne.CanvasObject {
			code := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title := widget.NewLabel("")
			title.Wrapping = fyne.TextWrapWord
			return container.NewVBox(code, title)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			p := s.programs[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(p.Code + "   " + formatDate(p.Start) + " – " + formatDate(p.End))
			box.Objects[1].(*widget.Label).SetText(p.Title)
			s.List.SetItemHeight(id, box.MinSize().Height)
		},
	)
	s.List.OnSelected = func(id widget.ListItemID) {
		code := s.programs[id].Code
		background(&s.work, func() { s.loadProgram(s.ctx, code) })
	}
	s.Detail = container.NewVBox(widget.NewLabel(lang.L("Select a program.")))
	s.NewButton = widget.NewButtonWithIcon(lang.L("New program…"), theme.ContentAddIcon(), func() { s.openForm(false) })
	s.EditButton = widget.NewButtonWithIcon(lang.L("Edit…"), theme.DocumentCreateIcon(), func() { s.openForm(true) })
	s.TargetsButton = widget.NewButtonWithIcon(lang.L("Targets…"), theme.GridIcon(), s.openTargets)
	s.EditButton.Disable()
	s.TargetsButton.Disable()
	s.RulesButton = widget.NewButtonWithIcon(lang.L("Quality rules…"), theme.WarningIcon(), func() {
		s.Rules = newRulesEditor(s.store, s.win, s.ctx, &s.work, s.Selected, s.OnChanged)
	})
	s.RulesButton.Disable()
	bar := container.NewHBox(s.NewButton, s.EditButton, s.TargetsButton, s.RulesButton)
	split := container.NewHSplit(s.List, container.NewVScroll(container.NewPadded(s.Detail)))
	split.Offset = 0.3
	s.root = container.NewBorder(bar, nil, nil, nil, split)
	return s
}

func (s *Programs) title() string           { return lang.L("Programs") }
func (s *Programs) icon() fyne.Resource     { return theme.DocumentIcon() }
func (s *Programs) view() fyne.CanvasObject { return s.root }
func (s *Programs) stop()                   { s.cancel() }
func (s *Programs) focusSearch()            { s.win.Canvas().Focus(s.List) }

func (s *Programs) reload() {
	background(&s.work, func() { s.refresh(s.ctx) })
}

func (s *Programs) refresh(ctx context.Context) {
	ps, err := s.store.Programs(ctx)
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			showError(err, s.win)
			return
		}
		s.programs = ps
		keep := s.selectCode
		if keep == "" {
			keep = s.Selected.Code // a reload after someone else's change keeps the officer's choice
		}
		s.Selected = data.Program{}
		s.EditButton.Disable()
		s.TargetsButton.Disable()
		s.RulesButton.Disable()
		s.List.UnselectAll()
		s.List.Refresh()
		if i := slices.IndexFunc(ps, func(p data.Program) bool { return p.Code == keep }); i >= 0 {
			s.List.Select(i)
		} else if len(ps) > 0 {
			s.List.Select(0)
		} else {
			s.Detail.Objects = []fyne.CanvasObject{widget.NewLabel(lang.L("This database holds no programs yet."))}
			s.Detail.Refresh()
		}
	})
}

func (s *Programs) loadProgram(ctx context.Context, code string) {
	p, err := s.store.ProgramByCode(ctx, code)
	var units []data.Unit
	if err == nil {
		units, err = s.store.Units(ctx)
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			showError(err, s.win)
			return
		}
		s.Selected = p
		s.EditButton.Enable()
		s.TargetsButton.Enable()
		s.RulesButton.Enable()
		s.Detail.Objects = programDetail(p, units)
		s.Detail.Refresh()
	})
}

func periodTypeName(t period.Type) string {
	switch t {
	case period.Month:
		return lang.L("monthly")
	case period.Quarter:
		return lang.L("quarterly")
	case period.Half:
		return lang.L("half-yearly")
	case period.Year:
		return lang.L("yearly")
	}
	return t.String()
}

func rollupName(r data.Rollup) string {
	switch r {
	case data.Sum:
		return lang.L("sum")
	case data.Last:
		return lang.L("latest")
	case data.Max:
		return lang.L("largest")
	}
	return string(r)
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// indicatorColumns are the widths of the indicator grid; the name takes the rest.
var indicatorColumns = []float32{130, 0, 120, 160, 70}

func programDetail(p data.Program, units []data.Unit) []fyne.CanvasObject {
	title := heading(p.Title)
	title.SizeName = theme.SizeNameSubHeadingText
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Code"), wrapped(p.Code)),
		widget.NewFormItem(lang.L("Parties"), wrapped(p.Parties)),
		widget.NewFormItem(lang.L("Duration"), wrapped(formatDate(p.Start)+" – "+formatDate(p.End))),
		widget.NewFormItem(lang.L("Reporting"), wrapped(periodTypeName(p.PeriodType))),
		widget.NewFormItem(lang.L("Summary"), wrapped(p.Description)),
	)
	out := []fyne.CanvasObject{title, form, widget.NewSeparator(), heading(lang.L("Key contents and indicators"))}

	header := func() fyne.CanvasObject {
		return newColumns(indicatorColumns, 1,
			lowLabel(lang.L("Code")), lowLabel(lang.L("Indicator")), lowLabel(lang.L("Unit of measure")),
			lowLabel(lang.L("Over time")), lowLabel(lang.L("Decimals")))
	}
	row := func(in data.ProgramIndicator) fyne.CanvasObject {
		name := widget.NewLabel(in.Name)
		name.Wrapping = fyne.TextWrapWord
		return newColumns(indicatorColumns, 1, widget.NewLabel(in.Code), name, widget.NewLabel(in.Unit),
			widget.NewLabel(rollupName(in.Rollup)), widget.NewLabel(strconv.Itoa(in.Decimals)))
	}
	contents := append([]data.KeyContent(nil), p.Contents...)
	if hasLoose(p) {
		contents = append(contents, data.KeyContent{Position: 0, Title: lang.L("Other indicators")})
	}
	for _, c := range contents {
		label := c.Title
		if c.Position > 0 {
			label = fmt.Sprintf("%d. %s", c.Position, c.Title)
		}
		out = append(out, heading(label))
		var rows []fyne.CanvasObject
		for _, in := range p.Indicators {
			if in.KeyContent == c.Position {
				rows = append(rows, row(in))
			}
		}
		if len(rows) == 0 {
			out = append(out, lowLabel(lang.L("No indicator under this content.")))
			continue
		}
		out = append(out, header())
		out = append(out, rows...)
	}

	out = append(out, widget.NewSeparator(), heading(lang.L("Participating units")))
	byID := make(map[int64]data.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	if len(p.UnitIDs) == 0 {
		out = append(out, lowLabel(lang.L("No unit is listed.")))
	}
	for _, id := range p.UnitIDs {
		u := byID[id]
		out = append(out, newColumns([]float32{130, 0}, 1, widget.NewLabel(u.Code), wrapped(u.Name)))
	}
	return out
}

func hasLoose(p data.Program) bool {
	for _, in := range p.Indicators {
		if in.KeyContent == 0 {
			return true
		}
	}
	return false
}

// oneLine is text typed in a wrapped entry as one line: a key content's title
// is a sentence, whatever line breaks were typed into it.
func oneLine(text string) string { return strings.Join(strings.Fields(text), " ") }

func lowLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.LowImportance
	return l
}

// openForm loads the catalog and opens the program form, empty or on the selected
// program.
func (s *Programs) openForm(edit bool) {
	p := data.Program{PeriodType: period.Quarter}
	if edit {
		if s.Selected.ID == 0 {
			return
		}
		p = s.Selected
	}
	background(&s.work, func() {
		inds, err := s.store.Indicators(s.ctx)
		var units []data.Unit
		if err == nil {
			units, err = s.store.Units(s.ctx)
		}
		fyne.Do(func() {
			if s.ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.Form = newProgramForm(s, p, edit, inds, units)
			s.Form.show()
		})
	})
}

// saved shows the program just saved, and tells the other screens.
func (s *Programs) saved(p data.Program) {
	s.selectCode = p.Code
	s.reload()
	if s.OnChanged != nil {
		s.OnChanged()
	}
}

// openTargets opens the targets grid of the selected program.
func (s *Programs) openTargets() {
	if s.Selected.ID == 0 {
		return
	}
	g := NewTargets(s.store, s.win, s.Selected)
	s.Targets = g
	d := dialog.NewCustomWithoutButtons(lang.L("Targets")+" — "+s.Selected.Code, g.view(), s.win)
	// Closing asks first when edits are not saved: a grid of targets is long to type.
	s.TargetsClose = widget.NewButton(lang.L("Close"), func() { g.ConfirmDiscard(d.Hide) })
	d.SetButtons([]fyne.CanvasObject{s.TargetsClose})
	d.SetOnClosed(g.stop)
	g.OnSaved = s.OnChanged // the dashboard and charts measure against the targets
	size := fyne.NewSize(1100, 680)
	if s.win != nil {
		cs := s.win.Canvas().Size()
		size = fyne.NewSize(max(min(cs.Width-40, 1300), 600), max(cs.Height-40, 400))
	}
	d.Resize(size)
	d.Show()
	s.Targets.reload()
}

// ProgramForm creates or edits a program with its key contents, indicators and
// participating units. Its fields are exposed for tests.
type ProgramForm struct {
	screen *Programs
	edit   bool
	id     int64
	dlg    dialog.Dialog

	Code, Title, Parties, Start, End *widget.Entry
	Description                      *widget.Entry
	PeriodType                       *widget.Select
	Contents                         []*contentRow
	Indicators                       []*indicatorRow
	Units                            map[int64]*widget.Check
	Error                            *widget.Label
	SaveButton                       *widget.Button
	AddContent, AddIndicator         *widget.Button
	NewIndicator                     *widget.Button
	IndicatorForm                    *IndicatorForm // the open "new indicator" form, for tests

	contentBox, indicatorBox *fyne.Container
	catalog                  []data.Indicator
	units                    []data.Unit
	busy                     bool
}

// contentRow is one key content in the form.
type contentRow struct {
	Title            *widget.Entry
	up, down, remove *widget.Button
}

// indicatorRow is one indicator in the form, under a key content or none.
type indicatorRow struct {
	Indicator *widget.Select
	Content   *widget.Select
	remove    *widget.Button
	content   *contentRow // nil: under no key content
}

var periodTypes = []period.Type{period.Month, period.Quarter, period.Half, period.Year}

func newProgramForm(s *Programs, p data.Program, edit bool, catalog []data.Indicator, units []data.Unit) *ProgramForm {
	f := &ProgramForm{screen: s, edit: edit, id: p.ID, catalog: catalog, units: units, Units: map[int64]*widget.Check{}}
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.Code = entry(p.Code, lang.L("e.g. CTPH-2027"))
	if edit {
		f.Code.Disable() // the code names the program; a new code is a new program
	}
	multi := func(text, placeholder string, rows int) *widget.Entry {
		e := widget.NewMultiLineEntry()
		e.Wrapping = fyne.TextWrapWord
		e.SetMinRowsVisible(rows)
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.Title = multi(p.Title, "", 2)
	f.Parties = multi(p.Parties, lang.L("Who signed it, separated by ;"), 3)
	f.Start = entry(formatDate(p.Start), lang.L("dd/mm/yyyy"))
	f.End = entry(formatDate(p.End), lang.L("dd/mm/yyyy"))
	var typeNames []string
	for _, t := range periodTypes {
		typeNames = append(typeNames, periodTypeName(t))
	}
	f.PeriodType = widget.NewSelect(typeNames, nil)
	if i := slices.Index(periodTypes, p.PeriodType); i >= 0 {
		f.PeriodType.SetSelectedIndex(i)
	}
	f.Description = multi(p.Description, "", 3)

	f.contentBox = container.NewVBox()
	f.indicatorBox = container.NewVBox()
	byPos := map[int]*contentRow{}
	for _, c := range p.Contents {
		byPos[c.Position] = f.addContent(c.Title)
	}
	for _, in := range p.Indicators {
		f.addIndicator(in.ID, byPos[in.KeyContent])
	}
	f.AddContent = widget.NewButtonWithIcon(lang.L("Add key content"), theme.ContentAddIcon(), func() {
		r := f.addContent("")
		f.rebuild()
		if s.win != nil {
			s.win.Canvas().Focus(r.Title)
		}
	})
	f.AddIndicator = widget.NewButtonWithIcon(lang.L("Add indicator"), theme.ContentAddIcon(), func() {
		f.addIndicator(0, nil)
		f.rebuild()
	})
	f.NewIndicator = widget.NewButtonWithIcon(lang.L("New indicator…"), theme.DocumentCreateIcon(), f.openIndicatorForm)

	selected := map[int64]bool{}
	for _, id := range p.UnitIDs {
		selected[id] = true
	}
	depth := map[int64]int{}
	unitBox := container.NewVBox()
	for _, u := range units {
		if u.ParentID != 0 {
			depth[u.ID] = depth[u.ParentID] + 1
		}
		c := widget.NewCheck(u.Name+" ("+u.Code+")", nil)
		c.SetChecked(selected[u.ID])
		f.Units[u.ID] = c
		indent := canvas.NewRectangle(nil)
		indent.SetMinSize(fyne.NewSize(float32(depth[u.ID])*24, 1))
		unitBox.Add(container.NewBorder(nil, nil, indent, nil, c))
	}
	if len(units) == 0 {
		unitBox.Add(lowLabel(lang.L("No unit is listed.")))
	}

	f.Error = widget.NewLabel("")
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	f.Error.Hide()
	f.SaveButton = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), f.Save)
	f.SaveButton.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })

	fields := widget.NewForm(
		widget.NewFormItem(lang.L("Code"), f.Code),
		widget.NewFormItem(lang.L("Program title"), f.Title),
		widget.NewFormItem(lang.L("Parties"), f.Parties),
		widget.NewFormItem(lang.L("Start date"), f.Start),
		widget.NewFormItem(lang.L("End date"), f.End),
		widget.NewFormItem(lang.L("Reporting"), f.PeriodType),
		widget.NewFormItem(lang.L("Summary"), f.Description),
	)
	left := container.NewVBox(fields, widget.NewSeparator(),
		heading(lang.L("Key contents")), f.contentBox, container.NewHBox(f.AddContent))
	right := container.NewVBox(
		heading(lang.L("Indicators")), f.indicatorBox, container.NewHBox(f.AddIndicator, f.NewIndicator),
		widget.NewSeparator(), heading(lang.L("Participating units")), unitBox)
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(left)), container.NewVScroll(container.NewPadded(right)))
	split.Offset = 0.5
	bottom := container.NewVBox(f.Error, container.NewBorder(nil, nil, nil, container.NewHBox(cancel, f.SaveButton)))
	content := container.NewBorder(nil, bottom, nil, nil, split)

	title := lang.L("New program")
	if edit {
		title = lang.L("Edit program") + " " + p.Code
	}
	f.dlg = dialog.NewCustomWithoutButtons(title, content, s.win)
	f.rebuild()
	return f
}

func (f *ProgramForm) show() {
	size := fyne.NewSize(1100, 680)
	if f.screen.win != nil {
		cs := f.screen.win.Canvas().Size()
		size = fyne.NewSize(max(min(cs.Width-40, 1200), 600), max(cs.Height-40, 400))
	}
	f.dlg.Resize(size)
	f.dlg.Show()
}

func (f *ProgramForm) addContent(title string) *contentRow {
	// Titles are sentences: wrapped over two lines they show whole, where a
	// one-line entry would scroll them out of sight.
	r := &contentRow{Title: widget.NewMultiLineEntry()}
	r.Title.Wrapping = fyne.TextWrapWord
	r.Title.SetMinRowsVisible(2)
	r.Title.SetText(title)
	r.Title.SetPlaceHolder(lang.L("Title of the key content"))
	r.Title.OnChanged = func(string) { f.refreshContentOptions() }
	move := func(d int) {
		i := slices.Index(f.Contents, r)
		if j := i + d; i >= 0 && j >= 0 && j < len(f.Contents) {
			f.Contents[i], f.Contents[j] = f.Contents[j], f.Contents[i]
			f.rebuild()
		}
	}
	r.up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { move(-1) })
	r.down = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { move(1) })
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		f.Contents = slices.DeleteFunc(f.Contents, func(c *contentRow) bool { return c == r })
		for _, in := range f.Indicators {
			if in.content == r {
				in.content = nil
			}
		}
		f.rebuild()
	})
	f.Contents = append(f.Contents, r)
	return r
}

func (f *ProgramForm) indicatorLabel(in data.Indicator) string {
	return in.Code + " — " + in.Name
}

func (f *ProgramForm) addIndicator(id int64, content *contentRow) *indicatorRow {
	r := &indicatorRow{content: content}
	var names []string
	for _, in := range f.catalog {
		names = append(names, f.indicatorLabel(in))
	}
	r.Indicator = widget.NewSelect(names, nil)
	r.Indicator.PlaceHolder = lang.L("(choose an indicator)")
	if i := slices.IndexFunc(f.catalog, func(in data.Indicator) bool { return in.ID == id }); i >= 0 {
		r.Indicator.SetSelectedIndex(i)
	}
	r.Content = widget.NewSelect(nil, func(string) {
		if i := r.Content.SelectedIndex(); i > 0 && i <= len(f.Contents) {
			r.content = f.Contents[i-1]
		} else if i == 0 {
			r.content = nil
		}
	})
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		f.Indicators = slices.DeleteFunc(f.Indicators, func(x *indicatorRow) bool { return x == r })
		f.rebuild()
	})
	f.Indicators = append(f.Indicators, r)
	return r
}

// refreshContentOptions offers the current key contents to every indicator row,
// keeping each row's choice.
func (f *ProgramForm) refreshContentOptions() {
	opts := []string{lang.L("(no key content)")}
	for i, c := range f.Contents {
		opts = append(opts, fmt.Sprintf("%d. %s", i+1, oneLine(c.Title.Text)))
	}
	for _, r := range f.Indicators {
		keep := r.content
		r.Content.Options = opts
		r.Content.SetSelectedIndex(slices.Index(f.Contents, keep) + 1)
		r.content = keep
	}
}

// rebuild lays the key contents and indicators out again after a change of order.
func (f *ProgramForm) rebuild() {
	f.contentBox.Objects = nil
	for i, r := range f.Contents {
		num := widget.NewLabel(strconv.Itoa(i+1) + ".")
		r.up.Enable()
		r.down.Enable()
		if i == 0 {
			r.up.Disable()
		}
		if i == len(f.Contents)-1 {
			r.down.Disable()
		}
		f.contentBox.Add(container.NewBorder(nil, nil, num, container.NewHBox(r.up, r.down, r.remove), r.Title))
	}
	if len(f.Contents) == 0 {
		f.contentBox.Add(lowLabel(lang.L("No key content yet.")))
	}
	f.contentBox.Refresh()
	f.refreshContentOptions()
	f.indicatorBox.Objects = nil
	for _, r := range f.Indicators {
		f.indicatorBox.Add(container.NewBorder(nil, nil, nil, r.remove,
			container.NewGridWithColumns(2, r.Indicator, r.Content)))
	}
	if len(f.Indicators) == 0 {
		f.indicatorBox.Add(lowLabel(lang.L("No indicator yet.")))
	}
	f.indicatorBox.Refresh()
}

// program reads the form, and lists what is wrong with it, field by field.
func (f *ProgramForm) program() (data.Program, []string) {
	var problems []string
	bad := func(field, msg string) { problems = append(problems, field+": "+msg) }
	p := data.Program{
		ID:          f.id,
		Code:        strings.TrimSpace(f.Code.Text),
		Title:       strings.TrimSpace(f.Title.Text),
		Parties:     strings.TrimSpace(f.Parties.Text),
		Description: strings.TrimSpace(f.Description.Text),
	}
	if p.Code == "" {
		bad(lang.L("Code"), lang.L("required"))
	}
	if p.Title == "" {
		bad(lang.L("Program title"), lang.L("required"))
	}
	var startOK, endOK bool
	p.Start, startOK = parseDate(f.Start.Text)
	if !startOK {
		bad(lang.L("Start date"), lang.L("write a date as dd/mm/yyyy"))
	}
	p.End, endOK = parseDate(f.End.Text)
	if !endOK {
		bad(lang.L("End date"), lang.L("write a date as dd/mm/yyyy"))
	}
	if startOK && endOK && p.End.Before(p.Start) {
		bad(lang.L("End date"), lang.L("before the start date"))
	}
	if i := f.PeriodType.SelectedIndex(); i >= 0 {
		p.PeriodType = periodTypes[i]
	} else {
		bad(lang.L("Reporting"), lang.L("required"))
	}
	for i, c := range f.Contents {
		t := oneLine(c.Title.Text)
		if t == "" {
			bad(fmt.Sprintf("%s %d", lang.L("Key content"), i+1), lang.L("the title is empty"))
		}
		p.Contents = append(p.Contents, data.KeyContent{Position: i + 1, Title: t})
	}
	seen := map[int64]bool{}
	for i, r := range f.Indicators {
		j := r.Indicator.SelectedIndex()
		if j < 0 {
			bad(fmt.Sprintf("%s %d", lang.L("Indicator"), i+1), lang.L("choose an indicator or remove the row"))
			continue
		}
		in := f.catalog[j]
		if seen[in.ID] {
			bad(fmt.Sprintf("%s %d", lang.L("Indicator"), i+1), lang.L("listed twice")+": "+in.Code)
			continue
		}
		seen[in.ID] = true
		p.Indicators = append(p.Indicators, data.ProgramIndicator{Indicator: in, KeyContent: slices.Index(f.Contents, r.content) + 1})
	}
	for _, u := range f.units {
		if f.Units[u.ID].Checked {
			p.UnitIDs = append(p.UnitIDs, u.ID)
		}
	}
	return p, problems
}

func (f *ProgramForm) showProblems(problems []string) {
	if len(problems) == 0 {
		f.Error.Hide()
		return
	}
	f.Error.SetText(strings.Join(problems, "\n"))
	f.Error.Show()
}

// Save checks the form and saves the program in one transaction; the form stays
// open, with the problems shown, when anything is wrong.
func (f *ProgramForm) Save() {
	if f.busy {
		return
	}
	p, problems := f.program()
	f.showProblems(problems)
	if len(problems) > 0 {
		return
	}
	f.busy = true
	f.SaveButton.Disable()
	s := f.screen
	background(&s.work, func() {
		var problem string
		var err error
		if !f.edit {
			_, err = s.store.ProgramByCode(s.ctx, p.Code)
			switch {
			case err == nil:
				problem = lang.L("Code") + ": " + lang.L("another program has this code")
			case errors.Is(err, data.ErrNotFound):
				err = nil
			}
		}
		var saved data.Program
		if err == nil && problem == "" {
			saved, err = s.store.SaveProgram(s.ctx, p)
		}
		fyne.Do(func() {
			f.busy = false
			f.SaveButton.Enable()
			switch {
			case problem != "":
				f.showProblems([]string{problem})
			case err != nil:
				f.showProblems([]string{lang.L("The program could not be saved:") + " " + errorText(err)})
			default:
				f.dlg.Hide()
				s.saved(saved)
			}
		})
	})
}

// IndicatorForm adds an indicator to the catalog from the program form.
type IndicatorForm struct {
	Code, Name, Unit, Decimals *widget.Entry
	Rollup                     *widget.Select
	Error                      *widget.Label
	SaveButton                 *widget.Button
	dlg                        dialog.Dialog
}

var rollups = []data.Rollup{data.Sum, data.Last, data.Max}

func (f *ProgramForm) openIndicatorForm() {
	s := f.screen
	g := &IndicatorForm{Code: widget.NewEntry(), Name: widget.NewEntry(), Unit: widget.NewEntry(), Decimals: widget.NewEntry()}
	g.Code.SetPlaceHolder(lang.L("e.g. GIENG_NUOC"))
	g.Unit.SetPlaceHolder(lang.L("e.g. km, đợt, triệu đồng"))
	g.Decimals.SetText("0")
	var names []string
	for _, r := range rollups {
		names = append(names, rollupName(r))
	}
	g.Rollup = widget.NewSelect(names, nil)
	g.Rollup.SetSelectedIndex(0)
	g.Error = widget.NewLabel("")
	g.Error.Importance = widget.DangerImportance
	g.Error.Wrapping = fyne.TextWrapWord
	g.Error.Hide()
	save := func() {
		var problems []string
		bad := func(field, msg string) { problems = append(problems, field+": "+msg) }
		in := data.Indicator{Code: strings.TrimSpace(g.Code.Text), Name: strings.TrimSpace(g.Name.Text), Unit: strings.TrimSpace(g.Unit.Text)}
		if in.Code == "" {
			bad(lang.L("Code"), lang.L("required"))
		} else if slices.ContainsFunc(f.catalog, func(c data.Indicator) bool { return strings.EqualFold(c.Code, in.Code) }) {
			bad(lang.L("Code"), lang.L("another indicator has this code"))
		}
		if in.Name == "" {
			bad(lang.L("Indicator"), lang.L("required"))
		}
		if i := g.Rollup.SelectedIndex(); i >= 0 {
			in.Rollup = rollups[i]
		} else {
			bad(lang.L("Over time"), lang.L("required"))
		}
		d, err := strconv.Atoi(strings.TrimSpace(g.Decimals.Text))
		if err != nil || d < 0 || d > 6 {
			bad(lang.L("Decimals"), lang.L("a whole number from 0 to 6"))
		}
		in.Decimals = d
		if len(problems) > 0 {
			g.Error.SetText(strings.Join(problems, "\n"))
			g.Error.Show()
			return
		}
		g.SaveButton.Disable()
		background(&s.work, func() {
			saved, err := s.store.SaveIndicator(s.ctx, in)
			fyne.Do(func() {
				g.SaveButton.Enable()
				if err != nil {
					g.Error.SetText(lang.L("The indicator could not be saved:") + " " + errorText(err))
					g.Error.Show()
					return
				}
				g.dlg.Hide()
				f.catalogAdded(saved)
			})
		})
	}
	g.SaveButton = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), save)
	g.SaveButton.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { g.dlg.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Code"), g.Code),
		widget.NewFormItem(lang.L("Indicator"), g.Name),
		widget.NewFormItem(lang.L("Unit of measure"), g.Unit),
		widget.NewFormItem(lang.L("Over time"), g.Rollup),
		widget.NewFormItem(lang.L("Decimals"), g.Decimals),
	)
	content := container.NewVBox(form, g.Error, container.NewBorder(nil, nil, nil, container.NewHBox(cancel, g.SaveButton)))
	g.dlg = dialog.NewCustomWithoutButtons(lang.L("New indicator"), content, s.win)
	g.dlg.Resize(fyne.NewSize(560, 0))
	f.IndicatorForm = g
	g.dlg.Show()
}

// catalogAdded offers a new catalog indicator and adds it to the program.
func (f *ProgramForm) catalogAdded(in data.Indicator) {
	f.catalog = append(f.catalog, in)
	slices.SortFunc(f.catalog, func(a, b data.Indicator) int { return strings.Compare(a.Code, b.Code) })
	var names []string
	for _, c := range f.catalog {
		names = append(names, f.indicatorLabel(c))
	}
	for _, r := range f.Indicators {
		keep := ""
		if i := r.Indicator.SelectedIndex(); i >= 0 {
			keep = r.Indicator.Selected
		}
		r.Indicator.SetOptions(names)
		if keep != "" {
			r.Indicator.SetSelected(keep)
		}
	}
	// Into the last row while it is still empty, else a new one.
	if n := len(f.Indicators); n > 0 && f.Indicators[n-1].Indicator.SelectedIndex() < 0 {
		f.Indicators[n-1].Indicator.SetSelectedIndex(slices.IndexFunc(f.catalog, func(c data.Indicator) bool { return c.ID == in.ID }))
	} else {
		f.addIndicator(in.ID, nil)
	}
	f.rebuild()
}
