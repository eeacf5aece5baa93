package ui

import (
	"strings"
	"testing"

	"danvan/charts"
	"danvan/data"
)

// TestDashboardStatusTellsAZeroTargetFromNone checks the words beside a key
// number: a target of 0 is a target, not a missing one.
func TestDashboardStatusTellsAZeroTargetFromNone(t *testing.T) {
	s := newTestDashboard(t, demo)
	for _, c := range []struct {
		f    data.Figure
		want string
	}{
		{data.Figure{Actual: 0.99, HasActual: true, Target: 0, HasTarget: true}, "chỉ tiêu bằng 0"},
		{data.Figure{Actual: 0.99, HasActual: true}, charts.NoTarget("vi")},
		{data.Figure{Target: 4, HasTarget: true}, charts.NotReported("vi")},
		{data.Figure{Actual: 4, HasActual: true, Target: 4, HasTarget: true}, "100,0% · đạt"},
	} {
		r := dashRowOf(newDashRow())
		s.showPercent(r, c.f)
		if r.status.Text != c.want {
			t.Errorf("%+v: %q, want %q", c.f, r.status.Text, c.want)
		}
	}
}

// TestDashboardReportWordsAreTheCharts checks that an overdue report and a
// late one carry the completeness legend's words: "Quá hạn" is still missing
// after the deadline, "Nộp muộn" came after it.
func TestDashboardReportWordsAreTheCharts(t *testing.T) {
	s := newTestDashboard(t, demo)
	s.NotReported = []UnitReport{{Status: data.Missing, Days: 52}, {Status: data.Late, Days: 3}}
	for i, want := range []string{charts.StatusName(charts.Missing, "vi") + " 52 ngày", charts.StatusName(charts.Late, "vi") + " 3 ngày"} {
		r := dashRowOf(newDashRow())
		s.updateUnit(i, r)
		if r.status.Text != want {
			t.Errorf("%v: %q, want %q", s.NotReported[i].Status, r.status.Text, want)
		}
	}
	if want := "Quá hạn"; charts.StatusName(charts.Missing, "vi") != want || !strings.Contains(s.UnitCard.Title, "quá hạn") {
		t.Errorf("legend %q, card %q: an overdue report is %q", charts.StatusName(charts.Missing, "vi"), s.UnitCard.Title, want)
	}
}
