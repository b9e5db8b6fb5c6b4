package innsyn_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/innsyn/innsyntest"
)

// TestBrowser walks a request in headless Chromium and lets axe-core judge
// every page it visits: a citizen asks to see three entries (a bad address
// first), gets the receipt and the status page; the archivist finds the
// request in the queue, tries to grant the screened entry in full and is
// refused, uploads a redacted copy of it, grants and refuses the others;
// the citizen sees the decisions and the granted document's link; and the
// statistics; the request page also in nynorsk and English.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(5*time.Minute))
	s := innsyntest.Start(t, innsyntest.Options{})
	e := s.Entries
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b.Ctx(), actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	want := func(what string, texts ...string) {
		t.Helper()
		text := b.Text(t)
		for _, w := range texts {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", what, w, text)
			}
		}
	}
	signIn := func(user, next string) {
		b.Navigate(t, s.URL+"/test/logg-inn?som="+user+"&neste="+url.QueryEscape(next))
		b.Settle(t)
	}
	b.Navigate(t, s.URL+"/k/9999/sprak?lang=nb")

	// The citizen's request (the public journal's form redirects here).
	ask := "/k/9999/innsyn?" + url.Values{"jp": {e.Open, e.Screened, e.Open2}}.Encode()
	b.Navigate(t, s.URL+ask)
	want("request page", "Be om innsyn", "Søknad om skoleskyss", "Svar om skoleskyss")
	b.CheckA11y(t, "request page")
	run("a bad address", chromedp.SetValue(chromedp.CSS(`#epost`), "kari@example"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("request with a bad address", "Rett dette før du går videre", "Skriv en gyldig e-postadresse")
	b.CheckA11y(t, "request page with an error")
	run("a good address", chromedp.SetValue(chromedp.CSS(`#epost`), "kari@example.no"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("receipt", "Innsynskravet er sendt", "26.11.2026", "kari@example.no")
	b.CheckA11y(t, "receipt")
	b.Click(t, `//main//a[contains(@href, "/innsyn/status/")]`)
	status, err := chromedp.Run(b.Ctx(), chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	want("status page", "Under behandling")
	b.CheckA11y(t, "status page, open")

	// The archivist decides.
	signIn("arkivar", "/k/9999/tilsett/innsyn")
	want("queue", "Innsynskrav (1)", innsyntest.UnitBuilding+", "+innsyntest.UnitSchool)
	b.CheckA11y(t, "queue")
	b.Click(t, `//main//table//a`)
	want("request", "Helseopplysninger om Kari Nordmann", "Skjermet")
	b.CheckA11y(t, "staff request page")
	run("grant the screened entry", chromedp.Click(`#l2-vedtak-granted`))
	b.Click(t, `//form[@id="l2-skjema"]//button[@type="submit"]`)
	want("screened grant refused", "kan ikke gis ut i sin helhet")
	b.CheckA11y(t, "staff request page with an error")
	dir := t.TempDir()
	copyFile := filepath.Join(dir, "sladda.pdf")
	os.WriteFile(copyFile, pdf(3000), 0o600)
	run("partly, with a copy", chromedp.Click(`#l2-vedtak-partly`), chromedp.SetValue(chromedp.CSS(`#l2-hjemmel`), "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"),
		chromedp.SetUploadFiles(chromedp.CSS(`#l2-fil`), []string{copyFile}))
	b.Click(t, `//form[@id="l2-skjema"]//button[@type="submit"]`)
	want("partly saved", "Avgjørelsen for journalpost 2 er lagret og sendt.")
	run("grant the first", chromedp.Click(`#l1-vedtak-granted`))
	b.Click(t, `//form[@id="l1-skjema"]//button[@type="submit"]`)
	run("refuse the third", chromedp.Click(`#l3-vedtak-refused`), chromedp.SetValue(chromedp.CSS(`#l3-hjemmel`), "Offl. § 14"))
	b.Click(t, `//form[@id="l3-skjema"]//button[@type="submit"]`)
	want("all decided", "Innsyn gitt", "Delvis innsyn (sladdet kopi)", "Innsyn avslått")
	b.CheckA11y(t, "staff request page, answered")
	b.Navigate(t, s.URL+"/k/9999/tilsett/innsyn/statistikk?fra=2026-11-01&til=2026-11-30")
	want("statistics", "Statistikk for innsynskrav", innsyntest.UnitBuilding, "100 %")
	b.CheckA11y(t, "statistics")

	// The citizen sees the answer.
	signIn("", strings.TrimPrefix(status, s.URL))
	want("status page, answered", "Innsyn gitt", "Delvis innsyn (sladdet kopi)", "Innsyn avslått", "Offl. § 14", "brev.pdf", "sladda.pdf")
	b.CheckA11y(t, "status page, answered")
	html, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`document.querySelector("main").innerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`href="(/k/9999/innsyn/status/[^"]+/dokument/1/[^"]+)"`).FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no link to the granted document")
	}
	if resp, body := get(t, s.Client(""), s.URL+m[1]); resp.StatusCode != 200 || body != string(s.DocContent) {
		t.Errorf("the granted document: %d", resp.StatusCode)
	}

	// A signed-in citizen finds a request on Min side.
	signIn("innbygger", ask)
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("receipt, signed in", "Innsynskravet er sendt", "Min side")
	b.Click(t, `//main//a[contains(@href, "min-side/innsyn")]`)
	want("Min side list", "Mine innsynskrav")
	b.CheckA11y(t, "Min side list")
	b.Click(t, `//main//table//a`)
	want("Min side status", "Under behandling")
	b.CheckA11y(t, "Min side status")

	// The request page in the other languages.
	for _, lang := range []string{"nn", "en"} {
		b.Navigate(t, s.URL+"/k/9999/sprak?lang="+lang)
		b.Navigate(t, s.URL+ask)
		b.CheckA11y(t, "request page in "+lang)
	}
	want("request page in English", "Request access")
}
