package importer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"danvan/data"
	"danvan/data/period"
)

// wantProblem checks that res was refused with a problem on line whose message
// holds each of parts.
func wantProblem(t *testing.T, res Result, line int, parts ...string) {
	t.Helper()
	if !res.Refused || res.BatchID != 0 {
		t.Fatalf("%s was not refused: %+v", res.File, res)
	}
	for _, p := range res.Problems {
		if p.Line != line {
			continue
		}
		all := true
		for _, part := range parts {
			all = all && strings.Contains(p.Message, part)
		}
		if all {
			return
		}
	}
	t.Fatalf("%s: no problem on line %d saying %q: %s", res.File, line, parts, strings.Join(res.Summary(), "\n"))
}

// A unit that sends the same all-zero report every quarter sends the same bytes:
// read for another period they are another report, not a file already imported.
func TestSameBytesForAnotherPeriodAreAnotherReport(t *testing.T) {
	s := demoStore(t)
	file := []byte("locality,indicator,value\n06484,TT_DOT,0\n06496,TT_DOT,0\n")
	q2 := importFile(t, s, "zero.csv", file, Options{Period: "2024Q1", UnitCode: "BCHQS-LS"})
	noProblems(t, q2)
	q3 := importFile(t, s, "zero.csv", file, Options{Period: "2024Q2", UnitCode: "BCHQS-LS"})
	noProblems(t, q3)
	if q3.AlreadyImported != 0 || q3.BatchID == 0 || q3.Inserted != 2 {
		t.Fatalf("the same bytes for another quarter: %+v", q3)
	}
	otherUnit := importFile(t, s, "zero.csv", file, Options{Period: "2024Q2", UnitCode: "E123"})
	if otherUnit.AlreadyImported != 0 || otherUnit.BatchID == 0 {
		t.Fatalf("the same bytes for another unit: %+v", otherUnit)
	}
	again := importFile(t, s, "zero-copy.csv", file, Options{Period: "2024Q2", UnitCode: "bchqs-ls"})
	if again.AlreadyImported != q3.BatchID || again.BatchID != 0 {
		t.Fatalf("the same bytes with the same defaults: %+v, want already imported as batch %d", again, q3.BatchID)
	}
	wantValue(t, s, key{"TT_DOT", "06484", "BCHQS-LS", "2024Q1"}, 0, "")
	wantValue(t, s, key{"TT_DOT", "06484", "BCHQS-LS", "2024Q2"}, 0, "")
}

// A unit or period given for the whole file must agree with the file's own column.
func TestDefaultsDisagreeingWithTheFileAreRefused(t *testing.T) {
	s := demoStore(t)
	file := []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2024Q3,5,BCHQS-CL\n06496,TT_DOT,2024Q3,6,BCHQS-CL\n")
	before := countValues(t, s)
	res := importFile(t, s, "cl.csv", file, Options{UnitCode: "BCHQS-VQ"})
	wantProblem(t, res, 2, "BCHQS-CL", "BCHQS-VQ")
	wantProblem(t, res, 3, "BCHQS-CL", "BCHQS-VQ")
	if res.Problems[0].Column != "unit" {
		t.Errorf("problem in column %q, want unit", res.Problems[0].Column)
	}
	res = importFile(t, s, "cl.csv", file, Options{Period: "2024Q4", DryRun: true})
	wantProblem(t, res, 2, "2024Q3", "2024Q4")
	if n := countValues(t, s); n != before {
		t.Fatalf("%d values after refused imports, want %d", n, before)
	}
	// Agreeing defaults change nothing.
	noProblems(t, importFile(t, s, "cl.csv", file, Options{UnitCode: "bchqs-cl", Period: "Quý III/2024"}))
}

