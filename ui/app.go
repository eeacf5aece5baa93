// Package ui is danvan's desktop interface: the main window, its menus and one
// screen per file. It imports no SQL; everything goes through danvan/data, and each
// screen asks only for the few store methods it uses.
package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/assets"
	"danvan/data"
)

// BuildInfo says which build is running, for the About box.
type BuildInfo struct {
	Version, Commit, Date string
}

// Icon is the application icon.
func Icon() fyne.Resource {
	return fyne.NewStaticResource("icon.png", assets.IconPNG)
}

// background runs database work off the UI goroutine, counted in wg so that the
// window can wait for it before closing the store. Tests make it synchronous: fyne's
// test driver runs fyne.Do on the calling goroutine, so real goroutines would touch
// widgets at the same time as the test and each other.
var background = func(wg *sync.WaitGroup, f func()) { wg.Go(f) }

// screen is one entry of the sidebar.
type screen interface {
	title() string
	icon() fyne.Resource
	view() fyne.CanvasObject
	reload()      // (re)load from the store, off the UI goroutine
	focusSearch() // Ctrl+F
	stop()        // cancel pending queries: the store is about to close
}

// Main is the main window: a sidebar of screens over the open database.
type Main struct {
	app  fyne.App
	win  fyne.Window
	info BuildInfo

	store   *data.Store
	screens []screen
	current int

	nav  *widget.List
	body *fyne.Container

	// Exposed for tests; nil until a database is open.
	Dashboard  *Dashboard
	Localities *Localities
	Programs   *Programs
	Values     *Values
	Entry      *Entry
	Charts     *Charts
	Import     *Import
	Units      *Units
	Quality    *Quality

	work sync.WaitGroup // first-run check, demo load, file operations

	// watch looks for commits to the database (see watchChanges); stopWatch ends it.
	watch     *data.Watcher
	stopWatch func()
	watching  bool // look by itself every data.WatchEvery; tests call pollChanges
}

// New builds the main window's content and menus. Call SetStore (or ShowOpenError)
// next.
func New(a fyne.App, w fyne.Window, info BuildInfo) *Main {
	m := &Main{app: a, win: w, info: info, body: container.NewStack()}
	m.nav = widget.NewList(
		func() int { return len(m.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Icon).SetResource(m.screens[id].icon())
			box.Objects[1].(*widget.Label).SetText(m.screens[id].title())
		},
	)
	m.nav.OnSelected = func(id widget.ListItemID) { m.show(id) }
	w.SetTitle("danvan")
	w.SetIcon(Icon())
	w.SetMainMenu(m.menu())
	w.SetContent(m.body)
	w.SetOnDropped(m.dropped)
	w.SetCloseIntercept(func() { m.confirmLeave(w.Close) })
	guardFileDialogs(m.refuseFile)
	m.showNoDatabase()
	return m
}

// refuseFile says why a file dialog must not write name: it is the open database or
// one of its journals, or not a file at all.
func (m *Main) refuseFile(name string) error {
	if m.store == nil {
		return nil
	}
	return m.store.CheckOutput(name)
}

