package tabular

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"danvan/data/tabular/tabulartest"
)

// buildWorkbook makes the kind of workbook units send: a title row, a
// blank row, the header, codes typed as text or as zero-padded numbers,
// formatted numbers and a date; plus a second sheet to choose by name.
func buildWorkbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const s = "Sheet1"
	padded, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("00000")})
	thousands, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	percent, _ := f.NewStyle(&excelize.Style{NumFmt: 10})  // 0.00%
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellStr(s, "A1", "BÁO CÁO KẾT QUẢ CÔNG TÁC DÂN VẬN QUÝ III/2024"))
	must(f.MergeCell(s, "A1", "E1"))
	must(f.SetSheetRow(s, "A3", &[]any{"Mã xã", "Chỉ tiêu", "Kỳ", "Giá trị", "Ngày"}))
	must(f.SetCellStr(s, "A4", "00004"))
	must(f.SetSheetRow(s, "B4", &[]any{"TT_DOT", "2024Q3", 8.25}))
	must(f.SetCellInt(s, "A5", 4))
	must(f.SetCellStyle(s, "A5", "A5", padded))
	must(f.SetSheetRow(s, "B5", &[]any{"TT_DOT", "2024Q3", 1234.5}))
	must(f.SetCellStyle(s, "D5", "D5", thousands))
	must(f.SetCellValue(s, "E5", time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)))
	must(f.SetCellStyle(s, "E5", "E5", date))
	// Text that merely looks like a number keeps its exact text even
	// under a number format.
	must(f.SetCellStr(s, "A6", "0012"))
	must(f.SetCellStyle(s, "A6", "A6", thousands))
	must(f.SetSheetRow(s, "B6", &[]any{" TT_HOP ", "2024Q3", 0.25}))
	must(f.SetCellStyle(s, "D6", "D6", percent))
	// Formula noise: stored 12.300000000000001 is shown and read as 12.3.
	must(f.SetCellFormula(s, "D8", "=12.1+0.2"))
	must(f.SetCellValue(s, "D8", 12.300000000000001))
	must(f.SetCellStr(s, "A8", "00010"))

	if _, err := f.NewSheet("Quý III"); err != nil {
		t.Fatal(err)
	}
	must(f.SetSheetRow("Quý III", "A2", &[]any{"Mã xã", "Giá trị"}))
	must(f.SetSheetRow("Quý III", "A3", &[]any{"00007", 3}))
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

func TestXLSX(t *testing.T) {
	book := buildWorkbook(t)
	r := mustOpen(t, "report.xlsx", book, Options{})
	if info := r.Info(); info != (Info{Format: FormatXLSX, Sheet: "Sheet1", HeaderLine: 3}) {
		t.Errorf("Info = %+v", info)
	}
	if want := []string{"Mã xã", "Chỉ tiêu", "Kỳ", "Giá trị", "Ngày"}; !reflect.DeepEqual(r.Header(), want) {
		t.Errorf("Header = %q", r.Header())
	}
	want := []Row{
		{4, []string{"00004", "TT_DOT", "2024Q3", "8.25"}},
		{5, []string{"00004", "TT_DOT", "2024Q3", "1234.5", "30/09/2024"}},
		{6, []string{"0012", "TT_HOP", "2024Q3", "0.25"}},
		{8, []string{"00010", "", "", "12.3"}},
	}
	if got := readAll(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n got %+v\nwant %+v", got, want)
	}
}

func TestXLSXSheetByName(t *testing.T) {
	r := mustOpen(t, "report.xlsx", buildWorkbook(t), Options{Sheet: "quý iii"})
	if r.Info().Sheet != "Quý III" || r.Info().HeaderLine != 2 {
		t.Errorf("Info = %+v", r.Info())
	}
	want := []Row{{3, []string{"00007", "3"}}}
	if got := readAll(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %+v, want %+v", got, want)
	}
}

