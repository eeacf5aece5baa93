package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"danvan/data/message"
	"danvan/data/period"
	"danvan/data/vntext"
)

// What an officer editing localities can be told. Dates in them are dd/mm/yyyy.
var (
	msgLocalityIncomplete = message.New("a locality needs a code, a name and a level")
	msgLocalityNoName     = message.New("a locality needs a name")
	msgParentNotFound     = message.New("the parent of {{.Name}} was not found")
	msgParentNotInForce   = message.New("{{.Parent}} is not in force on {{.Date}}, so {{.Name}} cannot sit under it")
	msgCodeInUse          = message.New("code {{.Code}} is already used by another locality in force on {{.Date}}; codes are unique among localities in force on the same day")
	msgMoveUnderItself    = message.New("a locality cannot be moved under itself or one of its own children")
	msgNewParentNotFound  = message.New("the new parent was not found")
	msgChildrenInForce    = message.New("{{.N}} localities under it are still in force after {{.Date}}; close or move them first")
	msgCloseBeforeStart   = message.New("the locality was not found, or it starts after {{.Date}}")
	msgLocalityInUse      = message.New("it is referred to by {{.Refs}}; close it instead of deleting it")
	msgRefChildren        = message.New("{{.N}} localities under it")
	msgRefValues          = message.New("{{.N}} reported values")
	msgRefTargets         = message.New("{{.N}} targets")
	msgRefUnits           = message.New("{{.N}} units")
	msgRefLinks           = message.New("{{.N}} reform links")
	msgMergeTooFew        = message.New("a merge takes at least two localities")
	msgSplitTooFew        = message.New("a split makes at least two localities")
	msgLocalityNotFound   = message.New("the locality was not found")
)

// dmy writes a date the Vietnamese way, as messages show it.
func dmy(t time.Time) string { return t.Format("02/01/2006") }

// Editing localities by hand: the next reform will come, and a headquarters may need
// to record it before an official list is published.

// AddLocality opens a new locality in force from l.ValidFrom.
func (s *Store) AddLocality(ctx context.Context, l Locality) (Locality, error) {
	l.Code, l.Name, l.Level = strings.TrimSpace(l.Code), vntext.NFC(strings.TrimSpace(l.Name)), strings.TrimSpace(l.Level)
	if l.Code == "" || l.Name == "" || l.Level == "" {
		return l, msgLocalityIncomplete.With().Err()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		l.ID, err = insertLocality(ctx, tx, l)
		return err
	})
	return l, err
}

func insertLocality(ctx context.Context, tx *sql.Tx, l Locality) (int64, error) {
	if l.ParentID != 0 {
		p, err := scanLocality(tx.QueryRowContext(ctx, "SELECT "+localityColumns+" FROM locality WHERE id = ?", l.ParentID))
		if err != nil {
			return 0, msgParentNotFound.With("Name", l.Name).Wrap(ErrNotFound)
		}
		if !p.ValidOn(l.ValidFrom) {
			return 0, msgParentNotInForce.With("Parent", p.Name, "Date", dmy(l.ValidFrom), "Name", l.Name).Err()
		}
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO locality(code, name, level, parent_id, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)",
		l.Code, l.Name, l.Level, nullID(l.ParentID), day(l.ValidFrom), nullDay(l.ValidTo))
	if err != nil {
		if strings.Contains(err.Error(), "overlapping date") {
			return 0, msgCodeInUse.With("Code", l.Code, "Date", dmy(l.ValidFrom)).Err()
		}
		return 0, err
	}
	return res.LastInsertId()
}

// RenameLocality corrects or changes a locality's name. The name is part of the
// locality, not of its history: reports keep pointing at the same locality.
func (s *Store) RenameLocality(ctx context.Context, id int64, name string) error {
	name = vntext.NFC(strings.TrimSpace(name))
	if name == "" {
		return msgLocalityNoName.With().Err()
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		return expectOne(tx.ExecContext(ctx, "UPDATE locality SET name = ? WHERE id = ?", name, id))
	})
}

// MoveLocality puts a locality under another parent (0 for the top level).
func (s *Store) MoveLocality(ctx context.Context, id, parentID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for p := parentID; p != 0; {
			if p == id {
				return msgMoveUnderItself.With().Err()
			}
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(parent_id, 0) FROM locality WHERE id = ?", p).Scan(&p); err != nil {
				return msgNewParentNotFound.With().Wrap(ErrNotFound)
			}
		}
		return expectOne(tx.ExecContext(ctx, "UPDATE locality SET parent_id = ? WHERE id = ?", nullID(parentID), id))
	})
}

