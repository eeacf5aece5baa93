package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
)

// The preview lists a value outside its plausible range as a warning, apart from
// the problems; Import stays disabled until the officer ticks that the warnings
// are checked, and the import records the warning, open. The Data quality view
// lists it, and marking it checked with a comment takes it off the open list
// and into the value's history.
func TestImportWarningAcceptedThenChecked(t *testing.T) {
	s, st, w := newImportScreen(t)
	ctx := context.Background()
	path := writeFile(t, "qua.csv", "Mã địa bàn,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị\n"+
		"06484,QUA_VND,Quý 3/2024,25000000,BCHQS-CL\n"+
		"06484,TT_DOT,Quý 3/2024,3,BCHQS-CL\n")
	s.AddFiles([]string{path})
	s.work.Wait()
	f := s.Files[0]
	if f.State != FileChecked || len(f.Result.Warnings) != 1 || len(f.Result.Problems) != 0 {
		t.Fatalf("preview: state %v, %+v", f.State, f.Result)
	}
	want := "⚠ Dòng 2, cột “Giá trị”: 25000000 nằm ngoài khoảng hợp lý 0–500 của QUA_VND (triệu đồng) cho một địa bàn trong một quý; hãy kiểm tra đơn vị tính"
	if !s.warningBox.Visible() || s.Warnings.Text != want {
		t.Errorf("warnings shown: %q, want %q", s.Warnings.Text, want)
	}
	if s.problemBox.Visible() {
		t.Error("a warning is shown among the problems")
	}
	if !containsText(renderedTexts(w), "Vẫn nhập, tôi đã kiểm tra các cảnh báo") {
		t.Errorf("no acceptance box; shown: %q", renderedTexts(w))
	}
	if !s.ImportButton.Disabled() {
		t.Fatal("Import is enabled before the warnings are accepted")
	}
	test.Tap(s.AcceptWarnings)
	if s.ImportButton.Disabled() {
		t.Fatalf("Import is disabled once the warnings are accepted: %q", s.Status.Text)
	}
	test.Tap(s.ImportButton)
	s.work.Wait()
	if f.State != FileImported || f.Result.BatchID == 0 {
		t.Fatalf("after Import: state %v, %+v, err %v", f.State, f.Result, f.Err)
	}

	q := NewQuality(st, w)
	w.SetContent(q.view())
	w.Resize(fyne.NewSize(1280, 720))
	q.reload()
	q.work.Wait()
	// The demo's own accepted warning, and the import's.
	if len(q.Rows) != 2 || q.Rows[1].BatchID != f.Result.BatchID || q.Rows[1].IndicatorCode != "QUA_VND" {
		t.Fatalf("open warnings listed: %+v", q.Rows)
	}
	if texts := renderedTexts(w); !containsText(texts, "25000000 nằm ngoài khoảng hợp lý") {
		t.Errorf("the warning is not shown; shown: %q", texts)
	}
	if !q.CheckButton.Disabled() {
		t.Error("Mark checked is enabled with nothing selected")
	}
	q.Select(1)
	test.Type(q.Comment, "Đơn vị ghi nhầm đồng thay cho triệu đồng; đã yêu cầu báo cáo lại")
	test.Tap(q.CheckButton)
	q.work.Wait()
	if len(q.Rows) != 1 || q.Rows[0].IndicatorCode != "KHAM_BENH" {
		t.Fatalf("still open after checking: %+v", q.Rows)
	}
	q.Status.SetSelectedIndex(1)
	q.work.Wait()
	if len(q.Rows) != 1 || q.Rows[0].Comment != "Đơn vị ghi nhầm đồng thay cho triệu đồng; đã yêu cầu báo cáo lại" || q.Rows[0].Status != data.WarningChecked {
		t.Fatalf("checked warnings: %+v", q.Rows)
	}
	c := q.Rows[0]
	hist, err := st.History(ctx, c.IndicatorID, c.LocalityID, c.UnitID, c.Period)
	if err != nil {
		t.Fatal(err)
	}
	if last := hist[len(hist)-1]; last.Source != data.SourceChecked || !strings.Contains(last.Comment, "báo cáo lại") {
		t.Errorf("history ends with %+v", last)
	}
}

