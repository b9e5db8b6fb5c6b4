package politics

import (
	"bytes"
	"fmt"
	"strings"
)

// PDF returns a small, valid one-page PDF (A4, Helvetica) that shows title
// and then lines, for the demo's documents and for tests. Characters
// outside Windows-1252 are written as "?".
func PDF(title string, lines ...string) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F1 18 Tf\n56 780 Td\n")
	fmt.Fprintf(&content, "(%s) Tj\n", pdfString(title))
	content.WriteString("/F1 11 Tf\n0 -28 Td\n14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) '\n", pdfString(l))
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (Torg) >>", pdfString(title)),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// pdfString escapes s for a PDF literal string in WinAnsiEncoding.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		case r == '–':
			b.WriteString(`\226`)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
