package dialogue_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/dialogue/dialoguetest"
	"github.com/torg-ekommune/torg/internal/errs"
)

// TestDebates starts threads, replies, refuses bad and repeated posts,
// reports and hides, on both databases.
func TestDebates(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		kari, ola := dialogue.Author{Principal: "pid:1", Name: "Kari"}, dialogue.Author{Principal: "pid:2", Name: "Ola"}
		h := published(t, e, true)
		th, err := e.svc.StartThread(ctx, demo, dialogue.SubjectHearing, h.ID, "Grøntområdet", "Det må bevares.", kari, citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.StartThread(ctx, demo, dialogue.SubjectHearing, "finnesikke", "X", "Y", kari, citizen("Kari")); !errs.Is(errs.NotFound, err) {
			t.Errorf("thread about an unknown hearing: %v", err)
		}
		for _, c := range []struct {
			name, title, body, field, key string
		}{
			{"no title", "", "Tekst", dialogue.FieldThreadTitle, "dialogue.error.title_missing"},
			{"link in title", "Billig på www.example.com", "Tekst", dialogue.FieldThreadTitle, "dialogue.error.links"},
			{"empty", "Emne", " ", dialogue.FieldPost, "dialogue.error.post_missing"},
			{"over-long", "Emne", strings.Repeat("x", dialogue.MaxPost+1), dialogue.FieldPost, "dialogue.error.post_long"},
			{"links", "Emne", "https://a.example http://b.example www.c.example https://d.example", dialogue.FieldPost, "dialogue.error.links"},
		} {
			_, err := e.svc.StartThread(ctx, demo, dialogue.SubjectTopic, "", c.title, c.body, kari, citizen("Kari"))
			if got := fieldsOf(err)[c.field]; !errs.Is(errs.Invalid, err) || got != c.key {
				t.Errorf("%s: %v (field %s = %q, want %q)", c.name, err, c.field, got, c.key)
			}
		}
		e.clock.Add(time.Minute)
		p2, err := e.svc.Reply(ctx, demo, th.ID, "Enig!", ola, citizen("Ola"))
		if err != nil || p2.Position != 2 {
			t.Fatalf("reply: %+v %v", p2, err)
		}
		if _, err := e.svc.Reply(ctx, demo, th.ID, "Enig!", ola, citizen("Ola")); !errs.Is(errs.Conflict, err) {
			t.Errorf("repeated post: %v", err)
		}
		if _, err := e.svc.Reply(ctx, demo, th.ID, "Enig!", kari, citizen("Kari")); err != nil {
			t.Errorf("the same words from another person: %v", err)
		}
		if _, err := e.svc.Reply(ctx, dialoguetest.Other, th.ID, "Hei", kari, citizen("Kari")); !errs.Is(errs.NotFound, err) {
			t.Errorf("reply in another municipality: %v", err)
		}
		got, _ := e.svc.Thread(ctx, demo, th.ID)
		if got.Posts != 3 || !got.LastPostAt.After(got.Created) {
			t.Errorf("thread = %+v", got)
		}
		list, _ := e.svc.Threads(ctx, demo, dialogue.SubjectHearing, h.ID)
		if len(list) != 1 || list[0].ID != th.ID {
			t.Errorf("threads of the hearing = %+v", list)
		}
		// Reports count once per person.
		for range 2 {
			if err := e.svc.Report(ctx, demo, p2.ID, "Usaklig", kari, citizen("Kari")); err != nil {
				t.Fatal(err)
			}
		}
		reported, _ := e.svc.ReportedPosts(ctx, demo)
		if len(reported) != 1 || reported[0].Reports != 1 {
			t.Fatalf("reported = %+v", reported)
		}
		if _, err := e.svc.HidePost(ctx, demo, p2.ID, "", actor()); fieldsOf(err)[dialogue.FieldReason] != "dialogue.error.reason_missing" {
			t.Errorf("hide without reason: %v", err)
		}
		if _, err := e.svc.HidePost(ctx, demo, p2.ID, "Usaklig", actor()); err != nil {
			t.Fatal(err)
		}
		reported, _ = e.svc.ReportedPosts(ctx, demo)
		posts, _ := e.svc.Posts(ctx, demo, th.ID)
		if len(reported) != 0 || len(posts) != 3 || !posts[1].Hidden() || posts[1].HiddenReason != "Usaklig" {
			t.Errorf("after hiding: reported %d, posts %+v", len(reported), posts)
		}
	})
}

