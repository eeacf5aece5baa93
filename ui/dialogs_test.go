package ui

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Enter and Escape close the information and error dialogs, and the window's own
// key handling comes back afterwards.
func TestInfoAndErrorDialogsCloseWithEnterOrEscape(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(600, 400))
	var typed []fyne.KeyName
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) { typed = append(typed, k.Name) })
	for _, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEscape, fyne.KeyEnter} {
		for name, show := range map[string]func(){
			"info":  func() { showInfo("Xuất biểu đồ", "Đã ghi tệp", w) },
			"error": func() { showError(errors.New("không đọc được tệp"), w) },
		} {
			show()
			if w.Canvas().Overlays().Top() == nil {
				t.Fatalf("%s: no dialog shown", name)
			}
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: key})
			if top := w.Canvas().Overlays().Top(); top != nil {
				t.Fatalf("%s dialog still open after %s", name, key)
			}
		}
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	if len(typed) != 1 || typed[0] != fyne.KeyF5 {
		t.Errorf("the window's keys after the dialogs: %v", typed)
	}
}
