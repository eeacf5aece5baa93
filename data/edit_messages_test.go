package data

import (
	"context"
	"errors"
	"testing"

	"danvan/data/message"
)

// The errors an officer meets while editing are messages, so the GUI can
// translate them, with dates written dd/mm/yyyy, and still say what they stand for.
func TestEditErrorsAreMessages(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	asMessage := func(err error) message.Text {
		t.Helper()
		var m *message.Error
		if !errors.As(err, &m) {
			t.Fatalf("%v is not a message", err)
		}
		return m.Msg
	}

	_, err := w.s.AddLocality(ctx, Locality{Code: "00004", Name: "Trùng mã", Level: "commune", ParentID: w.loc["A"], ValidFrom: date("2026-01-01")})
	if m := asMessage(err); m.Template != msgCodeInUse.With().Template || m.Args["Code"] != "00004" || m.Args["Date"] != "01/01/2026" {
		t.Errorf("a reused code: %#v", m)
	}
	if got, want := err.Error(), "code 00004 is already used by another locality in force on 01/01/2026; codes are unique among localities in force on the same day"; got != want {
		t.Errorf("a reused code reads %q, want %q", got, want)
	}

	err = w.s.RenameLocality(ctx, 1<<40, "Không có")
	if !errors.Is(err, ErrNotFound) || asMessage(err).Template != msgLocalityNotFound.With().Template {
		t.Errorf("renaming a missing locality: %v", err)
	}
	if _, err := w.s.UnitByCode(ctx, "KHONG-CO"); !errors.Is(err, ErrNotFound) || asMessage(err).Args["Code"] != "KHONG-CO" {
		t.Errorf("a missing unit: %v", err)
	}

	p := w.prog
	p.Contents = nil
	p.Indicators = []ProgramIndicator{{Indicator: w.sum, KeyContent: 9}}
	_, err = w.s.SaveProgram(ctx, p)
	if got, want := err.Error(), "indicator "+w.sum.Code+" is under key content 9, which the program does not have"; got != want {
		t.Errorf("saving a program with a missing key content: %q, want %q", got, want)
	}
	p.End = p.Start.AddDate(0, 0, -1)
	if _, err := w.s.SaveProgram(ctx, p); asMessage(err).Args["End"] != dmy(p.End) {
		t.Errorf("a program ending before it starts: %v", err)
	}

	err = w.s.DeleteLocality(ctx, w.loc["C1"])
	var m *message.Error
	if !errors.As(err, &m) || len(m.Lists["Refs"]) == 0 {
		t.Fatalf("deleting a locality with values: %v", err)
	}
	for _, p := range m.Lists["Refs"] {
		if !message.Registered(p.Template) || p.Args["N"] == "" {
			t.Errorf("a part of what refers to it is not a message: %#v", p)
		}
	}
}

func TestReferencesListEachKindThatRefers(t *testing.T) {
	r := References{Children: 2, Values: 0, Targets: 3, Links: 1}
	if got, want := r.String(), "2 localities under it, 3 targets, 1 reform links"; got != want {
		t.Errorf("References.String() = %q, want %q", got, want)
	}
	u := UnitReferences{Values: 5, Programs: 1}
	if got, want := u.String(), "5 reported values, 1 programs"; got != want {
		t.Errorf("UnitReferences.String() = %q, want %q", got, want)
	}
	if (References{}).String() != "" || len((UnitReferences{}).Parts()) != 0 {
		t.Error("nothing refers, yet something is listed")
	}
}
