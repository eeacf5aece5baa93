package data

import (
	"context"
	"testing"
	"time"
)

// commitValues writes vals as one committed import batch.
func commitValues(t *testing.T, s *Store, name string, vals ...Value) Batch {
	t.Helper()
	b, err := writeBatch(t, s, Batch{FileName: name}, vals).Commit(BatchTotals{SHA256: name, Rows: len(vals)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// storedValue is the value held for v's key, or nil.
func storedValue(t *testing.T, s *Store, v Value) *float64 {
	t.Helper()
	got, err := s.Values(context.Background(), ValueFilter{UnitID: v.UnitID, IndicatorID: v.IndicatorID, LocalityID: v.LocalityID, From: v.Period, To: v.Period})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if g.LocalityID == v.LocalityID {
			return &g.Value.Value
		}
	}
	return nil
}

func wantStored(t *testing.T, s *Store, v Value, want *float64, when string) {
	t.Helper()
	got := storedValue(t, s, v)
	switch {
	case want == nil && got != nil:
		t.Errorf("%s: holds %g, want nothing", when, *got)
	case want != nil && got == nil:
		t.Errorf("%s: holds nothing, want %g", when, *want)
	case want != nil && *got != *want:
		t.Errorf("%s: holds %g, want %g", when, *got, *want)
	}
}

func ptr(f float64) *float64 { return &f }

// A unit sends its report twice, the second time with a value added; the first
// batch is undone as a mistake. The key both batches reported keeps the value the
// second, still committed, batch holds.
func TestUndoAfterAResendKeepsWhatTheLaterBatchReports(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	v := newDemoValue(t, s, 7)
	other := v
	other.IndicatorID, _ = indicatorID(t, s, "NHA_TN")
	other.Value = 3
	b1 := commitValues(t, s, "r1.csv", v)
	b2 := commitValues(t, s, "r2.csv", v, other)
	if _, err := s.UndoBatch(ctx, b1.ID); err != nil {
		t.Fatal(err)
	}
	wantStored(t, s, v, ptr(7), "after undoing the first batch")
	wantStored(t, s, other, ptr(3), "after undoing the first batch")
	if _, err := s.UndoBatch(ctx, b2.ID); err != nil {
		t.Fatal(err)
	}
	wantStored(t, s, v, nil, "after undoing both batches")
	wantStored(t, s, other, nil, "after undoing both batches")
	if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
}

// Undoing the later batch first gives back what the earlier, committed, one wrote;
// undoing the earlier one then leaves nothing.
func TestUndoInAnyOrderRestoresTheLatestCommittedWriter(t *testing.T) {
	for _, tc := range []struct {
		name        string
		second      float64
		order       [2]int
		afterFirst  *float64
		afterSecond *float64
	}{
		{"resend, newer undone first", 7, [2]int{1, 0}, ptr(7), nil},
		{"correction, newer undone first", 9, [2]int{1, 0}, ptr(7), nil},
		{"correction, older undone first", 9, [2]int{0, 1}, ptr(9), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := demoStore(t)
			v := newDemoValue(t, s, 7)
			corrected := v
			corrected.Value = tc.second
			batches := []Batch{commitValues(t, s, "r1.csv", v), commitValues(t, s, "r2.csv", corrected)}
			if _, err := s.UndoBatch(context.Background(), batches[tc.order[0]].ID); err != nil {
				t.Fatal(err)
			}
			wantStored(t, s, v, tc.afterFirst, "after the first undo")
			if _, err := s.UndoBatch(context.Background(), batches[tc.order[1]].ID); err != nil {
				t.Fatal(err)
			}
			wantStored(t, s, v, tc.afterSecond, "after the second undo")
		})
	}
}

// A value typed in by hand after an import survives undoing that import, and an
// import over the typed value gives it back when undone.
func TestUndoGivesBackWhatWasTypedIn(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	v := newDemoValue(t, s, 7)
	b1 := commitValues(t, s, "r1.csv", v)
	typed := v
	typed.Value = 8
	if _, err := s.SetValues(ctx, []Value{typed}, Source{Kind: "entry"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UndoBatch(ctx, b1.ID); err != nil {
		t.Fatal(err)
	}
	wantStored(t, s, v, ptr(8), "typed value after undoing the import before it")
	again := v
	again.Value = 8 // the same figure, sent by file after it was typed in
	b2 := commitValues(t, s, "r2.csv", again)
	if _, err := s.UndoBatch(ctx, b2.ID); err != nil {
		t.Fatal(err)
	}
	wantStored(t, s, v, ptr(8), "typed value after undoing an import that repeated it")
}

func indicatorID(t *testing.T, s *Store, code string) (int64, Indicator) {
	t.Helper()
	in, err := s.IndicatorByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return in.ID, in
}

// A figure typed by hand, put back once by an undo, keeps the time it was typed
// when a second undo puts it back again: the first undo's own time is not when
// anyone wrote it.
func TestUndoTwiceKeepsWhenAHandFigureWasTyped(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	v := newDemoValue(t, s, 7)
	typed := time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC)
	if _, err := s.SetValues(ctx, []Value{v}, Source{Kind: "entry", At: typed}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"r1.csv", "r2.csv"} {
		w := v
		w.Value++
		b := commitValues(t, s, name, w)
		if _, err := s.UndoBatch(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Values(ctx, ValueFilter{UnitID: v.UnitID, IndicatorID: v.IndicatorID, LocalityID: v.LocalityID, Period: v.Period})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Value.Value != v.Value || !got[0].ChangedAt.Equal(typed) {
		t.Fatalf("after two undos: %+v, want %g typed at %s", got, v.Value, typed)
	}
}
