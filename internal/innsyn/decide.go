package innsyn

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// The names of the decision form's fields.
const (
	FieldNr        = "nr"
	FieldDecision  = "vedtak"
	FieldBasis     = "hjemmel"
	FieldComplaint = "klage"
	FieldNote      = "merknad"
	FieldFile      = "fil"
)

// RedactedType is the one type a redacted copy may have: it is judged by
// the file's content (blob.SniffType), never by its name.
const RedactedType = "application/pdf"

// Decision is a decision on one entry of a request as typed.
type Decision struct {
	Nr         int    // the line
	Decision   string // Granted, Partly or Refused
	LegalBasis string // required for Partly and Refused, e.g. "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
	Complaint  string // the right to complain; the standard text when empty (Partly, Refused)
	Note       string // a message to the requester
}

// Upload is a redacted copy as sent: its file name and content.
type Upload struct {
	Name string
	Body io.Reader
}

// CheckDecision validates d without the archive or the file and returns
// it cleaned. Errors: Invalid (innsyn.error.invalid) with field errors on
// FieldDecision (innsyn.error.decision), FieldBasis
// (innsyn.error.basis_required, innsyn.error.too_long) and FieldComplaint,
// FieldNote (innsyn.error.too_long, innsyn.error.text).
func CheckDecision(d Decision) (Decision, error) {
	d.Decision = strings.TrimSpace(d.Decision)
	d.LegalBasis = cleanLine(d.LegalBasis)
	d.Complaint, d.Note = cleanText(d.Complaint), cleanText(d.Note)
	fields := map[string]string{}
	if !slices.Contains(Decisions(), d.Decision) {
		fields[FieldDecision] = "innsyn.error.decision"
	}
	switch {
	case utf8.RuneCountInString(d.LegalBasis) > MaxBasis:
		fields[FieldBasis] = "innsyn.error.too_long"
	case d.LegalBasis == "" && (d.Decision == Refused || d.Decision == Partly):
		fields[FieldBasis] = "innsyn.error.basis_required"
	}
	if utf8.RuneCountInString(d.Complaint) > MaxText {
		fields[FieldComplaint] = "innsyn.error.too_long"
	}
	if utf8.RuneCountInString(d.Note) > MaxText {
		fields[FieldNote] = "innsyn.error.too_long"
	}
	if d.Decision == Granted {
		d.LegalBasis, d.Complaint = "", ""
	}
	if len(fields) > 0 {
		return d, errs.E(errs.Op("innsyn.CheckDecision"), errs.Invalid, keyInvalid, fields)
	}
	return d, nil
}

