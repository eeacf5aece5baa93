package assets

import _ "embed"

// IconPNG is the application icon, 512x512. It is plain bytes rather than a
// fyne.Resource because data imports this package and must not depend on Fyne;
// ui wraps it.
//
//go:embed icon.png
var IconPNG []byte
