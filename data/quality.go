package data

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"danvan/data/message"
	"danvan/data/period"
)

// RuleKind is one form of the closed grammar of quality rules.
type RuleKind string

// The kinds of rule. A is Rule.Indicator, B is Rule.Other.
const (
	RuleRange   RuleKind = "range"    // Min ≤ A ≤ Max, for one locality and one period of the program's type
	RuleAtMost  RuleKind = "at_most"  // A ≤ B × Factor
	RuleOnlyIf  RuleKind = "only_if"  // A > 0 only if B > 0
	RuleAtLeast RuleKind = "at_least" // A ≥ B
)

// RuleKinds lists the kinds in the order an editor offers them.
var RuleKinds = []RuleKind{RuleRange, RuleAtMost, RuleOnlyIf, RuleAtLeast}

// Rule is one of a program's quality rules. Indicators are named by code, so a
// program's rules read (and serialise) the same in every database.
//
// A rule between two indicators compares values of the same locality, period and
// unit, and only when both are reported: a missing figure may still come in
// another file. A range applies to values of the program's own period type (a
// year's total may well be four times a quarter's); rules between two indicators
// hold at any period length.
type Rule struct {
	Kind      RuleKind `json:"kind"`
	Indicator string   `json:"indicator"`
	Other     string   `json:"other,omitempty"`
	Min       float64  `json:"min,omitempty"`
	Max       float64  `json:"max,omitempty"`
	Factor    float64  `json:"factor,omitempty"`
}

// The rules in words, and what an officer saving them can be told.
var (
	msgRuleRange    = message.New("{{.Indicator}} between {{.Min}} and {{.Max}} for one locality and period")
	msgRuleAtMost   = message.New("{{.Indicator}} ≤ {{.Other}} × {{.Factor}}")
	msgRuleOnlyIf   = message.New("{{.Indicator}} > 0 only if {{.Other}} > 0")
	msgRuleAtLeast  = message.New("{{.Indicator}} ≥ {{.Other}}")
	msgRuleKind     = message.New("{{.Kind}} is not a kind of rule; use range, at_most, only_if or at_least")
	msgRuleNotInPrg = message.New("indicator {{.Code}} is not in program {{.Program}}; add it to the program, or choose one of its indicators")
	msgRuleNoOther  = message.New("the rule on {{.Code}} compares it with no other indicator; choose one")
	msgRuleSelf     = message.New("the rule compares {{.Code}} with itself; choose another indicator")
	msgRuleFactor   = message.New("the factor of the rule {{.Rule}} is {{.Factor}}; it must be more than 0")
	msgRuleBounds   = message.New("the plausible range of {{.Code}} is {{.Min}}–{{.Max}}; the minimum must be 0 or more and the maximum at least the minimum")
	msgRuleTwice    = message.New("{{.Code}} has two plausible ranges; keep one")
	msgWarnNotFound = message.New("the warning was not found; it may have been checked by someone else")
)

// Text is the rule in words.
func (r Rule) Text() message.Text {
	switch r.Kind {
	case RuleRange:
		return msgRuleRange.With("Indicator", r.Indicator, "Min", num(r.Min), "Max", num(r.Max))
	case RuleAtMost:
		return msgRuleAtMost.With("Indicator", r.Indicator, "Other", r.Other, "Factor", num(r.Factor))
	case RuleOnlyIf:
		return msgRuleOnlyIf.With("Indicator", r.Indicator, "Other", r.Other)
	case RuleAtLeast:
		return msgRuleAtLeast.With("Indicator", r.Indicator, "Other", r.Other)
	}
	return msgRuleKind.With("Kind", strconv.Quote(string(r.Kind)))
}

// num writes a figure as a message shows it: no exponent, no trailing zeros.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Rules lists a program's rules in the order they were saved.
func (s *Store) Rules(ctx context.Context, programID int64) ([]Rule, error) {
	return queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (Rule, error) {
		var r Rule
		err := sc.Scan(&r.Kind, &r.Indicator, &r.Other, &r.Min, &r.Max, &r.Factor)
		return r, err
	}, `SELECT r.kind, a.code, COALESCE(b.code, ''), COALESCE(r.min, 0), COALESCE(r.max, 0), COALESCE(r.factor, 0)
		FROM quality_rule r JOIN indicator a ON a.id = r.indicator_id LEFT JOIN indicator b ON b.id = r.other_id
		WHERE r.program_id = ? ORDER BY r.position`, programID)
}

