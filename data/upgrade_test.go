package data

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestFirstReleaseDatabaseUpgrades opens a database made by the first release
// (schema version 1, the demo data), which must upgrade through every later
// migration and then pass the full check with its values intact. Every new
// migration is a new file, so this file never needs to change.
func TestFirstReleaseDatabaseUpgrades(t *testing.T) {
	ctx := context.Background()
	original, err := os.ReadFile(filepath.Join("testdata", "v1-demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "danvan.db")
	if err := os.WriteFile(path, original, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("a first-release database must open: %v", err)
	}
	defer s.Close()
	var version, values, batches int
	if err := s.ro.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migrationNames()) {
		t.Errorf("schema version %d after opening, want %d", version, len(migrationNames()))
	}
	if err := s.ro.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM value), (SELECT count(*) FROM import_batch)").Scan(&values, &batches); err != nil {
		t.Fatal(err)
	}
	if values != 4530 {
		t.Errorf("%d values after the upgrade, the first release's demo held 4530", values)
	}
	problems, err := s.Check(ctx)
	if err != nil || len(problems) > 0 {
		t.Errorf("check after the upgrade: %v %v", problems, err)
	}
}
