package tabular

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"danvan/data/internal/testfiles"
)

// writeFile puts a corpus file on disk so tests go through os.File like
// the application does.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func openFile(t testing.TB, path string, opt Options) (*Reader, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return Open(path, f, opt)
}

// readAll returns every row, failing the test on any error.
func readAll(t testing.TB, r *Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, Row{Line: row.Line, Cells: slices.Clone(row.Cells)})
	}
}

func mustOpen(t testing.TB, name string, data []byte, opt Options) *Reader {
	t.Helper()
	r, err := openFile(t, writeFile(t, name, data), opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

var (
	vnHeader = []string{"Mã xã", "Tên xã", "Huyện", "Tỉnh", "Giá trị"}
	vnRows   = [][]string{
		{"00004", "Xã Hữu Lễ", "Chi Lăng", "Lạng Sơn", "12"},
		{"00007", "Thị trấn Đồng Mỏ", "Chi Lăng", "Lạng Sơn", "3"},
		{"00010", "Xã Quang Lang", "Chi Lăng", "Lạng Sơn", "0"},
	}
)

func vnTable(delim string) string {
	var b strings.Builder
	b.WriteString(strings.Join(vnHeader, delim) + "\r\n")
	for _, r := range vnRows {
		b.WriteString(strings.Join(r, delim) + "\r\n")
	}
	return b.String()
}

func TestEncodings(t *testing.T) {
	utf16 := func(e unicode.Endianness, s string) []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cp1258, err := charmap.Windows1258.NewEncoder().Bytes([]byte(testfiles.ExcelCP1258(vnTable(","))))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(cp1258, []byte{'L', 'a', 0xF2}) { // "Lạ" as a + combining dot below
		t.Fatalf("corpus is not in Excel's decomposed cp1258 form: %q", cp1258)
	}
	tests := []struct {
		name  string
		data  []byte
		enc   string
		delim rune
	}{
		{"utf8.csv", []byte(vnTable(",")), EncUTF8, ','},
		{"bom.csv", append([]byte("\xEF\xBB\xBF"), vnTable(",")...), EncUTF8BOM, ','},
		{"unicode.txt", utf16(unicode.LittleEndian, vnTable("\t")), EncUTF16LE, '\t'},
		{"be.txt", utf16(unicode.BigEndian, vnTable("\t")), EncUTF16BE, '\t'},
		{"vn.csv", cp1258, EncWindows1258, ','},
		{"nfd.csv", []byte(norm.NFD.String(vnTable(";"))), EncUTF8, ';'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOpen(t, tc.name, tc.data, Options{})
			info := r.Info()
			if info.Format != FormatCSV || info.Encoding != tc.enc || info.Delimiter != tc.delim || info.HeaderLine != 1 {
				t.Errorf("Info = %+v, want encoding %s delimiter %q header line 1", info, tc.enc, tc.delim)
			}
			if !reflect.DeepEqual(r.Header(), vnHeader) {
				t.Errorf("Header = %q, want %q", r.Header(), vnHeader)
			}
			rows := readAll(t, r)
			if len(rows) != len(vnRows) {
				t.Fatalf("got %d rows, want %d", len(rows), len(vnRows))
			}
			for i, row := range rows {
				if row.Line != i+2 || !reflect.DeepEqual(row.Cells, vnRows[i]) {
					t.Errorf("row %d = %d %q, want %d %q", i, row.Line, row.Cells, i+2, vnRows[i])
				}
				for _, c := range row.Cells {
					if !norm.NFC.IsNormalString(c) {
						t.Errorf("cell %q is not NFC", c)
					}
				}
			}
		})
	}
}

func TestDelimiters(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		delim rune
		rows  [][]string
	}{
		{"comma", "Mã,Tên,Giá trị\n1,\"Hữu Lễ, Chi Lăng\",\"1,5\"\n", ',',
			[][]string{{"1", "Hữu Lễ, Chi Lăng", "1,5"}}},
		// Decimal commas are unquoted in semicolon files and vary per line;
		// the semicolon count does not.
		{"semicolon", "Mã;Tên;Giá trị;Ghi chú\n1;A;1,5;\n2;B;12;x,y,z\n3;C;2,25;\n", ';',
			[][]string{{"1", "A", "1,5"}, {"2", "B", "12", "x,y,z"}, {"3", "C", "2,25"}}},
		{"tab", "Mã\tTên\tGiá trị\n1\tA, B\t7\n", '\t',
			[][]string{{"1", "A, B", "7"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOpen(t, tc.name+".csv", []byte(tc.data), Options{})
			if r.Info().Delimiter != tc.delim {
				t.Fatalf("delimiter %q, want %q", r.Info().Delimiter, tc.delim)
			}
			var got [][]string
			for _, row := range readAll(t, r) {
				got = append(got, slices.Clone(row.Cells))
			}
			if !reflect.DeepEqual(got, tc.rows) {
				t.Errorf("rows = %q, want %q", got, tc.rows)
			}
		})
	}
}

func TestQuoting(t *testing.T) {
	data := "Mã,Tên,Ghi chú\r\n" +
		"1,\"Xã \"\"Anh hùng\"\" Hữu Lễ\",\"dòng 1\r\ndòng 2\r\n\"\r\n" +
		"2,\"a;b,c\",\"\"\r\n" +
		"3,  B  ,\"  \"\r\n"
	r := mustOpen(t, "q.csv", []byte(data), Options{})
	want := []Row{
		{2, []string{"1", "Xã \"Anh hùng\" Hữu Lễ", "dòng 1\ndòng 2"}},
		{5, []string{"2", "a;b,c"}},
		{6, []string{"3", "B"}},
	}
	if got := readAll(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows =\n%+v\nwant\n%+v", got, want)
	}
}

func TestTitleRowsAndPadding(t *testing.T) {
	data := "BÁO CÁO KẾT QUẢ CÔNG TÁC DÂN VẬN QUÝ III/2024,,,,,\n" +
		",,,,,\n" +
		"Đơn vị: Trung đoàn 123,,,,,\n" +
		"\n" +
		"Mã xã,Chỉ tiêu,Kỳ,Giá trị,,\n" +
		"00004,TT_DOT,2024Q3,12,,\n" +
		",,,,,\n" +
		"00007,TT_DOT,2024Q3,,,\n" +
		",,,,,\n" +
		",,,,,\n"
	r := mustOpen(t, "title.csv", []byte(data), Options{})
	if r.Info().HeaderLine != 5 {
		t.Errorf("HeaderLine = %d, want 5", r.Info().HeaderLine)
	}
	if want := []string{"Mã xã", "Chỉ tiêu", "Kỳ", "Giá trị"}; !reflect.DeepEqual(r.Header(), want) {
		t.Errorf("Header = %q, want %q", r.Header(), want)
	}
	want := []Row{
		{6, []string{"00004", "TT_DOT", "2024Q3", "12"}},
		{8, []string{"00007", "TT_DOT", "2024Q3"}},
	}
	if got := readAll(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %+v, want %+v", got, want)
	}
}

func TestHeaderOnly(t *testing.T) {
	r := mustOpen(t, "h.csv", []byte("Mã xã,Giá trị\r\n,\r\n"), Options{})
	if rows := readAll(t, r); len(rows) != 0 {
		t.Errorf("rows = %v, want none", rows)
	}
}

// errorOf opens and reads the file to the first error, which must be an
// *Error.
func errorOf(t *testing.T, name string, data []byte, opt Options) string {
	t.Helper()
	r, err := openFile(t, writeFile(t, name, data), opt)
	for err == nil {
		_, err = r.Next()
	}
	if err == io.EOF {
		t.Fatalf("%s: no error", name)
	}
	assertError(t, err) // an *Error with a registered message
	return err.Error()
}

func TestErrors(t *testing.T) {
	latin1, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte("Name;Straße;Größe\nMüller;Hauptstraße;Überlänge\nJürgen;Äußere;Öl\n"))
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("名前,住所,値\n山田太郎,東京都千代田区,12\n佐藤花子,大阪府大阪市,7\n"))
	if err != nil {
		t.Fatal(err)
	}
	wide := "a,b\n1" + strings.Repeat(",x", 9999) + "\n"
	lateBad := "Mã,Tên\n" + strings.Repeat("00004,Hữu Lễ\n", 10000) + "00005,H\xfb\xf5u L\xea\n"
	tests := []struct {
		name, data, want string
	}{
		{"trunc.csv", "Mã,Ghi chú\n1,ok\n2,\"bắt đầu\nkhông đóng\n3,x\n",
			`trunc.csv:3: column 2: the double quote (") that opens this cell is never closed; the file is cut off or has a stray quote — re-export it from Excel`},
		{"latin1.csv", string(latin1),
			"latin1.csv: file is not UTF-8, UTF-16 or Windows-1258 (Vietnamese) text; save it from Excel as 'CSV UTF-8 (Comma delimited)'"},
		{"sjis.csv", string(sjis),
			"sjis.csv: file is not UTF-8, UTF-16 or Windows-1258 (Vietnamese) text; save it from Excel as 'CSV UTF-8 (Comma delimited)'"},
		{"image.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
			"image.csv: file is a PNG image, not a table; attach the report file instead"},
		{"book.csv", "PK\x03\x04\x14\x00\x06\x00",
			"book.csv: file is a ZIP archive, probably an Excel workbook renamed to .csv; rename it to .xlsx or save it from Excel as 'CSV UTF-8 (Comma delimited)'"},
		{"nul.csv", "a,b\n1,\x00\x01\x02\n",
			"nul.csv: file contains NUL bytes: it is binary or UTF-16 without a byte-order mark, not a CSV text file; save it from Excel as 'CSV UTF-8 (Comma delimited)'"},
		{"empty.csv", "", "empty.csv: file is empty (0 bytes); export the report again"},
		{"blank.csv", "\xEF\xBB\xBF\r\n,,,\r\n  \r\n",
			"blank.csv: file is empty: it has no rows with content; export the report again"},
		{"noheader.csv", "1,2\n3,4\n", "noheader.csv: no header row found in the first 30 rows: the table needs a row of column names (at least two, mostly text) above the data"},
		{"wide.csv", wide, `wide.csv:2: column 1025: "x": row has more than 1024 columns; delete the unused columns to the right of the table`},
		{"extra.csv", "Mã,Giá trị\n1,2\n3,4,,ghi chú\n",
			`extra.csv:3: column 4: "ghi chú": cell is to the right of the last header column (the header has 2 columns); give the column a header or delete the value`},
		{"late.csv", lateBad,
			"late.csv:10002: column 2: \"H\ufffdu L\ufffd\": " + `invalid UTF-8 bytes (shown as ` + "\ufffd" + `): the start of the file is UTF-8 but this cell is in another encoding; save it from Excel as 'CSV UTF-8 (Comma delimited)'`},
		{"bare.csv", "Mã,Tên\n1,Đội \"Anh hùng\"\n",
			`bare.csv:2: column 2: double quote inside an unquoted cell; put the whole cell in double quotes and double the inner quote (""), or let Excel save the file`},
		{"afterquote.csv", "Mã,Tên\n1,\"Đội\" 5\n",
			`afterquote.csv:2: column 2: text after the closing double quote; a quoted cell must end right after its quote (write "" for a quote inside the cell)`},
		{"report.xls", "whatever", "report.xls: old Excel 97-2003 (.xls) files are not supported; open it in Excel and save as .xlsx (Excel Workbook) or 'CSV UTF-8'"},
		{"report.ods", "whatever", `report.ods: unsupported file type ".ods"; send the report as .xlsx or .csv`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := errorOf(t, tc.name, []byte(tc.data), Options{}); got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// A bad cell is reported once; the following rows still read, so the
// importer can list every bad row of a file in one pass.
func TestRowErrorsAreRecoverable(t *testing.T) {
	r := mustOpen(t, "rec.csv", []byte("Mã,Tên\n1,\"a\"b\n2,ok\n3,x,extra\n4,ok\n"), Options{})
	var lines []int
	var errs int
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs++
			continue
		}
		lines = append(lines, row.Line)
	}
	if errs != 2 || !reflect.DeepEqual(lines, []int{3, 5}) {
		t.Errorf("errors %d, good lines %v; want 2 and [3 5]", errs, lines)
	}
}

