package importer

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"danvan/data"
	"danvan/data/internal/testfiles"
	"danvan/data/message"
	"danvan/data/period"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func demoStore(t testing.TB) *data.Store {
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

// importFile writes content to a real file and imports it from disk, as the
// command line does.
func importFile(t *testing.T, s *data.Store, name string, content []byte, opt Options) Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if opt.Now.IsZero() {
		opt.Now = now
	}
	res, err := Import(context.Background(), s, path, f, opt)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	checkMessages(t, res)
	return res
}

// checkMessages checks that every problem carries a registered template (which
// the GUI translates) whose English rendering is Message, and that no message
// speaks of the command line: the GUI shows the same words.
func checkMessages(t *testing.T, res Result) {
	t.Helper()
	for _, p := range res.Problems {
		if !message.Registered(p.Template) {
			t.Errorf("problem %+v: template %q is not registered", p, p.Template)
		}
		if got := (message.Text{Template: p.Template, Args: p.Args}).String(); got != p.Message || strings.Contains(got, "{{") {
			t.Errorf("problem %+v: template renders %q", p, got)
		}
		if strings.Contains(p.Message, "--") || strings.Contains(p.Message, "danvanctl") {
			t.Errorf("problem %+v: the message names a command-line flag or command", p)
		}
	}
}

type key struct {
	ind, loc, unit string
	p              string
}

// ids resolves a key the way a reader of the file would: the locality code as it
// was at the end of the period.
func ids(t *testing.T, s *data.Store, k key) (int64, int64, int64, period.Period) {
	t.Helper()
	ctx := context.Background()
	p := period.MustParse(k.p)
	in, err := s.IndicatorByCode(ctx, k.ind)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.LocalityByCode(ctx, k.loc, p.End())
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UnitByCode(ctx, k.unit)
	if err != nil {
		t.Fatal(err)
	}
	return in.ID, l.ID, u.ID, p
}

func valueOf(t *testing.T, s *data.Store, k key) (data.Value, bool) {
	t.Helper()
	ind, loc, unit, p := ids(t, s, k)
	rows, err := s.Values(context.Background(), data.ValueFilter{IndicatorID: ind, LocalityID: loc, UnitID: unit, From: p, To: p})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.LocalityID == loc && r.Period == p {
			return r.Value, true
		}
	}
	return data.Value{}, false
}

func wantValue(t *testing.T, s *data.Store, k key, want float64, note string) {
	t.Helper()
	v, ok := valueOf(t, s, k)
	if !ok {
		t.Fatalf("%v: no value stored", k)
	}
	if v.Value != want || v.Note != note {
		t.Fatalf("%v: stored %v %q, want %v %q", k, v.Value, v.Note, want, note)
	}
}

