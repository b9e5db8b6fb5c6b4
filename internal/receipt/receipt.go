package receipt

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Format is the value of the "format" member of every receipt this package
// writes. A later, incompatible layout of the receipt member gets a new
// value; [VerifyJSON] rejects values it does not know.
const Format = "torg-receipt-v1"

// maxSafeInt is the largest integer JSON can carry exactly between
// implementations (2^53 − 1, I-JSON, RFC 7493). Integers in a receipt must
// not exceed it.
const maxSafeInt = 1<<53 - 1

// Receipt is what a citizen gets after submitting a form. It is the content
// of both the JSON and the PDF receipt.
type Receipt struct {
	// Municipality is the name of the municipality, e.g. "Demo kommune".
	Municipality string
	// MunicipalityNo is the kommunenummer, e.g. "9999".
	MunicipalityNo string
	// Service is the name of the service, e.g. "Søknad om barnehageplass".
	Service string
	// FormID identifies the form definition the answers were given in.
	FormID string
	// FormVersion is the version of that form definition.
	FormVersion int
	// Reference is the reference number, e.g. "2026/01234".
	Reference string
	// SubmittedAt is when the submission was received. It is stored in
	// UTC and shown in Europe/Oslo time in the PDF.
	SubmittedAt time.Time
	// Submitter is the name of the person who submitted; empty for
	// anonymous forms.
	Submitter string
	// SubmitterID is the masked fødselsnummer, e.g. "150388 *****", or
	// empty. Never put a whole fødselsnummer here: receipts are shared.
	SubmitterID string
	// Items are the answers as label/value pairs, in the order the form
	// asked for them.
	Items []Item
	// Attachments are the files that came with the submission.
	Attachments []Attachment
	// ProcessingDays is the promised processing time in days from the
	// service declaration; 0 means none was given.
	ProcessingDays int
	// Lang is the language of the fixed texts in the PDF: "nb" (bokmål),
	// "nn" (nynorsk) or "en" (English). Empty means "nb".
	Lang string
	// VerifyURL is the full address of the page where anyone can check a
	// receipt, e.g. "https://demo.torg.no/kvittering/kontroller". The PDF
	// prints it in the footer of every page; empty leaves it out.
	VerifyURL string
}

// Item is one answer. Consecutive items with the same non-empty Group are
// shown under that group as a heading.
type Item struct {
	// Group is the heading the item belongs under; empty for none.
	Group string
	// Label is the question or field label.
	Label string
	// Value is the answer as text. Line breaks are kept.
	Value string
}

// Attachment describes one file that came with the submission. The file
// itself is not part of the receipt; its SHA-256 digest binds it.
type Attachment struct {
	// Name is the file name as the citizen uploaded it.
	Name string
	// ContentType is the media type, e.g. "application/pdf".
	ContentType string
	// Size is the size in bytes.
	Size int64
	// SHA256 is the SHA-256 digest of the file's bytes as 64 hexadecimal
	// digits. Receipts always carry it in lower case.
	SHA256 string
}

// Signer signs receipts with a municipality's receipt key.
type Signer struct {
	// KeyID names the key; verifiers find the public key by it. See
	// [ValidKeyID] for the characters allowed.
	KeyID string
	// Key is the Ed25519 private key.
	Key ed25519.PrivateKey
}

// PublicKey is a key that receipts are verified with.
type PublicKey struct {
	// KeyID names the key, as in [Signer.KeyID].
	KeyID string
	// Key is the Ed25519 public key.
	Key ed25519.PublicKey
	// Municipality is the name of the municipality that holds the key, as
	// written in its receipts ("Demo kommune"). When it is set, a receipt
	// only verifies if its Municipality is the same, so that one
	// municipality's key cannot vouch for a receipt in another's name.
	Municipality string
}

// GenerateSigner makes a new random Ed25519 key with the key ID kid.
func GenerateSigner(kid string) (Signer, error) {
	if !ValidKeyID(kid) {
		return Signer{}, fmt.Errorf("receipt: invalid key id %q: use 1 to 128 of A–Z, a–z, 0–9, '.', '_', ':' and '-'", kid)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Signer{}, fmt.Errorf("receipt: generating key: %w", err)
	}
	return Signer{KeyID: kid, Key: priv}, nil
}

