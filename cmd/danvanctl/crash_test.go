package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"danvan/data"
	"danvan/data/period"
)

// TestImportSurvivesKill kills `danvanctl import` at random points, 20 times: the
// database must pass the integrity check every time and hold the whole batch or none
// of it.
func TestImportSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds danvanctl and imports 20 times")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildCtl(t)
	base := filepath.Join(dir, "base.db")
	if code, _, stderr := ctl(t, "--db", base, "demo"); code != exitOK {
		t.Fatal(stderr)
	}
	s, err := data.Open(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Values(ctx, data.ValueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	communes, err := s.LocalitiesAt(ctx, time.Date(2022, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Monthly figures for 2022: keys the demo (quarterly) does not have.
	file := filepath.Join(dir, "big.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "locality,indicator,period,unit,value")
	rows := 0
	for _, unit := range []string{"E123", "BCHQS-CL"} {
		for _, m := range period.Range(period.MustParse("202201"), period.MustParse("202212"), period.Month) {
			for _, l := range communes {
				if l.Level != "commune" {
					continue
				}
				for _, in := range inds {
					fmt.Fprintf(w, "%s,%s,%s,%s,%d\n", l.Code, in.Code, m.ID(), unit, rows%7)
					rows++
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	rng := rand.New(rand.NewPCG(7, 11))
	outcomes := map[string]int{}
	for i := range 20 {
		db := filepath.Join(dir, fmt.Sprintf("run-%d.db", i))
		raw, err := os.ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--db", db, "import", file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(2500)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		s, err := data.Open(ctx, db)
		if err != nil {
			t.Fatalf("run %d: the killed import left a database that does not open: %v", i, err)
		}
		problems, err := s.Check(ctx)
		if err != nil || len(problems) > 0 {
			t.Fatalf("run %d: integrity: %v %v", i, problems, err)
		}
		batches, err := s.Batches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		after, err := s.Values(ctx, data.ValueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		switch {
		case len(batches) == 0 && len(after) == len(before):
			outcomes["none"]++
		case len(batches) == 1 && len(after) == len(before)+rows:
			outcomes["whole"]++
		default:
			t.Fatalf("run %d: %d batches and %d values (before %d, file %d rows): half a batch", i, len(batches), len(after), len(before), rows)
		}
		os.Remove(db)
	}
	t.Logf("%d rows per import; outcomes over 20 kills: %v", rows, outcomes)
}
