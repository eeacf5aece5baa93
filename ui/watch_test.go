package ui

import (
	"context"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"danvan/data"
	"danvan/data/briefing"
	"danvan/data/importer"
)

// importElsewhere imports a file through a second connection to the database, as
// danvanctl does from another process while the app is open.
func importElsewhere(t *testing.T, path, file string) {
	t.Helper()
	ctx := context.Background()
	other, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	res, err := importer.Import(ctx, other, "r.csv", strings.NewReader(file), importer.Options{AcceptWarnings: true})
	if err != nil || res.BatchID == 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
}

// freshTable is the chart's table as the one aggregation gives it now.
func freshTable(t *testing.T, s *data.Store, r briefing.Request) [][]string {
	t.Helper()
	b, err := briefing.Build(context.Background(), s, r)
	if err != nil {
		t.Fatal(err)
	}
	return b.Table.Rows
}

// A chart is on screen; another process imports. At the watcher's next look the
// chart shows the new figure, equal to what the aggregation gives, and so do the
// other screens; a chart file written before the screen caught up carries the new
// figure all the same.
func TestScreensFollowAnotherProcessesImport(t *testing.T) {
	ctx := context.Background()
	m, _ := newMain(t)
	s := demoCopy(t)
	path := s.Path()
	m.SetStore(s)
	m.waitAll()
	m.Charts.work.Wait()
	m.Dashboard.work.Wait()
	r := m.Charts.builtFor
	before := append([][]string(nil), m.Charts.Rows...)
	if len(before) == 0 || !reflect.DeepEqual(before, freshTable(t, s, r)) {
		t.Fatalf("chart on screen %v", before)
	}
	batchesBefore := len(m.Import.Batches)

	// Văn Quan's command had not reported for Quý III/2026.
	importElsewhere(t, path, "locality,indicator,period,value,unit\n06253,TT_DOT,2026Q3,1000,BCHQS-VQ\n06253,TT_LUOT,2026Q3,5000,BCHQS-VQ\n")
	if err := m.pollChanges(); err != nil {
		t.Fatal(err)
	}
	m.waitAll()
	m.Charts.work.Wait()
	m.Dashboard.work.Wait()
	m.Import.work.Wait()
	after := m.Charts.Rows
	if reflect.DeepEqual(after, before) || !reflect.DeepEqual(after, freshTable(t, s, r)) {
		t.Fatalf("the chart did not follow the import:\nbefore %v\nafter  %v\nfresh  %v", before, after, freshTable(t, s, r))
	}
	if len(m.Import.Batches) != batchesBefore+1 {
		t.Errorf("the import screen lists %d batches, want %d", len(m.Import.Batches), batchesBefore+1)
	}
	if err := m.pollChanges(); err != nil {
		t.Fatal(err)
	}

	// Another import the screen has not caught up with yet: the file written now
	// carries it.
	importElsewhere(t, path, "locality,indicator,period,value,unit\n06280,TT_DOT,2026Q3,2000,BCHQS-VQ\n")
	fresh := freshTable(t, s, r)
	if reflect.DeepEqual(fresh, m.Charts.Rows) {
		t.Fatal("the second import changed nothing on the chart's table")
	}
	pdf := filepath.Join(t.TempDir(), "chart.pdf")
	if err := m.Charts.exportChart(ctx, r, pdf); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, row := range fresh {
		if want := strings.Join(row, " "); !strings.Contains(text, want) {
			t.Errorf("the exported chart lacks the row %q as the database has it:\n%s", want, text)
		}
	}
}
