package politics_test

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

// secrets are the markers of content that must never be public.
var secrets = regexp.MustCompile(`HEMMELIG|UPUBLISERT`)

// TestNothingExemptIsPublic puts exempt items and documents, a closed
// meeting and an unpublished one beside the demo's meetings, then walks
// every public page and the whole OParl API as everyone who is not
// entitled (signed out, a citizen, a case worker, an official of another
// body) and tries the exempt documents directly: no marker of the hidden
// content may appear, and the documents do not exist for them. The
// entitled (the body's official, the secretariat) do get them.
func TestNothingExemptIsPublic(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
	ctx := context.Background()
	actor := politicstest.Actor()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	doc := func(item, kind, title, exempt, basis, content string) string {
		t.Helper()
		d, err := s.Service.AddDocument(ctx, "9999", item, politics.DocumentForm{Kind: kind, Title: title, Exempt: exempt, LegalBasis: basis},
			strings.ToLower(title)+".pdf", bytes.NewReader(politics.PDF(title, content)), actor)
		must(err)
		return d.ID
	}
	day := s.Clock.Now().In(politics.Oslo())

	// A political case that every item below handles, followed by e-mail
	// (and its bodies too) before anything happens.
	cs, err := s.Service.CreateCase(ctx, "9999", politics.CaseForm{Title: "Veilys i Nordbygda", ArchiveRef: "2026/900"}, actor)
	must(err)
	_, err = s.Service.SetPath(ctx, "9999", cs.ID, []politics.StepForm{{BodyID: "formannskapet"}, {BodyID: "kommunestyret"}}, actor)
	must(err)
	for i, f := range []struct{ kind, target string }{{politics.FollowCase, cs.ID}, {politics.FollowBody, "formannskapet"}, {politics.FollowBody, "kommunestyret"}} {
		addr := "følger" + strconv.Itoa(i) + "@example.no"
		addr = strings.ReplaceAll(addr, "ø", "o")
		must(s.Service.RequestFollow(ctx, "9999", f.kind, f.target, addr, "nb", "https://x/?t=", actor))
		var body string
		must(s.DB.QueryRowContext(ctx, `SELECT body FROM notify_mail WHERE recipient = $1`, addr).Scan(&body))
		_, tok, _ := strings.Cut(body, "https://x/?t=")
		tok, _, _ = strings.Cut(tok, "\n")
		_, err := s.Service.ConfirmFollow(ctx, "9999", strings.TrimSpace(tok), actor)
		must(err)
	}
	s.Clock.Add(time.Minute)

	// A: the executive committee yesterday, with an exempt item and an
	// exempt attachment of an open item, decided.
	a, err := s.Service.CreateMeeting(ctx, "9999", politics.MeetingForm{BodyID: "formannskapet", Date: day.AddDate(0, 0, -1).Format("02.01.2006"),
		From: "09:00", To: "10:00", Place: "Rådhuset"}, actor)
	must(err)
	x, err := s.Service.AddItem(ctx, "9999", a.ID, politics.ItemForm{Title: "HEMMELIG-TITTEL-1 Ola Nordmanns sykefravær", CaseRef: "HEMMELIG-SAKSNR", CaseID: cs.ID,
		Exempt: "1", LegalBasis: "Offl. § 13 jf. fvl. § 13 første ledd nr. 1", PublicTitle: "Personalsak"}, actor)
	must(err)
	xDoc := doc(x.ID, politics.DocMain, "Saksframlegg", "", "", "HEMMELIG-INNHOLD-1")
	y, err := s.Service.AddItem(ctx, "9999", a.ID, politics.ItemForm{Title: "Åpen sak om veilys", CaseID: cs.ID}, actor)
	must(err)
	yMain := doc(y.ID, politics.DocMain, "Saksframlegg veilys", "", "", "Offentlig innhold")
	yDoc := doc(y.ID, politics.DocAttachment, "HEMMELIG-VEDLEGG-2", "1", "Offl. § 23 første ledd", "HEMMELIG-INNHOLD-2")
	_, err = s.Service.Publish(ctx, "9999", a.ID, "nb", "", actor)
	must(err)
	_, err = s.Service.RecordMinutes(ctx, "9999", x.ID, politics.MinutesForm{Decision: "HEMMELIG-VEDTAK-3", For: "9", Against: "0", Abstain: "0"}, actor)
	must(err)
	_, err = s.Service.RecordMinutes(ctx, "9999", y.ID, politics.MinutesForm{Decision: "Veilysene skal skiftes."}, actor)
	must(err)

	// B: a closed meeting of the council, decided.
	b, err := s.Service.CreateMeeting(ctx, "9999", politics.MeetingForm{BodyID: "kommunestyret", Date: day.AddDate(0, 0, -2).Format("02.01.2006"),
		From: "09:00", To: "10:00", Place: "Rådhuset", Closed: "1", ClosedBasis: "Koml. § 11-5 andre ledd"}, actor)
	must(err)
	z, err := s.Service.AddItem(ctx, "9999", b.ID, politics.ItemForm{Title: "HEMMELIG-LUKKET-4", CaseID: cs.ID}, actor)
	must(err)
	zDoc := doc(z.ID, politics.DocMain, "Lukket saksframlegg", "", "", "HEMMELIG-INNHOLD-5")
	_, err = s.Service.Publish(ctx, "9999", b.ID, "nb", "", actor)
	must(err)
	_, err = s.Service.RecordMinutes(ctx, "9999", z.ID, politics.MinutesForm{Decision: "HEMMELIG-VEDTAK-6"}, actor)
	must(err)

	// C: an unpublished meeting of the executive committee.
	cm, err := s.Service.CreateMeeting(ctx, "9999", politics.MeetingForm{BodyID: "formannskapet", Date: day.AddDate(0, 0, 5).Format("02.01.2006"),
		From: "09:00", To: "10:00", Place: "Rådhuset"}, actor)
	must(err)
	w, err := s.Service.AddItem(ctx, "9999", cm.ID, politics.ItemForm{Title: "UPUBLISERT-7", CaseID: cs.ID}, actor)
	must(err)
	wDoc := doc(w.ID, politics.DocMain, "Utkast", "", "", "UPUBLISERT-INNHOLD-8")

	hidden := []string{xDoc, yDoc, zDoc, wDoc, ids.exemptDoc, ids.educExemptDoc}
	routes := []string{"/k/9999/politikk", "/k/9999/politikk/moter", "/k/9999/politikk/moter.ics", "/k/9999/politikk/folkevalgte",
		"/k/9999/politikk/mote/" + a.ID, "/k/9999/politikk/mote/" + b.ID, "/k/9999/politikk/mote/" + cm.ID, "/k/4601/politikk",
		"/oparl/v1/system", "/oparl/v1/body/9999/meeting/" + a.ID, "/oparl/v1/body/9999/agendaitem/" + x.ID, "/oparl/v1/body/9999/paper/" + x.ID,
		"/oparl/v1/body/9999/consultation/" + x.ID, "/oparl/v1/body/9999/agendaitem/" + w.ID, "/oparl/v1/body/9999/meetings?omit_internal=true",
		"/oparl/v1/body/9999/paper/" + cs.ID, "/oparl/v1/body/9999/papers",
		"/k/9999/politikk/saker", "/k/9999/politikk/sak/" + cs.ID, "/k/9999/politikk/sak/" + cs.ID + ".atom", "/k/9999/politikk/sak/" + cs.ID + "/folg",
		"/k/9999/politikk/organ/formannskapet.atom", "/k/9999/politikk/organ/kommunestyret.atom", "/k/9999/tilsett/politikk/meg"}
	for _, q := range []string{"hemmelig", "hemmelig-tittel-1", "sykefravær", "Ola Nordmann", "upublisert", "lukket", "hemmelig-vedlegg-2", "vedtak", "veilys", "utkast"} {
		routes = append(routes, "/k/9999/politikk/sok?q="+url.QueryEscape(q))
	}
	for _, d := range hidden {
		routes = append(routes, "/k/9999/politikk/dokument/"+d, "/k/9999/politikk/dokument/"+d+"/last-ned", "/oparl/v1/body/9999/file/"+d)
	}
	href := regexp.MustCompile(`(?:href|action|src)="([^"]+)"|"(https?://[^"]+)"`)
	for _, user := range []string{"", "innbygger", "saksbehandler", "annen-folkevalgt"} {
		c := s.Client(user)
		seen := map[string]bool{}
		queue := append([]string(nil), routes...)
		for _, r := range routes {
			seen[r] = true
		}
		pages := 0
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			resp, body := get(t, c, s.URL+p)
			pages++
			if m := secrets.FindString(body); m != "" {
				t.Errorf("as %q, %s (%d) shows %s", user, p, resp.StatusCode, m)
			}
			for _, d := range hidden {
				if strings.Contains(p, "/"+d) {
					if resp.StatusCode != 404 {
						t.Errorf("as %q, %s: %d", user, p, resp.StatusCode)
					}
				} else if strings.Contains(body, d) {
					t.Errorf("as %q, %s links the hidden document %s", user, p, d)
				}
			}
			for _, m := range href.FindAllStringSubmatch(body, -1) {
				link := m[1] + m[2]
				link = strings.ReplaceAll(link, "&amp;", "&")
				if u, err := url.Parse(link); err == nil && (u.Host == "" || s.URL == u.Scheme+"://"+u.Host) {
					link = u.RequestURI()
				} else {
					continue
				}
				if (strings.HasPrefix(link, "/k/9999/politikk") || strings.HasPrefix(link, "/oparl/")) && !seen[link] {
					seen[link] = true
					queue = append(queue, link)
				}
			}
		}
		if pages < 150 {
			t.Errorf("as %q: walked only %d pages", user, pages)
		}
	}
	// The digests of the case and its bodies, a day later, hold nothing
	// hidden either, and do tell of the public item.
	s.Clock.Add(25 * time.Hour)
	n, err := s.Service.Digest(ctx, s.Clock.Now())
	must(err)
	if n != 3 {
		t.Errorf("%d digests, want 3", n)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT subject, body FROM notify_mail WHERE subject LIKE 'Nytt fra politikken%'`)
	must(err)
	digests, withOpen := 0, 0
	for rows.Next() {
		var subject, body string
		must(rows.Scan(&subject, &body))
		digests++
		if m := secrets.FindString(subject + body); m != "" {
			t.Errorf("a digest shows %s:\n%s", m, body)
		}
		for _, d := range hidden {
			if strings.Contains(body, d) {
				t.Errorf("a digest links the hidden document %s", d)
			}
		}
		if strings.Contains(body, "Åpen sak om veilys") {
			withOpen++
		}
	}
	rows.Close()
	if digests != 3 || withOpen != 2 {
		t.Errorf("%d digests queued, %d with the open item; want 3 and 2 (the case and the executive committee)", digests, withOpen)
	}
	// The entitled see what is theirs: the official, who sits in the
	// executive committee and the council, their exempt documents (A, B)
	// but not the unpublished draft (C); the secretariat everything.
	for _, tt := range []struct {
		user string
		doc  string
		want int
	}{
		{"folkevalgt", xDoc, 200}, {"folkevalgt", yDoc, 200}, {"folkevalgt", zDoc, 200}, {"folkevalgt", wDoc, 404},
		{"sekretariat", xDoc, 200}, {"sekretariat", zDoc, 200}, {"sekretariat", wDoc, 200}, {"", yMain, 200},
	} {
		resp, body := get(t, s.Client(tt.user), s.URL+"/k/9999/politikk/dokument/"+tt.doc)
		if resp.StatusCode != tt.want {
			t.Errorf("%s reads %s: %d, want %d", tt.user, tt.doc, resp.StatusCode, tt.want)
		}
		if tt.want == 200 && !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("%s reads %s: not a PDF", tt.user, tt.doc)
		}
	}
	_, body := get(t, s.Client("folkevalgt"), s.URL+"/k/9999/politikk/mote/"+a.ID)
	mustContain(t, "the member's view", body, "HEMMELIG-TITTEL-1", "HEMMELIG-VEDLEGG-2", "HEMMELIG-VEDTAK-3", "unntatt offentlighet (Offl. § 23 første ledd)",
		"Du ser også dokumenter som er unntatt offentlighet")
	if resp, _ := get(t, s.Client("folkevalgt"), s.URL+"/k/9999/politikk/mote/"+a.ID); resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the member's view may be cached: %q", resp.Header.Get("Cache-Control"))
	}
}
