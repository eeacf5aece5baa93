// Package importer reads the result files subordinate units send to headquarters
// (CSV or XLSX made in Excel, in the long or the wide layout), checks every row
// against the catalog, and writes the file as one import batch, or nothing at all.
//
// Nothing is written from a file with problems unless the caller asks for the valid
// rows only: a half-imported report is worse than a rejected one, because nobody
// notices what is missing.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"danvan/data"
	"danvan/data/message"
	"danvan/data/period"
	"danvan/data/tabular"
	"danvan/data/vntext"
)

// Options tune one import.
type Options struct {
	Period    string // period for files without a period column
	UnitCode  string // reporting unit for files without a unit column
	Sheet     string // XLSX sheet; default the first
	DryRun    bool   // count what would change, write nothing
	ValidOnly bool   // write the valid rows of a file that has problems
	Now       time.Time
	// AcceptWarnings writes a file whose values break quality rules (see
	// Result.Warnings); the warnings are recorded, open, for an officer to check.
	AcceptWarnings bool
}

// Problem is one thing wrong in a file, located for the clerk who has to fix it.
// Message is in English; the GUI shows Template, with Args, in the officer's
// language.
type Problem struct {
	Line     int               `json:"line"`
	Column   string            `json:"column"`
	Value    string            `json:"value"`
	Message  string            `json:"message"`
	Template string            `json:"-"` // Message as a message.Text: its template
	Args     map[string]string `json:"-"` // and the template's arguments
}

func newProblem(line int, column, value string, msg message.Text) Problem {
	return Problem{Line: line, Column: column, Value: value, Message: msg.String(), Template: msg.Template, Args: msg.Args}
}

// The messages of Problems. None names a command-line flag or command: the same
// words are read at the command line and, translated, in the GUI.
var (
	msgSameField      = message.New(`the same field as column "{{.Column}}"; keep one of the two columns`)
	msgNoColumn       = message.New(`no "{{.Name}}" or "{{.ViName}}" column in the header; add it`)
	msgNoPeriodColumn = message.New(`no "period" or "Kỳ" column in the header; add it, or set the report period for the whole file`)
	msgNoUnitColumn   = message.New(`no "unit" or "Đơn vị" column in the header; add it, or set the reporting unit for the whole file`)
	msgNoWideColumn   = message.New(`no column is headed by an indicator code or name; head each value column with one (e.g. "TT_DOT"), or use the long layout with "indicator" and "value" columns`)
	msgNoPeriod       = message.New("no period; write one such as 2024Q3 or Quý III/2024, or set the report period for the whole file")
	msgNotPeriod      = message.New("not a period ({{.Error}}); write e.g. 2024Q3 or Quý 3/2024")
	msgFuturePeriod   = message.New("period {{.Period}} starts on {{.Start}}, after today; results can be reported once it has begun")
	msgNotUnit        = message.New("not a reporting unit code; write a unit code from the Units list (e.g. BCHQS-CL)")
	msgNoUnit         = message.New("no reporting unit; write its code (e.g. BCHQS-CL), or set the reporting unit for the whole file")
	msgNoLocality     = message.New("no locality code; write the official code of the commune (e.g. 06484)")
	msgNotIndicator   = message.New("not an indicator code; write the code of one of the programs' indicators (e.g. TT_DOT)")
	msgNoIndicator    = message.New("no indicator; write its code (e.g. TT_DOT)")
	msgNotLocality    = message.New("code {{.Code}} is not a locality on {{.Date}}; check the code against the official list in force for period {{.Period}}")
	msgNotNumber      = message.New("not a number ({{.Error}}); write digits only, with one decimal mark")
	msgNegative       = message.New("negative; results are counts or amounts of zero or more")
	msgWhole          = message.New("{{.Indicator}} is counted in whole {{.Unit}}; write a whole number")
	msgDecimals       = message.New("{{.Indicator}} takes at most {{.N}} decimals; round the value")
	msgDuplicateAt    = message.New("{{.Indicator}} for {{.Locality}}, {{.Unit}}, {{.Period}} was already given on line {{.First}}; keep one of the two rows")
	msgDuplicate      = message.New("{{.Indicator}} for {{.Locality}}, {{.Unit}}, {{.Period}} was already given earlier in the file; keep one of the two rows")
	msgTooLarge       = message.New("larger than any figure this work reports (at most {{.Max}}); check the unit of measure: {{.Indicator}} is counted in {{.Unit}}")
	msgOtherUnit      = message.New("the file says reporting unit {{.Unit}}, but it is being imported as {{.Given}}'s report; correct the column, or import it as {{.Unit}}'s")
	msgOtherPeriod    = message.New("the file says period {{.Period}}, but it is being imported as the report for {{.Given}}; correct the column, or import it for {{.Period}}")
	msgClashInFile    = message.New("{{.Indicator}} for {{.Locality}}, {{.Unit}} is given for {{.Period}} and also for {{.Other}} in this file; the periods overlap and would count twice: a unit reports one kind of period (months, quarters...) for an indicator, so keep one kind")
	msgClashStored    = message.New("{{.Indicator}} for {{.Locality}}, {{.Unit}} is given for {{.Period}}, but {{.Other}} is already reported; the periods overlap and would count twice: a unit reports one kind of period (months, quarters...) for an indicator, so report {{.Other}}'s kind, or undo the import that brought {{.Other}}")
)

