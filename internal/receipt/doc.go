// Package receipt makes and checks submission receipts: what a citizen
// gets after submitting a form. A receipt comes as a PDF a person can read
// and as JSON a machine can read, both signed with the municipality's
// Ed25519 receipt key, so that anyone can check on a web page or with
// `torg receipt verify FILE` that it is genuine and unchanged.
//
// [Signer.JSON] and [Signer.PDF] make receipts; [Verify] (or [VerifyJSON],
// [VerifyPDF]) checks them against the municipality's public keys, which
// [MarshalPublicKeys] publishes as a JWK Set and [ParsePublicKeys] reads.
// Verification failures are [*VerifyError] values with a [Code] for pages
// (sentences in [Messages]) and a precise English Reason for logs and the
// command line. No input makes a verify function panic.
//
// The formats below are the contract: another implementation that follows
// them can make and check Torg receipts.
//
// # JSON receipt
//
// A JSON receipt is one object with exactly two members:
//
//	{"receipt":{...},"signature":{"alg":"Ed25519","kid":"demo-2026","sig":"..."}}
//
// "receipt" has exactly these members, all always present (empty strings,
// 0 and [] where there is nothing):
//
//	attachments     array of {"contentType","name","sha256","size"}:
//	                strings, except size, an integer (bytes); sha256 is
//	                64 lower-case hex digits
//	format          "torg-receipt-v1"
//	formId          string
//	formVersion     integer ≥ 0
//	items           array of {"group","label","value"}, all strings, in
//	                form order
//	lang            "nb", "nn" or "en"
//	municipality    string, e.g. "Demo kommune"
//	municipalityNo  string, e.g. "9999"
//	processingDays  integer ≥ 0 (0: no promise)
//	reference       string, e.g. "2026/01234"
//	service         string
//	submittedAt     RFC 3339 time in UTC with "Z", with fractional seconds
//	                only when they are not zero: "2026-03-01T09:15:00Z"
//	submitter       string, may be empty
//	submitterId     string: masked fødselsnummer, may be empty
//	verifyUrl       string: address of the verification page, may be empty
//
// "signature" has exactly "alg" (always "Ed25519"), "kid" (the key ID, 1 to
// 128 of A–Z a–z 0–9 . _ : -) and "sig": the 64-byte Ed25519 signature
// (RFC 8032) in unpadded base64url (RFC 4648 section 5) over the canonical
// form of the value of "receipt".
//
// # Canonical form
//
// The canonical form is that of the JSON Canonicalization Scheme (JCS,
// RFC 8785), which for the values receipts hold comes down to:
//
//   - No white space anywhere outside strings.
//   - Object members sorted by name, comparing the names' UTF-16 code units
//     as unsigned numbers (for the ASCII names of receipts, plain byte
//     order: "formId" < "formVersion" < "format"). Names are unique.
//   - Arrays keep their order.
//   - Strings in double quotes as UTF-8. Only these are escaped: '"' as \"
//     and '\' as \\; U+0008, U+0009, U+000A, U+000C, U+000D as \b, \t, \n,
//     \f, \r; other characters below U+0020 as \u00XX with lower-case hex
//     digits (\u001f). Everything else is written as itself: '/', '<',
//     '>', '&', U+007F, U+2028, U+2029 and all non-ASCII characters.
//   - Integers in decimal without leading zeros, '+', fraction or exponent;
//     '-' only for negative numbers. Receipts hold no other numbers, and
//     no integer beyond ±(2^53 − 1).
//   - true, false and null as such (receipts do not use them).
//
// A verifier parses the document, canonicalises the "receipt" value and
// checks the signature over those bytes, so white space in the file does
// not matter (a pretty-printed receipt still verifies). This package's
// parser is strict: the text must be valid UTF-8 (a leading byte order
// mark is skipped), names within an object unique, strings free of lone
// surrogates, and numbers integers as above; anything else is malformed.
// Unknown members are rejected rather than ignored, because they would be
// members a reader might trust without knowing what they mean.
//
// [Signer.JSON] writes the canonical form of the whole document followed by
// "\n". So in its output, the bytes between `{"receipt":` and
// `,"signature":` are exactly the bytes signed.
//
// # PDF receipt
//
// [Signer.PDF] writes an A4 PDF 1.7 document with the standard fonts
// Helvetica, Helvetica-Bold and Courier in WinAnsiEncoding (Windows-1252:
// Norwegian, Western European text and common punctuation; other
// characters print as "?", see pdftext.Encode). It holds, in this order: the
// municipality, the service (heading), the reference number and time of
// submission (Europe/Oslo) in a box, the promised processing time, who
// submitted, the answers as label/value rows under their group headings,
// the attachments with their SHA-256 digests, and how to verify the
// receipt. Long values wrap; long receipts continue on more pages, each
// with a running header (after the first) and a footer saying who signed
// it, where to verify it and "Side 1 av 2". The signed JSON receipt is
// embedded as the file "receipt.json" (the catalog's /Names
// /EmbeddedFiles), so the machine-readable copy travels with the PDF.
//
// The whole PDF is then signed. After its final "%%EOF\n" comes a
// signature trailer of two PDF comment lines, which PDF readers ignore:
//
//	%TORG-SIGNATURE Ed25519 kid=<kid> sig=<unpadded base64url>\n
//	%%EOF\n
//
// The Ed25519 signature covers every byte of the file before
// "%TORG-SIGNATURE". To verify, take the last occurrence of
// "%TORG-SIGNATURE ", check the signature over the bytes before it, and
// require that nothing but "%%EOF" and a line end follows the trailer line
// (anything more — such as an incremental update, which PDF readers would
// show — makes the receipt invalid). Then read receipt.json from the
// embedded files and verify it as a JSON receipt; its content is the
// receipt's content.
//
// # Accessibility
//
// The PDF does what a small writer reasonably can:
//
//   - It is a tagged PDF (/MarkInfo /Marked true, a structure tree with
//     /ParentTree, /StructParents and /Tabs /S on each page): Document, P,
//     H1 (the service), H2 (sections), H3 (answer groups), and Table, TR,
//     TH (with /Scope /Row) and TD for the label/value rows. Every piece of
//     content is marked content owned by one element; decoration, the
//     running header and the footers are marked as artifacts.
//   - The logical reading order is the content order: the structure tree,
//     the content streams and the visual order all follow the receipt
//     from top to bottom, left column before right.
//   - The catalog has /Lang (nb-NO, nn-NO or en) and the document
//     information a /Title, shown by viewers instead of the file name
//     (/DisplayDocTitle). Bookmarks lead to the sections and groups.
//   - Text is real text with a standard encoding, so it can be searched,
//     copied and read aloud; it is black or dark grey (contrast above 7:1)
//     and at least 8 points.
//
// What it lacks for PDF/UA-1 (ISO 14289-1), so it does not claim it: the
// fonts are not embedded (the standard 14 fonts are used), so characters
// outside WinAnsiEncoding cannot be shown (the embedded JSON keeps them);
// there is no XMP metadata stream with the PDF/UA identifier or dc:title;
// the web address is plain text, not a link annotation; a label cell that
// spans two pages is two pieces of one cell, not repeated; the answers'
// own language is not tagged (the fixed texts' language is); and it has
// not been checked with PAC or veraPDF.
//
// # Keys
//
// Keys are published as a JWK Set: Ed25519 keys as Octet Key Pairs
// (RFC 8037: "kty":"OKP", "crv":"Ed25519", "x"), with "kid", "use":"sig",
// "alg":"EdDSA" and Torg's own "municipality" member; see
// [MarshalPublicKeys].
package receipt
