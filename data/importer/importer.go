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
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"danvan/data"
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
}

// Problem is one thing wrong in a file, located for the clerk who has to fix it.
type Problem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

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
}

// Summary groups identical problems so a file with the same mistake on 300 lines
// gives one line to read: `report.csv: lines 4, 9, 12: column "Kỳ": "Q5/2024": ...`.
func (r Result) Summary() []string {
	type group struct {
		p     Problem
		lines []int
	}
	var groups []*group
	at := map[Problem]*group{}
	for _, p := range r.Problems {
		k := p
		k.Line = 0
		g := at[k]
		if g == nil {
			g = &group{p: k}
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
	"unit": fUnit, "unitcode": fUnit, "donvi": fUnit, "madonvi": fUnit,
	"note": fNote, "ghichu": fNote,
}

var fieldNames = map[field]string{
	fLocality: `"locality" or "Mã địa bàn"`, fIndicator: `"indicator" or "Mã chỉ tiêu"`, fPeriod: `"period" or "Kỳ"`,
	fValue: `"value" or "Giá trị"`, fUnit: `"unit" or "Đơn vị"`,
}

// pending is a value whose number waits for the file's number style, known only
// once every value cell has been seen.
type pending struct {
	line int
	col  int
	raw  string
	ind  data.Indicator
	val  data.Value
	bad  bool
}

type importer struct {
	ctx   context.Context
	store *data.Store
	opt   Options
	res   *Result

	header []string
	cols   map[field]int
	wide   map[int]data.Indicator // column -> indicator, wide layout

	indByCode map[string]data.Indicator
	indByName []data.Indicator
	units     map[string]data.Unit
	periods   map[string]periodResult
	locs      map[locKey]locResult
	seen      map[valueKey]int // first line of each key

	defPeriod period.Period
	defUnit   data.Unit
	pend      []pending
}

type periodResult struct {
	p   period.Period
	msg string
}

type locKey struct {
	code string
	p    period.Period
}

type locResult struct {
	id  int64
	msg string
}

type valueKey struct {
	ind, loc, unit int64
	p              period.Period
}

// Import reads one file and, unless it has problems or this is a dry run, writes its
// values as one batch. The error is for failures of the database or of reading;
// problems in the file itself are in Result.Problems.
func Import(ctx context.Context, store *data.Store, name string, r io.Reader, opt Options) (Result, error) {
	res := Result{File: filepath.Base(name), DryRun: opt.DryRun}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	im := &importer{ctx: ctx, store: store, opt: opt, res: &res,
		periods: map[string]periodResult{}, locs: map[locKey]locResult{}, seen: map[valueKey]int{}}
	if err := im.loadCatalog(); err != nil {
		return res, err
	}
	h := sha256.New()
	tee := io.TeeReader(r, h)
	rd, err := tabular.Open(name, tee, tabular.Options{Sheet: opt.Sheet})
	if err != nil {
		var te *tabular.Error
		if errors.As(err, &te) {
			res.Problems = append(res.Problems, Problem{Line: te.Line, Value: te.Value, Message: te.Msg})
			res.Refused = true
			return res, nil
		}
		return res, err
	}
	defer rd.Close()
	info := rd.Info()
	res.Format = string(info.Format)
	res.Encoding = info.Encoding
	if info.Format == tabular.FormatCSV {
		res.Delimiter = delimiterName(info.Delimiter)
	}
	fileOK := im.mapHeader(rd.Header(), info.HeaderLine)
	if fileOK {
		if err := im.readRows(rd); err != nil {
			return res, err
		}
	}
	// The hash must cover the whole file even when reading stopped early.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return res, err
	}
	if !fileOK {
		res.Refused = true
		return res, nil
	}
	style := tabular.DotDecimal // XLSX numbers arrive as Go formats them
	if info.Format == tabular.FormatCSV {
		samples := make([]string, len(im.pend))
		for i, p := range im.pend {
			samples[i] = p.raw
		}
		style, _ = tabular.DetectNumberStyle(samples)
	}
	vals := im.parseNumbers(style)
	unreadable := res.Rejected // rows the reader itself refused
	res.Rows = len(im.pend) + unreadable
	res.Rejected = unreadable + len(im.pend) - len(vals)
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Line < res.Problems[j].Line })
	if len(res.Problems) > 0 && (!opt.ValidOnly || len(vals) == 0) {
		res.Refused = true
		return res, nil
	}
	sha := hex.EncodeToString(h.Sum(nil))
	prior, err := store.BatchBySHA(ctx, sha)
	switch {
	case err == nil:
		res.AlreadyImported = prior.ID
		return res, im.preview(vals)
	case !errors.Is(err, data.ErrNotFound):
		return res, err
	}
	if opt.DryRun {
		return res, im.preview(vals)
	}
	b, err := store.CommitBatch(ctx, data.Batch{FileName: res.File, SHA256: sha, UnitID: batchUnit(vals),
		Rows: res.Rows, Rejected: res.Rejected, ImportedAt: opt.Now}, vals)
	if err != nil {
		return res, err
	}
	res.BatchID = b.ID
	res.Inserted, res.Updated, res.Unchanged = b.Inserted, b.Updated, b.Unchanged
	return res, nil
}

