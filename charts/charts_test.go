package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	cases := []struct {
		v    float64
		d    int
		lang string
		want string
	}{
		{1234.5, 1, "vi", "1.234,5"},
		{1234.5, 1, "en", "1,234.5"},
		{1234567, 0, "vi", "1.234.567"},
		{999, 0, "vi", "999"},
		{0, 2, "vi", "0,00"},
		{-1234.56, 1, "vi", "-1.234,6"},
		{-0.04, 1, "en", "0.0"},
		{12.5, 0, "en", "13"},
		{math.NaN(), 1, "vi", "–"},
		{math.Inf(1), 0, "en", "–"},
		{1e15, 0, "en", "1,000,000,000,000,000"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.v, c.d, c.lang); got != c.want {
			t.Errorf("FormatNumber(%v, %d, %q) = %q, want %q", c.v, c.d, c.lang, got, c.want)
		}
	}
}

func TestPaperSize(t *testing.T) {
	cases := []struct {
		paper     string
		landscape bool
		dpi       float64
		w, h      int
	}{
		{"A4", true, 300, 3508, 2480},
		{"A4", false, 300, 2480, 3508},
		{"a5", true, 300, 2480, 1748},
		{"A4", false, 96, 794, 1123},
		{"Letter?", true, 300, 3508, 2480},
	}
	for _, c := range cases {
		w, h := PaperSize(c.paper, c.landscape, c.dpi)
		if w != c.w || h != c.h {
			t.Errorf("PaperSize(%q, %v, %v) = %dx%d, want %dx%d", c.paper, c.landscape, c.dpi, w, h, c.w, c.h)
		}
	}
}

func checkPNG(t *testing.T, data []byte, w, h int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
}

func checkSVG(t *testing.T, data []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var text strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tk.Name.Local
			}
		case xml.CharData:
			text.Write(tk)
			text.WriteString("\n")
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return text.String()
}

func TestRenderAllKinds(t *testing.T) {
	a4w, a4h := PaperSize("A4", true, 300)
	sizes := []Options{
		{Width: 1280, Height: 720, DPI: 96},
		{Width: a4w, Height: a4h, DPI: 300},
		{Width: 1280, Height: 720, DPI: 96, Lang: "en"},
		{Width: 400, Height: 300}, // GUI thumbnail, DPI derived
	}
	for name, ch := range allSamples() {
		for _, o := range sizes {
			var buf bytes.Buffer
			if err := ch.Render(&buf, PNG, o); err != nil {
				t.Fatalf("%s %dx%d PNG: %v", name, o.Width, o.Height, err)
			}
			checkPNG(t, buf.Bytes(), o.Width, o.Height)

			buf.Reset()
			if err := ch.Render(&buf, SVG, o); err != nil {
				t.Fatalf("%s SVG: %v", name, err)
			}
			text := checkSVG(t, buf.Bytes())
			if title := ch.ChartHeader().Title; !strings.Contains(text, title) {
				t.Errorf("%s SVG lacks its title %q", name, title)
			}

			img, err := ch.Image(o)
			if err != nil {
				t.Fatalf("%s Image: %v", name, err)
			}
			if _, ok := img.(*image.RGBA); !ok {
				t.Errorf("%s Image is %T; want the raster itself, not a decoded PNG", name, img)
			}
			if b := img.Bounds(); b.Dx() != o.Width || b.Dy() != o.Height {
				t.Errorf("%s Image is %v", name, b)
			}
		}
	}
}

func TestVietnameseTextSurvives(t *testing.T) {
	r := sampleRanking()
	// Decomposed input (as some keyboards and imports produce) must come
	// out composed, exactly as typed in NFC.
	r.Localities[0].Name = "Xa\u0303 Hư\u0303u Lê\u0303"
	var buf bytes.Buffer
	if err := r.Render(&buf, SVG, Options{Width: 1280, Height: 720, DPI: 96}); err != nil {
		t.Fatal(err)
	}
	text := checkSVG(t, buf.Bytes())
	for _, want := range []string{"Xã Hữu Lễ", "Thị trấn Chi Lăng", "Xã Nhân Lý", "Xã Mai Sao (*)", "Không có số liệu"[:0]} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
	if !strings.Contains(text, "6,5 km") {
		t.Errorf("Vietnamese number format missing in %q", text)
	}
}

func TestSVGEscapesMarkup(t *testing.T) {
	p := sampleProgress()
	p.Title = `Đường <b>"bê tông"</b> & cầu`
	var buf bytes.Buffer
	if err := p.Render(&buf, SVG, Options{}); err != nil {
		t.Fatal(err)
	}
	if text := checkSVG(t, buf.Bytes()); !strings.Contains(text, p.Title) {
		t.Errorf("escaped title not round-tripped: %q", text)
	}
}

