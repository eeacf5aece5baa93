package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
)

// newEntryScreen opens the grid on a copy of the demo for CTPH-2026, 2026Q3 and
// Văn Quan, whose Q3 report is missing.
func newEntryScreen(t *testing.T) (*Entry, *data.Store, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	st := demoCopy(t)
	t.Cleanup(func() { st.Close() })
	w := test.NewTempWindow(t, widget.NewLabel(""))
	e := NewEntry(st, w)
	w.SetContent(e.view())
	w.Resize(fyne.NewSize(1200, 700))
	e.reload()
	e.Program.SetSelected("CTPH-2026")
	if !e.SelectPeriod("2026Q3") || !e.SelectUnit("BCHQS-VQ") {
		t.Fatalf("periods %v, units %v", e.Period.Options, e.Unit.Options)
	}
	w.Canvas().Focus(e.Table)
	return e, st, w
}

func key(e *Entry, name fyne.KeyName) { e.Table.TypedKey(&fyne.KeyEvent{Name: name}) }

// indicatorCol finds a column whose indicator takes the given decimals.
func indicatorCol(t *testing.T, e *Entry, decimals int) int {
	t.Helper()
	for j, in := range e.Indicators {
		if in.Decimals == decimals {
			return j + 1
		}
	}
	t.Fatalf("no indicator with %d decimals", decimals)
	return 0
}

