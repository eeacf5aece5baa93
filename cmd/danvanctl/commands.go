package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"danvan/assets"
	"danvan/data"
)

func (e *env) initDB(args []string) error {
	if _, err := parseFlags(flag.NewFlagSet("init", flag.ContinueOnError), args, 0, 0); err != nil {
		return err
	}
	s, err := e.create()
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.out, "database ready: %s\n", s.Path())
	return nil
}

func (e *env) demo(args []string) error {
	if _, err := parseFlags(flag.NewFlagSet("demo", flag.ContinueOnError), args, 0, 0); err != nil {
		return err
	}
	s, err := e.create()
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.LoadDemo(e.ctx); err != nil {
		if errors.Is(err, data.ErrNotEmpty) {
			return rejected(err)
		}
		return err
	}
	fmt.Fprintf(e.out, "demo loaded into %s\n", s.Path())
	return nil
}

func (e *env) check(args []string) error {
	if _, err := parseFlags(flag.NewFlagSet("check", flag.ContinueOnError), args, 0, 0); err != nil {
		return err
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	problems, err := s.Check(e.ctx)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(e.out, p)
		}
		return fmt.Errorf("%s: %d problem(s) found; restore the latest backup", s.Path(), len(problems))
	}
	fmt.Fprintf(e.out, "%s: ok\n", s.Path())
	return nil
}

func (e *env) backup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("o", "", "backup file to write")
	if _, err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	if *out == "" {
		return usageError("backup: -o FILE is required")
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(e.ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "backup written: %s\n", *out)
	return nil
}

// official names the shipped lists by the date they describe.
var official = map[string]string{
	"2025-06-30": assets.ListBefore2025,
	"2025-07-01": assets.ListAfter2025,
}

// openInput opens FILE, or the shipped list named with --official.
func openInput(pos []string, officialDate string, shipped map[string]string) (string, io.ReadCloser, error) {
	switch {
	case officialDate != "" && len(pos) > 0:
		return "", nil, usageError("give either a FILE or --official, not both")
	case officialDate != "":
		name, ok := shipped[officialDate]
		if !ok {
			var dates []string
			for d := range shipped {
				dates = append(dates, d)
			}
			return "", nil, usageError("no official list for %s; shipped: %s", officialDate, strings.Join(dates, ", "))
		}
		f, err := assets.Localities.Open(name)
		return name, f, err
	case len(pos) == 1:
		f, err := os.Open(pos[0])
		return pos[0], f, err
	}
	return "", nil, usageError("name the list: a FILE or --official DATE")
}

func (e *env) localities(args []string) error {
	return subcommand("localities", args, "load", e.loadList, "reform", e.reform)
}

// subcommand runs the one of a command's two subcommands that args name.
func subcommand(command string, args []string, first string, runFirst func([]string) error, second string, runSecond func([]string) error) error {
	if len(args) == 0 {
		return usageError("%s: expected %s or %s", command, first, second)
	}
	switch args[0] {
	case first:
		return runFirst(args[1:])
	case second:
		return runSecond(args[1:])
	}
	return usageError("%s: unknown subcommand %q; expected %s or %s", command, args[0], first, second)
}

func (e *env) loadList(args []string) error {
	fs := flag.NewFlagSet("localities load", flag.ContinueOnError)
	from := fs.String("valid-from", "", "first day the list is in force (YYYY-MM-DD)")
	only := fs.String("only", "", "comma-separated top-level codes to keep (e.g. 20,92)")
	dry := fs.Bool("dry-run", false, "show what would change, write nothing")
	off := fs.String("official", "", "use the shipped official list for this date")
	pos, err := parseFlags(fs, args, 0, 1)
	if err != nil {
		return err
	}
	if *from == "" {
		return usageError("localities load: --valid-from DATE is required")
	}
	validFrom, err := data.ParseDate(*from)
	if err != nil {
		return usageError("localities load: --valid-from: %v", err)
	}
	name, f, err := openInput(pos, *off, official)
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := data.ReadLocalityList(name, f)
	if err != nil {
		return err
	}
	var codes []string
	if *only != "" {
		codes = strings.Split(*only, ",")
	}
	s, err := e.open()
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := s.LoadLocalityList(e.ctx, validFrom, entries, data.LoadOptions{Only: codes, DryRun: *dry})
	if err != nil {
		return rejected(fmt.Errorf("%s: %w", name, err))
	}
	verb := "loaded"
	if sum.DryRun {
		verb = "would load (dry run, nothing written)"
	}
	fmt.Fprintf(e.out, "%s %s from %s: %d opened, %d closed, %d renamed, %d unchanged, %d outside --only\n",
		verb, name, day(sum.ValidFrom), sum.Opened, sum.Closed, sum.Renamed, sum.Kept, sum.Skipped)
	return nil
}

