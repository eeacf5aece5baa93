package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os/user"
	"strconv"
	"strings"
	"time"

	"danvan/data/period"
)

// Value is one reported result: indicator x locality x period x reporting unit.
type Value struct {
	IndicatorID int64
	LocalityID  int64
	UnitID      int64
	Period      period.Period
	Value       float64
	Note        string
	BatchID     int64 // the import batch it came from; 0 for data entry
	ChangedAt   time.Time
}

// Source says where a write comes from, for the audit trail.
type Source struct {
	Kind    string // "import", "entry", "undo", "merge", "demo"
	BatchID int64
	User    string    // defaults to the OS user
	At      time.Time // defaults to now
}

// WriteCounts tells what a write did to each value.
type WriteCounts struct {
	Inserted, Updated, Unchanged int
}

// SetValues writes values in one transaction, recording every change in the audit
// trail. A value equal to the stored one (same number and note) is left alone.
func (s *Store) SetValues(ctx context.Context, vals []Value, src Source) (WriteCounts, error) {
	var wc WriteCounts
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		wc, err = setValues(ctx, tx, vals, src)
		return err
	})
	return wc, err
}

// CurrentUser names the person at the keyboard for the audit trail.
func CurrentUser() string {
	if u, err := user.Current(); err == nil {
		if i := strings.LastIndexAny(u.Username, `\/`); i >= 0 {
			return u.Username[i+1:] // DOMAIN\name on Windows
		}
		return u.Username
	}
	return ""
}

// setValues writes values set by set: they are staged in a temporary table (as
// JSON, parsed by SQLite in C, which costs far less than one statement per row
// through cgo), then three statements count, audit and upsert them all. Where the
// same key appears twice, both writes are applied in order and audited.
func setValues(ctx context.Context, tx *sql.Tx, vals []Value, src Source) (WriteCounts, error) {
	var wc WriteCounts
	if src.User == "" {
		src.User = CurrentUser()
	}
	if src.At.IsZero() {
		src.At = time.Now()
	}
	at := src.At.UTC().Format(time.RFC3339)
	for _, v := range vals {
		if v.Value < 0 || math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			return wc, fmt.Errorf("value %g for %s is not a count or amount; results are zero or more", v.Value, v.Period)
		}
		if !v.Period.Valid() {
			return wc, fmt.Errorf("value %g has no valid period", v.Value)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS staged_value (
		indicator_id INTEGER, locality_id INTEGER, period TEXT, unit_id INTEGER, period_start TEXT, period_end TEXT,
		value REAL, note TEXT, batch_id INTEGER, changed_at TEXT)`); err != nil {
		return wc, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM temp.staged_value"); err != nil {
		return wc, err
	}
	stage, err := tx.PrepareContext(ctx, `INSERT INTO temp.staged_value
		SELECT j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4, j.value->>5, j.value->>6, j.value->>7, j.value->>8, j.value->>9
		FROM json_each(?) j`)
	if err != nil {
		return wc, err
	}
	defer stage.Close()
	const chunk = 20000
	var buf []byte
	for start := 0; start < len(vals); start += chunk {
		buf = appendValuesJSON(buf[:0], vals[start:min(start+chunk, len(vals))], at)
		if _, err := stage.ExecContext(ctx, string(buf)); err != nil {
			return wc, fmt.Errorf("stage values: %w", err)
		}
	}
	const join = `FROM temp.staged_value s LEFT JOIN value v ON v.indicator_id = s.indicator_id AND v.locality_id = s.locality_id
		AND v.period = s.period AND v.unit_id = s.unit_id`
	err = tx.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE v.value IS NULL),
		count(*) FILTER (WHERE v.value IS NOT NULL AND (v.value <> s.value OR v.note <> s.note)),
		count(*) FILTER (WHERE v.value = s.value AND v.note = s.note) `+join).Scan(&wc.Inserted, &wc.Updated, &wc.Unchanged)
	if err != nil {
		return wc, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
			old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at)
		SELECT s.indicator_id, s.locality_id, s.period, s.unit_id, v.value, s.value, v.note, s.note, v.batch_id, ?, ?, ?, s.changed_at `+join+`
		WHERE v.value IS NULL OR v.value <> s.value OR v.note <> s.note`, src.Kind, nullID(src.BatchID), src.User)
	if err != nil {
		return wc, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO value(indicator_id, locality_id, period, unit_id, period_start, period_end, value, note, batch_id, changed_at)
		SELECT indicator_id, locality_id, period, unit_id, period_start, period_end, value, note, batch_id, changed_at FROM temp.staged_value WHERE true
		ON CONFLICT(indicator_id, locality_id, period, unit_id) DO UPDATE SET
			value = excluded.value, note = excluded.note, batch_id = excluded.batch_id, changed_at = excluded.changed_at
		WHERE value <> excluded.value OR note <> excluded.note`)
	if err != nil {
		return wc, fmt.Errorf("write values: %w", err)
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM temp.staged_value")
	return wc, err
}