func (m *Main) menu() *fyne.MainMenu {
	newDB := fyne.NewMenuItem(lang.L("New database…"), m.newDatabase)
	open := fyne.NewMenuItem(lang.L("Open database…"), m.openDatabase)
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	backup := fyne.NewMenuItem(lang.L("Backup…"), m.backup)
	settings := fyne.NewMenuItem(lang.L("Settings…"), m.showSettings)
	quit := fyne.NewMenuItem(lang.L("Quit"), func() { m.confirmLeave(m.app.Quit) })
	quit.IsQuit = true
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	// Shortcuts live on menu items because the window offers them to the main menu
	// before the focused widget: a canvas shortcut never fires while an entry has focus.
	find := fyne.NewMenuItem(lang.L("Search"), m.FocusSearch)
	find.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	importFiles := fyne.NewMenuItem(lang.L("Import files…"), m.importFiles)
	importFiles.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault}
	exportValues := fyne.NewMenuItem(lang.L("Export values…"), func() { m.exportValues(false) })
	exportValues.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	exportWide := fyne.NewMenuItem(lang.L("Export values, a column per indicator…"), func() { m.exportValues(true) })
	view := []*fyne.MenuItem{find, fyne.NewMenuItemSeparator()}
	for i, name := range []string{lang.L("Dashboard"), lang.L("Localities"), lang.L("Programs"), lang.L("Values"), lang.L("Data entry"), lang.L("Charts"), lang.L("Import reports"), lang.L("Units"), lang.L("Data quality")} {
		it := fyne.NewMenuItem(name, func() { m.nav.Select(i) })
		it.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(strconv.Itoa(i + 1)), Modifier: fyne.KeyModifierShortcutDefault}
		view = append(view, it)
	}
	about := fyne.NewMenuItem(lang.L("About danvan"), m.about)
	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("File"), newDB, open, backup, fyne.NewMenuItemSeparator(), importFiles, exportValues, exportWide,
			fyne.NewMenuItemSeparator(), settings, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu(lang.L("View"), view...),
		fyne.NewMenu(lang.L("Help"), about),
	)
}

// dropped takes files dropped on the window to the Import screen.
func (m *Main) dropped(_ fyne.Position, uris []fyne.URI) {
	if m.Import == nil {
		return
	}
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		return
	}
	for i, sc := range m.screens {
		if sc == screen(m.Import) {
			m.nav.Select(i)
		}
	}
	m.Import.AddFiles(paths)
}

// FocusSearch puts the cursor in the current screen's search field.
func (m *Main) FocusSearch() {
	if m.current < len(m.screens) {
		m.screens[m.current].focusSearch()
	}
}

// SetStore makes s the window's database, closing the previous one, and offers the
// demo when s is empty.
func (m *Main) SetStore(s *data.Store) {
	m.closeStore()
	m.store = s
	m.win.SetTitle("danvan — " + filepath.Base(s.Path()))
	m.Dashboard = NewDashboard(s, m.win, func() (float64, float64) { return Thresholds(m.app) }, m.dashboardLinks())
	m.Localities = NewLocalities(s, m.win)
	m.Programs = NewPrograms(s, m.win)
	// The window's own writes reload the screens at once; the watcher would too,
	// within half a second, as it does for every other writer.
	m.Programs.OnChanged = m.dataChanged
	m.Values = NewValues(s, m.win)
	m.Entry = NewEntry(s, m.win)
	m.Charts = NewCharts(s, m.win)
	m.Import = NewImport(s, m.win)
	m.Import.OnChanged = m.dataChanged
	m.Entry.OnSaved = m.dataChanged
	m.Import.BeforeImport = func() error {
		_, err := AutoBackup(m.app, s)
		return err
	}
	m.Charts.Thresholds = func() (float64, float64) { return Thresholds(m.app) }
	m.Units = NewUnits(s, m.win)
	m.Quality = NewQuality(s, m.win)
	m.Quality.OnChanged = m.dataChanged
	m.screens = []screen{m.Dashboard, m.Localities, m.Programs, m.Values, m.Entry, m.Charts, m.Import, m.Units, m.Quality}
	for _, sc := range m.screens {
		sc.reload()
	}
	split := container.NewHSplit(m.nav, m.body)
	split.Offset = 0.16
	m.win.SetContent(split)
	m.nav.Refresh()
	cur := m.current
	m.current = -1
	m.nav.Select(cur)
	m.show(cur) // Select does nothing when cur is already selected
	background(&m.work, func() { m.checkEmpty(s) })
	m.startWatching(s)
}

// WatchChanges makes the window look for commits to its database every
// data.WatchEvery, whoever made them (danvanctl importing while the app is open),
// and reload what it shows when there are. main turns it on; tests poll instead.
func (m *Main) WatchChanges() {
	m.watching = true
	if m.store != nil {
		m.startWatching(m.store)
	}
}