// Result tells what an import found and did. Rows counts the values read (a wide
// row holds several); empty value cells are not reports and are not counted.
type Result struct {
	File            string
	Encoding        string
	Delimiter       string
	Format          string
	Layout          string // "long" or "wide"
	Rows            int
	Inserted        int
	Updated         int
	Unchanged       int
	Rejected        int
	Problems        []Problem
	BatchID         int64 // the batch written; 0 when nothing was
	AlreadyImported int64 // the earlier batch that imported the same file
	Refused         bool  // nothing imported because of Problems
	DryRun          bool
	// Warnings are values that break a quality rule of their program: figures to
	// check, not errors. A file with warnings is written only with
	// Options.AcceptWarnings; without it NeedsAcceptance is set and nothing is
	// written (a dry run's counts say what accepting would write).
	Warnings        []Problem
	NeedsAcceptance bool
	// Changes are the first MaxChanges values the file changes (Updated counts
	// them all), with what they held: what a preview shows as "old -> new".
	Changes []Change
}

// MaxChanges bounds Result.Changes: a preview lists a few, the count says the rest.
const MaxChanges = 50

// Change is a stored value the file changes.
type Change struct {
	Locality     string  `json:"locality"`
	LocalityName string  `json:"locality_name"`
	Indicator    string  `json:"indicator"`
	Period       string  `json:"period"`
	Unit         string  `json:"unit"`
	Old          float64 `json:"old"`
	New          float64 `json:"new"`
	OldNote      string  `json:"old_note,omitempty"`
	NewNote      string  `json:"new_note,omitempty"`
}

// Summary groups identical problems so a file with the same mistake on 300 lines
// gives one line to read: `report.csv: lines 4, 9, 12: column "Kỳ": "Q5/2024": ...`.
func (r Result) Summary() []string { return r.summary(r.Problems) }

// WarningSummary is Summary for the warnings.
func (r Result) WarningSummary() []string { return r.summary(r.Warnings) }

func (r Result) summary(problems []Problem) []string {
	type key struct{ column, value, message string }
	type group struct {
		p     Problem
		lines []int
	}
	var groups []*group
	at := map[key]*group{}
	for _, p := range problems {
		k := key{p.Column, p.Value, p.Message}
		g := at[k]
		if g == nil {
			g = &group{p: p}
			at[k] = g
			groups = append(groups, g)
		}
		if p.Line > 0 {
			g.lines = append(g.lines, p.Line)
		}
	}
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		var b strings.Builder
		b.WriteString(r.File)
		b.WriteString(": ")
		if len(g.lines) > 0 {
			if len(g.lines) == 1 {
				b.WriteString("line ")
			} else {
				b.WriteString("lines ")
			}
			b.WriteString(lineList(g.lines))
			b.WriteString(": ")
		}
		if g.p.Column != "" {
			fmt.Fprintf(&b, "column %q: ", g.p.Column)
		}
		if g.p.Value != "" {
			fmt.Fprintf(&b, "%q: ", g.p.Value)
		}
		b.WriteString(g.p.Message)
		out = append(out, b.String())
	}
	return out
}

// lineList keeps a summary readable when one mistake repeats on every row.
func lineList(lines []int) string {
	const most = 12
	var parts []string
	for i, l := range lines {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(lines)-most))
			break
		}
		parts = append(parts, strconv.Itoa(l))
	}
	return strings.Join(parts, ", ")
}

type field int

const (
	fLocality field = iota + 1
	fIndicator
	fPeriod
	fValue
	fUnit
	fNote
)

// headers are the vntext.Key forms of the headers each field is recognised by.
var headers = map[string]field{
	"locality": fLocality, "localitycode": fLocality, "madiaban": fLocality, "maxa": fLocality, "maxaphuong": fLocality,
	"indicator": fIndicator, "indicatorcode": fIndicator, "machitieu": fIndicator, "chitieu": fIndicator,
	"period": fPeriod, "ky": fPeriod, "kybaocao": fPeriod,
	"value": fValue, "giatri": fValue, "soluong": fValue,
	"unit": fUnit, "unitcode": fUnit, "donvi": fUnit, "madonvi": fUnit, "donvibaocao": fUnit, "madonvibaocao": fUnit,
	"note": fNote, "ghichu": fNote,
}

