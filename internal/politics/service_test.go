package politics_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

const demo = "9999"

var (
	schemas = []db.Schema{audit.Schema, notify.Schema, politics.Schema}
	staff   = politicstest.Actor()
)

// env is a service on a test database.
type env struct {
	d     *db.DB
	svc   *politics.Service
	log   *audit.Log
	clock *dbtest.Clock
}

func newEnv(t testing.TB, d *db.DB, clock *dbtest.Clock, cfg politics.Config) *env {
	t.Helper()
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	log := audit.New(d)
	return &env{d: d, svc: politics.New(d, log, notify.NewQueue(d), blobs, cfg), log: log, clock: clock}
}

// each runs fn on SQLite and, when TORG_TEST_POSTGRES is set, on
// PostgreSQL, each with a settable clock at start.
func each(t *testing.T, cfg politics.Config, fn func(t *testing.T, e *env)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		c := dbtest.NewClock(start)
		fn(t, newEnv(t, dbtest.SQLite(t, dbtest.Options{Now: c.Now}, schemas...), c, cfg))
	})
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			c := dbtest.NewClock(start)
			fn(t, newEnv(t, dbtest.Postgres(t, dbtest.Options{Now: c.Now}, schemas...), c, cfg))
		})
	}
}

// start is the tests' clock: Monday 23 November 2026, 13:00 in Oslo.
var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// wantFields checks that err is Invalid with exactly the field errors
// want (field → message key).
func wantFields(t *testing.T, what string, err error, want map[string]string) {
	t.Helper()
	if !errs.Is(errs.Invalid, err) {
		t.Errorf("%s: error %v, want Invalid", what, err)
		return
	}
	_, _, got := errs.Public(err)
	if len(got) != len(want) {
		t.Errorf("%s: field errors %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: field errors %v, want %v", what, got, want)
			return
		}
	}
}

type mail struct{ to, subject, body string }

