package data

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"danvan/data/period"
	"danvan/data/vntext"
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
	conn  *sql.Conn // the connection tx runs on, for the chunk statements
	tx    *sql.Tx
	src   Source
	at    string   // src.At, formatted once
	batch any      // batch id or NULL
	full  *rawStmt // a full chunk of rows, once needed
	lean  *rawStmt // a full chunk of rows as an import writes them, once needed
	after *rawStmt // what the last chunk did

	rows      []pendingRow
	queue     chan chunk // encoded chunks for the writing goroutine; nil when none runs
	stopped   chan error // the writing goroutine's end: nil, or the error that stopped it
	free      chan chunk // written chunks, whose buffers are reused
	err       error      // the first write that failed; every later call returns it
	sent      int
	changed   int64 // rows SQLite inserted or updated
	histStart int64 // value_history ids above this were written by this writer
	dupSeen   int64
	dups      []Duplicate

	// The ids written, for a batch's reference check (foreign keys are off).
	indicators, localities, units map[int64]bool

	periods map[period.Period]writePeriod
	// The period of the last row looked up: most rows of a chunk share it, and
	// comparing is cheaper than hashing.
	last struct {
		p period.Period
		writePeriod
	}
	reports map[reportKey]string // first changed_at per unit, indicator and period
	from    string               // earliest period start written
	to      string               // latest period end written
}

type pendingRow struct {
	v   Value
	tag int
}

// chunk is up to writeChunk rows with the statement parameters they encode to.
type chunk struct {
	rows []pendingRow
	args []any
	lean bool
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
	period          period.Period
}

// writeChunk rows go in one statement: at 7 parameters a row (3 for an import's)
// that stays below SQLite's limit of 32,766. Each statement costs a round of
// handing the chunk to the writing goroutine and back; going from 400 rows to
// 2,000 made a million-row import a tenth faster.
const writeChunk = 2000

const (
	writerColumns = 7
	leanColumns   = 3
)

// packKey packs what a lean row needs of its key into one integer, or reports
// that the ids are too large for it (2^23 indicators, 2^20 periods and units).
func packKey(indicator int64, periodNumber int, unit int64) (int64, bool) {
	const max20 = 1<<20 - 1
	if indicator < 0 || indicator >= 1<<23 || periodNumber > max20 || unit < 0 || unit > max20 {
		return 0, false
	}
	return indicator<<40 | int64(periodNumber)<<20 | unit, true
}

