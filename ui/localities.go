package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/assets"
	"danvan/data"
	"danvan/data/vntext"
)

// localityStore is what the Localities screen reads.
type localityStore interface {
	LocalitiesAt(ctx context.Context, d time.Time) ([]data.Locality, error)
	Successors(ctx context.Context) ([]data.Successor, error)
	Locality(ctx context.Context, id int64) (data.Locality, error)
	SearchLocalitiesEver(ctx context.Context, text string, limit int) ([]data.FoundLocality, error)
}

// maxMatches bounds the result list: past a few hundred the officer refines the
// search rather than scrolls.
const maxMatches = 300

// lastDayBefore2025Reform is the last day of the three-level administration.
var lastDayBefore2025Reform = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

// Localities shows the administrative units in force on a date as a tree, with a
// search that ignores accents and a details panel.
type Localities struct {
	store  localityStore
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	load   context.CancelFunc // the load in flight, if any
	work   sync.WaitGroup

	Date      *widget.Entry
	DateError *widget.Label
	Before    *widget.Button
	Now       *widget.Button
	Search    *widget.Entry
	Tree      *widget.Tree
	Results   *widget.List
	Status    *widget.Label
	Details   *widget.Form
	center    *fyne.Container
	root      fyne.CanvasObject

	// Editing: shown only when the store can edit.
	AddButton, RenameButton, MoveButton, CloseButton   *widget.Button
	MergeButton, SplitButton, DeleteButton, LoadButton *widget.Button
	Form                                               *LocalityForm         // the edit form last opened
	Confirm                                            *dialog.ConfirmDialog // the delete confirmation last opened
	ListLoad                                           *ListLoad             // the official list dialog last opened

	// Loaded state, touched only on the UI goroutine.
	date    time.Time
	tree    localityTree
	Matches []data.Locality
	// Elsewhere are matches in force on other dates, listed when none is in force
	// on the chosen one; choosing one moves the date to a day it was in force.
	Elsewhere []data.FoundLocality
	search    context.CancelFunc // the search of other dates in flight, if any
	Selected  data.Locality
	detail    detailLabels
}

// localityTree is one date's localities, ready for the tree widget.
type localityTree struct {
	byID     map[int64]data.Locality
	children map[int64][]int64 // 0: top level; sorted the Vietnamese way
	order    []int64           // depth-first, the order matches are listed in
	folded   map[int64]string  // search key of "name code"
	links    []data.Successor
}

type detailLabels struct {
	code, name, level, parent, from, to, preds, succs *widget.Label
}

// NewLocalities builds the screen; call reload to fill it.
func NewLocalities(store localityStore, win fyne.Window) *Localities {
	s := &Localities{store: store, win: win, date: today()}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	s.Date = widget.NewEntry()
	s.Date.SetText(formatDate(s.date))
	s.Date.SetPlaceHolder(lang.L("dd/mm/yyyy"))
	s.Date.OnChanged = s.dateChanged
	s.DateError = widget.NewLabel("")
	s.DateError.Importance = widget.DangerImportance
	s.DateError.Hide()
	s.Before = widget.NewButton(lang.L("Before 01/07/2025"), func() { s.Date.SetText(formatDate(lastDayBefore2025Reform)) })
	s.Now = widget.NewButton(lang.L("Today"), func() { s.Date.SetText(formatDate(today())) })

	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(lang.L("Search by name or code, with or without accents"))
	s.Search.OnChanged = func(string) { s.filter() }

	s.Tree = widget.NewTree(s.childUIDs, s.isBranch, s.createNode, s.updateNode)
	s.Tree.OnSelected = func(uid widget.TreeNodeID) {
		if id, err := strconv.ParseInt(uid, 10, 64); err == nil {
			s.selectLocality(id)
		}
	}
	s.Results = widget.NewList(
		func() int { return len(s.Matches) + len(s.Elsewhere) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.Matches) {
				o.(*widget.Label).SetText(s.matchLabel(s.Matches[id]))
			} else {
				o.(*widget.Label).SetText(elsewhereLabel(s.Elsewhere[id-len(s.Matches)]))
			}
		},
	)
	s.Results.OnSelected = func(id widget.ListItemID) {
		if id < len(s.Matches) {
			s.reveal(s.Matches[id].ID)
		} else {
			s.goTo(s.Elsewhere[id-len(s.Matches)].Locality)
		}
	}
	s.Status = widget.NewLabel("")

	s.detail = detailLabels{}
	for _, l := range []**widget.Label{&s.detail.code, &s.detail.name, &s.detail.level, &s.detail.parent,
		&s.detail.from, &s.detail.to, &s.detail.preds, &s.detail.succs} {
		*l = widget.NewLabel("")
		(*l).Wrapping = fyne.TextWrapWord
	}
	s.Details = widget.NewForm(
		widget.NewFormItem(lang.L("Code"), s.detail.code),
		widget.NewFormItem(lang.L("Name"), s.detail.name),
		widget.NewFormItem(lang.L("Level"), s.detail.level),
		widget.NewFormItem(lang.L("Part of"), s.detail.parent),
		widget.NewFormItem(lang.L("In force from"), s.detail.from),
		widget.NewFormItem(lang.L("In force until"), s.detail.to),
		widget.NewFormItem(lang.L("Formed from"), s.detail.preds),
		widget.NewFormItem(lang.L("Went into"), s.detail.succs),
	)

	dateRow := container.NewBorder(nil, nil, widget.NewLabel(lang.L("In force on")),
		container.NewHBox(s.Before, s.Now), s.Date)
	s.center = container.NewStack(s.Tree)
	left := container.NewBorder(container.NewVBox(dateRow, s.DateError, s.Search), s.Status, nil, nil, s.center)
	right := container.NewBorder(widget.NewLabelWithStyle(lang.L("Details"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, container.NewVScroll(s.Details))
	split := container.NewHSplit(left, container.NewPadded(right))
	split.Offset = 0.55
	s.root = split
	if _, ok := s.editor(); ok {
		s.root = container.NewBorder(s.toolbar(), nil, nil, nil, split)
	}
	return s
}

// toolbar holds the edits of the selected locality and the official lists.
func (s *Localities) toolbar() fyne.CanvasObject {
	s.AddButton = widget.NewButtonWithIcon(lang.L("Add child locality…"), theme.ContentAddIcon(), s.AddChild)
	s.RenameButton = widget.NewButtonWithIcon(lang.L("Rename…"), theme.DocumentCreateIcon(), s.Rename)
	s.MoveButton = widget.NewButtonWithIcon(lang.L("Move…"), theme.NavigateNextIcon(), s.Move)
	s.CloseButton = widget.NewButtonWithIcon(lang.L("End…"), theme.CancelIcon(), s.CloseSelected)
	s.MergeButton = widget.NewButtonWithIcon(lang.L("Merge…"), theme.ContentCopyIcon(), s.Merge)
	s.SplitButton = widget.NewButtonWithIcon(lang.L("Split…"), theme.ContentCutIcon(), s.Split)
	s.DeleteButton = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), s.Delete)
	s.LoadButton = widget.NewButtonWithIcon(lang.L("Official lists…"), theme.DownloadIcon(), nil)
	s.LoadButton.OnTapped = func() {
		menu := fyne.NewMenu("",
			fyne.NewMenuItem(lang.L("Load an official list…"), s.LoadList),
			fyne.NewMenuItem(lang.L("Load a reform mapping…"), s.LoadReform))
		c := s.win.Canvas()
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.LoadButton)
		widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, s.LoadButton.Size().Height)))
	}
	s.enableEdits(false)
	// A scroll, so that the buttons never widen the window.
	return container.NewHScroll(container.NewHBox(s.AddButton, s.RenameButton, s.MoveButton, s.CloseButton,
		s.MergeButton, s.SplitButton, s.DeleteButton, layout.NewSpacer(), s.LoadButton))
}

