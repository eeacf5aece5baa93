package tabular

import (
	"strconv"
	"strings"

	"danvan/data/message"
)

// NumberStyle is a file's convention for decimal and thousands marks. It is
// detected per file, not per cell, because "1,234" alone is either 1234 or
// 1.234 and only the other numbers in the same file can tell which.
type NumberStyle int

const (
	// Unknown: no sample decided. ParseNumber then accepts only numbers
	// whose reading does not depend on the style.
	Unknown NumberStyle = iota
	// DotDecimal: "1234.5", "1,234.5" (English Windows, and every numeric
	// cell read from XLSX).
	DotDecimal
	// CommaDecimal: "1234,5", "1.234,5", "1 234,5" (Vietnamese Windows).
	CommaDecimal
)

func (s NumberStyle) String() string {
	switch s {
	case DotDecimal:
		return "dot decimal (1,234.5)"
	case CommaDecimal:
		return "comma decimal (1.234,5)"
	}
	return "unknown"
}

// DetectNumberStyle decides the style from all number cells of one file.
// Samples that settle it on their own ("1,5", "1.234,5", "1,234,567")
// vote; the majority wins and the minority will fail in ParseNumber, which
// names them. Neutral samples ("12", "1 234") and non-numbers are ignored.
// If nothing votes, it returns Unknown and the samples that could be read
// either way ("1,234", "1.234"), for the importer to show; if the votes tie,
// it returns Unknown and the voting samples, which contradict each other.
func DetectNumberStyle(samples []string) (NumberStyle, []string) {
	var votes NumberVotes
	var dot, comma, ambiguous []string
	for _, s := range samples {
		switch votes.add(s) {
		case DotDecimal:
			dot = append(dot, s)
		case CommaDecimal:
			comma = append(comma, s)
		case ambiguousStyle:
			ambiguous = append(ambiguous, s)
		}
	}
	switch style := votes.Style(); {
	case style != Unknown:
		return style, nil
	case len(dot) > 0:
		return Unknown, append(dot, comma...)
	}
	return Unknown, ambiguous
}

// NumberVotes is DetectNumberStyle one cell at a time, for files too large to
// keep every cell until the end. The zero value has no votes.
type NumberVotes struct{ dot, comma int }

// Add counts s's vote and reports whether s's reading depends on the style: if
// not, ParseNumber(s, DotDecimal) already gives its final reading or error.
func (v *NumberVotes) Add(s string) (dependsOnStyle bool) {
	switch v.add(s) {
	case neutralStyle, notNumber:
		return false
	}
	return true
}

func (v *NumberVotes) add(s string) NumberStyle {
	c := classifyNumber(s)
	switch c {
	case DotDecimal:
		v.dot++
	case CommaDecimal:
		v.comma++
	}
	return c
}

// Style is the majority's style; Unknown when nothing voted or the votes tie.
func (v NumberVotes) Style() NumberStyle {
	switch {
	case v.dot > v.comma:
		return DotDecimal
	case v.comma > v.dot:
		return CommaDecimal
	}
	return Unknown
}

// Internal classification results besides the real styles.
const (
	notNumber NumberStyle = -1 - iota
	neutralStyle
	ambiguousStyle
)

func classifyNumber(s string) NumberStyle {
	s = strings.TrimSpace(s)
	if _, ok := plainInteger(s); ok {
		return neutralStyle
	}
	d, _, errD := parseStyled(s, '.', ',')
	c, _, errC := parseStyled(s, ',', '.')
	switch {
	case errD == numOK && errC == numOK:
		if d == c {
			return neutralStyle
		}
		return ambiguousStyle
	case errD == numOK:
		return DotDecimal
	case errC == numOK:
		return CommaDecimal
	}
	return notNumber
}

const notNumberText = "not a number; write digits only, with one decimal mark and no units, %, or currency"

var (
	msgEmptyNumber = message.New("empty cell where a number is expected; write 0 if the value is zero")
	msgAmbiguous   = message.New("ambiguous number: it could be read with ',' or '.' as the decimal mark and no other number in the file settles which; write it without thousands separators (e.g. write 1,234 as 1234)")
	msgDotInComma  = message.New("written in dot decimal (1,234.5) style, but the other numbers in this file use comma decimal (1.234,5); use the same decimal mark throughout the file")
	msgCommaInDot  = message.New("written in comma decimal (1.234,5) style, but the other numbers in this file use dot decimal (1,234.5); use the same decimal mark throughout the file")
	msgNotNumber   = message.New(notNumberText)
	msgBadGroups   = message.New(notNumberText + " (thousands groups must have 3 digits, e.g. {{.Example}})")
	msgScientific  = message.New("scientific notation is not accepted; write the number in full (e.g. 100000 instead of 1e5)")
	msgTwoMarks    = message.New("more than one decimal mark '{{.Mark}}'; a number has at most one")
	msgTooBig      = message.New("number is too large; check that the cell holds the right value")
)

