package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/outbox"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// submitKindergarten fills in and sends the kindergarten form as the
// signed-in client c and returns the receipt page's URL.
func submitKindergarten(t *testing.T, srv *servertest.Server, c *http.Client) string {
	t.Helper()
	base := srv.URL + "/k/9999/"
	f := &formFlow{t: t, srv: srv, c: c, page: base + "skjema/barnehageplass"}
	f.post(nil, http.StatusSeeOther)
	f.post(url.Values{"address.street": {"Storgata 1"}, "address.postal_code": {"0155"}, "address.postal_town": {"Oslo"},
		"phone": {"912 34 567"}, "email": {"kari@example.no"}}, http.StatusSeeOther)
	f.post(url.Values{"children.0.child_name": {"Emma Nordmann"}, "children.0.child_fnr": {childFNR(t, time.Date(2023, 4, 12, 0, 0, 0, 0, time.UTC))},
		"children.0.birth_date": {"12.04.2023"}, "children.0.needs_support": {"false"}}, http.StatusSeeOther)
	f.post(url.Values{"start_date": {time.Now().AddDate(0, 2, 0).Format("02.01.2006")}, "kindergartens": {"trollskogen"}, "has_sibling": {"false"}}, http.StatusSeeOther)
	f.post(url.Values{"apply_reduction": {"false"}}, http.StatusSeeOther)
	f.page = strings.Replace(f.page, "oppsummering", "send", 1)
	f.post(nil, http.StatusSeeOther)
	return f.page
}

