package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Batch is one imported file: what it was, who brought it in, and what it did.
type Batch struct {
	ID         int64
	FileName   string
	SHA256     string
	UnitID     int64 // 0 when the file named several units or none was given
	ImportedAt time.Time
	ImportedBy string
	Rows       int
	Inserted   int
	Updated    int
	Unchanged  int
	Rejected   int
	Status     string // "committed" or "undone"
}

// Batch statuses.
const (
	BatchCommitted = "committed"
	BatchUndone    = "undone"
)

// ValueChange is a value a write would change, with what it holds now.
type ValueChange struct {
	Value
	Old     float64
	OldNote string
}

// CommitBatch records an import and writes its values in one transaction, so a
// batch in the list always has exactly the values it wrote, and undo can find them.
func (s *Store) CommitBatch(ctx context.Context, b Batch, vals []Value) (Batch, error) {
	if b.ImportedBy == "" {
		b.ImportedBy = CurrentUser()
	}
	if b.ImportedAt.IsZero() {
		b.ImportedAt = time.Now()
	}
	b.Status = BatchCommitted
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO import_batch(file_name, sha256, unit_id, imported_at, imported_by, rows, rejected, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			b.FileName, b.SHA256, nullID(b.UnitID), b.ImportedAt.UTC().Format(time.RFC3339), b.ImportedBy, b.Rows, b.Rejected, b.Status).Scan(&b.ID)
		if err != nil {
			return err
		}
		stamped := make([]Value, len(vals))
		for i, v := range vals {
			v.BatchID = b.ID
			stamped[i] = v
		}
		wc, err := setValues(ctx, tx, stamped, Source{Kind: "import", BatchID: b.ID, User: b.ImportedBy, At: b.ImportedAt})
		if err != nil {
			return err
		}
		b.Inserted, b.Updated, b.Unchanged = wc.Inserted, wc.Updated, wc.Unchanged
		_, err = tx.ExecContext(ctx, "UPDATE import_batch SET inserted = ?, updated = ?, unchanged = ? WHERE id = ?",
			b.Inserted, b.Updated, b.Unchanged, b.ID)
		return err
	})
	if err != nil {
		return Batch{}, fmt.Errorf("import %s: %w", b.FileName, err)
	}
	return b, nil
}

// PreviewValues tells what SetValues would do with vals, writing nothing. It reads
// in one transaction so the counts describe a single state of the database.
func (s *Store) PreviewValues(ctx context.Context, vals []Value) (WriteCounts, []ValueChange, error) {
	var wc WriteCounts
	var changes []ValueChange
	tx, err := s.ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return wc, nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only; nothing to keep
	get, err := tx.PrepareContext(ctx, "SELECT value, note FROM value WHERE indicator_id = ? AND locality_id = ? AND period = ? AND unit_id = ?")
	if err != nil {
		return wc, nil, err
	}
	defer get.Close()
	for _, v := range vals {
		var old float64
		var note string
		err := get.QueryRowContext(ctx, v.IndicatorID, v.LocalityID, v.Period.ID(), v.UnitID).Scan(&old, &note)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			wc.Inserted++
		case err != nil:
			return wc, nil, err
		case old == v.Value && note == v.Note:
			wc.Unchanged++
		default:
			wc.Updated++
			changes = append(changes, ValueChange{Value: v, Old: old, OldNote: note})
		}
	}
	return wc, changes, nil
}

const batchColumns = `id, file_name, sha256, COALESCE(unit_id, 0), imported_at, imported_by, rows, inserted, updated, unchanged, rejected, status`

func scanBatch(sc interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	var at string
	err := sc.Scan(&b.ID, &b.FileName, &b.SHA256, &b.UnitID, &at, &b.ImportedBy, &b.Rows, &b.Inserted, &b.Updated, &b.Unchanged, &b.Rejected, &b.Status)
	b.ImportedAt, _ = time.Parse(time.RFC3339, at)
	return b, err
}

// Batches lists every import, newest first.
func (s *Store) Batches(ctx context.Context) ([]Batch, error) {
	return queryAll(ctx, s.ro, scanBatch, "SELECT "+batchColumns+" FROM import_batch ORDER BY id DESC")
}