func (s *Localities) title() string           { return lang.L("Localities") }
func (s *Localities) icon() fyne.Resource     { return theme.HomeIcon() }
func (s *Localities) view() fyne.CanvasObject { return s.root }
func (s *Localities) stop()                   { s.cancel() }

func (s *Localities) focusSearch() {
	if c := s.win.Canvas(); c != nil {
		c.Focus(s.Search)
	}
}

func (s *Localities) dateChanged(text string) {
	d, ok := parseDate(text)
	if !ok {
		s.DateError.SetText(lang.L("Write the date as dd/mm/yyyy, for example 30/06/2025."))
		s.DateError.Show()
		return
	}
	s.DateError.Hide()
	if !d.Equal(s.date) {
		s.date = d
		s.reload()
	}
}

// reload loads the localities of the chosen date in the background.
func (s *Localities) reload() {
	if s.load != nil {
		s.load()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.load = cancel
	d := s.date
	s.Status.SetText(lang.L("Loading…"))
	background(&s.work, func() { s.refresh(ctx, d) })
}

// refresh reads the localities in force on d and applies them in one fyne.Do.
func (s *Localities) refresh(ctx context.Context, d time.Time) {
	locs, err := s.store.LocalitiesAt(ctx, d)
	var links []data.Successor
	if err == nil {
		links, err = s.store.Successors(ctx)
	}
	var t localityTree
	if err == nil {
		t = buildLocalityTree(locs, links)
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return // a newer load replaced this one, or the store closed
		}
		if err != nil {
			s.Status.SetText("")
			showError(err, s.win)
			return
		}
		s.tree = t
		s.Status.SetText(lang.L("{{.N}} localities in force on {{.Date}}",
			map[string]any{"N": formatCount(len(t.byID)), "Date": formatDate(d)}))
		s.Tree.Refresh()
		s.filter()
		if _, ok := t.byID[s.Selected.ID]; ok {
			s.reveal(s.Selected.ID)
		} else {
			s.Tree.UnselectAll()
			s.showDetails(data.Locality{}, nil)
			s.enableEdits(false)
		}
	})
}

func buildLocalityTree(locs []data.Locality, links []data.Successor) localityTree {
	t := localityTree{
		byID:     make(map[int64]data.Locality, len(locs)),
		children: make(map[int64][]int64),
		folded:   make(map[int64]string, len(locs)),
		links:    links,
	}
	for _, l := range locs {
		t.byID[l.ID] = l
		t.folded[l.ID] = vntext.Fold(l.Name + " " + l.Code)
	}
	for _, l := range locs {
		parent := l.ParentID
		if _, ok := t.byID[parent]; !ok {
			parent = 0 // a parent not in force that day: show the child at the top
		}
		t.children[parent] = append(t.children[parent], l.ID)
	}
	coll := vntext.NewCollator() // one per goroutine: it is not safe to share
	for _, ids := range t.children {
		slices.SortStableFunc(ids, func(a, b int64) int {
			if c := coll.Compare(t.byID[a].Name, t.byID[b].Name); c != 0 {
				return c
			}
			return strings.Compare(t.byID[a].Code, t.byID[b].Code)
		})
	}
	var walk func(int64)
	walk = func(id int64) {
		for _, c := range t.children[id] {
			t.order = append(t.order, c)
			walk(c)
		}
	}
	walk(0)
	return t
}

func uid(id int64) widget.TreeNodeID { return strconv.FormatInt(id, 10) }

