package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/importer"
	"danvan/data/period"
	"danvan/data/tabular"
)

// importStore is what the Import screen reads and undoes. The import itself needs
// the whole store, because importer.Import takes a *data.Store: NewImport finds it
// behind the interface.
type importStore interface {
	templateStore
	Units(ctx context.Context) ([]data.Unit, error)
	Batches(ctx context.Context) ([]data.Batch, error)
	UndoBatch(ctx context.Context, id int64) (data.UndoResult, error)
}

// importFunc reads one file; importer.Import over the open store.
type importFunc func(ctx context.Context, name string, r io.Reader, opt importer.Options) (importer.Result, error)

// importExtensions are the files the screen accepts, chosen or dropped.
var importExtensions = []string{".csv", ".txt", ".tsv", ".xlsx"}

// FileState is where a chosen file is in its check and import.
type FileState int

// File states.
const (
	FileWaiting   FileState = iota // to be checked
	FileChecking                   // dry run in flight
	FileChecked                    // Result is the dry run
	FileImporting                  // import in flight
	FileImported                   // Result is the import
	FileCancelled                  // the check was cancelled
	FileFailed                     // Err says why it could not be read
)

// ImportFile is one chosen file and what is known of it.
type ImportFile struct {
	Path   string
	State  FileState
	Result importer.Result
	Err    error
	Note   string           // what happened last, when it is not in Result
	opt    importer.Options // the options Result was made with (DryRun set)

	shown   []importer.Problem // Result.Problems with their messages in the UI's language
	shownOf *importer.Problem  // &Result.Problems[0] when shown was made; it keeps that array alive, so a new result differs
}

// problems are f's problems as the screen shows them: each message translated from
// its template, once per result, as a file can have thousands.
func (f *ImportFile) problems() []importer.Problem {
	ps := f.Result.Problems
	if len(ps) == 0 {
		return nil
	}
	if f.shownOf != &ps[0] || len(f.shown) != len(ps) {
		f.shown = make([]importer.Problem, len(ps))
		for i, p := range ps {
			if p.Template != "" {
				p.Message = lang.L(p.Template, p.Args)
			}
			f.shown[i] = p
		}
		f.shownOf = &ps[0]
	}
	return f.shown
}

// importJob is the one check or import in flight.
type importJob struct {
	file   *ImportFile
	real   bool
	cancel context.CancelFunc
}

// Import checks result files, shows what they would change and imports them, and
// lists the import batches with Undo.
type Import struct {
	store  importStore
	run    importFunc
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	work   sync.WaitGroup
	job    *importJob

	// Options and files.
	Choose, Remove *widget.Button
	MakeTemplate   *widget.Button
	TemplateForm   *templateForm // the last template dialog shown
	Unit           *widget.Select
	Period, Sheet  *widget.Entry
	ValidOnly      *widget.Check
	OptionError    *widget.Label
	Skipped        *widget.Label
	DropHint       *widget.Label
	Files          []*ImportFile
	FileList       *widget.List
	selected       int

	// Progress of the job in flight.
	ProgressLabel *widget.Label
	Progress      *widget.ProgressBar
	Working       *widget.ProgressBarInfinite
	Cancel        *widget.Button
	progressBox   *fyne.Container

	// The selected file.
	FileName, Info, Status *widget.Label
	Changes                *widget.Label // the values the file changes, before and after
	changesBox             fyne.CanvasObject
	Problems               *widget.Table
	Detail                 *widget.Label
	ImportButton           *widget.Button
	Rows                   []importer.Problem // the selected file's problems as shown: translated, in table order
	sortCol                int
	sortDesc               bool
	preview                *fyne.Container
	problemBox             fyne.CanvasObject
	empty                  fyne.CanvasObject

	// Values that break a quality rule: listed apart from the problems, and
	// written only once AcceptWarnings is ticked.
	Warnings       *widget.Label
	AcceptWarnings *widget.Check
	warningBox     fyne.CanvasObject

	// Batch history.
	Batches       []data.Batch
	History       *widget.Table
	Undo          *widget.Button
	HistoryStatus *widget.Label
	batchSel      int
	undoConfirm   *dialog.ConfirmDialog
	LastUndo      data.UndoResult

	Tabs *container.AppTabs
	root fyne.CanvasObject

	// OnChanged, if set, is called on the UI goroutine after an import or an undo
	// wrote to the store, so that other screens can reload.
	OnChanged func()
	// BeforeImport, if set, runs off the UI goroutine before each real import
	// (the automatic backup); if it fails, nothing is imported.
	BeforeImport func() error

	units    []data.Unit
	unitCode map[int64]string
	quiet    bool // set while options are filled in by code
	lastDir  string
	language string
}

var (
	problemColumns = []float32{70, 150, 150, 0} // the message takes the rest
	batchColumns   = []float32{55, 215, 110, 135, 75, 65, 85, 100, 75, 110}
)

