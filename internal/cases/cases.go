// Package cases is case handling (saksbehandling): every submission of a
// form becomes a case in the municipality's Noark 5 record (package
// archive) with an incoming journal entry holding the submission's
// documents, routed to the unit the service names. Case workers have an
// inbox, open a case (which the audit log records, so the citizen sees it),
// assign it, write internal notes (journal entries of type N, never shown
// to the citizen), and write to the citizen: a letter (type U) that is
// delivered through a Channel (Min side with an e-mail notice by default),
// or a decision (vedtak: a letter with its legal basis and the right to
// appeal) that closes the case. The citizen reads letters and answers on
// Min side; an answer is a new incoming entry (type I).
//
// It owns the tables cases_cases and cases_messages; the record itself is
// the archive module's.
package cases

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/outbox"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Schema is the module's migrations.
var Schema = db.EmbeddedSchema("cases", migrationFS, "migrations")

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// The kinds of message in a case.
const (
	KindNote     = "note"     // internal note, journalpost N
	KindLetter   = "letter"   // letter to the citizen, journalpost U
	KindDecision = "decision" // decision (vedtak), journalpost U; closes the case
	KindReply    = "reply"    // the citizen's answer, journalpost I
	// KindSubmission is the submission the case began with (journalpost I).
	KindSubmission = "submission"
	// KindRegistered is a letter or e-mail the archivist registered by
	// hand (journalpost I, U or X); never shown to the citizen.
	KindRegistered = "registered"
)

// Case statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Event types on the webhook stream.
const (
	EventCreated      = outbox.TypePrefix + "cases.case.created"
	EventStatus       = outbox.TypePrefix + "cases.case.status_changed"
	EventJournalEntry = outbox.TypePrefix + "cases.journal_entry.created"
)

// Case is a case as case workers and the citizen see it.
type Case struct {
	Tenant        string
	ID            string // the saksmappe's systemID
	Number        string // saksnummer, e.g. "2026/12"
	FormID        string
	Title         string
	SubmissionID  string
	SubmissionRef string
	Citizen       string // principal
	CitizenPID    string
	CitizenName   string
	Email         string
	Unit          string
	Assignee      string
	AssigneeName  string
	Status        string
	Deadline      time.Time // zero when the service promises none
	CreatedAt     time.Time
	ClosedAt      time.Time
	// RestrictedTo names the only case workers who may see the case (see
	// Rule), as principals between bars; "" for every case worker.
	RestrictedTo string
}

// Overdue reports whether an open case is past its deadline at now.
func (c Case) Overdue(now time.Time) bool {
	return c.Status == StatusOpen && !c.Deadline.IsZero() && now.After(c.Deadline)
}

// Message is a note, letter, decision or reply in a case.
type Message struct {
	Tenant, ID, CaseID, EntryID string
	Kind                        string
	Title, Body                 string
	LegalBasis, Appeal          string // decisions
	Author, AuthorName          string
	Channel                     string // letters and decisions
	Delivery                    string // queued, delivered, failed; print, printed (SvarUt's print fallback)
	DeliveryDetail              string
	CreatedAt                   time.Time
	ReadAt                      time.Time
}

// Record is what case handling needs from the Noark 5 record; the archive
// module provides it (see NewArchiveRecord). Every method runs in the
// caller's transaction.
type Record interface {
	// Prepare makes sure the municipality's record can take cases (its
	// archive and current archive part exist).
	Prepare(ctx context.Context, tx *sql.Tx, tenant, municipalityName string, actor audit.Entry) error
	// NewCase makes a saksmappe and returns its systemID and case number.
	NewCase(ctx context.Context, tx *sql.Tx, tenant string, c NewCase, actor audit.Entry) (id, number string, err error)
	// NewEntry makes a journalpost in the case and returns its systemID.
	NewEntry(ctx context.Context, tx *sql.Tx, tenant, caseID string, e NewEntry, actor audit.Entry) (string, error)
	// SetResponsible makes name the case's saksansvarlig.
	SetResponsible(ctx context.Context, tx *sql.Tx, tenant, caseID, name string, actor audit.Entry) error
	// CloseCase sets the case's status to closed (avsluttet).
	CloseCase(ctx context.Context, tx *sql.Tx, tenant, caseID string, actor audit.Entry) error
}

// NewCase is what a new saksmappe gets.
type NewCase struct {
	Title       string // with personal names
	PublicTitle string // for the public journal
	Unit        string // administrativ enhet
	Responsible string // saksansvarlig
	// LegalBasis screens the case title and parties on this basis; ""
	// leaves the case open to the public journal.
	LegalBasis string
}

