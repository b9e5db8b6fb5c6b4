package cases

import (
	"bytes"
	"fmt"
	"github.com/torg-ekommune/torg/internal/pdftext"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
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
	lay.para(l.Municipality, pdftext.Bold, 13, 17)
	lay.space(18)
	lay.para(l.Recipient, pdftext.Regular, 10.5, 14)
	lay.space(14)
	date := l.Date.In(oslo).Format("02.01.2006")
	lay.para("Saksnummer: "+l.CaseNumber+"\nDato: "+date, pdftext.Regular, 10.5, 14)
	lay.space(22)
	heading := l.Title
	if l.Kind == KindDecision {
		heading = "Vedtak: " + l.Title
	}
	lay.para(heading, pdftext.Bold, 16, 21)
	lay.space(10)
	lay.para(l.Body, pdftext.Regular, 10.5, 14.5)
	if l.LegalBasis != "" {
		lay.space(12)
		lay.para("Hjemmel", pdftext.Bold, 11, 15)
		lay.para(l.LegalBasis, pdftext.Regular, 10.5, 14.5)
	}
	if l.Appeal != "" {
		lay.space(12)
		lay.para("Klagerett", pdftext.Bold, 11, 15)
		lay.para(l.Appeal, pdftext.Regular, 10.5, 14.5)
	}
	lay.space(22)
	lay.para("Med hilsen\n"+l.Author+"\n"+l.Municipality, pdftext.Regular, 10.5, 14.5)
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
func (l *letterLayout) para(text string, f pdftext.Font, size, leading float64) {
	for _, line := range pdftext.Wrap(pdftext.Encode(text), f, size, textW) {
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
		foot := pdftext.Encode(fmt.Sprintf("%s · side %d av %d", footer, i+1, n))
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
