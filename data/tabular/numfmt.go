package tabular

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// cellFormat is what a number format changes in what is imported. Only two
// kinds of format make the displayed text the data: a zero-padding format such as
// 00000 turns 4 into the locality code 00004, and a date's stored value is a day
// serial nobody typed. Every other format only dresses a number (1,234.50, 50%,
// 1.23E+03) and the stored value is imported.
type cellFormat struct {
	pad        int  // width of a zero-padding format
	date, time bool // shows a date, a time of day, or both
	seconds    bool
}

// builtinFormats are Excel's built-in date and time formats, which styles.xml
// names by id only.
var builtinFormats = map[int]string{
	14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
	20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
}

// parseFormat reads a format code's first section, the one for positive numbers:
// codes and dates are positive.
func parseFormat(code string) cellFormat {
	var f cellFormat
	zeros, month, other := 0, false, false
scan:
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == ';':
			break scan
		case c == '0':
			zeros++
			continue
		case c == '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case c == '\\' || c == '_' || c == '*': // the next character is literal or padding
			i++
		case c == '[': // a colour, a locale, a condition, or elapsed time: [h], [mm], [ss]
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				break scan
			}
			if in := strings.ToLower(code[i+1 : i+j]); in != "" && strings.Trim(in, "hms") == "" {
				f.time = true
				f.seconds = f.seconds || strings.Contains(in, "s")
			}
			i += j
		case len(code)-i >= 5 && strings.EqualFold(code[i:i+5], "AM/PM"):
			i += 4
		case len(code)-i >= 3 && strings.EqualFold(code[i:i+3], "A/P"):
			i += 2
		default:
			switch c | 0x20 {
			case 'y', 'd':
				f.date = true
			case 'm':
				month = true
			case 'h':
				f.time = true
			case 's':
				f.time, f.seconds = true, true
			}
		}
		other = true
	}
	// m is minutes next to hours or seconds, else a month.
	if month && !f.time {
		f.date = true
	}
	if !other && zeros >= 2 {
		f.pad = zeros
	}
	return f
}

// text is what a cell formatted f shows for the number stored as raw (already
// checked by isPlainNumber); see cellFormat.
func (f cellFormat) text(raw string, date1904 bool) string {
	v, _ := strconv.ParseFloat(raw, 64)
	switch {
	case f.date || f.time:
		if s, ok := f.dateText(v, date1904); ok {
			return s
		}
	case f.pad > 0 && v >= 0 && v < 1e15 && v == math.Trunc(v):
		s := strconv.FormatFloat(v, 'f', 0, 64)
		return strings.Repeat("0", max(f.pad-len(s), 0)) + s
	}
	return canonicalNumber(raw)
}

// dateText writes a date as Vietnamese Excel shows its short date, dd/mm/yyyy,
// whatever the format's order, so that dates read the same from every workbook.
func (f cellFormat) dateText(v float64, date1904 bool) (string, bool) {
	if v < 0 || v >= 2958466 { // Excel shows ##### outside years 1900 to 9999
		return "", false
	}
	day := math.Floor(v)
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case day < 61: // Excel counts a 29 February 1900 that never was
		base = base.AddDate(0, 0, 1)
	}
	t := base.AddDate(0, 0, int(day)).Add(time.Duration(math.Round((v-day)*86400)) * time.Second)
	var layout []string
	if f.date {
		layout = append(layout, "02/01/2006")
	}
	switch {
	case f.seconds:
		layout = append(layout, "15:04:05")
	case f.time:
		layout = append(layout, "15:04")
	}
	return t.Format(strings.Join(layout, " ")), true
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

// readStyles returns the format of each cell style (cellXfs), by index.
func readStyles(p *xmlPart) ([]cellFormat, error) {
	codes := map[int]string{}
	var ids []int
	var section string
	err := p.each(func(se xml.StartElement) error {
		switch p.depth {
		case 2:
			section = se.Name.Local
		case 3:
			id, _ := strconv.Atoi(attr(se, "numFmtId"))
			switch {
			case section == "numFmts" && se.Name.Local == "numFmt":
				codes[id] = attr(se, "formatCode")
			case section == "cellXfs" && se.Name.Local == "xf":
				ids = append(ids, id)
			default:
				return nil
			}
			if len(codes)+len(ids) > 2*maxStyles {
				return fmt.Errorf("more than %d cell formats", maxStyles)
			}
		}
		return nil
	})
	formats := make([]cellFormat, len(ids))
	for i, id := range ids {
		code, ok := codes[id]
		if !ok {
			code = builtinFormats[id]
		}
		formats[i] = parseFormat(code)
	}
	return formats, err
}
