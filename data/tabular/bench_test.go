package tabular

import (
	"io"
	"strconv"
	"testing"
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
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
