package charts

import (
	"encoding/xml"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"danvan/assets"

	"github.com/golang/freetype/truetype"
	"github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
	"golang.org/x/image/font"
	"golang.org/x/text/unicode/norm"
)

type fontSet struct{ regular, bold *truetype.Font }

var loadFonts = sync.OnceValues(func() (fontSet, error) {
	reg, err := truetype.Parse(assets.NotoSansRegular)
	if err != nil {
		return fontSet{}, fmt.Errorf("charts: parse Noto Sans Regular: %w", err)
	}
	bold, err := truetype.Parse(assets.NotoSansBold)
	if err != nil {
		return fontSet{}, fmt.Errorf("charts: parse Noto Sans Bold: %w", err)
	}
	return fontSet{regular: reg, bold: bold}, nil
})

// Palette. Every pair that must be told apart differs in lightness, not
// only in hue, because briefings are often printed on a mono laser printer.
var (
	colBackground = drawing.ColorFromHex("FFFFFF")
	colInk        = drawing.ColorFromHex("1A202C") // titles, values
	colInkSoft    = drawing.ColorFromHex("4A5568") // subtitles, axis labels
	colInkFaint   = drawing.ColorFromHex("718096") // source, notes
	colGrid       = drawing.ColorFromHex("E2E8F0")
	colAxis       = drawing.ColorFromHex("A0AEC0")
	colActual     = drawing.ColorFromHex("1F3A5F") // dark navy
	colActualArea = drawing.ColorFromHex("DCE4EE")
	colTarget     = drawing.ColorFromHex("C5CCD6") // light grey
	colTargetEdge = drawing.ColorFromHex("8A94A3")
	colTargetLine = drawing.ColorFromHex("7B8594")
	colToday      = drawing.ColorFromHex("B7791F")
	colGreen      = drawing.ColorFromHex("1E6B3A") // dark
	colAmber      = drawing.ColorFromHex("F2B33D") // light
	colRed        = drawing.ColorFromHex("D9534F") // middle, plus hatching
	colGreenText  = drawing.ColorFromHex("1E6B3A")
	colAmberText  = drawing.ColorFromHex("8A5A00")
	colRedText    = drawing.ColorFromHex("B42318")
	colNotDue     = drawing.ColorFromHex("EEF1F4")
	colNoData     = drawing.ColorFromHex("A0AEC0")
)

type textStyle struct {
	size  float64 // points
	bold  bool
	color drawing.Color
}

type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

type faceKey struct {
	bold bool
	size float64
}

// canvas wraps a go-chart Renderer with the few primitives the charts
// need, all sized in points so that one layout serves screen and print.
type canvas struct {
	r     chart.Renderer
	svg   bool
	w, h  int
	s     float64 // pixels per point
	opt   Options
	fonts fontSet
	faces map[faceKey]font.Face
	tr    strs
}

func newCanvas(format Format, opt Options) (*canvas, error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, err
	}
	var r chart.Renderer
	switch format {
	case PNG:
		r, err = chart.PNG(opt.Width, opt.Height)
	case SVG:
		r, err = chart.SVG(opt.Width, opt.Height)
	default:
		return nil, fmt.Errorf("charts: unknown format %d", format)
	}
	if err != nil {
		return nil, fmt.Errorf("charts: create renderer: %w", err)
	}
	c := &canvas{
		r: r, svg: format == SVG, w: opt.Width, h: opt.Height,
		s: opt.pxPerPt(), opt: opt, fonts: fonts,
		faces: map[faceKey]font.Face{}, tr: translations(opt.Lang),
	}
	// The renderer sizes fonts from DPI; feeding it our point scale keeps
	// text in step with the paddings and strokes we scale ourselves.
	r.SetDPI(c.s * 72)
	c.rect(0, 0, c.w, c.h, colBackground)
	return c, nil
}

func (c *canvas) px(pt float64) int { return int(math.Round(pt * c.s)) }

func (c *canvas) face(st textStyle) font.Face {
	k := faceKey{st.bold, st.size}
	if f, ok := c.faces[k]; ok {
		return f
	}
	f := truetype.NewFace(c.font(st), &truetype.Options{Size: st.size, DPI: c.s * 72, Hinting: font.HintingNone})
	c.faces[k] = f
	return f
}

func (c *canvas) font(st textStyle) *truetype.Font {
	if st.bold {
		return c.fonts.bold
	}
	return c.fonts.regular
}

// measure returns the advance width in pixels, the same for PNG and SVG.
func (c *canvas) measure(s string, st textStyle) int {
	return font.MeasureString(c.face(st), s).Ceil()
}

// ascent and lineHeight come from the font's own metrics, which leave room
// for stacked Vietnamese marks such as "Ễ"; a cap-height estimate clips them.
func (c *canvas) ascent(st textStyle) int { return c.face(st).Metrics().Ascent.Ceil() }

func (c *canvas) lineHeight(st textStyle) int {
	m := c.face(st).Metrics()
	return (m.Ascent + m.Descent).Ceil()
}

