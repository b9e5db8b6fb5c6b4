package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestBrowserCaseJourney: Kari's kindergarten application (sent over
// HTTP) reaches the case worker's inbox; in Chromium the case worker takes
// the case and asks a question, Kari answers on Min side, and the case
// worker decides. Then an outsider finds the case's entries, anonymised,
// in the public journal and asks for access, and the archivist answers.
// axe-core checks every page on the way.
func TestBrowserCaseJourney(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	kari := servertest.Client(t)
	servertest.SignIn(t, kari, srv.URL+"/k/9999/logg-inn", "15838810028")
	submitKindergarten(t, srv, kari)
	runSubscribers(t, srv)

	b := browsertest.New(t)
	ctx := b.Ctx()
	fill := func(id, v string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.SetValue(`//*[@id="`+id+`"]`, v)); err != nil {
			t.Fatalf("fill %s: %v", id, err)
		}
	}
	expect := func(name string, wants ...string) {
		t.Helper()
		text := b.Text(t)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", name, w, text)
			}
		}
		b.CheckA11y(t, name)
	}

	b.Navigate(t, srv.URL+"/k/9999/tilsett/logg-inn")
	b.Click(t, `//button[contains(., "nora.solberg@demo.kommune.no")]`)
	b.Navigate(t, srv.URL+"/k/9999/tilsett/saker")
	b.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	expect("inbox", "Innboks", "Søknad om barnehageplass – Kari Nordmann")
	b.Click(t, `//main//table//a`)
	expect("case", "Journalposter i saken", "Innsending")
	b.Click(t, `//button[contains(., "Ta saken")]`)
	fill("brev-tittel", "Spørsmål om oppstart")
	fill("brev-tekst", "Kan Emma begynne 1. august?")
	b.Click(t, `//button[contains(., "Send")][@class="primary"]`)
	expect("letter sent", "Brevet er sendt", "Spørsmål om oppstart")
	caseURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	caseID := caseURL[strings.LastIndexByte(caseURL, '/')+1:]

	// Kari, in a fresh browser session, answers on Min side.
	kb := browsertest.New(t)
	kb.Navigate(t, srv.URL+"/k/9999/min-side")
	kb.Click(t, `//button[contains(., "15838810028")]`)
	kb.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	if text := kb.Text(t); !strings.Contains(text, "1 nye brev") {
		t.Fatalf("Min side:\n%s", text)
	}
	kb.CheckA11y(t, "Min side with a letter")
	kb.Click(t, `//a[contains(@href, "min-side/saker/`+caseID+`")]`)
	if text := kb.Text(t); !strings.Contains(text, "Kan Emma begynne 1. august?") {
		t.Fatalf("Kari's case:\n%s", text)
	}
	kb.CheckA11y(t, "citizen's case")
	kb.Click(t, `//button[contains(., "Send svar")]`)
	if text := kb.Text(t); !strings.Contains(text, "Skriv noe her") {
		t.Fatalf("empty answer:\n%s", text)
	}
	kb.CheckA11y(t, "citizen's case with an error")
	if _, err := chromedp.Run(kb.Ctx(), chromedp.SetValue(`//*[@id="svar"]`, "Ja, 1. august passer fint.")); err != nil {
		t.Fatal(err)
	}
	kb.Click(t, `//button[contains(., "Send svar")]`)
	if text := kb.Text(t); !strings.Contains(text, "Svaret ditt er sendt") {
		t.Fatalf("after answering:\n%s", text)
	}

	// The case worker decides.
	b.Navigate(t, srv.URL+caseURL)
	expect("case with the answer", "Ja, 1. august passer fint.")
	fill("brev-tittel", "Vedtak om barnehageplass")
	fill("brev-tekst", "Emma får plass i Trollskogen barnehage fra 1. august.")
	if _, err := chromedp.Run(ctx, chromedp.Click(`//*[@id="brev-vedtak"]`)); err != nil {
		t.Fatal(err)
	}
	b.Click(t, `//button[contains(., "Send")][@class="primary"]`)
	expect("decision without legal basis", "Noe må rettes")
	fill("brev-hjemmel", "Barnehageloven § 16")
	b.Click(t, `//button[contains(., "Send")][@class="primary"]`)
	expect("decided", "Vedtaket er sendt", "Avsluttet")

	// An outsider, not signed in, finds the case's entries in the public
	// journal: anonymised, with the legal basis, never Kari's name.
	ob := browsertest.New(t)
	ob.Navigate(t, srv.URL+"/k/9999/postjournal")
	ob.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	if _, err := chromedp.Run(ob.Ctx(), chromedp.SetValue(`//*[@name="q"]`, "barnehageplass")); err != nil {
		t.Fatal(err)
	}
	ob.Click(t, `//button[contains(., "Søk")]`)
	text := ob.Text(t)
	if !strings.Contains(text, "Søknad om barnehageplass") || !strings.Contains(text, "Skjermet etter") ||
		!strings.Contains(text, "Offl. § 13") || strings.Contains(text, "Kari") || strings.Contains(text, "Nordmann") {
		t.Fatalf("public journal:\n%s", text)
	}
	ob.CheckA11y(t, "public journal search")
	if _, err := chromedp.Run(ob.Ctx(), chromedp.Click(`(//input[@name="jp"])[1]`)); err != nil {
		t.Fatal(err)
	}
	ob.Click(t, `//button[contains(., "Be om innsyn")]`)
	if text := ob.Text(t); !strings.Contains(text, "Be om innsyn") || strings.Contains(text, "Nordmann") {
		t.Fatalf("access request form:\n%s", text)
	}
	ob.CheckA11y(t, "access request form")
	if _, err := chromedp.Run(ob.Ctx(), chromedp.SetValue(`//*[@name="epost"]`, "journalist@example.no")); err != nil {
		t.Fatal(err)
	}
	ob.Click(t, `//button[contains(., "Send innsynskrav")]`)
	if text := ob.Text(t); !strings.Contains(text, "Innsynskravet er sendt") {
		t.Fatalf("access request receipt:\n%s", text)
	}
	ob.CheckA11y(t, "access request receipt")
	ob.Click(t, `//a[contains(@href, "innsyn/status/")]`)
	statusURL, err := chromedp.Run(ob.Ctx(), chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if text := ob.Text(t); !strings.Contains(text, "Under behandling") {
		t.Fatalf("status before the decision:\n%s", text)
	}
	ob.CheckA11y(t, "access request status")

	// The archivist answers: the entry is screened, so access is refused
	// with the legal basis.
	ab := browsertest.New(t)
	ab.Navigate(t, srv.URL+"/k/9999/tilsett/logg-inn")
	ab.Click(t, `//button[contains(., "per.arne.dahl@demo.kommune.no")]`)
	ab.Navigate(t, srv.URL+"/k/9999/tilsett/innsyn")
	ab.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	ab.CheckA11y(t, "access request queue")
	reqURL, err := chromedp.Run(ab.Ctx(), chromedp.Evaluate[string](
		`[...document.querySelectorAll('main a')].map(a => a.href).find(h => /tilsett\/innsyn\/[^\/?]+$/.test(h) && !h.endsWith('/statistikk')) || ''`))
	if err != nil || reqURL == "" {
		t.Fatalf("no request in the queue (%v):\n%s", err, ab.Text(t))
	}
	ab.Navigate(t, reqURL)
	ab.CheckA11y(t, "access request for the archivist")
	if _, err := chromedp.Run(ab.Ctx(), chromedp.Click(`(//form[contains(@id, "-skjema")])[1]//input[@name="vedtak"][@value="refused"]`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ab.Ctx(), chromedp.SetValue(`(//form[contains(@id, "-skjema")])[1]//*[@name="hjemmel"]`,
		"Offl. § 13 jf. fvl. § 13 første ledd nr. 1")); err != nil {
		t.Fatal(err)
	}
	ab.Click(t, `(//form[contains(@id, "-skjema")])[1]//button[@type="submit"]`)
	if text := ab.Text(t); !strings.Contains(text, "er lagret og sendt") {
		t.Fatalf("after the decision:\n%s", text)
	}
	ab.CheckA11y(t, "access request decided")
	ob.Navigate(t, statusURL)
	if text := ob.Text(t); !strings.Contains(text, "Innsyn avslått") || !strings.Contains(text, "fvl. § 13") {
		t.Fatalf("status after the decision:\n%s", text)
	}
	ob.CheckA11y(t, "access request answered")
}
