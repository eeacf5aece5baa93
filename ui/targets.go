package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
	"danvan/data/tabular"
)

// targetStore is what the targets grid reads and writes.
type targetStore interface {
	LocalitiesAt(ctx context.Context, d time.Time) ([]data.Locality, error)
	Units(ctx context.Context) ([]data.Unit, error)
	Targets(ctx context.Context, programID, indicatorID int64, localityIDs []int64, from, to period.Period) ([]data.Target, error)
	SaveTargets(ctx context.Context, programID int64, set, del []data.Target) (int, error)
}

// Targets is the grid of one program's targets for one indicator: a row per child
// locality of a chosen locality, a column per reporting period of the chosen year
// and one for the year itself.
type Targets struct {
	store   targetStore
	win     fyne.Window
	program data.Program
	ctx     context.Context
	cancel  context.CancelFunc
	work    sync.WaitGroup

	Indicator *widget.Select
	Period    *widget.Select
	Parent    *widget.Select
	Copy      *widget.Button
	Spread    *widget.Button
	Save      *widget.Button
	Error     *widget.Label
	Status    *widget.Label
	grid      *fyne.Container
	root      fyne.CanvasObject

	periods []period.Period // offered by Period
	parents []data.Locality // offered by Parent
	quiet   bool            // set while selections are made by code
	picked  [3]int          // the pickers' indexes of the grid shown

	// The grid on screen, for tests: Rows × Cols, Cells[row][col].
	Rows  []data.Locality
	Cols  []period.Period
	Cells [][]*widget.Entry
	saved map[cellKey]float64 // what the store holds, to save only changes
	shown struct {
		indicator data.ProgramIndicator
		period    period.Period
	}
	language string

	// OnSaved runs after targets are saved, for the screens that show them.
	OnSaved func()

	// ConfirmButtons are the Save, Don't save and Cancel of the last question
	// about unsaved edits, for tests.
	ConfirmButtons [3]*widget.Button
}

type cellKey struct {
	loc int64
	p   period.Period
}

// NewTargets builds the grid of p's targets (p with its details); call reload to
// fill it.
func NewTargets(store targetStore, win fyne.Window, p data.Program) *Targets {
	s := &Targets{store: store, win: win, program: p, language: uiLang()}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	var names []string
	for _, in := range p.Indicators {
		names = append(names, in.Code+" — "+in.Name)
	}
	s.Indicator = widget.NewSelect(names, func(string) { s.changed() })
	years := map[int]bool{}
	for _, q := range p.Periods() {
		if q.Type != period.Year {
			s.periods = append(s.periods, q)
		}
		if y := q.Parent(period.Year); !years[y.Year] {
			years[y.Year] = true
		}
	}
	for y := range years {
		s.periods = append(s.periods, period.Period{Type: period.Year, Year: y, Index: 1})
	}
	slices.SortFunc(s.periods, func(a, b period.Period) int {
		if a.Year != b.Year {
			return a.Year - b.Year
		}
		if a.Type != b.Type {
			return int(a.Type) - int(b.Type)
		}
		return a.Index - b.Index
	})
	var labels []string
	for _, q := range s.periods {
		labels = append(labels, q.Label(s.language))
	}
	s.Period = widget.NewSelect(labels, func(string) { s.changed() })
	s.Parent = widget.NewSelect(nil, func(string) { s.changed() })
	s.Parent.PlaceHolder = lang.L("(choose a locality)")

	s.quiet = true
	if len(names) > 0 {
		s.Indicator.SetSelectedIndex(0)
	}
	// The period containing today, else the program's first.
	now := period.Of(p.PeriodType, today())
	i := slices.Index(s.periods, now)
	s.Period.SetSelectedIndex(max(i, 0))
	s.quiet = false

	s.Copy = widget.NewButtonWithIcon(lang.L("Copy from the previous period"), theme.ContentCopyIcon(), s.CopyPrevious)
	spread := lang.L("Spread the yearly target over the periods")
	if p.PeriodType == period.Quarter {
		spread = lang.L("Spread the yearly target over the quarters")
	}
	s.Spread = widget.NewButtonWithIcon(spread, theme.ViewRefreshIcon(), s.SpreadYear)
	if p.PeriodType == period.Year {
		s.Spread.Hide()
	}
	s.Save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.SaveTargets)
	s.Save.Importance = widget.HighImportance
	s.Error = widget.NewLabel("")
	s.Error.Importance = widget.DangerImportance
	s.Error.Wrapping = fyne.TextWrapWord
	s.Error.Hide()
	s.Status = lowLabel("")
	s.Status.Wrapping = fyne.TextWrapWord

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	pickers := container.NewBorder(nil, nil, nil,
		container.NewGridWithColumns(2, field(lang.L("Period"), s.Period), field(lang.L("Locality"), s.Parent)),
		field(lang.L("Indicator"), s.Indicator))
	buttons := container.NewBorder(nil, nil, container.NewHBox(s.Copy, s.Spread), s.Save)
	hint := lowLabel(lang.L("Empty cells have no target; clearing a cell deletes its target. Edits are kept only when you save."))
	hint.Wrapping = fyne.TextWrapWord
	s.grid = container.NewVBox()
	top := container.NewVBox(pickers, buttons, s.Error, s.Status)
	s.root = container.NewBorder(top, hint, nil, nil, container.NewScroll(s.grid))
	return s
}

