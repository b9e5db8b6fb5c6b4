package politics

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// unfold undoes fold on an iCalendar text and returns its content lines.
func unfold(s string) []string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

// unescapeText undoes escapeText.
func unescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' || s[i] == 'N' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// checkCalendar checks the framing of an iCalendar text: CRLF endings,
// lines of at most 75 octets, continuation lines starting with a space,
// valid UTF-8 on every physical line.
func checkCalendar(t *testing.T, cal string) {
	t.Helper()
	if !strings.HasSuffix(cal, "\r\n") || strings.Contains(strings.ReplaceAll(cal, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(cal, "\r\n", ""), "\r") {
		t.Fatalf("bad line endings: %q", cal)
	}
	for _, l := range strings.Split(strings.TrimSuffix(cal, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("a UTF-8 character is split: %q", l)
		}
	}
}

func TestCalendarFolding(t *testing.T) {
	stamp := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	long := strings.Repeat("Økonomiplan; budsjett, og «tiltak» for æøå – ", 8) + "\\slutt\nny linje"
	cal := string(Calendar("Møter", stamp, []Event{{UID: "a@b", Start: stamp, End: stamp.Add(time.Hour), Summary: long, Location: "Sal 1, Rådhuset",
		URL: "https://demo.example/k/9999/politikk/mote/a", Cancelled: true}}))
	checkCalendar(t, cal)
	lines := unfold(cal)
	var summary string
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok {
			summary = v
		}
	}
	if unescapeText(summary) != long {
		t.Errorf("summary does not survive folding and escaping:\n%q\n%q", unescapeText(summary), long)
	}
	for _, want := range []string{"LOCATION:Sal 1\\, Rådhuset", "STATUS:CANCELLED", "DTSTART:20261123T120000Z", "DTEND:20261123T130000Z", "DTSTAMP:20261123T120000Z"} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf("no line %q in\n%s", want, cal)
		}
	}
	if !strings.Contains(summary, `\;`) || !strings.Contains(summary, `\,`) || !strings.Contains(summary, `\\slutt\nny`) {
		t.Errorf("not escaped: %q", summary)
	}
}

func FuzzCalendar(f *testing.F) {
	for _, s := range []string{"", "Kommunestyret", strings.Repeat("æ", 100), "a;b,c\\d\ne\r\nf", "\x00\x7f\t", strings.Repeat("x", 74) + "ø"} {
		f.Add(s, s)
	}
	stamp := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, summary, location string) {
		cal := string(Calendar(summary, stamp, []Event{{UID: "x@y", Start: stamp, End: stamp, Summary: summary, Location: location}}))
		checkCalendar(t, cal)
		var got string
		for _, l := range unfold(cal) {
			if v, ok := strings.CutPrefix(l, "SUMMARY:"); ok {
				got = unescapeText(v)
			}
		}
		// What comes back is the text with CRs as line feeds and other
		// control characters but tabs dropped.
		want := strings.Map(func(r rune) rune {
			if r == '\r' {
				return '\n'
			}
			if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
				return -1
			}
			return r
		}, strings.ReplaceAll(strings.ToValidUTF8(summary, ""), "\r\n", "\n"))
		if got != want {
			t.Fatalf("summary %q came back as %q", want, got)
		}
	})
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"0", "1234", "20:34", "1:02:03", "24:00:00", "1:60", "::", "-1", "99999999", " 5 ", "1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseOffset(s)
		if !ok {
			return
		}
		if n < 0 || n > 24*3600 {
			t.Fatalf("%q gave %d", s, n)
		}
		if back, ok := ParseOffset(FormatOffset(n)); !ok || back != n {
			t.Fatalf("%q: %d → %q → %d, %v", s, n, FormatOffset(n), back, ok)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"12.03.2026", "1.2.2026", "31.02.2026", "2026-03-12", "", "..", "99.99.9999", " 01.01.2000 ", "1.1.+123", "2026-3-12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		if !ok {
			return
		}
		tm, err := time.Parse("2006-01-02", d)
		if err != nil || tm.Format("2006-01-02") != d {
			t.Fatalf("%q gave %q", s, d)
		}
		if back, ok := parseDate(tm.Format("02.01.2006")); !ok || back != d {
			t.Fatalf("%q: %q does not come back", s, d)
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"18:00", "9.30", "0930", "24:00", "-1:00", "1:5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, m, ok := parseClock(s)
		if ok && (h < 0 || h > 23 || m < 0 || m > 59) {
			t.Fatalf("%q gave %d:%d", s, h, m)
		}
	})
}