// fieldNames are the English and Vietnamese headers a missing field is asked for by.
var fieldNames = map[field][2]string{
	fLocality: {"locality", "Mã địa bàn"}, fIndicator: {"indicator", "Mã chỉ tiêu"}, fPeriod: {"period", "Kỳ"},
	fValue: {"value", "Giá trị"}, fUnit: {"unit", "Đơn vị"},
}

type importer struct {
	ctx   context.Context
	store *data.Store
	opt   Options
	res   *Result
	bw    *data.BatchWriter
	quiet bool // reading again to find lines: problems were already reported
	// The file could not be read to its end: even its valid rows are not written,
	// since those after the damage are missing.
	unreadable bool

	header []string
	cols   map[field]int
	wide   map[int]data.Indicator // column -> indicator, wide layout

	indByCode map[string]data.Indicator
	indByID   map[int64]data.Indicator
	indByName []data.Indicator
	units     map[string]data.Unit
	unitByID  map[int64]data.Unit
	codes     *data.LocalityCodes
	periods   map[string]periodResult

	defPeriod period.Period
	defUnit   data.Unit

	// The number style is known only at the end of a CSV file (it is a majority
	// vote); cells whose reading depends on it are held until then.
	style tabular.NumberStyle // fixed style (XLSX), else Unknown
	votes tabular.NumberVotes
	held  int

	unitID      int64 // the unit of every value written, while there is one
	multiUnit   bool
	written     int
	lineOf      map[valueKey]int // keys whose first line must be found by reading again; 0 until found
	gate        *data.Gate
	warnings    []warning
	pendingDups []data.Duplicate
	clashes     []data.PeriodClash
	cellBuf     []valueCell // reused row after row: a million rows, a million slices fewer
}

// warning is a value that breaks a quality rule, where the file gives it; a
// line of 0 is found by reading again (see findLines).
type warning struct {
	data.Breach
	line, col int
	raw       string
}

type periodResult struct {
	p   period.Period
	msg message.Text // zero when p is good
}

type valueKey struct {
	ind, loc, unit int64
	p              period.Period
}

// heldCell is a value cell waiting for the file's number style.
type heldCell struct {
	Line  int           `json:"l"`
	Col   int           `json:"c"`
	Raw   string        `json:"r"`
	Ind   int64         `json:"i"`
	Loc   int64         `json:"o"`
	Unit  int64         `json:"u"`
	P     period.Period `json:"p"`
	Note  string        `json:"n,omitempty"`
	Valid bool          `json:"v,omitempty"` // the rest of its row is valid
}

// Import reads one file and, unless it has problems or this is a dry run, writes its
// values as one batch. The error is for failures of the database or of reading;
// problems in the file itself are in Result.Problems.
//
// Rows are written as they are read, inside one transaction that is rolled back
// if the file turns out to have problems (or on a dry run), so memory stays flat
// however long the file is. When r can seek, a file with duplicate rows is read a
// second time to name the line each duplicate repeats.
func Import(ctx context.Context, store *data.Store, name string, r io.Reader, opt Options) (Result, error) {
	res := Result{File: filepath.Base(name), DryRun: opt.DryRun}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	im := &importer{ctx: ctx, store: store, opt: opt, res: &res, periods: map[string]periodResult{}}
	h := sha256.New()
	tee := io.TeeReader(r, h)
	var in io.Reader = tee
	if ra, ok := r.(tabular.RandomAccess); ok {
		// A workbook is read at random, around the hash; the copy to the end
		// below hashes it whole.
		in = struct {
			io.Reader
			tabular.RandomAccess
		}{tee, ra}
	}
	// The file is opened, and a workbook verified to its last byte, before the
	// batch takes the write lock: a hostile file must not hold up other writers.
	rd, err := tabular.Open(name, in, tabular.Options{Sheet: opt.Sheet})
	if err != nil {
		var te *tabular.Error
		if errors.As(err, &te) {
			res.Problems = append(res.Problems, newProblem(te.Line, "", te.Value, te.Msg))
			res.Refused = true
			return res, nil
		}
		return res, err
	}
	defer rd.Close()
	// The batch begins before the catalog is read: from here no one else can write
	// until it ends, so the ids it is about to write stay valid (the batch skips
	// SQLite's per-row foreign key checks).
	if im.bw, err = store.BeginBatch(ctx, data.Batch{FileName: res.File, ImportedAt: opt.Now}); err != nil {
		return res, err
	}
	defer im.bw.Rollback() //nolint:errcheck // after Commit this does nothing
	if err := im.loadCatalog(); err != nil {
		return res, err
	}
	info := rd.Info()
	res.Format = string(info.Format)
	res.Encoding = info.Encoding
	if info.Format == tabular.FormatCSV {
		res.Delimiter = delimiterName(info.Delimiter)
	} else {
		im.style = tabular.DotDecimal // XLSX numbers arrive as Go formats them
	}
	if !im.mapHeader(rd.Header(), info.HeaderLine) {
		res.Refused = true
		return res, nil
	}
	if err := im.readRows(rd); err != nil {
		return res, err
	}
	// The hash must cover the whole file even when reading stopped early.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return res, err
	}
	if err := im.releaseHeld(); err != nil {
		return res, err
	}
	if err := im.reportKeyProblems(r, name); err != nil {
		return res, err
	}
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Line < res.Problems[j].Line })
	im.reportWarnings()
	// Rows that clash with others cannot be left out on their own: which of the two
	// periods is the right one is the unit's to say. Nor can a file that could not
	// be read to its end.
	if len(res.Problems) > 0 && (!opt.ValidOnly || im.written == 0 || len(im.clashes) > 0 || im.unreadable) {
		res.Refused = true
		return res, nil
	}
	sha := hex.EncodeToString(h.Sum(nil))
	prior, err := store.BatchBySHA(ctx, sha, im.defaults())
	switch {
	case err == nil:
		res.AlreadyImported = prior.ID
		return res, im.count()
	case !errors.Is(err, data.ErrNotFound):
		return res, err
	}
	if len(res.Warnings) > 0 && !opt.AcceptWarnings {
		res.NeedsAcceptance = true
		return res, im.count()
	}
	if opt.DryRun {
		return res, im.count()
	}
	if err := im.accept(); err != nil {
		return res, err
	}
	unit := im.unitID
	if im.multiUnit {
		unit = 0
	}
	if err := im.changes(); err != nil {
		return res, err
	}
	b, err := im.bw.Commit(data.BatchTotals{SHA256: sha, Defaults: im.defaults(), UnitID: unit, Rows: res.Rows, Rejected: res.Rejected})
	if err != nil {
		return res, err
	}
	res.BatchID = b.ID
	res.Inserted, res.Updated, res.Unchanged = b.Inserted, b.Updated, b.Unchanged
	return res, nil
}

