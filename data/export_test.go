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
	} {
		if got := GuardFormula(c.in); got != c.out {
			t.Errorf("GuardFormula(%q) = %q, want %q", c.in, got, c.out)
		}
		if back := StripFormulaGuard(GuardFormula(c.in)); back != c.in {
			t.Errorf("round trip of %q gave %q", c.in, back)
		}
	}
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
