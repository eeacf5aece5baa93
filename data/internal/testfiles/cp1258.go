// Package testfiles makes the awkward files subordinate units send, for the tests
// of the packages that read them.
package testfiles

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ExcelCP1258 writes s the way Excel on Vietnamese Windows saves "CSV (Comma
// delimited)" before encoding it to Windows-1258: letters with circumflex, breve or
// horn stay precomposed (cp1258 has them), tone marks become separate combining
// characters after the base letter.
func ExcelCP1258(s string) string {
	var out strings.Builder
	var cluster []rune
	flush := func() {
		var base, tones []rune
		for _, r := range cluster {
			switch r {
			case 0x0300, 0x0301, 0x0303, 0x0309, 0x0323:
				tones = append(tones, r)
			default:
				base = append(base, r)
			}
		}
		out.WriteString(norm.NFC.String(string(base)))
		out.WriteString(string(tones))
		cluster = cluster[:0]
	}
	for _, r := range norm.NFD.String(s) {
		if len(cluster) > 0 && !(r >= 0x0300 && r <= 0x036F) {
			flush()
		}
		cluster = append(cluster, r)
	}
	flush()
	return out.String()
}
