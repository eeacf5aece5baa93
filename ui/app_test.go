package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/internal/testdb"
)

func newMain(t *testing.T) (*Main, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	m := New(a, w, BuildInfo{Version: "test"})
	t.Cleanup(m.Close)
	return m, w
}

// waitAll waits for the window's own work and then the screens' loads it started.
func (m *Main) waitAll() {
	m.Wait()
	m.Localities.work.Wait()
	m.Programs.work.Wait()
	m.Values.work.Wait()
	m.Units.work.Wait()
}

func TestFirstRunOffersDemoAndLoadsIt(t *testing.T) {
	m, w := newMain(t)
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	m.SetStore(s)
	m.waitAll()
	if w.Title() != "danvan — new.db" {
		t.Errorf("title %q", w.Title())
	}
	if !containsText(renderedTexts(w), "Cơ sở dữ liệu này còn trống") {
		t.Fatalf("no first-run dialog; window shows %q", renderedTexts(w))
	}
	m.loadDemo(s)
	m.waitAll()
	if len(m.Programs.programs) != 2 || len(m.Values.Rows) == 0 || len(m.Localities.tree.byID) == 0 {
		t.Fatalf("after the demo: %d programs, %d values, %d localities",
			len(m.Programs.programs), len(m.Values.Rows), len(m.Localities.tree.byID))
	}
	if len(m.Units.byID) != 9 {
		t.Errorf("units tree holds %d units", len(m.Units.byID))
	}
}

func TestFilledDatabaseHasNoFirstRunDialog(t *testing.T) {
	empty, err := isEmpty(context.Background(), demo)
	if err != nil || empty {
		t.Fatalf("isEmpty(demo) = %v, %v", empty, err)
	}
}

