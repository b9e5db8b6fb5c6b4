package receipt

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// trailerStart returns where the signature trailer of a signed PDF starts.
func trailerStart(t *testing.T, pdf []byte) int {
	t.Helper()
	i := bytes.LastIndex(pdf, []byte(signatureMarker))
	if i < 0 {
		t.Fatal("no signature trailer")
	}
	return i
}

func TestTamperPDF(t *testing.T) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	r := sampleReceipt("nb", 30)
	pdf, err := s.PDF(r)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.PDF(sampleReceipt("en", 3))
	n := trailerStart(t, pdf)
	cp := func() []byte { return append([]byte(nil), pdf...) }
	flip := func(i int) []byte { b := cp(); b[i] ^= 0x01; return b }

	// The embedded JSON altered, with the PDF signed again by the right
	// key: only the embedded signature can catch it.
	goodJSON := s.signedJSON(mustNormalize(t, r))
	badJSON := bytes.Replace(goodJSON, []byte("Blåbærskogen"), []byte("Blåbærskoven"), 1)
	nr := mustNormalize(t, r)

	for _, tc := range []struct {
		name   string
		data   []byte
		keys   []PublicKey
		code   Code
		reason string
	}{
		{"flip in the binary comment", flip(10), keys, BadSignature, reasonBadSignature},
		{"flip in catalog", flip(bytes.Index(pdf, []byte("/Lang")) + 2), keys, BadSignature, reasonBadSignature},
		{"flip in content", flip(n / 2), keys, BadSignature, reasonBadSignature},
		{"flip in xref", flip(bytes.LastIndex(pdf[:n], []byte("xref")) + 10), keys, BadSignature, reasonBadSignature},
		{"flip last body byte", flip(n - 1), keys, BadSignature, reasonBadSignature},
		{"change the language", bytes.Replace(cp(), []byte("/Lang (nb-NO)"), []byte("/Lang (nn-NO)"), 1), keys, BadSignature, reasonBadSignature},
		{"embedded JSON changed", s.signPDF(buildPDF(nr, badJSON)), keys, EmbeddedInvalid, reasonBadEmbedded + ": " + reasonBadSignature},
		{"embedded JSON not JSON", s.signPDF(buildPDF(nr, []byte("hello"))), keys, EmbeddedInvalid, reasonBadEmbedded + ": malformed JSON at byte 0"},
		{"embedded JSON missing", s.signPDF(buildPDF(nr, nil)), keys, EmbeddedMissing, reasonNoEmbedded},
		{"embedded JSON by another municipality's key", s.signPDF(buildPDF(nr, testSigner("other").signedJSON(nr))), keys, EmbeddedInvalid, reasonBadEmbedded + ": unknown key id other"},
		{"truncated in the body", pdf[:n/2], keys, NotReceipt, reasonNotReceipt + ": the PDF has no Torg signature trailer"},
		{"truncated before the trailer", pdf[:n], keys, NotReceipt, reasonNotReceipt},
		{"truncated in the marker", pdf[:n+5], keys, NotReceipt, reasonNotReceipt},
		{"truncated in the signature", pdf[:len(pdf)-20], keys, Malformed, "signature trailer incomplete (the file is truncated)"},
		{"truncated in the final EOF", pdf[:len(pdf)-3], keys, Malformed, "signature trailer incomplete (the file is truncated)"},
		{"bytes appended", append(cp(), "junk"...), keys, BadSignature, "unexpected data after the signature trailer (the file was changed after signing)"},
		{"incremental update appended", append(cp(), "1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"...), keys, BadSignature, "unexpected data after the signature trailer"},
		{"trailer from another receipt", append(cp()[:n], other[trailerStart(t, other):]...), keys, BadSignature, reasonBadSignature},
		{"wrong key", pdf, []PublicKey{{KeyID: "demo-2026", Key: testSigner("attacker").Public().Key}}, BadSignature, reasonBadSignature},
		{"unknown kid", pdf, testKeys(testSigner("demo-2025")), UnknownKey, "unknown key id demo-2026"},
		{"no keys", pdf, nil, UnknownKey, "unknown key id demo-2026"},
		{"algorithm changed", bytes.Replace(cp(), []byte(signatureMarker+"Ed25519"), []byte(signatureMarker+"Ed448"), 1), keys, Unsupported, `unsupported signature algorithm "Ed448"`},
		{"kid removed", bytes.Replace(cp(), []byte(" kid=demo-2026"), nil, 1), keys, Malformed, "malformed signature trailer"},
		{"signature shortened", append(cp()[:len(pdf)-len("\n%%EOF\n")-4], "\n%%EOF\n"...), keys, Malformed, "unpadded base64url"},
		{"signature not base64url", append(cp()[:len(pdf)-8], "+/\n%%EOF\n"...), keys, Malformed, "unpadded base64url"},
		{"kid with a space", bytes.Replace(cp(), []byte("kid=demo-2026"), []byte("kid=demo 2026"), 1), keys, Malformed, "malformed signature trailer"},
		{"unsigned PDF", buildPDF(nr, goodJSON), keys, NotReceipt, reasonNotReceipt},
		{"empty file", nil, keys, NotReceipt, reasonNotReceipt + ": the file is empty"},
		{"PDF magic changed", flip(3), keys, NotReceipt, reasonNotReceipt},
		{"only PDF magic", []byte("%PDF-"), keys, NotReceipt, reasonNotReceipt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyPDF(tc.data, tc.keys)
			wantCode(t, err, tc.code, tc.reason)
			_, err = Verify(tc.data, tc.keys)
			wantCode(t, err, tc.code, tc.reason)
		})
	}

	// The final line end is not signed; a copy that lost it is still the
	// same receipt.
	for _, end := range []string{"%%EOF", "%%EOF\r\n"} {
		b := append(cp()[:len(pdf)-len("%%EOF\n")], end...)
		if _, err := VerifyPDF(b, keys); err != nil {
			t.Errorf("trailer ending %q: %v", end, err)
		}
	}
}