func newValueWriter(ctx context.Context, conn *sql.Conn, tx *sql.Tx, src Source) (*valueWriter, error) {
	if src.User == "" {
		src.User = CurrentUser()
	}
	if src.At.IsZero() {
		src.At = time.Now()
	}
	w := &valueWriter{ctx: ctx, conn: conn, tx: tx, src: src, at: src.At.UTC().Format(time.RFC3339), batch: nullID(src.BatchID),
		periods: map[period.Period]writePeriod{}, reports: map[reportKey]string{},
		indicators: map[int64]bool{}, localities: map[int64]bool{}, units: map[int64]bool{},
		free: make(chan chunk, queueDepth+1)}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) FROM value_history").Scan(&w.histStart); err != nil {
		return nil, err
	}
	setup := []string{
		`CREATE TEMP TABLE IF NOT EXISTS write_source (source TEXT, batch_id INTEGER, changed_by TEXT, changed_at TEXT)`,
		`DELETE FROM temp.write_source`,
		`CREATE TEMP TABLE IF NOT EXISTS write_duplicate (n INTEGER PRIMARY KEY, indicator_id INTEGER, period_start TEXT,
			period_end TEXT, locality_id INTEGER, unit_id INTEGER)`,
		`DELETE FROM temp.write_duplicate`,
		`CREATE TEMP TABLE IF NOT EXISTS write_period (n INTEGER PRIMARY KEY, period TEXT, period_start TEXT, period_end TEXT)`,
		`DELETE FROM temp.write_period`,
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
					OLD.note, NEW.note, OLD.batch_id, s.source, s.batch_id, s.changed_by, COALESCE(NEW.changed_at, s.changed_at)
				FROM temp.write_source s;
			END`,
	}
	if src.Kind != "import" {
		setup = append(setup, `CREATE TEMP TRIGGER write_audit_insert AFTER INSERT ON main.value
			BEGIN
				INSERT INTO main.value_history(indicator_id, locality_id, period, unit_id, old_value, new_value,
					old_note, new_note, old_batch_id, source, batch_id, changed_by, changed_at)
				SELECT NEW.indicator_id, NEW.locality_id, NEW.period, NEW.unit_id, NULL, NEW.value,
					NULL, NEW.note, NULL, s.source, s.batch_id, s.changed_by, COALESCE(NEW.changed_at, s.changed_at)
				FROM temp.write_source s;
			END`)
	}
	for _, q := range setup {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("prepare to write values: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO temp.write_source VALUES (?, ?, ?, ?)", src.Kind, w.batch, src.User, w.at); err != nil {
		return nil, err
	}
	// changes() counts what the last chunk inserted or updated; the duplicates
	// table's largest rowid tells whether it noted a duplicate.
	var err error
	if w.after, err = prepareRaw(ctx, conn, "SELECT changes(), (SELECT COALESCE(max(n), 0) FROM temp.write_duplicate)"); err != nil {
		return nil, err
	}
	return w, nil
}

// upsertSQL writes n rows; ?1 is the batch, ?2 the default time. A row names its
// period by its number in temp.write_period, and its note and time are NULL when
// empty and the default: fewer and smaller parameters bind faster. A lean row,
// what an import writes, has only three: indicator, period number and unit packed
// into one integer (see packKey), the locality and the number.
func upsertSQL(n int, lean bool) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO value(indicator_id, period_start, period_end, locality_id, unit_id, period, value, note, changed_at, batch_id)`)
	columns := writerColumns
	if lean {
		columns = leanColumns
		b.WriteString(`
		SELECT r.column1 >> 40, p.period_start, p.period_end, r.column2, r.column1 & 1048575, p.period, r.column3, '', ?2, ?1
		FROM (VALUES `)
	} else {
		b.WriteString(`
		SELECT r.column1, p.period_start, p.period_end, r.column3, r.column4, p.period, r.column5, COALESCE(r.column6, ''),
			COALESCE(r.column7, ?2), ?1
		FROM (VALUES `)
	}
	p := 3
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range columns {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	if lean {
		b.WriteString(`) r JOIN temp.write_period p ON p.n = (r.column1 >> 20) & 1048575`)
	} else {
		b.WriteString(`) r JOIN temp.write_period p ON p.n = r.column2`)
	}
	// "WHERE true" tells the parser that ON CONFLICT belongs to the INSERT.
	//
	// A batch that repeats a stored figure still takes the value over (and the
	// audit trigger records it, old equal to new): it is then that batch's report
	// too, and undoing the earlier batch must leave it. Only a hand-typed figure
	// typed again over a hand-typed one is left alone. A key the same batch wrote
	// already reaches write_keep_first, which reports the duplicate.
	b.WriteString(` WHERE true ON CONFLICT DO UPDATE SET value = excluded.value, note = excluded.note,
		batch_id = excluded.batch_id, changed_at = excluded.changed_at
		WHERE value <> excluded.value OR note <> excluded.note OR batch_id IS NOT NULL OR excluded.batch_id IS NOT NULL`)
	return b.String()
}

// MaxValue is the largest figure a value may hold. Every whole number up to it is
// exact in a float64 with room for sums of thousands of them, and no count of
// this work comes near it (the largest, amounts in đồng, are below 10^13).
const MaxValue = 1e15

// maxClashes bounds the period clashes a write lists: a few say what is wrong.
const maxClashes = 20