func (s *Localities) childUIDs(u widget.TreeNodeID) []widget.TreeNodeID {
	var id int64
	if u != "" {
		id, _ = strconv.ParseInt(u, 10, 64)
	}
	kids := s.tree.children[id]
	out := make([]widget.TreeNodeID, len(kids))
	for i, k := range kids {
		out[i] = uid(k)
	}
	return out
}

func (s *Localities) isBranch(u widget.TreeNodeID) bool {
	if u == "" {
		return true
	}
	id, _ := strconv.ParseInt(u, 10, 64)
	return len(s.tree.children[id]) > 0
}

func (s *Localities) createNode(bool) fyne.CanvasObject {
	level := widget.NewLabel("")
	level.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, level, widget.NewLabel(""))
}

func (s *Localities) updateNode(u widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
	id, _ := strconv.ParseInt(u, 10, 64)
	l := s.tree.byID[id]
	c := o.(*fyne.Container)
	c.Objects[0].(*widget.Label).SetText(l.Name + " (" + l.Code + ")")
	c.Objects[1].(*widget.Label).SetText(levelName(l.Level))
}

// filter lists the localities whose name or code contains the search text.
func (s *Localities) filter() {
	needle := vntext.Fold(s.Search.Text)
	s.Matches = s.Matches[:0]
	s.Elsewhere = nil
	if s.search != nil {
		s.search()
		s.search = nil
	}
	if needle == "" {
		s.center.Objects = []fyne.CanvasObject{s.Tree}
		s.center.Refresh()
		return
	}
	for _, id := range s.tree.order {
		if strings.Contains(s.tree.folded[id], needle) {
			s.Matches = append(s.Matches, s.tree.byID[id])
			if len(s.Matches) == maxMatches {
				break
			}
		}
	}
	s.Results.UnselectAll()
	s.Results.Refresh()
	s.Results.ScrollToTop()
	s.center.Objects = []fyne.CanvasObject{container.NewVSplit(s.Results, s.Tree)}
	s.center.Refresh()
	switch {
	case len(s.Matches) == 1:
		s.reveal(s.Matches[0].ID)
	case !slices.ContainsFunc(s.Matches, func(l data.Locality) bool { return l.ID == s.Selected.ID }):
		// The details must not go on showing a locality the search left out.
		s.Tree.UnselectAll()
		s.showDetails(data.Locality{}, nil)
		s.enableEdits(false)
		s.Selected = data.Locality{}
	}
	if len(s.Matches) == 0 {
		s.searchElsewhere(s.Search.Text)
	}
}

// searchElsewhere lists the localities matching text on other dates, in the
// background: a commune that closed in the reform is still what the officer means.
func (s *Localities) searchElsewhere(text string) {
	ctx, cancel := context.WithCancel(s.ctx)
	s.search = cancel
	background(&s.work, func() {
		found, err := s.store.SearchLocalitiesEver(ctx, text, maxMatches)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return // typed on, or the store closed
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.Elsewhere = found
			s.Results.Refresh()
		})
	})
}

// elsewhereLabel names a match in force on another date with its dates and what it
// became: "Xã Hữu Lễ (06322), đến 30/06/2025, sáp nhập vào Xã Tri Lễ".
func elsewhereLabel(f data.FoundLocality) string {
	args := map[string]any{"Name": f.Name, "Code": f.Code, "From": formatDate(f.ValidFrom), "To": formatDate(f.ValidTo)}
	if f.ValidTo.IsZero() {
		return lang.L("{{.Name}} ({{.Code}}), from {{.From}}", args)
	}
	if len(f.Became) == 0 {
		return lang.L("{{.Name}} ({{.Code}}), until {{.To}}", args)
	}
	names := make([]string, len(f.Became))
	for i, b := range f.Became {
		names[i] = b.Name
	}
	args["Into"] = strings.Join(names, ", ")
	if f.Whole {
		return lang.L("{{.Name}} ({{.Code}}), until {{.To}}, merged into {{.Into}}", args)
	}
	return lang.L("{{.Name}} ({{.Code}}), until {{.To}}, split into {{.Into}}", args)
}

// goTo shows the tree on a day l was in force, with l selected.
func (s *Localities) goTo(l data.Locality) {
	d := l.ValidFrom
	if !l.ValidTo.IsZero() {
		d = l.ValidTo
	}
	s.Selected = l // refresh reveals it once that day's tree is loaded
	s.Search.SetText("")
	s.Date.SetText(formatDate(d))
}

// matchLabel names a match with its ancestors, since commune names repeat across
// provinces.
func (s *Localities) matchLabel(l data.Locality) string {
	var b strings.Builder
	b.WriteString(l.Name + " (" + l.Code + ")")
	for p, ok := s.tree.byID[l.ParentID]; ok; p, ok = s.tree.byID[p.ParentID] {
		b.WriteString(" — " + p.Name)
	}
	return b.String()
}

// reveal opens the branches above id and selects it in the tree.
func (s *Localities) reveal(id int64) {
	var chain []int64
	for p, ok := s.tree.byID[s.tree.byID[id].ParentID]; ok; p, ok = s.tree.byID[p.ParentID] {
		chain = append(chain, p.ID)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		s.Tree.OpenBranch(uid(chain[i]))
	}
	s.Tree.Select(uid(id))
	s.Tree.ScrollTo(uid(id))
	s.selectLocality(id)
}

func (s *Localities) selectLocality(id int64) {
	l, ok := s.tree.byID[id]
	if !ok || (l.ID == s.Selected.ID && s.detail.code.Text == l.Code) {
		return
	}
	s.Selected = l
	s.enableEdits(true)
	links := s.tree.links
	ctx := s.ctx
	s.showDetails(l, nil)
	background(&s.work, func() { s.loadLinks(ctx, l, links) })
}

