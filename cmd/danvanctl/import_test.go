package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func demoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := ctl(t, "--db", db, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	return db
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodFile = "Mã địa bàn,Mã chỉ tiêu,Kỳ,Giá trị,Ghi chú\n06484,TT_DOT,2024Q3,17,\n06496,DUONG_KM,2024Q3,\"2,5\",mới\n"

func TestImportExitStatuses(t *testing.T) {
	db := demoDB(t)
	good := writeTemp(t, "good.csv", goodFile)
	// Its valid row overwrites the first value of good.csv, so undoing good.csv skips it.
	bad := writeTemp(t, "bad.csv", "locality,indicator,period,value,unit\n06484,TT_LUOT,2024Q3,x,E123\n06484,TT_DOT,2024Q3,1,E123\n")
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"import"}, exitUsage, ""},
		{[]string{"import", "--period", "Q9/2024", good}, exitUsage, ""},
		{[]string{"import", filepath.Join(t.TempDir(), "missing.csv")}, exitIO, ""},
		{[]string{"import", good}, exitRejected, `no "unit" or "Đơn vị" column in the header; add it, or set the reporting unit for the whole file`},
		{[]string{"import", "--unit", "NOPE", good}, exitRejected, ""},
		{[]string{"import", bad}, exitRejected, "rejected, nothing imported"},
		{[]string{"import", "--dry-run", good, "--unit", "E123"}, exitOK, "would import"},
		{[]string{"import", good, "--unit", "E123"}, exitOK, "imported as batch 1: 2 rows"},
		{[]string{"import", good, "--unit", "E123"}, exitOK, "already imported as batch 1"},
		{[]string{"import", "--valid-only", bad}, exitOK, "imported as batch 2"},
		{[]string{"batches"}, exitOK, "good.csv"},
		{[]string{"undo", "1"}, exitOK, "1 value(s) restored, 0 deleted; 1 skipped"},
		{[]string{"undo", "1"}, exitRejected, ""},
		{[]string{"undo", "x"}, exitUsage, ""},
		{[]string{"undo", "99"}, exitRejected, ""},
	}
	for _, c := range cases {
		code, out, stderr := ctl(t, append([]string{"--db", db}, c.args...)...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", c.args, code, c.code, out, stderr)
		}
	}
}

func TestImportJSON(t *testing.T) {
	db := demoDB(t)
	good := writeTemp(t, "good.csv", goodFile)
	bad := writeTemp(t, "bad.csv", "locality,indicator,period,value,unit\n00004,TT_DOT,2024Q3,1,E123\n")
	code, out, stderr := ctl(t, "--db", db, "import", "--json", "--unit", "E123", good, bad)
	if code != exitRejected {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per file, got:\n%s", out)
	}
	var objs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		for _, k := range []string{"file", "encoding", "delimiter", "format", "rows", "inserted", "updated", "unchanged", "rejected", "errors", "changes"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: no key %q", l, k)
			}
		}
		objs = append(objs, m)
	}
	if objs[0]["file"] != "good.csv" || objs[0]["rows"] != 2.0 || len(objs[0]["errors"].([]any)) != 0 || objs[0]["delimiter"] != "," {
		t.Errorf("good: %v", objs[0])
	}
	if changes := objs[0]["changes"].([]any); len(changes) != int(objs[0]["updated"].(float64)) {
		t.Errorf("good: %d changed, %d listed in changes", int(objs[0]["updated"].(float64)), len(changes))
	}
	errs := objs[1]["errors"].([]any)
	if objs[1]["rejected"] != 1.0 || len(errs) != 1 {
		t.Fatalf("bad: %v", objs[1])
	}
	e := errs[0].(map[string]any)
	if len(e) != 4 {
		t.Errorf("error keys %v, want exactly line, column, value and message", e)
	}
	if e["line"] != 2.0 || e["column"] != "locality" || e["value"] != "00004" || !strings.Contains(e["message"].(string), "not a locality on 30/09/2024") {
		t.Errorf("error: %v", e)
	}
}

