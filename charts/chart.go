package charts

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"strings"

	"github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Header is what every chart prints around its plot.
type Header struct {
	Title string
	// Subtitle names the program, locality and period range.
	Subtitle string
	// Unit labels the value axis, e.g. "km" or "triệu đồng".
	Unit string
	// Source is the footer, e.g. "Nguồn: báo cáo của các đơn vị · 23/11/2026".
	Source string
	// Footnote is printed above the source, e.g. to explain figures that
	// span the 2025 locality reform.
	Footnote string
}

// Chart is one of Progress, Cumulative, Ranking, Breakdown or
// Completeness.
type Chart interface {
	// Render writes the chart as PNG or SVG.
	Render(w io.Writer, format Format, opt Options) error
	// Image draws the chart for display without encoding it.
	Image(opt Options) (image.Image, error)
	// ChartHeader gives the header the chart was built with, e.g. for a
	// page title in the briefing pack.
	ChartHeader() Header
	draw(c *canvas) error
}

func render(ch Chart, w io.Writer, format Format, opt Options) (err error) {
	if _, direct := w.(*chart.ImageWriter); format == PNG && !direct {
		img, err := renderImage(ch, opt)
		if err != nil {
			return err
		}
		// Charts are flat colour: the fastest compression makes files only a little
		// larger and takes a fraction of the default's time.
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(w, img); err != nil {
			return fmt.Errorf("charts: encode: %w", err)
		}
		return nil
	}
	opt = opt.normalized()
	c, err := newCanvas(format, opt)
	if err != nil {
		return err
	}
	// The freetype rasteriser can panic on pathological geometry; a
	// briefing must fail with an error, never take the GUI down.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("charts: render panicked: %v", p)
		}
	}()
	if err := ch.draw(c); err != nil {
		return err
	}
	if err := c.r.Save(w); err != nil {
		return fmt.Errorf("charts: encode: %w", err)
	}
	return nil
}

func renderImage(ch Chart, opt Options) (image.Image, error) {
	var iw chart.ImageWriter
	if err := render(ch, &iw, PNG, opt); err != nil {
		return nil, err
	}
	img, err := iw.Image()
	if err != nil {
		return nil, fmt.Errorf("charts: collect image: %w", err)
	}
	return img, nil
}

// Text sizes in points. Chosen for legibility from the back of a
// briefing room on a 1280x720 projector and on A4 paper alike.
var (
	stTitle    = textStyle{size: 20, bold: true, color: colInk}
	stSubtitle = textStyle{size: 13, color: colInkSoft}
	stLegend   = textStyle{size: 11.5, color: colInkSoft}
	stAxis     = textStyle{size: 11, color: colInkSoft}
	stLabel    = textStyle{size: 12, color: colInk}
	stValue    = textStyle{size: 11, color: colInk}
	stValueB   = textStyle{size: 12, bold: true, color: colInk}
	stSource   = textStyle{size: 9.5, color: colInkFaint}
	stNoData   = textStyle{size: 20, bold: true, color: colNoData}
)

const padPt = 20 // outer margin

type box struct{ x0, y0, x1, y1 int }

func (b box) w() int { return b.x1 - b.x0 }
func (b box) h() int { return b.y1 - b.y0 }

type swatchKind int

const (
	swBox swatchKind = iota
	swBoxOutlined
	swBoxHatched
	swLine
	swDashed
	swDotted
	swStatus // a completeness cell
)

type legendItem struct {
	kind   swatchKind
	color  drawing.Color
	status Status
	label  string
}

