package data

import (
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file (an export, a chart, a briefing) through a temporary
// file beside it and renames it into place, so a failed or cancelled write never
// leaves half a file under the real name.
func WriteFileAtomic(name string, write func(io.Writer) error) error {
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
