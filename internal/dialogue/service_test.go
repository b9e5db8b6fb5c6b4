package dialogue_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/dialogue/dialoguetest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// start is 2026-11-23 12:00 UTC, the tests' "now".
var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// env is a service on a fresh database with a settable clock.
type env struct {
	d     *db.DB
	clock *dbtest.Clock
	svc   *dialogue.Service
	arch  *archive.Service
	blobs *blob.Dir
}

// each runs fn on SQLite and, when TORG_TEST_POSTGRES is set, PostgreSQL,
// like dbtest.Each but with a clock the test can move.
func each(t *testing.T, fn func(t *testing.T, e env)) {
	t.Helper()
	run := func(t *testing.T, pg bool) {
		clock := dbtest.NewClock(start)
		var d *db.DB
		if pg {
			d = dbtest.Postgres(t, dbtest.Options{Now: clock.Now}, dialoguetest.Schemas()...)
		} else {
			d = dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, dialoguetest.Schemas()...)
		}
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { blobs.Close() })
		log := audit.New(d)
		arch := archive.New(d, log)
		fn(t, env{d: d, clock: clock, svc: dialogue.New(d, log, notify.NewQueue(d), blobs, arch, dialoguetest.Officials, dialogue.Config{}), arch: arch, blobs: blobs})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, false) })
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, true) })
	}
}

const demo = dialoguetest.Demo

var pdf = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

func actor() audit.Entry { return dialoguetest.Actor() }

func citizen(name string) audit.Entry {
	return audit.Entry{ActorID: "pid:" + name, ActorName: name, Role: "citizen", RequestID: "test"}
}

// published makes and publishes a hearing with a deadline of 10.12.2026.
func published(t *testing.T, e env, allowPublish bool) dialogue.Hearing {
	t.Helper()
	ctx := context.Background()
	h, err := e.svc.CreateHearing(ctx, demo, dialogue.HearingForm{Title: "Kommuneplanens arealdel", Description: "Les planen.", Deadline: "10.12.2026",
		AllowPublish: allowPublish}, dialogue.File{Name: "arealdel.pdf", Content: bytes.NewReader(pdf)}, actor())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	h, err = e.svc.PublishHearing(ctx, demo, "Demo kommune", h.ID, actor())
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return h
}

func fieldsOf(err error) map[string]string {
	_, _, f := errs.Public(err)
	return f
}

