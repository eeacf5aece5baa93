//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadOnlyDatabase runs danvanctl on a database whose file, or folder, it may
// not write. Root may write anything, so as root the binary runs as nobody.
func TestReadOnlyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds danvanctl")
	}
	base := t.TempDir()
	// t.TempDir's parent is private to the user who runs the test.
	if err := os.Chmod(filepath.Dir(base), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := buildCtl(t, base)
	out := filepath.Join(base, "out")
	if err := os.Mkdir(out, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(out, 0o777) // whatever the umask
	runAs := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Skipf("cannot run danvanctl as another user: %v", err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	for _, c := range []struct {
		name           string
		fileMode, mode os.FileMode // of the file and of its folder
	}{
		{"read-only file", 0o444, 0o777},
		{"read-only folder", 0o666, 0o555},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(base, strings.ReplaceAll(c.name, " ", "-"))
			db := filepath.Join(dir, "danvan.db")
			if code, _, stderr := ctl(t, "--db", db, "demo"); code != exitOK {
				t.Fatal(stderr)
			}
			want := exportOf(t, db)
			if err := errors.Join(os.Chmod(db, c.fileMode), os.Chmod(dir, c.mode)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			before, _ := os.ReadFile(db)
			for _, args := range [][]string{
				{"list", "programs"},
				{"export"},
				{"check"},
				{"batches"},
				{"backup", "-o", filepath.Join(out, c.fileMode.String()+".db")},
				{"chart", "--program", "CTPH-2026", "-o", filepath.Join(out, c.fileMode.String()+".png")},
			} {
				code, stdout, stderr := runAs(append([]string{"--db", db}, args...)...)
				if code != exitOK {
					t.Errorf("%v: exit %d: %s", args, code, stderr)
				}
				if args[0] == "export" && stdout != want {
					t.Errorf("export reads other values from the read-only database")
				}
			}
			in := filepath.Join(out, "in.csv")
			if err := os.WriteFile(in, []byte(goodFile), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runAs("--db", db, "import", "--unit", "E123", in)
			if code != exitIO || !strings.Contains(stderr, "read-only") || !strings.Contains(stderr, "copy it to a folder you can write to") || strings.Contains(stderr, "damaged") {
				t.Errorf("import into a read-only database: exit %d, stderr %q; want exit 3 saying it is read-only and what to do", code, stderr)
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
				t.Error("the read-only database changed")
			}
		})
	}
}
