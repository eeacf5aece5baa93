package ui

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"danvan/data"
	"danvan/data/period"
	"danvan/data/vntext"
)

func TestTranslationsHaveTheSameKeysAndCoverTheCode(t *testing.T) {
	// Values are strings, or plural forms ({"other": ...}) as Fyne's own keys use.
	en, vi := readTranslation(t, "en.json"), readTranslation(t, "vi.json")
	for k := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("vi.json lacks %q", k)
		}
	}
	for k := range vi {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	call := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")`)
	for f, src := range goSources(t, ".") {
		for _, m := range call.FindAllSubmatch(src, -1) {
			key, err := strconv.Unquote(string(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := vi[key]; !ok {
				t.Errorf("%s: %q is not translated", f, key)
			}
		}
	}
}

func TestUILanguageIsVietnamese(t *testing.T) {
	if got := uiLang(); got != "vi" {
		t.Fatalf("uiLang() = %q with LANG=vi_VN", got)
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v        float64
		decimals int
		lang     string
		want     string
	}{
		{1234.5, 1, "vi", "1.234,5"},
		{1234.5, 1, "en", "1,234.5"},
		{1234567, 0, "vi", "1.234.567"},
		{0.5, 2, "vi", "0,50"},
		{999, 0, "vi", "999"},
		{-1234.25, 2, "vi", "-1.234,25"},
	} {
		if got := formatNumber(c.v, c.decimals, c.lang); got != c.want {
			t.Errorf("formatNumber(%v, %d, %s) = %q, want %q", c.v, c.decimals, c.lang, got, c.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, ok := range map[string]bool{"30/06/2025": true, "1/7/2025": true, "2025-07-01": true, "31/02/2025": false, "hôm nay": false} {
		if _, got := parseDate(in); got != ok {
			t.Errorf("parseDate(%q) ok = %v", in, got)
		}
	}
}

func newLocalities(t *testing.T) (*Localities, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	s := NewLocalities(demo, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	w.Resize(fyne.NewSize(1280, 800))
	s.reload()
	s.work.Wait()
	return s, w
}

func TestLocalitiesSearchIgnoresAccents(t *testing.T) {
	s, w := newLocalities(t)
	test.Tap(s.Before) // Hữu Lễ was merged into Tri Lễ on 1 July 2025
	s.work.Wait()
	if s.Date.Text != "30/06/2025" {
		t.Fatalf("date = %q after tapping the button before the reform", s.Date.Text)
	}
	test.Type(s.Search, "huu le")
	s.work.Wait()
	var names []string
	for _, m := range s.Matches {
		names = append(names, m.Name)
	}
	if !slices.Contains(names, "Xã Hữu Lễ") {
		t.Fatalf("searching %q found %v, want Xã Hữu Lễ", "huu le", names)
	}
	if s.Selected.Name != "Xã Hữu Lễ" {
		t.Fatalf("the single match is not selected in the tree: %+v", s.Selected)
	}
	if !s.Tree.IsBranchOpen(uid(s.Selected.ParentID)) {
		t.Error("the district of the match is not expanded")
	}
	texts := renderedTexts(w)
	if !containsText(texts, "Xã Hữu Lễ (06322)") {
		t.Errorf("the result list does not show Xã Hữu Lễ; window shows %q", texts)
	}
	// Details name the successor and say the whole commune went into it.
	if got := s.detail.succs.Text; !strings.Contains(got, "Xã Tri Lễ") || !strings.Contains(got, "toàn bộ") {
		t.Errorf("successors = %q, want Xã Tri Lễ — toàn bộ", got)
	}
	if got := s.detail.parent.Text; !strings.Contains(got, "Văn Quan") {
		t.Errorf("parent = %q, want Huyện Văn Quan", got)
	}
}

func TestLocalitiesToneMarkPlacement(t *testing.T) {
	s, _ := newLocalities(t)
	s.Date.SetText("01/07/2025")
	s.work.Wait()
	s.Search.SetText("Quý Hòa") // the official list writes "Hoà"
	found := false
	for _, m := range s.Matches {
		found = found || m.Name == "Xã Quý Hoà"
	}
	if !found {
		t.Fatalf("searching Quý Hòa found %v", s.Matches)
	}
	s.Search.SetText("")
	if len(s.Matches) != 0 {
		t.Fatal("clearing the search keeps matches")
	}
}

func TestLocalitiesTreeInVietnameseOrder(t *testing.T) {
	s, _ := newLocalities(t)
	coll := vntext.NewCollator()
	checked := 0
	for parent, kids := range s.tree.children {
		for i := 1; i < len(kids); i++ {
			a, b := s.tree.byID[kids[i-1]].Name, s.tree.byID[kids[i]].Name
			if coll.Compare(a, b) > 0 {
				t.Fatalf("children of %d: %q before %q", parent, a, b)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d pairs checked: tree not loaded?", checked)
	}
}

func TestLocalitiesBadDate(t *testing.T) {
	s, _ := newLocalities(t)
	before := len(s.tree.byID)
	s.Date.SetText("31/13/2025")
	if !s.DateError.Visible() || !strings.Contains(s.DateError.Text, "ngày/tháng/năm") {
		t.Fatalf("bad date: error %q visible=%v", s.DateError.Text, s.DateError.Visible())
	}
	s.work.Wait()
	if len(s.tree.byID) != before {
		t.Fatal("a bad date reloaded the tree")
	}
}

func TestProgramsShowContentsIndicatorsAndUnits(t *testing.T) {
	test.NewTempApp(t)
	s := NewPrograms(demo, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	s.reload()
	s.work.Wait()
	i := slices.IndexFunc(s.programs, func(p data.Program) bool { return p.Code == "CTPH-2021-2025" })
	if i < 0 {
		t.Fatalf("CTPH-2021-2025 not listed: %v", s.programs)
	}
	s.List.Select(i)
	s.work.Wait()
	if s.Selected.Code != "CTPH-2021-2025" {
		t.Fatalf("selected %q", s.Selected.Code)
	}
	texts := labelTexts(s.Detail)
	for _, want := range []string{
		"Chương trình phối hợp công tác dân vận của lực lượng vũ trang giai đoạn 2021-2025",
		"01/01/2021 – 31/12/2025",
		"hằng quý",
		"1. Tuyên truyền, phổ biến, giáo dục pháp luật",
		"3. Phát triển kinh tế - xã hội, xây dựng nông thôn mới, giảm nghèo",
		"DUONG_KM", "Đường bê tông nông thôn", "km", "cộng dồn", "lấy số mới nhất",
		"Trung đoàn 123", "Ban Chỉ huy Quân sự huyện Chi Lăng",
	} {
		if !containsText(texts, want) {
			t.Errorf("program details lack %q", want)
		}
	}
	// Indicators sit under their own key content: DUONG_KM under content 3.
	at := func(s string) int {
		return slices.IndexFunc(texts, func(x string) bool { return strings.HasPrefix(x, s) })
	}
	if !(at("3. ") < at("DUONG_KM") && at("DUONG_KM") < at("4. ")) {
		t.Errorf("DUONG_KM is not under content 3: positions %d %d %d", at("3. "), at("DUONG_KM"), at("4. "))
	}
}

// countingStore counts the listings the Values screen asks for.
type countingStore struct {
	*data.Store
	values atomic.Int32
}

func (c *countingStore) Values(ctx context.Context, f data.ValueFilter) ([]data.ValueRow, error) {
	c.values.Add(1)
	return c.Store.Values(ctx, f)
}

func newValues(t *testing.T) (*Values, *countingStore, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	st := &countingStore{Store: demo}
	s := NewValues(st, nil)
	w := test.NewTempWindow(t, s.view())
	s.win = w
	w.Resize(fyne.NewSize(1280, 800))
	s.reload()
	s.work.Wait()
	return s, st, w
}

func TestValuesFilterMatchesStore(t *testing.T) {
	s, _, w := newValues(t)
	ctx := context.Background()
	prog, err := demo.ProgramByCode(ctx, "CTPH-2021-2025")
	if err != nil {
		t.Fatal(err)
	}
	ind, err := demo.IndicatorByCode(ctx, "DUONG_KM")
	if err != nil {
		t.Fatal(err)
	}
	s.Program.SetSelected("CTPH-2021-2025")
	if !s.SelectIndicator("DUONG_KM") {
		t.Fatal("DUONG_KM is not offered under CTPH-2021-2025")
	}
	test.Type(s.From, "Quý 1/2024")
	s.To.SetText("2024Q4")
	s.work.Wait()
	if s.FilterError.Visible() {
		t.Fatalf("filter error: %s", s.FilterError.Text)
	}
	want, err := demo.Values(ctx, data.ValueFilter{ProgramID: prog.ID, IndicatorID: ind.ID,
		From: period.MustParse("2024Q1"), To: period.MustParse("2024Q4")})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || len(s.Rows) != len(want) {
		t.Fatalf("table has %d rows, store has %d", len(s.Rows), len(want))
	}
	if got, wantCount := s.Count.Text, formatNumber(float64(len(want)), 0, "vi")+" số liệu"; got != wantCount {
		t.Errorf("count label %q, want %q", got, wantCount)
	}
	// A value with a fraction is shown with a decimal comma and the indicator's two
	// decimals, in the rendered table.
	var frac data.ValueRow
	for _, r := range want {
		if r.Value.Value != float64(int(r.Value.Value)) {
			frac = r
			break
		}
	}
	if frac.Period.Year == 0 {
		t.Fatal("no fractional DUONG_KM value in 2024")
	}
	i := slices.IndexFunc(s.Rows, func(r data.ValueRow) bool { return r.Value == frac.Value })
	s.Table.ScrollTo(widget.TableCellID{Row: i, Col: 5})
	text := strings.Replace(strconv.FormatFloat(frac.Value.Value, 'f', 2, 64), ".", ",", 1)
	if !containsText(renderedTexts(w), text) {
		t.Errorf("no cell shows %q", text)
	}
	for _, want := range []string{"Quý I/2024", frac.LocalityName, "Đường bê tông nông thôn"} {
		if !containsText(renderedTexts(w), want) {
			t.Errorf("no cell shows %q", want)
		}
	}
}

func TestValuesBadPeriodDoesNotQuery(t *testing.T) {
	s, st, _ := newValues(t)
	before := st.values.Load()
	s.From.SetText("Q5/2024")
	s.work.Wait()
	if !s.FilterError.Visible() || !strings.Contains(s.FilterError.Text, "“Q5/2024” không phải là kỳ báo cáo") {
		t.Fatalf("error %q visible=%v", s.FilterError.Text, s.FilterError.Visible())
	}
	if got := st.values.Load(); got != before {
		t.Fatalf("a bad period ran %d queries", got-before)
	}
	if len(s.Rows) != 0 {
		t.Fatal("rows of the previous filter still shown under a bad filter")
	}
	s.From.SetText("Q4/2024")
	s.work.Wait()
	if s.FilterError.Visible() || st.values.Load() != before+1 || len(s.Rows) == 0 {
		t.Fatalf("fixing the period: error visible=%v, queries %d, rows %d", s.FilterError.Visible(), st.values.Load()-before, len(s.Rows))
	}
}

// Typing in the locality filter keeps the listing, with no complaint, and offers
// the matches from the keyboard; choosing one filters.
func TestValuesLocalityFilter(t *testing.T) {
	s, _, w := newValues(t)
	s.Program.SetSelected("CTPH-2021-2025") // Chi Lăng district ended with the 2025 reform
	s.work.Wait()
	before := len(s.Rows)
	w.Canvas().Focus(s.Locality)
	test.Type(s.Locality, "chi lang")
	s.work.Wait()
	if s.FilterError.Visible() || len(s.Rows) != before || before == 0 {
		t.Fatalf("while typing: error %q, %d rows of %d", s.FilterError.Text, len(s.Rows), before)
	}
	s.Locality.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("↓ does not open the matches")
	}
	w.Canvas().Overlays().Top().Hide()
	var label string
	for _, o := range s.LocalityOptions {
		if strings.HasPrefix(o, "Huyện Chi Lăng") {
			label = o
		}
	}
	if label == "" {
		t.Fatalf("typing chi lang offers %v", s.LocalityOptions)
	}
	s.Locality.SetText(label)
	s.work.Wait()
	if s.FilterError.Visible() || len(s.Rows) == 0 {
		t.Fatalf("locality %q: error %q, %d rows", label, s.FilterError.Text, len(s.Rows))
	}
	for _, r := range s.Rows {
		if !strings.HasPrefix(r.LocalityCode, "06") {
			t.Fatalf("row outside Chi Lăng: %s %s", r.LocalityCode, r.LocalityName)
		}
	}
	// Enter on the only match chooses it.
	s.Locality.SetText("")
	s.work.Wait()
	test.Type(s.Locality, "mai sao")
	s.Locality.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	s.work.Wait()
	if !strings.HasPrefix(s.Locality.Text, "Xã Mai Sao") || len(s.Rows) == 0 || s.Rows[0].LocalityName != "Xã Mai Sao" {
		t.Fatalf("Enter on one match: %q, %d rows", s.Locality.Text, len(s.Rows))
	}
}

func TestValuesHistoryInOneClick(t *testing.T) {
	s, _, w := newValues(t)
	if len(s.Rows) == 0 {
		t.Fatal("no rows")
	}
	s.Table.Select(widget.TableCellID{Row: 0, Col: 2})
	s.work.Wait()
	if len(s.History) == 0 || s.History[0].Source != "demo" {
		t.Fatalf("history %+v", s.History)
	}
	if !containsText(renderedTexts(w), "dữ liệu mẫu") {
		t.Error("the history dialog does not show the change's source")
	}
}

func TestValuesProgramBoundsOpenPeriods(t *testing.T) {
	s, _, _ := newValues(t)
	s.Program.SetSelected("CTPH-2026")
	s.work.Wait()
	if len(s.Rows) == 0 {
		t.Fatal("no 2026 values")
	}
	for _, r := range s.Rows {
		if r.Period.Year != 2026 {
			t.Fatalf("CTPH-2026 lists %s", r.Period)
		}
	}
	s.From.SetText("2026Q3") // a period narrows the program's duration
	s.work.Wait()
	if s.Rows[0].Period != period.MustParse("2026Q3") {
		t.Fatalf("first row %s, want 2026Q3", s.Rows[0].Period)
	}
	s.From.SetText("2025Q4") // but cannot reach outside it
	s.work.Wait()
	if s.Rows[0].Period != period.MustParse("2026Q1") {
		t.Fatalf("first row %s, want 2026Q1", s.Rows[0].Period)
	}
}

// Searched on today's date, Hữu Lễ (closed in the 2025 reform) is listed with its
// dates and what it became; choosing it shows the tree on its last day.
func TestLocalitiesSearchFindsOtherDates(t *testing.T) {
	s, w := newLocalities(t)
	test.Type(s.Search, "huu le")
	s.work.Wait()
	if len(s.Matches) != 0 || len(s.Elsewhere) != 1 {
		t.Fatalf("today: %d matches, %d on other dates: %+v", len(s.Matches), len(s.Elsewhere), s.Elsewhere)
	}
	if want := "Xã Hữu Lễ (06322), đến 30/06/2025, sáp nhập vào Xã Tri Lễ"; !containsText(renderedTexts(w), want) {
		t.Fatalf("the list does not say %q; window shows %q", want, renderedTexts(w))
	}
	s.Results.Select(0)
	s.work.Wait()
	if s.Date.Text != "30/06/2025" || s.Selected.Name != "Xã Hữu Lễ" || s.detail.name.Text != "Xã Hữu Lễ" {
		t.Fatalf("after choosing it: date %q, selected %+v, details %q", s.Date.Text, s.Selected, s.detail.name.Text)
	}
}

// A search that leaves the selected locality out clears the details: they never
// show a commune unrelated to what was typed.
func TestLocalitiesSearchClearsUnrelatedDetails(t *testing.T) {
	s, _ := newLocalities(t)
	test.Tap(s.Before)
	s.work.Wait()
	test.Type(s.Search, "huu le")
	s.work.Wait()
	if s.Selected.Name != "Xã Hữu Lễ" {
		t.Fatalf("selected %+v", s.Selected)
	}
	s.Search.SetText("chi lang")
	s.work.Wait()
	if len(s.Matches) < 2 {
		t.Fatalf("chi lang found %v", s.Matches)
	}
	if s.Selected.ID != 0 || s.detail.name.Text == "Xã Hữu Lễ" {
		t.Fatalf("the details still show %q after searching chi lang", s.detail.name.Text)
	}
}
