package data

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/assets"
	"danvan/data/period"
)

func date(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func loadListText(t *testing.T, s *Store, from string, csv string) {
	t.Helper()
	entries, err := ReadLocalityList("test.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadLocalityList(context.Background(), date(from), entries, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
}

// world is a small country with a reform on 2025-07-01:
//
//	before: 01 Tỉnh A > 001 > 00001 C1, 00002 C2;  02 Tỉnh B > 002 > 00003 C3, 00004 C4
//	after:  01 Tỉnh A > 00001 Xã Hợp Nhất (C1+C2), 00004 Phường Mới (C3 + part of C4)
//	        03 Tỉnh C > 00007 (the other part of C4)
//
// Code 00004 names C4 before the reform and Phường Mới after it.
type world struct {
	s              *Store
	unit           int64
	sum, last, max Indicator
	prog           Program
	loc            map[string]int64 // by short name
}

func newWorld(t *testing.T) *world {
	ctx := context.Background()
	w := &world{s: openTemp(t), loc: map[string]int64{}}
	loadListText(t, w.s, "2020-01-01", `code,name,level,parent_code
01,Tỉnh A,province,
001,Huyện Một,district,01
00001,Xã C1,commune,001
00002,Xã C2,commune,001
02,Tỉnh B,province,
002,Huyện Hai,district,02
00003,Xã C3,commune,002
00004,Xã C4,commune,002
`)
	loadListText(t, w.s, "2025-07-01", `code,name,level,parent_code
01,Tỉnh A,province,
00001,Xã Hợp Nhất,commune,01
00004,Phường Mới,commune,01
03,Tỉnh C,province,
00007,Xã Bảy,commune,03
`)
	mapping := `level,old_code,old_name,new_code,new_name,parts
province,01,Tỉnh A,01,Tỉnh A,whole
province,02,Tỉnh B,01,Tỉnh A,whole
commune,00001,Xã C1,00001,Xã Hợp Nhất,whole
commune,00002,Xã C2,00001,Xã Hợp Nhất,whole
commune,00003,Xã C3,00004,Phường Mới,whole
commune,00004,Xã C4,00004,Phường Mới,part
commune,00004,Xã C4,00007,Xã Bảy,part
`
	entries, err := ReadReformMapping("mapping.csv", strings.NewReader(mapping))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := w.s.ApplyReform(ctx, date("2025-07-01"), entries, false)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Linked != 6 || sum.Unchanged != 1 {
		t.Fatalf("reform: %+v, want 6 links and 1 unchanged", sum)
	}
	for name, at := range map[string]string{"A": "01@2024-01-01", "B": "02@2024-01-01", "C": "03@2026-01-01",
		"C1": "00001@2024-01-01", "C2": "00002@2024-01-01", "C3": "00003@2024-01-01", "C4": "00004@2024-01-01",
		"N1": "00001@2026-01-01", "N2": "00004@2026-01-01", "N3": "00007@2026-01-01"} {
		code, d, _ := strings.Cut(at, "@")
		l, err := w.s.LocalityByCode(ctx, code, date(d))
		if err != nil {
			t.Fatal(err)
		}
		w.loc[name] = l.ID
	}
	u, err := w.s.SaveUnit(ctx, Unit{Code: "U1", Name: "Đơn vị 1"})
	if err != nil {
		t.Fatal(err)
	}
	w.unit = u.ID
	for _, p := range []struct {
		in *Indicator
		r  Rollup
	}{{&w.sum, Sum}, {&w.last, Last}, {&w.max, Max}} {
		*p.in, err = w.s.SaveIndicator(ctx, Indicator{Code: "I_" + strings.ToUpper(string(p.r)), Name: string(p.r), Unit: "x", Rollup: p.r})
		if err != nil {
			t.Fatal(err)
		}
	}
	w.prog, err = w.s.SaveProgram(ctx, Program{Code: "P", Title: "Chương trình", Start: date("2024-01-01"), End: date("2026-12-31"),
		PeriodType: period.Quarter, Indicators: []ProgramIndicator{{Indicator: w.sum}, {Indicator: w.last}, {Indicator: w.max}}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// put stores values given as "locality period value" triples.
func (w *world) put(t *testing.T, in Indicator, lines ...string) {
	t.Helper()
	var vals []Value
	for _, l := range lines {
		f := strings.Fields(l)
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		vals = append(vals, Value{IndicatorID: in.ID, LocalityID: w.loc[f[0]], UnitID: w.unit, Period: period.MustParse(f[1]), Value: v})
	}
	if _, err := w.s.SetValues(context.Background(), vals, Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) progress(t *testing.T, in Indicator, loc string, from, to string, by period.Type) []PeriodFigure {
	t.Helper()
	ser, err := w.s.Progress(context.Background(), Scope{ProgramID: w.prog.ID, LocalityID: w.loc[loc]}, in.ID, period.MustParse(from), period.MustParse(to), by)
	if err != nil {
		t.Fatal(err)
	}
	return ser.Rows
}

func wantActuals(t *testing.T, got []PeriodFigure, want ...float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d groups, want %d: %+v", len(got), len(want), got)
	}
	for i, g := range got {
		if math.Abs(g.Actual-want[i]) > 1e-9 {
			t.Errorf("group %s: actual %g, want %g", g.Period, g.Actual, want[i])
		}
	}
}

func TestSumMonthlyValuesByQuarter(t *testing.T) {
	w := newWorld(t)
	w.put(t, w.sum, "C1 202401 1", "C1 202402 2", "C1 202403 3", "C1 202404 4", "C2 202401 10", "N3 202601 100")
	wantActuals(t, w.progress(t, w.sum, "A", "2024Q1", "2024Q2", period.Quarter), 16, 4)
	// A quarter grouped by month has no single month: it is left out, not spread.
	w.put(t, w.sum, "C2 2024Q3 7")
	wantActuals(t, w.progress(t, w.sum, "A", "202407", "202409", period.Month), 0, 0, 0)
	wantActuals(t, w.progress(t, w.sum, "A", "2024Q3", "2024Q3", period.Quarter), 7)
}

func TestQuarterlyTargetsByYear(t *testing.T) {
	w := newWorld(t)
	var ts []Target
	for _, q := range []string{"2024Q1", "2024Q2", "2024Q3", "2024Q4"} {
		ts = append(ts, Target{IndicatorID: w.sum.ID, LocalityID: w.loc["C1"], Period: period.MustParse(q), Value: 5})
	}
	ts = append(ts, Target{IndicatorID: w.sum.ID, LocalityID: w.loc["C2"], Period: period.MustParse("2024Q1"), Value: 3})
	if err := w.s.SetTargets(context.Background(), w.prog.ID, ts); err != nil {
		t.Fatal(err)
	}
	w.put(t, w.sum, "C1 2024Q1 4", "C1 2024Q4 2")
	rows := w.progress(t, w.sum, "A", "2024", "2024", period.Year)
	if len(rows) != 1 || rows[0].Target != 23 || !rows[0].HasTarget || rows[0].Actual != 6 {
		t.Fatalf("2024 = %+v, want actual 6 against target 23", rows)
	}
	if pct, ok := rows[0].Percent(); !ok || math.Abs(pct-600.0/23) > 1e-9 {
		t.Fatalf("percent = %v %v", pct, ok)
	}
}

func TestLastTakesEachLocalitysLatestAcrossReform(t *testing.T) {
	w := newWorld(t)
	w.put(t, w.last, "C1 2024Q1 2", "C1 2024Q2 3", "C2 2024Q1 5")
	wantActuals(t, w.progress(t, w.last, "A", "2024", "2024", period.Year), 8)
	// In 2025 the merged commune reports after the reform; its figure already holds
	// its predecessors' models, so they must not be added again.
	w.put(t, w.last, "C1 2025Q2 3", "C2 2025Q1 5", "N1 2025Q3 7")
	wantActuals(t, w.progress(t, w.last, "A", "2025", "2025", period.Year), 7)
	wantActuals(t, w.progress(t, w.last, "A", "2025Q1", "2025Q3", period.Quarter), 5, 3, 7)
}

func TestMaxTakesTheLargest(t *testing.T) {
	w := newWorld(t)
	w.put(t, w.max, "C1 202401 4", "C2 202402 9", "C1 202403 6", "C1 202404 1")
	wantActuals(t, w.progress(t, w.max, "A", "2024Q1", "2024Q2", period.Quarter), 9, 1)
}

func TestReformKeepsResultsAddingUp(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.put(t, w.sum, "C1 2024Q1 1", "C2 2024Q1 2", "C3 2024Q1 4", "C4 2024Q1 8", "N1 2026Q1 16", "N2 2026Q1 32", "N3 2026Q1 64")
	// Province A absorbed B whole, so it holds C3 and all of C4 before the reform.
	wantActuals(t, w.progress(t, w.sum, "A", "2024", "2026", period.Year), 15, 0, 48)
	// C gets only its own commune: C4 was split, and its values stay with A.
	ser, err := w.s.Progress(ctx, Scope{LocalityID: w.loc["C"]}, w.sum.ID, period.MustParse("2024"), period.MustParse("2026"), period.Year)
	if err != nil {
		t.Fatal(err)
	}
	wantActuals(t, ser.Rows, 0, 0, 64)
	if len(ser.Split) != 1 || ser.Split[0].Name != "Xã C4" {
		t.Fatalf("split = %+v, want Xã C4 named", ser.Split)
	}
	// The whole country counts every value once.
	all, err := w.s.Progress(ctx, Scope{}, w.sum.ID, period.MustParse("2024"), period.MustParse("2026"), period.Year)
	if err != nil {
		t.Fatal(err)
	}
	wantActuals(t, all.Rows, 15, 0, 112)
	// Phường Mới: C3 came whole; C4 only partly, so it is named, not counted.
	ser, err = w.s.Progress(ctx, Scope{LocalityID: w.loc["N2"]}, w.sum.ID, period.MustParse("2024"), period.MustParse("2026"), period.Year)
	if err != nil {
		t.Fatal(err)
	}
	wantActuals(t, ser.Rows, 4, 0, 32)
	if len(ser.Split) != 1 {
		t.Fatalf("split = %+v, want C4", ser.Split)
	}
}

func TestCodeMeansSomethingOnlyWithADate(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	before, err := w.s.LocalityByCode(ctx, "00004", date("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := w.s.LocalityByCode(ctx, "00004", date("2025-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	if before.Name != "Xã C4" || after.Name != "Phường Mới" {
		t.Fatalf("00004 = %q before, %q after", before.Name, after.Name)
	}
	if _, err := w.s.LocalityByCode(ctx, "02", date("2025-07-01")); err == nil {
		t.Fatal("province 02 still resolves after it was merged")
	}
}

func TestByChildRanksChildrenInForce(t *testing.T) {
	w := newWorld(t)
	w.put(t, w.sum, "C1 2024Q1 1", "C2 2024Q1 2", "C3 2024Q1 4", "N1 2025Q3 16", "N2 2025Q3 32")
	kids, split, err := w.s.ByChild(context.Background(), Scope{LocalityID: w.loc["A"]}, w.sum.ID, period.MustParse("2025Q3"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, k := range kids {
		got[k.Locality.Name] = k.Actual
	}
	if len(kids) != 2 || got["Xã Hợp Nhất"] != 16 || got["Phường Mới"] != 32 {
		t.Fatalf("children = %+v", got)
	}
	if len(split) != 1 {
		t.Fatalf("split = %+v, want C4", split)
	}
	// Before the reform the children are the districts.
	kids, _, err = w.s.ByChild(context.Background(), Scope{LocalityID: w.loc["A"]}, w.sum.ID, period.MustParse("2024Q1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 1 || kids[0].Locality.Name != "Huyện Một" || kids[0].Actual != 3 {
		t.Fatalf("children in 2024Q1 = %+v", kids)
	}
}

func TestByIndicatorCoversTheProgram(t *testing.T) {
	w := newWorld(t)
	w.put(t, w.sum, "C1 2024Q1 1")
	w.put(t, w.max, "C1 2024Q1 5")
	rows, _, err := w.s.ByIndicator(context.Background(), Scope{ProgramID: w.prog.ID, LocalityID: w.loc["A"]}, period.MustParse("2024Q1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Actual != 1 || rows[1].HasActual || rows[2].Actual != 5 {
		t.Fatalf("breakdown = %+v", rows)
	}
}

// Cần Thơ over 2024-2026 includes Hậu Giang's and Sóc Trăng's communes before
// 2025-07-01, using the shipped official lists and mapping.
func TestCanThoIncludesMergedProvinces(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	load := func(name, from string, only ...string) {
		f, err := assets.Localities.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		entries, err := ReadLocalityList(name, f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadLocalityList(ctx, date(from), entries, LoadOptions{Only: only}); err != nil {
			t.Fatal(err)
		}
	}
	load(assets.ListBefore2025, "2020-01-01", "92", "93", "94")
	load(assets.ListAfter2025, "2025-07-01", "92")
	f, err := assets.Localities.Open(assets.Reform2025)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mapping, err := ReadReformMapping(assets.Reform2025, f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyReform(ctx, date("2025-07-01"), mapping, false); err != nil {
		t.Fatal(err)
	}
	u, _ := s.SaveUnit(ctx, Unit{Code: "CT", Name: "BCHQS Cần Thơ"})
	in, _ := s.SaveIndicator(ctx, Indicator{Code: "TT_DOT", Name: "Số đợt tuyên truyền", Unit: "đợt", Rollup: Sum})
	var vals []Value
	var want2024 float64
	for i, code := range []string{"31318", "31483", "31510", "31123"} { // Hậu Giang, Hậu Giang, Sóc Trăng, old Cần Thơ
		l, err := s.LocalityByCode(ctx, code, date("2024-06-01"))
		if err != nil {
			t.Fatal(err)
		}
		vals = append(vals, Value{IndicatorID: in.ID, LocalityID: l.ID, UnitID: u.ID, Period: period.MustParse("2024Q2"), Value: float64(i + 1)})
		want2024 += float64(i + 1)
	}
	ls, err := s.LocalitiesAt(ctx, date("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	vals = append(vals, Value{IndicatorID: in.ID, LocalityID: ls[len(ls)-1].ID, UnitID: u.ID, Period: period.MustParse("2026Q1"), Value: 100})
	if _, err := s.SetValues(ctx, vals, Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	ct, err := s.LocalityByCode(ctx, "92", date("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	ser, err := s.Progress(ctx, Scope{LocalityID: ct.ID}, in.ID, period.MustParse("2024"), period.MustParse("2026"), period.Year)
	if err != nil {
		t.Fatal(err)
	}
	wantActuals(t, ser.Rows, want2024, 0, 100)
}

// Year to date takes the quarters so far as one period: sums add up, last takes
// each locality's latest, max the largest, and targets are those of the quarters so
// far (the year's own target says nothing about three quarters of it).
func TestYearToDate(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.put(t, w.sum, "C1 2024Q1 4", "C1 2024Q2 2", "C2 2024Q3 1", "C1 2024Q4 100")
	w.put(t, w.last, "C1 2024Q1 2", "C1 2024Q2 3", "C2 2024Q1 5", "C2 2024Q4 50")
	w.put(t, w.max, "C1 2024Q1 9", "C2 2024Q3 4", "C1 2024Q4 70")
	ts := []Target{{IndicatorID: w.sum.ID, LocalityID: w.loc["C1"], Period: period.MustParse("2024Q1"), Value: 5},
		{IndicatorID: w.sum.ID, LocalityID: w.loc["C1"], Period: period.MustParse("2024Q3"), Value: 5},
		{IndicatorID: w.last.ID, LocalityID: w.loc["C1"], Period: period.MustParse("2024"), Value: 20}}
	if err := w.s.SetTargets(ctx, w.prog.ID, ts); err != nil {
		t.Fatal(err)
	}
	figs, _, err := w.s.ByIndicatorOver(ctx, Scope{ProgramID: w.prog.ID, LocalityID: w.loc["A"]}, period.MustParse("2024Q1"), period.MustParse("2024Q3"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Figure{
		w.sum.Code:  {Actual: 7, HasActual: true, Target: 10, HasTarget: true},
		w.last.Code: {Actual: 8, HasActual: true},
		w.max.Code:  {Actual: 9, HasActual: true},
	}
	for _, f := range figs {
		if f.Figure != want[f.Indicator.Code] {
			t.Errorf("%s year to date: %+v, want %+v", f.Indicator.Code, f.Figure, want[f.Indicator.Code])
		}
	}
	kids, _, err := w.s.ByChildOver(ctx, Scope{ProgramID: w.prog.ID, LocalityID: w.loc["A"]}, w.sum.ID, period.MustParse("2024Q1"), period.MustParse("2024Q3"))
	if err != nil || len(kids) != 1 || kids[0].Figure != want[w.sum.Code] {
		t.Fatalf("by district, year to date: %+v %v", kids, err)
	}
}

// A province in force in the period keeps its own values in a ranking, even though
// it later went whole into a sibling: B's 2024 values are B's row, not A's.
func TestByChildKeepsAChildsOwnValuesBeforeItsMerger(t *testing.T) {
	w := newWorld(t)
	w.put(t, w.sum, "C1 2024Q1 1", "C3 2024Q1 4")
	kids, _, err := w.s.ByChild(context.Background(), Scope{}, w.sum.ID, period.MustParse("2024Q1"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, k := range kids {
		got[k.Locality.Name] = k.Actual
	}
	if len(kids) != 2 || got["Tỉnh A"] != 1 || got["Tỉnh B"] != 4 {
		t.Fatalf("provinces in 2024Q1 = %v, want A 1 and B 4", got)
	}
}
