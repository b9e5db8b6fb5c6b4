package receipt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"math"
	"time"
)

// sigAlg is the signature algorithm name in JSON receipts and PDF
// trailers.
const sigAlg = "Ed25519"

// JSON returns r as a signed JSON receipt:
//
//	{"receipt":{...},"signature":{"alg":"Ed25519","kid":"...","sig":"..."}}
//
// The whole document is in canonical form followed by a newline, so the
// bytes of the "receipt" member are exactly the bytes signed. See the
// package documentation for the members and the canonical form. The result
// is deterministic: the same receipt and key give the same bytes.
func (s Signer) JSON(r Receipt) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	r, err := normalize(r)
	if err != nil {
		return nil, err
	}
	return s.signedJSON(r), nil
}

// signedJSON signs r, which must be normalised, with s, which must have
// passed check.
func (s Signer) signedJSON(r Receipt) []byte {
	tree := receiptTree(r)
	sig := s.sign(canonicalJSON(tree))
	doc := jsonObject{
		{"receipt", tree},
		{"signature", jsonObject{
			{"alg", sigAlg},
			{"kid", s.KeyID},
			{"sig", base64.RawURLEncoding.EncodeToString(sig)},
		}},
	}
	return append(canonicalJSON(doc), '\n')
}

// timeLayout is how SubmittedAt is written: RFC 3339 in UTC, with as many
// fractional digits as needed (none for whole seconds).
const timeLayout = time.RFC3339Nano

// receiptTree returns the "receipt" member of r, which must be normalised.
func receiptTree(r Receipt) jsonObject {
	items := make([]any, len(r.Items))
	for i, it := range r.Items {
		items[i] = jsonObject{{"group", it.Group}, {"label", it.Label}, {"value", it.Value}}
	}
	atts := make([]any, len(r.Attachments))
	for i, a := range r.Attachments {
		atts[i] = jsonObject{{"contentType", a.ContentType}, {"name", a.Name}, {"sha256", a.SHA256}, {"size", a.Size}}
	}
	return jsonObject{
		{"attachments", atts},
		{"format", Format},
		{"formId", r.FormID},
		{"formVersion", int64(r.FormVersion)},
		{"items", items},
		{"lang", r.Lang},
		{"municipality", r.Municipality},
		{"municipalityNo", r.MunicipalityNo},
		{"processingDays", int64(r.ProcessingDays)},
		{"reference", r.Reference},
		{"service", r.Service},
		{"submittedAt", r.SubmittedAt.UTC().Format(timeLayout)},
		{"submitter", r.Submitter},
		{"submitterId", r.SubmitterID},
		{"verifyUrl", r.VerifyURL},
	}
}

// VerifyJSON checks a JSON receipt against keys and returns its content.
// White space between tokens does not matter (the signature is over the
// canonical form), so a receipt that was pretty-printed still verifies.
// Every failure is a *[VerifyError].
func VerifyJSON(data []byte, keys []PublicKey) (Receipt, error) {
	r, ve := verifyJSON(data, keys)
	if ve != nil {
		return Receipt{}, ve
	}
	return r, nil
}

