// Package testdb damages SQLite files, for the tests of the code that must notice.
package testdb

import (
	"database/sql"
	"errors"
	"os"
	"testing"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// DamagePage overwrites the second half of the root page of table's b-tree in the
// closed database at path, where an interior page keeps its cells: SQLite then
// reads the file's header and schema as before, but the table's rows are lost.
func DamagePage(t testing.TB, path, table string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int64
	err = db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&root)
	if err == nil {
		err = db.QueryRow("PRAGMA page_size").Scan(&pageSize)
	}
	if err == nil {
		// Everything into the file, so that the damage is not undone by a WAL.
		_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, pageSize/2)
	for i := range junk {
		junk[i] = 0xA5
	}
	_, err = f.WriteAt(junk, (root-1)*pageSize+pageSize/2)
	if err := errors.Join(err, f.Close()); err != nil {
		t.Fatal(err)
	}
}
