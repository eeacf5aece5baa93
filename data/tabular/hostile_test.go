package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"danvan/data/tabular/tabulartest"
)

// reportTable is a header and 1,000 rows a reader accepts.
func reportTable() [][]string {
	table := [][]string{{"Mã xã", "Chỉ tiêu", "Kỳ", "Giá trị"}}
	for i := range 1000 {
		table = append(table, []string{fmt.Sprintf("%05d", i), "TT_DOT", "2024Q3", fmt.Sprint(i + 1)})
	}
	return table
}

// readToError opens path and reads it to its first error, counting the rows
// returned before it.
func readToError(t *testing.T, path string, opt Options) (int, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Open(path, f, opt)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	rows := 0
	for {
		if _, err := r.Next(); err != nil {
			return rows, err
		}
		rows++
	}
}

// Every kind of damaged or hostile workbook is refused with a message saying so,
// by a fatal error (nothing after it can be trusted), without a temporary file,
// quickly and in bounded memory; damage to a ZIP entry is found before the first
// row. Only a control character in a cell is a row's problem, located.
func TestHostileWorkbooks(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	books, err := tabulartest.WriteHostile(t.TempDir(), reportTable())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range books {
		t.Run(b.Name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			rows, err := readToError(t, b.Path, Options{})
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == io.EOF || err == nil {
				t.Fatalf("read %d rows and no error", rows)
			}
			assertError(t, err)
			if !strings.Contains(err.Error(), b.Want) {
				t.Errorf("error %v\nwant it to say %q", err, b.Want)
			}
			var e *Error
			errors.As(err, &e)
			switch b.Name {
			case "nul":
				if e.fatal || e.Line != 501 || e.Column != 1 {
					t.Errorf("want a located row error on row 501, column 1: %#v", e)
				}
			default:
				if !e.fatal {
					t.Errorf("not fatal: %v", err)
				}
			}
			if b.Name == "deflate" && rows > 0 {
				t.Errorf("%d rows returned before the damaged entry was found", rows)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			t.Logf("%v after %d rows, %v, %d KiB allocated", err, rows, took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>10)
		})
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

// The undamaged table the hostile workbooks are made from reads in full.
func TestHostileWorkbooksBase(t *testing.T) {
	rows, shared := tabulartest.Table(reportTable(), "")
	r := mustOpen(t, "good.xlsx", tabulartest.Zip(tabulartest.Workbook{Rows: rows, Shared: shared}.Parts()), Options{})
	got := readAll(t, r)
	if len(got) != 1000 || got[0].Line != 2 || strings.Join(got[4].Cells, ",") != "00004,TT_DOT,2024Q3,5" {
		t.Fatalf("%d rows, first %+v", len(got), got[:min(len(got), 5)])
	}
}

// bookWith is the report table's workbook with the parts given replacing or
// joining its own.
func bookWith(parts ...tabulartest.Part) []byte {
	rows, shared := tabulartest.Table(reportTable()[:3], "")
	all := tabulartest.Workbook{Rows: rows, Shared: shared}.Parts()
	for _, p := range parts {
		i := slices.IndexFunc(all, func(q tabulartest.Part) bool { return q.Name == p.Name })
		if i < 0 {
			all = append(all, p)
		} else {
			all[i] = p
		}
	}
	return tabulartest.Zip(all)
}

// sheetWith is the report table's workbook with rows added to its sheet.
func sheetWith(rows string) []byte {
	head, shared := tabulartest.Table(reportTable()[:3], "")
	book := tabulartest.Workbook{Rows: head + rows, Shared: shared}
	return tabulartest.Zip(book.Parts())
}

// hugeInput is a file too large to read, which must not be read at all.
type hugeInput struct{ t *testing.T }

func (h hugeInput) ReadAt([]byte, int64) (int, error) {
	h.t.Error("read a file refused by its size")
	return 0, io.EOF
}
func (hugeInput) Read([]byte) (int, error) { return 0, io.EOF }
func (hugeInput) Size() int64              { return 3 << 30 }

// Each limit refuses the file with its own message, located where it can be.
func TestXLSXLimits(t *testing.T) {
	manyParts := make([]tabulartest.Part, maxParts)
	for i := range manyParts {
		manyParts[i] = tabulartest.Part{Name: fmt.Sprintf("xl/media/image%d.png", i)}
	}
	longNames := make([]tabulartest.Part, 80)
	for i := range longNames {
		longNames[i] = tabulartest.Part{Name: fmt.Sprintf("%060000d", i)}
	}
	deep := strings.Repeat("<r>", maxXMLDepth) + strings.Repeat("</r>", maxXMLDepth)
	short := Options{MaxLineBytes: 1000} // the longest text and row
	inline := func(text string) string { return `<c t="inlineStr"><is><t>` + text + `</t></is></c>` }
	var xfs strings.Builder
	xfs.WriteString(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`)
	for i := range maxStyles*2 + 1 {
		fmt.Fprintf(&xfs, `<xf numFmtId="%d"/>`, i)
	}
	xfs.WriteString(`</cellXfs></styleSheet>`)
	rows, shared := tabulartest.Table(reportTable()[:3], "")
	tests := []struct {
		name string
		book []byte
		opt  Options
		want string
	}{
		{"parts", bookWith(manyParts...), Options{}, "the workbook has more than 10000 parts"},
		{"part-list", bookWith(longNames...), Options{}, "the workbook has more than 10000 parts"},
		{"past-last-row", sheetWith(`<row r="1048577"><c><v>1</v></c></row>`), Options{}, "1048577: the sheet has rows past Excel's last row, 1048576"},
		{"row-order", sheetWith(`<row r="2"><c><v>1</v></c></row>`), Options{}, `the sheet is damaged (row number "2" after row 3)`},
		{"long-cell", sheetWith(`<row>` + inline(tabulartest.RandomText(1001)) + `</row>`), short, "4: column 1: the workbook holds a text longer than 1000 bytes"},
		// Longer than encoding/xml is let to gather in one token.
		{"long-shared-string", bookWith(tabulartest.Part{Name: "xl/sharedStrings.xml", Data: tabulartest.SharedStringsXML([]string{tabulartest.RandomText(20_000)})}),
			short, "the workbook holds a text longer than 1000 bytes"},
		{"long-row", sheetWith(`<row r="5">` + strings.Repeat(inline(tabulartest.RandomText(400)), 3) + `</row>`), short, "5: record is longer than 1000 bytes"},
		{"deep", sheetWith(`<row><c t="inlineStr"><is>` + deep + `</is></c></row>`), Options{}, "elements are nested too deeply"},
		{"styles", tabulartest.Zip(tabulartest.Workbook{Rows: rows, Shared: shared, Styles: xfs.String()}.Parts()), Options{}, "more than 64000 cell formats"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := readToError(t, writeFile(t, tc.name+".xlsx", tc.book), tc.opt)
			if err == io.EOF || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Fatalf("after %d rows: %v\nwant %q", rows, err, tc.want)
			}
			assertError(t, err)
			var e *Error
			if errors.As(err, &e) && !e.Fatal() {
				t.Errorf("not fatal: %v", err)
			}
		})
	}
	_, err := Open("huge.xlsx", hugeInput{t}, Options{})
	if want := "huge.xlsx: the file is larger than 256 MiB, far more than any report; check that the right file was chosen, or split it"; fmt.Sprint(err) != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	if _, err := Open("huge.csv", hugeInput{t}, Options{}); !strings.Contains(fmt.Sprint(err), "larger than 2048 MiB") {
		t.Errorf("huge CSV: %v", err)
	}
}

// The shared string table is bounded in count and in bytes.
func TestSharedStringLimits(t *testing.T) {
	part := func(items ...string) *xmlPart {
		b := bookWith(tabulartest.Part{Name: "xl/sharedStrings.xml", Data: tabulartest.SharedStringsXML(items)})
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(zr.File, func(f *zip.File) bool { return f.Name == "xl/sharedStrings.xml" })
		p, err := openPart(zr.File[i], 8<<20)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.close() })
		return p
	}
	if got, err := readShared("s.xlsx", part("a", "b<r/>", "c"), 100, 3, 10); err != nil || len(got) != 3 {
		t.Errorf("within the limits: %q, %v", got, err)
	}
	if _, err := readShared("s.xlsx", part("a", "b", "c", "d"), 100, 3, 10); !strings.Contains(fmt.Sprint(err), "more than 3 different texts") {
		t.Errorf("count: %v", err)
	}
	if _, err := readShared("s.xlsx", part(strings.Repeat("a", 1<<20), "b"), 2<<20, 3, 1<<20); !strings.Contains(fmt.Sprint(err), "more than 1 MiB of text") {
		t.Errorf("bytes: %v", err)
	}
}
