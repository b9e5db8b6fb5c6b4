// Package forms is the common form platform (felles skjemaplattform): a
// municipality publishes form definitions (data, see package formdef),
// citizens fill them in page by page with a draft saved at every step, and
// submit; each submission gets a reference number unique in the
// municipality and year ("2026/01234"). It owns the tables forms_*.
//
// This file holds the storage core: definitions, drafts, reference numbers
// and idempotent submission.
package forms

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Schema is the forms module's migrations.
var Schema = db.EmbeddedSchema("forms", migrationFS, "migrations")

// DraftLifetime is how long an untouched draft is kept by default.
const DraftLifetime = 30 * 24 * time.Hour

// Store keeps definitions, drafts and submissions.
type Store struct {
	db    *db.DB
	audit *audit.Log
	// DraftLifetime is how long an untouched draft is kept.
	DraftLifetime time.Duration
	// parsed caches parsed definitions by definitionKey; published
	// versions never change.
	parsed sync.Map
}

// NewStore returns a Store on d.
func NewStore(d *db.DB, log *audit.Log) *Store {
	return &Store{db: d, audit: log, DraftLifetime: DraftLifetime}
}

// Draft is a form being filled in.
type Draft struct {
	Tenant    string
	ID        string // random, unguessable; also the idempotency key of its submission
	FormID    string
	Version   int64
	Owner     string          // principal, or "anon:<hash>"
	Answers   json.RawMessage // the answers so far
	Page      string          // the page the person is on
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// Submission is a submitted form.
type Submission struct {
	Tenant        string
	ID            string
	Reference     string // "2026/01234"
	FormID        string
	Version       int64
	DraftID       string
	Owner         string
	SubmitterName string
	SubmitterPID  string
	Email         string
	Answers       json.RawMessage
	Status        string // "received"
	CreatedAt     time.Time
	// FormTitle is the form's title in bokmål when it was submitted.
	FormTitle string
	// Attachments are the files that came with it, in form order.
	Attachments []Attachment
	// Receipt is the signed JSON receipt (package receipt), made in the
	// submitting transaction; the PDF receipt is made from it on download.
	Receipt json.RawMessage
}

// Attachment is a file that came with a submission. Its content is in the
// blob store under ID, the SHA-256 of the bytes.
type Attachment struct {
	// Path is the answer path of the file field, e.g. "tax_assessment" or
	// "children.0.report".
	Path        string `json:"path"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

func randomID() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// AnonOwner returns the owner string of a draft kept by a browser token
// (forms without sign-in); only the token's hash is stored.
func AnonOwner(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "anon:" + hex.EncodeToString(sum[:])
}

// CreateDraft starts a draft of version of formID for owner.
func (s *Store) CreateDraft(ctx context.Context, tenant, formID string, version int64, owner, firstPage string) (Draft, error) {
	now := s.db.Now()
	d := Draft{Tenant: tenant, ID: randomID(), FormID: formID, Version: version, Owner: owner, Answers: json.RawMessage("{}"),
		Page: firstPage, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(s.DraftLifetime)}
	err := s.db.GroupTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO forms_drafts (tenant_id, id, form_id, version, owner, answers, page, created_at, updated_at, expires_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)`,
			d.Tenant, d.ID, d.FormID, d.Version, d.Owner, string(d.Answers), d.Page, now, d.ExpiresAt)
		return err
	})
	if err != nil {
		return Draft{}, errs.E(errs.Op("forms.CreateDraft"), err)
	}
	return d, nil
}

// Draft returns owner's draft id. A draft of someone else, or expired, is
// NotFound: it does not exist for this person.
func (s *Store) Draft(ctx context.Context, tenant, id, owner string) (Draft, error) {
	d := Draft{Tenant: tenant, ID: id}
	var answers string
	err := s.db.QueryRowContext(ctx,
		`SELECT form_id, version, owner, answers, page, created_at, updated_at, expires_at
		 FROM forms_drafts WHERE tenant_id = $1 AND id = $2 AND owner = $3 AND expires_at > $4`,
		tenant, id, owner, s.db.Now()).
		Scan(&d.FormID, &d.Version, &d.Owner, &answers, &d.Page, &d.CreatedAt, &d.UpdatedAt, &d.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, errs.E(errs.Op("forms.Draft"), errs.NotFound, errs.Key("forms.error.no_draft"))
	}
	if err != nil {
		return Draft{}, errs.E(errs.Op("forms.Draft"), err)
	}
	d.Answers = json.RawMessage(answers)
	return d, nil
}