// localityLink is a predecessor or successor with its name.
type localityLink struct {
	Locality data.Locality
	Whole    bool
	Old      bool // the linked locality is the predecessor
}

// loadLinks names the localities linked to l by a reform; they are usually not in
// force on the chosen date, so they come from the store.
func (s *Localities) loadLinks(ctx context.Context, l data.Locality, links []data.Successor) {
	var out []localityLink
	var err error
	for _, ln := range links {
		var other int64
		old := false
		switch {
		case ln.NewID == l.ID:
			other, old = ln.OldID, true
		case ln.OldID == l.ID:
			other = ln.NewID
		default:
			continue
		}
		var o data.Locality
		if o, err = s.store.Locality(ctx, other); err != nil {
			break
		}
		out = append(out, localityLink{Locality: o, Whole: ln.Whole, Old: old})
	}
	fyne.Do(func() {
		if ctx.Err() != nil || s.Selected.ID != l.ID {
			return
		}
		if err != nil {
			showError(err, s.win)
			return
		}
		s.showDetails(l, out)
	})
}

func (s *Localities) showDetails(l data.Locality, links []localityLink) {
	d := s.detail
	if l.ID == 0 {
		for _, lb := range []*widget.Label{d.code, d.name, d.level, d.parent, d.from, d.to, d.preds, d.succs} {
			lb.SetText("")
		}
		d.name.SetText(lang.L("Select a locality in the tree."))
		return
	}
	d.code.SetText(l.Code)
	d.name.SetText(l.Name)
	d.level.SetText(levelName(l.Level))
	if p, ok := s.tree.byID[l.ParentID]; ok {
		d.parent.SetText(p.Name + " (" + p.Code + ")")
	} else {
		d.parent.SetText("—")
	}
	d.from.SetText(formatDate(l.ValidFrom))
	if l.ValidTo.IsZero() {
		d.to.SetText(lang.L("still in force"))
	} else {
		d.to.SetText(formatDate(l.ValidTo))
	}
	var preds, succs []string
	for _, ln := range links {
		part := lang.L("in part")
		if ln.Whole {
			part = lang.L("whole")
		}
		line := ln.Locality.Name + " (" + ln.Locality.Code + ") — " + part
		if ln.Old {
			preds = append(preds, line)
		} else {
			succs = append(succs, line)
		}
	}
	d.preds.SetText(joinOrDash(preds))
	d.succs.SetText(joinOrDash(succs))
	s.Details.Refresh()
}

func joinOrDash(lines []string) string {
	if len(lines) == 0 {
		return "—"
	}
	return strings.Join(lines, "\n")
}

// localityEditor is what editing localities and loading official lists needs.
type localityEditor interface {
	AddLocality(ctx context.Context, l data.Locality) (data.Locality, error)
	RenameLocality(ctx context.Context, id int64, name string) error
	MoveLocality(ctx context.Context, id, parentID int64) error
	CloseLocality(ctx context.Context, id int64, lastDay time.Time) error
	DeleteLocality(ctx context.Context, id int64) error
	MergeLocalities(ctx context.Context, olds []int64, into data.Locality, date time.Time) (data.Locality, error)
	SplitLocality(ctx context.Context, old int64, parts []data.Locality, date time.Time) ([]data.Locality, error)
	LoadLocalityList(ctx context.Context, validFrom time.Time, entries []data.ListEntry, opt data.LoadOptions) (data.ListSummary, error)
	ApplyReform(ctx context.Context, date time.Time, entries []data.ReformEntry, dryRun bool) (data.ReformSummary, error)
}

// LocalityForm is the dialog of the edit in progress; its fields are exposed for
// tests. Only the fields the edit uses are set.
type LocalityForm struct {
	Dialog                  *dialog.FormDialog
	Code, Name, Date, Parts *widget.Entry
	Level                   *widget.Select
	Pick                    *LocalityPicker // new parent (move, merge) or the others (merge)
	Others                  *LocalityPicker // merge: the localities merged with the selected one
	levels                  map[string]string
}

// level is the stored level chosen in the form.
func (f *LocalityForm) level() string { return f.levels[f.Level.Selected] }

// LocalityPicker chooses one or several localities by searching for them.
type LocalityPicker struct {
	Search  *widget.Entry
	Results *widget.List
	Chosen  []data.Locality
	Label   *widget.Label
	Matches []data.Locality
	Hint    *widget.Label // over the results: what to do, or that nothing matches
	multi   bool
	find    func(text string) []data.Locality
	box     fyne.CanvasObject
}

func newLocalityPicker(multi bool, find func(string) []data.Locality) *LocalityPicker {
	p := &LocalityPicker{multi: multi, find: find}
	p.Search = widget.NewEntry()
	p.Search.SetPlaceHolder(lang.L("Search by name or code, with or without accents"))
	p.Search.OnChanged = func(text string) {
		p.Matches = nil
		if strings.TrimSpace(text) != "" {
			p.Matches = p.find(text)
		}
		p.Results.UnselectAll()
		p.Results.Refresh()
		p.showHint()
	}
	p.Results = widget.NewList(func() int { return len(p.Matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := p.Matches[id]
			o.(*widget.Label).SetText(l.Name + " (" + l.Code + ") · " + levelName(l.Level))
		})
	p.Results.OnSelected = func(id widget.ListItemID) {
		if id < len(p.Matches) {
			p.Choose(p.Matches[id])
		}
	}
	p.Label = widget.NewLabel("")
	p.Label.Wrapping = fyne.TextWrapWord
	clear := widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { p.Chosen = nil; p.show() })
	p.setLabel("")
	p.Hint = lowLabel("")
	p.Hint.Wrapping = fyne.TextWrapWord
	p.showHint()
	list := container.NewGridWrap(fyne.NewSize(440, 96), container.NewStack(p.Results, p.Hint))
	p.box = container.NewVBox(p.Search, list, container.NewBorder(nil, nil, nil, clear, p.Label))
	return p
}

