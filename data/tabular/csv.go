package tabular

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"danvan/data/message"
)

var (
	msgTooManyColumns = message.New("row has more than {{.Max}} columns; delete the unused columns to the right of the table")
	msgLongRecord     = message.New("record is longer than {{.Max}} bytes; this is not a report table (check that the right file was chosen, or that a cell does not contain a huge pasted text)")
	msgOpenQuote      = message.New("the double quote (\") that opens this cell is never closed; the file is cut off or has a stray quote — re-export it from Excel")
	msgAfterQuote     = message.New("text after the closing double quote; a quoted cell must end right after its quote (write \"\" for a quote inside the cell)")
	msgBareQuote      = message.New("double quote inside an unquoted cell; put the whole cell in double quotes and double the inner quote (\"\"), or let Excel save the file")
	msgBadUTF8        = message.New("invalid UTF-8 bytes (shown as \uFFFD): the start of the file is UTF-8 but this cell is in another encoding; " + hintSaveUTF8)
	msgBadByte        = message.New("contains a byte that is not a character in this file's encoding (shown as \uFFFD); " + hintSaveUTF8)
)

// csvSource is a small RFC 4180 reader. encoding/csv was the first choice but
// does not fit three requirements: it buffers a whole record before
// returning (a 100 MB line is read into memory before anything can object),
// it reports an unterminated quote at the end of the file rather than where
// the quote opened, and it keeps every field of a 10,000-column row. This
// reader enforces MaxLineBytes while reading, drops empty cells beyond
// MaxColumns, and builds each record with one string allocation into a reused
// Cells slice, which is what keeps a million-row file at a few hundred ns per
// row.
type csvSource struct {
	file     string
	br       *bufio.Reader
	delim    byte
	maxBytes int
	maxCols  int
	decoded  bool // text went through a decoder, so U+FFFD marks a bad byte

	line  int      // physical lines consumed so far
	buf   []byte   // unescaped bytes of the current record's kept fields
	ends  []int    // end offset in buf of each kept field
	out   []string // the cells of the current record, reused
	long  []byte   // assembles a physical line longer than br's buffer
	fatal *Error
}

func (s *csvSource) errAt(line, col int, val string, msg message.Text) *Error {
	return &Error{File: s.file, Line: line, Column: col, Value: val, Msg: msg}
}

func (s *csvSource) fail(e *Error) (int, []string, error) {
	e.fatal = true
	s.fatal = e
	return 0, nil, e
}

// readLine returns the next physical line including its '\n' (absent at
// EOF). used is the record's byte count so far, so the limit applies to the
// whole record even when quoted line breaks spread it over many lines.
func (s *csvSource) readLine(used int, recLine int) ([]byte, *Error) {
	line, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if used+len(s.long) > s.maxBytes {
				return nil, s.tooLong(recLine)
			}
			line, err = s.br.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if used+len(line) > s.maxBytes {
		return nil, s.tooLong(recLine)
	}
	if len(line) > 0 {
		s.line++
	}
	if err != nil && err != io.EOF {
		return nil, &Error{File: s.file, Line: s.line + 1, Msg: msgCannotRead.With("Error", err.Error()), fatal: true}
	}
	return line, nil
}

func (s *csvSource) tooLong(line int) *Error {
	return &Error{File: s.file, Line: line, fatal: true, Msg: msgLongRecord.With("Max", strconv.Itoa(s.maxBytes))}
}