func (s *Targets) view() fyne.CanvasObject { return s.root }
func (s *Targets) stop()                   { s.cancel() }

// selection is what the pickers say.
func (s *Targets) selection() (data.ProgramIndicator, period.Period, bool) {
	i, j := s.Indicator.SelectedIndex(), s.Period.SelectedIndex()
	if i < 0 || j < 0 {
		return data.ProgramIndicator{}, period.Period{}, false
	}
	return s.program.Indicators[i], s.periods[j], true
}

// changed follows a new choice of indicator, period or locality, asking first
// when the grid holds unsaved edits.
func (s *Targets) changed() {
	if s.quiet {
		return
	}
	if !s.Dirty() {
		s.reload()
		return
	}
	now := s.pickedNow()
	s.pick(s.picked) // back to the grid shown until the officer decides
	s.ConfirmDiscard(func() {
		s.pick(now)
		s.reload()
	})
}

// pickedNow is what the pickers say: indicator, period and locality indexes.
func (s *Targets) pickedNow() [3]int {
	return [3]int{s.Indicator.SelectedIndex(), s.Period.SelectedIndex(), s.Parent.SelectedIndex()}
}

// pick sets the pickers without reloading.
func (s *Targets) pick(p [3]int) {
	s.quiet = true
	defer func() { s.quiet = false }()
	for i, sel := range []*widget.Select{s.Indicator, s.Period, s.Parent} {
		if p[i] >= 0 && p[i] < len(sel.Options) {
			sel.SetSelectedIndex(p[i])
		} else {
			sel.ClearSelected()
		}
	}
}

// columns are the periods of the program's type in p's year, then the year.
func (s *Targets) columns(p period.Period) []period.Period {
	y := p.Parent(period.Year)
	var cols []period.Period
	if s.program.PeriodType != period.Year {
		cols = period.Range(y, y, s.program.PeriodType)
	}
	return append(cols, y)
}

// reload fills the grid for the current choices, off the UI goroutine.
func (s *Targets) reload() {
	in, p, ok := s.selection()
	if !ok {
		return
	}
	parentCode := ""
	if i := s.Parent.SelectedIndex(); i >= 0 && i < len(s.parents) {
		parentCode = s.parents[i].Code
	}
	background(&s.work, func() { s.load(s.ctx, in, p, parentCode) })
}

func (s *Targets) load(ctx context.Context, in data.ProgramIndicator, p period.Period, parentCode string) {
	cols := s.columns(p)
	at := p.End()
	all, err := s.store.LocalitiesAt(ctx, at)
	var units []data.Unit
	if err == nil {
		units, err = s.store.Units(ctx)
	}
	// Parents: every locality with children in force then.
	hasChildren := map[int64]bool{}
	byID := map[int64]data.Locality{}
	for _, l := range all {
		hasChildren[l.ParentID] = true
		byID[l.ID] = l
	}
	var parents []data.Locality
	for _, l := range all {
		if hasChildren[l.ID] {
			parents = append(parents, l)
		}
	}
	parent := -1
	if parentCode != "" {
		parent = slices.IndexFunc(parents, func(l data.Locality) bool { return l.Code == parentCode })
	}
	if parent < 0 {
		parent = s.defaultParent(parents, byID, units)
	}
	var rows []data.Locality
	var targets []data.Target
	if err == nil && parent >= 0 {
		for _, l := range all {
			if l.ParentID == parents[parent].ID {
				rows = append(rows, l)
			}
		}
		ids := make([]int64, len(rows))
		for i, l := range rows {
			ids[i] = l.ID
		}
		if len(ids) > 0 {
			targets, err = s.store.Targets(ctx, s.program.ID, in.ID, ids, cols[len(cols)-1], cols[len(cols)-1])
		}
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.showError(lang.L("The targets could not be loaded:") + " " + errorText(err))
			return
		}
		s.Error.Hide()
		s.setStatus("", widget.LowImportance)
		s.parents = parents
		labels := make([]string, len(parents))
		for i, l := range parents {
			labels[i] = localityPath(l, byID)
		}
		s.quiet = true
		s.Parent.SetOptions(labels)
		if parent >= 0 {
			s.Parent.SetSelectedIndex(parent)
		} else {
			s.Parent.ClearSelected()
		}
		s.quiet = false
		s.picked = s.pickedNow()
		s.show(in, p, rows, cols, targets)
	})
}