// showHint says, where the results go, what to type, or that nothing matches.
func (p *LocalityPicker) showHint() {
	switch {
	case len(p.Matches) > 0:
		p.Hint.Hide()
		return
	case strings.TrimSpace(p.Search.Text) == "":
		p.Hint.SetText(lang.L("Type part of a name or code above, then click the locality in the results."))
	default:
		p.Hint.SetText(lang.L("No locality matches what you typed."))
	}
	p.Hint.Show()
}

// Choose adds l to the choice, or makes it the choice.
func (p *LocalityPicker) Choose(l data.Locality) {
	if !p.multi {
		p.Chosen = nil
	}
	if !slices.ContainsFunc(p.Chosen, func(c data.Locality) bool { return c.ID == l.ID }) {
		p.Chosen = append(p.Chosen, l)
	}
	p.show()
}

func (p *LocalityPicker) show() {
	var names []string
	for _, c := range p.Chosen {
		names = append(names, c.Name+" ("+c.Code+")")
	}
	p.setLabel(strings.Join(names, "; "))
}

// setLabel shows what is chosen, "—" for nothing.
func (p *LocalityPicker) setLabel(chosen string) {
	p.Label.SetText(lang.L("Chosen:") + " " + orDash(chosen))
}

// findInTree searches the localities shown in the tree.
func (s *Localities) findInTree(text string) []data.Locality {
	needle := vntext.Fold(text)
	var out []data.Locality
	for _, id := range s.tree.order {
		if strings.Contains(s.tree.folded[id], needle) {
			out = append(out, s.tree.byID[id])
			if len(out) == 50 {
				break
			}
		}
	}
	return out
}

func requiredValidator(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New(lang.L("Required"))
	}
	return nil
}

func dateValidator(s string) error {
	if _, ok := parseDate(s); !ok {
		return errors.New(lang.L("Write the date as dd/mm/yyyy, for example 30/06/2025."))
	}
	return nil
}

func newValidatedEntry(placeholder string, v fyne.StringValidator) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.Validator = v
	return e
}

// levelSelect offers the known levels and those in the tree, selecting def.
func (s *Localities) levelSelect(f *LocalityForm, def string) {
	f.levels = map[string]string{}
	var opts []string
	add := func(level string) {
		name := levelName(level)
		if _, ok := f.levels[name]; !ok {
			f.levels[name] = level
			opts = append(opts, name)
		}
	}
	for _, l := range []string{"province", "district", "commune"} {
		add(l)
	}
	for _, l := range s.tree.byID {
		add(l.Level)
	}
	f.Level = widget.NewSelect(opts, nil)
	f.Level.SetSelected(levelName(def))
}

// childLevel guesses the level of a new locality under parent.
func (s *Localities) childLevel(parent int64) string {
	if kids := s.tree.children[parent]; len(kids) > 0 {
		return s.tree.byID[kids[0]].Level
	}
	if parent == 0 {
		return "province"
	}
	return "commune"
}

func (s *Localities) editor() (localityEditor, bool) {
	e, ok := s.store.(localityEditor)
	return e, ok
}

// showForm shows an edit form; ok runs when it is submitted with valid fields.
func (s *Localities) showForm(f *LocalityForm, title, confirm string, items []*widget.FormItem, ok func()) {
	f.Dialog = dialog.NewForm(title, confirm, lang.L("Cancel"), items, func(yes bool) {
		if yes {
			ok()
		}
	}, s.win)
	f.Dialog.Resize(fyne.NewSize(560, f.Dialog.MinSize().Height))
	s.Form = f
	f.Dialog.Show()
}

// change runs an edit off the UI goroutine, then reloads the tree and selects keep
// (the edited locality, or the one that replaced it).
func (s *Localities) change(what string, edit func(ctx context.Context, e localityEditor) (int64, error)) {
	e, ok := s.editor()
	if !ok {
		return
	}
	ctx := s.ctx
	background(&s.work, func() {
		keep, err := edit(ctx, e)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(fmt.Errorf("%s: %w", what, err), s.win)
				return
			}
			s.keep(keep)
		})
	})
}

// keep reloads the tree and selects id again, showing its details afresh.
func (s *Localities) keep(id int64) {
	s.Selected = data.Locality{ID: id}
	s.detail.code.SetText("")
	s.reload()
}