// mails returns the mail queued in tenant, oldest first.
func (e *env) mails(t *testing.T) []mail {
	t.Helper()
	rows, err := e.d.QueryContext(context.Background(), `SELECT recipient, subject, body FROM notify_mail WHERE tenant_id = $1 ORDER BY created_at, recipient`, demo)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []mail
	for rows.Next() {
		var m mail
		if err := rows.Scan(&m.to, &m.subject, &m.body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// actions returns the audit actions of tenant, oldest first.
func (e *env) actions(t *testing.T) []audit.Entry {
	t.Helper()
	list, err := e.log.List(context.Background(), demo, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// fixture is a small municipality: a term, two parties, the executive
// committee with Anne (Ap, chair), Bjørn (H), Cato (no e-mail), Dina
// (deputy) and Eva (whose seat has ended).
type fixture struct {
	term                    politics.Term
	ap, h                   politics.Party
	body                    politics.Body
	anne, bjorn, cato, dina politics.Person
	eva                     politics.Person
	anneEmail               string
}

func (e *env) fixture(t testing.TB) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.term, err = e.svc.AddTerm(ctx, demo, politics.TermForm{Start: "01.10.2023", End: "30.09.2027"}, staff)
	must(err)
	f.ap, err = e.svc.AddParty(ctx, demo, politics.PartyForm{ShortName: "Ap", Name: "Arbeiderpartiet"}, staff)
	must(err)
	f.h, err = e.svc.AddParty(ctx, demo, politics.PartyForm{ShortName: "H", Name: "Høyre"}, staff)
	must(err)
	f.body, err = e.svc.AddBody(ctx, demo, politics.BodyForm{Name: "Formannskapet", Kind: politics.KindExecutive, TermID: f.term.ID}, staff)
	must(err)
	f.anneEmail = "anne.aas@demo.kommune.no"
	person := func(given, family, party, email string) politics.Person {
		p, err := e.svc.AddPerson(ctx, demo, politics.PersonForm{GivenName: given, FamilyName: family, PartyID: party, Email: email}, staff)
		must(err)
		return p
	}
	f.anne = person("Anne", "Aas", f.ap.ID, "Anne.Aas@demo.kommune.no")
	f.bjorn = person("Bjørn", "Berg", f.h.ID, "bjorn@example.no")
	f.cato = person("Cato", "Carlsen", f.h.ID, "")
	f.dina = person("Dina", "Dahl", f.ap.ID, "dina@example.no")
	f.eva = person("Eva", "Eng", f.ap.ID, "eva@example.no")
	seat := func(p politics.Person, role, from, to string) {
		_, err := e.svc.AddMembership(ctx, demo, politics.MembershipForm{PersonID: p.ID, BodyID: f.body.ID, Role: role, Start: from, End: to}, staff)
		must(err)
	}
	seat(f.anne, politics.RoleChair, "01.10.2023", "")
	seat(f.bjorn, politics.RoleMember, "01.10.2023", "")
	seat(f.cato, politics.RoleMember, "01.10.2023", "")
	seat(f.dina, politics.RoleDeputy, "01.10.2023", "")
	seat(f.eva, politics.RoleMember, "01.10.2023", "31.12.2025")
	return f
}

// meetingForm is a meeting of f's body days from the clock's day.
func (f fixture) meetingForm(days int) politics.MeetingForm {
	return politics.MeetingForm{BodyID: f.body.ID, Date: start.In(politics.Oslo()).AddDate(0, 0, days).Format("02.01.2006"), From: "18:00", To: "20:00",
		Place: "Formannskapssalen", Address: "Storgata 1"}
}

func pdf(title string) *bytes.Reader { return bytes.NewReader(politics.PDF(title, "Tekst")) }

func TestPeople(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		if f.term.ID != "2023-2027" || f.term.Name != "2023–2027" || f.ap.ID != "ap" || f.body.ID != "formannskapet" || f.anne.Email != f.anneEmail {
			t.Errorf("fixture = %+v", f)
		}
		// Bad input, field by field.
		_, err := e.svc.AddTerm(ctx, demo, politics.TermForm{Start: "31.02.2023", End: "1.1.2020"}, staff)
		wantFields(t, "term", err, map[string]string{"fra": "politics.error.date"})
		_, err = e.svc.AddTerm(ctx, demo, politics.TermForm{Start: "01.10.2027", End: "30.09.2023"}, staff)
		wantFields(t, "term backwards", err, map[string]string{"til": "politics.error.end_before_start"})
		if _, err := e.svc.AddTerm(ctx, demo, politics.TermForm{Start: "2023-10-01", End: "2027-09-30"}, staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("second term 2023-2027: %v", err)
		}
		_, err = e.svc.AddParty(ctx, demo, politics.PartyForm{ShortName: " ", Name: strings.Repeat("x", 201)}, staff)
		wantFields(t, "party", err, map[string]string{"kortnavn": "politics.error.short_name", "navn": "politics.error.name"})
		if _, err := e.svc.AddParty(ctx, demo, politics.PartyForm{ShortName: "AP", Name: "Arbeidarpartiet"}, staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("party AP again: %v", err)
		}
		_, err = e.svc.AddBody(ctx, demo, politics.BodyForm{Name: "", Kind: "senat", Description: strings.Repeat("å", 2001)}, staff)
		wantFields(t, "body", err, map[string]string{"navn": "politics.error.name", "type": "politics.error.kind", "beskrivelse": "politics.error.text_long"})
		_, err = e.svc.AddBody(ctx, demo, politics.BodyForm{Name: "Eldrerådet", Kind: politics.KindElderly, TermID: "1999-2003"}, staff)
		wantFields(t, "body term", err, map[string]string{"periode": "politics.error.term"})
		again, err := e.svc.AddBody(ctx, demo, politics.BodyForm{Name: "Formannskapet", Kind: politics.KindExecutive}, staff)
		if err != nil || again.ID != "formannskapet-2" || again.Position != 2 {
			t.Errorf("second body of the same name: %+v, %v", again, err)
		}
		_, err = e.svc.AddPerson(ctx, demo, politics.PersonForm{GivenName: "", FamilyName: " ", PartyID: "ap", Email: "ikke en adresse"}, staff)
		wantFields(t, "person", err, map[string]string{"fornavn": "politics.error.given_name", "etternavn": "politics.error.family_name", "epost": "politics.error.email"})
		_, err = e.svc.AddPerson(ctx, demo, politics.PersonForm{GivenName: "Ola", FamilyName: "Nordmann", PartyID: "piratpartiet"}, staff)
		wantFields(t, "person party", err, map[string]string{"parti": "politics.error.party"})
		_, err = e.svc.AddMembership(ctx, demo, politics.MembershipForm{PersonID: "finnesikke", BodyID: "senatet", Role: "konge", Start: "i går", End: "i morgen"}, staff)
		wantFields(t, "membership", err, map[string]string{"person": "politics.error.person", "organ": "politics.error.body", "rolle": "politics.error.role",
			"fra": "politics.error.date", "til": "politics.error.date"})
		_, err = e.svc.AddMembership(ctx, demo, politics.MembershipForm{PersonID: f.cato.ID, BodyID: f.body.ID, Role: politics.RoleMember, PartyID: "x",
			Start: "01.01.2026", End: "31.12.2025"}, staff)
		wantFields(t, "membership backwards", err, map[string]string{"til": "politics.error.end_before_start", "parti": "politics.error.party"})

		all, err := e.svc.Memberships(ctx, demo)
		if err != nil || len(all) != 5 {
			t.Fatalf("memberships: %d, %v", len(all), err)
		}
		// Chair first, deputies last; a deputy has no vote unless said;
		// the party is the person's.
		if all[0].PersonID != f.anne.ID || all[len(all)-1].PersonID != f.dina.ID || all[len(all)-1].VotingRight || !all[0].VotingRight || all[0].PartyID != "ap" {
			t.Errorf("memberships = %+v", all)
		}
		for _, m := range all {
			if m.PersonID == f.eva.ID && (m.ActiveOn("2026-11-23") || !m.ActiveOn("2025-12-31")) {
				t.Errorf("Eva's seat: %+v", m)
			}
		}
		if p, err := e.svc.Person(ctx, demo, f.anne.ID); err != nil || p.Name() != "Anne Aas" || !p.Contactable() {
			t.Errorf("Person = %+v, %v", p, err)
		}
		for _, id := range []string{"finnesikke", "", "../x", strings.Repeat("a", 65)} {
			if _, err := e.svc.Person(ctx, demo, id); !errs.Is(errs.NotFound, err) {
				t.Errorf("Person(%q): %v", id, err)
			}
			if _, err := e.svc.Body(ctx, demo, id); !errs.Is(errs.NotFound, err) {
				t.Errorf("Body(%q): %v", id, err)
			}
		}
		// Another municipality sees nothing.
		if p, err := e.svc.Person(ctx, "4601", f.anne.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Anne from Bergen: %+v, %v", p, err)
		}
		if list, _ := e.svc.Bodies(ctx, "4601"); len(list) != 0 {
			t.Errorf("Bergen's bodies: %v", list)
		}
		// Every change is audited.
		n := 0
		for _, a := range e.actions(t) {
			if strings.HasPrefix(a.Action, "politics.") && a.ActorID == staff.ActorID {
				n++
			}
		}
		if n != 1+2+2+5+5 {
			t.Errorf("%d audit entries", n)
		}
	})
}

func TestMeetingAndPublish(t *testing.T) {
	each(t, politics.Config{MaxDocument: 4096}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)

		// Planning: every bad field.
		bad := politics.MeetingForm{BodyID: "senatet", Date: "32.11.2026", From: "25:00", To: "7", Place: " ", StreamURL: "ftp://x", VideoURL: "javascript:alert(1)"}
		_, err := e.svc.CreateMeeting(ctx, demo, bad, staff)
		wantFields(t, "meeting", err, map[string]string{"organ": "politics.error.body", "dato": "politics.error.date", "fra": "politics.error.clock",
			"til": "politics.error.clock", "sted": "politics.error.place", "direkte": "politics.error.url", "opptak": "politics.error.url"})
		mf := f.meetingForm(10)
		mf.From, mf.To = "20:00", "18:00"
		_, err = e.svc.CreateMeeting(ctx, demo, mf, staff)
		wantFields(t, "meeting backwards", err, map[string]string{"til": "politics.error.end_before_start"})
		mf = f.meetingForm(10)
		mf.Closed, mf.StreamURL = "1", "https://video.example.no/live"
		_, err = e.svc.CreateMeeting(ctx, demo, mf, staff)
		wantFields(t, "closed with stream", err, map[string]string{"lukket": "politics.error.closed_video"})

		m, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(10), staff)
		if err != nil {
			t.Fatal(err)
		}
		local := m.Start.In(politics.Oslo())
		if local.Format("2006-01-02 15:04") != "2026-12-03 18:00" || m.End.Sub(m.Start) != 2*time.Hour || m.Published() {
			t.Errorf("meeting = %+v", m)
		}
		if p, err := e.svc.Problems(ctx, demo, m.ID); err != nil || len(p) != 1 || p[0].Key != "politics.problem.no_items" {
			t.Errorf("problems of an empty agenda: %+v, %v", p, err)
		}

		// Items: numbered by body and year when no number is given.
		_, err = e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: " ", Number: strings.Repeat("9", 41), CaseRef: strings.Repeat("1", 41),
			LegalBasis: strings.Repeat("§", 301), Exempt: "1"}, staff)
		wantFields(t, "item", err, map[string]string{"tittel": "politics.error.title", "nummer": "politics.error.number", "saksnr": "politics.error.case_ref",
			"hjemmel": "politics.error.basis_long"})
		open, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Budsjett 2027", CaseRef: "2026/12"}, staff)
		if err != nil || open.Number != "PS 1/26" || open.Position != 1 {
			t.Fatalf("first item: %+v, %v", open, err)
		}
		exempt, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Klage fra Per Hansen", Exempt: "1", PublicTitle: "Klagesak"}, staff)
		if err != nil || exempt.Number != "PS 2/26" || !exempt.Exempt {
			t.Fatalf("exempt item: %+v, %v", exempt, err)
		}
		manual, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Number: "PS 40/26", Title: "Referatsaker", LegalBasis: "ignored when open"}, staff)
		if err != nil || manual.LegalBasis != "" {
			t.Fatalf("numbered item: %+v, %v", manual, err)
		}
		if it, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Eventuelt"}, staff); err != nil || it.Number != "PS 41/26" {
			t.Fatalf("after PS 40/26: %+v, %v", it, err)
		} else if err := e.svc.DeleteItem(ctx, demo, it.ID, staff); err != nil {
			t.Fatal(err)
		}

		// Documents: PDF only, judged by content, within the size limit.
		for _, tt := range []struct {
			name, file string
			body       []byte
			form       politics.DocumentForm
			want       map[string]string
		}{
			{"not a PDF", "saksframlegg.pdf", []byte("<html>not a pdf</html>"), politics.DocumentForm{Kind: politics.DocMain}, map[string]string{"fil": "politics.error.file_type"}},
			{"empty", "tom.pdf", nil, politics.DocumentForm{Kind: politics.DocMain}, map[string]string{"fil": "politics.error.file_empty"}},
			{"too large", "stor.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 5000)...), politics.DocumentForm{Kind: politics.DocMain}, map[string]string{"fil": "politics.error.file_large"}},
			{"bad kind", "x.pdf", politics.PDF("x"), politics.DocumentForm{Kind: "notat", Title: strings.Repeat("t", 401), LegalBasis: strings.Repeat("b", 301)},
				map[string]string{"type": "politics.error.doc_kind", "dokumenttittel": "politics.error.title", "dokument_hjemmel": "politics.error.basis_long"}},
		} {
			var r *bytes.Reader
			if tt.body != nil {
				r = bytes.NewReader(tt.body)
			} else {
				r = bytes.NewReader(nil)
			}
			_, err := e.svc.AddDocument(ctx, demo, open.ID, tt.form, tt.file, r, staff)
			wantFields(t, tt.name, err, tt.want)
		}
		_, err = e.svc.AddDocument(ctx, demo, open.ID, politics.DocumentForm{Kind: politics.DocMain}, "", nil, staff)
		wantFields(t, "no file", err, map[string]string{"fil": "politics.error.file_missing"})
		main, err := e.svc.AddDocument(ctx, demo, open.ID, politics.DocumentForm{Kind: politics.DocMain}, `C:\Users\x\Budsjett "2027".pdf`, pdf("Budsjett"), staff)
		if err != nil || main.Title != "Budsjett 2027" || main.FileName != "Budsjett 2027.pdf" || len(main.SHA1) != 40 || main.Size == 0 {
			t.Fatalf("main document: %+v, %v", main, err)
		}
		_, err = e.svc.AddDocument(ctx, demo, open.ID, politics.DocumentForm{Kind: politics.DocMain}, "b.pdf", pdf("B"), staff)
		wantFields(t, "second saksframlegg", err, map[string]string{"type": "politics.error.main_exists"})
		secret, err := e.svc.AddDocument(ctx, demo, open.ID, politics.DocumentForm{Kind: politics.DocAttachment, Title: "Taushetsbelagt vedlegg", Exempt: "1"}, "v.pdf", pdf("V"), staff)
		if err != nil {
			t.Fatal(err)
		}

		// Publishing is refused, with every reason.
		probs, err := e.svc.Problems(ctx, demo, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, p := range probs {
			keys = append(keys, p.Number+" "+p.Key)
		}
		want := []string{"PS 1/26 politics.problem.document_basis", "PS 2/26 politics.problem.item_basis", "PS 2/26 politics.problem.no_main", "PS 40/26 politics.problem.no_main"}
		if strings.Join(keys, "|") != strings.Join(want, "|") {
			t.Errorf("problems = %v\nwant       %v", keys, want)
		}
		_, err = e.svc.Publish(ctx, demo, m.ID, "nb", "https://demo.example/m", staff)
		if !errs.Is(errs.Invalid, err) {
			t.Fatalf("publish with problems: %v", err)
		}
		if key, args, fields := errs.Public(err); key != "politics.error.publish_refused" || args[0] != 4 || fields["mote"] != "politics.problem.document_basis" {
			t.Errorf("refusal: %s %v %v", key, args, fields)
		}
		if mm, _ := e.svc.Meeting(ctx, demo, m.ID); mm.Published() || len(e.mails(t)) != 0 {
			t.Fatal("a refused publish published or queued mail")
		}

		// Fix them: the document and the exempt item get their legal
		// basis (by replacing them), the items their saksframlegg.
		if err := e.svc.DeleteDocument(ctx, demo, secret.ID, staff); err != nil {
			t.Fatal(err)
		}
		secret, err = e.svc.AddDocument(ctx, demo, open.ID, politics.DocumentForm{Kind: politics.DocAttachment, Title: "Taushetsbelagt vedlegg", Exempt: "1",
			LegalBasis: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"}, "v.pdf", pdf("Hemmelig vedlegg"), staff)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.DeleteItem(ctx, demo, exempt.ID, staff); err != nil {
			t.Fatal(err)
		}
		exempt, err = e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Number: "PS 2/26", Title: "Klage fra Per Hansen", Exempt: "1", PublicTitle: "Klagesak",
			LegalBasis: "Offl. § 13"}, staff)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range []politics.Item{exempt, manual} {
			if _, err := e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", pdf(it.Title), staff); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Add(time.Minute)
		n, err := e.svc.Publish(ctx, demo, m.ID, "nb", "https://demo.example/k/9999/politikk/mote/"+m.ID, staff)
		if err != nil {
			t.Fatal(err)
		}
		// Notices to the members with an address whose seat is held on
		// the day: Anne, Bjørn and the deputy Dina; not Cato (no address)
		// or Eva (seat ended).
		mails := e.mails(t)
		var to []string
		for _, ml := range mails {
			to = append(to, ml.to)
		}
		if n != 3 || strings.Join(to, " ") != "anne.aas@demo.kommune.no bjorn@example.no dina@example.no" {
			t.Fatalf("notices: %d to %v", n, to)
		}
		body := mails[0].body
		for _, w := range []string{"Hei, Anne Aas.", "Formannskapet 03.12.2026 klokken 18:00, Formannskapssalen", "PS 1/26  Budsjett 2027",
			"PS 2/26  Klagesak (unntatt offentlighet)", "https://demo.example/k/9999/politikk/mote/" + m.ID} {
			if !strings.Contains(body, w) {
				t.Errorf("notice lacks %q:\n%s", w, body)
			}
		}
		if strings.Contains(body, "Per Hansen") || mails[0].subject != "Innkalling: Formannskapet 03.12.2026" {
			t.Errorf("notice = %q\n%s", mails[0].subject, body)
		}
		// Sent and published at the same instant, recorded.
		mm, _ := e.svc.Meeting(ctx, demo, m.ID)
		if !mm.PublishedAt.Equal(e.clock.Now().Truncate(time.Microsecond)) {
			t.Errorf("published_at %v, clock %v", mm.PublishedAt, e.clock.Now())
		}
		rows, err := e.d.QueryContext(ctx, `SELECT created_at FROM notify_mail WHERE tenant_id = $1`, demo)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var created time.Time
			if err := rows.Scan(&created); err != nil {
				t.Fatal(err)
			}
			if !created.Equal(mm.PublishedAt) {
				t.Errorf("mail queued at %v, published at %v", created, mm.PublishedAt)
			}
		}
		rows.Close()

		// Now the agenda is locked, and sending again is refused.
		if _, err := e.svc.Publish(ctx, demo, m.ID, "nb", "", staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("second publish: %v", err)
		}
		if _, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Ettersendt"}, staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("item after publish: %v", err)
		}
		if _, err := e.svc.AddDocument(ctx, demo, open.ID, politics.DocumentForm{Kind: politics.DocAttachment}, "x.pdf", pdf("x"), staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("document after publish: %v", err)
		}
		if err := e.svc.DeleteItem(ctx, demo, open.ID, staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("delete item after publish: %v", err)
		}
		if err := e.svc.DeleteDocument(ctx, demo, main.ID, staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("delete document after publish: %v", err)
		}
		if _, err := e.svc.UpdateMeeting(ctx, demo, m.ID, f.meetingForm(11), staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("update after publish: %v", err)
		}
		if len(e.mails(t)) != 3 {
			t.Error("refused changes queued mail")
		}
		last := e.actions(t)
		if a := last[len(last)-1]; a.Action != "politics.meeting.publish" || a.Object != "meeting:"+m.ID || a.Detail != "3 notices" {
			t.Errorf("last audit entry = %+v", a)
		}

		// What the public sees now: the open item with its public
		// documents; the exempt item by its public title only.
		v, err := e.svc.MeetingDetail(ctx, demo, m.ID, politics.Viewer{})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Items) != 3 || v.Restricted {
			t.Fatalf("public view: %+v", v)
		}
		if it := v.Items[0]; it.Hidden || len(it.Documents) != 1 || it.Documents[0].ID != main.ID {
			t.Errorf("open item: %+v", it)
		}
		byID := map[string]int{}
		for i, it := range v.Items {
			byID[it.ID] = i
		}
		if it := v.Items[byID[exempt.ID]]; !it.Hidden || it.Title != "Klagesak" || it.CaseRef != "" || len(it.Documents) != 0 || it.LegalBasis != "Offl. § 13" {
			t.Errorf("exempt item: %+v", it)
		}
		// The members see it all; an official of another body does not.
		for _, tt := range []struct {
			name string
			v    politics.Viewer
			all  bool
		}{
			{"secretariat", politics.Viewer{Secretariat: true}, true},
			{"member", politics.Viewer{Official: f.anneEmail}, true},
			{"deputy", politics.Viewer{Official: "dina@example.no"}, true},
			{"former member", politics.Viewer{Official: "eva@example.no"}, false},
			{"stranger", politics.Viewer{Official: "someone@example.no"}, false},
		} {
			v, err := e.svc.MeetingDetail(ctx, demo, m.ID, tt.v)
			if err != nil {
				t.Fatal(err)
			}
			ex := v.Items[byID[exempt.ID]]
			if got := !ex.Hidden && len(v.Items[0].Documents) == 2 && ex.Title == "Klage fra Per Hansen"; got != tt.all || v.Restricted != tt.all {
				t.Errorf("%s sees all: %v, want %v", tt.name, got, tt.all)
			}
			_, rc, err := e.svc.Document(ctx, demo, secret.ID, tt.v, audit.Entry{ActorID: "email:" + tt.v.Official, Role: "official"})
			if tt.all != (err == nil) {
				t.Errorf("%s reads the exempt document: %v", tt.name, err)
			}
			if err == nil {
				rc.Close()
			} else if !errs.Is(errs.NotFound, err) {
				t.Errorf("%s: %v, want NotFound", tt.name, err)
			}
		}
		if _, _, err := e.svc.Document(ctx, demo, secret.ID, politics.Viewer{}, audit.Entry{}); !errs.Is(errs.NotFound, err) {
			t.Errorf("the public reads the exempt document: %v", err)
		}
		if f, rc, err := e.svc.Document(ctx, demo, main.ID, politics.Viewer{}, audit.Entry{}); err != nil || !f.Public {
			t.Errorf("the public reads the saksframlegg: %+v %v", f, err)
		} else {
			rc.Close()
		}
		// The members' reads of the exempt document are audited.
		reads := 0
		for _, a := range e.actions(t) {
			if a.Action == "politics.document.read" && a.Object == "document:"+secret.ID && a.Purpose == "møtebehandling" {
				reads++
			}
		}
		if reads != 3 {
			t.Errorf("%d audited reads, want 3 (secretariat, member, deputy)", reads)
		}
	})
}