// SaveRules replaces a program's rules with rules, in one transaction, after
// checking each: a rule naming an unknown indicator, or one the program does not
// track, or with a factor not above zero, is refused with a message naming it.
func (s *Store) SaveRules(ctx context.Context, programID int64, rules []Rule) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var code string
		if err := tx.QueryRowContext(ctx, "SELECT code FROM program WHERE id = ?", programID).Scan(&code); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return msgProgramNotFound.With("Code", "#"+strconv.FormatInt(programID, 10)).Wrap(ErrNotFound)
			}
			return err
		}
		ids, err := queryAll(ctx, tx, func(sc interface{ Scan(...any) error }) ([2]any, error) {
			var c string
			var id int64
			err := sc.Scan(&c, &id)
			return [2]any{c, id}, err
		}, "SELECT i.code, i.id FROM program_indicator p JOIN indicator i ON i.id = p.indicator_id WHERE p.program_id = ?", programID)
		if err != nil {
			return err
		}
		inProgram := map[string]int64{}
		for _, p := range ids {
			inProgram[strings.ToUpper(p[0].(string))] = p[1].(int64)
		}
		indicator := func(c string) (int64, error) {
			if id, ok := inProgram[strings.ToUpper(c)]; ok {
				return id, nil
			}
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM indicator WHERE code = ?", c).Scan(&n); err != nil {
				return 0, err
			}
			if n == 0 {
				return 0, msgIndicatorNotFound.With("Code", c).Wrap(ErrNotFound)
			}
			return 0, msgRuleNotInPrg.With("Code", c, "Program", code).Err()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM quality_rule WHERE program_id = ?", programID); err != nil {
			return err
		}
		ranged := map[int64]bool{}
		for i, r := range rules {
			a, err := indicator(r.Indicator)
			if err != nil {
				return err
			}
			var b, lo, hi, factor any
			switch r.Kind {
			case RuleRange:
				if r.Min < 0 || r.Max < r.Min || math.IsNaN(r.Min) || math.IsNaN(r.Max) {
					return msgRuleBounds.With("Code", r.Indicator, "Min", num(r.Min), "Max", num(r.Max)).Err()
				}
				if ranged[a] {
					return msgRuleTwice.With("Code", r.Indicator).Err()
				}
				ranged[a] = true
				lo, hi = r.Min, r.Max
			case RuleAtMost, RuleOnlyIf, RuleAtLeast:
				if strings.TrimSpace(r.Other) == "" {
					return msgRuleNoOther.With("Code", r.Indicator).Err()
				}
				id, err := indicator(r.Other)
				if err != nil {
					return err
				}
				if id == a {
					return msgRuleSelf.With("Code", r.Indicator).Err()
				}
				b = id
				if r.Kind == RuleAtMost {
					if !(r.Factor > 0) || math.IsInf(r.Factor, 0) {
						return msgRuleFactor.With("Rule", r.Text().String(), "Factor", num(r.Factor)).Err()
					}
					factor = r.Factor
				}
			default:
				return r.Text().Err()
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO quality_rule(program_id, position, kind, indicator_id, other_id, min, max, factor)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, programID, i+1, string(r.Kind), a, b, lo, hi, factor); err != nil {
				return fmt.Errorf("rule %d: %w", i+1, err)
			}
		}
		return nil
	})
}

// The spread a proposed range allows above the median, in robust standard
// deviations (the median absolute deviation scaled to one): five of them take in
// every figure of an ordinary report and leave out a slip of the unit of measure,
// which is a thousand times off.
const (
	proposalSpread = 5
	madScale       = 1.4826
	// proposalMin is the fewest reported figures a range is proposed from.
	proposalMin = 8
)