// runSubscribers hands the outbox's due work to the subscribers now,
// rather than waiting for the background loop.
func runSubscribers(t *testing.T, srv *servertest.Server) {
	t.Helper()
	if _, err := srv.Outbox.HandleDue(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), outbox.SubscriberOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestCaseHandling follows Kari's kindergarten application through case
// handling: it becomes a case in the inbox, a case worker takes it, writes
// a note and a question, Kari answers on Min side, and the decision
// closes the case. Notes never reach Kari, Ola cannot open her case, a
// decision without a legal basis is refused, and Kari sees on Min side
// that the case worker opened her case.
func TestCaseHandling(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			srv := servertest.Start(t, servertest.Options{Postgres: pg})
			base := srv.URL + "/k/9999/"
			kari := servertest.Client(t)
			servertest.SignIn(t, kari, base+"logg-inn", "15838810028")
			submitKindergarten(t, srv, kari)
			runSubscribers(t, srv)

			nora := servertest.Client(t)
			servertest.SignIn(t, nora, base+"tilsett/logg-inn", "nora.solberg@demo.kommune.no")
			resp, body := servertest.Get(t, nora, base+"tilsett/saker")
			link := regexp.MustCompile(`href="/k/9999/tilsett/saker/([0-9a-f-]{36})">(\d{4}/\d+)<`).FindStringSubmatch(body)
			if resp.StatusCode != 200 || link == nil || !strings.Contains(body, "Søknad om barnehageplass – Kari Nordmann") {
				t.Fatalf("inbox (%d):\n%s", resp.StatusCode, body)
			}
			caseURL := base + "tilsett/saker/" + link[1]
			if resp, _ := servertest.Get(t, nora, base+"tilsett/saker?status=bogus"); resp.StatusCode != 400 {
				t.Errorf("unknown inbox filter: %d", resp.StatusCode)
			}
			if resp, _ := servertest.Get(t, nora, base+"tilsett/saker/00000000-0000-4000-8000-000000000000"); resp.StatusCode != 404 {
				t.Errorf("a guessed case id: %d", resp.StatusCode)
			}
			if _, body = servertest.Get(t, nora, caseURL); !strings.Contains(body, "Innsending") || !strings.Contains(body, "Barnehagekontoret") {
				t.Errorf("case view:\n%s", body)
			}
			for _, step := range []struct {
				path   string
				form   url.Values
				status int
			}{
				{"/tildel", nil, 303},
				{"/notat", url.Values{"tekst": {""}}, 422},
				{"/notat", url.Values{"tekst": {"Ringte barnehagen: plass i august er sannsynlig."}}, 303},
				{"/brev", url.Values{"tittel": {"Spørsmål om oppstart"}, "tekst": {"Kan Emma begynne 1. august?"}}, 303},
				{"/brev", url.Values{"tittel": {"Vedtak"}, "tekst": {"Du får plass."}, "vedtak": {"1"}}, 422},
			} {
				if resp, body := servertest.PostForm(t, nora, caseURL+step.path, step.form); resp.StatusCode != step.status {
					t.Fatalf("POST %s %v: %d, want %d\n%s", step.path, step.form, resp.StatusCode, step.status, body)
				}
			}
			// Taking the case makes Nora its saksansvarlig in the record,
			// with the change in the change log.
			if m, err := srv.Archive.Case(context.Background(), "9999", link[1]); err != nil || m.Saksansvarlig != "Nora Solberg" {
				t.Errorf("saksansvarlig after taking the case: %q, %v", m.Saksansvarlig, err)
			}

			// Kari reads the letter on Min side and answers; the note is
			// not there.
			_, body = servertest.Get(t, kari, base+"min-side")
			if !strings.Contains(body, "1 nye brev") || !strings.Contains(body, "min-side/saker/"+link[1]) {
				t.Fatalf("Min side:\n%s", body)
			}
			_, body = servertest.Get(t, kari, base+"min-side/saker/"+link[1])
			if !strings.Contains(body, "Kan Emma begynne 1. august?") || strings.Contains(body, "Ringte barnehagen") {
				t.Fatalf("Kari's case page:\n%s", body)
			}
			if resp, _ := servertest.PostForm(t, kari, base+"min-side/saker/"+link[1]+"/svar", url.Values{"svar": {" "}}); resp.StatusCode != 422 {
				t.Errorf("empty reply: %d", resp.StatusCode)
			}
			if resp, _ := servertest.PostForm(t, kari, base+"min-side/saker/"+link[1]+"/svar", url.Values{"svar": {"Ja, 1. august passer."}}); resp.StatusCode != 303 {
				t.Errorf("reply: %d", resp.StatusCode)
			}
			ola := servertest.Client(t)
			servertest.SignIn(t, ola, base+"logg-inn", "02917510108")
			if resp, _ := servertest.Get(t, ola, base+"min-side/saker/"+link[1]); resp.StatusCode != 404 {
				t.Errorf("Ola opens Kari's case: %d", resp.StatusCode)
			}
			if resp, _ := servertest.PostForm(t, ola, base+"min-side/saker/"+link[1]+"/svar", url.Values{"svar": {"hei"}}); resp.StatusCode != 404 {
				t.Errorf("Ola answers in Kari's case: %d", resp.StatusCode)
			}

			if _, body = servertest.Get(t, nora, caseURL); !strings.Contains(body, "Ja, 1. august passer.") {
				t.Errorf("the reply is not in the case:\n%s", body)
			}
			if resp, body := servertest.PostForm(t, nora, caseURL+"/brev", url.Values{"tittel": {"Vedtak om barnehageplass"}, "tekst": {"Emma får plass i Trollskogen fra 1. august."},
				"vedtak": {"1"}, "hjemmel": {"Barnehageloven § 16"}, "klage": {"Du kan klage innen tre uker."}}); resp.StatusCode != 303 {
				t.Fatalf("decision: %d\n%s", resp.StatusCode, body)
			}
			if _, body = servertest.Get(t, kari, base+"min-side/saker/"+link[1]); !strings.Contains(body, "Avsluttet") || !strings.Contains(body, "Barnehageloven § 16") ||
				strings.Contains(body, `name="svar"`) {
				t.Errorf("closed case for Kari:\n%s", body)
			}
			if _, body = servertest.Get(t, kari, base+"min-side"); !strings.Contains(body, "Nora Solberg") {
				t.Error("Kari does not see that Nora opened her case")
			}
			// The acknowledgement and two letter notices.
			if mails := srv.TestMail.Wait(3, 15*time.Second); len(mails) < 3 {
				t.Errorf("%d mails", len(mails))
			}
		})
	}
}
