package server_test

import (
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestBrowserFoundation walks the foundation as a new user would, in
// headless Chromium: the deployment's index, the municipality's front page
// in three languages, error pages, a citizen's sign-in through the test
// provider to Min side, sign-out, and a case worker's sign-in to the staff
// page. axe-core checks every page at WCAG 2.0/2.1 A and AA and 2.2 AA.
func TestBrowserFoundation(t *testing.T) {
	b := browsertest.New(t)
	srv := servertest.Start(t, servertest.Options{})

	// Chromium asks for English (Accept-Language en-US), and gets it; the
	// user picks bokmål with the language switch, which a cookie keeps.
	b.Navigate(t, srv.URL+"/k/9999/")
	if text := b.Text(t); !strings.Contains(text, "Welcome to Demo kommune") {
		t.Errorf("Accept-Language en-US did not give English:\n%s", text)
	}
	b.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)

	for _, p := range []struct{ name, path, want string }{
		{"deployment index", "/", "Demo kommune"},
		{"front page", "/k/9999/", "Velkommen til Demo kommune"},
		{"front page nynorsk", "/k/9999/?lang=nn", "Velkomen til Demo kommune"},
		{"front page english", "/k/9999/?lang=en", "Welcome to Demo kommune"},
		{"page not found", "/k/9999/finnes-ikke", "Vi finner ikke siden"},
		{"unknown municipality", "/k/1234/", "Vi finner ingen kommune"},
		{"test mail", "/testepost/", "Test-e-post"},
		{"receipt check", "/k/9999/kvittering/kontroller", "Kontroller en kvittering"},
	} {
		b.Navigate(t, srv.URL+p.path)
		text := b.Text(t)
		if !strings.Contains(text, p.want) {
			t.Errorf("%s: page lacks %q:\n%s", p.name, p.want, text)
		}
		b.CheckA11y(t, p.name)
	}

	// The language switch works without JavaScript: a link, then a cookie.
	b.Navigate(t, srv.URL+"/k/9999/?lang=nb")
	b.Click(t, `//nav[@class="lang"]//a[@lang="nn"]`)
	if text := b.Text(t); !strings.Contains(text, "Velkomen til Demo kommune") {
		t.Errorf("after choosing nynorsk: %s", text)
	}
	b.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)

	// A citizen signs in: Min side sends them to the provider and back.
	b.Navigate(t, srv.URL+"/k/9999/")
	b.Click(t, `//a[@href="/k/9999/min-side"]`)
	if text := b.Text(t); !strings.Contains(text, "Test-ID-porten") && !strings.Contains(text, "TEST") {
		t.Fatalf("not at the test provider:\n%s", text)
	}
	b.CheckA11y(t, "test provider: choose a person")
	b.Click(t, `//button[contains(., "15838810028")]`)
	text := b.Text(t)
	if !strings.Contains(text, "Min side") || !strings.Contains(text, "Kari Nordmann") || !strings.Contains(text, "Hvem har sett opplysningene dine") {
		t.Fatalf("Min side after sign-in:\n%s", text)
	}
	b.CheckA11y(t, "Min side")

	// Sign-out goes through the provider and lands on the signed-out page.
	b.Click(t, `//form[contains(@action, "logg-ut")]//button`)
	text = b.Text(t)
	if !strings.Contains(text, "Du er logget ut") {
		t.Fatalf("after sign-out:\n%s", text)
	}
	b.CheckA11y(t, "signed out")

	// A case worker signs in through the staff provider.
	b.Navigate(t, srv.URL+"/k/9999/tilsett/logg-inn")
	b.Click(t, `//button[contains(., "nora.solberg@demo.kommune.no")]`)
	text = b.Text(t)
	if !strings.Contains(text, "For ansatte") || !strings.Contains(text, "Saksbehandler") {
		t.Fatalf("staff page:\n%s", text)
	}
	b.CheckA11y(t, "staff page")
}
