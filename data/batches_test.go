package data

import (
	"context"
	"fmt"
	"slices"
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

	// A dry run is a batch rolled back once its counts are read.
	preview := writeBatch(t, s, Batch{FileName: "x.csv"}, vals)
	wc, err := preview.Counts()
	if err != nil {
		t.Fatal(err)
	}
	changes, err := preview.Changes(10)
	if err != nil {
		t.Fatal(err)
	}
	if err := preview.Rollback(); err != nil {
		t.Fatal(err)
	}
	if wc != (WriteCounts{Inserted: 1, Updated: 1, Unchanged: 1}) || len(changes) != 1 || changes[0].Old != existing[1].Value.Value ||
		changes[0].Value.Value != changed.Value {
		t.Fatalf("preview %+v %+v", wc, changes)
	}
	if bs, _ := s.Batches(ctx); len(bs) != 0 {
		t.Fatalf("a dry run left a batch: %+v", bs)
	}
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	b, err := writeBatch(t, s, Batch{FileName: "x.csv", ImportedAt: at, ImportedBy: "dinh"}, vals).Commit(BatchTotals{SHA256: "abc", UnitID: unit.ID, Rows: 3})
	if err != nil {
		t.Fatal(err)
	}
	// The value the import added has no history row of its own, yet its history
	// starts with the import.
	hist, _ := s.History(ctx, ind.ID, free.ID, unit.ID, q)
	if len(hist) != 1 || hist[0].Source != "import" || hist[0].BatchID != b.ID || hist[0].By != "dinh" || !hist[0].At.Equal(at) ||
		hist[0].Old != nil || *hist[0].New != 0.25 {
		t.Fatalf("history of the added value %+v", hist)
	}
	if b.ID == 0 || b.Inserted != 1 || b.Updated != 1 || b.Unchanged != 1 || b.Status != BatchCommitted {
		t.Fatalf("batch %+v", b)
	}
	got, err := s.BatchBySHA(ctx, "abc", "")
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
	// The unchanged value goes back to the batch that reported it before, too.
	if res != (UndoResult{Restored: 2, Deleted: 1}) {
		t.Fatalf("undo %+v", res)
	}
	after, _ := s.Values(ctx, ValueFilter{UnitID: unit.ID, IndicatorID: ind.ID, From: q, To: q})
	if len(after) != len(existing) || after[1].Value != existing[1].Value {
		t.Fatalf("after undo %+v, want %+v", after, existing)
	}
	if _, err := s.BatchBySHA(ctx, "abc", ""); err == nil {
		t.Fatal("an undone batch still blocks importing its file again")
	}
	if _, err := s.UndoBatch(ctx, b.ID); err == nil || !strings.Contains(err.Error(), "already undone") {
		t.Fatalf("second undo: %v", err)
	}
	hist, _ = s.History(ctx, ind.ID, free.ID, unit.ID, q)
	if len(hist) != 2 || hist[0].BatchID != b.ID || hist[1].Source != "undo" || hist[1].New != nil || *hist[1].Old != 0.25 {
		t.Fatalf("history of the deleted value %+v", hist)
	}
}

func TestCommitBatchIsAllOrNothing(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	first, second := newDemoValue(t, s, 1), newDemoValue(t, s, -1)
	second.Period = period.MustParse("2024Q4")
	vals := []Value{first, second}
	bw, err := s.BeginBatch(ctx, Batch{FileName: "x.csv"})
	if err != nil {
		t.Fatal(err)
	}
	defer bw.Rollback()
	err = bw.Add(vals[0], 1)
	if err == nil {
		err = bw.Add(vals[1], 2)
	}
	if err == nil {
		_, err = bw.Commit(BatchTotals{SHA256: "def", Rows: 2})
	}
	if err == nil {
		t.Fatal("negative value committed")
	}
	if bs, _ := s.Batches(ctx); len(bs) != 0 {
		t.Fatalf("failed batch recorded: %+v", bs)
	}
	if h, _ := s.History(ctx, first.IndicatorID, first.LocalityID, first.UnitID, first.Period); len(h) != 0 {
		t.Fatalf("first value of a failed batch written: %+v", h)
	}
}

