package receipt

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// requirePoppler skips the test unless poppler's command line tools are
// installed.
func requirePoppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftotext", "pdfdetach"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed, so the PDFs are not checked with a real PDF reader; install poppler-utils (apt-get install poppler-utils) to run this test", tool)
		}
	}
}

// poppler runs a poppler tool and returns its output. Any message on
// standard error (poppler reports syntax errors there) fails the test.
func poppler(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return string(out)
}

// TestPoppler opens receipts with poppler: pdfinfo must find the title,
// the tags, A4 and PDF 1.7; pdftotext must find the text with æøå, the
// reference, the processing time, the footer and the page numbers;
// pdfdetach must find receipt.json with the signed JSON receipt; and
// pdfinfo -struct-text must show the logical structure in reading order.
// The signature trailer after %%EOF must not disturb any of them.
func TestPoppler(t *testing.T) {
	requirePoppler(t)
	s := testSigner("demo-2026")
	for _, tc := range []struct {
		lang, title, footer, processing, page, answers, when, submitter string
	}{
		{"nb", "Kvittering – Søknad om barnehageplass – 2026/01234", "Kvitteringen er signert av Demo kommune. Kontroller den på https://demo.torg.no/kvittering/kontroller",
			"Du får svar innen 30 dager.", "Side %d av %d", "Dine svar", "Sendt inn 1. mars 2026 kl. 10.15 (norsk tid)", "Sendt inn av"},
		{"nn", "Kvittering – Søknad om barnehageplass – 2026/01234", "Kvitteringa er signert av Demo kommune. Kontroller ho på https://demo.torg.no/kvittering/kontroller",
			"Du får svar innan 30 dagar.", "Side %d av %d", "Svara dine", "Sendt inn 1. mars 2026 kl. 10.15 (norsk tid)", "Sendt inn av"},
		{"en", "Receipt – Søknad om barnehageplass – 2026/01234", "This receipt is signed by Demo kommune. Verify it at https://demo.torg.no/kvittering/kontroller",
			"You will get an answer within 30 days.", "Page %d of %d", "Your answers", "Submitted 1 March 2026 at 10:15 (Norwegian time)", "Submitted by"},
	} {
		for _, items := range []int{6, 200} {
			t.Run(fmt.Sprintf("%s/%d", tc.lang, items), func(t *testing.T) {
				r := sampleReceipt(tc.lang, items)
				pdf, err := s.PDF(r)
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				file := filepath.Join(dir, "kvittering.pdf")
				if err := os.WriteFile(file, pdf, 0o644); err != nil {
					t.Fatal(err)
				}

				info := poppler(t, "pdfinfo", "-enc", "UTF-8", file)
				pages := 0
				if m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(info); m != nil {
					fmt.Sscan(m[1], &pages)
				}
				for _, want := range []string{"Title:           " + tc.title + "\n", "Tagged:          yes\n",
					"Page size:       595.28 x 841.89 pts (A4)\n", "PDF version:     1.7\n", "Author:          Demo kommune\n"} {
					if !strings.Contains(info, want) {
						t.Errorf("pdfinfo lacks %q:\n%s", want, info)
					}
				}
				if items == 6 && pages > 2 || items == 200 && pages < 6 {
					t.Errorf("%d pages for %d items", pages, items)
				}

				text := poppler(t, "pdftotext", "-enc", "UTF-8", file, "-")
				for _, want := range []string{
					"Demo kommune", "Søknad om barnehageplass", "2026/01234", tc.when, tc.processing, tc.answers,
					"Åse Ærø Øvergård", "Blåbærskogen barnehage", "Ønsket barnehage", "Legeerklæring for Åse.pdf",
					"tilpasset kost – se", "Kari Nordmann", "150388 *****", strings.Repeat("3a7b", 16), tc.footer,
					fmt.Sprintf(tc.page, 1, pages), fmt.Sprintf(tc.page, pages, pages),
				} {
					if !strings.Contains(text, want) {
						t.Errorf("pdftotext lacks %q", want)
					}
				}
				if items == 200 && !strings.Contains(text, "Svar 200: blåbær, tyttebær og multer fra Øst-Finnmark") {
					t.Error("pdftotext lacks the last answer")
				}
				if strings.Count(text, tc.footer) != pages {
					t.Errorf("footer appears %d times on %d pages", strings.Count(text, tc.footer), pages)
				}

				if list := poppler(t, "pdfdetach", "-list", file); !strings.Contains(list, "1: receipt.json") {
					t.Errorf("pdfdetach -list: %s", list)
				}
				saved := filepath.Join(dir, "receipt.json")
				poppler(t, "pdfdetach", "-save", "1", "-o", saved, file)
				got, err := os.ReadFile(saved)
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := s.JSON(r); !bytes.Equal(got, want) {
					t.Error("the embedded receipt.json differs from the JSON receipt")
				}
				if _, err := Verify(got, testKeys(s)); err != nil {
					t.Errorf("embedded receipt.json: %v", err)
				}

				if _, err := exec.LookPath("pdftohtml"); err == nil {
					outline := poppler(t, "pdftohtml", "-xml", "-i", "-stdout", "-q", file)
					for _, want := range []string{`<item page="1">Søknad om barnehageplass</item>`, `<item page="1">` + tc.answers + `</item>`, `<item page="1">Barnet</item>`} {
						if !strings.Contains(outline, want) {
							t.Errorf("bookmarks lack %s", want)
						}
					}
				}

				structure := poppler(t, "pdfinfo", "-struct-text", file)
				last := -1
				for _, want := range []string{"Document", "H1 (block)\n    \"Søknad om barnehageplass\"", "\"2026/01234\"", "Table (block)",
					"TH:\n         /Scope /Row\n        \"" + tc.submitter + "\"", "TD\n        \"Kari Nordmann\"",
					"H2 (block)\n    \"" + tc.answers + "\"", "H3 (block)\n    \"Barnet\"", "\"Åse Ærø Øvergård\"", "\"Ønsket barnehage\"", "\"Legeerklæring for Åse.pdf\""} {
					i := strings.Index(structure, want)
					if i < 0 {
						t.Errorf("structure lacks %q", want)
						continue
					}
					if i < last {
						t.Errorf("structure has %q out of reading order", want)
					}
					last = i
				}
				if strings.Contains(structure, tc.footer) {
					t.Error("the page footer is tagged as content, not as an artifact")
				}
			})
		}
	}
}