func (im *importer) preview(vals []data.Value) error {
	wc, _, err := im.store.PreviewValues(im.ctx, vals)
	im.res.Inserted, im.res.Updated, im.res.Unchanged = wc.Inserted, wc.Updated, wc.Unchanged
	return err
}

// batchUnit names the unit of a batch when the whole file is one unit's report,
// which is what the batch list shows.
func batchUnit(vals []data.Value) int64 {
	if len(vals) == 0 {
		return 0
	}
	u := vals[0].UnitID
	for _, v := range vals[1:] {
		if v.UnitID != u {
			return 0
		}
	}
	return u
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
	for _, in := range inds {
		im.indByCode[strings.ToUpper(in.Code)] = in
	}
	im.indByName = inds
	units, err := im.store.Units(im.ctx)
	if err != nil {
		return err
	}
	im.units = make(map[string]data.Unit, len(units))
	for _, u := range units {
		im.units[strings.ToUpper(u.Code)] = u
	}
	if im.opt.Period != "" {
		p, err := period.Parse(im.opt.Period)
		if err != nil {
			return fmt.Errorf("--period: %w", err)
		}
		im.defPeriod = p
	}
	if im.opt.UnitCode != "" {
		u, ok := im.units[strings.ToUpper(im.opt.UnitCode)]
		if !ok {
			return fmt.Errorf("--unit %q is not a reporting unit: %w; danvanctl list units shows them", im.opt.UnitCode, data.ErrNotFound)
		}
		im.defUnit = u
	}
	return nil
}

func (im *importer) problem(line, col int, value, msg string) {
	im.res.Problems = append(im.res.Problems, Problem{Line: line, Column: im.colName(col), Value: value, Message: msg})
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
			im.problem(line, i, h, fmt.Sprintf("the same field as column %q; keep one of the two columns", im.header[first]))
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
		msg := fmt.Sprintf("no %s column in the header; add it", fieldNames[f])
		switch f {
		case fPeriod:
			msg += ", or give the period with --period"
		case fUnit:
			msg += ", or give the reporting unit with --unit"
		}
		im.problem(line, -1, "", msg)
	}
	if im.res.Layout == "wide" && len(im.wide) == 0 {
		im.problem(line, -1, "", `no column is headed by an indicator code or name; head each value column with one (e.g. "TT_DOT"), or use the long layout with "indicator" and "value" columns`)
	}
	return len(im.res.Problems) == 0
}

func (im *importer) readRows(rd *tabular.Reader) error {
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
			im.problem(te.Line, te.Column-1, te.Value, te.Msg)
			im.res.Rejected++
			continue
		}
		im.row(row)
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

