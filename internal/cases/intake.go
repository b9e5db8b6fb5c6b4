package cases

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/outbox"
	"github.com/torg-ekommune/torg/internal/receipt"
)

// Intake turns submissions into cases. It is an outbox subscriber, so a
// submission becomes a case exactly once, also if Torg stops in between.
type Intake struct {
	Cases *Service
	Forms *forms.Store
	Blobs blob.Store
	// Route gives the unit a service's cases go to and the promised
	// processing time in days (0: none), from the service declaration.
	Route func(ctx context.Context, tenant, formID string) (unit string, days int)
	// MunicipalityName names a municipality, for receipts.
	MunicipalityName func(ctx context.Context, tenant string) string
}

// SubscriberName is the intake's name in the outbox.
const SubscriberName = "cases.intake"

// Subscribe registers the intake for submission events.
func (in *Intake) Subscribe(o *outbox.Outbox) {
	o.Subscribe(SubscriberName, []string{forms.SubmissionEvent}, in.handle)
}

// handle makes the case of one submission, inside the outbox's
// transaction: the saksmappe, the incoming journal entry with the
// submission as its main document (the signed PDF receipt) and the
// attachments, the inbox row and an event.
func (in *Intake) handle(ctx context.Context, tx *sql.Tx, e outbox.Event) error {
	var ev struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(e.Data, &ev); err != nil || ev.ID == "" {
		return fmt.Errorf("cases: submission event %s without an id", e.ID)
	}
	sub, err := in.Forms.TenantSubmission(ctx, e.Tenant, ev.ID)
	if err != nil {
		return err
	}
	s := in.Cases
	now := s.db.Now()
	unit, days := "", 0
	if in.Route != nil {
		unit, days = in.Route(ctx, e.Tenant, sub.FormID)
	}
	rule, ruled, err := ruleTx(ctx, tx, e.Tenant, sub.FormID)
	if err != nil {
		return err
	}
	if ruled && rule.Unit != "" {
		unit = rule.Unit
	}
	docs, err := in.documents(ctx, e.Tenant, sub)
	if err != nil {
		return err
	}
	who := sub.SubmitterName
	if who == "" {
		who = "anonym"
	}
	actor := audit.Entry{ActorID: "system:cases", ActorName: "Saksmottak", Role: "system"}
	name := e.Tenant
	if in.MunicipalityName != nil {
		name = in.MunicipalityName(ctx, e.Tenant)
	}
	if err := s.record.Prepare(ctx, tx, e.Tenant, name, actor); err != nil {
		return err
	}
	id, number, err := s.record.NewCase(ctx, tx, e.Tenant, NewCase{Title: sub.FormTitle + " – " + who, PublicTitle: sub.FormTitle, Unit: unit,
		LegalBasis: PersonalMatters}, actor)
	if err != nil {
		return err
	}
	c := Case{Tenant: e.Tenant, ID: id, Number: number, FormID: sub.FormID, Title: sub.FormTitle + " – " + who, SubmissionID: sub.ID,
		SubmissionRef: sub.Reference, Citizen: sub.Owner, CitizenPID: sub.SubmitterPID, CitizenName: sub.SubmitterName, Email: sub.Email,
		Unit: unit, Status: StatusOpen, CreatedAt: now, RestrictedTo: joinPeople(rule.People)}
	var deadline any
	if days > 0 {
		c.Deadline = endOfDay(sub.CreatedAt.AddDate(0, 0, days))
		deadline = c.Deadline
	}
	entry, err := s.record.NewEntry(ctx, tx, e.Tenant, id, NewEntry{Type: "I", Title: sub.FormTitle + " fra " + who, PublicTitle: sub.FormTitle,
		Party: Party{Name: who, Email: sub.Email}, Documents: docs, Screened: true, LegalBasis: PersonalMatters, Date: sub.CreatedAt}, actor)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases_cases (tenant_id, id, case_number, form_id, title, submission_id, submission_ref, citizen, citizen_pid,
		citizen_name, email, unit, assignee, assignee_name, status, deadline, created_at, restricted_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', '', $13, $14, $15, $16)`,
		c.Tenant, c.ID, c.Number, c.FormID, c.Title, c.SubmissionID, c.SubmissionRef, c.Citizen, c.CitizenPID, c.CitizenName, c.Email, c.Unit,
		c.Status, deadline, c.CreatedAt, c.RestrictedTo); err != nil {
		return err
	}
	m := Message{Tenant: c.Tenant, ID: outbox.NewID(), CaseID: c.ID, EntryID: entry, Kind: KindSubmission, Title: sub.FormTitle,
		Body: "Innsending " + sub.Reference, Author: sub.Owner, AuthorName: who}
	if err := s.insertMessage(ctx, tx, c, &m); err != nil {
		return err
	}
	if s.outbox != nil {
		data, _ := json.Marshal(map[string]string{"case_id": c.ID, "case_number": c.Number, "submission_id": sub.ID, "form_id": sub.FormID})
		if _, err := s.outbox.Enqueue(ctx, tx, outbox.Event{Tenant: c.Tenant, Type: EventCreated, Subject: "case/" + c.ID, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// endOfDay is the last moment of t's day in Norway.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.In(oslo).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, oslo).UTC()
}

var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// documents stores the submission's PDF receipt as the main document and
// lists its attachments (already in the blob store) as vedlegg.
func (in *Intake) documents(ctx context.Context, tenant string, sub forms.Submission) ([]Document, error) {
	var out []Document
	if len(sub.Receipt) > 0 {
		name := ""
		if in.MunicipalityName != nil {
			name = in.MunicipalityName(ctx, tenant)
		}
		keys, err := in.Forms.ReceiptKeys(ctx, tenant, name)
		if err != nil {
			return nil, err
		}
		rec, err := receipt.VerifyJSON(sub.Receipt, keys)
		if err != nil {
			return nil, errs.E(errs.Internal, fmt.Errorf("receipt of %s: %w", sub.ID, err))
		}
		signer, err := in.Forms.ReceiptSigner(ctx, tenant)
		if err != nil {
			return nil, err
		}
		pdf, err := signer.PDF(rec)
		if err != nil {
			return nil, err
		}
		sum, size, err := in.Blobs.Put(ctx, bytes.NewReader(pdf), int64(len(pdf))+1)
		if err != nil {
			return nil, err
		}
		out = append(out, Document{Title: sub.FormTitle + " " + sub.Reference, Main: true, BlobID: sum, Format: "application/pdf", Size: size})
	}
	for i, a := range sub.Attachments {
		out = append(out, Document{Title: "Vedlegg " + strconv.Itoa(i+1) + ": " + a.Name, BlobID: a.ID, Format: a.ContentType, Size: a.Size})
	}
	return out, nil
}