// frame draws title, subtitle, legend and footer and returns the box left
// for the plot.
func (c *canvas) frame(h Header, legend []legendItem) box {
	pad := c.px(padPt)
	b := box{pad, pad, c.w - pad, c.h - pad}
	y := b.y0
	for _, l := range c.wrapHeader(sanitize(h.Title), b.w(), stTitle) {
		y = c.textTop(l, b.x0, y, stTitle, alignLeft)
	}
	if sub := sanitize(h.Subtitle); sub != "" {
		y += c.px(2)
		for _, l := range c.wrapHeader(sub, b.w(), stSubtitle) {
			y = c.textTop(l, b.x0, y, stSubtitle, alignLeft)
		}
	}
	if len(legend) > 0 {
		y += c.px(10)
		y = c.legend(legend, b.x0, y, b.w())
	}
	y += c.px(14)

	// Footer, bottom up.
	bottom := b.y1
	if src := sanitize(h.Source); src != "" {
		lines := c.wrap(src, b.w(), stSource, 2)
		bottom -= len(lines) * c.lineHeight(stSource)
		yy := bottom
		for _, l := range lines {
			yy = c.textTop(l, b.x0, yy, stSource, alignLeft)
		}
	}
	if fn := sanitize(h.Footnote); fn != "" {
		st := stSource
		st.color = colInkSoft
		lines := c.wrap(fn, b.w(), st, 3)
		bottom -= len(lines)*c.lineHeight(st) + c.px(2)
		yy := bottom
		for _, l := range lines {
			yy = c.textTop(l, b.x0, yy, st, alignLeft)
		}
	}
	if bottom < b.y1 {
		bottom -= c.px(8)
		c.line(b.x0, bottom, b.x1, bottom, colGrid, 0.8)
		bottom -= c.px(10)
	}
	return box{b.x0, y, b.x1, max(bottom, y+1)}
}

// wrapHeader wraps a title or subtitle onto at most two lines, never inside
// a period label.
func (c *canvas) wrapHeader(s string, maxW int, st textStyle) []string {
	return c.wrapWords(keepPeriods(s), maxW, st, 2)
}

// legend lays items out left to right, wrapping, and returns the y below.
func (c *canvas) legend(items []legendItem, x0, top, maxW int) int {
	sw := c.px(14)
	gap := c.px(6)
	itemGap := c.px(20)
	lh := max(c.lineHeight(stLegend), sw)
	x := x0
	for _, it := range items {
		label := c.truncate(sanitize(it.label), maxW-sw-gap, stLegend)
		w := sw + gap + c.measure(label, stLegend)
		if it.kind == swLine || it.kind == swDashed || it.kind == swDotted {
			w += sw
		}
		if x > x0 && x+w > x0+maxW {
			x = x0
			top += lh + c.px(4)
		}
		cy := top + lh/2
		switch it.kind {
		case swBox:
			c.rect(x, cy-sw/2, x+sw, cy+sw/2, it.color)
		case swBoxOutlined:
			c.rect(x, cy-sw/2, x+sw, cy+sw/2, it.color)
			c.rectOutline(x, cy-sw/2, x+sw, cy+sw/2, colTargetEdge, 0.8)
		case swBoxHatched:
			c.rect(x, cy-sw/2, x+sw, cy+sw/2, it.color)
			c.hatch(x, cy-sw/2, x+sw, cy+sw/2, colBackground)
		case swLine:
			c.line(x, cy, x+2*sw, cy, it.color, 3)
			c.circle(x+sw, cy, 3.5, it.color, colBackground, 1.2)
		case swDashed:
			c.line(x, cy, x+2*sw, cy, it.color, 2.5, 5, 3)
		case swDotted:
			c.line(x, cy, x+2*sw, cy, it.color, 1.8, 2, 2.5)
		case swStatus:
			c.statusCell(it.status, x, cy-sw/2, x+sw, cy+sw/2)
		}
		tx := x + sw + gap
		if it.kind == swLine || it.kind == swDashed || it.kind == swDotted {
			tx += sw
		}
		c.text(label, tx, c.middleBaseline(cy, stLegend), stLegend, alignLeft)
		x += w + itemGap
	}
	return top + lh
}

// noData fills the plot box with a plain message instead of an empty axis.
func (c *canvas) noData(b box) {
	c.rectOutline(b.x0, b.y0, b.x1, b.y1, colGrid, 1)
	cx, cy := (b.x0+b.x1)/2, (b.y0+b.y1)/2
	c.text(c.tr.noData, cx, c.middleBaseline(cy, stNoData), stNoData, alignCenter)
}