// add queues v; tag comes back with it if it turns out to be a duplicate.
func (w *valueWriter) add(v Value, tag int) error {
	if v.Value < 0 || math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
		return fmt.Errorf("value %g for %s is not a count or amount; results are zero or more", v.Value, v.Period)
	}
	if v.Value > MaxValue {
		return fmt.Errorf("value %g for %s is larger than any figure this work reports (at most %g); check the unit of measure", v.Value, v.Period, float64(MaxValue))
	}
	if r, ok := vntext.ControlChar(v.Note); ok {
		return fmt.Errorf("the note of a value for %s holds control character %U; remove it", v.Period, r)
	}
	if !v.Period.Valid() {
		return fmt.Errorf("value %g has no valid period", v.Value)
	}
	if _, ok := w.period(v.Period); !ok {
		if err := w.addPeriod(v.Period); err != nil {
			return err
		}
	}
	w.rows = append(w.rows, pendingRow{v, tag})
	if len(w.rows) == writeChunk {
		return w.send()
	}
	return nil
}

// writePeriod is a period as the rows written name it: by its number in
// temp.write_period, and its dates.
type writePeriod struct {
	n          int
	start, end string
}

// period looks p up, through the one-period cache.
func (w *valueWriter) period(p period.Period) (writePeriod, bool) {
	if p == w.last.p && w.last.n != 0 {
		return w.last.writePeriod, true
	}
	wp, ok := w.periods[p]
	if ok {
		w.last.p, w.last.writePeriod = p, wp
	}
	return wp, ok
}

// addPeriod numbers a period for the rows that name it.
func (w *valueWriter) addPeriod(p period.Period) error {
	if err := w.wait(); err != nil { // the chunk in flight reads the period map
		return err
	}
	wp := writePeriod{n: len(w.periods) + 1, start: day(p.Start()), end: day(p.End())}
	if _, err := w.tx.ExecContext(w.ctx, "INSERT INTO temp.write_period VALUES (?, ?, ?, ?)", wp.n, p.ID(), wp.start, wp.end); err != nil {
		return err
	}
	w.periods[p] = wp
	return nil
}

// queueDepth chunks wait, encoded, while one is being written: reading the file
// and SQLite's writing each need a core, and with a queue neither waits for the
// other's slow moments (a new period, a collection) nor for the encoding.
const queueDepth = 2

// send encodes a full chunk and queues it for a goroutine that writes the chunks
// in order while the caller reads the next rows. Every method other than add
// and send waits for that goroutine first, so only one goroutine touches the
// writer's state at a time; the goroutine itself touches only the transaction,
// the counts and the duplicates.
func (w *valueWriter) send() error {
	if w.err != nil {
		return w.err
	}
	if w.queue == nil {
		w.queue, w.stopped = make(chan chunk, queueDepth-1), make(chan error, 1)
		go w.writeQueued(w.queue, w.stopped)
	}
	var c chunk
	select {
	case c = <-w.free:
	default:
		c.rows = make([]pendingRow, 0, writeChunk)
	}
	c.rows, w.rows = w.rows, c.rows[:0]
	c.args, c.lean = w.encode(c.rows, c.args[:0])
	select {
	case w.queue <- c:
		return nil
	case err := <-w.stopped: // a write failed; the goroutine is gone
		w.queue, w.err = nil, err
		return err
	}
}

// writeQueued writes the queued chunks until the queue closes or a write fails.
func (w *valueWriter) writeQueued(queue <-chan chunk, stopped chan<- error) {
	for c := range queue {
		if err := w.exec(c.rows, c.args, c.lean); err != nil {
			stopped <- err
			return
		}
		select {
		case w.free <- c:
		default:
		}
	}
	stopped <- nil
}

// wait waits until every queued chunk is written.
func (w *valueWriter) wait() error {
	if w.queue != nil {
		close(w.queue)
		w.err = <-w.stopped
		w.queue = nil
	}
	return w.err
}

// flush writes every queued row and waits until they are written.
func (w *valueWriter) flush() error {
	if err := w.wait(); err != nil {
		return err
	}
	args, lean := w.encode(w.rows, nil)
	w.err = w.exec(w.rows, args, lean)
	w.rows = w.rows[:0]
	return w.err
}

