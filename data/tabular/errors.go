package tabular

import (
	"strconv"
	"strings"

	"danvan/data/message"
)

// Error is the only error type this package returns. The people who read
// these messages are clerks who made the file in Excel, so every field that
// helps them find the cell is filled in when known, and Msg ends with what to
// do about it. Msg is a template with its arguments, so that the GUI can show
// it in the officer's language; Error gives it in English. Callers that learn
// more context later (e.g. the importer calling ParseNumber on a cell) may fill
// in File, Line and Column themselves.
type Error struct {
	File   string // base name of the file; empty when not tied to a file
	Line   int    // 1-based line (CSV) or sheet row number (XLSX); 0 if unknown
	Column int    // 1-based cell index within the row; 0 if unknown
	Value  string // the offending cell text, if any
	Msg    message.Text

	// fatal marks errors after which the reader cannot resynchronise
	// (broken quoting, oversized record, I/O). Such errors are repeated by
	// every later Next call; other row errors are reported once and reading
	// can continue, so an importer can list all bad rows in one pass.
	fatal bool
}

// Fatal reports whether the rest of the file could not be read after e: a file
// with such an error must not be imported in part.
func (e *Error) Fatal() bool { return e.fatal }

// Error formats as `report.csv:14: column 3: "abc": message`, omitting the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Column > 0 {
		b.WriteString("column ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(": ")
	}
	if e.Value != "" {
		b.WriteString(strconv.Quote(shorten(e.Value, 60)))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg.String())
	return b.String()
}

// shorten keeps messages readable when the offending value is a whole
// megabyte of garbage; it cuts on a rune boundary.
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
