package ui

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
)

// freshDemo is a demo database of the test's own, for tests that write.
func freshDemo(t *testing.T) *data.Store {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func newEditableLocalities(t *testing.T) (*Localities, *data.Store, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	store := freshDemo(t)
	s := NewLocalities(store, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	w.Resize(fyne.NewSize(1280, 800))
	s.reload()
	s.work.Wait()
	return s, store, w
}

func mustDate(t *testing.T, text string) time.Time {
	t.Helper()
	d, ok := parseDate(text)
	if !ok {
		t.Fatalf("bad date %q", text)
	}
	return d
}

// selectCode selects the locality with code in the tree.
func selectCode(t *testing.T, s *Localities, code string) data.Locality {
	t.Helper()
	for id, l := range s.tree.byID {
		if l.Code == code {
			s.reveal(id)
			return l
		}
	}
	t.Fatalf("no locality %s in the tree on %s", code, formatDate(s.date))
	return data.Locality{}
}

// tapOverlayButton taps the button with text in the window's dialogs.
func tapOverlayButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || found != nil {
			return
		}
		switch c := o.(type) {
		case *widget.Button:
			if c.Text == text {
				found = c
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(c).Objects() {
				walk(child)
			}
		case *fyne.Container:
			for _, child := range c.Objects {
				walk(child)
			}
		}
	}
	for _, ov := range w.Canvas().Overlays().List() {
		walk(ov)
	}
	if found == nil {
		t.Fatalf("no button %q in the dialogs; they show %q", text, renderedTexts(w))
	}
	test.Tap(found)
}

func addChild(t *testing.T, s *Localities, parent, code, name, from string) {
	t.Helper()
	selectCode(t, s, parent)
	test.Tap(s.AddButton)
	f := s.Form
	f.Code.SetText(code)
	f.Name.SetText(name)
	f.Date.SetText(from)
	f.Dialog.Submit()
	s.work.Wait()
}

func TestLocalitiesAddRenameDelete(t *testing.T) {
	s, store, w := newEditableLocalities(t)
	ctx := context.Background()
	addChild(t, s, "20", "99001", "Xã Thử Nghiệm", "01/01/2026")
	l, err := store.LocalityByCode(ctx, "99001", mustDate(t, "01/01/2026"))
	if err != nil {
		t.Fatalf("the new commune was not saved: %v; dialogs: %q", err, renderedTexts(w))
	}
	if _, ok := s.tree.byID[l.ID]; !ok || s.Selected.ID != l.ID {
		t.Fatalf("the new commune is not in the tree and selected (selected %+v)", s.Selected)
	}
	if s.tree.byID[l.ParentID].Code != "20" || l.Level != "commune" {
		t.Fatalf("new commune %+v", l)
	}

	test.Tap(s.RenameButton)
	if s.Form.Name.Text != "Xã Thử Nghiệm" {
		t.Fatalf("rename form starts with %q", s.Form.Name.Text)
	}
	s.Form.Name.SetText("Xã Thử Nghiệm Mới")
	s.Form.Dialog.Submit()
	s.work.Wait()
	if l, _ = store.Locality(ctx, l.ID); l.Name != "Xã Thử Nghiệm Mới" {
		t.Fatalf("renamed to %q", l.Name)
	}
	if s.detail.name.Text != "Xã Thử Nghiệm Mới" || s.Selected.ID != l.ID {
		t.Fatalf("details show %q after the rename", s.detail.name.Text)
	}

	test.Tap(s.DeleteButton)
	tapOverlayButton(t, w, "Xóa")
	s.work.Wait()
	if _, err := store.Locality(ctx, l.ID); err == nil {
		t.Fatal("the commune was not deleted")
	}
	if _, ok := s.tree.byID[l.ID]; ok {
		t.Fatal("the deleted commune is still in the tree")
	}
}

func TestLocalitiesFormsValidateInline(t *testing.T) {
	s, _, _ := newEditableLocalities(t)
	selectCode(t, s, "20")
	test.Tap(s.AddButton)
	f := s.Form
	f.Code.SetText("99001")
	f.Name.SetText("Xã Thử Nghiệm")
	f.Date.SetText("32/13/2026")
	if f.Date.Validate() == nil {
		t.Fatal("a bad date passes")
	}
	f.Dialog.Submit() // refused: the confirm button is disabled
	s.work.Wait()
	if _, ok := s.findCode("99001"); ok {
		t.Fatal("a form with a bad date was submitted")
	}
}

func (s *Localities) findCode(code string) (data.Locality, bool) {
	for _, l := range s.tree.byID {
		if l.Code == code {
			return l, true
		}
	}
	return data.Locality{}, false
}

func TestLocalitiesDeleteReferredShowsWhy(t *testing.T) {
	s, store, w := newEditableLocalities(t)
	s.Date.SetText("30/06/2025")
	s.work.Wait()
	l := selectCode(t, s, "06322") // Xã Hữu Lễ, with reported values
	test.Tap(s.DeleteButton)
	tapOverlayButton(t, w, "Xóa")
	s.work.Wait()
	// The refusal says, in the officer's language, what refers to the locality.
	const why = "Không xóa được địa bàn: có 360 số liệu đã báo cáo, 108 chỉ tiêu giao, 1 liên kết sắp xếp đơn vị hành chính đang gắn với địa bàn này; hãy chấm dứt hiệu lực thay vì xóa"
	if texts := renderedTexts(w); !slices.Contains(texts, why) || containsText(texts, "referred to") {
		t.Fatalf("the refusal does not say in Vietnamese what refers to it: %q", texts)
	}
	if _, err := store.Locality(context.Background(), l.ID); err != nil {
		t.Fatal("Xã Hữu Lễ was deleted")
	}
}

func TestLocalitiesMerge(t *testing.T) {
	s, store, w := newEditableLocalities(t)
	ctx := context.Background()
	addChild(t, s, "20", "99001", "Xã Một", "01/01/2026")
	addChild(t, s, "20", "99002", "Xã Hai", "01/01/2026")
	one := selectCode(t, s, "99001")
	test.Tap(s.MergeButton)
	f := s.Form
	f.Others.Search.SetText("xa hai")
	if len(f.Others.Matches) == 0 {
		t.Fatal("the search finds no Xã Hai")
	}
	f.Others.Results.Select(0)
	if len(f.Pick.Chosen) != 1 || f.Pick.Chosen[0].Code != "20" {
		t.Fatalf("the parent is not preset to the province: %+v", f.Pick.Chosen)
	}
	f.Code.SetText("99003")
	f.Name.SetText("Xã Một Hai")
	f.Date.SetText("01/01/2027")
	f.Dialog.Submit()
	s.work.Wait()
	merged, err := store.LocalityByCode(ctx, "99003", mustDate(t, "01/01/2027"))
	if err != nil {
		t.Fatalf("no merged commune: %v; dialogs: %q", err, renderedTexts(w))
	}
	if p, _ := store.Locality(ctx, merged.ParentID); p.Code != "20" {
		t.Fatalf("merged commune under %+v", p)
	}
	for _, code := range []string{"99001", "99002"} {
		l, err := store.LocalityByCode(ctx, code, mustDate(t, "31/12/2026"))
		if err != nil {
			t.Fatal(err)
		}
		if formatDate(l.ValidTo) != "31/12/2026" {
			t.Fatalf("%s ends %s", code, formatDate(l.ValidTo))
		}
	}
	if s.Selected.ID != one.ID {
		t.Fatalf("selection lost after the merge: %+v", s.Selected)
	}
}

func TestLocalitiesSplit(t *testing.T) {
	s, store, _ := newEditableLocalities(t)
	ctx := context.Background()
	addChild(t, s, "20", "99001", "Xã Lớn", "01/01/2026")
	selectCode(t, s, "99001")
	test.Tap(s.SplitButton)
	s.Form.Parts.SetText("99004, Xã Bắc\n99005, Xã Nam")
	s.Form.Date.SetText("01/01/2027")
	s.Form.Dialog.Submit()
	s.work.Wait()
	for _, code := range []string{"99004", "99005"} {
		if _, err := store.LocalityByCode(ctx, code, mustDate(t, "01/01/2027")); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
}

func TestLocalitiesOfficialListPreviewChangesNothing(t *testing.T) {
	s, store, w := newEditableLocalities(t)
	ctx := context.Background()
	before, err := store.AllLocalities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.LoadList()
	d := s.ListLoad
	d.Source.SetSelected("Danh mục kèm theo, hiệu lực từ 01/07/2025")
	if d.Date.Text != "01/07/2025" {
		t.Fatalf("date preset to %q", d.Date.Text)
	}
	// 92 opened on 01/07/2025 too: a list of 20 alone comes later, or with 92.
	d.Date.SetText("01/01/2026")
	d.Only.SetText("20")
	test.Tap(d.Preview)
	s.work.Wait()
	if !containsText([]string{d.Summary.Text}, "Xem trước:") || !containsText([]string{d.Summary.Text}, "giữ nguyên") {
		t.Fatalf("preview summary %q; dialogs %q", d.Summary.Text, renderedTexts(w))
	}
	if d.Apply.Disabled() {
		t.Fatal("apply stays disabled after a preview")
	}
	after, err := store.AllLocalities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("a preview changed the localities: %d -> %d", len(before), len(after))
	}

	s.LoadReform()
	r := s.ListLoad
	test.Tap(r.Preview)
	s.work.Wait()
	if !containsText([]string{r.Summary.Text}, "Liên kết") {
		t.Fatalf("reform preview %q; dialogs %q", r.Summary.Text, renderedTexts(w))
	}
}