// NewImport builds the screen; call reload to fill it.
func NewImport(store importStore, w fyne.Window) *Import {
	s := &Import{store: store, win: w, selected: -1, batchSel: -1, language: uiLang(), unitCode: map[int64]string{},
		quiet: true} // until every widget exists
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if st, ok := store.(*data.Store); ok {
		s.run = func(ctx context.Context, name string, r io.Reader, opt importer.Options) (importer.Result, error) {
			return importer.Import(ctx, st, name, r, opt)
		}
	}

	s.Choose = widget.NewButtonWithIcon(lang.L("Choose files…"), theme.FolderOpenIcon(), s.chooseFile)
	s.Choose.Importance = widget.HighImportance
	s.Remove = widget.NewButtonWithIcon(lang.L("Remove from the list"), theme.ContentRemoveIcon(), s.removeSelected)
	s.Remove.Disable()
	s.MakeTemplate = widget.NewButtonWithIcon(lang.L("Make a template…"), theme.DocumentCreateIcon(), s.askTemplate)
	s.Unit = widget.NewSelect([]string{lang.L("From the Unit column of the file")}, func(string) { s.optionsChanged() })
	s.Unit.SetSelectedIndex(0)
	s.Period = widget.NewEntry()
	s.Period.SetPlaceHolder(lang.L("Only for files without a period column, e.g. Quý 3/2024"))
	s.Period.OnChanged = func(string) { s.optionsChanged() }
	s.Sheet = widget.NewEntry()
	s.Sheet.SetPlaceHolder(lang.L("XLSX: the first sheet"))
	s.Sheet.OnChanged = func(string) { s.optionsChanged() }
	s.ValidOnly = widget.NewCheck(lang.L("Import only the valid rows"), func(bool) { s.optionsChanged() })
	s.OptionError = widget.NewLabel("")
	s.OptionError.Importance = widget.DangerImportance
	s.OptionError.Wrapping = fyne.TextWrapWord
	s.OptionError.Hide()
	s.Skipped = widget.NewLabel("")
	s.Skipped.Importance = widget.WarningImportance
	s.Skipped.Wrapping = fyne.TextWrapWord
	s.Skipped.Hide()
	s.DropHint = lowLabel(lang.L("You can also drop files on the window. Each file is checked first; nothing is written until you press Import."))
	s.DropHint.Truncation = fyne.TextTruncateEllipsis // wrapped beside three buttons, its height ran away

	s.ProgressLabel = widget.NewLabel("")
	s.ProgressLabel.Truncation = fyne.TextTruncateEllipsis
	s.Progress = widget.NewProgressBar()
	s.Working = widget.NewProgressBarInfinite()
	s.Working.Stop()
	s.Working.Hide()
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), s.cancelJob)
	s.progressBox = container.NewBorder(nil, nil, nil, s.Cancel,
		container.NewGridWithColumns(2, s.ProgressLabel, container.NewStack(s.Progress, s.Working)))
	s.progressBox.Hide()

	s.FileList = widget.NewList(
		func() int { return len(s.Files) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			state := widget.NewLabel("")
			state.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(name, state)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(s.Files) {
				return
			}
			f := s.Files[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(filepath.Base(f.Path))
			state := box.Objects[1].(*widget.Label)
			text, imp := s.fileState(f)
			state.Importance = imp
			state.SetText(text)
		},
	)
	s.FileList.OnSelected = func(id widget.ListItemID) {
		s.selected = id
		s.AcceptWarnings.SetChecked(false) // each file's warnings are accepted on their own
		s.showSelected()
	}

	s.FileName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.FileName.Truncation = fyne.TextTruncateEllipsis
	s.Info = widget.NewLabel("")
	s.Info.Wrapping = fyne.TextWrapWord
	s.Status = widget.NewLabel("")
	s.Status.Wrapping = fyne.TextWrapWord
	s.Detail = widget.NewLabel("")
	s.Detail.Wrapping = fyne.TextWrapWord
	s.Problems = s.newProblemTable()
	s.ImportButton = widget.NewButtonWithIcon(lang.L("Import"), theme.UploadIcon(), s.importSelected)
	s.ImportButton.Importance = widget.HighImportance
	s.ImportButton.Disable()
	s.Warnings = widget.NewLabel("")
	s.Warnings.Importance = widget.WarningImportance
	s.Warnings.Wrapping = fyne.TextWrapWord
	s.AcceptWarnings = widget.NewCheck(lang.L("Import anyway, I have checked the warnings"), func(bool) {
		if !s.quiet {
			s.showSelected()
		}
	})
	warnings := container.NewVScroll(s.Warnings)
	warnings.SetMinSize(fyne.NewSize(0, 110))
	s.warningBox = container.NewBorder(nil, s.AcceptWarnings, nil, nil, warnings)
	s.warningBox.Hide()

	s.History = s.newHistoryTable()
	s.Undo = widget.NewButtonWithIcon(lang.L("Undo"), theme.ContentUndoIcon(), s.confirmUndo)
	s.Undo.Disable()
	s.HistoryStatus = widget.NewLabel("")
	s.HistoryStatus.Wrapping = fyne.TextWrapWord
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), s.reloadBatches)

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	options := container.NewGridWithColumns(2,
		field(lang.L("Reporting unit"), s.Unit),
		field(lang.L("Report period"), s.Period),
		field(lang.L("Sheet"), s.Sheet),
		s.ValidOnly,
	)
	top := container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(s.Choose, s.Remove, s.MakeTemplate), nil, s.DropHint),
		options, s.OptionError, s.Skipped, s.progressBox, widget.NewSeparator())

	for i, w := range problemColumns {
		s.Problems.SetColumnWidth(i, w)
	}
	s.Problems.SetColumnWidth(3, 400) // until laid out
	s.problemBox = container.New(&fillColumnLayout{table: s.Problems, widths: problemColumns, flex: 3}, s.Problems)
	s.Changes = widget.NewLabel("")
	s.changesBox = container.NewVScroll(s.Changes)
	head := container.NewVBox(s.FileName, s.Info, s.Status)
	foot := container.NewVBox(s.warningBox, container.NewBorder(nil, nil, nil, s.ImportButton, s.Detail))
	s.preview = container.NewBorder(head, foot, nil, nil, container.NewStack(s.problemBox, s.changesBox))
	s.empty = container.NewCenter(lowLabel(lang.L("Choose a file to check it.")))
	s.preview.Hide()
	files := container.NewHSplit(s.FileList, container.NewStack(s.empty, s.preview))
	files.Offset = 0.24

	history := container.NewBorder(nil,
		container.NewBorder(nil, nil, nil, container.NewHBox(refresh, s.Undo), s.HistoryStatus),
		nil, nil, s.History)
	s.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Files to import"), theme.DocumentIcon(), container.NewBorder(top, nil, nil, nil, files)),
		container.NewTabItemWithIcon(lang.L("Import history"), theme.HistoryIcon(), history),
	)
	s.root = s.Tabs
	s.quiet = false
	return s
}

