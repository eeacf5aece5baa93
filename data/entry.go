package data

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"danvan/data/period"
)

// EntryLocalities lists the localities a unit reports for in one period of a
// program, by code: those the program set targets for in the unit's area, those
// the unit already has values for in the period, and those it reported for in its
// latest earlier period that are still in force at the period's end.
//
// The unit's area is its locality, everything under it, and whatever succeeded any
// of those: after the 2025 reform units still point at districts that no longer
// exist, while the targets name the new communes. A unit without a locality sees
// every target of the program.
func (s *Store) EntryLocalities(ctx context.Context, programID, unitID int64, p period.Period) ([]Locality, error) {
	return queryLocalities(ctx, s.ro, `WITH RECURSIVE area(id) AS (
			SELECT locality_id FROM unit WHERE id = ?2 AND locality_id IS NOT NULL
			UNION SELECT l.id FROM locality l JOIN area ON l.parent_id = area.id
			UNION SELECT s.new_id FROM locality_successor s JOIN area ON s.old_id = area.id
		),
		prog_ind(id) AS (SELECT indicator_id FROM program_indicator WHERE program_id = ?1),
		latest(start) AS (SELECT max(period_start) FROM report_received
			WHERE unit_id = ?2 AND period_start < ?4 AND indicator_id IN prog_ind)
		SELECT `+localityColumns+` FROM locality WHERE id IN (
			SELECT locality_id FROM target WHERE program_id = ?1 AND indicator_id IN prog_ind AND period_start = ?4 AND period_end = ?5
				AND (locality_id IN area OR NOT EXISTS (SELECT 1 FROM area))
			UNION SELECT locality_id FROM value WHERE indicator_id IN prog_ind AND period_start = ?4 AND period_end = ?5 AND unit_id = ?2
			UNION SELECT l.id FROM value v JOIN locality l ON l.id = v.locality_id
				WHERE v.indicator_id IN prog_ind AND v.period_start = (SELECT start FROM latest) AND v.unit_id = ?2
				AND l.valid_from <= ?5 AND (l.valid_to IS NULL OR l.valid_to >= ?5)
		) ORDER BY code, valid_from`,
		programID, unitID, p.ID(), day(p.Start()), day(p.End()))
}

// EntryGrid is what the data entry screen shows for one program, unit and period.
type EntryGrid struct {
	Localities []Locality
	Targets    []Target
	Values     []ValueRow // of exactly that period
	Gate       *Gate      // the quality rules the cells are checked against
}

// EntryGrid reads the grid's four parts at once, each on its own connection: at
// national scale each takes tens of milliseconds.
func (s *Store) EntryGrid(ctx context.Context, programID, unitID int64, p period.Period) (EntryGrid, error) {
	var g EntryGrid
	var errs [4]error
	var wg sync.WaitGroup
	wg.Go(func() { g.Localities, errs[0] = s.EntryLocalities(ctx, programID, unitID, p) })
	wg.Go(func() { g.Targets, errs[1] = s.EntryTargets(ctx, programID, p) })
	wg.Go(func() {
		g.Values, errs[2] = s.Values(ctx, ValueFilter{ProgramID: programID, UnitID: unitID, Period: p})
	})
	wg.Go(func() { g.Gate, errs[3] = s.Gate(ctx) })
	wg.Wait()
	return g, errors.Join(errs[:]...)
}

// EntryTargets lists the program's targets for one period, for every locality.
// At national scale that is a hundred thousand targets, so they are counted
// first and read into a slice of the right size: growing it row by row took a
// third of the time.
func (s *Store) EntryTargets(ctx context.Context, programID int64, p period.Period) ([]Target, error) {
	const where = `FROM target WHERE program_id = ?1
		AND indicator_id IN (SELECT indicator_id FROM program_indicator WHERE program_id = ?1) AND period_start = ?2 AND period_end = ?3`
	args := []any{programID, day(p.Start()), day(p.End())}
	var n int
	if err := s.ro.QueryRowContext(ctx, "SELECT count(*) "+where, args...).Scan(&n); err != nil {
		return nil, err
	}
	rows, err := s.ro.QueryContext(ctx, "SELECT indicator_id, locality_id, value "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Target, 0, n)
	for rows.Next() {
		t := Target{Period: p}
		if err := rows.Scan(&t.IndicatorID, &t.LocalityID, &t.Value); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteValues deletes the values with the keys of vals (indicator, locality, unit,
// period; the number and note are ignored) in one transaction, recording each
// deletion in the audit trail with no new value. Keys without a value are skipped;
// it returns how many values were deleted.
func (s *Store) DeleteValues(ctx context.Context, vals []Value, src Source) (int, error) {
	_, n, err := s.SaveEntry(ctx, nil, vals, src)
	return n, err
}

// SaveEntry writes set and deletes the values with the keys of del in one
// transaction, both recorded in the audit trail: what a data entry grid saves.
func (s *Store) SaveEntry(ctx context.Context, set, del []Value, src Source) (WriteCounts, int, error) {
	return s.SaveEntryAccepting(ctx, set, del, nil, src)
}

// SaveEntryAccepting is SaveEntry for a grid whose figures break quality rules
// the officer was shown: the warnings are recorded as accepted, open, in the
// same transaction as the figures.
func (s *Store) SaveEntryAccepting(ctx context.Context, set, del []Value, warnings []Breach, src Source) (WriteCounts, int, error) {
	if src.User == "" {
		src.User = CurrentUser()
	}
	if src.At.IsZero() {
		src.At = time.Now()
	}
	var wc WriteCounts
	n := 0
	err := s.writeOnConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		var err error
		if n, err = deleteValues(ctx, tx, del, src); err != nil {
			return err
		}
		if len(set) > 0 {
			if wc, err = setValues(ctx, conn, tx, set, src); err != nil {
				return err
			}
		}
		return recordWarnings(ctx, tx, warnings, src)
	})
	if err != nil {
		return WriteCounts{}, 0, err
	}
	return wc, n, nil
}

func deleteValues(ctx context.Context, tx *sql.Tx, vals []Value, src Source) (int, error) {
	at := src.At.UTC().Format(time.RFC3339)
	n := 0
	for _, v := range vals {
		if !v.Period.Valid() {
			return 0, errors.New("delete values: a value has no valid period")
		}
		key := valueKeyArgs(v.IndicatorID, v.LocalityID, v.UnitID, v.Period)
		var old float64
		var oldNote string
		var oldBatch sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT value, note, batch_id FROM value WHERE "+valueKeyWhere, key...).Scan(&old, &oldNote, &oldBatch)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
				old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at)
			VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, ?, ?)`,
			v.IndicatorID, v.LocalityID, v.Period.ID(), v.UnitID, old, oldNote, oldBatch, src.Kind, nullID(src.BatchID), src.User, at); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM value WHERE "+valueKeyWhere, key...); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
