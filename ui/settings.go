package ui

import (
	"context"
	"errors"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/assets"
	"danvan/data"
)

// Preference keys.
const (
	prefLanguage   = "language"   // "vi" or "en"; "" (never chosen) is Vietnamese
	prefTheme      = "theme"      // "", "light" or "dark"
	prefGreenAt    = "greenAt"    // % of target
	prefAmberAt    = "amberAt"    // % of target
	prefBackupDir  = "backupDir"  // "" for a "backups" folder next to the database
	prefBackupKeep = "backupKeep" // automatic backups kept
	prefAutoBackup = "autoBackup" // back up before each import
)

// Defaults of the settings.
const (
	defaultGreenAt    = 100.0
	defaultAmberAt    = 70.0
	defaultBackupKeep = 10
	maxThreshold      = 1000.0
)

// Thresholds are the % of target at or above which a figure shows as on track
// (green) or behind (amber); below amber it is far behind (red).
func Thresholds(a fyne.App) (green, amber float64) {
	p := a.Preferences()
	green = p.FloatWithFallback(prefGreenAt, defaultGreenAt)
	amber = p.FloatWithFallback(prefAmberAt, defaultAmberAt)
	if checkThresholds(green, amber) != nil {
		return defaultGreenAt, defaultAmberAt
	}
	return green, amber
}

func checkThresholds(green, amber float64) error {
	if !(amber > 0 && amber <= green && green <= maxThreshold) { // also false for NaN
		return errors.New(lang.L("The thresholds must be numbers with 0 < amber ≤ green ≤ 1000."))
	}
	return nil
}

// parsePercent reads a number written either way ("85,5" or "85.5").
func parsePercent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), ",", "."), 64)
	if err != nil {
		return 0, errors.New(lang.L("Write a number, for example 85 or 92,5."))
	}
	return v, nil
}

// ApplyLanguagePreference makes the translations follow the language chosen in
// Settings rather than the system's. Call it after the translations are added and
// before the interface is built: Fyne resolves words when widgets are made, so a
// new choice takes effect at the next start.
//
// Fyne 2.8 has no call to choose the language: it matches the system locale against
// the translation files. So the chosen language's words are also loaded under the
// other language, and whichever the system resolves to speaks the chosen one.
func ApplyLanguagePreference(a fyne.App) {
	applyLanguage(a.Preferences().String(prefLanguage))
}

// applyLanguage loads the words of choice, Vietnamese when none was made: the
// officers' language, whatever the system's is (C.UTF-8 on Linux, English
// Windows in many offices).
func applyLanguage(choice string) {
	if choice == "" {
		choice = "vi"
	}
	files := map[string][]byte{}
	for _, code := range []string{"en", "vi"} {
		b, err := assets.Translations.ReadFile("translation/" + code + ".json")
		if err != nil {
			fyne.LogError("reading translations", err)
			return
		}
		files[code] = b
	}
	for _, code := range []string{"en", "vi"} { // undo an earlier choice
		add(files[code], code)
	}
	if b, ok := files[choice]; ok {
		for _, code := range []string{"en", "vi"} {
			if code != choice {
				add(b, code)
			}
		}
	}
}

func add(b []byte, code string) {
	if err := lang.AddTranslationsForLocale(b, fyne.Locale(code)); err != nil {
		fyne.LogError("loading translations", err)
	}
}

// forcedVariant is a theme that draws in one variant whatever the system's.
type forcedVariant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t forcedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// ApplyThemePreference sets the theme chosen in Settings: the system's variant,
// light or dark.
func ApplyThemePreference(a fyne.App) {
	switch a.Preferences().String(prefTheme) {
	case "light":
		a.Settings().SetTheme(forcedVariant{theme.DefaultTheme(), theme.VariantLight})
	case "dark":
		a.Settings().SetTheme(forcedVariant{theme.DefaultTheme(), theme.VariantDark})
	default:
		a.Settings().SetTheme(theme.DefaultTheme())
	}
}

// backupPattern names automatic backups; only these are ever pruned.
var backupPattern = regexp.MustCompile(`^danvan-\d{8}-\d{6}(-\d+)?\.db$`)

// BackupDir is the folder of automatic backups: the one chosen in Settings, else
// a "backups" folder next to the database.
func BackupDir(a fyne.App, dbPath string) string {
	if dir := a.Preferences().String(prefBackupDir); dir != "" {
		return dir
	}
	return filepath.Join(filepath.Dir(dbPath), "backups")
}

// AutoBackup backs the database up before an import when Settings ask for it: it
// writes danvan-YYYYMMDD-HHMMSS.db to the backup folder and deletes the oldest
// automatic backups beyond the number to keep. It returns "" and no error when
// automatic backups are off. It takes a while: call it off the UI goroutine.
func AutoBackup(a fyne.App, store *data.Store) (path string, err error) {
	p := a.Preferences()
	if !p.BoolWithFallback(prefAutoBackup, true) {
		return "", nil
	}
	return backupInto(context.Background(), store, BackupDir(a, store.Path()), p.IntWithFallback(prefBackupKeep, defaultBackupKeep), time.Now())
}