// With foreign keys off during a batch, the commit itself refuses a value whose
// locality is gone, naming it, and writes nothing.
func TestCommitChecksReferences(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	good, gone := newDemoValue(t, s, 1), newDemoValue(t, s, 2)
	gone.LocalityID = 987654
	bw := writeBatch(t, s, Batch{FileName: "refs.csv"}, []Value{good, gone})
	_, err := bw.Commit(BatchTotals{SHA256: "refs", Rows: 2})
	if err == nil || !strings.Contains(err.Error(), "locality #987654 does not exist") {
		t.Fatalf("commit with a missing locality: %v", err)
	}
	if bs, _ := s.Batches(ctx); len(bs) != 0 {
		t.Fatalf("refused batch recorded: %+v", bs)
	}
	if got, _ := s.Values(ctx, ValueFilter{UnitID: good.UnitID, IndicatorID: good.IndicatorID, LocalityID: good.LocalityID, Period: good.Period}); len(got) != 0 {
		t.Fatalf("refused batch wrote %+v", got)
	}
}

// writeBatch starts a batch and adds vals, tagged with their index.
func writeBatch(t *testing.T, s *Store, b Batch, vals []Value) *BatchWriter {
	t.Helper()
	bw, err := s.BeginBatch(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bw.Rollback() })
	for i, v := range vals {
		if err := bw.Add(v, i+1); err != nil {
			t.Fatal(err)
		}
	}
	return bw
}

