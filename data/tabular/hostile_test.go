package tabular

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
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
