package ui

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"danvan/charts"
	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/period"
)

// PackForm is the briefing pack dialog: what the pack covers is in plain sight and
// can be changed, never taken silently from the chart on screen. Its fields are
// exposed for tests.
type PackForm struct {
	Period         *widget.Entry
	Scope          *widget.Select // the headquarters' area, one of its provinces, or the place charted
	Units          *widget.Label  // the units the pack's completeness page covers
	Indicators     *widget.CheckGroup
	Classification *widget.Entry
	Issuer         *widget.Select
	Dialog         *dialog.FormDialog

	prog    data.Program
	places  []data.Locality // behind Scope's options after the first, the whole area
	charted data.Locality   // the place on the Charts screen, offered as a scope
	lookup  context.CancelFunc
}

// askPack asks what the briefing pack covers (period, place, indicators), its
// classification and issuing unit, then for the file.
func (s *Charts) askPack() {
	p := s.selectedProgram()
	if p == nil {
		showInfo(lang.L("Briefing pack (PDF)"), lang.L("Choose a program."), s.win)
		return
	}
	f := s.newPackForm(*p)
	f.Dialog = dialog.NewForm(lang.L("Briefing pack (PDF)"), lang.L("Next…"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.L("Period briefed"), f.Period),
		widget.NewFormItem(lang.L("Place"), f.Scope),
		widget.NewFormItem(lang.L("Units"), scrollBox(f.Units, 72)),
		widget.NewFormItem(lang.L("Indicators with pages"), scrollBox(f.Indicators, 180)),
		widget.NewFormItem(lang.L("Classification"), f.Classification),
		widget.NewFormItem(lang.L("Issuing unit"), f.Issuer),
	}, func(ok bool) {
		if f.lookup != nil {
			f.lookup()
		}
		if !ok {
			return
		}
		req, err := s.packRequest(f)
		if err != nil {
			showError(err, s.win)
			return
		}
		name := "giao-ban-" + req.Program + "-" + req.Period.ID() + ".pdf"
		s.saveDialog(name, ".pdf", func(path string) { s.runPack(req, path) })
	}, s.win)
	f.Dialog.Resize(fyne.NewSize(640, 620))
	f.Dialog.Show()
	s.pack = f
	s.packPeriodChanged(f)
}

// scrollBox gives o a scrolled area of its own height in a form, whose rows are
// otherwise as tall as their content's minimum: a wrapped label or a long list would
// run over the rows below.
func scrollBox(o fyne.CanvasObject, height float32) fyne.CanvasObject {
	return container.New(layout.NewGridWrapLayout(fyne.NewSize(440, height)), container.NewVScroll(o))
}

func (s *Charts) newPackForm(prog data.Program) *PackForm {
	f := &PackForm{prog: prog, charted: s.locality}
	perErr := lang.L("Write the period briefed, e.g. Quý 3/2026 or 2026Q3.")
	f.Period = periodEntry(perErr)
	f.Period.SetText(lastEndedOn(prog, today()).Label(s.language))
	f.Period.OnChanged = func(string) { s.packPeriodChanged(f) }
	f.Scope = widget.NewSelect(nil, func(string) { s.packScopeChanged(f) })
	f.Units = widget.NewLabel("")
	f.Units.Wrapping = fyne.TextWrapWord
	var opts []string
	for _, in := range prog.Indicators {
		opts = append(opts, in.Code+" — "+in.Name)
	}
	f.Indicators = widget.NewCheckGroup(opts, nil)
	f.Indicators.SetSelected(opts) // every indicator, unless the officer narrows it
	f.Classification = widget.NewEntry()
	f.Classification.SetText(defaultClassification)
	issuers := []string{lang.L("(none)")}
	for _, u := range s.units {
		issuers = append(issuers, u.Name)
	}
	f.Issuer = widget.NewSelect(issuers, nil)
	f.Issuer.SetSelectedIndex(0)
	return f
}

// packPeriodChanged offers the places as they were at the end of the period
// briefed: provinces merged in 2025 before it, today's after.
func (s *Charts) packPeriodChanged(f *PackForm) {
	pp, err := period.Parse(strings.TrimSpace(f.Period.Text))
	if err != nil {
		return
	}
	ctx := s.ctx
	background(&s.work, func() {
		area, err := s.store.AreaAt(ctx, pp.End())
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				showError(err, s.win)
				return
			}
			s.applyPackPlaces(f, area)
		})
	})
}

