package data

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileLeavesNoHalfFile(t *testing.T) {
	s := demoStore(t)
	dir := t.TempDir()
	name := filepath.Join(dir, "chart.png")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	fail := errors.New("render failed")
	err := s.WriteFile(name, func(w io.Writer) error {
		w.Write([]byte("half"))
		return fail
	})
	if !errors.Is(err, fail) {
		t.Fatalf("err = %v", err)
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Fatalf("a failed write changed the file: %q", got)
	}
	if err := s.WriteFile(name, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(name); string(got) != "new" {
		t.Fatalf("file holds %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}