// ProposeRanges proposes a plausible range for each of the program's indicators
// from the values held, of the program's period type, over every year: an
// officer accepts or edits them (a new program has no values of its own yet).
// Zero is always plausible (nothing done that period), so a range runs from 0;
// its top is the median of the figures above zero plus five robust standard
// deviations (at least twice the median), rounded up to 1, 2, 2.5 or 5 times a
// power of ten. An indicator with fewer than eight figures above zero gets none.
func (s *Store) ProposeRanges(ctx context.Context, programID int64) ([]Rule, error) {
	var pt string
	if err := s.ro.QueryRowContext(ctx, "SELECT period_type FROM program WHERE id = ?", programID).Scan(&pt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, msgProgramNotFound.With("Code", "#"+strconv.FormatInt(programID, 10)).Wrap(ErrNotFound)
		}
		return nil, err
	}
	want, err := period.ParseType(pt)
	if err != nil {
		return nil, err
	}
	type figures struct {
		code string
		vals []float64
	}
	var order []*figures
	byID := map[int64]*figures{}
	err = queryEach(ctx, s.ro, func(sc interface{ Scan(...any) error }) (Value, error) {
		var v Value
		var code, p string
		if err := sc.Scan(&v.IndicatorID, &code, &p, &v.Value); err != nil {
			return v, err
		}
		f := byID[v.IndicatorID]
		if f == nil {
			f = &figures{code: code}
			byID[v.IndicatorID] = f
			order = append(order, f)
		}
		v.Period, _ = period.Parse(p)
		return v, nil
	}, func(v Value) error {
		if v.Period.Type == want && v.Value > 0 {
			f := byID[v.IndicatorID]
			f.vals = append(f.vals, v.Value)
		}
		return nil
	}, `SELECT i.id, i.code, v.period, v.value FROM program_indicator p JOIN indicator i ON i.id = p.indicator_id
		JOIN value v ON v.indicator_id = i.id WHERE p.program_id = ? ORDER BY p.position`, programID)
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, f := range order {
		if hi, ok := proposeMax(f.vals); ok {
			out = append(out, Rule{Kind: RuleRange, Indicator: f.code, Max: hi})
		}
	}
	return out, nil
}

// proposeMax is the top of the range ProposeRanges proposes for figures above zero.
func proposeMax(vals []float64) (float64, bool) {
	if len(vals) < proposalMin {
		return 0, false
	}
	vals = slices.Clone(vals)
	slices.Sort(vals)
	med := median(vals)
	dev := make([]float64, len(vals))
	for i, v := range vals {
		dev[i] = math.Abs(v - med)
	}
	slices.Sort(dev)
	spread := max(proposalSpread*madScale*median(dev), med)
	return niceCeil(med + spread), true
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// niceCeil rounds v > 0 up to 1, 2, 2.5 or 5 times a power of ten: a bound an
// officer reads and remembers.
func niceCeil(v float64) float64 {
	e := math.Pow10(int(math.Floor(math.Log10(v))))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		// Round away the float noise of m*e (0.30000000000000004) before comparing.
		if c := math.Round(m*e*1e9) / 1e9; c >= v {
			return c
		}
	}
	return 10 * e
}

// Gate is every program's rules, read once and applied to many values: by the
// importer to each value of a file, by data entry to each cell typed.
type Gate struct {
	ranges map[int64][]gateRange // by indicator
	cross  map[int64][]gateCross // by indicator, under both A and B
	all    []gateCross
	inds   map[int64]Indicator
	// The figures whose warnings were accepted already: the same figure
	// breaking the same rule is not asked about again (a file imported again, a
	// database exported and imported back).
	accepted map[acceptedKey]bool
}

type acceptedKey struct {
	ind, loc, unit int64
	period         string
	value          float64
	template       string
}

func (g *Gate) wasAccepted(b Breach) bool {
	return g.accepted[acceptedKey{b.IndicatorID, b.LocalityID, b.UnitID, b.Period.ID(), b.Value.Value, b.Msg.Template}]
}

// gateScope is where a program's rule applies: its dates, and for a range its
// period type.
type gateScope struct {
	program    int64
	start, end string
	ptype      period.Type
}

func (sc gateScope) covers(p period.Period) bool {
	return day(p.Start()) >= sc.start && day(p.End()) <= sc.end
}

type gateRange struct {
	gateScope
	min, max float64
}

type gateCross struct {
	gateScope
	kind   RuleKind
	a, b   int64
	factor float64
}

// Breach is a value that breaks a rule: a warning, not an error.
type Breach struct {
	Value            // the figure the warning is about; for a rule between two, A's
	ProgramID int64  // whose rule it breaks
	Other     *Value // B's figure, for a rule between two
	// ValueStored tells, for a rule between two checked in an import, that A was
	// already stored and only B comes from the file.
	ValueStored bool
	Msg         message.Text // the rule broken, in words, with the figures
}

