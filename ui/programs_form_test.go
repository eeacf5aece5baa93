package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestProgramFormKeepsContentTitlesOnOneLine types a key content's title over two
// lines, as the wrapped entry lets an officer do, and finds it saved as one line.
func TestProgramFormKeepsContentTitlesOnOneLine(t *testing.T) {
	st := writableDemo(t)
	s, _ := newProgramsOn(t, st)
	test.Tap(s.NewButton)
	f := s.Form
	test.Type(f.Code, "CTPH-2028")
	test.Type(f.Title, "Chương trình phối hợp năm 2028")
	test.Type(f.Start, "01/01/2028")
	test.Type(f.End, "31/12/2028")
	f.PeriodType.SetSelected("hằng quý")
	test.Tap(f.AddContent)
	f.Contents[0].Title.SetText("Tuyên truyền, phổ biến,\n  giáo dục pháp luật ")
	if got := f.Contents[0].Title.MinSize().Height; got <= f.Code.MinSize().Height {
		t.Errorf("the title entry is %.0f px high, no more than one line", got)
	}
	test.Tap(f.SaveButton)
	s.work.Wait()
	if f.Error.Visible() {
		t.Fatalf("form error: %s", f.Error.Text)
	}
	p, err := st.ProgramByCode(context.Background(), "CTPH-2028")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Contents) != 1 || p.Contents[0].Title != "Tuyên truyền, phổ biến, giáo dục pháp luật" {
		t.Errorf("contents %+v", p.Contents)
	}
}
