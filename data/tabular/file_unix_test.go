//go:build unix

package tabular

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Only regular files are opened: a pipe with no writer would block the open
// itself, /dev/zero never ends, a folder is no report.
func TestOpenFileOnlyRegular(t *testing.T) {
	dir := t.TempDir()
	fifo, zero, folder := filepath.Join(dir, "fifo.xlsx"), filepath.Join(dir, "zero.xlsx"), filepath.Join(dir, "folder.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, zero, folder} {
		start := time.Now()
		f, err := OpenFile(p)
		if err == nil {
			f.Close()
		}
		if !errors.Is(err, ErrNotRegularFile) || time.Since(start) > time.Second {
			t.Errorf("%s: %v after %v", p, err, time.Since(start))
		}
	}
	p := writeFile(t, "r.csv", []byte("a,b\n1,2\n"))
	f, err := OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "a,b\n1,2\n" || f.Size() != 8 {
		t.Errorf("read %q, %v; size %d", b, err, f.Size())
	}
}
