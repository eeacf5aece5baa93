package briefing

import (
	"bytes"
	"context"
	"image/png"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danvan/charts"
	"danvan/data"
	"danvan/data/period"
)

func demo(t *testing.T) *data.Store {
	t.Helper()
	s, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestEveryKindBuildsFromTheDemo(t *testing.T) {
	s := demo(t)
	for _, lang := range []string{"vi", "en"} {
		for _, k := range Kinds {
			b, err := Build(context.Background(), s, Request{Kind: k, Program: "CTPH-2026", Locality: "20", Indicator: "TT_DOT", Lang: lang, Now: now, GraceDays: 15})
			if err != nil {
				t.Fatalf("%s/%s: %v", k, lang, err)
			}
			if len(b.Table.Rows) == 0 {
				t.Errorf("%s/%s: empty table", k, lang)
			}
			var buf bytes.Buffer
			if err := b.Chart.Render(&buf, charts.PNG, charts.Options{Width: 800, Height: 450, Lang: lang}); err != nil {
				t.Fatalf("%s/%s: render: %v", k, lang, err)
			}
			if _, err := png.Decode(&buf); err != nil {
				t.Fatalf("%s/%s: PNG does not decode: %v", k, lang, err)
			}
		}
	}
}

func TestRankingNamesLocalitiesAndFootnotesSplits(t *testing.T) {
	s := demo(t)
	b, err := Build(context.Background(), s, Request{Kind: Ranking, Program: "CTPH-2026", Locality: "20", Indicator: "TT_DOT", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	r := b.Chart.(charts.Ranking)
	if len(r.Localities) < 3 || len(r.Localities) > 20 {
		t.Fatalf("ranking has %d localities; want the communes the program works in", len(r.Localities))
	}
	if !strings.Contains(r.Header.Subtitle, "Quý III/2026") || !strings.Contains(r.Header.Subtitle, "Tỉnh Lạng Sơn") {
		t.Errorf("subtitle %q lacks the briefed period or the province", r.Header.Subtitle)
	}
	if !strings.Contains(r.Header.Footnote, "chia tách") {
		t.Errorf("footnote %q does not mention the split communes", r.Header.Footnote)
	}
}

func TestCompletenessShowsTheLateUnit(t *testing.T) {
	s := demo(t)
	b, err := Build(context.Background(), s, Request{Kind: Completeness, Program: "CTPH-2026", Now: now, GraceDays: 15})
	if err != nil {
		t.Fatal(err)
	}
	g := b.Chart.(charts.Completeness)
	for _, u := range g.Units {
		if strings.Contains(u.Name, "Văn Quan") && u.Statuses[2] != charts.Missing {
			t.Errorf("Văn Quan's Q3: %v, want missing", u.Statuses[2])
		}
		if strings.Contains(u.Name, "Hậu Giang") {
			t.Errorf("a unit dissolved before 2026 is chased: %s", u.Name)
		}
	}
}

func TestPackHasOnePagePerChart(t *testing.T) {
	s := demo(t)
	pack, err := Pack(context.Background(), s, PackRequest{Program: "CTPH-2026", Period: period.MustParse("2026Q3"), Locality: "20",
		Unit: "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn", Classification: "LƯU HÀNH NỘI BỘ", Now: now, GraceDays: 15})
	if err != nil {
		t.Fatal(err)
	}
	// Every indicator of the program gets its progress and cumulative pages, then
	// come the ranking, the breakdowns by indicator and by key content, and the
	// completeness of reports.
	prog, err := s.ProgramByCode(context.Background(), "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	if want := 2*len(prog.Indicators) + 4; len(pack.Pages) != want {
		t.Fatalf("pack has %d charts, want %d", len(pack.Pages), want)
	}
	if pack.Cover.Period != "Quý III/2026" || pack.Cover.Locality != "Tỉnh Lạng Sơn" {
		t.Errorf("cover: %+v", pack.Cover)
	}
	var buf bytes.Buffer
	if err := charts.WriteBriefing(context.Background(), &buf, pack, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
		t.Fatal("not a PDF")
	}
}

func TestBadRequestsSayWhat(t *testing.T) {
	s := demo(t)
	for req, want := range map[*Request]string{
		{Kind: Progress, Program: "NOPE"}:                                                                        "NOPE",
		{Kind: Progress, Program: "CTPH-2026", Indicator: "XYZ"}:                                                 "XYZ",
		{Kind: Progress, Program: "CTPH-2026", Locality: "99999"}:                                                "99999",
		{Kind: "pie", Program: "CTPH-2026"}:                                                                      "not a chart kind",
		{Kind: Progress, Program: "CTPH-2026", From: period.MustParse("2026Q4"), To: period.MustParse("2026Q1")}: "before it starts",
	} {
		_, err := Build(context.Background(), s, *req)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: error %v, want it to mention %q", *req, err, want)
		}
	}
}

// The pack's indicator pages come furthest behind first, as chosen; its completeness
// page lists the units working in its scope; with no locality, its cover names the
// headquarters' provinces.
func TestPackScopeAndIndicators(t *testing.T) {
	s := demo(t)
	ctx := context.Background()
	q3 := period.MustParse("2026Q3")
	pack, err := Pack(ctx, s, PackRequest{Program: "CTPH-2026", Period: q3, Locality: "20", Now: now, GraceDays: 15})
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := s.ProgramByCode(ctx, "CTPH-2026")
	l, _ := s.LocalityByCode(ctx, "20", q3.End())
	figs, _, err := s.ByIndicator(ctx, data.Scope{ProgramID: prog.ID, LocalityID: l.ID}, q3)
	if err != nil {
		t.Fatal(err)
	}
	pct := map[string]float64{}
	for _, f := range figs {
		if v, ok := f.Percent(); ok {
			pct[f.Indicator.Name] = v
		}
	}
	last, seenNoTarget, ranked := -1.0, false, 0
	for i := 0; i < 2*len(prog.Indicators); i += 2 {
		title := pack.Pages[i].Chart.ChartHeader().Title
		name, _, _ := strings.Cut(title, ":")
		v, ok := pct[name]
		switch {
		case !ok:
			seenNoTarget = true
		case seenNoTarget || v < last:
			t.Errorf("page %d (%s, %.0f%%) is out of the furthest-behind order", i+1, name, v)
		default:
			last, ranked = v, ranked+1
		}
	}
	if ranked < 3 {
		t.Fatalf("only %d indicator pages have a %% of target to order by", ranked)
	}
	completeness := pack.Pages[len(pack.Pages)-1].Chart.(charts.Completeness)
	for _, u := range completeness.Units {
		if strings.Contains(u.Name, "Cần Thơ") || strings.Contains(u.Name, "Hậu Giang") || strings.Contains(u.Name, "Long Mỹ") {
			t.Errorf("Lạng Sơn's pack chases %s", u.Name)
		}
	}
	if len(completeness.Units) == 0 {
		t.Error("Lạng Sơn's pack chases no unit")
	}

	two, err := Pack(ctx, s, PackRequest{Program: "CTPH-2026", Period: q3, Indicators: []string{"kham_benh", "TT_DOT"}, Now: now, GraceDays: 15})
	if err != nil {
		t.Fatal(err)
	}
	if len(two.Pages) != 2*2+4 {
		t.Fatalf("a pack of two indicators has %d pages", len(two.Pages))
	}
	if two.Cover.Locality != "Tỉnh Lạng Sơn, Thành phố Cần Thơ" {
		t.Errorf("cover names %q, want the headquarters' provinces", two.Cover.Locality)
	}
	if _, err := Pack(ctx, s, PackRequest{Program: "CTPH-2026", Period: q3, Indicators: []string{"NOPE"}, Now: now}); err == nil || !strings.Contains(err.Error(), "NOPE") {
		t.Errorf("an unknown indicator: %v", err)
	}
}

// Hậu Giang went into Cần Thơ on 2025-07-01. A ranking of its districts for
// 2025Q3 still finds the province as it last was, as a chart of any range it
// existed in before: the code was in force neither at the end nor at the start.
func TestAChartFindsAPlaceByItsLastDay(t *testing.T) {
	s := demo(t)
	q3 := period.MustParse("2025Q3")
	b, err := Build(context.Background(), s, Request{Kind: Ranking, Program: "CTPH-2021-2025", Locality: "93", Indicator: "TT_DOT", From: q3, To: q3, Lang: "en", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.Chart.(charts.Ranking).Header.Subtitle, "Hậu Giang") {
		t.Fatalf("subtitle %q does not name Hậu Giang", b.Chart.(charts.Ranking).Header.Subtitle)
	}
}
