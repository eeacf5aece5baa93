package ui

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/charts"
	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/period"
)

// chartStore is what the Charts screen reads.
type chartStore interface {
	briefing.Store
	Programs(ctx context.Context) ([]data.Program, error)
	Units(ctx context.Context) ([]data.Unit, error)
	SearchLocalities(ctx context.Context, text string, d time.Time, limit int) ([]data.Locality, error)
	fileWriter
}

// chartDelay lets a burst of choices (typing a period, dragging the window edge)
// settle before the chart is built and drawn again.
var chartDelay = 150 * time.Millisecond

// graceDays is how long after a period a report still counts as on time, as in
// danvanctl.
const graceDays = 15

// defaultClassification is printed on every page of a briefing pack.
const defaultClassification = "LƯU HÀNH NỘI BỘ"

// Charts draws one briefing chart from the choices on the left, with its figures
// underneath, and exports it or the whole briefing pack.
type Charts struct {
	// Thresholds, if set, gives the % of target at or above which a figure is on
	// track (green) and behind (amber); unset, the charts' defaults apply.
	Thresholds func() (green, amber float64)

	store    chartStore
	win      fyne.Window
	ctx      context.Context
	cancel   context.CancelFunc
	job      context.CancelFunc // the build or render in flight, if any
	search   context.CancelFunc // the locality search in flight, if any
	work     sync.WaitGroup
	language string

	Kind        *widget.Select
	Program     *widget.Select
	Indicator   *widget.Select
	ByContent   *widget.Check
	Locality    *widget.Entry // search text
	Matches     *widget.List  // localities found for it
	Country     *widget.Button
	Chosen      *widget.Label // the locality charted
	From, To    *widget.Entry
	By          *widget.Select
	FilterError *widget.Label
	Image       *canvas.Image
	Message     *widget.Label // why there is no chart
	Table       *widget.Table
	Export      *widget.Button
	CopyTable   *widget.Button
	PackButton  *widget.Button
	pack        *PackForm // the briefing pack dialog last opened
	area        *chartArea
	matchBox    *fyne.Container
	root        fyne.CanvasObject

	// State; touched only on the UI goroutine.
	programs        []data.Program // with details, newest first
	units           []data.Unit
	locality        data.Locality // zero: the whole country
	LocalityMatches []data.Locality
	quiet           bool

	built    *briefing.Built  // the chart on screen, nil before the first
	builtFor briefing.Request // what built was made from
	Rows     [][]string       // of built.Table, for the table widget
	Header   []string         // of built.Table
	Renders  int              // images put on screen, for tests
	Err      error            // why the last build failed, for tests
}

