package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Batch is one imported file: what it was, who brought it in, and what it did.
type Batch struct {
	ID         int64
	FileName   string
	SHA256     string
	Defaults   string // report period, unit and sheet the file was read with for what it lacks
	UnitID     int64  // 0 when the file named several units or none was given
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

// BatchWriter writes one import batch in a single transaction, value by value as
// the file is read, so memory stays flat however long the file. Nothing is visible
// to anyone else until Commit; Rollback (or an error, or a cancelled context)
// leaves the database exactly as it was. A dry run is a batch rolled back after
// its counts are read: the counts come from the same code that commits.
//
// It holds the write connection from BeginBatch to Commit or Rollback: other
// writers wait (up to the busy timeout) while a file is read.
type BatchWriter struct {
	ctx   context.Context
	conn  *sql.Conn
	tx    *sql.Tx
	w     *valueWriter
	batch Batch
	held  *sql.Stmt
	hold  [][]byte
}

// BeginBatch starts writing an import batch. b names the file, who imports it and
// when; the rest is set by Commit.
func (s *Store) BeginBatch(ctx context.Context, b Batch) (*BatchWriter, error) {
	if b.ImportedBy == "" {
		b.ImportedBy = CurrentUser()
	}
	if b.ImportedAt.IsZero() {
		b.ImportedAt = time.Now()
	}
	b.Status = BatchCommitted
	conn, err := s.rw.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// Foreign keys cost four lookups per value, a third of an import's time. The
	// batch checks its references itself instead: the importer takes its ids from
	// the catalog it reads after this transaction has begun, and nobody else can
	// write until it ends (see checkReferences).
	// Statement journals in memory: on disk they cost five times the writes of
	// the values themselves. Nothing large lives in temp (see Hold).
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		conn.Close()
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		closeConn(conn)
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		closeConn(conn)
		return nil, err
	}
	bw := &BatchWriter{ctx: ctx, conn: conn, tx: tx, batch: b}
	err = tx.QueryRowContext(ctx, `INSERT INTO import_batch(file_name, sha256, imported_at, imported_by, status)
		VALUES (?, '', ?, ?, ?) RETURNING id`,
		b.FileName, b.ImportedAt.UTC().Format(time.RFC3339), b.ImportedBy, b.Status).Scan(&bw.batch.ID)
	if err == nil {
		bw.w, err = newValueWriter(ctx, conn, tx, Source{Kind: "import", BatchID: bw.batch.ID, User: b.ImportedBy, At: b.ImportedAt})
	}
	if err != nil {
		bw.Rollback() //nolint:errcheck // the error that matters is err
		return nil, fmt.Errorf("import %s: %w", b.FileName, err)
	}
	return bw, nil
}

// closeConn turns foreign keys back on and temporary storage back to the default
// before the connection returns to the pool.
func closeConn(conn *sql.Conn) error {
	_, err := conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON")
	if errors.Is(err, sql.ErrConnDone) {
		return nil // a cancelled transaction: database/sql has discarded the connection
	}
	if err == nil {
		_, err = conn.ExecContext(context.Background(), "PRAGMA temp_store = DEFAULT")
	}
	if err != nil {
		// A connection that cannot be reset must not serve another write.
		conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck // the point is the error
	}
	return errors.Join(err, conn.Close())
}

// Add writes v as part of the batch; tag (the importer's line number) comes back
// in Duplicates if the batch already wrote v's key.
func (bw *BatchWriter) Add(v Value, tag int) error {
	v.BatchID = bw.batch.ID
	v.ChangedAt = time.Time{}
	return bw.w.add(v, tag)
}

// Duplicates returns the rows found since the last call to repeat a key the batch
// had already written. Rows are written in chunks, in the background: call it only
// after Flush.
func (bw *BatchWriter) Duplicates() []Duplicate { return bw.w.takeDuplicates() }

// Flush writes the rows Add queued.
func (bw *BatchWriter) Flush() error { return bw.w.flush() }