// text draws s with its baseline at y.
func (c *canvas) text(s string, x, y int, st textStyle, a align) {
	if s == "" {
		return
	}
	switch a {
	case alignCenter:
		x -= c.measure(s, st) / 2
	case alignRight:
		x -= c.measure(s, st)
	}
	c.r.ResetStyle()
	c.r.SetFont(c.font(st))
	if c.svg {
		c.r.SetFontSize(st.size)
	} else {
		// go-chart's raster text treats points*dpi as 26.6 fixed point
		// (dpi/64 rather than dpi/72), drawing glyphs 12.5% larger than
		// its own SVG output and than any measurement; undo that here.
		c.r.SetFontSize(st.size * 64 / 72)
	}
	c.r.SetFontColor(st.color)
	body := s
	if c.svg {
		// go-chart writes SVG text verbatim and has no font-weight, so
		// escape here and carry boldness in a tspan.
		var b strings.Builder
		if err := xml.EscapeText(&b, []byte(s)); err == nil {
			body = b.String()
		}
		if st.bold {
			body = `<tspan font-weight="bold">` + body + `</tspan>`
		}
	}
	c.r.Text(body, x, y)
}

// textTop draws s with the top of its line box at top and returns the
// y just below the line.
func (c *canvas) textTop(s string, x, top int, st textStyle, a align) int {
	c.text(s, x, top+c.ascent(st), st, a)
	return top + c.lineHeight(st)
}

// middleBaseline returns the baseline that centres a line on y.
func (c *canvas) middleBaseline(y int, st textStyle) int {
	// Centre capitals and figures, not the line box (whose descender
	// space would push text upwards). freetype leaves Metrics().CapHeight
	// zero, so measure an "H".
	b, _ := font.BoundString(c.face(st), "H")
	return y + (-b.Min.Y).Ceil()/2
}

// truncate shortens s with "…" until it fits maxW pixels.
func (c *canvas) truncate(s string, maxW int, st textStyle) string {
	if c.measure(s, st) <= maxW {
		return s
	}
	const ell = "…"
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi { // longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if c.measure(strings.TrimRight(string(rs[:mid]), " ")+ell, st) <= maxW {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		if c.measure(ell, st) <= maxW {
			return ell
		}
		return ""
	}
	return strings.TrimRight(string(rs[:lo]), " ") + ell
}

// wrap breaks s into at most maxLines lines of maxW pixels, truncating the
// last one.
func (c *canvas) wrap(s string, maxW int, st textStyle, maxLines int) []string {
	return c.wrapWords(strings.Fields(s), maxW, st, maxLines)
}