// appendValuesJSON writes values as a JSON array of rows for staging.
func appendValuesJSON(buf []byte, vals []Value, at string) []byte {
	buf = append(buf, '[')
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		changed := at
		if !v.ChangedAt.IsZero() {
			changed = v.ChangedAt.UTC().Format(time.RFC3339)
		}
		buf = append(buf, '[')
		buf = strconv.AppendInt(buf, v.IndicatorID, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, v.LocalityID, 10)
		buf = append(buf, ',', '"')
		buf = append(buf, v.Period.ID()...) // digits, Q and S only
		buf = append(buf, '"', ',')
		buf = strconv.AppendInt(buf, v.UnitID, 10)
		buf = append(buf, ',', '"')
		buf = v.Period.Start().AppendFormat(buf, DateLayout)
		buf = append(buf, '"', ',', '"')
		buf = v.Period.End().AppendFormat(buf, DateLayout)
		buf = append(buf, '"', ',')
		buf = strconv.AppendFloat(buf, v.Value, 'g', -1, 64)
		buf = append(buf, ',')
		note, _ := json.Marshal(v.Note) // a string always marshals
		buf = append(buf, note...)
		buf = append(buf, ',')
		if v.BatchID != 0 {
			buf = strconv.AppendInt(buf, v.BatchID, 10)
		} else {
			buf = append(buf, "null"...)
		}
		buf = append(buf, ',', '"')
		buf = append(buf, changed...)
		buf = append(buf, '"', ']')
	}
	return append(buf, ']')
}

// ValueFilter narrows a listing of values; zero fields do not filter.
type ValueFilter struct {
	ProgramID   int64 // only the program's indicators, within its dates
	IndicatorID int64
	LocalityID  int64 // the locality and everything under it
	UnitID      int64
	From, To    period.Period // by period start; zero Year means open
	Limit       int
}

// ValueRow is a value with the names a person reads.
type ValueRow struct {
	Value
	LocalityCode, LocalityName   string
	IndicatorCode, IndicatorName string
	UnitCode, UnitName           string
}

// Values lists values matching f, by period, locality code and indicator code.
func (s *Store) Values(ctx context.Context, f ValueFilter) ([]ValueRow, error) {
	var where []string
	var args []any
	if f.ProgramID != 0 {
		// A program's values are its indicators' within its dates: two programs
		// often track the same indicators in different years.
		where = append(where, `v.indicator_id IN (SELECT indicator_id FROM program_indicator WHERE program_id = ?)
			AND v.period_start >= (SELECT start_date FROM program WHERE id = ?) AND v.period_end <= (SELECT end_date FROM program WHERE id = ?)`)
		args = append(args, f.ProgramID, f.ProgramID, f.ProgramID)
	}
	if f.IndicatorID != 0 {
		where = append(where, "v.indicator_id = ?")
		args = append(args, f.IndicatorID)
	}
	if f.UnitID != 0 {
		where = append(where, "v.unit_id = ?")
		args = append(args, f.UnitID)
	}
	if f.From.Year != 0 {
		where = append(where, "v.period_start >= ?")
		args = append(args, day(f.From.Start()))
	}
	if f.To.Year != 0 {
		where = append(where, "v.period_end <= ?")
		args = append(args, day(f.To.End()))
	}
	if f.LocalityID != 0 {
		where = append(where, `v.locality_id IN (WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT l.id FROM locality l JOIN sub ON l.parent_id = sub.id) SELECT id FROM sub)`)
		args = append(args, f.LocalityID)
	}
	q := `SELECT v.indicator_id, v.locality_id, v.unit_id, v.period, v.value, v.note, COALESCE(v.batch_id, 0), v.changed_at,
		l.code, l.name, i.code, i.name, u.code, u.name
		FROM value v JOIN locality l ON l.id = v.locality_id JOIN indicator i ON i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY v.period_start, v.period_end, l.code, i.code, u.code"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (ValueRow, error) {
		var r ValueRow
		var p, changed string
		err := sc.Scan(&r.IndicatorID, &r.LocalityID, &r.UnitID, &p, &r.Value.Value, &r.Note, &r.BatchID, &changed,
			&r.LocalityCode, &r.LocalityName, &r.IndicatorCode, &r.IndicatorName, &r.UnitCode, &r.UnitName)
		if err != nil {
			return r, err
		}
		r.ChangedAt, _ = time.Parse(time.RFC3339, changed)
		r.Period, err = period.Parse(p)
		return r, err
	}, q, args...)
}

// Change is one entry of a value's history.
type Change struct {
	Old, New         *float64 // nil: absent before / deleted
	OldNote, NewNote string
	Source           string
	BatchID          int64
	By               string
	At               time.Time
}

// History lists the changes to one value, oldest first.
func (s *Store) History(ctx context.Context, indicatorID, localityID, unitID int64, p period.Period) ([]Change, error) {
	return queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (Change, error) {
		var c Change
		var old, nu sql.NullFloat64
		var at string
		err := sc.Scan(&old, &nu, &c.OldNote, &c.NewNote, &c.Source, &c.BatchID, &c.By, &at)
		if old.Valid {
			c.Old = &old.Float64
		}
		if nu.Valid {
			c.New = &nu.Float64
		}
		c.At, _ = time.Parse(time.RFC3339, at)
		return c, err
	}, `SELECT old_value, new_value, COALESCE(old_note, ''), COALESCE(new_note, ''), source, COALESCE(batch_id, 0), changed_by, changed_at
		FROM value_history WHERE indicator_id = ? AND locality_id = ? AND unit_id = ? AND period = ? ORDER BY id`,
		indicatorID, localityID, unitID, p.ID())
}
