package data

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"danvan/internal/testdb"
)

func TestDamagedDatabaseIsRefusedForWritingAndListedByCheck(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	path := s.Path()
	s.Close()
	testdb.DamagePage(t, path, "value")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenExisting": OpenExisting} {
		_, err := open(ctx, path)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "Extends off end of page") {
			t.Errorf("%s of a damaged database = %v, want ErrCorrupt quoting the damage", name, err)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("opening the damaged database changed it")
	}
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly, to list the damage: %v", err)
	}
	defer r.Close()
	problems, err := r.Check(ctx)
	if err != nil || len(problems) < 2 {
		t.Fatalf("Check = %q, %v; want the integrity check's problems", problems, err)
	}
}

func TestOpenReadOnlyNeverWrites(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	path := s.Path()
	want, err := s.Values(ctx, ValueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Values(ctx, ValueFilter{})
	if err != nil || len(got) != len(want) {
		t.Errorf("read %d values (%v), want %d", len(got), err, len(want))
	}
	if _, err := r.SaveIndicator(ctx, Indicator{Code: "NEW", Name: "Mới", Unit: "lượt", Rollup: Sum}); err == nil {
		t.Error("a read-only store saved an indicator")
	}
	r.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the database changed through a read-only store")
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes read-only files; TestReadOnlyDatabase in cmd/danvanctl runs danvanctl as nobody")
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenExisting(ctx, path); !errors.Is(err, ErrReadOnly) {
		t.Errorf("OpenExisting of a read-only file = %v, want ErrReadOnly", err)
	}
}
