// Package charts draws the briefing charts and the printable briefing
// pack from plain values. It knows nothing of the database or the GUI:
// callers build one of the chart structs below and ask for PNG, SVG or an
// image.Image; go-chart (archived) is used only for its renderers and stays
// an implementation detail of this package.
//
// The five kinds, each a struct embedding Header (title, subtitle, unit,
// source, footnote):
//
//	Progress      actual vs target per period, side-by-side bars, % above
//	Cumulative    running actual vs running target, current period marked
//	Ranking       localities by % of target, horizontal bars, status colours
//	Breakdown     indicators of a program by % of target, same bars
//	Completeness  units × periods grid of report statuses with counts
//
// All of them implement Chart:
//
//	var buf bytes.Buffer
//	err := charts.Progress{Header: h, Periods: ps}.Render(&buf, charts.PNG, charts.Options{Width: 1280, Height: 720, DPI: 96})
//	img, err := ranking.Image(charts.Options{Width: w, Height: h}) // for the GUI
//
// Sizes: Options.Width/Height are pixels and DPI the medium's resolution;
// text and strokes are specified in points, so PaperSize("A4", true, 300)
// with DPI 300 gives a print-ready page that looks like the screen chart.
// Lang "vi" (default) or "en" selects the words printed and the number
// format (FormatNumber: "1.234,5" vs "1,234.5").
//
// Bad input never panics or fails a render: NaN, ±Inf and magnitudes over
// 10^15 count as "not reported", empty data gives a chart saying "Không có
// số liệu", long names wrap or widen their column and are cut with "…" only
// where there is no room. No target and no report are said in words
// (NoTarget, NotReported), never drawn as 0.
//
// WriteBriefing assembles a cover and one A4 landscape page per chart
// (image at print resolution plus its table) into a PDF with Noto Sans
// embedded, with cancellation and progress reporting for the GUI; a single
// chart gets its page alone, without a cover.
//
// The typeface is Noto Sans (assets package, SIL OFL), the one Fyne uses,
// for complete Vietnamese diacritics. SVG output names the font rather than
// embedding it.
package charts
