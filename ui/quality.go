package ui

import (
	"context"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
)

// qualityStore is what the Data quality screen reads and writes.
type qualityStore interface {
	Programs(ctx context.Context) ([]data.Program, error)
	Units(ctx context.Context) ([]data.Unit, error)
	QualityWarnings(ctx context.Context, f data.WarningFilter) ([]data.QualityWarning, error)
	CheckWarning(ctx context.Context, id int64, comment, by string) error
}

// Quality lists the warnings accepted at import or data entry, figures someone
// has still to check with the unit, and lets an officer mark each one checked
// with a comment, which the value's history then shows.
type Quality struct {
	store  qualityStore
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	work   sync.WaitGroup

	Program, Unit, Status *widget.Select
	Period                *widget.Entry
	PeriodError           *widget.Label
	List                  *widget.List
	Count                 *widget.Label
	Comment               *widget.Entry
	CheckButton           *widget.Button
	Rows                  []data.QualityWarning
	root                  fyne.CanvasObject

	// OnChanged, if set, runs on the UI goroutine after a warning was checked.
	OnChanged func()

	programs []data.Program
	units    []data.Unit
	selected int
	quiet    bool
	language string
}

// NewQuality builds the screen; call reload to fill it.
func NewQuality(store qualityStore, win fyne.Window) *Quality {
	q := &Quality{store: store, win: win, selected: -1, language: uiLang(), quiet: true}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	changed := func(string) {
		if !q.quiet {
			q.load()
		}
	}
	q.Program = widget.NewSelect(nil, changed)
	q.Unit = widget.NewSelect(nil, changed)
	q.Status = widget.NewSelect([]string{lang.L("Not checked yet"), lang.L("Checked"), lang.L("Checked or not")}, changed)
	q.Status.SetSelectedIndex(0)
	q.Period = widget.NewEntry()
	q.Period.SetPlaceHolder(lang.L("Any period, or e.g. Quý 3/2024"))
	q.Period.OnChanged = changed
	q.PeriodError = widget.NewLabel("")
	q.PeriodError.Importance = widget.DangerImportance
	q.PeriodError.Hide()
	q.Count = lowLabel("")
	q.List = widget.NewList(
		func() int { return len(q.Rows) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			head.Truncation = fyne.TextTruncateEllipsis
			rule := widget.NewLabel("")
			rule.Importance = widget.WarningImportance
			rule.Truncation = fyne.TextTruncateEllipsis
			who := lowLabel("")
			who.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(head, rule, who)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(q.Rows) {
				return
			}
			w := q.Rows[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(q.headline(w))
			box.Objects[1].(*widget.Label).SetText("⚠ " + lang.L(w.Msg.Template, w.Msg.Args))
			box.Objects[2].(*widget.Label).SetText(q.byline(w))
		},
	)
	q.List.OnSelected = func(id widget.ListItemID) {
		q.selected = id
		q.showSelected()
	}
	q.List.OnUnselected = func(widget.ListItemID) {
		q.selected = -1
		q.showSelected()
	}
	q.Comment = widget.NewEntry()
	q.Comment.SetPlaceHolder(lang.L("What was found when checking, e.g. confirmed with the unit by phone"))
	q.CheckButton = widget.NewButtonWithIcon(lang.L("Mark checked"), theme.ConfirmIcon(), q.checkSelected)
	q.CheckButton.Importance = widget.HighImportance
	q.CheckButton.Disable()

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	top := container.NewVBox(
		container.NewGridWithColumns(4, field(lang.L("Program"), q.Program), field(lang.L("Unit"), q.Unit),
			field(lang.L("Period"), q.Period), field(lang.L("Status"), q.Status)),
		q.PeriodError,
		lowLabel(lang.L("Values that broke a quality rule and were imported or saved anyway. Check each figure with the unit, then mark it checked with what you found; the value's history keeps it.")),
	)
	bottom := container.NewVBox(q.Count, container.NewBorder(nil, nil, widget.NewLabel(lang.L("Comment")), q.CheckButton, q.Comment))
	q.root = container.NewBorder(top, bottom, nil, nil, q.List)
	q.quiet = false
	return q
}

func (q *Quality) title() string           { return lang.L("Data quality") }
func (q *Quality) icon() fyne.Resource     { return theme.WarningIcon() }
func (q *Quality) view() fyne.CanvasObject { return q.root }
func (q *Quality) focusSearch()            { q.win.Canvas().Focus(q.Period) }
func (q *Quality) stop()                   { q.cancel() }

// headline names the value a warning is about.
func (q *Quality) headline(w data.QualityWarning) string {
	return w.LocalityCode + " " + w.LocalityName + " · " + w.IndicatorCode + " · " + w.Period.Label(q.language) + " · " +
		w.UnitCode + " · " + w.ProgramCode + ": " + formatShortest(w.Value.Value)
}

// byline says who accepted the warning and, once checked, who checked it and why.
func (q *Quality) byline(w data.QualityWarning) string {
	text := lang.L("Accepted by {{.By}} on {{.At}} ({{.Source}})", map[string]any{
		"By": w.AcceptedBy, "At": w.AcceptedAt.Local().Format("02/01/2006 15:04"), "Source": sourceName(w.Source)})
	if w.Status == data.WarningChecked {
		text += " — " + lang.L("checked by {{.By}} on {{.At}}: {{.Comment}}", map[string]any{
			"By": w.CheckedBy, "At": w.CheckedAt.Local().Format("02/01/2006 15:04"), "Comment": w.Comment})
	}
	return text
}

// reload reads the programs and units for the filters, then the warnings.
func (q *Quality) reload() {
	ctx := q.ctx
	background(&q.work, func() {
		programs, err := q.store.Programs(ctx)
		var units []data.Unit
		if err == nil {
			units, err = q.store.Units(ctx)
		}
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, q.win)
				return
			}
			q.applyFilters(programs, units)
			q.load()
		})
	})
}