func countValues(t *testing.T, s *data.Store) int {
	t.Helper()
	rows, err := s.Values(context.Background(), data.ValueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

func noProblems(t *testing.T, res Result) {
	t.Helper()
	if len(res.Problems) > 0 || res.Refused {
		t.Fatalf("%s refused: %s", res.File, strings.Join(res.Summary(), "\n"))
	}
}

const longVN = "\uFEFFBÁO CÁO KẾT QUẢ CÔNG TÁC DÂN VẬN QUÝ III/2024\r\n" +
	"Đơn vị: Trung đoàn 123\r\n" +
	"\r\n" +
	"Mã địa bàn,Tên xã,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị,Ghi chú\r\n" +
	"06484,Xã Mai Sao,TT_DOT,Quý III/2024,7,E123,\r\n" +
	"06496,Xã Nhân Lý,DUONG_KM,2024Q3,1.25,E123,\"bê tông, 2 tuyến\"\r\n" +
	"06322,Xã Hữu Lễ,MO_HINH,7/2020,3,E123,'=mới\r\n"

func TestLongVietnameseHeaderWithTitle(t *testing.T) {
	s := demoStore(t)
	res := importFile(t, s, "bao-cao.csv", []byte(longVN), Options{})
	noProblems(t, res)
	if res.Layout != "long" || res.Format != "csv" || res.Delimiter != "," || res.Rows != 3 || res.BatchID == 0 {
		t.Fatalf("result %+v", res)
	}
	if res.Inserted+res.Updated+res.Unchanged != 3 {
		t.Fatalf("counts %+v", res)
	}
	wantValue(t, s, key{"TT_DOT", "06484", "E123", "2024Q3"}, 7, "")
	wantValue(t, s, key{"DUONG_KM", "06496", "E123", "2024Q3"}, 1.25, "bê tông, 2 tuyến")
	// A monthly period is its own key, and the formula guard is taken off again.
	// (It is a month before the demo's data: E123 reports quarters since 2021.)
	wantValue(t, s, key{"MO_HINH", "06322", "E123", "202007"}, 3, "=mới")
	v, _ := valueOf(t, s, key{"TT_DOT", "06484", "E123", "2024Q3"})
	if v.BatchID != res.BatchID {
		t.Fatalf("value batch %d, want %d", v.BatchID, res.BatchID)
	}
}

func TestWide(t *testing.T) {
	s := demoStore(t)
	file := "Mã xã,Tên xã,TT_DOT,Đường bê tông nông thôn,MO_HINH,Tổng\n" +
		"06484,Xã Mai Sao,3,0.5,2,x\n" +
		"06496,Xã Nhân Lý,4,,1,x\n"
	res := importFile(t, s, "wide.csv", []byte(file), Options{Period: "Quý II/2024", UnitCode: "BCHQS-CL"})
	noProblems(t, res)
	if res.Layout != "wide" || res.Rows != 5 {
		t.Fatalf("result %+v", res)
	}
	wantValue(t, s, key{"TT_DOT", "06484", "BCHQS-CL", "2024Q2"}, 3, "")
	wantValue(t, s, key{"DUONG_KM", "06484", "BCHQS-CL", "2024Q2"}, 0.5, "")
	wantValue(t, s, key{"MO_HINH", "06496", "BCHQS-CL", "2024Q2"}, 1, "")
}

func TestSemicolonCommaDecimal(t *testing.T) {
	s := demoStore(t)
	file := "locality;indicator;period;value;unit\n" +
		"06484;DUONG_KM;2024Q1;1,75;BCHQS-CL\n" +
		"06496;TT_LUOT;2024Q1;1.234;BCHQS-CL\n" +
		"06496;DUONG_KM;2024Q1;0,5;BCHQS-CL\n"
	res := importFile(t, s, "vn.csv", []byte(file), Options{})
	noProblems(t, res)
	if res.Delimiter != ";" {
		t.Fatalf("delimiter %q", res.Delimiter)
	}
	wantValue(t, s, key{"DUONG_KM", "06484", "BCHQS-CL", "2024Q1"}, 1.75, "")
	wantValue(t, s, key{"TT_LUOT", "06496", "BCHQS-CL", "2024Q1"}, 1234, "")
}

// cp1258 encodes s as Excel on Vietnamese Windows saves "CSV (Comma delimited)".
func cp1258(t *testing.T, s string) []byte {
	t.Helper()
	out, err := charmap.Windows1258.NewEncoder().Bytes([]byte(testfiles.ExcelCP1258(s)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWindows1258(t *testing.T) {
	s := demoStore(t)
	file := "Mã địa bàn,Chỉ tiêu,Kỳ,Số lượng,Ghi chú\r\n06322,TT_DOT,Quý I/2023,5,Đã kiểm tra\r\n"
	b := cp1258(t, file)
	if bytes.Contains(b, []byte("Mã")) || !bytes.Contains(b, []byte{0xD2}) && !bytes.Contains(b, []byte{0xDE}) {
		t.Fatalf("not cp1258 with separate tones: %q", b)
	}
	res := importFile(t, s, "ansi.csv", b, Options{UnitCode: "BCHQS-VQ"})
	noProblems(t, res)
	if res.Encoding != "Windows-1258" {
		t.Fatalf("encoding %q", res.Encoding)
	}
	wantValue(t, s, key{"TT_DOT", "06322", "BCHQS-VQ", "2023Q1"}, 5, "Đã kiểm tra")
}

func TestXLSXSheet(t *testing.T) {
	s := demoStore(t)
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Quý III"
	if _, err := f.NewSheet(sheet); err != nil {
		t.Fatal(err)
	}
	padded, _ := f.NewStyle(&excelize.Style{CustomNumFmt: func(s string) *string { return &s }("00000")})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellStr(sheet, "A1", "KẾT QUẢ QUÝ III/2024"))
	must(f.SetSheetRow(sheet, "A3", &[]any{"Mã xã", "Mã chỉ tiêu", "Giá trị"}))
	must(f.SetCellInt(sheet, "A4", 6484)) // Excel drops the leading zero unless the cell is formatted
	must(f.SetCellStyle(sheet, "A4", "A4", padded))
	must(f.SetSheetRow(sheet, "B4", &[]any{"DUONG_KM", 1234.5}))
	var buf bytes.Buffer
	must(f.Write(&buf))
	res := importFile(t, s, "bao-cao.xlsx", buf.Bytes(), Options{Sheet: sheet, Period: "2024Q3", UnitCode: "BCHQS-CL", AcceptWarnings: true})
	noProblems(t, res)
	if res.Format != "xlsx" || res.Rows != 1 {
		t.Fatalf("result %+v", res)
	}
	wantValue(t, s, key{"DUONG_KM", "06484", "BCHQS-CL", "2024Q3"}, 1234.5, "")
}

func TestProblemsRejectWholeFile(t *testing.T) {
	s := demoStore(t)
	file := "Mã địa bàn,Mã chỉ tiêu,Kỳ,Giá trị,Đơn vị\n" +
		"06484,TT_DOT,2024Q3,4,E123\n" + // 2: fine
		"00004,TT_DOT,2024Q3,4,E123\n" + // 3: unknown locality
		"06484,XYZ,2024Q3,4,E123\n" + // 4
		"06484,TT_DOT,Q5/2024,4,E123\n" + // 5
		"06484,TT_DOT,2027Q1,4,E123\n" + // 6: not started
		"06484,TT_LUOT,2024Q3,abc,E123\n" + // 7
		"06484,NGAY_CONG,2024Q3,-3,E123\n" + // 8
		"06484,DUONG_KM,2024Q3,1.255,E123\n" + // 9
		"06484,QUA_VND,2024Q3,2,NOPE\n" + // 10
		"06484,KHAM_BENH,2024Q3,2,\n" + // 11
		"06484,TT_DOT,2024Q3,5,E123\n" + // 12: duplicate of 2
		"06484,CONG_RANH,2024Q3,1.5,E123\n" // 13
	before := countValues(t, s)
	res := importFile(t, s, "loi.csv", []byte(file), Options{})
	if !res.Refused || res.BatchID != 0 {
		t.Fatalf("not refused: %+v", res)
	}
	if after := countValues(t, s); after != before {
		t.Fatalf("values %d -> %d although the file was refused", before, after)
	}
	want := []struct {
		Line                   int
		Column, Value, Message string
	}{
		{3, "Mã địa bàn", "00004", "code 00004 is not a locality on 30/09/2024"},
		{4, "Mã chỉ tiêu", "XYZ", "not an indicator code; write the code of one of the programs' indicators (e.g. TT_DOT)"},
		{5, "Kỳ", "Q5/2024", `"Q5/2024" is not a period: there is no quarter 5; write e.g. 2024Q3 or Quý 3/2024`},
		{6, "Kỳ", "2027Q1", "after today"},
		{7, "Giá trị", "abc", "not a number"},
		{8, "Giá trị", "-3", "negative"},
		{9, "Giá trị", "1.255", "at most 2 decimals"},
		{10, "Đơn vị", "NOPE", "not a reporting unit code; write a unit code from the Units list (e.g. BCHQS-CL)"},
		{11, "Đơn vị", "", "no reporting unit; write its code (e.g. BCHQS-CL), or set the reporting unit for the whole file"},
		{12, "Giá trị", "5", "already given on line 2"},
		{13, "Giá trị", "1.5", "whole number"},
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(res.Problems), len(want), strings.Join(res.Summary(), "\n"))
	}
	for i, w := range want {
		g := res.Problems[i]
		if g.Line != w.Line || g.Column != w.Column || g.Value != w.Value || !strings.Contains(g.Message, w.Message) {
			t.Errorf("problem %d: got %+v, want %+v", i, g, w)
		}
	}
	if res.Rejected != 11 || res.Rows != 12 {
		t.Errorf("rows %d rejected %d, want 12 and 11", res.Rows, res.Rejected)
	}
}

// A missing column is asked for by both its names, and the period and the unit can
// instead be set for the whole file: the message says so without naming how.
func TestMissingColumnsSayHowToFix(t *testing.T) {
	s := demoStore(t)
	file := []byte("Mã địa bàn,Giá trị\n06484,4\n")
	res := importFile(t, s, "thieu.csv", file, Options{})
	want := []string{
		`no "indicator" or "Mã chỉ tiêu" column in the header; add it`,
		`no "period" or "Kỳ" column in the header; add it, or set the report period for the whole file`,
		`no "unit" or "Đơn vị" column in the header; add it, or set the reporting unit for the whole file`,
	}
	var got []string
	for _, p := range res.Problems {
		if p.Line != 1 || p.Column != "" || p.Value != "" {
			t.Errorf("problem not located on the header: %+v", p)
		}
		got = append(got, p.Message)
	}
	if !res.Refused || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if args := res.Problems[0].Args; args["Name"] != "indicator" || args["ViName"] != "Mã chỉ tiêu" {
		t.Errorf("arguments %q", args)
	}

	// A file that cannot be opened at all is one problem, with its template too.
	res = importFile(t, s, "cu.xls", []byte("whatever"), Options{})
	if !res.Refused || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "save as .xlsx") {
		t.Fatalf("xls: %+v", res.Problems)
	}

	// A unit set for the whole file that does not exist fails the import.
	_, err := Import(context.Background(), s, "thieu.csv", bytes.NewReader(file), Options{UnitCode: "NOPE", Now: now})
	if !errors.Is(err, data.ErrNotFound) || !strings.Contains(err.Error(), `"NOPE"`) || strings.Contains(err.Error(), "--") {
		t.Errorf("unknown unit for the whole file: %v", err)
	}
}

func TestSummaryGroupsLines(t *testing.T) {
	bad := func(line int) Problem {
		return Problem{Line: line, Column: "Kỳ", Value: "Q5", Message: "bad", Template: "bad", Args: map[string]string{"N": strconv.Itoa(line)}}
	}
	r := Result{File: "report.csv", Problems: []Problem{
		bad(4), {Line: 7, Column: "Giá trị", Value: "x", Message: "nan"}, bad(9), bad(12)}}
	got := r.Summary()
	want := []string{`report.csv: lines 4, 9, 12: column "Kỳ": "Q5": bad`, `report.csv: line 7: column "Giá trị": "x": nan`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestAmbiguousNumbersNamed(t *testing.T) {
	s := demoStore(t)
	file := "locality,indicator,period,value,unit\n06484,TT_LUOT,2024Q3,\"1,234\",E123\n06496,TT_LUOT,2024Q3,12,E123\n"
	res := importFile(t, s, "amb.csv", []byte(file), Options{})
	if !res.Refused || len(res.Problems) != 1 || res.Problems[0].Line != 2 || res.Problems[0].Value != "1,234" ||
		!strings.Contains(res.Problems[0].Message, "ambiguous") {
		t.Fatalf("got %+v", res.Problems)
	}
}

func TestValidOnlyAndDryRun(t *testing.T) {
	s := demoStore(t)
	file := "locality,indicator,period,value,unit\n" +
		"06484,TT_DOT,2023Q4,41,E123\n" +
		"06484,TT_DOT,2023Q4x,42,E123\n" +
		"06496,TT_DOT,2023Q4,43,E123\n"
	before := countValues(t, s)
	old, _ := valueOf(t, s, key{"TT_DOT", "06484", "E123", "2023Q4"})

	dry := importFile(t, s, "a.csv", []byte(file), Options{DryRun: true, ValidOnly: true, AcceptWarnings: true})
	if dry.BatchID != 0 || dry.Rejected != 1 || dry.Inserted+dry.Updated+dry.Unchanged != 2 {
		t.Fatalf("dry run %+v", dry)
	}
	// The preview names each value it would change, with what it holds now.
	if dry.Updated != len(dry.Changes) || dry.Updated == 0 {
		t.Fatalf("dry run: %d changed, %d listed", dry.Updated, len(dry.Changes))
	}
	if c := dry.Changes[0]; c.Locality != "06484" || c.Indicator != "TT_DOT" || c.Period != "2023Q4" || c.Unit != "E123" ||
		c.Old != old.Value || c.New != 41 || c.LocalityName != "Xã Mai Sao" {
		t.Fatalf("change %+v, want 06484 TT_DOT 2023Q4 E123 %g -> 41", c, old.Value)
	}
	if v, _ := valueOf(t, s, key{"TT_DOT", "06484", "E123", "2023Q4"}); v.Value != old.Value || countValues(t, s) != before {
		t.Fatal("dry run wrote")
	}
	batches, _ := s.Batches(context.Background())
	if len(batches) != 0 {
		t.Fatalf("dry run recorded batches %+v", batches)
	}

	res := importFile(t, s, "a.csv", []byte(file), Options{ValidOnly: true, AcceptWarnings: true})
	if res.Refused || res.BatchID == 0 || res.Rejected != 1 || len(res.Problems) != 1 || res.Problems[0].Line != 3 {
		t.Fatalf("valid only %+v", res)
	}
	wantValue(t, s, key{"TT_DOT", "06484", "E123", "2023Q4"}, 41, "")
	wantValue(t, s, key{"TT_DOT", "06496", "E123", "2023Q4"}, 43, "")
}

func TestReimportAndUndo(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	kOld := key{"TT_DOT", "06484", "BCHQS-CL", "2024Q3"}
	kNew := key{"KHAM_BENH", "06484", "BCHQS-VQ", "2021Q1"} // Văn Quan's command does not work in Mai Sao
	old, ok := valueOf(t, s, kOld)
	if !ok {
		t.Fatal("demo has no value to overwrite")
	}
	if _, ok := valueOf(t, s, kNew); ok {
		t.Fatal("demo already has the value the test inserts")
	}
	file := fmt.Sprintf("locality,indicator,period,value,unit,note\n06484,TT_DOT,2024Q3,%g,BCHQS-CL,sửa\n06484,%s,2021Q1,9,%s,\n",
		old.Value+10, kNew.ind, kNew.unit)
	before := countValues(t, s)
	first := importFile(t, s, "r.csv", []byte(file), Options{})
	noProblems(t, first)
	if first.Updated != 1 || first.Inserted != 1 {
		t.Fatalf("first import %+v", first)
	}
	again := importFile(t, s, "copy-of-r.csv", []byte(file), Options{})
	if again.AlreadyImported != first.BatchID || again.BatchID != 0 || again.Unchanged != 2 || again.Inserted+again.Updated != 0 {
		t.Fatalf("reimport %+v", again)
	}
	if bs, _ := s.Batches(ctx); len(bs) != 1 {
		t.Fatalf("reimport recorded a batch: %+v", bs)
	}

	res, err := s.UndoBatch(ctx, first.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Restored != 1 || res.Deleted != 1 || res.Skipped != 0 {
		t.Fatalf("undo %+v", res)
	}
	got, _ := valueOf(t, s, kOld)
	if got.Value != old.Value || got.Note != old.Note || got.BatchID != old.BatchID || !got.ChangedAt.Equal(old.ChangedAt) {
		t.Fatalf("restored %+v, want %+v", got, old)
	}
	if _, ok := valueOf(t, s, kNew); ok {
		t.Fatal("inserted value not deleted")
	}
	if n := countValues(t, s); n != before {
		t.Fatalf("values %d after undo, want %d", n, before)
	}
	ind, loc, unit, p := ids(t, s, kOld)
	hist, err := s.History(ctx, ind, loc, unit, p)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if len(hist) != 3 || last.Source != "undo" || *last.Old != old.Value+10 || *last.New != old.Value || last.OldNote != "sửa" {
		t.Fatalf("history %+v", hist)
	}
	if _, err := s.UndoBatch(ctx, first.BatchID); err == nil || !strings.Contains(err.Error(), "already undone") {
		t.Fatalf("second undo: %v", err)
	}
	// Once undone, the same file may be imported again.
	third := importFile(t, s, "r.csv", []byte(file), Options{})
	if third.BatchID == 0 || third.AlreadyImported != 0 {
		t.Fatalf("import after undo %+v", third)
	}
}

func TestUndoSkipsLaterChanges(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	a := importFile(t, s, "a.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2024Q3,50,BCHQS-CL\n06496,TT_DOT,2024Q3,51,BCHQS-CL\n"), Options{AcceptWarnings: true})
	importFile(t, s, "b.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2024Q3,60,BCHQS-CL\n"), Options{AcceptWarnings: true})
	res, err := s.UndoBatch(ctx, a.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 1 || res.Restored+res.Deleted != 1 {
		t.Fatalf("undo %+v", res)
	}
	wantValue(t, s, key{"TT_DOT", "06484", "BCHQS-CL", "2024Q3"}, 60, "")
}

// Code 05977 was Phường Vĩnh Trại until the 2025 reform and Phường Đông Kinh after.
func TestReusedCodeResolvedAtPeriod(t *testing.T) {
	s := demoStore(t)
	file := "locality,indicator,period,value,unit\n05977,TT_DOT,2025Q2,1,BCHQS-LS\n05977,TT_DOT,2025Q3,2,BCHQS-LS\n"
	res := importFile(t, s, "reuse.csv", []byte(file), Options{})
	noProblems(t, res)
	_, locQ2, _, _ := ids(t, s, key{"TT_DOT", "05977", "BCHQS-LS", "2025Q2"})
	_, locQ3, _, _ := ids(t, s, key{"TT_DOT", "05977", "BCHQS-LS", "2025Q3"})
	if locQ2 == locQ3 {
		t.Fatal("demo no longer reuses 05977")
	}
	for _, c := range []struct {
		loc int64
		p   string
		v   float64
	}{{locQ2, "2025Q2", 1}, {locQ3, "2025Q3", 2}} {
		l, _ := s.Locality(context.Background(), c.loc)
		wantValue(t, s, key{"TT_DOT", "05977", "BCHQS-LS", c.p}, c.v, "")
		if !l.ValidOn(period.MustParse(c.p).End()) {
			t.Fatalf("%s: value on %s, not in force then", c.p, l.Name)
		}
	}
	// Mai Sao was merged away in the reform: its code means nothing in 2025Q3.
	bad := importFile(t, s, "gone.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2025Q3,1,E123\n"), Options{})
	if len(bad.Problems) != 1 || !strings.Contains(bad.Problems[0].Message, "code 06484 is not a locality on 30/09/2025") {
		t.Fatalf("got %+v", bad.Problems)
	}
}

func TestRoundTrip(t *testing.T) {
	exported := roundTrip(t, demoStore(t), (*data.Store).ExportLong)
	if !bytes.HasPrefix(exported, []byte("\uFEFFlocality,locality_name,indicator,indicator_name,period,unit,value,note\r\n")) {
		t.Fatalf("header: %q", exported[:80])
	}
}

// roundTrip exports every value of a, checks that importing the file back changes
// nothing, that importing it into a database with the catalog but no values
// brings every value back, and that exporting that database gives the same bytes.
// It returns the file.
func roundTrip(t *testing.T, a *data.Store, export func(*data.Store, context.Context, io.Writer, data.ValueFilter) error) []byte {
	t.Helper()
	ctx := context.Background()
	var exported bytes.Buffer
	if err := export(a, ctx, &exported, data.ValueFilter{}); err != nil {
		t.Fatal(err)
	}
	n := countValues(t, a)
	res := importFile(t, a, "export.csv", exported.Bytes(), Options{})
	noProblems(t, res)
	if res.Rows != n || res.Unchanged != n {
		t.Fatalf("reimport into the same data: %+v (%d values)", res, n)
	}
	b := demoStore(t)
	db, err := sql.Open("sqlite3", b.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM value; DELETE FROM value_history"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if countValues(t, b) != 0 {
		t.Fatal("values left")
	}
	res = importFile(t, b, "export.csv", exported.Bytes(), Options{})
	noProblems(t, res)
	if res.Inserted != n {
		t.Fatalf("import into an empty database: %+v (%d values)", res, n)
	}
	var again bytes.Buffer
	if err := export(b, ctx, &again, data.ValueFilter{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), exported.Bytes()) {
		t.Fatal("export after round trip differs")
	}
	return exported.Bytes()
}

// A wide export imports back to the same values, and exporting again gives the
// same bytes. Values of one row with different notes go on rows of their own.
func TestWideRoundTrip(t *testing.T) {
	ctx := context.Background()
	a := demoStore(t)
	// Two notes for one locality, period and unit: one row cannot carry both.
	noted := []data.Value{}
	for i, code := range []string{"TT_DOT", "DUONG_KM"} {
		in, err := a.IndicatorByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		unit, _ := a.UnitByCode(ctx, "BCHQS-CL")
		q := period.MustParse("2024Q3")
		loc, err := a.LocalityByCode(ctx, "06322", q.End())
		if err != nil {
			t.Fatal(err)
		}
		noted = append(noted, data.Value{IndicatorID: in.ID, LocalityID: loc.ID, UnitID: unit.ID, Period: q, Value: float64(i + 2),
			Note: []string{"bê tông, 2 tuyến", "=theo báo cáo"}[i]})
	}
	if _, err := a.SetValues(ctx, noted, data.Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	exported := string(roundTrip(t, a, (*data.Store).ExportWide))
	header, _, _ := strings.Cut(exported, "\r\n")
	if !strings.HasPrefix(header, "\uFEFFlocality,locality_name,period,unit,CONG_RANH,") || !strings.HasSuffix(header, ",note") {
		t.Fatalf("wide header %q", header)
	}
	for _, want := range []string{`,"bê tông, 2 tuyến"` + "\r\n", `,'=theo báo cáo` + "\r\n"} {
		if !strings.Contains(exported, want) {
			t.Errorf("no row ending %q: each note on a row of its own, formulas guarded", want)
		}
	}
	// A program's export has its indicators as columns, in its order.
	prog, err := a.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	var ofProgram bytes.Buffer
	if err := a.ExportWide(ctx, &ofProgram, data.ValueFilter{ProgramID: prog.ID}); err != nil {
		t.Fatal(err)
	}
	header, _, _ = strings.Cut(ofProgram.String(), "\r\n")
	if want := prog.Indicators[0].Indicator.Code; !strings.HasPrefix(header, "\uFEFFlocality,locality_name,period,unit,"+want+",") {
		t.Fatalf("program export header %q, want its first indicator %s first", header, want)
	}
}

// The Excel template lists what the CSV one does, keeps codes as text, holds the
// header still, refuses negative numbers as they are typed, and imports with no
// edits once a clerk has typed the numbers in.
func TestXLSXTemplateImportsWhenFilled(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	q := period.MustParse("2026Q3")
	var csvTpl, xlsxTpl bytes.Buffer
	if err := s.WriteTemplate(ctx, &csvTpl, "CTPH-2026", q, "BCHQS-CL"); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteTemplateXLSX(ctx, &xlsxTpl, "CTPH-2026", q, "BCHQS-CL"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xlsxTpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(csvTpl.String(), "\uFEFF"), "\r\n"), "\r\n")
	if len(rows) != len(lines) || strings.Join(rows[0], ",") != lines[0] {
		t.Fatalf("workbook has %d rows headed %q; the CSV %d headed %q", len(rows), rows[0], len(lines), lines[0])
	}
	if typ, _ := f.GetCellType(sheet, "A2"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("locality code cell is of type %v, want text", typ)
	}
	if !strings.HasPrefix(rows[1][0], "0") {
		t.Errorf("first locality code %q lost its leading zero", rows[1][0])
	}
	if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	dvs, err := f.GetDataValidations(sheet)
	if err != nil || len(dvs) != 1 || dvs[0].Operator != "greaterThanOrEqual" || dvs[0].Sqref != fmt.Sprintf("I2:I%d", len(rows)) {
		t.Fatalf("value column validation %+v, %v", dvs, err)
	}
	// A clerk types a number into every value cell, as Excel stores them.
	for i := 2; i <= len(rows); i++ {
		if err := f.SetCellInt(sheet, fmt.Sprintf("I%d", i), int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	res := importFile(t, s, "mau-bao-cao.xlsx", filled.Bytes(), Options{})
	noProblems(t, res)
	if res.Rows != len(rows)-1 || res.Format != "xlsx" {
		t.Fatalf("filled workbook: %+v, want %d rows", res, len(rows)-1)
	}
}

func TestTemplateImportsWhenFilled(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	var tpl bytes.Buffer
	if err := s.WriteTemplate(ctx, &tpl, "CTPH-2026", period.MustParse("2026Q3"), "BCHQS-CL"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(tpl.String(), "\r\n"), "\r\n")
	if len(lines) < 11 {
		t.Fatalf("template too short:\n%s", tpl.String())
	}
	// A clerk fills in the value column of every row, the one before the note.
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimSuffix(lines[i], ",,") + fmt.Sprintf(",%d,", i)
	}
	res := importFile(t, s, "filled.csv", []byte(strings.Join(lines, "\r\n")+"\r\n"), Options{})
	noProblems(t, res)
	if res.Rows != len(lines)-1 {
		t.Fatalf("rows %d, want %d", res.Rows, len(lines)-1)
	}
}

// BenchmarkImportLong imports a long file spread over the demo's communes, every
// indicator and the quarters of 2021-2024, into a database holding the demo.
func BenchmarkImportLong(b *testing.B) {
	const n = 20000
	s := demoStore(b)
	ctx := context.Background()
	inds, err := s.Indicators(ctx)
	if err != nil {
		b.Fatal(err)
	}
	locs, err := s.LocalitiesAt(ctx, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	var communes []data.Locality
	for _, l := range locs {
		if l.Level == "commune" {
			communes = append(communes, l)
		}
	}
	quarters := period.Range(period.MustParse("2021Q1"), period.MustParse("2024Q4"), period.Quarter)
	var file bytes.Buffer
	file.WriteString("Mã địa bàn,Tên xã,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị,Ghi chú\r\n")
	rows := 0
	for _, q := range quarters {
		for _, l := range communes {
			for _, in := range inds {
				if rows == n {
					break
				}
				fmt.Fprintf(&file, "%s,%s,%s,%s,%d,BCHQS-LS,\r\n", l.Code, l.Name, in.Code, q.Label("vi"), rows%97)
				rows++
			}
		}
	}
	// The last row's note changes each round, so each round is a new file.
	content := append(bytes.TrimSuffix(file.Bytes(), []byte("\r\n")), "0\r\n"...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		content[len(content)-3] = byte('0' + i%10)
		res, err := Import(ctx, s, "bench.csv", bytes.NewReader(content), Options{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if res.Refused {
			b.Fatalf("refused: %v", res.Summary()[:1])
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// A duplicate far from its first occurrence lies in another chunk of written rows;
// its first line is found by reading the file again when the reader can seek, and
// the message still makes sense when it cannot.
func TestDuplicateFarApart(t *testing.T) {
	s := demoStore(t)
	var b strings.Builder
	b.WriteString("locality,indicator,period,value,unit\n")
	// Lạng Sơn's own command: the demo has no reports of it, whose quarters the
	// months would overlap.
	months := period.Range(period.MustParse("202101"), period.MustParse("202506"), period.Month)
	for _, m := range months {
		for _, ind := range []string{"TT_DOT", "TT_LUOT", "NGAY_CONG", "CONG_RANH", "NHA_TN", "QUA_VND", "KHAM_BENH"} {
			for _, code := range []string{"06484", "06496", "06322", "06313", "06280", "06283"} {
				fmt.Fprintf(&b, "%s,%s,%s,1,BCHQS-LS\n", code, ind, m.ID())
			}
		}
	}
	b.WriteString("06496,TT_LUOT,202101,5,BCHQS-LS\n") // repeats line 9
	rows := strings.Count(b.String(), "\n") - 1
	if rows < 2100 {
		t.Fatalf("only %d rows: the duplicate must be more than a chunk (2,000 rows) away", rows)
	}
	res := importFile(t, s, "far.csv", []byte(b.String()), Options{})
	if !res.Refused || len(res.Problems) != 1 || res.Problems[0].Line != rows+1 ||
		!strings.Contains(res.Problems[0].Message, "already given on line 9;") {
		t.Fatalf("seekable: %+v", res.Problems)
	}
	res, err := Import(context.Background(), s, "far.csv", io.MultiReader(strings.NewReader(b.String())), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Refused || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "already given earlier in the file") {
		t.Fatalf("not seekable: %+v", res.Problems)
	}
	checkMessages(t, res)
}

// In a comma-decimal file, the cells whose reading depends on the style are held
// until the end of the file and then written with the majority's reading.
func TestCommaDecimalFileHeldUntilStyleKnown(t *testing.T) {
	s := demoStore(t)
	file := "locality;indicator;period;value;unit\n" +
		"06484;NHA_TN_VND;2023Q4;1.500;E123\n" + // 1500 or 1.5: only the rest of the file tells
		"06496;NHA_TN_VND;2023Q4;2.000.000;E123\n" + // comma style
		"06322;NHA_TN_VND;2023Q4;7;E123\n" + // either
		"06484;DUONG_KM;2023Q4;2,5;E123\n" // comma style
	res := importFile(t, s, "vn.csv", []byte(file), Options{AcceptWarnings: true})
	noProblems(t, res)
	if res.Inserted+res.Updated+res.Unchanged != 4 {
		t.Fatalf("counts %+v", res)
	}
	wantValue(t, s, key{"NHA_TN_VND", "06484", "E123", "2023Q4"}, 1500, "")
	wantValue(t, s, key{"NHA_TN_VND", "06496", "E123", "2023Q4"}, 2000000, "")
	wantValue(t, s, key{"NHA_TN_VND", "06322", "E123", "2023Q4"}, 7, "")
	wantValue(t, s, key{"DUONG_KM", "06484", "E123", "2023Q4"}, 2.5, "")
}