// ParseNumber parses a cell written in plain decimal notation in the given
// style and returns the value and the number of decimals written (so "2,50"
// reports 2, for indicators that must be whole numbers or have a precision).
// Thousands may be grouped by the style's mark or by a space, NBSP or
// narrow NBSP. Scientific notation ("1e5"), units, currency and percent
// signs are rejected: the files are typed by hand and such values are
// far more often typos than intent.
func ParseNumber(s string, style NumberStyle) (float64, int, error) {
	t := strings.TrimSpace(s)
	fail := func(msg message.Text) (float64, int, error) {
		return 0, 0, &Error{Value: s, Msg: msg}
	}
	if t == "" {
		return fail(msgEmptyNumber.With())
	}
	if v, ok := plainInteger(t); ok {
		return v, 0, nil
	}
	self := classifyNumber(t)
	decMark, grpMark := byte('.'), byte(',')
	switch style {
	case DotDecimal:
	case CommaDecimal:
		decMark, grpMark = ',', '.'
	default:
		switch self {
		case ambiguousStyle:
			return fail(msgAmbiguous.With())
		case CommaDecimal:
			decMark, grpMark = ',', '.'
		}
	}
	v, dec, f := parseStyled(t, decMark, grpMark)
	switch {
	case f == numOK:
		return v, dec, nil
	case style == DotDecimal && self == CommaDecimal:
		return fail(msgCommaInDot.With())
	case style == CommaDecimal && self == DotDecimal:
		return fail(msgDotInComma.With())
	case f == numBadGroups:
		return fail(msgBadGroups.With("Example", "1"+string(grpMark)+"234"+string(decMark)+"5"))
	case f == numTwoMarks:
		return fail(msgTwoMarks.With("Mark", string(decMark)))
	case f == numScientific:
		return fail(msgScientific.With())
	case f == numTooBig:
		return fail(msgTooBig.With())
	}
	return fail(msgNotNumber.With())
}

// plainInteger reads s if it is digits only, and few enough that a float64 holds
// the number exactly: most cells of most files, which then need none of the work
// of telling styles apart.
func plainInteger(s string) (float64, bool) {
	if s == "" || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return float64(n), true
}

// numFault is what parseStyled found wrong; ParseNumber turns it into a message
// only for the cells that fail, not for every cell that classifyNumber tries.
type numFault uint8

const (
	numOK numFault = iota
	numNotNumber
	numBadGroups // digits and marks only, but the thousands groups are wrong
	numScientific
	numTwoMarks
	numTooBig
)

// parseStyled parses t with the given decimal and grouping marks.
func parseStyled(t string, decMark, grpMark byte) (float64, int, numFault) {
	body := t
	neg := strings.HasPrefix(body, "-")
	if neg {
		body = body[1:]
	}
	if body == "" || body[0] < '0' || body[0] > '9' {
		return 0, 0, numNotNumber
	}
	if strings.ContainsAny(body, "eE") && strings.Trim(body, "0123456789.,eE+-") == "" {
		return 0, 0, numScientific
	}
	intPart, frac := body, ""
	if i := strings.IndexByte(body, decMark); i >= 0 {
		intPart, frac = body[:i], body[i+1:]
		if strings.IndexByte(frac, decMark) >= 0 {
			return 0, 0, numTwoMarks
		}
		if frac == "" || !allDigits(frac) {
			return 0, 0, numNotNumber
		}
	}
	digits, ok := ungroup(intPart, grpMark)
	if !ok {
		if strings.Trim(intPart, "0123456789 ,.\u00A0\u202F") != "" {
			return 0, 0, numNotNumber
		}
		return 0, 0, numBadGroups
	}
	num := digits
	if frac != "" {
		num += "." + frac
	}
	if neg {
		num = "-" + num
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, 0, numTooBig
	}
	return v, len(frac), numOK
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ungroup removes thousands separators, checking the grouping is real:
// one kind of separator, a first group of 1-3 digits not starting with 0,
// then groups of exactly 3. Otherwise "1,5" would silently become 15.
func ungroup(s string, grpMark byte) (string, bool) {
	if allDigits(s) {
		return s, true
	}
	var groups []string
	kind := ""
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		if i < 0 {
			groups = append(groups, s)
			break
		}
		groups = append(groups, s[:i])
		sep := s[i:]
		var k string
		switch {
		case sep[0] == grpMark:
			k = string(grpMark)
		case strings.HasPrefix(sep, " "), strings.HasPrefix(sep, "\u00A0"), strings.HasPrefix(sep, "\u202F"):
			// Excel's Vietnamese format uses a space, Word and web
			// pages paste NBSP or narrow NBSP; all read the same.
			k = "space"
		default:
			return "", false
		}
		if kind != "" && k != kind {
			return "", false
		}
		kind = k
		if sep[0] == ' ' || sep[0] == grpMark {
			s = sep[1:]
		} else if strings.HasPrefix(sep, "\u00A0") {
			s = sep[len("\u00A0"):]
		} else {
			s = sep[len("\u202F"):]
		}
		if s == "" {
			return "", false
		}
	}
	for i, g := range groups {
		if i == 0 && (len(g) < 1 || len(g) > 3 || g[0] == '0') || i > 0 && len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}
