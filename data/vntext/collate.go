package vntext

import (
	"bytes"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Collator orders strings alphabetically the Vietnamese way: a < ă < â < b,
// d < đ, e < ê, o < ô < ơ, u < ư, with tones deciding only between otherwise
// equal words. Digit runs compare by value, so "Phường 2" sorts before
// "Phường 10" as officers expect.
//
// A Collator is not safe for concurrent use, because the underlying
// collate.Collator keeps scratch buffers. Give each goroutine its own, or use
// SortStrings, which makes a fresh one per call.
type Collator struct {
	c *collate.Collator
}

// NewCollator returns a Collator for Vietnamese.
func NewCollator() *Collator {
	return &Collator{c: collate.New(language.Vietnamese, collate.Numeric)}
}

// Compare returns -1, 0 or 1 as a sorts before, with or after b. Tone-mark
// placement is normalized first so that "Hoà" and "Hòa" compare equal, in
// agreement with SameName.
func (c *Collator) Compare(a, b string) int {
	return c.c.CompareString(NormalizeTone(a), NormalizeTone(b))
}

// SortStrings sorts ss in Vietnamese alphabetical order. Equal strings keep
// their relative order. It is safe to call from several goroutines on
// different slices.
func SortStrings(ss []string) {
	c := NewCollator()
	// Keys are computed once per string rather than once per comparison,
	// which matters for lists of ten thousand communes.
	var buf collate.Buffer
	type keyed struct {
		key []byte
		s   string
	}
	ks := make([]keyed, len(ss))
	for i, s := range ss {
		ks[i] = keyed{c.c.KeyFromString(&buf, NormalizeTone(s)), s}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return bytes.Compare(a.key, b.key) })
	for i := range ks {
		ss[i] = ks[i].s
	}
}