// TestDigest: one e-mail a day per address with all its threads that have
// news by others, none without news, and nothing twice.
func TestDigest(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		kari, ola, per := dialogue.Author{Principal: "pid:1", Name: "Kari"}, dialogue.Author{Principal: "pid:2", Name: "Ola"}, dialogue.Author{Principal: "pid:3", Name: "Per"}
		a, err := e.svc.StartThread(ctx, demo, dialogue.SubjectTopic, "", "Skolevei", "Trenger fortau.", kari, citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.StartThread(ctx, demo, dialogue.SubjectTopic, "", "Bibliotek", "Lengre åpningstid.", kari, citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range []dialogue.Thread{a, b} {
			if err := e.svc.Subscribe(ctx, demo, th.ID, "kari@example.no", "nn", kari, citizen("Kari")); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.svc.Subscribe(ctx, demo, a.ID, "per@example.no", "nb", per, citizen("Per")); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Subscribe(ctx, demo, a.ID, "ikke en adresse", "nb", ola, citizen("Ola")); fieldsOf(err)[dialogue.FieldEmail] != "dialogue.error.email" {
			t.Errorf("bad address: %v", err)
		}
		e.clock.Add(time.Hour)
		for i, th := range []dialogue.Thread{a, a, b} {
			if _, err := e.svc.Reply(ctx, demo, th.ID, "Innlegg "+string(rune('1'+i)), ola, citizen("Ola")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.Reply(ctx, demo, a.ID, "Mitt eget", kari, citizen("Kari")); err != nil {
			t.Fatal(err)
		}
		mails := mailCount(t, e.d)
		// Before a day has passed, nothing.
		if n, err := e.svc.Digest(ctx, start.Add(23*time.Hour)); err != nil || n != 0 {
			t.Fatalf("early digest: %d %v", n, err)
		}
		n, err := e.svc.Digest(ctx, start.Add(25*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("digest: %d %v, want 2 (Kari and Per)", n, err)
		}
		var body string
		if err := e.d.QueryRowContext(ctx, `SELECT body FROM notify_mail WHERE recipient = 'kari@example.no'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"Skolevei: 2 nye innlegg", "Bibliotek: 1 nye innlegg", "/k/9999/debatt/" + a.ID, "Det har kome nye innlegg"} {
			if !strings.Contains(body, w) {
				t.Errorf("Kari's digest lacks %q:\n%s", w, body)
			}
		}
		if got := mailCount(t, e.d) - mails; got != 2 {
			t.Errorf("mails = %d", got)
		}
		// Run again: nothing new, nothing sent.
		if n, err := e.svc.Digest(ctx, start.Add(50*time.Hour)); err != nil || n != 0 {
			t.Errorf("second digest: %d %v", n, err)
		}
		if err := e.svc.Unsubscribe(ctx, demo, a.ID, per, citizen("Per")); err != nil {
			t.Fatal(err)
		}
		if email, _ := e.svc.Subscribed(ctx, demo, a.ID, per.Principal); email != "" {
			t.Errorf("still subscribed: %q", email)
		}
	})
}

// TestDebatePages walks the debate pages.
func TestDebatePages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{Config: dialogue.Config{Rate: 2}})
	hid := createHearing(t, s, "Budsjett 2027", "10.12.2026", true)
	kari, ola, staff, anon := s.Client("kari"), s.Client("ola"), s.Client("sekretariat"), s.Client("")
	resp, _ := get(t, anon, s.URL+"/k/9999/debatt/ny")
	wantStatus(t, "signed-out new thread", resp, http.StatusSeeOther)
	_, body := get(t, kari, s.URL+"/k/9999/debatt/ny?horing="+hid)
	mustContain(t, "new thread form", body, "Budsjett 2027", `name="horing" value="`+hid+`"`)
	resp, body = post(t, kari, s.URL+"/k/9999/debatt/ny", url.Values{dialogue.FieldHearing: {hid}, dialogue.FieldThreadTitle: {""}, dialogue.FieldPost: {""}})
	wantStatus(t, "empty thread", resp, http.StatusUnprocessableEntity)
	mustContain(t, "empty thread", body, "Skriv en tittel.", "Skriv innlegget ditt.", `href="#emne"`, `href="#innlegg"`)
	resp, _ = post(t, kari, s.URL+"/k/9999/debatt/ny", url.Values{dialogue.FieldHearing: {hid}, dialogue.FieldThreadTitle: {"Kulturskolen <script>x</script>"},
		dialogue.FieldPost: {"Kutt ikke i kulturskolen. <img src=x onerror=alert(1)>"}})
	wantStatus(t, "start", resp, http.StatusSeeOther)
	thread := resp.Header.Get("Location")
	_, body = get(t, anon, s.URL+thread)
	mustContain(t, "thread", body, "Kulturskolen &lt;script&gt;x&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "Innlegg 1, fra Kari Nordmann",
		"Logg inn for å skrive et innlegg", "Budsjett 2027")
	_, body = get(t, anon, s.URL+"/k/9999/horingar/"+hid)
	mustContain(t, "hearing with its debate", body, "Kulturskolen &lt;script&gt;")
	_, body = get(t, anon, s.URL+"/k/9999/debatt")
	mustContain(t, "threads", body, "Kulturskolen", "1 innlegg")

	// Ola replies: first too many links, then fine; the same text again is refused.
	tid := strings.TrimPrefix(thread, "/k/9999/debatt/")
	resp, body = post(t, ola, s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {"http://a.example http://b.example http://c.example http://d.example"}})
	wantStatus(t, "links", resp, http.StatusUnprocessableEntity)
	mustContain(t, "links", body, "For mange lenker.")
	resp, _ = post(t, ola, s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {"Enig."}})
	wantStatus(t, "reply", resp, http.StatusSeeOther)
	resp, body = post(t, ola, s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {"Enig."}})
	wantStatus(t, "repeat", resp, http.StatusConflict)
	mustContain(t, "repeat", body, "Du har allerede skrevet akkurat dette")
	// The limit (Rate 2 → 4 posts an hour; Ola has used 2, the repeat included).
	for i := range 2 {
		resp, _ = post(t, ola, s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {"Mer " + string(rune('a'+i))}})
		wantStatus(t, "more", resp, http.StatusSeeOther)
	}
	resp, body = post(t, ola, s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {"Enda mer"}})
	wantStatus(t, "flood", resp, http.StatusTooManyRequests)
	mustContain(t, "flood", body, "Du har sendt mange meldinger på kort tid.")

	// Kari reports Ola's post; the secretariat sees it and hides it.
	posts, _ := s.Service.Posts(context.Background(), dialoguetest.Demo, tid)
	olas := posts[1].ID
	resp, body = post(t, kari, s.URL+"/k/9999/debatt/innlegg/"+olas+"/meld", url.Values{dialogue.FieldReason: {strings.Repeat("x", dialogue.MaxReason+1)}})
	wantStatus(t, "long report", resp, http.StatusUnprocessableEntity)
	mustContain(t, "long report", body, "Begrunnelsen kan ha høyst 500 tegn.", `href="#p`+olas+`-grunn"`)
	resp, _ = post(t, kari, s.URL+"/k/9999/debatt/innlegg/"+olas+"/meld", url.Values{dialogue.FieldReason: {"Usaklig"}})
	wantStatus(t, "report", resp, http.StatusSeeOther)
	_, body = get(t, kari, s.URL+resp.Header.Get("Location"))
	mustContain(t, "after reporting", body, "Takk. Moderatoren ser på innlegget.")
	_, body = get(t, staff, s.URL+"/k/9999/tilsett/dialog")
	mustContain(t, "moderation", body, "Meldte innlegg", "Fra Ola Normann", "meldt av 1")
	resp, _ = post(t, kari, s.URL+"/k/9999/tilsett/dialog/innlegg/"+olas+"/skjul", url.Values{dialogue.FieldReason: {"x"}})
	wantStatus(t, "hide by a citizen", resp, http.StatusUnauthorized)
	resp, body = post(t, staff, s.URL+"/k/9999/tilsett/dialog/innlegg/"+olas+"/skjul", url.Values{dialogue.FieldReason: {""}})
	wantStatus(t, "hide without reason", resp, http.StatusUnprocessableEntity)
	mustContain(t, "hide without reason", body, "Skriv hvorfor")
	resp, _ = post(t, staff, s.URL+"/k/9999/tilsett/dialog/innlegg/"+olas+"/skjul", url.Values{dialogue.FieldReason: {"Brudd på regel 1"}})
	wantStatus(t, "hide", resp, http.StatusSeeOther)
	_, body = get(t, anon, s.URL+thread)
	mustContain(t, "hidden post", body, "Skjult av moderator: Brudd på regel 1")
	if strings.Contains(body, "Enig.") {
		t.Error("the hidden post's text is shown")
	}

	// Notices: a bad address, then a daily digest.
	resp, body = post(t, kari, s.URL+thread+"/varsel", url.Values{dialogue.FieldEmail: {"kari@"}})
	wantStatus(t, "bad address", resp, http.StatusUnprocessableEntity)
	mustContain(t, "bad address", body, "Skriv en gyldig e-postadresse")
	resp, _ = post(t, kari, s.URL+thread+"/varsel", url.Values{dialogue.FieldEmail: {"kari@example.no"}})
	wantStatus(t, "subscribe", resp, http.StatusSeeOther)
	_, body = get(t, kari, s.URL+resp.Header.Get("Location"))
	mustContain(t, "subscribed", body, "Du får et daglig sammendrag av nye innlegg til kari@example.no.", "Stopp varslene")
	resp, _ = post(t, kari, s.URL+thread+"/varsel", url.Values{"av": {"1"}})
	wantStatus(t, "unsubscribe", resp, http.StatusSeeOther)
	_, body = get(t, anon, s.URL+"/k/9999/debatt/reglar")
	mustContain(t, "rules", body, "Regler for debatten", "Ingen personangrep")
	resp, _ = get(t, anon, s.URL+"/k/4601"+strings.TrimPrefix(thread, "/k/9999"))
	wantStatus(t, "other municipality", resp, http.StatusNotFound)
}
