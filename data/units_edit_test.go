package data

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestUnitPrograms(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	u, err := s.UnitByCode(ctx, "BCHQS-CL")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.UnitPrograms(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ps, func(p Program) bool { return p.Code == "CTPH-2026" }) {
		t.Fatalf("BCHQS-CL takes part in %+v, want CTPH-2026 among them", ps)
	}
	lone, err := s.SaveUnit(ctx, Unit{Code: "LONE", Name: "Đơn vị lẻ"})
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := s.UnitPrograms(ctx, lone.ID); err != nil || len(ps) != 0 {
		t.Fatalf("a new unit takes part in %v, %v", ps, err)
	}
}

func TestDeleteUnitOnlyWhenNothingRefersToIt(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	cl, err := s.UnitByCode(ctx, "BCHQS-CL")
	if err != nil {
		t.Fatal(err)
	}
	err = s.DeleteUnit(ctx, cl.ID)
	if err == nil || !strings.Contains(err.Error(), "reported values") || !strings.Contains(err.Error(), "programs") {
		t.Fatalf("deleting a unit with values: %v", err)
	}
	if _, err := s.UnitByCode(ctx, "BCHQS-CL"); err != nil {
		t.Fatalf("refused delete removed the unit: %v", err)
	}
	ls, err := s.UnitByCode(ctx, "BCHQS-LS")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUnit(ctx, ls.ID); err == nil || !strings.Contains(err.Error(), "units under it") {
		t.Fatalf("deleting a parent unit: %v", err)
	}
	lone, err := s.SaveUnit(ctx, Unit{Code: "LONE", Name: "Đơn vị lẻ", ParentID: ls.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUnit(ctx, lone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnitByCode(ctx, "LONE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted unit still there: %v", err)
	}
	if err := s.DeleteUnit(ctx, lone.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting it twice: %v", err)
	}
}
