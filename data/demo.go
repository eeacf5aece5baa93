package data

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"danvan/assets"
	"danvan/data/period"
)

// The demo: Lạng Sơn (districts Chi Lăng and Văn Quan before the 2025 reform, its new
// communes after) and Hậu Giang (merged into Cần Thơ in 2025), with real codes and
// names from the shipped lists, two coordination programs, and results from 2021Q1 to
// 2026Q3 at the magnitudes reported for Lạng Sơn in 2022-2024. Deterministic: two
// runs give identical databases.

// DemoProvinces are the provinces the demo loads, before and after the reform.
var (
	demoBefore = []string{"20", "93"} // Lạng Sơn, Hậu Giang
	demoAfter  = []string{"20", "92"} // Lạng Sơn, Cần Thơ
)

// demoIndicators is the catalog whose codes other tools rely on.
type demoIndicator struct {
	Indicator
	content int
	// per commune and quarter: mean, and the chance a quarter has any
	mean, chance float64
}

var demoIndicators = []demoIndicator{
	{Indicator{Code: "TT_DOT", Name: "Số đợt tuyên truyền", Unit: "đợt", Rollup: Sum}, 1, 1.2, 0.9},
	{Indicator{Code: "TT_LUOT", Name: "Số lượt người được tuyên truyền", Unit: "lượt người", Rollup: Sum}, 1, 70, 0.9},
	{Indicator{Code: "NGAY_CONG", Name: "Số ngày công giúp dân", Unit: "ngày công", Rollup: Sum}, 3, 90, 0.85},
	{Indicator{Code: "DUONG_KM", Name: "Đường bê tông nông thôn", Unit: "km", Rollup: Sum, Decimals: 2}, 3, 0.3, 0.25},
	{Indicator{Code: "CONG_RANH", Name: "Cống, rãnh thoát nước", Unit: "cái", Rollup: Sum}, 3, 1.2, 0.07},
	{Indicator{Code: "NHA_TN", Name: "Nhà tình nghĩa, nhà đồng đội", Unit: "nhà", Rollup: Sum}, 6, 1, 0.03},
	{Indicator{Code: "NHA_TN_VND", Name: "Giá trị nhà tình nghĩa", Unit: "triệu đồng", Rollup: Sum}, 6, 0, 0}, // follows NHA_TN
	{Indicator{Code: "QUA_VND", Name: "Giá trị quà tặng, thăm hỏi", Unit: "triệu đồng", Rollup: Sum}, 6, 30, 0.8},
	{Indicator{Code: "KHAM_BENH", Name: "Số người được khám, cấp thuốc miễn phí", Unit: "người", Rollup: Sum}, 5, 110, 0.5},
	{Indicator{Code: "MO_HINH", Name: "Mô hình \"Dân vận khéo\"", Unit: "mô hình", Rollup: Last}, 6, 2, 1},
}

// demoRules are both programs' quality rules: ranges wide enough for a merged
// commune's quarter, and what a gratitude house costs (about 80 million đồng in
// the demo, at most 100 allowed). One commune's free medical examinations go
// beyond their range in 2026Q3, and the demo records that as an accepted warning
// still to be checked.
var demoRules = []Rule{
	{Kind: RuleRange, Indicator: "TT_DOT", Max: 50},
	{Kind: RuleRange, Indicator: "TT_LUOT", Max: 2000},
	{Kind: RuleRange, Indicator: "NGAY_CONG", Max: 2000},
	{Kind: RuleRange, Indicator: "DUONG_KM", Max: 10},
	{Kind: RuleRange, Indicator: "CONG_RANH", Max: 50},
	{Kind: RuleRange, Indicator: "NHA_TN", Max: 10},
	{Kind: RuleRange, Indicator: "NHA_TN_VND", Max: 1000},
	{Kind: RuleRange, Indicator: "QUA_VND", Max: 500},
	{Kind: RuleRange, Indicator: "KHAM_BENH", Max: 350},
	{Kind: RuleRange, Indicator: "MO_HINH", Max: 50},
	{Kind: RuleAtMost, Indicator: "NHA_TN_VND", Other: "NHA_TN", Factor: 100},
	{Kind: RuleOnlyIf, Indicator: "NHA_TN_VND", Other: "NHA_TN"},
}

