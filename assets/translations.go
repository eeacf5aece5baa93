package assets

import "embed"

// Translations holds the GUI's strings, one JSON file per language, in the layout
// fyne's lang.AddTranslationsFS expects. en.json and vi.json carry the same keys.
//
//go:embed translation/*.json
var Translations embed.FS