// Hold keeps an item the caller cannot decide on yet (the importer's numbers whose
// reading depends on the file's number style, known only at its end) in the
// import_held table rather than in memory; Held gives them back in order. The
// table is in the main file, not temp: temp lives in memory during a batch.
func (bw *BatchWriter) Hold(item []byte) error {
	bw.hold = append(bw.hold, item)
	if len(bw.hold) < writeChunk {
		return nil
	}
	return bw.flushHeld()
}

func (bw *BatchWriter) flushHeld() error {
	if len(bw.hold) == 0 {
		return nil
	}
	if bw.held == nil {
		var err error
		if bw.held, err = bw.tx.PrepareContext(bw.ctx, `INSERT INTO import_held(batch_id, item) SELECT ?, unhex(value) FROM json_each(?)`); err != nil {
			return err
		}
	}
	buf := []byte{'['}
	for i, item := range bw.hold {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = hex.AppendEncode(buf, item)
		buf = append(buf, '"')
	}
	buf = append(buf, ']')
	bw.hold = bw.hold[:0]
	_, err := bw.held.ExecContext(bw.ctx, bw.batch.ID, string(buf))
	return err
}

// Held calls fn with each item given to Hold, in order, and forgets them.
func (bw *BatchWriter) Held(fn func(item []byte) error) error {
	if err := bw.flushHeld(); err != nil || bw.held == nil {
		return err
	}
	rows, err := bw.tx.QueryContext(bw.ctx, "SELECT item FROM import_held WHERE batch_id = ? ORDER BY n", bw.batch.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var item []byte
		if err := rows.Scan(&item); err != nil {
			return err
		}
		if err := fn(item); err != nil {
			return err
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	_, err = bw.tx.ExecContext(bw.ctx, "DELETE FROM import_held WHERE batch_id = ?", bw.batch.ID)
	return err
}

// Counts tells what the batch has done so far: values new, changed and unchanged.
func (bw *BatchWriter) Counts() (WriteCounts, error) {
	if err := bw.w.flush(); err != nil {
		return WriteCounts{}, err
	}
	return bw.w.counts()
}

// Changes lists up to limit of the values the batch overwrote, with what they held:
// what a preview shows as "old -> new".
func (bw *BatchWriter) Changes(limit int) ([]ValueChange, error) {
	if err := bw.w.flush(); err != nil {
		return nil, err
	}
	return bw.w.changes(limit)
}

// PeriodClashes lists up to limit values of the batch whose indicator, locality
// and unit also hold a value for an overlapping period (see PeriodClash); Commit
// refuses a batch that has any.
func (bw *BatchWriter) PeriodClashes(limit int) ([]PeriodClash, error) {
	if err := bw.w.flush(); err != nil {
		return nil, err
	}
	return bw.w.periodClashes(limit)
}

// BatchTotals is what only the end of a file tells about its batch.
type BatchTotals struct {
	SHA256   string
	Defaults string
	UnitID   int64 // the unit of every value, or 0 when the file named several
	Rows     int   // values read, rejected ones included
	Rejected int
}

// Commit records the batch with its totals and makes it visible, all at once.
func (bw *BatchWriter) Commit(t BatchTotals) (Batch, error) {
	b := bw.batch
	wc, err := bw.w.finish()
	if err == nil {
		b.SHA256, b.Defaults, b.UnitID, b.Rows, b.Rejected = t.SHA256, t.Defaults, t.UnitID, t.Rows, t.Rejected
		b.Inserted, b.Updated, b.Unchanged = wc.Inserted, wc.Updated, wc.Unchanged
		_, err = bw.tx.ExecContext(bw.ctx, `UPDATE import_batch SET sha256 = ?, defaults = ?, unit_id = ?, rows = ?, rejected = ?, inserted = ?, updated = ?,
			unchanged = ?, period_from = ?, period_to = ? WHERE id = ?`,
			b.SHA256, b.Defaults, nullID(b.UnitID), b.Rows, b.Rejected, b.Inserted, b.Updated, b.Unchanged, nullText(bw.w.from), nullText(bw.w.to), b.ID)
	}
	if err == nil {
		err = bw.checkReferences()
	}
	if err == nil {
		err = bw.tx.Commit()
	}
	if err != nil {
		bw.Rollback() //nolint:errcheck // the error that matters is err
		return Batch{}, fmt.Errorf("import %s: %w", b.FileName, err)
	}
	// Fresh statistics let SQLite skip-scan the value key for reads by locality
	// (merges, delete checks): a sampled ANALYZE takes milliseconds even over
	// millions of values, and an out-of-date one only costs speed, so its error
	// is not the import's.
	_, _ = bw.conn.ExecContext(bw.ctx, "PRAGMA analysis_limit = 1000; ANALYZE")
	conn := bw.conn
	bw.conn = nil
	return b, closeConn(conn)
}

// checkReferences is the foreign key check for the batch's values, done once per
// distinct id rather than once per value, and in one statement per table.
func (bw *BatchWriter) checkReferences() error {
	for _, ref := range []struct {
		table string
		ids   map[int64]bool
	}{{"indicator", bw.w.indicators}, {"locality", bw.w.localities}, {"unit", bw.w.units}} {
		var missing int64
		err := bw.tx.QueryRowContext(bw.ctx, `SELECT j.value FROM json_each(?) j
			WHERE NOT EXISTS (SELECT 1 FROM `+ref.table+` WHERE id = j.value) LIMIT 1`, jsonIDs(ref.ids)).Scan(&missing)
		switch {
		case err == nil:
			return fmt.Errorf("%s #%d does not exist (deleted while the file was read?); import the file again", ref.table, missing)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	return nil
}

// Rollback abandons the batch and gives the write connection back; after Commit,
// or a second time, it does nothing.
func (bw *BatchWriter) Rollback() error {
	if bw.conn == nil {
		return nil
	}
	if bw.w != nil {
		bw.w.wait() //nolint:errcheck // rolling back anyway
		bw.w.close()
	}
	err := bw.tx.Rollback()
	if errors.Is(err, sql.ErrTxDone) {
		err = nil // a cancelled context: database/sql has rolled back already
	}
	// The connection goes back to the pool whatever happened: it is the only
	// writer, and every later save would wait for it.
	conn := bw.conn
	bw.conn = nil
	return errors.Join(err, closeConn(conn))
}

// jsonIDs writes a set of ids as a JSON array, for json_each: one parameter for
// thousands of ids.
func jsonIDs(set map[int64]bool) string {
	list := []byte{'['}
	for id := range set {
		if len(list) > 1 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, id, 10)
	}
	return string(append(list, ']'))
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const batchColumns = `id, file_name, sha256, defaults, COALESCE(unit_id, 0), imported_at, imported_by, rows, inserted, updated, unchanged, rejected, status`

func scanBatch(sc interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	var at string
	err := sc.Scan(&b.ID, &b.FileName, &b.SHA256, &b.Defaults, &b.UnitID, &at, &b.ImportedBy, &b.Rows, &b.Inserted, &b.Updated, &b.Unchanged, &b.Rejected, &b.Status)
	b.ImportedAt, _ = time.Parse(time.RFC3339, at)
	return b, err
}

// Batches lists every import, newest first.
func (s *Store) Batches(ctx context.Context) ([]Batch, error) {
	return queryAll(ctx, s.ro, scanBatch, "SELECT "+batchColumns+" FROM import_batch ORDER BY id DESC")
}

// BatchBySHA finds the latest batch still in force that imported a file with this
// content read with these defaults, so importing the same report twice can say
// when it was done before.
func (s *Store) BatchBySHA(ctx context.Context, sha, defaults string) (Batch, error) {
	b, err := scanBatch(s.ro.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM import_batch WHERE sha256 = ? AND defaults = ? AND status = ? ORDER BY id DESC LIMIT 1",
		sha, defaults, BatchCommitted))
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("import of file %.12s…: %w", sha, ErrNotFound)
	}
	return b, err
}
