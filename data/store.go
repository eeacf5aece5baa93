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
	"strings"
	"syscall"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ApplicationID marks a SQLite file as a danvan database ('DANV' in ASCII).
const ApplicationID = 0x44414E56

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Errors for databases that cannot be opened, or not as asked. The file is never
// modified then.
var (
	ErrNotDanvan    = errors.New("not a danvan database")
	ErrNewerVersion = errors.New("database was written by a newer version of danvan")
	ErrCorrupt      = errors.New("database file is damaged or not an SQLite file")
	ErrNoDatabase   = errors.New("no database")
	ErrReadOnly     = errors.New("the database is read-only")
)

// Store is an open danvan database.
//
// Writes go through a single connection so that transactions in this process queue
// instead of failing; reads use a separate read-only pool so a long report never
// blocks a save. Other processes (danvanctl importing while the GUI is open) are
// handled by WAL and the busy timeout.
type Store struct {
	path     string
	resolved string // path with its folder's symlinks resolved, to recognise it as an output
	rw       *sql.DB
	ro       *sql.DB
	graph    graphCache
}

// busyTimeout is how long a writer waits for another process's transaction. An
// import of a million rows commits in a few seconds, so this is generous.
const busyTimeout = 30000

// openMode says what an open may do to the file.
type openMode int

const (
	modeCreate openMode = iota // create a missing file, then read and write
	modeWrite                  // an existing file, read and write
	modeRead                   // an existing file, never written
)

// Open opens the danvan database at path, creating it (and its folder) when the file
// does not exist or is empty, and applies pending migrations. Only what creates a
// database calls it (the app's first run, New database, danvanctl init and demo);
// everything else opens an existing one with OpenExisting or OpenReadOnly.
//
// A file that is not a danvan database, is damaged, comes from a newer version, or
// cannot be written is refused and left untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, modeCreate)
}

// OpenExisting is Open for a database that must already exist: a missing file is
// ErrNoDatabase, not a new empty database under a mistyped name.
func OpenExisting(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, modeWrite)
}

// OpenReadOnly opens an existing database for reading only: from a read-only file or
// folder, a network drive, or a command that has nothing to write. It never writes
// to the file, so it neither migrates nor runs the quick check that guards writes
// (reading a damaged page fails with ErrCorrupt then); writes on the store fail.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, modeRead)
}

func open(ctx context.Context, path string, mode openMode) (*Store, error) {
	// SQLite's URI form reads a relative path's first element as an authority.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	st, err := os.Stat(path)
	missing := errors.Is(err, fs.ErrNotExist)
	switch {
	case missing && mode != modeCreate:
		return nil, fmt.Errorf("%w at %s", ErrNoDatabase, path)
	case err != nil && !missing:
		return nil, fmt.Errorf("open %s: %w", path, err)
	case err == nil && st.IsDir():
		return nil, fmt.Errorf("open %s: it is a folder, not a database file", path)
	}
	if mode == modeCreate || mode == modeWrite {
		return openWrite(ctx, path, mode, missing)
	}
	read := readDSN(ctx, path)
	if err := inspect(ctx, path, read, mode); err != nil {
		return nil, err
	}
	s := &Store{path: path, resolved: resolvePath(path)}
	// Writes fail on a read-only connection; a second pool would only hide that.
	if s.rw, err = sql.Open("sqlite3", read); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.rw.SetMaxOpenConns(1)
	s.ro = s.rw
	return s, nil
}

func openWrite(ctx context.Context, path string, mode openMode, missing bool) (*Store, error) {
	if err := checkLocal(path); err != nil {
		return nil, err
	}
	if missing {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create folder for database: %w", err)
		}
	} else {
		if err := checkWritable(path); err != nil {
			return nil, err
		}
		if err := inspect(ctx, path, dsn(path, true), mode); err != nil {
			return nil, err
		}
	}
	rw, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	rw.SetMaxOpenConns(1)
	s := &Store{path: path, resolved: resolvePath(path), rw: rw}
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

// checkWritable refuses a database this process cannot write: SQLite would open the
// file read-only without a word and fail at the first save, and in WAL mode it must
// also create the -wal and -shm files beside it.
func checkWritable(path string) error {
	readOnly := func(err error) error {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			return fmt.Errorf("%s: %w (%v); copy it to a folder you can write to, or ask for write permission", path, ErrReadOnly, err)
		}
		return fmt.Errorf("open %s: %w", path, err)
	}
	needFolder := false
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) && name != path {
			needFolder = true
			continue
		}
		if err != nil {
			return readOnly(err)
		}
		f.Close()
	}
	if !needFolder {
		return nil
	}
	probe, err := os.CreateTemp(filepath.Dir(path), ".danvan-probe-*")
	if err != nil {
		return readOnly(err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// readDSN is how a read-only store reads path. In WAL mode even a reader needs the
// -shm file; when the folder is read-only and no writer has left one, SQLite can
// only read the file as immutable. That is safe here: without a -wal file all data
// is in the database file, and nobody can start writing in a folder that, like
// ours, cannot take the -wal file.
func readDSN(ctx context.Context, path string) string {
	ro := dsn(path, true)
	if readable(ctx, ro) == nil {
		return ro
	}
	if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
		if immutable := ro + "&immutable=1"; readable(ctx, immutable) == nil {
			return immutable
		}
	}
	return ro // inspect tells why it cannot be read
}

func readable(ctx context.Context, dsn string) error {
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var id int
	return db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id)
}

