package pdftext_test

import (
	"bytes"
	"testing"

	"github.com/torg-ekommune/torg/internal/pdftext"
)

func TestEncode(t *testing.T) {
	for in, want := range map[string]string{
		"Blåbær":          "Bl\xe5b\xe6r",
		"a\u030a":         "\xe5", // decomposed å
		"– «x» €":         "\x96 \xabx\xbb \x80",
		"Čáhcegáddi ŋ 😀":  "?\xe1hceg\xe1ddi ? ?", // no Sámi letters in the standard fonts
		"a\r\nb\tc\u00ad": "a\nb c",
		"\xff":            "?",
	} {
		if got := pdftext.Encode(in); !bytes.Equal(got, []byte(want)) {
			t.Errorf("Encode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWidthAndWrap(t *testing.T) {
	if w := pdftext.Width(pdftext.Regular, 'A'); w != 667 {
		t.Errorf("Helvetica A = %d, want 667 (Adobe's AFM)", w)
	}
	if w := pdftext.Width(pdftext.Mono, 'i'); w != 600 {
		t.Errorf("Courier i = %d", w)
	}
	text := pdftext.Encode("Kommunen har fått søknaden din om barnehageplass, og vi svarer innen tre uker.\n\nMed hilsen")
	lines := pdftext.Wrap(text, pdftext.Bold, 12, 150)
	if len(lines) < 4 || len(lines[len(lines)-2]) != 0 {
		t.Fatalf("lines %q", lines)
	}
	for _, l := range lines {
		if w := pdftext.TextWidth(pdftext.Bold, 12, l); w > 150 {
			t.Errorf("line %q is %.1f pt wide", l, w)
		}
	}
	if got := pdftext.Wrap(pdftext.Encode("Ordsomerlengreennlinja"), pdftext.Regular, 10, 30); len(got) < 2 {
		t.Errorf("a long word is not broken: %q", got)
	}
}