// BatchBySHA finds the latest batch still in force that imported a file with this
// content, so importing the same file twice can say when it was done before.
func (s *Store) BatchBySHA(ctx context.Context, sha string) (Batch, error) {
	b, err := scanBatch(s.ro.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM import_batch WHERE sha256 = ? AND status = ? ORDER BY id DESC LIMIT 1",
		sha, BatchCommitted))
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("import of file %.12s…: %w", sha, ErrNotFound)
	}
	return b, err
}

// UndoResult tells what undoing a batch did.
type UndoResult struct {
	Restored int // values put back to what they were before the batch
	Deleted  int // values the batch had added
	Skipped  int // values changed again after the batch, left as they are
}

// UndoBatch takes a batch's values back out in one transaction. A value changed
// again since the batch (by a later import or by hand) is left alone and counted as
// skipped: undoing must never throw away work done after the mistake.
func (s *Store) UndoBatch(ctx context.Context, id int64) (UndoResult, error) {
	var res UndoResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, "SELECT status FROM import_batch WHERE id = ?", id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("batch %d: %w; danvanctl batches lists them", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if status == BatchUndone {
			return fmt.Errorf("batch %d was already undone; import the file again to bring its values back", id)
		}
		type entry struct {
			hid              int64
			ind, loc, unit   int64
			period           string
			old, nu          sql.NullFloat64
			oldNote, newNote string
			oldBatch         sql.NullInt64
		}
		entries, err := queryAll(ctx, tx, func(sc interface{ Scan(...any) error }) (entry, error) {
			var e entry
			return e, sc.Scan(&e.hid, &e.ind, &e.loc, &e.unit, &e.period, &e.old, &e.nu, &e.oldNote, &e.newNote, &e.oldBatch)
		}, `SELECT id, indicator_id, locality_id, unit_id, period, old_value, new_value, COALESCE(old_note, ''), COALESCE(new_note, ''), old_batch_id
			FROM value_history WHERE batch_id = ? AND source = 'import' ORDER BY id`, id)
		if err != nil {
			return err
		}
		user, now := CurrentUser(), time.Now().UTC().Format(time.RFC3339)
		for _, e := range entries {
			key := []any{e.ind, e.loc, e.period, e.unit}
			var cur float64
			var curNote string
			var curBatch sql.NullInt64
			err := tx.QueryRowContext(ctx, "SELECT value, note, batch_id FROM value WHERE indicator_id = ? AND locality_id = ? AND period = ? AND unit_id = ?",
				key...).Scan(&cur, &curNote, &curBatch)
			if errors.Is(err, sql.ErrNoRows) {
				res.Skipped++
				continue
			}
			if err != nil {
				return err
			}
			if !curBatch.Valid || curBatch.Int64 != id || !e.nu.Valid || cur != e.nu.Float64 || curNote != e.newNote {
				res.Skipped++
				continue
			}
			if !e.old.Valid {
				if _, err := tx.ExecContext(ctx, "DELETE FROM value WHERE indicator_id = ? AND locality_id = ? AND period = ? AND unit_id = ?", key...); err != nil {
					return err
				}
				res.Deleted++
			} else {
				// The old value gets back the time it was written, so completeness
				// still sees when the unit first reported.
				changed := now
				err := tx.QueryRowContext(ctx, `SELECT changed_at FROM value_history WHERE indicator_id = ? AND locality_id = ? AND period = ? AND unit_id = ?
					AND id < ? ORDER BY id DESC LIMIT 1`, append(key, e.hid)...).Scan(&changed)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE value SET value = ?, note = ?, batch_id = ?, changed_at = ? WHERE indicator_id = ? AND locality_id = ? AND period = ? AND unit_id = ?",
					append([]any{e.old.Float64, e.oldNote, e.oldBatch, changed}, key...)...); err != nil {
					return err
				}
				res.Restored++
			}
			var newVal any
			if e.old.Valid {
				newVal = e.old.Float64
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
				old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'undo', ?, ?, ?)`,
				append(key, cur, newVal, curNote, e.oldNote, id, id, user, now)...); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE import_batch SET status = ? WHERE id = ?", BatchUndone, id)
		return err
	})
	return res, err
}