// A truncated quote is structural: every later Next repeats it.
func TestFatalErrorIsSticky(t *testing.T) {
	r := mustOpen(t, "f.csv", []byte("a,b\n1,\"x\n"), Options{})
	_, err1 := r.Next()
	_, err2 := r.Next()
	if err1 == nil || err1 == io.EOF || err1 != err2 {
		t.Errorf("errors %v then %v; want the same error twice", err1, err2)
	}
}

// hugeLine streams a header and then one line of n bytes without holding
// it, counting what the reader consumed.
type hugeLine struct {
	header string
	n, off int
	read   int
}

func (h *hugeLine) Read(p []byte) (int, error) {
	if h.header != "" {
		c := copy(p, h.header)
		h.header = h.header[c:]
		h.read += c
		return c, nil
	}
	if h.off >= h.n {
		return 0, io.EOF
	}
	c := min(len(p), h.n-h.off)
	for i := range c {
		p[i] = 'x'
	}
	h.off += c
	h.read += c
	return c, nil
}

func TestHugeLineBoundedMemory(t *testing.T) {
	for _, header := range []string{"Mã,Giá trị\n", ""} {
		src := &hugeLine{header: header, n: 100 << 20}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := Open("huge.csv", src, Options{})
		for err == nil {
			_, err = r.Next()
		}
		runtime.ReadMemStats(&after)
		line := "2"
		if header == "" {
			line = "1"
		}
		want := "huge.csv:" + line + ": record is longer than 1048576 bytes; this is not a report table (check that the right file was chosen, or that a cell does not contain a huge pasted text)"
		if err == nil || err.Error() != want {
			t.Errorf("error %v\nwant %s", err, want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("allocated %d bytes for a 100 MB line; want bounded by ~MaxLineBytes", alloc)
		}
		if src.read > 4<<20 {
			t.Errorf("read %d bytes before giving up; want to stop soon after 1 MiB", src.read)
		}
	}
}

func TestMaxColumnsIgnoresEmptyPadding(t *testing.T) {
	data := "a,b" + strings.Repeat(",", 5000) + "\n1,2" + strings.Repeat(",", 5000) + "\n"
	r := mustOpen(t, "pad.csv", []byte(data), Options{})
	rows := readAll(t, r)
	if len(r.Header()) != 2 || len(rows) != 1 || len(rows[0].Cells) != 2 {
		t.Errorf("header %q rows %+v", r.Header(), rows)
	}
}

func TestDetectEncodingPrefixBoundary(t *testing.T) {
	// A multi-byte letter straddling the 64 KiB sniff window must not make
	// a UTF-8 file look invalid.
	head := "Mã,Tên\n"
	pad := strings.Repeat("a", sniffLen-len(head)-len("1,")-1)
	data := head + "1," + pad + "ữ\n"
	r := mustOpen(t, "edge.csv", []byte(data), Options{})
	if r.Info().Encoding != EncUTF8 {
		t.Errorf("encoding %s, want UTF-8", r.Info().Encoding)
	}
	if rows := readAll(t, r); len(rows) != 1 || !strings.HasSuffix(rows[0].Cells[1], "ữ") {
		t.Errorf("rows %d", len(rows))
	}
}

// A control character other than tab and line breaks is a located problem, in
// the fast ASCII path, in text with letters, and past the first 64 KB.
func TestControlCharacters(t *testing.T) {
	pad := strings.Repeat("00004,Hữu Lễ\n", 6000)
	tests := []struct{ data, want string }{
		{"Mã,Tên\n00004,a\x01b\n", "c.csv:2: column 2: \"a\ufffdb\": contains a control character (U+0001)"},
		{"Mã,Tên\n00004,Hữu\x1bLễ\n", "c.csv:2: column 2: \"Hữu\ufffdLễ\": contains a control character (U+001B)"},
		{"Mã,Tên\n00004,a\u0085b\n", "c.csv:2: column 2: \"a\ufffdb\": contains a control character (U+0085)"},
		// The first 64 KB are looked at as a whole, and NULs there mean a binary file.
		{"Mã,Tên\n" + pad + "00007,note\x00\n", "c.csv:6002: column 2: \"note\ufffd\": contains a control character (U+0000)"},
	}
	for _, tc := range tests {
		if got := errorOf(t, "c.csv", []byte(tc.data), Options{}); !strings.HasPrefix(got, tc.want) {
			t.Errorf("got  %s\nwant %s…", got, tc.want)
		}
	}
	r := mustOpen(t, "ok.csv", []byte("Mã,Ghi chú\n00004,\"a\tb\r\nc\"\n"), Options{})
	if rows := readAll(t, r); len(rows) != 1 || rows[0].Cells[1] != "a\tb\nc" {
		t.Errorf("tab and line breaks: %+v", rows)
	}
}
