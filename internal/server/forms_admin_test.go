package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestFormAdmin has the demo's administrator refuse a broken definition
// (every problem with its path), preview and publish a changed one as a
// new version, and another municipality adopt a form from the library.
func TestFormAdmin(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	base := srv.URL + "/k/9999/"
	admin := servertest.Client(t)
	servertest.SignIn(t, admin, base+"tilsett/logg-inn", "tor.aasen@demo.kommune.no")

	resp, body := servertest.Get(t, admin, base+"tilsett/skjema")
	for _, want := range []string{"Søknad om barnehageplass", "Kontakt kommunen", "Felles skjemabibliotek", "Hent «Søknad om skoleskyss»"} {
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("form list (%d) lacks %q", resp.StatusCode, want)
		}
	}

	broken := `{"id": "Kontakt", "title": {"nb": "X"}, "assurance": "maybe", "pages": [], "extra": 1}`
	resp, body = servertest.PostForm(t, admin, base+"tilsett/skjema/rediger", url.Values{"definisjon": {broken}, "handling": {"publish"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>extra</code>") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("broken definition: %d\n%s", resp.StatusCode, body)
	}

	changed := strings.Replace(string(formdef.Library()["kontakt"]), "Kontakt kommunen", "Skriv til kommunen", 1)
	resp, body = servertest.PostForm(t, admin, base+"tilsett/skjema/rediger", url.Values{"definisjon": {changed}, "handling": {"preview"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "Forhåndsvisning") || !strings.Contains(body, "Skriv til kommunen") {
		t.Errorf("preview: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = servertest.PostForm(t, admin, base+"tilsett/skjema/rediger", url.Values{"definisjon": {changed}, "handling": {"publish"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(servertest.Location(t, resp), "/tilsett/skjema/rediger/kontakt?publisert=2") {
		t.Fatalf("publish: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = servertest.Get(t, admin, srv.URL+"/k/9999/skjema/kontakt"); !strings.Contains(body, "Skriv til kommunen") {
		t.Error("the citizen's page does not show the new version")
	}

	// Bad input from the admin pages.
	for _, tt := range []struct {
		path   string
		form   url.Values
		status int
	}{
		{"tilsett/skjema/adopter", url.Values{"kommune": {"9999"}, "skjema": {"kontakt"}, "versjon": {"abc"}}, 400},
		{"tilsett/skjema/adopter", url.Values{"kommune": {"9999"}, "skjema": {"finnes-ikke"}, "versjon": {"1"}}, 404},
		{"tilsett/skjema/del/finnes-ikke", nil, 404},
		{"tilsett/skjema/rediger", url.Values{"definisjon": {""}, "handling": {"preview"}}, 422},
	} {
		if resp, body := servertest.PostForm(t, admin, base+tt.path, tt.form); resp.StatusCode != tt.status {
			t.Errorf("POST %s %v: %d, want %d\n%s", tt.path, tt.form, resp.StatusCode, tt.status, body)
		}
	}
	if _, body := servertest.Get(t, admin, base+"tilsett"); !strings.Contains(body, `href="/k/9999/tilsett/skjema"`) || strings.Contains(body, `href="/k/9999/tilsett/saker"`) {
		t.Errorf("the administrator's staff page does not link to (only) their work:\n%s", body)
	}

	// A case worker is not an administrator.
	cw := servertest.Client(t)
	servertest.SignIn(t, cw, base+"tilsett/logg-inn", "nora.solberg@demo.kommune.no")
	if resp, _ := servertest.Get(t, cw, base+"tilsett/skjema"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("case worker on the admin page: %d", resp.StatusCode)
	}
	if resp, _ := servertest.PostForm(t, cw, base+"tilsett/skjema/rediger", url.Values{"definisjon": {changed}, "handling": {"publish"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("case worker publishes: %d", resp.StatusCode)
	}

	// Bergen adopts the kindergarten form from the library.
	srv.AddTenant(t, "4601", "Bergen")
	p, err := srv.Forms.Adopt(t.Context(), "4601", "9999", "barnehageplass", 1, auditActor())
	if err != nil || p.AdoptedFrom != "9999/barnehageplass/1" {
		t.Fatalf("adopt = %+v, %v", p, err)
	}
	if resp, _ := servertest.Get(t, servertest.Client(t), srv.URL+"/k/4601/skjema/barnehageplass"); resp.StatusCode != 200 {
		t.Errorf("Bergen's adopted form: %d", resp.StatusCode)
	}
}

func auditActor() audit.Entry { return audit.Entry{ActorID: "test", ActorName: "test", Role: "system"} }
