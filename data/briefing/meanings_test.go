package briefing

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"danvan/charts"
	"danvan/data/period"
)

// DUONG_KM, CONG_RANH and NHA_TN have no target in the demo: neither the chart
// nor its table may say 0 %.
func TestBreakdownNoTargetIsNeverZero(t *testing.T) {
	s := demo(t)
	b, err := Build(context.Background(), s, Request{Kind: Breakdown, Program: "CTPH-2026", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	items := b.Chart.(charts.Breakdown).Items
	seen := 0
	for i, it := range items {
		row := b.Table.Rows[i]
		if row[0] != it.Name {
			t.Fatalf("table row %d is %q, chart item %q", i, row[0], it.Name)
		}
		if !math.IsNaN(it.Target) {
			continue
		}
		seen++
		if !math.IsNaN(it.Percent) {
			t.Errorf("%s: no target, yet %v %%", it.Name, it.Percent)
		}
		if got := row[len(row)-1]; got != "chưa giao chỉ tiêu" || got != charts.NoTarget("vi") {
			t.Errorf("%s: %% cell %q, want the chart's words", it.Name, got)
		}
	}
	if seen < 3 {
		t.Errorf("%d indicators without a target; the demo has DUONG_KM, CONG_RANH, NHA_TN", seen)
	}
}

// In Lạng Sơn, Xã Điềm He sent nothing for Q3 while Xã Chiến Thắng reported 0.
func TestRankingNoReportIsNeverZero(t *testing.T) {
	s := demo(t)
	b, err := Build(context.Background(), s, Request{Kind: Ranking, Program: "CTPH-2026", Locality: "20", Indicator: "TT_DOT", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		reported bool
		pct      string
	}{"Xã Điềm He": {false, "chưa báo cáo"}, "Xã Chiến Thắng": {true, "0,0 %"}}
	ls := b.Chart.(charts.Ranking).Localities
	for i, row := range b.Table.Rows {
		w, ok := want[row[0]]
		if !ok {
			continue
		}
		delete(want, row[0])
		if math.IsNaN(ls[i].Actual) == w.reported || row[3] != w.pct {
			t.Errorf("%s: chart actual %v, %% cell %q; want reported=%v, %q", row[0], ls[i].Actual, row[3], w.reported, w.pct)
		}
	}
	if len(want) > 0 {
		t.Errorf("not in the ranking: %v", want)
	}
}

// The grid's legend and its table use one word per status: Văn Quan's missing
// Q3 report is "Quá hạn" in both, never "chưa báo cáo", "Chưa nộp" or "chậm".
func TestCompletenessTableUsesTheLegendWords(t *testing.T) {
	s := demo(t)
	b, err := Build(context.Background(), s, Request{Kind: Completeness, Program: "CTPH-2026", Now: now, GraceDays: 15})
	if err != nil {
		t.Fatal(err)
	}
	g := b.Chart.(charts.Completeness)
	for i, row := range b.Table.Rows {
		for j, cell := range row[1:] {
			if want := charts.StatusName(g.Units[i].Statuses[j], "vi"); cell != want {
				t.Errorf("%s, %s: table %q, legend %q", row[0], g.Periods[j], cell, want)
			}
		}
		if strings.Contains(row[0], "Văn Quan") && row[3] != "Quá hạn" {
			t.Errorf("Văn Quan's Q3: %q, want Quá hạn", row[3])
		}
	}
	if strings.Contains(g.Subtitle, "chậm") {
		t.Errorf("subtitle %q uses a third word for late", g.Subtitle)
	}
}

// In the pack's % table the figures are right-aligned with a gap between
// columns: "11   14", not "11 14" read as one number.
func TestPackTableColumnsKeepApart(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	// TT_DOT's pages, so that the ranking is of TT_DOT.
	_, text := packText(t, PackRequest{Program: "CTPH-2026", Period: period.MustParse("2026Q3"), Locality: "20",
		Indicators: []string{"TT_DOT"}, Now: now, GraceDays: 15})
	for _, re := range []string{
		`Số đợt tuyên truyền +đợt +11 {3,}14 {3,}78,6 %`,
		`Đường bê tông nông thôn +km +0,29 {3,}– {3,}chưa giao chỉ tiêu`,
		`Xã Điềm He +– {3,}2 {3,}chưa báo cáo`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("pack text lacks %s", re)
		}
	}
	if strings.Contains(text, "…") {
		t.Errorf("pack text cuts something short:\n%s", text)
	}
}

// A pack with every indicator runs to two dozen pages: its cover lists them all.
func TestCoverListsEveryPage(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	pack, cover := packText(t, PackRequest{Program: "CTPH-2026", Period: period.MustParse("2026Q3"), Now: now, GraceDays: 15}, "-f", "1", "-l", "1")
	last := len(pack.Pages)
	for _, want := range []string{"1. ", fmt.Sprintf("%d. ", last), fmt.Sprintf("Trang %d", last+1)} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover's contents lack %q (%d pages):\n%s", want, last, cover)
		}
	}
}

// packText builds the pack pr asks of the demo, writes it as PDF and returns it
// with its text as pdftotext -layout reads it, limited by pages (e.g. -f 1 -l 1).
func packText(t *testing.T, pr PackRequest, pages ...string) (charts.Briefing, string) {
	t.Helper()
	pack, err := Pack(context.Background(), demo(t), pr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pack.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := charts.WriteBriefing(context.Background(), f, pack, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command("pdftotext", append(append([]string{"-layout"}, pages...), path, "-")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	return pack, string(out)
}