var demoContents = []string{
	"Tuyên truyền, phổ biến, giáo dục pháp luật",
	"Nắm tình hình địa bàn, tham mưu giải quyết điểm nóng",
	"Phát triển kinh tế - xã hội, xây dựng nông thôn mới, giảm nghèo",
	"Xây dựng hệ thống chính trị cơ sở vững mạnh",
	"Phòng chống thiên tai, dịch bệnh, tìm kiếm cứu nạn",
	"Đền ơn đáp nghĩa và phong trào thi đua \"Dân vận khéo\"",
}

// demoUnit is a reporting unit and the communes (before the reform) it works in.
type demoUnit struct {
	code, name, parent, locality string
	communes                     []string
	validTo                      string
	// takesOver names the unit whose communes this one reports for after the
	// reform, as Cần Thơ's command did for Hậu Giang's.
	takesOver string
}

var demoUnits = []demoUnit{
	{code: "QK1", name: "Bộ Tư lệnh Quân khu 1"},
	{code: "QK9", name: "Bộ Tư lệnh Quân khu 9"},
	{code: "BCHQS-LS", name: "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn", parent: "QK1", locality: "20"},
	{code: "E123", name: "Trung đoàn 123", parent: "BCHQS-LS", locality: "20", communes: []string{"06484", "06496", "06322"}},
	{code: "BCHQS-CL", name: "Ban Chỉ huy Quân sự huyện Chi Lăng", parent: "BCHQS-LS", locality: "187",
		communes: []string{"06466", "06484", "06496", "06523", "06472", "06475"}},
	{code: "BCHQS-VQ", name: "Ban Chỉ huy Quân sự huyện Văn Quan", parent: "BCHQS-LS", locality: "184",
		communes: []string{"06253", "06322", "06256", "06268", "06274"}},
	{code: "BCHQS-HG", name: "Bộ Chỉ huy Quân sự tỉnh Hậu Giang", parent: "QK9", locality: "93", validTo: "2025-06-30",
		communes: []string{"31318", "31333", "31336", "31338", "31339"}},
	{code: "BCHQS-CT", name: "Bộ Chỉ huy Quân sự thành phố Cần Thơ", parent: "QK9", locality: "92", takesOver: "BCHQS-HG"},
	{code: "BCHQS-LM", name: "Ban Chỉ huy Quân sự huyện Long Mỹ", parent: "BCHQS-HG", locality: "936", validTo: "2025-06-30",
		communes: []string{"31483", "31484", "31486"}},
}

// demoLateUnit has not sent its report for the last quarter.
const demoLateUnit = "BCHQS-VQ"

var demoReform = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// ErrNotEmpty is returned when the demo is asked for on a database that has data.
var ErrNotEmpty = fmt.Errorf("the database already holds data")

// LoadDemo fills an empty database with the demo.
func (s *Store) LoadDemo(ctx context.Context) error {
	var n int
	if err := s.ro.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM locality) + (SELECT count(*) FROM program) + (SELECT count(*) FROM unit)").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w; the demo goes into a new, empty database file", ErrNotEmpty)
	}
	if err := s.loadShippedLists(ctx); err != nil {
		return err
	}
	inds := make(map[string]Indicator)
	for _, d := range demoIndicators {
		in, err := s.SaveIndicator(ctx, d.Indicator)
		if err != nil {
			return err
		}
		inds[in.Code] = in
	}
	units, err := s.saveDemoUnits(ctx)
	if err != nil {
		return err
	}
	programs, err := s.saveDemoPrograms(ctx, inds, units)
	if err != nil {
		return err
	}
	return s.saveDemoResults(ctx, programs, inds, units)
}

func (s *Store) loadShippedLists(ctx context.Context) error {
	read := func(name string) ([]ListEntry, error) {
		f, err := assets.Localities.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return ReadLocalityList(name, f)
	}
	before, err := read(assets.ListBefore2025)
	if err != nil {
		return err
	}
	if _, err := s.LoadLocalityList(ctx, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), before, LoadOptions{Only: demoBefore}); err != nil {
		return err
	}
	after, err := read(assets.ListAfter2025)
	if err != nil {
		return err
	}
	if _, err := s.LoadLocalityList(ctx, demoReform, after, LoadOptions{Only: demoAfter}); err != nil {
		return err
	}
	f, err := assets.Localities.Open(assets.Reform2025)
	if err != nil {
		return err
	}
	defer f.Close()
	mapping, err := ReadReformMapping(assets.Reform2025, f)
	if err != nil {
		return err
	}
	_, err = s.ApplyReform(ctx, demoReform, mapping, false)
	return err
}

