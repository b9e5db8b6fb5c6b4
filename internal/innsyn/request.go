package innsyn

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// The names of the request form's fields.
const (
	FieldEntry = "jp"    // a ticked entry: the journalpost's systemID (repeated)
	FieldEmail = "epost" // the requester's e-mail address
)

// Message keys of the request's errors.
const (
	keyInvalid       = errs.Key("innsyn.error.invalid")
	keyNone          = "innsyn.error.none"
	keyTooManyEnts   = "innsyn.error.too_many_entries"
	keyUnknownEntry  = "innsyn.error.unknown_entry"
	keyInternalNote  = "innsyn.error.internal_note"
	keyEmail         = "innsyn.error.email"
	keyEmailRequired = "innsyn.error.email_required"
)

// maxIDLength is the longest value of FieldEntry looked at.
const maxIDLength = 64

// ParseIDs reads the ticked entries of a form: each value a journalpost
// systemID (a UUID, any case, spaces around ignored). It returns them in
// lower case without duplicates, in the order given. Errors: Invalid
// (innsyn.error.invalid) with a field error on FieldEntry when no entry is
// ticked (innsyn.error.none), an id is not a UUID
// (innsyn.error.unknown_entry) or more than max are ticked
// (innsyn.error.too_many_entries).
func ParseIDs(values []string, max int) ([]string, error) {
	const op = errs.Op("innsyn.ParseIDs")
	fail := func(key string) ([]string, error) {
		return nil, errs.E(op, errs.Invalid, keyInvalid, map[string]string{FieldEntry: key})
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		if len(v) > maxIDLength+32 {
			return fail(keyUnknownEntry)
		}
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "" {
			continue
		}
		if !validUUID(v) {
			return fail(keyUnknownEntry)
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
			if len(out) > max {
				return fail(keyTooManyEnts)
			}
		}
	}
	if len(out) == 0 {
		return fail(keyNone)
	}
	return out, nil
}

// validUUID reports whether s is a UUID in canonical lower-case form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// CheckEmail returns the address in s if s is one plain e-mail address
// ("name@example.no", no display name), lower-cased in the domain.
func CheckEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 || strings.ContainsAny(s, "\r\n<>\" ,;") {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", false
	}
	return s[:at] + "@" + strings.ToLower(s[at+1:]), true
}

// PublicTitle is what the public may see of an entry's title: its
// offentligTittel, or "******" when the title is screened and there is
// none.
func PublicTitle(j archive.Journalpost) string {
	if j.OffentligTittel != "" {
		return j.OffentligTittel
	}
	if j.Skjerming.Screens(archive.SkjermingTittel) {
		return archive.Masked
	}
	return j.Tittel
}

// Screened reports whether anything of entry j, its case m or its
// documents is screened, so that it cannot be handed out whole.
func Screened(m archive.Saksmappe, j archive.Journalpost) bool {
	if m.Skjerming != nil || j.Skjerming != nil {
		return true
	}
	for _, d := range j.Dokumenter {
		if d.Skjerming != nil {
			return true
		}
	}
	return false
}

// entryFor reads entry id of tenant and its case, for a request: what is
// not in the public journal gives the field error key: an unknown entry,
// another municipality's or one not registered in the journal
// (journalstatus R, M, S, U) innsyn.error.unknown_entry; an internal
// document (type N or X) innsyn.error.internal_note.
func (s *Service) entryFor(ctx context.Context, tenant, id string) (archive.Saksmappe, archive.Journalpost, string, error) {
	j, err := s.arch.Entry(ctx, tenant, id)
	if errs.Is(errs.NotFound, err) {
		return archive.Saksmappe{}, archive.Journalpost{}, keyUnknownEntry, nil
	}
	if err != nil {
		return archive.Saksmappe{}, archive.Journalpost{}, "", err
	}
	switch j.Journalposttype {
	case archive.OrganinterntForOppfoelging, archive.OrganinterntUtenOppfoelging:
		return archive.Saksmappe{}, archive.Journalpost{}, keyInternalNote, nil
	}
	switch j.Journalstatus {
	case "R", "M", "S", "U":
		// Reserved, temporary, caseworker-registered and cancelled
		// registrations are not in the public journal either.
		return archive.Saksmappe{}, archive.Journalpost{}, keyUnknownEntry, nil
	}
	m, err := s.arch.Case(ctx, tenant, j.SaksmappeSystemID)
	if err != nil {
		return archive.Saksmappe{}, archive.Journalpost{}, "", err
	}
	return m, j, "", nil
}

