package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// A file with a value outside its plausible range is rejected (exit 1, the
// warning listed, nothing written) until --accept-warnings, and --json lists
// the warnings beside the errors.
func TestImportWarningsNeedAcceptance(t *testing.T) {
	db := demoDB(t)
	file := writeTemp(t, "qua.csv", "locality,indicator,period,value,unit\n06484,QUA_VND,2024Q3,25000000,E123\n06484,TT_DOT,2024Q3,3,E123\n")
	warning := "25000000 is outside the plausible range 0–500 for QUA_VND (triệu đồng) for one locality and quarter; check the unit of measure"
	for _, args := range [][]string{{"import", file}, {"import", "--dry-run", file}} {
		code, out, stderr := ctl(t, append([]string{"--db", db}, args...)...)
		if code != exitRejected || !strings.Contains(out, "warning: qua.csv: line 2: column \"value\": \"25000000\": "+warning) ||
			!strings.Contains(stderr, "--accept-warnings") {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, stderr)
		}
	}
	code, out, stderr := ctl(t, "--db", db, "import", "--json", file)
	if code != exitRejected {
		t.Fatalf("--json: exit %d: %s", code, stderr)
	}
	var m struct {
		Imported bool              `json:"imported"`
		Errors   []json.RawMessage `json:"errors"`
		Warnings []struct {
			Line    int    `json:"line"`
			Column  string `json:"column"`
			Value   string `json:"value"`
			Message string `json:"message"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	if m.Imported || m.Errors == nil || len(m.Errors) != 0 || len(m.Warnings) != 1 || m.Warnings[0].Line != 2 || m.Warnings[0].Message != warning {
		t.Errorf("--json: %s", out)
	}
	code, out, stderr = ctl(t, "--db", db, "import", "--accept-warnings", file)
	if code != exitOK || !strings.Contains(out, "imported as batch 1: 2 rows") {
		t.Errorf("--accept-warnings: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
}
