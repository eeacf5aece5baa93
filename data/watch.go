package data

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Watcher tells when anything was committed to the database file, by this process
// or any other (danvanctl importing while the app is open), so that every view of
// the figures can read them again: a figure on screen is never older than the file.
//
// It asks SQLite's PRAGMA data_version on a connection of its own that never
// writes: the number moves whenever another connection commits, and every writer,
// this process's included, is another connection.
type Watcher struct {
	db   *sql.DB
	last int64
}

// WatchEvery is how often a Watcher's Run looks: a change another process makes
// shows within about this long.
const WatchEvery = 500 * time.Millisecond

// NewWatcher starts watching from the database as it is now.
func (s *Store) NewWatcher(ctx context.Context) (*Watcher, error) {
	db, err := sql.Open("sqlite3", dsn(s.path, true))
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", s.path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0) // data_version is per connection: keep the one
	w := &Watcher{db: db}
	if w.last, err = w.version(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("watch %s: %w", s.path, err)
	}
	return w, nil
}

func (w *Watcher) version(ctx context.Context) (int64, error) {
	var v int64
	err := w.db.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	return v, err
}

// Changed reports whether anything was committed since the last call.
func (w *Watcher) Changed(ctx context.Context) (bool, error) {
	v, err := w.version(ctx)
	if err != nil {
		return false, fmt.Errorf("watch for changes: %w", err)
	}
	changed := v != w.last
	w.last = v
	return changed, nil
}

// Run calls changed after each commit, looking every WatchEvery, until ctx ends;
// then it closes the watcher. A failed look is tried again at the next tick: the
// file may be locked for a moment by a checkpoint.
func (w *Watcher) Run(ctx context.Context, changed func()) {
	defer w.db.Close()
	tick := time.NewTicker(WatchEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if ok, err := w.Changed(ctx); err == nil && ok {
				changed()
			}
		}
	}
}

// Close stops watching; Run closes the watcher itself when its context ends.
func (w *Watcher) Close() error { return w.db.Close() }
