package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"danvan/data"
	"danvan/data/importer"
	"danvan/data/tabular"
)

// jsonResult is the --json line for one file; scripts at headquarters parse it, so
// its keys do not change.
type jsonResult struct {
	File            string             `json:"file"`
	Encoding        string             `json:"encoding"`
	Delimiter       string             `json:"delimiter"`
	Format          string             `json:"format"`
	Layout          string             `json:"layout"`
	Rows            int                `json:"rows"`
	Inserted        int                `json:"inserted"`
	Updated         int                `json:"updated"`
	Unchanged       int                `json:"unchanged"`
	Rejected        int                `json:"rejected"`
	Batch           int64              `json:"batch,omitempty"`
	AlreadyImported int64              `json:"already_imported,omitempty"`
	Imported        bool               `json:"imported"`
	DryRun          bool               `json:"dry_run"`
	Errors          []importer.Problem `json:"errors"`
	Warnings        []importer.Problem `json:"warnings"`
	Changes         []importer.Change  `json:"changes"` // the first values changed, old and new
}

func (e *env) importFiles(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dry := fs.Bool("dry-run", false, "check the files and count what would change, write nothing")
	validOnly := fs.Bool("valid-only", false, "import the valid rows of files that have problems")
	per := fs.String("period", "", "period for files without a period column (e.g. 2024Q3)")
	unit := fs.String("unit", "", "reporting unit for files without a unit column")
	sheet := fs.String("sheet", "", "XLSX sheet to read; default the first")
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	accept := fs.Bool("accept-warnings", false, "import files whose values break a quality rule of their program; the warnings are recorded for checking")
	files, err := parseFlags(fs, args, 1, 1<<20)
	if err != nil {
		return err
	}
	if _, err := periodFlag("period", *per); err != nil {
		return err
	}
	s, err := e.open()
	if err != nil {
		return err
	}
	defer s.Close()
	opt := importer.Options{Period: *per, UnitCode: *unit, Sheet: *sheet, DryRun: *dry, ValidOnly: *validOnly, AcceptWarnings: *accept}
	// Every file is tried, so one bad file in a folder of reports does not hide the
	// state of the others; the exit status is the worst of them.
	var worst error
	for _, name := range files {
		res, err := importOne(e, s, name, opt)
		if err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return rejected(err) // --unit names no unit: the same for every file
			}
			if worst == nil || exitOf(err) > exitOf(worst) {
				worst = err
			}
			if *asJSON {
				res.File = name
				res.Problems = []importer.Problem{{Message: err.Error()}}
				if err := writeJSONResult(e.out, res); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(e.out, err)
			}
			continue
		}
		if *asJSON {
			if err := writeJSONResult(e.out, res); err != nil {
				return err
			}
		} else {
			writeSummary(e.out, res)
		}
		if res.Refused && (worst == nil || exitOf(worst) < exitRejected) {
			worst = rejected(fmt.Errorf("%s: rejected, nothing imported; fix the problems listed and import it again", res.File))
		}
		if res.NeedsAcceptance && !res.Refused && (worst == nil || exitOf(worst) < exitRejected) {
			worst = rejected(fmt.Errorf("%s: rejected, nothing imported: %d value(s) break a quality rule; check them, then correct the file or import it with --accept-warnings", res.File, len(res.Warnings)))
		}
	}
	return worst
}

func exitOf(err error) int {
	var ce *cliError
	if errors.As(err, &ce) {
		return ce.code
	}
	return exitIO
}

