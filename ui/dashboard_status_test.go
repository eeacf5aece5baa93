package ui

import (
	"testing"

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
		{data.Figure{Actual: 0.99, HasActual: true}, "chưa có chỉ tiêu"},
		{data.Figure{Target: 4, HasTarget: true}, "chưa có kết quả"},
		{data.Figure{Actual: 4, HasActual: true, Target: 4, HasTarget: true}, "100,0% · đạt"},
	} {
		r := dashRowOf(newDashRow())
		s.showPercent(r, c.f)
		if r.status.Text != c.want {
			t.Errorf("%+v: %q, want %q", c.f, r.status.Text, c.want)
		}
	}
}
