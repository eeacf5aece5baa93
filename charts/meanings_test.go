package charts

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func svgText(t *testing.T, ch Chart, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := ch.Render(&buf, SVG, o); err != nil {
		t.Fatal(err)
	}
	return checkSVG(t, buf.Bytes())
}

// An indicator without a target is not "0 %": 0,99 km were built. It says so
// in words and has no bar.
func TestBreakdownNoTargetIsNeverZero(t *testing.T) {
	b := Breakdown{Header: Header{Title: "Các chỉ tiêu", Unit: "%"}, Items: []Indicator{
		{Name: "Số đợt tuyên truyền", Actual: 17, Target: 19, Unit: "đợt"},
		{Name: "Đường bê tông nông thôn", Actual: 0.99, Target: math.NaN(), Percent: math.NaN(), Unit: "km"},
	}}
	for lang, want := range map[string]string{"vi": "0,99 km · chưa giao chỉ tiêu", "en": "0.99 km · no target set"} {
		text := svgText(t, b, Options{Lang: lang})
		if !strings.Contains(text, want) {
			t.Errorf("%s: %q lacks %q", lang, text, want)
		}
		if strings.Count(text, "\n0%\n") != 1 { // the axis' own 0%
			t.Errorf("%s: an indicator without a target reads 0%%: %q", lang, text)
		}
	}
}

// A locality that sent nothing is "chưa báo cáo", apart from one that
// reported 0, and comes last.
func TestRankingNoReportIsNeverZero(t *testing.T) {
	r := Ranking{Header: Header{Title: "Xếp hạng", Unit: "đợt"}, Localities: []Locality{
		{Name: "Xã Điềm He", Actual: math.NaN(), Target: 2},
		{Name: "Xã Chiến Thắng", Actual: 0, Target: 1},
		{Name: "Xã Chi Lăng", Actual: 3, Target: 2},
	}}
	text := svgText(t, r, Options{})
	for _, want := range []string{"chưa báo cáo", "0 đợt · \n0%"} {
		if !strings.Contains(text, want) {
			t.Errorf("ranking %q lacks %q", text, want)
		}
	}
	// Two 0%: the axis' and Chiến Thắng's.
	if strings.Count(text, "\n0%\n") != 2 || strings.Index(text, "Xã Chiến Thắng") > strings.Index(text, "Xã Điềm He") {
		t.Errorf("not reported drawn as 0%% or ranked above a reported 0: %q", text)
	}
	if !strings.Contains(svgText(t, r, Options{Lang: "en"}), "not reported") {
		t.Error("English ranking lacks \"not reported\"")
	}
}

func TestCompletenessLegendWords(t *testing.T) {
	for lang, want := range map[string][]string{"vi": {"Đúng hạn", "Nộp muộn", "Quá hạn", "Chưa đến hạn"}, "en": {"On time", "Late", "Overdue", "Not yet due"}} {
		text := svgText(t, sampleCompleteness(), Options{Lang: lang})
		for i, w := range want {
			if !strings.Contains(text, w+"\n") || StatusName([]Status{OnTime, Late, Missing, NotDue}[i], lang) != w {
				t.Errorf("%s: legend lacks %q: %q", lang, w, text)
			}
		}
	}
}

// A subtitle wraps between its parts, never inside "Quý III/2026", whatever
// the width.
func TestHeaderNeverBreaksInsideAPeriod(t *testing.T) {
	c, err := newCanvas(PNG, Options{Width: 1280, Height: 720, DPI: 96}.normalized())
	if err != nil {
		t.Fatal(err)
	}
	sub := "Chương trình phối hợp công tác dân vận của lực lượng vũ trang năm 2026 · Quý I/2026 – Quý III/2026 · hạn nộp 15 ngày sau khi hết kỳ"
	broken := regexp.MustCompile(`^([IVX]+|\d+)/\d{4}`)
	for w := c.measure(sub, stSubtitle); w > c.measure(sub, stSubtitle)/2; w -= c.px(3) {
		lines := c.wrapHeader(sub, w, stSubtitle)
		for i := 1; i < len(lines); i++ {
			if strings.HasSuffix(lines[i-1], "Quý") || broken.MatchString(lines[i]) {
				t.Fatalf("width %d: %q", w, lines)
			}
		}
	}
}

// The demo's longest names fit whole in a pack page and on screen: wrapped
// where rows have room for two lines, else in a wider name column.
func TestLongNamesAreNotCut(t *testing.T) {
	names := []string{"Số đợt tuyên truyền", "Số lượt người được tuyên truyền", "Số ngày công giúp dân", "Đường bê tông nông thôn",
		"Cống, rãnh thoát nước", "Nhà tình nghĩa, nhà đồng đội", "Giá trị nhà tình nghĩa", "Giá trị quà tặng, thăm hỏi",
		"Số người được khám, cấp thuốc miễn phí", "Mô hình \"Dân vận khéo\""}
	b := Breakdown{Header: Header{Title: "Các chỉ tiêu của chương trình: % chỉ tiêu"}}
	for i, n := range names {
		b.Items = append(b.Items, Indicator{Name: n, Actual: float64(10 + i), Target: 19, Unit: "lượt người"})
	}
	units := []string{"Trung đoàn 123", "Ban Chỉ huy Quân sự huyện Chi Lăng", "Ban Chỉ huy Quân sự huyện Văn Quan", "Bộ Chỉ huy Quân sự thành phố Cần Thơ"}
	g := Completeness{Header: Header{Title: "Tình hình báo cáo của các đơn vị"}, Periods: []string{"Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026"}}
	for _, u := range units {
		g.Units = append(g.Units, UnitReports{Name: u, Statuses: []Status{OnTime, OnTime, Missing, NotDue}})
	}
	for _, o := range []Options{
		{Width: 2149, Height: 1094, DPI: 200}, // a pack page over a short table
		{Width: 2149, Height: 757, DPI: 200},  // over a long one
		{Width: 1280, Height: 720, DPI: 96},
		{Width: 2480, Height: 1748, DPI: 300}, // A5 landscape
		{Width: 1024, Height: 576},
		{Width: 800, Height: 450},
		{Width: 640, Height: 360},
	} {
		for _, ch := range []Chart{b, g} {
			text := svgText(t, ch, o)
			if strings.Contains(text, "…") {
				t.Errorf("%s at %dx%d cuts a name: %q", ch.ChartHeader().Title, o.Width, o.Height, text)
			}
		}
	}
}

// One chart is one page: its header carries unit and program, no cover
// holding little more than the chart's title.
func TestOneChartPDFHasNoCover(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	b := Briefing{Cover: Cover{Program: "Chương trình phối hợp năm 2026", Unit: "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn", Date: "06/12/2026"},
		Pages: samplePages()[:1]}
	path := filepath.Join(t.TempDir(), "one.pdf")
	var buf bytes.Buffer
	if err := WriteBriefing(context.Background(), &buf, b, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if n := strings.Count(text, "\f"); n != 1 {
		t.Errorf("%d pages for one chart", n)
	}
	for _, want := range []string{"Bộ Chỉ huy Quân sự tỉnh Lạng Sơn · Chương trình phối hợp năm 2026", "Trang 1/1", "06/12/2026", "Quý III/2024"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q:\n%s", want, text)
		}
	}
}