// CloseLocality ends a locality on its last day in force. Children still in force
// then must be closed or moved first.
func (s *Store) CloseLocality(ctx context.Context, id int64, lastDay time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error { return closeLocality(ctx, tx, id, lastDay) })
}

func closeLocality(ctx context.Context, tx *sql.Tx, id int64, lastDay time.Time) error {
	var open int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM locality WHERE parent_id = ? AND (valid_to IS NULL OR valid_to > ?)", id, day(lastDay)).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		return msgChildrenInForce.With("N", strconv.Itoa(open), "Date", dmy(lastDay)).Err()
	}
	res, err := tx.ExecContext(ctx, "UPDATE locality SET valid_to = ? WHERE id = ? AND valid_from <= ?", day(lastDay), id, day(lastDay))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return msgCloseBeforeStart.With("Date", dmy(lastDay)).Err()
	}
	return nil
}

// References counts what refers to a locality.
type References struct {
	Children, Values, Targets, Units, Links int
}

// Any reports whether anything refers to the locality.
func (r References) Any() bool { return r != References{} }

func (r References) String() string { return joinEnglish(r.Parts()) }

// Parts lists what refers to the locality, one message for each kind.
func (r References) Parts() []message.Text {
	return countParts([]int{r.Children, r.Values, r.Targets, r.Units, r.Links},
		[]message.Template{msgRefChildren, msgRefValues, msgRefTargets, msgRefUnits, msgRefLinks})
}

// countParts gives a message for each non-zero count, made from its template.
func countParts(counts []int, what []message.Template) []message.Text {
	var parts []message.Text
	for i, n := range counts {
		if n > 0 {
			parts = append(parts, what[i].With("N", strconv.Itoa(n)))
		}
	}
	return parts
}

// joinEnglish renders messages in English, joined with ", ".
func joinEnglish(parts []message.Text) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p.String()
	}
	return strings.Join(out, ", ")
}

