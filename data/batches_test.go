package data

import (
	"context"
	"strings"
	"testing"
	"time"

	"danvan/data/period"
)

func TestCommitPreviewUndo(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	unit, _ := s.UnitByCode(ctx, "BCHQS-CL")
	ind, _ := s.IndicatorByCode(ctx, "DUONG_KM")
	q := period.MustParse("2024Q3")
	existing, err := s.Values(ctx, ValueFilter{UnitID: unit.ID, IndicatorID: ind.ID, From: q, To: q})
	if err != nil || len(existing) < 2 {
		t.Fatalf("demo values: %v %d", err, len(existing))
	}
	free, err := s.LocalityByCode(ctx, "06322", q.End()) // Hữu Lễ is Văn Quan's, not Chi Lăng's
	if err != nil {
		t.Fatal(err)
	}
	same := existing[0].Value
	changed := existing[1].Value
	changed.Value += 1.5
	added := Value{IndicatorID: ind.ID, LocalityID: free.ID, UnitID: unit.ID, Period: q, Value: 0.25}
	vals := []Value{same, changed, added}

	wc, changes, err := s.PreviewValues(ctx, vals)
	if err != nil {
		t.Fatal(err)
	}
	if wc != (WriteCounts{Inserted: 1, Updated: 1, Unchanged: 1}) || len(changes) != 1 || changes[0].Old != existing[1].Value.Value {
		t.Fatalf("preview %+v %+v", wc, changes)
	}
	b, err := s.CommitBatch(ctx, Batch{FileName: "x.csv", SHA256: "abc", UnitID: unit.ID, Rows: 3, ImportedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}, vals)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.Inserted != 1 || b.Updated != 1 || b.Unchanged != 1 || b.Status != BatchCommitted {
		t.Fatalf("batch %+v", b)
	}
	got, err := s.BatchBySHA(ctx, "abc")
	if err != nil || got != b {
		t.Fatalf("by sha: %+v %v, want %+v", got, err, b)
	}
	list, _ := s.Batches(ctx)
	if len(list) != 1 || list[0] != b {
		t.Fatalf("batches %+v", list)
	}

	res, err := s.UndoBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res != (UndoResult{Restored: 1, Deleted: 1}) {
		t.Fatalf("undo %+v", res)
	}
	after, _ := s.Values(ctx, ValueFilter{UnitID: unit.ID, IndicatorID: ind.ID, From: q, To: q})
	if len(after) != len(existing) || after[1].Value != existing[1].Value {
		t.Fatalf("after undo %+v, want %+v", after, existing)
	}
	if _, err := s.BatchBySHA(ctx, "abc"); err == nil {
		t.Fatal("an undone batch still blocks importing its file again")
	}
	if _, err := s.UndoBatch(ctx, b.ID); err == nil || !strings.Contains(err.Error(), "already undone") {
		t.Fatalf("second undo: %v", err)
	}
	hist, _ := s.History(ctx, ind.ID, free.ID, unit.ID, q)
	if len(hist) != 2 || hist[1].Source != "undo" || hist[1].New != nil || *hist[1].Old != 0.25 {
		t.Fatalf("history of the deleted value %+v", hist)
	}
}

func TestCommitBatchIsAllOrNothing(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	unit, _ := s.UnitByCode(ctx, "BCHQS-CL")
	ind, _ := s.IndicatorByCode(ctx, "TT_DOT")
	loc, _ := s.LocalityByCode(ctx, "06322", period.MustParse("2024Q3").End())
	vals := []Value{
		{IndicatorID: ind.ID, LocalityID: loc.ID, UnitID: unit.ID, Period: period.MustParse("2024Q3"), Value: 1},
		{IndicatorID: ind.ID, LocalityID: loc.ID, UnitID: unit.ID, Period: period.MustParse("2024Q4"), Value: -1},
	}
	if _, err := s.CommitBatch(ctx, Batch{FileName: "x.csv", SHA256: "def"}, vals); err == nil {
		t.Fatal("negative value committed")
	}
	if bs, _ := s.Batches(ctx); len(bs) != 0 {
		t.Fatalf("failed batch recorded: %+v", bs)
	}
	if h, _ := s.History(ctx, ind.ID, loc.ID, unit.ID, period.MustParse("2024Q3")); len(h) != 0 {
		t.Fatalf("first value of a failed batch written: %+v", h)
	}
}