func TestUnpublishedIsNotPublic(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		m, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(5), staff)
		if err != nil {
			t.Fatal(err)
		}
		it, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Utkast"}, staff)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocMain}, "utkast.pdf", pdf("Utkast"), staff)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []politics.Viewer{{}, {Official: f.anneEmail}} {
			mv, err := e.svc.MeetingDetail(ctx, demo, m.ID, v)
			if err != nil || len(mv.Items) != 0 {
				t.Errorf("%+v sees the draft agenda: %+v, %v", v, mv.Items, err)
			}
			if _, _, err := e.svc.Document(ctx, demo, d.ID, v, audit.Entry{ActorID: "x"}); !errs.Is(errs.NotFound, err) {
				t.Errorf("%+v reads the draft document: %v", v, err)
			}
		}
		if mv, _ := e.svc.MeetingDetail(ctx, demo, m.ID, politics.Viewer{Secretariat: true}); len(mv.Items) != 1 {
			t.Error("the secretariat does not see its draft")
		}
		data, err := e.svc.PublicData(ctx, demo)
		if err != nil || len(data.Meetings) != 1 || len(data.Items) != 0 {
			t.Errorf("public data of a draft: %+v, %v", data, err)
		}
		// Changing it before the notice.
		mf := f.meetingForm(6)
		mf.Place = "Rådhuset"
		if u, err := e.svc.UpdateMeeting(ctx, demo, m.ID, mf, staff); err != nil || u.Place != "Rådhuset" || u.BodyID != f.body.ID {
			t.Errorf("update: %+v, %v", u, err)
		}
		mf.Date = "i morgen"
		_, err = e.svc.UpdateMeeting(ctx, demo, m.ID, mf, staff)
		wantFields(t, "update", err, map[string]string{"dato": "politics.error.date"})
		if _, err := e.svc.UpdateMeeting(ctx, demo, "finnesikke", mf, staff); !errs.Is(errs.NotFound, err) {
			t.Errorf("update of nothing: %v", err)
		}
		// Minutes need the notice first.
		if _, err := e.svc.RecordMinutes(ctx, demo, it.ID, politics.MinutesForm{Decision: "Vedtatt"}, staff); !errs.Is(errs.Conflict, err) {
			t.Errorf("minutes before the notice: %v", err)
		}
	})
}

