package politics

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"
)

// AtomFeed is an Atom feed (RFC 4287).
type AtomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  AtomPerson  `xml:"author"`
	Links   []AtomLink  `xml:"link"`
	Entries []AtomEntry `xml:"entry"`
}

// AtomPerson is the author of a feed.
type AtomPerson struct {
	Name string `xml:"name"`
}

// AtomLink is a link of a feed or an entry.
type AtomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

// AtomEntry is an entry of a feed.
type AtomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []AtomLink `xml:"link"`
	Summary string     `xml:"summary,omitempty"`
}

// atomTime writes t as RFC 3339 in UTC.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// xmlText drops the characters XML 1.0 cannot hold, so that any stored
// text makes a well-formed feed (encoding/xml escapes the rest).
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
}

// Bytes returns the feed as an XML document.
func (f AtomFeed) Bytes() []byte {
	f.Title = xmlText(f.Title)
	f.Author.Name = xmlText(f.Author.Name)
	for i := range f.Entries {
		f.Entries[i].Title = xmlText(f.Entries[i].Title)
		f.Entries[i].Summary = xmlText(f.Entries[i].Summary)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		// Only a type the encoder cannot handle fails, and these are
		// strings: a programming mistake.
		panic("politics: atom: " + err.Error())
	}
	b.WriteByte('\n')
	return b.Bytes()
}
