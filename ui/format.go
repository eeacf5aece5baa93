package ui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"danvan/charts"
	"danvan/data"
	"danvan/data/message"
	"danvan/data/period"
)

// dateLayout is how officers write dates, whatever the UI language: reports and
// decrees use dd/mm/yyyy.
const dateLayout = "02/01/2006"

// uiLang is the language the translations resolved to ("vi" or "en"). It is read
// from the translation files themselves, so numbers and period labels always follow
// the words on screen, even when the system locale is one we do not translate.
func uiLang() string {
	if lang.X("ui.lang", "en") == "vi" {
		return "vi"
	}
	return "en"
}

// formatDate writes d as dd/mm/yyyy, and "" for the zero time (an open end).
func formatDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(dateLayout)
}

// parseDate reads dd/mm/yyyy, also without leading zeros ("1/7/2025"), as UTC
// midnight like data.ParseDate, so comparisons with stored dates are exact.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dateLayout, "2/1/2006", "2006-01-02"} {
		if d, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// today is the local calendar day as UTC midnight, the form the data layer uses.
func today() time.Time {
	y, m, d := time.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// formatNumber writes v with the given decimals and thousands grouping: "1.234,5" in
// Vietnamese, "1,234.5" in English, exactly as the charts print it.
func formatNumber(v float64, decimals int, language string) string {
	return charts.FormatNumber(v, decimals, language)
}

// formatCount writes a whole number with grouping, for row counts.
// formatShortest writes v with as many decimals as it has (up to 6), grouped in
// the officer's language: a value read from a file, shown as it was written.
func formatShortest(v float64) string {
	d := 0
	if s := strconv.FormatFloat(v, 'f', -1, 64); strings.Contains(s, ".") {
		d = len(s) - strings.IndexByte(s, '.') - 1
	}
	return formatNumber(v, min(d, 6), uiLang())
}

func formatCount(n int) string {
	return formatNumber(float64(n), 0, uiLang())
}

// levelName translates a locality level. Levels are data (the 2025 reform removed
// one), so an unknown level is shown as stored rather than hidden.
func levelName(level string) string {
	switch level {
	case "province":
		return lang.L("Province")
	case "district":
		return lang.L("District")
	case "commune":
		return lang.L("Commune")
	}
	return level
}

// notPeriod says that text is not a period and how to write one.
func notPeriod(text string) string {
	return lang.L("“{{.Text}}” is not a period. Write for example Quý 3/2024, Q3/2024, Tháng 7/2024, 6 tháng đầu năm 2024 or 2024.",
		map[string]any{"Text": text})
}

// periodRange reads the periods typed in from and to (blank stays the zero period)
// and says what is wrong with them.
func periodRange(from, to *widget.Entry) (first, last period.Period, problems []string) {
	for _, e := range []struct {
		entry *widget.Entry
		into  *period.Period
	}{{from, &first}, {to, &last}} {
		text := strings.TrimSpace(e.entry.Text)
		if text == "" {
			continue
		}
		p, err := period.Parse(text)
		if err != nil {
			problems = append(problems, notPeriod(text))
			continue
		}
		*e.into = p
	}
	if first.Valid() && last.Valid() && first.Start().After(last.End()) {
		problems = append(problems, lang.L("The first period comes after the last one."))
	}
	return first, last, problems
}

// showProblems shows problems in l, or hides it when there are none, and reports
// whether there were none.
func showProblems(l *widget.Label, problems []string) bool {
	if len(problems) == 0 {
		l.Hide()
		return true
	}
	l.SetText(strings.Join(problems, "\n"))
	l.Show()
	return false
}

// errorText is what the officer is told of err. An error the data layer made of a
// message (a code already in use, a locality still referred to...) is shown in the
// officer's language, inside whatever the error was wrapped in; any other error
// is shown as it is.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if errors.Is(err, data.ErrOutputRefused) {
		return lang.L("Not written: this file is the open database, a file SQLite keeps beside it, or not a regular file. Choose another file name.")
	}
	var m *message.Error
	if !errors.As(err, &m) {
		return s
	}
	translated := m.Render(func(t message.Text) string { return lang.L(t.Template, t.Args) })
	if en := m.Error(); en != "" {
		if i := strings.LastIndex(s, en); i >= 0 {
			return s[:i] + translated + s[i+len(en):]
		}
	}
	return translated
}

// showError shows err in an error dialog, in the officer's language (see errorText).
func showError(err error, win fyne.Window) {
	showClosable(dialog.NewError(errors.New(errorText(err)), win), win)
}
