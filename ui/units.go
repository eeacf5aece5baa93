package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
	"danvan/data/vntext"
)

// unitStore is what the Units screen reads.
type unitStore interface {
	Units(ctx context.Context) ([]data.Unit, error)
	Locality(ctx context.Context, id int64) (data.Locality, error)
}

// unitEditor is what editing units needs.
type unitEditor interface {
	SaveUnit(ctx context.Context, u data.Unit) (data.Unit, error)
	DeleteUnit(ctx context.Context, id int64) error
	UnitPrograms(ctx context.Context, unitID int64) ([]data.Program, error)
	LocalitiesAt(ctx context.Context, d time.Time) ([]data.Locality, error)
}

// Units shows the reporting units as a tree, with their details and the programs
// each takes part in; units can be added, edited and deleted.
type Units struct {
	store  unitStore
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	work   sync.WaitGroup

	Tree         *widget.Tree
	Details      *fyne.Container // two forms side by side
	detailScroll *container.Scroll
	Programs     *widget.Label
	AddButton    *widget.Button
	EditButton   *widget.Button
	DeleteButton *widget.Button
	Form         *UnitForm             // the form last opened
	Confirm      *dialog.ConfirmDialog // the delete confirmation last opened
	root         fyne.CanvasObject

	byID       map[int64]data.Unit
	children   map[int64][]int64
	places     map[int64]string // unit ID -> locality name
	localities []data.Locality  // in force today, for the locality search
	folded     []string
	Selected   data.Unit
	detail     []*widget.Label // code, name, parent, locality, from, to
}

// UnitForm is the add or edit dialog; its fields are exposed for tests.
type UnitForm struct {
	Dialog     *dialog.FormDialog
	Code, Name *widget.Entry
	Parent     *widget.Select
	Locality   *LocalityPicker
	From, To   *widget.Entry
	parents    map[string]int64
}

// unitColumns are the tree's: name (flexible), code, locality, until. The day a
// unit entered service is in the details, so that long names have the room.
var unitColumns = []float32{0, 130, 200, 150}

// unitSince is the day SaveUnit stores for a unit whose first day is not known.
var unitSince = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// unitDate writes a unit's first day, "" when it is not known.
func unitDate(d time.Time) string {
	if !d.After(unitSince) {
		return ""
	}
	return formatDate(d)
}