// defaults names what the file is read with for the columns it lacks: with other
// defaults the same bytes are another report. A file read with none has none, as
// every batch before defaults were recorded.
func (im *importer) defaults() string {
	var parts []string
	if im.defPeriod.Year != 0 {
		parts = append(parts, "period="+im.defPeriod.ID())
	}
	if im.defUnit.ID != 0 {
		parts = append(parts, "unit="+im.defUnit.Code)
	}
	if sheet := strings.TrimSpace(im.opt.Sheet); sheet != "" {
		parts = append(parts, "sheet="+strings.ToLower(norm.NFC.String(sheet)))
	}
	return strings.Join(parts, " ")
}

// count fills in what the batch would do, for a dry run or a file already imported.
func (im *importer) count() error {
	wc, err := im.bw.Counts()
	im.res.Inserted, im.res.Updated, im.res.Unchanged = wc.Inserted, wc.Updated, wc.Unchanged
	if err != nil {
		return err
	}
	return im.changes()
}

// changes lists the first values the batch overwrites, by their codes.
func (im *importer) changes() error {
	cs, err := im.bw.Changes(MaxChanges)
	if err != nil {
		return err
	}
	im.res.Changes = make([]Change, 0, len(cs))
	for _, c := range cs {
		loc, _ := im.codes.ByID(c.LocalityID)
		im.res.Changes = append(im.res.Changes, Change{Locality: loc.Code, LocalityName: loc.Name, Indicator: im.indByID[c.IndicatorID].Code,
			Period: c.Period.ID(), Unit: im.unitByID[c.UnitID].Code, Old: c.Old, New: c.Value.Value, OldNote: c.OldNote, NewNote: c.Note})
	}
	return nil
}

func delimiterName(r rune) string {
	switch r {
	case '\t':
		return "tab"
	case 0:
		return ""
	}
	return string(r)
}

func (im *importer) loadCatalog() error {
	inds, err := im.store.Indicators(im.ctx)
	if err != nil {
		return err
	}
	im.indByCode = make(map[string]data.Indicator, len(inds))
	im.indByID = make(map[int64]data.Indicator, len(inds))
	for _, in := range inds {
		im.indByCode[strings.ToUpper(in.Code)] = in
		im.indByID[in.ID] = in
	}
	im.indByName = inds
	units, err := im.store.Units(im.ctx)
	if err != nil {
		return err
	}
	im.units = make(map[string]data.Unit, len(units))
	im.unitByID = make(map[int64]data.Unit, len(units))
	for _, u := range units {
		im.units[strings.ToUpper(u.Code)] = u
		im.unitByID[u.ID] = u
	}
	if im.codes, err = im.store.LocalityCodes(im.ctx); err != nil {
		return err
	}
	if im.gate, err = im.store.Gate(im.ctx); err != nil {
		return err
	}
	if im.opt.Period != "" {
		p, err := period.Parse(im.opt.Period)
		if err != nil {
			return fmt.Errorf("the report period set for the whole file: %w", err)
		}
		im.defPeriod = p
	}
	if im.opt.UnitCode != "" {
		u, ok := im.units[strings.ToUpper(im.opt.UnitCode)]
		if !ok {
			return fmt.Errorf("reporting unit %q set for the whole file: %w; give a unit code from the Units list (e.g. BCHQS-CL)", im.opt.UnitCode, data.ErrNotFound)
		}
		im.defUnit = u
	}
	return nil
}

