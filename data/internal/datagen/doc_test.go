package datagen

import (
	"context"
	"path/filepath"
	"testing"

	"danvan/data"
	"danvan/data/period"
)

func TestNationalIsConsistent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	if err := National(ctx, path, 50_000, true); err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
	prog, err := s.ProgramByCode(ctx, Program)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := s.ByIndicator(ctx, data.Scope{ProgramID: prog.ID}, period.MustParse("2020Q1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(Indicators) || !rows[0].HasActual || !rows[0].HasTarget {
		t.Fatalf("breakdown of the generated program: %+v", rows)
	}
}