// A cell whose figure breaks a rule is marked as a warning, not invalid, with the
// rule in its status text; saving asks first, and saving anyway records the
// warning, open.
func TestEntryWarnsAndAsksBeforeSaving(t *testing.T) {
	e, st, _ := newEntryScreen(t)
	ctx := context.Background()
	col := -1
	for j, in := range e.Indicators {
		if in.Code == "QUA_VND" {
			col = j + 1
		}
	}
	id := widget.TableCellID{Row: 0, Col: col}
	e.Table.Select(id)
	e.SetCell(id, "25000000")
	if p := e.CellProblem(0, col); p != "" {
		t.Fatalf("a warning is shown as invalid: %q", p)
	}
	want := "⚠ 25000000 nằm ngoài khoảng hợp lý 0–500 của QUA_VND (triệu đồng) cho một địa bàn trong một quý; hãy kiểm tra đơn vị tính"
	if got := e.CellWarning(0, col); got != want || !e.Warning.Visible() || e.Warning.Text != want {
		t.Fatalf("cell warning %q (shown %v: %q), want %q", got, e.Warning.Visible(), e.Warning.Text, want)
	}
	e.Save(nil)
	if e.WarningButtons[0] == nil {
		t.Fatal("saving did not ask about the warning")
	}
	test.Tap(e.WarningButtons[1]) // Cancel: nothing written
	e.work.Wait()
	if !e.Dirty() {
		t.Fatal("cancelled save wrote the grid")
	}
	e.Save(nil)
	test.Tap(e.WarningButtons[0])
	e.work.Wait()
	if e.Dirty() {
		t.Fatalf("not saved: %q", e.Message.Text)
	}
	open, err := st.QualityWarnings(ctx, data.WarningFilter{Status: data.WarningOpen})
	if err != nil {
		t.Fatal(err)
	}
	last := open[len(open)-1]
	if last.Source != "entry" || last.IndicatorCode != "QUA_VND" || last.Value.Value != 25000000 || last.LocalityID != e.Rows[0].ID {
		t.Errorf("recorded %+v", last)
	}
}

// The program's rules are listed in its rules editor; a proposal from the values
// held fills in ranges marked proposed, a rule with a factor of 0 is refused with
// the reason, and saving stores the edited set.
func TestRulesEditorProposesAndSaves(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	s, w := newProgramsOn(t, st)
	if s.Selected.Code == "" || s.RulesButton.Disabled() {
		t.Fatalf("no program selected (%q)", s.Selected.Code)
	}
	test.Tap(s.RulesButton)
	s.work.Wait()
	r := s.Rules
	if len(r.Rows) != 12 {
		t.Fatalf("%d rules listed, the demo has 12", len(r.Rows))
	}
	if !containsText(renderedTexts(w), "Khoảng hợp lý") {
		t.Errorf("no ranges section; shown %q", renderedTexts(w))
	}
	test.Tap(r.Propose)
	s.work.Wait()
	proposed := 0
	for _, row := range r.Rows {
		if row.Proposed.Visible() {
			proposed++
		}
	}
	if proposed == 0 || len(r.Rows) != 12 {
		t.Fatalf("%d ranges proposed, %d rows", proposed, len(r.Rows))
	}
	test.Tap(r.AddCross)
	row := r.Rows[len(r.Rows)-1]
	row.Indicator.SetSelected("NHA_TN_VND")
	row.Other.SetSelected("NHA_TN")
	row.Factor.SetText("0")
	test.Tap(r.Save)
	s.work.Wait()
	if !r.Message.Visible() || !strings.Contains(r.Message.Text, "phải lớn hơn 0") {
		t.Fatalf("a factor of 0: %q", r.Message.Text)
	}
	row.Factor.SetText("120")
	test.Tap(r.Save)
	s.work.Wait()
	rules, err := st.Rules(ctx, s.Selected.ID)
	if err != nil || len(rules) != 13 {
		t.Fatalf("saved %d rules: %+v %v", len(rules), rules, err)
	}
	if last := rules[len(rules)-1]; last != (data.Rule{Kind: data.RuleAtMost, Indicator: "NHA_TN_VND", Other: "NHA_TN", Factor: 120}) {
		t.Errorf("the new rule saved as %+v", last)
	}
}

// The rules editor writes the program's saved rules to a file and reads a file in
// place of the rules on screen, stored only on Save.
func TestRulesEditorExportsAndLoadsAFile(t *testing.T) {
	st := writableDemo(t)
	ctx := context.Background()
	s, _ := newProgramsOn(t, st)
	test.Tap(s.RulesButton)
	s.work.Wait()
	r := s.Rules
	path := filepath.Join(t.TempDir(), "quy-tac.csv")
	r.exportFile(path)
	s.work.Wait()
	written, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(written), "at_most,NHA_TN_VND,NHA_TN,,,100") {
		t.Fatalf("exported %q, %v", written, err)
	}
	one := filepath.Join(t.TempDir(), "mot.csv")
	if err := os.WriteFile(one, []byte("kind,indicator,other,min,max,factor\nrange,TT_DOT,,0,40,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.loadFile(one)
	s.work.Wait()
	if len(r.Rows) != 1 || r.Rows[0].Max.Text != "40" {
		t.Fatalf("after loading a file of one rule: %d rows", len(r.Rows))
	}
	prog, _ := st.ProgramByCode(ctx, s.Selected.Code)
	if stored, _ := st.Rules(ctx, prog.ID); len(stored) != 12 {
		t.Fatalf("loading stored the rules before Save: %d", len(stored))
	}
	test.Tap(r.Save)
	s.work.Wait()
	if stored, _ := st.Rules(ctx, prog.ID); len(stored) != 1 || stored[0].Max != 40 {
		t.Fatalf("after Save: %+v", stored)
	}
}
