package charts

import "math"

var quarters = []string{"Quý I/2024", "Quý II/2024", "Quý III/2024", "Quý IV/2024"}

func sampleHeader(title string) Header {
	return Header{
		Title:    title,
		Subtitle: "Chương trình phối hợp công tác dân vận năm 2024 · Huyện Chi Lăng, tỉnh Lạng Sơn · Quý I–IV/2024",
		Unit:     "km",
		Source:   "Nguồn: báo cáo của các đơn vị · 23/11/2026",
	}
}

func sampleProgress() Progress {
	h := sampleHeader("Đường bê tông nông thôn làm mới theo quý")
	return Progress{Header: h, Periods: []Period{
		{Label: quarters[0], Actual: 12.5, Target: 15, HasTarget: true},
		{Label: quarters[1], Actual: 18, Target: 15, HasTarget: true},
		{Label: quarters[2], Actual: 9.8, Target: 20, HasTarget: true},
		{Label: quarters[3], Actual: 21.3, Target: 20, HasTarget: true},
	}}
}

func sampleCumulative() Cumulative {
	h := sampleHeader("Số đợt tuyên truyền lũy kế so với chỉ tiêu năm")
	h.Unit = "đợt"
	months := []string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12"}
	actual := []float64{4, 6, 5, 9, 7, 8, 6, 10, 9, 11, math.NaN(), math.NaN()}
	ps := make([]Period, len(months))
	for i, m := range months {
		ps[i] = Period{Label: m + "/2024", Actual: actual[i], Target: 8, HasTarget: true}
	}
	return Cumulative{Header: h, Periods: ps, Today: "T10/2024"}
}

func sampleRanking() Ranking {
	h := sampleHeader("Xếp hạng các xã theo tỉ lệ hoàn thành chỉ tiêu — Quý III/2024")
	h.Footnote = "(*) Xã Mai Sao: số liệu gộp của Xã Mai Sao và Xã Nhân Lý cũ trước sắp xếp đơn vị hành chính năm 2025."
	return Ranking{Header: h, Localities: []Locality{
		{Name: "Xã Hữu Lễ", Actual: 4.2, Target: 5},
		{Name: "Xã Nhân Lý", Actual: 6.5, Target: 5},
		{Name: "Thị trấn Chi Lăng", Actual: 3, Target: 6},
		{Name: "Xã Mai Sao (*)", Actual: 7.75, Target: 8},
		{Name: "Xã Quang Lang", Actual: 2.1, Target: 4},
		{Name: "Xã Chiến Thắng", Actual: 5, Target: 0},
		{Name: "Xã Bằng Hữu", Actual: 12, Target: 5},
		{Name: "Thị trấn Đồng Mỏ (sáp nhập từ Xã Vân Thủy và Xã Quang Lang)", Actual: 3.3, Target: 4},
	}}
}

func sampleBreakdown() Breakdown {
	h := sampleHeader("Kết quả các nội dung trọng tâm — Quý III/2024")
	h.Unit = ""
	return Breakdown{Header: h, Items: []Indicator{
		{Name: "Số đợt tuyên truyền", Actual: 38, Target: 40, Unit: "đợt"},
		{Name: "Đường bê tông nông thôn (km)", Actual: 12.5, Target: 20, Unit: "km"},
		{Name: "Nhà tình nghĩa, nhà đồng đội", Actual: 7, Target: 6, Unit: "nhà"},
		{Name: "Ngày công giúp dân", Actual: 1530, Target: 2500, Unit: "ngày"},
		{Name: "Kinh phí vận động", Actual: 1234.5, Target: 1000, Unit: "triệu đồng"},
		{Name: "Tỉ lệ hộ được tuyên truyền pháp luật", Percent: 64},
	}}
}

func sampleCompleteness() Completeness {
	h := sampleHeader("Tình hình gửi báo cáo của các đơn vị năm 2024")
	h.Unit = ""
	return Completeness{Header: h, Periods: quarters, Units: []UnitReports{
		{Name: "Ban CHQS huyện Chi Lăng", Statuses: []Status{OnTime, OnTime, Late, NotDue}},
		{Name: "Đồn Biên phòng Chi Ma", Statuses: []Status{OnTime, Late, OnTime, NotDue}},
		{Name: "Trung đoàn 123", Statuses: []Status{Missing, OnTime, OnTime, NotDue}},
		{Name: "Xã đội Hữu Lễ", Statuses: []Status{OnTime, OnTime, Missing, NotDue}},
		{Name: "Xã đội Nhân Lý", Statuses: []Status{Late, Missing, Missing, NotDue}},
		{Name: "Thị trấn Chi Lăng", Statuses: []Status{OnTime, OnTime, OnTime}},
	}}
}

func allSamples() map[string]Chart {
	return map[string]Chart{
		"progress":     sampleProgress(),
		"cumulative":   sampleCumulative(),
		"ranking":      sampleRanking(),
		"breakdown":    sampleBreakdown(),
		"completeness": sampleCompleteness(),
	}
}
