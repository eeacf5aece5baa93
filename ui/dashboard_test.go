package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/importer"
	"danvan/data/period"
)

// dashDay is the day the dashboard tests look from: Quý III/2026 is over.
var dashDay = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newTestDashboard(t *testing.T, st dashboardStore) *Dashboard {
	t.Helper()
	test.NewTempApp(t)
	s := NewDashboard(st, nil, func() (float64, float64) { return 100, 70 }, DashboardLinks{})
	s.now = func() time.Time { return dashDay }
	t.Cleanup(s.stop)
	test.NewTempWindow(t, s.view())
	return s
}

func TestDashboardCurrentProgramAndPeriod(t *testing.T) {
	s := newTestDashboard(t, demo)
	s.reload()
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	if !strings.HasPrefix(s.Program.Selected, "CTPH-2026") || s.Period.Selected != "Quý III/2026" {
		t.Fatalf("program %q, period %q; want CTPH-2026, Quý III/2026", s.Program.Selected, s.Period.Selected)
	}
	p, err := demo.ProgramByCode(context.Background(), "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Figures) != len(p.Indicators) || s.KeyList.Length() != len(p.Indicators) {
		t.Fatalf("%d key numbers, the program has %d indicators", len(s.Figures), len(p.Indicators))
	}
	for i, f := range s.Figures {
		if f.Indicator.ID != p.Indicators[i].ID {
			t.Errorf("key number %d is %s, want %s", i, f.Indicator.Code, p.Indicators[i].Code)
		}
	}
	var vq *UnitReport
	for i, u := range s.NotReported {
		if u.Unit.Code == "BCHQS-VQ" {
			vq = &s.NotReported[i]
		}
		if i > 0 && u.Status == data.Missing && s.NotReported[i-1].Status != data.Missing {
			t.Errorf("missing units are not listed first: %+v", s.NotReported)
		}
	}
	if vq == nil || vq.Status != data.Missing || vq.Days < 1 {
		t.Fatalf("Văn Quan not listed as missing: %+v", s.NotReported)
	}
	if len(s.Imports) != 0 {
		t.Errorf("the demo has no imports, dashboard lists %d", len(s.Imports))
	}
	if len(s.Behind) == 0 || len(s.Behind) > dashboardTop {
		t.Fatalf("%d localities behind", len(s.Behind))
	}
	for i, b := range s.Behind {
		if !b.HasTarget || (i > 0 && b.Percent < s.Behind[i-1].Percent) {
			t.Errorf("behind not in rising %% order with targets: %+v", s.Behind)
		}
	}
	texts := renderedTexts(test.NewTempWindow(t, s.view()))
	for _, want := range []string{"Ban Chỉ huy Quân sự huyện Văn Quan", "Quá hạn"} {
		if !containsText(texts, want) {
			t.Errorf("dashboard does not show %q", want)
		}
	}
}

func TestDashboardChoosesOtherPeriodAndProgram(t *testing.T) {
	s := newTestDashboard(t, demo)
	s.reload()
	s.Period.SetSelected("Quý I/2026")
	if s.Data.period.label("vi") != "Quý I/2026" || s.Period.Selected != "Quý I/2026" {
		t.Fatalf("period %v after choosing Quý I/2026", s.Data.period)
	}
	for i, opt := range s.Program.Options {
		if strings.HasPrefix(opt, "CTPH-2021-2025") {
			s.Program.SetSelectedIndex(i)
		}
	}
	if s.Data.program.Code != "CTPH-2021-2025" || s.Data.period.label("vi") != "Quý IV/2025" {
		t.Fatalf("after choosing the old program: %s %v", s.Data.program.Code, s.Data.period)
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		pct  float64
		ok   bool
		want level
	}{{100, true, levelGreen}, {99.9, true, levelAmber}, {70, true, levelAmber}, {69, true, levelRed}, {50, false, levelNone}} {
		if got := classify(c.pct, c.ok, 100, 70); got != c.want {
			t.Errorf("classify(%v, %v) = %v, want %v", c.pct, c.ok, got, c.want)
		}
	}
}

func TestDashboardEmptyDatabase(t *testing.T) {
	st, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := newTestDashboard(t, st)
	s.reload()
	if s.Err != nil || !s.Message.Visible() || !strings.Contains(s.Message.Text, "Tệp") || s.cards.Visible() {
		t.Fatalf("empty database: err %v, message %q visible %v", s.Err, s.Message.Text, s.Message.Visible())
	}
}

