package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"danvan/data"
	"danvan/data/tabular"
)

// rules writes or loads a program's quality rules as a CSV file: how a higher
// headquarters hands its rules down with a program.
func (e *env) rules(args []string) error {
	return subcommand("rules", args, "export", e.exportRules, "load", e.loadRules)
}

func (e *env) exportRules(args []string) error {
	fs := flag.NewFlagSet("rules export", flag.ContinueOnError)
	prog := fs.String("program", "", "program whose rules to write")
	out := fs.String("o", "-", "file to write; - for standard output")
	if _, err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	if *prog == "" {
		return usageError("rules export: --program is required")
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	if *out == "-" || *out == "" {
		return s.WriteRules(e.ctx, e.out, *prog)
	}
	if err := s.WriteFile(*out, func(w io.Writer) error { return s.WriteRules(e.ctx, w, *prog) }); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "rules of %s written to %s\n", *prog, *out)
	return nil
}

func (e *env) loadRules(args []string) error {
	fs := flag.NewFlagSet("rules load", flag.ContinueOnError)
	prog := fs.String("program", "", "program whose rules the file replaces")
	pos, err := parseFlags(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *prog == "" {
		return usageError("rules load: --program is required")
	}
	f, err := tabular.OpenFile(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	name := filepath.Base(pos[0])
	rules, err := data.ReadRules(name, f)
	if err != nil {
		return err
	}
	s, err := e.open()
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := s.ProgramByCode(e.ctx, *prog)
	if err != nil {
		return err
	}
	if err := s.SaveRules(e.ctx, p.ID, rules); err != nil {
		return rejected(fmt.Errorf("%s: %w", name, err))
	}
	fmt.Fprintf(e.out, "loaded %d rule(s) from %s into %s, in place of its rules before\n", len(rules), name, p.Code)
	return nil
}
