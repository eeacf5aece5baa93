package data

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsUNC(t *testing.T) {
	for path, want := range map[string]bool{
		`\\server\share\danvan.db`:        true,
		`//server/share/danvan.db`:        true,
		`\\?\UNC\server\share\danvan.db`:  true,
		`\\?\C:\Users\an\danvan.db`:       false,
		`\\.\PhysicalDrive0`:              false,
		`C:\Users\an\danvan.db`:           false,
		`Z:\danvan.db`:                    false, // a mapped drive: GetDriveType tells
		`/home/an/.local/share/danvan.db`: false,
		`\\\server\share`:                 false,
		`relative\danvan.db`:              false,
	} {
		if got := isUNC(path); got != want {
			t.Errorf("isUNC(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestNetworkDriveIsOnlyRead(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	path := s.Path()
	s.Close()
	networkFS = func(string) (string, bool) { return "NFS", true }
	t.Cleanup(func() { networkFS = detectNetworkFS })
	for _, c := range []struct {
		name string
		open func(context.Context, string) (*Store, error)
		path string
	}{{"Open", Open, path}, {"OpenExisting", OpenExisting, path}, {"Open", Open, filepath.Join(t.TempDir(), "new", "danvan.db")}} {
		_, err := c.open(ctx, c.path)
		if !errors.Is(err, ErrNetworkFS) || !strings.Contains(err.Error(), "NFS") || !strings.Contains(err.Error(), "copy it to this computer") {
			t.Errorf("%s(%s) on a network drive = %v, want ErrNetworkFS saying why and what to do", c.name, c.path, err)
		}
	}
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("reading a database on a network drive: %v", err)
	}
	defer r.Close()
	if _, err := r.Programs(ctx); err != nil {
		t.Error(err)
	}
}