func (s *Import) title() string           { return lang.L("Import reports") }
func (s *Import) icon() fyne.Resource     { return theme.UploadIcon() }
func (s *Import) view() fyne.CanvasObject { return s.root }
func (s *Import) focusSearch()            {} // nothing to search
func (s *Import) stop() {
	s.cancel()
	s.Working.Stop()
}

// reload reads the units for the option and the batch history.
func (s *Import) reload() {
	ctx := s.ctx
	background(&s.work, func() {
		units, err := s.store.Units(ctx)
		var batches []data.Batch
		if err == nil {
			batches, err = s.store.Batches(ctx)
		}
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.applyUnits(units)
			s.applyBatches(batches)
		})
	})
}

func (s *Import) applyUnits(units []data.Unit) {
	prev := s.selectedUnit()
	s.units = units
	s.unitCode = make(map[int64]string, len(units))
	opts := []string{lang.L("From the Unit column of the file")}
	keep := 0
	for i, u := range units {
		s.unitCode[u.ID] = u.Code
		opts = append(opts, u.Code+" — "+u.Name)
		if u.Code == prev {
			keep = i + 1
		}
	}
	s.quiet = true
	s.Unit.SetOptions(opts)
	s.Unit.SetSelectedIndex(keep)
	s.quiet = false
}

func (s *Import) selectedUnit() string {
	if i := s.Unit.SelectedIndex() - 1; i >= 0 && i < len(s.units) {
		return s.units[i].Code
	}
	return ""
}

// options reads the option fields; false, with the reason shown under them, when
// the period cannot be understood.
func (s *Import) options() (importer.Options, bool) {
	opt := importer.Options{UnitCode: s.selectedUnit(), Sheet: strings.TrimSpace(s.Sheet.Text),
		ValidOnly: s.ValidOnly.Checked, DryRun: true}
	if text := strings.TrimSpace(s.Period.Text); text != "" {
		if _, err := period.Parse(text); err != nil {
			s.OptionError.SetText(notPeriod(text))
			s.OptionError.Show()
			return opt, false
		}
		opt.Period = text
	}
	s.OptionError.Hide()
	return opt, true
}

// optionsChanged checks the files again with the new options: a preview made with
// other options says nothing about what Import would do.
func (s *Import) optionsChanged() {
	if s.quiet {
		return
	}
	if _, ok := s.options(); !ok {
		s.showSelected()
		return
	}
	if s.job != nil && !s.job.real {
		s.job.cancel()
		s.job = nil
	}
	for _, f := range s.Files {
		if f.State != FileImported && f.State != FileImporting {
			f.State, f.Result, f.Err, f.Note = FileWaiting, importer.Result{}, nil, ""
		}
	}
	s.next()
	s.FileList.Refresh()
	s.showSelected()
}

func (s *Import) chooseFile() {
	askOpenPath(s.win, s.lastDir, importExtensions, func(path string) {
		s.lastDir = filepath.Dir(path)
		s.AddFiles([]string{path})
	})
}

// askTemplate asks which report template to make, then where to save it, and
// writes it off the UI goroutine.
func (s *Import) askTemplate() {
	ctx := s.ctx
	background(&s.work, func() {
		programs, err := s.store.Programs(ctx)
		fyne.Do(func() {
			switch {
			case ctx.Err() != nil:
			case err != nil:
				showError(err, s.win)
			case len(programs) == 0:
				showInfo(lang.L("Report template"), lang.L("There is no program yet: a template lists a program's indicators. Add a program under Programs first."), s.win)
			default:
				s.TemplateForm = newTemplateForm(programs, s.units, s.language, s.win, s.saveTemplate)
				s.TemplateForm.Dialog.Show()
			}
		})
	})
}

// saveTemplate asks where to write the template r describes, and writes it.
func (s *Import) saveTemplate(r templateRequest) {
	askSavePath(s.win, r.fileName(), s.lastDir, r.ext(), func(path string) {
		s.lastDir = filepath.Dir(path)
		s.writeTemplate(r, path)
	})
}

// writeTemplate writes the template r describes to path, off the UI goroutine.
func (s *Import) writeTemplate(r templateRequest, path string) {
	ctx := s.ctx
	background(&s.work, func() {
		err := r.write(ctx, s.store, path)
		fyne.Do(func() {
			if err != nil {
				showError(err, s.win)
				return
			}
			showInfo(lang.L("Report template"), lang.L("The template was written to:")+"\n"+path, s.win)
		})
	})
}

