package data

import (
	"context"
	"testing"
)

// Hữu Lễ closed in the 2025 reform: searched on any date, it is found with the
// commune it went into.
func TestSearchLocalitiesEverFindsWhatAClosedCommuneBecame(t *testing.T) {
	s := demoStore(t)
	found, err := s.SearchLocalitiesEver(context.Background(), "huu le", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("found %+v, want Hữu Lễ once", found)
	}
	f := found[0]
	if f.Name != "Xã Hữu Lễ" || f.ValidTo.IsZero() || len(f.Became) != 1 || f.Became[0].Name != "Xã Tri Lễ" || !f.Whole {
		t.Fatalf("found %+v", f)
	}
}