// niceAxis returns an axis top >= maxV and a tick step giving 4-8 ticks.
func niceAxis(maxV float64) (top, step float64) {
	if !(maxV > 0) || !finite(maxV) {
		return 10, 2
	}
	raw := maxV / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = m * mag
		if maxV/step <= 6 {
			break
		}
	}
	top = math.Ceil(maxV/step-1e-9) * step
	return top, step
}

// tickDecimals is enough decimals to tell ticks apart.
func tickDecimals(step float64) int {
	d := 0
	for d < 6 && math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) > 1e-6 {
		d++
	}
	return d
}

// valueAxis draws horizontal grid lines across b and tick labels left of
// it for the range [0, top] mapped onto plotBottom..plotTop.
func (c *canvas) valueAxis(b box, top, step float64, plotTop, plotBottom int) {
	d := tickDecimals(step)
	for v := 0.0; v <= top+step/2; v += step {
		y := plotBottom - int(math.Round(v/top*float64(plotBottom-plotTop)))
		col := colGrid
		if v == 0 {
			col = colAxis
		}
		c.line(b.x0, y, b.x1, y, col, 0.8)
		c.text(FormatNumber(v, d, c.opt.Lang), b.x0-c.px(6), c.middleBaseline(y, stAxis), stAxis, alignRight)
	}
}

func (c *canvas) axisLabelWidth(top, step float64) int {
	d := tickDecimals(step)
	w := 0
	for v := 0.0; v <= top+step/2; v += step {
		w = max(w, c.measure(FormatNumber(v, d, c.opt.Lang), stAxis))
	}
	return w
}

// categoryLabels fits one label per slot under a plot: on one line,
// else on two, else every k-th label. It returns the height used.
func (c *canvas) categoryLabels(labels []string, x0, slot float64, top int) int {
	n := len(labels)
	if n == 0 {
		return 0
	}
	st := stAxis
	room := int(slot * 0.94)
	maxW := 0
	for _, l := range labels {
		maxW = max(maxW, c.measure(l, st))
	}
	lh := c.lineHeight(st)
	if maxW <= room {
		for i, l := range labels {
			c.textTop(l, int(x0+slot*(float64(i)+0.5)), top, st, alignCenter)
		}
		return lh
	}
	twoLines := true
	wrapped := make([][]string, n)
	for i, l := range labels {
		wrapped[i] = c.wrap(l, room, st, 2)
		// Two lines only if nothing was truncated away.
		if strings.Join(wrapped[i], " ") != l {
			twoLines = false
		}
	}
	if twoLines {
		for i := range labels {
			y := top
			for _, l := range wrapped[i] {
				y = c.textTop(l, int(x0+slot*(float64(i)+0.5)), y, st, alignCenter)
			}
		}
		return 2 * lh
	}
	k := int(math.Ceil(float64(maxW) / (slot * 0.94)))
	for i := 0; i < n; i += k {
		l := c.truncate(labels[i], int(slot*float64(k)*0.94), st)
		c.textTop(l, int(x0+slot*(float64(i)+0.5)), top, st, alignCenter)
	}
	return lh
}

// categoryLabelHeight predicts categoryLabels' height without drawing.
func (c *canvas) categoryLabelHeight(labels []string, slot float64) int {
	room := int(slot * 0.94)
	fits1 := true
	for _, l := range labels {
		if c.measure(l, stAxis) > room {
			fits1 = false
		}
	}
	if fits1 {
		return c.lineHeight(stAxis)
	}
	return 2 * c.lineHeight(stAxis)
}

// status classifies a % of target.
func (c *canvas) status(pct float64) (fill, text drawing.Color, hatched bool) {
	switch {
	case pct >= c.opt.GreenAt:
		return colGreen, colGreenText, false
	case pct >= c.opt.AmberAt:
		return colAmber, colAmberText, false
	default:
		return colRed, colRedText, true
	}
}

// clean turns NaN, ±Inf and absurd magnitudes into NaN ("missing"); no
// report holds 10^15 of anything, and such values would wreck the axis.
func clean(v float64) float64 {
	if !finite(v) || math.Abs(v) > 1e15 {
		return math.NaN()
	}
	return v
}
