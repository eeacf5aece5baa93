package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"danvan/data"
	"danvan/data/period"
)

// newImportScreen opens the Import screen over a fresh demo database of its own:
// importing would change the shared one.
func newImportScreen(t *testing.T) (*Import, *data.Store, fyne.Window) {
	t.Helper()
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "import.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	s := NewImport(st, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	w.Resize(fyne.NewSize(1280, 720))
	s.reload()
	s.work.Wait()
	t.Cleanup(s.stop)
	return s, st, w
}

// headerTexts lists the texts of a table's header buttons as drawn.
func headerTexts(t *widget.Table) []string {
	var out []string
	walkRendered(t, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b.Text)
		}
	})
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// chiLangQ3 lists BCHQS-CL's values for Quý 3/2024 as "locality indicator" -> value.
func chiLangQ3(t *testing.T, st *data.Store) map[string]float64 {
	t.Helper()
	ctx := context.Background()
	u, err := st.UnitByCode(ctx, "BCHQS-CL")
	if err != nil {
		t.Fatal(err)
	}
	p := period.MustParse("2024Q3")
	rows, err := st.Values(ctx, data.ValueFilter{UnitID: u.ID, From: p, To: p})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, r := range rows {
		out[r.LocalityCode+" "+r.IndicatorCode] = r.Value.Value
	}
	return out
}

