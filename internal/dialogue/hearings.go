package dialogue

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// The names of the hearing forms' fields.
const (
	FieldTitle        = "tittel"
	FieldDescription  = "beskrivelse"
	FieldDeadline     = "frist"
	FieldAllowPublish = "kan-publisere"
	FieldFile         = "fil"
	FieldDocTitle     = "dokumenttittel"
	FieldText         = "tekst"
	FieldOnBehalf     = "vegne"
	FieldOrgNumber    = "orgnr"
	FieldOrgName      = "orgnavn"
	FieldPublish      = "publiser"
	FieldEmail        = "epost"
	FieldAttachments  = "vedlegg"
	FieldSummary      = "oppsummering"
	FieldUsage        = "bruk"
	FieldToken        = "skjema"
)

// Values of FieldOnBehalf.
const (
	BehalfSelf = "meg"
	BehalfOrg  = "org"
)

// Hearing is a document (or several) put out for comment.
type Hearing struct {
	ID                string
	Title             string
	Description       string
	Deadline          time.Time // the last moment statements are taken
	AllowPublish      bool
	Unit              string
	CaseID            string // the archive case, once published
	CaseNumber        string
	ResultSummary     string
	ResultUsage       string
	ResultPublishedAt time.Time
	PublishedAt       time.Time
	CreatedBy         string
	Created           time.Time
	Modified          time.Time
	Documents         []HearingDocument
	Statements        int // the number of statements
}

// Published reports whether the hearing is out for comment (or was).
func (h Hearing) Published() bool { return !h.PublishedAt.IsZero() }

// Open reports whether statements are taken at now.
func (h Hearing) Open(now time.Time) bool { return h.Published() && !now.After(h.Deadline) }

// HasResult reports whether the result has been published.
func (h Hearing) HasResult() bool { return !h.ResultPublishedAt.IsZero() }

// ResultDue is the day the result is promised by.
func (h Hearing) ResultDue(days int) time.Time { return h.Deadline.AddDate(0, 0, days) }

// HearingDocument is a document of a hearing.
type HearingDocument struct {
	ID          string
	HearingID   string
	Title       string
	FileName    string
	ContentType string
	BlobID      string
	Size        int64
	Created     time.Time
}

// HearingForm is a hearing as the secretariat types it.
type HearingForm struct {
	Title, Description, Deadline string
	AllowPublish                 bool
}

// File is an uploaded file: its name as the browser sent it and its
// content.
type File struct {
	Name    string
	Content io.Reader
}

// CheckHearing validates a hearing form. Errors: Invalid with field
// errors for tittel, beskrivelse and frist.
func CheckHearing(f HearingForm) (HearingForm, time.Time, error) {
	out := HearingForm{Title: clean(f.Title), Description: cleanText(f.Description), Deadline: strings.TrimSpace(f.Deadline), AllowPublish: f.AllowPublish}
	fields := map[string]string{}
	switch {
	case out.Title == "":
		fields[FieldTitle] = "dialogue.error.title_missing"
	case tooLong(out.Title, MaxTitle):
		fields[FieldTitle] = "dialogue.error.title_long"
	}
	if tooLong(out.Description, MaxDescription) {
		fields[FieldDescription] = "dialogue.error.description_long"
	}
	deadline, ok := ParseDate(out.Deadline)
	if !ok {
		fields[FieldDeadline] = "dialogue.error.date"
	}
	return out, deadline, invalid("dialogue.CheckHearing", fields)
}