// Preview returns the lines a request for the entries ids would have,
// with public titles only, for the page that asks for the requester's
// address. Errors: as ParseIDs, and Invalid with a field error on
// FieldEntry for an unknown entry, another municipality's or an internal
// note (innsyn.error.internal_note).
func (s *Service) Preview(ctx context.Context, tenant string, ids []string) ([]Line, error) {
	const op = errs.Op("innsyn.Preview")
	ids, err := ParseIDs(ids, s.cfg.MaxEntries)
	if err != nil {
		return nil, errs.E(op, err)
	}
	out := make([]Line, 0, len(ids))
	for i, id := range ids {
		m, j, key, err := s.entryFor(ctx, tenant, id)
		if err != nil {
			return nil, errs.E(op, err)
		}
		if key != "" {
			return nil, errs.E(op, errs.Invalid, keyInvalid, map[string]string{FieldEntry: key})
		}
		unit := m.AdministrativEnhet
		if unit == "" {
			unit = j.AdministrativEnhet
		}
		out = append(out, Line{Nr: i + 1, EntryID: j.SystemID, RegistreringID: j.RegistreringsID, PublicTitle: PublicTitle(j), Unit: unit})
	}
	return out, nil
}

// Requester is who makes a request: the signed-in person's principal
// ("pid:..." or "email:..."), or none, and the address answers go to
// (required when not signed in).
type Requester struct {
	Principal string
	Email     string
}

// key is what the rate limit counts by.
func (r Requester) key() string {
	if r.Principal != "" {
		return r.Principal
	}
	return "email:" + strings.ToLower(r.Email)
}

// Receipt is a request just made, with the secret of its status link.
// The token is given out once, here; only its hash is kept.
type Receipt struct {
	Request Request
	Token   string
}

