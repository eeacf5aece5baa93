package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"danvan/data"
	"danvan/internal/testdb"
)

// exportOf is the demo database's full export: what must survive a refused write.
func exportOf(t *testing.T, db string) string {
	t.Helper()
	code, out, stderr := ctl(t, "--db", db, "export")
	if code != exitOK {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	return out
}

func TestNoCommandWritesOverTheDatabase(t *testing.T) {
	db := demoDB(t)
	want := exportOf(t, db)
	dir := t.TempDir()
	symlink := filepath.Join(dir, "link.png")
	if err := os.Symlink(db, symlink); err != nil {
		t.Fatal(err)
	}
	hardlink := filepath.Join(dir, "hard.pdf")
	if err := os.Link(db, hardlink); err != nil {
		t.Fatal(err)
	}
	walLink := filepath.Join(dir, "wal.csv")
	if err := os.Symlink(db+"-wal", walLink); err != nil {
		t.Fatal(err)
	}
	tpl := []string{"template", "--program", "CTPH-2026", "--period", "2026Q4", "--unit", "BCHQS-CL", "-o"}
	for _, c := range []struct {
		args []string
		file string
	}{
		{[]string{"export", "-o", db}, db},
		{[]string{"export", "--wide", "-o", db + "-wal"}, db + "-wal"},
		{[]string{"export", "-o", db + "-shm"}, db + "-shm"},
		{[]string{"export", "-o", db + "-journal"}, db + "-journal"},
		{[]string{"export", "-o", walLink}, walLink},
		{[]string{"export", "-o", os.DevNull}, os.DevNull},
		{[]string{"export", "-o", dir}, dir},
		{append(tpl, db), db},
		{[]string{"chart", "--program", "CTPH-2026", "-o", symlink}, symlink},
		{[]string{"report", "--program", "CTPH-2026", "--period", "2026Q2", "-o", hardlink}, hardlink},
		{[]string{"backup", "-o", db}, db},
		{[]string{"backup", "-o", db + "-journal"}, db + "-journal"},
	} {
		code, out, stderr := ctl(t, append([]string{"--db", db}, c.args...)...)
		if code != exitIO || !strings.Contains(stderr, c.file) || strings.Count(stderr, "\n") != 1 || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 3 and one line naming %s", c.args, code, out, stderr, c.file)
		}
		if got := exportOf(t, db); got != want {
			t.Fatalf("%v changed the database", c.args)
		}
	}
	if _, err := os.Stat(db + "-journal"); err == nil {
		t.Errorf("a file was written under the database's journal name")
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s was replaced by a file", os.DevNull)
	}
	if code, _, stderr := ctl(t, "--db", db, "check"); code != exitOK {
		t.Errorf("check after the refused writes: exit %d: %s", code, stderr)
	}
}

func TestOnlyInitAndDemoCreateADatabase(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "danvan.db")
	csv := writeTemp(t, "in.csv", goodFile)
	for _, args := range [][]string{
		{"export"},
		{"export", "-o", filepath.Join(dir, "e.csv")},
		{"check"},
		{"list", "programs"},
		{"batches"},
		{"undo", "1"},
		{"import", "--unit", "E123", csv},
		{"backup", "-o", filepath.Join(dir, "b.db")},
		{"template", "--program", "P", "--period", "2026Q4", "-o", filepath.Join(dir, "t.csv")},
		{"chart", "--program", "P", "-o", filepath.Join(dir, "c.png")},
		{"report", "--program", "P", "--period", "2026Q4", "-o", filepath.Join(dir, "r.pdf")},
		{"localities", "load", "--valid-from", "2020-01-01", "--official", "2025-06-30", "--only", "20"},
	} {
		code, _, stderr := ctl(t, append([]string{"--db", missing}, args...)...)
		want := "danvanctl: no database at " + missing + "; create one with danvanctl init, or give --db\n"
		if code != exitIO || stderr != want {
			t.Errorf("%v: exit %d, stderr %q; want exit 3, %q", args, code, stderr, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "no")); err == nil {
			t.Fatalf("%v created folders for a database", args)
		}
	}
	if code, _, stderr := ctl(t, "--db", missing, "init"); code != exitOK {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	if code, out, _ := ctl(t, "--db", missing, "check"); code != exitOK || !strings.Contains(out, "ok") {
		t.Errorf("check after init: exit %d: %s", code, out)
	}
}

