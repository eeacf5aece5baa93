package data

import (
	"context"
	"time"

	"danvan/data/period"
)

// ReportStatus is where a unit stands with its report for one period.
type ReportStatus int

// Report statuses, in the order a staff officer chases them.
const (
	NotExpected ReportStatus = iota // the unit did not exist in that period
	NotDue                          // the period has not ended, or its grace days have not passed
	OnTime
	Late    // reported after the grace days
	Missing // not reported, and the grace days have passed
)

// ReportCell is one unit's report for one period.
type ReportCell struct {
	Status     ReportStatus
	ReportedAt time.Time // first time a value for the period arrived
}

// Completeness is which participating units reported for which periods.
type Completeness struct {
	Units   []Unit
	Periods []period.Period
	Cells   [][]ReportCell // [unit][period]
}

// Completeness tells, for every participating unit of the program and every period
// of it, whether the unit reported, on time or late, as of now. A report counts as
// late when it arrived more than graceDays after its period ended.
func (s *Store) Completeness(ctx context.Context, programID int64, now time.Time, graceDays int) (Completeness, error) {
	prog, err := s.programByID(ctx, programID)
	if err != nil {
		return Completeness{}, err
	}
	all, err := s.Units(ctx)
	if err != nil {
		return Completeness{}, err
	}
	byID := map[int64]Unit{}
	for _, u := range all {
		byID[u.ID] = u
	}
	c := Completeness{Periods: prog.Periods()}
	for _, id := range prog.UnitIDs {
		c.Units = append(c.Units, byID[id])
	}
	type key struct {
		unit int64
		p    period.Period
	}
	first := map[key]time.Time{}
	rows, err := s.ro.QueryContext(ctx, `SELECT unit_id, period, min(first_at) FROM report_received
		WHERE indicator_id IN (SELECT indicator_id FROM program_indicator WHERE program_id = ?)
		GROUP BY unit_id, period`, programID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var unit int64
		var pid, at string
		if err := rows.Scan(&unit, &pid, &at); err != nil {
			return c, err
		}
		p, err := period.Parse(pid)
		if err != nil || p.Type > prog.PeriodType {
			continue // a yearly figure says nothing about each quarter's report
		}
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			continue
		}
		k := key{unit, p.Parent(prog.PeriodType)}
		if cur, ok := first[k]; !ok || t.Before(cur) {
			first[k] = t
		}
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.Cells = make([][]ReportCell, len(c.Units))
	for i, u := range c.Units {
		c.Cells[i] = make([]ReportCell, len(c.Periods))
		for j, p := range c.Periods {
			deadline := p.End().AddDate(0, 0, graceDays+1) // the whole last grace day counts
			at, reported := first[key{u.ID, p}]
			cell := ReportCell{ReportedAt: at}
			switch {
			case p.End().Before(u.ValidFrom) || (!u.ValidTo.IsZero() && p.Start().After(u.ValidTo)):
				cell.Status = NotExpected
			case reported && at.Before(deadline):
				cell.Status = OnTime
			case reported:
				cell.Status = Late
			case now.Before(deadline):
				cell.Status = NotDue
			default:
				cell.Status = Missing
			}
			c.Cells[i][j] = cell
		}
	}
	return c, nil
}
