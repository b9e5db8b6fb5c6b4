package receipt

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testSigner returns a signer whose key is derived from kid, so tests are
// deterministic.
func testSigner(kid string) Signer {
	seed := sha256.Sum256([]byte("torg receipt test key " + kid))
	return Signer{KeyID: kid, Key: ed25519.NewKeyFromSeed(seed[:])}
}

// testKeys returns the public key of s for Demo kommune.
func testKeys(s Signer) []PublicKey {
	pk := s.Public()
	pk.Municipality = "Demo kommune"
	return []PublicKey{pk}
}

// sampleReceipt returns a kindergarten application receipt with n answers
// (at least the first six are realistic) in lang.
func sampleReceipt(lang string, n int) Receipt {
	r := Receipt{
		Municipality:   "Demo kommune",
		MunicipalityNo: "9999",
		Service:        "Søknad om barnehageplass",
		FormID:         "barnehage-soknad",
		FormVersion:    3,
		Reference:      "2026/01234",
		SubmittedAt:    time.Date(2026, 3, 1, 9, 15, 30, 0, time.UTC),
		Submitter:      "Kari Nordmann",
		SubmitterID:    "150388 *****",
		ProcessingDays: 30,
		Lang:           lang,
		VerifyURL:      "https://demo.torg.no/kvittering/kontroller",
		Attachments: []Attachment{
			{Name: "Legeerklæring for Åse.pdf", ContentType: "application/pdf", Size: 1234567, SHA256: strings.Repeat("3a7b", 16)},
			{Name: "bilde.jpg", ContentType: "image/jpeg", Size: 812, SHA256: strings.Repeat("0f", 32)},
		},
	}
	base := []Item{
		{Group: "Barnet", Label: "Navn", Value: "Åse Ærø Øvergård"},
		{Group: "Barnet", Label: "Fødselsdato", Value: "14.02.2024"},
		{Group: "Ønsket barnehage", Label: "Førstevalg", Value: "Blåbærskogen barnehage"},
		{Group: "Ønsket barnehage", Label: "Oppstart", Value: "1. august 2026"},
		{Group: "Ønsket barnehage", Label: "Kommentar", Value: "Vi ønsker plass så nær Bjørnåsen skole som mulig.\nÅse er allergisk mot nøtter og trenger tilpasset kost – se legeerklæringen."},
		{Group: "", Label: "Samtykke", Value: "Ja"},
	}
	for i := 0; i < n; i++ {
		if i < len(base) {
			r.Items = append(r.Items, base[i])
			continue
		}
		r.Items = append(r.Items, Item{
			Group: fmt.Sprintf("Del %d", i/25+1),
			Label: fmt.Sprintf("Spørsmål %d", i+1),
			Value: fmt.Sprintf("Svar %d: blåbær, tyttebær og multer fra Øst-Finnmark", i+1),
		})
	}
	return r
}

// sameReceipt reports whether a and b hold the same receipt, as the
// canonical JSON sees it.
func sameReceipt(a, b Receipt) bool {
	na, err1 := normalize(a)
	nb, err2 := normalize(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return string(canonicalJSON(receiptTree(na))) == string(canonicalJSON(receiptTree(nb)))
}

// wantCode fails unless err is a *VerifyError with code c and a reason
// containing reason.
func wantCode(t *testing.T, err error, c Code, reason string) {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v (%T), want a *VerifyError with code %v", err, err, c)
	}
	if ve.Code != c || !strings.Contains(ve.Reason, reason) {
		t.Fatalf("err = %v (code %v), want code %v and a reason containing %q", err, ve.Code, c, reason)
	}
}