// CreateHearing stores a draft hearing with its first document (a file
// judged by its content: PDF or plain text). Errors: Invalid as
// CheckHearing, and for fil (dialogue.error.file_missing, file_type,
// file_large, file_empty); Conflict when the deadline has passed.
func (s *Service) CreateHearing(ctx context.Context, tenant string, f HearingForm, doc File, actor audit.Entry) (Hearing, error) {
	const op = errs.Op("dialogue.CreateHearing")
	f, deadline, err := CheckHearing(f)
	fields := map[string]string{}
	if err != nil {
		_, _, fields = errs.Public(err)
	}
	now := s.db.Now()
	if _, bad := fields[FieldDeadline]; !bad && !deadline.After(now) {
		fields[FieldDeadline] = "dialogue.error.date_past"
	}
	var stored storedFile
	if doc.Content == nil {
		fields[FieldFile] = "dialogue.error.file_missing"
	} else if len(fields) == 0 {
		var key string
		stored, key, err = s.storeFile(ctx, doc, documentTypes)
		if err != nil {
			return Hearing{}, errs.E(op, err)
		}
		if key != "" {
			fields[FieldFile] = key
		}
	}
	if err := invalid(op, fields); err != nil {
		return Hearing{}, err
	}
	h := Hearing{ID: newID(), Title: f.Title, Description: f.Description, Deadline: deadline, AllowPublish: f.AllowPublish, Unit: s.cfg.Unit,
		CreatedBy: actor.ActorName, Created: now, Modified: now}
	d := HearingDocument{ID: newID(), HearingID: h.ID, Title: titleOf(stored.name), FileName: stored.name, ContentType: stored.ctype, BlobID: stored.sum, Size: stored.size, Created: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_hearings (tenant_id, id, title, description, deadline, allow_publish, unit, case_id, case_number,
			result_summary, result_usage, result_published_at, published_at, created_by, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, '', '', '', '', NULL, NULL, $8, $9, $9)`,
			tenant, h.ID, h.Title, h.Description, h.Deadline, h.AllowPublish, h.Unit, h.CreatedBy, now); err != nil {
			return err
		}
		if err := insertDocument(ctx, tx, tenant, d); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.hearing.create", "hearing:"+h.ID, h.Title)
	})
	if err != nil {
		return Hearing{}, errs.E(op, err)
	}
	h.Documents = []HearingDocument{d}
	return h, nil
}

func insertDocument(ctx context.Context, tx *sql.Tx, tenant string, d HearingDocument) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO dialogue_hearing_documents (tenant_id, id, hearing_id, position, title, file_name, content_type, blob_id, size, created_at)
		VALUES ($1, $2, $3, (SELECT COUNT(*) + 1 FROM dialogue_hearing_documents WHERE tenant_id = $1 AND hearing_id = $3), $4, $5, $6, $7, $8, $9)`,
		tenant, d.ID, d.HearingID, d.Title, d.FileName, d.ContentType, d.BlobID, d.Size, d.Created)
	return err
}

// AddHearingDocument adds a document to a hearing that is not published
// yet. title may be empty (the file name stands in). Errors: NotFound;
// Conflict once published; Invalid for fil and dokumenttittel.
func (s *Service) AddHearingDocument(ctx context.Context, tenant, hearingID, title string, doc File, actor audit.Entry) (HearingDocument, error) {
	const op = errs.Op("dialogue.AddHearingDocument")
	h, err := s.Hearing(ctx, tenant, hearingID)
	if err != nil {
		return HearingDocument{}, errs.E(op, err)
	}
	if h.Published() {
		return HearingDocument{}, errs.E(op, errs.Conflict, errs.Key("dialogue.error.already_published"))
	}
	fields := map[string]string{}
	title = clean(title)
	if tooLong(title, MaxTitle) {
		fields[FieldDocTitle] = "dialogue.error.title_long"
	}
	var stored storedFile
	if doc.Content == nil {
		fields[FieldFile] = "dialogue.error.file_missing"
	} else if len(fields) == 0 {
		var key string
		if stored, key, err = s.storeFile(ctx, doc, documentTypes); err != nil {
			return HearingDocument{}, errs.E(op, err)
		}
		if key != "" {
			fields[FieldFile] = key
		}
	}
	if err := invalid(op, fields); err != nil {
		return HearingDocument{}, err
	}
	if title == "" {
		title = titleOf(stored.name)
	}
	now := s.db.Now()
	d := HearingDocument{ID: newID(), HearingID: h.ID, Title: title, FileName: stored.name, ContentType: stored.ctype, BlobID: stored.sum, Size: stored.size, Created: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertDocument(ctx, tx, tenant, d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dialogue_hearings SET modified_at = $3 WHERE tenant_id = $1 AND id = $2`, tenant, h.ID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.hearing.document", "hearing:"+h.ID, d.FileName)
	})
	if err != nil {
		return HearingDocument{}, errs.E(op, err)
	}
	return d, nil
}

// PublishHearing puts a draft hearing out for comment: in one transaction
// it creates the hearing's case file in the archive (making the
// municipality's archive first if needed; municipalityName names it) and
// marks the hearing published. Errors: NotFound; Conflict when it is
// published already or its deadline has passed.
func (s *Service) PublishHearing(ctx context.Context, tenant, municipalityName, hearingID string, actor audit.Entry) (Hearing, error) {
	const op = errs.Op("dialogue.PublishHearing")
	h, err := s.Hearing(ctx, tenant, hearingID)
	if err != nil {
		return Hearing{}, errs.E(op, err)
	}
	now := s.db.Now()
	switch {
	case h.Published():
		return Hearing{}, errs.E(op, errs.Conflict, errs.Key("dialogue.error.already_published"))
	case !h.Deadline.After(now):
		return Hearing{}, errs.E(op, errs.Conflict, errs.Key("dialogue.error.date_past"))
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.archive.EnsureDefaultsTx(ctx, tx, tenant, municipalityName, actor); err != nil {
			return err
		}
		responsible := actor.ActorName
		if responsible == "" {
			responsible = h.Unit
		}
		m, err := s.archive.CreateCase(ctx, tx, tenant, archive.Saksmappe{Tittel: "Høring – " + h.Title, Beskrivelse: truncate(h.Description, 4000),
			Saksansvarlig: responsible, AdministrativEnhet: h.Unit}, actor)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE dialogue_hearings SET case_id = $3, case_number = $4, published_at = $5, modified_at = $5
			WHERE tenant_id = $1 AND id = $2 AND published_at IS NULL`, tenant, h.ID, m.SystemID, m.MappeID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, errs.Key("dialogue.error.already_published"))
		}
		h.CaseID, h.CaseNumber, h.PublishedAt, h.Modified = m.SystemID, m.MappeID, now, now
		return s.record(ctx, tx, tenant, actor, "dialogue.hearing.publish", "hearing:"+h.ID, m.MappeID)
	})
	if err != nil {
		return Hearing{}, errs.E(op, err)
	}
	return h, nil
}