func TestXLSXErrors(t *testing.T) {
	book := buildWorkbook(t)
	if got, want := errorOf(t, "report.xlsx", book, Options{Sheet: "Tổng hợp"}),
		`report.xlsx: "Tổng hợp": no such sheet; the workbook has sheets "Sheet1", "Quý III"; choose one of them`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := errorOf(t, "report.xlsx", []byte("Mã,Tên\n1,2\n"), Options{}),
		"report.xlsx: not a valid .xlsx workbook (zip: not a valid zip file); open it in Excel and save it as 'Excel Workbook (.xlsx)'"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("Sheet1", "ZZ2", "x"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got, want := errorOf(t, "wide.xlsx", buf.Bytes(), Options{MaxColumns: 100}),
		`wide.xlsx:2: column 702: "x": row has more than 100 columns; delete the unused columns to the right of the table`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestNumberText(t *testing.T) {
	tests := []struct {
		code, raw, want string
		date1904        bool
	}{
		{"", "4", "4", false},
		{"00000", "4", "00004", false},               // a code formatted to keep its zeros
		{"00000", "123456", "123456", false},         // wider than the format
		{"00000", "4.5", "4.5", false},               // not a code
		{`"Mã "00000`, "4", "4", false},              // not only zeros
		{"#,##0.00", "1234.5", "1234.5", false},      // display format ignored
		{"0.00%", "0.5", "0.5", false},               // percent: the stored fraction
		{"", "1E-3", "0.001", false},                 // Excel's exponent storage
		{"", "12.300000000000001", "12.3", false},    // formula noise
		{"General", "-0", "0", false},                //
		{"[Red]0.00;[Blue]-0.00", "-4", "-4", false}, //
		{"dd/mm/yyyy", "45565", "30/09/2024", false}, // date
		{builtinFormats[14], "45565", "30/09/2024", false},
		{"yyyy-mm-dd", "45565", "30/09/2024", false}, // one way to write dates, whatever the format
		{`[$-42A]d" tháng "m", "yyyy`, "45565", "30/09/2024", false},
		{"m/d/yy h:mm", "45565.75", "30/09/2024 18:00", false},
		{"h:mm", "0.5", "12:00", false},        // time
		{"h:mm AM/PM", "0.75", "18:00", false}, // the M of PM is no month
		{"mm:ss", "0.0104166666666667", "00:15:00", false},
		{"[h]:mm:ss", "0.5", "12:00:00", false},
		{"dd/mm/yyyy", "1", "01/01/1900", false},
		{"dd/mm/yyyy", "59", "28/02/1900", false},
		{"dd/mm/yyyy", "0", "01/01/1904", true},
		{"dd/mm/yyyy", "-1", "-1", false}, // Excel shows #####
	}
	for _, tc := range tests {
		if got := parseFormat(tc.code).text(tc.raw, tc.date1904); got != tc.want {
			t.Errorf("%q formatted %q = %q, want %q", tc.raw, tc.code, got, tc.want)
		}
	}
}

// Cells of every type read as Excel shows them: booleans, errors, rich text
// without its phonetic guide, Excel's _xHHHH_ escapes, formulas' saved results,
// cells without references.
func TestXLSXCellTypes(t *testing.T) {
	rows := `<row r="1"><c r="A1" t="inlineStr"><is><t>Mã</t></is></c><c r="B1" t="inlineStr"><is><t>Ghi chú</t></is></c></row>` +
		`<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#DIV/0!</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><r><t>Hữu</t></r><r><t xml:space="preserve"> Lễ</t></r><rPh><t>フリガナ</t></rPh></is></c>` +
		`<c r="B3" t="inlineStr"><is><t>a_x000D_` + "\n" + `b _x005F_x0041_</t></is></c></row>` +
		`<row r="4"><c r="A4" t="str"><f>A1</f><v>Mã</v></c><c r="B4"><f>1+1</f><v>2</v></c></row>` +
		`<row r="6"><c><v>7</v></c><c t="s"><v>0</v></c></row>`
	book := tabulartest.Zip(tabulartest.Workbook{Rows: rows, Shared: []string{" 00004 "}}.Parts())
	r := mustOpen(t, "types.xlsx", book, Options{})
	want := []Row{
		{2, []string{"TRUE", "#DIV/0!"}},
		{3, []string{"Hữu Lễ", "a\r\nb _x0041_"}},
		{4, []string{"Mã", "2"}},
		{6, []string{"7", "00004"}},
	}
	if got := readAll(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n got %+v\nwant %+v", got, want)
	}
}

// An encrypted workbook is a Compound File, not a ZIP archive.
func TestXLSXPassword(t *testing.T) {
	cfb := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...)
	if got, want := errorOf(t, "secret.xlsx", cfb, Options{}),
		"secret.xlsx: the workbook is password-protected or encrypted; remove the password in Excel (File > Info > Protect Workbook) and send it again"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
