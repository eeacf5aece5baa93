package tabular

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"danvan/data/tabular/tabulartest"
)

// rowsReader generates "00004,TT_DOT,2024Q3,12"-style rows on the fly so the
// benchmark measures parsing, not a 30 MB buffer.
type rowsReader struct {
	n, i int
	buf  []byte
}

func (g *rowsReader) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i <= g.n {
		if g.i == 0 {
			g.buf = append(g.buf, "locality,indicator,period,value\r\n"...)
		} else {
			g.buf = append(g.buf, '0', '0')
			g.buf = strconv.AppendInt(g.buf, int64(100+g.i%900), 10)
			g.buf = append(g.buf, ",TT_DOT,2024Q3,"...)
			g.buf = strconv.AppendInt(g.buf, int64(g.i%97), 10)
			g.buf = append(g.buf, '\r', '\n')
		}
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	c := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[c:])]
	return c, nil
}

func BenchmarkReadCSV(b *testing.B) {
	const rows = 1_000_000
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open("big.csv", &rowsReader{n: rows}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		countRows(b, r, rows)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadXLSX(b *testing.B) {
	const rows = 100_000
	var sheet strings.Builder
	sheet.WriteString(`<row r="1"><c t="inlineStr"><is><t>locality</t></is></c><c t="inlineStr"><is><t>indicator</t></is></c>` +
		`<c t="inlineStr"><is><t>period</t></is></c><c t="inlineStr"><is><t>value</t></is></c></row>`)
	for i := 2; i <= rows+1; i++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="B%d" t="s"><v>1</v></c><c r="C%d" t="s"><v>2</v></c><c r="D%d"><v>%d</v></c></row>`,
			i, i, i, i, i, i%97)
	}
	book := tabulartest.Zip(tabulartest.Workbook{Rows: sheet.String(), Shared: []string{"00004", "TT_DOT", "2024Q3"}}.Parts())
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open("big.xlsx", bytes.NewReader(book), Options{})
		if err != nil {
			b.Fatal(err)
		}
		countRows(b, r, rows)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// countRows reads every row of r, which must hold rows of them. Unlike readAll it
// keeps nothing, so the benchmark measures reading alone.
func countRows(b *testing.B, r *Reader, rows int) {
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != rows {
		b.Fatalf("read %d rows", n)
	}
}