func (m *Main) startWatching(s *data.Store) {
	m.stopWatching()
	w, err := s.NewWatcher(context.Background())
	if err != nil {
		fyne.LogError("watching the database for changes", err)
		return
	}
	m.watch = w
	if !m.watching {
		m.stopWatch = func() { w.Close() } //nolint:errcheck // nothing was written through it
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, func() {
			fyne.Do(func() {
				if m.store == s {
					m.dataChanged()
				}
			})
		})
	}()
	m.stopWatch = func() { cancel(); <-done; w.Close() } //nolint:errcheck // nothing was written through it
}

func (m *Main) stopWatching() {
	if m.stopWatch != nil {
		m.stopWatch()
		m.stopWatch, m.watch = nil, nil
	}
}

// pollChanges looks once for commits, as the watcher does every data.WatchEvery,
// and reloads the screens if there were; for tests.
func (m *Main) pollChanges() error {
	changed, err := m.watch.Changed(context.Background())
	if err == nil && changed {
		m.dataChanged()
	}
	return err
}

// dataChanged reloads every screen that shows what the database holds, keeping
// the officer's choices: figures, lists, charts (built again, never from the last
// drawing), localities and programs, and the data entry and targets grids unless
// they hold unsaved values.
func (m *Main) dataChanged() {
	m.Dashboard.reload()
	m.Values.reload()
	m.Charts.dataChanged()
	m.Entry.reload()
	m.Import.reloadBatches()
	m.Localities.reload()
	m.Programs.reload()
	if t := m.Programs.Targets; t != nil && !t.Dirty() {
		t.reload()
	}
	m.Units.reload()
	m.Quality.load()
}

// Close closes the open database, if any. main calls it after the window closes.
func (m *Main) Close() {
	m.work.Wait()
	m.closeStore()
}

// Wait waits for background work started by the window itself; for tests.
func (m *Main) Wait() { m.work.Wait() }

func (m *Main) closeStore() {
	m.stopWatching()
	for _, sc := range m.screens {
		sc.stop()
	}
	if m.store != nil {
		if err := m.store.Close(); err != nil {
			fyne.LogError("closing database", err)
		}
		m.store = nil
	}
}

// confirmLeave runs then, after asking about unsaved data entry.
func (m *Main) confirmLeave(then func()) {
	if m.Entry == nil {
		then()
		return
	}
	m.Entry.ConfirmDiscard(then)
}

func (m *Main) show(id int) {
	if id < 0 || id >= len(m.screens) || id == m.current {
		return
	}
	if m.Entry != nil && m.current >= 0 && m.current < len(m.screens) && m.screens[m.current] == screen(m.Entry) && m.Entry.Dirty() {
		m.nav.Select(m.current) // stay on the grid until the user decides
		m.Entry.ConfirmDiscard(func() { m.nav.Select(id) })
		return
	}
	m.current = id
	m.body.Objects = []fyne.CanvasObject{m.screens[id].view()}
	m.body.Refresh()
	if m.screens[id] == screen(m.Entry) {
		m.Entry.focusTable() // typed figures go into the grid, not the sidebar just clicked
	}
}

// showNoDatabase fills the window when no database could be opened, so the user can
// still choose one.
func (m *Main) showNoDatabase() {
	msg := widget.NewLabel(lang.L("No database is open."))
	msg.Alignment = fyne.TextAlignCenter
	open := widget.NewButtonWithIcon(lang.L("Open database…"), theme.FolderOpenIcon(), m.openDatabase)
	newDB := widget.NewButtonWithIcon(lang.L("New database…"), theme.DocumentCreateIcon(), m.newDatabase)
	m.win.SetContent(container.NewCenter(container.NewVBox(msg, container.NewHBox(open, newDB))))
}

