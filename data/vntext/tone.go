package vntext

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeTone returns NFC(s) with the tone mark of every open syllable
// ending in "oa", "oe" or "uy" placed on the first of the two vowels:
// "Hoà" → "Hòa", "Thuỷ" → "Thủy", "Khoẻ" → "Khỏe", "HOÀ" → "HÒA".
//
// Vietnamese has two accepted placements for exactly these syllables, and
// official sources disagree: the 2025-06-30 locality list mostly writes
// "Hòa", the 2025-07-01 list writes "Hoà". The "Hòa" form is chosen because
// it is what most existing data, and most officers' keyboards, produce.
// Nothing else is touched: syllables with a final consonant ("Hoàng"), with
// "qu" ("Quý"), with a third vowel ("Hoài") or whose leading letters are not a
// Vietnamese initial consonant are returned as they are, so text in other
// languages passes through unchanged.
func NormalizeTone(s string) string {
	s = NFC(s)
	if !mayNeedTone(s) {
		return s
	}
	rs := []rune(s)
	changed := false
	for i := 0; i < len(rs); {
		if !inWord(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && inWord(rs[j]) {
			j++
		}
		if moveTone(rs[i:j]) {
			changed = true
		}
		i = j
	}
	if !changed {
		return s
	}
	return string(rs)
}

// inWord reports whether r belongs to a word. Combining marks count, so a
// syllable still carrying a mark NFC could not compose ("À" plus another
// grave) is seen whole and left alone rather than split and rewritten.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.M, r)
}

// mayNeedTone is a cheap pre-check so that most names, which have no toned
// a, e or y at all, are returned without building a rune slice.
func mayNeedTone(s string) bool {
	for _, r := range s {
		if _, ok := toneOf[r]; ok {
			return true
		}
	}
	return false
}

// moveTone rewrites one syllable in place and reports whether it changed.
func moveTone(syl []rune) bool {
	n := len(syl)
	if n < 2 {
		return false
	}
	last, ok := toneOf[syl[n-1]]
	if !ok {
		return false
	}
	first := syl[n-2]
	switch unicode.ToLower(first) {
	case 'o':
		if b := unicode.ToLower(last.base); b != 'a' && b != 'e' {
			return false
		}
	case 'u':
		if unicode.ToLower(last.base) != 'y' {
			return false
		}
	default:
		return false
	}
	if !vietnameseInitial(syl[:n-2]) {
		return false
	}
	syl[n-2] = withTone[toned{first, last.tone}]
	syl[n-1] = last.base
	return true
}

// vietnameseInitial reports whether rs, lower-cased, is one of the consonant
// clusters a Vietnamese syllable may start with. "q" is absent on purpose:
// in "quý" the u belongs to the initial and the tone is already on the
// nucleus y.
func vietnameseInitial(rs []rune) bool {
	if len(rs) > 3 {
		return false
	}
	var buf [3 * utf8.UTFMax]byte
	b := buf[:0]
	for _, r := range rs {
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	switch string(b) {
	case "", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m",
		"n", "ng", "ngh", "nh", "p", "ph", "r", "s", "t", "th", "tr", "v", "x":
		return true
	}
	return false
}

type toned struct {
	base rune // unmarked vowel, keeping its case
	tone rune // combining tone mark
}

var (
	// toneOf maps a precomposed a, e or y carrying a tone to its parts.
	toneOf = map[rune]toned{}
	// withTone composes o, u, a, e or y (either case) with a tone mark.
	withTone = map[toned]rune{}
)

func init() {
	// grave, acute, tilde, hook above, dot below: the five marked tones.
	marks := []rune{'\u0300', '\u0301', '\u0303', '\u0309', '\u0323'}
	for _, base := range "aeyouAEYOU" {
		for _, m := range marks {
			composed := norm.NFC.String(string([]rune{base, m}))
			if utf8.RuneCountInString(composed) != 1 {
				continue
			}
			c, _ := utf8.DecodeRuneInString(composed)
			withTone[toned{base, m}] = c
			switch unicode.ToLower(base) {
			case 'a', 'e', 'y':
				toneOf[c] = toned{base, m}
			}
		}
	}
}