// defaultParent is the province of the first of the program's units placed in a
// locality in force, else the first locality with children.
func (s *Targets) defaultParent(parents []data.Locality, byID map[int64]data.Locality, units []data.Unit) int {
	for _, u := range units {
		if !slices.Contains(s.program.UnitIDs, u.ID) {
			continue
		}
		l, ok := byID[u.LocalityID]
		for ok && l.ParentID != 0 {
			l, ok = byID[l.ParentID]
		}
		if ok {
			if i := slices.IndexFunc(parents, func(p data.Locality) bool { return p.ID == l.ID }); i >= 0 {
				return i
			}
		}
	}
	if len(parents) > 0 {
		return 0
	}
	return -1
}

func localityPath(l data.Locality, byID map[int64]data.Locality) string {
	name := l.Name
	for p, ok := byID[l.ParentID]; ok; p, ok = byID[p.ParentID] {
		name = p.Name + " › " + name
	}
	return name
}

// targetColumns: locality code, locality name (flexible), then the periods.
const targetCellWidth = 120

func (s *Targets) show(in data.ProgramIndicator, p period.Period, rows []data.Locality, cols []period.Period, targets []data.Target) {
	s.shown.indicator, s.shown.period = in, p
	s.Rows, s.Cols = rows, cols
	s.saved = map[cellKey]float64{}
	for _, t := range targets {
		s.saved[cellKey{t.LocalityID, t.Period}] = t.Value
	}
	// Localities with targets this year first, so they are seen without scrolling.
	has := map[int64]bool{}
	for _, t := range targets {
		has[t.LocalityID] = true
	}
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b data.Locality) int {
		switch {
		case has[a.ID] == has[b.ID]:
			return 0
		case has[a.ID]:
			return -1
		}
		return 1
	})
	s.Rows = rows
	widths := []float32{110, 0}
	for range cols {
		widths = append(widths, targetCellWidth)
	}
	head := []fyne.CanvasObject{lowLabel(lang.L("Code")), lowLabel(lang.L("Locality"))}
	for _, c := range cols {
		// Aligned like the numbers in the cells below, which an entry starts on the left.
		l := widget.NewLabelWithStyle(c.Label(s.language), fyne.TextAlignLeading, fyne.TextStyle{Bold: c == p})
		if c != p {
			l.Importance = widget.LowImportance
		}
		head = append(head, l)
	}
	objs := []fyne.CanvasObject{newColumns(widths, 1, head...)}
	s.Cells = make([][]*widget.Entry, len(rows))
	for r, l := range rows {
		line := []fyne.CanvasObject{widget.NewLabel(l.Code), truncated(l.Name)}
		for _, c := range cols {
			e := widget.NewEntry()
			if v, ok := s.saved[cellKey{l.ID, c}]; ok {
				e.SetText(formatNumber(v, in.Decimals, s.language))
			}
			// No Validator: it would tick every filled cell. A wrong cell gets the
			// error mark and red border once the cursor leaves it.
			e.AlwaysShowValidationError = true
			e.OnChanged = func(t string) {
				var err error
				if strings.TrimSpace(t) != "" {
					_, err = s.parseCell(t, in.Decimals)
				}
				e.SetValidationError(err)
			}
			s.Cells[r] = append(s.Cells[r], e)
			line = append(line, e)
		}
		objs = append(objs, newColumns(widths, 1, line...))
	}
	s.markSaved()
	if len(rows) == 0 {
		objs = append(objs, lowLabel(lang.L("The chosen locality has no localities under it in this period.")))
	}
	s.grid.Objects = objs
	s.grid.Refresh()
	unit := ""
	if in.Unit != "" {
		unit = " (" + in.Unit + ")"
	}
	s.setStatus(in.Name+unit+" — "+p.Label(s.language), widget.LowImportance)
}