func backupInto(ctx context.Context, store interface {
	Backup(context.Context, string) error
}, dir string, keep int, now time.Time,
) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	stamp := "danvan-" + now.Format("20060102-150405")
	path := filepath.Join(dir, stamp+".db")
	for n := 2; ; n++ { // two imports in the same second
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		path = filepath.Join(dir, stamp+"-"+strconv.Itoa(n)+".db")
	}
	if err := store.Backup(ctx, path); err != nil {
		return "", err
	}
	return path, pruneBackups(dir, max(keep, 1))
}

// pruneBackups deletes the oldest automatic backups in dir beyond keep.
func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && backupPattern.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	// The stamp sorts by time; "-2" comes after the plain name of the same second.
	sort.Slice(names, func(i, j int) bool {
		return strings.TrimSuffix(names[i], ".db") < strings.TrimSuffix(names[j], ".db")
	})
	var errs []error
	for _, n := range names[:max(0, len(names)-keep)] {
		errs = append(errs, os.Remove(filepath.Join(dir, n)))
	}
	return errors.Join(errs...)
}

// Settings is the settings dialog's content.
type Settings struct {
	app    fyne.App
	win    fyne.Window
	dbPath string
	saved  func()
	dialog dialog.Dialog
	// Restart, if set, starts danvan again: offered when the language changes.
	Restart func()

	Language   *widget.Select
	Theme      *widget.Select
	Green      *widget.Entry
	Amber      *widget.Entry
	BackupDir  *widget.Label
	ChooseDir  *widget.Button
	Keep       *widget.Entry
	AutoBackup *widget.Check
	Error      *widget.Label
	Save       *widget.Button
	Cancel     *widget.Button
	content    fyne.CanvasObject
	backupDir  string // "" for the default

	LanguageChanged bool // by the last save
}

var (
	languageCodes = []string{"vi", "en"}
	themeCodes    = []string{"", "light", "dark"}
)

// NewSettings builds the settings form from the stored preferences. dbPath is the
// open database ("" for none); saved runs after the settings are stored.
func NewSettings(a fyne.App, win fyne.Window, dbPath string, saved func()) *Settings {
	p := a.Preferences()
	s := &Settings{app: a, win: win, dbPath: dbPath, saved: saved, backupDir: p.String(prefBackupDir)}
	s.Language = widget.NewSelect([]string{"Tiếng Việt", "English"}, nil)
	s.Language.SetSelectedIndex(max(0, indexOf(languageCodes, p.String(prefLanguage))))
	s.Theme = widget.NewSelect([]string{lang.L("System"), lang.L("Light"), lang.L("Dark")}, nil)
	s.Theme.SetSelectedIndex(max(0, indexOf(themeCodes, p.String(prefTheme))))

	green, amber := Thresholds(a)
	s.Green = widget.NewEntry()
	s.Green.SetText(formatPercent(green))
	s.Amber = widget.NewEntry()
	s.Amber.SetText(formatPercent(amber))
	s.Green.Validator = func(t string) error { _, err := parsePercent(t); return err }
	s.Amber.Validator = s.Green.Validator

	s.BackupDir = widget.NewLabel("")
	s.BackupDir.Wrapping = fyne.TextWrapBreak
	s.showBackupDir()
	s.ChooseDir = widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), s.chooseDir)
	reset := widget.NewButton(lang.L("Default"), func() { s.backupDir = ""; s.showBackupDir() })
	s.Keep = widget.NewEntry()
	s.Keep.SetText(strconv.Itoa(p.IntWithFallback(prefBackupKeep, defaultBackupKeep)))
	s.Keep.Validator = func(t string) error { _, err := parseKeep(t); return err }
	s.AutoBackup = widget.NewCheck(lang.L("Back up automatically before each import"), nil)
	s.AutoBackup.SetChecked(p.BoolWithFallback(prefAutoBackup, true))

	db := widget.NewLabel(dbPath)
	if dbPath == "" {
		db.SetText(lang.L("No database is open."))
	}
	db.Wrapping = fyne.TextWrapBreak

	s.Error = widget.NewLabel("")
	s.Error.Importance = widget.DangerImportance
	s.Error.Wrapping = fyne.TextWrapWord
	s.Error.Hide()

	note := func(t string) *widget.Label {
		l := lowLabel(t)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Language"), container.NewVBox(s.Language,
			note(lang.L("Takes effect after restarting danvan.")))),
		widget.NewFormItem(lang.L("Theme"), s.Theme),
		widget.NewFormItem(lang.L("On track (green) from"), container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("% of target")), s.Green)),
		widget.NewFormItem(lang.L("Behind (amber) from"), container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("% of target")), s.Amber)),
		widget.NewFormItem(lang.L("Backup folder"), container.NewBorder(nil, nil, nil, container.NewHBox(s.ChooseDir, reset), s.BackupDir)),
		widget.NewFormItem(lang.L("Keep the last"), container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("automatic backups")), s.Keep)),
		widget.NewFormItem("", s.AutoBackup),
		widget.NewFormItem(lang.L("Database"), container.NewVBox(db,
			note(lang.L("Use File › Open database… to switch to another database.")))),
	)
	s.Save = widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), func() {
		if !s.save() || s.dialog == nil {
			return
		}
		s.dialog.Hide()
		if s.LanguageChanged && s.Restart != nil {
			dialog.ShowConfirm(lang.L("Settings"), lang.L("The new language takes effect after restarting danvan. Restart now?"), func(now bool) {
				if now {
					s.Restart()
				}
			}, s.win)
		}
	})
	s.Save.Importance = widget.HighImportance
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		if s.dialog != nil {
			s.dialog.Hide()
		}
	})
	buttons := container.NewHBox(layout.NewSpacer(), s.Cancel, s.Save)
	s.content = container.NewBorder(nil, container.NewVBox(s.Error, buttons), nil, nil, container.NewVScroll(form))
	return s
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// formatPercent writes a threshold as short as it goes: "100", "92,5" in Vietnamese.
func formatPercent(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if uiLang() == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func parseKeep(t string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(t))
	if err != nil || n < 1 || n > 1000 {
		return 0, errors.New(lang.L("Write a whole number from 1 to 1000."))
	}
	return n, nil
}

