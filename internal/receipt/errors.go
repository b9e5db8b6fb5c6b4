package receipt

import (
	"embed"
	"fmt"
	"io/fs"
)

// Code classifies why a receipt did not verify. Pages show the sentence
// under [Code.Key] in [Messages]; logs and the command line show
// [VerifyError.Reason].
type Code int

// The reasons a receipt can fail verification.
const (
	// NotReceipt: the file is empty, neither JSON nor PDF, or a JSON or
	// PDF document that is not a signed Torg receipt (for a PDF, this
	// includes one cut short before its signature).
	NotReceipt Code = iota + 1
	// Malformed: the file looks like a receipt but breaks the format, e.g.
	// invalid JSON or a damaged signature trailer.
	Malformed
	// Unsupported: a signature algorithm or receipt format this version
	// does not know.
	Unsupported
	// UnknownKey: the receipt is signed with a key that is not among the
	// keys given.
	UnknownKey
	// BadSignature: the signature does not match; the file was changed
	// after it was signed (or something was added after its end).
	BadSignature
	// EmbeddedMissing: a signed PDF without the embedded receipt.json.
	EmbeddedMissing
	// EmbeddedInvalid: the PDF is intact but the receipt.json embedded in
	// it does not verify.
	EmbeddedInvalid
	// WrongMunicipality: the signature is good, but the key belongs to
	// another municipality than the one the receipt names.
	WrongMunicipality
)

// String returns the code's short name, e.g. "bad_signature".
func (c Code) String() string {
	switch c {
	case NotReceipt:
		return "not_receipt"
	case Malformed:
		return "malformed"
	case Unsupported:
		return "unsupported"
	case UnknownKey:
		return "unknown_key"
	case BadSignature:
		return "bad_signature"
	case EmbeddedMissing:
		return "embedded_missing"
	case EmbeddedInvalid:
		return "embedded_invalid"
	case WrongMunicipality:
		return "wrong_municipality"
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Key returns the message key of the user-facing sentence for the code,
// e.g. "receipt.verify.bad_signature".
func (c Code) Key() string { return "receipt.verify." + c.String() }

// VerifyError says why a receipt is not valid. Verify functions return
// every failure as a *VerifyError.
type VerifyError struct {
	// Code classifies the failure.
	Code Code
	// Reason is a precise English description, e.g. "unknown key id
	// demo-2025" or "signature does not match (the file was changed after
	// signing)". It never contains answers from the receipt.
	Reason string
}

// Error returns "receipt not valid: " and the reason.
func (e *VerifyError) Error() string { return "receipt not valid: " + e.Reason }

// verr makes a *VerifyError.
func verr(c Code, format string, args ...any) *VerifyError {
	return &VerifyError{Code: c, Reason: fmt.Sprintf(format, args...)}
}

// The reasons that the tests and the documentation promise word for word.
const (
	reasonNotReceipt   = "not a Torg receipt"
	reasonBadSignature = "signature does not match (the file was changed after signing)"
	reasonNoEmbedded   = "embedded receipt missing"
	reasonBadEmbedded  = "embedded receipt signature invalid"
)

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files (nb.json, nn.json, en.json)
// for the i18n catalog: the verdicts a verification page shows, under
// "receipt.verify.valid" and [Code.Key] of each code.
func Messages() fs.FS {
	sub, err := fs.Sub(messageFS, "messages")
	if err != nil {
		panic(err) // embedded folder; cannot fail
	}
	return sub
}
