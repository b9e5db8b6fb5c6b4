package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
	if text := pageText(t, b); !strings.Contains(text, "Welcome to Demo kommune") {
		t.Errorf("Accept-Language en-US did not give English:\n%s", text)
	}
	click(t, b, `//nav[@class="lang"]//a[@lang="nb"]`)

	for _, p := range []struct{ name, path, want string }{
		{"deployment index", "/", "Demo kommune"},
		{"front page", "/k/9999/", "Velkommen til Demo kommune"},
		{"front page nynorsk", "/k/9999/?lang=nn", "Velkomen til Demo kommune"},
		{"front page english", "/k/9999/?lang=en", "Welcome to Demo kommune"},
		{"page not found", "/k/9999/finnes-ikke", "Vi finner ikke siden"},
		{"unknown municipality", "/k/1234/", "Vi finner ingen kommune"},
		{"test mail", "/testepost/", "Test-e-post"},
	} {
		b.Navigate(t, srv.URL+p.path)
		text := pageText(t, b)
		if !strings.Contains(text, p.want) {
			t.Errorf("%s: page lacks %q:\n%s", p.name, p.want, text)
		}
		b.CheckA11y(t, p.name)
	}

	// The language switch works without JavaScript: a link, then a cookie.
	b.Navigate(t, srv.URL+"/k/9999/?lang=nb")
	click(t, b, `//nav[@class="lang"]//a[@lang="nn"]`)
	if text := pageText(t, b); !strings.Contains(text, "Velkomen til Demo kommune") {
		t.Errorf("after choosing nynorsk: %s", text)
	}
	click(t, b, `//nav[@class="lang"]//a[@lang="nb"]`)

	// A citizen signs in: Min side sends them to the provider and back.
	b.Navigate(t, srv.URL+"/k/9999/")
	click(t, b, `//a[@href="/k/9999/min-side"]`)
	if text := pageText(t, b); !strings.Contains(text, "Test-ID-porten") && !strings.Contains(text, "TEST") {
		t.Fatalf("not at the test provider:\n%s", text)
	}
	b.CheckA11y(t, "test provider: choose a person")
	click(t, b, `//button[contains(., "15838810028")]`)
	text := pageText(t, b)
	if !strings.Contains(text, "Min side") || !strings.Contains(text, "Kari Nordmann") || !strings.Contains(text, "Hvem har sett opplysningene dine") {
		t.Fatalf("Min side after sign-in:\n%s", text)
	}
	b.CheckA11y(t, "Min side")

	// Sign-out goes through the provider and lands on the signed-out page.
	click(t, b, `//form[contains(@action, "logg-ut")]//button`)
	text = pageText(t, b)
	if !strings.Contains(text, "Du er logget ut") {
		t.Fatalf("after sign-out:\n%s", text)
	}
	b.CheckA11y(t, "signed out")

	// A case worker signs in through the staff provider.
	b.Navigate(t, srv.URL+"/k/9999/tilsett/logg-inn")
	click(t, b, `//button[contains(., "nora.solberg@demo.kommune.no")]`)
	text = pageText(t, b)
	if !strings.Contains(text, "For ansatte") || !strings.Contains(text, "Saksbehandler") {
		t.Fatalf("staff page:\n%s", text)
	}
	b.CheckA11y(t, "staff page")
}

func pageText(t *testing.T, b *browsertest.Browser) string {
	t.Helper()
	settle(t, b)
	s, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatalf("read page: %v", err)
	}
	return s
}

// settle waits until the tab has finished loading and its address has
// stayed the same for a moment: a click on a link that redirects (303)
// reports its first response before the page it ends on has loaded.
func settle(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	type state struct {
		Ready string `json:"ready"`
		Href  string `json:"href"`
	}
	var last state
	stable := 0
	for range 100 {
		st, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[state](`({ready: document.readyState, href: location.href})`))
		if err == nil && st.Ready == "complete" && st.Href == last.Href {
			if stable++; stable == 2 {
				return
			}
		} else {
			stable = 0
		}
		if err == nil {
			last = st
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page did not settle (last at %s)", last.Href)
}

// click clicks the element an XPath finds and waits for the page it leads
// to.
func click(t *testing.T, b *browsertest.Browser, xpath string) {
	t.Helper()
	if _, err := chromedp.RunResponse(b.Ctx(), chromedp.Click(xpath)); err != nil {
		loc, _ := chromedp.Run(b.Ctx(), chromedp.Location())
		t.Fatalf("click %s on %s: %v", xpath, loc, err)
	}
	settle(t, b)
}