func truncated(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// parseCell reads a target as the officer types it: "1.234,5" in Vietnamese,
// "1,234.5" in English; at most decimals places, never negative.
func (s *Targets) parseCell(t string, decimals int) (float64, error) {
	style := tabular.DotDecimal
	if s.language == "vi" {
		style = tabular.CommaDecimal
	}
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("%s", lang.L("a target cannot be negative"))
	}
	v, dec, err := tabular.ParseNumber(t, style)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s", lang.L("not a number"))
	}
	if v < 0 {
		return 0, fmt.Errorf("%s", lang.L("a target cannot be negative"))
	}
	if dec > decimals {
		return 0, fmt.Errorf("%s", lang.X("targets.decimals", "at most {{.N}} decimals", map[string]any{"N": decimals}))
	}
	return v, nil
}

// setStatus shows msg above the grid, as important as imp: a saved grid in
// green, edits still to save in amber.
func (s *Targets) setStatus(msg string, imp widget.Importance) {
	s.Status.Importance = imp
	s.Status.SetText(msg)
}

// Dirty reports whether the grid holds edits not saved yet, valid or not.
func (s *Targets) Dirty() bool {
	set, del, problems := s.edits()
	return len(set)+len(del)+len(problems) > 0
}

// ConfirmDiscard runs then at once when nothing is unsaved; else it asks whether
// to save first, throw the edits away, or stay.
func (s *Targets) ConfirmDiscard(then func()) {
	if !s.Dirty() {
		then()
		return
	}
	var d *dialog.CustomDialog
	save := widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		s.save(then)
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButton(lang.L("Don't save"), func() {
		d.Hide()
		then()
	})
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	text := widget.NewLabel(lang.L("The targets grid has changes that are not saved. Save them?"))
	text.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(lang.L("Unsaved changes"), text, s.win)
	d.SetButtons([]fyne.CanvasObject{cancel, discard, save})
	d.Resize(fyne.NewSize(460, 180))
	s.ConfirmButtons = [3]*widget.Button{save, discard, cancel}
	d.Show()
}

func (s *Targets) showError(msg string) {
	s.Error.SetText(msg)
	s.Error.Show()
}

func (s *Targets) column(p period.Period) int { return slices.Index(s.Cols, p) }

// SpreadYear splits each locality's yearly target over the periods of the year,
// rounded to the indicator's decimals so that they add up to the year exactly. The
// results are edits the officer then saves.
func (s *Targets) SpreadYear() {
	year := len(s.Cols) - 1
	if year < 1 {
		return
	}
	in := s.shown.indicator
	var problems []string
	n := 0
	for r, l := range s.Rows {
		t := strings.TrimSpace(s.Cells[r][year].Text)
		if t == "" {
			continue
		}
		v, err := s.parseCell(t, in.Decimals)
		var parts []float64
		if err == nil {
			parts, err = data.SpreadYearly(v, in.Decimals, year)
		}
		if err != nil {
			problems = append(problems, l.Name+": "+errorText(err))
			continue
		}
		for c, x := range parts {
			s.Cells[r][c].SetText(formatNumber(x, in.Decimals, s.language))
		}
		n++
	}
	if len(problems) > 0 {
		s.showError(strings.Join(problems, "\n"))
	} else {
		s.Error.Hide()
	}
	if n == 0 && len(problems) == 0 {
		s.setStatus(lang.L("No locality has a yearly target to spread."), widget.MediumImportance)
		return
	}
	s.setStatus(lang.X("targets.spread", "Spread the yearly target of {{.N}} localities; save to keep it.", map[string]any{"N": n}), widget.WarningImportance)
}

