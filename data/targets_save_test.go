package data

import (
	"context"
	"math"
	"slices"
	"testing"

	"danvan/data/period"
)

func TestSaveTargetsSetsAndDeletesInOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, p, in, a, b := targetsFixture(t)
	y, q1 := period.MustParse("2026"), period.MustParse("2026Q1")
	start := []Target{
		{IndicatorID: in.ID, LocalityID: a, Period: y, Value: 40},
		{IndicatorID: in.ID, LocalityID: a, Period: q1, Value: 10},
		{IndicatorID: in.ID, LocalityID: b, Period: q1, Value: 3},
	}
	if err := s.SetTargets(ctx, p.ID, start); err != nil {
		t.Fatal(err)
	}
	read := func() []Target {
		t.Helper()
		got, err := s.Targets(ctx, p.ID, in.ID, []int64{a, b}, y, y)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// A failing save deletes nothing: the bad value comes after the deletion.
	bad := []Target{{IndicatorID: in.ID, LocalityID: b, Period: y, Value: math.NaN()}}
	if _, err := s.SaveTargets(ctx, p.ID, bad, start[:1]); err == nil {
		t.Fatal("a NaN target was accepted")
	}
	if got := read(); !slices.Equal(got, start) {
		t.Fatalf("after a failed save: %+v\nwant %+v", got, start)
	}

	// Delete a's yearly target and b's quarter (the value does not matter), a key
	// with no target (skipped), and change a's quarter, all at once.
	set := []Target{{IndicatorID: in.ID, LocalityID: a, Period: q1, Value: 12.5}}
	del := []Target{
		{IndicatorID: in.ID, LocalityID: a, Period: y, Value: 999},
		{IndicatorID: in.ID, LocalityID: b, Period: q1},
		{IndicatorID: in.ID, LocalityID: b, Period: period.MustParse("2026Q2")},
	}
	n, err := s.SaveTargets(ctx, p.ID, set, del)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("deleted %d targets, want 2", n)
	}
	if got := read(); !slices.Equal(got, set) {
		t.Errorf("after the save: %+v\nwant %+v", got, set)
	}
	if _, err := s.SaveTargets(ctx, p.ID, nil, []Target{{IndicatorID: in.ID, LocalityID: a}}); err == nil {
		t.Error("a deletion without a period was accepted")
	}
}