// AddFiles adds files to the list and checks them one after another; the window's
// drop handler calls it. Files of other kinds are skipped with a note, and a file
// already in the list is checked again.
func (s *Import) AddFiles(paths []string) {
	s.Tabs.SelectIndex(0)
	var skipped []string
	first := -1
	for _, p := range paths {
		if !slices.Contains(importExtensions, strings.ToLower(filepath.Ext(p))) {
			skipped = append(skipped, filepath.Base(p))
			continue
		}
		i := slices.IndexFunc(s.Files, func(f *ImportFile) bool { return samePath(f.Path, p) })
		if i < 0 {
			s.Files = append(s.Files, &ImportFile{Path: p})
			i = len(s.Files) - 1
		} else if f := s.Files[i]; f.State != FileChecking && f.State != FileImporting {
			f.State, f.Result, f.Err, f.Note = FileWaiting, importer.Result{}, nil, ""
		}
		if first < 0 {
			first = i
		}
	}
	if len(skipped) > 0 {
		s.Skipped.SetText(lang.L("Skipped {{.Files}}: only .csv, .txt, .tsv and .xlsx files can be imported.",
			map[string]any{"Files": strings.Join(skipped, ", ")}))
		s.Skipped.Show()
	} else {
		s.Skipped.Hide()
	}
	s.FileList.Refresh()
	if first >= 0 {
		s.FileList.Select(first) // shows it
	}
	if _, ok := s.options(); ok {
		s.next()
	}
}

func (s *Import) removeSelected() {
	if s.selected < 0 || s.selected >= len(s.Files) {
		return
	}
	if s.job != nil && s.job.file == s.Files[s.selected] {
		return
	}
	s.Files = slices.Delete(s.Files, s.selected, s.selected+1)
	s.FileList.UnselectAll()
	s.selected = -1
	s.FileList.Refresh()
	s.showSelected()
}

// next checks the first waiting file, when nothing else runs.
func (s *Import) next() {
	if s.job != nil {
		return
	}
	for _, f := range s.Files {
		if f.State == FileWaiting {
			if opt, ok := s.options(); ok {
				s.start(f, opt, false)
			}
			return
		}
	}
	s.hideProgress()
}

// start runs a dry run (real false) or the import of f off the UI goroutine.
// Nothing may follow the call to background: tests run it synchronously.
func (s *Import) start(f *ImportFile, opt importer.Options, real bool) {
	ctx, cancel := context.WithCancel(s.ctx)
	j := &importJob{file: f, real: real, cancel: cancel}
	s.job = j
	f.Err, f.Note = nil, ""
	if real {
		f.State = FileImporting
		s.ProgressLabel.SetText(lang.L("Importing {{.File}}…", map[string]any{"File": filepath.Base(f.Path)}))
	} else {
		f.State = FileChecking
		s.ProgressLabel.SetText(lang.L("Checking {{.File}}…", map[string]any{"File": filepath.Base(f.Path)}))
	}
	s.Progress.SetValue(0)
	s.Progress.Show()
	s.Working.Hide()
	s.Working.Stop()
	s.progressBox.Show()
	s.FileList.Refresh()
	s.showSelected()
	run := opt
	run.DryRun = !real
	run.AcceptWarnings = real && s.AcceptWarnings.Checked
	background(&s.work, func() {
		res, err := s.readFile(ctx, j, f.Path, run)
		fyne.Do(func() {
			cancelled := ctx.Err() != nil
			cancel()
			s.finish(j, opt, res, err, cancelled)
		})
	})
}

// readFile runs the import over the file at path, reporting how far it has read.
func (s *Import) readFile(ctx context.Context, j *importJob, path string, opt importer.Options) (importer.Result, error) {
	if s.run == nil {
		return importer.Result{}, errors.New("import is not available on this store")
	}
	if !opt.DryRun && s.BeforeImport != nil {
		if err := s.BeforeImport(); err != nil {
			return importer.Result{}, fmt.Errorf("%s %w", lang.L("The backup made before each import failed, so nothing was imported:"), err)
		}
	}
	f, err := tabular.OpenFile(path)
	if err != nil {
		return importer.Result{}, err
	}
	defer f.Close()
	pr := &progressReader{File: f, report: func(frac float64) {
		fyne.Do(func() {
			if s.job == j {
				s.setProgress(frac)
			}
		})
	}}
	return s.run(ctx, path, pr, opt)
}

func (s *Import) finish(j *importJob, opt importer.Options, res importer.Result, err error, cancelled bool) {
	if s.job != j {
		return // replaced: the options changed meanwhile
	}
	s.job = nil
	f := j.file
	switch {
	case err != nil && cancelled && j.real:
		f.State = FileChecked // the preview still holds; nothing was written
		f.Note = lang.L("The import was cancelled; nothing was written.")
	case err != nil && cancelled:
		f.State = FileCancelled
	case err != nil:
		f.State, f.Err = FileFailed, err
	case j.real:
		f.Result, f.opt = res, opt
		f.State = FileChecked // refused: the file changed since it was checked
		if res.BatchID != 0 {
			f.State = FileImported
			s.reloadBatches()
			if s.OnChanged != nil {
				s.OnChanged()
			}
		}
	default:
		f.Result, f.opt, f.State = res, opt, FileChecked
	}
	s.FileList.Refresh()
	s.showSelected()
	s.next()
}

