package catalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestBrowserCatalog opens the catalogue's pages in headless Chromium and
// lets axe-core check each at WCAG 2.0/2.1 A and AA and 2.2 AA, then
// searches from the front page as a citizen would, without JavaScript of
// our own.
func TestBrowserCatalog(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(4*time.Minute))
	srv := servertest.Start(t, servertest.Options{})
	for _, p := range []struct{ name, path, want string }{
		{"front page", "/k/9999/?lang=nb", "Hva leter du etter?"},
		{"catalogue", "/k/9999/tjenester?lang=nb", "Familie og barn"},
		{"catalogue in nynorsk", "/k/9999/tjenester?lang=nn", "Bustad og eigedom"},
		{"catalogue in English", "/k/9999/tjenester?lang=en", "Family and children"},
		{"life situation", "/k/9999/tjenester/familie-og-barn?lang=nb", "Søknad om barnehageplass"},
		{"service", "/k/9999/tjeneste/soknad-om-barnehageplass?lang=nb", "Dette kan du forvente"},
		{"service in English", "/k/9999/tjeneste/soknad-om-skoleskyss?lang=en", "What you can expect"},
		{"information page", "/k/9999/info/opptak-i-barnehage?lang=nb", "Slik foregår opptaket"},
		{"search form", "/k/9999/sok?lang=nb", "Søk etter tjenester og informasjon"},
		{"search results", "/k/9999/sok?q=barnehage&lang=nb", "treff på «barnehage»"},
		{"search results in nynorsk", "/k/9999/sok?q=skule&lang=nn", "Søknad om skuleskyss"},
		{"search without results", "/k/9999/sok?q=xyzzy&lang=nb", "Vi fant ingen treff"},
		{"search refused", "/k/9999/sok?q=og&lang=nb", "Søket inneholder ingen ord"},
		{"unknown service", "/k/9999/tjeneste/finnes-ikke?lang=nb", "Vi finner ikke denne tjenesten"},
	} {
		b.Navigate(t, srv.URL+p.path)
		if text := b.Text(t); !strings.Contains(text, p.want) {
			t.Errorf("%s: page lacks %q:\n%s", p.name, p.want, text)
		}
		b.CheckA11y(t, p.name)
	}

	// Search from the front page with the form, in bokmål chosen with the
	// language switch (a cookie).
	b.Navigate(t, srv.URL+"/k/9999/sprak?lang=nb")
	if _, err := chromedp.Run(b.Ctx(), chromedp.SendKeys(chromedp.CSS(`#q`), "skoleskyss")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.Ctx(), chromedp.Click(chromedp.CSS(`form[role="search"] button`))); err != nil {
		t.Fatal(err)
	}
	text := b.Text(t)
	if !strings.Contains(text, "treff på «skoleskyss».") || !strings.Contains(text, "Søknad om skoleskyss") {
		t.Fatalf("after searching from the front page:\n%s", text)
	}
	// Follow the result to the service page.
	if _, err := chromedp.RunResponse(b.Ctx(), chromedp.Click(chromedp.CSS(`ol.results a`))); err != nil {
		t.Fatal(err)
	}
	if text := b.Text(t); !strings.Contains(text, "Du får svar innen 21 dager.") {
		t.Fatalf("the service page:\n%s", text)
	}
}
