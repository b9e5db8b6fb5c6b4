package politics

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one meeting in an iCalendar feed.
type Event struct {
	UID         string // globally unique, e.g. "meeting-id@host"
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
	URL         string
	Cancelled   bool
	Modified    time.Time // LAST-MODIFIED; zero leaves it out
}

// Calendar writes an iCalendar object (RFC 5545) with events: a
// VCALENDAR with one VEVENT each, times in UTC, text escaped, lines ended
// by CRLF and folded at 75 octets without splitting a UTF-8 character.
// stamp is the DTSTAMP of every event; name is the calendar's name
// (X-WR-CALNAME, which calendar programs show).
func Calendar(name string, stamp time.Time, events []Event) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Torg//Politikk//NO")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	if name != "" {
		line("X-WR-CALNAME:" + escapeText(name))
	}
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + escapeText(e.UID))
		line("DTSTAMP:" + icalTime(stamp))
		line("DTSTART:" + icalTime(e.Start))
		line("DTEND:" + icalTime(e.End))
		line("SUMMARY:" + escapeText(e.Summary))
		if e.Location != "" {
			line("LOCATION:" + escapeText(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION:" + escapeText(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		if !e.Modified.IsZero() {
			line("LAST-MODIFIED:" + icalTime(e.Modified))
		}
		if e.Cancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// icalTime writes t as a UTC DATE-TIME, "20260312T170000Z".
func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma and line breaks; other control characters are dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t' || r == 0x7f:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold ends a content line with CRLF and folds it (RFC 5545 3.1): no
// line is longer than 75 octets, and a continuation starts with a space.
// A UTF-8 character is never split.
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
