package ui

import (
	"context"
	"encoding/json"
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

// walkRendered calls visit for o and every visible object drawn under it. It walks
// the renderers already in use (test.LaidOutObjects would make new ones, without a
// table's cells or a tree's rows).
func walkRendered(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	visit(o)
	switch c := o.(type) {
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walkRendered(child, visit)
		}
	case *fyne.Container:
		for _, child := range c.Objects {
			walkRendered(child, visit)
		}
	}
}

// renderedTexts lists the text of every visible label the window draws, dialogs
// included.
func renderedTexts(w fyne.Window) []string {
	var out []string
	visit := func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	walkRendered(w.Canvas().Content(), visit)
	for _, ov := range w.Canvas().Overlays().List() {
		walkRendered(ov, visit)
	}
	return out
}

// goSources reads the non-test Go files of dir, by file name; a folder without any
// fails the test, so a moved package cannot make a source check pass unseen.
func goSources(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	out := map[string][]byte{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = src
	}
	if err != nil || len(out) == 0 {
		t.Fatalf("%s: no Go files (%v)", dir, err)
	}
	return out
}

// readTranslation reads one of the translation files shipped in assets.
func readTranslation(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := assets.Translations.ReadFile("translation/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func containsText(texts []string, want string) bool {
	for _, t := range texts {
		if strings.Contains(t, want) {
			return true
		}
	}
	return false
}
