package data_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"danvan/data"
	"danvan/data/internal/datagen"
	"danvan/data/period"
)

// benchValues is how many values the benchmark database holds: by default the
// national scale of the charts issue (all 10,035 pre-reform communes, 10 indicators,
// 60 months: about 6 million); DANVAN_BENCH_VALUES changes it.
func benchValues() int {
	if n, err := strconv.Atoi(os.Getenv("DANVAN_BENCH_VALUES")); err == nil && n > 0 {
		return n
	}
	return 6_021_000
}

// TestMain removes the benchmark database, 700 MB at national scale, when the
// test binary ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if national.path != "" {
		os.RemoveAll(filepath.Dir(national.path))
	}
	os.Exit(code)
}

var national struct {
	once sync.Once
	path string
	err  error
}

// nationalDB builds the benchmark database once per test binary.
func nationalDB(b *testing.B) string {
	b.Helper()
	national.once.Do(func() {
		dir, err := os.MkdirTemp("", "danvan-bench-")
		if err != nil {
			national.err = err
			return
		}
		national.path = filepath.Join(dir, "national.db")
		start := time.Now()
		national.err = datagen.National(context.Background(), national.path, benchValues(), true)
		b.Logf("built %d values in %s", benchValues(), time.Since(start).Round(time.Millisecond))
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	return national.path
}

// BenchmarkOpen measures opening a large database for writing. Open runs SQLite's
// quick check, which reads every page: about 3.5 s warm and 11 s cold at national
// scale (580 MB), the price of not piling an import onto a damaged file. Reading
// (OpenReadOnly) does no work that grows with the number of values.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	path := nationalDB(b)
	for b.Loop() {
		s, err := data.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(benchValues()), "values")
}

// BenchmarkAggregate measures the queries behind each chart at national scale.
func BenchmarkAggregate(b *testing.B) {
	ctx := context.Background()
	s, err := data.Open(ctx, nationalDB(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	in, _ := s.IndicatorByCode(ctx, "TT_DOT")
	models, _ := s.IndicatorByCode(ctx, "MO_HINH")
	lang, _ := s.LocalityByCode(ctx, "20", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	from, to := period.MustParse("2020"), period.MustParse("2024")
	run := func(name string, fn func() error) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("progress/country/by-quarter", func() error {
		_, err := s.Progress(ctx, data.Scope{}, in.ID, from, to, period.Quarter)
		return err
	})
	run("progress/province/by-month", func() error {
		_, err := s.Progress(ctx, data.Scope{LocalityID: lang.ID}, in.ID, from, to, period.Month)
		return err
	})
	run("progress-last/province/by-year", func() error {
		_, err := s.Progress(ctx, data.Scope{LocalityID: lang.ID}, models.ID, from, to, period.Year)
		return err
	})
	prog, _ := s.ProgramByCode(ctx, datagen.Program)
	run("breakdown/country/quarter", func() error {
		_, _, err := s.ByIndicator(ctx, data.Scope{ProgramID: prog.ID}, period.MustParse("2024Q4"))
		return err
	})
	run("ranking/provinces/year", func() error {
		_, _, err := s.ByChild(ctx, data.Scope{}, in.ID, period.MustParse("2023"))
		return err
	})
}

// BenchmarkEntryGridNational measures what the data entry screen loads for one
// program, unit and period at national scale: the localities of the grid, their
// targets and the values already reported (target: under 100 ms together).
func BenchmarkEntryGridNational(b *testing.B) {
	ctx := context.Background()
	s, err := data.Open(ctx, nationalDB(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	prog, err := s.ProgramByCode(ctx, datagen.Program)
	if err != nil {
		b.Fatal(err)
	}
	unit, err := s.UnitByCode(ctx, "BQP")
	if err != nil {
		b.Fatal(err)
	}
	q := period.MustParse("2024Q4")
	var rows, cells int
	for b.Loop() {
		g, err := s.EntryGrid(ctx, prog.ID, unit.ID, q)
		if err != nil {
			b.Fatal(err)
		}
		rows, cells = len(g.Localities), len(g.Targets)+len(g.Values)
	}
	if rows < 10_000 || cells < 100_000 {
		b.Fatalf("grid has %d localities, want every commune", rows)
	}
	b.ReportMetric(float64(rows), "localities")
	b.ReportMetric(float64(cells), "cells")
}
