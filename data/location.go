package data

import (
	"os"
	"path/filepath"
	"runtime"
)

// EnvDB names the environment variable that overrides the database location, for
// the GUI and the command line alike.
const EnvDB = "DANVAN_DB"

// DefaultPath is where the database lives unless --db or DANVAN_DB says otherwise:
// %LOCALAPPDATA%\danvan\danvan.db on Windows, $XDG_DATA_HOME/danvan/danvan.db (by
// default ~/.local/share/danvan/danvan.db) on Linux.
func DefaultPath() string {
	if p := os.Getenv(EnvDB); p != "" {
		return p
	}
	return filepath.Join(dataDir(), "danvan", "danvan.db")
}

func dataDir() string {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return d
		}
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, "Library", "Application Support")
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return d
		}
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "share")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return d
	}
	return "."
}