// Gate reads every program's rules, leaving out any whose indicator the program
// no longer tracks.
func (s *Store) Gate(ctx context.Context) (*Gate, error) {
	g := &Gate{ranges: map[int64][]gateRange{}, cross: map[int64][]gateCross{}, inds: map[int64]Indicator{}, accepted: map[acceptedKey]bool{}}
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	for _, in := range inds {
		g.inds[in.ID] = in
	}
	type row struct {
		gateCross
		min, max float64
	}
	err = queryEach(ctx, s.ro, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		var pt string
		err := sc.Scan(&r.program, &r.start, &r.end, &pt, &r.kind, &r.a, &r.b, &r.min, &r.max, &r.factor)
		if err == nil {
			r.ptype, err = period.ParseType(pt)
		}
		return r, err
	}, func(r row) error {
		if r.kind == RuleRange {
			g.ranges[r.a] = append(g.ranges[r.a], gateRange{r.gateScope, r.min, r.max})
			return nil
		}
		g.all = append(g.all, r.gateCross)
		g.cross[r.a] = append(g.cross[r.a], r.gateCross)
		g.cross[r.b] = append(g.cross[r.b], r.gateCross)
		return nil
	}, `SELECT p.id, p.start_date, p.end_date, p.period_type, r.kind, r.indicator_id, COALESCE(r.other_id, 0),
			COALESCE(r.min, 0), COALESCE(r.max, 0), COALESCE(r.factor, 0)
		FROM quality_rule r JOIN program p ON p.id = r.program_id
		WHERE r.indicator_id IN (SELECT indicator_id FROM program_indicator WHERE program_id = p.id)
			AND (r.other_id IS NULL OR r.other_id IN (SELECT indicator_id FROM program_indicator WHERE program_id = p.id))
		ORDER BY p.id, r.position`)
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, s.ro, func(sc interface{ Scan(...any) error }) (acceptedKey, error) {
		var k acceptedKey
		return k, sc.Scan(&k.ind, &k.loc, &k.unit, &k.period, &k.value, &k.template)
	}, func(k acceptedKey) error {
		g.accepted[k] = true
		return nil
	}, `SELECT w.indicator_id, w.locality_id, w.unit_id, w.period, w.value, w.template FROM quality_warning w
		LEFT JOIN import_batch b ON b.id = w.batch_id WHERE w.batch_id IS NULL OR b.status = 'committed'`)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Empty tells that there is no rule to check.
func (g *Gate) Empty() bool { return len(g.ranges) == 0 && len(g.all) == 0 }

// HasCross tells that some rule compares two indicators.
func (g *Gate) HasCross() bool { return len(g.all) > 0 }

// The warnings, per kind of rule. A range's names the period type, so that each
// language can say "a quarter" its own way.
var (
	msgOutOfRange = map[period.Type]message.Template{
		period.Month:   message.New("{{.Value}} is outside the plausible range {{.Min}}–{{.Max}} for {{.Indicator}} ({{.Unit}}) for one locality and month; check the unit of measure"),
		period.Quarter: message.New("{{.Value}} is outside the plausible range {{.Min}}–{{.Max}} for {{.Indicator}} ({{.Unit}}) for one locality and quarter; check the unit of measure"),
		period.Half:    message.New("{{.Value}} is outside the plausible range {{.Min}}–{{.Max}} for {{.Indicator}} ({{.Unit}}) for one locality and half-year; check the unit of measure"),
		period.Year:    message.New("{{.Value}} is outside the plausible range {{.Min}}–{{.Max}} for {{.Indicator}} ({{.Unit}}) for one locality and year; check the unit of measure"),
	}
	msgBreakAtMost  = message.New("{{.Indicator}} is {{.Value}}, more than {{.Factor}} × {{.Other}} ({{.OtherValue}}); the program's rule is {{.Indicator}} ≤ {{.Other}} × {{.Factor}}: check both figures")
	msgBreakOnlyIf  = message.New("{{.Indicator}} is {{.Value}} while {{.Other}} is 0; the program's rule is {{.Indicator}} > 0 only if {{.Other}} > 0: check both figures")
	msgBreakAtLeast = message.New("{{.Indicator}} is {{.Value}}, less than {{.Other}} ({{.OtherValue}}); the program's rule is {{.Indicator}} ≥ {{.Other}}: check both figures")
)