func TestRoundTrip(t *testing.T) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	long := strings.Repeat("Dette er en lang verdi med æøå ÆØÅ og é. ", 200) + strings.Repeat("x", 3000)
	for _, lang := range []string{"nb", "nn", "en"} {
		for name, r := range map[string]Receipt{
			"typical":   sampleReceipt(lang, 30),
			"200 items": sampleReceipt(lang, 200),
			"long":      func() Receipt { r := sampleReceipt(lang, 6); r.Items[4].Value = long; return r }(),
			"minimal": {Municipality: "Demo kommune", Service: "Tips oss", Reference: "1",
				SubmittedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), Lang: lang},
		} {
			t.Run(lang+"/"+name, func(t *testing.T) {
				js, err := s.JSON(r)
				if err != nil {
					t.Fatal(err)
				}
				got, err := VerifyJSON(js, keys)
				if err != nil {
					t.Fatalf("VerifyJSON: %v", err)
				}
				if !reflect.DeepEqual(got, mustNormalize(t, r)) {
					t.Errorf("VerifyJSON = %+v\nwant %+v", got, r)
				}
				pdf, err := s.PDF(r)
				if err != nil {
					t.Fatal(err)
				}
				checkXref(t, pdf)
				got, err = VerifyPDF(pdf, keys)
				if err != nil {
					t.Fatalf("VerifyPDF: %v", err)
				}
				if !reflect.DeepEqual(got, mustNormalize(t, r)) {
					t.Errorf("VerifyPDF = %+v\nwant %+v", got, r)
				}
				for _, data := range [][]byte{js, pdf} {
					if got, err := Verify(data, keys); err != nil || !sameReceipt(got, r) {
						t.Errorf("Verify = %v", err)
					}
				}
				again, _ := s.PDF(r)
				if string(again) != string(pdf) {
					t.Error("PDF is not deterministic")
				}
			})
		}
	}
}