// NewCharts builds the screen; call reload to fill it.
func NewCharts(store chartStore, win fyne.Window) *Charts {
	s := &Charts{store: store, win: win, language: uiLang(), quiet: true}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	kinds := make([]string, len(briefing.Kinds))
	for i, k := range briefing.Kinds {
		kinds[i] = kindName(k)
	}
	s.Kind = widget.NewSelect(kinds, func(string) { s.kindChanged() })
	s.Program = widget.NewSelect(nil, func(string) { s.programChanged() })
	s.Indicator = widget.NewSelect(nil, func(string) { s.changed() })
	s.ByContent = widget.NewCheck(lang.L("By key content"), func(bool) { s.changed() })
	s.Locality = widget.NewEntry()
	s.Locality.SetPlaceHolder(lang.L("Search a locality…"))
	s.Locality.OnChanged = func(string) { s.searchLocalities() }
	s.Matches = widget.NewList(
		func() int { return len(s.LocalityMatches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.LocalityMatches) {
				l := s.LocalityMatches[id]
				o.(*widget.Label).SetText(localityLabel(l) + " · " + levelName(l.Level))
			}
		},
	)
	s.Matches.OnSelected = func(id widget.ListItemID) {
		if id < len(s.LocalityMatches) {
			s.SelectLocality(s.LocalityMatches[id])
		}
		s.Matches.UnselectAll()
		s.Locality.SetText("") // the choice shows above; the results go
	}
	s.Country = widget.NewButtonWithIcon(lang.L("Whole country"), theme.HomeIcon(), func() { s.SelectLocality(data.Locality{}) })
	s.Chosen = widget.NewLabelWithStyle(lang.L("Whole country"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Chosen.Wrapping = fyne.TextWrapWord
	s.From = widget.NewEntry()
	s.From.OnChanged = func(string) { s.changed() }
	s.To = widget.NewEntry()
	s.To.OnChanged = func(string) { s.changed() }
	s.By = widget.NewSelect([]string{typeName(period.Month), typeName(period.Quarter), typeName(period.Half), typeName(period.Year)},
		func(string) { s.changed() })
	s.FilterError = widget.NewLabel("")
	s.FilterError.Importance = widget.DangerImportance
	s.FilterError.Wrapping = fyne.TextWrapWord
	s.FilterError.Hide()

	s.Image = canvas.NewImageFromImage(nil)
	s.Image.FillMode = canvas.ImageFillContain
	s.Image.ScaleMode = canvas.ImageScaleFastest // drawn at the device's pixel size
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Alignment = fyne.TextAlignCenter
	s.Message.Hide()
	s.area = newChartArea(container.NewStack(s.Image, container.NewVBox(layout.NewSpacer(), s.Message, layout.NewSpacer())), s.resized)

	s.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.Rows), len(s.Header) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			text := ""
			if id.Row < len(s.Rows) && id.Col < len(s.Rows[id.Row]) {
				text = s.Rows[id.Row][id.Col]
			}
			l.Alignment = fyne.TextAlignLeading
			if id.Col > 0 {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(text)
		},
	)
	s.Table.ShowHeaderColumn = false
	s.Table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	s.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(s.Header) {
			// Aligned like the column: the first names, the others are numbers.
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignLeading
			if id.Col > 0 {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(s.Header[id.Col])
		}
	}

	s.Export = widget.NewButtonWithIcon(lang.L("Export…"), theme.DocumentSaveIcon(), s.showExportMenu)
	s.CopyTable = widget.NewButtonWithIcon(lang.L("Copy the table"), theme.ContentCopyIcon(), s.copyTable)
	s.PackButton = widget.NewButtonWithIcon(lang.L("Briefing pack (PDF)…"), theme.DocumentPrintIcon(), s.askPack)

	label := func(text string) fyne.CanvasObject { return widget.NewLabel(text) }
	s.matchBox = container.NewGridWrap(fyne.NewSize(300, 150), s.Matches)
	s.matchBox.Hide()
	controls := container.NewVBox(
		label(lang.L("Chart")), s.Kind,
		label(lang.L("Program")), s.Program,
		label(lang.L("Indicator")), s.Indicator, s.ByContent,
		container.NewBorder(nil, nil, label(lang.L("Locality")), nil, s.Chosen),
		container.NewBorder(nil, nil, nil, s.Country, s.Locality), s.matchBox,
		container.NewGridWithColumns(2,
			container.NewVBox(label(lang.L("From period")), s.From),
			container.NewVBox(label(lang.L("To period")), s.To)),
		label(lang.L("Group by")), s.By,
		s.FilterError,
	)
	width := canvas.NewRectangle(color.Transparent) // the choices keep their width
	width.SetMinSize(fyne.NewSize(300, 0))
	left := container.NewVScroll(container.NewPadded(container.NewStack(width, controls)))
	split := container.NewVSplit(s.area, s.Table)
	split.Offset = 0.72
	actions := container.NewHBox(layout.NewSpacer(), s.CopyTable, s.Export, s.PackButton)
	s.root = container.NewBorder(nil, nil, left, nil, container.NewBorder(actions, nil, nil, nil, split))
	s.Kind.SetSelectedIndex(0)
	s.kindChanged()
	s.quiet = false // reload draws the first chart
	return s
}

func (s *Charts) title() string           { return lang.L("Charts") }
func (s *Charts) icon() fyne.Resource     { return theme.FileImageIcon() }
func (s *Charts) view() fyne.CanvasObject { return s.root }
func (s *Charts) stop()                   { s.cancel() }
func (s *Charts) focusSearch()            { s.win.Canvas().Focus(s.Locality) }

// kindName is a chart kind as menus show it.
func kindName(k briefing.Kind) string {
	switch k {
	case briefing.Progress:
		return lang.L("Progress by period")
	case briefing.Cumulative:
		return lang.L("Cumulative progress")
	case briefing.Ranking:
		return lang.L("Ranking of localities")
	case briefing.Breakdown:
		return lang.L("Results by indicator")
	case briefing.Completeness:
		return lang.L("Reporting completeness")
	}
	return string(k)
}

