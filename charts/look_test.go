package charts

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLook writes every sample for a person to look at; it runs only when
// CHARTS_LOOK_DIR names a directory.
func TestLook(t *testing.T) {
	dir := os.Getenv("CHARTS_LOOK_DIR")
	if dir == "" {
		t.Skip("set CHARTS_LOOK_DIR to write sample charts for inspection")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w, h := PaperSize("A4", true, 150)
	sizes := map[string]Options{
		"screen": {Width: 1280, Height: 720, DPI: 96},
		"a4-150": {Width: w, Height: h, DPI: 150},
	}
	for name, ch := range allSamples() {
		for sz, o := range sizes {
			for _, f := range []struct {
				ext string
				f   Format
			}{{"png", PNG}, {"svg", SVG}} {
				out, err := os.Create(filepath.Join(dir, name+"-"+sz+"."+f.ext))
				if err != nil {
					t.Fatal(err)
				}
				if err := ch.Render(out, f.f, o); err != nil {
					t.Errorf("%s %s: %v", name, sz, err)
				}
				if err := out.Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