func TestClosedMeeting(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		mf := f.meetingForm(3)
		mf.Closed = "1"
		m, err := e.svc.CreateMeeting(ctx, demo, mf, staff)
		if err != nil {
			t.Fatal(err)
		}
		it, _ := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Forhandlinger om tomtekjøp"}, staff)
		d, err := e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", pdf("Tomt"), staff)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := e.svc.Problems(ctx, demo, m.ID); len(p) != 1 || p[0].Key != "politics.problem.closed_basis" {
			t.Errorf("problems: %+v", p)
		}
		mf.ClosedBasis = "Koml. § 11-5 tredje ledd"
		if _, err := e.svc.UpdateMeeting(ctx, demo, m.ID, mf, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Publish(ctx, demo, m.ID, "nn", "https://x.example/", staff); err != nil {
			t.Fatal(err)
		}
		mails := e.mails(t)
		if len(mails) != 3 || !strings.Contains(mails[0].body, "Møtet er lukka for publikum (Koml. § 11-5 tredje ledd).") || !strings.HasPrefix(mails[0].subject, "Innkalling:") {
			t.Errorf("notices in nynorsk: %+v", mails)
		}
		v, _ := e.svc.MeetingDetail(ctx, demo, m.ID, politics.Viewer{})
		if len(v.Items) != 1 || !v.Items[0].Hidden || v.Items[0].Title != "" {
			t.Errorf("public view of a closed meeting: %+v", v.Items)
		}
		if _, _, err := e.svc.Document(ctx, demo, d.ID, politics.Viewer{}, audit.Entry{}); !errs.Is(errs.NotFound, err) {
			t.Errorf("document of a closed meeting: %v", err)
		}
		if _, err := e.svc.SetMedia(ctx, demo, m.ID, "", "https://video.example.no/opptak", staff); !errs.Is(errs.Invalid, err) {
			t.Errorf("a recording of a closed meeting: %v", err)
		}
		// The decision is recorded but stays closed.
		if _, err := e.svc.RecordMinutes(ctx, demo, it.ID, politics.MinutesForm{Decision: "Kommunen kjøper tomta."}, staff); err != nil {
			t.Fatal(err)
		}
		data, _ := e.svc.PublicData(ctx, demo)
		if items := data.Items[m.ID]; len(items) != 1 || items[0].Decision != "" || items[0].Title != "" || len(items[0].Documents) != 0 {
			t.Errorf("public data of a closed meeting: %+v", items)
		}
	})
}