// kindSlug starts export file names: Vietnamese without accents, as officers
// name files.
func kindSlug(k briefing.Kind) string {
	return map[briefing.Kind]string{briefing.Progress: "tien-do", briefing.Cumulative: "luy-ke",
		briefing.Ranking: "xep-hang", briefing.Breakdown: "ket-qua", briefing.Completeness: "bao-cao"}[k]
}

func typeName(t period.Type) string {
	switch t {
	case period.Month:
		return lang.L("Month")
	case period.Quarter:
		return lang.L("Quarter")
	case period.Half:
		return lang.L("Half-year")
	}
	return lang.L("Year")
}

// dataChanged draws the chart again from the database: the figures it was built
// from may be gone.
func (s *Charts) dataChanged() {
	s.built = nil
	s.reload()
}

// reload reads the programs and units, then draws the default chart.
func (s *Charts) reload() {
	ctx := s.ctx
	background(&s.work, func() {
		var progs []data.Program
		list, err := s.store.Programs(ctx)
		for _, p := range list {
			if err != nil {
				break
			}
			var full data.Program
			if full, err = s.store.ProgramByCode(ctx, p.Code); err == nil {
				progs = append(progs, full)
			}
		}
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
			s.applyCatalog(progs, units)
		})
	})
}

func (s *Charts) applyCatalog(progs []data.Program, units []data.Unit) {
	s.quiet = true
	defer func() { s.quiet = false; s.changed() }()
	prev := s.Program.Selected
	s.programs, s.units = progs, units
	opts := make([]string, len(progs))
	keep := 0
	for i, p := range progs {
		opts[i] = p.Code
		if p.Code == prev {
			keep = i
		}
	}
	s.Program.SetOptions(opts)
	if s.Kind.SelectedIndex() < 0 {
		s.Kind.SetSelectedIndex(0)
	}
	if len(progs) > 0 {
		s.Program.SetSelectedIndex(keep) // the newest program: what officers brief on
	}
	s.programChanged()
	s.searchLocalities()
}

func (s *Charts) selectedProgram() *data.Program {
	i := s.Program.SelectedIndex()
	if i < 0 || i >= len(s.programs) {
		return nil
	}
	return &s.programs[i]
}

func (s *Charts) kind() briefing.Kind {
	if i := s.Kind.SelectedIndex(); i >= 0 && i < len(briefing.Kinds) {
		return briefing.Kinds[i]
	}
	return briefing.Progress
}

// SelectKind chooses a chart kind, for tests.
func (s *Charts) SelectKind(k briefing.Kind) {
	for i, kk := range briefing.Kinds {
		if kk == k {
			s.Kind.SetSelectedIndex(i)
		}
	}
}

// SelectIndicator chooses an indicator of the program by code.
func (s *Charts) SelectIndicator(code string) bool {
	if p := s.selectedProgram(); p != nil {
		for i, in := range p.Indicators {
			if in.Code == code {
				s.Indicator.SetSelectedIndex(i)
				return true
			}
		}
	}
	return false
}

// kindChanged offers only the choices the kind of chart uses.
func (s *Charts) kindChanged() {
	k := s.kind()
	if k == briefing.Breakdown || k == briefing.Completeness {
		s.Indicator.Disable()
	} else {
		s.Indicator.Enable()
	}
	if k == briefing.Breakdown {
		s.ByContent.Show()
	} else {
		s.ByContent.Hide()
	}
	for _, w := range []fyne.Disableable{s.Locality, s.Country, s.From, s.To, s.By} {
		if k == briefing.Completeness { // reports are counted per unit over the whole program
			w.Disable()
		} else {
			w.Enable()
		}
	}
	s.periodHints()
	s.changed()
}

// programChanged lists the program's indicators and its grouping.
func (s *Charts) programChanged() {
	p := s.selectedProgram()
	quiet := s.quiet
	s.quiet = true
	defer func() { s.quiet = quiet; s.changed() }()
	if p == nil {
		s.Indicator.SetOptions(nil)
		return
	}
	prev := s.Indicator.Selected
	opts := make([]string, len(p.Indicators))
	keep := 0
	for i, in := range p.Indicators {
		opts[i] = in.Code + " — " + in.Name
		if opts[i] == prev {
			keep = i
		}
	}
	s.Indicator.SetOptions(opts)
	if len(opts) > 0 {
		s.Indicator.SetSelectedIndex(keep)
	}
	if p.PeriodType.Valid() {
		s.By.SetSelectedIndex(int(p.PeriodType - period.Month))
	}
	s.periodHints()
}