// SaveDraft stores the answers and page of owner's draft and extends its
// life. Errors: NotFound.
func (s *Store) SaveDraft(ctx context.Context, tenant, id, owner string, answers json.RawMessage, page string) error {
	now := s.db.Now()
	return s.db.GroupTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE forms_drafts SET answers = $1, page = $2, updated_at = $3, expires_at = $4
			 WHERE tenant_id = $5 AND id = $6 AND owner = $7 AND expires_at > $3`,
			string(answers), page, now, now.Add(s.DraftLifetime), tenant, id, owner)
		if err != nil {
			return errs.E(errs.Op("forms.SaveDraft"), err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Op("forms.SaveDraft"), errs.NotFound, errs.Key("forms.error.no_draft"))
		}
		return nil
	})
}

// Drafts lists owner's live drafts, newest first (for Min side).
func (s *Store) Drafts(ctx context.Context, tenant, owner string) ([]Draft, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, form_id, version, page, created_at, updated_at, expires_at FROM forms_drafts
		 WHERE tenant_id = $1 AND owner = $2 AND expires_at > $3 ORDER BY updated_at DESC`, tenant, owner, s.db.Now())
	if err != nil {
		return nil, errs.E(errs.Op("forms.Drafts"), err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		d := Draft{Tenant: tenant, Owner: owner}
		if err := rows.Scan(&d.ID, &d.FormID, &d.Version, &d.Page, &d.CreatedAt, &d.UpdatedAt, &d.ExpiresAt); err != nil {
			return nil, errs.E(errs.Op("forms.Drafts"), err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeleteExpiredDrafts removes drafts past their expiry in every
// municipality and returns how many.
func (s *Store) DeleteExpiredDrafts(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM forms_drafts WHERE expires_at <= $1`, s.db.Now())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// nextReference gives out the next reference number of the municipality
// for the year of now, inside tx. The upsert holds the counter row until
// tx ends, so numbers are unique and without gaps among committed
// submissions.
func nextReference(ctx context.Context, tx *sql.Tx, tenant string, now time.Time) (string, error) {
	year := now.In(oslo).Year()
	var last int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO forms_refseq (tenant_id, year, last) VALUES ($1, $2, 1)
		 ON CONFLICT (tenant_id, year) DO UPDATE SET last = forms_refseq.last + 1 RETURNING last`, tenant, year).Scan(&last)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%05d", year, last), nil
}

var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// SubmitHook runs inside the submission's transaction after the
// submission row is written (with its reference and time): it appends the
// audit entry, the outbox event and the e-mail acknowledgement, so they
// exist if and only if the submission does, and returns the signed receipt
// to store with it (or nil).
type SubmitHook func(ctx context.Context, tx *sql.Tx, sub Submission) (receipt json.RawMessage, err error)

// Submit turns owner's draft into a submission with the given (validated)
// answers, exactly once: called again for the same draft, it returns the
// submission the first call made, with created false. Errors: NotFound
// when the draft is not owner's or has expired (and was not submitted).
func (s *Store) Submit(ctx context.Context, sub Submission, hook SubmitHook) (out Submission, created bool, err error) {
	const op = errs.Op("forms.Submit")
	if prev, err := s.submissionByDraft(ctx, sub.Tenant, sub.DraftID, sub.Owner); err == nil {
		return prev, false, nil
	} else if !errs.Is(errs.NotFound, err) {
		return Submission{}, false, err
	}
	if sub.Attachments == nil {
		sub.Attachments = []Attachment{}
	}
	attachments, err := json.Marshal(sub.Attachments)
	if err != nil {
		return Submission{}, false, errs.E(op, err)
	}
	err = s.db.GroupTx(ctx, func(tx *sql.Tx) error {
		now := s.db.Now()
		res, err := tx.ExecContext(ctx, `DELETE FROM forms_drafts WHERE tenant_id = $1 AND id = $2 AND owner = $3 AND expires_at > $4`,
			sub.Tenant, sub.DraftID, sub.Owner, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(op, errs.NotFound, errs.Key("forms.error.no_draft"))
		}
		ref, err := nextReference(ctx, tx, sub.Tenant, now)
		if err != nil {
			return err
		}
		sub.ID, sub.Reference, sub.Status, sub.CreatedAt = randomID(), ref, "received", now
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO forms_submissions (tenant_id, id, reference, form_id, version, draft_id, owner, submitter_name, submitter_pid, email, answers, status, created_at, form_title, attachments, receipt)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '')`,
			sub.Tenant, sub.ID, sub.Reference, sub.FormID, sub.Version, sub.DraftID, sub.Owner, sub.SubmitterName, sub.SubmitterPID, sub.Email, string(sub.Answers), sub.Status, sub.CreatedAt,
			sub.FormTitle, string(attachments)); err != nil {
			return err
		}
		if hook == nil {
			return nil
		}
		rec, err := hook(ctx, tx, sub)
		if err != nil {
			return err
		}
		if len(rec) > 0 {
			sub.Receipt = rec
			_, err = tx.ExecContext(ctx, `UPDATE forms_submissions SET receipt = $1 WHERE tenant_id = $2 AND id = $3`, string(rec), sub.Tenant, sub.ID)
		}
		return err
	})
	if err != nil {
		// A concurrent call for the same draft won the race: return its work.
		if errs.Is(errs.NotFound, err) || db.IsUniqueViolation(err) {
			if prev, perr := s.submissionByDraft(ctx, sub.Tenant, sub.DraftID, sub.Owner); perr == nil {
				return prev, false, nil
			}
		}
		return Submission{}, false, errs.E(op, err)
	}
	return sub, true, nil
}

func (s *Store) submissionByDraft(ctx context.Context, tenant, draftID, owner string) (Submission, error) {
	return s.scanSubmission(s.db.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM forms_submissions WHERE tenant_id = $1 AND draft_id = $2 AND owner = $3`,
		tenant, draftID, owner), tenant)
}

// Submission returns owner's submission id. Errors: NotFound (also for
// another person's submission).
func (s *Store) Submission(ctx context.Context, tenant, id, owner string) (Submission, error) {
	return s.scanSubmission(s.db.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM forms_submissions WHERE tenant_id = $1 AND id = $2 AND owner = $3`,
		tenant, id, owner), tenant)
}

// Submissions lists owner's submissions, newest first (for Min side).
func (s *Store) Submissions(ctx context.Context, tenant, owner string, limit int) ([]Submission, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionCols+` FROM forms_submissions WHERE tenant_id = $1 AND owner = $2 ORDER BY created_at DESC LIMIT $3`,
		tenant, owner, limit)
	if err != nil {
		return nil, errs.E(errs.Op("forms.Submissions"), err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		sub, err := s.scanSubmission(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

const submissionCols = `id, reference, form_id, version, draft_id, owner, submitter_name, submitter_pid, email, answers, status, created_at, form_title, attachments, receipt`

type scanner interface{ Scan(...any) error }

func (s *Store) scanSubmission(row scanner, tenant string) (Submission, error) {
	sub := Submission{Tenant: tenant}
	var answers, attachments, rec string
	err := row.Scan(&sub.ID, &sub.Reference, &sub.FormID, &sub.Version, &sub.DraftID, &sub.Owner, &sub.SubmitterName, &sub.SubmitterPID, &sub.Email, &answers, &sub.Status, &sub.CreatedAt,
		&sub.FormTitle, &attachments, &rec)
	if errors.Is(err, sql.ErrNoRows) {
		return Submission{}, errs.E(errs.Op("forms.Submission"), errs.NotFound, errs.Key("forms.error.no_submission"))
	}
	if err != nil {
		return Submission{}, errs.E(errs.Op("forms.Submission"), err)
	}
	sub.Answers = json.RawMessage(answers)
	if rec != "" {
		sub.Receipt = json.RawMessage(rec)
	}
	if err := json.Unmarshal([]byte(attachments), &sub.Attachments); err != nil {
		return Submission{}, errs.E(errs.Op("forms.Submission"), errs.Internal, fmt.Errorf("attachments of %s: %w", sub.ID, err))
	}
	return sub, nil
}

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }
