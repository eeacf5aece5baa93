package data

import (
	"context"
	"testing"

	"danvan/assets"
)

func loadShipped(t testing.TB, s *Store, name, from string) ListSummary {
	t.Helper()
	f, err := assets.Localities.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ReadLocalityList(name, f)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.LoadLocalityList(context.Background(), date(from), entries, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// The whole country, before and after the 2025 reform, as shipped.
func TestNationalListsAndReform(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	loadShipped(t, s, assets.ListBefore2025, "2000-01-01")
	after := loadShipped(t, s, assets.ListAfter2025, "2025-07-01")
	if after.Opened+after.Renamed+after.Kept != 34+3321 {
		t.Errorf("after the reform: %+v, want 3,355 localities in force", after)
	}
	count := func(d string) map[string]int {
		ls, err := s.LocalitiesAt(ctx, date(d))
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, l := range ls {
			n[l.Level]++
		}
		return n
	}
	if n := count("2025-06-30"); n["province"] != 63 || n["district"] != 696 || n["commune"] != 10035 {
		t.Errorf("on 2025-06-30: %v", n)
	}
	if n := count("2025-07-01"); n["province"] != 34 || n["district"] != 0 || n["commune"] != 3321 {
		t.Errorf("on 2025-07-01: %v", n)
	}
	f, _ := assets.Localities.Open(assets.Reform2025)
	defer f.Close()
	mapping, err := ReadReformMapping(assets.Reform2025, f)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.ApplyReform(ctx, date("2025-07-01"), mapping, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Linked+sum.Unchanged+sum.Missing != len(mapping) || sum.Missing > 20 {
		t.Errorf("reform dry run: %+v over %d rows", sum, len(mapping))
	}
	if links, _ := s.Successors(ctx); len(links) != after.Renamed {
		t.Errorf("a dry run wrote %d links", len(links)-after.Renamed)
	}
	// Code 15 was Yên Bái and now names Lào Cai.
	old, _ := s.LocalityByCode(ctx, "15", date("2025-06-30"))
	nu, _ := s.LocalityByCode(ctx, "15", date("2025-07-01"))
	if old.Name != "Tỉnh Yên Bái" || nu.Name != "Tỉnh Lào Cai" {
		t.Errorf("code 15: %q then %q", old.Name, nu.Name)
	}
	hits, err := s.SearchLocalities(ctx, "huu le", date("2025-06-30"), 0)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search huu le: %v %v", hits, err)
	}
}

// Loading the same list again on the same date changes nothing.
func TestReloadingAListIsIdempotent(t *testing.T) {
	s := openTemp(t)
	loadShipped(t, s, assets.ListBefore2025, "2000-01-01")
	first := loadShipped(t, s, assets.ListAfter2025, "2025-07-01")
	again := loadShipped(t, s, assets.ListAfter2025, "2025-07-01")
	if again.Opened != 0 || again.Closed != 0 || again.Renamed != 0 || again.Kept != first.Opened+first.Renamed+first.Kept {
		t.Fatalf("second load: %+v (first %+v)", again, first)
	}
}

// BenchmarkLocalitiesNational measures what the Localities screen asks for with the
// whole country loaded before and after the reform (13,356 localities in force on
// one day or the other): the tree on a date, and an accent-blind search.
func BenchmarkLocalitiesNational(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	loadShipped(b, s, assets.ListBefore2025, "2000-01-01")
	loadShipped(b, s, assets.ListAfter2025, "2025-07-01")
	b.Run("tree-on-a-date", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.LocalitiesAt(ctx, date("2025-06-30")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search-huu-le", func(b *testing.B) {
		for b.Loop() {
			if hits, err := s.SearchLocalities(ctx, "huu le", date("2025-06-30"), 0); err != nil || len(hits) == 0 {
				b.Fatal(hits, err)
			}
		}
	})
}