func TestMinutes(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		m, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(-2), staff)
		if err != nil {
			t.Fatal(err)
		}
		it, _ := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Kjøp av brannbil"}, staff)
		e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", pdf("Brannbil"), staff)
		if _, err := e.svc.Publish(ctx, demo, m.ID, "nb", "", staff); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			f    politics.MinutesForm
			want map[string]string
		}{
			{"empty", politics.MinutesForm{}, map[string]string{"vedtak": "politics.error.decision"}},
			{"too long", politics.MinutesForm{Decision: strings.Repeat("v", politics.MaxDecision+1)}, map[string]string{"vedtak": "politics.error.decision_long"}},
			{"bad counts", politics.MinutesForm{Decision: "Ja", For: "-1", Against: "x", Abstain: "1001"},
				map[string]string{"for": "politics.error.count", "mot": "politics.error.count", "avstar": "politics.error.count"}},
			{"party counts without totals", politics.MinutesForm{Decision: "Ja", ByParty: map[string][3]string{"ap": {"2", "", ""}}},
				map[string]string{"for": "politics.error.totals_missing"}},
			{"party sum", politics.MinutesForm{Decision: "Ja", For: "3", Against: "0", Abstain: "0", ByParty: map[string][3]string{"ap": {"2", "", ""}}},
				map[string]string{"partier": "politics.error.party_sum"}},
			{"party count", politics.MinutesForm{Decision: "Ja", For: "3", Against: "0", Abstain: "0", ByParty: map[string][3]string{"ap": {"tre", "", ""}}},
				map[string]string{"partier": "politics.error.count"}},
			{"unknown party", politics.MinutesForm{Decision: "Ja", For: "3", Against: "0", Abstain: "0", ByParty: map[string][3]string{"sp": {"3", "0", "0"}}},
				map[string]string{"partier": "politics.error.party"}},
			{"member sum", politics.MinutesForm{Decision: "Ja", For: "3", Against: "0", Abstain: "0", ByMember: map[string]string{f.anne.ID: "for"}},
				map[string]string{"medlemmer": "politics.error.member_sum"}},
			{"member vote", politics.MinutesForm{Decision: "Ja", For: "1", Against: "0", Abstain: "0", ByMember: map[string]string{f.anne.ID: "kanskje"}},
				map[string]string{"medlemmer": "politics.error.member_vote"}},
			{"not a member", politics.MinutesForm{Decision: "Ja", For: "1", Against: "0", Abstain: "0", ByMember: map[string]string{"finnesikke": "for"}},
				map[string]string{"medlemmer": "politics.error.member_vote"}},
			{"bad offset", politics.MinutesForm{Decision: "Ja", VideoOffset: "1:99"}, map[string]string{"tidspunkt": "politics.error.offset"}},
			{"offset without recording", politics.MinutesForm{Decision: "Ja", VideoOffset: "1:02"}, map[string]string{"tidspunkt": "politics.error.no_recording"}},
		} {
			_, err := e.svc.RecordMinutes(ctx, demo, it.ID, tt.f, staff)
			wantFields(t, tt.name, err, tt.want)
		}
		if _, err := e.svc.RecordMinutes(ctx, demo, "finnesikke", politics.MinutesForm{Decision: "Ja"}, staff); !errs.Is(errs.NotFound, err) {
			t.Errorf("minutes of nothing: %v", err)
		}
		if _, err := e.svc.SetMedia(ctx, demo, m.ID, "", "https://video.example.no/fs/2026-11-21", staff); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.RecordMinutes(ctx, demo, it.ID, politics.MinutesForm{Decision: "Kommunen kjøper ny brannbil.\r\n\r\nFinansieres med lån.",
			For: "2", Against: "1", Abstain: "0", VideoOffset: "1:02:03",
			ByParty:  map[string][3]string{"ap": {"1", "", ""}, "h": {"1", "1", "0"}},
			ByMember: map[string]string{f.anne.ID: "for", f.bjorn.ID: "for", f.cato.ID: "mot", f.dina.ID: ""}}, staff)
		if err != nil {
			t.Fatal(err)
		}
		if got.VideoOffset != 3723 || got.Vote.For != 2 || got.Decision != "Kommunen kjøper ny brannbil.\n\nFinansieres med lån." {
			t.Errorf("minutes = %+v", got)
		}
		v, _ := e.svc.MeetingDetail(ctx, demo, m.ID, politics.Viewer{})
		it2 := v.Items[0]
		if !it2.Decided() || it2.Vote == nil || len(it2.Vote.ByParty) != 2 || len(it2.Vote.ByMember) != 3 || it2.Vote.Unanimous() {
			t.Fatalf("public minutes: %+v %+v", it2, it2.Vote)
		}
		if politics.VideoAt(v.VideoURL, it2.VideoOffset) != "https://video.example.no/fs/2026-11-21#t=3723" {
			t.Errorf("video link %q", politics.VideoAt(v.VideoURL, it2.VideoOffset))
		}
		// Recording again replaces the vote.
		if _, err := e.svc.RecordMinutes(ctx, demo, it.ID, politics.MinutesForm{Decision: "Utsatt."}, staff); err != nil {
			t.Fatal(err)
		}
		v, _ = e.svc.MeetingDetail(ctx, demo, m.ID, politics.Viewer{})
		if v.Items[0].Vote != nil || v.Items[0].VideoOffset != -1 || v.Items[0].Decision != "Utsatt." {
			t.Errorf("after a new entry: %+v", v.Items[0])
		}
	})
}

