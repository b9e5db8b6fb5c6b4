package cases

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// PrintedLetter is what the printable copy of a letter or decision holds.
type PrintedLetter struct {
	Municipality string // the sender, at the top
	Recipient    string // the citizen's name
	CaseNumber   string
	Date         time.Time
	Kind         string // KindLetter or KindDecision
	Title, Body  string
	LegalBasis   string // decisions
	Appeal       string // decisions
	Author       string // the case worker who signs
}

// LetterPDF renders l as an A4 PDF 1.7 document to print and post (the
// print fallback of the SvarUt channel) or to ship as the letter's main
// document. It needs no outside program: the text is set in the standard
// fonts Helvetica and Helvetica-Bold (not embedded) with WinAnsiEncoding,
// so letters outside Latin-1 and the code page's extras (Sámi č, đ, ŋ, ŧ,
// emoji, other scripts) print as '?'. The content streams are not
// compressed and the document is not tagged; it is for paper.
func LetterPDF(l PrintedLetter) []byte {
	lay := &letterLayout{}
	lay.newPage()
	lay.para(l.Municipality, fontBold, 13, 17)
	lay.space(18)
	lay.para(l.Recipient, fontRegular, 10.5, 14)
	lay.space(14)
	date := l.Date.In(oslo).Format("02.01.2006")
	lay.para("Saksnummer: "+l.CaseNumber+"\nDato: "+date, fontRegular, 10.5, 14)
	lay.space(22)
	heading := l.Title
	if l.Kind == KindDecision {
		heading = "Vedtak: " + l.Title
	}
	lay.para(heading, fontBold, 16, 21)
	lay.space(10)
	lay.para(l.Body, fontRegular, 10.5, 14.5)
	if l.LegalBasis != "" {
		lay.space(12)
		lay.para("Hjemmel", fontBold, 11, 15)
		lay.para(l.LegalBasis, fontRegular, 10.5, 14.5)
	}
	if l.Appeal != "" {
		lay.space(12)
		lay.para("Klagerett", fontBold, 11, 15)
		lay.para(l.Appeal, fontRegular, 10.5, 14.5)
	}
	lay.space(22)
	lay.para("Med hilsen\n"+l.Author+"\n"+l.Municipality, fontRegular, 10.5, 14.5)
	return lay.write(l.Title, "Saksnummer "+l.CaseNumber)
}

// The page: A4 in points, with 2.5 cm margins (a little more at the
// bottom, for the footer).
const (
	pageW, pageH = 595.28, 841.89
	marginX      = 70.87
	marginTop    = 70.87
	marginBottom = 85
	textW        = pageW - 2*marginX
)

type letterFont int

const (
	fontRegular letterFont = iota // Helvetica, /F1
	fontBold                      // Helvetica-Bold, /F2
)

type letterLayout struct {
	pages []*bytes.Buffer
	y     float64 // the baseline of the next line on the current page
}

func (l *letterLayout) newPage() {
	l.pages = append(l.pages, &bytes.Buffer{})
	l.y = pageH - marginTop
}

func (l *letterLayout) space(h float64) {
	l.y -= h
	if l.y < marginBottom {
		l.newPage()
	}
}

// para sets text in font f at size with the given leading, wrapped to the
// text width, starting a new page when the bottom margin is reached.
func (l *letterLayout) para(text string, f letterFont, size, leading float64) {
	for _, line := range wrapText(toWinAnsi(text), f, size, textW) {
		if l.y-leading < marginBottom {
			l.newPage()
		}
		l.y -= leading
		if len(line) == 0 {
			continue
		}
		fmt.Fprintf(l.pages[len(l.pages)-1], "BT /F%d %s Tf %s %s Td %s Tj ET\n", int(f)+1, pdfNum(size), pdfNum(marginX), pdfNum(l.y), pdfLiteral(line))
	}
}