// ShowOpenError tells the user why path could not be opened.
func (m *Main) ShowOpenError(path string, err error) {
	var msg string
	switch {
	case errors.Is(err, data.ErrNotDanvan):
		msg = lang.L("This file is not a danvan database. Choose another file, or create a new database.")
	case errors.Is(err, data.ErrNewerVersion):
		msg = lang.L("This database was written by a newer version of danvan. Install the newer version to open it.")
	case errors.Is(err, data.ErrCorrupt):
		msg = lang.L("This file is damaged or is not a database file.")
	case errors.Is(err, data.ErrReadOnly):
		msg = lang.L("This database cannot be written here: the file or its folder is read-only. Copy it to a folder you can write to, or ask for write permission.")
	case errors.Is(err, data.ErrNetworkFS):
		msg = lang.L("This database is on a network drive, where it is damaged when several computers write to it. Copy it to this computer; share it through a backup or an export instead.")
	case errors.Is(err, data.ErrNoDatabase):
		msg = lang.L("This file holds no database. Choose another file, or create a new database.")
	default:
		msg = lang.L("The database could not be opened.")
	}
	text := widget.NewLabel(msg + "\n\n" + lang.L("File:") + " " + path + "\n" + lang.L("Details:") + " " + errorText(err))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("Cannot open database"), lang.L("Close"), text, m.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

// openPath opens path with open (data.OpenExisting, or data.Open for a new
// database) off the UI goroutine and switches the window to it.
func (m *Main) openPath(path string, open func(context.Context, string) (*data.Store, error)) {
	background(&m.work, func() {
		s, err := open(context.Background(), path)
		fyne.Do(func() {
			if err != nil {
				m.ShowOpenError(path, err)
				return
			}
			m.SetStore(s)
		})
	})
}

// dbDir is where file dialogs start: beside the open database.
func (m *Main) dbDir() string {
	if m.store == nil {
		return ""
	}
	return filepath.Dir(m.store.Path())
}

func (m *Main) openDatabase() {
	// Ask about unsaved entries first: the grid goes with the database it edits.
	m.confirmLeave(func() {
		askOpenPath(m.win, m.dbDir(), []string{".db", ".sqlite", ".sqlite3"}, func(path string) {
			if m.store != nil && samePath(path, m.store.Path()) {
				return
			}
			m.openPath(path, data.OpenExisting)
		})
	})
}

func (m *Main) newDatabase() {
	m.confirmLeave(m.askNewDatabase)
}

func (m *Main) askNewDatabase() {
	askSavePath(m.win, "danvan.db", m.dbDir(), "", func(path string) {
		if m.store != nil && samePath(path, m.store.Path()) {
			showInfo(lang.L("New database"), lang.L("This database is open; choose another file name."), m.win)
			return
		}
		// The dialog has just emptied the file. Journal files left by the database
		// that lived there would be replayed into the new one, so they go too.
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		m.openPath(path, data.Open)
	})
}

func backupName(now time.Time) string {
	return "danvan-" + now.Format("20060102-1504") + ".db"
}

func (m *Main) backup() {
	if m.store == nil {
		return
	}
	s := m.store
	askSavePath(m.win, backupName(time.Now()), m.dbDir(), "", func(dest string) {
		// The dialog created (or, after the user agreed, emptied) the file, but
		// Backup refuses to write over an existing one.
		if st, err := os.Stat(dest); err == nil && st.Size() == 0 {
			os.Remove(dest)
		}
		prog := dialog.NewCustomWithoutButtons(lang.L("Backup"), widget.NewProgressBarInfinite(), m.win)
		prog.Show()
		background(&m.work, func() {
			err := s.Backup(context.Background(), dest)
			fyne.Do(func() {
				prog.Hide()
				if err != nil {
					showError(err, m.win)
					return
				}
				showInfo(lang.L("Backup"), lang.L("The backup was written to:")+"\n"+dest, m.win)
			})
		})
	})
}

// importFiles opens the Import screen's file chooser (Ctrl+I).
func (m *Main) importFiles() {
	if m.Import == nil {
		return
	}
	m.showScreenOf(m.Import)
	m.Import.chooseFile()
}

// exportValues writes the values the Values screen's filters select as CSV, a
// value per row (Ctrl+E) or, wide, a column per indicator: the formats danvanctl
// export writes and the import reads back.
func (m *Main) exportValues(wide bool) {
	if m.Values == nil {
		return
	}
	f, ok := m.Values.filter()
	if !ok {
		m.showScreenOf(m.Values) // the filters show what is wrong
		return
	}
	askSavePath(m.win, "so-lieu-"+time.Now().Format("20060102")+".csv", m.dbDir(), ".csv", func(path string) {
		background(&m.work, func() {
			err := m.exportValuesTo(context.Background(), f, wide, path)
			fyne.Do(func() {
				if err != nil {
					showError(err, m.win)
					return
				}
				showInfo(lang.L("Export values"), lang.L("The values were written to:")+"\n"+path, m.win)
			})
		})
	})
}

func (m *Main) exportValuesTo(ctx context.Context, f data.ValueFilter, wide bool, path string) error {
	f.Limit = 0 // the screen shows the first rows; the file holds them all
	export := m.store.ExportLong
	if wide {
		export = m.store.ExportWide
	}
	return m.store.WriteFile(path, func(w io.Writer) error { return export(ctx, w, f) })
}

func (m *Main) about() {
	path := ""
	if m.store != nil {
		path = m.store.Path()
	}
	text := widget.NewLabel(lang.L("Mass-mobilization results of coordination programs, by locality and period.") + "\n\n" +
		lang.L("Version:") + " " + orUnknown(m.info.Version) + "\n" +
		lang.L("Commit:") + " " + orUnknown(m.info.Commit) + "\n" +
		lang.L("Built:") + " " + orUnknown(m.info.Date) + "\n" +
		lang.L("Database:") + " " + path)
	text.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(Icon())
	content := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(96, 96), icon), nil, text)
	d := dialog.NewCustom("danvan", lang.L("Close"), content, m.win)
	d.Resize(fyne.NewSize(600, 280))
	d.Show()
}

