package tabular

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"danvan/data/internal/testfiles"
	"danvan/data/message"
	"danvan/data/tabular/tabulartest"
)

func FuzzReader(f *testing.F) {
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(vnTable("\t")))
	cp1258, _ := charmap.Windows1258.NewEncoder().Bytes([]byte(testfiles.ExcelCP1258(vnTable(","))))
	for _, s := range []string{
		vnTable(","), vnTable(";"), string(utf16), string(cp1258),
		"\xEF\xBB\xBFMã,Tên\r\n1,\"a\"\"b\"\r\n",
		"BÁO CÁO,,\n\nMã,Tên,Giá trị\n1,\"x\ny\",2\n,,\n",
		"a,b\n1,\"open\n", "a,b\n1,x\"y\n", "a,b\n1,\"x\"y\n", "",
		"\x89PNG\r\n\x1a\n", "PK\x03\x04", "a,b\n1,2,3\n", "a;b\n\xff\xfe",
		"Mã,Tên\nH\xfb\xf5u,1\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Add(buildWorkbook(f), true)
	// Small workbooks written part by part, whole and damaged, so that mutations
	// reach the XML of every part read.
	table := reportTable()[:4]
	for _, damage := range []string{"", `<c r="{{ref}}" t="inlineStr"><is><t>a &foo; b</t></is></c>`, `<c r="{{ref}}" t="s"><v>9</v></c>`,
		`<c r="{{ref}}"><f>1+1</f></c>`, `<c r="A0"><v>1</v></c>`, `<c r="{{ref}}" t="b"><v>1</v></c><c t="e"><v>#N/A</v></c>`} {
		rows, shared := tabulartest.Table(table, damage)
		styles := `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="00000"/></numFmts>` +
			`<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>`
		book := tabulartest.Workbook{Rows: rows + `<row r="9"><c s="1"><v>4</v></c><c s="2"><v>45565</v></c></row>`, Shared: shared, Styles: styles}
		f.Add(tabulartest.Zip(book.Parts()), true)
	}
	f.Add([]byte(cfbMagic+"\x00\x00"), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "fuzz.csv"
		if xlsx {
			name = "fuzz.xlsx"
		}
		r, err := Open(name, bytes.NewReader(data), Options{MaxLineBytes: 4096, MaxColumns: 16})
		if err == nil {
			defer r.Close()
			// Fatal errors repeat forever, so stop after a bounded number
			// of calls once errors start.
			for i := 0; err == nil || i < 100 && err != io.EOF; i++ {
				var row Row
				row, err = r.Next()
				if err == nil && (row.Line < r.Info().HeaderLine || len(row.Cells) == 0 || len(row.Cells) > len(r.Header())) {
					t.Fatalf("bad row %+v (header line %d, %d columns)", row, r.Info().HeaderLine, len(r.Header()))
				}
				if err != nil && err != io.EOF {
					assertError(t, err)
				}
			}
			return
		}
		assertError(t, err)
	})
}

func assertError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || error(e) != err {
		t.Fatalf("error %T is not *Error: %v", err, err)
	}
	if e.Msg.Template == "" || !message.Registered(e.Msg.Template) {
		t.Fatalf("error without message: %#v", e)
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1234.5", "1,234.5", "1.234,5", "1 234,5", "1\u00A0234", "-12", "0,5",
		"1,234", "1e5", "12abc", "", "--1", "1.2.3", "-", "9" + string(make([]byte, 400))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, style := range []NumberStyle{Unknown, DotDecimal, CommaDecimal} {
			v, dec, err := ParseNumber(s, style)
			if err != nil {
				assertError(t, err)
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) || dec < 0 || dec > len(s) {
				t.Fatalf("ParseNumber(%q, %v) = %v, %d", s, style, v, dec)
			}
		}
		DetectNumberStyle([]string{s, s})
	})
}
