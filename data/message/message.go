// Package message holds the messages the data packages write for people, so that
// the GUI can show them in the officer's language without data/ knowing of Fyne.
//
// A message is an English template with text/template placeholders ("code {{.Code}}
// is not a locality") and the values of its placeholders. The command line prints
// the English rendering; the GUI looks the template up in its translations, which
// fyne's lang.L renders with the same placeholder syntax. Every template is made by
// New and so registered, which lets a test check that each one has a translation.
package message

import (
	"slices"
	"strings"
	"sync"
	"text/template"
)

var (
	mu       sync.RWMutex
	registry = map[string]*template.Template{}
)

// Template is a registered message template.
type Template struct{ text string }

// New registers text as a message template. Call it in package-level variable
// declarations only, so every template is registered once the package is loaded.
// It panics if text is not a valid template.
func New(text string) Template {
	t := template.Must(template.New("").Option("missingkey=error").Parse(text))
	mu.Lock()
	registry[text] = t
	mu.Unlock()
	return Template{text: text}
}

// With gives the template's placeholders their values: args are name, value pairs,
// as in With("Code", "06484"). It panics on an odd number of arguments.
func (t Template) With(args ...string) Text {
	if len(args)%2 != 0 {
		panic("message: With needs name, value pairs: " + t.text)
	}
	var m map[string]string
	if len(args) > 0 {
		m = make(map[string]string, len(args)/2)
		for i := 0; i < len(args); i += 2 {
			m[args[i]] = args[i+1]
		}
	}
	return Text{Template: t.text, Args: m}
}

// Text is one message: a registered template and the values of its placeholders.
// The zero Text is no message.
type Text struct {
	Template string            // English, with {{.Name}} placeholders; the key of its translations
	Args     map[string]string // the placeholders' values
}

// String renders the message in English. A template that was never registered,
// or that cannot be filled from Args, is returned as it is.
func (t Text) String() string {
	mu.RLock()
	tmpl := registry[t.Template]
	mu.RUnlock()
	if tmpl == nil {
		return t.Template
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, t.Args); err != nil {
		return t.Template
	}
	return b.String()
}

// Templates lists every registered template, sorted.
func Templates() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for text := range registry {
		out = append(out, text)
	}
	slices.Sort(out)
	return out
}

// Registered tells whether text is a registered template.
func Registered(text string) bool {
	mu.RLock()
	defer mu.RUnlock()
	return registry[text] != nil
}
