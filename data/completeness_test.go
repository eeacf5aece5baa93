package data

import (
	"context"
	"testing"
	"time"
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
