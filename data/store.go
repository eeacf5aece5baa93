// Package data owns danvan's database: the domain types, every line of SQL, and the
// rules that keep reported results adding up across locality reforms. It knows
// nothing of Fyne; the GUI and the command line both sit on top of it.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ApplicationID marks a SQLite file as a danvan database ('DANV' in ASCII).
const ApplicationID = 0x44414E56

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Errors that Open returns for files it refuses. The file is never modified then.
var (
	ErrNotDanvan    = errors.New("not a danvan database")
	ErrNewerVersion = errors.New("database was written by a newer version of danvan")
	ErrCorrupt      = errors.New("database file is damaged or not an SQLite file")
)

// Store is an open danvan database.
//
// Writes go through a single connection so that transactions in this process queue
// instead of failing; reads use a separate read-only pool so a long report never
// blocks a save. Other processes (danvanctl importing while the GUI is open) are
// handled by WAL and the busy timeout.
type Store struct {
	path  string
	rw    *sql.DB
	ro    *sql.DB
	graph graphCache
}

// busyTimeout is how long a writer waits for another process's transaction. An
// import of a million rows commits in a few seconds, so this is generous.
const busyTimeout = 30000

// Open opens the danvan database at path, creating it when the file does not exist
// or is empty, and applies pending migrations. A file that is not a danvan database,
// is damaged, or comes from a newer version is refused and left untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	// SQLite's URI form reads a relative path's first element as an authority.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := inspect(ctx, path); err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create folder for database: %w", err)
		}
	}
	rw, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	rw.SetMaxOpenConns(1)
	s := &Store{path: path, rw: rw}
	if err := s.migrate(ctx); err != nil {
		rw.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ro, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		rw.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ro.SetMaxOpenConns(max(2, runtime.NumCPU()))
	s.ro = ro
	return s, nil
}

// Path is the database file's location.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.ro.Close(), s.rw.Close())
}

// dsn builds a mattn/go-sqlite3 URI. Pragmas are per connection, so they belong in the
// DSN rather than in one Exec on the pool.
func dsn(path string, readOnly bool) string {
	p := filepath.ToSlash(path)
	if runtime.GOOS == "windows" && filepath.VolumeName(path) != "" {
		p = "/" + p // file:///C:/... is how SQLite spells a drive letter
	}
	q := url.Values{}
	q.Set("_fk", "1")
	q.Set("_busy_timeout", strconv.Itoa(busyTimeout))
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("mode", "ro")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_txlock", "immediate")
	}
	return (&url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}).String()
}

// inspect refuses files that are not danvan databases before anything can write to
// them: opening read-write with journal_mode=WAL would already change the header.
func inspect(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && st.Size() == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("open %s: it is a folder, not a database file", path)
	}
	db, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	var appID, version, tables int
	err = db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID)
	if err == nil {
		err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	}
	if err == nil {
		err = db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (%v)", path, ErrCorrupt, err)
	}
	switch {
	case appID == 0 && tables == 0:
		return nil // an empty SQLite file: ours to initialise
	case appID != ApplicationID:
		return fmt.Errorf("%s: %w (it belongs to another program); choose a danvan database or a new file name", path, ErrNotDanvan)
	case version > len(migrationNames()):
		return fmt.Errorf("%s: %w (schema version %d, this program knows up to %d); install the newer danvan", path, ErrNewerVersion, version, len(migrationNames()))
	}
	return nil
}

func migrationNames() []string {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is a constant; Glob fails only on a malformed pattern
	}
	sort.Strings(names)
	return names
}

// migrate applies each pending migration file in its own transaction together with
// its user_version, so a crash leaves the file at one version or the next, never
// between.
func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.rw.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("%w (%v)", ErrCorrupt, err)
	}
	for i, name := range migrationNames() {
		n := i + 1
		if n <= version {
			continue
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// write runs fn in one immediate transaction: all of it is stored, or none.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeOnConn(ctx, func(_ *sql.Conn, tx *sql.Tx) error { return fn(tx) })
}

// writeOnConn is write for code that also needs the connection the transaction
// runs on (the value writer prepares its statements on the driver's connection).
func (s *Store) writeOnConn(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	conn, err := s.rw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if err := fn(conn, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Check runs SQLite's full integrity check and the foreign key check, and returns the
// problems found (none for a healthy file).
func (s *Store) Check(ctx context.Context) ([]string, error) {
	var problems []string
	rows, err := s.ro.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return nil, err
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	fk, err := s.ro.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, err
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var idx int
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("table %s row %d refers to a missing row in %s", table, rowid.Int64, parent))
	}
	return problems, fk.Err()
}

// Backup writes a consistent copy of the database to dest while others keep working.
// VACUUM INTO produces a compact, self-contained file (no WAL) in one statement.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", dest)
	}
	if _, err := s.ro.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}