// verifyJSON is VerifyJSON with a concrete error type.
func verifyJSON(data []byte, keys []PublicKey) (Receipt, *VerifyError) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Receipt{}, verr(NotReceipt, "%s: the file is empty", reasonNotReceipt)
	}
	v, perr := parseJSON(data)
	if perr != nil {
		return Receipt{}, verr(Malformed, "malformed JSON at %s", perr)
	}
	doc, ok := v.(jsonObject)
	if !ok {
		return Receipt{}, verr(NotReceipt, "%s: the JSON document is not an object", reasonNotReceipt)
	}
	rv, hasR := doc.get("receipt")
	sv, hasS := doc.get("signature")
	if !hasR || !hasS {
		return Receipt{}, verr(NotReceipt, "%s: no \"receipt\" and \"signature\" members", reasonNotReceipt)
	}
	for _, m := range doc {
		if m.key != "receipt" && m.key != "signature" {
			return Receipt{}, verr(Malformed, "malformed JSON at %s: unexpected member (not covered by the signature)", jsonPath("", m.key))
		}
	}
	robj, ok := rv.(jsonObject)
	if !ok {
		return Receipt{}, verr(Malformed, "malformed JSON at receipt: want an object")
	}
	switch f, ok := robj.get("format"); {
	case !ok:
		return Receipt{}, verr(Malformed, "malformed JSON at receipt.format: missing")
	default:
		fs, isStr := f.(string)
		if !isStr {
			return Receipt{}, verr(Malformed, "malformed JSON at receipt.format: want a string")
		}
		if fs != Format {
			return Receipt{}, verr(Unsupported, "unsupported receipt format %q", fs)
		}
	}

	sobj, ok := sv.(jsonObject)
	if !ok {
		return Receipt{}, verr(Malformed, "malformed JSON at signature: want an object")
	}
	d := decoder{path: "signature"}
	alg := d.str(sobj, "alg")
	kid := d.str(sobj, "kid")
	sigText := d.str(sobj, "sig")
	d.noOthers(sobj, "alg", "kid", "sig")
	if d.err != nil {
		return Receipt{}, d.err
	}
	if alg != sigAlg {
		return Receipt{}, verr(Unsupported, "unsupported signature algorithm %q (want %s)", alg, sigAlg)
	}
	if !ValidKeyID(kid) {
		return Receipt{}, verr(Malformed, "malformed JSON at signature.kid: invalid key id %q", kid)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(sigText)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return Receipt{}, verr(Malformed, "malformed JSON at signature.sig: want %d bytes in unpadded base64url", ed25519.SignatureSize)
	}
	key, ve := checkSignature(keys, kid, canonicalJSON(robj), sig)
	if ve != nil {
		return Receipt{}, ve
	}
	r, ve := decodeReceipt(robj)
	if ve != nil {
		return Receipt{}, ve
	}
	if key.Municipality != "" && key.Municipality != r.Municipality {
		return Receipt{}, verr(WrongMunicipality, "key id %s belongs to %q, but the receipt is from %q", kid, key.Municipality, r.Municipality)
	}
	return r, nil
}

// checkSignature verifies sig over msg with the keys named kid and returns
// the key that verified it.
func checkSignature(keys []PublicKey, kid string, msg, sig []byte) (PublicKey, *VerifyError) {
	found, usable := false, false
	for _, k := range keys {
		if k.KeyID != kid {
			continue
		}
		found = true
		if len(k.Key) != ed25519.PublicKeySize {
			continue
		}
		usable = true
		if ed25519.Verify(k.Key, msg, sig) {
			return k, nil
		}
	}
	switch {
	case !found:
		return PublicKey{}, verr(UnknownKey, "unknown key id %s", kid)
	case !usable:
		return PublicKey{}, verr(UnknownKey, "key id %s has no valid Ed25519 public key", kid)
	}
	return PublicKey{}, verr(BadSignature, "%s", reasonBadSignature)
}

