package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/assets"
	"danvan/data"
)

// demo is one demo database shared by the tests: loading it takes about a second.
// Tests only read it.
var demo *data.Store

func TestMain(m *testing.M) {
	// The officers' language; fyne's lang reads it from the environment when
	// translations are added.
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	os.Setenv("LANG", "vi_VN.UTF-8")
	os.Setenv("LANGUAGE", "vi")
	if err := lang.AddTranslationsFS(assets.Translations, "translation"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	background = func(_ *sync.WaitGroup, f func()) { f() }
	dir, err := os.MkdirTemp("", "danvan-ui-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		ctx := context.Background()
		s, err := data.Open(ctx, filepath.Join(dir, "demo.db"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer s.Close()
		if err := s.LoadDemo(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		demo = s
		return m.Run()
	}()
	os.Exit(code)
}

// labelTexts lists the text of every label under o, rendered or not.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *widget.Form:
			for _, it := range w.Items {
				out = append(out, it.Text)
				walk(it.Widget)
			}
		}
	}
	walk(o)
	return out
}

// renderedTexts lists the text of every visible label the window draws, dialogs
// included. It walks the renderers already in use (test.LaidOutObjects would make new
// ones, without a table's cells).
func renderedTexts(w fyne.Window) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch c := o.(type) {
		case *widget.Label:
			out = append(out, c.Text)
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(c).Objects() {
				walk(child)
			}
		case *fyne.Container:
			for _, child := range c.Objects {
				walk(child)
			}
		}
	}
	walk(w.Canvas().Content())
	for _, ov := range w.Canvas().Overlays().List() {
		walk(ov)
	}
	return out
}

func containsText(texts []string, want string) bool {
	for _, t := range texts {
		if strings.Contains(t, want) {
			return true
		}
	}
	return false
}
