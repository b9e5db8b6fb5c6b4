package politics

import (
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