func (im *importer) row(row tabular.Row) {
	// Which cells carry values decides whether the row is a report at all: a
	// template row left empty is a locality with nothing to report.
	type valueCell struct {
		col int
		ind data.Indicator
		raw string
	}
	var cells []valueCell
	if im.res.Layout == "long" {
		raw, col := im.cell(row, fValue)
		if raw == "" {
			return
		}
		cells = append(cells, valueCell{col: col, raw: raw})
	} else {
		for col, in := range im.wide {
			if col < len(row.Cells) && row.Cells[col] != "" {
				cells = append(cells, valueCell{col: col, ind: in, raw: data.StripFormulaGuard(row.Cells[col])})
			}
		}
		if len(cells) == 0 {
			return
		}
		sort.Slice(cells, func(i, j int) bool { return cells[i].col < cells[j].col })
	}
	bad := false
	line := row.Line
	p := im.defPeriod
	if raw, col := im.cell(row, fPeriod); raw != "" {
		pr := im.period(raw)
		if pr.msg != "" {
			im.problem(line, col, raw, pr.msg)
			bad = true
		}
		p = pr.p
	} else if p.Year == 0 {
		im.problem(line, col, "", "no period; write one such as 2024Q3 or Quý III/2024, or give it with --period")
		bad = true
	}
	if !bad && p.Start().After(im.opt.Now) {
		_, col := im.cell(row, fPeriod)
		im.problem(line, col, p.ID(), fmt.Sprintf("period %s starts on %s, after today; results can be reported once it has begun",
			p.ID(), p.Start().Format("02/01/2006")))
		bad = true
	}
	// Only a good period can tell which locality a reused code means.
	periodOK := !bad
	unit := im.defUnit
	if raw, col := im.cell(row, fUnit); raw != "" {
		u, ok := im.units[strings.ToUpper(raw)]
		if !ok {
			im.problem(line, col, raw, "not a reporting unit code; write the code as danvanctl list units shows it (e.g. BCHQS-CL)")
			bad = true
		}
		unit = u
	} else if unit.ID == 0 {
		im.problem(line, col, "", "no reporting unit; write its code (e.g. BCHQS-CL), or give it with --unit")
		bad = true
	}
	var locID int64
	code, lcol := im.cell(row, fLocality)
	switch {
	case code == "":
		im.problem(line, lcol, "", "no locality code; write the official code of the commune (e.g. 06484)")
		bad = true
	case periodOK:
		lr := im.locality(code, p)
		if lr.msg != "" {
			im.problem(line, lcol, code, lr.msg)
			bad = true
		}
		locID = lr.id
	}
	if im.res.Layout == "long" {
		raw, col := im.cell(row, fIndicator)
		in, ok := im.indByCode[strings.ToUpper(raw)]
		if !ok {
			in, ok = im.indicatorByHeader(raw)
		}
		if !ok {
			msg := "not an indicator code; write the code as danvanctl list indicators shows it (e.g. TT_DOT)"
			if raw == "" {
				msg = "no indicator; write its code (e.g. TT_DOT)"
			}
			im.problem(line, col, raw, msg)
			bad = true
		}
		cells[0].ind = in
	}
	note, _ := im.cell(row, fNote)
	for _, c := range cells {
		pd := pending{line: line, col: c.col, raw: c.raw, ind: c.ind, bad: bad, val: data.Value{
			IndicatorID: c.ind.ID, LocalityID: locID, UnitID: unit.ID, Period: p, Note: note}}
		if !bad && c.ind.ID != 0 {
			k := valueKey{c.ind.ID, locID, unit.ID, p}
			if first, dup := im.seen[k]; dup {
				im.problem(line, c.col, c.raw, fmt.Sprintf("%s for %s, %s, %s was already given on line %d; keep one of the two rows",
					c.ind.Code, code, unit.Code, p.ID(), first))
				pd.bad = true
			} else {
				im.seen[k] = line
			}
		}
		im.pend = append(im.pend, pd)
	}
}

func (im *importer) period(raw string) periodResult {
	if pr, ok := im.periods[raw]; ok {
		return pr
	}
	p, err := period.Parse(raw)
	pr := periodResult{p: p}
	if err != nil {
		pr.msg = err.Error() + "; write it as 2024Q3, Quý III/2024 or 7/2024"
	}
	im.periods[raw] = pr
	return pr
}

// locality resolves a code on the last day of the period: codes were reused for
// other communes in 2025, so the same code means different places in different
// periods. A commune dissolved during the period is still found by its first day.
func (im *importer) locality(code string, p period.Period) locResult {
	k := locKey{code, p}
	if lr, ok := im.locs[k]; ok {
		return lr
	}
	var lr locResult
	l, err := im.store.LocalityByCode(im.ctx, code, p.End())
	if errors.Is(err, data.ErrNotFound) {
		l, err = im.store.LocalityByCode(im.ctx, code, p.Start())
	}
	switch {
	case err == nil:
		lr.id = l.ID
	case errors.Is(err, data.ErrNotFound):
		lr.msg = fmt.Sprintf("code %s is not a locality on %s; check the code against the official list in force for period %s",
			code, p.End().Format("02/01/2006"), p.ID())
	default:
		lr.msg = err.Error()
	}
	im.locs[k] = lr
	return lr
}

// parseNumbers reads every value cell in the file's number style and returns the
// values that passed every check.
func (im *importer) parseNumbers(style tabular.NumberStyle) []data.Value {
	var vals []data.Value
	for i := range im.pend {
		p := &im.pend[i]
		v, dec, err := tabular.ParseNumber(p.raw, style)
		msg := ""
		var te *tabular.Error
		switch {
		case errors.As(err, &te):
			msg = te.Msg
		case err != nil:
			msg = err.Error()
		case v < 0:
			msg = "negative; results are counts or amounts of zero or more"
		case p.ind.ID != 0 && dec > p.ind.Decimals:
			if p.ind.Decimals == 0 {
				msg = fmt.Sprintf("%s is counted in whole %s; write a whole number", p.ind.Code, p.ind.Unit)
			} else {
				msg = fmt.Sprintf("%s takes at most %d decimals; round the value", p.ind.Code, p.ind.Decimals)
			}
		}
		if msg != "" {
			im.problem(p.line, p.col, p.raw, msg)
			p.bad = true
			continue
		}
		if p.bad {
			continue
		}
		p.val.Value = v
		vals = append(vals, p.val)
	}
	return vals
}
