package charts

import (
	"bytes"
	"math"
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