// encode turns rows into the statement's parameters, and notes what the end of
// the write needs: the ids for the reference check, when each report arrived, and
// the range of dates. The parameters go into args[:0]: chunks reuse their slices.
func (w *valueWriter) encode(rows []pendingRow, args []any) (_ []any, lean bool) {
	lean = true
	for _, r := range rows {
		wp, _ := w.period(r.v.Period)
		_, fits := packKey(r.v.IndicatorID, wp.n, r.v.UnitID)
		if r.v.Note != "" || !r.v.ChangedAt.IsZero() || !fits {
			lean = false
			break
		}
	}
	columns := writerColumns
	if lean {
		columns = leanColumns
	}
	args = slices.Grow(args[:0], 2+len(rows)*columns)
	// A batch's values carry no time of their own (see the migration).
	var defaultAt any = w.at
	if w.src.BatchID != 0 {
		defaultAt = nil
	}
	args = append(args, w.batch, defaultAt)
	for _, r := range rows {
		v := r.v
		wp, _ := w.period(v.Period)
		var note, changed any
		at := w.at
		if v.Note != "" {
			note = v.Note
		}
		if !v.ChangedAt.IsZero() {
			at = v.ChangedAt.UTC().Format(time.RFC3339)
			changed = at
		}
		if lean {
			key, _ := packKey(v.IndicatorID, wp.n, v.UnitID)
			args = append(args, key, v.LocalityID, v.Value)
		} else {
			args = append(args, v.IndicatorID, int64(wp.n), v.LocalityID, v.UnitID, v.Value, note, changed)
		}
		mark(w.indicators, v.IndicatorID)
		mark(w.localities, v.LocalityID)
		mark(w.units, v.UnitID)
		k := reportKey{v.UnitID, v.IndicatorID, v.Period}
		if first, ok := w.reports[k]; !ok || at < first {
			w.reports[k] = at
		}
		if w.from == "" || wp.start < w.from {
			w.from = wp.start
		}
		if wp.end > w.to {
			w.to = wp.end
		}
	}
	return args, lean
}

// mark adds id to set. Most ids are there already, and looking up costs less
// than assigning.
func mark(set map[int64]bool, id int64) {
	if !set[id] {
		set[id] = true
	}
}

// exec writes rows, encoded as args, in one statement. It runs in the background
// (see send) and touches only the counts and the duplicates.
func (w *valueWriter) exec(rows []pendingRow, args []any, lean bool) error {
	if len(rows) == 0 {
		return nil
	}
	stmt, own, err := w.chunkStatement(len(rows), lean)
	if err != nil {
		return err
	}
	if own {
		defer stmt.close()
	}
	// The caller may use the transaction meanwhile (to hold cells), so the write
	// and the reading of what it did go together.
	var changed, lastDuplicate int64
	if err := stmt.runThen(w.ctx, args, w.after, &changed, &lastDuplicate); err != nil {
		return fmt.Errorf("write values: %w", err)
	}
	w.changed += changed
	w.sent += len(rows)
	return w.collectDuplicates(rows, lastDuplicate)
}

// chunkStatement is the statement that writes n rows. A full chunk's is prepared
// once, when first needed: a save of a few cells never needs it, and preparing a
// statement of thousands of parameters takes milliseconds. A shorter chunk, the
// last one, gets one of its own, which the caller closes.
func (w *valueWriter) chunkStatement(n int, lean bool) (stmt *rawStmt, own bool, err error) {
	if n < writeChunk {
		stmt, err = prepareRaw(w.ctx, w.conn, upsertSQL(n, lean))
		return stmt, true, err
	}
	cached := &w.full
	if lean {
		cached = &w.lean
	}
	if *cached == nil {
		if *cached, err = prepareRaw(w.ctx, w.conn, upsertSQL(writeChunk, lean)); err != nil {
			return nil, false, err
		}
	}
	return *cached, false, nil
}

