package charts

// strs holds the few words the charts print themselves.
type strs struct {
	noData, actual, target, pctNote          string
	cumActual, cumTarget, today, noTarget    string
	notReported                              string
	onTime, late, missing, notDue, submitted string
	targetLine, statusGreen, statusAmber     string
	statusRed, page, hiddenRows, hiddenUnits string
	hiddenPeriods                            string
}

func translations(lang string) strs {
	if lang == "en" {
		return strs{
			noData: "No data", actual: "Actual", target: "Target",
			pctNote:   "% above bars: share of target achieved",
			cumActual: "Actual (cumulative)", cumTarget: "Target (cumulative)",
			today: "Current period", noTarget: "no target set", notReported: "not reported",
			onTime: "On time", late: "Late", missing: "Overdue", notDue: "Not yet due",
			submitted:  "Submitted",
			targetLine: "Target (100%)", statusGreen: "%s of target or more",
			statusAmber: "%s – %s", statusRed: "< %s",
			page: "Page %d/%d", hiddenRows: "… %d more not shown …",
			hiddenUnits: "… %d more units not shown", hiddenPeriods: "Last %d of %d periods shown",
		}
	}
	return strs{
		noData: "Không có số liệu", actual: "Thực hiện", target: "Chỉ tiêu",
		pctNote:   "% trên cột: tỉ lệ đạt so với chỉ tiêu",
		cumActual: "Thực hiện (lũy kế)", cumTarget: "Chỉ tiêu (lũy kế)",
		today: "Kỳ hiện tại", noTarget: "chưa giao chỉ tiêu", notReported: "chưa báo cáo",
		// Nộp muộn: the report came after the deadline; Quá hạn: it has not come
		// and the deadline is past. One word each, in legend, tables and dashboard.
		onTime: "Đúng hạn", late: "Nộp muộn", missing: "Quá hạn", notDue: "Chưa đến hạn",
		submitted:  "Đã nộp",
		targetLine: "Chỉ tiêu (100%)", statusGreen: "Đạt từ %s chỉ tiêu",
		statusAmber: "%s – dưới %s", statusRed: "Dưới %s",
		page: "Trang %d/%d", hiddenRows: "… %d mục khác không hiển thị …",
		hiddenUnits: "… %d đơn vị khác không hiển thị", hiddenPeriods: "Hiển thị %d kỳ gần nhất trong %d kỳ",
	}
}

// StatusName is the word the completeness legend prints for s, so that tables
// and other screens can use the very same one.
func StatusName(s Status, lang string) string {
	tr := translations(lang)
	switch s {
	case OnTime:
		return tr.onTime
	case Late:
		return tr.late
	case Missing:
		return tr.missing
	}
	return tr.notDue
}

// NoTarget is what a chart prints where a figure has no target to be a % of.
func NoTarget(lang string) string { return translations(lang).noTarget }

// NotReported is what a chart prints for a place with no value at all for the
// period, which is not the same as a reported 0.
func NotReported(lang string) string { return translations(lang).notReported }
