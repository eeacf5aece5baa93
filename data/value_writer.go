package data

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"danvan/data/period"
)

// valueWriter writes values into the transaction it is given, many rows per
// statement: one cgo call per few hundred values instead of one per value is most
// of what makes a million-row import take seconds rather than minutes.
//
// Temporary triggers, which live only as long as the writer, keep the audit trail:
// each value it overwrites leaves its old version in value_history, and so does
// each value it adds unless the source is an import (the batch records those; see
// the migration). A value equal to the stored one is left alone. Within one import
// batch, a key written twice is a duplicate: the first version stays, and the
// later row is handed back by takeDuplicates for the importer to report.
type valueWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	src   Source
	at    string // src.At, formatted once
	batch any    // batch id or NULL
	full  *sql.Stmt

	rows      []pendingRow
	sent      int
	changed   int64 // rows SQLite inserted or updated
	histStart int64 // value_history ids above this were written by this writer
	dupSeen   int64
	dups      []Duplicate

	dates   map[period.Period][2]string
	reports map[reportKey]string // first changed_at per unit, indicator and period
	from    string               // earliest period start written
	to      string               // latest period end written
}

type pendingRow struct {
	v   Value
	tag int
}

// Duplicate is a value given twice in one import batch: Tag is the caller's tag
// (the importer's line number) of the later row, FirstTag that of the earlier one
// when it was in the same chunk of rows, else 0.
type Duplicate struct {
	Value
	Tag, FirstTag int
}

type reportKey struct {
	unit, indicator int64
	period          string
}

// writeChunk rows go in one statement: 9 parameters each stays far below SQLite's
// limit of 32,766, and larger chunks gained nothing measurable.
const writeChunk = 400

const writerColumns = 9

func newValueWriter(ctx context.Context, tx *sql.Tx, src Source) (*valueWriter, error) {
	if src.User == "" {
		src.User = CurrentUser()
	}
	if src.At.IsZero() {
		src.At = time.Now()
	}
	w := &valueWriter{ctx: ctx, tx: tx, src: src, at: src.At.UTC().Format(time.RFC3339), batch: nullID(src.BatchID),
		dates: map[period.Period][2]string{}, reports: map[reportKey]string{}}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) FROM value_history").Scan(&w.histStart); err != nil {
		return nil, err
	}
	setup := []string{
		`CREATE TEMP TABLE IF NOT EXISTS write_source (source TEXT, batch_id INTEGER, changed_by TEXT)`,
		`DELETE FROM temp.write_source`,
		`CREATE TEMP TABLE IF NOT EXISTS write_duplicate (n INTEGER PRIMARY KEY, indicator_id INTEGER, period_start TEXT,
			period_end TEXT, locality_id INTEGER, unit_id INTEGER)`,
		`DELETE FROM temp.write_duplicate`,
		// RAISE(IGNORE) drops just this row's update: the first version stays.
		`CREATE TEMP TRIGGER write_keep_first BEFORE UPDATE ON main.value
			WHEN OLD.batch_id IS NOT NULL AND OLD.batch_id = NEW.batch_id
			BEGIN
				INSERT INTO temp.write_duplicate(indicator_id, period_start, period_end, locality_id, unit_id)
					VALUES (NEW.indicator_id, NEW.period_start, NEW.period_end, NEW.locality_id, NEW.unit_id);
				SELECT RAISE(IGNORE);
			END`,
		`CREATE TEMP TRIGGER write_audit_update AFTER UPDATE ON main.value
			BEGIN
				INSERT INTO main.value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
					old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at)
				SELECT NEW.indicator_id, NEW.locality_id, NEW.period, NEW.unit_id, OLD.value, NEW.value,
					OLD.note, NEW.note, OLD.batch_id, s.source, s.batch_id, s.changed_by, NEW.changed_at
				FROM temp.write_source s;
			END`,
	}
	if src.Kind != "import" {
		setup = append(setup, `CREATE TEMP TRIGGER write_audit_insert AFTER INSERT ON main.value
			BEGIN
				INSERT INTO main.value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
					old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at)
				SELECT NEW.indicator_id, NEW.locality_id, NEW.period, NEW.unit_id, NULL, NEW.value,
					NULL, NEW.note, NULL, s.source, s.batch_id, s.changed_by, NEW.changed_at
				FROM temp.write_source s;
			END`)
	}
	for _, q := range setup {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("prepare to write values: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO temp.write_source VALUES (?, ?, ?)", src.Kind, w.batch, src.User); err != nil {
		return nil, err
	}
	var err error
	if w.full, err = tx.PrepareContext(ctx, upsertSQL(writeChunk)); err != nil {
		return nil, err
	}
	return w, nil
}

