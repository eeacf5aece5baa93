package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"danvan/data"
	"danvan/data/period"
	"danvan/data/tabular/tabulartest"
)

// Every hostile workbook, and every name that is not a regular file, is refused by
// the real binary, in a real import (of the valid rows too) and in a dry run: exit 1 (3 for what is not a
// file), nothing written, no temporary file left, within a few seconds and in
// bounded memory.
func TestHostileFilesRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds danvanctl and runs it 40 times")
	}
	bin := buildCtl(t, t.TempDir())
	db := demoDB(t)
	files := t.TempDir()
	table := importableTable(t, db)
	books, err := tabulartest.WriteHostile(files, table)
	if err != nil {
		t.Fatal(err)
	}
	rows, shared := tabulartest.Table(table, "")
	good := filepath.Join(files, "good.xlsx")
	if err := os.WriteFile(good, tabulartest.Zip(tabulartest.Workbook{Rows: rows, Shared: shared}.Parts()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The rows around the damage would import (their figures, all 1, break the demo's
	// quality rules on purpose: warnings accepted, it is the reading that is tested).
	if code, out, stderr := runCtl(t, bin, db, "import", "--dry-run", "--accept-warnings", good); code != exitOK ||
		!strings.Contains(out, fmt.Sprintf("would import (dry run, nothing written): %d rows: %d new", len(table)-1, len(table)-1)) {
		t.Fatalf("the undamaged workbook: exit %d\n%s%s", code, out, stderr)
	}
	for _, s := range []struct{ name, make string }{{"fifo", "fifo"}, {"zero", "/dev/zero"}, {"folder", "dir"}} {
		p := filepath.Join(files, s.name+".xlsx")
		switch s.make {
		case "fifo":
			err = syscall.Mkfifo(p, 0o600)
		case "dir":
			err = os.Mkdir(p, 0o755)
		default:
			err = os.Symlink(s.make, p)
		}
		if err != nil {
			t.Fatal(err)
		}
		books = append(books, tabulartest.Hostile{Name: s.name, Path: p, Want: "not a regular file"})
	}

	before := storeDigest(t, db)
	for _, b := range books {
		want := exitRejected
		if b.Want == "not a regular file" {
			want = exitIO
		}
		// Damage refuses even the valid rows; a control character is one cell's problem.
		modes := []string{"--dry-run", "", "--valid-only"}
		if b.Name == "nul" {
			modes = modes[:2]
		}
		for _, mode := range modes {
			tmp := t.TempDir()
			start := time.Now()
			cmd := exec.Command(bin, strings.Fields("--db "+db+" import "+mode+" "+b.Path)...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			out, _ := cmd.CombinedOutput()
			took := time.Since(start)
			code := cmd.ProcessState.ExitCode()
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10 // MiB; Linux counts KiB
			t.Logf("%-13s %-12s exit %d in %4d ms, peak RSS %3d MiB", b.Name, mode, code, took.Milliseconds(), rss)
			if code != want || !strings.Contains(string(out), b.Want) {
				t.Errorf("%s %s: exit %d, want %d saying %q:\n%s", b.Name, mode, code, want, b.Want, out)
			}
			if took > 5*time.Second {
				t.Errorf("%s %s: refused after %v", b.Name, mode, took)
			}
			if rss > 512 {
				t.Errorf("%s %s: peak RSS %d MiB", b.Name, mode, rss)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("%s %s: left in TMPDIR: %v", b.Name, mode, left)
			}
		}
	}
	if after := storeDigest(t, db); after != before {
		t.Error("the hostile files changed the database")
	}
}

func runCtl(t *testing.T, bin, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	cmd := exec.Command(bin, append([]string{"--db", db}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// importableTable is 1,000 rows of monthly values for 2022 the demo does not hold.
func importableTable(t *testing.T, db string) [][]string {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	communes, err := s.LocalitiesAt(ctx, time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	table := [][]string{{"Mã địa bàn", "Mã chỉ tiêu", "Kỳ", "Đơn vị", "Giá trị"}}
	for _, m := range period.Range(period.MustParse("202201"), period.MustParse("202212"), period.Month) {
		for _, l := range communes {
			for _, in := range inds {
				if l.Level == "commune" && len(table) <= 1000 {
					table = append(table, []string{l.Code, in.Code, m.ID(), "E123", fmt.Sprint(len(table) % 7)})
				}
			}
		}
	}
	return table
}

// storeDigest sums up every value and batch in the database.
func storeDigest(t *testing.T, db string) string {
	t.Helper()
	ctx := context.Background()
	s, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	values, err := s.Values(ctx, data.ValueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	batches, err := s.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(fmt.Appendf(nil, "%v %v", values, batches)))
}