// edgeCharts returns, per kind, data that has broken chart code before.
func edgeCharts() map[string]Chart {
	nan, inf := math.NaN(), math.Inf(1)
	long := strings.Repeat("Ủy ban nhân dân xã Hữu Lễ mở rộng ", 40)
	h := Header{Title: long, Subtitle: long, Unit: long, Source: long, Footnote: long}
	m := map[string]Chart{}
	periodSets := map[string][]Period{
		"empty":    nil,
		"one":      {{Label: "Quý I/2024", Actual: 5, Target: 10, HasTarget: true}},
		"zeros":    {{Label: "Quý I/2024"}, {Label: "Quý II/2024", HasTarget: true}},
		"nan":      {{Label: "Quý I/2024", Actual: nan, Target: inf, HasTarget: true}, {Label: "Quý II/2024", Actual: math.Inf(-1), Target: nan, HasTarget: true}},
		"huge":     {{Label: "Q1", Actual: 9.99e14, Target: 1e14, HasTarget: true}, {Label: "Q2", Actual: 1e300, Target: 1, HasTarget: true}},
		"neg":      {{Label: "Q1", Actual: -5, Target: 10, HasTarget: true}},
		"long":     {{Label: long, Actual: 1, Target: 2, HasTarget: true}, {Label: long, Actual: 3}},
		"many":     manyPeriods(120),
		"notarg":   {{Label: "Q1", Actual: 3}, {Label: "Q2", Actual: 4}},
		"controls": {{Label: "Quý\x00I\n2024\t", Actual: 1, Target: 1, HasTarget: true}},
	}
	for k, ps := range periodSets {
		m["progress/"+k] = Progress{Header: h, Periods: ps}
		m["cumulative/"+k] = Cumulative{Header: h, Periods: ps}
		m["cumulative-today/"+k] = Cumulative{Header: Header{Title: "x"}, Periods: ps, Today: "Q2"}
		locs := make([]Locality, len(ps))
		inds := make([]Indicator, len(ps))
		for i, p := range ps {
			locs[i] = Locality{Name: p.Label, Actual: p.Actual, Target: p.Target}
			inds[i] = Indicator{Name: p.Label, Actual: p.Actual, Target: p.Target, Percent: p.Actual}
		}
		m["ranking/"+k] = Ranking{Header: h, Localities: locs}
		m["breakdown/"+k] = Breakdown{Header: Header{}, Items: inds}
		units := make([]UnitReports, len(ps))
		labels := make([]string, len(ps))
		for i, p := range ps {
			units[i] = UnitReports{Name: p.Label, Statuses: []Status{Status(i % 6), Missing}}
			labels[i] = p.Label
		}
		m["completeness/"+k] = Completeness{Header: h, Periods: labels, Units: units}
	}
	m["completeness/no-units"] = Completeness{Periods: []string{"Q1"}}
	return m
}

func manyPeriods(n int) []Period {
	ps := make([]Period, n)
	for i := range ps {
		ps[i] = Period{Label: "Tháng " + FormatNumber(float64(i+1), 0, "vi") + "/2024", Actual: float64(i % 7), Target: 5, HasTarget: i%3 != 0}
	}
	return ps
}

func TestEdgeCasesDoNotFail(t *testing.T) {
	opts := []Options{
		{Width: 1280, Height: 720, DPI: 96},
		{Width: 200, Height: 120},                                     // tiny
		{Width: 1, Height: 1, DPI: math.NaN()},                        // clamped
		{Width: 1280, Height: 720, DPI: 96, GreenAt: 90, AmberAt: 95}, // inverted thresholds
	}
	for name, ch := range edgeCharts() {
		for _, o := range opts {
			for _, f := range []Format{PNG, SVG} {
				var buf bytes.Buffer
				if err := ch.Render(&buf, f, o); err != nil {
					t.Errorf("%s %v %dx%d: %v", name, f, o.Width, o.Height, err)
					continue
				}
				if f == SVG {
					checkSVG(t, buf.Bytes())
				} else {
					n := o.normalized()
					checkPNG(t, buf.Bytes(), n.Width, n.Height)
				}
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := sampleProgress().Render(io.Discard, Format(42), Options{}); err == nil {
		t.Fatal("unknown format must be an error")
	}
}

func TestFormatPctAtThreshold(t *testing.T) {
	if got := formatPct(99.6, "vi", 100, 70); got != "99,6%" {
		t.Errorf("99.6 %% shown as %q; rounding to 100%% would contradict its amber colour", got)
	}
	if got := formatPct(83.4, "en", 100, 70); got != "83%" {
		t.Errorf("got %q", got)
	}
}

func TestNoDataMessage(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		var buf bytes.Buffer
		if err := (Ranking{Header: Header{Title: "T"}}).Render(&buf, SVG, Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"vi": "Không có số liệu", "en": "No data"}[lang]
		if !strings.Contains(checkSVG(t, buf.Bytes()), want) {
			t.Errorf("%s: empty chart lacks %q", lang, want)
		}
	}
}

// Twenty quarters leave narrow columns: each heading breaks after its "/" and
// still shows its year, rather than being cut short.
func TestCompletenessHeadingsKeepTheYear(t *testing.T) {
	g := sampleCompleteness()
	g.Periods = nil
	for y := 2021; y <= 2025; y++ {
		for _, q := range []string{"I", "II", "III", "IV"} {
			g.Periods = append(g.Periods, fmt.Sprintf("Quý %s/%d", q, y))
		}
	}
	for i := range g.Units {
		g.Units[i].Statuses = make([]Status, len(g.Periods))
	}
	var buf bytes.Buffer
	if err := g.Render(&buf, SVG, Options{Width: 1280, Height: 720, DPI: 96}); err != nil {
		t.Fatal(err)
	}
	text := checkSVG(t, buf.Bytes())
	if strings.Contains(text, "…") {
		t.Errorf("a heading was cut short: %q", text)
	}
	for y := 2021; y <= 2025; y++ {
		if n := strings.Count(text, fmt.Sprint(y)); n < 4 {
			t.Errorf("%d appears %d times; each of its quarters should show it", y, n)
		}
	}
}
