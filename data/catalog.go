package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"danvan/data/message"
)

// What an officer editing the catalog and the units can be told.
var (
	msgNotRollup           = message.New("{{.Name}} is not a rollup; use sum, last or max")
	msgIndicatorNotFound   = message.New("indicator {{.Code}} was not found")
	msgIndicatorIDNotFound = message.New("the indicator was not found")
	msgUnitCodeNotFound    = message.New("unit {{.Code}} was not found")
)

// Rollup says how an indicator's values combine over time.
type Rollup string

// The rollups: sum adds; last takes each locality's latest value in a period, then
// adds across localities; max takes the largest.
const (
	Sum  Rollup = "sum"
	Last Rollup = "last"
	Max  Rollup = "max"
)

// ParseRollup checks a rollup name.
func ParseRollup(s string) (Rollup, error) {
	switch r := Rollup(s); r {
	case Sum, Last, Max:
		return r, nil
	}
	return "", msgNotRollup.With("Name", strconv.Quote(s)).Err()
}

// Indicator is one entry of the catalog of reported quantities.
type Indicator struct {
	ID       int64
	Code     string
	Name     string
	Unit     string // unit of measure: "campaigns", "km", "million VND"
	Rollup   Rollup
	Decimals int
}

// Unit is a reporting unit: military region, provincial command, regiment...
type Unit struct {
	ID         int64
	Code       string
	Name       string
	ParentID   int64
	LocalityID int64
	ValidFrom  time.Time
	ValidTo    time.Time
}

// SaveIndicator inserts an indicator, or updates the one with the same code.
func (s *Store) SaveIndicator(ctx context.Context, in Indicator) (Indicator, error) {
	if _, err := ParseRollup(string(in.Rollup)); err != nil {
		return in, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO indicator(code, name, unit, rollup, decimals) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET name = excluded.name, unit = excluded.unit, rollup = excluded.rollup, decimals = excluded.decimals
			RETURNING id`, in.Code, in.Name, in.Unit, in.Rollup, in.Decimals).Scan(&in.ID)
	})
	if err != nil {
		return in, fmt.Errorf("save indicator %s: %w", in.Code, err)
	}
	return in, nil
}

const indicatorColumns = "id, code, name, unit, rollup, decimals"

func scanIndicator(sc interface{ Scan(...any) error }) (Indicator, error) {
	var in Indicator
	err := sc.Scan(&in.ID, &in.Code, &in.Name, &in.Unit, &in.Rollup, &in.Decimals)
	return in, err
}

// Indicators lists the catalog by code.
func (s *Store) Indicators(ctx context.Context) ([]Indicator, error) {
	return queryAll(ctx, s.ro, scanIndicator, "SELECT "+indicatorColumns+" FROM indicator ORDER BY code")
}

// IndicatorByCode looks an indicator up by its code.
func (s *Store) IndicatorByCode(ctx context.Context, code string) (Indicator, error) {
	in, err := scanIndicator(s.ro.QueryRowContext(ctx, "SELECT "+indicatorColumns+" FROM indicator WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return in, msgIndicatorNotFound.With("Code", code).Wrap(ErrNotFound)
	}
	return in, err
}

// Indicator looks an indicator up by id.
func (s *Store) Indicator(ctx context.Context, id int64) (Indicator, error) {
	in, err := scanIndicator(s.ro.QueryRowContext(ctx, "SELECT "+indicatorColumns+" FROM indicator WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, msgIndicatorIDNotFound.With().Wrap(ErrNotFound)
	}
	return in, err
}

// SaveUnit inserts a unit, or updates the one with the same code.
func (s *Store) SaveUnit(ctx context.Context, u Unit) (Unit, error) {
	from := u.ValidFrom
	if from.IsZero() {
		from = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO unit(code, name, parent_id, locality_id, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id,
				locality_id = excluded.locality_id, valid_from = excluded.valid_from, valid_to = excluded.valid_to
			RETURNING id`, u.Code, u.Name, nullID(u.ParentID), nullID(u.LocalityID), day(from), nullDay(u.ValidTo)).Scan(&u.ID)
	})
	if err != nil {
		return u, fmt.Errorf("save unit %s: %w", u.Code, err)
	}
	u.ValidFrom = from
	return u, nil
}

const unitColumns = "id, code, name, COALESCE(parent_id, 0), COALESCE(locality_id, 0), valid_from, COALESCE(valid_to, '')"

func scanUnit(sc interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	var from, to string
	if err := sc.Scan(&u.ID, &u.Code, &u.Name, &u.ParentID, &u.LocalityID, &from, &to); err != nil {
		return u, err
	}
	u.ValidFrom, _ = time.Parse(DateLayout, from)
	if to != "" {
		u.ValidTo, _ = time.Parse(DateLayout, to)
	}
	return u, nil
}

// Units lists every reporting unit, parents before children, by code among siblings.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	all, err := queryAll(ctx, s.ro, scanUnit, "SELECT "+unitColumns+" FROM unit ORDER BY code")
	if err != nil {
		return nil, err
	}
	return treeOrder(all, func(u Unit) (int64, int64) { return u.ID, u.ParentID }), nil
}

// UnitByCode looks a unit up by its code.
func (s *Store) UnitByCode(ctx context.Context, code string) (Unit, error) {
	u, err := scanUnit(s.ro.QueryRowContext(ctx, "SELECT "+unitColumns+" FROM unit WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return u, msgUnitCodeNotFound.With("Code", code).Wrap(ErrNotFound)
	}
	return u, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := queryEach(ctx, q, scan, func(v T) error {
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryEach runs a query and hands each row, scanned with scan, to fn.
func queryEach[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// treeOrder orders items so that each parent precedes its children, keeping the
// given order among siblings. Items whose parent is absent are roots.
func treeOrder[T any](items []T, ids func(T) (id, parent int64)) []T {
	present := make(map[int64]bool, len(items))
	for _, it := range items {
		id, _ := ids(it)
		present[id] = true
	}
	children := make(map[int64][]T)
	var roots []T
	for _, it := range items {
		if _, p := ids(it); p != 0 && present[p] {
			children[p] = append(children[p], it)
		} else {
			roots = append(roots, it)
		}
	}
	out := make([]T, 0, len(items))
	var walk func(T)
	walk = func(it T) {
		out = append(out, it)
		id, _ := ids(it)
		for _, c := range children[id] {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}
