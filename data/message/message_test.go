package message

import (
	"slices"
	"testing"
)

var (
	testTemplate = New("code {{.Code}} is not a locality on {{.Date}}")
	testPlain    = New("no locality code; write the official code of the commune")
)

func TestWithRendersInEnglish(t *testing.T) {
	m := testTemplate.With("Code", "06484", "Date", "30/09/2025")
	if m.Template != "code {{.Code}} is not a locality on {{.Date}}" || m.Args["Code"] != "06484" || len(m.Args) != 2 {
		t.Fatalf("With gave %#v", m)
	}
	if got, want := m.String(), "code 06484 is not a locality on 30/09/2025"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// Values are not templates: braces in a cell stay as they are.
	if got := testTemplate.With("Code", "{{.Date}}", "Date", "x").String(); got != "code {{.Date}} is not a locality on x" {
		t.Errorf("a value was read as a template: %q", got)
	}
	p := testPlain.With()
	if p.Args != nil || p.String() != "no locality code; write the official code of the commune" {
		t.Errorf("a message without arguments: %#v renders %q", p, p.String())
	}
}

func TestStringFallsBackToTheTemplate(t *testing.T) {
	missing := testTemplate.With("Code", "06484") // no Date
	if got := missing.String(); got != missing.Template {
		t.Errorf("a missing argument renders %q, want the template", got)
	}
	unknown := Text{Template: "never registered {{.X}}", Args: map[string]string{"X": "1"}}
	if got := unknown.String(); got != unknown.Template {
		t.Errorf("an unregistered template renders %q", got)
	}
	if (Text{}).String() != "" {
		t.Error("the zero Text is not empty")
	}
}

func TestRegistry(t *testing.T) {
	all := Templates()
	if !slices.IsSorted(all) || !slices.Contains(all, testTemplate.text) || !slices.Contains(all, testPlain.text) {
		t.Fatalf("Templates() = %q", all)
	}
	if !Registered(testPlain.text) || Registered("never registered {{.X}}") || Registered("") {
		t.Error("Registered is wrong")
	}
}

func TestOddArgumentsPanic(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("With with an odd number of arguments did not panic")
		}
	}()
	//lint:ignore SA5012 the mistake this test is about
	testTemplate.With("Code")
}

func TestNewPanicsOnABadTemplate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted a broken template")
		}
	}()
	New("{{.Code")
}
