package charts

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"danvan/assets"

	"codeberg.org/go-pdf/fpdf"
)

// Cover is the briefing pack's first page.
type Cover struct {
	Program  string
	Period   string
	Locality string
	// Unit is the issuing unit, printed top left as on official papers.
	Unit string
	Date string
	// Classification, e.g. "LƯU HÀNH NỘI BỘ", is printed in the header and
	// footer of every page when set.
	Classification string
}

// Table is the figures behind a chart, already formatted as text.
type Table struct {
	Header []string
	Rows   [][]string
}

// Page is one chart of the pack and its table.
type Page struct {
	Chart Chart
	Table Table
}

// Briefing is a printable pack: a cover, then one A4 landscape page per
// chart with its table underneath.
type Briefing struct {
	Cover Cover
	Pages []Page
	// Lang is "vi" (default) or "en", as in Options.
	Lang string
	// DPI of the chart images; 0 means 200, sharp on paper and quick.
	DPI float64
	// GreenAt and AmberAt are passed on to the charts (see Options).
	GreenAt, AmberAt float64
}

// Page geometry in millimetres.
const (
	pageW, pageH   = 297.0, 210.0
	marginMM       = 12.0
	bodyTop        = 19.0
	bodyBottom     = 194.0
	tableFontPt    = 9.0
	tableRowMM     = 6.2
	tableHeadMM    = 7.0
	tableGapMM     = 4.0
	minChartFrac   = 0.55 // of the body height, however long the table
	defaultPackDPI = 200
)

