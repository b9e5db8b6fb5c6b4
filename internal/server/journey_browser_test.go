package server_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestBrowserCitizenJourney is the eServicetorg journey as a new user
// makes it, in headless Chromium without any help from the test: from the
// front page, search for "barnehageplass", open the service, sign in
// through the test provider, fill in the kindergarten form (making a
// mistake on the way), check the summary, submit, download the PDF
// receipt and check it on the verification page, answer the satisfaction
// question, and find the submission on Min side. axe-core checks every
// page on the way.
func TestBrowserCitizenJourney(t *testing.T) {
	b := browsertest.New(t)
	srv := servertest.Start(t, servertest.Options{})
	ctx := b.Ctx()
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	byID := func(id string) string { return `//*[@id="` + id + `"]` }
	fill := func(id, v string) {
		t.Helper()
		run("fill "+id, chromedp.SetValue(byID(id), v))
	}
	check := func(id string) {
		t.Helper()
		run("check "+id, chromedp.Click(byID(id)))
	}
	expect := func(name string, wants ...string) string {
		t.Helper()
		text := b.Text(t)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", name, w, text)
			}
		}
		b.CheckA11y(t, name)
		return text
	}

	// Chromium asks for English; the user picks bokmål.
	b.Navigate(t, srv.URL+"/k/9999/")
	b.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	expect("front page", "Velkommen til Demo kommune")
	fill("q", "barnehageplass")
	b.Click(t, `//form[@role="search"]//button`)
	expect("search results", "Søknad om barnehageplass")
	b.Click(t, `//main//a[contains(., "Søknad om barnehageplass")]`)
	expect("service page", "Dette kan du forvente", "Gå til skjemaet")
	b.Click(t, `//a[contains(., "Gå til skjemaet")]`)
	expect("form front page (signed out)", "Logg inn og start", "Slik behandler vi personopplysningene dine")
	b.Click(t, `//a[contains(., "Logg inn og start")]`)
	b.Click(t, `//button[contains(., "15838810028")]`)
	expect("form front page (signed in)", "Søknad om barnehageplass", "Start")
	b.Click(t, `//main//form//button[contains(., "Start")]`)

	// Step 1: name and fødselsnummer are filled in; a wrong phone number
	// is refused next to its field with a summary at the top.
	expect("step 1", "Om deg", "steg 1 av 4")
	fill("address.street", "Storgata 1")
	fill("address.postal_code", "0155")
	fill("address.postal_town", "Oslo")
	fill("phone", "123")
	fill("email", "kari@example.no")
	b.Click(t, `//button[@value="next"]`)
	expect("step 1 with an error", "Noe må rettes før du kan gå videre")
	if title, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`)); !strings.HasPrefix(title, "Feil:") {
		t.Errorf("the title of a page with errors does not say so: %q", title)
	}
	fill("phone", "912 34 567")
	b.Click(t, `//button[@value="next"]`)

	// Step 2: one child.
	expect("step 2", "Barn 1")
	fill("children.0.child_name", "Emma Nordmann")
	fill("children.0.child_fnr", childFNR(t, time.Date(2023, 4, 12, 0, 0, 0, 0, time.UTC)))
	fill("children.0.birth_date", "12.04.2023")
	check("children.0.needs_support-no")
	b.Click(t, `//button[@value="next"]`)

	// Step 3: start date and two kindergartens in order.
	expect("step 3", "steg 3 av 4")
	fill("start_date", time.Now().AddDate(0, 3, 0).Format("02.01.2006"))
	run("first choice", chromedp.SetValue(byID("kindergartens"), "trollskogen"))
	run("second choice", chromedp.SetValue(byID("kindergartens-2"), "solsikken"))
	check("has_sibling-no")
	b.Click(t, `//button[@value="next"]`)

	// Step 4: no reduced price.
	expect("step 4", "steg 4 av 4")
	check("apply_reduction-no")
	b.Click(t, `//button[@value="next"]`)

	expect("summary", "Se over svarene", "Emma Nordmann", "1. Trollskogen", "912 34 567")
	b.Click(t, `//button[contains(., "Send inn")]`)
	text := expect("receipt page", "Søknaden er sendt", "Referansenummer", "innen 30 dager")
	ref := ""
	if i := strings.Index(text, "Referansenummer:"); i >= 0 {
		ref = strings.Fields(text[i+len("Referansenummer:"):])[0]
	}
	if len(ref) != len("2026/00001") {
		t.Fatalf("no reference number on the receipt page:\n%s", text)
	}

	// Download the PDF receipt as the browser (with its session) and
	// check it on the verification page.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href$="kvittering.pdf"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.arrayBuffer()).then(buf => {
		let s = ''; const u = new Uint8Array(buf); for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the downloaded receipt is not a PDF (%v)", err)
	}
	file := filepath.Join(t.TempDir(), "kvittering.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	receiptURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	b.Navigate(t, srv.URL+"/k/9999/kvittering/kontroller")
	run("choose the receipt", chromedp.SetUploadFiles(byID("fil"), []string{file}))
	b.Click(t, `//button[contains(., "Kontroller")]`)
	expect("receipt verified", "Kvitteringen er gyldig", ref)

	// The satisfaction question on the receipt page.
	b.Navigate(t, receiptURL)
	check("score-5")
	fill("kommentar", "Enkelt og greit.")
	b.Click(t, `//button[contains(., "Send svar")]`)
	expect("satisfaction answered", "Takk")

	// Min side shows the submission.
	b.Navigate(t, srv.URL+"/k/9999/min-side")
	expect("Min side", "Mine innsendinger", ref, "Søknad om barnehageplass", "Mottatt")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
