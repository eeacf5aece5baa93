// Package assets holds what ships inside the binaries: the official lists of
// localities, fonts, translations and the icon. Nothing is fetched at run time.
package assets

import "embed"

// Official lists of Vietnam's administrative units and the 2025 reform mapping
// (sources and MIT licences in localities/README.md).
const (
	ListBefore2025 = "localities/vn-localities-2025-06-30.csv" // in force until 2025-06-30
	ListAfter2025  = "localities/vn-localities-2025-07-01.csv" // in force from 2025-07-01
	Reform2025     = "localities/vn-reform-2025-07-01.csv"     // old -> new at 2025-07-01
)

// Localities is the folder of official lists; open the files named above.
//
//go:embed localities/*.csv localities/README.md
var Localities embed.FS
