package tabular

import (
	"errors"
	"reflect"
	"testing"

	"danvan/data/message"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in    string
		style NumberStyle
		v     float64
		dec   int
	}{
		{"1234.5", DotDecimal, 1234.5, 1},
		{"1,234.5", DotDecimal, 1234.5, 1},
		{"1,234,567", DotDecimal, 1234567, 0},
		{"1.234", DotDecimal, 1.234, 3},
		{"1.234,5", CommaDecimal, 1234.5, 1},
		{"1 234,5", CommaDecimal, 1234.5, 1},
		{"1\u00A0234,5", CommaDecimal, 1234.5, 1},
		{"1\u202F234\u202F567,25", CommaDecimal, 1234567.25, 2},
		{"1.234", CommaDecimal, 1234, 0},
		{"0,5", CommaDecimal, 0.5, 1},
		{"1234,5", CommaDecimal, 1234.5, 1},
		{"-12", Unknown, -12, 0},
		{"-12", CommaDecimal, -12, 0},
		{" 12 ", DotDecimal, 12, 0},
		{"2,50", Unknown, 2.5, 2},
		{"1,234.5", Unknown, 1234.5, 1},
		{"1 234", Unknown, 1234, 0},
		{"007", DotDecimal, 7, 0},
	}
	for _, tc := range tests {
		v, dec, err := ParseNumber(tc.in, tc.style)
		if err != nil || v != tc.v || dec != tc.dec {
			t.Errorf("ParseNumber(%q, %v) = %v, %d, %v; want %v, %d", tc.in, tc.style, v, dec, err, tc.v, tc.dec)
		}
	}
}

// Plain digit strings skip the style work; they must read exactly as the general
// parser reads them, up to the longest that takes the shortcut and past it.
func TestPlainIntegersReadAsTheGeneralParser(t *testing.T) {
	for _, s := range []string{"0", "7", "007", "1500", "999999999999999", "1000000000000000", "123456789012345678"} {
		v, dec, err := ParseNumber(s, Unknown)
		want, wantDec, fault := parseStyled(s, '.', ',')
		if err != nil || fault != numOK || v != want || dec != wantDec {
			t.Errorf("ParseNumber(%q) = %v, %d, %v; the general parser reads %v, %d (%v)", s, v, dec, err, want, wantDec, fault)
		}
		if got := classifyNumber(s); got != neutralStyle {
			t.Errorf("classifyNumber(%q) = %v, want neutral: digits read the same in either style", s, got)
		}
	}
}

func TestParseNumberErrors(t *testing.T) {
	tests := []struct {
		in    string
		style NumberStyle
		want  string
	}{
		{"1e5", DotDecimal, `"1e5": scientific notation is not accepted; write the number in full (e.g. 100000 instead of 1e5)`},
		{"12abc", DotDecimal, `"12abc": not a number; write digits only, with one decimal mark and no units, %, or currency`},
		{"", CommaDecimal, `empty cell where a number is expected; write 0 if the value is zero`},
		{"--1", DotDecimal, `"--1": not a number; write digits only, with one decimal mark and no units, %, or currency`},
		{"1.2.3", DotDecimal, `"1.2.3": more than one decimal mark '.'; a number has at most one`},
		{"1,5", DotDecimal, `"1,5": written in comma decimal (1.234,5) style, but the other numbers in this file use dot decimal (1,234.5); use the same decimal mark throughout the file`},
		{"1,23,4", DotDecimal, `"1,23,4": not a number; write digits only, with one decimal mark and no units, %, or currency (thousands groups must have 3 digits, e.g. 1,234.5)`},
		{"1,234", Unknown, `"1,234": ambiguous number: it could be read with ',' or '.' as the decimal mark and no other number in the file settles which; write it without thousands separators (e.g. write 1,234 as 1234)`},
		{"12%", CommaDecimal, `"12%": not a number; write digits only, with one decimal mark and no units, %, or currency`},
		{"1 234.5", CommaDecimal, `"1 234.5": written in dot decimal (1,234.5) style, but the other numbers in this file use comma decimal (1.234,5); use the same decimal mark throughout the file`},
		{".5", DotDecimal, `".5": not a number; write digits only, with one decimal mark and no units, %, or currency`},
	}
	for _, tc := range tests {
		_, _, err := ParseNumber(tc.in, tc.style)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("ParseNumber(%q): error %v is not *Error", tc.in, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("ParseNumber(%q, %v)\n got %s\nwant %s", tc.in, tc.style, err, tc.want)
		}
		if !message.Registered(e.Msg.Template) {
			t.Errorf("ParseNumber(%q, %v): message template %q is not registered", tc.in, tc.style, e.Msg.Template)
		}
	}
}

func TestDetectNumberStyle(t *testing.T) {
	tests := []struct {
		samples   []string
		style     NumberStyle
		ambiguous []string
	}{
		{[]string{"12", "1,234", "0,5"}, CommaDecimal, nil},
		{[]string{"1,234", "1.5"}, DotDecimal, nil},
		{[]string{"1.234,5", "7"}, CommaDecimal, nil},
		{[]string{"1,234,567", "1,234"}, DotDecimal, nil},
		{[]string{"1 234,5", "abc", ""}, CommaDecimal, nil},
		{[]string{"1,234", "12", "2.500"}, Unknown, []string{"1,234", "2.500"}},
		{[]string{"12", "1 234"}, Unknown, nil},
		{[]string{"1,5", "1.5"}, Unknown, []string{"1.5", "1,5"}},
		{[]string{"1,5", "2,5", "1.5"}, CommaDecimal, nil},
	}
	for _, tc := range tests {
		style, amb := DetectNumberStyle(tc.samples)
		if style != tc.style || !reflect.DeepEqual(amb, tc.ambiguous) {
			t.Errorf("DetectNumberStyle(%q) = %v, %q; want %v, %q", tc.samples, style, amb, tc.style, tc.ambiguous)
		}
	}
}
