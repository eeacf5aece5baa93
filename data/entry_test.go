package data

import (
	"context"
	"testing"

	"danvan/data/period"
)

func TestEntryLocalitiesFollowTheUnitAcrossTheReform(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	prog, err := s.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	vq, err := s.UnitByCode(ctx, "BCHQS-VQ")
	if err != nil {
		t.Fatal(err)
	}
	q3 := period.MustParse("2026Q3")
	locs, err := s.EntryLocalities(ctx, prog.ID, vq.ID, q3)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range locs {
		codes = append(codes, l.Code)
		if !l.ValidOn(q3.End()) {
			t.Errorf("%s is not in force at the end of %s", l.Code, q3)
		}
	}
	// Its Q2 communes, whose targets are also set; not the other units' ones.
	want := []string{"06253", "06280", "06313"}
	if len(codes) != len(want) {
		t.Fatalf("localities = %v, want %v", codes, want)
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("localities = %v, want %v", codes, want)
		}
	}
}

func TestDeleteValuesRecordsHistory(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	rows, err := s.Values(ctx, ValueFilter{Limit: 1})
	if err != nil || len(rows) == 0 {
		t.Fatal(rows, err)
	}
	v := rows[0].Value
	n, err := s.DeleteValues(ctx, []Value{v, v}, Source{Kind: "entry", User: "tester"})
	if err != nil || n != 1 {
		t.Fatalf("DeleteValues = %d, %v; want 1", n, err)
	}
	left, err := s.Values(ctx, ValueFilter{IndicatorID: v.IndicatorID, LocalityID: v.LocalityID, UnitID: v.UnitID, From: v.Period, To: v.Period})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range left {
		if r.LocalityID == v.LocalityID && r.Period == v.Period {
			t.Fatalf("value still there: %+v", r)
		}
	}
	h, err := s.History(ctx, v.IndicatorID, v.LocalityID, v.UnitID, v.Period)
	if err != nil || len(h) == 0 {
		t.Fatal(h, err)
	}
	last := h[len(h)-1]
	if last.New != nil || last.Old == nil || *last.Old != v.Value || last.Source != "entry" || last.By != "tester" {
		t.Fatalf("last change = %+v", last)
	}
}
