package briefing

// text holds the words charts and tables print, per language. The GUI's own
// translations live in assets/translation; these go on paper, where the CLI prints
// them too, so they stay with the package that writes them.
type text struct {
	country, provinces, source, dateLayout, splitNote, andMore   string
	period, actual, target, pctOfTarget, runActual, runTarget    string
	locality, indicator, indicators, unit, content               string
	progressTitle, cumulativeTitle, rankingTitle, breakdownTitle string
	contentTitle, completenessTitle, graceNote                   string
}

func texts(lang string) text {
	if lang == "en" {
		return text{
			country: "Whole country", provinces: "%d provinces and cities", source: "Source: reports of subordinate units · %s", dateLayout: "02/01/2006",
			splitNote: "Before the 2025 reform, figures exclude communes split between localities: %s.", andMore: "and %d more",
			period: "Period", actual: "Actual", target: "Target", pctOfTarget: "% of target", runActual: "Cumulative actual", runTarget: "Cumulative target",
			locality: "Locality", indicator: "Indicator", indicators: "Indicators", unit: "Unit", content: "Key content",
			progressTitle: "%s: actual against target by period", cumulativeTitle: "%s: cumulative progress",
			rankingTitle: "%s: localities by %% of target", breakdownTitle: "Indicators of the program: % of target",
			contentTitle: "Key contents of the program: % of target", completenessTitle: "Reporting completeness of units",
			graceNote: "due %d days after the period",
		}
	}
	return text{
		country: "Toàn quốc", provinces: "%d tỉnh, thành phố", source: "Nguồn: báo cáo của các đơn vị · %s", dateLayout: "02/01/2006",
		splitNote: "Trước sắp xếp năm 2025, số liệu không gồm các xã bị chia tách: %s.", andMore: "và %d xã khác",
		period: "Kỳ", actual: "Thực hiện", target: "Chỉ tiêu", pctOfTarget: "% chỉ tiêu", runActual: "Lũy kế thực hiện", runTarget: "Lũy kế chỉ tiêu",
		locality: "Địa bàn", indicator: "Chỉ tiêu", indicators: "Số chỉ tiêu", unit: "Đơn vị", content: "Nội dung trọng tâm",
		progressTitle: "%s: thực hiện so với chỉ tiêu theo kỳ", cumulativeTitle: "%s: tiến độ lũy kế",
		rankingTitle: "%s: xếp hạng địa bàn theo %% chỉ tiêu", breakdownTitle: "Các chỉ tiêu của chương trình: % chỉ tiêu",
		contentTitle: "Các nội dung trọng tâm: % chỉ tiêu", completenessTitle: "Tình hình báo cáo của các đơn vị",
		graceNote: "hạn nộp %d ngày sau khi hết kỳ",
	}
}