// upsertSQL writes n rows; ?1 is the batch.
func upsertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO value(indicator_id, period_start, period_end, locality_id, unit_id, period, value, note, changed_at, batch_id)
		SELECT column1, column2, column3, column4, column5, column6, column7, column8, column9, ?1 FROM (VALUES `)
	p := 2
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range writerColumns {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	// "WHERE true" tells the parser that ON CONFLICT belongs to the INSERT.
	b.WriteString(`) WHERE true ON CONFLICT DO UPDATE SET value = excluded.value, note = excluded.note,
		batch_id = excluded.batch_id, changed_at = excluded.changed_at
		WHERE value <> excluded.value OR note <> excluded.note OR batch_id = excluded.batch_id`)
	return b.String()
}

// add queues v; tag comes back with it if it turns out to be a duplicate.
func (w *valueWriter) add(v Value, tag int) error {
	if v.Value < 0 || math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
		return fmt.Errorf("value %g for %s is not a count or amount; results are zero or more", v.Value, v.Period)
	}
	if !v.Period.Valid() {
		return fmt.Errorf("value %g has no valid period", v.Value)
	}
	w.rows = append(w.rows, pendingRow{v, tag})
	if len(w.rows) == writeChunk {
		return w.flush()
	}
	return nil
}

// flush writes the queued rows.
func (w *valueWriter) flush() error {
	if len(w.rows) == 0 {
		return nil
	}
	stmt := w.full
	if len(w.rows) < writeChunk {
		var err error
		if stmt, err = w.tx.PrepareContext(w.ctx, upsertSQL(len(w.rows))); err != nil {
			return err
		}
		defer stmt.Close()
	}
	args := make([]any, 0, 1+len(w.rows)*writerColumns)
	args = append(args, w.batch)
	for _, r := range w.rows {
		v := r.v
		d, ok := w.dates[v.Period]
		if !ok {
			d = [2]string{day(v.Period.Start()), day(v.Period.End())}
			w.dates[v.Period] = d
		}
		changed := w.at
		if !v.ChangedAt.IsZero() {
			changed = v.ChangedAt.UTC().Format(time.RFC3339)
		}
		args = append(args, v.IndicatorID, d[0], d[1], v.LocalityID, v.UnitID, v.Period.ID(), v.Value, v.Note, changed)
		k := reportKey{v.UnitID, v.IndicatorID, v.Period.ID()}
		if first, ok := w.reports[k]; !ok || changed < first {
			w.reports[k] = changed
		}
		if w.from == "" || d[0] < w.from {
			w.from = d[0]
		}
		if d[1] > w.to {
			w.to = d[1]
		}
	}
	res, err := stmt.ExecContext(w.ctx, args...)
	if err != nil {
		return fmt.Errorf("write values: %w", err)
	}
	n, _ := res.RowsAffected()
	w.changed += n
	w.sent += len(w.rows)
	if w.src.BatchID != 0 {
		if err := w.collectDuplicates(); err != nil {
			return err
		}
	}
	w.rows = w.rows[:0]
	return nil
}

// collectDuplicates matches the duplicates the trigger noted during the last flush
// to the rows of that flush. SQLite writes the rows in order, so for a key noted d
// times that occurs c times in the chunk, its last d occurrences are the duplicates.
func (w *valueWriter) collectDuplicates() error {
	type key struct {
		ind, loc, unit int64
		start, end     string
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT n, indicator_id, period_start, period_end, locality_id, unit_id
		FROM temp.write_duplicate WHERE n > ? ORDER BY n`, w.dupSeen)
	if err != nil {
		return err
	}
	noted := map[key]int{}
	for rows.Next() {
		var k key
		if err := rows.Scan(&w.dupSeen, &k.ind, &k.start, &k.end, &k.loc, &k.unit); err != nil {
			rows.Close()
			return err
		}
		noted[k]++
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(noted) == 0 {
		return nil
	}
	occurrences := map[key][]int{}
	for i, r := range w.rows {
		d := w.dates[r.v.Period]
		k := key{r.v.IndicatorID, r.v.LocalityID, r.v.UnitID, d[0], d[1]}
		if _, ok := noted[k]; ok {
			occurrences[k] = append(occurrences[k], i)
		}
	}
	for k, d := range noted {
		occ := occurrences[k]
		firstTag := 0
		if len(occ) > d {
			firstTag = w.rows[occ[len(occ)-d-1]].tag
		}
		for _, i := range occ[max(0, len(occ)-d):] {
			w.dups = append(w.dups, Duplicate{Value: w.rows[i].v, Tag: w.rows[i].tag, FirstTag: firstTag})
		}
	}
	return nil
}

