package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestBackupOntoAFullDisk runs the backup in a child process whose files may not grow
// past 256 KiB (RLIMIT_FSIZE, with SIGXFSZ ignored so that writes fail with EFBIG as
// on a full disk): the backup fails, and nothing is left under its name or beside it.
func TestBackupOntoAFullDisk(t *testing.T) {
	if args := os.Getenv("DANVAN_FSIZE_ARGS"); args != "" {
		signal.Ignore(syscall.SIGXFSZ)
		limit := uint64(256 << 10)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			t.Fatal(err)
		}
		os.Exit(run(context.Background(), strings.Split(args, "\n"), os.Stdout, os.Stderr))
	}
	db := demoDB(t)
	if st, err := os.Stat(db); err != nil || st.Size() < 512<<10 {
		t.Fatalf("the demo database (%v) must be larger than the limit", err)
	}
	dir := t.TempDir()
	dest := filepath.Join(dir, "backup.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBackupOntoAFullDisk$")
	cmd.Env = append(os.Environ(), "DANVAN_FSIZE_ARGS="+strings.Join([]string{"--db", db, "backup", "-o", dest}, "\n"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitIO || !strings.Contains(stderr.String(), "backup to "+dest) {
		t.Errorf("backup onto a full disk: exit %d, stdout %q, stderr %q; want exit 3", code, stdout.String(), stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		var names []string
		for _, e := range entries {
			info, _ := e.Info()
			names = append(names, e.Name()+" ("+strconv.FormatInt(info.Size(), 10)+" bytes)")
		}
		t.Errorf("the failed backup left %v", names)
	}
	if code, _, stderr := ctl(t, "--db", db, "backup", "-o", dest); code != exitOK {
		t.Errorf("backup with room to write: exit %d: %s", code, stderr)
	}
}
