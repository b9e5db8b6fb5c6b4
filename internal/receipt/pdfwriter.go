package receipt

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"
)

// This file is a small PDF 1.7 writer: numbered objects, streams
// compressed with FlateDecode, a classic cross-reference table and the
// document trailer. It writes only what the receipt needs.

// pdfWriter collects objects and their byte offsets.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets []int // offsets[n] is the offset of object n; 0 = not written
	z       bytes.Buffer
	zw      *zlib.Writer // reused for every stream: a new one costs ~1 MB
}

// newPDFWriter starts a document with the header. The second line's bytes
// above 127 tell transfer programs that the file is binary.
func newPDFWriter(objects int) *pdfWriter {
	w := &pdfWriter{offsets: make([]int, objects+1)}
	w.buf.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	return w
}

// object writes object n with the given body (a dictionary, an array or
// any other object).
func (w *pdfWriter) object(n int, body string) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes object n as a FlateDecode-compressed stream of data with
// the dictionary entries dict (without the enclosing << >>).
func (w *pdfWriter) stream(n int, dict string, data []byte) {
	w.z.Reset()
	if w.zw == nil {
		w.zw = zlib.NewWriter(&w.z)
	} else {
		w.zw.Reset(&w.z)
	}
	w.zw.Write(data) // writes to a bytes.Buffer do not fail
	w.zw.Close()
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s /Filter /FlateDecode /Length %d >>\nstream\n", n, dict, w.z.Len())
	w.buf.Write(w.z.Bytes())
	w.buf.WriteString("\nendstream\nendobj\n")
}

// finish writes the cross-reference table and the trailer and returns the
// document, which ends with "%%EOF\n". Every object number up to the count
// given to newPDFWriter must have been written.
func (w *pdfWriter) finish(trailer string) []byte {
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f\r\n", len(w.offsets))
	for n := 1; n < len(w.offsets); n++ {
		if w.offsets[n] == 0 {
			panic(fmt.Sprintf("receipt: PDF object %d not written", n)) // a bug in this package
		}
		fmt.Fprintf(&w.buf, "%010d 00000 n\r\n", w.offsets[n])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(w.offsets), trailer, xref)
	return w.buf.Bytes()
}

// ref returns a reference to object n.
func ref(n int) string { return strconv.Itoa(n) + " 0 R" }

// num formats a coordinate with at most two decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// literal returns WinAnsi bytes as a PDF literal string, escaping '\',
// '(' and ')'. pdftext.Encode never yields other bytes that need escaping.
func literal(b []byte) string {
	out := make([]byte, 0, len(b)+2)
	out = append(out, '(')
	for _, c := range b {
		switch c {
		case '\\', '(', ')':
			out = append(out, '\\', c)
		case '\r':
			out = append(out, '\\', 'r')
		case '\n':
			out = append(out, '\\', 'n')
		default:
			out = append(out, c)
		}
	}
	return string(append(out, ')'))
}

// textString returns s as a PDF text string (for the document title,
// outline entries and the like, which are not limited to WinAnsi): a
// literal string if s is printable ASCII, otherwise UTF-16BE with a byte
// order mark as a hexadecimal string.
func textString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			ascii = false
			break
		}
	}
	if ascii {
		return literal([]byte(s))
	}
	const hex = "0123456789ABCDEF"
	b := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, hex[u>>12], hex[u>>8&0xF], hex[u>>4&0xF], hex[u&0xF])
	}
	return string(append(b, '>'))
}

// pdfName returns s as a PDF name (with '/'), escaping characters that are
// not regular as #xx.
func pdfName(s string) string {
	const hex = "0123456789ABCDEF"
	b := []byte{'/'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' || bytes.IndexByte([]byte("#()<>[]{}/%"), c) >= 0 {
			b = append(b, '#', hex[c>>4], hex[c&0xF])
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// pdfDate formats t as a PDF date in UTC, e.g. "D:20260301101500Z".
func pdfDate(t time.Time) string {
	return "D:" + t.UTC().Format("20060102150405") + "Z"
}

// structElem is an element of the document's logical structure (tagged
// PDF): a standard structure type with either child elements or marked
// content on pages.
type structElem struct {
	typ    string // standard structure type: Document, H1, P, Table, ...
	attrs  string // extra dictionary entries, e.g. an /A attribute
	parent *structElem
	kids   []*structElem
	mcrs   []markedContent
	obj    int
}

// markedContent is a piece of a page's content that belongs to an element.
type markedContent struct{ page, mcid int }

// add appends a child element of type typ and returns it.
func (e *structElem) add(typ string) *structElem {
	k := &structElem{typ: typ, parent: e}
	e.kids = append(e.kids, k)
	return k
}

// outlineItem is a bookmark.
type outlineItem struct {
	title string
	page  int
	y     float64
	kids  []*outlineItem
	obj   int
}

// number assigns object numbers to e and its descendants, depth first,
// starting at next, and returns the next free number.
func (e *structElem) number(next int) int {
	e.obj = next
	next++
	for _, k := range e.kids {
		next = k.number(next)
	}
	return next
}

// write writes e and its descendants; pageObj maps page indexes to page
// object numbers.
func (e *structElem) write(w *pdfWriter, parentObj int, pageObj []int) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<< /Type /StructElem /S /%s /P %s", e.typ, ref(parentObj))
	if len(e.mcrs) > 0 {
		fmt.Fprintf(&b, " /Pg %s", ref(pageObj[e.mcrs[0].page]))
	}
	if e.attrs != "" {
		b.WriteString(" " + e.attrs)
	}
	b.WriteString(" /K [")
	for i, k := range e.kids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ref(k.obj))
	}
	for i, m := range e.mcrs {
		if i > 0 || len(e.kids) > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "<< /Type /MCR /Pg %s /MCID %d >>", ref(pageObj[m.page]), m.mcid)
	}
	b.WriteString("] >>")
	w.object(e.obj, b.String())
	for _, k := range e.kids {
		k.write(w, e.obj, pageObj)
	}
}

// numberOutline assigns object numbers to items and their descendants,
// starting at next, and returns the next free number.
func numberOutline(items []*outlineItem, next int) int {
	for _, it := range items {
		it.obj = next
		next = numberOutline(it.kids, next+1)
	}
	return next
}

// writeOutline writes outline items (all open) under parent.
func writeOutline(w *pdfWriter, items []*outlineItem, parent int, pageObj []int) {
	for i, it := range items {
		var b bytes.Buffer
		fmt.Fprintf(&b, "<< /Title %s /Parent %s /Dest [%s /XYZ 0 %s null]", textString(it.title), ref(parent), ref(pageObj[it.page]), num(it.y))
		if i > 0 {
			fmt.Fprintf(&b, " /Prev %s", ref(items[i-1].obj))
		}
		if i < len(items)-1 {
			fmt.Fprintf(&b, " /Next %s", ref(items[i+1].obj))
		}
		if len(it.kids) > 0 {
			n := outlineCount(it.kids)
			fmt.Fprintf(&b, " /First %s /Last %s /Count %d", ref(it.kids[0].obj), ref(it.kids[len(it.kids)-1].obj), n)
		}
		b.WriteString(" >>")
		w.object(it.obj, b.String())
		writeOutline(w, it.kids, it.obj, pageObj)
	}
}

// outlineCount counts items and their descendants.
func outlineCount(items []*outlineItem) int {
	n := 0
	for _, it := range items {
		n += 1 + outlineCount(it.kids)
	}
	return n
}