func (im *importer) problem(line, col int, value string, msg message.Text) {
	if im.quiet {
		return
	}
	im.res.Problems = append(im.res.Problems, newProblem(line, im.colName(col), value, msg))
}

func (im *importer) colName(col int) string {
	if col >= 0 && col < len(im.header) {
		return im.header[col]
	}
	return ""
}

// indicatorByHeader matches a wide column to an indicator by code or by exact name,
// tone placement aside: column titles are copied from the program document.
func (im *importer) indicatorByHeader(h string) (data.Indicator, bool) {
	if in, ok := im.indByCode[strings.ToUpper(h)]; ok {
		return in, true
	}
	for _, in := range im.indByName {
		if vntext.SameName(in.Name, h) {
			return in, true
		}
	}
	return data.Indicator{}, false
}

// mapHeader finds the columns; false when the file cannot be read at all.
func (im *importer) mapHeader(header []string, line int) bool {
	im.header = make([]string, len(header))
	im.cols = map[field]int{}
	for i, h := range header {
		h = data.StripFormulaGuard(h)
		im.header[i] = h
		f, ok := headers[vntext.Key(h)]
		if !ok {
			continue
		}
		if first, dup := im.cols[f]; dup {
			im.problem(line, i, h, msgSameField.With("Column", im.header[first]))
			continue
		}
		im.cols[f] = i
	}
	_, hasInd := im.cols[fIndicator]
	_, hasVal := im.cols[fValue]
	if hasInd || hasVal {
		im.res.Layout = "long"
	} else {
		im.res.Layout = "wide"
		im.wide = map[int]data.Indicator{}
		for i, h := range im.header {
			if _, known := headers[vntext.Key(h)]; known || h == "" {
				continue
			}
			if in, ok := im.indicatorByHeader(h); ok {
				im.wide[i] = in
			}
		}
	}
	need := []field{fLocality}
	if im.res.Layout == "long" {
		need = append(need, fIndicator, fValue)
	}
	if im.defPeriod.Year == 0 {
		need = append(need, fPeriod)
	}
	if im.defUnit.ID == 0 {
		need = append(need, fUnit)
	}
	for _, f := range need {
		if _, ok := im.cols[f]; ok {
			continue
		}
		var msg message.Text
		switch f {
		case fPeriod:
			msg = msgNoPeriodColumn.With()
		case fUnit:
			msg = msgNoUnitColumn.With()
		default:
			msg = msgNoColumn.With("Name", fieldNames[f][0], "ViName", fieldNames[f][1])
		}
		im.problem(line, -1, "", msg)
	}
	if im.res.Layout == "wide" && len(im.wide) == 0 {
		im.problem(line, -1, "", msgNoWideColumn.With())
	}
	return len(im.res.Problems) == 0
}

// readRows reads every row and writes its values.
func (im *importer) readRows(rd *tabular.Reader) error {
	return im.eachRow(rd, func(r parsedRow) error {
		for _, c := range r.cells {
			if err := im.value(r, c); err != nil {
				return err
			}
		}
		return nil
	})
}

