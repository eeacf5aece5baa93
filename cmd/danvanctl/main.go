// Command danvanctl is danvan's command line: it creates and checks databases, loads
// official lists of localities, and lists what a database holds. It imports no Fyne,
// so it runs on servers and machines without a display.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"danvan/data"
	"danvan/data/period"
	"danvan/data/tabular"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

// Exit statuses.
const (
	exitOK       = 0
	exitRejected = 1 // the data was rejected; nothing was written
	exitUsage    = 2
	exitIO       = 3 // file or database error
)

const usageText = `danvanctl manages a danvan database from the command line.

Usage: danvanctl [--db FILE] COMMAND [options]

Commands:
  init                          create an empty database
  demo                          load the demo data into a new database
  localities load --valid-from DATE [--only CODES] [--dry-run] FILE|--official DATE
                                make an official list the localities in force from DATE
  localities reform --date DATE [--dry-run] FILE|--official DATE
                                record which old localities went into which new ones
  list localities|units|programs|indicators [--at DATE] [--csv]
  chart --kind progress|cumulative|ranking|breakdown|completeness --program P [--indicator I]
        [--locality CODE] [--from P --to P] [--by month|quarter|half|year]
        [--size WxH | --paper A4|A5 [--landscape]] [--dpi N] [--lang vi|en] -o FILE.png|FILE.svg|FILE.csv
                                .csv writes the figures behind the chart, as its table
  report --program P --period P [--locality CODE] [--unit NAME] [--classification TEXT] -o FILE.pdf
                                print a briefing pack: cover, then one page per chart with its table
  import [--dry-run] [--valid-only] [--period P] [--unit U] [--sheet NAME] [--json] FILE...
                                import units' result files (CSV or XLSX), each file all or nothing
  batches                       list the imports
  undo BATCH                    take an import back out, keeping later changes
  export [--program P] [--from P] [--to P] [--unit U] [--wide] [-o FILE|-]
                                write values as CSV in the import format: a value per row,
                                or with --wide a column per indicator
  template --program P --period P [--unit U] [--xlsx] -o FILE
                                write a CSV (or an Excel workbook) for a unit to fill in
                                and send back
  rules export --program P [-o FILE|-] | rules load --program P FILE
                                write a program's quality rules as CSV, or replace them
                                with a file's
  check                         run SQLite's full integrity check
  backup -o FILE                write a consistent copy of the database
  version                       print version, commit and build date

The database is --db FILE, else $DANVAN_DB, else %s.
Exit status: 0 success, 1 data rejected, 2 usage error, 3 file or database error.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cliError carries an exit status with its message.
type cliError struct {
	code int
	err  error
}

func (e *cliError) Error() string { return e.err.Error() }

func usageError(format string, args ...any) error {
	return &cliError{exitUsage, fmt.Errorf(format, args...)}
}

func rejected(err error) error { return &cliError{exitRejected, err} }

// env is what every command gets: where to write, and the database when it needs one.
type env struct {
	ctx    context.Context
	dbPath string
	out    io.Writer
}

// create opens the database, creating it when missing: for init and demo only.
func (e *env) create() (*data.Store, error) { return e.opened(data.Open(e.ctx, e.dbPath)) }

// open opens an existing database to write to it.
func (e *env) open() (*data.Store, error) { return e.opened(data.OpenExisting(e.ctx, e.dbPath)) }

// read opens an existing database for a command that only reads it: that works on a
// read-only file or folder, and never adds to the damage of a damaged file.
func (e *env) read() (*data.Store, error) { return e.opened(data.OpenReadOnly(e.ctx, e.dbPath)) }

func (e *env) opened(s *data.Store, err error) (*data.Store, error) {
	if errors.Is(err, data.ErrNoDatabase) {
		return nil, &cliError{exitIO, fmt.Errorf("%w; create one with danvanctl init, or give --db", err)}
	}
	return s, err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("danvanctl", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	dbPath := global.String("db", data.DefaultPath(), "database file")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, usageText, data.DefaultPath())
			return exitOK
		}
		return report(stderr, usageError("%v", err))
	}
	rest := global.Args()
	if len(rest) == 0 {
		fmt.Fprintf(stderr, usageText, data.DefaultPath())
		return exitUsage
	}
	e := &env{ctx: ctx, dbPath: *dbPath, out: stdout}
	cmd, cmdArgs := rest[0], rest[1:]
	var err error
	switch cmd {
	case "init":
		err = e.initDB(cmdArgs)
	case "demo":
		err = e.demo(cmdArgs)
	case "localities":
		err = e.localities(cmdArgs)
	case "list":
		err = e.list(cmdArgs)
	case "check":
		err = e.check(cmdArgs)
	case "backup":
		err = e.backup(cmdArgs)
	case "chart":
		err = e.chart(cmdArgs)
	case "report":
		err = e.report(cmdArgs)
	case "import":
		err = e.importFiles(cmdArgs)
	case "batches":
		err = e.batches(cmdArgs)
	case "undo":
		err = e.undo(cmdArgs)
	case "export":
		err = e.export(cmdArgs)
	case "template":
		err = e.template(cmdArgs)
	case "rules":
		err = e.rules(cmdArgs)
	case "version":
		fmt.Fprintf(stdout, "danvanctl %s (commit %s, built %s)\n", version, commit, date)
	case "help":
		fmt.Fprintf(stdout, usageText, data.DefaultPath())
	default:
		err = usageError("unknown command %q; run danvanctl help for the list", cmd)
	}
	return report(stderr, err)
}

// report prints err on one line and maps it to an exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintln(stderr, "danvanctl: "+msg)
	var ce *cliError
	var fe *data.FileError
	var te *tabular.Error
	var pe *period.ParseError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &fe), errors.As(err, &te), errors.As(err, &pe), errors.Is(err, data.ErrNotFound):
		return exitRejected
	}
	return exitIO
}

// parseFlags parses a command's flags, allowing them before or after positional
// arguments, and checks the number of positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, minArgs, maxArgs int) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < minArgs || len(pos) > maxArgs {
		return nil, usageError("%s: expected %s, got %d argument(s); run danvanctl help", fs.Name(), argCount(minArgs, maxArgs), len(pos))
	}
	return pos, nil
}

func argCount(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprintf("%d argument(s)", lo)
	default:
		return fmt.Sprintf("%d to %d arguments", lo, hi)
	}
}
