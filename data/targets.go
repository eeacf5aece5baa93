package data

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"danvan/data/period"
)

// Targets reads a program's targets for one indicator whose periods lie within
// from..to (by dates, so a year range also returns its quarters and months), for
// the given localities; no localities means every locality.
func (s *Store) Targets(ctx context.Context, programID, indicatorID int64, localityIDs []int64, from, to period.Period) ([]Target, error) {
	if !from.Valid() || !to.Valid() {
		return nil, fmt.Errorf("targets: invalid period range %q..%q", from.ID(), to.ID())
	}
	q := `SELECT indicator_id, locality_id, period, value FROM target
		WHERE program_id = ? AND indicator_id = ? AND period_start >= ? AND period_end <= ?`
	args := []any{programID, indicatorID, day(from.Start()), day(to.End())}
	if len(localityIDs) > 0 {
		q += " AND locality_id IN (?" + strings.Repeat(", ?", len(localityIDs)-1) + ")"
		for _, id := range localityIDs {
			args = append(args, id)
		}
	}
	q += " ORDER BY period_start, period_end DESC, locality_id"
	return queryAll(ctx, s.ro, func(sc interface{ Scan(...any) error }) (Target, error) {
		var t Target
		var p string
		if err := sc.Scan(&t.IndicatorID, &t.LocalityID, &p, &t.Value); err != nil {
			return t, err
		}
		var err error
		t.Period, err = period.Parse(p)
		return t, err
	}, q, args...)
}

// SpreadYearly splits total into parts shares rounded to decimals places that add up
// exactly to total (as rounded to decimals): every share gets the same base, and the
// units of the last decimal left over go one each to the last shares. So 10 over 4
// quarters with no decimals is [2, 2, 3, 3], and 1 with two decimals is
// [0.25, 0.25, 0.25, 0.25]. Negative, NaN and infinite totals are refused.
func SpreadYearly(total float64, decimals int, parts int) ([]float64, error) {
	switch {
	case math.IsNaN(total) || math.IsInf(total, 0):
		return nil, errors.New("the yearly target is not a number")
	case total < 0:
		return nil, fmt.Errorf("the yearly target is negative (%g)", total)
	case parts < 1:
		return nil, fmt.Errorf("cannot spread over %d periods", parts)
	case decimals < 0 || decimals > 6:
		return nil, fmt.Errorf("decimals must be 0-6, not %d", decimals)
	}
	scale := math.Pow10(decimals)
	units := math.Round(total * scale) // in the last decimal
	if units > 1<<52 {
		return nil, fmt.Errorf("the yearly target %g is too large", total)
	}
	n := int64(units)
	base, rest := n/int64(parts), n%int64(parts)
	out := make([]float64, parts)
	for i := range out {
		u := base
		if int64(i) >= int64(parts)-rest {
			u++
		}
		out[i] = float64(u) / scale
	}
	return out, nil
}
