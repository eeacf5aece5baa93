package period

import (
	"regexp"
	"strconv"
	"strings"

	"danvan/data/message"
	"danvan/data/vntext"
)

// Years outside this window are almost always typing or spreadsheet
// conversion mistakes (Excel serial numbers, two-digit years) rather than
// real reporting periods.
const (
	minYear = 1900
	maxYear = 2999
)

// ParseError reports input that is not a reporting period. Its message quotes
// the input exactly as given so the officer can find the offending cell.
type ParseError struct {
	Input string       // the text as passed to Parse
	Msg   message.Text // what is wrong and how to write a period; Input is its {{.Input}}, quoted
}

func (e *ParseError) Error() string { return e.Msg.String() }

// The messages of ParseError; each says how to write a period.
const writeAPeriod = "; write e.g. 2024Q3 or Quý 3/2024"

var (
	msgNotPeriod = message.New("{{.Input}} is not a period" + writeAPeriod)
	msgEmpty     = message.New("{{.Input}} is not a period: it is empty" + writeAPeriod)
	msgNoMonth   = message.New("{{.Input}} is not a period: there is no month {{.N}}" + writeAPeriod)
	msgNoQuarter = message.New("{{.Input}} is not a period: there is no quarter {{.N}}" + writeAPeriod)
	msgNoHalf    = message.New("{{.Input}} is not a period: there is no half {{.N}}" + writeAPeriod)
	msgYearRange = message.New("{{.Input}} is not a period: the year must be between {{.Min}} and {{.Max}}" + writeAPeriod)
	msgSingleDay = message.New("{{.Input}} is not a period: a single day is not a reporting period; write the month, e.g. 202407 or Tháng 7/2024")
)

// parseError makes the ParseError for input with msg and its other arguments.
func parseError(input string, msg message.Template, args ...string) error {
	return &ParseError{Input: input, Msg: msg.With(append([]string{"Input", strconv.Quote(input)}, args...)...)}
}

// The patterns run on vntext.Fold output (lower case, no accents, single
// spaces) with spaces around "/" and "-" removed, so each Vietnamese form
// needs only its unaccented spelling here.
var (
	spaceAroundSep = regexp.MustCompile(` ?([/-]) ?`)

	reYear      = regexp.MustCompile(`^(?:nam ?)?(\d{4})$`)
	reHalfID    = regexp.MustCompile(`^(\d{4}) ?[sh](\d)$`)
	reHalfPre   = regexp.MustCompile(`^[sh](\d)[/ -](\d{4})$`)
	reHalfVi    = regexp.MustCompile(`^(?:6 ?thang|6 ?t|nua) (dau|cuoi)(?: nam)? ?(\d{4})$`)
	reQuarterID = regexp.MustCompile(`^(\d{4}) ?q(\d{1,2})$`)
	reQuarterVi = regexp.MustCompile(`^(?:quy|q) ?(\d{1,2}|[ivx]+)(?:[/ -]| nam )(\d{4})$`)
	reMonthID   = regexp.MustCompile(`^(\d{4})(\d{2})$`)
	reMonthISO  = regexp.MustCompile(`^(\d{4})[/-](\d{1,2})$`)
	reMonthMY   = regexp.MustCompile(`^(\d{1,2})[/-](\d{4})$`)
	reMonthVi   = regexp.MustCompile(`^(?:thang ?|t)(\d{1,2})(?:[/ -]| nam )(\d{4})$`)
	reMonthEn   = regexp.MustCompile(`^([a-z]{3,9}) (\d{4})$`)

	// Dates, with or without a time as Excel exports them, and 8-digit
	// yyyymmdd. Recognised only to explain why they are refused.
	reDay = regexp.MustCompile(`^(?:\d{4}[/-]\d{1,2}[/-]\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{8})(?:[ t].*)?$`)
)

// enMonthIndex lets the English labels ("Jul 2024") be read back.
var enMonthIndex = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

