package catalog

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Barnehage barnehagen barnehagene", []string{"barnehag", "barnehag", "barnehag"}},
		{"barnehageplass", []string{"barnehageplass"}},
		{"Søknad søknaden søknader søknadene", []string{"søknad", "søknad", "søknad", "søknad"}},
		{"skole skolen skolene skoleskyss", []string{"skol", "skol", "skol", "skoleskyss"}},
		{"bilen bilene bilar bilane bil", []string{"bil", "bil", "bil", "bil", "bil"}},
		{"huset hus by byen", []string{"hus", "hus", "by", "byen"}},
		{"kommunens kommune", []string{"kommun", "kommun"}},
		{"eiendom eiendommen eiendomsskatt", []string{"eiendom", "eiendomm", "eiendomsskatt"}},
		{"prosess kurs", []string{"prosess", "kur"}},
		{"FÅR far", []string{"får", "far"}},
		{"Kafé kafe", []string{"kaf", "kaf"}},
		{"Müller Åse Ærlig Øst", []string{"mull", "åse", "ærlig", "øst"}},
		{"ä ö", nil}, // one letter each
		{"Göteborg Mälaren", []string{"gøteborg", "mæl"}},
		{"a\u030as", []string{"ås"}},                           // decomposed å
		{"pa\u030a", []string{"på"}},                           // decomposed å at the end
		{"e-post, 24/7 (SFO)!", []string{"post", "24", "sfo"}}, // punctuation splits
		{"<script>alert(1)</script>", []string{"script", "alert", "script"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWordForms checks the promise of the search: a query word finds the
// inflected forms and compounds of the text, as a prefix of their stems.
func TestWordForms(t *testing.T) {
	tests := []struct{ query, text string }{
		{"barnehage", "barnehageplass"},
		{"barnehage", "barnehagen"},
		{"barnehagen", "barnehage"},
		{"skole", "skoleskyss"},
		{"søknad", "søknader"},
		{"søknader", "søknad"},
		{"søke", "søknad"},
		{"eiendomsskatt", "eiendomsskatten"},
		{"bustad", "bustadene"},
		{"kafe", "kafé"},
	}
	for _, tt := range tests {
		q := parseQuery(tt.query)
		if len(q) != 1 {
			t.Fatalf("parseQuery(%q) = %v", tt.query, q)
		}
		terms := Normalize(tt.text)
		if len(terms) != 1 || !strings.HasPrefix(terms[0], q[0].stem) {
			t.Errorf("%q (%q) does not find %q (%q)", tt.query, q[0].stem, tt.text, terms)
		}
	}
	for _, tt := range []struct{ query, text string }{{"får", "far"}, {"skole", "skyss"}} {
		if strings.HasPrefix(Normalize(tt.text)[0], parseQuery(tt.query)[0].stem) {
			t.Errorf("%q finds %q", tt.query, tt.text)
		}
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in        string
		words     []string
		stems     []string
		truncated bool
	}{
		{"Hvordan søker jeg om barnehageplass?", []string{"søker", "barnehageplass"}, []string{"søk", "barnehageplass"}, false},
		{"og i på å", nil, nil, false},
		{"!!! ... ???", nil, nil, false},
		{"the and of", []string{"and"}, []string{"and"}, false}, // "and" (duck) is a Norwegian word
		{"Kafé kafé KAFE", []string{"kafé"}, []string{"kaf"}, false},
		{"x", nil, nil, false},
		{"ord a b c d e f g h i j k l m n o p q r s t u v w x y z", []string{"ord"}, []string{"ord"}, false},
		{"en to tre fire fem seks sju åtte ni ti elleve tolv tretten fjorten femten", nil, nil, true},
	}
	for _, tt := range tests {
		got := parseQuery(tt.in)
		if tt.truncated {
			if len(got) != maxQueryTerms {
				t.Errorf("parseQuery(%q) has %d terms, want %d", tt.in, len(got), maxQueryTerms)
			}
			continue
		}
		var words, stems []string
		for _, q := range got {
			words, stems = append(words, q.word), append(stems, q.stem)
		}
		if !slices.Equal(words, tt.words) || !slices.Equal(stems, tt.stems) {
			t.Errorf("parseQuery(%q) = %q / %q, want %q / %q", tt.in, words, stems, tt.words, tt.stems)
		}
	}
}

// checkTerms checks the properties every result of Normalize has.
func checkTerms(t *testing.T, in string, terms []string) {
	t.Helper()
	for _, term := range terms {
		if utf8.RuneCountInString(term) < minTermRunes {
			t.Fatalf("Normalize(%q) has the short term %q", in, term)
		}
		if !utf8.ValidString(term) {
			t.Fatalf("Normalize(%q) has the invalid term %q", in, term)
		}
		for _, r := range term {
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
				t.Fatalf("Normalize(%q) has the term %q with %U", in, term, r)
			}
		}
		if fold(term) != term {
			t.Fatalf("Normalize(%q) has the term %q, which is not folded", in, term)
		}
	}
}

// FuzzNormalize checks that the normaliser never panics, returns only terms
// of letters and digits of at least two runes, and is idempotent: the
// terms, normalised again, are the same terms. That is what lets the index
// and the query meet.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"barnehagen", "Søknad om barnehageplass", "a\u030a", "İstanbul", "ǅemal", "ß", "\xff\xfe", "K\u212a", "ﬁnn", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "e\u0301\u0301", "١٢٣", "lærere"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms := Normalize(s)
		checkTerms(t, s, terms)
		again := Normalize(strings.Join(terms, " "))
		if !slices.Equal(terms, again) {
			t.Fatalf("not idempotent: Normalize(%q) = %q, again %q", s, terms, again)
		}
		for _, q := range parseQuery(s) {
			if q.word == "" || q.stem == "" || strings.ContainsAny(q.word, "\"'&|!():*<>\\ ") {
				t.Fatalf("parseQuery(%q) gives the term %+v", s, q)
			}
		}
	})
}

