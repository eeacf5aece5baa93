package tabular

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"danvan/data/message"
)

var (
	msgWorkbookDamaged = message.New("the workbook is damaged ({{.Error}}); open it in Excel and save it again as .xlsx")
	msgNoSheets        = message.New("the workbook has no sheets; open it in Excel and save it again")
	msgNoSuchSheet     = message.New("no such sheet; the workbook has sheets {{.Sheets}}; choose one of them")
	msgNotXLSX         = message.New("not a valid .xlsx workbook ({{.Error}}); open it in Excel and save it as 'Excel Workbook (.xlsx)'")
	msgPassword        = message.New("the workbook is password-protected or encrypted; remove the password in Excel (File > Info > Protect Workbook) and send it again")
	msgTooLarge        = message.New("the workbook is too large to import; split it or send CSV instead")
	msgSheetDamaged    = message.New("the sheet is damaged ({{.Error}}); open the workbook in Excel and save it again")
	msgSheetUnreadable = message.New("cannot read the sheet: {{.Error}}; open the workbook in Excel and save it again")
	msgRowUnreadable   = message.New("cannot read the row: {{.Error}}; open the workbook in Excel and save it again")
	msgTempFiles       = message.New("cannot release temporary files: {{.Error}}")
)

// xlsxSource walks a sheet with two excelize row iterators in lock step,
// one returning stored values and one returning displayed text, because
// the streaming API exposes neither cell types nor number formats and the
// right answer depends on both:
//
//   - Text cells are returned as stored. Excel never applies number
//     formats to text, so a code typed as text "00004" stays "00004".
//   - Numbers are returned as their stored value rounded to Excel's 15
//     significant digits and written in plain decimal ("1234.5", not the
//     displayed "1,234.50", "1.23E+03" or "50%": 0.5), so that display
//     formats never change what is imported and ParseNumber accepts it.
//   - Except when the display is the data: a zero-padding format such as
//     "00000" turns 4 into the locality code "00004", and a date's stored
//     value is a day serial nobody typed. Those return the displayed text.
//     A number is treated as a date when its display contains '/' or ':'
//     or two '-' or '.' separators (excelize always writes number formats
//     with ',' grouping and '.' decimals, so such text is not a number).
//
// The workbook is read into memory by excelize (ZIP needs random access);
// rows are still decoded one at a time.
type xlsxSource struct {
	file      string
	f         *excelize.File
	raw, disp *excelize.Rows
	row       int
	maxCols   int
	fatal     *Error
}

func openXLSX(file string, r io.Reader, opt Options) (src source, info Info, e *Error) {
	// excelize has panicked on malformed workbooks in past releases; a bad
	// attachment must produce a message, not take the application down.
	defer func() {
		if p := recover(); p != nil {
			src, e = nil, &Error{File: file, Msg: msgWorkbookDamaged.With("Error", fmt.Sprint(p))}
		}
	}()
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, Info{}, xlsxOpenError(file, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, Info{}, &Error{File: file, Msg: msgNoSheets.With()}
	}
	sheet := sheets[0]
	if opt.Sheet != "" {
		sheet = ""
		want := norm.NFC.String(strings.TrimSpace(opt.Sheet))
		for _, s := range sheets {
			// Excel itself treats sheet names case-insensitively.
			if strings.EqualFold(norm.NFC.String(s), want) {
				sheet = s
				break
			}
		}
		if sheet == "" {
			f.Close()
			quoted := make([]string, len(sheets))
			for i, s := range sheets {
				quoted[i] = strconv.Quote(s)
			}
			return nil, Info{}, &Error{File: file, Value: opt.Sheet, Msg: msgNoSuchSheet.With("Sheets", strings.Join(quoted, ", "))}
		}
	}
	s := &xlsxSource{file: file, f: f, maxCols: opt.MaxColumns}
	if s.raw, err = f.Rows(sheet); err == nil {
		s.disp, err = f.Rows(sheet)
	}
	if err != nil {
		s.close()
		return nil, Info{}, &Error{File: file, Value: sheet, Msg: msgSheetUnreadable.With("Error", err.Error())}
	}
	return s, Info{Format: FormatXLSX, Sheet: sheet}, nil
}

