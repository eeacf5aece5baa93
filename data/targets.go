package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"danvan/data/message"
	"danvan/data/period"
)

// What an officer spreading a yearly target can be told.
var (
	msgYearlyNotNumber = message.New("the yearly target is not a number")
	msgYearlyNegative  = message.New("the yearly target is negative ({{.Value}})")
	msgYearlyTooLarge  = message.New("the yearly target {{.Value}} is too large")
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

// SaveTargets writes set and deletes the targets with the keys of del (indicator,
// locality, period; the value is ignored) in one transaction: what the targets grid
// saves. It returns how many targets were deleted; keys without a target are
// skipped. Nothing is written when anything fails.
func (s *Store) SaveTargets(ctx context.Context, programID int64, set, del []Target) (int, error) {
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = deleteTargets(ctx, tx, programID, del); err != nil {
			return err
		}
		return setTargets(ctx, tx, programID, set)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func deleteTargets(ctx context.Context, tx *sql.Tx, programID int64, del []Target) (int, error) {
	n := 0
	for _, t := range del {
		if !t.Period.Valid() {
			return 0, errors.New("delete targets: a target has no valid period")
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM target WHERE program_id = ? AND indicator_id = ? AND locality_id = ? AND period = ?",
			programID, t.IndicatorID, t.LocalityID, t.Period.ID())
		if err != nil {
			return 0, fmt.Errorf("target %s: %w", t.Period, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		n += int(k)
	}
	return n, nil
}

// setTargets is SetTargets inside a transaction.
func setTargets(ctx context.Context, tx *sql.Tx, programID int64, targets []Target) error {
	if len(targets) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO target(program_id, indicator_id, locality_id, period, period_start, period_end, value)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(program_id, indicator_id, locality_id, period) DO UPDATE SET value = excluded.value`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, t := range targets {
		if !t.Period.Valid() {
			return errors.New("set targets: a target has no valid period")
		}
		if t.Value < 0 || math.IsNaN(t.Value) || math.IsInf(t.Value, 0) {
			return msgTargetNegative.With("Period", t.Period.String(), "Value", strconv.FormatFloat(t.Value, 'g', -1, 64)).Err()
		}
		if _, err := st.ExecContext(ctx, programID, t.IndicatorID, t.LocalityID, t.Period.ID(), day(t.Period.Start()), day(t.Period.End()), t.Value); err != nil {
			return fmt.Errorf("target %s: %w", t.Period, err)
		}
	}
	return nil
}

// SpreadYearly splits total into parts shares rounded to decimals places that add up
// exactly to total (as rounded to decimals): every share gets the same base, and the
// units of the last decimal left over go one each to the last shares. So 10 over 4
// quarters with no decimals is [2, 2, 3, 3], and 1 with two decimals is
// [0.25, 0.25, 0.25, 0.25]. Negative, NaN and infinite totals are refused.
func SpreadYearly(total float64, decimals int, parts int) ([]float64, error) {
	switch {
	case math.IsNaN(total) || math.IsInf(total, 0):
		return nil, msgYearlyNotNumber.With().Err()
	case total < 0:
		return nil, msgYearlyNegative.With("Value", strconv.FormatFloat(total, 'g', -1, 64)).Err()
	case parts < 1:
		return nil, fmt.Errorf("cannot spread over %d periods", parts)
	case decimals < 0 || decimals > 6:
		return nil, fmt.Errorf("decimals must be 0-6, not %d", decimals)
	}
	scale := math.Pow10(decimals)
	units := math.Round(total * scale) // in the last decimal
	if units > 1<<52 {
		return nil, msgYearlyTooLarge.With("Value", strconv.FormatFloat(total, 'g', -1, 64)).Err()
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
