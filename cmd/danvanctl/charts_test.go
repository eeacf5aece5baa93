package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"danvan/charts"
	"danvan/data"
	"danvan/data/briefing"
)

// TestChartCSVIsItsTable writes every kind of chart as CSV and compares the
// rows with the chart's table built from the database: same header and rows,
// figures as numbers Excel reads, a BOM for the diacritics.
func TestChartCSVIsItsTable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, stderr := ctl(t, "--db", db, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	for _, k := range briefing.Kinds {
		out := filepath.Join(dir, string(k)+".csv")
		if code, _, stderr := ctl(t, "--db", db, "chart", "--kind", string(k), "--program", "CTPH-2026", "--locality", "20", "-o", out); code != exitOK {
			t.Fatalf("%s: exit %d: %s", k, code, stderr)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
			t.Errorf("%s: no BOM", k)
		}
		got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: not CSV: %v", k, err)
		}
		want := builtTable(t, db, briefing.Request{Kind: k, Program: "CTPH-2026", Locality: "20", Lang: "vi", GraceDays: 15})
		if !slices.Equal(got[0], want.Header) || len(got)-1 != len(want.Rows) {
			t.Fatalf("%s: header %q and %d rows; the table has %q and %d", k, got[0], len(got)-1, want.Header, len(want.Rows))
		}
		numbers := 0
		for i, row := range want.Rows {
			for j, cell := range row {
				g := got[i+1][j]
				if v, ok := charts.ParseNumber(cell, "vi"); ok {
					numbers++
					if f, err := strconv.ParseFloat(g, 64); err != nil || f != v {
						t.Errorf("%s row %d col %d: %q, want the number %v (printed %q)", k, i, j, g, v, cell)
					}
				} else if g != data.GuardFormula(cell) {
					t.Errorf("%s row %d col %d: %q, want %q", k, i, j, g, cell)
				}
			}
		}
		if k != briefing.Completeness && numbers == 0 {
			t.Errorf("%s: no figure written as a number", k)
		}
	}
}

func builtTable(t *testing.T, db string, r briefing.Request) charts.Table {
	t.Helper()
	s, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := briefing.Build(context.Background(), s, r)
	if err != nil {
		t.Fatal(err)
	}
	return b.Table
}