func (s *Settings) showBackupDir() {
	if s.backupDir != "" {
		s.BackupDir.SetText(s.backupDir)
		return
	}
	if s.dbPath == "" {
		s.BackupDir.SetText(lang.L("A “backups” folder next to the database"))
		return
	}
	s.BackupDir.SetText(filepath.Join(filepath.Dir(s.dbPath), "backups"))
}

func (s *Settings) chooseDir() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			showError(err, s.win)
			return
		}
		if u == nil {
			return
		}
		s.backupDir = u.Path()
		s.showBackupDir()
	}, s.win)
	d.Show()
	d.Resize(fileDialogSize) // a FileDialog cannot be resized before it is shown
}

// save checks the form and stores it; on a mistake it says what is wrong and
// returns false.
func (s *Settings) save() bool {
	var problems []string
	green, err1 := parsePercent(s.Green.Text)
	amber, err2 := parsePercent(s.Amber.Text)
	for _, err := range []error{err1, err2} {
		if err != nil {
			problems = append(problems, errorText(err))
		}
	}
	if err1 == nil && err2 == nil {
		if err := checkThresholds(green, amber); err != nil {
			problems = append(problems, errorText(err))
		}
	}
	keep, err := parseKeep(s.Keep.Text)
	if err != nil {
		problems = append(problems, errorText(err))
	}
	if len(problems) > 0 {
		s.Error.SetText(strings.Join(problems, "\n"))
		s.Error.Show()
		return false
	}
	s.Error.Hide()
	p := s.app.Preferences()
	langBefore := p.String(prefLanguage)
	p.SetString(prefLanguage, languageCodes[max(0, s.Language.SelectedIndex())])
	p.SetString(prefTheme, themeCodes[max(0, s.Theme.SelectedIndex())])
	p.SetFloat(prefGreenAt, green)
	p.SetFloat(prefAmberAt, amber)
	p.SetString(prefBackupDir, s.backupDir)
	p.SetInt(prefBackupKeep, keep)
	p.SetBool(prefAutoBackup, s.AutoBackup.Checked)
	ApplyThemePreference(s.app)
	if s.saved != nil {
		s.saved()
	}
	s.LanguageChanged = p.String(prefLanguage) != langBefore
	return true
}

// Show opens the settings in a dialog over the window.
func (s *Settings) Show() {
	s.dialog = dialog.NewCustomWithoutButtons(lang.L("Settings"), s.content, s.win)
	s.dialog.Resize(fyne.NewSize(640, 560))
	s.dialog.Show()
}

// showSettings is File › Settings….
func (m *Main) showSettings() {
	path := ""
	if m.store != nil {
		path = m.store.Path()
	}
	st := NewSettings(m.app, m.win, path, func() {
		if m.Dashboard != nil {
			m.Dashboard.reload() // the thresholds colour it
		}
	})
	st.Restart = m.restart
	st.Show()
}

// restart starts danvan again on the database it has open, then quits: the words
// of a new language are chosen when the widgets are made.
func (m *Main) restart() {
	m.confirmLeave(func() {
		exe, err := os.Executable()
		if err != nil {
			showError(err, m.win)
			return
		}
		var args []string
		if m.store != nil {
			args = []string{"--db", m.store.Path()}
		}
		cmd := exec.Command(exe, args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			showError(err, m.win)
			return
		}
		cmd.Process.Release() //nolint:errcheck // the new window lives on its own
		m.app.Quit()
	})
}
