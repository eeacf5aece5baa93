package data

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"danvan/data/period"
)

func TestFormulaGuard(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"=SUM(A1)", "'=SUM(A1)"}, {"+84", "'+84"}, {"-", "'-"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"\rx", "'\rx"},
		{"Xã Mai Sao", "Xã Mai Sao"}, {"'quoted", "'quoted"}, {"", ""},
		// Read with ; as the separator, the note's second field would be a formula.
		{`x;=HYPERLINK("http://a.b","bấm")`, `x;'=HYPERLINK("http://a.b","bấm")`},
		{"a,+1", "a,'+1"}, {"a\t-1", "a\t'-1"}, {"a,\t=b", "a,'\t'=b"}, {"1-2; 3,4", "1-2; 3,4"},
		// The user's own quote before a formula stays theirs.
		{"'=a", "''=a"}, {"x;'@b", "x;''@b"},
	} {
		if got := GuardFormula(c.in); got != c.out {
			t.Errorf("GuardFormula(%q) = %q, want %q", c.in, got, c.out)
		}
	}
	// Every string of up to five of these characters: no field starts a formula
	// whichever separator reads the guarded text, and it reads back unchanged.
	const alphabet = "=+-@\t\r,;'x"
	var each func(prefix string, n int)
	each = func(s string, n int) {
		g := GuardFormula(s)
		if back := StripFormulaGuard(g); back != s {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
		for _, sep := range ",;\t" {
			for _, field := range strings.Split(g, string(sep)) {
				if field != "" && strings.ContainsRune("=+-@\t\r", rune(field[0])) {
					t.Fatalf("GuardFormula(%q) = %q: read with %q, field %q starts a formula", s, g, sep, field)
				}
			}
		}
		if n > 0 {
			for _, r := range alphabet {
				each(s+string(r), n-1)
			}
		}
	}
	each("", 5)
}

func TestExportLongFormat(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	unit, _ := s.UnitByCode(ctx, "E123")
	ind, _ := s.IndicatorByCode(ctx, "DUONG_KM")
	q := period.MustParse("2024Q3")
	loc, _ := s.LocalityByCode(ctx, "06484", q.End())
	if _, err := s.SetValues(ctx, []Value{{IndicatorID: ind.ID, LocalityID: loc.ID, UnitID: unit.ID, Period: q, Value: 1234.5, Note: "=HYPERLINK(\"x\")"}},
		Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.ExportLong(ctx, &buf, ValueFilter{UnitID: unit.ID, IndicatorID: ind.ID, From: q, To: q}); err != nil {
		t.Fatal(err)
	}
	header := "\uFEFFlocality,locality_name,indicator,indicator_name,period,unit,value,note\r\n"
	row := "\r\n06484,Xã Mai Sao,DUONG_KM,Đường bê tông nông thôn,2024Q3,E123,1234.50,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
	if !strings.HasPrefix(buf.String(), header) || !strings.Contains(buf.String(), row) {
		t.Fatalf("got\n%q\nwant header\n%q\nand row\n%q", buf.String(), header, row)
	}
}

func TestTemplateRows(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := s.WriteTemplate(ctx, &buf, "CTPH-2021-2025", period.MustParse("2024Q3"), "BCHQS-CL"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	// Chi Lăng's command works in six communes; the program tracks ten indicators.
	if len(lines) != 1+6*10 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	// Vietnamese headings, the unit of measure beside the indicator, the period as
	// the clerk writes it and the reporting unit's name.
	if lines[0] != "\uFEFFMã địa bàn,Tên địa bàn,Mã chỉ tiêu,Tên chỉ tiêu,ĐVT,Kỳ báo cáo,Mã đơn vị báo cáo,Tên đơn vị báo cáo,Giá trị,Ghi chú" {
		t.Fatalf("header %q", lines[0])
	}
	if !strings.HasSuffix(lines[1], ",TT_DOT,Số đợt tuyên truyền,đợt,Quý III/2024,BCHQS-CL,Ban Chỉ huy Quân sự huyện Chi Lăng,,") {
		t.Fatalf("row %q", lines[1])
	}
	if err := s.WriteTemplate(ctx, &buf, "NOPE", period.MustParse("2024Q3"), ""); err == nil {
		t.Fatal("template for an unknown program")
	}
}
