package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutputRefused is returned for a file name that no export, chart, briefing or
// backup may write: the database, the files SQLite keeps beside it, or something
// that is not a regular file.
var ErrOutputRefused = errors.New("not written")

// journalSuffixes name the files SQLite keeps beside a database: its write-ahead
// log and shared memory in WAL mode, its rollback journal otherwise. Overwriting one
// loses or corrupts the database as surely as overwriting the database.
var journalSuffixes = []string{"-wal", "-shm", "-journal"}

// CheckOutput refuses name as a file to write when it is the database or one of the
// files SQLite keeps beside it, directly or through a symlink or hard link, and when
// it exists but is not a regular file: a device such as /dev/null, a pipe or a folder
// must never be replaced by a file.
func (s *Store) CheckOutput(name string) error {
	st, err := os.Stat(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: %w", name, err)
	}
	target := resolvePath(name)
	for _, suffix := range append([]string{""}, journalSuffixes...) {
		p := s.resolved + suffix
		// By name for the files that do not exist now but may at any moment (the
		// journals), ignoring case as Windows and macOS do; by identity for links
		// to those that do.
		same := strings.EqualFold(target, p)
		if pst, perr := os.Stat(p); !same && err == nil && perr == nil {
			same = os.SameFile(st, pst)
		}
		switch {
		case same && suffix == "":
			return fmt.Errorf("%s: %w: it is the database itself; choose another file name", name, ErrOutputRefused)
		case same:
			return fmt.Errorf("%s: %w: SQLite keeps the database's changes in it; choose another file name", name, ErrOutputRefused)
		}
	}
	if err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %w: it is not a regular file; choose a file name", name, ErrOutputRefused)
	}
	return nil
}

// WriteFile writes a file (an export, a chart, a briefing) once CheckOutput allows
// it, through a temporary file beside it renamed into place, so a failed or
// cancelled write never leaves half a file under the real name.
func (s *Store) WriteFile(name string, write func(io.Writer) error) error {
	if err := s.CheckOutput(name); err != nil {
		return err
	}
	return writeFileAtomic(name, write)
}

func writeFileAtomic(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".danvan-*"+filepath.Ext(name))
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing left to remove
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// resolvePath is path made absolute with its folder's symlinks resolved: two names
// of the same file, once resolved, compare equal even when the file does not exist.
func resolvePath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}
