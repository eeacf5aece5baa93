package ui

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/tabular"
)

// rulesStore is what the quality rules editor reads and writes.
type rulesStore interface {
	Rules(ctx context.Context, programID int64) ([]data.Rule, error)
	SaveRules(ctx context.Context, programID int64, rules []data.Rule) error
	ProposeRanges(ctx context.Context, programID int64) ([]data.Rule, error)
	WriteRules(ctx context.Context, w io.Writer, programCode string) error
	WriteFile(name string, write func(io.Writer) error) error
}

// RulesEditor edits one program's quality rules: a plausible range per indicator,
// and rules between two indicators, saved together.
type RulesEditor struct {
	store rulesStore
	win   fyne.Window
	prog  data.Program
	work  *sync.WaitGroup
	ctx   context.Context

	Rows                              []*ruleRow
	AddRange, AddCross, Propose, Save *widget.Button
	Load, Export                      *widget.Button // the program's rules as a CSV file, in and out
	Message                           *widget.Label
	rangeBox, crossBox                *fyne.Container
	dlg                               dialog.Dialog
	onSaved                           func()
}

// ruleRow is one rule as edited.
type ruleRow struct {
	Kind             *widget.Select
	Indicator, Other *widget.Select
	Min, Max, Factor *widget.Entry
	Proposed         *widget.Label // shown while the range is a proposal not yet saved
	remove           *widget.Button
	box              *fyne.Container
	cross            bool
}

// ruleKindName is a kind of rule in words, as its select shows it.
func ruleKindName(k data.RuleKind) string {
	switch k {
	case data.RuleAtMost:
		return lang.L("A ≤ B × k")
	case data.RuleOnlyIf:
		return lang.L("A > 0 only if B > 0")
	case data.RuleAtLeast:
		return lang.L("A ≥ B")
	}
	return lang.L("Plausible range")
}

// newRulesEditor opens the editor on prog, loading its rules.
func newRulesEditor(store rulesStore, win fyne.Window, ctx context.Context, work *sync.WaitGroup, prog data.Program, onSaved func()) *RulesEditor {
	r := &RulesEditor{store: store, win: win, ctx: ctx, work: work, prog: prog, onSaved: onSaved}
	r.rangeBox = container.NewVBox()
	r.crossBox = container.NewVBox()
	r.AddRange = widget.NewButtonWithIcon(lang.L("Add a range"), theme.ContentAddIcon(), func() {
		r.add(data.Rule{Kind: data.RuleRange}, false)
	})
	r.AddCross = widget.NewButtonWithIcon(lang.L("Add a rule between two indicators"), theme.ContentAddIcon(), func() {
		r.add(data.Rule{Kind: data.RuleAtMost, Factor: 1}, false)
	})
	r.Propose = widget.NewButtonWithIcon(lang.L("Propose from the values held"), theme.SearchIcon(), r.propose)
	r.Save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), r.save)
	r.Load = widget.NewButtonWithIcon(lang.L("Load from a file…"), theme.FolderOpenIcon(), func() {
		askOpenPath(win, "", []string{".csv"}, r.loadFile)
	})
	r.Export = widget.NewButtonWithIcon(lang.L("Export the saved rules…"), theme.DocumentSaveIcon(), func() {
		askSavePath(win, "quy-tac-"+prog.Code+".csv", "", ".csv", r.exportFile)
	})
	r.Save.Importance = widget.HighImportance
	r.Message = widget.NewLabel("")
	r.Message.Wrapping = fyne.TextWrapWord
	r.Message.Hide()
	body := container.NewVBox(
		wrapped(lang.L("Values that break a rule are warnings at import and data entry: they are written only once someone accepts them, and are kept under Data quality until checked. A range is for one locality and one period of the program.")),
		heading(lang.L("Plausible ranges")), r.rangeBox, container.NewHBox(r.AddRange, r.Propose),
		heading(lang.L("Rules between two indicators (same locality, period and unit)")), r.crossBox, container.NewHBox(r.AddCross),
		r.Message,
	)
	cancel := widget.NewButtonWithIcon(lang.L("Close"), theme.CancelIcon(), func() { r.dlg.Hide() })
	d := dialog.NewCustomWithoutButtons(lang.L("Quality rules of {{.Code}}", map[string]any{"Code": prog.Code}), container.NewVScroll(body), win)
	d.SetButtons([]fyne.CanvasObject{r.Load, r.Export, cancel, r.Save})
	d.Resize(fyne.NewSize(900, 620))
	r.dlg = d
	d.Show()
	background(work, func() {
		rules, err := store.Rules(ctx, prog.ID)
		fyne.Do(func() {
			if err != nil {
				showError(err, win)
				return
			}
			for _, rule := range rules {
				r.add(rule, false)
			}
		})
	})
	return r
}

