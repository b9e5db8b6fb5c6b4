package initiatives_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	it "github.com/torg-ekommune/torg/internal/initiatives/initiativestest"
)

// TestBrowser walks the module in headless Chromium and lets axe-core
// judge every page: a resident starts an initiative (with a mistake
// first), another signs it and checks the receipt in the public list, and
// the secretariat opens the export form; the list in all three languages.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(4*time.Minute))
	s := it.Start(t, it.Options{Residents: []string{it.KariPID, it.OlaPID, it.PerPID}})
	want := func(what string, texts ...string) {
		t.Helper()
		text := b.Text(t)
		for _, w := range texts {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", what, w, text)
			}
		}
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b.Ctx(), actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	signIn := func(user, next string) {
		b.Navigate(t, s.URL+"/test/logg-inn?som="+user+"&neste="+url.QueryEscape(next))
		b.Settle(t)
	}
	b.Navigate(t, s.URL+"/k/9999/sprak?lang=nb")

	signIn("innbygger", "/k/9999/initiativ")
	want("list", "Innbyggerinitiativ", "Det er ingen initiativer ennå.")
	b.CheckA11y(t, "empty list")
	b.Click(t, `//a[contains(., "Start et initiativ")]`)
	b.CheckA11y(t, "start form")
	run("a short title", chromedp.SetValue(chromedp.CSS(`#tittel`), "Lys"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("start with errors", "Det er noe du må rette", "Tittelen må ha minst 5 tegn.", "Skriv forslaget.")
	b.CheckA11y(t, "start form with errors")
	run("fix it", chromedp.SetValue(chromedp.CSS(`#tittel`), "Lys i lysløypa"),
		chromedp.SetValue(chromedp.CSS(`#tekst`), "Vi foreslår at lysløypa på Åsen får lys hele vinteren.\n\nDet gir tryggere turer."))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("initiative", "Lys i lysløypa", "Initiativet er startet.", "Underskrifter: 0 av 1 som trengs")
	b.CheckA11y(t, "initiative page for the initiator")
	page, err := chromedp.Run(b.Ctx(), chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	page = strings.TrimPrefix(page, s.URL)
	signIn("ola", page)
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("receipt", "Takk, du har signert", "Kvitteringen din")
	b.CheckA11y(t, "receipt")
	b.Click(t, `//a[contains(., "Finn koden din")]`)
	want("check", "Koden er med i listen.")
	b.CheckA11y(t, "commitment list with a found code")
	run("a bad code", chromedp.SetValue(chromedp.CSS(`#kode`), "<script>"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("bad code", "Skriv koden fra kvitteringen")
	b.CheckA11y(t, "commitment list with an error")
	b.Navigate(t, s.URL+page)
	want("signed page", "Du har signert dette initiativet.", "PS 1/26")
	b.CheckA11y(t, "initiative page with a political case")

	signIn("sekretariat", "/k/9999/tilsett/initiativ")
	want("staff list", "Lys i lysløypa")
	b.CheckA11y(t, "secretariat's list")
	b.Click(t, `//a[contains(., "Lys i lysløypa")]`)
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("export without purpose", "Skriv hvorfor du laster ned listen.")
	b.CheckA11y(t, "secretariat's page with an error")

	for _, lang := range []string{"nn", "en"} {
		b.Navigate(t, s.URL+"/k/9999/sprak?lang="+lang)
		b.Navigate(t, s.URL+"/k/9999/initiativ")
		b.CheckA11y(t, "list in "+lang)
	}
}