// NewEntry is what a new journalpost gets.
type NewEntry struct {
	Type        string // "I", "U", "N" or "X"
	Title       string
	PublicTitle string
	Party       Party
	Documents   []Document
	// Screened marks the entry as exempt from public access: the party and
	// the title (the public title stands in) with the legal basis.
	Screened   bool
	LegalBasis string
	Date       time.Time
}

// Party is the sender (I) or recipient (U) of an entry.
type Party struct {
	Name, Email string
}

// Document is a file of an entry, in the blob store.
type Document struct {
	Kind   string // dokumenttype, e.g. "Brev"; "Søknad" when empty
	Title  string
	Main   bool   // hoveddokument; else vedlegg
	BlobID string // SHA-256 hex
	Format string // media type
	Size   int64
}

// Unassigned is the saksansvarlig of a case nobody has taken: the post
// room (postmottak).
const Unassigned = "Postmottak"

// PersonalMatters is the legal basis used for screening what a citizen
// sends about themselves.
const PersonalMatters = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"

// Service runs case handling.
type Service struct {
	db       *db.DB
	audit    *audit.Log
	record   Record
	outbox   *outbox.Outbox
	channels map[string]Channel
	deflt    string
}

// New returns a Service on d that keeps its record in record and delivers
// letters through channels (the first is the default).
func New(d *db.DB, log *audit.Log, record Record, o *outbox.Outbox, channels ...Channel) *Service {
	s := &Service{db: d, audit: log, record: record, outbox: o, channels: map[string]Channel{}}
	for i, c := range channels {
		if i == 0 {
			s.deflt = c.Name()
		}
		s.channels[c.Name()] = c
	}
	return s
}

// Filter narrows the inbox.
type Filter struct {
	FormID   string // a service's form
	Status   string // open (default), closed, all
	Assignee string // a principal; "-" for nobody
	Overdue  bool
	Limit    int
	// Viewer is the principal of the case worker looking: cases a routing
	// rule keeps from them are left out.
	Viewer string
}

const caseCols = `id, case_number, form_id, title, submission_id, submission_ref, citizen, citizen_pid, citizen_name, email, unit,
	assignee, assignee_name, status, deadline, created_at, closed_at, restricted_to`

type scanner interface{ Scan(...any) error }

func scanCase(row scanner, tenant string) (Case, error) {
	c := Case{Tenant: tenant}
	var deadline, closed sql.NullTime
	err := row.Scan(&c.ID, &c.Number, &c.FormID, &c.Title, &c.SubmissionID, &c.SubmissionRef, &c.Citizen, &c.CitizenPID, &c.CitizenName,
		&c.Email, &c.Unit, &c.Assignee, &c.AssigneeName, &c.Status, &deadline, &c.CreatedAt, &closed, &c.RestrictedTo)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, errs.E(errs.NotFound, errs.Key("cases.error.no_case"))
	}
	if err != nil {
		return Case{}, err
	}
	c.Deadline, c.ClosedAt = deadline.Time, closed.Time
	return c, nil
}