// demoCopy is a private copy of the demo database, for tests that write or hand it
// to a Main (which closes it).
func demoCopy(t *testing.T) *data.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := demo.Backup(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	st, err := data.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestDashboardIsFirstAndOpensScreens(t *testing.T) {
	m, _ := newMain(t)
	m.SetStore(demoCopy(t))
	m.waitAll()
	if m.current != 0 || m.screens[0] != screen(m.Dashboard) {
		t.Fatalf("the first screen is %d, not the dashboard", m.current)
	}
	d := m.Dashboard
	d.now = func() time.Time { return dashDay }
	d.reload()
	d.work.Wait()
	indexOf := func(sc screen) int {
		for i, x := range m.screens {
			if x == sc {
				return i
			}
		}
		return -1
	}

	d.KeyList.Select(1)
	if m.current != indexOf(m.Charts) {
		t.Fatalf("tapping a key number shows screen %d, want Charts", m.current)
	}
	if m.Charts.Program.Selected != "CTPH-2026" || !strings.HasPrefix(m.Charts.Indicator.Selected, d.Figures[1].Indicator.Code+" ") {
		t.Errorf("charts show %q / %q", m.Charts.Program.Selected, m.Charts.Indicator.Selected)
	}

	m.nav.Select(0)
	d.BehindList.Select(0)
	if m.current != indexOf(m.Charts) || m.Charts.Kind.Selected != kindName(briefing.Ranking) {
		t.Errorf("tapping a locality shows screen %d, chart %q", m.current, m.Charts.Kind.Selected)
	}

	m.nav.Select(0)
	var vq int
	for i, u := range d.NotReported {
		if u.Unit.Code == "BCHQS-VQ" {
			vq = i
		}
	}
	d.UnitList.Select(vq)
	if m.current != indexOf(m.Values) || !strings.HasPrefix(m.Values.Unit.Selected, "BCHQS-VQ") {
		t.Errorf("tapping Văn Quan shows screen %d, unit %q", m.current, m.Values.Unit.Selected)
	}
	for _, r := range m.Values.Rows {
		if r.UnitCode != "BCHQS-VQ" {
			t.Fatalf("values of %s listed for Văn Quan", r.UnitCode)
		}
	}
}

func TestDashboardListsImports(t *testing.T) {
	st := demoCopy(t)
	defer st.Close()
	csv := "indicator,locality,unit,period,value\nTT_DOT,06001,BCHQS-VQ,2026Q3,3\n"
	res, err := importer.Import(context.Background(), st, "van-quan-q3.csv", strings.NewReader(csv), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("import problems: %+v", res.Problems)
	}
	s := newTestDashboard(t, st)
	s.reload()
	if len(s.Imports) != 1 || s.Imports[0].FileName != "van-quan-q3.csv" {
		t.Fatalf("imports %+v", s.Imports)
	}
	w := test.NewTempWindow(t, s.view())
	if !containsText(renderedTexts(w), "van-quan-q3.csv") {
		t.Errorf("the import is not shown")
	}
	for _, u := range s.NotReported {
		if u.Unit.Code == "BCHQS-VQ" && u.Status == data.Missing {
			t.Errorf("Văn Quan still missing after reporting: %+v", u)
		}
	}
	opened := 0
	s.links.Import = func(b data.Batch) { opened++ }
	s.ImportList.Select(0)
	if opened != 1 {
		t.Errorf("tapping an import opened %d times", opened)
	}
}

// The dashboard names the area it adds up, the headquarters' provinces rather than
// the whole country, and offers the year to date and the whole year beside the
// quarters, each adding up what the one aggregation gives for it.
func TestDashboardAreaYearToDateAndWholeYear(t *testing.T) {
	s := newTestDashboard(t, demo)
	s.reload()
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	if sub := s.KeyCard.Subtitle; !strings.Contains(sub, "Tỉnh Lạng Sơn") || !strings.Contains(sub, "Cần Thơ") || strings.Contains(sub, "toàn quốc") {
		t.Fatalf("key numbers' subtitle %q: it must name the provinces added up", sub)
	}
	ytd, year := "Từ đầu năm đến hết Quý III/2026", "Cả năm 2026"
	if opts := s.Period.Options; len(opts) < 5 || opts[0] != ytd || opts[1] != year || !slices.Contains(opts, "Quý III/2026") {
		t.Fatalf("periods offered %q", opts)
	}
	ctx := context.Background()
	p, err := demo.ProgramByCode(ctx, "CTPH-2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		choice   string
		from, to string
	}{{ytd, "2026Q1", "2026Q3"}, {year, "2026", "2026"}} {
		s.Period.SetSelected(tc.choice)
		if s.Err != nil {
			t.Fatal(s.Err)
		}
		want, _, err := demo.ByIndicatorOver(ctx, data.Scope{ProgramID: p.ID}, period.MustParse(tc.from), period.MustParse(tc.to))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range s.Figures {
			if f.Figure != want[i].Figure {
				t.Errorf("%s, %s: %+v on the dashboard, %+v from the aggregation", tc.choice, f.Indicator.Code, f.Figure, want[i].Figure)
			}
		}
		if !strings.Contains(s.KeyCard.Subtitle, tc.choice) {
			t.Errorf("subtitle %q does not say %q", s.KeyCard.Subtitle, tc.choice)
		}
	}
}