// periodHints shows the program's span, which empty period fields stand for.
func (s *Charts) periodHints() {
	p := s.selectedProgram()
	if p == nil || !p.PeriodType.Valid() {
		s.From.SetPlaceHolder(lang.L("e.g. Quý 1/2024"))
		s.To.SetPlaceHolder(lang.L("e.g. 2024Q4"))
		return
	}
	s.From.SetPlaceHolder(period.Of(p.PeriodType, p.Start).Label(s.language))
	to := period.Of(p.PeriodType, p.End)
	if k := s.kind(); k == briefing.Ranking || k == briefing.Breakdown {
		to = lastEndedOn(*p, today())
	}
	s.To.SetPlaceHolder(to.Label(s.language))
}

// SelectLocality charts l; the zero Locality is the whole country.
func (s *Charts) SelectLocality(l data.Locality) {
	s.locality = l
	if l.ID == 0 {
		s.Chosen.SetText(lang.L("Whole country"))
	} else {
		s.Chosen.SetText(localityLabel(l))
	}
	s.changed()
}

// searchLocalities lists the localities matching what was typed, among those in
// force at the end of the charted range.
func (s *Charts) searchLocalities() {
	if s.search != nil {
		s.search()
		s.search = nil
	}
	text := strings.TrimSpace(s.Locality.Text)
	if text == "" {
		s.LocalityMatches = nil
		s.Matches.Refresh()
		s.matchBox.Hide()
		return
	}
	day := today()
	if p := s.selectedProgram(); p != nil && !p.End.IsZero() {
		day = p.End
	}
	if to, err := period.Parse(strings.TrimSpace(s.To.Text)); err == nil {
		day = to.End()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.search = cancel
	background(&s.work, func() {
		found, err := s.store.SearchLocalities(ctx, text, day, maxLocalityOptions)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.LocalityMatches = found
			s.Matches.Refresh()
			if len(found) > 0 {
				s.matchBox.Show()
			} else {
				s.matchBox.Hide()
			}
		})
	})
}

// request reads the choices. It returns false, with the reason shown under them,
// when one cannot be understood.
func (s *Charts) request() (briefing.Request, bool) {
	r := briefing.Request{Kind: s.kind(), Lang: s.language, GraceDays: graceDays, ByContent: s.ByContent.Checked}
	var problems []string
	p := s.selectedProgram()
	if p == nil {
		problems = append(problems, lang.L("Choose a program."))
	} else {
		r.Program = p.Code
		if i := s.Indicator.SelectedIndex(); i >= 0 && i < len(p.Indicators) {
			r.Indicator = p.Indicators[i].Code
		}
	}
	r.Locality = s.locality.Code
	if i := s.By.SelectedIndex(); i >= 0 {
		r.By = period.Month + period.Type(i)
	}
	if r.Kind != briefing.Completeness { // the grid covers the program's whole span
		var periods []string
		r.From, r.To, periods = periodRange(s.From, s.To)
		problems = append(problems, periods...)
	}
	if r.Kind == briefing.Completeness {
		r.Locality, r.By = "", 0
	}
	return r, showProblems(s.FilterError, problems)
}

// changed builds and draws the chart for the new choices, after a short pause,
// cancelling the one in flight.
func (s *Charts) changed() {
	if s.quiet {
		return
	}
	r, ok := s.request()
	if !ok {
		s.cancelJob() // the chart on screen stays until the choices make sense
		return
	}
	s.draw(r)
}

// resized draws the chart again at the area's new size.
func (s *Charts) resized() {
	if s.built == nil && s.job == nil {
		return // nothing asked yet: the catalog is loading
	}
	if r, ok := s.request(); ok {
		s.draw(r)
	}
}

func (s *Charts) cancelJob() {
	if s.job != nil {
		s.job()
		s.job = nil
	}
}

// pixels is the size of the image that fills the chart area on this screen, and the
// scale of the canvas.
func (s *Charts) pixels() (int, int, float32) {
	scale := float32(1)
	if a := fyne.CurrentApp(); a != nil {
		if c := a.Driver().CanvasForObject(s.area); c != nil {
			scale = c.Scale()
		}
	}
	size := s.area.Size()
	return int(math.Round(float64(size.Width * scale))), int(math.Round(float64(size.Height * scale))), scale
}