func TestImportPreviewImportAndUndo(t *testing.T) {
	s, st, w := newImportScreen(t)
	before := chiLangQ3(t, st)
	batchesBefore := len(s.Batches)
	path := writeFile(t, "chilang-q3-2024.csv", "Mã địa bàn,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị\n"+
		"06484,TT_DOT,Quý 3/2024,17,BCHQS-CL\n"+
		"06484,DUONG_KM,Quý 3/2024,2.25,BCHQS-CL\n"+
		"06496,TT_DOT,Quý 3/2024,19,BCHQS-CL\n"+
		"06496,DUONG_KM,Quý 3/2024,3.75,BCHQS-CL\n")

	s.AddFiles([]string{path, filepath.Join(t.TempDir(), "notes.docx")})
	s.work.Wait()
	if len(s.Files) != 1 {
		t.Fatalf("%d files in the list, want 1 (the .docx skipped)", len(s.Files))
	}
	if !s.Skipped.Visible() || !strings.Contains(s.Skipped.Text, "notes.docx") {
		t.Errorf("the skipped file is not mentioned: %q", s.Skipped.Text)
	}
	f := s.Files[0]
	if f.State != FileChecked || f.Err != nil {
		t.Fatalf("state %v, err %v", f.State, f.Err)
	}
	r := f.Result
	if !r.DryRun || r.Rows != 4 || r.Rejected != 0 || len(r.Problems) != 0 || r.Inserted+r.Updated+r.Unchanged != 4 {
		t.Fatalf("preview %+v", r)
	}
	if r.Format != "csv" || r.Layout != "long" || r.Delimiter != "," {
		t.Errorf("detected %q %q %q", r.Format, r.Layout, r.Delimiter)
	}
	if got := chiLangQ3(t, st); len(got) != len(before) || got["06484 TT_DOT"] == 17 {
		t.Fatal("the dry run wrote to the store")
	}
	texts := renderedTexts(w)
	for _, want := range []string{"Định dạng: CSV", "Kiểu bảng: dọc", "Đọc được 4 số liệu:", "bị loại", "Không có lỗi", "Sẵn sàng: 4 số liệu"} {
		if !containsText(texts, want) {
			t.Errorf("%q is not shown; shown: %q", want, texts)
		}
	}
	if s.ImportButton.Disabled() {
		t.Fatalf("Import is disabled: %q", s.Status.Text)
	}
	// Each value the file would overwrite is listed with what it holds now.
	if r.Updated == 0 || !s.changesBox.Visible() || strings.Count(s.Changes.Text, "\n• ") != r.Updated ||
		!strings.Contains(s.Changes.Text, "• 06484 Xã Mai Sao · TT_DOT · Quý III/2024 · BCHQS-CL: từ ") ||
		!strings.Contains(s.Changes.Text, " thành 17\n") {
		t.Errorf("%d values change; the list shows %q", r.Updated, s.Changes.Text)
	}

	test.Tap(s.ImportButton)
	s.work.Wait()
	if f.State != FileImported || f.Result.BatchID == 0 || f.Result.DryRun {
		t.Fatalf("after Import: state %v, result %+v, err %v", f.State, f.Result, f.Err)
	}
	got := chiLangQ3(t, st)
	for k, want := range map[string]float64{"06484 TT_DOT": 17, "06484 DUONG_KM": 2.25, "06496 TT_DOT": 19, "06496 DUONG_KM": 3.75} {
		if got[k] != want {
			t.Errorf("%s = %v after import, want %v", k, got[k], want)
		}
	}
	if !s.ImportButton.Disabled() {
		t.Error("Import is still enabled after importing")
	}
	if len(s.Batches) != batchesBefore+1 || s.Batches[0].ID != f.Result.BatchID || s.Batches[0].Status != data.BatchCommitted {
		t.Fatalf("history: %+v", s.Batches)
	}
	if s.Batches[0].FileName != "chilang-q3-2024.csv" {
		t.Errorf("batch file %q", s.Batches[0].FileName)
	}

	// The same file again is recognised.
	batch := f.Result.BatchID
	s.AddFiles([]string{path})
	s.work.Wait()
	if f.State != FileChecked || f.Result.AlreadyImported != batch || !s.ImportButton.Disabled() {
		t.Errorf("re-added file: state %v, result %+v", f.State, f.Result)
	}

	s.Tabs.SelectIndex(1)
	if !s.Undo.Disabled() {
		t.Error("Undo is enabled with no batch selected")
	}
	s.History.Select(widget.TableCellID{Row: 0, Col: 1})
	if s.Undo.Disabled() {
		t.Fatal("Undo is disabled on a committed batch")
	}
	test.Tap(s.Undo)
	if s.undoConfirm == nil {
		t.Fatal("no confirmation asked")
	}
	if !containsText(renderedTexts(w), "Hoàn tác lô") {
		t.Errorf("confirmation text not shown: %q", renderedTexts(w))
	}
	s.undoConfirm.Confirm()
	s.work.Wait()
	if s.LastUndo.Restored+s.LastUndo.Deleted != 4 || s.LastUndo.Skipped != 0 {
		t.Errorf("undo: %+v", s.LastUndo)
	}
	after := chiLangQ3(t, st)
	if len(after) != len(before) {
		t.Errorf("%d values after undo, %d before", len(after), len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s = %v after undo, want %v", k, after[k], v)
		}
	}
	if s.Batches[0].Status != data.BatchUndone {
		t.Errorf("batch status %q after undo", s.Batches[0].Status)
	}
	if !s.Undo.Disabled() {
		t.Error("Undo is still enabled on an undone batch")
	}
	if !strings.Contains(s.HistoryStatus.Text, "Đã hoàn tác lô") {
		t.Errorf("undo outcome: %q", s.HistoryStatus.Text)
	}
	// The file can be imported again once its batch is undone.
	if f.State != FileChecked || f.Result.AlreadyImported != 0 || s.selectedFile() != f {
		t.Errorf("after undo: state %v, result %+v", f.State, f.Result)
	}
	if s.ImportButton.Disabled() {
		t.Errorf("Import disabled after undo: %q", s.Status.Text)
	}
}

