// Package datagen builds databases at national scale for benchmarks: every commune
// of the pre-reform list, the demo's ten indicators, monthly values over five years,
// and a program with quarterly targets. Rows are generated inside SQLite, which is
// far faster than going through the store one value at a time.
package datagen

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"danvan/assets"
	"danvan/data"
	"danvan/data/period"
)

// Program is the code of the generated program.
const Program = "QG-2020-2024"

// Indicators are the generated indicators' codes, as in the demo.
var Indicators = []string{"TT_DOT", "TT_LUOT", "NGAY_CONG", "DUONG_KM", "CONG_RANH", "NHA_TN", "NHA_TN_VND", "QUA_VND", "KHAM_BENH", "MO_HINH"}

// National creates the database at path with up to values values (10 indicators x
// 10,035 communes x 60 months is about 6 million) and, if targets, quarterly targets
// for every commune.
func National(ctx context.Context, path string, values int, targets bool) error {
	s, err := data.Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := assets.Localities.Open(assets.ListBefore2025)
	if err != nil {
		return err
	}
	entries, err := data.ReadLocalityList(assets.ListBefore2025, f)
	f.Close()
	if err != nil {
		return err
	}
	if _, err := s.LoadLocalityList(ctx, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), entries, data.LoadOptions{}); err != nil {
		return err
	}
	unit, err := s.SaveUnit(ctx, data.Unit{Code: "BQP", Name: "Bộ Quốc phòng"})
	if err != nil {
		return err
	}
	var pis []data.ProgramIndicator
	for _, code := range Indicators {
		rollup := data.Sum
		if code == "MO_HINH" {
			rollup = data.Last
		}
		in, err := s.SaveIndicator(ctx, data.Indicator{Code: code, Name: code, Unit: "x", Rollup: rollup})
		if err != nil {
			return err
		}
		pis = append(pis, data.ProgramIndicator{Indicator: in})
	}
	prog, err := s.SaveProgram(ctx, data.Program{Code: Program, Title: "Chương trình phối hợp toàn quốc 2020-2024",
		Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		PeriodType: period.Quarter, Indicators: pis, UnitIDs: []int64{unit.ID}})
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=30000&_journal_mode=WAL")
	if err != nil {
		return err
	}
	defer db.Close()
	months := `WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 59),
		c AS (SELECT id FROM locality WHERE level = 'commune')`
	monthStart := `printf('%04d-%02d-01', 2020 + m.i / 12, m.i % 12 + 1)`
	// The values are stored as one import batch would write them: with the batch,
	// and without a time of their own.
	var batch int64
	err = db.QueryRowContext(ctx, `INSERT INTO import_batch(file_name, sha256, unit_id, imported_at, imported_by, rows, inserted, status)
		VALUES ('quoc-gia.csv', 'datagen', ?, '2025-01-01T00:00:00Z', 'datagen', ?, ?, 'committed') RETURNING id`,
		unit.ID, values, values).Scan(&batch)
	if err != nil {
		return fmt.Errorf("generate batch: %w", err)
	}
	_, err = db.ExecContext(ctx, months+`
		INSERT INTO value(indicator_id, locality_id, period, unit_id, period_start, period_end, value, batch_id)
		SELECT ind.id, c.id, printf('%04d%02d', 2020 + m.i / 12, m.i % 12 + 1), ?,
			`+monthStart+`, date(`+monthStart+`, '+1 month', '-1 day'),
			(c.id * 7 + m.i * 3 + ind.id) % 13, ?
		FROM c, m, indicator ind LIMIT ?`, unit.ID, batch, values)
	if err != nil {
		return fmt.Errorf("generate values: %w", err)
	}
	// What the store's writers record with every value: when each report arrived.
	_, err = db.ExecContext(ctx, `INSERT INTO report_received(unit_id, indicator_id, period, period_start, period_end, first_at)
		SELECT unit_id, indicator_id, period, period_start, period_end, '2025-01-01T00:00:00Z' FROM value
		GROUP BY unit_id, indicator_id, period_start, period_end`)
	if err != nil {
		return fmt.Errorf("generate report dates: %w", err)
	}
	if !targets {
		_, err = db.ExecContext(ctx, "ANALYZE")
		return err
	}
	// Quarterly targets for every commune: every third month index starts a quarter.
	_, err = db.ExecContext(ctx, months+`
		INSERT INTO target(program_id, indicator_id, locality_id, period, period_start, period_end, value)
		SELECT ?, ind.id, c.id, printf('%04dQ%d', 2020 + m.i / 12, (m.i % 12) / 3 + 1),
			`+monthStart+`, date(`+monthStart+`, '+3 month', '-1 day'), 18
		FROM c, m, indicator ind WHERE m.i % 3 = 0`, prog.ID)
	if err != nil {
		return fmt.Errorf("generate targets: %w", err)
	}
	_, err = db.ExecContext(ctx, "ANALYZE")
	return err
}
