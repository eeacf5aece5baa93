package tabular

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"danvan/data/message"
)

var (
	msgWorkbookDamaged = message.New("the workbook is damaged ({{.Error}}); open it in Excel and save it again as .xlsx")
	msgNoSheets        = message.New("the workbook has no sheets; open it in Excel and save it again")
	msgNoSuchSheet     = message.New("no such sheet; the workbook has sheets {{.Sheets}}; choose one of them")
	msgNotXLSX         = message.New("not a valid .xlsx workbook ({{.Error}}); open it in Excel and save it as 'Excel Workbook (.xlsx)'")
	msgPassword        = message.New("the workbook is password-protected or encrypted; remove the password in Excel (File > Info > Protect Workbook) and send it again")
	msgSheetDamaged    = message.New("the sheet is damaged ({{.Error}}); open the workbook in Excel and save it again")
	msgLongText        = message.New("the workbook holds a text longer than {{.Max}} bytes; this is not a report table (check that the right file was chosen, or that a cell does not contain a huge pasted text)")
	msgManyStrings     = message.New("the workbook holds more than {{.Max}} different texts; split it or send CSV instead")
	msgStringBytes     = message.New("the workbook holds more than {{.Max}} MiB of text; split it or send CSV instead")
	msgPastLastRow     = message.New("the sheet has rows past Excel's last row, {{.Max}}; open the workbook in Excel and save it again")
	msgNoFormulaValue  = message.New("the workbook has formulas without saved results; open it in Excel and save it (or paste the values as values)")
)

// openXLSX reads a workbook with archive/zip and encoding/xml, not a spreadsheet
// library, because a workbook from outside is untrusted input: every part is
// verified before the first row is returned, the XML parts are parsed strictly,
// and everything is bounded (see the limits), with nothing written to disk. The
// sheet is streamed; only the shared strings are held in memory.
func openXLSX(file string, r io.Reader, opt Options) (source, Info, *Error) {
	b, e := openWorkbook(file, r, opt.MaxLineBytes)
	if e != nil {
		return nil, Info{}, e
	}
	sheet, e := b.choose(opt.Sheet)
	if e != nil {
		return nil, Info{}, e
	}
	f := b.parts[sheet.part]
	if f == nil {
		return nil, Info{}, b.damaged("sheet "+strconv.Quote(sheet.name), fs.ErrNotExist)
	}
	p, err := openPart(f, b.maxToken())
	if err != nil {
		return nil, Info{}, b.damaged(sheet.part, err)
	}
	return &xlsxSource{b: b, p: p, maxCols: opt.MaxColumns}, Info{Format: FormatXLSX, Sheet: sheet.name}, nil
}

// workbook is what rows are read with: the parts, the sheets in the workbook's
// order, the shared strings and the cell formats.
type workbook struct {
	file     string
	parts    map[string]*zip.File
	maxText  int // longest text and longest row, in bytes
	sheets   []sheetRef
	shared   []string
	formats  []cellFormat // by cell style index
	date1904 bool
}

type sheetRef struct{ name, part string }

func openWorkbook(file string, r io.Reader, maxText int) (*workbook, *Error) {
	ra, size, e := randomAccess(file, r)
	if e != nil {
		return nil, e
	}
	zr, e := openArchive(file, ra, size)
	if e != nil {
		return nil, e
	}
	if e := verify(file, zr); e != nil {
		return nil, e
	}
	b := &workbook{file: file, parts: make(map[string]*zip.File, len(zr.File)), maxText: maxText}
	for _, f := range zr.File {
		b.parts[f.Name] = f
	}
	return b, b.readStructure()
}

// maxToken bounds one XML token: a text as long as the longest allowed, escaped.
func (b *workbook) maxToken() int { return 8*b.maxText + 4096 }

