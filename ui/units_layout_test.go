package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
)

// renderedLabels lists the visible labels drawn under o.
func renderedLabels(o fyne.CanvasObject) []*widget.Label {
	var out []*widget.Label
	walkRendered(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l)
		}
	})
	return out
}

// fitsWhole reports whether l is wide enough to draw its text without an ellipsis.
func fitsWhole(l *widget.Label) bool {
	need := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
	return l.Size().Width >= need
}

// TestUnitsTreeShowsLongNamesWhole opens the Units screen in the main window at
// 1366×768, the officers' screen, with a commune command three levels down whose
// name is longer than any in the demo, and checks that every unit name in the tree
// is drawn whole, and that the details of a unit show without scrolling.
func TestUnitsTreeShowsLongNamesWhole(t *testing.T) {
	m, w := newMain(t)
	w.Resize(fyne.NewSize(1366, 768))
	st := freshDemo(t)
	ctx := context.Background()
	cl, err := st.UnitByCode(ctx, "BCHQS-CL")
	if err != nil {
		t.Fatal(err)
	}
	const long = "Ban Chỉ huy Quân sự xã Hoàng Văn Thụ, huyện Chi Lăng, tỉnh Lạng Sơn"
	if _, err := st.SaveUnit(ctx, data.Unit{Code: "BCHQS-HVT", Name: long, ParentID: cl.ID}); err != nil {
		t.Fatal(err)
	}
	m.SetStore(st)
	m.waitAll()
	m.nav.Select(7)
	s := m.Units
	if m.screens[m.current] != screen(s) {
		t.Fatal("the Units screen is not shown")
	}

	names := map[string]bool{}
	for _, u := range s.byID {
		names[u.Name] = true
	}
	seen := map[string]bool{}
	for _, l := range renderedLabels(s.Tree) {
		if !names[l.Text] {
			continue
		}
		seen[l.Text] = true
		if !fitsWhole(l) {
			t.Errorf("%q is cut: %.0f px wide", l.Text, l.Size().Width)
		}
	}
	for _, n := range []string{long, "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn", "Ban Chỉ huy Quân sự huyện Chi Lăng"} {
		if !seen[n] {
			t.Errorf("%q is not drawn in the tree", n)
		}
	}

	// The details of the long-named unit, programs included, need no scrolling.
	selectUnitCode(t, s, "BCHQS-HVT")
	if s.detail[1].Text != long || s.detail[4].Text != "—" {
		t.Errorf("details: name %q, from %q", s.detail[1].Text, s.detail[4].Text)
	}
	selectUnitCode(t, s, "BCHQS-CL")
	if need, have := s.Details.MinSize().Height, s.detailScroll.Size().Height; need > have {
		t.Errorf("the details need %.0f px but have %.0f: the programs are scrolled out of sight", need, have)
	}
}
