package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestCaseRouting: the administrator restricts the kindergarten service's
// cases to one named case worker (the archivist Per Arne Dahl) and a unit
// of its own. Kari's application then reaches Per's inbox with that unit,
// while Nora, another case worker, neither sees it in her inbox nor can
// open it or write in it, and each attempt is in the audit log. Bad input
// on the routing page is refused with the reason next to the field.
func TestCaseRouting(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			srv := servertest.Start(t, servertest.Options{Postgres: pg})
			base := srv.URL + "/k/9999/"
			tor := servertest.Client(t)
			servertest.SignIn(t, tor, base+"tilsett/logg-inn", "tor.aasen@demo.kommune.no")
			nora := servertest.Client(t)
			servertest.SignIn(t, nora, base+"tilsett/logg-inn", "nora.solberg@demo.kommune.no")
			per := servertest.Client(t)
			servertest.SignIn(t, per, base+"tilsett/logg-inn", "per.arne.dahl@demo.kommune.no")

			if resp, _ := servertest.Get(t, nora, base+"tilsett/saker/ruting"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a case worker opens the routing page: %d", resp.StatusCode)
			}
			resp, body := servertest.Get(t, tor, base+"tilsett/saker/ruting")
			if resp.StatusCode != 200 || !strings.Contains(body, `name="skjema" value="barnehageplass"`) {
				t.Fatalf("routing page (%d):\n%s", resp.StatusCode, body)
			}
			for _, tc := range []struct {
				name   string
				form   url.Values
				status int
				want   string
			}{
				{"not an address", url.Values{"skjema": {"barnehageplass"}, "personar": {"per.arne.dahl"}}, 422, "Skriv gyldige e-postadresser"},
				{"a LIKE wildcard", url.Values{"skjema": {"barnehageplass"}, "personar": {"%@demo.kommune.no"}}, 422, "Skriv gyldige e-postadresser"},
				{"unit too long", url.Values{"skjema": {"barnehageplass"}, "eining": {strings.Repeat("x", 201)}}, 422, "Teksten er for lang"},
				{"unknown form", url.Values{"skjema": {"finst-ikkje"}, "eining": {"X"}}, 404, "finner ikke dette skjemaet"},
				{"the rule", url.Values{"skjema": {"barnehageplass"}, "eining": {"Barnevern og barnehage, skjermet"},
					"personar": {"Per.Arne.Dahl@demo.kommune.no\nper.arne.dahl@demo.kommune.no"}}, 303, ""},
			} {
				resp, body := servertest.PostForm(t, tor, base+"tilsett/saker/ruting", tc.form)
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d, want %d with %q\n%s", tc.name, resp.StatusCode, tc.status, tc.want, body)
				}
			}
			if _, body := servertest.Get(t, tor, base+"tilsett/saker/ruting"); !strings.Contains(body, ">per.arne.dahl@demo.kommune.no</textarea>") {
				t.Errorf("the saved rule is not shown (one address, lower case):\n%s", body)
			}

			kari := servertest.Client(t)
			servertest.SignIn(t, kari, base+"logg-inn", "15838810028")
			submitKindergarten(t, srv, kari)
			runSubscribers(t, srv)

			_, body = servertest.Get(t, per, base+"tilsett/saker")
			link := regexp.MustCompile(`href="/k/9999/tilsett/saker/([0-9a-f-]{36})">`).FindStringSubmatch(body)
			if link == nil {
				t.Fatalf("Per's inbox lacks the restricted case:\n%s", body)
			}
			caseURL := base + "tilsett/saker/" + link[1]
			if _, body := servertest.Get(t, per, caseURL); !strings.Contains(body, "Barnevern og barnehage, skjermet") || !strings.Contains(body, "Skjermet sak") {
				t.Errorf("Per's case view lacks the unit or the restriction:\n%s", body)
			}
			if _, body := servertest.Get(t, nora, base+"tilsett/saker?status=all"); strings.Contains(body, link[1]) || strings.Contains(body, "Kari Nordmann") {
				t.Errorf("Nora's inbox shows the restricted case:\n%s", body)
			}
			if resp, body := servertest.Get(t, nora, caseURL); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "bare navngitte saksbehandlere") ||
				strings.Contains(body, "Kari Nordmann") {
				t.Errorf("Nora opens the restricted case: %d\n%s", resp.StatusCode, body)
			}
			for _, p := range []struct {
				path string
				form url.Values
			}{{"/tildel", nil}, {"/notat", url.Values{"tekst": {"hei"}}}, {"/brev", url.Values{"tittel": {"Hei"}, "tekst": {"Hei"}}}} {
				if resp, _ := servertest.PostForm(t, nora, caseURL+p.path, p.form); resp.StatusCode != http.StatusForbidden {
					t.Errorf("Nora POSTs %s in the restricted case: %d", p.path, resp.StatusCode)
				}
			}
			entries, err := srv.Audit.List(context.Background(), "9999", 0, 10000)
			if err != nil {
				t.Fatal(err)
			}
			denied := 0
			for _, e := range entries {
				if e.Action == "case.denied" && e.ActorID == "email:nora.solberg@demo.kommune.no" {
					denied++
				}
				if e.Action == "case.read" && e.ActorID == "email:nora.solberg@demo.kommune.no" {
					t.Errorf("Nora's refused opening is recorded as a read: %+v", e)
				}
			}
			if denied != 4 {
				t.Errorf("%d refusals in the audit log, want 4", denied)
			}
			if resp, _ := servertest.PostForm(t, per, caseURL+"/tildel", nil); resp.StatusCode != 303 {
				t.Errorf("Per takes the case: %d", resp.StatusCode)
			}
		})
	}
}
