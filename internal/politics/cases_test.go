package politics_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/notify/smtptest"
	"github.com/torg-ekommune/torg/internal/politics"
)

func TestCreateCaseRefusesBadInput(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		for _, tt := range []struct {
			name string
			f    politics.CaseForm
			want map[string]string
		}{
			{"no title", politics.CaseForm{Title: "  "}, map[string]string{"tittel": "politics.error.title"}},
			{"long title", politics.CaseForm{Title: strings.Repeat("x", 401)}, map[string]string{"tittel": "politics.error.title"}},
			{"bad archive number", politics.CaseForm{Title: "Sak", ArchiveRef: "abc"}, map[string]string{"arkivsak": "politics.error.archive_ref"}},
			{"archive number without number", politics.CaseForm{Title: "Sak", ArchiveRef: "2026/"}, map[string]string{"arkivsak": "politics.error.archive_ref"}},
			{"unknown origin", politics.CaseForm{Title: "Sak", Origin: "x"}, map[string]string{"opphav": "politics.error.origin"}},
			{"negative signatures", politics.CaseForm{Title: "Sak", Origin: politics.OriginInitiative, Signatures: -1}, map[string]string{"underskrifter": "politics.error.signatures"}},
			{"key with a space", politics.CaseForm{Title: "Sak", ExternalKey: "a b"}, map[string]string{"ekstern": "politics.error.external_key"}},
			{"long summary", politics.CaseForm{Title: "Sak", Summary: strings.Repeat("x", politics.MaxDecision+1)}, map[string]string{"sammendrag": "politics.error.summary_long"}},
		} {
			_, err := e.svc.CreateCase(ctx, demo, tt.f, staff)
			wantFields(t, tt.name, err, tt.want)
		}
		list, err := e.svc.Cases(ctx, demo)
		if err != nil || len(list) != 0 {
			t.Fatalf("refused cases were stored: %d, %v", len(list), err)
		}
	})
}

// TestCreateCaseIdempotent is how the initiatives module calls
// CreateCase: with an external key, a retry returns the first case.
func TestCreateCaseIdempotent(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := politics.CaseForm{Title: "Bevar Nordbygda skule", Summary: "Vi ber kommunestyret <b>bevare</b> skulen.", Origin: politics.OriginInitiative,
			Signatures: 412, ExternalKey: "initiativ:abc123"}
		a, err := e.svc.CreateCase(ctx, demo, f, staff)
		if err != nil {
			t.Fatal(err)
		}
		f.Title = "Something else"
		b, err := e.svc.CreateCase(ctx, demo, f, staff)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID != b.ID || b.Title != "Bevar Nordbygda skule" || b.Signatures != 412 || b.Origin != politics.OriginInitiative {
			t.Errorf("retry gave %+v, want the first case %+v", b, a)
		}
		// Another municipality's key space is its own.
		if c, err := e.svc.CreateCase(ctx, "4601", f, staff); err != nil || c.ID == a.ID {
			t.Errorf("other municipality: %+v, %v", c, err)
		}
		// Without a key, every call makes a case; signatures count only
		// for initiatives.
		x, err := e.svc.CreateCase(ctx, demo, politics.CaseForm{Title: "Budsjett 2027", Signatures: 5}, staff)
		if err != nil || x.Signatures != 0 || x.Origin != politics.OriginAdministration {
			t.Errorf("plain case: %+v, %v", x, err)
		}
		list, _ := e.svc.Cases(ctx, demo)
		if len(list) != 2 {
			t.Errorf("%d cases, want 2", len(list))
		}
		n := 0
		for _, a := range e.actions(t) {
			if a.Action == "politics.case.create" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d audit entries for created cases, want 2", n)
		}
	})
}

