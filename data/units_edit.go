package data

import (
	"context"
	"database/sql"

	"danvan/data/message"
)

// What an officer editing units can be told.
var (
	msgUnitInUse     = message.New("it is referred to by {{.Refs}}; set the day it left service instead of deleting it")
	msgRefBatches    = message.New("{{.N}} imported files")
	msgRefChildUnits = message.New("{{.N}} units under it")
	msgRefPrograms   = message.New("{{.N}} programs")
	msgUnitNotFound  = message.New("the unit was not found")
)

// UnitPrograms lists the programs a unit takes part in, newest first.
func (s *Store) UnitPrograms(ctx context.Context, unitID int64) ([]Program, error) {
	return queryAll(ctx, s.ro, scanProgram, "SELECT "+programColumns+
		" FROM program WHERE id IN (SELECT program_id FROM program_unit WHERE unit_id = ?) ORDER BY start_date DESC, code", unitID)
}

// UnitReferences counts what refers to a unit.
type UnitReferences struct {
	Values, Batches, Children, Programs int
}

// Any reports whether anything refers to the unit.
func (r UnitReferences) Any() bool { return r != UnitReferences{} }

func (r UnitReferences) String() string { return joinEnglish(r.Parts()) }

// Parts lists what refers to the unit, one message for each kind.
func (r UnitReferences) Parts() []message.Text {
	return countParts([]int{r.Values, r.Batches, r.Children, r.Programs},
		[]message.Template{msgRefValues, msgRefBatches, msgRefChildUnits, msgRefPrograms})
}

// UnitReferences counts what refers to the unit.
func (s *Store) UnitReferences(ctx context.Context, id int64) (UnitReferences, error) {
	var r UnitReferences
	err := s.ro.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM value WHERE unit_id = ?1),
		(SELECT count(*) FROM import_batch WHERE unit_id = ?1),
		(SELECT count(*) FROM unit WHERE parent_id = ?1),
		(SELECT count(*) FROM program_unit WHERE unit_id = ?1)`, id).
		Scan(&r.Values, &r.Batches, &r.Children, &r.Programs)
	return r, err
}

// DeleteUnit deletes a unit that nothing refers to; one that is referred to is kept,
// and the error says by what.
func (s *Store) DeleteUnit(ctx context.Context, id int64) error {
	refs, err := s.UnitReferences(ctx, id)
	if err != nil {
		return err
	}
	if refs.Any() {
		return msgUnitInUse.With().Err().WithList("Refs", refs.Parts())
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM unit WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return msgUnitNotFound.With().Wrap(ErrNotFound)
		}
		return nil
	})
}
