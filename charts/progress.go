package charts

import (
	"image"
	"io"
	"math"
)

// Period is one reporting period's result. NaN or ±Inf in Actual or
// Target means "not reported".
type Period struct {
	Label     string
	Actual    float64
	Target    float64
	HasTarget bool
}

// Progress compares actual with target per period as side-by-side bars,
// with the % of target above each pair.
type Progress struct {
	Header
	Periods []Period
}

// Cumulative shows running actual against running target, marking the
// current period; actual values after it are ignored.
type Cumulative struct {
	Header
	Periods []Period
	// Today is the label of the current period. Empty means the last
	// period that has an actual value.
	Today string
}

func (p Progress) Render(w io.Writer, f Format, o Options) error { return render(p, w, f, o) }
func (p Progress) Image(o Options) (image.Image, error)          { return renderImage(p, o) }
func (p Progress) ChartHeader() Header                           { return p.Header }

func (p Cumulative) Render(w io.Writer, f Format, o Options) error { return render(p, w, f, o) }
func (p Cumulative) Image(o Options) (image.Image, error)          { return renderImage(p, o) }
func (p Cumulative) ChartHeader() Header                           { return p.Header }

type period struct {
	label          string
	actual, target float64 // NaN when absent
}

func cleanPeriods(ps []Period) []period {
	out := make([]period, len(ps))
	for i, p := range ps {
		out[i] = period{label: sanitize(p.Label), actual: clean(p.Actual), target: math.NaN()}
		if p.HasTarget {
			out[i].target = clean(p.Target)
		}
	}
	return out
}

func labelsOf(ps []period) []string {
	ls := make([]string, len(ps))
	for i, p := range ps {
		ls[i] = p.label
	}
	return ls
}

func (p Progress) draw(c *canvas) error {
	ps := cleanPeriods(p.Periods)
	anyTarget := false
	maxV := 0.0
	for _, q := range ps {
		if !math.IsNaN(q.target) {
			anyTarget = true
			maxV = max(maxV, q.target)
		}
		if !math.IsNaN(q.actual) {
			maxV = max(maxV, q.actual)
		}
	}
	legend := []legendItem{{kind: swBox, color: colActual, label: c.tr.actual}}
	if anyTarget {
		legend = append(legend,
			legendItem{kind: swBoxOutlined, color: colTarget, label: c.tr.target},
			legendItem{kind: swBox, color: colBackground, label: c.tr.pctNote})
	}
	b := c.frame(p.Header, legend)
	if len(ps) == 0 {
		c.noData(b)
		return nil
	}

	top, step := niceAxis(maxV)
	unitH := c.unitLabel(p.Unit, b)
	plot := box{b.x0 + c.axisLabelWidth(top, step) + c.px(10), b.y0 + unitH, b.x1, b.y1}
	slot := float64(plot.w()) / float64(len(ps))
	plot.y1 -= c.categoryLabelHeight(labelsOf(ps), slot) + c.px(8)
	// Room above the tallest bar for its value and % labels, so they never
	// collide with the legend.
	head := c.lineHeight(stValue) + c.lineHeight(stValueB) + c.px(6)
	yOf := func(v float64) int {
		return plot.y1 - int(math.Round(max(0, v)/top*float64(plot.h()-head)))
	}
	c.valueAxis(plot, top, step, plot.y1-(plot.h()-head), plot.y1)

	groupW := min(slot*0.72, float64(c.px(150)))
	gap := max(float64(c.px(3)), groupW*0.04)
	barW := (groupW - gap) / 2
	showValues := true
	for _, q := range ps {
		for _, v := range []float64{q.actual, q.target} {
			if !math.IsNaN(v) && float64(c.measure(formatValue(v, c.opt.Lang), stValue)) > barW+gap {
				showValues = false
			}
		}
	}
	for i, q := range ps {
		cx := plot.x0 + int(slot*(float64(i)+0.5))
		hasT := !math.IsNaN(q.target)
		ax0 := cx - int(groupW/2)
		if !hasT {
			ax0 = cx - int(barW/2)
		}
		ax1 := ax0 + int(barW)
		tx0 := ax1 + int(gap)
		tx1 := tx0 + int(barW)
		labelTop := plot.y1
		if !math.IsNaN(q.actual) {
			y := yOf(q.actual)
			c.rect(ax0, y, ax1, plot.y1, colActual)
			labelTop = min(labelTop, y)
			if showValues {
				c.text(formatValue(q.actual, c.opt.Lang), (ax0+ax1)/2, y-c.px(4), stValue, alignCenter)
			}
		}
		if hasT {
			y := yOf(q.target)
			c.rect(tx0, y, tx1, plot.y1, colTarget)
			c.rectOutline(tx0, y, tx1, plot.y1, colTargetEdge, 0.6)
			labelTop = min(labelTop, y)
			if showValues {
				st := stValue
				st.color = colInkSoft
				c.text(formatValue(q.target, c.opt.Lang), (tx0+tx1)/2, y-c.px(4), st, alignCenter)
			}
		}
		if showValues {
			labelTop -= c.lineHeight(stValue)
		}
		if hasT && q.target > 0 && !math.IsNaN(q.actual) {
			pct := q.actual / q.target * 100
			_, tc, _ := c.status(pct)
			st := stValueB
			st.color = tc
			s := formatPct(pct, c.opt.Lang, c.opt.GreenAt, c.opt.AmberAt)
			if c.measure(s, st) <= int(slot*0.98) {
				c.text(s, cx, labelTop-c.px(5), st, alignCenter)
			}
		}
	}
	c.line(plot.x0, plot.y1, plot.x1, plot.y1, colAxis, 1)
	c.categoryLabels(labelsOf(ps), float64(plot.x0), slot, plot.y1+c.px(8))
	return nil
}

