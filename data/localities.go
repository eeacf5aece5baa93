package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"danvan/data/vntext"
)

// DateLayout is how dates are stored and written on the command line.
const DateLayout = "2006-01-02"

// Locality is one version of an administrative unit (province, district, commune...).
// Levels are data, not code: the 2025 reform removed a level and the next may change
// them again.
type Locality struct {
	ID        int64
	Code      string
	Name      string
	Level     string
	ParentID  int64 // 0 for a top-level locality
	ValidFrom time.Time
	ValidTo   time.Time // zero while in force; else the last day in force
}

// ValidOn reports whether the locality is in force on day d.
func (l Locality) ValidOn(d time.Time) bool {
	return !d.Before(l.ValidFrom) && (l.ValidTo.IsZero() || !d.After(l.ValidTo))
}

// Successor links an old locality to one that took over all or part of it.
type Successor struct {
	OldID, NewID int64
	Whole        bool
}

// ParseDate reads a YYYY-MM-DD date as UTC midnight.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date; write it as YYYY-MM-DD, e.g. 2025-07-01", s)
	}
	return t, nil
}

func day(t time.Time) string { return t.Format(DateLayout) }

func nullDay(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return day(t)
}

const localityColumns = "id, code, name, level, COALESCE(parent_id, 0), valid_from, COALESCE(valid_to, '')"

func scanLocality(sc interface{ Scan(...any) error }) (Locality, error) {
	var l Locality
	var from, to string
	if err := sc.Scan(&l.ID, &l.Code, &l.Name, &l.Level, &l.ParentID, &from, &to); err != nil {
		return l, err
	}
	l.ValidFrom, _ = time.Parse(DateLayout, from)
	if to != "" {
		l.ValidTo, _ = time.Parse(DateLayout, to)
	}
	return l, nil
}

func queryLocalities(ctx context.Context, q querier, query string, args ...any) ([]Locality, error) {
	return queryAll(ctx, q, scanLocality, query, args...)
}

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// LocalityByCode resolves an official code as it was on day d: codes were reused for
// other communes in 2025, so a code alone does not name a locality.
func (s *Store) LocalityByCode(ctx context.Context, code string, d time.Time) (Locality, error) {
	return localityByCode(ctx, s.ro, code, d)
}

func localityByCode(ctx context.Context, q querier, code string, d time.Time) (Locality, error) {
	l, err := scanLocality(q.QueryRowContext(ctx, "SELECT "+localityColumns+` FROM locality
		WHERE code = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to >= ?2)`, code, day(d)))
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("locality %q on %s: %w", code, day(d), ErrNotFound)
	}
	return l, err
}

// LastLocalityByCode resolves a code on day d or, when nothing holds it that day,
// names the last locality that held it before: a chart of a commune merged away
// still shows the commune.
func (s *Store) LastLocalityByCode(ctx context.Context, code string, d time.Time) (Locality, error) {
	// Localities sharing a code never overlap, so the latest to begin by d is the
	// one in force on d, if any.
	l, err := scanLocality(s.ro.QueryRowContext(ctx, "SELECT "+localityColumns+` FROM locality
		WHERE code = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1`, code, day(d)))
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("locality %q by %s: %w", code, day(d), ErrNotFound)
	}
	return l, err
}

// Locality returns the locality with the given id.
func (s *Store) Locality(ctx context.Context, id int64) (Locality, error) {
	l, err := scanLocality(s.ro.QueryRowContext(ctx, "SELECT "+localityColumns+" FROM locality WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("locality #%d: %w", id, ErrNotFound)
	}
	return l, err
}

// LocalityCodes resolves official codes at dates from memory, with the same
// answers as LocalityByCode: an import looks up a code for every row it reads, and
// every version of every locality in the country fits in one map.
type LocalityCodes struct {
	byCode map[string][]Locality
	byID   map[int64]Locality
}

// LocalityCodes loads every version of every locality.
func (s *Store) LocalityCodes(ctx context.Context) (*LocalityCodes, error) {
	all, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+" FROM locality")
	if err != nil {
		return nil, err
	}
	c := &LocalityCodes{byCode: make(map[string][]Locality, len(all)), byID: make(map[int64]Locality, len(all))}
	for _, l := range all {
		c.byCode[l.Code] = append(c.byCode[l.Code], l)
		c.byID[l.ID] = l
	}
	return c, nil
}

