package data

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/xuri/excelize/v2"

	"danvan/data/message"
	"danvan/data/period"
)

var (
	msgTemplateNoPeriod     = message.New("a template is for one period; name it, e.g. 2026Q3 or Quý 3/2026")
	msgTemplateNoIndicators = message.New("program {{.Program}} tracks no indicators; add them to the program before making a template")
	msgTemplateNoUnit       = message.New("program {{.Program}} has no targets for {{.Period}}, so the template has no localities to list; choose the unit that will fill it in, and its localities are listed")
	msgTemplateNoLocalities = message.New("no localities to list: program {{.Program}} has no targets for {{.Period}} in the area of unit {{.Unit}}, and the unit has neither earlier reports nor localities in force under its own; set the unit's locality, or set targets for the period")
)

// TemplateHeader heads report templates in the clerks' words. The importer reads
// the codes, period, reporting unit, value and note columns as it reads LongHeader;
// the names and the unit of measure (ĐVT) are there so that nobody has to guess what
// a row asks for, and "Mã đơn vị báo cáo" cannot be taken for the unit of measure.
var TemplateHeader = []string{"Mã địa bàn", "Tên địa bàn", "Mã chỉ tiêu", "Tên chỉ tiêu", "ĐVT", "Kỳ báo cáo",
	"Mã đơn vị báo cáo", "Tên đơn vị báo cáo", "Giá trị", "Ghi chú"}

// templateValueColumn is where the clerk writes the figure.
var templateValueColumn = slices.Index(TemplateHeader, "Giá trị")

// WriteTemplate writes an empty report for a unit to fill in, as CSV: one row per
// locality it works in and indicator of the program, headed by TemplateHeader, so a
// filled template imports without edits.
func (s *Store) WriteTemplate(ctx context.Context, w io.Writer, programCode string, p period.Period, unitCode string) error {
	t, err := s.template(ctx, programCode, p, unitCode)
	if err != nil {
		return err
	}
	cw, bw, err := newExportWriter(w, TemplateHeader)
	if err != nil {
		return err
	}
	for _, rec := range t.rows() {
		if err := writeGuarded(cw, rec); err != nil {
			return err
		}
	}
	return flushExport(cw, bw)
}

// reportTemplate is what a template lists: the program's indicators for each
// locality the unit works in, for one period.
type reportTemplate struct {
	prog   Program
	period period.Period
	unit   Unit
	locs   []Locality
}

// rows are the template's rows in the columns of TemplateHeader, the value and
// note empty.
func (t reportTemplate) rows() [][]string {
	var out [][]string
	for _, l := range t.locs {
		for _, in := range t.prog.Indicators {
			out = append(out, []string{l.Code, l.Name, in.Code, in.Name, in.Unit, t.period.Label("vi"), t.unit.Code, t.unit.Name, "", ""})
		}
	}
	return out
}

// template chooses the template's localities: those the program set targets for in
// that period (under the unit's own locality when it has one); else those the unit
// reported for in its latest period up to this one; else the unit's locality's
// children in force at the period's end.
func (s *Store) template(ctx context.Context, programCode string, p period.Period, unitCode string) (reportTemplate, error) {
	if !p.Valid() {
		return reportTemplate{}, msgTemplateNoPeriod.With().Err()
	}
	prog, err := s.ProgramByCode(ctx, programCode)
	if err != nil {
		return reportTemplate{}, err
	}
	if len(prog.Indicators) == 0 {
		return reportTemplate{}, msgTemplateNoIndicators.With("Program", prog.Code).Err()
	}
	var unit Unit
	if unitCode != "" {
		if unit, err = s.UnitByCode(ctx, unitCode); err != nil {
			return reportTemplate{}, err
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
		return reportTemplate{}, err
	}
	if len(locs) == 0 && unit.ID != 0 {
		// Localities change in reforms while units keep their old locality, so
		// where the unit last reported is the best guide to where it works now.
		locs, err = queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality
			WHERE id IN (SELECT locality_id FROM value WHERE indicator_id IN (SELECT id FROM indicator) AND unit_id = ?1 AND period_start =
				(SELECT max(period_start) FROM report_received WHERE unit_id = ?1 AND period_start <= ?2))
			AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to >= ?3) ORDER BY code`, unit.ID, day(p.Start()), day(p.End()))
		if err != nil {
			return reportTemplate{}, err
		}
	}
	if len(locs) == 0 && unit.LocalityID != 0 {
		locs, err = queryLocalities(ctx, s.ro, "SELECT "+localityColumns+` FROM locality
			WHERE parent_id = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to >= ?2) ORDER BY code`, unit.LocalityID, day(p.End()))
		if err != nil {
			return reportTemplate{}, err
		}
	}
	if len(locs) == 0 {
		if unit.ID == 0 {
			return reportTemplate{}, msgTemplateNoUnit.With("Program", prog.Code, "Period", p.ID()).Err()
		}
		return reportTemplate{}, msgTemplateNoLocalities.With("Program", prog.Code, "Period", p.ID(), "Unit", unit.Code).Err()
	}
	return reportTemplate{prog: prog, period: p, unit: unit, locs: locs}, nil
}

// templateSheet names the template workbook's only sheet.
const templateSheet = "Báo cáo"

// templateWidths are the template workbook's column widths, in characters, in the
// order of TemplateHeader: wide enough for commune, indicator and unit names.
var templateWidths = []float64{12, 28, 14, 50, 12, 14, 18, 36, 14, 30}

// WriteTemplateXLSX writes the template as an Excel workbook: the rows and columns
// of the CSV, with the header row frozen and bold, every code stored as text (so
// Excel keeps a commune code's leading zeros), and a value column that accepts
// only numbers of zero or more, as the importer does. It is written row by row, so
// a national template does not have to fit in memory first.
func (s *Store) WriteTemplateXLSX(ctx context.Context, w io.Writer, programCode string, p period.Period, unitCode string) error {
	t, err := s.template(ctx, programCode, p, unitCode)
	if err != nil {
		return err
	}
	rows := t.rows()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), templateSheet); err != nil {
		return err
	}
	// Validation is part of the sheet the stream writer starts from, so it goes in
	// first. Its messages are for the clerks who fill the template in.
	col, err := excelize.ColumnNumberToName(templateValueColumn + 1)
	if err != nil {
		return err
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, len(rows)+1)
	if err := dv.SetRange(0, 0, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorGreaterThanOrEqual); err != nil {
		return err
	}
	dv.Formula2 = "" // one bound
	dv.SetError(excelize.DataValidationErrorStyleStop, "Giá trị không hợp lệ",
		"Nhập một số từ 0 trở lên, không kèm đơn vị, dấu % hay chữ. Để trống nếu không có số liệu.")
	if err := f.AddDataValidation(templateSheet, dv); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(templateSheet)
	if err != nil {
		return err
	}
	for i, width := range templateWidths {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}}})
	if err != nil {
		return err
	}
	header := make([]any, len(TemplateHeader))
	for i, h := range TemplateHeader {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	cells := make([]any, len(TemplateHeader))
	for i, rec := range rows {
		for j, v := range rec {
			cells[j] = nil
			if v != "" {
				cells[j] = v // a string: a text cell, whatever it looks like
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
