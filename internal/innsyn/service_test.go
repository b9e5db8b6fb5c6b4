package innsyn_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/innsyn"
	"github.com/torg-ekommune/torg/internal/innsyn/innsyntest"
)

const demo = innsyntest.Demo

// each runs fn on a new site on SQLite and, with TORG_TEST_POSTGRES, on
// PostgreSQL (as dbtest.Each, with the site's clock and services).
func each(t *testing.T, o innsyntest.Options, fn func(t *testing.T, s *innsyntest.Site)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, innsyntest.Start(t, o)) })
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			o := o
			o.Postgres = true
			fn(t, innsyntest.Start(t, o))
		})
	}
}

var public = audit.Entry{ActorID: "anonymous", Role: "public", RequestID: "test"}

const base = "https://torg.example.no/k/9999/"

func submit(t *testing.T, s *innsyntest.Site, email string, ids ...string) innsyn.Receipt {
	t.Helper()
	rec, err := s.Service.Submit(context.Background(), demo, ids, innsyn.Requester{Email: email}, "nb", base, public)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return rec
}

// auditActions returns the actions of tenant's audit log, oldest first.
func auditActions(t *testing.T, s *innsyntest.Site, tenant string) []audit.Entry {
	t.Helper()
	list, err := s.Audit.List(context.Background(), tenant, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func hasAction(list []audit.Entry, action string) bool {
	for _, e := range list {
		if e.Action == action {
			return true
		}
	}
	return false
}

func TestSubmit(t *testing.T) {
	each(t, innsyntest.Options{}, func(t *testing.T, s *innsyntest.Site) {
		ctx := context.Background()
		rec := submit(t, s, "kari@Example.NO", s.Entries.Open, strings.ToUpper(s.Entries.Screened), s.Entries.Open)
		r := rec.Request
		if !r.Deadline.Equal(day("2026-11-26")) {
			t.Errorf("deadline %s, want 2026-11-26 (Monday + 3 working days)", r.Deadline)
		}
		if len(r.Lines) != 2 || r.Lines[0].Unit != innsyntest.UnitBuilding || r.Lines[1].Unit != innsyntest.UnitSchool {
			t.Fatalf("lines %+v", r.Lines)
		}
		if r.Lines[1].PublicTitle != "Søknad om skoleskyss" || r.Email != "kari@example.no" {
			t.Errorf("public title %q, email %q", r.Lines[1].PublicTitle, r.Email)
		}
		got, err := s.Service.Status(ctx, demo, rec.Token)
		if err != nil || got.ID != r.ID || len(got.Lines) != 2 {
			t.Fatalf("Status: %+v, %v", got, err)
		}
		for _, bad := range []string{"", "x", rec.Token + "x", strings.Repeat("a", 43)} {
			if _, err := s.Service.Status(ctx, demo, bad); !errs.Is(errs.NotFound, err) {
				t.Errorf("Status(%q): %v", bad, err)
			}
		}
		if _, err := s.Service.Status(ctx, innsyntest.Other, rec.Token); !errs.Is(errs.NotFound, err) {
			t.Errorf("Status in another municipality: %v", err)
		}
		var n int
		s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM innsyn_request WHERE token_hash = $1 OR id = $1`, rec.Token).Scan(&n)
		if n != 0 {
			t.Error("the token is stored as it is")
		}
		mails := s.Deliver(t)
		if len(mails) != 1 || mails[0].To != "kari@example.no" || !strings.Contains(mails[0].Subject, r.Ref()) ||
			!strings.Contains(mails[0].Body, base+"innsyn/status/"+rec.Token) || !strings.Contains(mails[0].Body, "26.11.2026") {
			t.Errorf("receipt mail %+v", mails)
		}
		if !hasAction(auditActions(t, s, demo), "innsyn.request.create") {
			t.Error("no audit entry")
		}
	})
}

func TestSubmitBeforeEaster(t *testing.T) {
	// Saturday 27 March 2027, the day before Easter: Easter Monday is a
	// holiday, so three working days end on Thursday 1 April.
	each(t, innsyntest.Options{Now: time.Date(2027, 3, 27, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, s *innsyntest.Site) {
		rec := submit(t, s, "kari@example.no", s.Entries.Open)
		if !rec.Request.Deadline.Equal(day("2027-04-01")) {
			t.Errorf("deadline %s, want 2027-04-01", rec.Request.Deadline.Format(time.DateOnly))
		}
	})
}

func TestSubmitBadInput(t *testing.T) {
	each(t, innsyntest.Options{Config: innsyn.Config{MaxEntries: 2}}, func(t *testing.T, s *innsyntest.Site) {
		e := s.Entries
		for _, c := range []struct {
			name, email string
			ids         []string
			field, key  string
		}{
			{"no entries ticked", "kari@example.no", nil, innsyn.FieldEntry, "innsyn.error.none"},
			{"blank entries", "kari@example.no", []string{" ", ""}, innsyn.FieldEntry, "innsyn.error.none"},
			{"not an id", "kari@example.no", []string{"1; DROP TABLE innsyn_request"}, innsyn.FieldEntry, "innsyn.error.unknown_entry"},
			{"unknown entry", "kari@example.no", []string{"0b1d7c0e-0000-4000-8000-000000000000"}, innsyn.FieldEntry, "innsyn.error.unknown_entry"},
			{"another municipality's entry", "kari@example.no", []string{e.Other}, innsyn.FieldEntry, "innsyn.error.unknown_entry"},
			{"internal note", "kari@example.no", []string{e.Open, e.Note}, innsyn.FieldEntry, "innsyn.error.internal_note"},
			{"reserved registration", "kari@example.no", []string{e.Reserved}, innsyn.FieldEntry, "innsyn.error.unknown_entry"},
			{"too many entries", "kari@example.no", []string{e.Open, e.Open2, e.Screened}, innsyn.FieldEntry, "innsyn.error.too_many_entries"},
			{"no address", "", []string{e.Open}, innsyn.FieldEmail, "innsyn.error.email_required"},
			{"bad address", "kari@", []string{e.Open}, innsyn.FieldEmail, "innsyn.error.email"},
			{"address without a dot", "kari@localhost", []string{e.Open}, innsyn.FieldEmail, "innsyn.error.email"},
			{"display name", "Kari <kari@example.no>", []string{e.Open}, innsyn.FieldEmail, "innsyn.error.email"},
			{"header injection", "kari@example.no\r\nBcc: x@example.no", []string{e.Open}, innsyn.FieldEmail, "innsyn.error.email"},
			{"two addresses", "kari@example.no, ola@example.no", []string{e.Open}, innsyn.FieldEmail, "innsyn.error.email"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.Service.Submit(context.Background(), demo, c.ids, innsyn.Requester{Email: c.email}, "nb", base, public)
				_, _, fields := errs.Public(err)
				if !errs.Is(errs.Invalid, err) || fields[c.field] != c.key {
					t.Errorf("err %v, fields %v; want %s on %s", err, fields, c.key, c.field)
				}
			})
		}
		var n int
		s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM innsyn_request`).Scan(&n)
		if n != 0 || len(s.Deliver(t)) != 0 {
			t.Errorf("%d requests stored after bad input", n)
		}
		// A signed-in requester needs no address.
		if _, err := s.Service.Submit(context.Background(), demo, []string{e.Open}, innsyn.Requester{Principal: "pid:15838810028"}, "nn", base, public); err != nil {
			t.Errorf("signed in without an address: %v", err)
		}
	})
}

func TestRateLimit(t *testing.T) {
	each(t, innsyntest.Options{Config: innsyn.Config{MaxPerDay: 2}}, func(t *testing.T, s *innsyntest.Site) {
		ctx := context.Background()
		try := func(email string) error {
			_, err := s.Service.Submit(ctx, demo, []string{s.Entries.Open}, innsyn.Requester{Email: email}, "nb", base, public)
			return err
		}
		for i := 0; i < 2; i++ {
			if err := try("kari@example.no"); err != nil {
				t.Fatal(err)
			}
		}
		if err := try("KARI@example.no"); !errs.Is(errs.TooMany, err) {
			t.Errorf("third request in a day: %v", err)
		}
		if err := try("ola@example.no"); err != nil {
			t.Errorf("another requester: %v", err)
		}
		s.Clock.Add(25 * time.Hour)
		if err := try("kari@example.no"); err != nil {
			t.Errorf("the next day: %v", err)
		}
	})
}

// pdf returns a PDF of about n bytes.
func pdf(n int) []byte {
	b := append([]byte(nil), innsyntest.PDF...)
	for len(b) < n {
		b = append(b, "% padding\n"...)
	}
	return b
}

func TestDecide(t *testing.T) {
	each(t, innsyntest.Options{Config: innsyn.Config{MaxRedacted: 4000}}, func(t *testing.T, s *innsyntest.Site) {
		ctx := context.Background()
		e := s.Entries
		rec := submit(t, s, "kari@example.no", e.Open, e.Screened, e.Open2)
		id, tok := rec.Request.ID, rec.Token
		actor := innsyntest.Actor()
		decide := func(d innsyn.Decision, up *innsyn.Upload) (innsyn.Line, map[string]string, error) {
			l, err := s.Service.Decide(ctx, demo, id, d, up, actor)
			_, _, fields := errs.Public(err)
			return l, fields, err
		}
		file := func(b []byte) *innsyn.Upload { return &innsyn.Upload{Name: "sladda.pdf", Body: bytes.NewReader(b)} }

		// Bad input, each refused with its field.
		for _, c := range []struct {
			name  string
			d     innsyn.Decision
			up    *innsyn.Upload
			field string
			key   string
		}{
			{"no decision", innsyn.Decision{Nr: 1}, nil, innsyn.FieldDecision, "innsyn.error.decision"},
			{"unknown decision", innsyn.Decision{Nr: 1, Decision: "maybe"}, nil, innsyn.FieldDecision, "innsyn.error.decision"},
			{"refused without basis", innsyn.Decision{Nr: 3, Decision: innsyn.Refused, LegalBasis: "  \t"}, nil, innsyn.FieldBasis, "innsyn.error.basis_required"},
			{"basis too long", innsyn.Decision{Nr: 3, Decision: innsyn.Refused, LegalBasis: strings.Repeat("§", innsyn.MaxBasis+1)}, nil, innsyn.FieldBasis, "innsyn.error.too_long"},
			{"partly without basis", innsyn.Decision{Nr: 2, Decision: innsyn.Partly}, file(pdf(100)), innsyn.FieldBasis, "innsyn.error.basis_required"},
			{"partly without a copy", innsyn.Decision{Nr: 2, Decision: innsyn.Partly, LegalBasis: "Offl. § 13"}, nil, innsyn.FieldFile, "innsyn.error.file_required"},
			{"empty copy", innsyn.Decision{Nr: 2, Decision: innsyn.Partly, LegalBasis: "Offl. § 13"}, file(nil), innsyn.FieldFile, "innsyn.error.file_required"},
			{"copy of a wrong type", innsyn.Decision{Nr: 2, Decision: innsyn.Partly, LegalBasis: "Offl. § 13"}, file([]byte("just text, named .pdf")), innsyn.FieldFile, "innsyn.error.file_type"},
			{"image as copy", innsyn.Decision{Nr: 2, Decision: innsyn.Partly, LegalBasis: "Offl. § 13"}, file([]byte("\x89PNG\r\n\x1a\n0000")), innsyn.FieldFile, "innsyn.error.file_type"},
			{"copy too large", innsyn.Decision{Nr: 2, Decision: innsyn.Partly, LegalBasis: "Offl. § 13"}, file(pdf(5000)), innsyn.FieldFile, "innsyn.error.file_size"},
			{"screened granted in full", innsyn.Decision{Nr: 2, Decision: innsyn.Granted}, nil, innsyn.FieldDecision, "innsyn.error.screened"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, fields, err := decide(c.d, c.up)
				if !errs.Is(errs.Invalid, err) || fields[c.field] != c.key {
					t.Errorf("err %v, fields %v; want %s on %s", err, fields, c.key, c.field)
				}
			})
		}
		if _, _, err := decide(innsyn.Decision{Nr: 9, Decision: innsyn.Granted}, nil); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown line: %v", err)
		}
		if !hasAction(auditActions(t, s, demo), "innsyn.decide.refused") {
			t.Error("the refused grant of a screened entry is not audited")
		}
		r, _ := s.Service.Status(ctx, demo, tok)
		if r.Open() != 3 {
			t.Fatalf("%d open after bad input, want 3", r.Open())
		}

		// Granted in full: the document is handed out through the token.
		if _, _, err := decide(innsyn.Decision{Nr: 1, Decision: innsyn.Granted, Note: "Vennlig hilsen arkivet"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := decide(innsyn.Decision{Nr: 1, Decision: innsyn.Refused, LegalBasis: "x"}, nil); !errs.Is(errs.Conflict, err) {
			t.Errorf("second decision: %v", err)
		}
		r, _ = s.Service.Status(ctx, demo, tok)
		docs, err := s.Service.Documents(ctx, r, 1)
		if err != nil || len(docs) != 1 {
			t.Fatalf("documents %v, %v", docs, err)
		}
		f, rc, err := s.Service.OpenDocument(ctx, demo, tok, 1, docs[0].Object.SystemID, public)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, s.DocContent) || f.Type != "application/pdf" {
			t.Errorf("document %q (%s)", got, f.Type)
		}
		if _, _, err := s.Service.OpenDocument(ctx, demo, "wrong-token-wrong-token-wrong", 1, docs[0].Object.SystemID, public); !errs.Is(errs.NotFound, err) {
			t.Errorf("wrong token: %v", err)
		}
		if _, _, err := s.Service.OpenDocument(ctx, demo, tok, 3, docs[0].Object.SystemID, public); !errs.Is(errs.NotFound, err) {
			t.Errorf("undecided line: %v", err)
		}

		// Partly, with a redacted PDF.
		copyPDF := pdf(3000)
		l, _, err := decide(innsyn.Decision{Nr: 2, Decision: innsyn.Partly, LegalBasis: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"}, file(copyPDF))
		if err != nil {
			t.Fatal(err)
		}
		if l.Redacted == nil || l.Redacted.Size != int64(len(copyPDF)) || l.Complaint == "" {
			t.Errorf("partly: %+v", l)
		}
		if _, _, err := s.Service.OpenDocument(ctx, demo, tok, 2, docs[0].Object.SystemID, public); !errs.Is(errs.NotFound, err) {
			t.Errorf("a partly granted entry's original: %v", err)
		}
		_, rc, err = s.Service.OpenRedacted(ctx, demo, tok, 2, public)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, copyPDF) {
			t.Error("the redacted copy differs")
		}
		if _, _, err := s.Service.OpenRedacted(ctx, demo, tok, 1, public); !errs.Is(errs.NotFound, err) {
			t.Errorf("redacted copy of a granted line: %v", err)
		}

		// Refused, with the basis: the request is answered.
		l, _, err = decide(innsyn.Decision{Nr: 3, Decision: innsyn.Refused, LegalBasis: "Offl. § 14"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(l.Complaint, "§ 32") {
			t.Errorf("complaint text %q", l.Complaint)
		}
		r, _ = s.Service.Status(ctx, demo, tok)
		if r.Closed.IsZero() || r.Open() != 0 {
			t.Errorf("request not closed: %+v", r)
		}
		mails := s.Deliver(t)
		if len(mails) != 4 {
			t.Fatalf("%d mails, want the receipt and three decisions", len(mails))
		}
		if !strings.Contains(mails[3].Body, "Offl. § 14") || !strings.Contains(mails[3].Body, "§ 32") || !strings.Contains(mails[1].Body, "Vennlig hilsen arkivet") {
			t.Errorf("decision mails: %q / %q", mails[1].Body, mails[3].Body)
		}
		acts := auditActions(t, s, demo)
		n := 0
		for _, a := range acts {
			if a.Action == "innsyn.decide" {
				n++
			}
		}
		if n != 3 || !hasAction(acts, "innsyn.download") {
			t.Errorf("%d decisions audited; download audited: %v", n, hasAction(acts, "innsyn.download"))
		}
	})
}

func TestRemind(t *testing.T) {
	each(t, innsyntest.Options{Config: innsyn.Config{UnitEmail: map[string]string{innsyntest.UnitSchool: "oppvekst@demo.kommune.no"}}},
		func(t *testing.T, s *innsyntest.Site) {
			ctx := context.Background()
			rec := submit(t, s, "kari@example.no", s.Entries.Open, s.Entries.Open2) // Monday 23 November: due Thursday 26
			s.Deliver(t)
			remind := func(at string) int {
				t.Helper()
				now, _ := time.Parse(time.RFC3339, at)
				s.Clock.Set(now)
				n, err := s.Service.Remind(ctx, now)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for _, at := range []string{"2026-11-23T15:00:00Z", "2026-11-24T15:00:00Z"} {
				if n := remind(at); n != 0 {
					t.Errorf("%s: %d reminders, want none", at, n)
				}
			}
			if n := remind("2026-11-25T07:00:00Z"); n != 2 {
				t.Errorf("Wednesday: %d reminders, want one per unit", n)
			}
			if n := remind("2026-11-25T08:00:00Z"); n != 0 {
				t.Errorf("again: %d reminders", n)
			}
			if n := remind("2026-11-26T08:00:00Z"); n != 0 {
				t.Errorf("Thursday: %d reminders", n)
			}
			mails := s.Deliver(t)[1:]
			to := map[string]string{}
			for _, m := range mails {
				to[m.To] = m.Subject
			}
			if len(mails) != 2 || !strings.HasPrefix(to[innsyntest.Archivist], "Frist snart") || !strings.HasPrefix(to["oppvekst@demo.kommune.no"], "Frist snart") {
				t.Errorf("reminders: %+v", mails)
			}
			// The building unit answers; only the school unit is overdue.
			if _, err := s.Service.Decide(ctx, demo, rec.Request.ID, innsyn.Decision{Nr: 1, Decision: innsyn.Granted}, nil, innsyntest.Actor()); err != nil {
				t.Fatal(err)
			}
			if n := remind("2026-11-27T08:00:00Z"); n != 1 {
				t.Errorf("Friday: %d reminders, want 1", n)
			}
			if n := remind("2026-11-30T08:00:00Z"); n != 0 {
				t.Errorf("Monday: %d reminders", n)
			}
			mails = s.Deliver(t)
			last := mails[len(mails)-1]
			if last.To != "oppvekst@demo.kommune.no" || !strings.HasPrefix(last.Subject, "Fristen er passert") || !strings.Contains(last.Body, "tilsett/innsyn/"+rec.Request.ID) {
				t.Errorf("overdue reminder %+v", last)
			}
			acts := auditActions(t, s, demo)
			if !hasAction(acts, "innsyn.remind.soon") || !hasAction(acts, "innsyn.remind.overdue") {
				t.Error("reminders not audited")
			}
		})
}

func TestStats(t *testing.T) {
	each(t, innsyntest.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}, func(t *testing.T, s *innsyntest.Site) {
		ctx := context.Background()
		e := s.Entries
		at := func(v string) {
			t.Helper()
			now, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t.Fatal(err)
			}
			s.Clock.Set(now)
		}
		grant := func(id string) {
			t.Helper()
			if _, err := s.Service.Decide(ctx, demo, id, innsyn.Decision{Nr: 1, Decision: innsyn.Granted}, nil, innsyntest.Actor()); err != nil {
				t.Fatal(err)
			}
		}
		a := submit(t, s, "a@example.no", e.Open, e.Open2) // Mon 23, due Thu 26
		at("2026-11-24T09:00:00Z")
		grant(a.Request.ID)                       // 24 h, in time
		b := submit(t, s, "b@example.no", e.Open) // Tue 24, due Fri 27
		at("2026-11-25T09:00:00Z")
		c := submit(t, s, "c@example.no", e.Open) // Wed 25, due Mon 30
		at("2026-11-25T11:00:00Z")
		grant(c.Request.ID) // 2 h, in time
		at("2026-11-30T09:00:00Z")
		grant(b.Request.ID) // 6 days, late
		from, to := day("2026-11-01"), day("2026-12-01")
		stats, err := s.Service.Stats(ctx, demo, from, to, s.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(stats) != 2 {
			t.Fatalf("stats %+v", stats)
		}
		bygg, skole := stats[0], stats[1]
		if bygg.Unit != innsyntest.UnitBuilding || bygg.Count != 3 || bygg.Decided != 3 || bygg.Median != 24*time.Hour ||
			bygg.OnTime != 2 || bygg.Late != 1 || bygg.Granted != 3 {
			t.Errorf("building: %+v", bygg)
		}
		if s := bygg.Share(); s < 0.666 || s > 0.667 {
			t.Errorf("building share %v, want 2/3", s)
		}
		// The school unit's entry is open past its deadline (Thursday).
		if skole.Unit != innsyntest.UnitSchool || skole.Count != 1 || skole.Decided != 0 || skole.Late != 1 || skole.Share() != 0 {
			t.Errorf("school: %+v", skole)
		}
		// On Wednesday it was not yet late: no share.
		stats, _ = s.Service.Stats(ctx, demo, from, to, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
		if stats[1].Share() != -1 {
			t.Errorf("school share before the deadline: %v", stats[1].Share())
		}
		// A period without requests, and another municipality: nothing.
		if st, _ := s.Service.Stats(ctx, demo, day("2026-01-01"), day("2026-02-01"), s.Clock.Now()); len(st) != 0 {
			t.Errorf("empty period: %+v", st)
		}
		if st, _ := s.Service.Stats(ctx, innsyntest.Other, from, to, s.Clock.Now()); len(st) != 0 {
			t.Errorf("other municipality: %+v", st)
		}
	})
}
