package briefing

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"danvan/charts"
	"danvan/data"
	"danvan/data/internal/datagen"
	"danvan/data/period"
)

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

// nationalStore opens (building it once) a database at the charts issue's scale:
// every pre-reform commune, 10 indicators, 60 months, about 6 million values
// (DANVAN_BENCH_VALUES changes the count).
func nationalStore(b *testing.B) *data.Store {
	b.Helper()
	national.once.Do(func() {
		n := 6_021_000
		if v, err := strconv.Atoi(os.Getenv("DANVAN_BENCH_VALUES")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.MkdirTemp("", "danvan-bench-")
		if err != nil {
			national.err = err
			return
		}
		national.path = filepath.Join(dir, "national.db")
		national.err = datagen.National(context.Background(), national.path, n, true)
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	s, err := data.Open(context.Background(), national.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkChart measures query-to-PNG for each chart kind over the whole country.
// Target: under 100 ms each on a 2-core machine.
func BenchmarkChart(b *testing.B) {
	s := nationalStore(b)
	now := time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC)
	for _, k := range Kinds {
		b.Run(string(k), func(b *testing.B) {
			req := Request{Kind: k, Program: datagen.Program, Indicator: "TT_DOT", From: period.MustParse("2024Q1"), To: period.MustParse("2024Q4"), Now: now, GraceDays: 15}
			for b.Loop() {
				built, err := Build(context.Background(), s, req)
				if err != nil {
					b.Fatal(err)
				}
				if err := built.Chart.Render(io.Discard, charts.PNG, charts.Options{Width: 1280, Height: 720}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPack measures a 10-chart briefing pack for the whole country, from the
// queries to the PDF. Target: under 2 s.
func BenchmarkPack(b *testing.B) {
	s := nationalStore(b)
	now := time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		pack, err := Pack(context.Background(), s, PackRequest{Program: datagen.Program, Period: period.MustParse("2024Q4"), Now: now, GraceDays: 15})
		if err != nil {
			b.Fatal(err)
		}
		if err := charts.WriteBriefing(context.Background(), io.Discard, pack, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChartProcess times a whole `danvanctl chart` process on the national
// database: start, open, query, render, write. What a script or a colleague's
// terminal sees.
func BenchmarkChartProcess(b *testing.B) {
	s := nationalStore(b)
	s.Close()
	bin := filepath.Join(b.TempDir(), "danvanctl")
	build := exec.Command("go", "build", "-o", bin, "danvan/cmd/danvanctl")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build danvanctl: %v\n%s", err, out)
	}
	out := filepath.Join(b.TempDir(), "chart.png")
	for _, k := range Kinds {
		b.Run(string(k), func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(bin, "--db", national.path, "chart", "--kind", string(k), "--program", datagen.Program,
					"--indicator", "TT_DOT", "--from", "2024Q1", "--to", "2024Q4", "-o", out)
				if msg, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, msg)
				}
			}
		})
	}
}
