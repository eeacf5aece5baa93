package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// rawStmt is a statement prepared on the driver's own connection, for the value
// writer's chunks of 1,200 parameters. Through database/sql each parameter would
// be converted and copied into a new slice at every run, and the driver's Exec
// binds them one call into C at a time and starts a goroutine to watch the
// context; its Query binds them all in one call. Skipping both made a million-row
// import a tenth faster. Parameters must already be driver values (int64,
// float64, string, []byte, nil).
type rawStmt struct {
	conn  *sql.Conn
	stmt  driver.Stmt
	named []driver.NamedValue // reused: one chunk is written at a time
	row   []driver.Value
}

func prepareRaw(ctx context.Context, conn *sql.Conn, query string) (*rawStmt, error) {
	s := &rawStmt{conn: conn}
	err := conn.Raw(func(dc any) error {
		p, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("the database driver %T cannot prepare statements with a context", dc)
		}
		var err error
		s.stmt, err = p.PrepareContext(ctx, query)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// runThen runs the statement with args, then next, reading next's first row into
// into, with no other statement on the connection in between: what next reads of
// the first (changes(), say) is about it alone, whatever other goroutines use the
// transaction for meanwhile.
func (s *rawStmt) runThen(ctx context.Context, args []any, next *rawStmt, into ...*int64) error {
	return s.conn.Raw(func(any) error {
		if err := s.query(ctx, args, nil); err != nil {
			return err
		}
		return next.query(ctx, nil, into)
	})
}

// query runs the statement with args and reads the first row's columns, integers,
// into into. It runs inside conn.Raw.
func (s *rawStmt) query(ctx context.Context, args []any, into []*int64) error {
	q, ok := s.stmt.(driver.StmtQueryContext)
	if !ok {
		return fmt.Errorf("the database driver's statement %T cannot run with a context", s.stmt)
	}
	s.named = s.named[:0]
	for i, a := range args {
		s.named = append(s.named, driver.NamedValue{Ordinal: i + 1, Value: a})
	}
	rows, err := q.QueryContext(ctx, s.named)
	if err != nil {
		return err
	}
	if n := len(rows.Columns()); cap(s.row) < n {
		s.row = make([]driver.Value, n)
	}
	row := s.row[:len(rows.Columns())]
	for i := 0; err == nil; i++ {
		if err = rows.Next(row); err == nil && i == 0 {
			err = scanInts(row, into)
		}
	}
	if err == io.EOF {
		err = nil
	}
	return errors.Join(err, rows.Close())
}

func scanInts(row []driver.Value, into []*int64) error {
	if len(into) > len(row) {
		return fmt.Errorf("%d columns to read from a row of %d", len(into), len(row))
	}
	for i, p := range into {
		v, ok := row[i].(int64)
		if !ok {
			return fmt.Errorf("column %d is %T, not an integer", i+1, row[i])
		}
		*p = v
	}
	return nil
}

// close finalizes the statement. On a connection database/sql has already
// discarded (after a cancelled context), the driver's finalizer does it.
func (s *rawStmt) close() error {
	if s == nil {
		return nil
	}
	err := s.conn.Raw(func(any) error { return s.stmt.Close() })
	if errors.Is(err, sql.ErrConnDone) {
		return nil
	}
	return err
}