// takeDuplicates returns the duplicates found since the last call.
func (w *valueWriter) takeDuplicates() []Duplicate {
	d := w.dups
	w.dups = nil
	return d
}

// counts tells what the writer did so far; call after flush.
func (w *valueWriter) counts() (WriteCounts, error) {
	var updated int
	err := w.tx.QueryRowContext(w.ctx, "SELECT count(*) FROM value_history WHERE id > ? AND old_value IS NOT NULL",
		w.histStart).Scan(&updated)
	if err != nil {
		return WriteCounts{}, err
	}
	return WriteCounts{Inserted: int(w.changed) - updated, Updated: updated,
		Unchanged: w.sent - int(w.changed) - int(w.dupSeen)}, nil
}

// changes lists up to limit of the values the writer overwrote, with what they held.
func (w *valueWriter) changes(limit int) ([]ValueChange, error) {
	return queryAll(w.ctx, w.tx, func(sc interface{ Scan(...any) error }) (ValueChange, error) {
		var c ValueChange
		var p string
		err := sc.Scan(&c.IndicatorID, &c.LocalityID, &c.UnitID, &p, &c.Old, &c.OldNote, &c.Value.Value, &c.Note)
		if err == nil {
			c.Period, err = period.Parse(p)
		}
		return c, err
	}, `SELECT indicator_id, locality_id, unit_id, period, old_value, old_note, new_value, new_note FROM value_history
		WHERE id > ? AND old_value IS NOT NULL ORDER BY id LIMIT ?`, w.histStart, limit)
}

// finish writes what is queued, records when each report arrived, and removes the
// triggers so that later statements in the transaction are not audited twice.
func (w *valueWriter) finish() (WriteCounts, error) {
	if err := w.flush(); err != nil {
		return WriteCounts{}, err
	}
	for k, at := range w.reports {
		if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO report_received(unit_id, indicator_id, period, first_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at)`, k.unit, k.indicator, k.period, at); err != nil {
			return WriteCounts{}, err
		}
	}
	wc, err := w.counts()
	if err != nil {
		return wc, err
	}
	w.full.Close()
	for _, q := range []string{"DROP TRIGGER temp.write_keep_first", "DROP TRIGGER temp.write_audit_update",
		"DROP TRIGGER IF EXISTS temp.write_audit_insert"} {
		if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
			return wc, err
		}
	}
	return wc, nil
}