func TestSnippet(t *testing.T) {
	terms := parseQuery("barnehage")
	render := func(seg []Segment) string {
		var b strings.Builder
		for _, s := range seg {
			if s.Mark {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	if got := render(highlight("Søknad om  barnehageplass\ni Barnehagen", terms)); got != "Søknad om [barnehageplass] i [Barnehagen]" {
		t.Errorf("highlight = %q", got)
	}
	long := strings.Repeat("ord ", 40) + "barnehagen er fin. " + strings.Repeat("mer ", 40)
	seg, ok := snippet(long, terms, 10)
	if got := render(seg); !ok || got != "… ord ord ord ord ord ord ord ord [barnehagen] er …" {
		t.Errorf("snippet = %q, %v", got, ok)
	}
	if _, ok := snippet("ingenting her", terms, 10); ok {
		t.Error("snippet without a match says it matched")
	}
	if got := render(excerpt("En kort tekst.", 10)); got != "En kort tekst." {
		t.Errorf("excerpt = %q", got)
	}
	if got := render(excerpt(strings.Repeat("ord ", 20), 3)); got != "ord ord ord …" {
		t.Errorf("excerpt = %q", got)
	}
	// Markup in the text stays text: the template escapes it.
	seg = highlight("<script>alert(1)</script> barnehage", terms)
	if render(seg) != "<script>alert(1)</script> [barnehage]" {
		t.Errorf("highlight = %q", render(seg))
	}
}

func TestBlocks(t *testing.T) {
	got := blocks("Første avsnitt\nfortsetter her.\n\nDette trenger du:\n- ett\n- to\n\n• tre\nSiste.")
	want := []block{
		{Text: "Første avsnitt fortsetter her."},
		{Text: "Dette trenger du:"},
		{Items: []string{"ett", "to"}},
		{Items: []string{"tre"}},
		{Text: "Siste."},
	}
	if len(got) != len(want) {
		t.Fatalf("blocks = %+v", got)
	}
	for i := range want {
		if got[i].Text != want[i].Text || !slices.Equal(got[i].Items, want[i].Items) {
			t.Errorf("block %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestCompareNorwegian(t *testing.T) {
	list := []string{"Åpningstider", "Ørret", "Ærlig", "Zebra", "apal", "Bil"}
	slices.SortFunc(list, compareNorwegian)
	if want := []string{"apal", "Bil", "Zebra", "Ærlig", "Ørret", "Åpningstider"}; !slices.Equal(list, want) {
		t.Errorf("sorted %q, want %q", list, want)
	}
}