func TestImportShowsProblemsAndWritesNothing(t *testing.T) {
	s, st, w := newImportScreen(t)
	before := chiLangQ3(t, st)
	batchesBefore := len(s.Batches)
	path := writeFile(t, "bad.csv", "Mã địa bàn,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị\n"+
		"06484,TT_DOT,Quý 3/2024,17,BCHQS-CL\n"+
		"06484,DUONG_KM,Q5/2024,2.25,BCHQS-CL\n"+
		"99999,TT_DOT,Quý 3/2024,19,BCHQS-CL\n")
	s.AddFiles([]string{path})
	s.work.Wait()
	f := s.Files[0]
	if f.State != FileChecked || !f.Result.Refused {
		t.Fatalf("state %v, result %+v, err %v", f.State, f.Result, f.Err)
	}
	lines := map[int]string{}
	for _, p := range s.Rows {
		lines[p.Line] = p.Value + ": " + p.Message
	}
	if !strings.Contains(lines[3], "Q5/2024") || !strings.Contains(lines[4], "99999") || len(s.Rows) != 2 {
		t.Fatalf("problems: %+v", s.Rows)
	}
	if !s.ImportButton.Disabled() {
		t.Error("Import is enabled on a file with problems")
	}
	texts := append(renderedTexts(w), headerTexts(s.Problems)...)
	for _, want := range []string{"Dòng", "Cột", "Giá trị", "Lỗi", "Q5/2024", "99999", "2 lỗi: chưa nhập được"} {
		if !containsText(texts, want) {
			t.Errorf("%q is not shown; shown: %q", want, texts)
		}
	}

	// Sorting: by message, then by line again, descending.
	s.sortBy(3)
	if s.Rows[0].Message > s.Rows[1].Message {
		t.Errorf("not sorted by message: %+v", s.Rows)
	}
	s.sortBy(0)
	s.sortBy(0)
	if s.Rows[0].Line != 4 {
		t.Errorf("not sorted by line, descending: %+v", s.Rows)
	}
	s.Problems.Select(widget.TableCellID{Row: 1, Col: 3})
	if !strings.HasPrefix(s.Detail.Text, "Dòng 3, cột “Kỳ báo cáo”, giá trị “Q5/2024”: ") {
		t.Errorf("detail %q", s.Detail.Text)
	}

	// Valid rows only: one row can be imported.
	s.ValidOnly.SetChecked(true)
	s.work.Wait()
	if f.State != FileChecked || f.Result.Refused || f.Result.Rejected != 2 {
		t.Fatalf("valid only: state %v, result %+v", f.State, f.Result)
	}
	if s.ImportButton.Disabled() {
		t.Errorf("Import disabled with valid rows only: %q", s.Status.Text)
	}
	s.ValidOnly.SetChecked(false)
	s.work.Wait()
	if !s.ImportButton.Disabled() {
		t.Error("Import enabled again without valid rows only")
	}

	// A bad period in the options is said inline and stops the check.
	test.Type(s.Period, "Q5")
	if !s.OptionError.Visible() || !strings.Contains(s.OptionError.Text, "không phải là kỳ báo cáo") {
		t.Errorf("period error: %q", s.OptionError.Text)
	}
	if !s.ImportButton.Disabled() {
		t.Error("Import enabled with a bad period")
	}
	s.Period.SetText("")
	s.work.Wait()
	if s.OptionError.Visible() {
		t.Errorf("period error still shown: %q", s.OptionError.Text)
	}

	if got := chiLangQ3(t, st); len(got) != len(before) || got["06484 TT_DOT"] == 17 {
		t.Error("a refused file wrote to the store")
	}
	s.reloadBatches()
	s.work.Wait()
	if len(s.Batches) != batchesBefore {
		t.Errorf("%d batches, %d before", len(s.Batches), batchesBefore)
	}
}

