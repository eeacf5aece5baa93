package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ctl runs danvanctl in-process and returns its exit status, stdout and stderr.
func ctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// buildCtl builds the real danvanctl binary into dir, for tests that kill it,
// measure it or run it as another user.
func buildCtl(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "danvanctl")
	if out, err := exec.Command("go", "build", "-o", bin, "danvan/cmd/danvanctl").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func TestDemoAndListsAsCSV(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := ctl(t, "--db", db, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	headers := map[string]string{
		"localities": "code,name,level,parent_code,valid_from,valid_to",
		"indicators": "code,name,unit,rollup,decimals",
		"units":      "code,name,parent_code,locality_code",
		"programs":   "code,title,start,end,period_type",
	}
	for kind, header := range headers {
		code, out, stderr := ctl(t, "--db", db, "list", kind, "--csv", "--at", "2024-06-30")
		if code != exitOK {
			t.Fatalf("list %s: exit %d: %s", kind, code, stderr)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("list %s: not CSV: %v", kind, err)
		}
		if strings.Join(rows[0], ",") != header || len(rows) < 3 {
			t.Errorf("list %s: header %v and %d rows", kind, rows[0], len(rows)-1)
		}
	}
	_, out, _ := ctl(t, "--db", db, "list", "localities", "--at", "2024-06-30")
	for _, name := range []string{"Tỉnh Lạng Sơn", "Huyện Chi Lăng", "Xã Hữu Lễ", "Tỉnh Hậu Giang"} {
		if !strings.Contains(out, name) {
			t.Errorf("localities on 2024-06-30 lack %s", name)
		}
	}
	_, out, _ = ctl(t, "--db", db, "list", "localities", "--at", "2026-01-01")
	if strings.Contains(out, "Huyện Chi Lăng") || !strings.Contains(out, "Thành phố Cần Thơ") {
		t.Errorf("localities on 2026-01-01 still hold districts or lack Cần Thơ")
	}
	if code, _, stderr := ctl(t, "--db", db, "demo"); code != exitRejected || !strings.Contains(stderr, "already holds data") {
		t.Errorf("second demo: exit %d: %s", code, stderr)
	}
	if code, out, _ := ctl(t, "--db", db, "check"); code != exitOK || !strings.Contains(out, "ok") {
		t.Errorf("check: exit %d: %s", code, out)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := ctl(t, "--db", db, "backup", "-o", backup); code != exitOK {
		t.Errorf("backup: exit %d: %s", code, stderr)
	}
	if code, _, _ := ctl(t, "--db", backup, "check"); code != exitOK {
		t.Errorf("the backup does not pass check")
	}
}

func TestRelativeDatabasePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := ctl(t, "--db", "rel.db", "init"); code != exitOK {
		t.Fatalf("init with a relative --db: exit %d: %s", code, stderr)
	}
	if code, _, stderr := ctl(t, "--db", "rel.db", "check"); code != exitOK {
		t.Fatalf("check with a relative --db: exit %d: %s", code, stderr)
	}
}

func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("garbage!"), 1000), 0o644)
	badList := filepath.Join(dir, "bad.csv")
	os.WriteFile(badList, []byte("code,name,level,parent_code\n01,,province,\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, exitUsage, ""},
		{[]string{"--db", db, "init"}, exitOK, ""},
		{[]string{"--db", db, "frobnicate"}, exitUsage, "unknown command"},
		{[]string{"--db", db, "list", "things"}, exitUsage, "unknown kind"},
		{[]string{"--db", db, "list", "units", "--at", "30/06/2025"}, exitUsage, "YYYY-MM-DD"},
		{[]string{"--db", db, "backup"}, exitUsage, "-o FILE"},
		{[]string{"--db", db, "localities", "load", badList}, exitUsage, "--valid-from"},
		{[]string{"--db", db, "localities", "load", "--valid-from", "2020-01-01", badList}, exitRejected, "bad.csv:2"},
		{[]string{"--db", db, "localities", "load", "--valid-from", "2020-01-01", filepath.Join(dir, "missing.csv")}, exitIO, "missing.csv"},
		{[]string{"--db", garbage, "check"}, exitIO, "damaged"},
		{[]string{"--db", db, "localities", "load", "--valid-from", "2020-01-01", "--official", "2025-06-30", "--only", "20"}, exitOK, ""},
		{[]string{"--db", db, "localities", "reform", "--date", "2025-07-01", "--official", "2025-07-01"}, exitRejected, "load the new official list"},
		{[]string{"--db", db, "localities", "load", "--valid-from", "2025-07-01", "--official", "2025-07-01", "--only", "20"}, exitOK, ""},
		{[]string{"--db", db, "localities", "reform", "--date", "2025-07-01", "--official", "2025-07-01"}, exitOK, ""},
	} {
		code, _, stderr := ctl(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("danvanctl %s: exit %d, stderr %q; want exit %d mentioning %q", strings.Join(c.args, " "), code, stderr, c.code, c.msg)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && code != exitUsage {
			t.Errorf("danvanctl %s: error spans several lines: %q", strings.Join(c.args, " "), stderr)
		}
	}
}
