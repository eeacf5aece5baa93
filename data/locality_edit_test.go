package data

import (
	"context"
	"strings"
	"testing"

	"danvan/data/period"
)

func TestMergeMovesLaterResultsAndKeepsOldCodes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Values for 2026Q1 were recorded on both new communes before the next merger
	// was known; the merger takes effect on 2026-01-01.
	w.put(t, w.sum, "N1 2025Q3 1", "N1 2026Q1 2", "N2 2026Q1 3")
	merged, err := w.s.MergeLocalities(ctx, []int64{w.loc["N1"], w.loc["N2"]},
		Locality{Code: "00009", Name: "Phường Hợp Nhất", Level: "commune", ParentID: w.loc["A"]}, date("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.s.Values(ctx, ValueFilter{LocalityID: merged.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Value.Value != 5 || rows[0].Period != period.MustParse("2026Q1") {
		t.Fatalf("merged locality holds %+v, want 2026Q1 = 5", rows)
	}
	// The old code still names the old commune for old periods.
	if l, err := w.s.LocalityByCode(ctx, "00001", date("2025-09-30")); err != nil || l.ID != w.loc["N1"] {
		t.Fatalf("00001 in 2025: %+v %v", l, err)
	}
	// Totals are unchanged by the merge: nothing lost, nothing counted twice.
	wantActuals(t, w.progress(t, w.sum, "A", "2025", "2026", period.Year), 1, 5)
	ser, err := w.s.Progress(ctx, Scope{LocalityID: merged.ID}, w.sum.ID, period.MustParse("2025"), period.MustParse("2026"), period.Year)
	if err != nil {
		t.Fatal(err)
	}
	wantActuals(t, ser.Rows, 1, 5)
	hist, err := w.s.History(ctx, w.sum.ID, w.loc["N1"], w.unit, period.MustParse("2026Q1"))
	if err != nil || len(hist) != 2 || hist[1].Source != "merge" || hist[1].New != nil {
		t.Fatalf("history of the moved value: %+v %v", hist, err)
	}
}

func TestDeleteOnlyWhatNothingRefersTo(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.put(t, w.sum, "C1 2024Q1 1")
	err := w.s.DeleteLocality(ctx, w.loc["C1"])
	if err == nil || !strings.Contains(err.Error(), "1 reported values") {
		t.Fatalf("deleting a commune with a value: %v", err)
	}
	fresh, err := w.s.AddLocality(ctx, Locality{Code: "00099", Name: "Xã Mới Lập", Level: "commune", ParentID: w.loc["C"], ValidFrom: date("2026-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.DeleteLocality(ctx, fresh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Locality(ctx, fresh.ID); err == nil {
		t.Fatal("deleted locality still there")
	}
}

func TestEditsRefuseWhatWouldBreakTheTree(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.s.AddLocality(ctx, Locality{Code: "00004", Name: "Trùng mã", Level: "commune", ParentID: w.loc["A"], ValidFrom: date("2026-01-01")}); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a reused code on the same day: %v", err)
	}
	if err := w.s.MoveLocality(ctx, w.loc["A"], w.loc["N1"]); err == nil {
		t.Error("a province moved under its own commune")
	}
	if err := w.s.CloseLocality(ctx, w.loc["A"], date("2026-06-30")); err == nil || !strings.Contains(err.Error(), "still in force") {
		t.Errorf("closing a province with communes in force: %v", err)
	}
	if err := w.s.RenameLocality(ctx, w.loc["N3"], "Xã Bảy Mới"); err != nil {
		t.Fatal(err)
	}
	if l, _ := w.s.Locality(ctx, w.loc["N3"]); l.Name != "Xã Bảy Mới" {
		t.Errorf("renamed to %q", l.Name)
	}
	parts, err := w.s.SplitLocality(ctx, w.loc["N3"], []Locality{
		{Code: "00071", Name: "Xã Bảy Đông", Level: "commune", ParentID: w.loc["C"]},
		{Code: "00072", Name: "Xã Bảy Tây", Level: "commune", ParentID: w.loc["C"]}}, date("2027-01-01"))
	if err != nil || len(parts) != 2 {
		t.Fatalf("split: %v", err)
	}
	links, _ := w.s.Successors(ctx)
	n := 0
	for _, l := range links {
		if l.OldID == w.loc["N3"] && !l.Whole {
			n++
		}
	}
	if n != 2 {
		t.Errorf("split wrote %d part links, want 2", n)
	}
}
