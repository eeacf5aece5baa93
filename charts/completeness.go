package charts

import (
	"fmt"
	"image"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Status is the state of one unit's report for one period.
type Status int

const (
	// NotDue: the deadline has not passed yet.
	NotDue Status = iota
	// OnTime: received by the deadline.
	OnTime
	// Late: received after the deadline.
	Late
	// Missing: deadline passed, nothing received.
	Missing
)

// UnitReports is one row of the completeness grid.
type UnitReports struct {
	Name string
	// Statuses has one entry per period; entries past its end count as
	// NotDue.
	Statuses []Status
}

// Completeness is a units × periods grid of report statuses with a
// legend and, per period, how many due reports arrived.
type Completeness struct {
	Header
	Periods []string
	Units   []UnitReports
}

func (g Completeness) Render(w io.Writer, f Format, o Options) error { return render(g, w, f, o) }
func (g Completeness) Image(o Options) (image.Image, error)          { return renderImage(g, o) }
func (g Completeness) ChartHeader() Header                           { return g.Header }

func (g Completeness) draw(c *canvas) error {
	legend := []legendItem{
		{kind: swStatus, status: OnTime, label: c.tr.onTime},
		{kind: swStatus, status: Late, label: c.tr.late},
		{kind: swStatus, status: Missing, label: c.tr.missing},
		{kind: swStatus, status: NotDue, label: c.tr.notDue},
	}
	b := c.frame(g.Header, legend)
	if len(g.Periods) == 0 || len(g.Units) == 0 {
		c.noData(b)
		return nil
	}
	periods := make([]string, len(g.Periods))
	for i, p := range g.Periods {
		periods[i] = sanitize(p)
	}
	units := g.Units
	// Too many cells to read: keep the most recent periods and the units
	// with the worst record (in their given order), and say so.
	first := 0
	note := ""
	if fit := b.w() * 2 / 3 / max(1, c.px(30)); len(periods) > fit && fit >= 1 {
		first = len(periods) - fit
		note = fmt.Sprintf(c.tr.hiddenPeriods, fit, len(periods))
	}
	hidden := 0
	if fit := b.h()/max(1, c.px(14)) - 4; len(units) > fit && fit >= 1 {
		hidden = len(units) - fit
		units = worstUnits(units, fit, first)
	}
	periods = periods[first:]
	nRows, nCols := len(units), len(periods)

	rowH := min(float64(c.px(40)), float64(b.h())/float64(nRows+3))
	scale := min(1, rowH/float64(c.px(19)))
	stName := stLabel
	stName.size = max(5, stLabel.size*scale)
	stHead := stAxis
	stHead.bold = true
	stHead.size = max(5, stAxis.size*scale)
	stCount := stValue
	stCount.size = max(5, stValue.size*scale)

	lh := c.lineHeight(stName)
	nameLines := 1
	if rowH >= float64(2*lh) {
		nameLines = 2
	}
	full := make([]string, nRows)
	for i, u := range units {
		full[i] = sanitize(u.Name)
	}
	nameW := c.nameColumn(full, stName, nameLines, b.w()*30/100, b.w()*45/100)
	names := make([][]string, nRows)
	for i, n := range full {
		names[i] = c.wrap(n, nameW, stName, nameLines)
	}
	nameW = max(nameW, c.measure(c.tr.submitted, stHead))
	gridX := b.x0 + nameW + c.px(14)
	cellW := min(float64(c.px(160)), float64(b.x1-gridX)/float64(nCols))
	// A period label breaks after its "/" as well as at spaces, so that a narrow
	// column still shows the year: "Quý" over "III/" over "2024".
	heads := make([][]string, nCols)
	headLines := 1
	for j, p := range periods {
		heads[j] = c.wrap(strings.ReplaceAll(p, "/", "/ "), int(cellW)-c.px(4), stHead, 3)
		for i := range heads[j] {
			heads[j][i] = strings.ReplaceAll(heads[j][i], "/ ", "/")
		}
		headLines = max(headLines, len(heads[j]))
	}
	headH := headLines*c.lineHeight(stHead) + c.px(6)
	gridY := b.y0 + headH
	gap := max(1, c.px(1.5))

	for j, lines := range heads {
		cx := gridX + int(cellW*(float64(j)+0.5))
		y := b.y0 + (headLines-len(lines))*c.lineHeight(stHead) // bottom-aligned
		for _, l := range lines {
			y = c.textTop(l, cx, y, stHead, alignCenter)
		}
	}
	due := make([]int, nCols)
	got := make([]int, nCols)
	for i, u := range units {
		y0 := gridY + int(rowH*float64(i))
		y1 := gridY + int(rowH*float64(i+1))
		base := c.middleBaseline((y0+y1)/2, stName) - (len(names[i])-1)*lh/2
		for k, l := range names[i] {
			c.text(l, b.x0, base+k*lh, stName, alignLeft)
		}
		for j := range periods {
			st := statusAt(u, first+j)
			if st < NotDue || st > Missing {
				st = Missing // unknown codes are shown as the worst case
			}
			if st != NotDue {
				due[j]++
			}
			if st == OnTime || st == Late {
				got[j]++
			}
			x0 := gridX + int(cellW*float64(j))
			x1 := gridX + int(cellW*float64(j+1))
			c.statusCell(st, x0+gap, y0+gap, x1-gap, y1-gap)
		}
	}
	yCount := gridY + int(rowH*float64(nRows)) + c.px(4)
	c.line(b.x0, yCount, gridX+int(cellW*float64(nCols)), yCount, colAxis, 1)
	cy := yCount + int(rowH/2)
	c.text(c.tr.submitted, b.x0, c.middleBaseline(cy, stHead), stHead, alignLeft)
	for j := range periods {
		s := "–"
		st := stCount
		if due[j] > 0 {
			s = strconv.Itoa(got[j]) + "/" + strconv.Itoa(due[j])
			if got[j] < due[j] {
				st.bold = true
				st.color = colRedText
			}
		}
		c.text(s, gridX+int(cellW*(float64(j)+0.5)), c.middleBaseline(cy, st), st, alignCenter)
	}
	extra := []string{}
	if hidden > 0 {
		extra = append(extra, fmt.Sprintf(c.tr.hiddenUnits, hidden))
	}
	if note != "" {
		extra = append(extra, note)
	}
	if len(extra) > 0 {
		st := stSource
		st.color = colInkSoft
		c.textTop(c.truncate(strings.Join(extra, " · "), b.w(), st), b.x0, yCount+int(rowH)+c.px(2), st, alignLeft)
	}
	return nil
}

func statusAt(u UnitReports, j int) Status {
	if j < len(u.Statuses) {
		return u.Statuses[j]
	}
	return NotDue
}

// worstUnits keeps n units, preferring those with missing then late
// reports in the shown periods, in their original order.
func worstUnits(us []UnitReports, n, first int) []UnitReports {
	score := func(u UnitReports) int {
		s := 0
		for j := first; j < len(u.Statuses); j++ {
			switch u.Statuses[j] {
			case Missing:
				s += 1000
			case Late:
				s++
			}
		}
		return s
	}
	idx := make([]int, len(us))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return score(us[b]) - score(us[a]) })
	idx = idx[:n]
	slices.Sort(idx)
	out := make([]UnitReports, n)
	for i, k := range idx {
		out[i] = us[k]
	}
	return out
}

// statusCell draws one grid cell; lightness and symbol both encode the
// status so a greyscale print loses nothing.
func (c *canvas) statusCell(st Status, x0, y0, x1, y1 int) {
	var fill, ink drawing.Color
	switch st {
	case OnTime:
		fill, ink = colGreen, colBackground
	case Late:
		fill, ink = colAmber, colInk
	case Missing:
		fill, ink = colRed, colBackground
	default:
		fill, ink = colNotDue, colInkFaint
	}
	c.rect(x0, y0, x1, y1, fill)
	size := min(x1-x0, y1-y0) * 11 / 20
	c.symbol(st, (x0+x1)/2, (y0+y1)/2, size, ink)
}