func TestContact(t *testing.T) {
	each(t, politics.Config{ReplyDays: 10}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		meta := politics.ContactMeta{Lang: "nb", Municipality: "Demo kommune", PageURL: "https://demo.example/k/9999/politikk/person/" + f.anne.ID}
		anon := audit.Entry{ActorID: "anonymous", Role: "public", RequestID: "r1"}
		for _, tt := range []struct {
			name string
			f    politics.ContactForm
			want map[string]string
		}{
			{"no text", politics.ContactForm{Message: " \n ", Token: "t1"}, map[string]string{"melding": "politics.error.message_missing"}},
			{"too long", politics.ContactForm{Message: strings.Repeat("æ", politics.MaxMessage+1), Token: "t1"}, map[string]string{"melding": "politics.error.message_long"}},
			{"bad address", politics.ContactForm{Message: "Hei", Email: "kari@", Token: "t1"}, map[string]string{"epost": "politics.error.email"}},
			{"address with a name", politics.ContactForm{Message: "Hei", Email: "Kari <kari@example.no>", Token: "t1"}, map[string]string{"epost": "politics.error.email"}},
			{"long name", politics.ContactForm{Message: "Hei", Name: strings.Repeat("n", 201), Token: "t1"}, map[string]string{"navn": "politics.error.name"}},
			{"no token", politics.ContactForm{Message: "Hei"}, map[string]string{"skjema": "politics.error.token"}},
		} {
			_, err := e.svc.Contact(ctx, demo, f.anne.ID, tt.f, meta, anon)
			wantFields(t, tt.name, err, tt.want)
		}
		if len(e.mails(t)) != 0 {
			t.Fatal("bad input queued mail")
		}
		if _, err := e.svc.Contact(ctx, demo, f.cato.ID, politics.ContactForm{Message: "Hei", Token: "t2"}, meta, anon); !errs.Is(errs.NotFound, err) {
			t.Errorf("to an official without an address: %v", err)
		}
		if _, err := e.svc.Contact(ctx, demo, "finnesikke", politics.ContactForm{Message: "Hei", Token: "t2"}, meta, anon); !errs.Is(errs.NotFound, err) {
			t.Errorf("to nobody: %v", err)
		}

		msg := politics.ContactForm{Name: "Kari Nordmann", Email: "Kari@Example.no", Message: "Hvorfor stenger dere biblioteket?\r\nHilsen Kari", Token: "tok-1"}
		rec, err := e.svc.Contact(ctx, demo, f.anne.ID, msg, meta, anon)
		if err != nil || !rec.Copy || rec.Repeated || rec.ReplyDays != 10 || rec.Person.ID != f.anne.ID {
			t.Fatalf("receipt = %+v, %v", rec, err)
		}
		mails := e.mails(t)
		if len(mails) != 2 {
			t.Fatalf("%d mails", len(mails))
		}
		toAnne, copyMail := mails[0], mails[1]
		if toAnne.to != f.anneEmail {
			toAnne, copyMail = copyMail, toAnne
		}
		if toAnne.to != f.anneEmail || !strings.Contains(toAnne.body, "Hvorfor stenger dere biblioteket?\nHilsen Kari") ||
			!strings.Contains(toAnne.body, "Svar til: kari@example.no") || !strings.Contains(toAnne.body, "Fra: Kari Nordmann") ||
			toAnne.subject != "Melding fra en innbygger via nettsidene til Demo kommune" {
			t.Errorf("to the official: %+v", toAnne)
		}
		if copyMail.to != "kari@example.no" || strings.Contains(copyMail.body, f.anneEmail) || !strings.Contains(copyMail.body, "innen 10 dager") ||
			!strings.Contains(copyMail.body, meta.PageURL) {
			t.Errorf("the copy: %+v", copyMail)
		}
		// The same form again sends nothing.
		rec, err = e.svc.Contact(ctx, demo, f.anne.ID, msg, meta, anon)
		if err != nil || !rec.Repeated || len(e.mails(t)) != 2 {
			t.Errorf("resent form: %+v, %v, %d mails", rec, err, len(e.mails(t)))
		}
		// Without an address: to the official only, who is told.
		rec, err = e.svc.Contact(ctx, demo, f.anne.ID, politics.ContactForm{Message: "Takk for innsatsen!", Token: "tok-2"}, meta, anon)
		if err != nil || rec.Copy || len(e.mails(t)) != 3 {
			t.Fatalf("without an address: %+v, %v", rec, err)
		}
		found := false
		for _, ml := range e.mails(t) {
			found = found || strings.Contains(ml.body, "Takk for innsatsen!") && ml.to == f.anneEmail &&
				strings.Contains(ml.body, "Avsenderen oppga ingen e-postadresse.") && strings.Contains(ml.body, "(navn ikke oppgitt)")
		}
		if !found {
			t.Errorf("the anonymous message: %+v", e.mails(t))
		}
		// The audit log names the official, not the sender.
		n := 0
		for _, a := range e.actions(t) {
			if a.Action == "politics.contact.send" {
				n++
				if a.Object != "person:"+f.anne.ID || strings.Contains(a.Detail+a.ActorName+a.Subject, "Kari") {
					t.Errorf("audit entry = %+v", a)
				}
			}
		}
		if n != 2 {
			t.Errorf("%d audit entries", n)
		}
		// A token is remembered for a day.
		e.clock.Add(25 * time.Hour)
		if _, err := e.svc.Contact(ctx, demo, f.anne.ID, politics.ContactForm{Message: "Ny", Token: "tok-3"}, meta, anon); err != nil {
			t.Fatal(err)
		}
		var left int
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_contact_tokens WHERE tenant_id = $1`, demo).Scan(&left)
		if left != 1 {
			t.Errorf("%d tokens kept after a day", left)
		}
	})
}

func TestSeed(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, nil, politics.Config{})
		if err := politics.Seed(ctx, e.svc, demo); err != nil {
			t.Fatal(err)
		}
		if err := politics.Seed(ctx, e.svc, demo); err != nil {
			t.Fatalf("second seed: %v", err)
		}
		bodies, _ := e.svc.Bodies(ctx, demo)
		parties, _ := e.svc.Parties(ctx, demo)
		people, _ := e.svc.People(ctx, demo)
		all, _ := e.svc.Memberships(ctx, demo)
		if len(bodies) != 3 || len(parties) != 9 || len(people) != 40 {
			t.Fatalf("%d bodies, %d parties, %d people", len(bodies), len(parties), len(people))
		}
		seats := map[string]int{}
		names := map[string]bool{}
		for _, m := range all {
			if m.Role != politics.RoleDeputy {
				seats[m.BodyID]++
			}
		}
		for _, p := range people {
			if names[p.Name()] {
				t.Errorf("two people named %s", p.Name())
			}
			names[p.Name()] = true
		}
		if seats["kommunestyret"] != 35 || seats["formannskapet"] != 9 || seats["hovedutvalg-for-oppvekst"] != 9 {
			t.Errorf("seats = %v", seats)
		}
		if !names["Jonas Bakke"] {
			t.Error("the demo's official is not there")
		}
		meetings, _ := e.svc.Meetings(ctx, demo, "", time.Time{}, time.Time{})
		now := d.Now()
		var past, coming, published, decided int
		for _, m := range meetings {
			if m.End.Before(now) {
				past++
			} else {
				coming++
			}
			if m.Published() {
				published++
				if !m.PublishedAt.Before(m.Start) {
					t.Errorf("meeting %s published at %v, after it started", m.ID, m.PublishedAt)
				}
			}
			v, err := e.svc.MeetingDetail(ctx, demo, m.ID, politics.Viewer{})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range v.Items {
				if it.Decided() {
					decided++
				}
			}
			if p, _ := e.svc.Problems(ctx, demo, m.ID); m.Published() && len(p) != 0 {
				t.Errorf("published meeting with problems: %+v", p)
			}
		}
		if past != 2 || coming != 2 || published != 3 || decided != 6 {
			t.Errorf("%d past, %d coming, %d published, %d public decisions", past, coming, published, decided)
		}
		if mails, err := e.d.QueryContext(ctx, `SELECT id FROM notify_mail`); err == nil {
			if mails.Next() {
				t.Error("the seed queued mail")
			}
			mails.Close()
		}
	})
}
