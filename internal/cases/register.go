package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/outbox"
)

// Registration is a letter, e-mail or internal document that did not come
// through a form, as the archivist registers it (journalføring): into an
// existing case (CaseNumber) or a new one (CaseTitle and the rest).
type Registration struct {
	// CaseNumber is an existing case's number ("2026/12"); empty for a
	// new case with CaseTitle, CasePublicTitle and Unit.
	CaseNumber      string
	CaseTitle       string
	CasePublicTitle string
	Unit            string
	// Type is the journalposttype: I incoming, U outgoing, X internal
	// without follow-up.
	Type        string
	Title       string
	PublicTitle string // required when Screened; else Title is public
	Party       Party  // sender (I) or recipient (U); required for I and U
	Date        time.Time
	Screened    bool
	LegalBasis  string // required when Screened
	Documents   []Document
}

// Limits of a registration.
const (
	maxTitle        = 500
	MaxRegistration = 10 // documents
)

// check returns the registration's field errors.
func (g *Registration) check(now time.Time) map[string]string {
	fe := map[string]string{}
	text := func(field, v string, max int, required bool) string {
		v = strings.TrimSpace(v)
		switch {
		case v == "" && required:
			fe[field] = "cases.error.empty"
		case utf8.RuneCountInString(v) > max:
			fe[field] = "cases.error.too_long"
		}
		return v
	}
	g.CaseNumber = strings.TrimSpace(g.CaseNumber)
	if g.CaseNumber == "" {
		g.CaseTitle = text("sakstittel", g.CaseTitle, maxTitle, true)
		g.CasePublicTitle = text("offentleg-sakstittel", g.CasePublicTitle, maxTitle, g.Screened)
	} else if !validCaseNumber(g.CaseNumber) {
		fe["sak"] = "cases.error.case_number"
	}
	g.Unit = text("eining", g.Unit, maxUnit, false)
	switch g.Type {
	case "I", "U", "X":
	default:
		fe["type"] = "cases.error.entry_type"
	}
	g.Title = text("tittel", g.Title, maxTitle, true)
	g.PublicTitle = text("offentleg-tittel", g.PublicTitle, maxTitle, g.Screened)
	g.Party.Name = text("part", g.Party.Name, 300, g.Type == "I" || g.Type == "U")
	g.Party.Email = text("part-epost", g.Party.Email, 300, false)
	if g.Screened {
		g.LegalBasis = text("heimel", g.LegalBasis, 500, true)
	} else {
		g.LegalBasis = ""
	}
	switch {
	case g.Date.IsZero():
		fe["dato"] = "cases.error.date"
	case g.Date.After(now.Add(24 * time.Hour)):
		fe["dato"] = "cases.error.date_future"
	}
	if g.Type != "X" && len(g.Documents) == 0 {
		fe["fil"] = "cases.error.no_document"
	}
	if len(g.Documents) > MaxRegistration {
		fe["fil"] = "cases.error.too_many_documents"
	}
	return fe
}

// validCaseNumber reports whether s looks like "2026/12".
func validCaseNumber(s string) bool {
	y, n, ok := strings.Cut(s, "/")
	if !ok || len(y) != 4 || n == "" || len(n) > 9 {
		return false
	}
	for _, r := range y + n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return n[0] != '0'
}

