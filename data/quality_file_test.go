package data

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// A program's rules travel as a CSV file: written from one database, loaded into
// another, the same rules; a file that cannot be read says the line, and rules that
// do not fit the program are refused whole by SaveRules.
func TestRulesTravelAsCSV(t *testing.T) {
	ctx := context.Background()
	from := demoStore(t)
	var buf bytes.Buffer
	if err := from.WriteRules(ctx, &buf, "CTPH-2026"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\uFEFFkind,indicator,other,min,max,factor\r\n") || !strings.Contains(buf.String(), "at_most,NHA_TN_VND,NHA_TN,,,100") {
		t.Fatalf("rules file:\n%s", buf.String())
	}
	rules, err := ReadRules("rules.csv", &buf)
	if err != nil {
		t.Fatal(err)
	}
	to := demoStore(t)
	p, err := to.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	if err := to.SaveRules(ctx, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := to.SaveRules(ctx, p.ID, rules); err != nil {
		t.Fatal(err)
	}
	fp, _ := from.ProgramByCode(ctx, "CTPH-2026")
	want, _ := from.Rules(ctx, fp.ID)
	got, _ := to.Rules(ctx, p.ID)
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("%d rules loaded, %d written", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("rule %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	_, err = ReadRules("bad.csv", strings.NewReader("kind,indicator,other,min,max,factor\nrange,QUA_VND,,0,năm trăm,\n"))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 2 || fe.Column != "max" {
		t.Fatalf("an unreadable number: %v", err)
	}
}