// applyFilters fills the program and unit choices, keeping what was chosen.
func (q *Quality) applyFilters(programs []data.Program, units []data.Unit) {
	q.quiet = true
	defer func() { q.quiet = false }()
	keepProgram, keepUnit := q.Program.Selected, q.Unit.Selected
	q.programs, q.units = programs, units
	opts := []string{lang.L("All programs")}
	for _, p := range programs {
		opts = append(opts, p.Code)
	}
	q.Program.SetOptions(opts)
	q.Program.SetSelected(keepProgram)
	if q.Program.SelectedIndex() < 0 {
		q.Program.SetSelectedIndex(0)
	}
	opts = []string{lang.L("All units")}
	for _, u := range units {
		opts = append(opts, u.Code+" — "+u.Name)
	}
	q.Unit.SetOptions(opts)
	q.Unit.SetSelected(keepUnit)
	if q.Unit.SelectedIndex() < 0 {
		q.Unit.SetSelectedIndex(0)
	}
}

// filter reads the filters; false when the period cannot be understood.
func (q *Quality) filter() (data.WarningFilter, bool) {
	var f data.WarningFilter
	if i := q.Program.SelectedIndex() - 1; i >= 0 && i < len(q.programs) {
		f.ProgramID = q.programs[i].ID
	}
	if i := q.Unit.SelectedIndex() - 1; i >= 0 && i < len(q.units) {
		f.UnitID = q.units[i].ID
	}
	switch q.Status.SelectedIndex() {
	case 0:
		f.Status = data.WarningOpen
	case 1:
		f.Status = data.WarningChecked
	}
	q.PeriodError.Hide()
	if text := strings.TrimSpace(q.Period.Text); text != "" {
		p, err := period.Parse(text)
		if err != nil {
			q.PeriodError.SetText(notPeriod(text))
			q.PeriodError.Show()
			return f, false
		}
		f.Period = p
	}
	return f, true
}

// load lists the warnings the filters ask for.
func (q *Quality) load() {
	f, ok := q.filter()
	if !ok {
		return
	}
	ctx := q.ctx
	background(&q.work, func() {
		rows, err := q.store.QualityWarnings(ctx, f)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, q.win)
				return
			}
			q.Rows = rows
			q.selected = -1
			q.List.UnselectAll()
			q.List.Refresh()
			q.Count.SetText(lang.L("{{.N}} warnings", map[string]any{"N": formatCount(len(rows))}))
			q.showSelected()
		})
	})
}

func (q *Quality) showSelected() {
	if q.selected >= 0 && q.selected < len(q.Rows) && q.Rows[q.selected].Status == data.WarningOpen {
		q.CheckButton.Enable()
	} else {
		q.CheckButton.Disable()
	}
}

// Select selects the i-th warning listed, as a click does.
func (q *Quality) Select(i int) { q.List.Select(i) }

// checkSelected marks the selected warning checked with the comment typed.
func (q *Quality) checkSelected() {
	if q.selected < 0 || q.selected >= len(q.Rows) {
		return
	}
	id := q.Rows[q.selected].ID
	comment := strings.TrimSpace(q.Comment.Text)
	q.CheckButton.Disable()
	ctx := q.ctx
	background(&q.work, func() {
		err := q.store.CheckWarning(ctx, id, comment, "")
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, q.win)
			} else {
				q.Comment.SetText("")
				if q.OnChanged != nil {
					q.OnChanged()
				}
			}
			q.load()
		})
	})
}