// WriteBriefing renders the pack as PDF to w. Charts are rendered in
// parallel; progress, if not nil, is called from the calling goroutine
// after each chart and once more when the PDF is written (total is
// len(b.Pages)+1). Cancelling ctx stops the work and returns ctx.Err().
func WriteBriefing(ctx context.Context, w io.Writer, b Briefing, progress func(done, total int)) error {
	if progress == nil {
		progress = func(int, int) {}
	}
	if b.DPI <= 0 || !finite(b.DPI) {
		b.DPI = defaultPackDPI
	}
	b.DPI = min(b.DPI, 600)
	total := len(b.Pages) + 1
	tr := translations(b.Lang)
	if b.Lang != "en" {
		b.Lang = "vi"
	}

	// Lay out first so each chart is rendered at exactly the size it
	// will occupy: no resampling, text at its true point size on paper.
	chartH := make([]float64, len(b.Pages))
	for i, p := range b.Pages {
		body := bodyBottom - bodyTop
		th := 0.0
		if len(p.Table.Header) > 0 || len(p.Table.Rows) > 0 {
			th = tableHeadMM + float64(len(p.Table.Rows))*tableRowMM + tableGapMM
		}
		chartH[i] = max(body*minChartFrac, body-th)
	}
	chartW := pageW - 2*marginMM

	pngs := make([][]byte, len(b.Pages))
	if err := renderPages(ctx, b, chartW, chartH, pngs, func(done int) { progress(done, total) }); err != nil {
		return err
	}

	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.AddUTF8FontFromBytes("NotoSans", "", assets.NotoSansRegular)
	pdf.AddUTF8FontFromBytes("NotoSans", "B", assets.NotoSansBold)
	pdf.SetTitle(sanitize(b.Cover.Program), true)
	pdf.SetCreator("danvan", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetMargins(marginMM, bodyTop, marginMM)
	pdf.SetAutoPageBreak(true, pageH-bodyBottom)
	class := sanitize(b.Cover.Classification)
	program := sanitize(b.Cover.Program)

	pdf.SetHeaderFuncMode(func() {
		pdf.SetY(8)
		pdf.SetFont("NotoSans", "", 8.5)
		pdf.SetTextColor(0x4A, 0x55, 0x68)
		left := program
		switch {
		case len(b.Pages) == 1:
			left = strings.Join(nonEmpty(sanitize(b.Cover.Unit), program), " · ")
		case pdf.PageNo() == 1:
			left = sanitize(b.Cover.Unit)
		}
		pdf.CellFormat(0, 5, fitPDF(pdf, left, 190), "", 0, "L", false, 0, "")
		if class != "" {
			pdf.SetFont("NotoSans", "B", 9)
			pdf.SetTextColor(0xB4, 0x23, 0x18)
			pdf.SetXY(marginMM, 8)
			pdf.CellFormat(0, 5, class, "", 0, "R", false, 0, "")
		}
		pdf.SetDrawColor(0xCB, 0xD2, 0xDC)
		pdf.SetLineWidth(0.3)
		pdf.Line(marginMM, 14.5, pageW-marginMM, 14.5)
		pdf.SetXY(marginMM, bodyTop)
	}, true)
	pdf.SetFooterFunc(pageFooter(pdf, tr, b.Cover, class))

	// One chart needs no cover or contents: a cover would be a page holding
	// little more than the chart's own title. The running header names
	// program and unit, the footer the date.
	if len(b.Pages) != 1 {
		writeCover(pdf, b)
	}
	for i, p := range b.Pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		pdf.AddPage()
		name := "chart" + strconv.Itoa(i)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(pngs[i]))
		pdf.ImageOptions(name, marginMM, bodyTop, chartW, chartH[i], false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		pdf.SetY(bodyTop + chartH[i] + tableGapMM/2)
		writeTable(pdf, p.Table)
		if pdf.Err() {
			return fmt.Errorf("charts: briefing page %d: %w", i+2, pdf.Error())
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("charts: write briefing: %w", err)
	}
	progress(total, total)
	return nil
}

// pageFooter prints date, classification and "Trang n/N"; N is fpdf's
// total-pages alias, filled in when the document is closed.
func pageFooter(pdf *fpdf.Fpdf, tr strs, cov Cover, class string) func() {
	pageFmt := strings.Replace(tr.page, "%d/%d", "%d/{nb}", 1)
	return func() {
		pdf.SetDrawColor(0xCB, 0xD2, 0xDC)
		pdf.SetLineWidth(0.3)
		pdf.Line(marginMM, 198, pageW-marginMM, 198)
		pdf.SetXY(marginMM, 199.5)
		pdf.SetFont("NotoSans", "", 8.5)
		pdf.SetTextColor(0x4A, 0x55, 0x68)
		pdf.CellFormat(90, 5, fitPDF(pdf, sanitize(cov.Date), 90), "", 0, "L", false, 0, "")
		if class != "" {
			pdf.SetFont("NotoSans", "B", 8.5)
			pdf.SetTextColor(0xB4, 0x23, 0x18)
		}
		pdf.CellFormat(pageW-2*marginMM-180, 5, class, "", 0, "C", false, 0, "")
		pdf.SetFont("NotoSans", "", 8.5)
		pdf.SetTextColor(0x4A, 0x55, 0x68)
		pdf.CellFormat(90, 5, fmt.Sprintf(pageFmt, pdf.PageNo()), "", 0, "R", false, 0, "")
	}
}

// renderPages renders every chart to PNG with one worker per core and
// reports each completion on the calling goroutine.
func renderPages(ctx context.Context, b Briefing, wMM float64, hMM []float64, out [][]byte, done func(int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i   int
		err error
	}
	jobs := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(b.Pages)))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enc := png.Encoder{CompressionLevel: png.BestSpeed}
			for i := range jobs {
				var err error
				if ctx.Err() != nil {
					err = ctx.Err()
				} else {
					out[i], err = renderPagePNG(b, i, wMM, hMM[i], &enc)
				}
				select {
				case results <- result{i, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range b.Pages {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var firstErr error
	n := 0
	for r := range results {
		if r.err != nil && firstErr == nil {
			firstErr = r.err
			cancel()
		}
		if r.err == nil {
			n++
			done(n)
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if n < len(b.Pages) {
		return ctx.Err()
	}
	return nil
}

func renderPagePNG(b Briefing, i int, wMM, hMM float64, enc *png.Encoder) ([]byte, error) {
	ch := b.Pages[i].Chart
	if ch == nil {
		return nil, fmt.Errorf("charts: briefing page %d has no chart", i+2)
	}
	opt := Options{
		Width:  int(wMM / 25.4 * b.DPI),
		Height: int(hMM / 25.4 * b.DPI),
		DPI:    b.DPI, Lang: b.Lang, GreenAt: b.GreenAt, AmberAt: b.AmberAt,
	}
	img, err := ch.Image(opt)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// The chart background is opaque, so the encoder writes RGB, which
	// fpdf embeds as is (an alpha channel would cost a soft mask).
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("charts: encode page %d: %w", i+2, err)
	}
	return buf.Bytes(), nil
}

func writeCover(pdf *fpdf.Fpdf, b Briefing) {
	c := b.Cover
	tr := translations(b.Lang)
	pdf.AddPage()
	w := pageW - 2*marginMM
	if u := sanitize(c.Unit); u != "" {
		pdf.SetFont("NotoSans", "B", 12)
		pdf.SetTextColor(0x1A, 0x20, 0x2C)
		pdf.SetXY(marginMM, 24)
		pdf.MultiCell(w/2, 6, strings.ToUpper(u), "", "L", false)
	}
	y := 62.0
	if cl := sanitize(c.Classification); cl != "" {
		pdf.SetFont("NotoSans", "B", 13)
		pdf.SetTextColor(0xB4, 0x23, 0x18)
		sw := pdf.GetStringWidth(cl) + 12
		pdf.SetDrawColor(0xB4, 0x23, 0x18)
		pdf.SetLineWidth(0.5)
		pdf.SetXY((pageW-sw)/2, 48)
		pdf.CellFormat(sw, 9, cl, "1", 0, "C", false, 0, "")
	}
	pdf.SetXY(marginMM+10, y)
	pdf.SetFont("NotoSans", "B", 24)
	pdf.SetTextColor(0x1F, 0x3A, 0x5F)
	pdf.MultiCell(w-20, 11, sanitize(c.Program), "", "C", false)
	pdf.Ln(4)
	pdf.SetFont("NotoSans", "", 15)
	pdf.SetTextColor(0x4A, 0x55, 0x68)
	for _, s := range []string{c.Locality, c.Period} {
		if s = sanitize(s); s != "" {
			pdf.SetX(marginMM + 20)
			pdf.MultiCell(w-40, 8, s, "", "C", false)
		}
	}
	// Contents: one line per chart, so a commander can turn to a page. A pack with
	// every indicator runs to two dozen pages: past one column's room the lines go
	// in two, closer together, and never off the page.
	if len(b.Pages) > 0 {
		pdf.Ln(8)
		top := pdf.GetY()
		room := bodyBottom - 14 - top
		cols, x, cw, lh := 1, marginMM+50, w-100, 6.5
		if float64(len(b.Pages))*lh > room {
			cols, x, cw = 2, marginMM+10, (w-30)/2
			lh = min(6.5, room/math.Ceil(float64(len(b.Pages))/2))
		}
		perCol := int(math.Ceil(float64(len(b.Pages)) / float64(cols)))
		pdf.SetDrawColor(0xCB, 0xD2, 0xDC)
		pdf.SetLineWidth(0.3)
		pdf.Line(x, top, x+float64(cols)*cw+float64(cols-1)*10, top)
		pdf.SetFont("NotoSans", "", 10.5-1.5*float64(cols-1))
		pdf.SetTextColor(0x1A, 0x20, 0x2C)
		pg := strings.Replace(tr.page, "/%d", "", 1)
		for i, p := range b.Pages {
			col, row := i/perCol, i%perCol
			title := ""
			if p.Chart != nil {
				title = sanitize(p.Chart.ChartHeader().Title)
			}
			cx := x + float64(col)*(cw+10)
			pdf.SetXY(cx, top+2+float64(row)*lh)
			pdf.CellFormat(cw-16, lh, fitPDF(pdf, strconv.Itoa(i+1)+". "+title, cw-18), "", 0, "L", false, 0, "")
			pdf.CellFormat(16, lh, fmt.Sprintf(pg, i+2), "", 0, "R", false, 0, "")
		}
	}
	if d := sanitize(c.Date); d != "" {
		pdf.SetFont("NotoSans", "", 12)
		pdf.SetTextColor(0x1A, 0x20, 0x2C)
		pdf.SetXY(marginMM, bodyBottom-10)
		pdf.CellFormat(w, 6, d, "", 0, "R", false, 0, "")
	}
}

// fitPDF truncates s with "…" to w millimetres in the current font.
func fitPDF(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && pdf.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimRight(string(rs), " ") + "…"
}

// fitWidths makes natural column widths fill full: stretched alike when they
// fit, else the widest cut down to a common cap, so that the short headers and
// figures stay whole and only long names lose their end.
func fitWidths(widths []float64, full float64) {
	sum := 0.0
	for _, w := range widths {
		sum += w
	}
	if sum <= full {
		for j := range widths {
			widths[j] *= full / sum
		}
		return
	}
	sorted := slices.Sorted(slices.Values(widths))
	limit, below := full/float64(len(widths)), 0.0
	for i, w := range sorted {
		// Columns narrower than w keep their width; the rest share what is left.
		if c := (full - below) / float64(len(sorted)-i); c <= w {
			limit = c
			break
		}
		below += w
	}
	for j := range widths {
		widths[j] = min(widths[j], limit)
	}
}

func nonEmpty(ss ...string) []string {
	return slices.DeleteFunc(ss, func(s string) bool { return s == "" })
}

// numeric says whether a cell holds a figure, to right-align it.
func numeric(s string) bool {
	hasDigit := false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			hasDigit = true
		case strings.ContainsRune(" .,%/+-–", r):
		default:
			return false
		}
	}
	return hasDigit
}

func writeTable(pdf *fpdf.Fpdf, t Table) {
	cols := len(t.Header)
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	cell := func(row []string, j int) string {
		if j < len(row) {
			return sanitize(row[j])
		}
		return ""
	}
	// Natural widths, then stretched or squeezed to the text block.
	widths := make([]float64, cols)
	pdf.SetFont("NotoSans", "B", tableFontPt)
	for j := range cols {
		widths[j] = pdf.GetStringWidth(cell(t.Header, j)) + 6
	}
	pdf.SetFont("NotoSans", "", tableFontPt)
	for _, r := range t.Rows {
		for j := range cols {
			widths[j] = max(widths[j], pdf.GetStringWidth(cell(r, j))+6)
		}
	}
	fitWidths(widths, pageW-2*marginMM)
	// A column of figures is right-aligned even where a cell says "chưa báo
	// cáo" instead: a left-aligned figure beside a right-aligned one reads as
	// one number ("18 14").
	aligns := make([]string, cols)
	for j := range cols {
		aligns[j] = "L"
		for _, r := range t.Rows {
			if j > 0 && numeric(cell(r, j)) {
				aligns[j] = "R"
			}
		}
	}
	header := func() {
		if len(t.Header) == 0 {
			return
		}
		pdf.SetFont("NotoSans", "B", tableFontPt)
		pdf.SetFillColor(0x1F, 0x3A, 0x5F)
		pdf.SetTextColor(0xFF, 0xFF, 0xFF)
		pdf.SetX(marginMM)
		for j := range cols {
			pdf.CellFormat(widths[j], tableHeadMM, fitPDF(pdf, cell(t.Header, j), widths[j]-3), "", 0, aligns[j], true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont("NotoSans", "", tableFontPt)
		pdf.SetTextColor(0x1A, 0x20, 0x2C)
	}
	header()
	pdf.SetDrawColor(0xE2, 0xE8, 0xF0)
	pdf.SetLineWidth(0.2)
	for i, r := range t.Rows {
		if pdf.GetY()+tableRowMM > bodyBottom {
			pdf.AddPage()
			header()
		}
		pdf.SetFillColor(0xF4, 0xF6, 0xF8)
		pdf.SetX(marginMM)
		for j := range cols {
			pdf.CellFormat(widths[j], tableRowMM, fitPDF(pdf, cell(r, j), widths[j]-3), "B", 0, aligns[j], i%2 == 1, 0, "")
		}
		pdf.Ln(-1)
	}
}
