// Package tabular reads the CSV and XLSX files that subordinate units make
// in Excel into trimmed, NFC-normalised cells that carry their location in
// the file. It knows nothing about indicators or the database: the importer
// above it maps header names to fields and validates values, and reports
// problems using the locations kept here.
//
// What it copes with, because real files from the field have it: UTF-8 with
// or without BOM, Excel's "Unicode text" (UTF-16 with BOM, tab separated),
// Excel's plain CSV on Vietnamese Windows (cp1258 with separate tone
// marks), comma/semicolon/tab separators, report title rows and blank rows
// above the header, and padding rows and columns. Everything else is
// rejected with an *Error saying where and what to do, never read as
// mojibake.
//
// Files come from outside and are not trusted: a zip bomb, a damaged archive or
// a name that is not a regular file is refused before any row is read, within
// fixed bounds of time and memory (see archive.go); damage found further into a
// sheet is a fatal error (Error.Fatal), after which no row of the file may be
// kept.
package tabular

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"danvan/data/message"
	"danvan/data/vntext"
)

var (
	msgXLS          = message.New("old Excel 97-2003 (.xls) files are not supported; open it in Excel and save as .xlsx (Excel Workbook) or 'CSV UTF-8'")
	msgFileType     = message.New("unsupported file type {{.Ext}}; send the report as .xlsx or .csv")
	msgCannotRead   = message.New("cannot read the file: {{.Error}}; copy the file to this computer and try again")
	msgCannotDecode = message.New("cannot decode the file as {{.Encoding}}: {{.Error}}; " + hintSaveUTF8)
	msgNoRows       = message.New("file is empty: it has no rows with content; export the report again")
	msgNoHeader     = message.New("no header row found in the first {{.N}} rows: the table needs a row of column names (at least two, mostly text) above the data")
	msgPastHeader   = message.New("cell is to the right of the last header column (the header has {{.N}} columns); give the column a header or delete the value")
	msgControlChar  = message.New("contains a control character ({{.Char}}), which is not text; delete it (it comes with text pasted from other programs)")
)

// Format is the container type of a file.
type Format string

const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// Info describes what was detected while opening a file.
type Info struct {
	Format     Format
	Encoding   string // CSV only: one of the Enc* constants
	Delimiter  rune   // CSV only
	HeaderLine int    // line (CSV) or sheet row (XLSX) of the header
	Sheet      string // XLSX only
}

// Row is one non-blank data row.
type Row struct {
	// Line is the 1-based physical line where the record starts (a quoted
	// cell may continue on later lines), or the sheet row number for XLSX.
	Line int
	// Cells are trimmed and NFC-normalised; trailing empty cells are
	// removed, so len(Cells) may be less than len(Header()). The slice is
	// reused by the next call to Next (the strings are not): clone it to keep
	// it.
	Cells []string
}

// Options tune Open. The zero value is fine.
type Options struct {
	Sheet        string // XLSX: sheet to read; default the first one
	MaxLineBytes int    // longest record (CSV), row or text (XLSX) accepted; default 1 MiB
	MaxColumns   int    // most columns with content; default 1024
}

const (
	defaultMaxLineBytes = 1 << 20
	defaultMaxColumns   = 1024
	sniffLen            = 64 << 10
	// maxTitleRows bounds the search for the header, so that a file with
	// no header at all fails quickly instead of scanning to the end.
	maxTitleRows = 30
)

// source yields raw records: start line, cleaned cells (nil for a blank
// row), io.EOF at the end.
type source interface {
	next() (int, []string, error)
	close() error
}

// Reader streams the data rows of one file.
type Reader struct {
	file   string
	info   Info
	header []string
	src    source
}

// Open detects the format (by name's extension), encoding, delimiter and
// header row, leaving the Reader positioned at the first data row. name is
// used for the format and in error messages; r is read sequentially (CSV)
// or, for an XLSX (a ZIP archive), at random when it is RandomAccess (a *File
// from OpenFile is) and else into memory first. A workbook is verified to its
// last byte before Open returns.
func Open(name string, r io.Reader, opt Options) (*Reader, error) {
	if opt.MaxLineBytes <= 0 {
		opt.MaxLineBytes = defaultMaxLineBytes
	}
	if opt.MaxColumns <= 0 {
		opt.MaxColumns = defaultMaxColumns
	}
	file := filepath.Base(name)
	var (
		src  source
		info Info
		err  *Error
	)
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".xlsx", ".xlsm":
		src, info, err = openXLSX(file, r, opt)
	case ".csv", ".txt", ".tsv":
		if err = tooLarge(file, r, maxCSVBytes); err == nil {
			src, info, err = openCSV(file, r, opt)
		}
	case ".xls":
		err = &Error{File: file, Msg: msgXLS.With()}
	default:
		err = &Error{File: file, Msg: msgFileType.With("Ext", strconv.Quote(ext))}
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{file: file, info: info, src: src}
	if err := rd.findHeader(); err != nil {
		src.close()
		return nil, err
	}
	return rd, nil
}

