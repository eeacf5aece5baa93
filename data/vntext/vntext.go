// Package vntext holds the Vietnamese text helpers shared by locality search,
// CSV header matching and name matching across official lists.
//
// Three levels of sameness are offered, from strict to loose:
//   - SameName: same letters and tones, ignoring only case and where the tone
//     mark sits ("Hoà" = "hòa", but "Hòa" ≠ "Hoa"), for matching official names;
//   - Fold / Contains: no diacritics at all, for a search box where officers
//     type without accents;
//   - Key: letters and digits only, for spreadsheet headers whose spacing and
//     punctuation vary from file to file.
package vntext

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalization form C. Text pasted from Word, PDF
// or macOS often arrives decomposed (NFD), which looks identical on screen
// but compares unequal byte-wise.
func NFC(s string) string {
	return norm.NFC.String(s)
}

// Fold returns a search key for s: lower case, no diacritics (đ becomes d),
// runs of white space collapsed to one space, no leading or trailing space.
// "Hữu  Lễ " becomes "huu le". Letters outside the Latin script are only
// lower-cased.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	return string(appendFold(make([]byte, 0, len(s)), s))
}

// Key returns Fold(s) with everything but a-z and 0-9 removed, so that
// "Mã địa bàn", "MA DIA BAN" and "ma_dia_ban" all give "madiaban".
func Key(s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range appendFold(make([]byte, 0, len(s)), s) {
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			b = append(b, c)
		}
	}
	return string(b)
}

// SameName reports whether a and b are the same name up to case, Unicode
// normalization, tone-mark placement and white-space runs. Unlike Contains it
// is not accent-blind: "Hòa" and "Hoa" are different communes.
func SameName(a, b string) bool {
	return strings.EqualFold(collapseSpace(NormalizeTone(a)), collapseSpace(NormalizeTone(b)))
}

// Contains reports whether needle occurs in haystack, ignoring case,
// diacritics (and therefore tone placement) and white-space runs. An empty
// needle matches everything, so an empty search box shows the whole list.
func Contains(haystack, needle string) bool {
	// Stack buffers keep a search over thousands of names allocation-free;
	// appendFold only moves to the heap for unusually long strings.
	var hb, nb [192]byte
	h := appendFold(hb[:0], haystack)
	n := appendFold(nb[:0], needle)
	return bytes.Contains(h, n)
}

// isFolded reports whether s is already its own Fold, which is the common
// case for needles typed without accents and lets Fold skip allocating.
func isFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z':
			return false
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case asciiSpace(c):
			return false
		}
	}
	return true
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func appendFold(dst []byte, s string) []byte {
	pendingSpace, started := false, false
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			if asciiSpace(c) {
				pendingSpace = started
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if pendingSpace {
				dst = append(dst, ' ')
				pendingSpace = false
			}
			dst = append(dst, c)
			started = true
			continue
		}
		if unicode.IsSpace(r) {
			pendingSpace = started
			continue
		}
		// Marks left over from decomposed (NFD) input belong to the letter
		// before them, which has already been folded.
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if pendingSpace {
			dst = append(dst, ' ')
			pendingSpace = false
		}
		dst = appendFoldRune(dst, r)
		started = true
	}
	return dst
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// The fold tables cache appendFoldSlow for Latin-1, Latin Extended-A/B and
// Latin Extended Additional, where every Vietnamese letter lives, so that
// folding Vietnamese text never consults the normalization tables.
var (
	foldLatin    [0x250 - 0x80]rune
	foldExtended [0x1F00 - 0x1E00]rune
)

func init() {
	fill := func(table []rune, first rune) {
		for i := range table {
			f := string(appendFoldSlow(nil, first+rune(i)))
			if r, size := utf8.DecodeRuneInString(f); size == len(f) && size > 0 {
				table[i] = r
			}
		}
	}
	fill(foldLatin[:], 0x80)
	fill(foldExtended[:], 0x1E00)
}

func appendFoldRune(dst []byte, r rune) []byte {
	switch {
	case 0x80 <= r && r < 0x250:
		if f := foldLatin[r-0x80]; f != 0 {
			return utf8.AppendRune(dst, f)
		}
	case 0x1E00 <= r && r < 0x1F00:
		if f := foldExtended[r-0x1E00]; f != 0 {
			return utf8.AppendRune(dst, f)
		}
	}
	return appendFoldSlow(dst, r)
}

// appendFoldSlow folds any rune: decompose, drop the marks, lower-case. Doing
// it in that order, and again on the result, keeps Fold idempotent even for
// look-alikes such as the Ångström sign, which lower-cases to å.
func appendFoldSlow(dst []byte, r rune) []byte {
	switch r {
	// Đ has no decomposition. Ð (Icelandic eth) is included because it is
	// indistinguishable from Đ on screen and turns up in files produced by
	// old Vietnamese encodings.
	case 'Đ', 'đ', 'Ð', 'ð':
		return append(dst, 'd')
	}
	if d := norm.NFD.PropertiesString(string(r)).Decomposition(); d != nil {
		for _, c := range string(d) {
			if !unicode.Is(unicode.Mn, c) {
				dst = appendFoldSlow(dst, c)
			}
		}
		return dst
	}
	if l := unicode.ToLower(r); l != r {
		return appendFoldSlow(dst, l)
	}
	return utf8.AppendRune(dst, r)
}

// ControlChar finds the first control character in s other than tab and line
// breaks, which no name, note or figure has any use for: a NUL or an escape in a
// report is damage or mischief, and would reach exports and printed pages raw.
func ControlChar(s string) (rune, bool) {
	if i := strings.IndexFunc(s, IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return r, true
	}
	return 0, false
}

// IsControl is Unicode's Cc category (C0, DEL and C1) without tab and line breaks.
func IsControl(r rune) bool {
	return r < ' ' && r != '\t' && r != '\n' && r != '\r' || r >= 0x7F && r <= 0x9F
}
