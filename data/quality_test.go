package data

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"danvan/data/message"
	"danvan/data/period"
)

// qualityWorld is a program of 2024 with four indicators, one locality and one
// unit: enough for every kind of rule.
type qualityWorld struct {
	s    *Store
	prog Program
	ind  map[string]Indicator
	loc  int64
	unit int64
}

func newQualityWorld(t *testing.T) *qualityWorld {
	t.Helper()
	ctx := context.Background()
	w := &qualityWorld{s: openTemp(t), ind: map[string]Indicator{}}
	w.loc = openLocality(t, w.s)
	var pis []ProgramIndicator
	for _, in := range []Indicator{
		{Code: "NHA", Name: "Nhà tình nghĩa", Unit: "nhà", Rollup: Sum},
		{Code: "NHA_VND", Name: "Giá trị nhà", Unit: "triệu đồng", Rollup: Sum},
		{Code: "DOT", Name: "Đợt", Unit: "đợt", Rollup: Sum},
		{Code: "LUOT", Name: "Lượt", Unit: "lượt", Rollup: Sum},
		{Code: "OTHER", Name: "Chỉ tiêu khác", Unit: "cái", Rollup: Sum},
	} {
		saved, err := w.s.SaveIndicator(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		w.ind[in.Code] = saved
		if in.Code != "OTHER" {
			pis = append(pis, ProgramIndicator{Indicator: saved})
		}
	}
	u, err := w.s.SaveUnit(ctx, Unit{Code: "U1", Name: "Đơn vị 1"})
	if err != nil {
		t.Fatal(err)
	}
	w.unit = u.ID
	w.prog, err = w.s.SaveProgram(ctx, Program{Code: "P", Title: "Chương trình", Start: date("2024-01-01"), End: date("2024-12-31"),
		PeriodType: period.Quarter, Indicators: pis, UnitIDs: []int64{u.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *qualityWorld) value(code, per string, v float64) Value {
	return Value{IndicatorID: w.ind[code].ID, LocalityID: w.loc, UnitID: w.unit, Period: period.MustParse(per), Value: v}
}

var qualityRules = []Rule{
	{Kind: RuleRange, Indicator: "NHA_VND", Max: 500},
	{Kind: RuleAtMost, Indicator: "NHA_VND", Other: "NHA", Factor: 100},
	{Kind: RuleOnlyIf, Indicator: "NHA_VND", Other: "NHA"},
	{Kind: RuleAtLeast, Indicator: "LUOT", Other: "DOT"},
}

func TestRulesSavedAndValidated(t *testing.T) {
	ctx := context.Background()
	w := newQualityWorld(t)
	if err := w.s.SaveRules(ctx, w.prog.ID, qualityRules); err != nil {
		t.Fatal(err)
	}
	got, err := w.s.Rules(ctx, w.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(qualityRules) {
		t.Fatalf("rules read back: %+v", got)
	}
	for i := range got {
		if got[i] != qualityRules[i] {
			t.Errorf("rule %d: %+v, want %+v", i, got[i], qualityRules[i])
		}
	}
	if s := got[1].Text().String(); s != "NHA_VND ≤ NHA × 100" {
		t.Errorf("rule in words: %q", s)
	}
	bad := []struct {
		rule Rule
		want string
	}{
		{Rule{Kind: RuleRange, Indicator: "NOPE", Max: 1}, "indicator NOPE was not found"},
		{Rule{Kind: RuleRange, Indicator: "OTHER", Max: 1}, "indicator OTHER is not in program P"},
		{Rule{Kind: RuleAtMost, Indicator: "NHA_VND", Other: "OTHER", Factor: 1}, "indicator OTHER is not in program P"},
		{Rule{Kind: RuleAtMost, Indicator: "NHA_VND", Other: "NHA", Factor: 0}, "the factor of the rule NHA_VND ≤ NHA × 0 is 0; it must be more than 0"},
		{Rule{Kind: RuleAtMost, Indicator: "NHA_VND", Other: "NHA", Factor: -2}, "it must be more than 0"},
		{Rule{Kind: RuleAtLeast, Indicator: "DOT", Other: "DOT"}, "compares DOT with itself"},
		{Rule{Kind: RuleOnlyIf, Indicator: "DOT"}, "compares it with no other indicator"},
		{Rule{Kind: RuleRange, Indicator: "DOT", Min: 5, Max: 1}, "the plausible range of DOT is 5–1"},
		{Rule{Kind: "sometimes", Indicator: "DOT"}, `"sometimes" is not a kind of rule`},
	}
	for _, b := range bad {
		err := w.s.SaveRules(ctx, w.prog.ID, []Rule{qualityRules[0], b.rule})
		var me *message.Error
		if !errors.As(err, &me) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: %v, want a message with %q", b.rule, err, b.want)
		}
	}
	twice := []Rule{{Kind: RuleRange, Indicator: "DOT", Max: 1}, {Kind: RuleRange, Indicator: "dot", Max: 2}}
	if err := w.s.SaveRules(ctx, w.prog.ID, twice); err == nil || !strings.Contains(err.Error(), "two plausible ranges") {
		t.Errorf("two ranges for one indicator: %v", err)
	}
	// A refused set leaves the saved one as it was.
	if got, _ := w.s.Rules(ctx, w.prog.ID); len(got) != len(qualityRules) {
		t.Errorf("after refusals: %+v", got)
	}
}

func TestProposeRangesFromKnownValues(t *testing.T) {
	ctx := context.Background()
	w := newQualityWorld(t)
	// NHA_VND over eight quarters of 2022-2023 (another program's years count
	// too) and the year 2021, which is not a quarter and is left out: the
	// figures above zero are 8, 9, 10, 10, 11, 12, 250 (a slip of the unit) and
	// 10 from 2024. Median 10, deviations 0,0,0,1,1,2,2,240: MAD 1 → 10 +
	// 5 × 1.4826 = 17.4, at least twice the median: 20.
	var vals []Value
	for i, v := range []float64{8, 9, 10, 0, 11, 12, 250, 10} {
		vals = append(vals, w.value("NHA_VND", period.Range(period.MustParse("2022Q1"), period.MustParse("2023Q4"), period.Quarter)[i].ID(), v))
	}
	vals = append(vals, w.value("NHA_VND", "2024Q1", 10), w.value("NHA_VND", "2021", 9000))
	// DOT has too few figures for a proposal.
	vals = append(vals, w.value("DOT", "2024Q1", 3))
	if _, err := w.s.SetValues(ctx, vals, Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	got, err := w.s.ProposeRanges(ctx, w.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{{Kind: RuleRange, Indicator: "NHA_VND", Max: 20}}
	if len(got) != 1 || got[0] != want[0] {
		t.Fatalf("proposals %+v, want %+v", got, want)
	}
	for _, c := range []struct{ in, want float64 }{{17.4, 20}, {0.46, 0.5}, {2, 2}, {201, 250}, {3001, 5000}, {0.3, 0.5}, {9.99, 10}} {
		if got := niceCeil(c.in); got != c.want {
			t.Errorf("niceCeil(%g) = %g, want %g", c.in, got, c.want)
		}
	}
}

// Each kind of rule is checked in an import batch with both figures from the
// file, and with one from the file and the other already stored.
func TestCrossRulesInBatchAndAgainstStored(t *testing.T) {
	ctx := context.Background()
	w := newQualityWorld(t)
	if err := w.s.SaveRules(ctx, w.prog.ID, qualityRules); err != nil {
		t.Fatal(err)
	}
	// Stored: 2 houses in Q2, campaigns in Q3.
	if _, err := w.s.SetValues(ctx, []Value{w.value("NHA", "2024Q2", 2), w.value("DOT", "2024Q3", 5)}, Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	g, err := w.s.Gate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bw := writeBatch(t, w.s, Batch{FileName: "f.csv"}, []Value{
		w.value("NHA", "2024Q1", 0), w.value("NHA_VND", "2024Q1", 80), // only_if, both in the file
		w.value("NHA_VND", "2024Q2", 300),                         // at_most against the stored 2 houses: 300 > 200
		w.value("LUOT", "2024Q3", 4),                              // at_least against the stored 5 campaigns
		w.value("DOT", "2024Q4", 1), w.value("LUOT", "2024Q4", 1), // fine
		w.value("NHA_VND", "2025Q1", 9000), // outside the program's dates
	})
	got, err := bw.CrossBreaches(g)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, b := range got {
		words = append(words, b.Period.ID()+": "+b.Msg.String())
	}
	want := []string{
		"2024Q1: NHA_VND is 80, more than 100 × NHA (0); the program's rule is NHA_VND ≤ NHA × 100: check both figures",
		"2024Q2: NHA_VND is 300, more than 100 × NHA (2); the program's rule is NHA_VND ≤ NHA × 100: check both figures",
		"2024Q1: NHA_VND is 80 while NHA is 0; the program's rule is NHA_VND > 0 only if NHA > 0: check both figures",
		"2024Q3: LUOT is 4, less than DOT (5); the program's rule is LUOT ≥ DOT: check both figures",
	}
	if strings.Join(words, "\n") != strings.Join(want, "\n") {
		t.Errorf("breaches:\n%s\nwant:\n%s", strings.Join(words, "\n"), strings.Join(want, "\n"))
	}
	for _, b := range got {
		if b.ValueStored {
			t.Errorf("A comes from the file in %s", b.Period.ID())
		}
	}
	// B from the file, A stored.
	if err := bw.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SetValues(ctx, []Value{w.value("LUOT", "2024Q3", 4)}, Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	bw = writeBatch(t, w.s, Batch{FileName: "g.csv"}, []Value{w.value("DOT", "2024Q3", 6)})
	got, err = bw.CrossBreaches(g)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].ValueStored || got[0].Value.Value != 4 || got[0].Other.Value != 6 {
		t.Errorf("against a stored A: %+v", got)
	}
}

func TestRangesApplyToTheProgramsPeriodsOnly(t *testing.T) {
	ctx := context.Background()
	w := newQualityWorld(t)
	if err := w.s.SaveRules(ctx, w.prog.ID, qualityRules); err != nil {
		t.Fatal(err)
	}
	g, err := w.s.Gate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := g.Check([]Value{
		w.value("NHA_VND", "2024Q3", 25000000), w.value("NHA", "2024Q3", 3),
		w.value("NHA_VND", "2024", 1200),   // a year: not a quarter's range
		w.value("NHA_VND", "2023Q3", 9000), // before the program
	})
	if len(got) != 2 {
		t.Fatalf("breaches %+v", got)
	}
	if s := got[0].Msg.String(); s != "25000000 is outside the plausible range 0–500 for NHA_VND (triệu đồng) for one locality and quarter; check the unit of measure" {
		t.Errorf("range: %q", s)
	}
	if got[1].Msg.Template != msgBreakAtMost.With().Template || got[1].Other.Value != 3 {
		t.Errorf("cross: %+v", got[1])
	}
}

func TestAcceptedWarningCheckedShowsInHistory(t *testing.T) {
	ctx := context.Background()
	w := newQualityWorld(t)
	if err := w.s.SaveRules(ctx, w.prog.ID, qualityRules); err != nil {
		t.Fatal(err)
	}
	g, err := w.s.Gate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := w.value("NHA_VND", "2024Q3", 900)
	warnings := g.Check([]Value{v})
	if len(warnings) != 1 {
		t.Fatalf("warnings %+v", warnings)
	}
	at := time.Date(2024, 10, 5, 8, 0, 0, 0, time.UTC)
	if _, _, err := w.s.SaveEntryAccepting(ctx, []Value{v}, nil, warnings, Source{Kind: "entry", User: "lan", At: at}); err != nil {
		t.Fatal(err)
	}
	open, err := w.s.QualityWarnings(ctx, WarningFilter{ProgramID: w.prog.ID, Status: WarningOpen})
	if err != nil || len(open) != 1 {
		t.Fatalf("open warnings %+v %v", open, err)
	}
	if o := open[0]; o.IndicatorCode != "NHA_VND" || o.Value.Value != 900 || o.AcceptedBy != "lan" || o.Source != "entry" || o.Msg.String() != warnings[0].Msg.String() {
		t.Errorf("warning %+v", o)
	}
	// The same figure breaking the same rule is not asked about again.
	if g, _ := w.s.Gate(ctx); len(g.Check([]Value{v})) != 0 {
		t.Error("an accepted figure is warned about again")
	}
	if err := w.s.CheckWarning(ctx, open[0].ID, "đã xác minh: 3 nhà", "hung"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.CheckWarning(ctx, open[0].ID, "again", "hung"); !errors.Is(err, ErrNotFound) {
		t.Errorf("checking twice: %v", err)
	}
	if open, _ := w.s.QualityWarnings(ctx, WarningFilter{Status: WarningOpen}); len(open) != 0 {
		t.Errorf("still open: %+v", open)
	}
	hist, err := w.s.History(ctx, v.IndicatorID, v.LocalityID, v.UnitID, v.Period)
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, c := range hist {
		sources = append(sources, c.Source)
	}
	if strings.Join(sources, ",") != "entry,warning,checked" {
		t.Fatalf("history sources %v", sources)
	}
	if c := hist[2]; c.By != "hung" || c.Comment != "đã xác minh: 3 nhà" || c.Rule.Template == "" {
		t.Errorf("check in history: %+v", c)
	}
}