// cleanLine keeps one line of text: control characters become spaces,
// runs of space one, and the ends are trimmed.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// cleanText keeps lines and drops other control characters.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Decide records decision d on one entry of request id in one
// transaction, with the decision e-mail to the requester and an audit
// entry; the request is closed when its last entry is decided. A Partly
// decision needs the redacted copy up: a PDF (judged by content) of at
// most Config.MaxRedacted bytes, kept in the blob store. Errors: as
// CheckDecision; Invalid with a field error on FieldFile for a missing
// (innsyn.error.file_required), wrongly typed (innsyn.error.file_type) or
// too large (innsyn.error.file_size) copy; Invalid with
// innsyn.error.screened on FieldDecision when a screened entry is granted
// in full (the attempt is audited); NotFound for an unknown request or
// line; Conflict (innsyn.error.decided) when the entry is decided already.
func (s *Service) Decide(ctx context.Context, tenant, id string, d Decision, up *Upload, actor audit.Entry) (Line, error) {
	const op = errs.Op("innsyn.Decide")
	d, err := CheckDecision(d)
	fields := map[string]string{}
	if err != nil {
		_, _, fields = errs.Public(err)
	}
	r, err := s.request(ctx, s.db, tenant, id)
	if err != nil {
		return Line{}, errs.E(op, err)
	}
	i := slices.IndexFunc(r.Lines, func(l Line) bool { return l.Nr == d.Nr })
	if i < 0 {
		return Line{}, errs.E(op, errs.NotFound, errs.Key("innsyn.error.no_line"))
	}
	line := r.Lines[i]
	if line.Decision != "" {
		return Line{}, errs.E(op, errs.Conflict, errs.Key("innsyn.error.decided"))
	}
	if d.Decision == Partly && up == nil && fields[FieldFile] == "" {
		fields[FieldFile] = "innsyn.error.file_required"
	}
	if len(fields) > 0 {
		return Line{}, errs.E(op, errs.Invalid, keyInvalid, fields)
	}
	if d.Decision == Granted {
		m, j, key, err := s.entryFor(ctx, tenant, line.EntryID)
		if err != nil {
			return Line{}, errs.E(op, err)
		}
		if key != "" {
			return Line{}, errs.E(op, errs.Conflict, errs.Key("innsyn.error.entry_gone"))
		}
		if Screened(m, j) {
			a := actor
			a.Tenant, a.Action, a.Object = tenant, "innsyn.decide.refused", "innsynskrav:"+id
			a.Detail = fmt.Sprintf("%s: screened, cannot be granted in full", line.RegistreringID)
			if _, err := s.audit.Record(ctx, a); err != nil {
				return Line{}, errs.E(op, err)
			}
			return Line{}, errs.E(op, errs.Invalid, keyInvalid, map[string]string{FieldDecision: "innsyn.error.screened"})
		}
	}
	var file *File
	if d.Decision == Partly {
		f, key, err := s.putRedacted(ctx, up)
		if err != nil {
			return Line{}, errs.E(op, err)
		}
		if key != "" {
			return Line{}, errs.E(op, errs.Invalid, keyInvalid, map[string]string{FieldFile: key})
		}
		file = &f
	}
	if d.Decision != Granted && d.Complaint == "" {
		d.Complaint = s.t(r.Lang, "innsyn.complaint.default")
	}
	now := s.db.Now()
	by := actor.ActorName
	if by == "" {
		by = actor.ActorID
	}
	line.Decision, line.LegalBasis, line.Complaint, line.Note, line.DecidedAt, line.DecidedBy, line.Redacted =
		d.Decision, d.LegalBasis, d.Complaint, d.Note, now, by, file
	if file == nil {
		file = &File{}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE innsyn_line SET decision = $4, legal_basis = $5, complaint = $6, note = $7, decided_at = $8, decided_by = $9,
			   redacted_blob = $10, redacted_name = $11, redacted_type = $12, redacted_size = $13
			 WHERE tenant_id = $1 AND request_id = $2 AND nr = $3 AND decision = ''`,
			tenant, id, d.Nr, d.Decision, d.LegalBasis, d.Complaint, d.Note, now, by, file.Blob, file.Name, file.Type, file.Size)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, errs.Key("innsyn.error.decided"))
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE innsyn_request SET closed_at = $3 WHERE tenant_id = $1 AND id = $2 AND closed_at IS NULL
			 AND NOT EXISTS (SELECT 1 FROM innsyn_line WHERE tenant_id = $1 AND request_id = $2 AND decision = '')`,
			tenant, id, now); err != nil {
			return err
		}
		if r.Email != "" {
			if _, err := s.mail.Enqueue(ctx, tx, s.decisionMail(r, line)); err != nil {
				return err
			}
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "innsyn.decide", "innsynskrav:"+id
		actor.Subject = pidOf(r.Principal)
		actor.Detail = line.RegistreringID + ": " + d.Decision
		if d.LegalBasis != "" {
			actor.Detail += " (" + d.LegalBasis + ")"
		}
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Line{}, errs.E(op, err)
	}
	return line, nil
}