// write lays out the document: catalog, page tree, the two fonts, the
// information dictionary, then each page with its content stream and a
// footer "<footer> · side n av N".
func (l *letterLayout) write(title, footer string) []byte {
	n := len(l.pages)
	// Objects: 1 catalog, 2 pages, 3 F1, 4 F2, 5 info, then page i at
	// 6+2i and its content at 7+2i.
	offsets := make([]int, 6+2*n)
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	obj := func(num int, body string) {
		offsets[num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", num, body)
	}
	obj(1, "<< /Type /Catalog /Pages 2 0 R /Lang (nb-NO) >>")
	kids := make([]string, n)
	for i := range n {
		kids[i] = strconv.Itoa(6+2*i) + " 0 R"
	}
	obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 %s %s] >>", strings.Join(kids, " "), n, pdfNum(pageW), pdfNum(pageH)))
	obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj(4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	obj(5, "<< /Title "+pdfTextString(title)+" /Producer (Torg) >>")
	for i, page := range l.pages {
		foot := toWinAnsi(fmt.Sprintf("%s · side %d av %d", footer, i+1, n))
		fmt.Fprintf(page, "BT /F1 8 Tf %s %s Td %s Tj ET\n", pdfNum(marginX), pdfNum(marginBottom-30), pdfLiteral(foot))
		obj(6+2*i, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>", 7+2*i))
		offsets[7+2*i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n", 7+2*i, page.Len())
		b.Write(page.Bytes())
		b.WriteString("\nendstream\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(offsets))
	for _, off := range offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets), xref)
	return b.Bytes()
}

// pdfNum formats a coordinate with at most two decimals.
func pdfNum(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

// pdfLiteral returns WinAnsi bytes as a PDF literal string; bytes outside
// printable ASCII are written as octal escapes, so the file's text parts
// stay ASCII.
func pdfLiteral(b []byte) string {
	var out strings.Builder
	out.WriteByte('(')
	for _, c := range b {
		switch {
		case c == '\\' || c == '(' || c == ')':
			out.WriteByte('\\')
			out.WriteByte(c)
		case c < 0x20 || c > 0x7E:
			fmt.Fprintf(&out, "\\%03o", c)
		default:
			out.WriteByte(c)
		}
	}
	out.WriteByte(')')
	return out.String()
}

// pdfTextString returns s as a PDF text string in UTF-16BE with a byte
// order mark, as a hexadecimal string (for the document title).
func pdfTextString(s string) string {
	const hex = "0123456789ABCDEF"
	b := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(strings.ToValidUTF8(s, "?"))) {
		b = append(b, hex[u>>12], hex[u>>8&0xF], hex[u>>4&0xF], hex[u&0xF])
	}
	return string(append(b, '>'))
}

// toWinAnsi converts UTF-8 text to WinAnsiEncoding: Latin-1 (æøå, é, ü,
// ...) and the code page's common extras map to their codes, line breaks
// become '\n', tabs and other spaces ' ', invisible characters go, and
// everything else becomes '?'.
func toWinAnsi(s string) []byte {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, '?')
		case r == '\n', r == '\r', r == 0x2028, r == 0x2029:
			out = append(out, '\n')
		case r == '\t', r >= 0x2000 && r <= 0x200A, r == 0x202F, r == 0x205F, r == 0x3000:
			out = append(out, ' ')
		case r == 0xAD, r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		case r >= 0x20 && r < 0x7F, r >= 0xA0 && r <= 0xFF:
			out = append(out, byte(r))
		default:
			if c, ok := winAnsiExtras[r]; ok {
				out = append(out, c)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}

// winAnsiExtras are the characters of WinAnsiEncoding outside Latin-1.
var winAnsiExtras = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A,
	'‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '\u2018': 0x91, '\u2019': 0x92, '\u201C': 0x93, '\u201D': 0x94, '•': 0x95,
	'–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
	'\u2010': '-', '\u2011': '-', '\u2212': '-',
}

// glyphWidth returns the advance width of WinAnsi code c in f, in 1/1000 em.
func glyphWidth(f letterFont, c byte) float64 {
	table := helveticaWidths
	if f == fontBold {
		table = helveticaBoldWidths
	}
	return float64(int(table[2*int(c)])<<8 | int(table[2*int(c)+1]))
}

// wrapText breaks WinAnsi text into lines no wider than width: at '\n',
// and between words where a line would get too wide; a word wider than a
// line is broken between characters. Empty lines stay (paragraph breaks).
func wrapText(text []byte, f letterFont, size, width float64) [][]byte {
	text = bytes.TrimRight(text, "\n")
	if len(text) == 0 {
		return nil
	}
	w := func(s []byte) float64 {
		sum := 0.0
		for _, c := range s {
			sum += glyphWidth(f, c)
		}
		return sum * size / 1000
	}
	space := w([]byte{' '})
	var lines [][]byte
	for _, para := range bytes.Split(text, []byte{'\n'}) {
		var line []byte
		lineW := 0.0
		for _, word := range bytes.Fields(para) {
			ww := w(word)
			if len(line) > 0 && lineW+space+ww <= width {
				line = append(append(line, ' '), word...)
				lineW += space + ww
				continue
			}
			if len(line) > 0 {
				lines = append(lines, line)
			}
			line, lineW = nil, 0
			for ww > width && len(word) > 1 {
				// As many characters as fit (at least one) on a line.
				cut, cw := 1, glyphWidth(f, word[0])*size/1000
				for cut < len(word) && cw+glyphWidth(f, word[cut])*size/1000 <= width {
					cw += glyphWidth(f, word[cut]) * size / 1000
					cut++
				}
				lines = append(lines, word[:cut:cut])
				word = word[cut:]
				ww = w(word)
			}
			line = append(line, word...)
			lineW = ww
		}
		lines = append(lines, line)
	}
	return lines
}
