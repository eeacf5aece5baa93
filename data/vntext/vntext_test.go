package vntext

import (
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"danvan/assets"
)

func TestNFC(t *testing.T) {
	nfd := norm.NFD.String("Hữu Lễ")
	if nfd == "Hữu Lễ" {
		t.Fatal("test setup: NFD form should differ from NFC")
	}
	if got := NFC(nfd); got != "Hữu Lễ" {
		t.Errorf("NFC(NFD) = %q, want %q", got, "Hữu Lễ")
	}
}

func TestNormalizeTone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hoà", "Hòa"},
		{"Hòa", "Hòa"},
		{"Thuỷ", "Thủy"},
		{"Khoẻ", "Khỏe"},
		{"HOÀ", "HÒA"},
		{"hoÀ", "hòA"}, // case stays with the letter position
		{"THUỶ", "THỦY"},
		{"Xã Hoà Bình", "Xã Hòa Bình"},
		{"Phường Hoà Bình, Quận Thuỷ Nguyên", "Phường Hòa Bình, Quận Thủy Nguyên"},
		{"Uỷ ban nhân dân", "Ủy ban nhân dân"},
		{"Hoá", "Hóa"},
		{"Hoạ", "Họa"},
		{"Hoã", "Hõa"},
		{"Đoà", "Đòa"},
		{"Khuỵ", "Khụy"},
		{"Thanh Hoá-Nghệ An", "Thanh Hóa-Nghệ An"},
		{"(Hoà)", "(Hòa)"},
		// Same placement in both styles: must not move.
		{"Quý", "Quý"},
		{"QUỲ", "QUỲ"},
		{"Hoàng", "Hoàng"},
		{"Hoài", "Hoài"},
		{"Xoáy", "Xoáy"},
		{"Khuỷu", "Khuỷu"},
		{"Toàn", "Toàn"},
		{"mùa", "mùa"},
		// Not Vietnamese, or no tone: unchanged.
		{"", ""},
		{"Hoa", "Hoa"},
		{"café", "café"},
		{"Zoë", "Zoë"},
		{"São Paulo", "São Paulo"},
		{"Straße", "Straße"},
		{"Москва", "Москва"},
		{"北京", "北京"},
		{"schoà", "schoà"}, // "sch" is no Vietnamese initial
	}
	for _, tt := range tests {
		if got := NormalizeTone(tt.in); got != tt.want {
			t.Errorf("NormalizeTone(%q) = %q, want %q", tt.in, got, tt.want)
		}
		nfd := norm.NFD.String(tt.in)
		if got := NormalizeTone(nfd); got != tt.want {
			t.Errorf("NormalizeTone(NFD %q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := NormalizeTone(tt.want); got != tt.want {
			t.Errorf("NormalizeTone(%q) not idempotent: %q", tt.want, got)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hữu Lễ", "huu le"},
		{"  Xã   Hữu\tLễ \n", "xa huu le"},
		{"Đông Đức", "dong duc"},
		{"ĐƯỜNG", "duong"},
		{"Ðông", "dong"}, // U+00D0 eth, from legacy encodings
		{"Hoà", "hoa"},
		{"Hòa", "hoa"},
		{"Phường 10", "phuong 10"},
		{"huu le", "huu le"},
		{"", ""},
		{" \u00a0 ", ""},
		{"Москва", "москва"},
		{"\u212bngström", "angstrom"}, // Ångström sign lower-cases to å, which must fold on
		{"Ά", "α"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Fold(norm.NFD.String(tt.in)); got != tt.want {
			t.Errorf("Fold(NFD %q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldCoversVietnameseAlphabet(t *testing.T) {
	// Every vowel with every modifier and tone, in both cases, must fold to
	// its bare ASCII letter; a gap in the tables would break search silently.
	for _, base := range "aăâeêioôơuưy" {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"} {
			for _, up := range []bool{false, true} {
				s := norm.NFC.String(string(base) + tone)
				if up {
					s = strings.ToUpper(s)
				}
				want := string(norm.NFD.String(string(base))[0])
				if got := Fold(s); got != want {
					t.Errorf("Fold(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Mã địa bàn", "madiaban"},
		{"Kỳ báo cáo", "kybaocao"},
		{"MA_DIA_BAN", "madiaban"},
		{" Số hộ (đã vận động) ", "sohodavandong"},
		{"Chỉ tiêu 2024", "chitieu2024"},
		{"Москва", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSameName(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Hoà", "Hòa", true},
		{"Thuỷ", "Thủy", true},
		{"Khoẻ", "Khỏe", true},
		{"HOÀ BÌNH", "hòa bình", true},
		{"Xã Hoà Bình", norm.NFD.String("Xã Hòa Bình"), true},
		{"Xã  Hòa Bình ", "Xã Hòa Bình", true},
		{"Hòa", "Hoa", false},
		{"Hòa", "Hóa", false},
		{"Đông", "Dong", false},
		{"Quý", "Qúy", false}, // misplaced, not a style variant
	}
	for _, tt := range tests {
		if got := SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		h, n string
		want bool
	}{
		{"Xã Hữu Lễ", "huu le", true},
		{"Xã Hữu Lễ", "HỮU LỄ", true},
		{"Xã Hữu Lễ", "hữu  lễ", true},
		{"Phường Hòa Bình", "Hoà", true},
		{"Phường Hoà Bình", "hòa b", true},
		{norm.NFD.String("Phường Hòa Bình"), "hoa binh", true},
		{"Đông Hà", "dong ha", true},
		{"Xã Hữu Lễ", "", true},
		{"Xã Hữu Lễ", "huu lee", false},
		{"Xã Hữu Lễ", "lễ hữu", false},
		{"", "a", false},
		// Longer than the stack buffers.
		{strings.Repeat("Xã Hữu Lễ ", 50) + "Đích", "le dich", true},
	}
	for _, tt := range tests {
		if got := Contains(tt.h, tt.n); got != tt.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", tt.h, tt.n, got, tt.want)
		}
	}
}

func TestSortStrings(t *testing.T) {
	tests := []struct{ in, want []string }{
		{
			[]string{"Đông", "Dương", "An", "Ân", "Ăn", "Bình"},
			[]string{"An", "Ăn", "Ân", "Bình", "Dương", "Đông"},
		},
		{
			[]string{"Ơn", "Ôn", "On", "Ưu", "Uy", "Êm", "Em"},
			[]string{"Em", "Êm", "On", "Ôn", "Ơn", "Uy", "Ưu"},
		},
		{
			[]string{"Phường 10", "Phường 2", "Phường 1"},
			[]string{"Phường 1", "Phường 2", "Phường 10"},
		},
	}
	for _, tt := range tests {
		got := slices.Clone(tt.in)
		SortStrings(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("SortStrings(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCollatorCompare(t *testing.T) {
	c := NewCollator()
	tests := []struct {
		a, b string
		want int
	}{
		{"Dương", "Đông", -1},
		{"Đông", "Dương", 1},
		{"Ăn", "Ân", -1},
		{"Hoà Bình", "Hòa Bình", 0},
		{"Hoa", "Hòa", -1},
		{"Phường 9", "Phường 10", -1},
	}
	for _, tt := range tests {
		if got := c.Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSortStringsConcurrent(t *testing.T) {
	// Run with -race: SortStrings must not share a collator between calls.
	want := []string{"An", "Ăn", "Ân", "Bình", "Dương", "Đông"}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				ss := []string{"Đông", "Dương", "An", "Ân", "Ăn", "Bình"}
				SortStrings(ss)
				if !slices.Equal(ss, want) {
					errs <- strings.Join(ss, ",")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent SortStrings gave %s", e)
	}
}

// localityNames reads the name column of an official list shipped in assets.
func localityNames(tb testing.TB, file string) []string {
	tb.Helper()
	f, err := assets.Localities.Open("localities/" + file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	if len(rows) < 2 || !slices.Equal(rows[0], []string{"code", "name", "level", "parent_code"}) {
		tb.Fatalf("%s: unexpected header %q", file, rows[0])
	}
	names := make([]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		names = append(names, r[1])
	}
	return names
}

func TestNormalizeToneOfficialLists(t *testing.T) {
	before := localityNames(t, "vn-localities-2025-06-30.csv")
	after := localityNames(t, "vn-localities-2025-07-01.csv")

	for _, list := range [][]string{before, after} {
		for _, name := range list {
			n := NormalizeTone(name)
			if NormalizeTone(n) != n {
				t.Errorf("NormalizeTone not idempotent on %q: %q then %q", name, n, NormalizeTone(n))
			}
			// Only the tone may move: the letters and the tone itself stay.
			if Fold(n) != Fold(name) || len([]rune(n)) != len([]rune(name)) {
				t.Errorf("NormalizeTone(%q) = %q changed more than tone placement", name, n)
			}
			// The new-style "oà"/"oẻ" must not survive at a syllable end.
			for _, bad := range []string{"oà", "oá", "oả", "oã", "oạ", "oè", "oé", "oẻ", "oẽ", "oẹ"} {
				if strings.Contains(strings.ToLower(n)+" ", bad+" ") {
					t.Errorf("NormalizeTone(%q) = %q still has %q", name, n, bad)
				}
			}
		}
	}

	inBefore := map[string]bool{}
	for _, n := range before {
		inBefore[n] = true
	}
	if !inBefore["Xã Hòa Bình"] {
		t.Fatal(`"Xã Hòa Bình" missing from the 2025-06-30 list`)
	}
	if !slices.Contains(after, "Xã Hoà Bình") {
		t.Fatal(`"Xã Hoà Bình" missing from the 2025-07-01 list`)
	}
	if NormalizeTone("Xã Hoà Bình") != NormalizeTone("Xã Hòa Bình") {
		t.Error(`"Xã Hoà Bình" and "Xã Hòa Bình" normalize differently`)
	}

	// Group every name of both lists by its letters and its multiset of
	// tones: names in one group differ at most in where the tone sits, and
	// NormalizeTone must give them all one spelling.
	groups := map[string]map[string]bool{}
	for _, n := range append(slices.Clone(before), after...) {
		sig := toneSignature(n)
		if groups[sig] == nil {
			groups[sig] = map[string]bool{}
		}
		groups[sig][n] = true
	}
	variants := 0
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		variants++
		normalized := map[string]bool{}
		for n := range g {
			normalized[NormalizeTone(n)] = true
		}
		if len(normalized) != 1 {
			t.Errorf("spellings %q normalize to %q, want one form", slices.Sorted(maps.Keys(g)), slices.Sorted(maps.Keys(normalized)))
		}
	}
	// Guards against the data or the grouping silently changing: the lists
	// are known to carry about a hundred such doubly-spelled names.
	if variants < 90 {
		t.Errorf("found %d names spelled with different tone placement, want at least 90", variants)
	}
	t.Logf("%d names occur with more than one tone placement; all unified", variants)
}

// toneSignature is s with each word's tone marks moved to the word's end
// and sorted: equal for two spellings that differ only in where a tone sits
// inside a syllable ("Đông Cường" and "Đồng Cương" stay different).
func toneSignature(s string) string {
	var sig []string
	for _, word := range strings.Fields(norm.NFD.String(s)) {
		var letters, tones []rune
		for _, r := range word {
			switch r {
			case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
				tones = append(tones, r)
			default:
				letters = append(letters, r)
			}
		}
		slices.Sort(tones)
		sig = append(sig, string(letters)+string(tones))
	}
	return strings.Join(sig, " ")
}

func FuzzNormalizeTone(f *testing.F) {
	for _, s := range []string{"Hoà", "Thuỷ", "KHOẺ", "Quý", "Hoàng", "\xff\xfeoà", "o\u0301a\u0300", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeTone(s)
		if NormalizeTone(n) != n {
			t.Errorf("not idempotent: %q -> %q -> %q", s, n, NormalizeTone(n))
		}
		if Fold(n) != Fold(NFC(s)) {
			t.Errorf("changed letters: %q -> %q", s, n)
		}
		if !SameName(s, n) {
			t.Errorf("SameName(%q, %q) = false", s, n)
		}
		if f := Fold(s); Fold(f) != f {
			t.Errorf("Fold not idempotent: %q -> %q -> %q", s, f, Fold(f))
		}
		if Key(Fold(s)) != Key(s) {
			t.Errorf("Key(Fold(%q)) = %q, Key = %q", s, Key(Fold(s)), Key(s))
		}
		if !Contains(s, Fold(s)) {
			t.Errorf("Contains(%q, Fold(%q)) = false", s, s)
		}
	})
}

func allNames(b *testing.B) []string {
	b.Helper()
	return append(localityNames(b, "vn-localities-2025-06-30.csv"), localityNames(b, "vn-localities-2025-07-01.csv")...)
}

func BenchmarkFold(b *testing.B) {
	names := allNames(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, n := range names {
			Fold(n)
		}
	}
}

// BenchmarkContains is one keystroke in the locality search box: the whole
// 14,000-name list is scanned.
func BenchmarkContains(b *testing.B) {
	names := allNames(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		hits := 0
		for _, n := range names {
			if Contains(n, "hoa binh") {
				hits++
			}
		}
		if hits == 0 {
			b.Fatal("no hits")
		}
	}
}