// enableEdits enables the edits that need a locality shown as selected.
func (s *Localities) enableEdits(on bool) {
	if s.RenameButton == nil {
		return
	}
	for _, b := range []*widget.Button{s.RenameButton, s.MoveButton, s.CloseButton, s.MergeButton, s.SplitButton, s.DeleteButton} {
		if !on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// AddChild asks for a new locality under the selected one (or at the top level).
func (s *Localities) AddChild() {
	parent := s.Selected
	f := &LocalityForm{
		Code: newValidatedEntry(lang.L("for example 99001"), requiredValidator),
		Name: newValidatedEntry(lang.L("for example Xã Hữu Lễ"), requiredValidator),
		Date: newValidatedEntry(lang.L("dd/mm/yyyy"), dateValidator),
	}
	f.Date.SetText(formatDate(s.date))
	s.levelSelect(f, s.childLevel(parent.ID))
	under := lang.L("top level")
	if parent.ID != 0 {
		under = parent.Name + " (" + parent.Code + ")"
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Part of"), widget.NewLabel(under)),
		widget.NewFormItem(lang.L("Code"), f.Code),
		widget.NewFormItem(lang.L("Name"), f.Name),
		widget.NewFormItem(lang.L("Level"), f.Level),
		widget.NewFormItem(lang.L("In force from"), f.Date),
	}
	s.showForm(f, lang.L("Add a locality"), lang.L("Add"), items, func() {
		from, _ := parseDate(f.Date.Text)
		l := data.Locality{Code: f.Code.Text, Name: f.Name.Text, Level: f.level(), ParentID: parent.ID, ValidFrom: from}
		s.change(lang.L("The locality was not added"), func(ctx context.Context, e localityEditor) (int64, error) {
			l, err := e.AddLocality(ctx, l)
			return l.ID, err
		})
	})
}

// Rename asks for the selected locality's new name.
func (s *Localities) Rename() {
	l := s.Selected
	if l.ID == 0 {
		return
	}
	f := &LocalityForm{Name: newValidatedEntry("", requiredValidator)}
	f.Name.SetText(l.Name)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Code"), widget.NewLabel(l.Code)),
		widget.NewFormItem(lang.L("New name"), f.Name),
	}
	s.showForm(f, lang.L("Rename a locality"), lang.L("Rename"), items, func() {
		name := f.Name.Text
		s.change(lang.L("The locality was not renamed"), func(ctx context.Context, e localityEditor) (int64, error) {
			return l.ID, e.RenameLocality(ctx, l.ID, name)
		})
	})
}

// Move asks for the selected locality's new parent.
func (s *Localities) Move() {
	l := s.Selected
	if l.ID == 0 {
		return
	}
	f := &LocalityForm{Pick: newLocalityPicker(false, s.findInTree)}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Locality"), widget.NewLabel(l.Name+" ("+l.Code+")")),
		widget.NewFormItem(lang.L("New parent"), f.Pick.box),
	}
	s.showForm(f, lang.L("Move to another administrative unit"), lang.L("Move"), items, func() {
		if len(f.Pick.Chosen) == 0 {
			showError(errors.New(lang.L("Choose the new parent in the search results.")), s.win)
			return
		}
		parent := f.Pick.Chosen[0].ID
		s.change(lang.L("The locality was not moved"), func(ctx context.Context, e localityEditor) (int64, error) {
			return l.ID, e.MoveLocality(ctx, l.ID, parent)
		})
	})
}

// CloseSelected asks for the selected locality's last day in force.
func (s *Localities) CloseSelected() {
	l := s.Selected
	if l.ID == 0 {
		return
	}
	f := &LocalityForm{Date: newValidatedEntry(lang.L("dd/mm/yyyy"), dateValidator)}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Locality"), widget.NewLabel(l.Name+" ("+l.Code+")")),
		widget.NewFormItem(lang.L("Last day in force"), f.Date),
	}
	s.showForm(f, lang.L("End a locality"), lang.L("End"), items, func() {
		last, _ := parseDate(f.Date.Text)
		s.change(lang.L("The locality was not ended"), func(ctx context.Context, e localityEditor) (int64, error) {
			return l.ID, e.CloseLocality(ctx, l.ID, last)
		})
	})
}

// Merge asks which localities merge with the selected one, and into what.
func (s *Localities) Merge() {
	l := s.Selected
	if l.ID == 0 {
		return
	}
	f := &LocalityForm{
		Others: newLocalityPicker(true, s.findInTree),
		Pick:   newLocalityPicker(false, s.findInTree),
		Code:   newValidatedEntry(lang.L("for example 99001"), requiredValidator),
		Name:   newValidatedEntry(lang.L("for example Xã Hữu Lễ"), requiredValidator),
		Date:   newValidatedEntry(lang.L("dd/mm/yyyy"), dateValidator),
	}
	s.levelSelect(f, l.Level)
	if p, ok := s.tree.byID[l.ParentID]; ok {
		f.Pick.Choose(p)
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Merge"), widget.NewLabel(l.Name+" ("+l.Code+")")),
		widget.NewFormItem(lang.L("with"), f.Others.box),
		widget.NewFormItem(lang.L("New code"), f.Code),
		widget.NewFormItem(lang.L("New name"), f.Name),
		widget.NewFormItem(lang.L("Level"), f.Level),
		widget.NewFormItem(lang.L("Part of"), f.Pick.box),
		widget.NewFormItem(lang.L("In force from"), f.Date),
	}
	s.showForm(f, lang.L("Merge localities"), lang.L("Merge"), items, func() {
		olds := []int64{l.ID}
		for _, o := range f.Others.Chosen {
			if o.ID != l.ID {
				olds = append(olds, o.ID)
			}
		}
		if len(olds) < 2 {
			showError(errors.New(lang.L("Choose at least one other locality to merge with.")), s.win)
			return
		}
		date, _ := parseDate(f.Date.Text)
		into := data.Locality{Code: f.Code.Text, Name: f.Name.Text, Level: f.level()}
		if len(f.Pick.Chosen) > 0 {
			into.ParentID = f.Pick.Chosen[0].ID
		}
		s.change(lang.L("The localities were not merged"), func(ctx context.Context, e localityEditor) (int64, error) {
			_, err := e.MergeLocalities(ctx, olds, into, date)
			return l.ID, err
		})
	})
}

// parseParts reads one "code, name" per line.
func parseParts(text string) ([][2]string, error) {
	var out [][2]string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		code, name, ok := strings.Cut(line, ",")
		code, name = strings.TrimSpace(code), strings.TrimSpace(name)
		if !ok || code == "" || name == "" {
			return nil, errors.New(lang.L("Write one part a line: code, name"))
		}
		out = append(out, [2]string{code, name})
	}
	if len(out) < 2 {
		return nil, errors.New(lang.L("A split makes at least two localities: write one a line, code, name"))
	}
	return out, nil
}