// cancelJob stops the check or import in flight and the checks still waiting.
func (s *Import) cancelJob() {
	for _, f := range s.Files {
		if f.State == FileWaiting {
			f.State = FileCancelled
		}
	}
	if s.job != nil {
		s.job.cancel()
	}
	s.FileList.Refresh()
	s.showSelected()
}

func (s *Import) setProgress(frac float64) {
	if frac < 1 {
		s.Progress.SetValue(frac)
		return
	}
	// Read to the end; what remains is checking against the database.
	if s.Progress.Visible() {
		s.Progress.Hide()
		s.Working.Show()
		s.Working.Start()
	}
}

func (s *Import) hideProgress() {
	s.progressBox.Hide()
	s.Working.Stop()
}

// progressReader tells how much of a file has been read, at most ten times a second.
// A workbook is read at random, through the File's ReadAt, which is not counted.
type progressReader struct {
	*tabular.File
	n      int64
	last   time.Time
	report func(frac float64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.File.Read(b)
	p.n += int64(n)
	if size := p.Size(); size > 0 {
		if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || p.n >= size {
			p.last = now
			p.report(float64(p.n) / float64(size))
		}
	}
	return n, err
}

// canImport tells whether Import may write f: checked with the options on screen,
// not already imported, and without problems unless only valid rows are asked for.
func (s *Import) canImport(f *ImportFile) bool {
	if f == nil || s.job != nil || f.State != FileChecked {
		return false
	}
	opt, ok := s.options()
	if !ok || opt != f.opt {
		return false
	}
	r := f.Result
	if r.Refused || r.AlreadyImported != 0 || r.Rows-r.Rejected <= 0 {
		return false
	}
	if len(r.Problems) > 0 && !f.opt.ValidOnly {
		return false
	}
	return len(r.Warnings) == 0 || s.AcceptWarnings.Checked
}

func (s *Import) selectedFile() *ImportFile {
	if s.selected < 0 || s.selected >= len(s.Files) {
		return nil
	}
	return s.Files[s.selected]
}

func (s *Import) importSelected() {
	f := s.selectedFile()
	if !s.canImport(f) {
		return
	}
	s.start(f, f.opt, true)
}

// fileState is the short state shown under a file's name in the list.
func (s *Import) fileState(f *ImportFile) (string, widget.Importance) {
	r := f.Result
	switch f.State {
	case FileWaiting:
		return lang.L("Waiting to be checked"), widget.LowImportance
	case FileChecking:
		return lang.L("Checking…"), widget.LowImportance
	case FileImporting:
		return lang.L("Importing…"), widget.LowImportance
	case FileImported:
		return lang.L("Imported as batch {{.ID}}", map[string]any{"ID": r.BatchID}), widget.SuccessImportance
	case FileCancelled:
		return lang.L("Check cancelled"), widget.WarningImportance
	case FileFailed:
		return lang.L("Cannot be read"), widget.DangerImportance
	}
	switch {
	case r.AlreadyImported != 0:
		return lang.L("Already imported (batch {{.ID}})", map[string]any{"ID": r.AlreadyImported}), widget.WarningImportance
	case len(r.Problems) > 0:
		return lang.L("{{.N}} problems", map[string]any{"N": formatCount(len(r.Problems))}), widget.DangerImportance
	case len(r.Warnings) > 0:
		return lang.L("{{.N}} warnings", map[string]any{"N": formatCount(len(r.Warnings))}), widget.WarningImportance
	}
	return lang.L("Ready: {{.N}} values", map[string]any{"N": formatCount(r.Rows)}), widget.MediumImportance
}

// showSelected fills the preview with the selected file.
func (s *Import) showSelected() {
	f := s.selectedFile()
	s.Remove.Disable()
	if f == nil {
		s.preview.Hide()
		s.empty.Show()
		s.ImportButton.Disable()
		return
	}
	if s.job == nil || s.job.file != f {
		s.Remove.Enable()
	}
	s.empty.Hide()
	s.preview.Show()
	s.FileName.SetText(f.Path)
	r := f.Result
	s.Info.SetText("")
	s.Rows = nil
	if f.State == FileChecked || f.State == FileImported {
		s.Info.SetText(s.detected(r) + "\n" + s.counts(f))
		s.Rows = slices.Clone(f.problems())
	}
	if len(s.Rows) == 0 {
		s.problemBox.Hide()
	} else {
		s.problemBox.Show()
	}
	s.Changes.SetText(s.changes(f))
	if len(s.Rows) == 0 && s.Changes.Text != "" {
		s.changesBox.Show()
	} else {
		s.changesBox.Hide()
	}
	s.sortRows()
	s.Problems.UnselectAll()
	s.Problems.ScrollToTop()
	s.Problems.Refresh()
	s.Detail.SetText("")
	if len(s.Rows) > 0 {
		s.Detail.SetText(lang.L("Click a problem to read it whole. Click a column heading to sort."))
	}
	s.showWarnings(f)
	text, imp := s.status(f)
	s.Status.SetText(text)
	s.Status.Importance = imp
	s.Status.Refresh()
	if s.canImport(f) {
		s.ImportButton.Enable()
	} else {
		s.ImportButton.Disable()
	}
	s.preview.Refresh() // lay out again: the texts may take more or fewer lines
}

// detected says what the reader found in the file.
func (s *Import) detected(r importer.Result) string {
	var parts []string
	if r.Format != "" {
		parts = append(parts, lang.L("Format: {{.Format}}", map[string]any{"Format": strings.ToUpper(r.Format)}))
	}
	if r.Encoding != "" {
		parts = append(parts, lang.L("Encoding: {{.Encoding}}", map[string]any{"Encoding": r.Encoding}))
	}
	if r.Delimiter != "" {
		d := "“" + r.Delimiter + "”"
		if r.Delimiter == "tab" {
			d = lang.L("tab")
		}
		parts = append(parts, lang.L("Delimiter: {{.Delimiter}}", map[string]any{"Delimiter": d}))
	}
	switch r.Layout {
	case "long":
		parts = append(parts, lang.L("Layout: long (one value per row)"))
	case "wide":
		parts = append(parts, lang.L("Layout: wide (one column per indicator)"))
	}
	return strings.Join(parts, " · ")
}

// counts says how many values the file holds and what they would do (or did).
func (s *Import) counts(f *ImportFile) string {
	r := f.Result
	if r.Refused {
		return lang.L("{{.Rows}} values read, {{.Rejected}} rejected.", map[string]any{
			"Rows": formatCount(r.Rows), "Rejected": formatCount(r.Rejected)})
	}
	args := map[string]any{"Rows": formatCount(r.Rows), "New": formatCount(r.Inserted), "Changed": formatCount(r.Updated),
		"Unchanged": formatCount(r.Unchanged), "Rejected": formatCount(r.Rejected)}
	if f.State == FileImported {
		return lang.L("Imported: {{.New}} new / {{.Changed}} changed / {{.Unchanged}} unchanged / {{.Rejected}} rejected.", args)
	}
	return lang.L("{{.Rows}} values read: {{.New}} new / {{.Changed}} changed / {{.Unchanged}} unchanged / {{.Rejected}} rejected.", args)
}

// changes lists the stored values the file changes, with what they hold: the
// numbers an officer checks before overwriting a unit's earlier report.
func (s *Import) changes(f *ImportFile) string {
	r := f.Result
	if r.Refused || len(r.Changes) == 0 || (f.State != FileChecked && f.State != FileImported) {
		return ""
	}
	lines := []string{lang.L("Values that change:")}
	if f.State == FileImported {
		lines[0] = lang.L("Values changed:")
	}
	for _, c := range r.Changes {
		per := c.Period
		if p, err := period.Parse(c.Period); err == nil {
			per = p.Label(s.language)
		}
		line := fmt.Sprintf("%s %s · %s · %s · %s: ", c.Locality, c.LocalityName, c.Indicator, per, c.Unit) +
			lang.L("from {{.Old}} to {{.New}}", map[string]any{"Old": formatShortest(c.Old), "New": formatShortest(c.New)})
		if c.OldNote != c.NewNote {
			line += " (" + lang.L("Note") + ": " + lang.L("from {{.Old}} to {{.New}}", map[string]any{"Old": "“" + c.OldNote + "”", "New": "“" + c.NewNote + "”"}) + ")"
		}
		lines = append(lines, "• "+line)
	}
	if more := r.Updated - len(r.Changes); more > 0 {
		lines = append(lines, lang.L("… and {{.N}} more changes", map[string]any{"N": formatCount(more)}))
	}
	return strings.Join(lines, "\n")
}

// status is the sentence that tells the officer what to do with the file.
func (s *Import) status(f *ImportFile) (string, widget.Importance) {
	r := f.Result
	switch f.State {
	case FileWaiting:
		if _, ok := s.options(); !ok {
			return lang.L("Correct the period above; the file will then be checked."), widget.WarningImportance
		}
		return lang.L("Waiting to be checked"), widget.LowImportance
	case FileChecking:
		return lang.L("Checking…"), widget.LowImportance
	case FileImporting:
		return lang.L("Importing…"), widget.LowImportance
	case FileCancelled:
		return lang.L("The check was cancelled. Change an option or choose the file again to check it."), widget.WarningImportance
	case FileFailed:
		return lang.L("The file could not be read: {{.Error}}", map[string]any{"Error": f.Err.Error()}), widget.DangerImportance
	case FileImported:
		return lang.L("Imported as batch {{.ID}}. It can be undone from the import history.", map[string]any{"ID": r.BatchID}), widget.SuccessImportance
	}
	var text string
	imp := widget.MediumImportance
	switch {
	case r.AlreadyImported != 0:
		text, imp = lang.L("This file was already imported as batch {{.ID}}; importing it again would change nothing.", map[string]any{"ID": r.AlreadyImported}), widget.WarningImportance
	case len(r.Problems) > 0 && !r.Refused:
		text, imp = lang.L("{{.N}} problems. Import writes only the {{.Valid}} valid values; the rejected rows stay out.",
			map[string]any{"N": formatCount(len(r.Problems)), "Valid": formatCount(r.Rows - r.Rejected)}), widget.WarningImportance
	case len(r.Problems) > 0 && r.Rows > r.Rejected:
		text, imp = lang.L("{{.N}} problems: nothing can be imported. Correct the file and choose it again, or tick “Import only the valid rows”.",
			map[string]any{"N": formatCount(len(r.Problems))}), widget.DangerImportance
	case len(r.Problems) > 0:
		text, imp = lang.L("{{.N}} problems: nothing can be imported. Correct the file and choose it again.",
			map[string]any{"N": formatCount(len(r.Problems))}), widget.DangerImportance
	case r.Rows == 0:
		text, imp = lang.L("The file holds no values."), widget.WarningImportance
	case len(r.Warnings) > 0:
		text, imp = lang.L("{{.N}} values break a quality rule of their program (listed below): check them with the unit. Import is possible once you tick “Import anyway, I have checked the warnings”; they are then kept under Data quality until checked.",
			map[string]any{"N": formatCount(len(r.Warnings))}), widget.WarningImportance
	default:
		text = lang.L("No problems found. Press Import to write these values.")
	}
	if f.Note != "" {
		text = f.Note + " " + text
	}
	if s.job != nil && s.job.file != f && f.State == FileChecked && imp != widget.DangerImportance {
		text += " " + lang.L("(Import is possible once the other file is done.)")
	}
	return text, imp
}

func (s *Import) newProblemTable() *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(s.Rows), len(problemColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row < 0 || id.Row >= len(s.Rows) {
				l.SetText("")
				return
			}
			p := s.Rows[id.Row]
			l.Alignment = fyne.TextAlignLeading
			switch id.Col {
			case 0:
				l.Alignment = fyne.TextAlignTrailing
				l.SetText(lineText(p.Line))
			case 1:
				l.SetText(p.Column)
			case 2:
				l.SetText(p.Value)
			case 3:
				l.SetText(p.Message)
			}
		},
	)
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		return b
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 {
			return
		}
		col := id.Col
		b.Text = problemTitle(col)
		b.Icon = nil
		if col == s.sortCol {
			b.Icon = theme.MenuDropDownIcon()
			if s.sortDesc {
				b.Icon = theme.MenuDropUpIcon()
			}
		}
		b.OnTapped = func() { s.sortBy(col) }
		b.Refresh()
	}
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row < 0 || id.Row >= len(s.Rows) {
			return
		}
		p := s.Rows[id.Row]
		var b strings.Builder
		b.WriteString(lang.L("Line {{.Line}}", map[string]any{"Line": lineText(p.Line)}))
		if p.Column != "" {
			b.WriteString(", " + lang.L("column “{{.Column}}”", map[string]any{"Column": p.Column}))
		}
		if p.Value != "" {
			b.WriteString(", " + lang.L("value “{{.Value}}”", map[string]any{"Value": p.Value}))
		}
		b.WriteString(": " + p.Message)
		s.Detail.SetText(b.String())
		s.preview.Refresh() // lay out again: the text may take more lines
	}
	return t
}

