package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"danvan/data/period"
)

// UndoResult tells what undoing a batch did.
type UndoResult struct {
	Restored int // values put back to what the latest writer still in force gave them
	Deleted  int // values nobody still in force reports
	Skipped  int // values changed again after the batch, left as they are
}

// UndoBatch takes a batch's values back out in one transaction. Each value the batch
// still holds goes back to what the latest writer still in force reported for it:
// an earlier committed batch, or a figure typed in by hand; or, when there is none,
// it is deleted. A value changed again since the batch (by a later import or by
// hand) is left alone and counted as skipped: undoing must never throw away work
// done after the mistake.
func (s *Store) UndoBatch(ctx context.Context, id int64) (UndoResult, error) {
	var res UndoResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		var status string
		var inserted int
		var from, to sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT status, inserted, period_from, period_to FROM import_batch WHERE id = ?", id).
			Scan(&status, &inserted, &from, &to)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("batch %d: %w; danvanctl batches lists them", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("undo batch %d: %w", id, err)
		}
		if status == BatchUndone {
			return fmt.Errorf("batch %d was already undone; import the file again to bring its values back", id)
		}
		u := &undo{ctx: ctx, tx: tx, batch: id, user: CurrentUser(), now: time.Now().UTC().Format(time.RFC3339),
			status: map[int64]string{id: BatchUndone}}
		taken, err := u.restoreOverwritten(&res)
		if err != nil {
			return fmt.Errorf("undo batch %d: %w", id, err)
		}
		// What is left with the batch's id is what it added and nobody changed since:
		// the values it took over were dealt with above, and any later write re-stamps.
		const added = `FROM value WHERE indicator_id IN (SELECT id FROM indicator) AND period_start >= ? AND period_start <= ? AND batch_id = ?`
		if from.Valid {
			if _, err := tx.ExecContext(ctx, `INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
				old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at)
				SELECT indicator_id, locality_id, period, unit_id, value, NULL, note, NULL, batch_id, 'undo', ?, ?, ? `+added,
				id, u.user, u.now, from.String, to.String, id); err != nil {
				return fmt.Errorf("undo batch %d: %w", id, err)
			}
			r, err := tx.ExecContext(ctx, "DELETE "+added, from.String, to.String, id)
			if err != nil {
				return fmt.Errorf("undo batch %d: %w", id, err)
			}
			n, _ := r.RowsAffected()
			res.Deleted += int(n)
		}
		res.Skipped = inserted + taken - res.Restored - res.Deleted
		if _, err = tx.ExecContext(ctx, "UPDATE import_batch SET status = ? WHERE id = ?", BatchUndone, id); err != nil {
			return fmt.Errorf("undo batch %d: %w", id, err)
		}
		if err := u.forgetArrivals(); err != nil {
			return fmt.Errorf("undo batch %d: %w", id, err)
		}
		return nil
	})
	return res, err
}

// undo is one UndoBatch at work.
type undo struct {
	ctx       context.Context
	tx        *sql.Tx
	batch     int64
	user, now string
	status    map[int64]string // batch statuses looked up so far
}

// write is one write of a value that value_history recorded: what the key held
// before it, and who had written that.
type write struct {
	hid            int64
	ind, loc, unit int64
	period         string
	old            sql.NullFloat64
	oldNote        string
	oldBatch       sql.NullInt64
}

// restoreOverwritten deals with the values the batch took over from an earlier
// writer (changed or repeated, both recorded in value_history), and returns how
// many there were.
func (u *undo) restoreOverwritten(res *UndoResult) (int, error) {
	writes, err := queryAll(u.ctx, u.tx, scanWrite, `SELECT id, indicator_id, locality_id, unit_id, period, old_value, COALESCE(old_note, ''), old_batch_id
		FROM value_history WHERE batch_id = ? AND source = 'import' AND old_value IS NOT NULL ORDER BY id`, u.batch)
	if err != nil {
		return 0, err
	}
	for _, w := range writes {
		p, err := period.Parse(w.period)
		if err != nil {
			return 0, fmt.Errorf("history row %d has period %q: %w", w.hid, w.period, err)
		}
		key := valueKeyArgs(w.ind, w.loc, w.unit, p)
		var cur float64
		var curNote string
		var curBatch sql.NullInt64
		err = u.tx.QueryRowContext(u.ctx, "SELECT value, note, batch_id FROM value WHERE "+valueKeyWhere, key...).Scan(&cur, &curNote, &curBatch)
		if errors.Is(err, sql.ErrNoRows) {
			continue // deleted since: counted as skipped
		}
		if err != nil {
			return 0, err
		}
		if !curBatch.Valid || curBatch.Int64 != u.batch {
			continue // written again since the batch
		}
		prior, found, err := u.inForce(w)
		if err != nil {
			return 0, err
		}
		if !found {
			if _, err := u.tx.ExecContext(u.ctx, "DELETE FROM value WHERE "+valueKeyWhere, key...); err != nil {
				return 0, err
			}
			res.Deleted++
			if err := u.record(w, cur, curNote, sql.NullFloat64{}, ""); err != nil {
				return 0, err
			}
			continue
		}
		if _, err := u.tx.ExecContext(u.ctx, "UPDATE value SET value = ?, note = ?, batch_id = ?, changed_at = ? WHERE "+valueKeyWhere,
			append([]any{prior.old.Float64, prior.oldNote, prior.oldBatch, prior.changedAt}, key...)...); err != nil {
			return 0, err
		}
		res.Restored++
		if err := u.record(w, cur, curNote, prior.old, prior.oldNote); err != nil {
			return 0, err
		}
	}
	return len(writes), nil
}

