package importer

import (
	"context"
	"testing"

	"danvan/data"
)

// The case: 25,000,000 in an indicator counted in millions of đồng.
const absurdFile = "locality,indicator,period,value,unit\n" +
	"06484,TT_DOT,2024Q3,3,E123\n" +
	"06484,QUA_VND,2024Q3,25000000,E123\n" +
	"06496,NHA_TN,2024Q3,0,E123\n" +
	"06496,NHA_TN_VND,2024Q3,80,E123\n"

func TestWarningsNeedAcceptance(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	before, _ := valueOf(t, s, key{"QUA_VND", "06484", "E123", "2024Q3"})
	for _, dry := range []bool{true, false} {
		res := importFile(t, s, "qua.csv", []byte(absurdFile), Options{DryRun: dry})
		noProblems(t, res)
		if !res.NeedsAcceptance || res.BatchID != 0 || res.Refused {
			t.Fatalf("dry run %v: %+v", dry, res)
		}
		want := []Problem{
			{Line: 3, Column: "value", Value: "25000000", Message: "25000000 is outside the plausible range 0–500 for QUA_VND (triệu đồng) for one locality and quarter; check the unit of measure"},
			{Line: 5, Column: "value", Value: "80", Message: "NHA_TN_VND is 80, more than 100 × NHA_TN (0); the program's rule is NHA_TN_VND ≤ NHA_TN × 100: check both figures"},
			{Line: 5, Column: "value", Value: "80", Message: "NHA_TN_VND is 80 while NHA_TN is 0; the program's rule is NHA_TN_VND > 0 only if NHA_TN > 0: check both figures"},
		}
		if len(res.Warnings) != len(want) {
			t.Fatalf("warnings %+v", res.Warnings)
		}
		for i, w := range want {
			got := res.Warnings[i]
			if got.Line != w.Line || got.Column != w.Column || got.Value != w.Value || got.Message != w.Message {
				t.Errorf("warning %d: %+v\nwant %+v", i, got, w)
			}
			checkMessages(t, Result{Problems: []Problem{got}})
		}
		if res.Rows != 4 || res.Inserted+res.Updated+res.Unchanged != 4 {
			t.Errorf("counts of what accepting would write: %+v", res)
		}
	}
	if after, _ := valueOf(t, s, key{"QUA_VND", "06484", "E123", "2024Q3"}); after.Value != before.Value {
		t.Fatalf("written without acceptance: %v", after.Value)
	}

	res := importFile(t, s, "qua.csv", []byte(absurdFile), Options{AcceptWarnings: true})
	if res.BatchID == 0 || res.NeedsAcceptance || len(res.Warnings) != 3 {
		t.Fatalf("accepted: %+v", res)
	}
	wantValue(t, s, key{"QUA_VND", "06484", "E123", "2024Q3"}, 25000000, "")
	open, err := s.QualityWarnings(ctx, data.WarningFilter{Status: data.WarningOpen})
	if err != nil {
		t.Fatal(err)
	}
	var mine []data.QualityWarning
	for _, w := range open {
		if w.BatchID == res.BatchID {
			mine = append(mine, w)
		}
	}
	if len(mine) != 3 || mine[0].IndicatorCode != "QUA_VND" || mine[0].Value.Value != 25000000 || mine[0].LocalityCode != "06484" || mine[0].Source != "import" {
		t.Fatalf("recorded warnings %+v", mine)
	}
	if err := s.CheckWarning(ctx, mine[0].ID, "đơn vị ghi nhầm đồng; đã yêu cầu báo cáo lại", "tham-muu"); err != nil {
		t.Fatal(err)
	}
	ind, loc, unit, p := ids(t, s, key{"QUA_VND", "06484", "E123", "2024Q3"})
	hist, err := s.History(ctx, ind, loc, unit, p)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if last.Source != data.SourceChecked || last.Comment != "đơn vị ghi nhầm đồng; đã yêu cầu báo cáo lại" || last.By != "tham-muu" {
		t.Errorf("history ends with %+v", last)
	}
	// Imported again, the accepted figures are not asked about twice.
	again := importFile(t, s, "qua-copy.csv", []byte(absurdFile+"\n"), Options{})
	if len(again.Warnings) != 0 || again.NeedsAcceptance {
		t.Errorf("accepted figures warned again: %+v", again.Warnings)
	}
}
