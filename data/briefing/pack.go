package briefing

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"danvan/charts"
	"danvan/data"
	"danvan/data/period"
)

// PackRequest says which briefing pack to build.
type PackRequest struct {
	Program  string
	Period   period.Period // the period briefed, e.g. 2026Q3
	Locality string        // official code; empty: the headquarters' whole area
	// Indicators get a progress and a cumulative page each, furthest behind first;
	// empty: every indicator of the program.
	Indicators     []string
	Unit           string // the issuing unit, printed on the cover
	Classification string // e.g. "LƯU HÀNH NỘI BỘ", on every page
	Lang           string
	Now            time.Time
	GraceDays      int
}

// Pack assembles a briefing: progress and cumulative progress of the indicators
// asked for (every one by default), furthest behind first, through the briefed
// period; the ranking of localities by the one furthest behind and the breakdown
// for that period; and the reporting completeness of the units working there.
func Pack(ctx context.Context, st Store, pr PackRequest) (charts.Briefing, error) {
	base := Request{Program: pr.Program, Locality: pr.Locality, Lang: pr.Lang, Now: pr.Now, GraceDays: pr.GraceDays}
	res, err := resolve(ctx, st, base)
	if err != nil {
		return charts.Briefing{}, err
	}
	// The year so far, in the program's periods, up to the briefed one.
	by := res.prog.PeriodType
	to := pr.Period.Parent(max(by, pr.Period.Type))
	if pr.Period.Type < by {
		by = pr.Period.Type
		to = pr.Period
	}
	from := period.Of(by, time.Date(pr.Period.Year, 1, 1, 0, 0, 0, 0, time.UTC))
	if p := period.Of(by, res.prog.Start); p.Start().After(from.Start()) {
		from = p
	}
	main, err := behindFirst(ctx, st, res, pr.Indicators, to)
	if err != nil {
		return charts.Briefing{}, err
	}
	var reqs []Request
	for _, in := range main {
		r := base
		r.Indicator, r.From, r.To, r.By = in.Code, from, to, by
		r.Kind = Progress
		reqs = append(reqs, r)
		r.Kind = Cumulative
		reqs = append(reqs, r)
	}
	for _, k := range []Kind{Ranking, Breakdown} {
		r := base
		r.Kind, r.From, r.To, r.By = k, to, to, by
		r.Indicator = main[0].Code
		reqs = append(reqs, r)
	}
	r := base
	r.Kind, r.From, r.To, r.By, r.ByContent = Breakdown, to, to, by, true
	reqs = append(reqs, r)
	r = base
	r.Kind = Completeness
	reqs = append(reqs, r)

	b := charts.Briefing{Lang: res.Lang, Cover: charts.Cover{
		Program:        res.prog.Title,
		Period:         to.Label(res.Lang),
		Locality:       res.placeName(),
		Unit:           pr.Unit,
		Date:           res.Now.Format(res.t.dateLayout),
		Classification: pr.Classification,
	}}
	for _, r := range reqs {
		if err := ctx.Err(); err != nil {
			return b, err
		}
		built, err := Build(ctx, st, r)
		if err != nil {
			return b, err
		}
		b.Pages = append(b.Pages, charts.Page{Chart: built.Chart, Table: built.Table})
	}
	return b, nil
}

// behindFirst orders the indicators asked for (every one of the program when none
// is) by % of target in period p, lowest first: a commander reads first what is
// furthest behind. Indicators without a target follow, in the program's order.
func behindFirst(ctx context.Context, st Store, res *resolved, codes []string, p period.Period) ([]data.ProgramIndicator, error) {
	figs, _, err := st.ByIndicator(ctx, res.scope, p)
	if err != nil {
		return nil, err
	}
	var out []data.ProgramIndicator
	pct := map[int64]float64{}
	for i, pi := range res.prog.Indicators {
		if len(codes) > 0 && !slices.ContainsFunc(codes, func(c string) bool { return strings.EqualFold(c, pi.Code) }) {
			continue
		}
		out = append(out, pi)
		if v, ok := figs[i].Percent(); ok {
			pct[pi.ID] = v
		}
	}
	for _, c := range codes {
		if !slices.ContainsFunc(res.prog.Indicators, func(pi data.ProgramIndicator) bool { return strings.EqualFold(c, pi.Code) }) {
			return nil, fmt.Errorf("program %s does not track indicator %q", res.prog.Code, c)
		}
	}
	slices.SortStableFunc(out, func(a, b data.ProgramIndicator) int {
		pa, oka := pct[a.ID]
		pb, okb := pct[b.ID]
		switch {
		case oka && okb:
			return cmp.Compare(pa, pb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out, nil
}
