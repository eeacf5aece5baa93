package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// suggestEntry is a SelectEntry whose list of suggestions opens from the keyboard:
// ↓ or Enter while typing shows what matches, where Fyne's opens only from its
// arrow button. Enter on a single match chooses it.
type suggestEntry struct {
	widget.SelectEntry
	options []string
}

func newSuggestEntry() *suggestEntry {
	e := &suggestEntry{}
	e.ExtendBaseWidget(e)
	e.SetOptions(nil)
	return e
}

// SetOptions sets the suggestions.
func (e *suggestEntry) SetOptions(options []string) {
	e.options = options
	e.SelectEntry.SetOptions(options)
}

// TypedKey opens the suggestions on ↓ or Enter.
func (e *suggestEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyDown, fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case len(e.options) == 1 && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter):
			e.SetText(e.options[0])
			return
		case len(e.options) > 0:
			if b, ok := e.ActionItem.(*widget.Button); ok && b.OnTapped != nil {
				b.OnTapped()
				return
			}
		}
	}
	e.SelectEntry.TypedKey(k)
}