func TestDatabaseErrorsExitThree(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("garbage!"), 1000), 0o644)
	foreign := filepath.Join(dir, "foreign.db")
	fdb, err := sql.Open("sqlite3", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.Exec("CREATE TABLE notes(x TEXT)"); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	newer := demoDB(t)
	ndb, err := sql.Open("sqlite3", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ndb.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	ndb.Close()
	for _, c := range []struct {
		db, msg string
	}{{garbage, "damaged"}, {foreign, "not a danvan database"}, {newer, "newer version"}} {
		for _, args := range [][]string{{"check"}, {"list", "programs"}, {"import", "--unit", "E123", writeTemp(t, "in.csv", goodFile)}, {"demo"}} {
			code, _, stderr := ctl(t, append([]string{"--db", c.db}, args...)...)
			if code != exitIO || !strings.Contains(stderr, c.msg) {
				t.Errorf("%s %v: exit %d, stderr %q; want exit 3 mentioning %q", filepath.Base(c.db), args, code, stderr, c.msg)
			}
		}
	}
}

func TestDamagedDatabase(t *testing.T) {
	db := demoDB(t)
	testdb.DamagePage(t, db, "value")
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := ctl(t, "--db", db, "check")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitIO || len(lines) < 2 || !strings.Contains(out, "Extends off end of page") || !strings.Contains(stderr, "problem(s) found") {
		t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 3 and the problems one per line", code, out, stderr)
	}
	code, _, stderr = ctl(t, "--db", db, "import", "--unit", "E123", writeTemp(t, "in.csv", goodFile))
	if code != exitIO || !strings.Contains(stderr, "damaged") || !strings.Contains(stderr, "Extends off end of page") {
		t.Errorf("import into a damaged database: exit %d, stderr %q; want exit 3 quoting the damage", code, stderr)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the damaged database was written to")
	}
}

func TestBackupRefusesAURI(t *testing.T) {
	db := demoDB(t)
	t.Chdir(t.TempDir())
	code, out, stderr := ctl(t, "--db", db, "backup", "-o", "file:x?mode=memory")
	if code != exitIO || out != "" || !strings.Contains(stderr, "URI") {
		t.Errorf("backup to a URI: exit %d, stdout %q, stderr %q; want exit 3 saying why", code, out, stderr)
	}
	if code, out, stderr := ctl(t, "--db", db, "backup", "-o", "./file:x"); code != exitOK || !strings.Contains(out, "backup written") {
		t.Fatalf("backup to ./file:x: exit %d: %s", code, stderr)
	}
	if code, out, _ := ctl(t, "--db", "file:x", "check"); code != exitOK || !strings.Contains(out, "ok") {
		t.Errorf("the backup written to ./file:x does not check out: %s", out)
	}
}

func TestBatchesKeepsOneLinePerBatch(t *testing.T) {
	db := demoDB(t)
	name := "báo cáo\nquý 3\t\x1b[31m.csv"
	file := writeTemp(t, name, goodFile)
	if code, _, stderr := ctl(t, "--db", db, "import", "--unit", "E123", file); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	code, out, stderr := ctl(t, "--db", db, "batches")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != exitOK || len(lines) != 2 || !strings.Contains(lines[1], `"báo cáo\nquý 3\t\x1b[31m.csv"`) {
		t.Fatalf("batches: exit %d, %s\n%s; want the header and one line quoting the name", code, stderr, out)
	}
	s, err := data.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if bs, err := s.Batches(context.Background()); err != nil || len(bs) != 1 || bs[0].FileName != name {
		t.Errorf("stored batches %+v, %v; want the file name as it was", bs, err)
	}
}