// wrapWords is wrap for words already split, some of which may hold spaces
// that must not break (see keepPeriods).
func (c *canvas) wrapWords(words []string, maxW int, st textStyle, maxLines int) []string {
	if maxLines <= 1 {
		if len(words) == 0 {
			return nil
		}
		return []string{c.truncate(strings.Join(words, " "), maxW, st)}
	}
	var lines []string
	cur := ""
	for i, w := range words {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if c.measure(try, st) <= maxW || cur == "" {
			cur = try
			continue
		}
		lines = append(lines, cur)
		cur = w
		if len(lines) == maxLines-1 {
			cur = strings.Join(words[i:], " ")
			break
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i := range lines {
		lines[i] = c.truncate(lines[i], maxW, st)
	}
	return lines
}

func (c *canvas) path(pts [][2]int) {
	for i, p := range pts {
		if i == 0 {
			c.r.MoveTo(p[0], p[1])
		} else {
			c.r.LineTo(p[0], p[1])
		}
	}
}

func (c *canvas) rect(x0, y0, x1, y1 int, fill drawing.Color) {
	if x1 <= x0 || y1 <= y0 {
		return
	}
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.path([][2]int{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
	c.r.Close()
	c.r.Fill()
}

func (c *canvas) rectOutline(x0, y0, x1, y1 int, stroke drawing.Color, widthPt float64) {
	c.r.ResetStyle()
	c.r.SetStrokeColor(stroke)
	c.r.SetStrokeWidth(max(1, widthPt*c.s))
	c.path([][2]int{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
	c.r.Close()
	c.r.Stroke()
}

// polyline strokes pts; dash is in points.
func (c *canvas) polyline(pts [][2]int, col drawing.Color, widthPt float64, dash ...float64) {
	if len(pts) < 2 {
		return
	}
	c.r.ResetStyle()
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(max(1, widthPt*c.s))
	if len(dash) > 0 {
		d := make([]float64, len(dash))
		for i, v := range dash {
			d[i] = v * c.s
		}
		c.r.SetStrokeDashArray(d)
	}
	c.path(pts)
	c.r.Stroke()
}

func (c *canvas) line(x0, y0, x1, y1 int, col drawing.Color, widthPt float64, dash ...float64) {
	c.polyline([][2]int{{x0, y0}, {x1, y1}}, col, widthPt, dash...)
}

func (c *canvas) polygon(pts [][2]int, fill drawing.Color) {
	if len(pts) < 3 {
		return
	}
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.path(pts)
	c.r.Close()
	c.r.Fill()
}

func (c *canvas) circle(x, y int, radiusPt float64, fill, stroke drawing.Color, strokePt float64) {
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.r.SetStrokeColor(stroke)
	c.r.SetStrokeWidth(max(1, strokePt*c.s))
	c.r.Circle(radiusPt*c.s, x, y)
	if !c.svg { // the SVG renderer emits the circle itself
		c.r.FillStroke()
	}
}

// hatch draws 45° stripes inside a rectangle; it is what keeps "red"
// distinct from "green" once printed in grey. All stripes go in one path:
// each Stroke call costs a pass of the rasteriser, and a ranking of 100
// localities has thousands of stripes.
func (c *canvas) hatch(x0, y0, x1, y1 int, col drawing.Color) {
	h := y1 - y0
	if x1 <= x0 || h <= 0 {
		return
	}
	step := max(c.px(5), 3)
	c.r.ResetStyle()
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(max(1, 1.1*c.s))
	any := false
	for k := x0 - h; k < x1; k += step {
		t0 := max(0, x0-k)
		t1 := min(h, x1-k)
		if t0 >= t1 {
			continue
		}
		c.r.MoveTo(k+t0, y1-t0)
		c.r.LineTo(k+t1, y1-t1)
		any = true
	}
	if any {
		c.r.Stroke()
	}
}

// Symbols are drawn as strokes rather than glyphs: Noto Sans has no ✓/✗
// and the marks must survive any font substitution in SVG viewers.
func (c *canvas) symbol(st Status, cx, cy, size int, col drawing.Color) {
	r := size / 2
	w := max(1.6, float64(size)/c.s/7)
	switch st {
	case OnTime:
		c.polyline([][2]int{{cx - r, cy}, {cx - r/3, cy + r*2/3}, {cx + r, cy - r*2/3}}, col, w)
	case Missing:
		c.line(cx-r*3/4, cy-r*3/4, cx+r*3/4, cy+r*3/4, col, w)
		c.line(cx-r*3/4, cy+r*3/4, cx+r*3/4, cy-r*3/4, col, w)
	case Late:
		c.line(cx, cy-r, cx, cy+r/4, col, w*1.1)
		c.rect(cx-c.px(w*0.55), cy+r*3/5, cx+c.px(w*0.55)+1, cy+r*3/5+c.px(w*1.1)+1, col)
	case NotDue:
		c.line(cx-r/2, cy, cx+r/2, cy, col, w*0.8)
	}
}

// sanitize makes user text safe to draw: composed form (decomposed
// Vietnamese marks would be drawn as stray accents, the renderer has no
// mark positioning), no control characters, bounded length.
func sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "�")
	}
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > 300 {
		s = string(rs[:300]) + "…"
	}
	return s
}

// fits says whether s wraps onto lines lines of width w without being cut.
func (c *canvas) fits(s string, w int, st textStyle, lines int) bool {
	return strings.Join(c.wrap(s, w, st, lines), " ") == strings.Join(strings.Fields(s), " ")
}

// nameColumn is the width of a column of names wrapped onto at most lines
// lines: within narrow if they fit, else widened up to wide, because a name
// cut short ("Số người được khám, cấp thuốc miễn …") can be misread, while a
// narrower plot beside it cannot.
func (c *canvas) nameColumn(names []string, st textStyle, lines, narrow, wide int) int {
	w := narrow
	for _, n := range names {
		// A name too long even for the widest column is cut anyway: no use
		// widening for it.
		if w >= wide || c.fits(n, w, st, lines) || !c.fits(n, wide, st, lines) {
			continue
		}
		lo, hi := w, wide // cut at lo, whole at hi
		for hi-lo > max(1, c.px(4)) {
			if mid := (lo + hi) / 2; c.fits(n, mid, st, lines) {
				hi = mid
			} else {
				lo = mid
			}
		}
		w = hi
	}
	used := 0
	for _, n := range names {
		for _, l := range c.wrap(n, w, st, lines) {
			used = max(used, c.measure(l, st))
		}
	}
	return used
}

// periodTail matches the part of a period label after its first word:
// "III/2026" in "Quý III/2026", "8/2026", or a year alone.
var periodTail = regexp.MustCompile(`^(([IVX]+|\d{1,2})/\d{4}|\d{4})[,.;:)]*$`)

// keepPeriods splits s into words, keeping a period label such as
// "Quý III/2026", "Tháng 8/2026" or "Q3 2026" in one piece: a line break
// inside it leaves "Quý" at the end of one line and its quarter on the next.
func keepPeriods(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		if n := len(out); n > 0 && periodTail.MatchString(w) && !strings.ContainsAny(out[n-1], "·–-") {
			out[n-1] += " " + w
			continue
		}
		out = append(out, w)
	}
	return out
}