// Path is the database file's location.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	if s.ro == s.rw {
		return s.rw.Close()
	}
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

// maxProblems is how many of a damaged file's problems an error quotes.
const maxProblems = 3

// inspect refuses files that are not danvan databases before anything can write to
// them: opening read-write with journal_mode=WAL would already change the header. A
// database opened for writing must also pass SQLite's quick check, so that an import
// does not pile data onto a damaged file.
func inspect(ctx context.Context, path, readDSN string, mode openMode) error {
	empty := fmt.Errorf("%w at %s (the file is empty)", ErrNoDatabase, path)
	if st, err := os.Stat(path); err == nil && st.Size() == 0 {
		if mode == modeCreate {
			return nil
		}
		return empty
	}
	db, err := sql.Open("sqlite3", readDSN)
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
	latest := len(migrationNames())
	switch {
	case appID == 0 && tables == 0 && mode == modeCreate:
		return nil // an empty SQLite file: ours to initialise
	case appID == 0 && tables == 0:
		return empty
	case appID != ApplicationID:
		return fmt.Errorf("%s: %w (it belongs to another program); choose a danvan database or a new file name", path, ErrNotDanvan)
	case version > latest:
		return fmt.Errorf("%s: %w (schema version %d, this program knows up to %d); install the newer danvan", path, ErrNewerVersion, version, latest)
	case version < latest && mode == modeRead:
		return fmt.Errorf("%s: schema version %d needs upgrading to %d, which reading alone cannot do; open it once where it can be written", path, version, latest)
	case mode == modeCreate || mode == modeWrite:
		return quickCheck(ctx, db, path)
	}
	return nil
}

// quickCheck runs SQLite's quick check, which reads every page but skips the
// comparison of indexes with their tables; it fails with ErrCorrupt and the first
// problems it found.
func quickCheck(ctx context.Context, db *sql.DB, path string) error {
	problems, err := pragmaCheck(ctx, db, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("%s: %w (%v)", path, ErrCorrupt, err)
	}
	if len(problems) > 0 {
		quoted := strings.Join(problems[:min(len(problems), maxProblems)], "; ")
		if more := len(problems) - maxProblems; more > 0 {
			quoted += fmt.Sprintf("; and %d more", more)
		}
		return fmt.Errorf("%s: %w: %s; restore the latest backup", path, ErrCorrupt, quoted)
	}
	return nil
}

// pragmaCheck runs quick_check or integrity_check and returns the problems it
// reports, one per line: none for a healthy file. SQLite may end a damning report
// with a "malformed" error; the report is the answer then.
func pragmaCheck(ctx context.Context, db *sql.DB, pragma string) ([]string, error) {
	rows, err := db.QueryContext(ctx, pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return nil, err
		}
		for line := range strings.Lines(msg) {
			line = strings.TrimSpace(line)
			if line != "ok" && line != "" && !strings.HasPrefix(line, "*** in database") {
				problems = append(problems, line)
			}
		}
	}
	if err := rows.Err(); err != nil && len(problems) == 0 {
		return nil, err
	}
	return problems, nil
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
// problems found (none for a healthy file). Open a damaged database with
// OpenReadOnly to list its problems: the other opens refuse it.
func (s *Store) Check(ctx context.Context) ([]string, error) {
	problems, err := pragmaCheck(ctx, s.ro, "PRAGMA integrity_check")
	if err != nil || len(problems) > 0 {
		return problems, err // the foreign key check cannot read damaged tables
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
// VACUUM INTO produces a compact, self-contained file (no WAL) in one statement. It
// writes to a temporary file beside dest, checks that the copy opens as a healthy
// danvan database, and only then renames it to dest: a full disk or a cancelled
// backup leaves nothing under dest and no temporary files.
func (s *Store) Backup(ctx context.Context, dest string) error {
	// VACUUM INTO reads such a name as a URI: "file:x?mode=memory" writes nothing.
	if strings.HasPrefix(strings.ToLower(dest), "file:") {
		return fmt.Errorf("backup to %s: %w: SQLite would read the name as a URI; write ./%s for a file of that name", dest, ErrOutputRefused, dest)
	}
	if err := s.CheckOutput(dest); err != nil {
		return err
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", dest)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".danvan-backup-*.db")
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	tmp.Close()
	name := resolvePath(tmp.Name())
	defer func() {
		for _, suffix := range append([]string{""}, journalSuffixes...) {
			os.Remove(name + suffix) // after the rename only the checked copy's empty journals are left
		}
	}()
	if _, err := s.ro.ExecContext(ctx, "VACUUM INTO ?", name); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if err := inspect(ctx, name, dsn(name, true), modeWrite); err != nil {
		return fmt.Errorf("backup to %s: the copy does not check out: %w", dest, err)
	}
	if err := os.Rename(name, dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}