// readStructure finds the main part through the package's relationships, then
// the sheets, shared strings and styles through the main part's.
func (b *workbook) readStructure() *Error {
	main := "xl/workbook.xml"
	pkg, err := b.relations("_rels/.rels")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return b.damaged("_rels/.rels", err)
	}
	if t := pkg.byType["officeDocument"]; t != "" {
		main = t
	}
	relsName := path.Join(path.Dir(main), "_rels", path.Base(main)+".rels")
	rels, err := b.relations(relsName)
	if err != nil {
		return b.damaged(relsName, err)
	}
	err = b.read(main, func(p *xmlPart) error {
		return p.each(func(se xml.StartElement) error {
			switch se.Name.Local {
			case "workbookPr":
				b.date1904 = attr(se, "date1904") == "1" || attr(se, "date1904") == "true"
			case "sheet":
				if len(b.sheets) == maxParts {
					return fmt.Errorf("more than %d sheets", maxParts)
				}
				b.sheets = append(b.sheets, sheetRef{attr(se, "name"), rels.byID[attr(se, "id")]})
			}
			return nil
		})
	})
	if errors.Is(err, fs.ErrNotExist) {
		return fatalError(b.file, msgNotXLSX.With("Error", "no "+main))
	}
	if err != nil {
		return b.damaged(main, err)
	}
	if len(b.sheets) == 0 {
		return fatalError(b.file, msgNoSheets.With())
	}
	if name := rels.byType["styles"]; name != "" {
		err := b.read(name, func(p *xmlPart) (err error) {
			b.formats, err = readStyles(p)
			return err
		})
		if err != nil {
			return b.damaged(name, err)
		}
	}
	if name := rels.byType["sharedStrings"]; name != "" {
		err := b.read(name, func(p *xmlPart) (err error) {
			b.shared, err = readShared(b.file, p, b.maxText, maxSharedStrings, maxSharedBytes)
			return err
		})
		if err != nil {
			return b.damaged(name, err)
		}
	}
	return nil
}

// read opens the part name and hands it to fn; fs.ErrNotExist if there is none.
func (b *workbook) read(name string, fn func(*xmlPart) error) error {
	f := b.parts[name]
	if f == nil {
		return fs.ErrNotExist
	}
	p, err := openPart(f, b.maxToken())
	if err != nil {
		return err
	}
	defer p.close()
	return fn(p)
}

// relations are the targets of a relationships part, as part names, by id and by
// the last word of their type (worksheet, styles, sharedStrings, officeDocument).
type relations struct {
	byID, byType map[string]string
}

func (b *workbook) relations(name string) (relations, error) {
	rels := relations{byID: map[string]string{}, byType: map[string]string{}}
	// Targets are relative to the folder of the part the relationships are of.
	dir := path.Dir(path.Dir(name))
	err := b.read(name, func(p *xmlPart) error {
		return p.each(func(se xml.StartElement) error {
			if se.Name.Local != "Relationship" || attr(se, "TargetMode") == "External" {
				return nil
			}
			if len(rels.byID) == maxParts {
				return fmt.Errorf("more than %d relationships", maxParts)
			}
			target := attr(se, "Target")
			if strings.HasPrefix(target, "/") {
				target = target[1:]
			} else {
				target = path.Join(dir, target)
			}
			rels.byID[attr(se, "Id")] = target
			rels.byType[path.Base(attr(se, "Type"))] = target
			return nil
		})
	})
	return rels, err
}

func (b *workbook) damaged(part string, err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, errTextTooLong):
		return fatalError(b.file, msgLongText.With("Max", strconv.Itoa(b.maxText)))
	}
	return fatalError(b.file, msgWorkbookDamaged.With("Error", fmt.Sprintf("%s: %v", part, err)))
}

// choose finds the sheet named want, the first when want is empty.
func (b *workbook) choose(want string) (sheetRef, *Error) {
	if want == "" {
		return b.sheets[0], nil
	}
	want = norm.NFC.String(strings.TrimSpace(want))
	quoted := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		// Excel itself treats sheet names case-insensitively.
		if strings.EqualFold(norm.NFC.String(s.name), want) {
			return s, nil
		}
		quoted[i] = strconv.Quote(s.name)
	}
	return sheetRef{}, &Error{File: b.file, Value: want, fatal: true, Msg: msgNoSuchSheet.With("Sheets", strings.Join(quoted, ", "))}
}