// Inbox lists the municipality's cases for case workers, the nearest
// deadline first.
func (s *Service) Inbox(ctx context.Context, tenant string, f Filter) ([]Case, error) {
	const op = errs.Op("cases.Inbox")
	q := `SELECT ` + caseCols + ` FROM cases_cases WHERE tenant_id = $1`
	args := []any{tenant}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	switch f.Status {
	case "", StatusOpen:
		add("status = $%d", StatusOpen)
	case StatusClosed:
		add("status = $%d", StatusClosed)
	case "all":
	default:
		return nil, errs.E(op, errs.Invalid, errs.Key("cases.error.filter"))
	}
	if f.FormID != "" {
		add("form_id = $%d", f.FormID)
	}
	switch f.Assignee {
	case "":
	case "-":
		add("assignee = $%d", "")
	default:
		add("assignee = $%d", f.Assignee)
	}
	if f.Overdue {
		add("deadline < $%d", s.db.Now())
	}
	add(`(restricted_to = '' OR restricted_to LIKE $%d ESCAPE '\')`, likeMember(f.Viewer))
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, created_at LIMIT $%d", len(args))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows, tenant)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Case returns case id of tenant without recording a read: for lists and
// checks. Errors: NotFound (also for another municipality's case).
func (s *Service) Case(ctx context.Context, tenant, id string) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases_cases WHERE tenant_id = $1 AND id = $2`, tenant, id), tenant)
	if err != nil {
		return Case{}, errs.E(errs.Op("cases.Case"), err)
	}
	return c, nil
}

// Open returns a case with all its messages for a case worker and records
// the read in the audit log with the purpose, so the citizen sees who
// looked. Errors: NotFound, Forbidden (a routing rule keeps the case from
// the actor; the attempt is in the audit log).
func (s *Service) Open(ctx context.Context, tenant, id string, actor audit.Entry) (Case, []Message, error) {
	const op = errs.Op("cases.Open")
	c, err := s.handle(ctx, op, tenant, id, actor)
	if err != nil {
		return Case{}, nil, err
	}
	msgs, err := s.messages(ctx, tenant, id, true)
	if err != nil {
		return Case{}, nil, errs.E(op, err)
	}
	actor.Tenant, actor.Action, actor.Object, actor.Subject = tenant, "case.read", "case:"+c.Number, c.CitizenPID
	if actor.Purpose == "" {
		actor.Purpose = "saksbehandling"
	}
	if _, err := s.audit.Record(ctx, actor); err != nil {
		return Case{}, nil, errs.E(op, err)
	}
	return c, msgs, nil
}

func (s *Service) messages(ctx context.Context, tenant, caseID string, withNotes bool) ([]Message, error) {
	q := `SELECT id, entry_id, kind, title, body, legal_basis, appeal, author, author_name, channel, delivery, delivery_detail, created_at, read_at
		FROM cases_messages WHERE tenant_id = $1 AND case_id = $2`
	if !withNotes {
		q += ` AND kind NOT IN ('note', 'registered')`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at, id`, tenant, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m := Message{Tenant: tenant, CaseID: caseID}
		var read sql.NullTime
		if err := rows.Scan(&m.ID, &m.EntryID, &m.Kind, &m.Title, &m.Body, &m.LegalBasis, &m.Appeal, &m.Author, &m.AuthorName,
			&m.Channel, &m.Delivery, &m.DeliveryDetail, &m.CreatedAt, &read); err != nil {
			return nil, err
		}
		m.ReadAt = read.Time
		out = append(out, m)
	}
	return out, rows.Err()
}