// Parse reads a period written as DHIS2 does ("2024", "2024S1", "2024Q3",
// "202407") or as Vietnamese spreadsheets do: "2024-07", "07/2024",
// "Tháng 7/2024", "T7/2024", "Q3/2024", "Q3-2024", "Quý 3/2024",
// "Quý III/2024", "6 tháng đầu năm 2024", "6 tháng cuối năm 2024",
// "Năm 2024", "2024H1", "H1/2024". Case, accents, Unicode normalization
// and extra spaces do not matter; every Label and ShortLabel with a
// four-digit year is read back. Years must lie in 1900-2999. Any failure is a
// *ParseError.
func Parse(s string) (Period, error) {
	f := spaceAroundSep.ReplaceAllString(vntext.Fold(s), "$1")
	if f == "" {
		return Period{}, parseError(s, msgEmpty)
	}
	build := func(t Type, year, index string) (Period, error) {
		i, err := strconv.Atoi(index)
		if err != nil {
			return Period{}, parseError(s, msgNotPeriod)
		}
		return checked(s, t, year, i)
	}

	if m := reYear.FindStringSubmatch(f); m != nil {
		return checked(s, Year, m[1], 1)
	}
	if m := reHalfID.FindStringSubmatch(f); m != nil {
		return build(Half, m[1], m[2])
	}
	if m := reHalfPre.FindStringSubmatch(f); m != nil {
		return build(Half, m[2], m[1])
	}
	if m := reHalfVi.FindStringSubmatch(f); m != nil {
		if m[1] == "dau" {
			return checked(s, Half, m[2], 1)
		}
		return checked(s, Half, m[2], 2)
	}
	if m := reQuarterID.FindStringSubmatch(f); m != nil {
		return build(Quarter, m[1], m[2])
	}
	if m := reQuarterVi.FindStringSubmatch(f); m != nil {
		if i, ok := roman(m[1]); ok {
			return checked(s, Quarter, m[2], i)
		}
		if m[1][0] >= 'a' {
			return Period{}, parseError(s, msgNoQuarter, "N", strings.ToUpper(m[1]))
		}
		return build(Quarter, m[2], m[1])
	}
	if m := reMonthID.FindStringSubmatch(f); m != nil {
		return build(Month, m[1], m[2])
	}
	if m := reMonthISO.FindStringSubmatch(f); m != nil {
		return build(Month, m[1], m[2])
	}
	if m := reMonthMY.FindStringSubmatch(f); m != nil {
		return build(Month, m[2], m[1])
	}
	if m := reMonthVi.FindStringSubmatch(f); m != nil {
		return build(Month, m[2], m[1])
	}
	if m := reMonthEn.FindStringSubmatch(f); m != nil && enMonthIndex[m[1]] != 0 {
		return checked(s, Month, m[2], enMonthIndex[m[1]])
	}
	if reDay.MatchString(f) {
		return Period{}, parseError(s, msgSingleDay)
	}
	return Period{}, parseError(s, msgNotPeriod)
}

// MustParse is Parse for literals in tests and demo data; it panics on error.
func MustParse(s string) Period {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

func checked(input string, t Type, year string, index int) (Period, error) {
	p := Period{Type: t, Index: index}
	if index < 1 || index > 12/t.months() {
		msg := msgNotPeriod // a year has no index to get wrong
		switch t {
		case Month:
			msg = msgNoMonth
		case Quarter:
			msg = msgNoQuarter
		case Half:
			msg = msgNoHalf
		}
		return Period{}, parseError(input, msg, "N", strconv.Itoa(index))
	}
	y, err := strconv.Atoi(year)
	if err != nil || y < minYear || y > maxYear {
		return Period{}, parseError(input, msgYearRange, "Min", strconv.Itoa(minYear), "Max", strconv.Itoa(maxYear))
	}
	p.Year = y
	return p, nil
}

// roman reads the quarter numerals I-IV that Vietnamese reports use.
func roman(s string) (int, bool) {
	switch s {
	case "i":
		return 1, true
	case "ii":
		return 2, true
	case "iii":
		return 3, true
	case "iv":
		return 4, true
	}
	return 0, false
}