func TestCasePath(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		council, err := e.svc.AddBody(ctx, demo, politics.BodyForm{Name: "Kommunestyret", Kind: politics.KindCouncil, TermID: f.term.ID}, staff)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.svc.CreateCase(ctx, demo, politics.CaseForm{Title: "Ny barnehage", ArchiveRef: "2026/44"}, staff)
		if err != nil {
			t.Fatal(err)
		}
		// Bad paths.
		_, err = e.svc.SetPath(ctx, demo, c.ID, []politics.StepForm{{BodyID: "finnes-ikke", Planned: "32.13.2026"}, {}, {BodyID: f.body.ID, Planned: "13.2026"}}, staff)
		wantFields(t, "bad path", err, map[string]string{"forlop-1-organ": "politics.error.body", "forlop-1-dato": "politics.error.planned",
			"forlop-3-dato": "politics.error.planned"})
		long := make([]politics.StepForm, politics.MaxSteps+1)
		for i := range long {
			long[i] = politics.StepForm{BodyID: f.body.ID}
		}
		_, err = e.svc.SetPath(ctx, demo, c.ID, long, staff)
		wantFields(t, "too many steps", err, map[string]string{"forlop": "politics.error.too_many_steps"})
		if _, err := e.svc.SetPath(ctx, demo, "finnesikke", nil, staff); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown case: %v", err)
		}
		c, err = e.svc.SetPath(ctx, demo, c.ID, []politics.StepForm{{BodyID: f.body.ID, Planned: "30.11.2026"}, {}, {BodyID: council.ID, Planned: "1.2027"}}, staff)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Path) != 2 || c.Path[0].Planned != "2026-11-30" || c.Path[1].Planned != "2027-01" {
			t.Fatalf("path %+v", c.Path)
		}
		state := func(want ...string) politics.CaseView {
			t.Helper()
			v, err := e.svc.CaseDetail(ctx, demo, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range v.Steps {
				got = append(got, s.State)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("states %v, want %v", got, want)
			}
			return v
		}
		state(politics.StepNow, politics.StepPlanned)

		// An item for the case in the executive committee, and an
		// exempt one beside it for the same case.
		m, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(7), staff)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Kjøp av tomt", CaseID: "finnesikke"}, staff)
		wantFields(t, "unknown case", err, map[string]string{"politisk_sak": "politics.error.case"})
		_, err = e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Kjøp av tomt", CaseID: "NOT AN ID"}, staff)
		wantFields(t, "bad case id", err, map[string]string{"politisk_sak": "politics.error.case"})
		it, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Kjøp av tomt", CaseID: c.ID}, staff)
		if err != nil || it.CaseID != c.ID {
			t.Fatalf("item %+v, %v", it, err)
		}
		secret, err := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "HEMMELIG forhandling", CaseID: c.ID, Exempt: "1", LegalBasis: "Offl. § 23"}, staff)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []politics.Item{it, secret} {
			if _, err := e.svc.AddDocument(ctx, demo, x.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", pdf("Saksframlegg"), staff); err != nil {
				t.Fatal(err)
			}
		}
		// Not published: the public sees no handling.
		if v := state(politics.StepNow, politics.StepPlanned); len(v.Handled) != 0 {
			t.Errorf("unpublished handling is shown: %+v", v.Handled)
		}
		if _, err := e.svc.Publish(ctx, demo, m.ID, "nb", "", staff); err != nil {
			t.Fatal(err)
		}
		v := state(politics.StepNow, politics.StepPlanned)
		if len(v.Handled) != 1 || v.Handled[0].Item.ID != it.ID || v.Steps[0].Item == nil || v.Steps[0].Item.ID != it.ID {
			t.Errorf("handling after publish: %+v", v.Handled)
		}
		if _, err := e.svc.RecordMinutes(ctx, demo, secret.ID, politics.MinutesForm{Decision: "HEMMELIG vedtak"}, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RecordMinutes(ctx, demo, it.ID, politics.MinutesForm{Decision: "Kommunen kjøper tomten.", For: "3", Against: "0", Abstain: "0"}, staff); err != nil {
			t.Fatal(err)
		}
		v = state(politics.StepDone, politics.StepNow)
		if len(v.Decision) != 1 || v.Decision[0].Item.Decision != "Kommunen kjøper tomten." {
			t.Errorf("decisions %+v", v.Decision)
		}
		for _, h := range append(v.Handled, v.Decision...) {
			if strings.Contains(h.Item.Title+h.Item.Decision, "HEMMELIG") {
				t.Errorf("the exempt item shows on the case: %+v", h.Item)
			}
		}
		// The public data does not tie the exempt item to the case.
		d, err := e.svc.PublicData(ctx, demo)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range d.Items[m.ID] {
			if x.ID == secret.ID && (x.CaseID != "" || x.Decision != "") {
				t.Errorf("hidden item carries %q %q", x.CaseID, x.Decision)
			}
		}
		if len(d.Cases) != 1 || len(d.Cases[0].Path) != 2 {
			t.Errorf("public cases %+v", d.Cases)
		}
		if _, err := e.svc.CaseDetail(ctx, demo, "finnesikke"); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown case: %v", err)
		}
		if _, err := e.svc.CaseDetail(ctx, "4601", c.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another municipality's case: %v", err)
		}
		u, err := e.svc.UpdateCase(ctx, demo, c.ID, politics.CaseForm{Title: "Ny barnehage i Nordbygda", ArchiveRef: "26/44", Origin: politics.OriginMember}, staff)
		if err != nil || u.Title != "Ny barnehage i Nordbygda" || len(u.Path) != 2 {
			t.Errorf("update: %+v, %v", u, err)
		}
		_, err = e.svc.UpdateCase(ctx, demo, c.ID, politics.CaseForm{Title: ""}, staff)
		wantFields(t, "update without title", err, map[string]string{"tittel": "politics.error.title"})
	})
}