func (s *Charts) applyPackPlaces(f *PackForm, area data.Area) {
	keep := f.Scope.SelectedIndex()
	f.places = append([]data.Locality(nil), area.Tops...)
	if f.charted.ID != 0 && !containsLocality(f.places, f.charted.ID) {
		f.places = append(f.places, f.charted)
	}
	opts := []string{lang.L("The whole area: {{.Area}}", map[string]any{"Area": areaName(area)})}
	for _, l := range f.places {
		opts = append(opts, l.Name)
	}
	f.Scope.SetOptions(opts)
	if keep < 0 || keep >= len(opts) {
		keep = 0 // the headquarters' area, whatever the chart shows
	}
	f.Scope.SetSelectedIndex(keep)
}

func containsLocality(ls []data.Locality, id int64) bool {
	for _, l := range ls {
		if l.ID == id {
			return true
		}
	}
	return false
}

// place is the scope chosen: the zero Locality for the whole area.
func (f *PackForm) place() data.Locality {
	if i := f.Scope.SelectedIndex() - 1; i >= 0 && i < len(f.places) {
		return f.places[i]
	}
	return data.Locality{}
}

// packScopeChanged lists the units the pack covers in the place chosen.
func (s *Charts) packScopeChanged(f *PackForm) {
	if f.lookup != nil {
		f.lookup()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	f.lookup = cancel
	place := f.place()
	f.Units.SetText(lang.L("Loading…"))
	background(&s.work, func() {
		units, err := s.store.ProgramUnitsIn(ctx, f.prog.ID, place.ID)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				f.Units.SetText(errorText(err))
				return
			}
			names := make([]string, len(units))
			for i, u := range units {
				names[i] = u.Name
			}
			if len(names) == 0 {
				f.Units.SetText(lang.L("No unit of the program works here."))
				return
			}
			f.Units.SetText(strings.Join(names, "; "))
		})
	})
}

// packRequest reads the form.
func (s *Charts) packRequest(f *PackForm) (briefing.PackRequest, error) {
	pp, err := period.Parse(strings.TrimSpace(f.Period.Text))
	if err != nil {
		return briefing.PackRequest{}, errors.New(lang.L("Write the period briefed, e.g. Quý 3/2026 or 2026Q3."))
	}
	req := briefing.PackRequest{Program: f.prog.Code, Period: pp, Locality: f.place().Code,
		Classification: strings.TrimSpace(f.Classification.Text), Lang: s.language, Now: time.Now(), GraceDays: graceDays}
	for _, in := range f.prog.Indicators {
		for _, sel := range f.Indicators.Selected {
			if strings.HasPrefix(sel, in.Code+" — ") {
				req.Indicators = append(req.Indicators, in.Code)
			}
		}
	}
	if len(req.Indicators) == 0 {
		return req, errors.New(lang.L("Choose at least one indicator to give pages to."))
	}
	if i := f.Issuer.SelectedIndex() - 1; i >= 0 && i < len(s.units) {
		req.Unit = s.units[i].Name
	}
	return req, nil
}

// runPack writes the pack off the UI goroutine behind a progress bar that can
// cancel it.
func (s *Charts) runPack(req briefing.PackRequest, path string) {
	ctx, cancel := context.WithCancel(s.ctx)
	bar := widget.NewProgressBar()
	note := widget.NewLabel(lang.L("Collecting the figures…"))
	d := dialog.NewCustom(lang.L("Briefing pack (PDF)"), lang.L("Cancel"), container.NewVBox(note, bar), s.win)
	d.SetOnClosed(cancel)
	d.Resize(fyne.NewSize(460, 160))
	d.Show()
	background(&s.work, func() {
		err := s.writePack(ctx, req, path, func(done, total int) {
			fyne.Do(func() {
				note.SetText(lang.L("Drawing the pages…"))
				bar.SetValue(float64(done) / float64(max(total, 1)))
			})
		})
		fyne.Do(func() {
			cancelled := ctx.Err() != nil // read before Hide, which cancels
			d.Hide()
			switch {
			case cancelled:
			case err != nil:
				showError(err, s.win)
			default:
				showInfo(lang.L("Briefing pack (PDF)"), lang.L("The file was written:")+"\n"+path, s.win)
			}
		})
	})
}

// writePack builds the briefing pack and writes it to path as PDF.
func (s *Charts) writePack(ctx context.Context, req briefing.PackRequest, path string, progress func(done, total int)) error {
	b, err := briefing.Pack(ctx, s.store, req)
	opt := s.options(charts.Options{})
	b.GreenAt, b.AmberAt = opt.GreenAt, opt.AmberAt
	if err == nil {
		return writeAtomic(s.store, path, func(w io.Writer) error { return charts.WriteBriefing(ctx, w, b, progress) })
	}
	removeDialogFile(path)
	return err
}