// orUnknown is a build detail as the About box shows it: the build leaves
// "unknown" where it was not told.
func orUnknown(s string) string {
	if s == "" || s == "unknown" {
		return lang.L("unknown")
	}
	return s
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// emptyStore is what the first-run check needs.
type emptyStore interface {
	Programs(context.Context) ([]data.Program, error)
	Units(context.Context) ([]data.Unit, error)
	LocalitiesAt(context.Context, time.Time) ([]data.Locality, error)
}

// isEmpty reports whether s holds nothing at all. Programs and units are few, so
// they are asked first; localities only when both are missing.
func isEmpty(ctx context.Context, s emptyStore) (bool, error) {
	if p, err := s.Programs(ctx); err != nil || len(p) > 0 {
		return false, err
	}
	if u, err := s.Units(ctx); err != nil || len(u) > 0 {
		return false, err
	}
	// Every locality ever loaded is in force on some day; none is in force on any
	// day in an empty database. Today and before the 2025 reform cover real files.
	for _, d := range []time.Time{today(), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)} {
		if l, err := s.LocalitiesAt(ctx, d); err != nil || len(l) > 0 {
			return false, err
		}
	}
	return true, nil
}

func (m *Main) checkEmpty(s *data.Store) {
	empty, err := isEmpty(context.Background(), s)
	if err != nil || !empty {
		return
	}
	fyne.Do(func() {
		if m.store == s {
			m.offerDemo(s)
		}
	})
}

// offerDemo is the first-run dialog of an empty database.
func (m *Main) offerDemo(s *data.Store) {
	text := widget.NewLabel(lang.L("This database is empty. Load the demo data (Lạng Sơn and Hậu Giang, two coordination programs, results 2021–2026) to try danvan, or start empty and load your own lists?"))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("New database"), lang.L("Load demo data"), lang.L("Start empty"), text,
		func(load bool) {
			if load {
				m.loadDemo(s)
			}
		}, m.win)
	d.Resize(fyne.NewSize(560, 240))
	d.Show()
}

func (m *Main) loadDemo(s *data.Store) {
	bar := widget.NewProgressBarInfinite()
	prog := dialog.NewCustomWithoutButtons(lang.L("Loading demo data…"), bar, m.win)
	prog.Show()
	background(&m.work, func() {
		err := s.LoadDemo(context.Background())
		fyne.Do(func() {
			prog.Hide()
			bar.Stop()
			if err != nil {
				showError(err, m.win)
			}
			if m.store == s {
				for _, sc := range m.screens {
					sc.reload()
				}
			}
		})
	})
}