func (im *importer) eachRow(rd *tabular.Reader, fn func(parsedRow) error) error {
	var lastErr string
	for {
		if err := im.ctx.Err(); err != nil {
			return err
		}
		row, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var te *tabular.Error
			if !errors.As(err, &te) {
				return err
			}
			if te.Error() == lastErr { // structural: the reader cannot go on
				return nil
			}
			lastErr = te.Error()
			im.unreadable = im.unreadable || te.Fatal()
			im.problem(te.Line, te.Column-1, te.Value, te.Msg)
			if !im.quiet {
				im.res.Rows++
				im.res.Rejected++
			}
			continue
		}
		if r, ok := im.parseRow(row); ok {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
}

func (im *importer) cell(row tabular.Row, f field) (string, int) {
	i, ok := im.cols[f]
	if !ok {
		return "", -1
	}
	if i >= len(row.Cells) {
		return "", i
	}
	return data.StripFormulaGuard(row.Cells[i]), i
}

// parsedRow is what one row says, checked against the catalog.
type parsedRow struct {
	line  int
	code  string // locality code as written
	p     period.Period
	unit  data.Unit
	loc   int64
	note  string
	valid bool // every field but the numbers is right
	cells []valueCell
}

type valueCell struct {
	col int
	ind data.Indicator
	raw string
}

// parseRow checks one row; false when it reports nothing (no value cells).
func (im *importer) parseRow(row tabular.Row) (parsedRow, bool) {
	// Which cells carry values decides whether the row is a report at all: a
	// template row left empty is a locality with nothing to report.
	r := parsedRow{line: row.Line, valid: true, cells: im.cellBuf[:0]}
	defer func() { im.cellBuf = r.cells }()
	if im.res.Layout == "long" {
		raw, col := im.cell(row, fValue)
		if raw == "" {
			return r, false
		}
		r.cells = append(r.cells, valueCell{col: col, raw: raw})
	} else {
		for col, in := range im.wide {
			if col < len(row.Cells) && row.Cells[col] != "" {
				r.cells = append(r.cells, valueCell{col: col, ind: in, raw: data.StripFormulaGuard(row.Cells[col])})
			}
		}
		if len(r.cells) == 0 {
			return r, false
		}
		sort.Slice(r.cells, func(i, j int) bool { return r.cells[i].col < r.cells[j].col })
	}
	line := row.Line
	r.p = im.defPeriod
	if raw, col := im.cell(row, fPeriod); raw != "" {
		pr := im.period(raw)
		switch {
		case pr.msg.Template != "":
			im.problem(line, col, raw, pr.msg)
			r.valid = false
		case im.defPeriod.Year != 0 && pr.p != im.defPeriod:
			im.problem(line, col, raw, msgOtherPeriod.With("Period", pr.p.ID(), "Given", im.defPeriod.ID()))
			r.valid = false
		}
		r.p = pr.p
	} else if r.p.Year == 0 {
		im.problem(line, col, "", msgNoPeriod.With())
		r.valid = false
	}
	if r.valid && r.p.Start().After(im.opt.Now) {
		_, col := im.cell(row, fPeriod)
		im.problem(line, col, r.p.ID(), msgFuturePeriod.With("Period", r.p.ID(), "Start", r.p.Start().Format("02/01/2006")))
		r.valid = false
	}
	// Only a good period can tell which locality a reused code means.
	periodOK := r.valid
	r.unit = im.defUnit
	if raw, col := im.cell(row, fUnit); raw != "" {
		u, ok := im.units[strings.ToUpper(raw)]
		switch {
		case !ok:
			im.problem(line, col, raw, msgNotUnit.With())
			r.valid = false
		case im.defUnit.ID != 0 && u.ID != im.defUnit.ID:
			im.problem(line, col, raw, msgOtherUnit.With("Unit", u.Code, "Given", im.defUnit.Code))
			r.valid = false
		}
		r.unit = u
	} else if r.unit.ID == 0 {
		im.problem(line, col, "", msgNoUnit.With())
		r.valid = false
	}
	code, lcol := im.cell(row, fLocality)
	r.code = code
	switch {
	case code == "":
		im.problem(line, lcol, "", msgNoLocality.With())
		r.valid = false
	case periodOK:
		id, msg := im.locality(code, r.p)
		if msg.Template != "" {
			im.problem(line, lcol, code, msg)
			r.valid = false
		}
		r.loc = id
	}
	if im.res.Layout == "long" {
		raw, col := im.cell(row, fIndicator)
		in, ok := im.indByCode[strings.ToUpper(raw)]
		if !ok {
			in, ok = im.indicatorByHeader(raw)
		}
		if !ok {
			msg := msgNotIndicator
			if raw == "" {
				msg = msgNoIndicator
			}
			im.problem(line, col, raw, msg.With())
			r.valid = false
		}
		r.cells[0].ind = in
	}
	r.note, _ = im.cell(row, fNote)
	return r, true
}

func (im *importer) period(raw string) periodResult {
	if pr, ok := im.periods[raw]; ok {
		return pr
	}
	p, err := period.Parse(raw)
	pr := periodResult{p: p}
	var pe *period.ParseError
	switch {
	case errors.As(err, &pe):
		pr.msg = pe.Msg // it says how to write a period
	case err != nil:
		pr.msg = msgNotPeriod.With("Error", err.Error())
	}
	im.periods[raw] = pr
	return pr
}

// locality resolves a code on the last day of the period: codes were reused for
// other communes in 2025, so the same code means different places in different
// periods. A commune dissolved during the period is still found by its first day.
func (im *importer) locality(code string, p period.Period) (int64, message.Text) {
	l, ok := im.codes.At(code, p.End())
	if !ok {
		l, ok = im.codes.At(code, p.Start())
	}
	if !ok {
		return 0, msgNotLocality.With("Code", code, "Date", p.End().Format("02/01/2006"), "Period", p.ID())
	}
	return l.ID, message.Text{}
}

// value handles one value cell: written now if its number reads the same in
// either style, else held until the file's style is known.
func (im *importer) value(r parsedRow, c valueCell) error {
	im.res.Rows++
	cell := heldCell{Line: r.line, Col: c.col, Raw: c.raw, Ind: c.ind.ID, Loc: r.loc, Unit: r.unit.ID, P: r.p, Note: r.note,
		Valid: r.valid && c.ind.ID != 0}
	if im.votes.Add(c.raw) && im.style == tabular.Unknown {
		raw, err := json.Marshal(cell)
		if err != nil {
			return err
		}
		im.held++
		return im.bw.Hold(raw)
	}
	style := im.style
	if style == tabular.Unknown {
		style = tabular.DotDecimal // the reading does not depend on it
	}
	return im.write(cell, style)
}

// releaseHeld writes the held cells now that the style is known.
func (im *importer) releaseHeld() error {
	if im.held == 0 {
		return nil
	}
	style := im.votes.Style()
	return im.bw.Held(func(raw []byte) error {
		var cell heldCell
		if err := json.Unmarshal(raw, &cell); err != nil {
			return err
		}
		return im.write(cell, style)
	})
}

// write parses the cell's number in style and writes the value if all is well.
func (im *importer) write(cell heldCell, style tabular.NumberStyle) error {
	in := im.indByID[cell.Ind]
	v, dec, err := tabular.ParseNumber(cell.Raw, style)
	var msg message.Text
	var te *tabular.Error
	switch {
	case errors.As(err, &te):
		msg = te.Msg
	case err != nil:
		msg = msgNotNumber.With("Error", err.Error())
	case v < 0:
		msg = msgNegative.With()
	case v > data.MaxValue:
		msg = msgTooLarge.With("Max", strconv.FormatFloat(data.MaxValue, 'f', -1, 64), "Indicator", in.Code, "Unit", in.Unit)
	case in.ID != 0 && dec > in.Decimals:
		if in.Decimals == 0 {
			msg = msgWhole.With("Indicator", in.Code, "Unit", in.Unit)
		} else {
			msg = msgDecimals.With("Indicator", in.Code, "N", strconv.Itoa(in.Decimals))
		}
	}
	bad := msg.Template != ""
	if bad {
		im.problem(cell.Line, cell.Col, cell.Raw, msg)
	}
	if bad || !cell.Valid {
		im.res.Rejected++
		return nil
	}
	if im.written > 0 && cell.Unit != im.unitID {
		im.multiUnit = true
	}
	im.unitID = cell.Unit
	im.written++
	val := data.Value{IndicatorID: cell.Ind, LocalityID: cell.Loc, UnitID: cell.Unit, Period: cell.P, Value: v, Note: cell.Note}
	for _, b := range im.gate.Range(val) {
		im.warnings = append(im.warnings, warning{Breach: b, line: cell.Line, col: cell.Col, raw: cell.Raw})
	}
	return im.bw.Add(val, cell.Line)
}

// duplicates reports the rows that repeat a key already written; the first line
// of those whose first occurrence is out of the writer's view is found later.
func (im *importer) duplicates(dups []data.Duplicate) {
	for _, d := range dups {
		im.written--
		im.res.Rejected++
		if d.FirstTag != 0 {
			im.dupProblem(d, d.FirstTag)
			continue
		}
		im.wantLine(valueKey{d.IndicatorID, d.LocalityID, d.UnitID, d.Period})
		im.pendingDups = append(im.pendingDups, d)
	}
}

// wantLine asks for the first line that gives key, found by reading the file again.
func (im *importer) wantLine(key valueKey) {
	if im.lineOf == nil {
		im.lineOf = map[valueKey]int{}
	}
	im.lineOf[key] = 0
}

// valueColumn is the column an indicator's values are in.
func (im *importer) valueColumn(ind int64) int {
	if im.res.Layout == "wide" {
		for c, w := range im.wide {
			if w.ID == ind {
				return c
			}
		}
	}
	return im.cols[fValue]
}

// keyArgs names a value's key by the codes a clerk reads.
func (im *importer) keyArgs(v data.Value) []string {
	loc, _ := im.codes.ByID(v.LocalityID)
	return []string{"Indicator", im.indByID[v.IndicatorID].Code, "Locality", loc.Code, "Unit", im.unitByID[v.UnitID].Code, "Period", v.Period.ID()}
}

func (im *importer) dupProblem(d data.Duplicate, first int) {
	args := im.keyArgs(d.Value)
	var msg message.Text
	if first > 0 {
		msg = msgDuplicateAt.With(append(args, "First", strconv.Itoa(first))...)
	} else {
		msg = msgDuplicate.With(args...)
	}
	im.problem(d.Tag, im.valueColumn(d.IndicatorID), strconv.FormatFloat(d.Value.Value, 'f', -1, 64), msg)
}

func (im *importer) clashProblem(c data.PeriodClash) {
	args := append(im.keyArgs(c.Value), "Other", c.Other.ID())
	msg := msgClashStored.With(args...)
	if c.OtherInWrite {
		msg = msgClashInFile.With(args...)
	}
	line := im.lineOf[valueKey{c.IndicatorID, c.LocalityID, c.UnitID, c.Period}]
	im.problem(line, im.valueColumn(c.IndicatorID), strconv.FormatFloat(c.Value.Value, 'f', -1, 64), msg)
}

// maxClashes bounds the period clashes reported: the first few say what is wrong.
const maxClashes = 20

// reportKeyProblems writes what is queued, then reports the duplicates and the
// values whose period overlaps another of the same key, naming the line of each:
// those the writer could not tell are found by reading the file again from the
// start, when it can be.
func (im *importer) reportKeyProblems(r io.Reader, name string) error {
	if err := im.bw.Flush(); err != nil {
		return err
	}
	im.duplicates(im.bw.Duplicates())
	var err error
	if im.clashes, err = im.bw.PeriodClashes(maxClashes); err != nil {
		return err
	}
	for _, c := range im.clashes {
		im.wantLine(valueKey{c.IndicatorID, c.LocalityID, c.UnitID, c.Period})
	}
	if err := im.crossWarnings(); err != nil {
		return err
	}
	if err := im.findLines(r, name); err != nil {
		return err
	}
	for _, d := range im.pendingDups {
		im.dupProblem(d, im.lineOf[valueKey{d.IndicatorID, d.LocalityID, d.UnitID, d.Period}])
	}
	for _, c := range im.clashes {
		im.clashProblem(c)
	}
	return nil
}

// findLines reads the file again, when r can seek, for the first line of each key
// in lineOf.
func (im *importer) findLines(r io.Reader, name string) error {
	seeker, ok := r.(io.Seeker)
	if len(im.lineOf) == 0 || !ok {
		return nil
	}
	if _, err := seeker.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rd, err := tabular.Open(name, r, tabular.Options{Sheet: im.opt.Sheet})
	if err != nil {
		return err
	}
	defer rd.Close()
	im.quiet = true
	defer func() { im.quiet = false }()
	return im.eachRow(rd, func(pr parsedRow) error {
		for _, c := range pr.cells {
			if !pr.valid {
				break
			}
			k := valueKey{c.ind.ID, pr.loc, pr.unit.ID, pr.p}
			if first, ok := im.lineOf[k]; ok && first == 0 {
				im.lineOf[k] = pr.line
			}
		}
		return nil
	})
}

// crossWarnings finds the values that break a rule between two indicators, one
// figure of the pair at least from the file, and asks for the line of the one
// the file gives (A's, unless only B is in the file).
func (im *importer) crossWarnings() error {
	breaches, err := im.bw.CrossBreaches(im.gate)
	if err != nil {
		return err
	}
	for _, b := range breaches {
		im.warnings = append(im.warnings, warning{Breach: b})
		im.wantLine(im.warningKey(b))
	}
	return nil
}

// warningKey is the key of the figure of b the file gives.
func (im *importer) warningKey(b data.Breach) valueKey {
	v := b.Value
	if b.ValueStored {
		v = *b.Other
	}
	return valueKey{v.IndicatorID, v.LocalityID, v.UnitID, v.Period}
}

// reportWarnings turns the breaches into Result.Warnings, in line order.
func (im *importer) reportWarnings() {
	for i := range im.warnings {
		w := &im.warnings[i]
		if w.Other != nil { // a rule between two: located now that the lines are known
			k := im.warningKey(w.Breach)
			w.line, w.col = im.lineOf[k], im.valueColumn(k.ind)
			w.raw = strconv.FormatFloat(w.Value.Value, 'f', -1, 64)
			if w.ValueStored {
				w.raw = strconv.FormatFloat(w.Other.Value, 'f', -1, 64)
			}
		}
		im.res.Warnings = append(im.res.Warnings, newProblem(w.line, im.colName(w.col), w.raw, w.Msg))
	}
	sort.SliceStable(im.res.Warnings, func(i, j int) bool { return im.res.Warnings[i].Line < im.res.Warnings[j].Line })
}

// accept records the warnings the caller accepted with the batch.
func (im *importer) accept() error {
	breaches := make([]data.Breach, len(im.warnings))
	for i, w := range im.warnings {
		breaches[i] = w.Breach
	}
	return im.bw.Accept(breaches)
}
