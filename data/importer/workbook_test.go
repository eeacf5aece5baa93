package importer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danvan/data"
	"danvan/data/tabular"
	"danvan/data/tabular/tabulartest"
)

// damagedWorkbook has six good rows around a seventh that cannot be read.
func damagedWorkbook(t *testing.T) string {
	t.Helper()
	table := [][]string{{"Mã địa bàn", "Mã chỉ tiêu", "Kỳ", "Giá trị"}}
	for _, p := range []string{"2024Q1", "2024Q2", "2024Q3"} {
		for _, in := range []string{"TT_DOT", "DUONG_KM"} {
			table = append(table, []string{"06484", in, p, "3"})
		}
	}
	table = append(table, []string{"06496", "TT_DOT", "2024Q3", "1"})
	rows, shared := tabulartest.Table(table, `<c r="{{ref}}" t="inlineStr"><is><t>&foo;</t></is></c>`)
	path := filepath.Join(t.TempDir(), "hong.xlsx")
	if err := os.WriteFile(path, tabulartest.Zip(tabulartest.Workbook{Rows: rows, Shared: shared}.Parts()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A workbook that cannot be read to its end writes nothing, not even its valid
// rows when only those are asked for: the rows after the damage are missing.
func TestDamagedWorkbookWritesNothing(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	f, err := tabular.OpenFile(damagedWorkbook(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Import(ctx, s, "hong.xlsx", f, Options{UnitCode: "BCHQS-CL", ValidOnly: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Refused || res.BatchID != 0 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "the sheet is damaged") {
		t.Fatalf("%+v", res)
	}
	if bs, err := s.Batches(ctx); err != nil || len(bs) != 0 {
		t.Fatalf("batches %v, %v", bs, err)
	}
}

// A workbook is verified before the import takes the write lock, so a damaged one
// is refused while another import holds it.
func TestWorkbookCheckedBeforeWriteLock(t *testing.T) {
	s := demoStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	other, err := s.BeginBatch(ctx, data.Batch{FileName: "other.csv", ImportedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	book := tabulartest.Zip(append(tabulartest.Workbook{}.Parts(), tabulartest.Part{Name: "xl/media/junk.bin", Data: strings.Repeat("\x00", 2<<20)}))
	res, err := Import(ctx, s, "bomb.xlsx", bytes.NewReader(book), Options{UnitCode: "BCHQS-CL", Now: now})
	if err != nil || !res.Refused || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "packed more than 100 to 1") {
		t.Fatalf("%+v, %v", res, err)
	}
}