func (r *RulesEditor) indicatorCodes() []string {
	codes := make([]string, len(r.prog.Indicators))
	for i, in := range r.prog.Indicators {
		codes[i] = in.Code
	}
	return codes
}

// add appends a row for rule; proposed marks a range proposed, not yet saved.
func (r *RulesEditor) add(rule data.Rule, proposed bool) *ruleRow {
	row := &ruleRow{cross: rule.Kind != data.RuleRange}
	row.Indicator = widget.NewSelect(r.indicatorCodes(), nil)
	row.Indicator.SetSelected(rule.Indicator)
	num := func(v float64) *widget.Entry {
		e := widget.NewEntry()
		if v != 0 {
			e.SetText(strconv.FormatFloat(v, 'f', -1, 64))
		}
		return e
	}
	row.Min, row.Max, row.Factor = num(rule.Min), num(rule.Max), num(rule.Factor)
	row.Min.SetPlaceHolder("0")
	row.Proposed = lowLabel(lang.L("proposed"))
	if !proposed {
		row.Proposed.Hide()
	}
	row.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		r.Rows = slices.DeleteFunc(r.Rows, func(x *ruleRow) bool { return x == row })
		r.rangeBox.Remove(row.box)
		r.crossBox.Remove(row.box)
	})
	if row.cross {
		var names []string
		for _, k := range data.RuleKinds[1:] {
			names = append(names, ruleKindName(k))
		}
		row.Kind = widget.NewSelect(names, func(string) {
			if row.Kind.SelectedIndex()+1 == slices.Index(data.RuleKinds, data.RuleAtMost) {
				row.Factor.Enable()
			} else {
				row.Factor.Disable()
			}
		})
		row.Other = widget.NewSelect(r.indicatorCodes(), nil)
		row.Other.SetSelected(rule.Other)
		row.Kind.SetSelectedIndex(slices.Index(data.RuleKinds, rule.Kind) - 1)
		row.box = newColumns([]float32{150, 200, 150, 100, 40}, 1,
			labelled(lang.L("A"), row.Indicator), row.Kind, labelled(lang.L("B"), row.Other), labelled("k", row.Factor), row.remove)
		r.crossBox.Add(row.box)
	} else {
		row.box = newColumns([]float32{200, 130, 160, 100, 40}, 4,
			row.Indicator, labelled(lang.L("from"), row.Min), labelled(lang.L("to"), row.Max), row.Proposed, row.remove)
		r.rangeBox.Add(row.box)
	}
	r.Rows = append(r.Rows, row)
	return row
}

// labelled puts a short label before an input.
func labelled(label string, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel(label), nil, o)
}

// propose fills in a proposed range for each indicator the values tell about,
// in place of the range it has: the officer edits them, and saving accepts them.
// loadFile reads rules from a file in place of those on screen: a program's rules
// handed down by a higher headquarters. Nothing is stored until Save.
func (r *RulesEditor) loadFile(path string) {
	background(r.work, func() {
		rules, err := readRulesFile(path)
		fyne.Do(func() {
			if err != nil {
				showError(err, r.win)
				return
			}
			r.Rows = nil
			r.rangeBox.Objects, r.crossBox.Objects = nil, nil
			for _, rule := range rules {
				r.add(rule, false)
			}
			r.rangeBox.Refresh()
			r.crossBox.Refresh()
			r.Message.SetText(lang.L("{{.N}} rules read from {{.File}}: check them, then save to put them in place of the program's rules.",
				map[string]any{"N": len(rules), "File": filepath.Base(path)}))
			r.Message.Importance = widget.MediumImportance
			r.Message.Show()
		})
	})
}

