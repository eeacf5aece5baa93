// Package period models reporting periods the way DHIS2 identifies them
// ("202407", "2024Q3", "2024S1", "2024") and reads the many ways Vietnamese
// spreadsheets write them ("Tháng 7/2024", "Quý III/2024", "6 tháng đầu năm
// 2024", ...).
package period

import (
	"fmt"
	"strings"
	"time"

	"danvan/data/vntext"
)

// Type is the length of a reporting period. Constants are ordered from fine
// to coarse, so t1 < t2 means every t2 period is made of whole t1 periods.
type Type int

// The zero Type is deliberately not a period type, so that an unset field is
// caught by Valid rather than silently read as monthly.
const (
	Month Type = iota + 1
	Quarter
	Half
	Year
)

// months is how many months a period of each type spans.
func (t Type) months() int {
	switch t {
	case Month:
		return 1
	case Quarter:
		return 3
	case Half:
		return 6
	case Year:
		return 12
	}
	return 0
}

// Valid reports whether t is one of Month, Quarter, Half and Year.
func (t Type) Valid() bool { return t.months() != 0 }

func (t Type) String() string {
	switch t {
	case Month:
		return "month"
	case Quarter:
		return "quarter"
	case Half:
		return "half"
	case Year:
		return "year"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// ParseType reads a period type in English, Vietnamese or as a DHIS2
// periodType name, ignoring case, accents and punctuation.
func ParseType(s string) (Type, error) {
	switch vntext.Key(s) {
	case "month", "monthly", "thang", "hangthang":
		return Month, nil
	case "quarter", "quarterly", "quy", "hangquy":
		return Quarter, nil
	case "half", "halfyear", "sixmonthly", "6thang", "sauthang", "nuanam":
		return Half, nil
	case "year", "yearly", "annual", "nam", "hangnam":
		return Year, nil
	}
	return 0, fmt.Errorf("%q is not a period type; write month, quarter, half or year (tháng, quý, 6 tháng, năm)", s)
}

// Period is one reporting period. Index is the month (1-12), quarter (1-4)
// or half (1-2) within Year, and 1 for a year.
type Period struct {
	Type  Type
	Year  int
	Index int
}

// Valid reports whether p names a real period in years 1-9999. The year
// bound keeps IDs four digits long and month arithmetic far from overflow;
// Parse is stricter still and accepts only 1900-2999.
func (p Period) Valid() bool {
	n := p.Type.months()
	return n != 0 && p.Index >= 1 && p.Index <= 12/n && p.Year >= 1 && p.Year <= 9999
}

// firstMonth counts months from January of year 0, which turns period
// arithmetic across year boundaries into plain integer arithmetic.
func (p Period) firstMonth() int {
	return p.Year*12 + (p.Index-1)*p.Type.months()
}

// fromMonth is the period of type t containing month m (counted as in
// firstMonth, so m >= 0).
func fromMonth(t Type, m int) Period {
	return Period{Type: t, Year: m / 12, Index: m%12/t.months() + 1}
}

// ID returns the DHIS2 identifier: "2024", "2024S1", "2024Q3" or "202407".
// An invalid period gives "" so that it can never be stored as if it were
// a real one.
func (p Period) ID() string {
	if !p.Valid() {
		return ""
	}
	switch p.Type {
	case Month:
		return fmt.Sprintf("%04d%02d", p.Year, p.Index)
	case Quarter:
		return fmt.Sprintf("%04dQ%d", p.Year, p.Index)
	case Half:
		return fmt.Sprintf("%04dS%d", p.Year, p.Index)
	default:
		return fmt.Sprintf("%04d", p.Year)
	}
}

// String returns p.ID().
func (p Period) String() string { return p.ID() }

// Start returns the first day of p at midnight UTC.
func (p Period) Start() time.Time {
	return time.Date(p.Year, time.Month(1+(p.Index-1)*p.Type.months()), 1, 0, 0, 0, 0, time.UTC)
}

// End returns the last day of p (inclusive) at midnight UTC.
func (p Period) End() time.Time {
	// Day 0 of the month after p is p's last day, leap years included.
	return time.Date(p.Year, time.Month(1+p.Index*p.Type.months()), 0, 0, 0, 0, 0, time.UTC)
}

// Contains reports whether q lies entirely within p. A period contains
// itself; 2024Q3 contains 202407 but not 2024S2.
func (p Period) Contains(q Period) bool {
	if !p.Valid() || !q.Valid() {
		return false
	}
	ps, qs := p.firstMonth(), q.firstMonth()
	return ps <= qs && qs+q.Type.months() <= ps+p.Type.months()
}

// Next returns the period of the same type that follows p.
func (p Period) Next() Period {
	if !p.Valid() {
		return p
	}
	return fromMonth(p.Type, p.firstMonth()+p.Type.months())
}

// Prev returns the period of the same type that precedes p.
func (p Period) Prev() Period {
	if !p.Valid() {
		return p
	}
	return fromMonth(p.Type, p.firstMonth()-p.Type.months())
}

// Parent returns the period of the coarser type t that contains p. Asking for
// a type that is not coarser than p's returns p itself, so callers rolling
// data up to "at least yearly" need no special case.
func (p Period) Parent(t Type) Period {
	if !p.Valid() || !t.Valid() || t <= p.Type {
		return p
	}
	return fromMonth(t, p.firstMonth())
}

// Of returns the period of type t containing the calendar date of d in d's
// own location, so a report dated 00:30 on 1 July in Hanoi falls in July even
// though it is still June in UTC. An invalid t, or a date outside years
// 1-9999, gives the zero Period.
func Of(t Type, d time.Time) Period {
	y, m, _ := d.Date()
	if !t.Valid() || y < 1 || y > 9999 {
		return Period{}
	}
	return fromMonth(t, y*12+int(m)-1)
}

// Range returns every period of type t from the one containing from.Start()
// to the one containing to.End(), in order. It returns nil when from starts
// after to ends, or when any argument is invalid.
func Range(from, to Period, t Type) []Period {
	if !from.Valid() || !to.Valid() || !t.Valid() {
		return nil
	}
	lastMonth := to.firstMonth() + to.Type.months() - 1
	if from.firstMonth() > lastMonth {
		return nil
	}
	first, last := fromMonth(t, from.firstMonth()), fromMonth(t, lastMonth)
	out := make([]Period, 0, (last.firstMonth()-first.firstMonth())/t.months()+1)
	for p := first; p.firstMonth() <= last.firstMonth(); p = p.Next() {
		out = append(out, p)
	}
	return out
}

var (
	romanQuarter = [...]string{"I", "II", "III", "IV"}
	enMonth      = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// isEnglish lets callers pass a full tag such as "en-US"; everything else is
// shown in Vietnamese, the application's working language.
func isEnglish(lang string) bool {
	lang = strings.ToLower(lang)
	return lang == "en" || strings.HasPrefix(lang, "en-") || strings.HasPrefix(lang, "en_")
}

// Label returns the name of p as written in reports: in Vietnamese "Tháng
// 7/2024", "Quý III/2024", "6 tháng đầu năm 2024", "Năm 2024"; with lang
// "en" "Jul 2024", "Q3 2024", "H1 2024", "2024". Parse reads every label
// back.
func (p Period) Label(lang string) string {
	if !p.Valid() {
		return ""
	}
	if isEnglish(lang) {
		switch p.Type {
		case Month:
			return fmt.Sprintf("%s %04d", enMonth[p.Index-1], p.Year)
		case Quarter:
			return fmt.Sprintf("Q%d %04d", p.Index, p.Year)
		case Half:
			return fmt.Sprintf("H%d %04d", p.Index, p.Year)
		default:
			return fmt.Sprintf("%04d", p.Year)
		}
	}
	switch p.Type {
	case Month:
		return fmt.Sprintf("Tháng %d/%04d", p.Index, p.Year)
	case Quarter:
		return fmt.Sprintf("Quý %s/%04d", romanQuarter[p.Index-1], p.Year)
	case Half:
		if p.Index == 1 {
			return fmt.Sprintf("6 tháng đầu năm %04d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %04d", p.Year)
	default:
		return fmt.Sprintf("Năm %04d", p.Year)
	}
}

// ShortLabel returns a compact label for chart axes: in Vietnamese "T7/2024",
// "Quý III/2024", "6T đầu 2024", "2024"; in English "Jul 24", "Q3 24", "H1 24",
// "2024". The full year is kept for years, where there is room and nothing
// else to tell them apart.
func (p Period) ShortLabel(lang string) string {
	if !p.Valid() {
		return ""
	}
	if isEnglish(lang) {
		yy := p.Year % 100
		switch p.Type {
		case Month:
			return fmt.Sprintf("%s %02d", enMonth[p.Index-1], yy)
		case Quarter:
			return fmt.Sprintf("Q%d %02d", p.Index, yy)
		case Half:
			return fmt.Sprintf("H%d %02d", p.Index, yy)
		default:
			return fmt.Sprintf("%04d", p.Year)
		}
	}
	switch p.Type {
	case Month:
		return fmt.Sprintf("T%d/%04d", p.Index, p.Year)
	case Quarter:
		// As Vietnamese reports write it, and as the chart's own table and title
		// do: on a crowded axis it wraps after "Quý".
		return fmt.Sprintf("Quý %s/%04d", romanQuarter[p.Index-1], p.Year)
	case Half:
		if p.Index == 1 {
			return fmt.Sprintf("6T đầu %04d", p.Year)
		}
		return fmt.Sprintf("6T cuối %04d", p.Year)
	default:
		return fmt.Sprintf("%04d", p.Year)
	}
}