func openCSV(file string, r io.Reader, opt Options) (source, Info, *Error) {
	raw := bufio.NewReaderSize(r, sniffLen)
	prefix, perr := raw.Peek(sniffLen)
	if perr != nil && perr != io.EOF {
		return nil, Info{}, &Error{File: file, Msg: msgCannotRead.With("Error", perr.Error())}
	}
	enc, msg := detectEncoding(prefix, perr == io.EOF)
	if msg.Template != "" {
		return nil, Info{}, &Error{File: file, Msg: msg}
	}
	var text io.Reader = raw
	def := byte(',')
	switch enc {
	case EncUTF8BOM:
		raw.Discard(3)
	case EncUTF16LE:
		text, def = transform.NewReader(raw, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), '\t'
	case EncUTF16BE:
		text, def = transform.NewReader(raw, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), '\t'
	case EncWindows1258:
		text = transform.NewReader(raw, charmap.Windows1258.NewDecoder())
	}
	// For plain UTF-8 this returns raw itself: no second buffer or copy.
	br := bufio.NewReaderSize(text, sniffLen)
	head, herr := br.Peek(sniffLen)
	if herr != nil && herr != io.EOF {
		return nil, Info{}, &Error{File: file, Msg: msgCannotDecode.With("Encoding", enc, "Error", herr.Error())}
	}
	delim := detectDelimiter(head, herr == io.EOF, def)
	src := &csvSource{
		file: file, br: br, delim: delim,
		maxBytes: opt.MaxLineBytes, maxCols: opt.MaxColumns,
		decoded: enc != EncUTF8 && enc != EncUTF8BOM,
	}
	return src, Info{Format: FormatCSV, Encoding: enc, Delimiter: rune(delim)}, nil
}

func (s *csvSource) close() error { return nil }

// findHeader skips title and blank rows. The header is the first row with
// at least two non-empty cells, most of them non-numeric: a report title
// fills one (merged) cell, and a data row is mostly numbers.
func (r *Reader) findHeader() error {
	seen := 0
	for {
		line, cells, err := r.src.next()
		if err == io.EOF {
			if seen == 0 {
				return &Error{File: r.file, Msg: msgNoRows.With()}
			}
			return r.noHeader()
		}
		if err != nil {
			return err
		}
		if len(cells) == 0 {
			continue
		}
		if seen++; seen > maxTitleRows {
			return r.noHeader()
		}
		if isHeader(cells) {
			r.header, r.info.HeaderLine = slices.Clone(cells), line // the source reuses cells
			return nil
		}
	}
}

func (r *Reader) noHeader() error {
	return &Error{File: r.file, Msg: msgNoHeader.With("N", strconv.Itoa(maxTitleRows))}
}

func isHeader(cells []string) bool {
	filled, numeric := 0, 0
	for _, c := range cells {
		if c == "" {
			continue
		}
		filled++
		if looksNumeric(c) {
			numeric++
		}
	}
	return filled >= 2 && numeric*2 < filled
}

// looksNumeric is deliberately looser than ParseNumber: for telling a
// header from data, "12,5%" and "(3)" are numbers too.
func looksNumeric(s string) bool {
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune(".,-+%() \u00A0\u202F", c):
		default:
			return false
		}
	}
	return digits > 0
}

// Info reports the detected format, encoding, delimiter and header line.
func (r *Reader) Info() Info { return r.info }

// Header returns the header row's cells, trimmed, NFC, without trailing
// empty cells. The slice is shared; do not modify it.
func (r *Reader) Header() []string { return r.header }

// Next returns the next non-blank row, or io.EOF. Errors are *Error. After
// a row-level error (a bad cell) reading may continue with the next Next
// call; after a structural one (broken quoting, oversized record, read
// failure) Next keeps returning that error.
func (r *Reader) Next() (Row, error) {
	for {
		line, cells, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		if len(cells) == 0 {
			continue
		}
		if len(cells) > len(r.header) {
			col := len(r.header)
			for cells[col] == "" {
				col++
			}
			return Row{}, &Error{File: r.file, Line: line, Column: col + 1, Value: cells[col],
				Msg: msgPastHeader.With("N", strconv.Itoa(len(r.header)))}
		}
		return Row{Line: line, Cells: cells}, nil
	}
}

// Close releases what reading an XLSX holds; for CSV it does nothing. The
// caller owns the io.Reader.
func (r *Reader) Close() error { return r.src.close() }

// cleanCell trims and NFC-normalises a cell of either format. Vietnamese typed
// with some keyboard tools (and all cp1258 files) arrives decomposed, and "Hữu"
// must compare equal to the database's "Hữu" whatever the input method was.
//
// A control character other than tab and line breaks is refused: it is never part
// of a report, it would be stored unseen, and it breaks what the value is copied
// into. Then the text returned is the cell as it can be shown in the problem,
// each control character replaced by U+FFFD.
func cleanCell(v string) (string, message.Text) {
	if r, ok := vntext.ControlChar(v); ok {
		return strings.Map(func(r rune) rune {
			if vntext.IsControl(r) {
				return utf8.RuneError
			}
			return r
		}, v), msgControlChar.With("Char", fmt.Sprintf("%U", r))
	}
	v = strings.TrimSpace(v)
	if !norm.NFC.IsNormalString(v) {
		v = strings.TrimSpace(norm.NFC.String(v))
	}
	return v, message.Text{}
}