// unitLabel prints the value unit above the axis and returns its height.
func (c *canvas) unitLabel(unit string, b box) int {
	unit = sanitize(unit)
	if unit == "" {
		return c.lineHeight(stAxis) / 2
	}
	c.textTop(c.truncate(unit, b.w()/2, stAxis), b.x0, b.y0, stAxis, alignLeft)
	return c.lineHeight(stAxis) + c.px(8)
}

func (p Cumulative) draw(c *canvas) error {
	ps := cleanPeriods(p.Periods)
	today := -1
	want := sanitize(p.Today)
	for i, q := range ps {
		if want != "" && q.label == want {
			today = i
		}
		if want == "" && !math.IsNaN(q.actual) {
			today = i
		}
	}
	runA := make([]float64, len(ps))
	runT := make([]float64, len(ps))
	anyTarget := false
	var sa, st float64
	for i, q := range ps {
		// A missing report adds nothing; the running total carries on.
		if !math.IsNaN(q.actual) {
			sa += q.actual
		}
		if !math.IsNaN(q.target) {
			st += q.target
			anyTarget = true
		}
		runA[i], runT[i] = sa, st
	}
	legend := []legendItem{{kind: swLine, color: colActual, label: c.tr.cumActual}}
	if anyTarget {
		legend = append(legend, legendItem{kind: swDashed, color: colTargetLine, label: c.tr.cumTarget})
	}
	if today >= 0 {
		legend = append(legend, legendItem{kind: swDotted, color: colToday, label: c.tr.today})
	}
	b := c.frame(p.Header, legend)
	if len(ps) == 0 {
		c.noData(b)
		return nil
	}
	maxV := 0.0
	for i := range ps {
		if i <= today {
			maxV = max(maxV, runA[i])
		}
		if anyTarget {
			maxV = max(maxV, runT[i])
		}
	}
	top, step := niceAxis(maxV)
	unitH := c.unitLabel(p.Unit, b)
	plot := box{b.x0 + c.axisLabelWidth(top, step) + c.px(10), b.y0 + unitH, b.x1, b.y1}
	slot := float64(plot.w()) / float64(len(ps))
	plot.y1 -= c.categoryLabelHeight(labelsOf(ps), slot) + c.px(8)
	head := c.lineHeight(stValueB) + c.px(10)
	yOf := func(v float64) int {
		return plot.y1 - int(math.Round(max(0, v)/top*float64(plot.h()-head)))
	}
	xOf := func(i int) int { return plot.x0 + int(slot*(float64(i)+0.5)) }
	c.valueAxis(plot, top, step, plot.y1-(plot.h()-head), plot.y1)

	if today >= 0 {
		x := xOf(today)
		c.line(x, plot.y0+head/2, x, plot.y1, colToday, 1.6, 2, 2.5)
	}
	if anyTarget {
		pts := make([][2]int, len(ps))
		for i := range ps {
			pts[i] = [2]int{xOf(i), yOf(runT[i])}
		}
		c.polyline(pts, colTargetLine, 2.5, 6, 4)
		for _, pt := range pts {
			c.circle(pt[0], pt[1], 3, colBackground, colTargetLine, 1.5)
		}
	}
	if today >= 0 {
		pts := make([][2]int, 0, today+1)
		for i := 0; i <= today; i++ {
			pts = append(pts, [2]int{xOf(i), yOf(runA[i])})
		}
		area := append([][2]int{{pts[0][0], plot.y1}}, pts...)
		area = append(area, [2]int{pts[len(pts)-1][0], plot.y1})
		if len(pts) > 1 {
			c.polygon(area, colActualArea)
		}
		c.polyline(pts, colActual, 3.5)
		for _, pt := range pts {
			c.circle(pt[0], pt[1], 4.5, colActual, colBackground, 1.5)
		}
		c.cumulativeCallout(plot, pts[len(pts)-1], runA[today], runT[today], anyTarget, p.Unit)
	}
	c.line(plot.x0, plot.y1, plot.x1, plot.y1, colAxis, 1)
	c.categoryLabels(labelsOf(ps), float64(plot.x0), slot, plot.y1+c.px(8))
	return nil
}

// cumulativeCallout labels the current point with its running value and
// % of running target, on whichever side has room.
func (c *canvas) cumulativeCallout(plot box, pt [2]int, a, t float64, hasT bool, unit string) {
	s := formatValue(a, c.opt.Lang)
	if u := sanitize(unit); u != "" {
		s += " " + u
	}
	st := stValueB
	if hasT && t > 0 {
		pct := a / t * 100
		_, tc, _ := c.status(pct)
		st.color = tc
		s += " · " + formatPct(pct, c.opt.Lang, c.opt.GreenAt, c.opt.AmberAt)
	}
	s = c.truncate(s, plot.w()/2, st)
	w := c.measure(s, st)
	x := pt[0] + c.px(10)
	a2 := alignLeft
	if x+w > plot.x1 {
		x = pt[0] - c.px(10)
		a2 = alignRight
	}
	// Level with the point: the actual line arrives from below-left and the
	// target line runs above, so this band is the one most often free.
	y := c.middleBaseline(pt[1], st)
	y = max(y, plot.y0+c.ascent(st))
	// Halo so the label stays legible where it crosses grid or target line.
	lx := x
	if a2 == alignRight {
		lx = x - w
	}
	c.rect(lx-c.px(3), y-c.ascent(st), lx+w+c.px(3), y+c.px(4), colBackground)
	c.text(s, x, y, st, a2)
}