// LocalityReferences counts what refers to the locality.
func (s *Store) LocalityReferences(ctx context.Context, id int64) (References, error) {
	var r References
	err := s.ro.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM locality WHERE parent_id = ?1),
		(SELECT count(*) FROM value WHERE locality_id = ?1),
		(SELECT count(*) FROM target WHERE locality_id = ?1),
		(SELECT count(*) FROM unit WHERE locality_id = ?1),
		(SELECT count(*) FROM locality_successor WHERE old_id = ?1 OR new_id = ?1)`, id).
		Scan(&r.Children, &r.Values, &r.Targets, &r.Units, &r.Links)
	return r, err
}

// DeleteLocality deletes a locality that nothing refers to; one that is referred to
// is kept, and the error says by what.
func (s *Store) DeleteLocality(ctx context.Context, id int64) error {
	refs, err := s.LocalityReferences(ctx, id)
	if err != nil {
		return err
	}
	if refs.Any() {
		return msgLocalityInUse.With().Err().WithList("Refs", refs.Parts())
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		return expectOne(tx.ExecContext(ctx, "DELETE FROM locality WHERE id = ?", id))
	})
}

// MergeLocalities records that olds were merged into a new locality on date: each
// old one closes the day before, the new one opens, and whole successor links keep
// results adding up. Old codes keep resolving for old periods.
func (s *Store) MergeLocalities(ctx context.Context, olds []int64, into Locality, date time.Time) (Locality, error) {
	if len(olds) < 2 {
		return into, msgMergeTooFew.With().Err()
	}
	into.ValidFrom = date
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, id := range olds {
			if err := closeLocality(ctx, tx, id, date.AddDate(0, 0, -1)); err != nil {
				name := fmt.Sprintf("#%d", id)
				_ = tx.QueryRowContext(ctx, "SELECT name FROM locality WHERE id = ?", id).Scan(&name)
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		var err error
		if into.ID, err = insertLocality(ctx, tx, into); err != nil {
			return err
		}
		for _, id := range olds {
			if _, err := tx.ExecContext(ctx, "INSERT INTO locality_successor(old_id, new_id, whole) VALUES (?, ?, 1)", id, into.ID); err != nil {
				return err
			}
		}
		return moveResults(ctx, tx, olds, into.ID, date)
	})
	return into, err
}

// SplitLocality records that old was split into parts on date: it closes the day
// before, the parts open, and each is linked as receiving a part of it.
func (s *Store) SplitLocality(ctx context.Context, old int64, parts []Locality, date time.Time) ([]Locality, error) {
	if len(parts) < 2 {
		return nil, msgSplitTooFew.With().Err()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := closeLocality(ctx, tx, old, date.AddDate(0, 0, -1)); err != nil {
			return err
		}
		for i := range parts {
			parts[i].ValidFrom = date
			id, err := insertLocality(ctx, tx, parts[i])
			if err != nil {
				return err
			}
			parts[i].ID = id
			if _, err := tx.ExecContext(ctx, "INSERT INTO locality_successor(old_id, new_id, whole) VALUES (?, ?, 0)", old, id); err != nil {
				return err
			}
		}
		return nil
	})
	return parts, err
}

// moveResults hands values and targets of periods from date on, recorded against the
// merged localities, to the new one, adding up those that meet on one key. Each
// move is in the audit trail with source "merge".
func moveResults(ctx context.Context, tx *sql.Tx, olds []int64, to int64, date time.Time) error {
	for _, old := range olds {
		rows, err := tx.QueryContext(ctx, `SELECT indicator_id, unit_id, period, value, note FROM value
			WHERE indicator_id IN (SELECT id FROM indicator) AND period_start >= ? AND locality_id = ?`, day(date), old)
		if err != nil {
			return err
		}
		type moved struct {
			ind, unit int64
			period    period.Period
			v         float64
			note      string
		}
		var ms []moved
		for rows.Next() {
			var m moved
			var p string
			if err := rows.Scan(&m.ind, &m.unit, &p, &m.v, &m.note); err != nil {
				rows.Close()
				return err
			}
			if m.period, err = period.Parse(p); err != nil {
				rows.Close()
				return fmt.Errorf("value with period %q: %w", p, err)
			}
			ms = append(ms, m)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		now := time.Now().UTC().Format(time.RFC3339)
		for _, m := range ms {
			pid := m.period.ID()
			toKey := valueKeyArgs(m.ind, to, m.unit, m.period)
			fromKey := valueKeyArgs(m.ind, old, m.unit, m.period)
			stmts := []struct {
				q    string
				args []any
			}{
				{`INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value, old_note, new_note, source, changed_by, changed_at)
					VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, 'merge', ?, ?)`, []any{m.ind, old, pid, m.unit, m.v, m.note, CurrentUser(), now}},
				{`INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value, old_note, new_note, source, changed_by, changed_at)
					SELECT ?, ?, ?, ?, v.value, COALESCE(v.value, 0) + ?, NULL, ?, 'merge', ?, ?
					FROM (SELECT 1) LEFT JOIN value v ON ` + valueKeyWhere,
					append([]any{m.ind, to, pid, m.unit, m.v, m.note, CurrentUser(), now}, toKey...)},
				{`INSERT INTO value(indicator_id, period_start, period_end, locality_id, unit_id, period, value, note, changed_at)
					SELECT indicator_id, period_start, period_end, ?, unit_id, period, value, note, ? FROM value WHERE ` + valueKeyWhere + `
					ON CONFLICT DO UPDATE SET value = value + excluded.value, changed_at = excluded.changed_at`,
					append([]any{to, now}, fromKey...)},
				{`DELETE FROM value WHERE ` + valueKeyWhere, fromKey},
			}
			for _, st := range stmts {
				if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
					return fmt.Errorf("move value %s: %w", pid, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO target(program_id, indicator_id, locality_id, period, period_start, period_end, value)
			SELECT program_id, indicator_id, ?, period, period_start, period_end, value FROM target WHERE locality_id = ? AND period_start >= ?
			ON CONFLICT(program_id, indicator_id, locality_id, period) DO UPDATE SET value = value + excluded.value`, to, old, day(date)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM target WHERE locality_id = ? AND period_start >= ?", old, day(date)); err != nil {
			return err
		}
	}
	return nil
}

func expectOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return msgLocalityNotFound.With().Wrap(ErrNotFound)
	}
	return nil
}