// readShared reads the shared string table: the text of each item, its phonetic
// guide (rPh) left out, as Excel shows it.
func readShared(file string, p *xmlPart, maxText, maxItems int, maxBytes int64) ([]string, error) {
	var (
		items    []string
		total    int64
		text     []byte
		collect  bool
		phonetic int
	)
	for {
		t, err := p.token()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				text = text[:0]
			case "t":
				collect = phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(items) == maxItems {
					return nil, fatalError(file, msgManyStrings.With("Max", strconv.Itoa(maxItems)))
				}
				s := decodeEscapes(string(text))
				if total += int64(len(s)); total > maxBytes {
					return nil, fatalError(file, msgStringBytes.With("Max", mib(maxBytes)))
				}
				items = append(items, s)
			case "t":
				collect = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if collect {
				if text = append(text, t...); len(text) > maxText {
					return nil, errTextTooLong
				}
			}
		}
	}
}

// decodeEscapes undoes OOXML's _xHHHH_ escapes, with which Excel writes
// characters XML cannot hold (a carriage return as _x000D_); _x005F_ is a literal
// underscore, written before text that would otherwise read as an escape.
func decodeEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			break
		}
		r, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil || s[i+6] != '_' {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(r))
		s = s[i+7:]
	}
	b.WriteString(s)
	return b.String()
}

// xlsxSource streams the rows of a sheet. Cells are what Excel shows, except
// numbers:
//
//   - Text cells are returned as stored. Excel never applies number formats to
//     text, so a code typed as text "00004" stays "00004".
//   - Numbers are returned as their stored value rounded to Excel's 15
//     significant digits and written in plain decimal ("1234.5", not the
//     displayed "1,234.50", "1.23E+03" or "50%": 0.5), so that display formats
//     never change what is imported and ParseNumber accepts it.
//   - Except when the display is the data: a zero-padded code or a date (see
//     cellFormat).
//   - A formula gives the result Excel saved with it; one without a saved result
//     refuses the file, since its value is unknown.
type xlsxSource struct {
	b       *workbook
	p       *xmlPart
	maxCols int
	inData  bool     // inside sheetData
	row     int      // sheet row number of the row being read
	col     int      // column number of the cell being read
	out     []string // the cells of the current row, reused
	text    []byte   // the text of the cell being read, reused
	fatal   *Error
}

func (s *xlsxSource) next() (int, []string, error) {
	if s.fatal != nil {
		return 0, nil, s.fatal
	}
	line, cells, err := s.nextRow()
	if err == nil || err == io.EOF {
		return line, cells, err
	}
	e := s.located(err)
	if e.fatal {
		s.fatal = e
	}
	return e.Line, nil, e
}

func (s *xlsxSource) located(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, errTextTooLong):
		return &Error{File: s.b.file, Line: s.row, Column: s.col, fatal: true, Msg: msgLongText.With("Max", strconv.Itoa(s.b.maxText))}
	}
	return &Error{File: s.b.file, Line: s.row, Column: s.col, fatal: true, Msg: msgSheetDamaged.With("Error", err.Error())}
}

// nextRow returns the next <row>, io.EOF once the whole part has been read.
func (s *xlsxSource) nextRow() (int, []string, error) {
	for {
		t, err := s.p.token()
		if err != nil {
			return 0, nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "sheetData" && s.p.depth == 2:
				s.inData = true
			case t.Name.Local == "row" && s.inData && s.p.depth == 3:
				return s.readRow(t)
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" && s.p.depth == 1 {
				if err := s.p.drain(); err != nil {
					return 0, nil, err
				}
				return 0, nil, io.EOF
			}
		}
	}
}