// Assign gives the case to a case worker (principal and name), or to
// nobody when assignee is empty.
func (s *Service) Assign(ctx context.Context, tenant, id, assignee, name string, actor audit.Entry) error {
	const op = errs.Op("cases.Assign")
	c, err := s.handle(ctx, op, tenant, id, actor)
	if err != nil {
		return err
	}
	if assignee != "" && !c.MayHandle(assignee) {
		return errs.E(op, errs.Invalid, errs.Key("cases.error.restricted_assignee"))
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases_cases SET assignee = $1, assignee_name = $2 WHERE tenant_id = $3 AND id = $4`,
			assignee, name, tenant, id)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(op, errs.NotFound, errs.Key("cases.error.no_case"))
		}
		// The record names who is in charge; back to the unit's mail
		// room when nobody is.
		responsible := name
		if assignee == "" || strings.TrimSpace(name) == "" {
			responsible = Unassigned
		}
		if err := s.record.SetResponsible(ctx, tx, tenant, id, responsible, actor); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, "case.assign", "case:"+id, name
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
}

// maxText is the longest note, letter or reply.
const maxText = 20000

func checkText(field, s string, max int) map[string]string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return map[string]string{field: "cases.error.empty"}
	case utf8.RuneCountInString(s) > max:
		return map[string]string{field: "cases.error.too_long"}
	}
	return nil
}

// AddNote writes an internal note (journalpost N) in an open or closed
// case. Errors: NotFound, Invalid (empty or too long).
func (s *Service) AddNote(ctx context.Context, tenant, id, text string, actor audit.Entry) (Message, error) {
	const op = errs.Op("cases.AddNote")
	if fe := checkText("tekst", text, maxText); fe != nil {
		return Message{}, errs.E(op, errs.Invalid, errs.Key("cases.error.form"), fe)
	}
	c, err := s.handle(ctx, op, tenant, id, actor)
	if err != nil {
		return Message{}, err
	}
	m := Message{Tenant: tenant, ID: outbox.NewID(), CaseID: id, Kind: KindNote, Title: "Notat", Body: strings.TrimSpace(text),
		Author: actor.ActorID, AuthorName: actor.ActorName}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		entry, err := s.record.NewEntry(ctx, tx, tenant, id, NewEntry{Type: "N", Title: "Notat: " + firstLine(m.Body), PublicTitle: "Notat",
			Party: Party{Name: actor.ActorName}, Screened: true, LegalBasis: "Offl. § 14", Date: s.db.Now()}, actor)
		if err != nil {
			return err
		}
		m.EntryID = entry
		return s.insertMessage(ctx, tx, c, &m)
	})
	if err != nil {
		return Message{}, errs.E(op, err)
	}
	return m, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return s
}

func (s *Service) insertMessage(ctx context.Context, tx *sql.Tx, c Case, m *Message) error {
	m.CreatedAt = s.db.Now()
	_, err := tx.ExecContext(ctx, `INSERT INTO cases_messages (tenant_id, id, case_id, entry_id, kind, title, body, legal_basis, appeal, author, author_name,
		channel, delivery, delivery_detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.Tenant, m.ID, c.ID, m.EntryID, m.Kind, m.Title, m.Body, m.LegalBasis, m.Appeal, m.Author, m.AuthorName, m.Channel, m.Delivery, m.DeliveryDetail, m.CreatedAt)
	if err != nil {
		return err
	}
	if s.outbox != nil {
		data, _ := json.Marshal(map[string]string{"case_id": c.ID, "case_number": c.Number, "entry_id": m.EntryID, "kind": m.Kind})
		if _, err := s.outbox.Enqueue(ctx, tx, outbox.Event{Tenant: c.Tenant, Type: EventJournalEntry, Subject: "case/" + c.ID, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// Letter is what a case worker writes to the citizen.
type Letter struct {
	Title, Body string
	// Decision marks a decision (vedtak): it needs the legal basis, gets
	// the right-to-appeal text, and closes the case.
	Decision   bool
	LegalBasis string
	Appeal     string
	// Channel names the delivery channel; empty for the default.
	Channel string
}

// Send writes a letter or decision to the citizen (journalpost U) and
// delivers it through its channel, in one transaction. A decision closes
// the case. Errors: NotFound, Invalid (missing title, text or legal basis;
// unknown channel), Conflict (the case is closed).
func (s *Service) Send(ctx context.Context, tenant, id string, l Letter, actor audit.Entry) (Message, error) {
	const op = errs.Op("cases.Send")
	fe := map[string]string{}
	for k, v := range checkText("tittel", l.Title, 200) {
		fe[k] = v
	}
	for k, v := range checkText("tekst", l.Body, maxText) {
		fe[k] = v
	}
	if l.Decision {
		for k, v := range checkText("hjemmel", l.LegalBasis, 500) {
			fe[k] = v
		}
	}
	if l.Channel == "" {
		l.Channel = s.deflt
	}
	ch, ok := s.channels[l.Channel]
	if !ok {
		fe["kanal"] = "cases.error.channel"
	}
	if len(fe) > 0 {
		return Message{}, errs.E(op, errs.Invalid, errs.Key("cases.error.form"), fe)
	}
	c, err := s.handle(ctx, op, tenant, id, actor)
	if err != nil {
		return Message{}, err
	}
	if c.Status != StatusOpen {
		return Message{}, errs.E(op, errs.Conflict, errs.Key("cases.error.closed"))
	}
	m := Message{Tenant: tenant, ID: outbox.NewID(), CaseID: id, Kind: KindLetter, Title: strings.TrimSpace(l.Title), Body: strings.TrimSpace(l.Body),
		Author: actor.ActorID, AuthorName: actor.ActorName, Channel: ch.Name()}
	if l.Decision {
		m.Kind, m.LegalBasis, m.Appeal = KindDecision, strings.TrimSpace(l.LegalBasis), strings.TrimSpace(l.Appeal)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		entry, err := s.record.NewEntry(ctx, tx, tenant, id, NewEntry{Type: "U", Title: m.Title + " – " + c.CitizenName, PublicTitle: m.Title,
			Party: Party{Name: c.CitizenName, Email: c.Email}, Screened: true, LegalBasis: PersonalMatters, Date: s.db.Now()}, actor)
		if err != nil {
			return err
		}
		m.EntryID = entry
		m.Delivery, m.DeliveryDetail, err = ch.Deliver(ctx, tx, c, m)
		if err != nil {
			return err
		}
		if err := s.insertMessage(ctx, tx, c, &m); err != nil {
			return err
		}
		action := "case.letter"
		if l.Decision {
			action = "case.decision"
			if err := s.close(ctx, tx, c, actor); err != nil {
				return err
			}
		}
		actor.Tenant, actor.Action, actor.Object, actor.Subject = tenant, action, "case:"+c.Number, c.CitizenPID
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Message{}, errs.E(op, err)
	}
	return m, nil
}

func (s *Service) close(ctx context.Context, tx *sql.Tx, c Case, actor audit.Entry) error {
	if _, err := tx.ExecContext(ctx, `UPDATE cases_cases SET status = $1, closed_at = $2 WHERE tenant_id = $3 AND id = $4`,
		StatusClosed, s.db.Now(), c.Tenant, c.ID); err != nil {
		return err
	}
	if err := s.record.CloseCase(ctx, tx, c.Tenant, c.ID, actor); err != nil {
		return err
	}
	if s.outbox != nil {
		data, _ := json.Marshal(map[string]string{"case_id": c.ID, "case_number": c.Number, "status": StatusClosed})
		if _, err := s.outbox.Enqueue(ctx, tx, outbox.Event{Tenant: c.Tenant, Type: EventStatus, Subject: "case/" + c.ID, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// CitizenCases lists the cases of the citizen with principal, newest first.
func (s *Service) CitizenCases(ctx context.Context, tenant, principal string) ([]Case, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM cases_cases WHERE tenant_id = $1 AND citizen = $2 ORDER BY created_at DESC LIMIT 200`,
		tenant, principal)
	if err != nil {
		return nil, errs.E(errs.Op("cases.CitizenCases"), err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Unread counts the letters the citizen has not opened, per case.
func (s *Service) Unread(ctx context.Context, tenant, principal string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.case_id, COUNT(*) FROM cases_messages m JOIN cases_cases c ON c.tenant_id = m.tenant_id AND c.id = m.case_id
		WHERE m.tenant_id = $1 AND c.citizen = $2 AND m.kind IN ('letter', 'decision') AND m.read_at IS NULL GROUP BY m.case_id`, tenant, principal)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// CitizenCase returns the citizen's own case with its letters and replies
// (never the internal notes), and marks the letters read. Errors:
// NotFound, also for someone else's case.
func (s *Service) CitizenCase(ctx context.Context, tenant, id, principal string) (Case, []Message, error) {
	const op = errs.Op("cases.CitizenCase")
	c, err := s.Case(ctx, tenant, id)
	if err != nil || c.Citizen != principal {
		return Case{}, nil, errs.E(op, errs.NotFound, errs.Key("cases.error.no_case"))
	}
	msgs, err := s.messages(ctx, tenant, id, false)
	if err != nil {
		return Case{}, nil, errs.E(op, err)
	}
	unread := false
	for _, m := range msgs {
		unread = unread || (m.Kind == KindLetter || m.Kind == KindDecision) && m.ReadAt.IsZero()
	}
	if unread {
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE cases_messages SET read_at = $1 WHERE tenant_id = $2 AND case_id = $3 AND kind IN ('letter', 'decision') AND read_at IS NULL`,
				s.db.Now(), tenant, id)
			return err
		})
		if err != nil {
			return Case{}, nil, errs.E(op, err)
		}
	}
	return c, msgs, nil
}

// Reply records the citizen's answer in their own open case as an
// incoming journal entry. Errors: NotFound (not their case), Invalid
// (empty, too long), Conflict (closed).
func (s *Service) Reply(ctx context.Context, tenant, id, principal, name, text string) (Message, error) {
	const op = errs.Op("cases.Reply")
	c, err := s.Case(ctx, tenant, id)
	if err != nil || c.Citizen != principal {
		return Message{}, errs.E(op, errs.NotFound, errs.Key("cases.error.no_case"))
	}
	if fe := checkText("svar", text, maxText); fe != nil {
		return Message{}, errs.E(op, errs.Invalid, errs.Key("cases.error.form"), fe)
	}
	if c.Status != StatusOpen {
		return Message{}, errs.E(op, errs.Conflict, errs.Key("cases.error.closed"))
	}
	actor := audit.Entry{ActorID: principal, ActorName: name, Role: "citizen"}
	m := Message{Tenant: tenant, ID: outbox.NewID(), CaseID: id, Kind: KindReply, Title: "Svar fra " + name, Body: strings.TrimSpace(text),
		Author: principal, AuthorName: name}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.db.Now()
		entry, err := s.record.NewEntry(ctx, tx, tenant, id, NewEntry{Type: "I", Title: "Svar fra " + name, PublicTitle: "Svar fra søker",
			Party: Party{Name: name, Email: c.Email}, Screened: true, LegalBasis: PersonalMatters, Date: now}, actor)
		if err != nil {
			return err
		}
		m.EntryID = entry
		if err := s.insertMessage(ctx, tx, c, &m); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "case.reply", "case:"+c.Number
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Message{}, errs.E(op, err)
	}
	return m, nil
}
