package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/period"
)

func init() {
	chartDelay = 0 // background work runs synchronously in tests: no pause to wait out
}

func newCharts(t *testing.T) (*Charts, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	s := NewCharts(demo, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	w.Resize(fyne.NewSize(1280, 800))
	s.reload()
	s.work.Wait()
	t.Cleanup(func() { s.stop(); s.work.Wait() })
	return s, w
}

// chooseRanking charts the ranking of TT_DOT in Lạng Sơn under CTPH-2026.
func chooseRanking(t *testing.T, s *Charts) {
	t.Helper()
	s.SelectKind(briefing.Ranking)
	s.Program.SetSelected("CTPH-2026")
	if !s.SelectIndicator("TT_DOT") {
		t.Fatalf("CTPH-2026 does not offer TT_DOT: %v", s.Indicator.Options)
	}
	test.Type(s.Locality, "lang son")
	s.work.Wait()
	found := -1
	for i, l := range s.LocalityMatches {
		if l.Code == "20" {
			found = i
		}
	}
	if found < 0 {
		t.Fatalf("searching “lang son” found %v, not code 20", s.LocalityMatches)
	}
	s.Matches.Select(found)
	s.work.Wait()
	if s.locality.Code != "20" {
		t.Fatalf("chosen locality = %+v", s.locality)
	}
}

func checkImageFitsArea(t *testing.T, s *Charts) {
	t.Helper()
	if s.Image.Image == nil {
		t.Fatal("no chart image")
	}
	size := s.area.Size()
	b := s.Image.Image.Bounds()
	if b.Dx() != int(size.Width+0.5) || b.Dy() != int(size.Height+0.5) || b.Dx() < 200 {
		t.Fatalf("image is %dx%d for an area of %v (scale 1)", b.Dx(), b.Dy(), size)
	}
}

func TestChartsDefaultsToTheNewestProgram(t *testing.T) {
	s, _ := newCharts(t)
	if s.Program.Selected != "CTPH-2026" {
		t.Errorf("program = %q, want the newest, CTPH-2026", s.Program.Selected)
	}
	if s.Indicator.SelectedIndex() != 0 || s.kind() != briefing.Progress || s.locality.ID != 0 {
		t.Errorf("defaults: indicator %d, kind %s, locality %+v", s.Indicator.SelectedIndex(), s.kind(), s.locality)
	}
	if s.By.Selected != typeName(period.Quarter) {
		t.Errorf("grouping = %q, want the program's quarters", s.By.Selected)
	}
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	checkImageFitsArea(t, s)
	if len(s.Rows) != 4 {
		t.Errorf("progress over 2026 by quarter has %d rows: %v", len(s.Rows), s.Rows)
	}
}

func TestChartsRankingOfLangSon(t *testing.T) {
	s, w := newCharts(t)
	chooseRanking(t, s)
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	checkImageFitsArea(t, s)
	if s.builtFor.Kind != briefing.Ranking || s.builtFor.Locality != "20" || s.builtFor.Indicator != "TT_DOT" {
		t.Fatalf("chart built for %+v", s.builtFor)
	}
	if len(s.Rows) == 0 {
		t.Fatal("the ranking table is empty")
	}
	communes := map[string]bool{}
	kids, err := demo.SearchLocalities(context.Background(), "", time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range kids {
		if l.ParentID == s.locality.ID {
			communes[l.Name] = true
		}
	}
	for _, r := range s.Rows {
		if !communes[r[0]] {
			t.Errorf("row %q does not name a commune of Lạng Sơn", r)
		}
	}
	if !strings.HasPrefix(s.Rows[0][0], "Xã ") && !strings.HasPrefix(s.Rows[0][0], "Phường ") {
		t.Errorf("first row %q", s.Rows[0])
	}

	// The image follows the window's size.
	before := s.Image.Image.Bounds()
	renders := s.Renders
	w.Resize(fyne.NewSize(1000, 700))
	s.work.Wait()
	if s.Renders != renders+1 {
		t.Errorf("resizing drew %d times", s.Renders-renders)
	}
	checkImageFitsArea(t, s)
	if s.Image.Image.Bounds() == before {
		t.Error("the image kept its size after the window shrank")
	}
	// A layout pass at the same size draws nothing.
	s.area.Resize(s.area.Size())
	if s.Renders != renders+1 {
		t.Error("a layout pass at the same size drew the chart again")
	}
}

func TestChartsBadPeriodShowsErrorAndDoesNotDraw(t *testing.T) {
	s, _ := newCharts(t)
	chooseRanking(t, s)
	renders := s.Renders
	test.Type(s.To, "Q5/2026")
	s.work.Wait()
	if !s.FilterError.Visible() || !strings.Contains(s.FilterError.Text, "Q5/2026") {
		t.Fatalf("no inline error for Q5/2026: visible %v, %q", s.FilterError.Visible(), s.FilterError.Text)
	}
	if s.Renders != renders {
		t.Error("the chart was drawn for a bad period")
	}
	s.To.SetText("Quý 2/2026")
	s.work.Wait()
	if s.FilterError.Visible() || s.Renders != renders+1 || s.builtFor.To != period.MustParse("2026Q2") {
		t.Errorf("after a good period: error %v, renders %d→%d, to %v", s.FilterError.Visible(), renders, s.Renders, s.builtFor.To)
	}
}

func TestChartsUnknownLocalityIsExplained(t *testing.T) {
	s, _ := newCharts(t)
	s.SelectKind(briefing.Ranking)
	s.To.SetText("2026Q3")
	s.SelectLocality(data.Locality{ID: -1, Code: "99999", Name: "Xã Không Có"})
	s.work.Wait()
	if s.Err == nil || !s.Message.Visible() || s.Image.Image != nil {
		t.Fatalf("unknown locality: err %v, message shown %v %q", s.Err, s.Message.Visible(), s.Message.Text)
	}
	s.SelectLocality(data.Locality{})
	s.work.Wait()
	if s.Err != nil || s.Message.Visible() || s.Image.Image == nil {
		t.Fatalf("whole country after an error: %v", s.Err)
	}
}

func TestChartsExportPNGAtA4(t *testing.T) {
	s, _ := newCharts(t)
	chooseRanking(t, s)
	if got := s.exportName(".png"); got != "xep-hang-TT_DOT-"+lastEndedOn(*s.selectedProgram(), today()).ID()+".png" {
		t.Errorf("default name %q", got)
	}
	path := filepath.Join(t.TempDir(), "xep-hang.png")
	if err := s.exportChart(context.Background(), s.builtFor, path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 3508 || cfg.Height != 2480 {
		t.Errorf("PNG is %dx%d, want A4 landscape at 300 dpi", cfg.Width, cfg.Height)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".danvan-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestChartsBriefingPack(t *testing.T) {
	s, _ := newCharts(t)
	path := filepath.Join(t.TempDir(), "giao-ban.pdf")
	var calls, lastDone, lastTotal int
	err := s.writePack(context.Background(), briefing.PackRequest{Program: "CTPH-2026", Period: period.MustParse("2026Q3"),
		Locality: "20", Classification: defaultClassification, Unit: "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn",
		Lang: "vi", Now: time.Now(), GraceDays: graceDays}, path,
		func(done, total int) { calls++; lastDone, lastTotal = done, total })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || lastDone != lastTotal {
		t.Errorf("progress: %d calls, last %d/%d", calls, lastDone, lastTotal)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 16)])
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "LƯU HÀNH NỘI BỘ") {
		t.Errorf("the pack does not carry the classification:\n%.500s", out)
	}

	// Cancelled: no file, not even the empty one the save dialog made.
	gone := filepath.Join(t.TempDir(), "huy.pdf")
	os.WriteFile(gone, nil, 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.writePack(ctx, briefing.PackRequest{Program: "CTPH-2026", Period: period.MustParse("2026Q3"), Lang: "vi"}, gone, nil); err == nil {
		t.Error("a cancelled pack was written")
	}
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("a cancelled pack left %s", gone)
	}
}

// The pack dialog shows what the pack covers: the headquarters' whole area by
// default even when a province is charted, which it offers too; the units working
// in the place chosen; every indicator, which can be narrowed.
func TestPackDialogShowsItsScope(t *testing.T) {
	s, _ := newCharts(t)
	chooseRanking(t, s) // Lạng Sơn is charted
	s.askPack()
	s.work.Wait()
	f := s.pack
	if f.Scope.SelectedIndex() != 0 || !strings.Contains(f.Scope.Selected, "Tỉnh Lạng Sơn") || !strings.Contains(f.Scope.Selected, "Cần Thơ") {
		t.Fatalf("scope %q, want the whole area named by its provinces", f.Scope.Selected)
	}
	if !strings.Contains(f.Units.Text, "Văn Quan") || !strings.Contains(f.Units.Text, "Cần Thơ") {
		t.Errorf("units of the whole area: %q", f.Units.Text)
	}
	req, err := s.packRequest(f)
	if err != nil || req.Locality != "" || len(req.Indicators) != len(s.selectedProgram().Indicators) {
		t.Fatalf("default request %+v, %v", req, err)
	}
	f.Scope.SetSelected("Tỉnh Lạng Sơn")
	s.work.Wait()
	if strings.Contains(f.Units.Text, "Cần Thơ") || !strings.Contains(f.Units.Text, "Chi Lăng") {
		t.Errorf("units of Lạng Sơn: %q", f.Units.Text)
	}
	f.Indicators.SetSelected(f.Indicators.Options[1:3])
	req, err = s.packRequest(f)
	if err != nil || req.Locality != "20" || len(req.Indicators) != 2 || req.Indicators[0] != s.selectedProgram().Indicators[1].Code {
		t.Fatalf("request %+v, %v", req, err)
	}
	f.Indicators.SetSelected(nil)
	if _, err := s.packRequest(f); err == nil {
		t.Error("a pack with no indicator was asked")
	}
	f.Dialog.Hide()
}

// refusingStore refuses every file, as data.Store refuses the database's own.
type refusingStore struct{}

func (refusingStore) WriteFile(name string, _ func(io.Writer) error) error {
	return fmt.Errorf("%s: %w", name, data.ErrOutputRefused)
}

func TestWriteAtomicLeavesARefusedFileAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "danvan.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(refusingStore{}, path, nil); !errors.Is(err, data.ErrOutputRefused) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("a refused file was removed: %v", err)
	}
}

