package data

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"danvan/data/message"
	"danvan/data/period"
)

// PeriodClash is a value written for a period that overlaps another period held
// for the same indicator, locality and unit: a quarter and one of its months, say.
// Both would count in every total over them, so a write that makes one is refused.
type PeriodClash struct {
	Value               // the value written
	Other period.Period // the overlapping period held for the same key
	// OtherInWrite: the other period's value comes from the same write (the same
	// file), not from what was stored before.
	OtherInWrite bool
}

var msgPeriodClash = message.New("{{.Indicator}} for {{.Locality}}, {{.Unit}}: {{.Period}} overlaps {{.Other}}, which is already reported, and both would count; a unit reports one kind of period (months, quarters...) for an indicator: enter {{.Other}}'s kind, or delete {{.Other}}'s figure first")

// ErrPeriodClash is what a write that would make a PeriodClash fails with; the
// error returned is a message.Error that names the first clash by its codes.
type ErrPeriodClash struct{ Clashes []PeriodClash }

func (e *ErrPeriodClash) Error() string {
	c := e.Clashes[0]
	return fmt.Sprintf("indicator #%d, locality #%d, unit #%d: %s overlaps %s, which is already held; "+
		"a unit reports one kind of period for an indicator, or its figures would count twice", c.IndicatorID, c.LocalityID, c.UnitID,
		c.Period.ID(), c.Other.ID())
}

// periodClashes finds up to limit values this writer wrote whose indicator,
// locality and unit also hold a value for an overlapping period. call after flush.
//
// report_received lists every (unit, indicator, period) ever written, so it tells
// in a few lookups which period pairs could clash at all; only those pairs are
// compared value by value, for the localities this writer wrote.
func (w *valueWriter) periodClashes(limit int) ([]PeriodClash, error) {
	if len(w.reports) == 0 {
		return nil, nil
	}
	locs := jsonIDs(w.localities)
	var out []PeriodClash
	for k := range w.reports {
		others, err := w.overlapping(k)
		if err != nil {
			return nil, err
		}
		for _, other := range others {
			inWrite := false
			if _, ok := w.reports[reportKey{k.unit, k.indicator, other}]; ok {
				inWrite = true
				if other.ID() < k.period.ID() {
					continue // the pair is reported once, from its other side
				}
			}
			wp := w.periods[k.period]
			rows, err := w.tx.QueryContext(w.ctx, `SELECT a.locality_id, a.value, a.note FROM value a
				JOIN value b ON b.indicator_id = a.indicator_id AND b.period_start = ? AND b.period_end = ?
					AND b.locality_id = a.locality_id AND b.unit_id = a.unit_id
				WHERE a.indicator_id = ? AND a.period_start = ? AND a.period_end = ? AND a.unit_id = ?
					AND a.locality_id IN (SELECT value FROM json_each(?))
				ORDER BY a.locality_id LIMIT ?`,
				day(other.Start()), day(other.End()), k.indicator, wp.start, wp.end, k.unit, locs, limit-len(out))
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				c := PeriodClash{Value: Value{IndicatorID: k.indicator, UnitID: k.unit, Period: k.period}, Other: other, OtherInWrite: inWrite}
				if err := rows.Scan(&c.LocalityID, &c.Value.Value, &c.Note); err != nil {
					rows.Close()
					return nil, err
				}
				out = append(out, c)
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
			if len(out) >= limit {
				return sortClashes(out), nil
			}
		}
	}
	return sortClashes(out), nil
}

// sortClashes orders what a map's walk found, so a file gives the same message
// every time.
func sortClashes(cs []PeriodClash) []PeriodClash {
	slices.SortFunc(cs, func(a, b PeriodClash) int {
		return cmp.Or(cmp.Compare(a.Period.ID(), b.Period.ID()), cmp.Compare(a.IndicatorID, b.IndicatorID),
			cmp.Compare(a.LocalityID, b.LocalityID), cmp.Compare(a.UnitID, b.UnitID))
	})
	return cs
}

// clashError names the first clash by the codes an officer reads.
func (w *valueWriter) clashError(clashes []PeriodClash) error {
	c := clashes[0]
	var ind, loc, unit string
	err := w.tx.QueryRowContext(w.ctx, `SELECT (SELECT code FROM indicator WHERE id = ?), (SELECT code || ' ' || name FROM locality WHERE id = ?),
		(SELECT code FROM unit WHERE id = ?)`, c.IndicatorID, c.LocalityID, c.UnitID).Scan(&ind, &loc, &unit)
	if err != nil {
		return errors.Join(&ErrPeriodClash{Clashes: clashes}, err)
	}
	return msgPeriodClash.With("Indicator", ind, "Locality", loc, "Unit", unit, "Period", c.Period.ID(), "Other", c.Other.ID()).
		Wrap(&ErrPeriodClash{Clashes: clashes})
}

// overlapping lists the other periods the unit reported the indicator for, before
// or in this write, that overlap k's.
func (w *valueWriter) overlapping(k reportKey) ([]period.Period, error) {
	wp := w.periods[k.period]
	ids, err := queryAll(w.ctx, w.tx, func(sc interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, sc.Scan(&id)
	}, `SELECT period FROM report_received WHERE unit_id = ? AND indicator_id = ? AND period_start <= ? AND period_end >= ? AND period <> ?`,
		k.unit, k.indicator, wp.end, wp.start, k.period.ID())
	if err != nil {
		return nil, err
	}
	var out []period.Period
	for _, id := range ids {
		p, err := period.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("report_received holds period %q: %w", id, err)
		}
		out = append(out, p)
	}
	for o := range w.reports {
		if o.unit == k.unit && o.indicator == k.indicator && o.period != k.period && overlaps(o.period, k.period) && !slices.Contains(out, o.period) {
			out = append(out, o.period)
		}
	}
	return out, nil
}

func overlaps(a, b period.Period) bool {
	return !a.Start().After(b.End()) && !b.Start().After(a.End())
}