// draw builds r (unless it is on screen already) and renders it off the UI
// goroutine, then shows it in one fyne.Do.
func (s *Charts) draw(r briefing.Request) {
	s.cancelJob()
	w, h, scale := s.pixels()
	var built *briefing.Built
	if s.built != nil && s.builtFor == r {
		built = s.built
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.job = cancel
	opt := s.options(charts.Options{Width: w, Height: h, DPI: 96 * float64(scale)})
	background(&s.work, func() {
		if chartDelay > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(chartDelay):
			}
		}
		var err error
		if built == nil {
			var b briefing.Built
			b, err = briefing.Build(ctx, s.store, r)
			built = &b
		}
		var img image.Image
		if err == nil && w >= 16 && h >= 16 { // not laid out yet: the resize will draw it
			img, err = built.Chart.Image(opt)
		}
		fyne.Do(func() {
			if ctx.Err() != nil {
				return // the choices or the size changed meanwhile
			}
			s.job = nil
			s.show(r, built, img, err)
		})
	})
}

// show puts a built chart and its image on screen, or says why there is none.
func (s *Charts) show(r briefing.Request, built *briefing.Built, img image.Image, err error) {
	s.Err = err
	if err != nil {
		s.built = nil
		s.Rows, s.Header = nil, nil
		s.Table.Refresh()
		s.Image.Image = nil
		s.Image.Refresh()
		s.Message.SetText(chartErrorText(err))
		s.Message.Show()
		return
	}
	s.Message.Hide()
	if s.built != built {
		s.built, s.builtFor = built, r
		s.Header, s.Rows = built.Table.Header, built.Table.Rows
		s.setColumnWidths()
		s.Table.ScrollToTop()
		s.Table.Refresh()
	}
	if img != nil {
		s.Image.Image = img
		s.Image.Refresh()
		s.Renders++
	}
}

func (s *Charts) setColumnWidths() {
	for i, w := range tableColumnWidths(s.Header, s.Rows) {
		s.Table.SetColumnWidth(i, w)
	}
}

// tableColumnWidths fits each column to its widest cell, header included, so
// that "Lũy kế thực hiện" or a long indicator name is not cut short; a name
// column stops at 420 so the figures stay in view.
func tableColumnWidths(header []string, rows [][]string) []float32 {
	pad := 2*theme.InnerPadding() + theme.Padding()
	size := theme.TextSize()
	ws := make([]float32, len(header))
	for i, h := range header {
		w := fyne.MeasureText(h, size, fyne.TextStyle{Bold: true}).Width
		for _, r := range rows {
			if i < len(r) {
				w = max(w, fyne.MeasureText(r[i], size, fyne.TextStyle{}).Width)
			}
		}
		limit := float32(220)
		if i == 0 {
			limit = 420
		}
		ws[i] = min(w+pad, limit)
	}
	return ws
}

// chartErrorText says in the user's words why a chart cannot be drawn.
func chartErrorText(err error) string {
	if errors.Is(err, data.ErrNotFound) {
		return lang.L("The chart cannot be drawn: the program or the locality was not found in the charted periods.") + "\n\n" + errorText(err)
	}
	return lang.L("The chart cannot be drawn:") + "\n" + errorText(err)
}

// copyTable puts the figures on screen on the clipboard as tab-separated rows,
// which Word and Excel paste as a table.
func (s *Charts) copyTable() {
	if s.built == nil {
		return
	}
	fyne.CurrentApp().Clipboard().SetContent(briefing.TSV(s.built.Table, s.language))
}

// --- Export ---

func (s *Charts) showExportMenu() {
	menu := fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("Image (PNG, A4 300 dpi)…"), func() { s.askExport(".png") }),
		fyne.NewMenuItem(lang.L("Vector drawing (SVG)…"), func() { s.askExport(".svg") }),
		fyne.NewMenuItem(lang.L("PDF with its table…"), func() { s.askExport(".pdf") }),
	)
	c := fyne.CurrentApp().Driver().CanvasForObject(s.Export)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.Export)
	widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, s.Export.Size().Height)))
}

// exportName is the default file name of the chart on screen, e.g.
// "tien-do-TT_DOT-2026Q3.png".
func (s *Charts) exportName(ext string) string {
	r := s.builtFor
	parts := []string{kindSlug(r.Kind)}
	if r.Kind != briefing.Breakdown && r.Kind != briefing.Completeness && r.Indicator != "" {
		parts = append(parts, r.Indicator)
	}
	if r.Kind == briefing.Completeness {
		parts = append(parts, r.Program)
	} else if r.To.Valid() {
		parts = append(parts, r.To.ID())
	} else if p := s.selectedProgram(); p != nil && p.PeriodType.Valid() {
		if r.Kind == briefing.Ranking || r.Kind == briefing.Breakdown {
			parts = append(parts, lastEndedOn(*p, today()).ID())
		} else {
			parts = append(parts, period.Of(p.PeriodType, p.End).ID())
		}
	}
	return strings.Join(parts, "-") + ext
}