func (e *env) reform(args []string) error {
	fs := flag.NewFlagSet("localities reform", flag.ContinueOnError)
	at := fs.String("date", "", "day the reform took effect (YYYY-MM-DD)")
	dry := fs.Bool("dry-run", false, "show what would change, write nothing")
	off := fs.String("official", "", "use the shipped reform mapping for this date")
	pos, err := parseFlags(fs, args, 0, 1)
	if err != nil {
		return err
	}
	if *at == "" {
		return usageError("localities reform: --date DATE is required")
	}
	d, err := data.ParseDate(*at)
	if err != nil {
		return usageError("localities reform: --date: %v", err)
	}
	name, f, err := openInput(pos, *off, map[string]string{"2025-07-01": assets.Reform2025})
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := data.ReadReformMapping(name, f)
	if err != nil {
		return err
	}
	s, err := e.open()
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := s.ApplyReform(e.ctx, d, entries, *dry)
	if err != nil {
		return rejected(fmt.Errorf("%s: %w", name, err))
	}
	fmt.Fprintf(e.out, "%s: %d successor links, %d unchanged, %d rows name localities not in this database\n", name, sum.Linked, sum.Unchanged, sum.Missing)
	for _, ex := range sum.Examples {
		fmt.Fprintln(e.out, "  not here: "+ex)
	}
	return nil
}

func (e *env) list(args []string) error {
	if len(args) == 0 {
		return usageError("list: expected localities, units, programs or indicators")
	}
	what := args[0]
	fs := flag.NewFlagSet("list "+what, flag.ContinueOnError)
	at := fs.String("at", time.Now().Format(data.DateLayout), "date (YYYY-MM-DD) the localities or units are in force")
	asCSV := fs.Bool("csv", false, "write CSV with a header row")
	if _, err := parseFlags(fs, args[1:], 0, 0); err != nil {
		return err
	}
	day, err := data.ParseDate(*at)
	if err != nil {
		return usageError("list: --at: %v", err)
	}
	tables := map[string]func(*data.Store) (table, error){
		"localities": func(s *data.Store) (table, error) { return localityTable(e, s, day) },
		"units":      func(s *data.Store) (table, error) { return unitTable(e, s, day) },
		"programs":   func(s *data.Store) (table, error) { return programTable(e, s) },
		"indicators": func(s *data.Store) (table, error) { return indicatorTable(e, s) },
	}
	list, ok := tables[what]
	if !ok {
		return usageError("list: unknown kind %q; expected localities, units, programs or indicators", what)
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	t, err := list(s)
	if err != nil {
		return err
	}
	if *asCSV {
		return t.writeCSV(e.out)
	}
	return t.writeText(e.out)
}

// table is a listing, written as CSV or aligned text.
type table struct {
	header []string
	rows   [][]string
}

func (t table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.rows); err != nil {
		return err
	}
	return cw.Error()
}

// writeText aligns the table in columns. A cell with a line break, tab or other
// control character (a file name can hold them) is written Go-quoted, so that each
// row stays one line and the terminal shows what is stored.
func (t table) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = c
			if strings.ContainsFunc(c, unicode.IsControl) {
				cells[i] = strconv.Quote(c)
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

func day(t time.Time) string { return t.Format(data.DateLayout) }

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(data.DateLayout)
}

func localityTable(e *env, s *data.Store, day time.Time) (table, error) {
	ls, err := s.LocalitiesAt(e.ctx, day)
	if err != nil {
		return table{}, err
	}
	codeOf := make(map[int64]string, len(ls))
	for _, l := range ls {
		codeOf[l.ID] = l.Code
	}
	t := table{header: []string{"code", "name", "level", "parent_code", "valid_from", "valid_to"}}
	for _, l := range ls {
		t.rows = append(t.rows, []string{l.Code, l.Name, l.Level, codeOf[l.ParentID], dateOrEmpty(l.ValidFrom), dateOrEmpty(l.ValidTo)})
	}
	return t, nil
}

func unitTable(e *env, s *data.Store, day time.Time) (table, error) {
	us, err := s.Units(e.ctx)
	if err != nil {
		return table{}, err
	}
	codeOf := map[int64]string{}
	for _, u := range us {
		codeOf[u.ID] = u.Code
	}
	t := table{header: []string{"code", "name", "parent_code", "locality_code"}}
	for _, u := range us {
		if day.Before(u.ValidFrom) || (!u.ValidTo.IsZero() && day.After(u.ValidTo)) {
			continue
		}
		loc := ""
		if u.LocalityID != 0 {
			l, err := s.Locality(e.ctx, u.LocalityID)
			if err != nil {
				return table{}, err
			}
			loc = l.Code
		}
		t.rows = append(t.rows, []string{u.Code, u.Name, codeOf[u.ParentID], loc})
	}
	return t, nil
}

func programTable(e *env, s *data.Store) (table, error) {
	ps, err := s.Programs(e.ctx)
	if err != nil {
		return table{}, err
	}
	t := table{header: []string{"code", "title", "start", "end", "period_type"}}
	for _, p := range ps {
		t.rows = append(t.rows, []string{p.Code, p.Title, dateOrEmpty(p.Start), dateOrEmpty(p.End), p.PeriodType.String()})
	}
	return t, nil
}

func indicatorTable(e *env, s *data.Store) (table, error) {
	is, err := s.Indicators(e.ctx)
	if err != nil {
		return table{}, err
	}
	t := table{header: []string{"code", "name", "unit", "rollup", "decimals"}}
	for _, in := range is {
		t.rows = append(t.rows, []string{in.Code, in.Name, in.Unit, string(in.Rollup), fmt.Sprint(in.Decimals)})
	}
	return t, nil
}
