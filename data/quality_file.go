package data

import (
	"context"
	"io"
	"strconv"
)

// RulesHeader heads a program's quality rules as a CSV file: what a higher
// headquarters hands down with a program, and what `danvanctl rules` writes and
// loads. min and max are for a range, factor for at_most, other for every kind but
// range.
var RulesHeader = []string{"kind", "indicator", "other", "min", "max", "factor"}

// WriteRules writes the program's quality rules as CSV in RulesHeader's columns.
func (s *Store) WriteRules(ctx context.Context, w io.Writer, programCode string) error {
	p, err := s.ProgramByCode(ctx, programCode)
	if err != nil {
		return err
	}
	rules, err := s.Rules(ctx, p.ID)
	if err != nil {
		return err
	}
	cw, bw, err := newExportWriter(w, RulesHeader)
	if err != nil {
		return err
	}
	num := func(v float64, used bool) string {
		if !used {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	for _, r := range rules {
		rec := []string{string(r.Kind), r.Indicator, r.Other, num(r.Min, r.Kind == RuleRange), num(r.Max, r.Kind == RuleRange),
			num(r.Factor, r.Kind == RuleAtMost)}
		if err := writeGuarded(cw, rec); err != nil {
			return err
		}
	}
	return flushExport(cw, bw)
}

// ReadRules reads quality rules written by WriteRules (or typed in those columns).
// What it cannot read is a *FileError naming the line; whether the rules fit a
// program, SaveRules says.
func ReadRules(name string, r io.Reader) ([]Rule, error) {
	var out []Rule
	err := readCSV(name, r, RulesHeader, func(line int, get func(string) string) error {
		rule := Rule{Kind: RuleKind(get("kind")), Indicator: StripFormulaGuard(get("indicator")), Other: StripFormulaGuard(get("other"))}
		for col, dst := range map[string]*float64{"min": &rule.Min, "max": &rule.Max, "factor": &rule.Factor} {
			text := get(col)
			if text == "" {
				continue
			}
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return &FileError{File: name, Line: line, Column: col, Value: text, Msg: "not a number; write digits with a dot for decimals, e.g. 2.5"}
			}
			*dst = v
		}
		out = append(out, rule)
		return nil
	})
	return out, err
}
