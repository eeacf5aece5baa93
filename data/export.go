package data

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"danvan/data/period"
)

// LongHeader is the header of exported files and templates; the importer reads it
// back without any mapping.
var LongHeader = []string{"locality", "locality_name", "indicator", "indicator_name", "period", "unit", "value", "note"}

// utf8BOM makes Excel on Windows read the file as UTF-8 instead of the ANSI code
// page, which would garble every diacritic.
const utf8BOM = "\uFEFF"

// FormulaPrefix is put before cells Excel would take for a formula. The importer
// removes it again (see StripFormulaGuard).
const FormulaPrefix = "'"

// GuardFormula neutralises a cell that Excel would evaluate: a note such as
// "=HYPERLINK(...)" in a file passed between headquarters must stay text.
func GuardFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return FormulaPrefix + s
	}
	return s
}

// StripFormulaGuard undoes GuardFormula, so exported files import unchanged. A
// quote before any other character is the user's own and is kept.
func StripFormulaGuard(s string) string {
	if len(s) > 1 && strings.HasPrefix(s, FormulaPrefix) && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// newExportWriter writes CSV the way Excel on Windows expects: BOM, CRLF.
func newExportWriter(w io.Writer) (*csv.Writer, *bufio.Writer, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return nil, nil, err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	return cw, bw, cw.Write(LongHeader)
}

func writeGuarded(cw *csv.Writer, rec []string) error {
	for i := range rec {
		rec[i] = GuardFormula(rec[i])
	}
	return cw.Write(rec)
}

func flushExport(cw *csv.Writer, bw *bufio.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// ExportLong writes the values matching f as CSV in the long format, one value per
// row, in a stable order so that exporting the same data twice gives the same bytes.
func (s *Store) ExportLong(ctx context.Context, w io.Writer, f ValueFilter) error {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return err
	}
	decimals := make(map[int64]int, len(inds))
	for _, in := range inds {
		decimals[in.ID] = in.Decimals
	}
	rows, err := s.Values(ctx, f)
	if err != nil {
		return err
	}
	cw, bw, err := newExportWriter(w)
	if err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.LocalityCode, r.LocalityName, r.IndicatorCode, r.IndicatorName, r.Period.ID(), r.UnitCode,
			strconv.FormatFloat(r.Value.Value, 'f', decimals[r.IndicatorID], 64), r.Note}
		if err := writeGuarded(cw, rec); err != nil {
			return err
		}
	}
	return flushExport(cw, bw)
}

// WriteTemplate writes an empty report for a unit to fill in: one row per locality
// it works in and indicator of the program, in the export format, so a filled
// template imports without edits. The localities are those the program set targets
// for in that period (under the unit's own locality when it has one); else those the
// unit reported for in its latest period up to this one; else the unit's locality's
// children in force at the period's end.
func (s *Store) WriteTemplate(ctx context.Context, w io.Writer, programCode string, p period.Period, unitCode string) error {
	if !p.Valid() {
		return fmt.Errorf("template: no period given; name one such as 2024Q3")
	}
	prog, err := s.ProgramByCode(ctx, programCode)
	if err != nil {
		return err
	}
	if len(prog.Indicators) == 0 {
		return fmt.Errorf("program %s tracks no indicators; add them before making a template", prog.Code)
	}
	var unit Unit
	if unitCode != "" {
		if unit, err = s.UnitByCode(ctx, unitCode); err != nil {
			return err
		}
	}
	under := `SELECT id FROM locality`
	args := []any{prog.ID, day(p.Start()), day(p.End())}
	if unit.LocalityID != 0 {
		under = `WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT l.id FROM locality l JOIN sub ON l.parent_id = sub.id) SELECT id FROM sub`
		args = append(args, unit.LocalityID)
	}
	locs, err := queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality WHERE id IN
		(SELECT locality_id FROM target WHERE program_id = ?1 AND indicator_id IN (SELECT indicator_id FROM program_indicator WHERE program_id = ?1)
			AND period_start = ?2 AND period_end = ?3) AND id IN (`+under+`) ORDER BY code`, args...)
	if err != nil {
		return err
	}
	if len(locs) == 0 && unit.ID != 0 {
		// Localities change in reforms while units keep their old locality, so
		// where the unit last reported is the best guide to where it works now.
		locs, err = queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality
			WHERE id IN (SELECT locality_id FROM value WHERE indicator_id IN (SELECT id FROM indicator) AND unit_id = ?1 AND period_start =
				(SELECT max(period_start) FROM report_received WHERE unit_id = ?1 AND period_start <= ?2))
			AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to >= ?3) ORDER BY code`, unit.ID, day(p.Start()), day(p.End()))
		if err != nil {
			return err
		}
	}
	if len(locs) == 0 && unit.LocalityID != 0 {
		locs, err = queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality
			WHERE parent_id = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to >= ?2) ORDER BY code`, unit.LocalityID, day(p.End()))
		if err != nil {
			return err
		}
	}
	if len(locs) == 0 {
		return fmt.Errorf("no localities to put in the template: program %s has no targets for %s and unit %q has no reports or localities in force under its own; name another unit with --unit",
			prog.Code, p.ID(), unitCode)
	}
	cw, bw, err := newExportWriter(w)
	if err != nil {
		return err
	}
	for _, l := range locs {
		for _, in := range prog.Indicators {
			if err := writeGuarded(cw, []string{l.Code, l.Name, in.Code, in.Name, p.ID(), unit.Code, "", ""}); err != nil {
				return err
			}
		}
	}
	return flushExport(cw, bw)
}