func FuzzCheckContact(f *testing.F) {
	f.Add("Kari", "kari@example.no", "Hei!\r\nHilsen", "token")
	f.Add("", "Kari <kari@example.no>", strings.Repeat("x", 5001), "")
	f.Add("\x00", "a@b", "\x00\x01", "t")
	f.Fuzz(func(t *testing.T, name, email, message, token string) {
		out, err := CheckContact(ContactForm{Name: name, Email: email, Message: message, Token: token})
		if err != nil {
			return
		}
		if out.Message == "" || utf8.RuneCountInString(out.Message) > MaxMessage || !utf8.ValidString(out.Message) || strings.ContainsAny(out.Message, "\r\x00") {
			t.Fatalf("accepted message %q", out.Message)
		}
		if out.Email != "" && (out.Email != strings.ToLower(out.Email) || !strings.Contains(out.Email, "@") || strings.ContainsAny(out.Email, " <>\r\n")) {
			t.Fatalf("accepted address %q", out.Email)
		}
		if strings.ContainsAny(out.Name, "\r\n\x00") {
			t.Fatalf("accepted name %q", out.Name)
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"PS 12/26", "12/26", "PS /26", "PS 1/2", "PS 999999/99", "", "/", "PS -1/26"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, yy, ok := parseNumber(s)
		if ok && (n < 0 || len(yy) != 2) {
			t.Fatalf("%q gave %d %q", s, n, yy)
		}
	})
}

// FuzzParsePlanned checks that a planned day or month is read into one of
// the two stored forms, which read back the same and format for people.
func FuzzParsePlanned(f *testing.F) {
	for _, s := range []string{"12.03.2026", "3.2026", "03.2026", "2026-03", "2026-03-12", "", " 1.1.2027 ", "13.2026", "2026-13", "31.02.2026", "ab.2026", "-1.2026", "2026--3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := ParsePlanned(s)
		if !ok {
			return
		}
		if p == "" {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("%q read as empty", s)
			}
			return
		}
		switch len(p) {
		case 7:
			if _, err := time.Parse("2006-01", p); err != nil {
				t.Fatalf("%q gave month %q", s, p)
			}
		case 10:
			if _, err := time.Parse("2006-01-02", p); err != nil {
				t.Fatalf("%q gave day %q", s, p)
			}
		default:
			t.Fatalf("%q gave %q", s, p)
		}
		again, ok := ParsePlanned(FormatPlanned(p))
		if !ok || again != p {
			t.Fatalf("%q → %q → %q → %q", s, p, FormatPlanned(p), again)
		}
	})
}

// FuzzParseSignatures checks that a count is a small non-negative number
// made only of the digits typed.
func FuzzParseSignatures(f *testing.F) {
	for _, s := range []string{"", "0", "412", "1 204", "1.204", "1\u00a0204", "-3", "+3", "12345678", "123456789", "1e3", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseSignatures(s)
		if !ok {
			return
		}
		if n < 0 || n > 99999999 {
			t.Fatalf("%q gave %d", s, n)
		}
		if err := CheckCase(CaseForm{Title: "x", Origin: OriginInitiative, Signatures: n}); err != nil {
			t.Fatalf("%q gave %d, which CheckCase refuses: %v", s, n, err)
		}
	})
}

// FuzzAtom checks that any text makes a well-formed feed that reads back
// with the text (less what XML cannot hold).
func FuzzAtom(f *testing.F) {
	for _, s := range []string{"Vedtak", "<script>alert(1)</script>", "a & b", "]]>", "\x00\x01", "\uFFFE", "æøå\r\n"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, summary string) {
		if !utf8.ValidString(title) || !utf8.ValidString(summary) {
			return
		}
		feed := AtomFeed{ID: "x", Title: title, Updated: atomTime(time.Unix(0, 0)), Entries: []AtomEntry{{ID: "e", Title: title, Summary: summary, Updated: "u"}}}
		var back AtomFeed
		if err := xml.Unmarshal(feed.Bytes(), &back); err != nil {
			t.Fatalf("%q %q: %v", title, summary, err)
		}
		norm := func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(xmlText(s), "\r\n", "\n"), "\r", "\n")
		}
		if len(back.Entries) != 1 || norm(back.Entries[0].Title) != norm(title) || norm(back.Entries[0].Summary) != norm(summary) {
			t.Fatalf("%q %q read back as %+v", title, summary, back.Entries)
		}
	})
}

// FuzzQueryTerms checks that any query gives at most ten distinct,
// non-empty terms.
func FuzzQueryTerms(f *testing.F) {
	for _, s := range []string{"barnehagen", "Reguleringsplan for Sentrum nord", "", "a b c d e f g h i j k l m n o p", "\xff\xfe", "2026/44", strings.Repeat("ord ", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms := queryTerms(s)
		if len(terms) > 10 {
			t.Fatalf("%d terms", len(terms))
		}
		seen := map[string]bool{}
		for _, x := range terms {
			if x == "" || seen[x] {
				t.Fatalf("terms %q", terms)
			}
			seen[x] = true
		}
	})
}

// FuzzSeal checks that a sealed address opens with its token only.
func FuzzSeal(f *testing.F) {
	f.Add("tok", "kari@example.no", "other")
	f.Fuzz(func(t *testing.T, token, address, other string) {
		box := seal(token, address)
		got, ok := open(token, box)
		if !ok || got != address {
			t.Fatalf("open(%q) = %q, %v", token, got, ok)
		}
		if other != token {
			if _, ok := open(other, box); ok {
				t.Fatalf("opened with another token")
			}
		}
		open(token, other) // any box: no panic
	})
}
