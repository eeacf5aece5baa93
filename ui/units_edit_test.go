package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"danvan/data"
)

func newEditableUnits(t *testing.T) (*Units, *data.Store, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	store := freshDemo(t)
	s := NewUnits(store, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	w.Resize(fyne.NewSize(1280, 800))
	s.reload()
	s.work.Wait()
	return s, store, w
}

func selectUnitCode(t *testing.T, s *Units, code string) data.Unit {
	t.Helper()
	for id, u := range s.byID {
		if u.Code == code {
			s.Tree.Select(uid(id))
			s.work.Wait()
			if s.Selected.ID != id {
				t.Fatalf("selecting %s selected %+v", code, s.Selected)
			}
			return u
		}
	}
	t.Fatalf("no unit %s", code)
	return data.Unit{}
}

func TestUnitsAddEditDelete(t *testing.T) {
	s, store, w := newEditableUnits(t)
	ctx := context.Background()
	selectUnitCode(t, s, "BCHQS-LS")
	test.Tap(s.AddButton)
	f := s.Form
	if f.Parent.Selected != "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn (BCHQS-LS)" {
		t.Fatalf("parent preset to %q", f.Parent.Selected)
	}
	f.Code.SetText("BCHQS-TN")
	f.Name.SetText("Ban Chỉ huy Quân sự xã Thử Nghiệm")
	f.Locality.Search.SetText("lang son")
	if len(f.Locality.Matches) == 0 {
		t.Fatal("the locality search finds nothing for lang son")
	}
	f.Locality.Results.Select(0)
	f.From.SetText("01/01/2026")
	f.Dialog.Submit()
	s.work.Wait()
	u, err := store.UnitByCode(ctx, "BCHQS-TN")
	if err != nil {
		t.Fatalf("unit not saved: %v; dialogs %q", err, renderedTexts(w))
	}
	ls, _ := store.UnitByCode(ctx, "BCHQS-LS")
	if u.ParentID != ls.ID || u.LocalityID == 0 || formatDate(u.ValidFrom) != "01/01/2026" {
		t.Fatalf("saved %+v", u)
	}
	if s.Selected.ID != u.ID || s.detail[1].Text != u.Name {
		t.Fatalf("the new unit is not selected: %+v", s.Selected)
	}

	test.Tap(s.EditButton)
	if s.Form.Code.Text != "BCHQS-TN" || !s.Form.Code.Disabled() {
		t.Fatal("the edit form does not hold the unit's code, read-only")
	}
	s.Form.Name.SetText("Ban Chỉ huy Quân sự xã Thử Nghiệm Mới")
	s.Form.Dialog.Submit()
	s.work.Wait()
	if u, _ = store.UnitByCode(ctx, "BCHQS-TN"); u.Name != "Ban Chỉ huy Quân sự xã Thử Nghiệm Mới" || u.ParentID != ls.ID || u.LocalityID == 0 {
		t.Fatalf("edited %+v", u)
	}

	test.Tap(s.DeleteButton)
	tapOverlayButton(t, w, "Xóa")
	s.work.Wait()
	if _, err := store.UnitByCode(ctx, "BCHQS-TN"); err == nil {
		t.Fatal("the unit was not deleted")
	}
	if _, ok := s.byID[u.ID]; ok {
		t.Fatal("the deleted unit is still in the tree")
	}
}

func TestUnitsShowProgramsAndRefuseDeletingUsedUnits(t *testing.T) {
	s, store, w := newEditableUnits(t)
	selectUnitCode(t, s, "BCHQS-CL")
	if !strings.Contains(s.Programs.Text, "CTPH-2026") {
		t.Fatalf("programs of BCHQS-CL: %q", s.Programs.Text)
	}
	test.Tap(s.DeleteButton)
	tapOverlayButton(t, w, "Xóa")
	s.work.Wait()
	const why = "Không xóa được đơn vị: có 1280 số liệu đã báo cáo, 2 chương trình phối hợp đang gắn với đơn vị này; hãy nhập ngày thôi hoạt động thay vì xóa"
	if texts := renderedTexts(w); !slices.Contains(texts, why) || containsText(texts, "referred to") {
		t.Fatalf("the refusal does not say in Vietnamese what refers to the unit: %q", texts)
	}
	if _, err := store.UnitByCode(context.Background(), "BCHQS-CL"); err != nil {
		t.Fatal("BCHQS-CL was deleted")
	}
}