func xlsxOpenError(file string, err error) *Error {
	var msg message.Text
	switch {
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		msg = msgPassword.With()
	case errors.Is(err, excelize.ErrOptionsUnzipSizeLimit):
		msg = msgTooLarge.With()
	default:
		msg = msgNotXLSX.With("Error", err.Error())
	}
	return &Error{File: file, Msg: msg}
}

func (s *xlsxSource) next() (line int, cells []string, err error) {
	if s.fatal != nil {
		return 0, nil, s.fatal
	}
	defer func() {
		if p := recover(); p != nil {
			s.fatal = &Error{File: s.file, Line: s.row, fatal: true, Msg: msgSheetDamaged.With("Error", fmt.Sprint(p))}
			line, cells, err = 0, nil, s.fatal
		}
	}()
	if !s.raw.Next() {
		if e := s.raw.Error(); e != nil {
			s.fatal = &Error{File: s.file, Line: s.row + 1, fatal: true, Msg: msgSheetUnreadable.With("Error", e.Error())}
			return 0, nil, s.fatal
		}
		return 0, nil, io.EOF
	}
	s.disp.Next()
	// Next visits every row index, including ones absent from the XML, so
	// counting calls gives the sheet row number.
	s.row++
	raw, err := s.raw.Columns(excelize.Options{RawCellValue: true})
	if err == nil {
		var disp []string
		disp, err = s.disp.Columns()
		if err == nil {
			cells, err = s.merge(raw, disp)
		}
	}
	if err != nil {
		var te *Error
		if errors.As(err, &te) {
			return s.row, nil, te
		}
		s.fatal = &Error{File: s.file, Line: s.row, fatal: true, Msg: msgRowUnreadable.With("Error", err.Error())}
		return 0, nil, s.fatal
	}
	return s.row, cells, nil
}

func (s *xlsxSource) merge(raw, disp []string) ([]string, error) {
	n := max(len(raw), len(disp))
	last := -1
	out := make([]string, n)
	for i := range out {
		var r, d string
		if i < len(raw) {
			r = raw[i]
		}
		if i < len(disp) {
			d = disp[i]
		}
		v := normCell(cellText(r, d))
		if v == "" {
			continue
		}
		if i >= s.maxCols {
			return nil, &Error{File: s.file, Line: s.row, Column: i + 1, Value: v, Msg: msgTooManyColumns.With("Max", strconv.Itoa(s.maxCols))}
		}
		out[i], last = v, i
	}
	return out[:last+1], nil
}

// cellText chooses between a cell's stored and displayed text; see
// xlsxSource for the rules.
func cellText(raw, disp string) string {
	if raw == disp {
		// Either text (never number-formatted by Excel) or a number shown
		// exactly as stored; both are already what the user sees.
		return raw
	}
	if !isPlainNumber(raw) {
		return disp
	}
	if isZeroPadded(disp, raw) || isDateLike(disp) {
		return disp
	}
	return canonicalNumber(raw)
}

// isPlainNumber reports whether s is how Excel stores a number in XML.
func isPlainNumber(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || strings.ContainsRune("+-.eE", r))
	}) < 0
}

// canonicalNumber rounds to the 15 significant digits Excel shows (stored
// values like 12.300000000000001 are float noise from formulas) and writes
// plain decimal notation.
func canonicalNumber(s string) string {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if v == 0 {
		v = 0 // drop the sign of -0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func isZeroPadded(disp, raw string) bool {
	if len(disp) < 2 || disp[0] != '0' {
		return false
	}
	for i := 0; i < len(disp); i++ {
		if disp[i] < '0' || disp[i] > '9' {
			return false
		}
	}
	a, err1 := strconv.ParseFloat(disp, 64)
	b, err2 := strconv.ParseFloat(raw, 64)
	return err1 == nil && err2 == nil && a == b
}

func isDateLike(disp string) bool {
	if !strings.ContainsAny(disp, "0123456789") {
		return false
	}
	return strings.ContainsAny(disp, "/:") ||
		strings.Count(strings.TrimPrefix(disp, "-"), "-") >= 2 ||
		strings.Count(disp, ".") >= 2
}

func (s *xlsxSource) close() error {
	var errs []error
	for _, r := range []*excelize.Rows{s.raw, s.disp} {
		if r != nil {
			errs = append(errs, r.Close())
		}
	}
	errs = append(errs, s.f.Close())
	if err := errors.Join(errs...); err != nil {
		return &Error{File: s.file, Msg: msgTempFiles.With("Error", err.Error())}
	}
	return nil
}