func lineText(line int) string {
	if line <= 0 {
		return "—"
	}
	return strconv.Itoa(line)
}

func problemTitle(col int) string {
	return []string{lang.L("Line"), lang.L("Column"), lang.L("Value"), lang.L("Problem")}[col]
}

// sortBy sorts the problems by a column; the same column again reverses the order.
func (s *Import) sortBy(col int) {
	if col == s.sortCol {
		s.sortDesc = !s.sortDesc
	} else {
		s.sortCol, s.sortDesc = col, false
	}
	s.sortRows()
	s.Problems.UnselectAll()
	s.Problems.Refresh()
}

func (s *Import) sortRows() {
	key := func(p importer.Problem) string {
		switch s.sortCol {
		case 1:
			return p.Column
		case 2:
			return p.Value
		case 3:
			return p.Message
		}
		return ""
	}
	slices.SortStableFunc(s.Rows, func(a, b importer.Problem) int {
		c := strings.Compare(key(a), key(b))
		if c == 0 {
			c = a.Line - b.Line
		}
		if s.sortDesc {
			c = -c
		}
		return c
	})
}

func (s *Import) newHistoryTable() *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(s.Batches), len(batchColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row < 0 || id.Row >= len(s.Batches) {
				l.SetText("")
				return
			}
			b := s.Batches[id.Row]
			l.Alignment = fyne.TextAlignLeading
			l.Importance = widget.MediumImportance
			var text string
			switch id.Col {
			case 0:
				text = strconv.FormatInt(b.ID, 10)
			case 1:
				text = b.FileName
			case 2:
				text = s.unitCode[b.UnitID]
				if b.UnitID == 0 {
					text = lang.L("several")
				}
			case 3:
				text = b.ImportedAt.Local().Format("02/01/2006 15:04")
			case 4:
				text = formatCount(b.Rows)
			case 5:
				text = formatCount(b.Inserted)
			case 6:
				text = formatCount(b.Updated)
			case 7:
				text = formatCount(b.Unchanged)
			case 8:
				text = formatCount(b.Rejected)
			case 9:
				text = batchStatus(b.Status)
				if b.Status == data.BatchUndone {
					l.Importance = widget.LowImportance
				}
			}
			if id.Col == 0 || (id.Col >= 4 && id.Col <= 8) {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(text)
		},
	)
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText([]string{lang.L("Batch"), lang.L("File"), lang.L("Unit"), lang.L("Time"),
				lang.L("Values"), lang.L("New"), lang.L("Changed"), lang.L("Unchanged"), lang.L("Rejected"),
				lang.L("Status")}[id.Col])
		}
	}
	for i, w := range batchColumns {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(id widget.TableCellID) {
		s.batchSel = id.Row
		s.HistoryStatus.SetText("")
		s.batchSelected()
	}
	return t
}