func TestOpeningAForeignFileShowsWhy(t *testing.T) {
	m, w := newMain(t)
	path := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("báo cáo tháng 7\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	m.openPath(path, data.OpenExisting)
	m.Wait()
	texts := renderedTexts(w)
	if !containsText(texts, "Tệp bị hỏng hoặc không phải tệp cơ sở dữ liệu") || !containsText(texts, path) {
		t.Fatalf("no clear error for a foreign file; window shows %q", texts)
	}
	if m.store != nil {
		t.Fatal("a foreign file became the open database")
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "báo cáo") {
		t.Fatal("the foreign file was modified")
	}
}

func TestBackupName(t *testing.T) {
	if got := backupName(time.Date(2025, 7, 1, 9, 5, 0, 0, time.Local)); got != "danvan-20250701-0905.db" {
		t.Fatal(got)
	}
}

func TestFileDialogsOpen(t *testing.T) {
	m, w := newMain(t)
	s, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	m.SetStore(s)
	m.waitAll()
	for _, open := range []func(){m.openDatabase, m.newDatabase, m.backup} {
		before := len(w.Canvas().Overlays().List())
		open()
		if len(w.Canvas().Overlays().List()) <= before {
			t.Fatal("no file dialog shown")
		}
	}
}

// A file dropped on the window goes to the Import screen, and importing it makes
// the automatic backup first (on by default) next to the database.
func TestDroppedFileImportsAfterABackup(t *testing.T) {
	m, _ := newMain(t)
	dir := t.TempDir()
	s, err := data.Open(context.Background(), filepath.Join(dir, "danvan.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.SetStore(s)
	m.waitAll()
	csv := filepath.Join(t.TempDir(), "mai-sao.csv")
	if err := os.WriteFile(csv, []byte("Mã địa bàn,Mã chỉ tiêu,Kỳ báo cáo,Giá trị,Đơn vị\n06484,TT_DOT,Quý 3/2024,21,BCHQS-CL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(csv)})
	m.Import.work.Wait()
	if m.screens[m.current] != screen(m.Import) || len(m.Import.Files) != 1 {
		t.Fatalf("after the drop: screen %d, %d files", m.current, len(m.Import.Files))
	}
	test.Tap(m.Import.ImportButton)
	m.Import.work.Wait()
	if m.Import.Files[0].Result.BatchID == 0 {
		t.Fatalf("not imported: %+v %v", m.Import.Files[0].Result, m.Import.Files[0].Err)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "backups", "danvan-*.db"))
	if len(backups) != 1 {
		t.Fatalf("backups before the import: %v", backups)
	}
	b, err := data.Open(context.Background(), backups[0])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if batches, _ := b.Batches(context.Background()); len(batches) != 0 {
		t.Errorf("the backup was taken after the import: %d batches in it", len(batches))
	}
}

// Ctrl+E writes what the Values screen's filters select, all rows, as a long CSV.
func TestExportValuesWritesTheFilteredValues(t *testing.T) {
	m, _ := newMain(t)
	s, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "danvan.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.SetStore(s)
	m.waitAll()
	m.Values.Program.SetSelected("CTPH-2026")
	m.Values.work.Wait()
	f, ok := m.Values.filter()
	if !ok {
		t.Fatal("the default filters are not valid")
	}
	path := filepath.Join(t.TempDir(), "so-lieu.csv")
	if err := m.exportValuesTo(context.Background(), f, false, path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	want, _ := s.Values(context.Background(), data.ValueFilter{ProgramID: f.ProgramID})
	if len(lines)-1 != len(want) || !strings.Contains(lines[0], "locality,locality_name,indicator") {
		t.Fatalf("%d lines for %d values; header %q", len(lines)-1, len(want), lines[0])
	}
	// Wide: the program's indicators as columns, and every value in a cell.
	wide := filepath.Join(t.TempDir(), "so-lieu-ngang.csv")
	if err := m.exportValuesTo(context.Background(), f, true, wide); err != nil {
		t.Fatal(err)
	}
	if raw, err = os.ReadFile(wide); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	prog, _ := s.ProgramByCode(context.Background(), "CTPH-2026")
	if len(header) != len(data.WideHeader)+len(prog.Indicators)+1 || header[len(data.WideHeader)] != prog.Indicators[0].Indicator.Code {
		t.Fatalf("wide header %q", header)
	}
	cells := 0
	for _, rec := range records[1:] {
		for _, c := range rec[len(data.WideHeader) : len(header)-1] {
			if c != "" {
				cells++
			}
		}
	}
	if cells != len(want) {
		t.Fatalf("%d values in the wide file, want %d", cells, len(want))
	}
}

func TestOpeningADamagedOrUnwritableDatabaseShowsWhy(t *testing.T) {
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	s, err := data.Open(context.Background(), damaged)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	testdb.DamagePage(t, damaged, "value")
	m, w := newMain(t)
	m.openPath(damaged, data.OpenExisting)
	m.Wait()
	if texts := renderedTexts(w); !containsText(texts, "Tệp bị hỏng hoặc không phải tệp cơ sở dữ liệu") || m.store != nil {
		t.Fatalf("no clear error for a damaged database; window shows %q", texts)
	}
	// Root writes read-only files and tests run on local disks: the verdicts that
	// data.OpenExisting gives there (see its tests) are shown as they come.
	for err, want := range map[error]string{
		data.ErrReadOnly:   "Hãy chép tệp sang thư mục có quyền ghi",
		data.ErrNetworkFS:  "Hãy chép tệp về máy này",
		data.ErrNoDatabase: "Tệp này không chứa cơ sở dữ liệu",
	} {
		m, w := newMain(t)
		m.ShowOpenError("/x/danvan.db", fmt.Errorf("/x/danvan.db: %w", err))
		if texts := renderedTexts(w); !containsText(texts, want) {
			t.Errorf("%v: window shows %q, want %q", err, texts, want)
		}
	}
}

// Fyne's save dialog opens the chosen file for writing, which empties it, before
// danvan hears the name: chosen as an export's name, the open database must be
// refused there, untouched.
func TestFileDialogsCannotEmptyTheDatabase(t *testing.T) {
	m, _ := newMain(t)
	s := demoCopy(t)
	path := s.Path()
	m.SetStore(s)
	m.waitAll()
	before, err := os.ReadFile(path)
	if err != nil || len(before) == 0 {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal"} {
		if w, err := storage.Writer(storage.NewFileURI(name)); err == nil {
			w.Close()
			t.Fatalf("a dialog could open %s for writing", filepath.Base(name))
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("the database changed")
	}
	other := filepath.Join(t.TempDir(), "export.csv")
	w, err := storage.Writer(storage.NewFileURI(other))
	if err != nil {
		t.Fatalf("an ordinary file: %v", err)
	}
	w.Close()
}

// Opening Data entry from the sidebar puts the keyboard in the grid: a figure typed
// at once goes into the selected cell, not into the sidebar.
func TestDataEntryTakesTheKeyboardWhenOpened(t *testing.T) {
	m, w := newMain(t)
	m.SetStore(demoCopy(t))
	m.waitAll()
	for i, sc := range m.screens {
		if sc == screen(m.Entry) {
			m.nav.Select(i)
		}
	}
	m.Entry.work.Wait()
	if got := w.Canvas().Focused(); got != fyne.Focusable(m.Entry.Table) {
		t.Fatalf("focus on %T after opening Data entry, want the grid", got)
	}
}
