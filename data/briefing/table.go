package briefing

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"danvan/charts"
	"danvan/data"
)

// WriteCSV writes a chart's table as CSV for Excel: UTF-8 with a BOM (else
// Excel on Windows garbles the diacritics), CRLF, the same header and rows as
// the printed table, figures as plain numbers (dot decimal, no grouping, "%"
// left to the header) and text that Excel would take for a formula guarded
// as data.ExportLong does.
func WriteCSV(w io.Writer, t charts.Table, lang string) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	write := func(row []string, figures bool) error {
		rec := make([]string, len(row))
		for i, cell := range row {
			if v, ok := charts.ParseNumber(cell, lang); ok && figures {
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			} else {
				rec[i] = data.GuardFormula(cell)
			}
		}
		return cw.Write(rec)
	}
	if err := write(t.Header, false); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := write(r, true); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// TSV is a chart's table as tab-separated lines, what the clipboard carries
// into Word or Excel as a table. Cells read as printed ("1.036", "78,6 %"),
// which Word shows as they are and Excel in Vietnamese reads as numbers; text
// that Excel would take for a formula is guarded as in WriteCSV.
func TSV(t charts.Table, lang string) string {
	var b strings.Builder
	line := func(row []string) {
		for i, cell := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			cell = strings.Join(strings.Fields(cell), " ") // a tab or newline would split the cell
			if _, ok := charts.ParseNumber(cell, lang); !ok {
				cell = data.GuardFormula(cell)
			}
			b.WriteString(cell)
		}
		b.WriteString("\r\n")
	}
	line(t.Header)
	for _, r := range t.Rows {
		line(r)
	}
	return b.String()
}
