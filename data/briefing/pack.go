package briefing

import (
	"context"
	"time"

	"danvan/charts"
	"danvan/data/period"
)

// PackRequest says which briefing pack to build.
type PackRequest struct {
	Program        string
	Period         period.Period // the period briefed, e.g. 2026Q3
	Locality       string        // official code; empty: the whole country
	Unit           string        // the issuing unit, printed on the cover
	Classification string        // e.g. "LƯU HÀNH NỘI BỘ", on every page
	Lang           string
	Now            time.Time
	GraceDays      int
}

// Pack assembles a briefing: progress and cumulative progress of the program's
// main indicators through the briefed period, the ranking of localities and the
// breakdown for that period, and reporting completeness.
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
	var reqs []Request
	main := res.prog.Indicators
	if len(main) > 3 {
		main = main[:3]
	}
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
		r.Indicator = res.indicator.Code
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
