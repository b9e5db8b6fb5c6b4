package receipt

import (
	"encoding/json"
	"github.com/torg-ekommune/torg/internal/pdftext"
	"io/fs"
	"strings"
	"testing"
	"time"
)

func TestToWinAnsi(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hei", "Hei"},
		{"æøåÆØÅ éü", "\xE6\xF8\xE5\xC6\xD8\xC5 \xE9\xFC"},
		{"a\u030Ao\u0308E\u0301", "\xE5\xF6\xC9"}, // decomposed
		{"c\u030C", "?"},  // č has no code
		{"\u030A", "?"},   // a mark alone
		{"1\u030A", "1?"}, // on a digit
		{"€ – — … „sitat“ ‘x’ • ™ Šž", "\x80 \x96 \x97 \x85 \x84sitat\x93 \x91x\x92 \x95 \x99 \x8A\x9E"},
		{"a\tb\u00A0c\u202Fd", "a b\xA0c d"},
		{"l1\r\nl2\rl3\nl4\u2028l5", "l1\nl2\nl3\nl4\nl5"},
		{"soft\u00ADhyphen\u200B", "softhyphen"},
		{"\u2212 5 \u2011", "- 5 -"},
		{"Čeština 😀 日本 ŋ đ", "?e\x9Atina ? ?? ? ?"},
		{"bad\xff\xfe", "bad??"},
		{"ctl\x01\x7f\u0085", "ctl???"},
	} {
		if got := string(pdftext.Encode(tc.in)); got != tc.want {
			t.Errorf("pdftext.Encode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestGlyphWidths(t *testing.T) {
	for _, tc := range []struct {
		f    pdftext.Font
		c    byte
		want int
	}{
		{pdftext.Regular, ' ', 278}, {pdftext.Regular, 'A', 667}, {pdftext.Regular, 'i', 222}, {pdftext.Regular, 0xE6, 889}, // æ
		{pdftext.Regular, 0xF8, 611}, {pdftext.Regular, 0xC5, 667}, {pdftext.Regular, 0x80, 556}, {pdftext.Regular, 0x97, 1000},
		{pdftext.Bold, 'A', 722}, {pdftext.Bold, 'i', 278}, {pdftext.Bold, 0xD8, 778}, {pdftext.Mono, 'W', 600},
	} {
		if got := pdftext.Width(tc.f, tc.c); got != tc.want {
			t.Errorf("pdftext.Width(%d, %#x) = %d, want %d", tc.f, tc.c, got, tc.want)
		}
	}
	for c := 0x20; c <= 0xFF; c++ {
		undefined := c == 0x7F || c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D
		if w := pdftext.Width(pdftext.Regular, byte(c)); (w == 0) != undefined {
			t.Errorf("Helvetica %#x: width %d", c, w)
		}
	}
}

func TestWrap(t *testing.T) {
	str := func(lines [][]byte) string {
		var s []string
		for _, l := range lines {
			s = append(s, string(l))
		}
		return strings.Join(s, "|")
	}
	w := func(s string, width float64) string {
		return str(pdftext.Wrap([]byte(s), pdftext.Regular, 10, width))
	}
	// "aaaa" is 4 × 5.56 = 22.24 points at 10 points.
	for _, tc := range []struct {
		in    string
		width float64
		want  string
	}{
		{"", 100, ""},
		{"\n\n", 100, ""},
		{"aaaa aaaa", 100, "aaaa aaaa"},
		{"aaaa aaaa", 30, "aaaa|aaaa"},
		{"aaaa   aaaa", 30, "aaaa|aaaa"},
		{"aaaaaaaaaa", 23, "aaaa|aaaa|aa"},
		{"a\n\nb\n", 100, "a||b"},
		{"   ", 100, ""},
		{"x aaaaaaaaaa y", 23, "x|aaaa|aaaa|aa y"},
	} {
		if got := w(tc.in, tc.width); got != tc.want {
			t.Errorf("pdftext.Wrap(%q, %v) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
	for _, l := range pdftext.Wrap([]byte(strings.Repeat("Blåbærsyltetøy ", 100)), pdftext.Bold, 10, labelWidth) {
		if pdftext.TextWidth(pdftext.Bold, 10, l) > labelWidth {
			t.Errorf("line %q is too wide", l)
		}
	}
}

func TestTexts(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 15, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 14, 22, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang, when, whenSummer, days, day, size string
	}{
		{"nb", "1. mars 2026 kl. 10.15 (norsk tid)", "15. juli 2026 kl. 00.05 (norsk tid)", "Du får svar innen 30 dager.", "Du får svar innen 1 dag.", "1,2 MB"},
		{"nn", "1. mars 2026 kl. 10.15 (norsk tid)", "15. juli 2026 kl. 00.05 (norsk tid)", "Du får svar innan 30 dagar.", "Du får svar innan 1 dag.", "1,2 MB"},
		{"en", "1 March 2026 at 10:15 (Norwegian time)", "15 July 2026 at 00:05 (Norwegian time)", "You will get an answer within 30 days.", "You will get an answer within 1 day.", "1.2 MB"},
	} {
		tx := textsFor(tc.lang)
		if got := tx.when(at); got != tc.when {
			t.Errorf("%s: when = %q, want %q", tc.lang, got, tc.when)
		}
		if got := tx.when(summer); got != tc.whenSummer {
			t.Errorf("%s: when = %q, want %q", tc.lang, got, tc.whenSummer)
		}
		if got := tx.processing(30); got != tc.days {
			t.Errorf("%s: processing(30) = %q", tc.lang, got)
		}
		if got := tx.processing(1); got != tc.day {
			t.Errorf("%s: processing(1) = %q", tc.lang, got)
		}
		if tx.processing(0) != "" {
			t.Errorf("%s: processing(0) is not empty", tc.lang)
		}
		if got := tx.size(1234567); got != tc.size {
			t.Errorf("%s: size = %q, want %q", tc.lang, got, tc.size)
		}
	}
	nb := textsFor("nb")
	for n, want := range map[int64]string{0: "0 byte", 999: "999 byte", 1000: "1,0 kB", 999949: "999,9 kB", 999950: "1,0 MB", 5e9: "5,0 GB", 1<<53 - 1: "9,0 PB"} {
		if got := nb.size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestOsloFallback checks the built-in summer time rule against the time
// zone database, where there is one.
func TestOsloFallback(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no time zone database: ", err)
	}
	for at := time.Date(1997, 1, 1, 0, 30, 0, 0, time.UTC); at.Year() < 2040; at = at.Add(7*time.Hour + 13*time.Minute) {
		want := at.In(loc)
		got := osloFallback(at)
		if got.Format("2006-01-02 15:04") != want.Format("2006-01-02 15:04") {
			t.Fatalf("osloFallback(%v) = %v, want %v", at, got, want)
		}
	}
	for _, at := range []time.Time{
		time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 25, 0, 59, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC),
	} {
		if got, want := osloFallback(at), at.In(loc); !got.Equal(want) || got.Format("15:04") != want.Format("15:04") {
			t.Errorf("osloFallback(%v) = %v, want %v", at, got, want)
		}
	}
}

func TestMessages(t *testing.T) {
	var keys []string
	for _, lang := range []string{"nb", "nn", "en"} {
		b, err := fs.ReadFile(Messages(), lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		want := []string{"receipt.verify.valid"}
		for c := NotReceipt; c <= WrongMunicipality; c++ {
			want = append(want, c.Key())
		}
		for _, k := range want {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s.json: no %s", lang, k)
			}
		}
		if len(m) != len(want) {
			t.Errorf("%s.json: %d messages, want %d", lang, len(m), len(want))
		}
		if !strings.Contains(m["receipt.verify.valid"], "%s") {
			t.Errorf("%s.json: receipt.verify.valid does not take the municipality", lang)
		}
		keys = append(keys, lang)
	}
	if len(keys) != 3 {
		t.Error(keys)
	}
}
