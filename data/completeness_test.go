package data

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"danvan/data/period"
)

func TestCompletenessChasesTheLateUnit(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	prog, err := s.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	c, err := s.Completeness(ctx, prog.ID, now, 15)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Periods) != 4 || len(c.Units) == 0 {
		t.Fatalf("%d periods, %d units", len(c.Periods), len(c.Units))
	}
	status := map[string][]ReportStatus{}
	for i, u := range c.Units {
		for _, cell := range c.Cells[i] {
			status[u.Code] = append(status[u.Code], cell.Status)
		}
	}
	if got := status["BCHQS-VQ"]; got[2] != Missing || got[3] != NotDue || got[0] != OnTime {
		t.Errorf("Văn Quan's reports: %v, want Q3 missing, Q4 not due", got)
	}
	if got := status["BCHQS-CL"]; got[2] != OnTime {
		t.Errorf("Chi Lăng's Q3: %v, want on time", got)
	}
	if got := status["BCHQS-HG"]; got[0] != NotExpected {
		t.Errorf("Hậu Giang's command after the merger: %v, want not expected", got)
	}
	// With no grace days, a report made days after the quarter is late.
	c, _ = s.Completeness(ctx, prog.ID, now, 0)
	late := 0
	for i := range c.Units {
		for _, cell := range c.Cells[i] {
			if cell.Status == Late {
				late++
			}
		}
	}
	if late == 0 {
		t.Error("no late reports with zero grace days")
	}
}

// An undone import is no report: the unit it made reported is missing again, and a
// report sent twice arrived, once the first sending is undone, with the second.
func TestUndoneImportIsNoReport(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	prog, err := s.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	vq, _ := s.UnitByCode(ctx, "BCHQS-VQ")
	q3Status := func() ReportCell {
		t.Helper()
		c, err := s.Completeness(ctx, prog.ID, now, 15)
		if err != nil {
			t.Fatal(err)
		}
		for i, u := range c.Units {
			if u.ID == vq.ID {
				return c.Cells[i][2]
			}
		}
		t.Fatal("Văn Quan's command does not take part")
		return ReportCell{}
	}
	if got := q3Status(); got.Status != Missing {
		t.Fatalf("before: %+v, want missing", got)
	}
	ind, _ := s.IndicatorByCode(ctx, "TT_DOT")
	loc, _ := s.LocalityByCode(ctx, "06313", date("2026-09-30")) // Xã Tri Lễ
	v := Value{IndicatorID: ind.ID, LocalityID: loc.ID, UnitID: vq.ID, Period: period.MustParse("2026Q3"), Value: 4}
	first, err := writeBatch(t, s, Batch{FileName: "vq.csv", ImportedAt: date("2026-10-05")}, []Value{v}).Commit(BatchTotals{SHA256: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := q3Status(); got.Status != OnTime {
		t.Fatalf("after the import: %+v, want on time", got)
	}
	if _, err := s.UndoBatch(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if got := q3Status(); got.Status != Missing {
		t.Fatalf("after undoing the only import: %+v, want missing", got)
	}

	first, _ = writeBatch(t, s, Batch{FileName: "vq.csv", ImportedAt: date("2026-10-05")}, []Value{v}).Commit(BatchTotals{SHA256: "1"})
	v.Value = 5
	if _, err := writeBatch(t, s, Batch{FileName: "vq2.csv", ImportedAt: date("2026-11-02")}, []Value{v}).Commit(BatchTotals{SHA256: "2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UndoBatch(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if got := q3Status(); got.Status != Late || !got.ReportedAt.Equal(date("2026-11-02")) {
		t.Fatalf("after undoing the first of two sendings: %+v, want late, on 2 November", got)
	}
}

// A province's or a commune's units are those working in it, across the reform.
func TestProgramUnitsIn(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	prog, err := s.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	codes := func(localityCode string, on string) []string {
		t.Helper()
		var id int64
		if localityCode != "" {
			l, err := s.LocalityByCode(ctx, localityCode, date(on))
			if err != nil {
				t.Fatal(err)
			}
			id = l.ID
		}
		us, err := s.ProgramUnitsIn(ctx, prog.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.Code)
		}
		return out
	}
	all := codes("", "")
	langSon := codes("20", "2026-09-30")
	canTho := codes("92", "2026-09-30")
	if len(langSon) == 0 || len(canTho) == 0 || len(langSon)+len(canTho) != len(all) {
		t.Fatalf("all %v; Lạng Sơn %v; Cần Thơ %v: each unit works in one of the two", all, langSon, canTho)
	}
	for _, c := range langSon {
		if strings.HasPrefix(c, "BCHQS-HG") || c == "BCHQS-CT" || c == "BCHQS-LM" {
			t.Errorf("Lạng Sơn lists %s", c)
		}
	}
	if !slices.Contains(canTho, "BCHQS-HG") {
		t.Errorf("Cần Thơ %v lacks Hậu Giang's command, merged into it", canTho)
	}
	if commune := codes("06484", "2024-09-30"); !slices.Contains(commune, "BCHQS-CL") || slices.Contains(commune, "BCHQS-VQ") {
		t.Errorf("Mai Sao's units %v: want Chi Lăng's command, not Văn Quan's", commune)
	}
}
