package tabular

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"danvan/data/message"
)

// Encoding names reported in Info.Encoding.
const (
	EncUTF8        = "UTF-8"
	EncUTF8BOM     = "UTF-8 BOM"
	EncUTF16LE     = "UTF-16LE"
	EncUTF16BE     = "UTF-16BE"
	EncWindows1258 = "Windows-1258"
)

const hintSaveUTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"

var (
	msgEmptyFile = message.New("file is empty (0 bytes); export the report again")
	msgNULBytes  = message.New("file contains NUL bytes: it is binary or UTF-16 without a byte-order mark, not a CSV text file; " + hintSaveUTF8)
	msgNotText   = message.New("file is not UTF-8, UTF-16 or Windows-1258 (Vietnamese) text; " + hintSaveUTF8)
	msgZIP       = message.New("file is a ZIP archive, probably an Excel workbook renamed to .csv; rename it to .xlsx or " + hintSaveUTF8)
	msgOldExcel  = message.New("file is an old Excel 97-2003 (.xls) workbook; open it in Excel and save as .xlsx or as 'CSV UTF-8'")
	msgPNG       = message.New("file is a PNG image, not a table; attach the report file instead")
	msgJPEG      = message.New("file is a JPEG image, not a table; attach the report file instead")
	msgPDF       = message.New("file is a PDF document, not a table; attach the Excel report instead")
	msgGIF       = message.New("file is a GIF image, not a table; attach the report file instead")
)

// magic lists files that people attach by mistake (or rename to .csv). Giving
// their real type in the message saves a phone call.
var magic = []struct {
	prefix string
	msg    message.Template
}{
	{"PK\x03\x04", msgZIP},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", msgOldExcel},
	{"\x89PNG", msgPNG},
	{"\xFF\xD8\xFF", msgJPEG},
	{"%PDF", msgPDF},
	{"GIF8", msgGIF},
}

// detectEncoding decides how to decode a text file from its first bytes
// (prefix is at most sniffLen long; complete says it is the whole file).
// Only this bounded prefix is examined: a file whose head is valid UTF-8
// is read as UTF-8 and a later invalid byte is reported on its line by the
// CSV reader rather than silently repaired here. A file that cannot be read as
// text gets no encoding and a message saying why.
func detectEncoding(prefix []byte, complete bool) (string, message.Text) {
	switch {
	case len(prefix) == 0:
		return "", msgEmptyFile.With()
	case bytes.HasPrefix(prefix, []byte("\xEF\xBB\xBF")):
		return EncUTF8BOM, message.Text{}
	case bytes.HasPrefix(prefix, []byte("\xFF\xFE")):
		return EncUTF16LE, message.Text{}
	case bytes.HasPrefix(prefix, []byte("\xFE\xFF")):
		return EncUTF16BE, message.Text{}
	}
	for _, m := range magic {
		if bytes.HasPrefix(prefix, []byte(m.prefix)) {
			return "", m.msg.With()
		}
	}
	if bytes.IndexByte(prefix, 0) >= 0 {
		// UTF-16 without a BOM also lands here; Excel always writes the
		// BOM, so guessing byte order is not worth the mojibake risk.
		return "", msgNULBytes.With()
	}
	if !complete {
		prefix = trimPartialRune(prefix)
	}
	if utf8.Valid(prefix) {
		return EncUTF8, message.Text{}
	}
	if plausibleWindows1258(prefix) {
		return EncWindows1258, message.Text{}
	}
	return "", msgNotText.With()
}

// trimPartialRune drops a UTF-8 sequence cut in half by the sniff window so
// that a valid file is not rejected because of where the window ended.
func trimPartialRune(p []byte) []byte {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				return p[:i]
			}
			break
		}
	}
	return p
}

// undefined1258 are the C1-range bytes cp1258 leaves unassigned; Excel never
// writes them, other code pages (Shift-JIS lead bytes, UTF-8 fragments) do.
var undefined1258 = [256]bool{0x81: true, 0x8A: true, 0x8D: true, 0x8E: true, 0x8F: true, 0x90: true, 0x9A: true, 0x9D: true, 0x9E: true}

// vietLetters are the lowercase letters of the Vietnamese alphabet outside
// ASCII, precomposed as they are after NFC.
const vietLetters = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

func isVietLetter(r rune) bool {
	if r == '₫' {
		return true
	}
	r = unicode.ToLower(r)
	for _, v := range vietLetters {
		if v == r {
			return true
		}
	}
	return false
}

// plausibleWindows1258 accepts bytes that look like Vietnamese text saved by
// Excel's plain "CSV (Comma delimited)" on a Vietnamese Windows. Any single
// byte decodes in cp1258, so the test is statistical: no control
// characters, no unassigned bytes, and most non-ASCII characters (after
// composing cp1258's separate tone marks) are Vietnamese letters. German or
// Western Latin-1 text, Shift-JIS and random bytes fail the last test.
func plausibleWindows1258(p []byte) bool {
	for _, b := range p {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || undefined1258[b] {
			return false
		}
	}
	dec, err := charmap.Windows1258.NewDecoder().Bytes(p)
	if err != nil {
		return false
	}
	dec = norm.NFC.Bytes(dec)
	var nonASCII, viet int
	for _, r := range string(dec) {
		switch {
		case r < utf8.RuneSelf:
		case r >= 0x2010 && r <= 0x2027:
			// Typographic quotes and dashes appear in any language.
		default:
			nonASCII++
			if isVietLetter(r) {
				viet++
			}
		}
	}
	return viet > 0 && viet*10 >= nonASCII*7
}

// detectDelimiter picks the separator from the first lines of decoded text.
// Excel pads every exported row to the same number of separators, so the
// right candidate is the one whose per-line count is most often the same;
// a comma used as decimal mark in a semicolon file varies from line to line
// and loses. Quoted text is ignored. complete says p is the whole file, else
// its last line may be cut and is not counted.
func detectDelimiter(p []byte, complete bool, def byte) byte {
	cands := [...]byte{',', ';', '\t'}
	const maxLines = 30
	var counts [len(cands)][]int
	var cur [len(cands)]int
	inQuote, lines := false, 0
	flush := func() {
		for i := range cands {
			if cur[i] > 0 {
				counts[i] = append(counts[i], cur[i])
			}
			cur[i] = 0
		}
		lines++
	}
	for _, b := range p {
		if lines == maxLines {
			break
		}
		switch {
		case b == '"':
			inQuote = !inQuote
		case inQuote:
		case b == '\n':
			flush()
		default:
			for i, c := range cands {
				if b == c {
					cur[i]++
				}
			}
		}
	}
	if complete && lines < maxLines {
		flush()
	}
	best, bestFreq, bestMode := def, 0, 0
	for i, c := range cands {
		mode, freq := modeOf(counts[i])
		if freq > bestFreq || freq == bestFreq && freq > 0 && mode > bestMode {
			best, bestFreq, bestMode = c, freq, mode
		}
	}
	return best
}

// modeOf returns the most frequent value and how often it occurs; ties go
// to the larger value (more columns is the likelier reading).
func modeOf(xs []int) (mode, freq int) {
	seen := map[int]int{}
	for _, x := range xs {
		seen[x]++
		n := seen[x]
		if n > freq || n == freq && x > mode {
			mode, freq = x, n
		}
	}
	return mode, freq
}