// NewUnits builds the screen; call reload to fill it.
func NewUnits(store unitStore, win fyne.Window) *Units {
	s := &Units{store: store, win: win}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.Tree = widget.NewTree(
		func(u widget.TreeNodeID) []widget.TreeNodeID {
			id, _ := strconv.ParseInt(u, 10, 64) // "" is the root, 0
			var out []widget.TreeNodeID
			for _, c := range s.children[id] {
				out = append(out, uid(c))
			}
			return out
		},
		func(u widget.TreeNodeID) bool {
			id, _ := strconv.ParseInt(u, 10, 64)
			return u == "" || len(s.children[id]) > 0
		},
		func(bool) fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			place := widget.NewLabel("")
			place.Truncation = fyne.TextTruncateEllipsis
			return newColumns(unitColumns, 0, name, widget.NewLabel(""), place, widget.NewLabel(""))
		},
		func(u widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			id, _ := strconv.ParseInt(u, 10, 64)
			un := s.byID[id]
			c := o.(*fyne.Container).Objects
			c[0].(*widget.Label).SetText(un.Name)
			c[1].(*widget.Label).SetText(un.Code)
			c[2].(*widget.Label).SetText(s.places[id])
			to := lang.L("in service")
			if !un.ValidTo.IsZero() {
				to = formatDate(un.ValidTo)
			}
			c[3].(*widget.Label).SetText(to)
		},
	)
	s.Tree.OnSelected = func(u widget.TreeNodeID) {
		if id, err := strconv.ParseInt(u, 10, 64); err == nil {
			s.selectUnit(id)
		}
	}
	header := newColumns(unitColumns, 0, lowLabel(lang.L("Unit")), lowLabel(lang.L("Code")),
		lowLabel(lang.L("Locality")), lowLabel(lang.L("Until")))
	// The tree indents its rows; the header is padded to line up with the top level.
	list := container.NewBorder(container.NewPadded(header), nil, nil, nil, s.Tree)
	if _, ok := store.(unitEditor); !ok {
		s.root = list
		return s
	}
	s.detail = make([]*widget.Label, 6)
	for i := range s.detail {
		s.detail[i] = widget.NewLabel("")
		s.detail[i].Wrapping = fyne.TextWrapWord
	}
	s.Programs = widget.NewLabel("")
	s.Programs.Wrapping = fyne.TextWrapWord
	// Two columns, so that a unit's whole record shows without scrolling.
	s.Details = container.NewGridWithColumns(2,
		widget.NewForm(
			widget.NewFormItem(lang.L("Code"), s.detail[0]),
			widget.NewFormItem(lang.L("Name"), s.detail[1]),
			widget.NewFormItem(lang.L("Part of"), s.detail[2]),
			widget.NewFormItem(lang.L("Locality"), s.detail[3]),
		),
		widget.NewForm(
			widget.NewFormItem(lang.L("From"), s.detail[4]),
			widget.NewFormItem(lang.L("Until"), s.detail[5]),
			widget.NewFormItem(lang.L("Programs"), s.Programs),
		),
	)
	s.AddButton = widget.NewButtonWithIcon(lang.L("Add unit…"), theme.ContentAddIcon(), func() { s.ShowForm(data.Unit{}) })
	s.EditButton = widget.NewButtonWithIcon(lang.L("Edit…"), theme.DocumentCreateIcon(), func() { s.ShowForm(s.Selected) })
	s.DeleteButton = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), s.Delete)
	s.EditButton.Disable()
	s.DeleteButton.Disable()
	s.detailScroll = container.NewVScroll(s.Details)
	right := container.NewBorder(widget.NewLabelWithStyle(lang.L("Details"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, s.detailScroll)
	// Below the tree: beside it, the details would squeeze the unit names.
	split := container.NewVSplit(list, container.NewPadded(right))
	split.Offset = 0.62
	s.root = container.NewBorder(container.NewHBox(s.AddButton, s.EditButton, s.DeleteButton), nil, nil, nil, split)
	return s
}

func (s *Units) title() string           { return lang.L("Units") }
func (s *Units) icon() fyne.Resource     { return theme.AccountIcon() }
func (s *Units) view() fyne.CanvasObject { return s.root }
func (s *Units) stop()                   { s.cancel() }
func (s *Units) focusSearch()            { s.win.Canvas().Focus(s.Tree) }

func (s *Units) reload() {
	background(&s.work, func() { s.refresh(s.ctx) })
}

func (s *Units) refresh(ctx context.Context) {
	units, err := s.store.Units(ctx)
	places := map[int64]string{}
	for _, u := range units {
		if err != nil || u.LocalityID == 0 {
			continue
		}
		var l data.Locality
		if l, err = s.store.Locality(ctx, u.LocalityID); err == nil {
			places[u.ID] = l.Name
		}
	}
	var locs []data.Locality
	var folded []string
	if e, ok := s.store.(unitEditor); ok && err == nil {
		locs, err = e.LocalitiesAt(ctx, today())
		for _, l := range locs {
			folded = append(folded, vntext.Fold(l.Name+" "+l.Code))
		}
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			showError(err, s.win)
			return
		}
		s.byID = make(map[int64]data.Unit, len(units))
		s.children = map[int64][]int64{}
		for _, u := range units {
			s.byID[u.ID] = u
		}
		for _, u := range units { // parents come first, siblings by code
			p := u.ParentID
			if _, ok := s.byID[p]; !ok {
				p = 0
			}
			s.children[p] = append(s.children[p], u.ID)
		}
		s.places = places
		s.localities, s.folded = locs, folded
		s.Tree.Refresh()
		s.Tree.OpenAllBranches()
		if _, ok := s.byID[s.Selected.ID]; ok {
			id := s.Selected.ID
			s.Selected = data.Unit{}
			s.Tree.Select(uid(id))
			s.selectUnit(id)
		} else {
			s.Selected = data.Unit{}
			s.Tree.UnselectAll()
			s.showDetails(nil)
		}
	})
}

