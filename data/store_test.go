package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"danvan/data/period"
)

func TestOpenRefusesForeignFilesUntouched(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	foreign := filepath.Join(dir, "other.sqlite")
	db, err := sql.Open("sqlite3", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('mine')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 300), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]error{foreign: ErrNotDanvan, garbage: ErrCorrupt} {
		before, _ := os.ReadFile(file)
		_, err := Open(ctx, file)
		if !errors.Is(err, want) {
			t.Errorf("Open(%s) = %v, want %v", filepath.Base(file), err, want)
		}
		after, _ := os.ReadFile(file)
		if !bytes.Equal(before, after) {
			t.Errorf("Open(%s) modified the file it refused", filepath.Base(file))
		}
		if _, err := os.Stat(file + "-wal"); err == nil {
			t.Errorf("Open(%s) left a WAL file beside it", filepath.Base(file))
		}
	}
}

func TestOpenRefusesNewerVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "danvan.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.rw.Exec(fmt.Sprintf("PRAGMA user_version = %d", len(migrationNames())+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("Open = %v, want ErrNewerVersion", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "danvan.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveIndicator(ctx, Indicator{Code: "TT_DOT", Name: "Số đợt tuyên truyền", Unit: "đợt", Rollup: Sum}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in, err := s.IndicatorByCode(ctx, "TT_DOT")
	if err != nil || in.Name != "Số đợt tuyên truyền" {
		t.Fatalf("after reopen: %+v, %v", in, err)
	}
	problems, err := s.Check(ctx)
	if err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// The GUI and danvanctl may write the same file at once; neither may fail with
// "database is locked".
func TestTwoProcessesWriteAtOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "danvan.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	u, _ := a.SaveUnit(ctx, Unit{Code: "U", Name: "Đơn vị"})
	in, _ := a.SaveIndicator(ctx, Indicator{Code: "X", Name: "X", Unit: "x", Rollup: Sum})
	loc := openLocality(t, a)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i, s := range []*Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := 1; m <= 10; m++ {
				vals := make([]Value, 200)
				for j := range vals {
					vals[j] = Value{IndicatorID: in.ID, LocalityID: loc, UnitID: u.ID, Period: period.Period{Type: period.Month, Year: 2000 + i*50 + j%50, Index: m}, Value: float64(j)}
				}
				if _, err := s.SetValues(ctx, vals, Source{Kind: "entry"}); err != nil {
					errs <- err
				}
				if _, err := s.Values(ctx, ValueFilter{Limit: 10}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func openLocality(t *testing.T, s *Store) int64 {
	t.Helper()
	loadListText(t, s, "2020-01-01", "code,name,level,parent_code\n20,Tỉnh Lạng Sơn,province,\n")
	l, err := s.LocalityByCode(context.Background(), "20", date("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	return l.ID
}

func TestBackupIsACompleteDatabase(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	b, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	orig, _ := s.Values(ctx, ValueFilter{})
	copied, _ := b.Values(ctx, ValueFilter{})
	if len(orig) == 0 || len(orig) != len(copied) {
		t.Fatalf("backup holds %d values, original %d", len(copied), len(orig))
	}
}

func TestLocalityListErrorsAreLocated(t *testing.T) {
	for csv, want := range map[string]string{
		"":            "file is empty",
		"code,name\n": "header lacks column level",
		"code,name,level,parent_code\n01,,province,\n":                  "list.csv:2: column \"name\"",
		"code,name,level,parent_code\n01,A,province,\n01,B,province,\n": "code 01 appears again",
		"code,name,level,parent_code\n001,A,district,09\n":              "parent_code 09",
	} {
		entries, err := ReadLocalityList("list.csv", strings.NewReader(csv))
		if err == nil {
			_, err = openTemp(t).LoadLocalityList(context.Background(), date("2020-01-01"), entries, LoadOptions{})
		}
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Errorf("list %q: error %v, want it to mention %q", csv, err, want)
		}
	}
}

func TestLoadingListsOutOfOrderIsRefused(t *testing.T) {
	s := openTemp(t)
	loadListText(t, s, "2025-07-01", "code,name,level,parent_code\n20,Tỉnh Lạng Sơn,province,\n")
	entries, _ := ReadLocalityList("old.csv", strings.NewReader("code,name,level,parent_code\n20,Tỉnh Lạng Sơn,province,\n"))
	if _, err := s.LoadLocalityList(context.Background(), date("2020-01-01"), entries, LoadOptions{}); err == nil {
		t.Fatal("an older list loaded over a newer one")
	}
}