func readRulesFile(path string) ([]data.Rule, error) {
	f, err := tabular.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return data.ReadRules(filepath.Base(path), f)
}

// exportFile writes the program's saved rules to path.
func (r *RulesEditor) exportFile(path string) {
	background(r.work, func() {
		err := writeAtomic(r.store, path, func(w io.Writer) error { return r.store.WriteRules(r.ctx, w, r.prog.Code) })
		fyne.Do(func() {
			if err != nil {
				showError(err, r.win)
				return
			}
			showInfo(lang.L("Quality rules of {{.Code}}", map[string]any{"Code": r.prog.Code}), lang.L("The file was written:")+"\n"+path, r.win)
		})
	})
}

func (r *RulesEditor) propose() {
	r.Propose.Disable()
	background(r.work, func() {
		proposals, err := r.store.ProposeRanges(r.ctx, r.prog.ID)
		fyne.Do(func() {
			r.Propose.Enable()
			if err != nil {
				showError(err, r.win)
				return
			}
			for _, p := range proposals {
				i := slices.IndexFunc(r.Rows, func(x *ruleRow) bool { return !x.cross && x.Indicator.Selected == p.Indicator })
				if i < 0 {
					r.add(p, true)
					continue
				}
				row := r.Rows[i]
				row.Min.SetText(strconv.FormatFloat(p.Min, 'f', -1, 64))
				row.Max.SetText(strconv.FormatFloat(p.Max, 'f', -1, 64))
				row.Proposed.Show()
			}
			r.Message.SetText(lang.L("{{.N}} ranges proposed from the values held: check them, edit if need be, and save to accept them.",
				map[string]any{"N": len(proposals)}))
			r.Message.Importance = widget.MediumImportance
			r.Message.Show()
		})
	})
}

// Rules reads the rows as rules; an error names the row that cannot be read.
func (r *RulesEditor) Rules() ([]data.Rule, error) {
	number := func(e *widget.Entry) (float64, error) {
		text := strings.ReplaceAll(strings.TrimSpace(e.Text), ",", ".")
		if text == "" {
			return 0, nil
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return 0, errors.New(lang.L("“{{.Text}}” is not a number", map[string]any{"Text": e.Text}))
		}
		return v, nil
	}
	// Ranges first, as the store lists them back.
	var ranges, cross []data.Rule
	for _, row := range r.Rows {
		rule := data.Rule{Kind: data.RuleRange, Indicator: row.Indicator.Selected}
		var errs [3]error
		if row.cross {
			rule.Kind = data.RuleKinds[row.Kind.SelectedIndex()+1]
			rule.Other = row.Other.Selected
			if rule.Kind == data.RuleAtMost {
				rule.Factor, errs[0] = number(row.Factor)
			}
			cross = append(cross, rule)
		} else {
			rule.Min, errs[1] = number(row.Min)
			rule.Max, errs[2] = number(row.Max)
			ranges = append(ranges, rule)
		}
		if err := errors.Join(errs[:]...); err != nil {
			return nil, err
		}
	}
	return append(ranges, cross...), nil
}

func (r *RulesEditor) save() {
	rules, err := r.Rules()
	if err != nil {
		r.Message.SetText(err.Error())
		r.Message.Importance = widget.DangerImportance
		r.Message.Show()
		return
	}
	r.Save.Disable()
	background(r.work, func() {
		err := r.store.SaveRules(r.ctx, r.prog.ID, rules)
		fyne.Do(func() {
			r.Save.Enable()
			if err != nil {
				r.Message.SetText(errorText(err))
				r.Message.Importance = widget.DangerImportance
				r.Message.Show()
				return
			}
			for _, row := range r.Rows {
				row.Proposed.Hide()
			}
			r.Message.SetText(lang.L("The rules are saved; imports and data entry check them from now on."))
			r.Message.Importance = widget.SuccessImportance
			r.Message.Show()
			if r.onSaved != nil {
				r.onSaved()
			}
		})
	})
}
