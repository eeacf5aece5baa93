package data

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"danvan/data/period"
)

// openTemp opens a fresh database file in the test's temporary folder.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "danvan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func demoStore(t testing.TB) *Store {
	t.Helper()
	s := openTemp(t)
	if err := s.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDemoLoadsAndIsDeterministic(t *testing.T) {
	ctx := context.Background()
	a, b := demoStore(t), demoStore(t)
	dump := func(s *Store) []ValueRow {
		rows, err := s.Values(ctx, ValueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	va, vb := dump(a), dump(b)
	if len(va) < 1000 {
		t.Fatalf("demo has %d values, want a realistic amount", len(va))
	}
	if len(va) != len(vb) {
		t.Fatalf("two demo runs differ in size: %d vs %d", len(va), len(vb))
	}
	for i := range va {
		if va[i].Value != vb[i].Value || va[i].LocalityCode != vb[i].LocalityCode || va[i].Period != vb[i].Period {
			t.Fatalf("two demo runs differ at row %d: %+v vs %+v", i, va[i], vb[i])
		}
	}
	if err := a.LoadDemo(ctx); err == nil {
		t.Fatal("demo loaded twice into one database")
	}
	// Magnitudes for Lạng Sơn over 2022-2024, as our sources report them.
	ls, err := a.LocalityByCode(ctx, "20", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := a.ProgramByCode(ctx, "CTPH-2021-2025")
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string][2]float64{"TT_DOT": {120, 400}, "DUONG_KM": {4, 20}, "QUA_VND": {3000, 9000}, "NHA_TN": {1, 12}} {
		in, err := a.IndicatorByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		ser, err := a.Progress(ctx, Scope{ProgramID: prog.ID, LocalityID: ls.ID}, in.ID, period.MustParse("2022"), period.MustParse("2024"), period.Year)
		if err != nil {
			t.Fatal(err)
		}
		var total float64
		for _, r := range ser.Rows {
			total += r.Actual
		}
		if total < want[0] || total > want[1] {
			t.Errorf("Lạng Sơn %s 2022-2024 = %.2f, want between %v and %v", code, total, want[0], want[1])
		}
	}
}