// Submit makes a request for the entries ids (journalpost systemIDs of
// tenant) in one transaction: the request and its lines, each with the
// unit of its case, a deadline of Config.DeadlineDays working days after
// today (Norway), the receipt e-mail with the status link to the
// requester when there is an address, and an audit entry. base is the
// municipality's page address ("https://.../k/9999/") for the link; lang
// the language of the e-mails. Errors: Invalid (innsyn.error.invalid) with
// field errors on FieldEntry (as Preview) and FieldEmail (a bad address,
// innsyn.error.email, or none when not signed in,
// innsyn.error.email_required); TooMany (innsyn.error.too_many) when the
// requester has made Config.MaxPerDay requests in the last 24 hours.
func (s *Service) Submit(ctx context.Context, tenant string, ids []string, who Requester, lang, base string, actor audit.Entry) (Receipt, error) {
	const op = errs.Op("innsyn.Submit")
	fields := map[string]string{}
	if e := strings.TrimSpace(who.Email); e != "" {
		addr, ok := CheckEmail(e)
		if !ok {
			fields[FieldEmail] = keyEmail
		}
		who.Email = addr
	} else if who.Principal == "" {
		fields[FieldEmail] = keyEmailRequired
	}
	lines, err := s.Preview(ctx, tenant, ids)
	if err != nil {
		_, _, f := errs.Public(err)
		if !errs.Is(errs.Invalid, err) || len(f) == 0 {
			return Receipt{}, errs.E(op, err)
		}
		for k, v := range f {
			fields[k] = v
		}
	}
	if len(fields) > 0 {
		return Receipt{}, errs.E(op, errs.Invalid, keyInvalid, fields)
	}
	token := newToken()
	now := s.db.Now()
	req := Request{Tenant: tenant, ID: newID(), Principal: who.Principal, Email: who.Email, Lang: lang, Created: now,
		Deadline: AddWorkingDays(today(now), s.cfg.DeadlineDays), Lines: lines}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM innsyn_request WHERE tenant_id = $1 AND requester = $2 AND created_at > $3`,
			tenant, who.key(), now.Add(-24*time.Hour)).Scan(&n); err != nil {
			return err
		}
		if n >= s.cfg.MaxPerDay {
			return errs.E(errs.TooMany, errs.Key("innsyn.error.too_many"))
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO innsyn_request (tenant_id, id, requester, principal, email, lang, created_at, deadline, token_hash, closed_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)`,
			tenant, req.ID, who.key(), who.Principal, who.Email, lang, now, req.Deadline, hashToken(token)); err != nil {
			return err
		}
		for _, l := range lines {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO innsyn_line (tenant_id, request_id, nr, entry_id, registrering_id, public_title, unit, decision, legal_basis,
				   complaint, note, decided_at, decided_by, redacted_blob, redacted_name, redacted_type, redacted_size)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, '', '', '', '', NULL, '', '', '', '', 0)`,
				tenant, req.ID, l.Nr, l.EntryID, l.RegistreringID, l.PublicTitle, l.Unit); err != nil {
				return err
			}
		}
		if who.Email != "" {
			if _, err := s.mail.Enqueue(ctx, tx, s.receiptMail(req, base+"innsyn/status/"+token)); err != nil {
				return err
			}
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "innsyn.request.create", "innsynskrav:"+req.ID
		actor.Subject = pidOf(who.Principal)
		actor.Detail = detailIDs(lines)
		_, err := s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Receipt{}, errs.E(op, err)
	}
	return Receipt{Request: req, Token: token}, nil
}

// detailIDs lists the registrering ids of lines for an audit entry.
func detailIDs(lines []Line) string {
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.RegistreringID
	}
	return strings.Join(ids, ", ")
}

func pidOf(principal string) string {
	if p, ok := strings.CutPrefix(principal, "pid:"); ok {
		return p
	}
	return ""
}

// receiptMail is the receipt with the status link.
func (s *Service) receiptMail(r Request, link string) notify.Mail {
	t := func(key string, args ...any) string { return s.t(r.Lang, key, args...) }
	var b strings.Builder
	b.WriteString(t("innsyn.mail.receipt.lead", r.Ref(), r.Deadline.Format("02.01.2006")) + "\n\n")
	for _, l := range r.Lines {
		b.WriteString("- " + l.RegistreringID + " " + l.PublicTitle + "\n")
	}
	b.WriteString("\n" + t("innsyn.mail.receipt.link") + "\n" + link + "\n\n" + t("innsyn.mail.receipt.secret") + "\n")
	return notify.Mail{Tenant: r.Tenant, To: r.Email, Subject: t("innsyn.mail.receipt.subject", r.Ref()), Body: b.String()}
}

const requestColumns = `id, principal, email, lang, created_at, deadline, closed_at`

func scanRequest(sc interface{ Scan(...any) error }, tenant string) (Request, error) {
	var r Request
	var closed sql.NullTime
	err := sc.Scan(&r.ID, &r.Principal, &r.Email, &r.Lang, &r.Created, &r.Deadline, &closed)
	r.Tenant, r.Closed = tenant, fromNull(closed)
	r.Created, r.Deadline = r.Created.UTC(), r.Deadline.UTC()
	return r, err
}

// lines loads the lines of r.
func (s *Service) lines(ctx context.Context, q queryer, r *Request) error {
	rows, err := q.QueryContext(ctx,
		`SELECT nr, entry_id, registrering_id, public_title, unit, decision, legal_basis, complaint, note, decided_at, decided_by,
		   redacted_blob, redacted_name, redacted_type, redacted_size
		 FROM innsyn_line WHERE tenant_id = $1 AND request_id = $2 ORDER BY nr`, r.Tenant, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.Lines = r.Lines[:0]
	for rows.Next() {
		var l Line
		var at sql.NullTime
		var f File
		if err := rows.Scan(&l.Nr, &l.EntryID, &l.RegistreringID, &l.PublicTitle, &l.Unit, &l.Decision, &l.LegalBasis, &l.Complaint, &l.Note,
			&at, &l.DecidedBy, &f.Blob, &f.Name, &f.Type, &f.Size); err != nil {
			return err
		}
		l.DecidedAt = fromNull(at)
		if f.Blob != "" {
			l.Redacted = &f
		}
		r.Lines = append(r.Lines, l)
	}
	return rows.Err()
}

// request reads request id of tenant with its lines. Errors: NotFound.
func (s *Service) request(ctx context.Context, q queryer, tenant, id string) (Request, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM innsyn_request WHERE tenant_id = $1 AND id = $2`, tenant, id), tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, errs.E(errs.NotFound, errs.Key("innsyn.error.no_request"))
	}
	if err != nil {
		return Request{}, err
	}
	return r, s.lines(ctx, q, &r)
}

