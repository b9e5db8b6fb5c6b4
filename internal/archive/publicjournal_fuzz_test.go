package archive

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/errs"
)

// FuzzParseJournalQuery reads any query string as a public journal search:
// it never panics, gives Invalid with field errors or a query that is
// within the limits, and a query it accepts reads back the same from its
// Values.
func FuzzParseJournalQuery(f *testing.F) {
	for _, s := range []string{"", "q=s%C3%B8knad&fra=2026-01-01&til=31.12.2026&saksnr=2026/12&type=I&enhet=HR&antall=10&etter=5",
		"fra=2026-13-01", "til=1.1.2026", "saksnr=2026/0", "type=X", "etter=-1", "antall=0", "q=%00", "q=%FF%FE", "fra=9999-01-01",
		"q=" + strings.Repeat("a", 201), "saksnr=99999/1", "fra=2026-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseJournalQuery(v)
		if err != nil {
			_, _, fields := errs.Public(err)
			if !errs.Is(errs.Invalid, err) || len(fields) == 0 {
				t.Fatalf("%q: %v without field errors", raw, err)
			}
			return
		}
		if !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > maxJournalText || q.Limit < 0 || q.Limit > MaxJournalLimit || q.After < 0 {
			t.Fatalf("%q: accepted %+v", raw, q)
		}
		if !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To) {
			t.Fatalf("%q: from after to", raw)
		}
		back, err := ParseJournalQuery(q.Values())
		q.After = 0
		if err != nil || back != q {
			t.Fatalf("%q: %+v read back as %+v (%v)", raw, q, back, err)
		}
		if err := q.check(); err != nil {
			t.Fatalf("%q: check refuses %+v: %v", raw, q, err)
		}
	})
}

// FuzzJournalWords stems any text: never a panic, words of letters and
// digits only, each no longer than the word it came from, and stemming is
// stable (a stem's words are itself).
func FuzzJournalWords(f *testing.F) {
	for _, s := range []string{"Søknad om rammetillatelse - gnr/bnr 12/3", "søknaden søknader søknadene", "Vedtaket", "hetslov", "ærlig",
		"bøkene", "\xff\xfe", "a", "ss", "kks", "<script>", "Ølbryggeri AS", "2026/123-4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range journalWords(s) {
			if w == "" || strings.ContainsAny(w, ` "*:^()`) || !utf8.ValidString(w) {
				t.Fatalf("%q: word %q", s, w)
			}
			if again := journalWords(w); len(again) != 1 {
				t.Fatalf("%q: word %q splits into %q", s, w, again)
			}
		}
	})
}
