package data

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
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

// formulaStarts are the characters that make a spreadsheet read a cell as a formula
// (OWASP's list for CSV injection).
const formulaStarts = "=+-@\t\r"

// fieldSeparators are the separators a CSV file may be read with: Excel takes the
// list separator of the machine's region, often ; in Vietnam, and tab on a paste.
const fieldSeparators = ",;\t"

// GuardFormula neutralises text that a spreadsheet would evaluate: a note such as
// "=HYPERLINK(...)" in a file passed between headquarters must stay text. Whichever
// separator the file is read with, a field can begin at the start of the text or
// after any of fieldSeparators, so each such place that begins a formula gets
// FormulaPrefix; so does one where the user's own quotes come before one, which keeps
// StripFormulaGuard an exact inverse.
func GuardFormula(s string) string {
	var out []byte
	last := 0
	for i := range len(s) {
		if fieldStart(s, i) && startsFormula(s[i:]) {
			out = append(append(out, s[last:i]...), FormulaPrefix...)
			last = i
		}
	}
	if out == nil {
		return s
	}
	return string(append(out, s[last:]...))
}

// StripFormulaGuard undoes GuardFormula, so exported files import unchanged. A
// quote before any other character is the user's own and is kept.
func StripFormulaGuard(s string) string {
	var out []byte
	last := 0
	for i := range len(s) {
		if fieldStart(s, i) && strings.HasPrefix(s[i:], FormulaPrefix) && startsFormula(s[i+len(FormulaPrefix):]) {
			out = append(out, s[last:i]...)
			last = i + len(FormulaPrefix)
		}
	}
	if last == 0 { // nothing stripped
		return s
	}
	return string(append(out, s[last:]...))
}

// fieldStart tells whether a field begins at s[i] when s is read with any of
// fieldSeparators.
func fieldStart(s string, i int) bool {
	return i == 0 || strings.IndexByte(fieldSeparators, s[i-1]) >= 0
}

// startsFormula tells whether s, after any quotes, begins a formula.
func startsFormula(s string) bool {
	s = strings.TrimLeft(s, FormulaPrefix)
	return s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0
}