// Status returns the request whose status link has token, for the
// requester. Errors: NotFound (innsyn.error.no_request) for an unknown or
// malformed token, also another municipality's.
func (s *Service) Status(ctx context.Context, tenant, token string) (Request, error) {
	const op = errs.Op("innsyn.Status")
	if len(token) < 20 || len(token) > 100 {
		return Request{}, errs.E(op, errs.NotFound, errs.Key("innsyn.error.no_request"))
	}
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM innsyn_request WHERE tenant_id = $1 AND token_hash = $2`, tenant, hashToken(token)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, errs.E(op, errs.NotFound, errs.Key("innsyn.error.no_request"))
	}
	if err != nil {
		return Request{}, errs.E(op, err)
	}
	r, err := s.request(ctx, s.db, tenant, id)
	if err != nil {
		return Request{}, errs.E(op, err)
	}
	return r, nil
}

// Request returns request id for the staff who handle it, and records the
// read (the requester's address is personal data) with purpose in the
// audit log. Errors: NotFound.
func (s *Service) Request(ctx context.Context, tenant, id string, actor audit.Entry) (Request, error) {
	const op = errs.Op("innsyn.Request")
	r, err := s.request(ctx, s.db, tenant, id)
	if err != nil {
		return Request{}, errs.E(op, err)
	}
	actor.Tenant, actor.Action, actor.Object, actor.Subject = tenant, "innsyn.request.read", "innsynskrav:"+id, pidOf(r.Principal)
	if actor.Purpose == "" {
		actor.Purpose = "innsynsbehandling"
	}
	if _, err := s.audit.Record(ctx, actor); err != nil {
		return Request{}, errs.E(op, err)
	}
	return r, nil
}

// Mine returns request id when principal (a signed-in person) made it, for
// Min side. Errors: NotFound otherwise.
func (s *Service) Mine(ctx context.Context, tenant, id, principal string) (Request, error) {
	const op = errs.Op("innsyn.Mine")
	r, err := s.request(ctx, s.db, tenant, id)
	if err != nil {
		return Request{}, errs.E(op, err)
	}
	if principal == "" || r.Principal != principal {
		return Request{}, errs.E(op, errs.NotFound, errs.Key("innsyn.error.no_request"))
	}
	return r, nil
}

// ByPrincipal lists the requests principal made while signed in, newest
// first, for Min side.
func (s *Service) ByPrincipal(ctx context.Context, tenant, principal string) ([]Request, error) {
	const op = errs.Op("innsyn.ByPrincipal")
	if principal == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM innsyn_request WHERE tenant_id = $1 AND requester = $2 AND principal = $2
		ORDER BY created_at DESC, id LIMIT 200`, tenant, principal)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows, tenant)
		if err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	for i := range out {
		if err := s.lines(ctx, s.db, &out[i]); err != nil {
			return nil, errs.E(op, err)
		}
	}
	return out, nil
}
