package archive

import (
	"bufio"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// xmlWriter writes indented XML element by element to a buffered writer,
// so an extract is written as its rows are read and nothing is kept. It
// remembers the first write error (check err at the end) and counts the
// bytes written, so a value can be patched in place later.
type xmlWriter struct {
	w     *bufio.Writer
	n     int64 // bytes written
	depth int
	open  bool // an element was started and has no content yet
	err   error
}

func newXMLWriter(w io.Writer) *xmlWriter {
	x := &xmlWriter{w: bufio.NewWriterSize(w, 256<<10)}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	return x
}

func (x *xmlWriter) raw(s string) {
	if x.err != nil {
		return
	}
	n, err := x.w.WriteString(s)
	x.n += int64(n)
	x.err = err
}

func (x *xmlWriter) byte(c byte) {
	if x.err != nil {
		return
	}
	x.err = x.w.WriteByte(c)
	x.n++
}

func (x *xmlWriter) indent() {
	x.byte('\n')
	for i := 0; i < x.depth; i++ {
		x.byte(' ')
	}
}

// start opens element name with attributes given as name, value pairs.
func (x *xmlWriter) start(name string, attrs ...string) {
	if x.depth > 0 || x.open {
		x.indent()
	}
	x.byte('<')
	x.raw(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.byte(' ')
		x.raw(attrs[i])
		x.raw(`="`)
		x.escape(attrs[i+1], true)
		x.byte('"')
	}
	x.byte('>')
	x.depth++
	x.open = true
}

// end closes element name, on its own line.
func (x *xmlWriter) end(name string) {
	x.depth--
	x.indent()
	x.raw("</")
	x.raw(name)
	x.byte('>')
	if x.depth == 0 {
		x.byte('\n')
	}
}

// elem writes <name>text</name>, also when text is empty.
func (x *xmlWriter) elem(name, text string) {
	x.indent()
	x.byte('<')
	x.raw(name)
	x.byte('>')
	x.escape(text, false)
	x.raw("</")
	x.raw(name)
	x.byte('>')
}

// opt writes the element only when text is not empty (optional elements
// of Noark 5 must not be empty).
func (x *xmlWriter) opt(name, text string) {
	if text != "" {
		x.elem(name, text)
	}
}

func (x *xmlWriter) int(name string, v int64) { x.elem(name, strconv.FormatInt(v, 10)) }

// dateTime writes an xs:dateTime in UTC, to the second.
func (x *xmlWriter) dateTime(name string, t time.Time) {
	x.elem(name, t.UTC().Format("2006-01-02T15:04:05Z"))
}

func (x *xmlWriter) optDateTime(name string, t time.Time) {
	if !t.IsZero() {
		x.dateTime(name, t)
	}
}

// date writes an xs:date: the stored date (midnight UTC) as is.
func (x *xmlWriter) date(name string, t time.Time) { x.elem(name, t.UTC().Format("2006-01-02")) }

func (x *xmlWriter) optDate(name string, t time.Time) {
	if !t.IsZero() {
		x.date(name, t)
	}
}

// escape writes s as character data (or an attribute value): markup
// characters become references, carriage returns too (so they survive
// line-end normalisation), and what XML 1.0 cannot hold (other control
// characters, U+FFFE, U+FFFF, invalid UTF-8) becomes U+FFFD.
func (x *xmlWriter) escape(s string, attr bool) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var rep string
		size := 1
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				rep = "&amp;"
			case c == '<':
				rep = "&lt;"
			case c == '>':
				rep = "&gt;"
			case c == '"' && attr:
				rep = "&quot;"
			case c == '\r':
				rep = "&#13;"
			case (c == '\n' || c == '\t') && attr:
				rep = map[byte]string{'\n': "&#10;", '\t': "&#9;"}[c]
			case c < 0x20 && c != '\n' && c != '\t':
				rep = "\uFFFD"
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
				rep = "\uFFFD"
			}
		}
		if rep != "" {
			x.raw(s[last:i])
			x.raw(rep)
			last = i + size
		}
		i += size
	}
	x.raw(s[last:])
}

// flush writes out the buffer and returns the first error.
func (x *xmlWriter) flush() error {
	if x.err == nil {
		x.err = x.w.Flush()
	}
	return x.err
}
