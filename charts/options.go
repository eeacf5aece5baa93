package charts

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Format selects the encoding written by Chart.Render.
type Format int

const (
	// PNG is a raster image, for screens and printing.
	PNG Format = iota
	// SVG is a vector image. Text refers to the "Noto Sans" family by name,
	// so the viewer needs that font installed for metrics to match exactly.
	SVG
)

// Options says how big a chart is and how it speaks.
//
// Width and Height are in pixels. DPI is the resolution of the medium the
// pixels end up on (96 for a screen, 200-300 for paper); text, strokes and
// paddings are sized in points and converted with it, so the same chart
// looks the same on screen and on A4. DPI 0 picks one from the size, as if
// 1280x720 were a 96 dpi screen.
type Options struct {
	Width, Height int
	DPI           float64
	// Lang is "vi" (default) or "en"; it picks labels and number format.
	Lang string
	// GreenAt and AmberAt are the % of target at or above which a value is
	// shown as on track (green) or behind (amber); below AmberAt it is red.
	// Zero means the defaults 100 and 70.
	GreenAt, AmberAt float64
}

// Size limits keep a mistaken option (say 300000 px) from allocating
// gigabytes; 12000 px is A3 at 600 dpi with room to spare.
const (
	minSide = 64
	maxSide = 12000
)

func (o Options) normalized() Options {
	if o.Width <= 0 {
		o.Width = 1280
	}
	if o.Height <= 0 {
		o.Height = 720
	}
	o.Width = min(max(o.Width, minSide), maxSide)
	o.Height = min(max(o.Height, minSide), maxSide)
	if o.DPI <= 0 || math.IsNaN(o.DPI) || math.IsInf(o.DPI, 0) {
		o.DPI = 96 * min(float64(o.Width)/1280, float64(o.Height)/720)
	}
	if o.Lang != "en" {
		o.Lang = "vi"
	}
	if o.GreenAt <= 0 || !finite(o.GreenAt) {
		o.GreenAt = 100
	}
	if o.AmberAt <= 0 || !finite(o.AmberAt) || o.AmberAt > o.GreenAt {
		o.AmberAt = min(70, o.GreenAt)
	}
	return o
}

// pxPerPt converts the point sizes used throughout the layout into pixels.
// It follows DPI, but is capped so that a small canvas (a thumbnail in the
// GUI) still holds the chart: the layout needs about 650x360 pt.
func (o Options) pxPerPt() float64 {
	s := o.DPI / 72
	s = min(s, float64(o.Width)/650, float64(o.Height)/360)
	return max(s, 0.25)
}

var paperMM = map[string][2]float64{
	"A3": {297, 420},
	"A4": {210, 297},
	"A5": {148, 210},
}

// PaperSize returns the pixel size of a sheet ("A3", "A4", "A5"; anything
// else is A4) at dpi, e.g. A4 landscape at 300 dpi is 3508x2480.
func PaperSize(paper string, landscape bool, dpi float64) (w, h int) {
	mm, ok := paperMM[strings.ToUpper(strings.TrimSpace(paper))]
	if !ok {
		mm = paperMM["A4"]
	}
	if dpi <= 0 || !finite(dpi) {
		dpi = 96
	}
	w = int(math.Round(mm[0] / 25.4 * dpi))
	h = int(math.Round(mm[1] / 25.4 * dpi))
	if landscape {
		w, h = h, w
	}
	return w, h
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// FormatNumber formats v with the given number of decimals, grouping
// thousands the Vietnamese way ("1.234,5") for lang "vi" and the English
// way ("1,234.5") for "en". NaN and ±Inf, which mean "no data" here, give
// an en dash.
func FormatNumber(v float64, decimals int, lang string) string {
	if !finite(v) {
		return "–"
	}
	decimals = min(max(decimals, 0), 10)
	// Half away from zero, as people round (strconv rounds 12.5 to "12").
	a := math.Abs(v)
	if p := math.Pow(10, float64(decimals)); a*p < 1e15 {
		a = math.Round(a*p) / p
	}
	s := strconv.FormatFloat(a, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	thousands, point := ".", ","
	if lang == "en" {
		thousands, point = ",", "."
	}
	var b strings.Builder
	// Rounding may turn -0.04 into "0.0": no minus sign on a printed zero.
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

var (
	numberVI = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})*(,\d+)?$`)
	numberEN = regexp.MustCompile(`^-?\d{1,3}(,\d{3})*(\.\d+)?$`)
)

// ParseNumber reads back a figure as FormatNumber writes it for lang, with
// or without a trailing "%", so that a table of text can go to a spreadsheet
// as numbers. Anything else (words, "–", "4/4") is not a number.
func ParseNumber(s, lang string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	re, thousands, point := numberVI, ".", ","
	if lang == "en" {
		re, thousands, point = numberEN, ",", "."
	}
	if !re.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(s, thousands, ""), point, ".", 1), 64)
	return v, err == nil
}

// autoDecimals shows decimals only where they carry information, so that
// "12" stays "12" but "12.5 km" keeps its half, and 0.99 km is not printed
// as "1 km" (two decimals below 100, where a hundredth can matter).
func autoDecimals(vs ...float64) int {
	d := 0
	for _, v := range vs {
		if !finite(v) || math.Abs(v) >= 1e12 {
			continue
		}
		most := 1
		if math.Abs(v) < 100 {
			most = 2
		}
		k := 0
		for ; k < most; k++ {
			if p := math.Pow(10, float64(k)); math.Abs(v-math.Round(v*p)/p) < 0.005 {
				break
			}
		}
		d = max(d, k)
	}
	return d
}

func formatValue(v float64, lang string) string {
	return FormatNumber(v, autoDecimals(v), lang)
}

// formatPct rounds to whole percent, except where rounding would lift a
// value over a status threshold (99.6 % printed as "100%" but coloured
// amber reads as a bug).
func formatPct(p float64, lang string, thresholds ...float64) string {
	d := 0
	for _, t := range thresholds {
		if p < t && math.Round(p) >= t {
			d = 1
		}
	}
	return FormatNumber(p, d, lang) + "%"
}