func TestBatchKeepsFirstOfDuplicates(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	v := newDemoValue(t, s, 4)
	var vals []Value
	// Over more chunks than the queue holds, so that duplicates are found both
	// within a chunk and against a row written by an earlier one.
	for i := range writeChunk*(queueDepth+2) + 10 {
		w := v
		w.Value = float64(4 + i)
		if i%2 == 1 {
			w.Period = period.MustParse("2024Q2") // distinct from the Q3 rows
		}
		vals = append(vals, w)
	}
	bw := writeBatch(t, s, Batch{FileName: "dup.csv"}, vals)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	dups := bw.Duplicates()
	if len(dups) != len(vals)-2 {
		t.Fatalf("%d duplicates, want %d", len(dups), len(vals)-2)
	}
	if dups[0].Tag != 3 || dups[0].FirstTag != 1 {
		t.Fatalf("first duplicate %+v, want line 3 repeating line 1", dups[0])
	}
	last := dups[len(dups)-1]
	if last.Tag != len(vals) || last.FirstTag != 0 {
		t.Fatalf("last duplicate %+v: its first occurrence was in an earlier chunk", last)
	}
	wc, err := bw.Counts()
	if err != nil {
		t.Fatal(err)
	}
	if wc.Inserted+wc.Updated != 2 || wc.Inserted+wc.Updated+wc.Unchanged != 2 {
		t.Fatalf("counts %+v: two keys written once each", wc)
	}
	if _, err := bw.Commit(BatchTotals{SHA256: "dup", Rows: len(vals), Rejected: len(dups)}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Values(ctx, ValueFilter{UnitID: v.UnitID, IndicatorID: v.IndicatorID, LocalityID: v.LocalityID, Period: v.Period})
	if len(got) != 1 || got[0].Value.Value != 4 {
		t.Fatalf("after duplicates %+v, want the first row's 4", got)
	}
}

func TestBatchHoldsItemsInOrder(t *testing.T) {
	s := demoStore(t)
	bw := writeBatch(t, s, Batch{FileName: "held.csv"}, nil)
	var want []string
	for i := range writeChunk + 3 {
		item := fmt.Sprintf("line %d: \x00\"quoted\" ,;\n %s", i, strings.Repeat("ế", i%5))
		want = append(want, item)
		if err := bw.Hold([]byte(item)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := bw.Held(func(item []byte) error { got = append(got, string(item)); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("held %d items, first %q; want %d, first %q", len(got), got[0], len(want), want[0])
	}
}

// A cancelled import gives its connection back: the only writer must not stay
// checked out, or every later save would wait forever.
func TestCancelledBatchFreesTheWriter(t *testing.T) {
	s := demoStore(t)
	v := newDemoValue(t, s, 3)
	ctx, cancel := context.WithCancel(context.Background())
	bw, err := s.BeginBatch(ctx, Batch{FileName: "cancel.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if err := bw.Add(v, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	time.Sleep(300 * time.Millisecond) // database/sql rolls back on its own once ctx is done
	if err := bw.Rollback(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.SetValues(context.Background(), []Value{v}, Source{Kind: "entry"})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write after a cancelled import waits for a connection that was never given back")
	}
}

// newDemoValue is a value the demo does not have: TT_DOT for Hữu Lễ (Văn Quan's
// commune) reported by Chi Lăng's command for 2024Q3.
func newDemoValue(t *testing.T, s *Store, value float64) Value {
	t.Helper()
	ctx := context.Background()
	q := period.MustParse("2024Q3")
	unit, err := s.UnitByCode(ctx, "BCHQS-CL")
	if err != nil {
		t.Fatal(err)
	}
	ind, err := s.IndicatorByCode(ctx, "TT_DOT")
	if err != nil {
		t.Fatal(err)
	}
	loc, err := s.LocalityByCode(ctx, "06322", q.End())
	if err != nil {
		t.Fatal(err)
	}
	return Value{IndicatorID: ind.ID, LocalityID: loc.ID, UnitID: unit.ID, Period: q, Value: value}
}

// A chunk that SQLite refuses while the file is still being read stops the batch:
// the error reaches the caller, nothing is committed, and the connection serves
// the next write.
func TestBatchWriteFailureMidStream(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	v := newDemoValue(t, s, 1)
	const failAt = writeChunk*2 + 5 // a row of the third chunk, written in the background
	bw, err := s.BeginBatch(ctx, Batch{FileName: "fails.csv"})
	if err != nil {
		t.Fatal(err)
	}
	// A temporary trigger on the batch's connection refuses one value. (It goes
	// with the connection's temporary storage when the batch ends.)
	if _, err := bw.conn.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.value
		WHEN NEW.value = %d BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`, failAt)); err != nil {
		t.Fatal(err)
	}
	// Distinct keys: one period per row would do, but months are plenty.
	p := period.MustParse("200001")
	for i := 0; i < writeChunk*(queueDepth+4) && err == nil; i++ {
		w := v
		w.Value = float64(i)
		w.Period = p
		p = p.Next()
		err = bw.Add(w, i+1)
	}
	if err == nil {
		_, err = bw.Commit(BatchTotals{SHA256: "fails", Rows: writeChunk * (queueDepth + 4)})
	}
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("the refused chunk gave %v", err)
	}
	if err := bw.Rollback(); err != nil {
		t.Fatal(err)
	}
	if bs, _ := s.Batches(ctx); len(bs) != 0 {
		t.Fatalf("failed batch recorded: %+v", bs)
	}
	if _, err := s.SetValues(ctx, []Value{v}, Source{Kind: "entry"}); err != nil {
		t.Fatalf("a write after the failed batch: %v", err)
	}
}

// The importer holds cells on the batch's transaction while chunks are written in
// the background; what each chunk did is still counted right, however the other
// statements fall between the chunks'.
func TestCountsWhileHolding(t *testing.T) {
	s := demoStore(t)
	v := newDemoValue(t, s, 1)
	bw := writeBatch(t, s, Batch{FileName: "held-and-written.csv"}, nil)
	// Another goroutine keeps writing one row at a time on the same transaction.
	stop, stopped := make(chan struct{}), make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				stopped <- nil
				return
			default:
			}
			if _, err := bw.tx.ExecContext(bw.ctx, "INSERT INTO import_held(batch_id, item) VALUES (?, x'00')", bw.batch.ID); err != nil {
				stopped <- err
				return
			}
		}
	}()
	n := writeChunk * (queueDepth + 3)
	p := period.MustParse("200001")
	for i := range n {
		w := v
		w.Period = p
		p = p.Next()
		if err := bw.Add(w, i+1); err != nil {
			t.Fatal(err)
		}
	}
	wc, err := bw.Counts()
	close(stop)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if wc.Inserted != n || wc.Updated != 0 || wc.Unchanged != 0 {
		t.Fatalf("counts %+v, want %d new", wc, n)
	}
}