// TestFlipEveryByte flips bytes all over a PDF receipt (every byte of a
// small one would take long: a sample, seeded for reproducibility, plus
// every byte of the trailer) and requires that none of them verifies.
func TestFlipEveryByte(t *testing.T) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	pdf, err := s.PDF(sampleReceipt("nn", 6))
	if err != nil {
		t.Fatal(err)
	}
	n := trailerStart(t, pdf)
	rng := rand.New(rand.NewPCG(1, 2))
	positions := []int{}
	for i := 0; i < 400; i++ {
		positions = append(positions, rng.IntN(n))
	}
	for i := n; i < len(pdf)-1; i++ { // the final '\n' is not signed
		positions = append(positions, i)
	}
	for _, i := range positions {
		b := append([]byte(nil), pdf...)
		b[i] ^= byte(1 + rng.IntN(255))
		_, err := Verify(b, keys)
		if err == nil {
			t.Fatalf("byte %d changed (%q → %q) and the receipt still verifies", i, pdf[i], b[i])
		}
		if i < n {
			wantCode(t, err, BadSignature, reasonBadSignature)
		}
	}
}

func TestTamperJSON(t *testing.T) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	r := mustNormalize(t, sampleReceipt("nb", 6))
	js, err := s.JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	rep := func(old, new string) []byte { return bytes.Replace(js, []byte(old), []byte(new), 1) }

	// signTree signs a hand-made receipt member, for receipts that are
	// signed properly but break the format.
	signTree := func(change func(jsonObject) jsonObject) []byte {
		tree := change(receiptTree(r))
		return append(canonicalJSON(jsonObject{
			{"receipt", tree},
			{"signature", jsonObject{{"alg", "Ed25519"}, {"kid", s.KeyID}, {"sig", b64(s.sign(canonicalJSON(tree)))}}},
		}), '\n')
	}
	without := func(name string) func(jsonObject) jsonObject {
		return func(o jsonObject) jsonObject {
			var out jsonObject
			for _, m := range o {
				if m.key != name {
					out = append(out, m)
				}
			}
			return out
		}
	}
	with := func(name string, v any) func(jsonObject) jsonObject {
		return func(o jsonObject) jsonObject { return append(without(name)(o), jsonMember{name, v}) }
	}

	for _, tc := range []struct {
		name   string
		data   []byte
		keys   []PublicKey
		code   Code
		reason string
	}{
		{"value changed", rep("Åse Ærø", "Åse Æro"), keys, BadSignature, reasonBadSignature},
		{"reference changed", rep(`"2026/01234"`, `"2026/01235"`), keys, BadSignature, reasonBadSignature},
		{"member added", rep(`{"receipt":{`, `{"receipt":{"extra":"x",`), keys, BadSignature, reasonBadSignature},
		{"signature swapped", append(append([]byte(nil), js[:bytes.Index(js, []byte(`,"signature"`))]...), mustJSON(t, s, sampleReceipt("en", 2))[bytes.Index(mustJSON(t, s, sampleReceipt("en", 2)), []byte(`,"signature"`)):]...), keys, BadSignature, reasonBadSignature},
		{"wrong key", js, []PublicKey{{KeyID: "demo-2026", Key: testSigner("attacker").Public().Key}}, BadSignature, reasonBadSignature},
		{"unknown kid", js, testKeys(testSigner("demo-2025")), UnknownKey, "unknown key id demo-2026"},
		{"alg none", rep(`"alg":"Ed25519"`, `"alg":"none"`), keys, Unsupported, `unsupported signature algorithm "none"`},
		{"sig not base64url", rep(`"sig":"`, `"sig":"+`), keys, Malformed, "malformed JSON at signature.sig"},
		{"sig missing", rep(`,"sig":"`, `,"gis":"`), keys, Malformed, "malformed JSON at signature.sig: missing"},
		{"kid a number", rep(`"kid":"demo-2026"`, `"kid":7`), keys, Malformed, "malformed JSON at signature.kid: want a string"},
		{"unexpected top-level member", rep(`{"receipt":`, `{"note":"hi","receipt":`), keys, Malformed, `malformed JSON at note: unexpected member (not covered by the signature)`},
		{"duplicate member", rep(`{"receipt":`, `{"signature":{},"receipt":`), keys, Malformed, `malformed JSON at byte `},
		{"truncated", js[:len(js)/2], keys, Malformed, "malformed JSON at byte"},
		{"truncated to nothing", js[:0], keys, NotReceipt, reasonNotReceipt + ": the file is empty"},
		{"bytes appended", append(append([]byte(nil), js...), "x"...), keys, Malformed, "unexpected data after the JSON value"},
		{"no signature", rep(`,"signature"`, `,"signatur"`), keys, NotReceipt, reasonNotReceipt},
		{"an array", []byte(`[1,2]`), keys, NotReceipt, reasonNotReceipt + ": the JSON document is not an object"},
		{"float", rep(`"formVersion":3`, `"formVersion":3.0`), keys, Malformed, "integers"},
		{"invalid UTF-8", rep("Åse", "\xc5se"), keys, Malformed, "invalid UTF-8"},
		{"other format", signTree(with("format", "torg-receipt-v9")), keys, Unsupported, `unsupported receipt format "torg-receipt-v9"`},
		{"format missing", signTree(without("format")), keys, Malformed, "malformed JSON at receipt.format: missing"},
		{"items missing", signTree(without("items")), keys, Malformed, "malformed JSON at receipt.items: missing"},
		{"unknown member signed", signTree(with("color", "blue")), keys, Malformed, "malformed JSON at receipt.color: unexpected member"},
		{"item label a number", signTree(with("items", []any{jsonObject{{"group", ""}, {"label", int64(1)}, {"value", ""}}})), keys, Malformed, "malformed JSON at receipt.items[0].label: want a string"},
		{"item not an object", signTree(with("items", []any{"x"})), keys, Malformed, "malformed JSON at receipt.items[0]: want an object"},
		{"bad digest", signTree(with("attachments", []any{jsonObject{{"contentType", ""}, {"name", ""}, {"sha256", "AB"}, {"size", int64(1)}}})), keys, Malformed, "malformed JSON at receipt.attachments[0].sha256"},
		{"bad time", signTree(with("submittedAt", "yesterday")), keys, Malformed, "malformed JSON at receipt.submittedAt"},
		{"bad lang", signTree(with("lang", "se")), keys, Malformed, "malformed JSON at receipt.lang"},
		{"negative days", signTree(with("processingDays", int64(-1))), keys, Malformed, "negative"},
		{"receipt not an object", rep(`{"receipt":{`, `{"receipt":[{`), keys, Malformed, "malformed JSON at byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyJSON(tc.data, tc.keys)
			wantCode(t, err, tc.code, tc.reason)
		})
	}
}