// askExport asks where to write the chart on screen.
func (s *Charts) askExport(ext string) {
	if s.built == nil {
		showInfo(lang.L("Export chart"), lang.L("There is no chart to export."), s.win)
		return
	}
	r := s.builtFor
	s.saveDialog(s.exportName(ext), ext, func(path string) {
		prog := dialog.NewCustomWithoutButtons(lang.L("Export chart"), widget.NewProgressBarInfinite(), s.win)
		prog.Show()
		background(&s.work, func() {
			err := s.exportChart(s.ctx, r, path)
			fyne.Do(func() {
				prog.Hide()
				if err != nil {
					showError(err, s.win)
					return
				}
				showInfo(lang.L("Export chart"), lang.L("The file was written:")+"\n"+path, s.win)
			})
		})
	})
}

// saveDialog asks for a file name ending in ext and calls then with its path. The
// export renames a complete file over the empty one the dialog made, and removes
// it if it fails.
func (s *Charts) saveDialog(name, ext string, then func(path string)) {
	askSavePath(s.win, name, "", ext, then)
}

// exportChart writes the chart as PNG (A4 landscape at 300 dpi), SVG or a PDF
// of a cover and its page, by path's extension.
func (s *Charts) exportChart(ctx context.Context, r briefing.Request, path string) error {
	// Built again: a file carries what the database holds as it is written, not
	// what was drawn on screen a while ago.
	built, err := briefing.Build(ctx, s.store, r)
	if err != nil {
		return err
	}
	opt := s.options(charts.Options{DPI: 300})
	opt.Width, opt.Height = charts.PaperSize("A4", true, opt.DPI)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		return writeAtomic(s.store, path, func(w io.Writer) error { return built.Chart.Render(w, charts.SVG, opt) })
	case ".pdf":
		// One page: its running header names the program, the chart its own
		// title, place and period.
		b := charts.Briefing{Lang: s.language, GreenAt: opt.GreenAt, AmberAt: opt.AmberAt, Cover: charts.Cover{
			Program: s.programTitle(r.Program), Date: formatDate(today()),
		}, Pages: []charts.Page{{Chart: built.Chart, Table: built.Table}}}
		return writeAtomic(s.store, path, func(w io.Writer) error { return charts.WriteBriefing(ctx, w, b, nil) })
	default:
		return writeAtomic(s.store, path, func(w io.Writer) error { return built.Chart.Render(w, charts.PNG, opt) })
	}
}

// programTitle is the title of the program with code, or the code itself.
func (s *Charts) programTitle(code string) string {
	for _, p := range s.programs {
		if p.Code == code && p.Title != "" {
			return p.Title
		}
	}
	return code
}

// fileWriter writes exports where the database allows (see data.Store.WriteFile).
type fileWriter interface {
	WriteFile(name string, write func(io.Writer) error) error
}

// writeAtomic writes name through st, so a failed or cancelled export never leaves
// half a file under the name, nor the empty file the save dialog made. A name the
// store refuses is left alone: it may be the database itself.
func writeAtomic(st fileWriter, name string, write func(io.Writer) error) error {
	err := st.WriteFile(name, write)
	if err != nil && !errors.Is(err, data.ErrOutputRefused) {
		removeDialogFile(name)
	}
	return err
}

// options completes o with the UI language and the status thresholds.
func (s *Charts) options(o charts.Options) charts.Options {
	o.Lang = s.language
	if s.Thresholds != nil {
		o.GreenAt, o.AmberAt = s.Thresholds()
	}
	return o
}

// chartArea holds the chart and tells when its size really changes, not on every
// layout pass.
type chartArea struct {
	widget.BaseWidget
	content  fyne.CanvasObject
	last     fyne.Size
	onResize func()
}

func newChartArea(content fyne.CanvasObject, onResize func()) *chartArea {
	a := &chartArea{content: content, onResize: onResize}
	a.ExtendBaseWidget(a)
	return a
}

func (a *chartArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}

func (a *chartArea) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

func (a *chartArea) Resize(size fyne.Size) {
	a.BaseWidget.Resize(size)
	if size != a.last {
		a.last = size
		a.onResize()
	}
}
