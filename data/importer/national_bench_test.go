//go:build linux

package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"danvan/data"
	"danvan/data/internal/datagen"
	"danvan/data/period"
)

// BenchmarkImportNational imports long CSV files over the national commune list with
// a whole `danvanctl import` process, beside the sqlite3 shell's .import of the same
// file into a plain table, and reports rows/s, their ratio (target: at least 0.5)
// and the import's peak memory, which must stay flat as the file grows.
func BenchmarkImportNational(b *testing.B) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3); it is the yardstick")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "danvanctl")
	if out, err := exec.Command("go", "build", "-o", bin, "danvan/cmd/danvanctl").CombinedOutput(); err != nil {
		b.Fatalf("build danvanctl: %v\n%s", err, out)
	}
	base := filepath.Join(dir, "national.db")
	if err := datagen.National(context.Background(), base, 0, false); err != nil {
		b.Fatal(err)
	}
	s, err := data.Open(context.Background(), base)
	if err != nil {
		b.Fatal(err)
	}
	communes, err := s.LocalitiesAt(context.Background(), time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	var codes []string
	for _, l := range communes {
		if l.Level == "commune" {
			codes = append(codes, l.Code)
		}
	}
	for _, rows := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			file := filepath.Join(dir, fmt.Sprintf("national-%d.csv", rows))
			writeNationalCSV(b, file, codes, rows)
			var ours, theirs time.Duration
			var rss int64
			for i := 0; b.Loop(); i++ {
				db := filepath.Join(dir, fmt.Sprintf("import-%d-%d.db", rows, i))
				copyFile(b, base, db)
				start := time.Now()
				cmd := exec.Command(bin, "--db", db, "import", file)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("danvanctl import: %v\n%s", err, out)
				}
				ours += time.Since(start)
				rss = max(rss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
				plain := filepath.Join(dir, fmt.Sprintf("plain-%d-%d.db", rows, i))
				start = time.Now()
				if out, err := exec.Command(shell, plain, ".mode csv", ".import "+file+" t").CombinedOutput(); err != nil {
					b.Fatalf("sqlite3 .import: %v\n%s", err, out)
				}
				theirs += time.Since(start)
				os.Remove(db)
				os.Remove(plain)
			}
			n := float64(b.N * rows)
			b.ReportMetric(n/ours.Seconds(), "rows/s")
			b.ReportMetric(n/theirs.Seconds(), "sqlite3-rows/s")
			b.ReportMetric(theirs.Seconds()/ours.Seconds(), "ratio")
			b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		})
	}
}

// writeNationalCSV writes rows values spread over every commune, the ten
// indicators and the months of 2020-2024, for one reporting unit.
func writeNationalCSV(b *testing.B, name string, codes []string, rows int) {
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "locality,indicator,period,unit,value")
	months := period.Range(period.MustParse("202001"), period.MustParse("202412"), period.Month)
	n := 0
	for _, m := range months {
		for _, c := range codes {
			for _, ind := range datagen.Indicators {
				if n == rows {
					break
				}
				fmt.Fprintf(w, "%s,%s,%s,BQP,%d\n", c, ind, m.ID(), n%17)
				n++
			}
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

func copyFile(b *testing.B, from, to string) {
	raw, err := os.ReadFile(from)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		b.Fatal(err)
	}
}
