package charts

import (
	"cmp"
	"fmt"
	"image"
	"io"
	"math"
	"slices"
	"strconv"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Locality is one locality's result for a period. NaN Actual means the
// locality reported nothing for the period: it is shown as not reported, with
// no bar, apart from a reported 0.
type Locality struct {
	Name           string
	Actual, Target float64
}

// Ranking ranks localities by % of target as horizontal bars coloured by
// status, best first; localities without a target come after them, and
// those that did not report last.
type Ranking struct {
	Header
	Localities []Locality
}

// Indicator is one indicator or key content of a program. When Target is
// positive the % is Actual/Target (NaN Actual: not reported), otherwise
// Percent is used as given (for indicators reported only as a rate); NaN
// Percent then means no target was set, shown in words and without a bar,
// never as 0 %.
type Indicator struct {
	Name           string
	Percent        float64
	Actual, Target float64
	// Unit of Actual/Target, e.g. "km"; empty falls back to Header.Unit.
	Unit string
}

// Breakdown shows each indicator's % of target as horizontal bars, in the
// order given (the program's own order).
type Breakdown struct {
	Header
	Items []Indicator
}

func (r Ranking) Render(w io.Writer, f Format, o Options) error { return render(r, w, f, o) }
func (r Ranking) Image(o Options) (image.Image, error)          { return renderImage(r, o) }
func (r Ranking) ChartHeader() Header                           { return r.Header }

func (b Breakdown) Render(w io.Writer, f Format, o Options) error { return render(b, w, f, o) }
func (b Breakdown) Image(o Options) (image.Image, error)          { return renderImage(b, o) }
func (b Breakdown) ChartHeader() Header                           { return b.Header }

// hbarRow is what both horizontal bar charts reduce to.
type hbarRow struct {
	rank  string
	name  string
	pct   float64 // NaN: no target, or not reported
	value string  // printed before the %, may be empty
	// noReport: nothing was reported, which a 0 would misstate.
	noReport bool
	gap      bool // stands for rows left out
}

func withUnit(v, unit string) string {
	if unit == "" {
		return v
	}
	return v + " " + unit
}

func (r Ranking) draw(c *canvas) error {
	unit := sanitize(r.Unit)
	type loc struct {
		name        string
		actual, pct float64
	}
	// Reported with a %, then reported without a target, then not reported.
	group := func(l loc) int {
		switch {
		case math.IsNaN(l.actual):
			return 2
		case math.IsNaN(l.pct):
			return 1
		}
		return 0
	}
	locs := make([]loc, 0, len(r.Localities))
	for _, l := range r.Localities {
		a, t := clean(l.Actual), clean(l.Target)
		pct := math.NaN()
		if t > 0 && !math.IsNaN(a) {
			pct = a / t * 100
		}
		locs = append(locs, loc{name: sanitize(l.Name), actual: a, pct: pct})
	}
	col := collate.New(language.Vietnamese)
	slices.SortStableFunc(locs, func(x, y loc) int {
		gx, gy := group(x), group(y)
		switch {
		case gx != gy:
			return cmp.Compare(gx, gy)
		case gx == 0 && x.pct != y.pct:
			return cmp.Compare(y.pct, x.pct)
		case gx == 1 && x.actual != y.actual:
			return cmp.Compare(y.actual, x.actual)
		}
		return col.CompareString(x.name, y.name)
	})
	rows := make([]hbarRow, len(locs))
	for i, l := range locs {
		rows[i] = hbarRow{rank: strconv.Itoa(i + 1), name: l.name, pct: l.pct, noReport: math.IsNaN(l.actual)}
		if !rows[i].noReport {
			rows[i].value = withUnit(formatValue(l.actual, c.opt.Lang), unit)
		}
	}
	return c.hbars(r.Header, rows)
}

func (b Breakdown) draw(c *canvas) error {
	rows := make([]hbarRow, 0, len(b.Items))
	for _, it := range b.Items {
		a, t := clean(it.Actual), clean(it.Target)
		row := hbarRow{name: sanitize(it.Name), pct: clean(it.Percent)}
		unit := sanitize(it.Unit)
		if unit == "" {
			unit = sanitize(b.Unit)
		}
		switch {
		case t > 0 && math.IsNaN(a):
			row.pct, row.noReport = math.NaN(), true
		case t > 0:
			row.pct = a / t * 100
			row.value = withUnit(formatValue(a, c.opt.Lang)+"/"+formatValue(t, c.opt.Lang), unit)
		case math.IsNaN(row.pct) && !math.IsNaN(a):
			// No target, yet 0,99 km were built: say both.
			row.value = withUnit(formatValue(a, c.opt.Lang), unit)
		}
		rows = append(rows, row)
	}
	return c.hbars(b.Header, rows)
}

// hbarMaxPct caps the axis so one runaway locality (say 900 %) does not
// squash every other bar; longer bars get a break mark.
const hbarMaxPct = 200

// hbars draws rows as horizontal bars of % of target. go-chart has no
// horizontal bar chart, so this is drawn from its primitives.
func (c *canvas) hbars(h Header, rows []hbarRow) error {
	g, a := FormatNumber(c.opt.GreenAt, autoDecimals(c.opt.GreenAt), c.opt.Lang)+"%", FormatNumber(c.opt.AmberAt, autoDecimals(c.opt.AmberAt), c.opt.Lang)+"%"
	legend := []legendItem{
		{kind: swBox, color: colGreen, label: fmt.Sprintf(c.tr.statusGreen, g)},
		{kind: swBox, color: colAmber, label: fmt.Sprintf(c.tr.statusAmber, a, g)},
		{kind: swBoxHatched, color: colRed, label: fmt.Sprintf(c.tr.statusRed, a)},
		{kind: swDotted, color: colInk, label: c.tr.targetLine},
	}
	b := c.frame(h, legend)
	if len(rows) == 0 {
		c.noData(b)
		return nil
	}

	maxPct := 100.0
	for _, r := range rows {
		if !math.IsNaN(r.pct) {
			maxPct = max(maxPct, r.pct)
		}
	}
	top, step := niceAxis(min(maxPct, hbarMaxPct))

	axisH := c.lineHeight(stAxis) + c.px(6)
	targetH := c.lineHeight(stAxis) + c.px(4)
	area := box{b.x0, b.y0 + targetH, b.x1, b.y1 - axisH}
	// Below ~8 pt a row is unreadable from across a room: show the head
	// and the tail (best and worst of a ranking) around a gap row.
	if fit := area.h() / max(1, c.px(13)); len(rows) > fit && fit >= 3 {
		head := (fit - 1) / 2
		tail := fit - 1 - head
		gapRow := hbarRow{name: fmt.Sprintf(c.tr.hiddenRows, len(rows)-head-tail), pct: math.NaN(), gap: true}
		rows = append(append(append([]hbarRow{}, rows[:head]...), gapRow), rows[len(rows)-tail:]...)
	}
	rowH := min(float64(c.px(50)), float64(area.h())/float64(len(rows)))
	// Text shrinks with the rows when there are many localities, never
	// below what a printer can still resolve.
	scale := min(1, rowH/float64(c.px(19)))
	stName := stLabel
	stName.size = max(5, stLabel.size*scale)
	stVal := stValue
	stVal.size = max(5, stValue.size*scale)
	stPct := stValueB
	stPct.size = max(5, stValueB.size*scale)
	stRank := stName
	stRank.color = colInkFaint
	lh := c.lineHeight(stName)
	nameLines := 1
	if rowH >= float64(2*lh+c.px(6)) {
		nameLines = 2
	}

	rankW := 0
	for _, r := range rows {
		rankW = max(rankW, c.measure(r.rank, stRank))
	}
	if rankW > 0 {
		rankW += c.px(8)
	}
	var names []string
	for _, r := range rows {
		if !r.gap {
			names = append(names, r.name)
		}
	}
	nameW := c.nameColumn(names, stName, nameLines, b.w()*36/100, b.w()/2)
	labelW := 0
	labels := make([][2]string, len(rows))
	for i, r := range rows {
		if r.gap {
			continue
		}
		labels[i] = c.barLabel(r)
		w := c.measure(labels[i][0], stVal) + c.measure(labels[i][1], stPct)
		labelW = max(labelW, w)
	}
	labelW = min(labelW, b.w()/3)
	plot := box{b.x0 + rankW + nameW + c.px(14), area.y0, b.x1 - labelW - c.px(10), area.y1}
	if plot.w() < c.px(60) { // pathological: everything is label
		plot.x1 = plot.x0 + c.px(60)
	}
	xOf := func(p float64) int {
		return plot.x0 + int(math.Round(min(max(p, 0), top)/top*float64(plot.w())))
	}
	used := int(rowH * float64(len(rows)))
	bottom := plot.y0 + used

	for v := 0.0; v <= top+step/2; v += step {
		x := xOf(v)
		col := colGrid
		if v == 0 {
			col = colAxis
		}
		c.line(x, plot.y0, x, bottom, col, 0.8)
		c.textTop(FormatNumber(v, tickDecimals(step), c.opt.Lang)+"%", x, bottom+c.px(6), stAxis, alignCenter)
	}

	barH := max(1, min(int(rowH*0.62), c.px(24)))
	labelX := make([]int, len(rows))
	for i, r := range rows {
		cy := plot.y0 + int(rowH*(float64(i)+0.5))
		if r.gap {
			st := stName
			st.color = colInkFaint
			c.text(c.truncate(r.name, b.w()/2, st), b.x0+rankW, c.middleBaseline(cy, st), st, alignLeft)
			continue
		}
		if r.rank != "" {
			c.text(r.rank, b.x0+rankW-c.px(8), c.middleBaseline(cy, stRank), stRank, alignRight)
		}
		// Lines centred as a block on the bar, sharing the rank's baseline
		// logic so a one-line name sits level with its number.
		names := c.wrap(r.name, nameW, stName, nameLines)
		base := c.middleBaseline(cy, stName) - (len(names)-1)*lh/2
		for k, l := range names {
			c.text(l, b.x0+rankW, base+k*lh, stName, alignLeft)
		}
		lx := plot.x0 + c.px(6)
		if !math.IsNaN(r.pct) {
			fill, _, hatched := c.status(r.pct)
			x1 := xOf(r.pct)
			y0, y1 := cy-barH/2, cy-barH/2+barH
			c.rect(plot.x0, y0, x1, y1, fill)
			if hatched {
				c.hatch(plot.x0, y0, x1, y1, colBackground)
			}
			if r.pct > top {
				// Break mark: the bar is longer than the axis.
				for _, dx := range []int{c.px(16), c.px(10)} {
					c.line(x1-dx, y1+c.px(2), x1-dx+c.px(6), y0-c.px(2), colBackground, 2.2)
				}
			}
			lx = x1 + c.px(6)
		}
		labelX[i] = lx
	}
	// The target line goes over the bars (a 97 % bar visibly stops short)
	// but under the labels, which get a white halo.
	tx := xOf(100)
	c.line(tx, plot.y0-c.px(2), tx, bottom, colInk, 1.6, 2, 2.5)
	c.textTop(c.tr.target, tx, b.y0, stAxis, alignCenter)
	for i, r := range rows {
		if r.gap {
			continue
		}
		cy := plot.y0 + int(rowH*(float64(i)+0.5))
		c.drawBarLabel(labels[i], r, labelX[i], cy, stVal, stPct, b.x1-labelX[i])
	}
	return nil
}

// barLabel splits the end-of-bar text into its plain and bold parts.
func (c *canvas) barLabel(r hbarRow) [2]string {
	if math.IsNaN(r.pct) {
		words := c.tr.noTarget
		if r.noReport {
			words = c.tr.notReported
		}
		if r.value == "" {
			return [2]string{words, ""}
		}
		return [2]string{r.value + " · " + words, ""}
	}
	pct := formatPct(r.pct, c.opt.Lang, c.opt.GreenAt, c.opt.AmberAt)
	if r.value == "" {
		return [2]string{"", pct}
	}
	return [2]string{r.value + " · ", pct}
}

func (c *canvas) drawBarLabel(l [2]string, r hbarRow, x, cy int, stVal, stPct textStyle, room int) {
	baseline := c.middleBaseline(cy, stVal)
	halo := func(w int) {
		h := c.lineHeight(stPct)
		c.rect(x-c.px(2), cy-h/2, x+w+c.px(2), cy+h/2, colBackground)
	}
	if math.IsNaN(r.pct) {
		st := stVal
		st.color = colInkFaint
		s := c.truncate(l[0], room, st)
		halo(c.measure(s, st))
		c.text(s, x, baseline, st, alignLeft)
		return
	}
	_, tc, _ := c.status(r.pct)
	stPct.color = tc
	pw := c.measure(l[1], stPct)
	plain := c.truncate(l[0], room-pw, stVal)
	halo(c.measure(plain, stVal) + pw)
	c.text(plain, x, baseline, stVal, alignLeft)
	c.text(l[1], x+c.measure(plain, stVal), baseline, stPct, alignLeft)
}