func mailCount(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_mail`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHearingInArchive publishes a hearing and sends two statements: a
// private person's, unpublished, with an attachment, and an
// organisation's, published. Both are incoming entries in the hearing's
// archive case with their documents; the person's name is screened, the
// organisation's is not.
func TestHearingInArchive(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		h := published(t, e, true)
		if h.CaseID == "" || !strings.HasPrefix(h.CaseNumber, "2026/") {
			t.Fatalf("case = %q %q", h.CaseID, h.CaseNumber)
		}
		m, err := e.arch.Case(ctx, demo, h.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Tittel != "Høring – Kommuneplanens arealdel" {
			t.Errorf("case title = %q", m.Tittel)
		}
		att, key, err := e.svc.StoreAttachment(ctx, dialogue.File{Name: "kart.png", Content: bytes.NewReader([]byte("\x89PNG\r\n\x1a\nrest of a png"))})
		if err != nil || key != "" {
			t.Fatalf("attachment: %v %q", err, key)
		}
		mails := mailCount(t, e.d)
		st1, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:1", Name: "Kari Nordmann"},
			dialogue.StatementForm{Text: "Bevar grøntområdet.\n\nTakk.", Email: "kari@example.no"}, []dialogue.StatementFile{att}, "nb", citizen("Kari Nordmann"))
		if err != nil {
			t.Fatalf("statement 1: %v", err)
		}
		st2, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:2", Name: "Ola Normann"},
			dialogue.StatementForm{Text: "Vi støtter planen.", OnBehalf: dialogue.BehalfOrg, OrgNumber: "923 609 016", OrgName: "Velforeningen", Publish: true},
			nil, "nb", citizen("Ola Normann"))
		if err != nil {
			t.Fatalf("statement 2: %v", err)
		}
		if got := mailCount(t, e.d) - mails; got != 1 {
			t.Errorf("receipt mails = %d, want 1 (only the first gave an address)", got)
		}
		entries, err := e.arch.Entries(ctx, demo, h.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("entries = %d, want 2", len(entries))
		}
		for i, st := range []dialogue.Statement{st1, st2} {
			j := entries[i]
			if j.SystemID != st.EntryID || j.RegistreringsID != st.EntryNumber {
				t.Errorf("entry %d = %s %s, statement says %s %s", i, j.SystemID, j.RegistreringsID, st.EntryID, st.EntryNumber)
			}
			if j.Journalposttype != "I" || j.MottattDato.IsZero() {
				t.Errorf("entry %d type %q received %v", i, j.Journalposttype, j.MottattDato)
			}
			main := j.Dokumenter[0]
			if main.TilknyttetRegistreringSom != "H" || main.Dokumentobjekter[0].Mimetype != "text/plain" {
				t.Errorf("entry %d main document = %+v", i, main)
			}
			rc, err := e.blobs.Open(ctx, main.Dokumentobjekter[0].BlobID)
			if err != nil {
				t.Fatal(err)
			}
			text, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(text), st.Body) || !strings.Contains(string(text), "Kommuneplanens arealdel") {
				t.Errorf("entry %d document:\n%s", i, text)
			}
			if i == 0 && strings.Contains(string(text), "Kari Nordmann") {
				t.Errorf("the unpublished statement's document names the private person:\n%s", text)
			}
		}
		priv, org := entries[0], entries[1]
		if len(priv.Dokumenter) != 2 || priv.Dokumenter[1].TilknyttetRegistreringSom != "V" || priv.Dokumenter[1].Dokumentobjekter[0].BlobID != att.BlobID {
			t.Errorf("private entry documents = %+v", priv.Dokumenter)
		}
		if priv.Skjerming == nil || !priv.Skjerming.Screens(archive.SkjermingAvsender) || priv.Skjerming.Skjermingshjemmel != dialogue.PersonalMatters {
			t.Errorf("private sender not screened: %+v", priv.Skjerming)
		}
		if priv.Korrespondanseparter[0].Navn != "Kari Nordmann" || priv.Korrespondanseparter[0].Korrespondanseparttype != "EA" {
			t.Errorf("private party = %+v", priv.Korrespondanseparter)
		}
		if org.Skjerming != nil {
			t.Errorf("organisation screened: %+v", org.Skjerming)
		}
		if n := org.Korrespondanseparter[0].Navn; n != "Velforeningen (org.nr. 923609016)" {
			t.Errorf("organisation party = %q", n)
		}
		// The public sees the published statement only; staff both.
		pub, err := e.svc.Statements(ctx, demo, h.ID, true, audit.Entry{})
		if err != nil || len(pub) != 1 || pub[0].ID != st2.ID {
			t.Fatalf("public statements = %+v, %v", pub, err)
		}
		all, err := e.svc.Statements(ctx, demo, h.ID, false, actor())
		if err != nil || len(all) != 2 || len(all[0].Files) != 1 {
			t.Fatalf("all statements = %+v, %v", all, err)
		}
		if _, _, err := e.svc.StatementFileOpen(ctx, demo, h.ID, st1.ID, 1); !errs.Is(errs.NotFound, err) {
			t.Errorf("attachment of an unpublished statement: %v", err)
		}
		// A person who chose publishing is named, not screened.
		st3, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:3", Name: "Per Hansen"},
			dialogue.StatementForm{Text: "Ja takk.", Publish: true}, nil, "nb", citizen("Per Hansen"))
		if err != nil {
			t.Fatal(err)
		}
		j3, err := e.arch.Entry(ctx, demo, st3.EntryID)
		if err != nil || j3.Skjerming != nil {
			t.Errorf("published private statement screened: %+v %v", j3.Skjerming, err)
		}
	})
}

// TestHearingDeadline: statements are refused after the deadline, the
// result only after it.
func TestHearingDeadline(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		h := published(t, e, false)
		if err := e.svc.PublishResult(ctx, demo, h.ID, "Oppsummert.", "Brukt.", actor()); !errs.Is(errs.Conflict, err) {
			t.Errorf("result before the deadline: %v", err)
		}
		// 10.12.2026 23:59:59 in Norway is still open; a second later not.
		e.clock.Set(time.Date(2026, 12, 10, 22, 59, 59, 0, time.UTC))
		if _, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:1", Name: "Kari"}, dialogue.StatementForm{Text: "Sist."}, nil, "nb", citizen("Kari")); err != nil {
			t.Fatalf("statement at the deadline: %v", err)
		}
		e.clock.Set(time.Date(2026, 12, 10, 23, 0, 0, 0, time.UTC))
		_, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:1", Name: "Kari"}, dialogue.StatementForm{Text: "For sent."}, nil, "nb", citizen("Kari"))
		if !errs.Is(errs.Conflict, err) {
			t.Fatalf("statement after the deadline: %v", err)
		}
		if key, _, _ := errs.Public(err); key != "dialogue.error.closed" {
			t.Errorf("key = %q", key)
		}
		if err := e.svc.PublishResult(ctx, demo, h.ID, "", " ", actor()); fieldsOf(err)[dialogue.FieldSummary] != "dialogue.error.summary_missing" || fieldsOf(err)[dialogue.FieldUsage] != "dialogue.error.usage_missing" {
			t.Errorf("empty result: %v", err)
		}
		if err := e.svc.PublishResult(ctx, demo, h.ID, "Ett innspill kom inn.", "Planen er endret.", actor()); err != nil {
			t.Fatal(err)
		}
		got, _ := e.svc.Hearing(ctx, demo, h.ID)
		if !got.HasResult() || got.ResultUsage != "Planen er endret." || got.Statements != 1 {
			t.Errorf("hearing after the result = %+v", got)
		}
		// Publishing is refused for a statement when the hearing does not allow it.
		all, _ := e.svc.Statements(ctx, demo, h.ID, false, actor())
		if len(all) != 1 || all[0].Publish {
			t.Errorf("statements = %+v", all)
		}
	})
}

// TestHearingRefusals covers the bad input of drafting and publishing.
func TestHearingRefusals(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		for _, c := range []struct {
			name  string
			f     dialogue.HearingForm
			file  []byte
			field string
			key   string
		}{
			{"no title", dialogue.HearingForm{Deadline: "10.12.2026"}, pdf, dialogue.FieldTitle, "dialogue.error.title_missing"},
			{"long title", dialogue.HearingForm{Title: strings.Repeat("x", 201), Deadline: "10.12.2026"}, pdf, dialogue.FieldTitle, "dialogue.error.title_long"},
			{"bad date", dialogue.HearingForm{Title: "T", Deadline: "31.02.2027"}, pdf, dialogue.FieldDeadline, "dialogue.error.date"},
			{"past date", dialogue.HearingForm{Title: "T", Deadline: "22.11.2026"}, pdf, dialogue.FieldDeadline, "dialogue.error.date_past"},
			{"no file", dialogue.HearingForm{Title: "T", Deadline: "10.12.2026"}, nil, dialogue.FieldFile, "dialogue.error.file_missing"},
			{"html file", dialogue.HearingForm{Title: "T", Deadline: "10.12.2026"}, []byte("<script>alert(1)</script>"), dialogue.FieldFile, "dialogue.error.file_type"},
			{"binary file", dialogue.HearingForm{Title: "T", Deadline: "10.12.2026"}, []byte("MZ\x90\x00\x03"), dialogue.FieldFile, "dialogue.error.file_type"},
		} {
			var file dialogue.File
			if c.file != nil {
				file = dialogue.File{Name: "dok.pdf", Content: bytes.NewReader(c.file)}
				if c.name == "html file" {
					file.Name = "dok.html"
				}
			}
			_, err := e.svc.CreateHearing(ctx, demo, c.f, file, actor())
			if got := fieldsOf(err)[c.field]; !errs.Is(errs.Invalid, err) || got != c.key {
				t.Errorf("%s: %v (field %s = %q, want %q)", c.name, err, c.field, got, c.key)
			}
		}
		list, _ := e.svc.Hearings(ctx, demo, true)
		if len(list) != 0 {
			t.Errorf("refused hearings were stored: %d", len(list))
		}
		// A draft is not public and takes no statements.
		h, err := e.svc.CreateHearing(ctx, demo, dialogue.HearingForm{Title: "Utkast", Deadline: "10.12.2026"}, dialogue.File{Name: "a.txt", Content: strings.NewReader("Tekst")}, actor())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublicHearing(ctx, demo, h.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("public draft: %v", err)
		}
		if _, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:1", Name: "K"}, dialogue.StatementForm{Text: "x"}, nil, "nb", citizen("K")); !errs.Is(errs.NotFound, err) {
			t.Errorf("statement to a draft: %v", err)
		}
		// Another municipality does not see it.
		if _, err := e.svc.Hearing(ctx, dialoguetest.Other, h.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("other municipality: %v", err)
		}
		if _, err := e.svc.AddHearingDocument(ctx, demo, h.ID, "", dialogue.File{Name: "b.pdf", Content: bytes.NewReader(pdf)}, actor()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublishHearing(ctx, demo, "Demo kommune", h.ID, actor()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublishHearing(ctx, demo, "Demo kommune", h.ID, actor()); !errs.Is(errs.Conflict, err) {
			t.Errorf("second publish: %v", err)
		}
		if _, err := e.svc.AddHearingDocument(ctx, demo, h.ID, "", dialogue.File{Name: "c.pdf", Content: bytes.NewReader(pdf)}, actor()); !errs.Is(errs.Conflict, err) {
			t.Errorf("document after publishing: %v", err)
		}
		got, _ := e.svc.Hearing(ctx, demo, h.ID)
		if len(got.Documents) != 2 || got.Documents[1].Title != "b" {
			t.Errorf("documents = %+v", got.Documents)
		}
	})
}

// TestStatementRefusals covers the bad input of statements.
func TestStatementRefusals(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		h := published(t, e, true)
		for _, c := range []struct {
			name  string
			f     dialogue.StatementForm
			field string
			key   string
		}{
			{"empty", dialogue.StatementForm{Text: " \n\t "}, dialogue.FieldText, "dialogue.error.text_missing"},
			{"control characters only", dialogue.StatementForm{Text: "\x00\x01"}, dialogue.FieldText, "dialogue.error.text_missing"},
			{"over-long", dialogue.StatementForm{Text: strings.Repeat("å", dialogue.MaxStatement+1)}, dialogue.FieldText, "dialogue.error.text_long"},
			{"bad orgnr", dialogue.StatementForm{Text: "x", OnBehalf: dialogue.BehalfOrg, OrgNumber: "923609017", OrgName: "Lag"}, dialogue.FieldOrgNumber, "dialogue.error.orgnr"},
			{"short orgnr", dialogue.StatementForm{Text: "x", OnBehalf: dialogue.BehalfOrg, OrgNumber: "92360901", OrgName: "Lag"}, dialogue.FieldOrgNumber, "dialogue.error.orgnr"},
			{"no org name", dialogue.StatementForm{Text: "x", OnBehalf: dialogue.BehalfOrg, OrgNumber: "923609016"}, dialogue.FieldOrgName, "dialogue.error.orgname_missing"},
			{"bad behalf", dialogue.StatementForm{Text: "x", OnBehalf: "noen"}, dialogue.FieldOnBehalf, "dialogue.error.behalf"},
			{"bad email", dialogue.StatementForm{Text: "x", Email: "kari@"}, dialogue.FieldEmail, "dialogue.error.email"},
			{"header injection", dialogue.StatementForm{Text: "x", Email: "kari@example.no\r\nBcc: x@example.no"}, dialogue.FieldEmail, "dialogue.error.email"},
		} {
			_, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:1", Name: "Kari"}, c.f, nil, "nb", citizen("Kari"))
			if got := fieldsOf(err)[c.field]; !errs.Is(errs.Invalid, err) || got != c.key {
				t.Errorf("%s: %v (field %s = %q, want %q)", c.name, err, c.field, got, c.key)
			}
		}
		files := make([]dialogue.StatementFile, dialogue.MaxAttachments+1)
		_, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:1", Name: "Kari"}, dialogue.StatementForm{Text: "x"}, files, "nb", citizen("Kari"))
		if fieldsOf(err)[dialogue.FieldAttachments] != "dialogue.error.too_many_files" {
			t.Errorf("too many files: %v", err)
		}
		entries, _ := e.arch.Entries(ctx, demo, h.CaseID)
		if len(entries) != 0 {
			t.Errorf("refused statements were journaled: %d", len(entries))
		}
		// Attachments are judged by their content and name.
		small := dialogue.New(e.d, audit.New(e.d), notify.NewQueue(e.d), e.blobs, e.arch, dialoguetest.Officials, dialogue.Config{MaxFile: 100})
		for _, c := range []struct {
			name, file string
			content    []byte
			key        string
		}{
			{"empty", "a.pdf", nil, "dialogue.error.file_empty"},
			{"html", "a.html", []byte("<html><script>alert(1)</script></html>"), "dialogue.error.file_type"},
			{"svg named png", "a.png", []byte("<svg onload=alert(1)>"), "dialogue.error.file_type"},
			{"pdf named jpg", "a.jpg", pdf, "dialogue.error.file_type"},
			{"zip", "a.zip", []byte("PK\x03\x04rest"), "dialogue.error.file_type"},
			{"executable", "a.exe", []byte("MZ\x90\x00\x03\x00"), "dialogue.error.file_type"},
			{"too large", "a.pdf", append(append([]byte{}, pdf...), make([]byte, 200)...), "dialogue.error.file_large"},
		} {
			_, key, err := small.StoreAttachment(ctx, dialogue.File{Name: c.file, Content: bytes.NewReader(c.content)})
			if err != nil || key != c.key {
				t.Errorf("%s: key %q, %v; want %q", c.name, key, err, c.key)
			}
		}
		if f, key, err := small.StoreAttachment(ctx, dialogue.File{Name: `C:\Users\kari\"notat".txt`, Content: strings.NewReader("Notat")}); err != nil || key != "" || f.Name != "notat.txt" || f.ContentType != "text/plain" {
			t.Errorf("text attachment: %+v %q %v", f, key, err)
		}
	})
}

// TestQuestions asks, answers, searches and hides.
func TestQuestions(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		kari := dialogue.Author{Principal: "pid:1", Name: "Kari Nordmann"}
		for _, c := range []struct {
			name  string
			f     dialogue.QuestionForm
			field string
			key   string
		}{
			{"no official", dialogue.QuestionForm{Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.official_missing"},
			{"unknown official", dialogue.QuestionForm{OfficialID: "finnes-ikke", Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.official_missing"},
			{"official without address", dialogue.QuestionForm{OfficialID: "ingen-epost", Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.official_missing"},
			{"empty", dialogue.QuestionForm{OfficialID: "ordforer", Text: "  "}, dialogue.FieldQuestion, "dialogue.error.question_missing"},
			{"over-long", dialogue.QuestionForm{OfficialID: "ordforer", Text: strings.Repeat("x", dialogue.MaxQuestion+1)}, dialogue.FieldQuestion, "dialogue.error.question_long"},
			{"bad email", dialogue.QuestionForm{OfficialID: "ordforer", Text: "Hei?", Email: "ikke en adresse"}, dialogue.FieldEmail, "dialogue.error.email"},
		} {
			_, err := e.svc.Ask(ctx, demo, kari, c.f, "nb", "http://x/k/9999/", citizen("Kari"))
			if got := fieldsOf(err)[c.field]; !errs.Is(errs.Invalid, err) || got != c.key {
				t.Errorf("%s: %v (field %s = %q, want %q)", c.name, err, c.field, got, c.key)
			}
		}
		mails := mailCount(t, e.d)
		q1, err := e.svc.Ask(ctx, demo, kari, dialogue.QuestionForm{OfficialID: "ordforer", Text: "Når åpner 100% av svømmehallen_igjen?", Email: "kari@example.no"}, "nb", "http://x/k/9999/", citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		if got := mailCount(t, e.d) - mails; got != 2 {
			t.Errorf("mails = %d, want 2 (the official and the receipt)", got)
		}
		e.clock.Add(time.Minute)
		q2, err := e.svc.Ask(ctx, demo, kari, dialogue.QuestionForm{OfficialID: "liv-aas", Text: "Hva med 1000 kroner i støtte?"}, "nb", "http://x/k/9999/", citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		search := func(f dialogue.QuestionFilter) []string {
			t.Helper()
			list, err := e.svc.Questions(ctx, demo, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, q := range list {
				ids = append(ids, q.ID)
			}
			return ids
		}
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"", []string{q2.ID, q1.ID}},
			{"SVØMMEHALLEN", []string{q1.ID}},
			{"100%", []string{q1.ID}},
			{"%", []string{q1.ID}}, // a literal per cent sign, not "anything"
			{"_", []string{q1.ID}}, // a literal underscore
			{"10_0", nil},          // "_" is not a wildcard
			{`\`, nil},             // a backslash is literal too
			{"liv aas", []string{q2.ID}},
			{"' OR 1=1 --", nil},
		} {
			if got := search(dialogue.QuestionFilter{Text: c.q}); strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("search %q = %v, want %v", c.q, got, c.want)
			}
		}
		// Only the addressee answers.
		if err := e.svc.Answer(ctx, demo, q1.ID, dialoguetest.MemberEmail, "Svar", "nb", "http://x/k/9999/", actor()); !errs.Is(errs.Forbidden, err) {
			t.Errorf("answer by another official: %v", err)
		}
		if err := e.svc.Answer(ctx, demo, q1.ID, dialoguetest.MayorEmail, " ", "nb", "http://x/k/9999/", actor()); fieldsOf(err)[dialogue.FieldAnswer] != "dialogue.error.answer_missing" {
			t.Errorf("empty answer: %v", err)
		}
		mails = mailCount(t, e.d)
		if err := e.svc.Answer(ctx, demo, q1.ID, "Jonas.Bakke@Demo.Kommune.no", "I mars, etter oppussingen.", "nb", "http://x/k/9999/", actor()); err != nil {
			t.Fatal(err)
		}
		if got := mailCount(t, e.d) - mails; got != 1 {
			t.Errorf("answer notices = %d, want 1", got)
		}
		if got := search(dialogue.QuestionFilter{Unanswered: true}); strings.Join(got, ",") != q2.ID {
			t.Errorf("unanswered = %v", got)
		}
		if got := search(dialogue.QuestionFilter{Text: "oppussingen"}); strings.Join(got, ",") != q1.ID {
			t.Errorf("search in answers = %v", got)
		}
		// Moderation.
		if err := e.svc.HideQuestion(ctx, demo, q2.ID, "", actor()); fieldsOf(err)[dialogue.FieldReason] != "dialogue.error.reason_missing" {
			t.Errorf("hide without a reason: %v", err)
		}
		if err := e.svc.HideQuestion(ctx, demo, q2.ID, "Personangrep", actor()); err != nil {
			t.Fatal(err)
		}
		q, _ := e.svc.Question(ctx, demo, q2.ID)
		if !q.Hidden() || q.HiddenReason != "Personangrep" {
			t.Errorf("hidden = %+v", q)
		}
		if _, err := e.svc.Question(ctx, dialoguetest.Other, q1.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("other municipality: %v", err)
		}
	})
}

func TestParseOrgNumber(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"923609016", "923609016", true},
		{"923 609 016", "923609016", true},
		{"NO 923 609 016 MVA", "923609016", true},
		{"974760673", "974760673", true}, // Brønnøysundregistrene
		{"923609017", "", false},         // wrong check digit
		{"123456785", "", false},         // valid MOD11, but starts with 1
		{"92360901", "", false},
		{"9236090160", "", false},
		{"92360901a", "", false},
		{"", "", false},
		{"９２３６０９０１６", "", false}, // full-width digits
	} {
		got, ok := dialogue.ParseOrgNumber(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseOrgNumber(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	oslo, _ := time.LoadLocation("Europe/Oslo")
	for _, c := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"10.12.2026", time.Date(2026, 12, 10, 23, 59, 59, 0, oslo), true},
		{"1.7.2027", time.Date(2027, 7, 1, 23, 59, 59, 0, oslo), true},
		{"2027-07-01", time.Date(2027, 7, 1, 23, 59, 59, 0, oslo), true},
		{"29.02.2028", time.Date(2028, 2, 29, 23, 59, 59, 0, oslo), true},
		{"29.02.2027", time.Time{}, false},
		{"31.04.2027", time.Time{}, false},
		{"10.12.26", time.Time{}, false},
		{"10.12-2026", time.Time{}, false},
		{"00.12.2026", time.Time{}, false},
		{"10.13.2026", time.Time{}, false},
		{"10.12.1999", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, ok := dialogue.ParseDate(c.in)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestStatementToken: a form sent twice with its token makes one
// statement and one journal entry.
func TestStatementToken(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		h := published(t, e, true)
		kari := dialogue.Author{Principal: "pid:1", Name: "Kari"}
		f := dialogue.StatementForm{Text: "Én gang.", Token: dialogue.NewToken()}
		a, err := e.svc.SubmitStatement(ctx, demo, h.ID, kari, f, nil, "nb", citizen("Kari"))
		if err != nil || a.Repeated {
			t.Fatalf("first: %+v %v", a, err)
		}
		b, err := e.svc.SubmitStatement(ctx, demo, h.ID, kari, f, nil, "nb", citizen("Kari"))
		if err != nil || !b.Repeated || b.ID != a.ID || b.EntryNumber != a.EntryNumber {
			t.Fatalf("second: %+v %v", b, err)
		}
		// Another person's form with the same token is theirs.
		c, err := e.svc.SubmitStatement(ctx, demo, h.ID, dialogue.Author{Principal: "pid:2", Name: "Ola"}, f, nil, "nb", citizen("Ola"))
		if err != nil || c.Repeated {
			t.Fatalf("other person: %+v %v", c, err)
		}
		entries, _ := e.arch.Entries(ctx, demo, h.CaseID)
		if len(entries) != 2 {
			t.Errorf("entries = %d, want 2", len(entries))
		}
	})
}