// putRedacted checks and stores a redacted copy; key is the field error
// when it is refused.
func (s *Service) putRedacted(ctx context.Context, up *Upload) (File, string, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(up.Body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return File{}, "", errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	if n == 0 {
		return File{}, "innsyn.error.file_required", nil
	}
	if blob.SniffType(head[:n]) != RedactedType {
		return File{}, "innsyn.error.file_type", nil
	}
	sum, size, err := s.blobs.Put(ctx, io.MultiReader(bytes.NewReader(head[:n]), up.Body), s.cfg.MaxRedacted)
	if errs.KindOf(err) == errs.TooLarge {
		return File{}, "innsyn.error.file_size", nil
	}
	if err != nil {
		return File{}, "", err
	}
	return File{Blob: sum, Name: fileName(up.Name), Type: RedactedType, Size: size}, "", nil
}

// fileName keeps the last element of a name a browser sent, printable,
// at most 100 characters, ending in ".pdf".
func fileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = cleanLine(name)
	if name == "." || name == "/" || name == "" {
		name = "dokument"
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if !strings.HasSuffix(strings.ToLower(name), ".pdf") {
		name += ".pdf"
	}
	return name
}

// decisionMail tells the requester of the decision on line l.
func (s *Service) decisionMail(r Request, l Line) notify.Mail {
	t := func(key string, args ...any) string { return s.t(r.Lang, key, args...) }
	var b strings.Builder
	b.WriteString(t("innsyn.mail.decision.lead", r.Ref(), l.RegistreringID, l.PublicTitle) + "\n\n")
	b.WriteString(t("innsyn.decision."+l.Decision) + "\n")
	if l.LegalBasis != "" {
		b.WriteString(t("innsyn.mail.decision.basis", l.LegalBasis) + "\n")
	}
	if l.Note != "" {
		b.WriteString("\n" + l.Note + "\n")
	}
	if l.Complaint != "" {
		b.WriteString("\n" + l.Complaint + "\n")
	}
	if l.Decision != Refused {
		b.WriteString("\n" + t("innsyn.mail.decision.documents") + "\n")
	}
	return notify.Mail{Tenant: r.Tenant, To: r.Email, Subject: t("innsyn.mail.decision.subject", r.Ref()), Body: b.String()}
}

// Document is a file of a granted entry the requester may download.
type Document struct {
	Title  string // the document's public title
	Object archive.Dokumentobjekt
}

// publicDocs lists the files of entry j to hand out: of each document the
// newest version in archive format (A), else in production format (P);
// never a screened variant.
func publicDocs(j archive.Journalpost) []Document {
	var out []Document
	for _, d := range j.Dokumenter {
		var best *archive.Dokumentobjekt
		for k := range d.Dokumentobjekter {
			o := &d.Dokumentobjekter[k]
			if o.Variantformat != "A" && o.Variantformat != "P" {
				continue
			}
			if best == nil || o.Versjonsnummer > best.Versjonsnummer ||
				o.Versjonsnummer == best.Versjonsnummer && o.Variantformat == "A" {
				best = o
			}
		}
		if best != nil {
			out = append(out, Document{Title: d.Tittel, Object: *best})
		}
	}
	return out
}

// Documents returns the files line nr of request r hands out: those of a
// granted entry that is not screened (none otherwise).
func (s *Service) Documents(ctx context.Context, r Request, nr int) ([]Document, error) {
	i := slices.IndexFunc(r.Lines, func(l Line) bool { return l.Nr == nr })
	if i < 0 || r.Lines[i].Decision != Granted {
		return nil, nil
	}
	m, j, key, err := s.entryFor(ctx, r.Tenant, r.Lines[i].EntryID)
	if err != nil {
		return nil, errs.E(errs.Op("innsyn.Documents"), err)
	}
	if key != "" || Screened(m, j) {
		return nil, nil
	}
	return publicDocs(j), nil
}

// OpenDocument opens file objectID of line nr of the request whose
// status link has token, for download, and audits the download. Only a
// granted entry's files are given out, and only while the entry is not
// screened: a screened one is refused (Forbidden,
// innsyn.error.screened_download) and the attempt audited. Errors:
// NotFound for anything else.
func (s *Service) OpenDocument(ctx context.Context, tenant, token string, nr int, objectID string, actor audit.Entry) (File, io.ReadCloser, error) {
	r, err := s.Status(ctx, tenant, token)
	if err != nil {
		return File{}, nil, errs.E(errs.Op("innsyn.OpenDocument"), err)
	}
	return s.openDocument(ctx, r, nr, objectID, actor)
}

// OpenDocumentFor is OpenDocument for the signed-in requester principal
// of request id (Min side), without the token.
func (s *Service) OpenDocumentFor(ctx context.Context, tenant, id, principal string, nr int, objectID string, actor audit.Entry) (File, io.ReadCloser, error) {
	r, err := s.Mine(ctx, tenant, id, principal)
	if err != nil {
		return File{}, nil, errs.E(errs.Op("innsyn.OpenDocumentFor"), err)
	}
	return s.openDocument(ctx, r, nr, objectID, actor)
}

func (s *Service) openDocument(ctx context.Context, r Request, nr int, objectID string, actor audit.Entry) (File, io.ReadCloser, error) {
	const op = errs.Op("innsyn.OpenDocument")
	notFound := errs.E(op, errs.NotFound, errs.Key("innsyn.error.no_document"))
	tenant := r.Tenant
	i := slices.IndexFunc(r.Lines, func(l Line) bool { return l.Nr == nr })
	if i < 0 || r.Lines[i].Decision != Granted {
		return File{}, nil, notFound
	}
	m, j, key, err := s.entryFor(ctx, tenant, r.Lines[i].EntryID)
	if err != nil {
		return File{}, nil, errs.E(op, err)
	}
	if key != "" {
		return File{}, nil, notFound
	}
	actor.Tenant, actor.Object, actor.Subject = tenant, "innsynskrav:"+r.ID, pidOf(r.Principal)
	if Screened(m, j) {
		actor.Action, actor.Detail = "innsyn.download.refused", r.Lines[i].RegistreringID+": screened"
		if _, err := s.audit.Record(ctx, actor); err != nil {
			return File{}, nil, errs.E(op, err)
		}
		return File{}, nil, errs.E(op, errs.Forbidden, errs.Key("innsyn.error.screened_download"))
	}
	for _, d := range publicDocs(j) {
		if d.Object.SystemID != objectID {
			continue
		}
		rc, err := s.blobs.Open(ctx, d.Object.BlobID)
		if err != nil {
			return File{}, nil, errs.E(op, err)
		}
		actor.Action, actor.Detail = "innsyn.download", r.Lines[i].RegistreringID+": "+objectID
		if _, err := s.audit.Record(ctx, actor); err != nil {
			rc.Close()
			return File{}, nil, errs.E(op, err)
		}
		return File{Blob: d.Object.BlobID, Name: d.Object.Filnavn, Type: d.Object.Mimetype, Size: d.Object.Filstoerrelse}, rc, nil
	}
	return File{}, nil, notFound
}

// OpenRedacted opens the redacted copy of line nr of the request whose
// status link has token, and audits the download. Errors: NotFound when
// the line has none.
func (s *Service) OpenRedacted(ctx context.Context, tenant, token string, nr int, actor audit.Entry) (File, io.ReadCloser, error) {
	r, err := s.Status(ctx, tenant, token)
	if err != nil {
		return File{}, nil, errs.E(errs.Op("innsyn.OpenRedacted"), err)
	}
	return s.openRedacted(ctx, r, nr, actor)
}

// OpenRedactedFor is OpenRedacted for the signed-in requester principal
// of request id (Min side).
func (s *Service) OpenRedactedFor(ctx context.Context, tenant, id, principal string, nr int, actor audit.Entry) (File, io.ReadCloser, error) {
	r, err := s.Mine(ctx, tenant, id, principal)
	if err != nil {
		return File{}, nil, errs.E(errs.Op("innsyn.OpenRedactedFor"), err)
	}
	return s.openRedacted(ctx, r, nr, actor)
}

func (s *Service) openRedacted(ctx context.Context, r Request, nr int, actor audit.Entry) (File, io.ReadCloser, error) {
	const op = errs.Op("innsyn.OpenRedacted")
	i := slices.IndexFunc(r.Lines, func(l Line) bool { return l.Nr == nr })
	if i < 0 || r.Lines[i].Decision != Partly || r.Lines[i].Redacted == nil {
		return File{}, nil, errs.E(op, errs.NotFound, errs.Key("innsyn.error.no_document"))
	}
	f := *r.Lines[i].Redacted
	rc, err := s.blobs.Open(ctx, f.Blob)
	if err != nil {
		return File{}, nil, errs.E(op, err)
	}
	actor.Tenant, actor.Object, actor.Subject = r.Tenant, "innsynskrav:"+r.ID, pidOf(r.Principal)
	actor.Action, actor.Detail = "innsyn.download", r.Lines[i].RegistreringID+": redacted copy"
	if _, err := s.audit.Record(ctx, actor); err != nil {
		rc.Close()
		return File{}, nil, errs.E(op, err)
	}
	return f, rc, nil
}
