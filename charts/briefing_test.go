package charts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func samplePages() []Page {
	tbl := Table{
		Header: []string{"Kỳ báo cáo", "Thực hiện (km)", "Chỉ tiêu (km)", "Tỉ lệ"},
		Rows: [][]string{
			{"Quý I/2024", "12,5", "15", "83%"},
			{"Quý II/2024", "18", "15", "120%"},
			{"Quý III/2024", "9,8", "20", "49%"},
			{"Quý IV/2024", "21,3", "20", "106%"},
		},
	}
	rank := Table{Header: []string{"Xã, thị trấn", "Thực hiện (km)", "Chỉ tiêu (km)", "Tỉ lệ"}}
	for _, l := range sampleRanking().Localities {
		rank.Rows = append(rank.Rows, []string{l.Name, FormatNumber(l.Actual, 1, "vi"), FormatNumber(l.Target, 0, "vi"), ""})
	}
	return []Page{
		{Chart: sampleProgress(), Table: tbl},
		{Chart: sampleCumulative(), Table: Table{Header: []string{"Tháng", "Lũy kế"}, Rows: [][]string{{"T10/2024", "75"}}}},
		{Chart: sampleRanking(), Table: rank},
		{Chart: sampleBreakdown()},
		{Chart: sampleCompleteness(), Table: Table{Header: []string{"Đơn vị", "Đúng hạn", "Muộn", "Chưa nộp"}, Rows: [][]string{{"Trung đoàn 123", "2", "0", "1"}}}},
	}
}

func sampleBriefing() Briefing {
	return Briefing{
		Cover: Cover{
			Program:        "Chương trình phối hợp công tác dân vận năm 2024",
			Period:         "Quý I – Quý IV/2024",
			Locality:       "Huyện Chi Lăng, tỉnh Lạng Sơn",
			Unit:           "Bộ Chỉ huy Quân sự tỉnh Lạng Sơn",
			Date:           "Lạng Sơn, ngày 23 tháng 11 năm 2026",
			Classification: "LƯU HÀNH NỘI BỘ",
		},
		Pages: samplePages(),
	}
}

func TestBriefingPDF(t *testing.T) {
	b := sampleBriefing()
	var calls [][2]int
	var buf bytes.Buffer
	err := WriteBriefing(context.Background(), &buf, b, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("output is not a PDF")
	}
	total := len(b.Pages) + 1
	if len(calls) != total || calls[len(calls)-1] != [2]int{total, total} {
		t.Errorf("progress calls %v, want %d ending at %d/%d", calls, total, total, total)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Errorf("progress not increasing: %v", calls)
		}
	}

	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils): cannot check the PDF's text")
	}
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "pack.pdf")
	if err := os.WriteFile(pdfPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("CHARTS_LOOK_DIR"); out != "" {
		_ = os.WriteFile(filepath.Join(out, "briefing.pdf"), buf.Bytes(), 0o644)
	}
	txt, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(txt)
	for _, want := range []string{
		"Chương trình phối hợp công tác dân vận năm 2024",
		"LƯU HÀNH NỘI BỘ",
		"Thị trấn Chi Lăng",
		"Trang 2/6",
		"Trang 6/6",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if pages := strings.Count(text, "\f"); pages != 1+len(b.Pages) {
		t.Errorf("PDF has %d pages, want %d", pages, 1+len(b.Pages))
	}
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		info, err := exec.Command("pdfinfo", pdfPath).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		if !strings.Contains(string(info), "Pages:           6") {
			t.Errorf("pdfinfo: %s", info)
		}
	}
}

func TestBriefingCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteBriefing(ctx, &bytes.Buffer{}, sampleBriefing(), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}

	// Cancelled midway, from the progress callback.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	err = WriteBriefing(ctx, &bytes.Buffer{}, sampleBriefing(), func(done, total int) {
		if done == 1 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("midway: got %v, want context.Canceled", err)
	}
}

func TestBriefingEmptyAndNilChart(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBriefing(context.Background(), &buf, Briefing{}, nil); err != nil {
		t.Fatalf("empty pack: %v", err)
	}
	err := WriteBriefing(context.Background(), &buf, Briefing{Pages: []Page{{}}}, nil)
	if err == nil {
		t.Fatal("a page without chart must be an error")
	}
}