// decodeReceipt reads the "receipt" member.
func decodeReceipt(o jsonObject) (Receipt, *VerifyError) {
	d := decoder{path: "receipt"}
	var r Receipt
	r.Municipality = d.str(o, "municipality")
	r.MunicipalityNo = d.str(o, "municipalityNo")
	r.Service = d.str(o, "service")
	r.FormID = d.str(o, "formId")
	r.FormVersion = d.integer(o, "formVersion")
	r.Reference = d.str(o, "reference")
	at := d.str(o, "submittedAt")
	r.Submitter = d.str(o, "submitter")
	r.SubmitterID = d.str(o, "submitterId")
	r.ProcessingDays = d.integer(o, "processingDays")
	r.Lang = d.str(o, "lang")
	r.VerifyURL = d.str(o, "verifyUrl")
	for i, v := range d.array(o, "items") {
		e := d.elem("items", i)
		io := e.object(v)
		r.Items = append(r.Items, Item{Group: e.str(io, "group"), Label: e.str(io, "label"), Value: e.str(io, "value")})
		e.noOthers(io, "group", "label", "value")
		d.take(e)
	}
	for i, v := range d.array(o, "attachments") {
		e := d.elem("attachments", i)
		ao := e.object(v)
		a := Attachment{Name: e.str(ao, "name"), ContentType: e.str(ao, "contentType"), SHA256: e.str(ao, "sha256")}
		a.Size = int64(e.integer(ao, "size"))
		if e.err == nil && !isHexDigest(a.SHA256) {
			e.fail("sha256", "want 64 lower-case hexadecimal digits")
		}
		e.noOthers(ao, "name", "contentType", "size", "sha256")
		d.take(e)
		r.Attachments = append(r.Attachments, a)
	}
	d.noOthers(o, "attachments", "format", "formId", "formVersion", "items", "lang", "municipality",
		"municipalityNo", "processingDays", "reference", "service", "submittedAt", "submitter",
		"submitterId", "verifyUrl")
	if d.err != nil {
		return Receipt{}, d.err
	}
	t, err := time.Parse(timeLayout, at)
	if err != nil {
		return Receipt{}, verr(Malformed, "malformed JSON at receipt.submittedAt: not an RFC 3339 time")
	}
	r.SubmittedAt = t.UTC()
	if r.Lang != "nb" && r.Lang != "nn" && r.Lang != "en" {
		return Receipt{}, verr(Malformed, "malformed JSON at receipt.lang: want nb, nn or en")
	}
	if r.FormVersion < 0 || r.ProcessingDays < 0 {
		return Receipt{}, verr(Malformed, "malformed JSON at receipt: negative formVersion or processingDays")
	}
	for i, a := range r.Attachments {
		if a.Size < 0 {
			return Receipt{}, verr(Malformed, "malformed JSON at receipt.attachments[%d].size: negative", i)
		}
	}
	return r, nil
}

// decoder reads members of parsed JSON objects, keeping the first error
// with the path where it happened.
type decoder struct {
	path string
	err  *VerifyError
}

// fail records an error at member key (if no error was recorded before).
func (d *decoder) fail(key, msg string) {
	if d.err == nil {
		d.err = verr(Malformed, "malformed JSON at %s: %s", jsonPath(d.path, key), msg)
	}
}

// member returns the member key of o, recording an error if it is missing.
func (d *decoder) member(o jsonObject, key string) (any, bool) {
	if d.err != nil || o == nil {
		return nil, false
	}
	v, ok := o.get(key)
	if !ok {
		d.fail(key, "missing")
	}
	return v, ok
}

// str returns the string member key of o.
func (d *decoder) str(o jsonObject, key string) string {
	v, ok := d.member(o, key)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(key, "want a string")
	}
	return s
}

// integer returns the integer member key of o.
func (d *decoder) integer(o jsonObject, key string) int {
	v, ok := d.member(o, key)
	if !ok {
		return 0
	}
	n, ok := v.(int64)
	if !ok || n > math.MaxInt || n < math.MinInt {
		d.fail(key, "want an integer")
		return 0
	}
	return int(n)
}

// array returns the array member key of o.
func (d *decoder) array(o jsonObject, key string) []any {
	v, ok := d.member(o, key)
	if !ok {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		d.fail(key, "want an array")
	}
	return a
}

// elem returns a decoder for element i of the array member key.
func (d *decoder) elem(key string, i int) *decoder {
	return &decoder{path: fmt.Sprintf("%s[%d]", jsonPath(d.path, key), i), err: d.err}
}

// object returns v as an object, recording an error if it is not one.
func (d *decoder) object(v any) jsonObject {
	o, ok := v.(jsonObject)
	if !ok && d.err == nil {
		d.err = verr(Malformed, "malformed JSON at %s: want an object", d.path)
	}
	return o
}

// take adopts the error of a decoder made by elem.
func (d *decoder) take(e *decoder) {
	if d.err == nil {
		d.err = e.err
	}
}

// noOthers records an error if o has a member not in names.
func (d *decoder) noOthers(o jsonObject, names ...string) {
	for _, m := range o {
		known := false
		for _, n := range names {
			if m.key == n {
				known = true
				break
			}
		}
		if !known {
			d.fail(m.key, "unexpected member")
			return
		}
	}
}

// jsonPath joins a path and a member name, quoting names that are not
// simple identifiers.
func jsonPath(path, key string) string {
	simple := key != ""
	for _, c := range key {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			simple = false
			break
		}
	}
	if !simple {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