// next returns the following record's start line and its cells, trimmed,
// NFC-normalised, with trailing empty cells removed (so a blank row has no
// cells). Row-level errors leave the reader positioned at the next record.
func (s *csvSource) next() (int, []string, error) {
	if s.fatal != nil {
		return 0, nil, s.fatal
	}
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	line, e := s.readLine(0, s.line+1)
	if e != nil {
		return s.fail(e)
	}
	if len(line) == 0 {
		return 0, nil, io.EOF
	}
	start, used := s.line, len(line)
	var (
		rowErr     *Error
		quoted     bool
		afterQuote bool
		quoteLine  int
		fieldStart = 0 // len(buf) where the current field began
		col        = 1
		i          = 0
		delim      = s.delim
	)
	setErr := func(e *Error) {
		if rowErr == nil {
			rowErr = e
		}
	}
	endField := func() {
		if len(s.ends) < s.maxCols {
			s.ends = append(s.ends, len(s.buf))
		} else {
			// Excel pads rows to the sheet's used range, which stray
			// formatting can stretch to thousands of empty columns; only
			// real content beyond the limit is an error.
			if v := strings.TrimSpace(string(s.buf[fieldStart:])); v != "" {
				setErr(s.errAt(start, col, v, msgTooManyColumns.With("Max", strconv.Itoa(s.maxCols))))
			}
			s.buf = s.buf[:fieldStart]
		}
		fieldStart = len(s.buf)
		col++
		afterQuote = false
	}
	for {
		if i >= len(line) {
			if !quoted {
				// Last line of the file without a final newline.
				endField()
				break
			}
			next, e := s.readLine(used, start)
			if e != nil {
				return s.fail(e)
			}
			if len(next) == 0 {
				return s.fail(s.errAt(quoteLine, col, "", msgOpenQuote.With()))
			}
			used += len(next)
			line, i = next, 0
			continue
		}
		if quoted {
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				s.buf = appendNormNL(s.buf, line[i:])
				i = len(line)
				continue
			}
			s.buf = appendNormNL(s.buf, line[i:i+j])
			i += j + 1
			if i < len(line) && line[i] == '"' {
				s.buf = append(s.buf, '"')
				i++
				continue
			}
			quoted, afterQuote = false, true
			continue
		}
		c := line[i]
		switch {
		case c == delim:
			endField()
			i++
			continue
		case c == '\n' || c == '\r' && (i+1 == len(line) || line[i+1] == '\n'):
			endField()
		case afterQuote:
			setErr(s.errAt(start, col, "", msgAfterQuote.With()))
			afterQuote = false
			continue
		case c == '"' && len(s.buf) == fieldStart:
			quoted, quoteLine = true, s.line
			i++
			continue
		case c == '"':
			setErr(s.errAt(start, col, "", msgBareQuote.With()))
			s.buf = append(s.buf, c)
			i++
			continue
		default:
			j := i + 1
			for j < len(line) {
				b := line[j]
				if b == delim || b == '"' || b == '\n' || b == '\r' {
					break
				}
				j++
			}
			s.buf = append(s.buf, line[i:j]...)
			i = j
			continue
		}
		break
	}
	cells, e := s.cells(start)
	if rowErr != nil {
		return start, nil, rowErr
	}
	if e != nil {
		return start, nil, e
	}
	return start, cells, nil
}

// appendNormNL copies quoted text, turning CRLF into LF so a cell typed
// with Alt+Enter has the same content whichever line ending the file uses.
func appendNormNL(dst, src []byte) []byte {
	for {
		j := bytes.IndexByte(src, '\r')
		if j < 0 || j+1 >= len(src) || src[j+1] != '\n' {
			return append(dst, src...)
		}
		dst = append(dst, src[:j]...)
		src = src[j+1:]
	}
}

// cells turns the record buffer into trimmed, NFC strings with one
// allocation for the text; plain records (ASCII without control characters)
// skip all cleaning but the trim.
func (s *csvSource) cells(line int) ([]string, *Error) {
	str := string(s.buf)
	plain := true
	for i := 0; i < len(str); i++ {
		if c := str[i]; c >= utf8.RuneSelf || c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7F {
			plain = false
			break
		}
	}
	last := -1
	for i, end := range s.ends {
		start := 0
		if i > 0 {
			start = s.ends[i-1]
		}
		if strings.TrimSpace(str[start:end]) != "" {
			last = i
		}
	}
	if last < 0 {
		return nil, nil
	}
	out := slices.Grow(s.out[:0], last+1)[:last+1]
	s.out = out
	start := 0
	for i := range out {
		v := str[start:s.ends[i]]
		start = s.ends[i]
		if plain {
			out[i] = strings.TrimSpace(v)
			continue
		}
		var err *Error
		if out[i], err = s.clean(v, line, i+1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *csvSource) clean(v string, line, col int) (string, *Error) {
	if !utf8.ValidString(v) {
		return "", s.errAt(line, col, strings.ToValidUTF8(v, "\uFFFD"), msgBadUTF8.With())
	}
	if s.decoded && strings.ContainsRune(v, utf8.RuneError) {
		return "", s.errAt(line, col, v, msgBadByte.With())
	}
	v, msg := cleanCell(v)
	if msg.Template != "" {
		return "", s.errAt(line, col, v, msg)
	}
	return v, nil
}
