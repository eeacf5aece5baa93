package ui

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"text/template"

	"golang.org/x/text/unicode/norm"

	"danvan/data"
	"danvan/data/message"
	"danvan/data/period"
	"danvan/data/tabular"
)

// messagePackages make every message an import can show; their templates are
// registered when they are loaded, and the Import screen loads them all.
var messagePackages = []string{"../data/importer", "../data/tabular", "../data/period", "../data"}

// Every message the importer, the file reader and the period parser can give has
// an English and a Vietnamese translation with the same placeholders, so a message
// added without its translation fails here.
func TestImportMessagesAreTranslated(t *testing.T) {
	en, vi := readTranslation(t, "en.json"), readTranslation(t, "vi.json")
	templates := message.Templates()
	// One message of each package, made the way the importer meets them, shows
	// that their templates are among those checked.
	_, err := period.Parse("Q5/2024")
	var pe *period.ParseError
	_, _, nerr := tabular.ParseNumber("12abc", tabular.DotDecimal)
	var te *tabular.Error
	if !errors.As(err, &pe) || !errors.As(nerr, &te) {
		t.Fatalf("no message errors: %v, %v", err, nerr)
	}
	// The data layer's own messages, which editing by hand can give, are checked too.
	refs := data.References{Values: 1}.Parts()
	if len(refs) != 1 {
		t.Fatalf("References{Values: 1} lists %v", refs)
	}
	for _, want := range []string{pe.Msg.Template, te.Msg.Template, refs[0].Template} {
		if !slices.Contains(templates, want) {
			t.Errorf("%q is not registered", want)
		}
	}
	if len(templates) < 60 {
		t.Fatalf("only %d templates registered", len(templates))
	}

	placeholder := regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)
	names := func(s string) []string {
		var out []string
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, k := range templates {
		if e, ok := en[k].(string); !ok || e != k {
			t.Errorf("en.json: %q is not translated to itself", k)
		}
		v, ok := vi[k].(string)
		if !ok {
			t.Errorf("vi.json lacks %q", k)
			continue
		}
		if v == k || !norm.NFC.IsNormalString(v) {
			t.Errorf("vi.json: %q is not translated, or not in NFC: %q", k, v)
		}
		if !slices.Equal(names(v), names(k)) {
			t.Errorf("vi.json: %q has placeholders %v, the English %v", v, names(v), names(k))
		}
		if _, err := template.New("").Parse(v); err != nil {
			t.Errorf("vi.json: %q: %v", v, err)
		}
	}
}

// A message made without message.New would not be registered, and so neither
// translated nor checked above.
func TestImportMessagesAreAllRegistered(t *testing.T) {
	literal := regexp.MustCompile(`message\.Text\{[^}]`)
	for _, dir := range messagePackages {
		for f, src := range goSources(t, dir) {
			if loc := literal.FindIndex(src); loc != nil {
				t.Errorf("%s makes a message.Text by hand (%q); make its template with message.New", f, src[loc[0]:min(loc[1]+40, len(src))])
			}
		}
	}
}