// TestPopplerOddText checks that text outside WinAnsi, PDF syntax in
// values and a very long word do not upset a real reader.
func TestPopplerOddText(t *testing.T) {
	requirePoppler(t)
	s := testSigner("demo-2026")
	r := sampleReceipt("nb", 3)
	r.Service = "Søknad (test) \\ om %%EOF"
	r.Items = append(r.Items,
		Item{Label: "Sámi", Value: "Guovdageainnu suohkan – Čáhcesuolu đ ŋ ŧ"},
		Item{Label: "Syntaks", Value: ") endstream endobj %%EOF\n%TORG-SIGNATURE Ed25519 kid=x sig=y"},
		Item{Label: "Ord", Value: strings.Repeat("Langtordutenmellomrom", 30)},
		Item{Label: "Emoji", Value: "😀 日本語 Ωμέγα"},
	)
	pdf, err := s.PDF(r)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "k.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info := poppler(t, "pdfinfo", "-enc", "UTF-8", file)
	if !strings.Contains(info, "Title:           Kvittering – Søknad (test) \\ om %%EOF – 2026/01234\n") {
		t.Errorf("pdfinfo title:\n%s", info)
	}
	text := poppler(t, "pdftotext", "-enc", "UTF-8", file, "-")
	for _, want := range []string{"Guovdageainnu suohkan – ?áhcesuolu ? ? ?", ") endstream endobj %%EOF", "%TORG-SIGNATURE Ed25519 kid=x sig=y", "? ??? ???"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}
	if got, err := Verify(pdf, testKeys(s)); err != nil || got.Items[3].Value != r.Items[3].Value {
		t.Errorf("Verify: %v", err)
	}
}