// The problems of a file are shown in the officer's language (the tests run in
// Vietnamese), from the templates the importer gives; the result keeps its English
// messages for the command line.
func TestImportProblemsAreShownInVietnamese(t *testing.T) {
	s, _, w := newImportScreen(t)
	path := writeFile(t, "loi.csv", "Mã địa bàn,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị\n"+
		"06484,TT_DOT,Q5/2024,17,BCHQS-CL\n"+
		"99999,TT_DOT,Quý 3/2024,19,BCHQS-CL\n"+
		"06496,TT_DOT,Quý 3/2024,abc,BCHQS-CL\n"+
		"06496,DUONG_KM,Quý 3/2024,1,NOPE\n")
	s.AddFiles([]string{path})
	s.work.Wait()
	f := s.Files[0]
	if f.State != FileChecked || !f.Result.Refused {
		t.Fatalf("state %v, result %+v, err %v", f.State, f.Result, f.Err)
	}
	want := map[int]string{
		2: `"Q5/2024" không phải là kỳ báo cáo: không có quý 5; hãy ghi theo dạng 2024Q3 hoặc Quý 3/2024`,
		3: "mã 99999 không phải là mã địa bàn vào ngày 30/09/2024; hãy đối chiếu với Danh mục đơn vị hành chính có hiệu lực trong kỳ 2024Q3",
		4: "không phải là số; chỉ ghi chữ số, tối đa một dấu thập phân, không kèm đơn vị tính, dấu % hay ký hiệu tiền tệ",
		5: "không phải mã đơn vị báo cáo; hãy ghi một mã có trong danh sách Đơn vị báo cáo (ví dụ BCHQS-CL)",
	}
	if len(s.Rows) != len(want) {
		t.Fatalf("problems shown: %+v", s.Rows)
	}
	for _, p := range s.Rows {
		if p.Message != want[p.Line] {
			t.Errorf("line %d shows %q, want %q", p.Line, p.Message, want[p.Line])
		}
	}
	texts := renderedTexts(w)
	for _, m := range want {
		if !containsText(texts, m) {
			t.Errorf("%q is not in the table; shown: %q", m, texts)
		}
	}
	for _, p := range f.Result.Problems {
		if p.Message == want[p.Line] || !strings.Contains(p.Message, "; ") {
			t.Errorf("line %d: the result's message %q is not the English one", p.Line, p.Message)
		}
	}

	// Sorting by the message sorts what is shown, and the detail reads it whole.
	s.sortBy(3)
	for i := 1; i < len(s.Rows); i++ {
		if s.Rows[i-1].Message > s.Rows[i].Message {
			t.Fatalf("not sorted by the Vietnamese message: %+v", s.Rows)
		}
	}
	s.Problems.Select(widget.TableCellID{Row: 0, Col: 3})
	if !strings.HasSuffix(s.Detail.Text, ": "+s.Rows[0].Message) || !strings.HasPrefix(s.Detail.Text, "Dòng ") {
		t.Errorf("detail %q", s.Detail.Text)
	}
}

// "Make a template…" asks for the program, the period and the unit, proposes a
// file name, and writes the workbook (the data tests import one filled in).
func TestMakeTemplate(t *testing.T) {
	s, st, _ := newImportScreen(t)
	test.Tap(s.MakeTemplate)
	s.work.Wait()
	f := s.TemplateForm
	if f == nil {
		t.Fatal("no template dialog")
	}
	prog, ok := f.program()
	if !ok || f.Period.Text != lastEndedOn(prog, today()).Label(s.language) {
		t.Fatalf("program %q, period %q: want a program and its last period that is over", f.Program.Selected, f.Period.Text)
	}
	f.Program.SetSelected("CTPH-2026 — " + mustProgram(t, st, "CTPH-2026").Title)
	f.Period.SetText("Quý 3/2026")
	if !slices.ContainsFunc(f.Unit.Options, func(o string) bool { return strings.HasPrefix(o, "BCHQS-CL — ") }) {
		t.Fatalf("units offered: %q", f.Unit.Options)
	}
	f.Unit.SetSelected(f.Unit.Options[slices.IndexFunc(f.Unit.Options, func(o string) bool { return strings.HasPrefix(o, "BCHQS-CL — ") })])
	r, ok := f.request()
	if !ok || !r.xlsx || r.fileName() != "mau-bao-cao-CTPH-2026-2026Q3-BCHQS-CL.xlsx" {
		t.Fatalf("request %+v (%v), file name %q", r, ok, r.fileName())
	}
	f.Period.SetText("Quý 5/2026")
	if f.Period.Validate() == nil {
		t.Fatal("a period that does not exist passes")
	}
	path := filepath.Join(t.TempDir(), r.fileName())
	s.writeTemplate(r, path)
	s.work.Wait()
	wb, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("the template is not a workbook: %v", err)
	}
	rows, err := wb.GetRows(wb.GetSheetName(0))
	wb.Close()
	if err != nil || len(rows) < 2 || rows[0][0] != "Mã địa bàn" || rows[1][6] != "BCHQS-CL" {
		t.Fatalf("template rows %q (%v)", rows, err)
	}
	// The CSV choice writes a CSV.
	f.Format.SetSelected(f.Format.Options[1])
	f.Period.SetText("2026Q3")
	if r, _ := f.request(); r.xlsx || r.ext() != ".csv" {
		t.Fatalf("CSV chosen, request %+v", r)
	}
}

func mustProgram(t *testing.T, st *data.Store, code string) data.Program {
	t.Helper()
	p, err := st.ProgramByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