// collectDuplicates matches the duplicates the trigger noted during the last flush
// to the rows of that flush. SQLite writes the rows in order, so for a key noted d
// times that occurs c times in the chunk, its last d occurrences are the duplicates.
func (w *valueWriter) collectDuplicates(chunk []pendingRow, last int64) error {
	type key struct {
		ind, loc, unit int64
		start, end     string
	}
	if last == w.dupSeen { // the common case
		return nil
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
	for i, r := range chunk {
		wp := w.periods[r.v.Period]
		k := key{r.v.IndicatorID, r.v.LocalityID, r.v.UnitID, wp.start, wp.end}
		if _, ok := noted[k]; ok {
			occurrences[k] = append(occurrences[k], i)
		}
	}
	var found []Duplicate
	for k, d := range noted {
		occ := occurrences[k]
		firstTag := 0
		if len(occ) > d {
			firstTag = chunk[occ[len(occ)-d-1]].tag
		}
		for _, i := range occ[max(0, len(occ)-d):] {
			found = append(found, Duplicate{Value: chunk[i].v, Tag: chunk[i].tag, FirstTag: firstTag})
		}
	}
	slices.SortFunc(found, func(a, b Duplicate) int { return a.Tag - b.Tag })
	w.dups = append(w.dups, found...)
	return nil
}

// takeDuplicates returns the duplicates found since the last call; call after flush.
func (w *valueWriter) takeDuplicates() []Duplicate {
	d := w.dups
	w.dups = nil
	return d
}

// changedFigure is true for a value_history row that changed what a value says,
// not only which batch reports it.
const changedFigure = `(new_value IS NOT old_value OR new_note IS NOT old_note)`

// counts tells what the writer did so far; call after flush.
func (w *valueWriter) counts() (WriteCounts, error) {
	// changes() counts the figures a batch took over unchanged (see upsertSQL);
	// for the officer they are unchanged.
	var updated, taken int
	err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FILTER (WHERE `+changedFigure+`), count(*) FILTER (WHERE NOT (`+changedFigure+`))
		FROM value_history WHERE id > ? AND old_value IS NOT NULL`, w.histStart).Scan(&updated, &taken)
	if err != nil {
		return WriteCounts{}, err
	}
	return WriteCounts{Inserted: int(w.changed) - updated - taken, Updated: updated,
		Unchanged: w.sent - int(w.changed) - int(w.dupSeen) + taken}, nil
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
		WHERE id > ? AND old_value IS NOT NULL AND `+changedFigure+` ORDER BY id LIMIT ?`, w.histStart, limit)
}

// close finalizes the writer's statements; finish does it, and so must whoever
// abandons a writer.
func (w *valueWriter) close() {
	for _, st := range []**rawStmt{&w.full, &w.lean, &w.after} {
		(*st).close() //nolint:errcheck // nothing to do about a statement that will not close
		*st = nil
	}
}

// finish writes what is queued, records when each report arrived, and removes the
// triggers so that later statements in the transaction are not audited twice.
func (w *valueWriter) finish() (WriteCounts, error) {
	if err := w.flush(); err != nil {
		return WriteCounts{}, err
	}
	clashes, err := w.periodClashes(maxClashes)
	if err != nil {
		return WriteCounts{}, err
	}
	if len(clashes) > 0 {
		return WriteCounts{}, w.clashError(clashes)
	}
	for k, at := range w.reports {
		wp := w.periods[k.period]
		if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO report_received(unit_id, indicator_id, period, period_start, period_end, first_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at)`,
			k.unit, k.indicator, k.period.ID(), wp.start, wp.end, at); err != nil {
			return WriteCounts{}, err
		}
	}
	wc, err := w.counts()
	if err != nil {
		return wc, err
	}
	w.close()
	for _, q := range []string{"DROP TRIGGER temp.write_keep_first", "DROP TRIGGER temp.write_audit_update",
		"DROP TRIGGER IF EXISTS temp.write_audit_insert"} {
		if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
			return wc, err
		}
	}
	return wc, nil
}
