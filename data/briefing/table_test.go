package briefing

import (
	"bytes"
	"testing"

	"danvan/charts"
)

func TestTableAsCSVAndTSV(t *testing.T) {
	tbl := charts.Table{
		Header: []string{"Địa bàn", "Thực hiện", "% chỉ tiêu"},
		Rows: [][]string{
			{"=HYPERLINK(\"x\")", "1.036", "78,6 %"},
			{"Xã Điềm He", "–", "chưa báo cáo"},
			{"Xã\tTab", "-0,5", "0,0 %"},
		},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tbl, "vi"); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFĐịa bàn,Thực hiện,% chỉ tiêu\r\n" +
		"\"'=HYPERLINK(\"\"x\"\")\",1036,78.6\r\n" +
		"Xã Điềm He,–,chưa báo cáo\r\n" +
		"Xã\tTab,-0.5,0\r\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
	wantTSV := "Địa bàn\tThực hiện\t% chỉ tiêu\r\n" +
		"'=HYPERLINK(\"x\")\t1.036\t78,6 %\r\n" +
		"Xã Điềm He\t–\tchưa báo cáo\r\n" +
		"Xã Tab\t-0,5\t0,0 %\r\n"
	if got := TSV(tbl, "vi"); got != wantTSV {
		t.Errorf("TSV:\n%q\nwant\n%q", got, wantTSV)
	}
}