// b64 encodes a signature as receipts do.
func b64(sig []byte) string { return base64.RawURLEncoding.EncodeToString(sig) }

// mustJSON signs r as JSON.
func mustJSON(t *testing.T, s Signer, r Receipt) []byte {
	t.Helper()
	js, err := s.JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestVerifySniff(t *testing.T) {
	s := testSigner("demo-2026")
	keys := testKeys(s)
	js := mustJSON(t, s, sampleReceipt("nb", 2))
	if _, err := Verify(append([]byte("\xEF\xBB\xBF \n"), js...), keys); err != nil {
		t.Errorf("JSON with a byte order mark and white space: %v", err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100; i++ {
		b := make([]byte, rng.IntN(2000))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if len(b) > 0 && (b[0] == '{' || b[0] == '%' || b[0] == 0xEF || b[0] <= ' ') {
			b[0] = 'x'
		}
		_, err := Verify(b, keys)
		wantCode(t, err, NotReceipt, reasonNotReceipt)
	}
	for _, in := range []string{"", " \n\t", "\xEF\xBB\xBF"} {
		_, err := Verify([]byte(in), keys)
		wantCode(t, err, NotReceipt, "the file is empty")
	}
	_, err := Verify([]byte("hello"), keys)
	wantCode(t, err, NotReceipt, "neither a PDF nor a JSON document")
	_, err = VerifyPDF(js, keys)
	wantCode(t, err, NotReceipt, "not a PDF document")
	sum := sha256.Sum256(js)
	_, err = VerifyJSON(sum[:], keys)
	wantCode(t, err, Malformed, "malformed JSON at byte 0")
	if !strings.Contains(err.Error(), "receipt not valid: ") {
		t.Error(err)
	}
}