func batchStatus(status string) string {
	switch status {
	case data.BatchCommitted:
		return lang.L("imported")
	case data.BatchUndone:
		return lang.L("undone")
	}
	return status
}

func (s *Import) selectedBatch() (data.Batch, bool) {
	if s.batchSel < 0 || s.batchSel >= len(s.Batches) {
		return data.Batch{}, false
	}
	return s.Batches[s.batchSel], true
}

func (s *Import) batchSelected() {
	b, ok := s.selectedBatch()
	if ok && b.Status == data.BatchCommitted {
		s.Undo.Enable()
	} else {
		s.Undo.Disable()
	}
}

// reloadBatches reads the history again. Nothing may follow the call to background.
func (s *Import) reloadBatches() {
	ctx := s.ctx
	background(&s.work, func() {
		batches, err := s.store.Batches(ctx)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.applyBatches(batches)
		})
	})
}

func (s *Import) applyBatches(batches []data.Batch) {
	var keep int64
	if b, ok := s.selectedBatch(); ok {
		keep = b.ID
	}
	s.Batches = batches
	s.batchSel = slices.IndexFunc(batches, func(b data.Batch) bool { return b.ID == keep })
	s.History.Refresh()
	if s.batchSel < 0 {
		s.History.UnselectAll()
	}
	s.batchSelected()
	if len(batches) == 0 {
		s.HistoryStatus.SetText(lang.L("No file has been imported yet."))
	} else if s.batchSel < 0 {
		s.HistoryStatus.SetText(lang.L("Select a batch to undo it."))
	}
}