// newExportWriter writes CSV the way Excel on Windows expects: BOM, CRLF, and
// header first.
func newExportWriter(w io.Writer, header []string) (*csv.Writer, *bufio.Writer, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return nil, nil, err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	return cw, bw, writeGuarded(cw, slices.Clone(header))
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

// formatValue writes a number with the indicator's decimals, dot decimal, no
// grouping: what the importer reads back the same in any file.
func formatValue(v float64, decimals int) string {
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

// ExportLong writes the values matching f as CSV in the long format, one value per
// row, in a stable order so that exporting the same data twice gives the same bytes.
func (s *Store) ExportLong(ctx context.Context, w io.Writer, f ValueFilter) error {
	decimals, err := s.indicatorDecimals(ctx)
	if err != nil {
		return err
	}
	cw, bw, err := newExportWriter(w, LongHeader)
	if err != nil {
		return err
	}
	err = s.eachValue(ctx, f, func(r ValueRow) error {
		return writeGuarded(cw, []string{r.LocalityCode, r.LocalityName, r.IndicatorCode, r.IndicatorName, r.Period.ID(), r.UnitCode,
			formatValue(r.Value.Value, decimals[r.IndicatorID]), r.Note})
	})
	if err != nil {
		return err
	}
	return flushExport(cw, bw)
}

// WideHeader begins the header of a wide export; a column per indicator, titled
// with its code, follows, then the note.
var WideHeader = []string{"locality", "locality_name", "period", "unit"}

// ExportWide writes the values matching f as CSV in the wide format: a row per
// locality, period and reporting unit, a column per indicator, the way people lay
// tables out in Excel. The columns are the program's indicators in its order when f
// names a program, else every indicator with a value in the export, by code. A note
// belongs to a whole row, so values with different notes go on rows of their own;
// the importer reads the file back to the same values.
func (s *Store) ExportWide(ctx context.Context, w io.Writer, f ValueFilter) error {
	inds, err := s.wideIndicators(ctx, f)
	if err != nil {
		return err
	}
	l := wideLayout{column: map[int64]int{}, decimals: map[int64]int{}, width: len(WideHeader) + len(inds) + 1}
	header := slices.Clone(WideHeader)
	for _, in := range inds {
		l.column[in.ID], l.decimals[in.ID] = len(header), in.Decimals
		header = append(header, in.Code)
	}
	header = append(header, "note")
	cw, bw, err := newExportWriter(w, header)
	if err != nil {
		return err
	}
	// The values come ordered by period and locality, so one locality's values for
	// one period are together: a block becomes a few rows before the next starts.
	var block []ValueRow
	writeBlock := func() error {
		rows, err := l.rows(block)
		block = block[:0]
		for _, rec := range rows {
			if err == nil {
				err = writeGuarded(cw, rec)
			}
		}
		return err
	}
	err = s.eachValue(ctx, f, func(r ValueRow) error {
		if len(block) > 0 && (block[0].Period != r.Period || block[0].LocalityID != r.LocalityID) {
			if err := writeBlock(); err != nil {
				return err
			}
		}
		block = append(block, r)
		return nil
	})
	if err == nil {
		err = writeBlock()
	}
	if err != nil {
		return err
	}
	return flushExport(cw, bw)
}

// wideLayout places values in the columns of a wide export.
type wideLayout struct {
	column, decimals map[int64]int // by indicator id
	width            int
}

// rows lays out one locality's values for one period: a row per reporting unit
// and note, ordered by unit code and note.
func (l wideLayout) rows(block []ValueRow) ([][]string, error) {
	type rowKey struct{ unit, note string }
	byKey := map[rowKey][]string{}
	var keys []rowKey
	for _, r := range block {
		col, ok := l.column[r.IndicatorID]
		if !ok {
			// Only when an import added an indicator between reading the
			// columns and reading the values.
			return nil, fmt.Errorf("indicator %s has values but no column: the data changed during the export; export again", r.IndicatorCode)
		}
		k := rowKey{r.UnitCode, r.Note}
		rec, ok := byKey[k]
		if !ok {
			rec = make([]string, l.width)
			copy(rec, []string{r.LocalityCode, r.LocalityName, r.Period.ID(), r.UnitCode})
			rec[l.width-1] = r.Note
			byKey[k] = rec
			keys = append(keys, k)
		}
		rec[col] = formatValue(r.Value.Value, l.decimals[r.IndicatorID])
	}
	slices.SortFunc(keys, func(a, b rowKey) int { return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.note, b.note)) })
	out := make([][]string, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out, nil
}

// wideIndicators are the columns of a wide export of f.
func (s *Store) wideIndicators(ctx context.Context, f ValueFilter) ([]Indicator, error) {
	if f.ProgramID != 0 {
		prog, err := s.programByID(ctx, f.ProgramID)
		if err != nil {
			return nil, err
		}
		var inds []Indicator
		for _, pi := range prog.Indicators {
			if f.IndicatorID == 0 || pi.Indicator.ID == f.IndicatorID {
				inds = append(inds, pi.Indicator)
			}
		}
		return inds, nil
	}
	where, args := valueWhere(f)
	return queryAll(ctx, s.ro, scanIndicator, "SELECT "+indicatorColumns+` FROM indicator
		WHERE id IN (SELECT DISTINCT v.indicator_id FROM value v`+where+`) ORDER BY code`, args...)
}

func (s *Store) indicatorDecimals(ctx context.Context) (map[int64]int, error) {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	decimals := make(map[int64]int, len(inds))
	for _, in := range inds {
		decimals[in.ID] = in.Decimals
	}
	return decimals, nil
}