// Split asks into which parts the selected locality is split.
func (s *Localities) Split() {
	l := s.Selected
	if l.ID == 0 {
		return
	}
	f := &LocalityForm{
		Parts: widget.NewMultiLineEntry(),
		Date:  newValidatedEntry(lang.L("dd/mm/yyyy"), dateValidator),
	}
	f.Parts.SetPlaceHolder(lang.L("99001, Xã Bắc\n99002, Xã Nam"))
	f.Parts.SetMinRowsVisible(5)
	f.Parts.Validator = func(text string) error { _, err := parseParts(text); return err }
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Split"), widget.NewLabel(l.Name+" ("+l.Code+")")),
		widget.NewFormItem(lang.L("Into (code, name)"), f.Parts),
		widget.NewFormItem(lang.L("In force from"), f.Date),
	}
	s.showForm(f, lang.L("Split a locality"), lang.L("Split"), items, func() {
		parts, _ := parseParts(f.Parts.Text)
		date, _ := parseDate(f.Date.Text)
		var locs []data.Locality
		for _, p := range parts {
			locs = append(locs, data.Locality{Code: p[0], Name: p[1], Level: l.Level, ParentID: l.ParentID})
		}
		s.change(lang.L("The locality was not split"), func(ctx context.Context, e localityEditor) (int64, error) {
			_, err := e.SplitLocality(ctx, l.ID, locs, date)
			return l.ID, err
		})
	})
}

// Delete asks to confirm, then deletes the selected locality if nothing refers to
// it; otherwise the message says what does.
func (s *Localities) Delete() {
	l := s.Selected
	if l.ID == 0 {
		return
	}
	s.Confirm = dialog.NewConfirm(lang.L("Delete a locality"),
		lang.L("Delete {{.Name}} ({{.Code}})? Only a locality nothing refers to can be deleted; end it otherwise.",
			map[string]any{"Name": l.Name, "Code": l.Code}),
		func(yes bool) {
			if !yes {
				return
			}
			s.change(lang.L("The locality was not deleted"), func(ctx context.Context, e localityEditor) (int64, error) {
				return 0, e.DeleteLocality(ctx, l.ID)
			})
		}, s.win)
	s.Confirm.SetConfirmText(lang.L("Delete"))
	s.Confirm.SetDismissText(lang.L("Cancel"))
	s.Confirm.Show()
}

// ListLoad is the dialog loading an official list or a reform mapping, with a
// preview; its fields are exposed for tests.
type ListLoad struct {
	reform  bool
	Source  *widget.Select
	File    *widget.Label
	Browse  *widget.Button
	Date    *widget.Entry
	Only    *widget.Entry // list only: top-level codes to keep
	Preview *widget.Button
	Apply   *widget.Button
	Working *widget.ProgressBarInfinite
	Summary *widget.Label
	Changes []string
	List    *widget.List
	Dialog  *dialog.CustomDialog
	path    string
	shipped map[string]string // source option -> embedded file
}

// maxListedChanges bounds the preview list.
const maxListedChanges = 200

// LoadList opens the dialog loading an official list of localities.
func (s *Localities) LoadList() { s.showListLoad(false) }

// LoadReform opens the dialog loading a reform mapping.
func (s *Localities) LoadReform() { s.showListLoad(true) }

func (s *Localities) showListLoad(reform bool) {
	d := &ListLoad{reform: reform, shipped: map[string]string{}}
	csvOption := lang.L("A CSV file in the same columns…")
	var opts []string
	dates := map[string]string{}
	if reform {
		o := lang.L("Shipped mapping of the 01/07/2025 reform")
		d.shipped[o], dates[o] = assets.Reform2025, "01/07/2025"
		opts = append(opts, o)
	} else {
		before := lang.L("Shipped list in force until 30/06/2025")
		after := lang.L("Shipped list in force from 01/07/2025")
		d.shipped[before], dates[before] = assets.ListBefore2025, "01/01/2020"
		d.shipped[after], dates[after] = assets.ListAfter2025, "01/07/2025"
		opts = append(opts, before, after)
	}
	opts = append(opts, csvOption)
	d.File = widget.NewLabel("")
	d.File.Truncation = fyne.TextTruncateEllipsis
	d.Browse = widget.NewButtonWithIcon(lang.L("Choose file…"), theme.FolderOpenIcon(), func() { s.chooseListFile(d) })
	d.Date = newValidatedEntry(lang.L("dd/mm/yyyy"), dateValidator)
	d.Source = widget.NewSelect(opts, func(o string) {
		if o == csvOption {
			d.Browse.Enable()
		} else {
			d.Browse.Disable()
			d.path = ""
			d.File.SetText("")
		}
		if date, ok := dates[o]; ok {
			d.Date.SetText(date)
		}
		d.clearPreview()
	})
	d.Only = widget.NewEntry()
	d.Only.SetPlaceHolder(lang.L("for example 20, 92; empty for the whole country"))
	d.Only.OnChanged = func(string) { d.clearPreview() }
	d.Working = widget.NewProgressBarInfinite()
	d.Working.Stop()
	d.Working.Hide()
	d.Summary = widget.NewLabel(lang.L("Preview to see what will change; nothing is written until you apply."))
	d.Summary.Wrapping = fyne.TextWrapWord
	d.List = widget.NewList(func() int { return len(d.Changes) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.Changes[id]) })
	d.Preview = widget.NewButtonWithIcon(lang.L("Preview"), theme.VisibilityIcon(), func() { s.runListLoad(d, true) })
	d.Apply = widget.NewButtonWithIcon(lang.L("Apply"), theme.ConfirmIcon(), func() { s.runListLoad(d, false) })
	d.Apply.Importance = widget.HighImportance
	d.Apply.Disable()
	d.Source.SetSelected(opts[len(opts)-2])

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Source"), d.Source),
		widget.NewFormItem(lang.L("File"), container.NewBorder(nil, nil, nil, d.Browse, d.File)),
		widget.NewFormItem(lang.L("In force from"), d.Date),
	)
	title := lang.L("Load a reform mapping")
	if !reform {
		form.Append(lang.L("Keep only the provinces"), d.Only)
		title = lang.L("Load an official list")
	}
	top := container.NewVBox(form, container.NewHBox(d.Preview, d.Apply), d.Working, d.Summary)
	d.Dialog = dialog.NewCustom(title, lang.L("Close"), container.NewBorder(top, nil, nil, nil, d.List), s.win)
	d.Dialog.Resize(fyne.NewSize(760, 560))
	s.ListLoad = d
	d.Dialog.Show()
}

