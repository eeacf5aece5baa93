package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
)

// writableDemo is a demo database of the test's own, for tests that write.
func writableDemo(t *testing.T) *data.Store {
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

func newProgramsOn(t *testing.T, st *data.Store) (*Programs, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	s := NewPrograms(st, nil)
	w := test.NewTempWindow(t, s.view())
	w.Resize(fyne.NewSize(1366, 768))
	s.win = w
	s.reload()
	s.work.Wait()
	return s, w
}

func TestProgramFormCreatesAProgram(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	s, w := newProgramsOn(t, st)
	test.Tap(s.NewButton)
	f := s.Form
	if f == nil {
		t.Fatal("no form")
	}
	if !containsText(renderedTexts(w), "Mã") {
		t.Error("the form is not shown")
	}
	test.Type(f.Code, "CTPH-2027")
	test.Type(f.Title, "Chương trình phối hợp năm 2027")
	test.Type(f.Parties, "Bộ CHQS tỉnh; Ban Dân vận Tỉnh ủy")
	test.Type(f.Start, "01/01/2027")
	test.Type(f.End, "31/12/2027")
	f.PeriodType.SetSelected("hằng quý")
	test.Type(f.Description, "Thử nghiệm")
	test.Tap(f.AddContent)
	test.Type(f.Contents[0].Title, "Tuyên truyền")
	test.Tap(f.AddContent)
	test.Type(f.Contents[1].Title, "Giúp dân")
	test.Tap(f.Contents[1].up) // Giúp dân first
	test.Tap(f.AddIndicator)
	test.Tap(f.AddIndicator)
	pick := func(r *indicatorRow, code string) {
		i := slices.IndexFunc(r.Indicator.Options, func(o string) bool { return strings.HasPrefix(o, code+" ") })
		if i < 0 {
			t.Fatalf("%s not offered: %v", code, r.Indicator.Options)
		}
		r.Indicator.SetSelectedIndex(i)
	}
	pick(f.Indicators[0], "TT_DOT")
	f.Indicators[0].Content.SetSelectedIndex(2) // 2. Tuyên truyền
	pick(f.Indicators[1], "DUONG_KM")
	f.Indicators[1].Content.SetSelectedIndex(1) // 1. Giúp dân
	units, err := st.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.Units[units[0].ID].SetChecked(true)
	f.Units[units[2].ID].SetChecked(true)
	test.Tap(f.SaveButton)
	s.work.Wait()
	if f.Error.Visible() {
		t.Fatalf("form error: %s", f.Error.Text)
	}
	p, err := st.ProgramByCode(ctx, "CTPH-2027")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Chương trình phối hợp năm 2027" || p.Parties != "Bộ CHQS tỉnh; Ban Dân vận Tỉnh ủy" || p.Description != "Thử nghiệm" ||
		formatDate(p.Start) != "01/01/2027" || formatDate(p.End) != "31/12/2027" || p.PeriodType != period.Quarter {
		t.Errorf("saved %+v", p)
	}
	if len(p.Contents) != 2 || p.Contents[0].Title != "Giúp dân" || p.Contents[1].Title != "Tuyên truyền" {
		t.Errorf("contents %+v", p.Contents)
	}
	if len(p.Indicators) != 2 || p.Indicators[0].Code != "TT_DOT" || p.Indicators[0].KeyContent != 2 ||
		p.Indicators[1].Code != "DUONG_KM" || p.Indicators[1].KeyContent != 1 {
		t.Errorf("indicators %+v", p.Indicators)
	}
	if !slices.Equal(p.UnitIDs, []int64{units[0].ID, units[2].ID}) {
		t.Errorf("units %v", p.UnitIDs)
	}
	if s.Selected.Code != "CTPH-2027" {
		t.Errorf("the new program is not selected: %q", s.Selected.Code)
	}

	// Editing: remove a content; its indicator falls under none.
	test.Tap(s.EditButton)
	f = s.Form
	if f.Code.Disabled() == false || f.Code.Text != "CTPH-2027" || len(f.Indicators) != 2 {
		t.Fatalf("edit form: code %q disabled %v, %d indicators", f.Code.Text, f.Code.Disabled(), len(f.Indicators))
	}
	test.Tap(f.Contents[0].remove)
	test.Tap(f.SaveButton)
	s.work.Wait()
	p, err = st.ProgramByCode(ctx, "CTPH-2027")
	if err != nil || len(p.Contents) != 1 || p.Indicators[1].KeyContent != 0 || p.Indicators[0].KeyContent != 1 {
		t.Errorf("after edit: %+v %v", p, err)
	}
}

func TestProgramFormRefusesBadInput(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	before, _ := st.Programs(ctx)
	s, _ := newProgramsOn(t, st)
	test.Tap(s.NewButton)
	f := s.Form
	test.Type(f.Code, "CTPH-X")
	test.Type(f.Title, "X")
	test.Type(f.Start, "31/02/2027")
	test.Type(f.End, "01/01/2026")
	test.Tap(f.SaveButton)
	s.work.Wait()
	if !f.Error.Visible() || !strings.Contains(f.Error.Text, "Ngày bắt đầu") {
		t.Errorf("bad date: error %q", f.Error.Text)
	}
	f.Start.SetText("01/01/2027")
	test.Tap(f.SaveButton)
	if !strings.Contains(f.Error.Text, "Ngày kết thúc") {
		t.Errorf("end before start: error %q", f.Error.Text)
	}
	// A code that is taken.
	f.Code.SetText("CTPH-2026")
	f.End.SetText("31/12/2027")
	test.Tap(f.SaveButton)
	s.work.Wait()
	if !f.Error.Visible() || !strings.Contains(f.Error.Text, "Mã") {
		t.Errorf("duplicate code: error %q", f.Error.Text)
	}
	after, _ := st.Programs(ctx)
	if len(after) != len(before) {
		t.Errorf("programs %d → %d", len(before), len(after))
	}
	p, _ := st.ProgramByCode(ctx, "CTPH-2026")
	if p.Title == "X" {
		t.Error("the existing program was overwritten")
	}
	// New catalog indicator: bad decimals refused, then saved and added to the program.
	test.Tap(f.NewIndicator)
	g := f.IndicatorForm
	test.Type(g.Code, "GIENG")
	test.Type(g.Name, "Giếng nước")
	test.Type(g.Unit, "cái")
	g.Decimals.SetText("7")
	test.Tap(g.SaveButton)
	if !g.Error.Visible() || !strings.Contains(g.Error.Text, "Số lẻ") {
		t.Errorf("decimals 7: error %q", g.Error.Text)
	}
	g.Decimals.SetText("1")
	test.Tap(g.SaveButton)
	s.work.Wait()
	in, err := st.IndicatorByCode(ctx, "GIENG")
	if err != nil || in.Decimals != 1 || in.Rollup != data.Sum {
		t.Fatalf("indicator %+v %v", in, err)
	}
	if n := len(f.Indicators); n != 1 || !strings.HasPrefix(f.Indicators[0].Indicator.Selected, "GIENG ") {
		t.Errorf("the new indicator is not in the program: %d rows", n)
	}
}

func openTargets(t *testing.T, st *data.Store) (*Targets, data.Program, data.Indicator) {
	t.Helper()
	s, _ := newProgramsOn(t, st)
	i := slices.IndexFunc(s.programs, func(p data.Program) bool { return p.Code == "CTPH-2026" })
	s.List.Select(i)
	s.work.Wait()
	test.Tap(s.TargetsButton)
	g := s.Targets
	g.work.Wait()
	in, err := st.IndicatorByCode(context.Background(), "TT_DOT")
	if err != nil {
		t.Fatal(err)
	}
	g.Indicator.SetSelectedIndex(slices.IndexFunc(s.Selected.Indicators, func(x data.ProgramIndicator) bool { return x.ID == in.ID }))
	g.work.Wait()
	return g, s.Selected, in
}

func TestTargetsSpreadYearAndSave(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	g, p, in := openTargets(t, st)
	g.Period.SetSelected(period.MustParse("2026").Label("vi"))
	g.work.Wait()
	if len(g.Cols) != 5 || g.Cols[4] != period.MustParse("2026") || len(g.Rows) == 0 {
		t.Fatalf("grid %v × %d rows", g.Cols, len(g.Rows))
	}
	if !strings.Contains(g.Parent.Selected, "Lạng Sơn") {
		t.Errorf("default locality %q", g.Parent.Selected)
	}
	r := len(g.Rows) - 1 // a commune without targets in the demo
	g.Cells[r][4].SetText("40")
	test.Tap(g.Spread)
	for c := range 4 {
		if got := g.Cells[r][c].Text; got != "10" {
			t.Errorf("quarter %d: %q", c+1, got)
		}
	}
	// A bad cell blocks the whole save.
	g.Cells[0][4].SetText("abc")
	test.Tap(g.Save)
	if !g.Error.Visible() {
		t.Error("a bad cell was accepted")
	}
	if ts, _ := st.Targets(ctx, p.ID, in.ID, []int64{g.Rows[r].ID}, period.MustParse("2026"), period.MustParse("2026")); len(ts) != 0 {
		t.Errorf("saved despite the bad cell: %v", ts)
	}
	g.Cells[0][4].SetText("")
	test.Tap(g.Save)
	g.work.Wait()
	if g.Error.Visible() {
		t.Fatalf("error: %s", g.Error.Text)
	}
	ts, err := st.Targets(ctx, p.ID, in.ID, []int64{g.Rows[r].ID}, period.MustParse("2026"), period.MustParse("2026"))
	if err != nil {
		t.Fatal(err)
	}
	want := []data.Target{{IndicatorID: in.ID, LocalityID: g.Rows[r].ID, Period: period.MustParse("2026"), Value: 40}}
	for _, q := range period.Range(period.MustParse("2026"), period.MustParse("2026"), period.Quarter) {
		want = append(want, data.Target{IndicatorID: in.ID, LocalityID: g.Rows[r].ID, Period: q, Value: 10})
	}
	if !slices.Equal(ts, want) {
		t.Errorf("stored %+v\nwant %+v", ts, want)
	}
}

func TestTargetsCopyFromPreviousPeriod(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	g, p, in := openTargets(t, st)
	q2, q3 := period.MustParse("2026Q2"), period.MustParse("2026Q3")
	g.Period.SetSelected(q3.Label("vi"))
	g.work.Wait()
	ids := make([]int64, len(g.Rows))
	for i, l := range g.Rows {
		ids[i] = l.ID
	}
	prev, err := st.Targets(ctx, p.ID, in.ID, ids, q2, q2)
	if err != nil || len(prev) == 0 {
		t.Fatalf("demo targets in 2026Q2: %v %v", prev, err)
	}
	// Change them first so that the copy differs from what 2026Q3 holds.
	for i := range prev {
		prev[i].Value += 100
	}
	if err := st.SetTargets(ctx, p.ID, prev); err != nil {
		t.Fatal(err)
	}
	test.Tap(g.Copy)
	g.work.Wait()
	col := slices.Index(g.Cols, q3)
	for _, tg := range prev {
		r := slices.Index(ids, tg.LocalityID)
		if got, want := g.Cells[r][col].Text, formatNumber(tg.Value, in.Decimals, "vi"); got != want {
			t.Errorf("%s: %q, want %q", g.Rows[r].Name, got, want)
		}
	}
	if !strings.Contains(g.Status.Text, "Quý II/2026") {
		t.Errorf("status %q", g.Status.Text)
	}
	test.Tap(g.Save)
	g.work.Wait()
	got, err := st.Targets(ctx, p.ID, in.ID, ids, q3, q3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range prev {
		prev[i].Period = q3
	}
	if !slices.Equal(got, prev) {
		t.Errorf("2026Q3 holds %+v\nwant %+v", got, prev)
	}
}

// TestTargetsClearedCellIsDeletedOnSave types a new target, erases a saved one
// key by key, saves, and reads both back from the database.
func TestTargetsClearedCellIsDeletedOnSave(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	g, p, in := openTargets(t, st)
	q2 := period.MustParse("2026Q2")
	g.Period.SetSelected(q2.Label("vi"))
	g.work.Wait()
	col := slices.Index(g.Cols, q2)
	year := len(g.Cols) - 1
	ids := make([]int64, len(g.Rows))
	for i, l := range g.Rows {
		ids[i] = l.ID
	}
	before, err := st.Targets(ctx, p.ID, in.ID, ids, q2, q2)
	if err != nil || len(before) < 2 {
		t.Fatalf("demo targets in 2026Q2: %v %v", before, err)
	}
	gone := before[0]
	cleared := slices.Index(ids, gone.LocalityID)
	fresh := slices.IndexFunc(g.Rows, func(l data.Locality) bool {
		_, ok := g.saved[cellKey{l.ID, g.Cols[year]}]
		return !ok
	})
	if fresh < 0 || g.Cells[fresh][year].Text != "" {
		t.Fatal("no locality without a yearly target")
	}

	// Erase the saved cell as the officer does: to the end, then Backspace.
	e := g.Cells[cleared][col]
	if e.Text == "" {
		t.Fatalf("%s shows no target in 2026Q2", g.Rows[cleared].Name)
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	for range []rune(e.Text) {
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	if e.Text != "" {
		t.Fatalf("after erasing: %q", e.Text)
	}
	if e.PlaceHolder != "xóa khi lưu" {
		t.Errorf("the cleared cell's placeholder is %q", e.PlaceHolder)
	}
	test.Type(g.Cells[fresh][year], "1.234")
	saves := 0
	g.OnSaved = func() { saves++ }
	test.Tap(g.Save)
	g.work.Wait()
	if g.Error.Visible() {
		t.Fatalf("error: %s", g.Error.Text)
	}
	if saves != 1 {
		t.Errorf("the other screens were told of %d saves", saves)
	}
	if g.Status.Text != "Đã lưu 1 chỉ tiêu và xóa 1 chỉ tiêu." {
		t.Errorf("status %q", g.Status.Text)
	}

	after, err := st.Targets(ctx, p.ID, in.ID, ids, q2, q2)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.DeleteFunc(slices.Clone(before), func(x data.Target) bool { return x == gone }); !slices.Equal(after, want) {
		t.Errorf("2026Q2 holds %+v\nwant %+v", after, want)
	}
	y := period.MustParse("2026")
	got, err := st.Targets(ctx, p.ID, in.ID, []int64{g.Rows[fresh].ID}, y, y)
	if err != nil {
		t.Fatal(err)
	}
	got = slices.DeleteFunc(got, func(x data.Target) bool { return x.Period != y }) // the quarters are the demo's
	if want := []data.Target{{IndicatorID: in.ID, LocalityID: g.Rows[fresh].ID, Period: y, Value: 1234}}; !slices.Equal(got, want) {
		t.Errorf("%s in 2026 holds %+v, want %+v", g.Rows[fresh].Name, got, want)
	}

	// The grid now matches the database: saving again writes nothing, and the
	// deleted cell no longer says it will be deleted.
	test.Tap(g.Save)
	g.work.Wait()
	if g.Status.Text != "Không có gì thay đổi để lưu." {
		t.Errorf("second save: status %q", g.Status.Text)
	}
	if e.PlaceHolder != "" || g.Cells[fresh][year].PlaceHolder != "xóa khi lưu" {
		t.Errorf("placeholders after the save: %q and %q", e.PlaceHolder, g.Cells[fresh][year].PlaceHolder)
	}
}

// TestTargetsCloseAsksAboutUnsavedEdits closes the targets grid with edits typed:
// Cancel keeps it open, Save writes them and closes, Don't save closes without
// writing; a grid without edits closes at once.
func TestTargetsCloseAsksAboutUnsavedEdits(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	s, w := newProgramsOn(t, st)
	i := slices.IndexFunc(s.programs, func(p data.Program) bool { return p.Code == "CTPH-2026" })
	s.List.Select(i)
	s.work.Wait()
	y := period.MustParse("2026")
	open := func() (*Targets, int) {
		t.Helper()
		test.Tap(s.TargetsButton)
		g := s.Targets
		g.work.Wait()
		g.Period.SetSelected(y.Label("vi"))
		g.work.Wait()
		r := slices.IndexFunc(g.Rows, func(l data.Locality) bool {
			_, ok := g.saved[cellKey{l.ID, y}]
			return !ok
		})
		if r < 0 {
			t.Fatal("no locality without a yearly target")
		}
		return g, r
	}
	stored := func(g *Targets, r int) []data.Target {
		t.Helper()
		ts, err := st.Targets(ctx, s.Selected.ID, g.shown.indicator.ID, []int64{g.Rows[r].ID}, y, y)
		if err != nil {
			t.Fatal(err)
		}
		return slices.DeleteFunc(ts, func(x data.Target) bool { return x.Period != y })
	}
	const question = "Bảng chỉ tiêu giao có thay đổi chưa lưu. Lưu lại không?"
	changed := 0
	s.OnChanged = func() { changed++ } // the main window reloads the other screens

	g, r := open()
	test.Type(g.Cells[r][len(g.Cols)-1], "7")
	test.Tap(s.TargetsClose)
	if !containsText(renderedTexts(w), question) {
		t.Fatalf("closing with an edit asked nothing: %q", renderedTexts(w))
	}
	test.Tap(g.ConfirmButtons[2]) // Cancel
	if g.ctx.Err() != nil || g.Cells[r][len(g.Cols)-1].Text != "7" {
		t.Fatal("Cancel closed the grid or lost the edit")
	}
	test.Tap(s.TargetsClose)
	test.Tap(g.ConfirmButtons[0]) // Save
	g.work.Wait()
	if g.ctx.Err() == nil {
		t.Error("Save did not close the grid")
	}
	if ts := stored(g, r); len(ts) != 1 || ts[0].Value != 7 {
		t.Errorf("after Save: %+v", ts)
	}
	if changed != 1 {
		t.Errorf("saving targets told the other screens %d times", changed)
	}

	g, r = open()
	test.Type(g.Cells[r][len(g.Cols)-1], "9")
	test.Tap(s.TargetsClose)
	test.Tap(g.ConfirmButtons[1]) // Don't save
	if g.ctx.Err() == nil {
		t.Error("Don't save did not close the grid")
	}
	if ts := stored(g, r); len(ts) != 0 {
		t.Errorf("Don't save wrote %+v", ts)
	}

	g, _ = open()
	g.ConfirmButtons = [3]*widget.Button{}
	test.Tap(s.TargetsClose)
	if g.ctx.Err() == nil || g.ConfirmButtons[0] != nil {
		t.Error("a grid without edits did not close at once")
	}
}

// TestTargetsChoosingAnotherPeriodAsksAboutUnsavedEdits types a target, then picks
// another period: Cancel puts the period back and keeps the edit; Don't save
// shows the period chosen.
func TestTargetsChoosingAnotherPeriodAsksAboutUnsavedEdits(t *testing.T) {
	st := writableDemo(t)
	g, _, _ := openTargets(t, st)
	q2, q3 := period.MustParse("2026Q2"), period.MustParse("2026Q3")
	g.Period.SetSelected(q2.Label("vi"))
	g.work.Wait()
	if g.shown.period != q2 {
		t.Fatalf("grid for %v", g.shown.period)
	}
	cell := g.Cells[0][len(g.Cols)-1]
	test.Type(cell, "5")
	g.ConfirmButtons = [3]*widget.Button{}
	g.Period.SetSelected(q3.Label("vi"))
	g.work.Wait()
	if g.ConfirmButtons[0] == nil {
		t.Fatal("choosing another period with an edit asked nothing")
	}
	test.Tap(g.ConfirmButtons[2]) // Cancel
	if g.Period.Selected != q2.Label("vi") || g.shown.period != q2 || g.Cells[0][len(g.Cols)-1] != cell || cell.Text == "" {
		t.Fatalf("after Cancel: picker %q, grid %v, cell %q", g.Period.Selected, g.shown.period, cell.Text)
	}
	g.Period.SetSelected(q3.Label("vi"))
	test.Tap(g.ConfirmButtons[1]) // Don't save
	g.work.Wait()
	if g.Period.Selected != q3.Label("vi") || g.shown.period != q3 {
		t.Fatalf("after Don't save: picker %q, grid %v", g.Period.Selected, g.shown.period)
	}
	if g.Dirty() {
		t.Error("the new grid holds the discarded edit")
	}
}
