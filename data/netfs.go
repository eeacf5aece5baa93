package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNetworkFS is returned for opening a database on a network drive for writing.
// SQLite's locks and WAL's shared memory do not work across the machines that share
// it: two writers there corrupt the file.
var ErrNetworkFS = errors.New("the database is on a network drive")

// networkFS tells whether path, which exists, is on a network file system, and
// which. It is a variable so that tests can pretend.
var networkFS = detectNetworkFS

// checkLocal refuses a database whose folder is on a network drive.
func checkLocal(path string) error {
	dir := filepath.Dir(path)
	for { // the nearest folder that exists, for a database not created yet
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	if kind, remote := networkFS(dir); remote {
		return fmt.Errorf("%s: %w (%s), where SQLite cannot keep it safe; copy it to this computer, and share it through a backup or an export instead", path, ErrNetworkFS, kind)
	}
	return nil
}

// isUNC tells whether a Windows path names a network share: \\server\share\... or
// \\?\UNC\server\share\..., but not \\?\C:\... or a device (\\.\...).
func isUNC(path string) bool {
	p := strings.ReplaceAll(path, "/", `\`)
	if rest, ok := strings.CutPrefix(p, `\\?\`); ok {
		return strings.HasPrefix(strings.ToUpper(rest), `UNC\`)
	}
	return strings.HasPrefix(p, `\\`) && len(p) > 2 && p[2] != '\\' && p[2] != '.'
}