// PublishResult publishes, after the deadline, a summary of the
// statements and how the input was used. Errors: NotFound; Conflict
// before the deadline or for a draft; Invalid for oppsummering and bruk.
func (s *Service) PublishResult(ctx context.Context, tenant, hearingID, summary, usage string, actor audit.Entry) error {
	const op = errs.Op("dialogue.PublishResult")
	h, err := s.Hearing(ctx, tenant, hearingID)
	if err != nil {
		return errs.E(op, err)
	}
	now := s.db.Now()
	if !h.Published() || h.Open(now) {
		return errs.E(op, errs.Conflict, errs.Key("dialogue.error.result_early"))
	}
	summary, usage = cleanText(summary), cleanText(usage)
	fields := map[string]string{}
	switch {
	case summary == "":
		fields[FieldSummary] = "dialogue.error.summary_missing"
	case tooLong(summary, MaxResult):
		fields[FieldSummary] = "dialogue.error.text_long"
	}
	switch {
	case usage == "":
		fields[FieldUsage] = "dialogue.error.usage_missing"
	case tooLong(usage, MaxResult):
		fields[FieldUsage] = "dialogue.error.text_long"
	}
	if err := invalid(op, fields); err != nil {
		return err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dialogue_hearings SET result_summary = $3, result_usage = $4, result_published_at = $5, modified_at = $5
			WHERE tenant_id = $1 AND id = $2`, tenant, h.ID, summary, usage, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.hearing.result", "hearing:"+h.ID, "")
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

const hearingCols = `id, title, description, deadline, allow_publish, unit, case_id, case_number, result_summary, result_usage, result_published_at,
	published_at, created_by, created_at, modified_at,
	(SELECT COUNT(*) FROM dialogue_statements st WHERE st.tenant_id = h.tenant_id AND st.hearing_id = h.id)`

func scanHearing(sc interface{ Scan(...any) error }) (Hearing, error) {
	var h Hearing
	var result, published sql.NullTime
	err := sc.Scan(&h.ID, &h.Title, &h.Description, &h.Deadline, &h.AllowPublish, &h.Unit, &h.CaseID, &h.CaseNumber, &h.ResultSummary, &h.ResultUsage,
		&result, &published, &h.CreatedBy, &h.Created, &h.Modified, &h.Statements)
	h.ResultPublishedAt, h.PublishedAt = nullTime(result), nullTime(published)
	h.Deadline, h.Created, h.Modified = h.Deadline.UTC(), h.Created.UTC(), h.Modified.UTC()
	return h, err
}

// Hearing returns a hearing with its documents, published or not.
// Errors: NotFound.
func (s *Service) Hearing(ctx context.Context, tenant, id string) (Hearing, error) {
	const op = errs.Op("dialogue.Hearing")
	h, err := scanHearing(s.db.QueryRowContext(ctx, `SELECT `+hearingCols+` FROM dialogue_hearings h WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Hearing{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_hearing"))
	}
	if err != nil {
		return Hearing{}, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, hearing_id, title, file_name, content_type, blob_id, size, created_at FROM dialogue_hearing_documents
		WHERE tenant_id = $1 AND hearing_id = $2 ORDER BY position`, tenant, id)
	if err != nil {
		return Hearing{}, errs.E(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d HearingDocument
		if err := rows.Scan(&d.ID, &d.HearingID, &d.Title, &d.FileName, &d.ContentType, &d.BlobID, &d.Size, &d.Created); err != nil {
			return Hearing{}, errs.E(op, err)
		}
		h.Documents = append(h.Documents, d)
	}
	if err := rows.Err(); err != nil {
		return Hearing{}, errs.E(op, err)
	}
	return h, nil
}

// PublicHearing is Hearing for the public: a draft is NotFound.
func (s *Service) PublicHearing(ctx context.Context, tenant, id string) (Hearing, error) {
	h, err := s.Hearing(ctx, tenant, id)
	if err == nil && !h.Published() {
		return Hearing{}, errs.E(errs.Op("dialogue.PublicHearing"), errs.NotFound, errs.Key("dialogue.error.no_hearing"))
	}
	return h, err
}

// Hearings lists a municipality's hearings, latest deadline first; with
// drafts set also those not published. Documents are not loaded.
func (s *Service) Hearings(ctx context.Context, tenant string, drafts bool) ([]Hearing, error) {
	const op = errs.Op("dialogue.Hearings")
	q := `SELECT ` + hearingCols + ` FROM dialogue_hearings h WHERE tenant_id = $1`
	if !drafts {
		q += ` AND published_at IS NOT NULL`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY deadline DESC, id`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Hearing
	for rows.Next() {
		h, err := scanHearing(rows)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// HearingDocumentFile opens a document of a published hearing (any
// hearing when drafts is set). Errors: NotFound.
func (s *Service) HearingDocumentFile(ctx context.Context, tenant, hearingID, docID string, drafts bool) (HearingDocument, io.ReadCloser, error) {
	const op = errs.Op("dialogue.HearingDocumentFile")
	h, err := s.Hearing(ctx, tenant, hearingID)
	if err != nil {
		return HearingDocument{}, nil, errs.E(op, err)
	}
	if !h.Published() && !drafts {
		return HearingDocument{}, nil, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_document"))
	}
	for _, d := range h.Documents {
		if d.ID == docID {
			rc, err := s.blobs.Open(ctx, d.BlobID)
			if err != nil {
				return HearingDocument{}, nil, errs.E(op, err)
			}
			return d, rc, nil
		}
	}
	return HearingDocument{}, nil, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_document"))
}

// --- statements ---

// Statement is a statement (høringsuttalelse) to a hearing.
type Statement struct {
	ID          string
	HearingID   string
	Author      string // the principal who submitted it
	AuthorName  string
	Email       string
	OrgNumber   string // empty: written for themselves
	OrgName     string
	Body        string
	Publish     bool
	EntryID     string // the journal entry in the hearing's archive case
	EntryNumber string // "2026/12-3"
	Created     time.Time
	Files       []StatementFile
	// Repeated says the form had been sent before with the same token:
	// this is the statement it made then, and nothing new was stored.
	Repeated bool
}

// From is who the statement is from, as a page shows it: the
// organisation's name, or the person's.
func (st Statement) From() string {
	if st.OrgName != "" {
		return st.OrgName
	}
	return st.AuthorName
}

// StatementFile is an attachment of a statement.
type StatementFile struct {
	Position    int
	Name        string
	ContentType string
	BlobID      string
	Size        int64
}

// StatementForm is a statement as typed, with the form's one-time token
// (NewToken; may be empty).
type StatementForm struct {
	Text, OnBehalf, OrgNumber, OrgName, Email string
	Publish                                   bool
	Token                                     string
}

// NewToken returns a one-time token for a statement form, so that a form
// sent twice (a reload, a double click) makes one statement.
func NewToken() string { return newID() }

// Author is the signed-in person who submits a statement or a question.
type Author struct {
	Principal string // "pid:…"
	Name      string
}

// CheckStatement validates a statement form and returns it cleaned.
// Errors: Invalid with field errors for tekst (dialogue.error.text_missing,
// text_long), vegne, orgnr (dialogue.error.orgnr), orgnavn and epost.
func CheckStatement(f StatementForm, allowPublish bool) (StatementForm, error) {
	out := StatementForm{Text: cleanText(f.Text), OnBehalf: f.OnBehalf, Publish: f.Publish && allowPublish, Token: clean(f.Token)}
	if len(out.Token) > 64 {
		out.Token = ""
	}
	fields := map[string]string{}
	switch {
	case out.Text == "":
		fields[FieldText] = "dialogue.error.text_missing"
	case tooLong(out.Text, MaxStatement):
		fields[FieldText] = "dialogue.error.text_long"
	}
	switch f.OnBehalf {
	case BehalfSelf, "":
		out.OnBehalf = BehalfSelf
	case BehalfOrg:
		nr, ok := ParseOrgNumber(f.OrgNumber)
		if !ok {
			fields[FieldOrgNumber] = "dialogue.error.orgnr"
		}
		out.OrgNumber = nr
		out.OrgName = clean(f.OrgName)
		switch {
		case out.OrgName == "":
			fields[FieldOrgName] = "dialogue.error.orgname_missing"
		case tooLong(out.OrgName, MaxName):
			fields[FieldOrgName] = "dialogue.error.name_long"
		}
	default:
		fields[FieldOnBehalf] = "dialogue.error.behalf"
	}
	if e := strings.TrimSpace(f.Email); e != "" {
		addr, ok := checkEmail(e)
		if !ok {
			fields[FieldEmail] = "dialogue.error.email"
		}
		out.Email = addr
	}
	return out, invalid("dialogue.CheckStatement", fields)
}

// SubmitStatement stores a statement to an open hearing with its
// attachments (stored beforehand with StoreAttachment) and, in the same
// transaction, journals it as an incoming entry in the hearing's archive
// case with the statement as a text/plain main document, queues the
// receipt e-mail (when an address is given, in lang) and appends an audit
// entry. Errors: NotFound for a draft or unknown hearing; Conflict
// (dialogue.error.closed) after the deadline; Invalid as CheckStatement.
// A form sent again with the same token by the same person returns the
// statement it made, with Repeated set.
func (s *Service) SubmitStatement(ctx context.Context, tenant, hearingID string, who Author, f StatementForm, files []StatementFile, lang string, actor audit.Entry) (Statement, error) {
	const op = errs.Op("dialogue.SubmitStatement")
	if st, ok, err := s.StatementByToken(ctx, tenant, who.Principal, f.Token); err != nil || ok {
		return st, err
	}
	h, err := s.PublicHearing(ctx, tenant, hearingID)
	if err != nil {
		return Statement{}, errs.E(op, err)
	}
	now := s.db.Now()
	if !h.Open(now) {
		return Statement{}, errs.E(op, errs.Conflict, errs.Key("dialogue.error.closed"))
	}
	f, err = CheckStatement(f, h.AllowPublish)
	if err != nil {
		return Statement{}, errs.E(op, err)
	}
	if len(files) > MaxAttachments {
		return Statement{}, errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldAttachments: "dialogue.error.too_many_files"})
	}
	name := clean(who.Name)
	if name == "" {
		name = "Ukjent"
	}
	st := Statement{ID: newID(), HearingID: h.ID, Author: who.Principal, AuthorName: name, Email: f.Email, OrgNumber: f.OrgNumber, OrgName: f.OrgName,
		Body: f.Text, Publish: f.Publish, Created: now, Files: files}
	for i := range st.Files {
		st.Files[i].Position = i + 1
	}
	text := statementDocument(h, st)
	sum, size, err := s.blobs.Put(ctx, strings.NewReader(text), int64(len(text))+1)
	if err != nil {
		return Statement{}, errs.E(op, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		j := archive.Journalpost{Journalposttype: "I", Journalstatus: "J", Tittel: "Høringsuttalelse – " + h.Title, Dokumentdato: now, MottattDato: now,
			AdministrativEnhet: h.Unit}
		party := archive.Korrespondansepart{Korrespondanseparttype: "EA", Navn: st.AuthorName}
		if st.OrgName != "" {
			// An organisation's name is public; the person who wrote
			// for it is not named in the journal.
			party.Navn = st.OrgName + " (org.nr. " + st.OrgNumber + ")"
		} else if !st.Publish {
			j.Skjerming = &archive.Skjerming{Tilgangsrestriksjon: screeningCodeOffl3, Skjermingshjemmel: PersonalMatters,
				SkjermingMetadata: []string{archive.SkjermingKorrespondansepart}}
		}
		j.Korrespondanseparter = []archive.Korrespondansepart{party}
		j.Dokumenter = append(j.Dokumenter, archive.Dokumentbeskrivelse{Dokumenttype: "Høringsuttalelse", Tittel: "Høringsuttalelse",
			TilknyttetRegistreringSom: "H", Dokumentobjekter: []archive.Dokumentobjekt{{Mimetype: "text/plain", Filnavn: "hoeringsuttalelse.txt", BlobID: sum, Filstoerrelse: size}}})
		for _, a := range st.Files {
			j.Dokumenter = append(j.Dokumenter, archive.Dokumentbeskrivelse{Dokumenttype: "Vedlegg", Tittel: "Vedlegg " + strconv.Itoa(a.Position) + ": " + a.Name,
				TilknyttetRegistreringSom: "V", Dokumentobjekter: []archive.Dokumentobjekt{{Mimetype: a.ContentType, Filnavn: a.Name, BlobID: a.BlobID, Filstoerrelse: a.Size}}})
		}
		entry, err := s.archive.AddEntry(ctx, tx, tenant, h.CaseID, j, actor)
		if err != nil {
			return err
		}
		st.EntryID, st.EntryNumber = entry.SystemID, entry.RegistreringsID
		if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_statements (tenant_id, id, hearing_id, position, author, author_name, email, org_number, org_name, body,
			publish, entry_id, entry_number, token, created_at) VALUES ($1, $2, $3, (SELECT COUNT(*) + 1 FROM dialogue_statements WHERE tenant_id = $1 AND hearing_id = $3),
			$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			tenant, st.ID, st.HearingID, st.Author, st.AuthorName, st.Email, st.OrgNumber, st.OrgName, st.Body, st.Publish, st.EntryID, st.EntryNumber, f.Token, now); err != nil {
			return err
		}
		for _, a := range st.Files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dialogue_statement_files (tenant_id, statement_id, position, file_name, content_type, blob_id, size)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, tenant, st.ID, a.Position, a.Name, a.ContentType, a.BlobID, a.Size); err != nil {
				return err
			}
		}
		if st.Email != "" {
			t := s.translator(lang)
			body := t("dialogue.mail.statement.body", h.Title, st.EntryNumber, FormatDate(h.Deadline), FormatDate(h.ResultDue(s.cfg.ResultDays)))
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: st.Email, Subject: t("dialogue.mail.statement.subject", st.EntryNumber), Body: body}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.statement.submit", "hearing:"+h.ID, "statement:"+st.ID+" "+st.EntryNumber)
	})
	if db.IsUniqueViolation(err) {
		// The same form at the same moment (a double click): the first won.
		if st, ok, err := s.StatementByToken(ctx, tenant, who.Principal, f.Token); err != nil || ok {
			return st, err
		}
	}
	if err != nil {
		return Statement{}, errs.E(op, err)
	}
	return st, nil
}

