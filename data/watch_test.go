package data

import (
	"context"
	"testing"
)

// The watcher sees this process's writes and another connection's alike, and
// nothing when nothing was written.
func TestWatcherSeesEveryCommit(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	w, err := s.NewWatcher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if changed, err := w.Changed(ctx); err != nil || changed {
		t.Fatalf("nothing written yet: changed %v, %v", changed, err)
	}
	if _, err := s.Values(ctx, ValueFilter{Limit: 5}); err != nil {
		t.Fatal(err)
	}
	if changed, _ := w.Changed(ctx); changed {
		t.Fatal("a read counted as a change")
	}
	b := commitValues(t, s, "r.csv", newDemoValue(t, s, 9))
	if changed, err := w.Changed(ctx); err != nil || !changed {
		t.Fatalf("after this process's import: changed %v, %v", changed, err)
	}
	other, err := Open(ctx, s.Path()) // as danvanctl would, from another process
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.UndoBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if changed, err := w.Changed(ctx); err != nil || !changed {
		t.Fatalf("after another connection's undo: changed %v, %v", changed, err)
	}
	if changed, _ := w.Changed(ctx); changed {
		t.Fatal("the same change counted twice")
	}
}