// Public returns the public half of the signer's key, with Municipality
// empty (set it before publishing). If the signer's key is not a valid
// Ed25519 private key, the returned Key is nil.
func (s Signer) Public() PublicKey {
	pk := PublicKey{KeyID: s.KeyID}
	if len(s.Key) == ed25519.PrivateKeySize {
		pk.Key = append(ed25519.PublicKey(nil), s.Key[ed25519.SeedSize:]...)
	}
	return pk
}

// check reports whether the signer can sign.
func (s Signer) check() error {
	if !ValidKeyID(s.KeyID) {
		return fmt.Errorf("receipt: invalid key id %q", s.KeyID)
	}
	if len(s.Key) != ed25519.PrivateKeySize {
		return fmt.Errorf("receipt: signing key %q is not an Ed25519 private key (%d bytes, want %d)", s.KeyID, len(s.Key), ed25519.PrivateKeySize)
	}
	return nil
}

// sign signs msg; s must have passed check.
func (s Signer) sign(msg []byte) []byte { return ed25519.Sign(s.Key, msg) }

// ValidKeyID reports whether kid can name a receipt key: 1 to 128 ASCII
// letters, digits, '.', '_', ':' or '-'. The limit keeps key IDs safe in
// the PDF signature trailer, file names and URLs.
func ValidKeyID(kid string) bool {
	if kid == "" || len(kid) > 128 {
		return false
	}
	for i := 0; i < len(kid); i++ {
		c := kid[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// normalize checks that r can be signed and returns it as it will be
// signed: Lang defaulted to "nb", SubmittedAt in UTC, digests in lower
// case.
func normalize(r Receipt) (Receipt, error) {
	fail := func(format string, args ...any) (Receipt, error) {
		return Receipt{}, fmt.Errorf("receipt: "+format, args...)
	}
	if r.Lang == "" {
		r.Lang = "nb"
	}
	if r.Lang != "nb" && r.Lang != "nn" && r.Lang != "en" {
		return fail("unsupported language %q (want nb, nn or en)", r.Lang)
	}
	if strings.TrimSpace(r.Municipality) == "" {
		return fail("Municipality is empty")
	}
	if strings.TrimSpace(r.Service) == "" {
		return fail("Service is empty")
	}
	if strings.TrimSpace(r.Reference) == "" {
		return fail("Reference is empty")
	}
	if r.SubmittedAt.IsZero() {
		return fail("SubmittedAt is not set")
	}
	r.SubmittedAt = r.SubmittedAt.UTC()
	if y := r.SubmittedAt.Year(); y < 1 || y > 9999 {
		return fail("SubmittedAt is outside the years 1–9999")
	}
	if r.FormVersion < 0 || int64(r.FormVersion) > maxSafeInt {
		return fail("FormVersion %d is out of range", r.FormVersion)
	}
	if r.ProcessingDays < 0 || int64(r.ProcessingDays) > maxSafeInt {
		return fail("ProcessingDays %d is out of range", r.ProcessingDays)
	}
	strs := []struct{ name, v string }{
		{"Municipality", r.Municipality}, {"MunicipalityNo", r.MunicipalityNo},
		{"Service", r.Service}, {"FormID", r.FormID}, {"Reference", r.Reference},
		{"Submitter", r.Submitter}, {"SubmitterID", r.SubmitterID}, {"VerifyURL", r.VerifyURL},
	}
	for _, s := range strs {
		if !utf8.ValidString(s.v) {
			return fail("%s is not valid UTF-8", s.name)
		}
	}
	for i, it := range r.Items {
		if !utf8.ValidString(it.Group) || !utf8.ValidString(it.Label) || !utf8.ValidString(it.Value) {
			return fail("Items[%d] is not valid UTF-8", i)
		}
	}
	if len(r.Items) == 0 {
		r.Items = nil
	}
	var atts []Attachment // a copy: the caller's slice is not changed
	for i, a := range r.Attachments {
		if !utf8.ValidString(a.Name) || !utf8.ValidString(a.ContentType) {
			return fail("Attachments[%d] is not valid UTF-8", i)
		}
		if a.Size < 0 || a.Size > maxSafeInt {
			return fail("Attachments[%d].Size %d is out of range", i, a.Size)
		}
		a.SHA256 = strings.ToLower(a.SHA256)
		if !isHexDigest(a.SHA256) {
			return fail("Attachments[%d].SHA256 is not 64 hexadecimal digits", i)
		}
		atts = append(atts, a)
	}
	r.Attachments = atts
	return r, nil
}

// isHexDigest reports whether s is 64 lower-case hexadecimal digits.
func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