// StatementByToken finds the statement a person made with a form's
// token; ok is false when there is none.
func (s *Service) StatementByToken(ctx context.Context, tenant, author, token string) (st Statement, ok bool, err error) {
	token = clean(token)
	if token == "" || len(token) > 64 {
		return Statement{}, false, nil
	}
	var id string
	err = s.db.QueryRowContext(ctx, `SELECT id FROM dialogue_statements WHERE tenant_id = $1 AND author = $2 AND token = $3`, tenant, author, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Statement{}, false, nil
	}
	if err != nil {
		return Statement{}, false, errs.E(errs.Op("dialogue.StatementByToken"), err)
	}
	if st, err = s.Statement(ctx, tenant, id); err != nil {
		return Statement{}, false, err
	}
	st.Repeated = true
	return st, true, nil
}

// statementDocument is the statement's main document in the archive: a
// plain UTF-8 text. A private person's name is in the journal's
// korrespondansepart (screened unless published), not in the text.
func statementDocument(h Hearing, st Statement) string {
	var b strings.Builder
	b.WriteString("Høringsuttalelse\n\n")
	b.WriteString("Høring: " + h.Title + "\n")
	if h.CaseNumber != "" {
		b.WriteString("Saksnummer: " + h.CaseNumber + "\n")
	}
	if st.OrgName != "" {
		b.WriteString("Fra: " + st.OrgName + " (org.nr. " + st.OrgNumber + ")\n")
	} else if st.Publish {
		b.WriteString("Fra: " + st.AuthorName + "\n")
	}
	b.WriteString("Mottatt: " + st.Created.In(oslo).Format("02.01.2006 15:04") + "\n")
	if st.Publish {
		b.WriteString("Avsenderen ønsker at uttalelsen publiseres.\n")
	} else {
		b.WriteString("Avsenderen ønsker ikke at uttalelsen publiseres.\n")
	}
	b.WriteString("\n" + st.Body + "\n")
	for _, a := range st.Files {
		b.WriteString("\nVedlegg " + strconv.Itoa(a.Position) + ": " + a.Name)
	}
	if len(st.Files) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

const statementCols = `id, hearing_id, author, author_name, email, org_number, org_name, body, publish, entry_id, entry_number, created_at`

func scanStatement(sc interface{ Scan(...any) error }) (Statement, error) {
	var st Statement
	err := sc.Scan(&st.ID, &st.HearingID, &st.Author, &st.AuthorName, &st.Email, &st.OrgNumber, &st.OrgName, &st.Body, &st.Publish, &st.EntryID, &st.EntryNumber, &st.Created)
	st.Created = st.Created.UTC()
	return st, err
}

// Statements lists a hearing's statements, oldest first, with their
// files: all of them (for the secretariat; the read is audited with
// actor) or, when public is set, the published ones. Errors: NotFound.
func (s *Service) Statements(ctx context.Context, tenant, hearingID string, public bool, actor audit.Entry) ([]Statement, error) {
	const op = errs.Op("dialogue.Statements")
	q := `SELECT ` + statementCols + ` FROM dialogue_statements WHERE tenant_id = $1 AND hearing_id = $2`
	if public {
		q += ` AND publish = TRUE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY position, created_at`, tenant, hearingID)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []Statement
	byID := map[string]int{}
	for rows.Next() {
		st, err := scanStatement(rows)
		if err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		byID[st.ID] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	if len(out) > 0 {
		frows, err := s.db.QueryContext(ctx, `SELECT f.statement_id, f.position, f.file_name, f.content_type, f.blob_id, f.size FROM dialogue_statement_files f
			JOIN dialogue_statements st ON st.tenant_id = f.tenant_id AND st.id = f.statement_id
			WHERE f.tenant_id = $1 AND st.hearing_id = $2 ORDER BY f.statement_id, f.position`, tenant, hearingID)
		if err != nil {
			return nil, errs.E(op, err)
		}
		defer frows.Close()
		for frows.Next() {
			var id string
			var f StatementFile
			if err := frows.Scan(&id, &f.Position, &f.Name, &f.ContentType, &f.BlobID, &f.Size); err != nil {
				return nil, errs.E(op, err)
			}
			if i, ok := byID[id]; ok {
				out[i].Files = append(out[i].Files, f)
			}
		}
		if err := frows.Err(); err != nil {
			return nil, errs.E(op, err)
		}
	}
	if !public && len(out) > 0 {
		actor.Purpose = "høringsbehandling"
		if _, err := s.audit.Record(ctx, audit.Entry{Tenant: tenant, ActorID: actor.ActorID, ActorName: actor.ActorName, Role: actor.Role, RequestID: actor.RequestID,
			Purpose: actor.Purpose, Action: "dialogue.statements.read", Object: "hearing:" + hearingID}); err != nil {
			return nil, errs.E(op, err)
		}
	}
	return out, nil
}

// Statement returns one statement with its files. Errors: NotFound.
func (s *Service) Statement(ctx context.Context, tenant, id string) (Statement, error) {
	const op = errs.Op("dialogue.Statement")
	st, err := scanStatement(s.db.QueryRowContext(ctx, `SELECT `+statementCols+` FROM dialogue_statements WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Statement{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_statement"))
	}
	if err != nil {
		return Statement{}, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT position, file_name, content_type, blob_id, size FROM dialogue_statement_files
		WHERE tenant_id = $1 AND statement_id = $2 ORDER BY position`, tenant, id)
	if err != nil {
		return Statement{}, errs.E(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f StatementFile
		if err := rows.Scan(&f.Position, &f.Name, &f.ContentType, &f.BlobID, &f.Size); err != nil {
			return Statement{}, errs.E(op, err)
		}
		st.Files = append(st.Files, f)
	}
	if err := rows.Err(); err != nil {
		return Statement{}, errs.E(op, err)
	}
	return st, nil
}

// StatementFileOpen opens attachment n of a published statement. Errors:
// NotFound (also for a statement that is not published).
func (s *Service) StatementFileOpen(ctx context.Context, tenant, hearingID, statementID string, n int) (StatementFile, io.ReadCloser, error) {
	const op = errs.Op("dialogue.StatementFileOpen")
	st, err := s.Statement(ctx, tenant, statementID)
	if err != nil {
		return StatementFile{}, nil, errs.E(op, err)
	}
	if !st.Publish || st.HearingID != hearingID {
		return StatementFile{}, nil, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_document"))
	}
	for _, f := range st.Files {
		if f.Position == n {
			rc, err := s.blobs.Open(ctx, f.BlobID)
			if err != nil {
				return StatementFile{}, nil, errs.E(op, err)
			}
			return f, rc, nil
		}
	}
	return StatementFile{}, nil, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_document"))
}

// --- files ---

// documentTypes are the types of hearing documents; attachmentTypes of
// statements' attachments.
var (
	documentTypes   = []string{"application/pdf", "text/plain"}
	attachmentTypes = []string{"application/pdf", "image/png", "image/jpeg", "text/plain"}
)

// storedFile is a file in the blob store.
type storedFile struct {
	name, ctype, sum string
	size             int64
}

// StoreAttachment checks an attachment of a statement (by content: PDF,
// PNG, JPEG or plain text; the name may not claim another type; not empty;
// at most Config.MaxFile) and stores it. A refused file gives a message
// key (with the file name as its argument) and stores nothing.
func (s *Service) StoreAttachment(ctx context.Context, f File) (StatementFile, string, error) {
	st, key, err := s.storeFile(ctx, f, attachmentTypes)
	if err != nil || key != "" {
		return StatementFile{}, key, err
	}
	return StatementFile{Name: st.name, ContentType: st.ctype, BlobID: st.sum, Size: st.size}, "", nil
}

// CheckAttachment judges an attachment without storing it, as
// StoreAttachment does, from its name, its size as the upload declares
// it, and its content, of which it reads the first 512 bytes. It returns
// the message key of a refusal, or "".
func (s *Service) CheckAttachment(f File, size int64) (string, error) {
	if size > s.cfg.MaxFile {
		return "dialogue.error.file_large", nil
	}
	_, _, key, err := sniff(f, attachmentTypes)
	return key, err
}

// sniff reads the head of f and judges its type against types.
func sniff(f File, types []string) (name string, head []byte, key string, err error) {
	name = blob.CleanName(f.Name, "fil")
	head = make([]byte, 512)
	n, err := io.ReadFull(f.Content, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", nil, "", errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	head = head[:n]
	if n == 0 {
		return name, head, "dialogue.error.file_empty", nil
	}
	ctype := blob.SniffType(head)
	ok := false
	for _, t := range types {
		ok = ok || t == ctype
	}
	if !ok {
		return name, head, "dialogue.error.file_type", nil
	}
	if claimed := typeByExtension(name); claimed != "" && claimed != ctype {
		return name, head, "dialogue.error.file_type", nil
	}
	return name, head, "", nil
}

// storeFile checks f against types and stores it.
func (s *Service) storeFile(ctx context.Context, f File, types []string) (storedFile, string, error) {
	name, head, key, err := sniff(f, types)
	if err != nil || key != "" {
		return storedFile{}, key, err
	}
	ctype := blob.SniffType(head)
	n := len(head)
	sum, size, err := s.blobs.Put(ctx, io.MultiReader(bytes.NewReader(head[:n]), f.Content), s.cfg.MaxFile)
	if errs.KindOf(err) == errs.TooLarge {
		return storedFile{}, "dialogue.error.file_large", nil
	}
	if err != nil {
		return storedFile{}, "", err
	}
	return storedFile{name: name, ctype: ctype, sum: sum, size: size}, "", nil
}

// typeByExtension is the content type a file name claims; "" when the name
// says nothing known.
func typeByExtension(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return ""
	}
	switch strings.ToLower(name[i:]) {
	case ".pdf":
		return "application/pdf"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".txt":
		return "text/plain"
	case ".gif":
		return "image/gif"
	case ".doc", ".docx", ".odt", ".zip":
		return "application/zip"
	case ".html", ".htm", ".svg", ".js":
		return "text/html"
	}
	return ""
}

// titleOf makes a document title from a file name: without the extension.
func titleOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