// At is the locality that had code on day d.
func (c *LocalityCodes) At(code string, d time.Time) (Locality, bool) {
	for _, l := range c.byCode[code] {
		if l.ValidOn(d) {
			return l, true
		}
	}
	return Locality{}, false
}

// ByID is the locality version with the given id.
func (c *LocalityCodes) ByID(id int64) (Locality, bool) {
	l, ok := c.byID[id]
	return l, ok
}

// LocalitiesAt lists every locality in force on day d, parents before children.
func (s *Store) LocalitiesAt(ctx context.Context, d time.Time) ([]Locality, error) {
	all, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality
		WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to >= ?1) ORDER BY code`, day(d))
	if err != nil {
		return nil, err
	}
	return parentsFirst(all), nil
}

// AllLocalities lists every version of every locality, parents before children.
func (s *Store) AllLocalities(ctx context.Context) ([]Locality, error) {
	all, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+" FROM locality ORDER BY code, valid_from")
	if err != nil {
		return nil, err
	}
	return parentsFirst(all), nil
}

func parentsFirst(ls []Locality) []Locality {
	return treeOrder(ls, func(l Locality) (int64, int64) { return l.ID, l.ParentID })
}

// SearchLocalities finds localities in force on day d whose name or code contains
// text, ignoring case, accents and tone-mark placement ("huu le" finds "Hữu Lễ").
func (s *Store) SearchLocalities(ctx context.Context, text string, d time.Time, limit int) ([]Locality, error) {
	all, err := s.LocalitiesAt(ctx, d)
	if err != nil {
		return nil, err
	}
	var out []Locality
	for _, l := range all {
		if vntext.Contains(l.Name, text) || vntext.Contains(l.Code, text) {
			out = append(out, l)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// FoundLocality is a version of a locality found by name or code on any date, with
// the localities it went into when it closed.
type FoundLocality struct {
	Locality
	Became []Locality
	Whole  bool // it went whole into Became (merged), rather than in parts (split)
}

// SearchLocalitiesEver finds localities whose name or code contains text, on any
// date: what an officer typing "huu le" on today's date is looking for when Hữu Lễ
// closed in the 2025 reform. The latest versions come first.
func (s *Store) SearchLocalitiesEver(ctx context.Context, text string, limit int) ([]FoundLocality, error) {
	all, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+" FROM locality ORDER BY COALESCE(valid_to, '9999-12-31') DESC, code")
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Locality, len(all))
	for _, l := range all {
		byID[l.ID] = l
	}
	links, err := s.Successors(ctx)
	if err != nil {
		return nil, err
	}
	var out []FoundLocality
	for _, l := range all {
		if !vntext.Contains(l.Name, text) && !vntext.Contains(l.Code, text) {
			continue
		}
		f := FoundLocality{Locality: l, Whole: true}
		for _, ln := range links {
			if ln.OldID == l.ID {
				f.Became = append(f.Became, byID[ln.NewID])
				f.Whole = f.Whole && ln.Whole
			}
		}
		out = append(out, f)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// Successors lists every successor link.
func (s *Store) Successors(ctx context.Context) ([]Successor, error) {
	rows, err := s.ro.QueryContext(ctx, "SELECT old_id, new_id, whole FROM locality_successor ORDER BY old_id, new_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Successor
	for rows.Next() {
		var sc Successor
		if err := rows.Scan(&sc.OldID, &sc.NewID, &sc.Whole); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}