// TestChartsCopyTable puts the figures on screen on the clipboard as
// tab-separated rows, the same as the chart's table built from the database.
func TestChartsCopyTable(t *testing.T) {
	s, _ := newCharts(t)
	chooseRanking(t, s)
	if s.built == nil {
		t.Fatalf("no chart: %v", s.Err)
	}
	test.Tap(s.CopyTable)
	b, err := briefing.Build(context.Background(), demo, s.builtFor)
	if err != nil {
		t.Fatal(err)
	}
	got := fyne.CurrentApp().Clipboard().Content()
	lines := strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n")
	if len(lines) != len(b.Table.Rows)+1 || lines[0] != strings.Join(b.Table.Header, "\t") {
		t.Fatalf("clipboard holds %q", got)
	}
	for i, r := range b.Table.Rows {
		if lines[i+1] != strings.Join(r, "\t") {
			t.Errorf("row %d: %q, want %q", i, lines[i+1], strings.Join(r, "\t"))
		}
	}
	if !strings.Contains(got, "chưa báo cáo") || s.CopyTable.Text != "Sao chép bảng số liệu" {
		t.Errorf("button %q, clipboard %q", s.CopyTable.Text, got)
	}
}

// TestChartsTableColumnsFitTheirText: the cumulative table's "Lũy kế thực
// hiện" and the breakdown's longest indicator name used to be cut short.
func TestChartsTableColumnsFitTheirText(t *testing.T) {
	test.NewTempApp(t)
	header := []string{"Chỉ tiêu", "Lũy kế thực hiện", "Lũy kế chỉ tiêu"}
	rows := [][]string{{"Số người được khám, cấp thuốc miễn phí", "2.891", "3.234"}}
	ws := tableColumnWidths(header, rows)
	size := theme.TextSize()
	need := []float32{
		fyne.MeasureText(rows[0][0], size, fyne.TextStyle{}).Width,
		fyne.MeasureText(header[1], size, fyne.TextStyle{Bold: true}).Width,
		fyne.MeasureText(header[2], size, fyne.TextStyle{Bold: true}).Width,
	}
	for i := range ws {
		if ws[i] < need[i]+2*theme.InnerPadding() {
			t.Errorf("column %q is %v wide, its text needs %v and the label's padding", header[i], ws[i], need[i])
		}
	}
}

// TestChartsExportPDFIsOnePage: a chart exported as PDF is its page, headed by
// the program's title, not a near-empty cover and then the chart.
func TestChartsExportPDFIsOnePage(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	s, _ := newCharts(t)
	chooseRanking(t, s)
	path := filepath.Join(t.TempDir(), "xep-hang.pdf")
	if err := s.exportChart(context.Background(), s.builtFor, path); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if n := strings.Count(text, "\f"); n != 1 || !strings.Contains(text, s.selectedProgram().Title) || !strings.Contains(text, "chưa báo cáo") {
		t.Errorf("%d pages:\n%s", n, text)
	}
}