func (s *xlsxSource) readRow(se xml.StartElement) (int, []string, error) {
	n := s.row + 1
	if r := attr(se, "r"); r != "" {
		v, err := strconv.Atoi(r)
		if err != nil || v <= s.row {
			return 0, nil, fmt.Errorf("row number %q after row %d", r, s.row)
		}
		n = v
	}
	s.row, s.col = n, 0
	if n > maxRows {
		return 0, nil, &Error{File: s.b.file, Line: n, fatal: true, Msg: msgPastLastRow.With("Max", strconv.Itoa(maxRows))}
	}
	s.out = s.out[:0]
	var rowErr *Error
	used, depth := 0, s.p.depth
	for {
		t, err := s.p.token()
		if err != nil {
			return 0, nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" || s.p.depth != depth+1 {
				continue
			}
			v, err := s.readCell(t)
			if err != nil {
				return 0, nil, err
			}
			if v == "" {
				continue
			}
			v, msg := cleanCell(v)
			switch {
			case msg.Template != "":
			case s.col > s.maxCols:
				// Empty cells beyond the limit are padding: only content is refused.
				msg = msgTooManyColumns.With("Max", strconv.Itoa(s.maxCols))
			default:
				if used += len(v); used > s.b.maxText {
					return 0, nil, &Error{File: s.b.file, Line: n, fatal: true, Msg: msgLongRecord.With("Max", strconv.Itoa(s.b.maxText))}
				}
				for len(s.out) < s.col-1 {
					s.out = append(s.out, "")
				}
				s.out = append(s.out, v)
			}
			if msg.Template != "" && rowErr == nil {
				rowErr = &Error{File: s.b.file, Line: n, Column: s.col, Value: v, Msg: msg}
			}
		case xml.EndElement:
			if s.p.depth < depth {
				if rowErr != nil {
					return n, nil, rowErr
				}
				return n, s.out, nil
			}
		}
	}
}

// readCell reads a <c> element to its end and returns its text, uncleaned.
func (s *xlsxSource) readCell(se xml.StartElement) (string, error) {
	col := s.col + 1
	if ref := attr(se, "r"); ref != "" {
		c, r, ok := parseRef(ref)
		if !ok || r != s.row || c <= s.col {
			return "", fmt.Errorf("cell reference %q in row %d after column %d", ref, s.row, s.col)
		}
		col = c
	}
	if s.col = col; col > maxSheetColumns {
		return "", fmt.Errorf("more than %d columns", maxSheetColumns)
	}
	s.text = s.text[:0]
	var hasF, hasV, collect bool
	phonetic, depth := 0, s.p.depth
	for {
		t, err := s.p.token()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "f":
				hasF = true
			case "v":
				hasV, collect = true, true
			case "t":
				collect = phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			if s.p.depth < depth {
				if hasF && !hasV {
					return "", &Error{File: s.b.file, Line: s.row, Column: col, fatal: true, Msg: msgNoFormulaValue.With()}
				}
				return s.value(attr(se, "t"), attr(se, "s"))
			}
			switch t.Name.Local {
			case "v", "t":
				collect = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if collect {
				if s.text = append(s.text, t...); len(s.text) > s.b.maxText {
					return "", errTextTooLong
				}
			}
		}
	}
}

// value gives the text of a cell of type typ and style index style holding text.
func (s *xlsxSource) value(typ, style string) (string, error) {
	text := string(s.text)
	switch typ {
	case "s":
		if text == "" {
			return "", nil
		}
		i, err := strconv.Atoi(text)
		if err != nil || i < 0 || i >= len(s.b.shared) {
			return "", fmt.Errorf("shared string %q does not exist; the workbook has %d", text, len(s.b.shared))
		}
		return s.b.shared[i], nil
	case "inlineStr":
		return decodeEscapes(text), nil
	case "str", "e", "d": // a formula's text, an error such as #DIV/0!, an ISO date
		return text, nil
	case "b":
		switch text {
		case "":
			return "", nil
		case "0":
			return "FALSE", nil
		case "1":
			return "TRUE", nil
		}
	case "", "n":
		if text == "" {
			return "", nil
		}
		if isPlainNumber(text) {
			var f cellFormat
			if i, err := strconv.Atoi(style); err == nil && i >= 0 && i < len(s.b.formats) {
				f = s.b.formats[i]
			}
			return f.text(text, s.b.date1904), nil
		}
	default:
		return "", fmt.Errorf("cell type %q", typ)
	}
	return "", fmt.Errorf("%q is not a value of type %q", text, typ)
}

// parseRef splits a cell reference such as AB12 into column and row numbers.
func parseRef(ref string) (col, row int, ok bool) {
	i := 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
	}
	row, err := strconv.Atoi(ref[i:])
	return col, row, i > 0 && err == nil && row > 0 && ref[i] != '+'
}

func (s *xlsxSource) close() error { return s.p.close() }