func (d *ListLoad) clearPreview() {
	if d.Apply == nil {
		return
	}
	d.Apply.Disable()
	d.Changes = nil
	d.List.Refresh()
	d.Summary.SetText(lang.L("Preview to see what will change; nothing is written until you apply."))
}

func (s *Localities) chooseListFile(d *ListLoad) {
	askOpenPath(s.win, "", []string{".csv", ".CSV"}, func(path string) {
		d.path = path
		d.File.SetText(d.path)
		d.clearPreview()
	})
}

// splitCodes reads "20, 92" or "20 92".
func splitCodes(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
}

// runListLoad reads the chosen source and loads it, as a dry run for the preview,
// off the UI goroutine.
func (s *Localities) runListLoad(d *ListLoad, dryRun bool) {
	e, ok := s.editor()
	if !ok {
		return
	}
	date, ok := parseDate(d.Date.Text)
	if !ok {
		showError(errors.New(lang.L("Write the date as dd/mm/yyyy, for example 30/06/2025.")), s.win)
		return
	}
	shipped, path := d.shipped[d.Source.Selected], d.path
	if shipped == "" && path == "" {
		showError(errors.New(lang.L("Choose a CSV file first.")), s.win)
		return
	}
	only, reform := splitCodes(d.Only.Text), d.reform
	d.Preview.Disable()
	d.Apply.Disable()
	d.Working.Show()
	d.Working.Start()
	ctx := s.ctx
	background(&s.work, func() {
		var summary string
		var changes []string
		err := func() error {
			var f io.ReadCloser
			var err error
			name := shipped
			if shipped != "" {
				f, err = assets.Localities.Open(shipped)
			} else {
				f, err = os.Open(path)
				name = filepath.Base(path)
			}
			if err != nil {
				return err
			}
			defer f.Close()
			if reform {
				entries, err := data.ReadReformMapping(name, f)
				if err != nil {
					return err
				}
				sum, err := e.ApplyReform(ctx, date, entries, dryRun)
				if err != nil {
					return err
				}
				summary, changes = reformSummary(sum)
				return nil
			}
			entries, err := data.ReadLocalityList(name, f)
			if err != nil {
				return err
			}
			sum, err := e.LoadLocalityList(ctx, date, entries, data.LoadOptions{Only: only, DryRun: dryRun})
			if err != nil {
				return err
			}
			summary, changes = listSummary(sum)
			return nil
		}()
		fyne.Do(func() {
			d.Working.Stop()
			d.Working.Hide()
			d.Preview.Enable()
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			d.Summary.SetText(summary)
			d.Changes = changes
			d.List.Refresh()
			d.List.ScrollToTop()
			if dryRun {
				d.Apply.Enable()
			} else {
				s.keep(s.Selected.ID)
			}
		})
	})
}

func listSummary(sum data.ListSummary) (string, []string) {
	text := lang.L("Opens {{.Opened}}, closes {{.Closed}}, renames {{.Renamed}}, keeps {{.Kept}} localities; {{.Skipped}} rows outside the chosen provinces.",
		map[string]any{"Opened": formatCount(sum.Opened), "Closed": formatCount(sum.Closed), "Renamed": formatCount(sum.Renamed),
			"Kept": formatCount(sum.Kept), "Skipped": formatCount(sum.Skipped)})
	if sum.DryRun {
		text = lang.L("Preview:") + " " + text
	} else {
		text = lang.L("Done:") + " " + text
	}
	var out []string
	for i, c := range sum.Changes {
		if i == maxListedChanges {
			out = append(out, lang.L("… and {{.N}} more changes", map[string]any{"N": formatCount(len(sum.Changes) - i)}))
			break
		}
		switch c.Kind {
		case data.Opened:
			out = append(out, lang.L("Opens")+" "+c.Code+" "+c.New)
		case data.Closed:
			out = append(out, lang.L("Closes")+" "+c.Code+" "+c.Old)
		case data.Renamed:
			out = append(out, lang.L("Renames")+" "+c.Code+" "+lang.L("from {{.Old}} to {{.New}}", map[string]any{"Old": c.Old, "New": c.New}))
		}
	}
	return text, out
}

func reformSummary(sum data.ReformSummary) (string, []string) {
	text := lang.L("Links {{.Linked}} old localities to new ones; {{.Unchanged}} unchanged; {{.Missing}} rows name localities this database does not hold.",
		map[string]any{"Linked": formatCount(sum.Linked), "Unchanged": formatCount(sum.Unchanged), "Missing": formatCount(sum.Missing)})
	if sum.DryRun {
		text = lang.L("Preview:") + " " + text
	} else {
		text = lang.L("Done:") + " " + text
	}
	var out []string
	for _, ex := range sum.Examples {
		out = append(out, lang.L("Not in this database:")+" "+ex)
	}
	return text, out
}
