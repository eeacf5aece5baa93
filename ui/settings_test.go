package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
)

func TestSettingsThresholdsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	if g, am := Thresholds(a); g != 100 || am != 70 {
		t.Fatalf("default thresholds %v, %v", g, am)
	}
	saved := 0
	s := NewSettings(a, w, "/data/danvan.db", func() { saved++ })
	s.Show()
	s.Green.SetText("95")
	s.Amber.SetText("62,5")
	s.Keep.SetText("4")
	s.Theme.SetSelectedIndex(2)
	test.Tap(s.Save)
	if s.Error.Visible() || saved != 1 {
		t.Fatalf("save failed: %q", s.Error.Text)
	}
	if g, am := Thresholds(a); g != 95 || am != 62.5 {
		t.Fatalf("thresholds after save %v, %v", g, am)
	}
	if _, ok := a.Settings().Theme().(forcedVariant); !ok {
		t.Errorf("dark theme not applied: %T", a.Settings().Theme())
	}
	if c := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); c != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Errorf("forced dark theme draws background %v", c)
	}

	again := NewSettings(a, w, "/data/danvan.db", nil)
	if again.Green.Text != "95" || again.Amber.Text != "62,5" || again.Keep.Text != "4" || again.Theme.SelectedIndex() != 2 {
		t.Fatalf("reopened: green %q amber %q keep %q theme %d", again.Green.Text, again.Amber.Text, again.Keep.Text, again.Theme.SelectedIndex())
	}
	if again.BackupDir.Text != filepath.Join("/data", "backups") || !again.AutoBackup.Checked {
		t.Errorf("backup folder %q, auto %v", again.BackupDir.Text, again.AutoBackup.Checked)
	}
}

func TestSettingsRejectBadThresholds(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	for _, c := range [][2]string{{"abc", "70"}, {"80", "90"}, {"100", "0"}, {"2000", "70"}, {"100", "-5"}} {
		s := NewSettings(a, w, "", nil)
		s.Show()
		s.Green.SetText(c[0])
		s.Amber.SetText(c[1])
		test.Tap(s.Save)
		if !s.Error.Visible() || s.Error.Text == "" {
			t.Errorf("green %s amber %s accepted", c[0], c[1])
		}
		if !containsText(renderedTexts(w), s.Error.Text) {
			t.Errorf("the error is not shown in the dialog")
		}
		s.dialog.Hide()
	}
	if g, am := Thresholds(a); g != 100 || am != 70 {
		t.Fatalf("bad thresholds stored: %v, %v", g, am)
	}
	s := NewSettings(a, w, "", nil)
	s.Keep.SetText("0")
	if s.save() {
		t.Error("keeping 0 backups accepted")
	}
}

func TestAutoBackupWritesAndPrunes(t *testing.T) {
	a := test.NewTempApp(t)
	st := demoCopy(t)
	defer st.Close()
	dir := filepath.Join(t.TempDir(), "bk")
	a.Preferences().SetString(prefBackupDir, dir)
	a.Preferences().SetInt(prefBackupKeep, 3)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Older automatic backups, and a file of the user's that must stay.
	for _, n := range []string{"danvan-20250101-080000.db", "danvan-20250102-080000.db", "danvan-20250103-080000.db", "danvan-20250101-0800.db", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path, err := AutoBackup(a, st)
	if err != nil {
		t.Fatal(err)
	}
	if !backupPattern.MatchString(filepath.Base(path)) || filepath.Dir(path) != dir {
		t.Fatalf("backup written to %s", path)
	}
	copyStore, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	if progs, err := copyStore.Programs(context.Background()); err != nil || len(progs) != 2 {
		t.Errorf("backup holds %d programs, %v", len(progs), err)
	}
	copyStore.Close()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"danvan-20250102-080000.db", "danvan-20250103-080000.db", filepath.Base(path), "danvan-20250101-0800.db", "notes.txt"}
	for _, n := range want {
		if !slices.Contains(names, n) {
			t.Errorf("%s is gone; folder holds %v", n, names)
		}
	}
	if len(names) != len(want) {
		t.Errorf("folder holds %v, want %v", names, want)
	}

	// Two backups in one second get distinct names; off means no backup.
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p1, err1 := backupInto(context.Background(), st, dir, 10, now)
	p2, err2 := backupInto(context.Background(), st, dir, 10, now)
	if err1 != nil || err2 != nil || p1 == p2 || !backupPattern.MatchString(filepath.Base(p2)) {
		t.Errorf("same second: %s %v, %s %v", p1, err1, p2, err2)
	}
	a.Preferences().SetBool(prefAutoBackup, false)
	if p, err := AutoBackup(a, st); p != "" || err != nil {
		t.Errorf("automatic backup off wrote %q, %v", p, err)
	}
}

func TestBackupDirDefault(t *testing.T) {
	a := test.NewTempApp(t)
	if got := BackupDir(a, filepath.Join("/x", "y", "danvan.db")); got != filepath.Join("/x", "y", "backups") {
		t.Errorf("default backup folder %s", got)
	}
}

func TestLanguagePreferenceOverridesSystem(t *testing.T) {
	a := test.NewTempApp(t)
	defer applyLanguage("") // back to the default, Vietnamese
	a.Preferences().SetString(prefLanguage, "en")
	ApplyLanguagePreference(a)
	if uiLang() != "en" {
		t.Fatalf("uiLang %q after choosing English", uiLang())
	}
	a.Preferences().SetString(prefLanguage, "vi")
	ApplyLanguagePreference(a)
	if uiLang() != "vi" {
		t.Fatalf("uiLang %q after choosing Vietnamese", uiLang())
	}
	a.Preferences().SetString(prefLanguage, "")
	ApplyLanguagePreference(a)
	if uiLang() != "vi" {
		t.Fatalf("uiLang %q with no language chosen, want Vietnamese whatever the system speaks", uiLang())
	}
}

func TestApplyThemePreference(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefTheme, "light")
	ApplyThemePreference(a)
	th := a.Settings().Theme()
	if th.Color(theme.ColorNameForeground, theme.VariantDark) != theme.DefaultTheme().Color(theme.ColorNameForeground, theme.VariantLight) {
		t.Error("light theme follows the dark variant")
	}
	a.Preferences().SetString(prefTheme, "")
	ApplyThemePreference(a)
	if _, forced := a.Settings().Theme().(forcedVariant); forced {
		t.Error("system theme still forced")
	}
}