func (s *Store) saveDemoUnits(ctx context.Context) (map[string]Unit, error) {
	units := map[string]Unit{}
	before := demoReform.AddDate(0, 0, -1)
	for _, d := range demoUnits {
		u := Unit{Code: d.code, Name: d.name, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
		if d.parent != "" {
			u.ParentID = units[d.parent].ID
		}
		if d.locality != "" {
			at := before
			if d.takesOver != "" {
				at = demoReform // its locality is the merged one
			}
			l, err := s.LocalityByCode(ctx, d.locality, at)
			if err != nil {
				return nil, fmt.Errorf("demo unit %s: %w", d.code, err)
			}
			u.LocalityID = l.ID
		}
		if d.validTo != "" {
			u.ValidTo, _ = ParseDate(d.validTo)
		}
		saved, err := s.SaveUnit(ctx, u)
		if err != nil {
			return nil, err
		}
		units[d.code] = saved
	}
	return units, nil
}

func (s *Store) saveDemoPrograms(ctx context.Context, inds map[string]Indicator, units map[string]Unit) ([]Program, error) {
	var reporting []int64
	for _, d := range demoUnits {
		if len(d.communes) > 0 || d.takesOver != "" {
			reporting = append(reporting, units[d.code].ID)
		}
	}
	var contents []KeyContent
	for i, t := range demoContents {
		contents = append(contents, KeyContent{Position: i + 1, Title: t})
	}
	var pis []ProgramIndicator
	for _, d := range demoIndicators {
		pis = append(pis, ProgramIndicator{Indicator: inds[d.Code], KeyContent: d.content})
	}
	specs := []Program{{
		Code:    "CTPH-2021-2025",
		Title:   "Chương trình phối hợp công tác dân vận của lực lượng vũ trang giai đoạn 2021-2025",
		Parties: "Bộ Chỉ huy Quân sự tỉnh; Ban Dân vận Tỉnh ủy; Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
		Start:   time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
		Description: "Phối hợp thực hiện công tác dân vận, xây dựng cơ sở chính trị vững mạnh, giúp nhân dân phát triển kinh tế - xã hội.",
	}, {
		Code:    "CTPH-2026",
		Title:   "Chương trình phối hợp công tác dân vận của lực lượng vũ trang năm 2026",
		Parties: "Bộ Chỉ huy Quân sự tỉnh; Ban Dân vận Tỉnh ủy; Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh; Tỉnh đoàn",
		Start:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		Description: "Tiếp tục thực hiện 6 nội dung trọng tâm phối hợp công tác dân vận trong tình hình mới.",
	}}
	var out []Program
	for _, p := range specs {
		p.PeriodType = period.Quarter
		p.Contents = contents
		p.Indicators = pis
		p.UnitIDs = reporting
		saved, err := s.SaveProgram(ctx, p)
		if err != nil {
			return nil, err
		}
		if err := s.SaveRules(ctx, saved.ID, demoRules); err != nil {
			return nil, err
		}
		out = append(out, saved)
	}
	return out, nil
}

// saveDemoResults writes targets and values quarter by quarter: before the reform on
// each unit's old communes, after it on their successors.
func (s *Store) saveDemoResults(ctx context.Context, programs []Program, inds map[string]Indicator, units map[string]Unit) error {
	rng := rand.New(rand.NewPCG(2024, 7))
	g, err := s.localityGraph(ctx)
	if err != nil {
		return err
	}
	last := period.MustParse("2026Q3")
	var vals []Value
	targets := map[int64][]Target{}
	for _, d := range demoUnits {
		communes := d.communes
		if d.takesOver != "" {
			communes = demoUnits[slices.IndexFunc(demoUnits, func(u demoUnit) bool { return u.code == d.takesOver })].communes
		}
		if len(communes) == 0 {
			continue
		}
		for _, q := range period.Range(period.MustParse("2021Q1"), last, period.Quarter) {
			after := !q.Start().Before(demoReform)
			if (d.validTo != "" && after) || (d.takesOver != "" && !after) {
				continue // Hậu Giang's commands report until the merger, Cần Thơ's after
			}
			prog := programs[0]
			if q.Year == 2026 {
				prog = programs[1]
			}
			for ci, code := range communes {
				loc, err := s.LocalityByCode(ctx, code, demoReform.AddDate(0, 0, -1))
				if err != nil {
					return fmt.Errorf("demo commune %s: %w", code, err)
				}
				locID := loc.ID
				if after {
					locID = g.wholeOrFirstSuccessor(locID)
				}
				// Each commune runs ahead or behind its target in a steady way, so
				// rankings show both.
				pace := 0.72 + 0.11*float64((ci*7+len(d.code))%6)
				var houses [2]float64 // target and actual of NHA_TN, which NHA_TN_VND follows
				for _, di := range demoIndicators {
					in := inds[di.Code]
					target, actual := demoFigures(rng, di, pace, q, ci == 0, houses)
					if di.Code == "NHA_TN" {
						houses = [2]float64{target, actual}
					}
					// Rare works have a yearly target on one commune: elsewhere and in
					// other quarters there is none, not a target of zero.
					if target > 0 || di.chance >= 0.3 {
						targets[prog.ID] = append(targets[prog.ID], Target{IndicatorID: in.ID, LocalityID: locID, Period: q, Value: target})
					}
					if d.code == demoLateUnit && q == last {
						continue // this unit's last report is late
					}
					delay := time.Duration(4+rng.IntN(9)) * 24 * time.Hour
					vals = append(vals, Value{IndicatorID: in.ID, LocalityID: locID, UnitID: units[d.code].ID, Period: q,
						Value: actual, ChangedAt: q.End().Add(delay)})
				}
			}
		}
	}
	for _, p := range programs {
		if err := s.SetTargets(ctx, p.ID, mergeTargets(targets[p.ID])); err != nil {
			return err
		}
	}
	vals = mergeValues(vals)
	src := Source{Kind: "demo", User: "demo", At: time.Date(2026, 10, 12, 8, 0, 0, 0, time.UTC)}
	if _, err := s.SetValues(ctx, vals, src); err != nil {
		return err
	}
	gate, err := s.Gate(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error { return recordWarnings(ctx, tx, gate.Check(vals), src) })
}

// mergeValues adds up values that land on the same key: after the reform several
// old communes of one unit became one new commune, which reports their sum.
func mergeValues(vs []Value) []Value {
	type key struct {
		ind, loc, unit int64
		p              period.Period
	}
	at := map[key]int{}
	var out []Value
	for _, v := range vs {
		k := key{v.IndicatorID, v.LocalityID, v.UnitID, v.Period}
		if i, ok := at[k]; ok {
			out[i].Value += v.Value
			continue
		}
		at[k] = len(out)
		out = append(out, v)
	}
	return out
}

// demoFigures draws one quarter's target and actual for an indicator. Rare works
// (sewers, gratitude houses) get a yearly target in the fourth quarter, on the
// unit's first commune, the way programs assign them.
func demoFigures(rng *rand.Rand, di demoIndicator, pace float64, q period.Period, lead bool, houses [2]float64) (target, actual float64) {
	switch di.Code {
	case "NHA_TN_VND":
		return houses[0] * 80, houses[1] * 80 // a gratitude house costs about 80 million VND
	case "MO_HINH":
		// Models in operation grow slowly over the years.
		built := float64(q.Year-2021) * 0.5
		target = math.Round(di.mean + built)
		return target, math.Max(0, math.Round(target*pace+rng.Float64()*0.6-0.3))
	}
	target = di.mean * di.chance
	if di.chance < 0.3 {
		target = 0
		if lead && q.Index == 4 {
			target = math.Ceil(di.mean * di.chance * 8)
		}
	}
	if rng.Float64() > di.chance {
		return round(target, di.Code), 0
	}
	actual = di.mean * pace * (0.8 + 0.4*rng.Float64())
	return round(target, di.Code), round(actual, di.Code)
}

func round(v float64, code string) float64 {
	if code == "DUONG_KM" {
		return math.Round(v*100) / 100
	}
	return math.Round(v)
}

// mergeTargets adds up targets that land on the same key: two units working in one
// commune share one target for it.
func mergeTargets(ts []Target) []Target {
	type key struct {
		ind, loc int64
		p        period.Period
	}
	sum := map[key]float64{}
	var order []key
	for _, t := range ts {
		k := key{t.IndicatorID, t.LocalityID, t.Period}
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += t.Value
	}
	out := make([]Target, len(order))
	for i, k := range order {
		out[i] = Target{IndicatorID: k.ind, LocalityID: k.loc, Period: k.p, Value: sum[k]}
	}
	return out
}

// wholeOrFirstSuccessor follows the reform from an old commune to the new one that
// took it over (the first part, for a split one).
func (g *graph) wholeOrFirstSuccessor(id int64) int64 {
	succ := g.succs[id]
	for _, sc := range succ {
		if sc.Whole {
			return sc.NewID
		}
	}
	if len(succ) > 0 {
		return succ[0].NewID
	}
	return id
}
