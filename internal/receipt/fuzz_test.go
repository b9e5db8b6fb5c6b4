package receipt

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"github.com/torg-ekommune/torg/internal/pdftext"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkXref checks the file structure of a PDF this package wrote,
// independently of the package's own reader: the header, the
// cross-reference table (every in-use entry points at "N 0 obj"), the
// trailer's /Size, startxref, that every object ends with endobj, and
// that every stream's /Length is the length of its data.
func checkXref(t testing.TB, data []byte) {
	t.Helper()
	if i := bytes.LastIndex(data, []byte(signatureMarker)); i >= 0 {
		data = data[:i]
	}
	if !bytes.HasPrefix(data, []byte("%PDF-1.7\n%")) || !bytes.HasSuffix(data, []byte("\n%%EOF\n")) {
		t.Fatal("PDF does not start with the header or end with the EOF marker")
	}
	sx := bytes.LastIndex(data, []byte("\nstartxref\n"))
	if sx < 0 {
		t.Fatal("no startxref")
	}
	xref, err := strconv.Atoi(string(bytes.TrimSuffix(data[sx+len("\nstartxref\n"):], []byte("\n%%EOF\n"))))
	if err != nil || xref <= 0 || xref >= len(data) {
		t.Fatalf("bad startxref: %v", err)
	}
	var size int
	if _, err := fmt.Sscanf(string(data[xref:]), "xref\n0 %d\n", &size); err != nil || size < 2 {
		t.Fatalf("no cross-reference table at startxref %d: %v", xref, err)
	}
	p := xref + len(fmt.Sprintf("xref\n0 %d\n", size))
	if p+20*size > len(data) {
		t.Fatal("cross-reference table runs past the end")
	}
	if string(data[p:p+20]) != "0000000000 65535 f\r\n" {
		t.Fatalf("bad entry 0: %q", data[p:p+20])
	}
	offsets := make([]int, size)
	for n := 1; n < size; n++ {
		e := string(data[p+20*n : p+20*n+20])
		if !strings.HasSuffix(e, " 00000 n\r\n") {
			t.Fatalf("bad entry %d: %q", n, e)
		}
		off, err := strconv.Atoi(e[:10])
		if err != nil || off <= 0 || off >= xref {
			t.Fatalf("bad offset in entry %d: %q", n, e)
		}
		if want := fmt.Sprintf("%d 0 obj\n", n); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Fatalf("entry %d points at %q, want %q", n, data[off:min(off+20, len(data))], want)
		}
		offsets[n] = off
	}
	if want := fmt.Sprintf("trailer\n<< /Size %d ", size); !bytes.HasPrefix(data[p+20*size:], []byte(want)) {
		t.Fatalf("trailer does not follow the table with %q", want)
	}
	sorted := append([]int{}, offsets[1:]...)
	sort.Ints(sorted)
	sorted = append(sorted, xref)
	length := regexp.MustCompile(`/Length (\d+) >>\nstream\n`)
	for i := 0; i+1 < len(sorted); i++ {
		seg := data[sorted[i]:sorted[i+1]]
		if sorted[i] == sorted[i+1] || !bytes.HasSuffix(seg, []byte("\nendobj\n")) {
			t.Fatalf("object at %d does not end with endobj before the next", sorted[i])
		}
		if m := length.FindSubmatchIndex(seg); m != nil {
			n, _ := strconv.Atoi(string(seg[m[2]:m[3]]))
			if got := len(seg) - m[1] - len("\nendstream\nendobj\n"); got != n || !bytes.HasSuffix(seg, []byte("\nendstream\nendobj\n")) {
				t.Fatalf("stream at %d has /Length %d but %d bytes", sorted[i], n, got)
			}
		}
	}
}

