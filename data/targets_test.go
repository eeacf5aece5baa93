package data

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"danvan/data/period"
)

func TestTargetsReadsWhatSetTargetsWrote(t *testing.T) {
	ctx := context.Background()
	s, p, in, a, b := targetsFixture(t)
	want := []Target{
		{IndicatorID: in.ID, LocalityID: a, Period: period.MustParse("2026"), Value: 40},
		{IndicatorID: in.ID, LocalityID: a, Period: period.MustParse("2026Q1"), Value: 10.25},
		{IndicatorID: in.ID, LocalityID: b, Period: period.MustParse("2026Q1"), Value: 3},
		{IndicatorID: in.ID, LocalityID: a, Period: period.MustParse("2026Q4"), Value: 0},
	}
	if err := s.SetTargets(ctx, p.ID, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Targets(ctx, p.ID, in.ID, []int64{a, b}, period.MustParse("2026"), period.MustParse("2026"))
	if err != nil {
		t.Fatal(err)
	}
	// By period start, the year before its first quarter, then by locality.
	order := []Target{want[0], want[1], want[2], want[3]}
	if !slices.Equal(got, order) {
		t.Fatalf("Targets = %+v\nwant %+v", got, order)
	}
	got, err = s.Targets(ctx, p.ID, in.ID, []int64{b}, period.MustParse("2026Q1"), period.MustParse("2026Q2"))
	if err != nil || !slices.Equal(got, []Target{want[2]}) {
		t.Fatalf("Targets Q1..Q2 for one locality = %+v, %v", got, err)
	}
	// No localities: every locality, as the demo's quarterly campaign targets show.
	campaigns, err := s.IndicatorByCode(ctx, "TT_DOT")
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Targets(ctx, p.ID, campaigns.ID, nil, period.MustParse("2026Q1"), period.MustParse("2026Q1"))
	if err != nil || len(all) < 3 {
		t.Fatalf("Targets for all localities = %d, %v", len(all), err)
	}
	if _, err := s.Targets(ctx, p.ID, in.ID, nil, period.Period{}, period.MustParse("2026")); err == nil {
		t.Error("an invalid period range was accepted")
	}
}

func TestSpreadYearly(t *testing.T) {
	sum := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		return s
	}
	for _, c := range []struct {
		total    float64
		decimals int
		parts    int
		want     []float64
	}{
		{10, 0, 4, []float64{2, 2, 3, 3}}, // the remainder goes to the last quarters
		{40, 0, 4, []float64{10, 10, 10, 10}},
		{1, 2, 4, []float64{0.25, 0.25, 0.25, 0.25}},
		{1, 0, 4, []float64{0, 0, 0, 1}},
		{0.1, 2, 4, []float64{0.02, 0.02, 0.03, 0.03}},
		{7, 1, 3, []float64{2.3, 2.3, 2.4}},
		{0, 3, 4, []float64{0, 0, 0, 0}},
		{100, 0, 12, []float64{8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9}},
	} {
		got, err := SpreadYearly(c.total, c.decimals, c.parts)
		if err != nil {
			t.Errorf("SpreadYearly(%g, %d, %d): %v", c.total, c.decimals, c.parts, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("SpreadYearly(%g, %d, %d) = %v, want %v", c.total, c.decimals, c.parts, got, c.want)
		}
		scale := math.Pow10(c.decimals)
		if math.Round(sum(got)*scale) != math.Round(c.total*scale) {
			t.Errorf("SpreadYearly(%g, %d, %d) sums to %g", c.total, c.decimals, c.parts, sum(got))
		}
	}
	if got, _ := SpreadYearly(1, 2, 4); math.Abs(sum(got)-1) > 1e-12 {
		t.Errorf("1.00 over 4 quarters sums to %v", sum(got))
	}
	for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := SpreadYearly(bad, 0, 4); err == nil {
			t.Errorf("SpreadYearly(%g) was accepted", bad)
		}
	}
	if _, err := SpreadYearly(10, 0, 0); err == nil {
		t.Error("0 parts accepted")
	}
	if _, err := SpreadYearly(10, 7, 4); err == nil {
		t.Error("7 decimals accepted")
	}
}

// targetsFixture is the demo database with program CTPH-2026, its indicator
// DUONG_KM, and the ids of two localities in force in 2026.
func targetsFixture(t *testing.T) (s *Store, p Program, in Indicator, a, b int64) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err = s.ProgramByCode(ctx, "CTPH-2026"); err != nil {
		t.Fatal(err)
	}
	if in, err = s.IndicatorByCode(ctx, "DUONG_KM"); err != nil {
		t.Fatal(err)
	}
	locs, err := s.SearchLocalities(ctx, "", period.MustParse("2026").End(), 3)
	if err != nil || len(locs) < 3 {
		t.Fatalf("localities: %v %v", locs, err)
	}
	return s, p, in, locs[1].ID, locs[2].ID
}
