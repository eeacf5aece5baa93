package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"danvan/charts"
	"danvan/data/briefing"
	"danvan/data/period"
)

// periodFlag parses an optional period flag.
func periodFlag(name, s string) (period.Period, error) {
	if s == "" {
		return period.Period{}, nil
	}
	p, err := period.Parse(s)
	if err != nil {
		return p, usageError("--%s: %v", name, err)
	}
	return p, nil
}

func (e *env) chart(args []string) error {
	fs := flag.NewFlagSet("chart", flag.ContinueOnError)
	kind := fs.String("kind", "progress", "progress, cumulative, ranking, breakdown or completeness")
	prog := fs.String("program", "", "program code")
	ind := fs.String("indicator", "", "indicator code (default: the program's first)")
	loc := fs.String("locality", "", "official locality code (default: the whole country)")
	from := fs.String("from", "", "first period (default: the program's start)")
	to := fs.String("to", "", "last period (default: the program's end)")
	by := fs.String("by", "", "grouping: month, quarter, half or year (default: the program's)")
	size := fs.String("size", "", "pixel size WxH (default 1280x720)")
	paper := fs.String("paper", "", "paper size A4 or A5 instead of --size")
	landscape := fs.Bool("landscape", false, "landscape paper")
	dpi := fs.Float64("dpi", 0, "resolution (default 96 on screen sizes, 300 on paper)")
	lang := fs.String("lang", "vi", "vi or en")
	grace := fs.Int("grace", 15, "days after a period before a report counts late")
	byContent := fs.Bool("by-content", false, "breakdown by key content")
	out := fs.String("o", "", "output file: .png or .svg, or .csv for the figures behind the chart")
	if _, err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	if *prog == "" || *out == "" {
		return usageError("chart: --program P and -o FILE are required")
	}
	k, err := briefing.ParseKind(*kind)
	if err != nil {
		return usageError("chart: --kind: %v", err)
	}
	format := charts.PNG
	ext := strings.ToLower(filepath.Ext(*out))
	switch ext {
	case ".png", ".csv":
	case ".svg":
		format = charts.SVG
	default:
		return usageError("chart: -o %s: write a .png, .svg or .csv file", *out)
	}
	opt := charts.Options{DPI: *dpi, Lang: *lang}
	switch {
	case *paper != "":
		if *dpi == 0 {
			opt.DPI = 300
		}
		opt.Width, opt.Height = charts.PaperSize(*paper, *landscape, opt.DPI)
	case *size != "":
		w, h, ok := strings.Cut(strings.ToLower(*size), "x")
		wi, errW := strconv.Atoi(w)
		hi, errH := strconv.Atoi(h)
		if !ok || errW != nil || errH != nil || wi < 64 || hi < 64 || wi > 12000 || hi > 12000 {
			return usageError("chart: --size %q: write WIDTHxHEIGHT in pixels, e.g. 1280x720 (64 to 12000 each)", *size)
		}
		opt.Width, opt.Height = wi, hi
	}
	req := briefing.Request{Kind: k, Program: *prog, Indicator: *ind, Locality: *loc, Lang: *lang, GraceDays: *grace, ByContent: *byContent}
	if req.From, err = periodFlag("from", *from); err != nil {
		return err
	}
	if req.To, err = periodFlag("to", *to); err != nil {
		return err
	}
	if *by != "" {
		if req.By, err = period.ParseType(*by); err != nil {
			return usageError("chart: --by: %v", err)
		}
	}
	s, err := e.read()
	if err != nil {
		return err
	}
	defer s.Close()
	built, err := briefing.Build(e.ctx, s, req)
	if err != nil {
		return rejected(fmt.Errorf("chart: %w", err))
	}
	if ext == ".csv" {
		return s.WriteFile(*out, func(w io.Writer) error { return briefing.WriteCSV(w, built.Table, *lang) })
	}
	return s.WriteFile(*out, func(w io.Writer) error { return built.Chart.Render(w, format, opt) })
}

func (e *env) report(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	prog := fs.String("program", "", "program code")
	per := fs.String("period", "", "period briefed, e.g. 2026Q3 or \"Quý III/2026\"")
	loc := fs.String("locality", "", "official locality code (default: the whole country)")
	unit := fs.String("unit", "", "issuing unit printed on the cover")
	class := fs.String("classification", "", "classification line on every page, e.g. \"LƯU HÀNH NỘI BỘ\"")
	lang := fs.String("lang", "vi", "vi or en")
	grace := fs.Int("grace", 15, "days after a period before a report counts late")
	out := fs.String("o", "", "output PDF file")
	if _, err := parseFlags(fs, args, 0, 0); err != nil {
		return err
	}
	if *prog == "" || *per == "" || *out == "" {
		return usageError("report: --program P, --period P and -o FILE.pdf are required")
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
	pack, err := briefing.Pack(e.ctx, s, briefing.PackRequest{Program: *prog, Period: p, Locality: *loc, Unit: *unit,
		Classification: *class, Lang: *lang, Now: time.Now(), GraceDays: *grace})
	if err != nil {
		return rejected(fmt.Errorf("report: %w", err))
	}
	if err := s.WriteFile(*out, func(w io.Writer) error { return charts.WriteBriefing(e.ctx, w, pack, nil) }); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %d pages\n", *out, len(pack.Pages)+1)
	return nil
}