// A quarter and its months for the same key would both count: the chart showed 60
// for 30. Such a file is refused, naming both periods, whether the other period
// is already stored or in the same file.
func TestOverlappingPeriodsForOneKeyAreRefused(t *testing.T) {
	s := demoStore(t)
	before := countValues(t, s)
	// The demo holds Chi Lăng's quarterly reports for 2024Q3.
	stored := importFile(t, s, "thang7.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2024Q2,3,BCHQS-CL\n06484,TT_DOT,202407,30,BCHQS-CL\n"), Options{})
	wantProblem(t, stored, 3, "TT_DOT", "06484", "BCHQS-CL", "202407", "2024Q3", "already reported")
	if len(stored.Problems) != 1 {
		t.Fatalf("problems %s", strings.Join(stored.Summary(), "\n"))
	}
	dry := importFile(t, s, "thang7.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,202407,30,BCHQS-CL\n"), Options{DryRun: true})
	wantProblem(t, dry, 2, "202407", "2024Q3")
	validOnly := importFile(t, s, "thang7.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2024Q2,3,BCHQS-CL\n06484,TT_DOT,202407,30,BCHQS-CL\n"), Options{ValidOnly: true})
	wantProblem(t, validOnly, 3, "202407", "2024Q3")

	// In one file, for a unit with no reports yet: the pair is named once.
	inFile := importFile(t, s, "mixed.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,2024Q3,30,BCHQS-LS\n06484,TT_DOT,202408,10,BCHQS-LS\n06496,TT_DOT,202408,10,BCHQS-LS\n"), Options{})
	if len(inFile.Problems) != 1 {
		t.Fatalf("problems %s", strings.Join(inFile.Summary(), "\n"))
	}
	if p := inFile.Problems[0]; !strings.Contains(p.Message, "this file") || !strings.Contains(p.Message, "2024Q3") || !strings.Contains(p.Message, "202408") || p.Line == 0 {
		t.Fatalf("problem %+v", p)
	}
	if n := countValues(t, s); n != before {
		t.Fatalf("%d values after refused imports, want %d", n, before)
	}
	// Another unit may report months where this one reports quarters: both count.
	noProblems(t, importFile(t, s, "e123.csv", []byte("locality,indicator,period,value,unit\n06484,TT_DOT,202407,30,BCHQS-LS\n"), Options{}))
}

// Data entry is held to the same rule as a file.
func TestTypedValueOverlappingAStoredPeriodIsRefused(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	ind, loc, unit, _ := ids(t, s, key{"TT_DOT", "06484", "BCHQS-CL", "2024Q3"})
	month := data.Value{IndicatorID: ind, LocalityID: loc, UnitID: unit, Period: period.MustParse("202408"), Value: 4}
	_, err := s.SetValues(ctx, []data.Value{month}, data.Source{Kind: "entry"})
	var clash *data.ErrPeriodClash
	if !errors.As(err, &clash) || clash.Clashes[0].Other != period.MustParse("2024Q3") {
		t.Fatalf("typing a month over a reported quarter: %v", err)
	}
	if _, ok := valueOf(t, s, key{"TT_DOT", "06484", "BCHQS-CL", "202408"}); ok {
		t.Fatal("the refused value was stored")
	}
}

// Figures beyond any this work reports (a 23-digit number, 10^308) are refused
// before sums lose their precision or overflow.
func TestImplausiblyLargeNumbersAreRefused(t *testing.T) {
	s := demoStore(t)
	for _, n := range []string{"12345678901234567890123", "1" + strings.Repeat("0", 308), "1000000000000001"} {
		res := importFile(t, s, "big.csv", []byte("locality,indicator,period,value,unit\n06484,QUA_VND,2024Q3,"+n+",BCHQS-CL\n"), Options{})
		wantProblem(t, res, 2, "larger than any figure", "QUA_VND")
	}
	ind, loc, unit, p := ids(t, s, key{"QUA_VND", "06484", "BCHQS-CL", "2024Q3"})
	if _, err := s.SetValues(context.Background(), []data.Value{{IndicatorID: ind, LocalityID: loc, UnitID: unit, Period: p, Value: 1e16}}, data.Source{Kind: "entry"}); err == nil {
		t.Fatal("data entry stored 10^16")
	}
	noProblems(t, importFile(t, s, "ok.csv", []byte("locality,indicator,period,value,unit\n06484,QUA_VND,2024Q3,1000000000000000,BCHQS-CL\n"), Options{}))
}

// A note typed with a control character in it is refused: it would reach exports
// and printed pages raw.
func TestNoteWithControlCharacterIsRefused(t *testing.T) {
	s := demoStore(t)
	ind, loc, unit, p := ids(t, s, key{"TT_DOT", "06484", "BCHQS-CL", "2024Q3"})
	v := data.Value{IndicatorID: ind, LocalityID: loc, UnitID: unit, Period: p, Value: 1, Note: "ghi\x00chú"}
	if _, err := s.SetValues(context.Background(), []data.Value{v}, data.Source{Kind: "entry"}); err == nil || !strings.Contains(err.Error(), "control character") {
		t.Fatalf("a note with NUL: %v", err)
	}
	v.Note = "dòng 1\r\ndòng 2\tcột"
	if _, err := s.SetValues(context.Background(), []data.Value{v}, data.Source{Kind: "entry"}); err != nil {
		t.Fatalf("tabs and line breaks are fine in a note: %v", err)
	}
}