var linkRE = regexp.MustCompile(`https?://\S+|/k/\S+`)

// token returns the value of parameter t in the first link of body that
// contains path.
func token(t *testing.T, body, path string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(body, -1) {
		if i := strings.Index(l, path+"?t="); i >= 0 {
			return l[i+len(path)+3:]
		}
	}
	t.Fatalf("no link to %s in %q", path, body)
	return ""
}

func TestFollowAndDigest(t *testing.T) {
	each(t, politics.Config{PublicURL: "https://torg.example.no"}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		c, err := e.svc.CreateCase(ctx, demo, politics.CaseForm{Title: "Ny barnehage"}, staff)
		if err != nil {
			t.Fatal(err)
		}
		confirmURL := "https://torg.example.no/k/9999/politikk/folg/bekreft?t="
		// Bad input.
		err = e.svc.RequestFollow(ctx, demo, politics.FollowCase, c.ID, "ikke en adresse", "nb", confirmURL, staff)
		wantFields(t, "bad address", err, map[string]string{"epost": "politics.error.email"})
		for _, tt := range []struct{ kind, target string }{{politics.FollowCase, "finnesikke"}, {politics.FollowBody, "finnes-ikke"}, {"x", c.ID}} {
			if err := e.svc.RequestFollow(ctx, demo, tt.kind, tt.target, "kari@example.no", "nb", confirmURL, staff); !errs.Is(errs.NotFound, err) {
				t.Errorf("follow %s %s: %v", tt.kind, tt.target, err)
			}
		}
		if n := len(e.mails(t)); n != 0 {
			t.Fatalf("%d mails after refused requests", n)
		}
		// A request: one mail, and the address is not stored in the clear.
		if err := e.svc.RequestFollow(ctx, demo, politics.FollowCase, c.ID, "Kari@Example.no", "nn", confirmURL, staff); err != nil {
			t.Fatal(err)
		}
		var stored string
		rows, err := e.d.QueryContext(ctx, `SELECT email || '|' || address_box || '|' || unsubscribe FROM politics_follows WHERE tenant_id = $1`, demo)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			stored += s
		}
		rows.Close()
		if strings.Contains(strings.ToLower(stored), "kari") || !strings.HasPrefix(stored, "|") || !strings.HasSuffix(stored, "|") || len(stored) < 20 {
			t.Errorf("the pending follow stores %q", stored)
		}
		mails := e.mails(t)
		if len(mails) != 1 || mails[0].to != "kari@example.no" || !strings.Contains(mails[0].subject, "Ny barnehage") {
			t.Fatalf("confirmation mail %+v", mails)
		}
		tok := token(t, mails[0].body, "/politikk/folg/bekreft")
		if _, err := e.svc.ConfirmFollow(ctx, demo, tok+"x", staff); !errs.Is(errs.NotFound, err) {
			t.Errorf("wrong token: %v", err)
		}
		if _, err := e.svc.ConfirmFollow(ctx, "4601", tok, staff); !errs.Is(errs.NotFound, err) {
			t.Errorf("token in another municipality: %v", err)
		}
		fi, err := e.svc.ConfirmFollow(ctx, demo, tok, staff)
		if err != nil || fi.Unsubscribe == "" || fi.Kind != politics.FollowCase || fi.TargetID != c.ID {
			t.Fatalf("confirm: %+v, %v", fi, err)
		}
		again, err := e.svc.ConfirmFollow(ctx, demo, tok, staff)
		if err != nil || again.ID != fi.ID {
			t.Errorf("confirming twice: %+v, %v", again, err)
		}
		// The same address follows the body too.
		e.clock.Add(time.Second)
		if err := e.svc.RequestFollow(ctx, demo, politics.FollowBody, f.body.ID, "kari@example.no", "nb", confirmURL, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ConfirmFollow(ctx, demo, token(t, e.mails(t)[1].body, "/politikk/folg/bekreft"), staff); err != nil {
			t.Fatal(err)
		}
		// A second request for the case, confirmed, keeps one follow.
		e.clock.Add(time.Second)
		if err := e.svc.RequestFollow(ctx, demo, politics.FollowCase, c.ID, "kari@example.no", "nb", confirmURL, staff); err != nil {
			t.Fatal(err)
		}
		dup, err := e.svc.ConfirmFollow(ctx, demo, token(t, e.mails(t)[2].body, "/politikk/folg/bekreft"), staff)
		if err != nil || dup.ID != fi.ID {
			t.Errorf("second follow of the same: %+v, %v", dup, err)
		}
		// Nothing new: no digest.
		e.clock.Add(25 * time.Hour)
		if n, err := e.svc.Digest(ctx, e.clock.Now()); err != nil || n != 0 {
			t.Errorf("digest with nothing new: %d, %v", n, err)
		}

		// A meeting with an item for the case and an exempt one is
		// published and decided; a day later the digest comes, once.
		e.clock.Add(time.Hour)
		m, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(3), staff)
		if err != nil {
			t.Fatal(err)
		}
		it, _ := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Kjøp av tomt", CaseID: c.ID}, staff)
		secret, _ := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "HEMMELIG sak", CaseID: c.ID, Exempt: "1", LegalBasis: "Offl. § 13"}, staff)
		for _, x := range []politics.Item{it, secret} {
			if _, err := e.svc.AddDocument(ctx, demo, x.ID, politics.DocumentForm{Kind: politics.DocMain, Title: "Saksframlegg " + x.Title}, "s.pdf", pdf("S"), staff); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocAttachment, Title: "HEMMELIG takst", Exempt: "1", LegalBasis: "Offl. § 23"}, "t.pdf", pdf("T"), staff); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Publish(ctx, demo, m.ID, "nb", "", staff); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Hour)
		if _, err := e.svc.RecordMinutes(ctx, demo, it.ID, politics.MinutesForm{Decision: "Tomten kjøpes."}, staff); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RecordMinutes(ctx, demo, secret.ID, politics.MinutesForm{Decision: "HEMMELIG vedtak"}, staff); err != nil {
			t.Fatal(err)
		}
		before := len(e.mails(t))
		if n, _ := e.svc.Digest(ctx, e.clock.Now()); n != 0 {
			t.Errorf("a digest %d within a day of the last", n)
		}
		e.clock.Add(24 * time.Hour)
		n, err := e.svc.Digest(ctx, e.clock.Now())
		if err != nil || n != 1 {
			t.Fatalf("digest: %d, %v", n, err)
		}
		mails = e.mails(t)[before:]
		if len(mails) != 1 {
			t.Fatalf("%d digest mails, want 1 for two follows", len(mails))
		}
		body := mails[0].body
		mustContain(t, "digest", body, "Ny barnehage", "Formannskapet", "Kjøp av tomt", "Saksframlegg Kjøp av tomt",
			"https://torg.example.no/k/9999/politikk/mote/"+m.ID+"#sak-"+it.ID, "https://torg.example.no/k/9999/politikk/folg/avslutt?t="+fi.Unsubscribe)
		if strings.Contains(body, "HEMMELIG") {
			t.Errorf("the digest shows exempt content:\n%s", body)
		}
		if !strings.Contains(mails[0].subject, "Nytt frå politikken") {
			t.Errorf("digest subject %q, want the follower's nynorsk", mails[0].subject)
		}
		// Not again within a day, and nothing when nothing is new.
		if n, _ := e.svc.Digest(ctx, e.clock.Now().Add(time.Hour)); n != 0 {
			t.Errorf("a second digest within a day: %d", n)
		}
		if n, _ := e.svc.Digest(ctx, e.clock.Now().Add(25*time.Hour)); n != 0 {
			t.Errorf("a digest with nothing new: %d", n)
		}

		// The mail goes over real SMTP.
		srv, err := smtptest.Start()
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		sender := notify.NewSender(e.d, notify.SMTPConfig{Addr: srv.Addr, From: "Torg <noreply@torg.example.no>"}, discard())
		if _, err := sender.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		got := srv.Wait(len(e.mails(t)), 10*time.Second)
		found := false
		for _, m := range got {
			if strings.Contains(string(m.Data), "avslutt?t=") && len(m.To) == 1 && m.To[0] == "kari@example.no" {
				found = true
			}
		}
		if !found {
			t.Errorf("the digest did not arrive over SMTP: %d messages", len(got))
		}

		// Unsubscribe: once found, then not.
		if ok, err := e.svc.Unfollow(ctx, demo, fi.Unsubscribe, staff); err != nil || !ok {
			t.Errorf("unfollow: %v, %v", ok, err)
		}
		if ok, err := e.svc.Unfollow(ctx, demo, fi.Unsubscribe, staff); err != nil || ok {
			t.Errorf("unfollow twice: %v, %v", ok, err)
		}
		if _, err := e.svc.FollowByUnsubscribe(ctx, demo, fi.Unsubscribe); !errs.Is(errs.NotFound, err) {
			t.Errorf("ended follow: %v", err)
		}

		// An unconfirmed request expires and is removed.
		if err := e.svc.RequestFollow(ctx, demo, politics.FollowCase, c.ID, "ola@example.no", "nb", confirmURL, staff); err != nil {
			t.Fatal(err)
		}
		all := e.mails(t)
		late := token(t, all[len(all)-1].body, "/politikk/folg/bekreft")
		e.clock.Add(time.Duration(politics.PendingDays)*24*time.Hour + time.Hour)
		if _, err := e.svc.ConfirmFollow(ctx, demo, late, staff); !errs.Is(errs.NotFound, err) {
			t.Errorf("expired confirmation: %v", err)
		}
		if _, err := e.svc.Digest(ctx, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		var pending int
		if err := e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_follows WHERE tenant_id = $1 AND confirmed_at IS NULL`, demo).Scan(&pending); err != nil || pending != 0 {
			t.Errorf("%d expired requests kept, %v", pending, err)
		}
	})
}

func TestEventsFeedOrder(t *testing.T) {
	each(t, politics.Config{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		var ids []string
		for i := range 3 {
			m, err := e.svc.CreateMeeting(ctx, demo, f.meetingForm(i+1), staff)
			if err != nil {
				t.Fatal(err)
			}
			it, _ := e.svc.AddItem(ctx, demo, m.ID, politics.ItemForm{Title: "Sak " + strconv.Itoa(i)}, staff)
			if _, err := e.svc.AddDocument(ctx, demo, it.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", pdf("S"), staff); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(time.Minute)
			if _, err := e.svc.Publish(ctx, demo, m.ID, "nb", "", staff); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		list, err := e.svc.Events(ctx, demo, politics.FollowBody, f.body.ID, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 4 || list[0].At.Before(list[3].At) {
			t.Fatalf("events %d, not newest first", len(list))
		}
		if list[0].Meeting.ID != ids[2] {
			t.Errorf("newest event is of %s, want %s", list[0].Meeting.ID, ids[2])
		}
		if _, err := e.svc.Events(ctx, demo, politics.FollowBody, "finnes-ikke", 10); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown body: %v", err)
		}
	})
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