func importOne(e *env, s *data.Store, name string, opt importer.Options) (importer.Result, error) {
	f, err := tabular.OpenFile(name)
	if err != nil {
		return importer.Result{}, err
	}
	defer f.Close()
	res, err := importer.Import(e.ctx, s, name, f, opt)
	if err != nil {
		return res, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}

func writeJSONResult(w io.Writer, r importer.Result) error {
	j := jsonResult{File: r.File, Encoding: r.Encoding, Delimiter: r.Delimiter, Format: r.Format, Layout: r.Layout,
		Rows: r.Rows, Inserted: r.Inserted, Updated: r.Updated, Unchanged: r.Unchanged, Rejected: r.Rejected,
		Batch: r.BatchID, AlreadyImported: r.AlreadyImported, Imported: r.BatchID != 0, DryRun: r.DryRun, Errors: r.Problems}
	if j.Errors == nil {
		j.Errors = []importer.Problem{} // an empty list, not null, for scripts that loop over it
	}
	j.Warnings = r.Warnings
	if j.Warnings == nil {
		j.Warnings = []importer.Problem{}
	}
	j.Changes = r.Changes
	if j.Changes == nil {
		j.Changes = []importer.Change{}
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeSummary(w io.Writer, r importer.Result) {
	for _, line := range r.Summary() {
		fmt.Fprintln(w, line)
	}
	for _, line := range r.WarningSummary() {
		fmt.Fprintln(w, "warning: "+line)
	}
	counts := fmt.Sprintf("%d rows: %d new, %d changed, %d unchanged, %d rejected", r.Rows, r.Inserted, r.Updated, r.Unchanged, r.Rejected)
	switch {
	case r.Refused:
		fmt.Fprintf(w, "%s: rejected, nothing imported (%d problem(s))\n", r.File, len(r.Problems))
	case r.AlreadyImported != 0:
		fmt.Fprintf(w, "%s: already imported as batch %d; nothing written (%s)\n", r.File, r.AlreadyImported, counts)
	case r.NeedsAcceptance:
		fmt.Fprintf(w, "%s: not imported, %d warning(s) to accept; nothing written (%s if accepted)\n", r.File, len(r.Warnings), counts)
	case r.DryRun:
		fmt.Fprintf(w, "%s: would import (dry run, nothing written): %s\n", r.File, counts)
	default:
		fmt.Fprintf(w, "%s: imported as batch %d: %s\n", r.File, r.BatchID, counts)
	}
	if r.Refused {
		return
	}
	for _, c := range r.Changes {
		fmt.Fprintf(w, "  changed: %s %s · %s · %s · %s: %s -> %s\n", c.Locality, c.LocalityName, c.Indicator, c.Period, c.Unit,
			strconv.FormatFloat(c.Old, 'f', -1, 64), strconv.FormatFloat(c.New, 'f', -1, 64))
	}
	if more := r.Updated - len(r.Changes); more > 0 {
		fmt.Fprintf(w, "  … and %d more changed\n", more)
	}
}

func (e *env) batches(args []string) error {
	if _, err := parseFlags(flag.NewFlagSet("batches", flag.ContinueOnError), args, 0, 0); err != nil {
		return err
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	bs, err := s.Batches(e.ctx)
	if err != nil {
		return err
	}
	units, err := s.Units(e.ctx)
	if err != nil {
		return err
	}
	unitCode := map[int64]string{}
	for _, u := range units {
		unitCode[u.ID] = u.Code
	}
	t := table{header: []string{"batch", "imported_at", "by", "file", "unit", "rows", "new", "changed", "unchanged", "rejected", "status"}}
	for _, b := range bs {
		t.rows = append(t.rows, []string{strconv.FormatInt(b.ID, 10), b.ImportedAt.Local().Format("2006-01-02 15:04"), b.ImportedBy,
			b.FileName, unitCode[b.UnitID], strconv.Itoa(b.Rows), strconv.Itoa(b.Inserted), strconv.Itoa(b.Updated),
			strconv.Itoa(b.Unchanged), strconv.Itoa(b.Rejected), b.Status})
	}
	return t.writeText(e.out)
}

func (e *env) undo(args []string) error {
	pos, err := parseFlags(flag.NewFlagSet("undo", flag.ContinueOnError), args, 1, 1)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return usageError("undo: %q is not a batch number; danvanctl batches lists them", pos[0])
	}
	s, err := e.open()
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.UndoBatch(e.ctx, id)
	if err != nil {
		return rejected(err)
	}
	fmt.Fprintf(e.out, "batch %d undone: %d value(s) restored, %d deleted", id, res.Restored, res.Deleted)
	if res.Skipped > 0 {
		fmt.Fprintf(e.out, "; %d skipped because they were changed again after the batch (left as they are)", res.Skipped)
	}
	fmt.Fprintln(e.out)
	return nil
}

func (e *env) export(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	prog := fs.String("program", "", "only the program's indicators")
	from := fs.String("from", "", "first period")
	to := fs.String("to", "", "last period")
	unit := fs.String("unit", "", "only this reporting unit")
	wide := fs.Bool("wide", false, "one row per locality, period and unit, one column per indicator")
	out := fs.String("o", "-", "file to write; - for standard output")
	if _, err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	var f data.ValueFilter
	var err error
	if f.From, err = periodFlag("from", *from); err != nil {
		return err
	}
	if f.To, err = periodFlag("to", *to); err != nil {
		return err
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	if *prog != "" {
		p, err := s.ProgramByCode(e.ctx, *prog)
		if err != nil {
			return err
		}
		f.ProgramID = p.ID
	}
	if *unit != "" {
		u, err := s.UnitByCode(e.ctx, *unit)
		if err != nil {
			return err
		}
		f.UnitID = u.ID
	}
	export := s.ExportLong
	if *wide {
		export = s.ExportWide
	}
	if *out == "-" || *out == "" {
		return export(e.ctx, e.out, f)
	}
	if err := s.WriteFile(*out, func(w io.Writer) error { return export(e.ctx, w, f) }); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "exported to %s\n", *out)
	return nil
}

func (e *env) template(args []string) error {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	prog := fs.String("program", "", "program whose indicators the template lists")
	per := fs.String("period", "", "period to report (e.g. 2024Q3)")
	unit := fs.String("unit", "", "reporting unit that fills it in")
	xlsx := fs.Bool("xlsx", false, "write an Excel workbook (the default for an -o file ending in .xlsx)")
	out := fs.String("o", "", "file to write")
	if _, err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	if *prog == "" || *per == "" || *out == "" {
		return usageError("template: --program, --period and -o are required")
	}
	isXLSX := strings.EqualFold(filepath.Ext(*out), ".xlsx")
	switch {
	case *xlsx && !isXLSX:
		return usageError("template: an Excel workbook needs a file name ending in .xlsx, not %s", *out)
	case isXLSX:
		*xlsx = true // a CSV under an .xlsx name would not open in Excel
	}
	p, err := periodFlag("period", *per)
	if err != nil {
		return err
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	write := s.WriteTemplate
	if *xlsx {
		write = s.WriteTemplateXLSX
	}
	err = s.WriteFile(*out, func(w io.Writer) error {
		if err := write(e.ctx, w, *prog, p, *unit); err != nil && !errors.Is(err, data.ErrNotFound) {
			return rejected(err) // the program, period and unit make no template
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "template written: %s\n", *out)
	return nil
}
