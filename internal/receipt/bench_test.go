package receipt

import "testing"

// BenchmarkPDF makes the PDF of a typical kindergarten application
// receipt: 30 answers and two attachments.
func BenchmarkPDF(b *testing.B) {
	s := testSigner("demo-2026")
	r := sampleReceipt("nb", 30)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.PDF(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSON makes the JSON receipt for the same receipt.
func BenchmarkJSON(b *testing.B) {
	s := testSigner("demo-2026")
	r := sampleReceipt("nb", 30)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.JSON(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPDF verifies that receipt's PDF.
func BenchmarkVerifyPDF(b *testing.B) {
	s := testSigner("demo-2026")
	pdf, err := s.PDF(sampleReceipt("nb", 30))
	if err != nil {
		b.Fatal(err)
	}
	keys := testKeys(s)
	b.SetBytes(int64(len(pdf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyPDF(pdf, keys); err != nil {
			b.Fatal(err)
		}
	}
}