// contentStreams returns the decoded page content streams of a PDF this
// package wrote.
func contentStreams(t testing.TB, pdf []byte) [][]byte {
	t.Helper()
	r, err := newPDFReader(pdf[:bytes.LastIndex(pdf, []byte(signatureMarker))])
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for n := range r.xref {
		v, err := r.object(n)
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := v.(pdfStream); ok && st.dict["Type"] == nil {
			b, err := decodeStream(st)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// checkContent checks that text and marked-content operators pair up in
// every content stream.
func checkContent(t testing.TB, pdf []byte) {
	t.Helper()
	for _, c := range contentStreams(t, pdf) {
		bt, et, open, emc := 0, 0, 0, 0
		for _, line := range strings.Split(string(c), "\n") {
			switch {
			case line == "BT":
				bt++
			case line == "ET":
				et++
			case line == "EMC":
				emc++
			case strings.HasSuffix(line, " BDC"), strings.HasSuffix(line, " BMC"):
				open++
			}
		}
		if bt != et || open != emc || bt == 0 {
			t.Fatalf("content stream: %d BT, %d ET, %d BDC/BMC, %d EMC", bt, et, open, emc)
		}
	}
}

// fuzzing reports whether the test binary runs with -fuzz (rather than
// just the seed corpus).
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// FuzzVerify feeds arbitrary bytes to Verify: it must never panic, must
// answer every failure with a *VerifyError, and must never call a receipt
// valid unless it is one the test signed. Inputs that start like a PDF are
// also tried with a valid signature trailer added, which takes them past
// the signature into the PDF reader.
func FuzzVerify(f *testing.F) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	known := map[string]bool{}
	// Small seeds keep the fuzzer fast: it minimises every new input it
	// finds, and that takes long for big PDFs.
	minimal := Receipt{Municipality: "Demo kommune", Service: "Tips", Reference: "1", SubmittedAt: goldenReceipt().SubmittedAt, Lang: "en"}
	for i, r := range []Receipt{minimal, sampleReceipt("nb", 1), goldenReceipt()} {
		n, err := normalize(r)
		if err != nil {
			f.Fatal(err)
		}
		known[string(canonicalJSON(receiptTree(n)))] = true
		js, _ := s.JSON(r)
		f.Add(js)
		f.Add(js[:len(js)/2])
		if i == 0 {
			pdf, _ := s.PDF(r)
			f.Add(pdf)
			f.Add(pdf[:len(pdf)-30])
			f.Add(pdf[:bytes.LastIndex(pdf, []byte(signatureMarker))])
		}
	}
	for _, seed := range []string{"", "%PDF-", "%PDF-1.7\n%%EOF\n", "{}", `{"receipt":{},"signature":{}}`, "\xEF\xBB\xBF{", "%PDF-1.7\nstartxref\n0\n%%EOF\n",
		"%PDF-1.7\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(data []byte) {
			r, err := Verify(data, keys)
			if err == nil {
				if !known[string(canonicalJSON(receiptTree(r)))] {
					t.Fatalf("a receipt nobody signed verifies: %+v", r)
				}
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Code < NotReceipt || ve.Code > WrongMunicipality || ve.Reason == "" {
				t.Fatalf("Verify returned %v (%T)", err, err)
			}
		}
		check(data)
		if bytes.HasPrefix(data, []byte("%PDF-")) {
			if i := bytes.LastIndex(data, []byte(signatureMarker)); i >= 0 {
				data = data[:i]
			}
			check(s.signPDF(data))
		}
	})
}

// FuzzPDFText puts arbitrary text in a receipt's answers, group heading,
// submitter name and service name. The writer must not panic, must reject invalid UTF-8,
// and must otherwise write a PDF whose cross-reference table is right,
// whose operators pair up, which holds every line of the value, and which
// verifies with the value intact. With poppler-utils installed, pdftotext
// must read it without complaint (for the seed corpus always; while
// fuzzing only with TORG_FUZZ_POPPLER=1, as it is slow).
func FuzzPDFText(f *testing.F) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	for _, seed := range []string{"", "æøå ÆØÅ é", "(unbalanced \\ paren", ")(", "\\", "line\nbreak\r\nand\rmore", "%%EOF\n%TORG-SIGNATURE Ed25519 kid=x sig=y",
		"endstream\nendobj\nxref", "BT ET EMC BDC", strings.Repeat("ordsomerveldiglangtutentreff", 40), strings.Repeat("ord ", 2000), "č😀日本\u0300\u200b\u2028", "\xff\xfe"} {
		f.Add(seed, "Gruppe "+seed, "om "+seed)
	}
	pdftotext, _ := exec.LookPath("pdftotext")
	if fuzzing() && os.Getenv("TORG_FUZZ_POPPLER") != "1" {
		pdftotext = ""
	}
	f.Fuzz(func(t *testing.T, value, group, service string) {
		r := sampleReceipt("nb", 6)
		r.Service = "Søknad " + service
		r.Submitter = value
		r.Items = append(r.Items, Item{Group: group, Label: value, Value: value}, Item{Label: "Etter", Value: value})
		pdf, err := s.PDF(r)
		if !utf8.ValidString(value) || !utf8.ValidString(group) || !utf8.ValidString(service) {
			if err == nil {
				t.Fatal("invalid UTF-8 accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkXref(t, pdf)
		checkContent(t, pdf)
		all := bytes.Join(contentStreams(t, pdf), nil)
		for _, line := range pdftext.Wrap(pdftext.Encode(value), pdftext.Regular, 10, valueWidth) {
			if !bytes.Contains(all, []byte(literal(line)+" Tj")) {
				t.Fatalf("line %q is not in the content", line)
			}
		}
		got, err := VerifyPDF(pdf, keys)
		if err != nil {
			t.Fatal(err)
		}
		if got.Items[6].Value != value || got.Items[6].Group != group || got.Submitter != value {
			t.Fatalf("value read back as %q", got.Items[6].Value)
		}
		if pdftotext != "" {
			var stderr bytes.Buffer
			cmd := exec.Command(pdftotext, "-enc", "UTF-8", "-", "-")
			cmd.Stdin = bytes.NewReader(pdf)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("pdftotext: %v: %s", err, stderr.Bytes())
			}
			if !bytes.Contains(out, []byte("2026/01234")) {
				t.Fatalf("pdftotext output lacks the reference:\n%s", out)
			}
		}
	})
}