// selectUnit shows a unit's details and loads the programs it takes part in.
func (s *Units) selectUnit(id int64) {
	u, ok := s.byID[id]
	e, editable := s.store.(unitEditor)
	if !ok || !editable || u == s.Selected {
		return
	}
	s.Selected = u
	s.EditButton.Enable()
	s.DeleteButton.Enable()
	s.showDetails(nil)
	ctx := s.ctx
	background(&s.work, func() {
		ps, err := e.UnitPrograms(ctx, id)
		fyne.Do(func() {
			if ctx.Err() != nil || s.Selected.ID != id {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.showDetails(ps)
		})
	})
}

func (s *Units) showDetails(programs []data.Program) {
	if s.Details == nil {
		return
	}
	u := s.Selected
	if u.ID == 0 {
		for _, l := range s.detail {
			l.SetText("")
		}
		s.detail[1].SetText(lang.L("Select a unit in the tree."))
		s.Programs.SetText("")
		s.EditButton.Disable()
		s.DeleteButton.Disable()
		return
	}
	s.detail[0].SetText(u.Code)
	s.detail[1].SetText(u.Name)
	if p, ok := s.byID[u.ParentID]; ok {
		s.detail[2].SetText(p.Name + " (" + p.Code + ")")
	} else {
		s.detail[2].SetText("—")
	}
	s.detail[3].SetText(orDash(s.places[u.ID]))
	s.detail[4].SetText(orDash(unitDate(u.ValidFrom)))
	if u.ValidTo.IsZero() {
		s.detail[5].SetText(lang.L("in service"))
	} else {
		s.detail[5].SetText(formatDate(u.ValidTo))
	}
	var lines []string
	for _, p := range programs {
		lines = append(lines, p.Code+" — "+p.Title)
	}
	s.Programs.SetText(joinOrDash(lines))
	s.Details.Refresh()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// findLocality searches the localities in force today.
func (s *Units) findLocality(text string) []data.Locality {
	needle := vntext.Fold(text)
	var out []data.Locality
	for i, f := range s.folded {
		if strings.Contains(f, needle) {
			out = append(out, s.localities[i])
			if len(out) == 50 {
				break
			}
		}
	}
	return out
}

func optionalDateValidator(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return dateValidator(text)
}

// ShowForm opens the form adding a unit (u is zero) or editing u.
func (s *Units) ShowForm(u data.Unit) {
	e, ok := s.store.(unitEditor)
	if !ok {
		return
	}
	f := &UnitForm{
		Code:     newValidatedEntry(lang.L("for example BCHQS-LS"), requiredValidator),
		Name:     newValidatedEntry(lang.L("for example Ban Chỉ huy Quân sự huyện Chi Lăng"), requiredValidator),
		Locality: newLocalityPicker(false, s.findLocality),
		From:     newValidatedEntry(lang.L("dd/mm/yyyy; empty if not known"), optionalDateValidator),
		To:       newValidatedEntry(lang.L("dd/mm/yyyy; empty while in service"), optionalDateValidator),
		parents:  map[string]int64{},
	}
	none := "—"
	opts := []string{none}
	f.parents[none] = 0
	for _, id := range s.treeOrder() {
		p := s.byID[id]
		if u.ID != 0 && s.isUnder(id, u.ID) {
			continue // a unit cannot sit under itself
		}
		label := p.Name + " (" + p.Code + ")"
		f.parents[label] = p.ID
		opts = append(opts, label)
	}
	f.Parent = widget.NewSelect(opts, nil)
	f.Parent.SetSelected(none)
	title, confirm := lang.L("Add a unit"), lang.L("Add")
	if u.ID != 0 {
		title, confirm = lang.L("Edit a unit"), lang.L("Save")
		f.Code.SetText(u.Code)
		f.Code.Disable() // units are saved by code
		f.Name.SetText(u.Name)
		if p, ok := s.byID[u.ParentID]; ok {
			f.Parent.SetSelected(p.Name + " (" + p.Code + ")")
		}
		if u.LocalityID != 0 {
			f.Locality.Chosen = []data.Locality{{ID: u.LocalityID, Name: s.places[u.ID], Code: "#" + strconv.FormatInt(u.LocalityID, 10)}}
			f.Locality.setLabel(s.places[u.ID])
		}
		f.From.SetText(unitDate(u.ValidFrom))
		f.To.SetText(formatDate(u.ValidTo))
	} else if s.Selected.ID != 0 {
		f.Parent.SetSelected(s.Selected.Name + " (" + s.Selected.Code + ")")
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Code"), f.Code),
		widget.NewFormItem(lang.L("Name"), f.Name),
		widget.NewFormItem(lang.L("Part of"), f.Parent),
		widget.NewFormItem(lang.L("Locality"), f.Locality.box),
		widget.NewFormItem(lang.L("From"), f.From),
		widget.NewFormItem(lang.L("Until"), f.To),
	}
	f.Dialog = dialog.NewForm(title, confirm, lang.L("Cancel"), items, func(yes bool) {
		if yes {
			s.save(e, f)
		}
	}, s.win)
	f.Dialog.Resize(fyne.NewSize(600, f.Dialog.MinSize().Height))
	s.Form = f
	f.Dialog.Show()
}

func (s *Units) treeOrder() []int64 {
	var out []int64
	var walk func(int64)
	walk = func(id int64) {
		for _, c := range s.children[id] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(0)
	return out
}

// isUnder reports whether id is unit or one of its descendants.
func (s *Units) isUnder(id, unit int64) bool {
	for seen := 0; id != 0 && seen < len(s.byID)+1; seen++ {
		if id == unit {
			return true
		}
		id = s.byID[id].ParentID
	}
	return false
}

func (s *Units) save(e unitEditor, f *UnitForm) {
	u := data.Unit{Code: strings.TrimSpace(f.Code.Text), Name: strings.TrimSpace(f.Name.Text), ParentID: f.parents[f.Parent.Selected]}
	if len(f.Locality.Chosen) > 0 {
		u.LocalityID = f.Locality.Chosen[0].ID
	}
	u.ValidFrom, _ = parseDate(f.From.Text)
	u.ValidTo, _ = parseDate(f.To.Text)
	if !u.ValidTo.IsZero() && !u.ValidFrom.IsZero() && u.ValidTo.Before(u.ValidFrom) {
		showError(errors.New(lang.L("The unit leaves service before it starts.")), s.win)
		return
	}
	ctx := s.ctx
	background(&s.work, func() {
		saved, err := e.SaveUnit(ctx, u)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(fmt.Errorf("%s: %w", lang.L("The unit was not saved"), err), s.win)
				return
			}
			s.Selected = data.Unit{ID: saved.ID}
			s.reload()
		})
	})
}

// Delete asks to confirm, then deletes the selected unit if nothing refers to it;
// otherwise the message says what does.
func (s *Units) Delete() {
	e, ok := s.store.(unitEditor)
	u := s.Selected
	if !ok || u.ID == 0 {
		return
	}
	s.Confirm = dialog.NewConfirm(lang.L("Delete a unit"),
		lang.L("Delete {{.Name}} ({{.Code}})? Only a unit nothing refers to can be deleted; set the day it left service otherwise.",
			map[string]any{"Name": u.Name, "Code": u.Code}),
		func(yes bool) {
			if !yes {
				return
			}
			ctx := s.ctx
			background(&s.work, func() {
				err := e.DeleteUnit(ctx, u.ID)
				fyne.Do(func() {
					if ctx.Err() != nil {
						return
					}
					if err != nil {
						showError(fmt.Errorf("%s: %w", lang.L("The unit was not deleted"), err), s.win)
						return
					}
					s.reload()
				})
			})
		}, s.win)
	s.Confirm.SetConfirmText(lang.L("Delete"))
	s.Confirm.SetDismissText(lang.L("Cancel"))
	s.Confirm.Show()
}