func TestEntryTypePasteValidateSave(t *testing.T) {
	e, st, _ := newEntryScreen(t)
	ctx := context.Background()
	var codes []string
	for _, l := range e.Rows {
		codes = append(codes, l.Code)
	}
	if strings.Join(codes, " ") != "06253 06280 06313" {
		t.Fatalf("rows = %v, want Văn Quan's communes", codes)
	}
	for i := range e.Rows {
		for j := 1; j <= len(e.Indicators); j++ {
			if e.CellText(i, j) != "" {
				t.Fatalf("cell %d,%d = %q before anything was typed", i, j, e.CellText(i, j))
			}
		}
	}
	if e.Dirty() {
		t.Fatal("dirty before typing")
	}

	// Type 12 and Enter in the first value cell: the cursor goes down.
	e.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	test.Type(e.Table, "12")
	key(e, fyne.KeyReturn)
	if e.CellText(0, 1) != "12" || e.cur != (widget.TableCellID{Row: 1, Col: 1}) {
		t.Fatalf("after typing: cell %q, cursor %v", e.CellText(0, 1), e.cur)
	}
	if !e.Dirty() {
		t.Fatal("not dirty after typing")
	}
	// Tab goes right, Up goes up, Delete clears.
	key(e, fyne.KeyTab)
	key(e, fyne.KeyUp)
	if e.cur != (widget.TableCellID{Row: 0, Col: 2}) {
		t.Fatalf("cursor %v after Tab and Up", e.cur)
	}

	// Paste a 2x2 block from row 1, column 2.
	e.Table.Select(widget.TableCellID{Row: 1, Col: 2})
	fyne.CurrentApp().Clipboard().SetContent("3\t4\r\n5\t6\r\n")
	e.Table.TypedShortcut(&fyne.ShortcutPaste{Clipboard: fyne.CurrentApp().Clipboard()})
	if got := []string{e.CellText(1, 2), e.CellText(1, 3), e.CellText(2, 2), e.CellText(2, 3)}; strings.Join(got, " ") != "3 4 5 6" {
		t.Fatalf("pasted cells = %v", got)
	}

	// 1,5 in a whole-number indicator is refused with the reason.
	whole := indicatorCol(t, e, 0)
	e.Table.Select(widget.TableCellID{Row: 2, Col: whole})
	key(e, fyne.KeyDelete)
	test.Type(e.Table, "1,5")
	key(e, fyne.KeyUp)
	e.Table.Select(widget.TableCellID{Row: 2, Col: whole})
	reason := e.CellProblem(2, whole)
	if reason == "" || !e.Problem.Visible() || e.Problem.Text != reason || !strings.Contains(reason, "số nguyên") {
		t.Fatalf("1,5 in a whole number column: problem %q, shown %v %q", reason, e.Problem.Visible(), e.Problem.Text)
	}
	e.Save(nil)
	if !strings.Contains(e.Message.Text, "Chưa lưu") || !strings.Contains(e.Message.Text, e.Indicators[whole-1].Code) {
		t.Fatalf("save with an invalid cell says %q", e.Message.Text)
	}
	q3 := period.MustParse("2026Q3")
	vq, _ := st.UnitByCode(ctx, "BCHQS-VQ")
	if rows, _ := st.Values(ctx, data.ValueFilter{UnitID: vq.ID, From: q3, To: q3}); len(rows) != 0 {
		t.Fatalf("%d values written by a refused save", len(rows))
	}

	// Vietnamese and unambiguous English decimals both read in a 2-decimal column;
	// negatives and three decimals do not.
	dec := indicatorCol(t, e, 2)
	for text, ok := range map[string]bool{"1.234,5": true, "1234.5": true, "2,25": true, "-1": false, "1,234": false, "abc": false} {
		e.SetCell(widget.TableCellID{Row: 0, Col: dec}, text)
		if got := e.CellProblem(0, dec) == ""; got != ok {
			t.Errorf("%q valid = %v, want %v (%s)", text, got, ok, e.CellProblem(0, dec))
		}
	}
	e.SetCell(widget.TableCellID{Row: 0, Col: dec}, "1.234,5")

	// Fix and save; 1.234,5 km is beyond the road's plausible range, and saved anyway.
	e.SetCell(widget.TableCellID{Row: 2, Col: whole}, "2")
	e.Save(nil)
	test.Tap(e.WarningButtons[0])
	if e.Dirty() {
		t.Fatal("still dirty after saving")
	}
	if !strings.Contains(e.Message.Text, "Đã lưu") {
		t.Fatalf("after saving: %q", e.Message.Text)
	}
	rows, err := st.Values(ctx, data.ValueFilter{UnitID: vq.ID, From: q3, To: q3})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range rows {
		got[r.LocalityCode+"/"+r.IndicatorCode] = r.Value.Value
		h, err := st.History(ctx, r.IndicatorID, r.LocalityID, r.UnitID, r.Period)
		accepted := len(h) == 2 && h[1].Source == data.SourceWarning // the 1.234,5 km
		if err != nil || (len(h) != 1 && !accepted) || h[0].Source != "entry" {
			t.Fatalf("history of %s/%s: %+v %v", r.LocalityCode, r.IndicatorCode, h, err)
		}
	}
	cell := func(row, col int) string { return e.Rows[row].Code + "/" + e.Indicators[col-1].Code }
	want := map[string]float64{cell(0, 1): 12, cell(1, 2): 3, cell(1, 3): 4, cell(2, 2): 5, cell(2, 3): 6, cell(0, dec): 1234.5}
	want[cell(2, whole)] = 2
	if len(got) != len(want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// The grid was read back and shows the numbers in Vietnamese.
	if e.CellText(0, dec) != "1.234,50" || e.CellText(0, 1) != "12" {
		t.Errorf("after reload: %q %q", e.CellText(0, dec), e.CellText(0, 1))
	}

	// Clearing a stored cell deletes the value, with history.
	e.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	key(e, fyne.KeyDelete)
	if e.CellProblem(0, 1) != "" || !e.Dirty() {
		t.Fatalf("cleared cell: problem %q, dirty %v", e.CellProblem(0, 1), e.Dirty())
	}
	e.Save(nil)
	if e.Dirty() || !strings.Contains(e.Message.Text, "Đã lưu 1") {
		t.Fatalf("after deleting: dirty %v, %q", e.Dirty(), e.Message.Text)
	}
	h, err := st.History(ctx, e.Indicators[0].ID, e.Rows[0].ID, vq.ID, q3)
	if err != nil || len(h) != 2 || h[1].New != nil || h[1].Source != "entry" {
		t.Fatalf("history after deleting: %+v %v", h, err)
	}

	// History is one click away.
	e.Table.Select(widget.TableCellID{Row: 1, Col: 2})
	if e.HistoryButton.Disabled() {
		t.Fatal("history button disabled on a stored value")
	}
	test.Tap(e.HistoryButton)
	if len(e.History) != 1 || e.History[0].New == nil || *e.History[0].New != 3 {
		t.Fatalf("history shown: %+v", e.History)
	}
}

func TestEntryConfirmDiscard(t *testing.T) {
	e, st, _ := newEntryScreen(t)
	ctx := context.Background()
	ran := 0
	then := func() { ran++ }

	e.ConfirmDiscard(then)
	if ran != 1 || e.confirm != nil {
		t.Fatalf("a clean grid asked (ran %d)", ran)
	}
	e.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	test.Type(e.Table, "7")
	if !e.Dirty() {
		t.Fatal("typing without Enter is not dirty")
	}

	// Cancel: nothing happens, the value stays.
	e.ConfirmDiscard(then)
	test.Tap(e.ConfirmButtons[2])
	if ran != 1 || !e.Dirty() || e.CellText(0, 1) != "7" {
		t.Fatalf("cancel: ran %d, dirty %v, cell %q", ran, e.Dirty(), e.CellText(0, 1))
	}

	// Changing the unit asks too; Don't save switches and throws the change away.
	e.SelectUnit("BCHQS-CL")
	if !strings.HasPrefix(e.Unit.Selected, "BCHQS-VQ") {
		t.Fatalf("the unit changed to %q before the question was answered", e.Unit.Selected)
	}
	test.Tap(e.ConfirmButtons[1])
	if !strings.HasPrefix(e.Unit.Selected, "BCHQS-CL") || e.Dirty() {
		t.Fatalf("don't save: unit %q, dirty %v", e.Unit.Selected, e.Dirty())
	}
	e.SelectUnit("BCHQS-VQ")
	if e.CellText(0, 1) != "" {
		t.Fatalf("the discarded value came back: %q", e.CellText(0, 1))
	}

	// Save: the value is stored, then the action runs.
	e.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	test.Type(e.Table, "9")
	e.ConfirmDiscard(then)
	test.Tap(e.ConfirmButtons[0])
	if ran != 2 || e.Dirty() {
		t.Fatalf("save: ran %d, dirty %v", ran, e.Dirty())
	}
	vq, _ := st.UnitByCode(ctx, "BCHQS-VQ")
	q3 := period.MustParse("2026Q3")
	rows, err := st.Values(ctx, data.ValueFilter{UnitID: vq.ID, From: q3, To: q3})
	if err != nil || len(rows) != 1 || rows[0].Value.Value != 9 {
		t.Fatalf("stored %+v %v", rows, err)
	}
}

func TestLeavingDirtyEntryAsks(t *testing.T) {
	m, _ := newMain(t)
	m.SetStore(demoCopy(t))
	m.waitAll()
	idx := -1
	for i, sc := range m.screens {
		if sc == screen(m.Entry) {
			idx = i
		}
	}
	if idx != 4 {
		t.Fatalf("Data entry is screen %d, want 4 (after Values)", idx)
	}
	m.nav.Select(idx)
	e := m.Entry
	e.Program.SetSelected("CTPH-2026")
	e.SelectPeriod("2026Q3")
	e.SelectUnit("BCHQS-VQ")
	e.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	test.Type(e.Table, "5")
	m.nav.Select(0)
	if m.current != idx || e.confirm == nil {
		t.Fatalf("left a dirty grid for screen %d", m.current)
	}
	test.Tap(e.ConfirmButtons[2]) // cancel
	if m.current != idx || !e.Dirty() {
		t.Fatalf("cancel: screen %d, dirty %v", m.current, e.Dirty())
	}
	m.nav.Select(0)
	test.Tap(e.ConfirmButtons[1]) // don't save
	if m.current != 0 || e.Dirty() {
		t.Fatalf("don't save: screen %d, dirty %v", m.current, e.Dirty())
	}
}