// Range checks one value against the plausible ranges of the programs its
// indicator belongs to.
func (g *Gate) Range(v Value) []Breach {
	var out []Breach
	for _, r := range g.ranges[v.IndicatorID] {
		if v.Period.Type != r.ptype || !r.covers(v.Period) || (v.Value >= r.min && v.Value <= r.max) {
			continue
		}
		in := g.inds[v.IndicatorID]
		b := Breach{Value: v, ProgramID: r.program, Msg: msgOutOfRange[r.ptype].With("Value", num(v.Value),
			"Min", num(r.min), "Max", num(r.max), "Indicator", in.Code, "Unit", in.Unit)}
		if !g.wasAccepted(b) {
			out = append(out, b)
		}
	}
	return out
}

// pair judges the figures a (of c.a) and b (of c.b), of the same locality,
// period and unit.
func (g *Gate) pair(c gateCross, a, b Value) (Breach, bool) {
	if !c.covers(a.Period) {
		return Breach{}, false
	}
	args := []string{"Indicator", g.inds[c.a].Code, "Value", num(a.Value), "Other", g.inds[c.b].Code, "OtherValue", num(b.Value)}
	var msg message.Text
	switch c.kind {
	case RuleAtMost:
		if a.Value <= b.Value*c.factor {
			return Breach{}, false
		}
		msg = msgBreakAtMost.With(append(args, "Factor", num(c.factor))...)
	case RuleOnlyIf:
		if a.Value <= 0 || b.Value > 0 {
			return Breach{}, false
		}
		msg = msgBreakOnlyIf.With(args...)
	case RuleAtLeast:
		if a.Value >= b.Value {
			return Breach{}, false
		}
		msg = msgBreakAtLeast.With(args...)
	default:
		return Breach{}, false
	}
	br := Breach{Value: a, ProgramID: c.program, Other: &b, Msg: msg}
	return br, !g.wasAccepted(br)
}

// Value checks v against the ranges, and against the rules between two
// indicators where v is A; other gives B's figure for v's locality, period and
// unit, when there is one. What data entry shows for a cell.
func (g *Gate) Value(v Value, other func(indicatorID int64) (float64, bool)) []Breach {
	out := g.Range(v)
	for _, c := range g.cross[v.IndicatorID] {
		if c.a != v.IndicatorID {
			continue // judged from A's side, once
		}
		figure, ok := other(c.b)
		if !ok {
			continue
		}
		b := v
		b.IndicatorID, b.Value = c.b, figure
		if br, ok := g.pair(c, v, b); ok {
			out = append(out, br)
		}
	}
	return out
}

// Check checks values against every rule: each against the ranges, and each
// pair of the same locality, period and unit against the rules between two
// indicators.
func (g *Gate) Check(vals []Value) []Breach {
	type key struct {
		ind, loc, unit int64
		p              period.Period
	}
	at := make(map[key]float64, len(vals))
	for _, v := range vals {
		at[key{v.IndicatorID, v.LocalityID, v.UnitID, v.Period}] = v.Value
	}
	var out []Breach
	for _, v := range vals {
		out = append(out, g.Value(v, func(ind int64) (float64, bool) {
			f, ok := at[key{ind, v.LocalityID, v.UnitID, v.Period}]
			return f, ok
		})...)
	}
	return out
}