// mustNormalize returns r as it is signed.
func mustNormalize(t *testing.T, r Receipt) Receipt {
	t.Helper()
	n, err := normalize(r)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPDFPages(t *testing.T) {
	s := testSigner("demo-2026")
	for _, tc := range []struct {
		items    int
		minPages int
		maxPages int
	}{{2, 1, 1}, {6, 1, 2}, {30, 2, 3}, {200, 6, 12}} {
		r := sampleReceipt("nb", tc.items)
		if tc.items == 2 {
			r.Attachments = r.Attachments[:1]
		}
		pdf, err := s.PDF(r)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(string(pdf), "/Type /Page ")
		if n < tc.minPages || n > tc.maxPages {
			t.Errorf("%d items: %d pages, want %d–%d", tc.items, n, tc.minPages, tc.maxPages)
		}
		if !strings.Contains(string(pdf), fmt.Sprintf("/Count %d >>", n)) {
			t.Errorf("%d items: page tree does not count %d pages", tc.items, n)
		}
	}
}

func TestNormalizeRejects(t *testing.T) {
	s := testSigner("demo-2026")
	for name, change := range map[string]func(*Receipt){
		"language":          func(r *Receipt) { r.Lang = "se" },
		"no municipality":   func(r *Receipt) { r.Municipality = " " },
		"no service":        func(r *Receipt) { r.Service = "" },
		"no reference":      func(r *Receipt) { r.Reference = "" },
		"no time":           func(r *Receipt) { r.SubmittedAt = time.Time{} },
		"year 10000":        func(r *Receipt) { r.SubmittedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"negative version":  func(r *Receipt) { r.FormVersion = -1 },
		"negative days":     func(r *Receipt) { r.ProcessingDays = -1 },
		"huge days":         func(r *Receipt) { r.ProcessingDays = 1 << 60 },
		"invalid UTF-8":     func(r *Receipt) { r.Items[0].Value = "\xff" },
		"invalid UTF-8 ref": func(r *Receipt) { r.Reference = "2026/\xc3" },
		"short digest":      func(r *Receipt) { r.Attachments[0].SHA256 = "abc" },
		"digest not hex":    func(r *Receipt) { r.Attachments[0].SHA256 = strings.Repeat("g", 64) },
		"negative size":     func(r *Receipt) { r.Attachments[0].Size = -1 },
	} {
		r := sampleReceipt("nb", 6)
		change(&r)
		if _, err := s.JSON(r); err == nil {
			t.Errorf("%s: JSON accepted it", name)
		}
		if _, err := s.PDF(r); err == nil {
			t.Errorf("%s: PDF accepted it", name)
		}
	}
}

func TestNormalize(t *testing.T) {
	r := sampleReceipt("", 6)
	r.SubmittedAt = r.SubmittedAt.In(time.FixedZone("CET", 3600))
	r.Attachments[0].SHA256 = strings.ToUpper(r.Attachments[0].SHA256)
	orig := r.Attachments[0].SHA256
	n := mustNormalize(t, r)
	if n.Lang != "nb" || n.SubmittedAt.Location() != time.UTC || n.Attachments[0].SHA256 != strings.ToLower(orig) {
		t.Errorf("normalize = %+v", n)
	}
	if r.Attachments[0].SHA256 != orig {
		t.Error("normalize changed the caller's attachments")
	}
}

func TestSignerErrors(t *testing.T) {
	r := sampleReceipt("nb", 1)
	for name, s := range map[string]Signer{
		"no key":   {KeyID: "k"},
		"short":    {KeyID: "k", Key: make([]byte, 10)},
		"bad kid":  {KeyID: "a b", Key: testSigner("x").Key},
		"no kid":   {Key: testSigner("x").Key},
		"long kid": {KeyID: strings.Repeat("k", 129), Key: testSigner("x").Key},
	} {
		if _, err := s.JSON(r); err == nil {
			t.Errorf("%s: JSON signed", name)
		}
		if _, err := s.PDF(r); err == nil {
			t.Errorf("%s: PDF signed", name)
		}
	}
	if pk := (Signer{KeyID: "k", Key: make([]byte, 3)}).Public(); pk.Key != nil {
		t.Error("Public of a bad key returned a key")
	}
}

func TestGenerateSigner(t *testing.T) {
	s, err := GenerateSigner("demo-2026.1")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := GenerateSigner("demo-2026.1")
	if string(s.Key) == string(s2.Key) {
		t.Error("two generated keys are equal")
	}
	js, err := s.JSON(sampleReceipt("nb", 3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyJSON(js, []PublicKey{s.Public()}); err != nil {
		t.Error(err)
	}
	for _, kid := range []string{"", "a b", "æ", "k=v", strings.Repeat("a", 129)} {
		if _, err := GenerateSigner(kid); err == nil {
			t.Errorf("GenerateSigner(%q) succeeded", kid)
		}
	}
}

func TestKeyMunicipality(t *testing.T) {
	s := testSigner("demo-2026")
	r := sampleReceipt("nb", 3)
	r.Municipality = "Annen kommune"
	js, _ := s.JSON(r)
	pdf, _ := s.PDF(r)
	for _, data := range [][]byte{js, pdf} {
		_, err := Verify(data, testKeys(s))
		wantCode(t, err, WrongMunicipality, `belongs to "Demo kommune", but the receipt is from "Annen kommune"`)
		// A key without a municipality vouches for any.
		if _, err := Verify(data, []PublicKey{s.Public()}); err != nil {
			t.Error(err)
		}
	}
}

func TestKeyRotation(t *testing.T) {
	old, cur := testSigner("demo-2025"), testSigner("demo-2026")
	keys := append(testKeys(old), testKeys(cur)...)
	for _, s := range []Signer{old, cur} {
		pdf, _ := s.PDF(sampleReceipt("nb", 3))
		if _, err := Verify(pdf, keys); err != nil {
			t.Errorf("%s: %v", s.KeyID, err)
		}
	}
	// A bad key under the same ID does not hide the good one.
	bad := PublicKey{KeyID: "demo-2026", Key: make([]byte, 5)}
	pdf, _ := cur.PDF(sampleReceipt("nb", 3))
	if _, err := Verify(pdf, append([]PublicKey{bad}, keys...)); err != nil {
		t.Error(err)
	}
	_, err := Verify(pdf, []PublicKey{bad})
	wantCode(t, err, UnknownKey, "key id demo-2026 has no valid Ed25519 public key")
}

func TestCodes(t *testing.T) {
	for c := NotReceipt; c <= WrongMunicipality; c++ {
		if strings.HasPrefix(c.String(), "Code(") || c.Key() != "receipt.verify."+c.String() {
			t.Errorf("code %d: String %q Key %q", int(c), c, c.Key())
		}
	}
	if Code(99).String() != "Code(99)" {
		t.Error(Code(99).String())
	}
	e := &VerifyError{Code: BadSignature, Reason: "x"}
	if e.Error() != "receipt not valid: x" {
		t.Error(e.Error())
	}
}
