package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// columnsLayout puts objects side by side at fixed widths, except one flexible
// column that takes what is left: a light table for a handful of rows, where
// widget.Table's scrolling and cell recycling would only get in the way.
type columnsLayout struct {
	widths []float32 // width of each column; the flex column's entry is ignored
	flex   int
}

func newColumns(widths []float32, flex int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&columnsLayout{widths: widths, flex: flex}, objs...)
}

func (c *columnsLayout) fixed() float32 {
	var w float32
	for i, cw := range c.widths {
		if i != c.flex {
			w += cw
		}
	}
	return w
}

func (c *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	flexW := max(size.Width-c.fixed(), 80)
	x := float32(0)
	for i, o := range objs {
		w := flexW
		if i != c.flex && i < len(c.widths) {
			w = c.widths[i]
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (c *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(c.fixed()+80, h)
}