// CopyPrevious fills the chosen period's column with the targets of the period
// before it, for the localities shown. The results are edits the officer then saves.
func (s *Targets) CopyPrevious() {
	in, p := s.shown.indicator, s.shown.period
	col := s.column(p)
	if col < 0 || len(s.Rows) == 0 {
		return
	}
	prev := p.Prev()
	ids := make([]int64, len(s.Rows))
	for i, l := range s.Rows {
		ids[i] = l.ID
	}
	rows := s.Rows
	background(&s.work, func() {
		ts, err := s.store.Targets(s.ctx, s.program.ID, in.ID, ids, prev, prev)
		fyne.Do(func() {
			if s.ctx.Err() != nil || s.shown.period != p || s.shown.indicator.ID != in.ID || !slices.Equal(rows, s.Rows) {
				return // the grid changed meanwhile
			}
			if err != nil {
				s.showError(lang.L("The targets could not be loaded:") + " " + errorText(err))
				return
			}
			byLoc := map[int64]float64{}
			for _, t := range ts {
				if t.Period == prev {
					byLoc[t.LocalityID] = t.Value
				}
			}
			for r, l := range s.Rows {
				if v, ok := byLoc[l.ID]; ok {
					s.Cells[r][col].SetText(formatNumber(v, in.Decimals, s.language))
				}
			}
			if len(byLoc) == 0 {
				s.setStatus(lang.X("targets.copy.none", "{{.Period}} has no targets for these localities.", map[string]any{"Period": prev.Label(s.language)}), widget.MediumImportance)
				return
			}
			s.setStatus(lang.X("targets.copy", "Copied {{.N}} targets from {{.Period}}; save to keep them.", map[string]any{"N": len(byLoc), "Period": prev.Label(s.language)}), widget.WarningImportance)
		})
	})
}

// edits reads the grid: the targets that changed, those cleared (to delete), and
// what is wrong with the cells.
func (s *Targets) edits() (set, del []data.Target, problems []string) {
	in := s.shown.indicator
	for r, l := range s.Rows {
		for c, p := range s.Cols {
			t := strings.TrimSpace(s.Cells[r][c].Text)
			old, had := s.saved[cellKey{l.ID, p}]
			where := l.Name + ", " + p.Label(s.language) + ": "
			key := data.Target{IndicatorID: in.ID, LocalityID: l.ID, Period: p}
			if t == "" {
				if had {
					del = append(del, key)
				}
				continue
			}
			v, err := s.parseCell(t, in.Decimals)
			if err != nil {
				problems = append(problems, where+errorText(err))
				continue
			}
			if had && v == old {
				continue
			}
			key.Value = v
			set = append(set, key)
		}
	}
	return set, del, problems
}

// SaveTargets writes the changed cells and deletes the targets of the cleared ones
// in one transaction, or does nothing when any cell is wrong.
func (s *Targets) SaveTargets() { s.save(nil) }

// save is SaveTargets; then runs once the grid holds nothing unsaved.
func (s *Targets) save(then func()) {
	ts, del, problems := s.edits()
	if len(problems) > 0 {
		s.showError(strings.Join(problems, "\n"))
		return
	}
	s.Error.Hide()
	if len(ts)+len(del) == 0 {
		s.setStatus(lang.L("Nothing to save."), widget.MediumImportance)
		if then != nil {
			then()
		}
		return
	}
	s.Save.Disable()
	background(&s.work, func() {
		n, err := s.store.SaveTargets(s.ctx, s.program.ID, ts, del)
		fyne.Do(func() {
			s.Save.Enable()
			if s.ctx.Err() != nil {
				return
			}
			if err != nil {
				s.showError(lang.L("The targets could not be saved:") + " " + errorText(err))
				return
			}
			for _, t := range ts {
				s.saved[cellKey{t.LocalityID, t.Period}] = t.Value
			}
			for _, t := range del {
				delete(s.saved, cellKey{t.LocalityID, t.Period})
			}
			s.markSaved()
			var msg string
			switch {
			case len(del) == 0:
				msg = lang.X("targets.saved", "Saved {{.N}} targets.", map[string]any{"N": len(ts)})
			case len(ts) == 0:
				msg = lang.X("targets.deleted", "Deleted {{.N}} targets.", map[string]any{"N": n})
			default:
				msg = lang.X("targets.saved.deleted", "Saved {{.N}} targets and deleted {{.Deleted}}.",
					map[string]any{"N": len(ts), "Deleted": n})
			}
			s.setStatus(msg, widget.SuccessImportance)
			if s.OnSaved != nil {
				s.OnSaved()
			}
			if then != nil {
				then()
			}
		})
	})
}

// markSaved gives the cells holding a saved target the placeholder that says
// clearing them deletes it, and takes it from the others.
func (s *Targets) markSaved() {
	for r, l := range s.Rows {
		for c, p := range s.Cols {
			ph := ""
			if _, ok := s.saved[cellKey{l.ID, p}]; ok {
				ph = lang.L("delete on save")
			}
			if e := s.Cells[r][c]; e.PlaceHolder != ph {
				e.SetPlaceHolder(ph)
			}
		}
	}
}
