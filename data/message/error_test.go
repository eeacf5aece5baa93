package message

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var (
	testInUse = New("it is referred to by {{.Refs}}; close it instead")
	testCount = New("{{.N}} reported values")
	testLinks = New("{{.N}} reform links")
)

var errTestNotFound = errors.New("not found")

func TestErrorRendersAndUnwraps(t *testing.T) {
	e := testTemplate.With("Code", "06484", "Date", "30/09/2025").Wrap(errTestNotFound)
	wrapped := fmt.Errorf("save: %w", e)
	if wrapped.Error() != "save: code 06484 is not a locality on 30/09/2025" {
		t.Errorf("Error() = %q", wrapped.Error())
	}
	if !errors.Is(wrapped, errTestNotFound) {
		t.Error("errors.Is does not see the wrapped error")
	}
	var got *Error
	if !errors.As(wrapped, &got) || got.Msg.Template != testTemplate.text {
		t.Errorf("errors.As gave %#v", got)
	}
	if errors.Is(testPlain.With().Err(), errTestNotFound) || testPlain.With().Err().Unwrap() != nil {
		t.Error("an Error without Err unwraps to something")
	}
}

func TestErrorListsAreRenderedPartByPart(t *testing.T) {
	e := testInUse.With().Err().WithList("Refs", []Text{testCount.With("N", "3"), testLinks.With("N", "1")})
	if got, want := e.Error(), "it is referred to by 3 reported values, 1 reform links; close it instead"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var seen []string
	upper := func(t Text) string {
		seen = append(seen, t.Template)
		return strings.ToUpper(t.String())
	}
	if got, want := e.Render(upper), "IT IS REFERRED TO BY 3 REPORTED VALUES, 1 REFORM LINKS; CLOSE IT INSTEAD"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if len(seen) != 3 {
		t.Errorf("render saw %v, want the two parts and the message", seen)
	}
	if e.Msg.Args != nil {
		t.Errorf("rendering changed the message's own arguments: %v", e.Msg.Args)
	}
}
