package data

import (
	"context"
	"fmt"
	"time"
)

// ProgramUnitsIn lists the program's participating units that work in the
// locality: those whose own area lies within it (a district command in its
// province), and those whose area holds it (the provincial command, for one of its
// communes). Areas are taken across reforms, as the aggregation takes results: Hậu
// Giang's command works in today's Cần Thơ. A unit with no area of its own may work
// anywhere, so it is listed everywhere rather than hidden. localityID 0 is the
// headquarters' whole area: every participating unit.
func (s *Store) ProgramUnitsIn(ctx context.Context, programID, localityID int64) ([]Unit, error) {
	prog, err := s.programByID(ctx, programID)
	if err != nil {
		return nil, err
	}
	all, err := s.Units(ctx)
	if err != nil {
		return nil, fmt.Errorf("units of program %s: %w", prog.Code, err)
	}
	byID := make(map[int64]Unit, len(all))
	for _, u := range all {
		byID[u.ID] = u
	}
	var g *graph
	var inside map[int64]bool
	if localityID != 0 {
		if g, err = s.localityGraph(ctx); err != nil {
			return nil, err
		}
		inside, _ = g.contributors(localityID)
	}
	var out []Unit
	for _, id := range prog.UnitIDs {
		u, ok := byID[id]
		if !ok {
			continue
		}
		if localityID == 0 || u.LocalityID == 0 || inside[u.LocalityID] {
			out = append(out, u)
			continue
		}
		if u.LocalityID != 0 {
			if holds, _ := g.contributors(u.LocalityID); holds[localityID] {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// Area is what a headquarters' database adds up when no locality is chosen: the
// top-level localities it holds on a day, usually its own few provinces (an
// official list loaded with --only), the whole country when it holds them all.
type Area struct {
	Tops         []Locality // the top-level localities, by code
	WholeCountry bool
}

// Names are the names of the area's top-level localities.
func (a Area) Names() []string {
	out := make([]string, len(a.Tops))
	for i, l := range a.Tops {
		out[i] = l.Name
	}
	return out
}

// wholeCountry is the fewest provinces and cities the country has had: 34 since
// the 2025 reform, 63 before.
const wholeCountry = 34

// AreaAt tells what the database adds up on day d.
func (s *Store) AreaAt(ctx context.Context, d time.Time) (Area, error) {
	tops, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality l WHERE l.valid_from <= ?1 AND (l.valid_to IS NULL OR l.valid_to >= ?1)
		AND NOT EXISTS (SELECT 1 FROM locality p WHERE p.id = l.parent_id AND p.valid_from <= ?1 AND (p.valid_to IS NULL OR p.valid_to >= ?1))
		ORDER BY l.code`, day(d))
	if err != nil {
		return Area{}, fmt.Errorf("area on %s: %w", day(d), err)
	}
	return Area{Tops: tops, WholeCountry: len(tops) >= wholeCountry}, nil
}