func TestExportTemplateRoundTrip(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	exp := filepath.Join(dir, "e.csv")
	if code, _, stderr := ctl(t, "--db", db, "export", "--program", "CTPH-2026", "--from", "2026Q2", "--to", "2026Q2", "--unit", "BCHQS-CL", "-o", exp); code != exitOK {
		t.Fatalf("export: %d %s", code, stderr)
	}
	b, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\uFEFFlocality,locality_name,indicator,indicator_name,period,unit,value,note\r\n") || strings.Count(string(b), "\r\n") < 2 {
		t.Fatalf("export:\n%s", b)
	}
	code, out, stderr := ctl(t, "--db", db, "import", exp)
	if code != exitOK || !strings.Contains(out, " 0 new, 0 changed") {
		t.Fatalf("reimport: %d %s %s", code, out, stderr)
	}
	tpl := filepath.Join(dir, "t.csv")
	if code, _, stderr := ctl(t, "--db", db, "template", "--program", "CTPH-2026", "--period", "2026Q4", "--unit", "BCHQS-CL", "-o", tpl); code != exitOK {
		t.Fatalf("template: %d %s", code, stderr)
	}
	if code, _, _ := ctl(t, "--db", db, "template", "--program", "CTPH-2026", "-o", tpl); code != exitUsage {
		t.Fatalf("template without period: %d", code)
	}
	// An Excel template, asked for by flag or by the file's name, is a workbook.
	for _, args := range [][]string{{"-o", filepath.Join(dir, "t.xlsx")}, {"--xlsx", "-o", filepath.Join(dir, "T.XLSX")}} {
		full := append([]string{"--db", db, "template", "--program", "CTPH-2026", "--period", "2026Q4", "--unit", "BCHQS-CL"}, args...)
		if code, _, stderr := ctl(t, full...); code != exitOK {
			t.Fatalf("template %v: %d %s", args, code, stderr)
		}
		b, err := os.ReadFile(args[len(args)-1])
		if err != nil || !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
			t.Fatalf("template %v is not a workbook (%v): %q", args, err, b[:min(len(b), 20)])
		}
	}
	if code, _, _ := ctl(t, "--db", db, "template", "--program", "CTPH-2026", "--period", "2026Q4", "--xlsx", "-o", tpl); code != exitUsage {
		t.Fatalf("an Excel template into a .csv file: %d", code)
	}
	// A wide export reads back as the same values.
	wide := filepath.Join(dir, "w.csv")
	if code, _, stderr := ctl(t, "--db", db, "export", "--wide", "--program", "CTPH-2026", "--from", "2026Q2", "--to", "2026Q2", "-o", wide); code != exitOK {
		t.Fatalf("export --wide: %d %s", code, stderr)
	}
	b, err = os.ReadFile(wide)
	if err != nil || !strings.HasPrefix(string(b), "\uFEFFlocality,locality_name,period,unit,") {
		t.Fatalf("wide export (%v):\n%s", err, b)
	}
	code, out, stderr = ctl(t, "--db", db, "import", wide)
	if code != exitOK || !strings.Contains(out, " 0 new, 0 changed") {
		t.Fatalf("wide reimport: %d %s %s", code, out, stderr)
	}
	if code, _, _ := ctl(t, "--db", db, "export", "--program", "NOPE"); code != exitRejected {
		t.Fatalf("export unknown program: %d", code)
	}
}

// A program's quality rules go out as a CSV file and come back in, replacing the
// rules there; a file that breaks them is refused with nothing changed.
func TestRulesExportAndLoad(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, stderr := ctl(t, "--db", db, "demo"); code != exitOK {
		t.Fatal(stderr)
	}
	file := filepath.Join(dir, "rules.csv")
	if code, out, stderr := ctl(t, "--db", db, "rules", "export", "--program", "CTPH-2026", "-o", file); code != exitOK {
		t.Fatalf("export: exit %d: %s%s", code, out, stderr)
	}
	written, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(written), "only_if,NHA_TN_VND,NHA_TN") {
		t.Fatalf("rules file %q, %v", written, err)
	}
	if code, out, stderr := ctl(t, "--db", db, "rules", "load", "--program", "CTPH-2026", file); code != exitOK || !strings.Contains(out, "loaded") {
		t.Fatalf("load: exit %d: %s%s", code, out, stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("kind,indicator,other,min,max,factor\nat_most,NHA_TN_VND,NOPE,,,100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := ctl(t, "--db", db, "rules", "load", "--program", "CTPH-2026", bad); code != exitRejected || !strings.Contains(stderr, "NOPE") {
		t.Fatalf("a rule naming an unknown indicator: exit %d: %s", code, stderr)
	}
	_, again, _ := ctl(t, "--db", db, "rules", "export", "--program", "CTPH-2026")
	if strings.TrimPrefix(again, "\uFEFF") != strings.TrimPrefix(string(written), "\uFEFF") {
		t.Fatalf("after a refused load the rules changed:\n%s\nwant\n%s", again, written)
	}
}
