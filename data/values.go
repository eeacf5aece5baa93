package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/user"
	"strings"
	"time"

	"danvan/data/message"
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
	err := s.writeOnConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		var err error
		wc, err = setValues(ctx, conn, tx, vals, src)
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

// setValues writes vals in tx, which runs on conn, and records every change in the
// audit trail. Where the same key appears twice, both writes are applied in order
// and audited.
func setValues(ctx context.Context, conn *sql.Conn, tx *sql.Tx, vals []Value, src Source) (WriteCounts, error) {
	w, err := newValueWriter(ctx, conn, tx, src)
	if err != nil {
		return WriteCounts{}, err
	}
	defer w.close()
	for _, v := range vals {
		if err := w.add(v, 0); err != nil {
			return WriteCounts{}, err
		}
	}
	return w.finish()
}

// ValueFilter narrows a listing of values; zero fields do not filter.
type ValueFilter struct {
	ProgramID   int64 // only the program's indicators, within its dates
	IndicatorID int64
	LocalityID  int64 // the locality and everything under it
	UnitID      int64
	From, To    period.Period // by period start; zero Year means open
	Period      period.Period // only this period exactly (not its months); zero Year: any
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
	var out []ValueRow
	err := s.eachValue(ctx, f, func(r ValueRow) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// eachValue calls fn with each value matching f, in the order of Values, without
// holding them all: exports of a whole country stream through it.
func (s *Store) eachValue(ctx context.Context, f ValueFilter, fn func(ValueRow) error) error {
	where, args := valueWhere(f)
	q := `SELECT v.indicator_id, v.locality_id, v.unit_id, v.period, v.value, v.note, COALESCE(v.batch_id, 0),
		COALESCE(v.changed_at, b.imported_at), l.code, l.name, i.code, i.name, u.code, u.name
		FROM value v JOIN locality l ON l.id = v.locality_id JOIN indicator i ON i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id
		LEFT JOIN import_batch b ON b.id = v.batch_id` + where
	// l.id after l.code: a code reused at a reform names two localities, and a
	// wide export groups by locality.
	q += " ORDER BY v.period_start, v.period_end, l.code, l.id, i.code, u.code"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return queryEach(ctx, s.ro, func(sc interface{ Scan(...any) error }) (ValueRow, error) {
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
	}, fn, q, args...)
}

// valueWhere is the WHERE clause, over the value table as v, that selects what f
// asks for.
func valueWhere(f ValueFilter) (string, []any) {
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
	if f.Period.Year != 0 {
		where = append(where, "v.period_start = ? AND v.period_end = ?")
		args = append(args, day(f.Period.Start()), day(f.Period.End()))
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
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// Change is one entry of a value's history.
type Change struct {
	Old, New         *float64 // nil: absent before / deleted
	OldNote, NewNote string
	Source           string
	BatchID          int64
	By               string
	At               time.Time
	oldBatch         int64 // the batch that wrote Old
	// For SourceWarning and SourceChecked: the rule the figure New breaks, and
	// the comment of the officer who checked it.
	Rule    message.Text
	Comment string
}

// valueKeyWhere finds one value by its primary key; valueKeyArgs gives its arguments.
const valueKeyWhere = "indicator_id = ? AND period_start = ? AND period_end = ? AND locality_id = ? AND unit_id = ?"

func valueKeyArgs(indicatorID, localityID, unitID int64, p period.Period) []any {
	return []any{indicatorID, day(p.Start()), day(p.End()), localityID, unitID}
}

// History lists the changes to one value, oldest first. A value an import added is
// not stored in value_history (see the migration): its first entry is put back
// together here from the batch, and from the value itself or the next change.
func (s *Store) History(ctx context.Context, indicatorID, localityID, unitID int64, p period.Period) ([]Change, error) {
	hist, err := queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (Change, error) {
		var c Change
		var old, nu sql.NullFloat64
		var at string
		err := sc.Scan(&old, &nu, &c.OldNote, &c.NewNote, &c.Source, &c.BatchID, &c.By, &at, &c.oldBatch)
		if old.Valid {
			c.Old = &old.Float64
		}
		if nu.Valid {
			c.New = &nu.Float64
		}
		c.At, _ = time.Parse(time.RFC3339, at)
		return c, err
	}, `SELECT old_value, new_value, COALESCE(old_note, ''), COALESCE(new_note, ''), source, COALESCE(batch_id, 0), changed_by, changed_at,
			COALESCE(old_batch_id, 0)
		FROM value_history WHERE indicator_id = ? AND locality_id = ? AND unit_id = ? AND period = ? ORDER BY id`,
		indicatorID, localityID, unitID, p.ID())
	if err != nil {
		return nil, err
	}
	// The import that added the value is the one the earliest known version came from.
	added := Change{Source: "import"}
	switch {
	case len(hist) > 0 && hist[0].Old != nil:
		added.New, added.NewNote, added.BatchID = hist[0].Old, hist[0].OldNote, hist[0].oldBatch
	case len(hist) == 0:
		var v float64
		err := s.ro.QueryRowContext(ctx, "SELECT value, note, COALESCE(batch_id, 0) FROM value WHERE "+valueKeyWhere,
			valueKeyArgs(indicatorID, localityID, unitID, p)...).Scan(&v, &added.NewNote, &added.BatchID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		added.New = &v
	}
	if added.BatchID == 0 {
		return s.qualityHistory(ctx, indicatorID, localityID, unitID, p, hist)
	}
	var at string
	err = s.ro.QueryRowContext(ctx, "SELECT imported_by, imported_at FROM import_batch WHERE id = ?", added.BatchID).Scan(&added.By, &at)
	if err != nil {
		return nil, fmt.Errorf("history: import batch %d: %w", added.BatchID, err)
	}
	added.At, _ = time.Parse(time.RFC3339, at)
	return s.qualityHistory(ctx, indicatorID, localityID, unitID, p, append([]Change{added}, hist...))
}
