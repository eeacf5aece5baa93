package message

import (
	"maps"
	"strings"
)

// Error is an error whose text is a message, so that the GUI can show it in the
// officer's language while the command line and logs get the English. Err, if
// set, is the error it stands for (data.ErrNotFound, say): errors.Is and
// errors.As see through an Error to it.
type Error struct {
	Msg Text
	// Lists are placeholders of Msg whose value is a list of messages (the things
	// that refer to a locality, say), each rendered and joined with ", ".
	Lists map[string][]Text
	Err   error
}

// Err makes the message an error.
func (t Text) Err() *Error { return &Error{Msg: t} }

// Wrap makes the message an error that stands for err.
func (t Text) Wrap(err error) *Error { return &Error{Msg: t, Err: err} }

// WithList gives the placeholder name the list parts as its value.
func (e *Error) WithList(name string, parts []Text) *Error {
	if e.Lists == nil {
		e.Lists = map[string][]Text{}
	}
	e.Lists[name] = parts
	return e
}

// Error renders the message in English.
func (e *Error) Error() string { return e.Render(Text.String) }

// Unwrap returns the error the message stands for, if any.
func (e *Error) Unwrap() error { return e.Err }

// Render renders the message with render, which gives the text of one message
// (Text.String for English, a translation in the GUI); the parts of Lists are
// rendered with it too.
func (e *Error) Render(render func(Text) string) string {
	t := e.Msg
	if len(e.Lists) > 0 {
		args := make(map[string]string, len(t.Args)+len(e.Lists))
		maps.Copy(args, t.Args)
		for name, parts := range e.Lists {
			out := make([]string, len(parts))
			for i, p := range parts {
				out[i] = render(p)
			}
			args[name] = strings.Join(out, ", ")
		}
		t.Args = args
	}
	return render(t)
}
