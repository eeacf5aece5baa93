package ui

import (
	"context"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
)

// templateStore is what making a report template needs of the database.
type templateStore interface {
	Programs(ctx context.Context) ([]data.Program, error)
	WriteTemplate(ctx context.Context, w io.Writer, programCode string, p period.Period, unitCode string) error
	WriteTemplateXLSX(ctx context.Context, w io.Writer, programCode string, p period.Period, unitCode string) error
	fileWriter
}

// templateRequest is what the template dialog asked for.
type templateRequest struct {
	program, unit string
	period        period.Period
	xlsx          bool
}

// fileName is the name the save dialog proposes: what, for whom, when.
func (r templateRequest) fileName() string {
	name := "mau-bao-cao-" + r.program + "-" + r.period.ID()
	if r.unit != "" {
		name += "-" + r.unit
	}
	return name + r.ext()
}

func (r templateRequest) ext() string {
	if r.xlsx {
		return ".xlsx"
	}
	return ".csv"
}

// write writes the template to path.
func (r templateRequest) write(ctx context.Context, st templateStore, path string) error {
	write := st.WriteTemplate
	if r.xlsx {
		write = st.WriteTemplateXLSX
	}
	return writeAtomic(st, path, func(w io.Writer) error { return write(ctx, w, r.program, r.period, r.unit) })
}

// templateForm is the dialog that asks for a report template: the program, the
// period, the unit that will fill it in, and the kind of file.
type templateForm struct {
	Program *widget.Select
	Period  *widget.Entry
	Unit    *widget.Select
	Format  *widget.RadioGroup
	Dialog  dialog.Dialog

	programs []data.Program
	units    []data.Unit
	xlsx     string // the Format choice that means a workbook
}

// newTemplateForm builds the dialog; ask is called with what it asks for.
func newTemplateForm(programs []data.Program, units []data.Unit, language string, win fyne.Window, ask func(templateRequest)) *templateForm {
	f := &templateForm{programs: programs, units: units, xlsx: lang.L("Excel workbook (.xlsx)")}
	var names []string
	for _, p := range programs {
		names = append(names, p.Code+" — "+p.Title)
	}
	f.Period = periodEntry(lang.L("Write the period to report, e.g. Quý 3/2026 or 2026Q3."))
	f.Program = widget.NewSelect(names, func(string) {
		// The period the units report next: the program's last one that is over.
		if p, ok := f.program(); ok {
			f.Period.SetText(lastEndedOn(p, today()).Label(language))
		}
	})
	unitNames := []string{lang.L("(none)")}
	for _, u := range units {
		unitNames = append(unitNames, u.Code+" — "+u.Name)
	}
	f.Unit = widget.NewSelect(unitNames, nil)
	f.Unit.SetSelectedIndex(0)
	f.Format = widget.NewRadioGroup([]string{f.xlsx, lang.L("CSV file (opens in Excel)")}, nil)
	f.Format.Required = true
	f.Format.SetSelected(f.xlsx)
	if len(programs) > 0 {
		f.Program.SetSelectedIndex(0)
	}
	hint := widget.NewLabel(lang.L("The template lists the program's indicators for each locality the unit works in. The unit types in its numbers and sends the file back to be imported as it is."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Program"), f.Program),
		widget.NewFormItem(lang.L("Report period"), f.Period),
		widget.NewFormItem(lang.L("Reporting unit"), f.Unit),
		widget.NewFormItem(lang.L("Kind of file"), f.Format),
		widget.NewFormItem("", hint),
	}
	f.Dialog = dialog.NewForm(lang.L("Report template"), lang.L("Next…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if r, ok := f.request(); ok {
			ask(r)
		}
	}, win)
	f.Dialog.Resize(fyne.NewSize(620, 400))
	return f
}

func (f *templateForm) program() (data.Program, bool) {
	i := f.Program.SelectedIndex()
	if i < 0 || i >= len(f.programs) {
		return data.Program{}, false
	}
	return f.programs[i], true
}

// request reads the form; the form's validation has already refused a bad period.
func (f *templateForm) request() (templateRequest, bool) {
	prog, ok := f.program()
	p, err := period.Parse(strings.TrimSpace(f.Period.Text))
	if !ok || err != nil {
		return templateRequest{}, false
	}
	r := templateRequest{program: prog.Code, period: p, xlsx: f.Format.Selected == f.xlsx}
	if i := f.Unit.SelectedIndex() - 1; i >= 0 && i < len(f.units) {
		r.unit = f.units[i].Code
	}
	return r, true
}
