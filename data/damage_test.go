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