// forgetArrivals takes the batch's arrival out of report_received: a report the
// batch brought first now arrived when the earliest value still held for it did,
// and one with no value left was never received. Completeness, the dashboard and
// the briefing pack then agree with the values that remain.
//
// The rows the batch brought first are those stamped with its time. A value
// corrected by hand since arrived, as far as what is left can tell, when it was
// corrected: a later date, never an earlier one.
func (u *undo) forgetArrivals() error {
	var at string
	if err := u.tx.QueryRowContext(u.ctx, "SELECT imported_at FROM import_batch WHERE id = ?", u.batch).Scan(&at); err != nil {
		return err
	}
	if _, err := u.tx.ExecContext(u.ctx, `DELETE FROM report_received AS r WHERE r.first_at = ? AND NOT EXISTS (
		SELECT 1 FROM value v WHERE v.indicator_id = r.indicator_id AND v.period_start = r.period_start AND v.period_end = r.period_end
			AND v.unit_id = r.unit_id)`, at); err != nil {
		return err
	}
	_, err := u.tx.ExecContext(u.ctx, `UPDATE report_received AS r SET first_at = (
		SELECT min(COALESCE(v.changed_at, b.imported_at)) FROM value v LEFT JOIN import_batch b ON b.id = v.batch_id
		WHERE v.indicator_id = r.indicator_id AND v.period_start = r.period_start AND v.period_end = r.period_end AND v.unit_id = r.unit_id)
		WHERE r.first_at = ?`, at)
	return err
}

func scanWrite(sc interface{ Scan(...any) error }) (write, error) {
	var w write
	return w, sc.Scan(&w.hid, &w.ind, &w.loc, &w.unit, &w.period, &w.old, &w.oldNote, &w.oldBatch)
}

// priorValue is what a key goes back to.
type priorValue struct {
	write
	changedAt any // NULL for a batch's value: its batch says when
}

// inForce walks back from w through the writers before it to the latest one still
// in force: a committed batch, or a change made by hand. found is false when every
// writer before w has been undone, or the first of them added the value.
func (u *undo) inForce(w write) (priorValue, bool, error) {
	for {
		if !w.old.Valid {
			return priorValue{}, false, nil
		}
		if !w.oldBatch.Valid {
			// Typed in by hand (or moved by a merge): it gets back the time it was
			// written, by the latest hand write before w. An undo that put it back
			// since wrote a row too, with its own time, but wrote nothing new.
			var at any = u.now
			err := u.tx.QueryRowContext(u.ctx, `SELECT changed_at FROM value_history WHERE indicator_id = ? AND locality_id = ? AND period = ?
				AND unit_id = ? AND id < ? AND batch_id IS NULL ORDER BY id DESC LIMIT 1`, w.ind, w.loc, w.period, w.unit, w.hid).Scan(&at)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return priorValue{}, false, err
			}
			return priorValue{write: w, changedAt: at}, true, nil
		}
		status, err := u.batchStatus(w.oldBatch.Int64)
		if err != nil {
			return priorValue{}, false, err
		}
		if status == BatchCommitted {
			return priorValue{write: w}, true, nil
		}
		// That batch was undone too: what did it take over?
		earlier, err := queryAll(u.ctx, u.tx, scanWrite, `SELECT id, indicator_id, locality_id, unit_id, period, old_value, COALESCE(old_note, ''), old_batch_id
			FROM value_history WHERE batch_id = ? AND source = 'import' AND indicator_id = ? AND locality_id = ? AND period = ? AND unit_id = ?
			ORDER BY id DESC LIMIT 1`, w.oldBatch.Int64, w.ind, w.loc, w.period, w.unit)
		if err != nil {
			return priorValue{}, false, err
		}
		if len(earlier) == 0 {
			return priorValue{}, false, nil // it added the value
		}
		w = earlier[0]
	}
}

func (u *undo) batchStatus(id int64) (string, error) {
	if st, ok := u.status[id]; ok {
		return st, nil
	}
	var st string
	err := u.tx.QueryRowContext(u.ctx, "SELECT status FROM import_batch WHERE id = ?", id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		st, err = BatchUndone, nil // a batch that is gone reports nothing
	}
	u.status[id] = st
	return st, err
}

// record adds the undo's change of one value to its history.
func (u *undo) record(w write, cur float64, curNote string, nu sql.NullFloat64, newNote string) error {
	var note any
	if nu.Valid {
		note = newNote
	}
	_, err := u.tx.ExecContext(u.ctx, `INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
		old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'undo', ?, ?, ?)`,
		w.ind, w.loc, w.period, w.unit, cur, nu, curNote, note, u.batch, u.batch, u.user, u.now)
	return err
}
