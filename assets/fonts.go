// Package assets holds files compiled into the binary.
package assets

import _ "embed"

// Noto Sans is used (rather than go-chart's Roboto) so that on-screen
// charts, printed charts and the briefing PDF share one typeface whose
// Vietnamese diacritics are complete; it is the same face Fyne bundles.
// Licence: SIL OFL 1.1, see fonts/OFL-NotoSans.txt.

// NotoSansRegular is the TrueType file of Noto Sans Regular.
//
//go:embed fonts/NotoSans-Regular.ttf
var NotoSansRegular []byte

// NotoSansBold is the TrueType file of Noto Sans Bold.
//
//go:embed fonts/NotoSans-Bold.ttf
var NotoSansBold []byte
