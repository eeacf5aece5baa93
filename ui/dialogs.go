package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"danvan/data/period"
)

// fileDialogSize fits a 1366x768 screen and shows long Vietnamese file names.
var fileDialogSize = fyne.NewSize(900, 600)

// askSavePath asks for a file to write, starting in dir (if set) with name filled
// in, and calls then with its path. With ext set, only such files are listed and a
// name typed without it gets it. The dialog leaves an empty file at the path; the
// callers write over it.
func askSavePath(win fyne.Window, name, dir, ext string, then func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(err, win)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		if ext != "" && !strings.EqualFold(filepath.Ext(path), ext) {
			os.Remove(path)
			path += ext
		}
		then(path)
	}, win)
	d.SetFileName(name)
	if ext != "" {
		d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	}
	showFileDialog(d, dir)
}

// removeDialogFile removes the empty file askSavePath's dialog left at path when
// nothing was written to it; a file with content (the database, when an export was
// refused for naming it) stays.
func removeDialogFile(path string) {
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() && st.Size() == 0 {
		os.Remove(path)
	}
}

// periodEntry is an entry for a period in a form: it accepts whatever
// period.Parse reads (2026Q3, Quý 3/2026, ...) and otherwise says hint.
func periodEntry(hint string) *widget.Entry {
	e := widget.NewEntry()
	e.Validator = func(text string) error {
		if _, err := period.Parse(strings.TrimSpace(text)); err != nil {
			return errors.New(hint)
		}
		return nil
	}
	return e
}

// askOpenPath asks for an existing file with one of exts and calls then with its path.
func askOpenPath(win fyne.Window, dir string, exts []string, then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(err, win)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		then(path)
	}, win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	showFileDialog(d, dir)
}

func showFileDialog(d *dialog.FileDialog, dir string) {
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
	d.Resize(fileDialogSize) // a FileDialog cannot be resized before it is shown
}

// showInfo tells the officer something done or not possible, in a dialog that
// Enter and Escape close, as every other dialog on a desktop does.
func showInfo(title, text string, win fyne.Window) {
	showClosable(dialog.NewInformation(title, text, win), win)
}

// showClosable shows d, closed by Enter or Escape too. A dialog takes the focus
// from the widgets behind it, so the keys reach the window's canvas.
func showClosable(d dialog.Dialog, win fyne.Window) {
	c := win.Canvas()
	before := c.OnTypedKey()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
			d.Hide()
		default:
			if before != nil {
				before(k)
			}
		}
	})
	d.SetOnClosed(func() { c.SetOnTypedKey(before) })
	d.Show()
}