// CrossBreaches checks the batch's values against the rules between two
// indicators: each pair of the same locality, period and unit with at least one
// figure from the batch, the other from the batch too or already stored.
func (bw *BatchWriter) CrossBreaches(g *Gate) ([]Breach, error) {
	if !g.HasCross() {
		return nil, nil
	}
	if err := bw.w.flush(); err != nil {
		return nil, err
	}
	type unitPeriod struct {
		unit int64
		p    period.Period
	}
	var out []Breach
	for _, c := range g.all {
		// The units and periods the batch wrote A or B for, each queried once.
		seen := map[unitPeriod]bool{}
		for k := range bw.w.reports {
			if (k.indicator == c.a || k.indicator == c.b) && c.covers(k.period) {
				seen[unitPeriod{k.unit, k.period}] = true
			}
		}
		keys := make([]unitPeriod, 0, len(seen))
		for k := range seen {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y unitPeriod) int {
			return cmp.Or(cmp.Compare(x.p.ID(), y.p.ID()), cmp.Compare(x.unit, y.unit))
		})
		for _, k := range keys {
			wp := bw.w.periods[k.p]
			type pair struct {
				a, b   Value
				aBatch int64
			}
			err := queryEach(bw.ctx, bw.tx, func(sc interface{ Scan(...any) error }) (pair, error) {
				var p pair
				err := sc.Scan(&p.a.LocalityID, &p.a.Value, &p.b.Value, &p.aBatch)
				p.a.IndicatorID, p.a.UnitID, p.a.Period = c.a, k.unit, k.p
				p.b.IndicatorID, p.b.UnitID, p.b.Period, p.b.LocalityID = c.b, k.unit, k.p, p.a.LocalityID
				return p, err
			}, func(p pair) error {
				if br, broken := g.pair(c, p.a, p.b); broken {
					br.ValueStored = p.aBatch != bw.batch.ID
					out = append(out, br)
				}
				return nil
			}, `SELECT a.locality_id, a.value, b.value, COALESCE(a.batch_id, 0) FROM value a
				JOIN value b ON b.indicator_id = ?1 AND b.period_start = a.period_start AND b.period_end = a.period_end
					AND b.locality_id = a.locality_id AND b.unit_id = a.unit_id
				WHERE a.indicator_id = ?2 AND a.period_start = ?3 AND a.period_end = ?4 AND a.unit_id = ?5
					AND (a.batch_id = ?6 OR b.batch_id = ?6)
				ORDER BY a.locality_id`, c.b, c.a, wp.start, wp.end, k.unit, bw.batch.ID)
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Accept records the batch's warnings as accepted by whoever imports it; call
// before Commit, so they are written with the values or not at all.
func (bw *BatchWriter) Accept(warnings []Breach) error {
	return recordWarnings(bw.ctx, bw.tx, warnings, Source{Kind: "import", BatchID: bw.batch.ID, User: bw.batch.ImportedBy, At: bw.batch.ImportedAt})
}

// recordWarnings writes accepted warnings, open, in tx.
func recordWarnings(ctx context.Context, tx *sql.Tx, warnings []Breach, src Source) error {
	if len(warnings) == 0 {
		return nil
	}
	if src.User == "" {
		src.User = CurrentUser()
	}
	if src.At.IsZero() {
		src.At = time.Now()
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO quality_warning(program_id, indicator_id, locality_id, unit_id, period, value,
		template, args, source, batch_id, accepted_by, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	at := src.At.UTC().Format(time.RFC3339)
	for _, w := range warnings {
		args, err := json.Marshal(w.Msg.Args)
		if err != nil {
			return err
		}
		if w.Msg.Args == nil {
			args = []byte("{}")
		}
		if _, err := stmt.ExecContext(ctx, w.ProgramID, w.IndicatorID, w.LocalityID, w.UnitID, w.Period.ID(), w.Value.Value,
			w.Msg.Template, string(args), src.Kind, nullID(src.BatchID), src.User, at); err != nil {
			return fmt.Errorf("record warning: %w", err)
		}
	}
	return nil
}

// Warning statuses.
const (
	WarningOpen    = "open"
	WarningChecked = "checked"
)

// QualityWarning is an accepted warning, with the names a person reads.
type QualityWarning struct {
	ID int64
	Breach
	Source                       string // "import", "entry" or "demo"
	BatchID                      int64
	AcceptedBy                   string
	AcceptedAt                   time.Time
	Status                       string
	Comment                      string
	CheckedBy                    string
	CheckedAt                    time.Time
	ProgramCode                  string
	LocalityCode, LocalityName   string
	IndicatorCode, IndicatorName string
	UnitCode                     string
}

// WarningFilter narrows the accepted warnings listed; zero fields do not filter.
type WarningFilter struct {
	ProgramID int64
	UnitID    int64
	Period    period.Period // exactly this period
	Status    string        // WarningOpen or WarningChecked
}

// QualityWarnings lists accepted warnings, oldest first. Those of an import
// since undone are left out: their figures are gone.
func (s *Store) QualityWarnings(ctx context.Context, f WarningFilter) ([]QualityWarning, error) {
	where := []string{"(w.batch_id IS NULL OR b.status = 'committed')"}
	var args []any
	if f.ProgramID != 0 {
		where, args = append(where, "w.program_id = ?"), append(args, f.ProgramID)
	}
	if f.UnitID != 0 {
		where, args = append(where, "w.unit_id = ?"), append(args, f.UnitID)
	}
	if f.Period.Year != 0 {
		where, args = append(where, "w.period = ?"), append(args, f.Period.ID())
	}
	if f.Status != "" {
		where, args = append(where, "w.status = ?"), append(args, f.Status)
	}
	return queryAll(ctx, s.ro, scanWarning, `SELECT w.id, w.program_id, w.indicator_id, w.locality_id, w.unit_id, w.period, w.value,
			w.template, w.args, w.source, COALESCE(w.batch_id, 0), w.accepted_by, w.accepted_at, w.status, w.comment,
			COALESCE(w.checked_by, ''), COALESCE(w.checked_at, ''), p.code, l.code, l.name, i.code, i.name, u.code
		FROM quality_warning w JOIN program p ON p.id = w.program_id JOIN locality l ON l.id = w.locality_id
		JOIN indicator i ON i.id = w.indicator_id JOIN unit u ON u.id = w.unit_id
		LEFT JOIN import_batch b ON b.id = w.batch_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY w.id`, args...)
}

func scanWarning(sc interface{ Scan(...any) error }) (QualityWarning, error) {
	var w QualityWarning
	var p, args, accepted, checked string
	err := sc.Scan(&w.ID, &w.ProgramID, &w.IndicatorID, &w.LocalityID, &w.UnitID, &p, &w.Value.Value, &w.Msg.Template, &args,
		&w.Source, &w.BatchID, &w.AcceptedBy, &accepted, &w.Status, &w.Comment, &w.CheckedBy, &checked,
		&w.ProgramCode, &w.LocalityCode, &w.LocalityName, &w.IndicatorCode, &w.IndicatorName, &w.UnitCode)
	if err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(args), &w.Msg.Args); err != nil {
		return w, fmt.Errorf("warning %d: %w", w.ID, err)
	}
	w.AcceptedAt, _ = time.Parse(time.RFC3339, accepted)
	w.CheckedAt, _ = time.Parse(time.RFC3339, checked)
	w.Period, err = period.Parse(p)
	return w, err
}

// CheckWarning marks an accepted warning checked, with the officer's comment;
// by defaults to the OS user. The value's history shows it.
func (s *Store) CheckWarning(ctx context.Context, id int64, comment, by string) error {
	if by == "" {
		by = CurrentUser()
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE quality_warning SET status = 'checked', comment = ?, checked_by = ?, checked_at = ?
			WHERE id = ? AND status = 'open'`, strings.TrimSpace(comment), by, time.Now().UTC().Format(time.RFC3339), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = msgWarnNotFound.With().Wrap(ErrNotFound)
		}
		return err
	})
}

// Sources of the history entries that warnings add (see qualityHistory).
const (
	SourceWarning = "warning" // a warning accepted for the value
	SourceChecked = "checked" // that warning checked, with a comment
)

// qualityHistory adds to a value's history the warnings accepted for it and
// their checks, in time order with the changes.
func (s *Store) qualityHistory(ctx context.Context, indicatorID, localityID, unitID int64, p period.Period, hist []Change) ([]Change, error) {
	ws, err := queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (QualityWarning, error) {
		var w QualityWarning
		var args, accepted, checked string
		err := sc.Scan(&w.Value.Value, &w.Msg.Template, &args, &w.BatchID, &w.AcceptedBy, &accepted, &w.Status, &w.Comment, &w.CheckedBy, &checked)
		if err == nil {
			err = json.Unmarshal([]byte(args), &w.Msg.Args)
		}
		w.AcceptedAt, _ = time.Parse(time.RFC3339, accepted)
		w.CheckedAt, _ = time.Parse(time.RFC3339, checked)
		return w, err
	}, `SELECT value, template, args, COALESCE(batch_id, 0), accepted_by, accepted_at, status, comment, COALESCE(checked_by, ''), COALESCE(checked_at, '')
		FROM quality_warning WHERE indicator_id = ? AND locality_id = ? AND unit_id = ? AND period = ? ORDER BY id`,
		indicatorID, localityID, unitID, p.ID())
	if err != nil || len(ws) == 0 {
		return hist, err
	}
	for _, w := range ws {
		v := w.Value.Value
		hist = append(hist, Change{New: &v, Source: SourceWarning, BatchID: w.BatchID, By: w.AcceptedBy, At: w.AcceptedAt, Rule: w.Msg})
		if w.Status == WarningChecked {
			hist = append(hist, Change{New: &v, Source: SourceChecked, By: w.CheckedBy, At: w.CheckedAt, Rule: w.Msg, Comment: w.Comment})
		}
	}
	// A warning is accepted in the same second as the write that brought its
	// figure, and comes after it: stable, by time.
	slices.SortStableFunc(hist, func(a, b Change) int { return a.At.Compare(b.At) })
	return hist, nil
}
