package archive

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzXMLText writes any text as an element and an attribute with the
// extract's XML writer: the result must be well-formed, and read back as
// the text itself (with what XML cannot hold replaced by U+FFFD).
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"", "Søknad om barnehageplass", `a & b < c > d "e" 'f'`, "line\nbreak\r\nand\ttab", "\x00\x01\x1f",
		"\xff\xfe", "\uFFFE\uFFFF", "]]>", "&amp;", "emoji 😀", "\u0085\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		x := newXMLWriter(&b)
		x.start("root", "attr", s)
		x.elem("text", s)
		x.opt("optional", s)
		x.end("root")
		if err := x.flush(); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Attr     string `xml:"attr,attr"`
			Text     string `xml:"text"`
			Optional string `xml:"optional"`
		}
		if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("not well-formed for %q: %v\n%s", s, err, b.String())
		}
		want := xmlSafe(s)
		if doc.Text != want || doc.Attr != want || doc.Optional != want {
			t.Errorf("read back text %q, attr %q, optional %q; want %q", doc.Text, doc.Attr, doc.Optional, want)
		}
	})
}

// xmlSafe is what XML can carry of s: invalid UTF-8, control characters
// other than tab, newline and carriage return, U+FFFE and U+FFFF become
// U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// FuzzParseNumbers parses case, entry and journal numbers: never a panic,
// and what parses prints back to a number that parses to the same values.
func FuzzParseNumbers(f *testing.F) {
	for _, s := range []string{"2026/123", "26/5", "2026/000123-4", " 2025/004711 ", "2026/", "/1", "2026/1-", "2026/-1", "9999/999999999-999999999",
		"2026/12-4-5", "２０２６/1", "2026/1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if y, n, err := ParseCaseNumber(s); err == nil {
			if y < 1000 || y > 9999 || n <= 0 {
				t.Fatalf("ParseCaseNumber(%q) = %d, %d", s, y, n)
			}
			if y2, n2, err := ParseCaseNumber(fmt.Sprintf("%d/%d", y, n)); err != nil || y2 != y || n2 != n {
				t.Fatalf("round trip of %q: %d %d %v", s, y2, n2, err)
			}
		}
		if y, n, jp, err := ParseRegistreringsID(s); err == nil {
			if y < 1000 || n <= 0 || jp <= 0 {
				t.Fatalf("ParseRegistreringsID(%q) = %d, %d, %d", s, y, n, jp)
			}
			if y2, n2, jp2, err := ParseRegistreringsID(fmt.Sprintf("%d/%d-%d", y, n, jp)); err != nil || y2 != y || n2 != n || jp2 != jp {
				t.Fatalf("round trip of %q: %d %d %d %v", s, y2, n2, jp2, err)
			}
		}
		if y, n, err := ParseJournalNumber(s); err == nil && (y < 1000 || n <= 0 || n >= jnrYear) {
			t.Fatalf("ParseJournalNumber(%q) = %d, %d", s, y, n)
		}
	})
}