func (s *Import) confirmUndo() {
	b, ok := s.selectedBatch()
	if !ok || b.Status != data.BatchCommitted {
		return
	}
	text := wrapped(lang.L("Undo batch {{.ID}} ({{.File}}, {{.Rows}} values)? The values it wrote go back to what they were before; values changed again since then are kept.",
		map[string]any{"ID": b.ID, "File": b.FileName, "Rows": formatCount(b.Rows)}))
	d := dialog.NewCustomConfirm(lang.L("Undo an import"), lang.L("Undo"), lang.L("Cancel"), text, func(ok bool) {
		if ok {
			s.undo(b)
		}
	}, s.win)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Resize(fyne.NewSize(520, 220))
	s.undoConfirm = d
	d.Show()
}

// undo takes a batch back out off the UI goroutine. Nothing may follow background.
func (s *Import) undo(b data.Batch) {
	ctx := s.ctx
	s.Undo.Disable()
	s.HistoryStatus.SetText(lang.L("Undoing batch {{.ID}}…", map[string]any{"ID": b.ID}))
	background(&s.work, func() {
		res, err := s.store.UndoBatch(ctx, b.ID)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.HistoryStatus.SetText("")
				showError(err, s.win)
				s.batchSelected()
				return
			}
			s.LastUndo = res
			msg := lang.L("Batch {{.ID}} undone: {{.Restored}} values restored, {{.Deleted}} removed.",
				map[string]any{"ID": b.ID, "Restored": formatCount(res.Restored), "Deleted": formatCount(res.Deleted)})
			if res.Skipped > 0 {
				msg += " " + lang.L("{{.N}} values were changed again afterwards, so they were kept as they are.",
					map[string]any{"N": formatCount(res.Skipped)})
			}
			s.HistoryStatus.SetText(msg)
			for _, f := range s.Files {
				if (f.State == FileImported && f.Result.BatchID == b.ID) ||
					(f.State == FileChecked && f.Result.AlreadyImported == b.ID) {
					f.State, f.Result, f.Note = FileWaiting, importer.Result{}, ""
				}
			}
			if s.OnChanged != nil {
				s.OnChanged()
			}
			s.FileList.Refresh()
			s.showSelected()
			s.next()
			s.reloadBatches()
		})
	})
}

// fillColumnLayout gives a table's flexible column the width the others leave.
type fillColumnLayout struct {
	table  *widget.Table
	widths []float32
	flex   int
	last   float32
}

func (l *fillColumnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var fixed float32
	for i, w := range l.widths {
		if i != l.flex {
			fixed += w
		}
	}
	// Leave room for the scroll bar and the cell padding.
	flex := max(size.Width-fixed-3*theme.Padding()-theme.ScrollBarSize(), 260)
	if flex != l.last {
		l.last = flex
		l.table.SetColumnWidth(l.flex, flex)
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *fillColumnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	min := fyne.NewSize(0, 0)
	for _, o := range objs {
		min = min.Max(o.MinSize())
	}
	return min
}

// showWarnings lists the selected file's warnings, in the officer's language,
// above the Import button with the box that accepts them.
func (s *Import) showWarnings(f *ImportFile) {
	ws := f.Result.Warnings
	if len(ws) == 0 || (f.State != FileChecked && f.State != FileImported) {
		s.warningBox.Hide()
		return
	}
	lines := make([]string, 0, len(ws))
	for _, w := range ws {
		msg := w.Message
		if w.Template != "" {
			msg = lang.L(w.Template, w.Args)
		}
		line := lang.L("Line {{.Line}}", map[string]any{"Line": lineText(w.Line)})
		if w.Column != "" {
			line += ", " + lang.L("column “{{.Column}}”", map[string]any{"Column": w.Column})
		}
		lines = append(lines, "⚠ "+line+": "+msg)
	}
	s.Warnings.SetText(strings.Join(lines, "\n"))
	if f.State == FileImported {
		s.AcceptWarnings.Hide()
	} else {
		s.AcceptWarnings.Show()
	}
	s.warningBox.Show()
}