// Register journals a registration: in the named case, or in a new case
// that then stands in the case workers' inbox like a case from a form.
// The entry is never shown to the citizen of an existing case. Errors:
// Invalid (with the fields), NotFound (no such case in this
// municipality), Forbidden (a routing rule keeps the case from actor).
func (s *Service) Register(ctx context.Context, tenant, municipalityName string, g Registration, actor audit.Entry) (Case, error) {
	const op = errs.Op("cases.Register")
	if fe := g.check(s.db.Now()); len(fe) > 0 {
		return Case{}, errs.E(op, errs.Invalid, errs.Key("cases.error.form"), fe)
	}
	var c Case
	if g.CaseNumber != "" {
		var err error
		c, err = scanCase(s.db.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases_cases WHERE tenant_id = $1 AND case_number = $2`, tenant, g.CaseNumber), tenant)
		if errs.Is(errs.NotFound, err) {
			return Case{}, errs.E(op, errs.NotFound, errs.Key("cases.error.no_case"), map[string]string{"sak": "cases.error.no_case"})
		}
		if err != nil {
			return Case{}, errs.E(op, err)
		}
		if c, err = s.handle(ctx, op, tenant, c.ID, actor); err != nil {
			return Case{}, err
		}
	}
	publicTitle := g.PublicTitle
	if !g.Screened {
		publicTitle = g.Title
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := s.db.Now()
		if c.ID == "" {
			if err := s.record.Prepare(ctx, tx, tenant, municipalityName, actor); err != nil {
				return err
			}
			casePublic := g.CasePublicTitle
			if !g.Screened {
				casePublic = g.CaseTitle
			}
			id, number, err := s.record.NewCase(ctx, tx, tenant, NewCase{Title: g.CaseTitle, PublicTitle: casePublic, Unit: g.Unit,
				LegalBasis: g.LegalBasis}, actor)
			if err != nil {
				return err
			}
			c = Case{Tenant: tenant, ID: id, Number: number, Title: g.CaseTitle, SubmissionID: "reg:" + id, CitizenName: g.Party.Name,
				Email: g.Party.Email, Unit: g.Unit, Status: StatusOpen, CreatedAt: now}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cases_cases (tenant_id, id, case_number, form_id, title, submission_id, submission_ref, citizen,
				citizen_pid, citizen_name, email, unit, assignee, assignee_name, status, deadline, created_at, restricted_to)
				VALUES ($1, $2, $3, '', $4, $5, '', '', '', $6, $7, $8, '', '', $9, NULL, $10, '')`,
				c.Tenant, c.ID, c.Number, c.Title, c.SubmissionID, c.CitizenName, c.Email, c.Unit, c.Status, c.CreatedAt); err != nil {
				return err
			}
			if s.outbox != nil {
				if _, err := s.outbox.Enqueue(ctx, tx, outbox.Event{Tenant: tenant, Type: EventCreated, Subject: "case/" + c.ID,
					Data: eventData(map[string]string{"case_id": c.ID, "case_number": c.Number, "submission_id": "", "form_id": ""})}); err != nil {
					return err
				}
			}
		}
		entry, err := s.record.NewEntry(ctx, tx, tenant, c.ID, NewEntry{Type: g.Type, Title: g.Title, PublicTitle: publicTitle, Party: g.Party,
			Documents: g.Documents, Screened: g.Screened, LegalBasis: g.LegalBasis, Date: g.Date}, actor)
		if err != nil {
			return err
		}
		m := Message{Tenant: tenant, ID: outbox.NewID(), CaseID: c.ID, EntryID: entry, Kind: KindRegistered, Title: g.Title,
			Body: registeredBody(g), Author: actor.ActorID, AuthorName: actor.ActorName}
		return s.insertMessage(ctx, tx, c, &m)
	})
	if errs.Is(errs.Invalid, err) {
		// The record refused a field (a Noark rule the form did not catch).
		return Case{}, errs.E(op, errs.Invalid, errs.Key("cases.error.record"), err)
	}
	if err != nil {
		return Case{}, errs.E(op, err)
	}
	return c, nil
}

// registeredBody describes a registered entry in the case's history.
func registeredBody(g Registration) string {
	kind := map[string]string{"I": "Inngående", "U": "Utgående", "X": "Internt"}[g.Type]
	b := kind + " dokument registrert: " + g.Title
	if g.Party.Name != "" {
		b += " (" + g.Party.Name + ")"
	}
	return b
}

// eventData is the JSON of an event's data.
func eventData(m map[string]string) []byte {
	b, _ := json.Marshal(m)
	return b
}
