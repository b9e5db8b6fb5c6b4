package receipt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
)

// Verify checks a receipt, PDF or JSON, against keys and returns its
// content. It tells the two apart by the first bytes: "%PDF-" is a PDF
// (see [VerifyPDF]), '{' (after white space or a byte order mark) is JSON
// (see [VerifyJSON]). Every failure is a *[VerifyError]; no input makes it
// panic.
func Verify(data []byte, keys []PublicKey) (Receipt, error) {
	switch {
	case len(data) == 0:
		return Receipt{}, verr(NotReceipt, "%s: the file is empty", reasonNotReceipt)
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return VerifyPDF(data, keys)
	}
	rest := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	switch {
	case len(rest) == 0:
		return Receipt{}, verr(NotReceipt, "%s: the file is empty", reasonNotReceipt)
	case rest[0] == '{':
		return VerifyJSON(data, keys)
	}
	return Receipt{}, verr(NotReceipt, "%s: neither a PDF nor a JSON document", reasonNotReceipt)
}

// VerifyPDF checks a PDF receipt against keys and returns its content. It
// checks the signature trailer over all the bytes before it, then takes
// the embedded receipt.json out of the PDF, verifies that too and returns
// what it says. Every failure is a *[VerifyError].
func VerifyPDF(data []byte, keys []PublicKey) (Receipt, error) {
	r, ve := verifyPDF(data, keys)
	if ve != nil {
		return Receipt{}, ve
	}
	return r, nil
}

// verifyPDF is VerifyPDF with a concrete error type.
func verifyPDF(data []byte, keys []PublicKey) (Receipt, *VerifyError) {
	if len(data) == 0 {
		return Receipt{}, verr(NotReceipt, "%s: the file is empty", reasonNotReceipt)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return Receipt{}, verr(NotReceipt, "%s: not a PDF document", reasonNotReceipt)
	}
	i := bytes.LastIndex(data, []byte(signatureMarker))
	if i < 0 {
		return Receipt{}, verr(NotReceipt, "%s: the PDF has no Torg signature trailer at its end (was the file cut short?)", reasonNotReceipt)
	}
	signed, line := data[:i], data[i+len(signatureMarker):]
	nl := bytes.IndexByte(line, '\n')
	if nl < 0 {
		return Receipt{}, verr(Malformed, "signature trailer incomplete (the file is truncated)")
	}
	rest := line[nl+1:]
	line = line[:nl]
	switch string(rest) {
	case "%%EOF", "%%EOF\n", "%%EOF\r\n":
	default:
		if strings.HasPrefix("%%EOF\n", string(rest)) {
			return Receipt{}, verr(Malformed, "signature trailer incomplete (the file is truncated)")
		}
		return Receipt{}, verr(BadSignature, "unexpected data after the signature trailer (the file was changed after signing)")
	}
	fields := strings.Split(strings.TrimSuffix(string(line), "\r"), " ")
	if len(fields) != 3 || !strings.HasPrefix(fields[1], "kid=") || !strings.HasPrefix(fields[2], "sig=") {
		return Receipt{}, verr(Malformed, "malformed signature trailer (want %sEd25519 kid=... sig=...)", signatureMarker)
	}
	if fields[0] != sigAlg {
		return Receipt{}, verr(Unsupported, "unsupported signature algorithm %q (want %s)", fields[0], sigAlg)
	}
	kid := strings.TrimPrefix(fields[1], "kid=")
	if !ValidKeyID(kid) {
		return Receipt{}, verr(Malformed, "malformed signature trailer: invalid key id %q", kid)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(fields[2], "sig="))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Receipt{}, verr(Malformed, "malformed signature trailer: want a %d-byte signature in unpadded base64url", ed25519.SignatureSize)
	}
	key, ve := checkSignature(keys, kid, signed, sig)
	if ve != nil {
		return Receipt{}, ve
	}

	pr, err := newPDFReader(signed)
	var embedded []byte
	if err == nil {
		embedded, err = pr.embeddedFile("receipt.json")
	}
	if err != nil {
		return Receipt{}, verr(EmbeddedMissing, "%s (%v)", reasonNoEmbedded, err)
	}
	r, ve := verifyJSON(embedded, keys)
	if ve != nil {
		if ve.Code == WrongMunicipality {
			return Receipt{}, ve
		}
		return Receipt{}, verr(EmbeddedInvalid, "%s: %s", reasonBadEmbedded, ve.Reason)
	}
	if key.Municipality != "" && key.Municipality != r.Municipality {
		return Receipt{}, verr(WrongMunicipality, "key id %s belongs to %q, but the receipt is from %q", kid, key.Municipality, r.Municipality)
	}
	return r, nil
}
