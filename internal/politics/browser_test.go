package politics_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

// TestBrowser walks the module in headless Chromium and lets axe-core
// judge every page it visits: the secretariat plans a meeting with two
// items, uploads their documents and sends the notice through its pages
// (with a mistake on the way); the public meeting page shows the
// documents; a citizen writes to an elected official, with a validation
// error first; and the other public pages, in all three languages.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(5*time.Minute))
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
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

	// Bokmål, whatever the browser asks for.
	b.Navigate(t, s.URL+"/k/9999/sprak?lang=nb")

	// The secretariat plans a meeting of the executive committee.
	signIn("sekretariat", "/k/9999/tilsett/politikk")
	want("staff home", "Politisk sekretariat", "Kommende møter")
	b.CheckA11y(t, "secretariat's overview")
	b.Click(t, `//a[contains(., "Planlegg et møte")]`)
	b.CheckA11y(t, "new meeting form")
	run("choose the body", chromedp.SetValue(chromedp.CSS(`#organ`), "formannskapet"), chromedp.SetValue(chromedp.CSS(`#dato`), "31.02.2027"), chromedp.SetValue(chromedp.CSS(`#sted`), "Formannskapssalen"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("new meeting with a bad date", "Det er noe du må rette", "Skriv en dato som dd.mm.åååå")
	b.CheckA11y(t, "new meeting form with errors")
	run("fix the date", chromedp.SetValue(chromedp.CSS(`#dato`), "14.01.2027"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("meeting page", "Møte i Formannskapet 14.01.2027 18:00–21:00", "Endringene er lagret.", "Sakslisten har ingen saker.")
	b.CheckA11y(t, "secretariat's meeting page")

	dir := t.TempDir()
	for i, title := range []string{"Kommunal planstrategi 2027–2031", "Revidert budsjett for kulturskolen"} {
		run("add an item", chromedp.SetValue(chromedp.CSS(`#sak-tittel`), title), chromedp.SetValue(chromedp.CSS(`#sak-saksnr`), "2026/"+string(rune('5'+i))))
		b.Click(t, `//form[contains(@action, "/sak")]//button[@type="submit"]`)
		want("item page", title, "Saken er lagt til. Last opp saksframlegget.")
		if i == 0 {
			b.CheckA11y(t, "item page")
			// A file that is not a PDF is refused next to the field.
			bad := filepath.Join(dir, "notat.pdf")
			os.WriteFile(bad, []byte("Dette er ikke en PDF."), 0o600)
			run("upload a text", chromedp.SetUploadFiles(chromedp.CSS(`#fil`), []string{bad}))
			b.Click(t, `//form[@enctype="multipart/form-data"]//button[@type="submit"]`)
			want("upload of a text", "Filen er ikke en PDF.")
			b.CheckA11y(t, "item page with an upload error")
		}
		file := filepath.Join(dir, "saksframlegg-"+string(rune('1'+i))+".pdf")
		os.WriteFile(file, politics.PDF("Saksframlegg: "+title, "Rådmannens innstilling."), 0o600)
		run("upload the saksframlegg", chromedp.SetUploadFiles(chromedp.CSS(`#fil`), []string{file}))
		b.Click(t, `//form[@enctype="multipart/form-data"]//button[@type="submit"]`)
		want("after the upload", "Endringene er lagret.", "saksframlegg-"+string(rune('1'+i)))
		b.Click(t, `//main/p[1]/a`) // back to the meeting
	}
	want("meeting ready to send", "PS 1/27", "PS 2/27", "Innkallingen sendes til 9 medlemmer")
	b.Click(t, `//form[contains(@action, "/send")]//button[@type="submit"]`)
	want("notice sent", "Innkallingen er sendt til 9 medlemmer, og sakslisten er publisert.")
	b.CheckA11y(t, "secretariat's meeting page after sending")

	// The public meeting page shows the documents.
	b.Click(t, `//a[contains(., "Se den offentlige siden for møtet")]`)
	loc, err := chromedp.Run(b.Ctx(), chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	signIn("", strings.TrimPrefix(loc, s.URL))
	want("public meeting page", "Møte i Formannskapet", "PS 1/27 Kommunal planstrategi 2027–2031", "PS 2/27 Revidert budsjett for kulturskolen",
		"saksframlegg-1", "saksframlegg-2", "Last ned")
	b.CheckA11y(t, "public meeting page")

	// A citizen writes to the mayor: first without a message.
	b.Navigate(t, s.URL+"/k/9999/politikk/person/"+ids.mayor.ID)
	b.CheckA11y(t, "official's page")
	b.Click(t, `//a[contains(., "Skriv til")]`)
	b.CheckA11y(t, "contact form")
	run("sender", chromedp.SetValue(chromedp.CSS(`#navn`), "Kari Nordmann"), chromedp.SetValue(chromedp.CSS(`#epost`), "kari@example.no"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("contact form without a message", "Det er noe du må rette", "Skriv en melding.")
	b.CheckA11y(t, "contact form with an error")
	run("write", chromedp.SendKeys(chromedp.CSS(`#melding`), "Når blir gang- og sykkelveien langs Storgata ferdig?"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("receipt", "Meldingen er sendt", "Meldingen din er sendt til "+ids.mayor.Name()+".", "Folkevalgte svarer som regel innen 14 dager.",
		"Vi har sendt en kopi")
	b.CheckA11y(t, "contact receipt")

	// The other public pages, in all three languages.
	for _, p := range []struct{ name, path, want string }{
		{"overview", "politikk?lang=nb", "Politikk og lokaldemokrati"},
		{"overview in nynorsk", "politikk?lang=nn", "Komande møte"},
		{"overview in English", "politikk?lang=en", "Coming meetings"},
		{"elected officials", "politikk/folkevalgte?lang=nb", "Plasser etter parti og organ"},
		{"a body", "politikk/organ/kommunestyret?lang=nb", "Medlemmer og varamedlemmer av Kommunestyret"},
		{"a body in English", "politikk/organ/formannskapet?lang=en", "Members"},
		{"meeting calendar", "politikk/moter?lang=nb", "Møtekalender"},
		{"meeting calendar in nynorsk", "politikk/moter?lang=nn", "Tidlegare møte"},
		{"past meeting with votes", "politikk/mote/" + ids.council + "?lang=nb", "Avstemning: 24 for, 9 mot, 2 avstod."},
		{"past meeting with a roll call", "politikk/mote/" + ids.exec + "?lang=nb", "Slik stemte hver representant"},
		{"past meeting in English", "politikk/mote/" + ids.council + "?lang=en", "Vote by party"},
		{"coming meeting", "politikk/mote/" + ids.educ + "?lang=nb", "Elevsak"},
		{"planned meeting", "politikk/mote/" + ids.planned + "?lang=nn", "Sakslista og saksdokumenta blir publiserte her"},
		{"unknown meeting", "politikk/mote/finnesikke?lang=nb", "Vi finner ikke dette møtet."},
	} {
		b.Navigate(t, s.URL+"/k/9999/"+p.path)
		want(p.name, p.want)
		b.CheckA11y(t, p.name)
	}

	// The official of the body sees the exempt document, marked.
	signIn("folkevalgt", "/k/9999/politikk/mote/"+ids.exec)
	want("the official's view", "Takst og forhandlingsnotat", "unntatt offentlighet (Offl. § 23 første ledd)")
	b.CheckA11y(t, "meeting page as an official")

	// The secretariat's minutes form.
	signIn("sekretariat", "/k/9999/tilsett/politikk/mote/"+ids.council)
	b.Click(t, `//a[contains(., "Reguleringsplan for Sentrum nord")]`)
	want("minutes form", "Protokoll", "Stemmer etter parti (valgfritt)")
	b.CheckA11y(t, "minutes form")
	run("a vote that does not add up", chromedp.SetValue(chromedp.CSS(`#for`), "30"))
	b.Click(t, `//form[contains(@action, "/protokoll")]//button[@type="submit"]`)
	want("minutes with an error", "Stemmene etter parti må til sammen bli det samme")
	b.CheckA11y(t, "minutes form with an error")
}

// TestBrowserCaseJourney is the done-when of political cases in headless
// Chromium, with axe-core on every page: the secretariat looks at the
// cases and records a decision and its vote; a citizen finds the
// decision by searching, opens the case, follows it by e-mail and
// confirms through the link in the e-mail, and writes to an official; the
// official finds the message on their own page.
func TestBrowserCaseJourney(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(5*time.Minute))
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
	ctx := context.Background()
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

	// The secretariat's cases.
	signIn("sekretariat", "/k/9999/tilsett/politikk/saker")
	want("staff cases", "Politiske saker", "Skolebruksplan 2027–2035")
	b.CheckA11y(t, "secretariat's cases")
	b.Click(t, `//a[contains(., "Skolebruksplan 2027–2035")]`)
	want("staff case", "Saksgang", "Steg 3")
	b.CheckA11y(t, "secretariat's case")
	run("a bad planned date", chromedp.SetValue(chromedp.CSS(`#forlop-2-dato`), "31.02.2027"))
	b.Click(t, `//form[contains(@action, "/forlop")]//button[@type="submit"]`)
	want("path with an error", "Det er noe du må rette", "Skriv datoen som 12.03.2026")
	b.CheckA11y(t, "secretariat's case with an error")
	b.Click(t, `//form[contains(@action, "/forlop")]//button[@type="submit"]`)
	b.Navigate(t, s.URL+"/k/9999/tilsett/politikk/saker/ny")
	b.CheckA11y(t, "new case form")

	// The decision and the vote on the school plan.
	_, items, _, err := s.Service.Agenda(ctx, "9999", ids.educ)
	if err != nil {
		t.Fatal(err)
	}
	itemID := ""
	for _, it := range items {
		if it.Title == "Skolebruksplan 2027–2035" {
			itemID = it.ID
		}
	}
	b.Navigate(t, s.URL+"/k/9999/tilsett/politikk/sak/"+itemID)
	run("minutes", chromedp.SetValue(chromedp.CSS(`#vedtak`), "Skolebruksplanen vedtas. Nordbygda skule består."),
		chromedp.SetValue(chromedp.CSS(`#for`), "7"), chromedp.SetValue(chromedp.CSS(`#mot`), "2"), chromedp.SetValue(chromedp.CSS(`#avstar`), "0"))
	b.Click(t, `//form[contains(@action, "/protokoll")]//button[@type="submit"]`)
	want("minutes saved", "Endringene er lagret.")
	b.CheckA11y(t, "minutes saved")

	// A citizen searches, finds the decision and the case.
	signIn("", "/k/9999/politikk")
	b.CheckA11y(t, "overview with search")
	run("search", chromedp.SetValue(chromedp.CSS(`#sok-q`), "skulen består"))
	b.Click(t, `//main//form[contains(@action, "politikk/sok")]//button[@type="submit"]`)
	want("search results", "Skolebruksplan 2027–2035", "Vedtak: Skolebruksplanen vedtas.")
	b.CheckA11y(t, "search results")
	b.Navigate(t, s.URL+"/k/9999/politikk/sok?q="+strings.Repeat("x", 201))
	want("long search", "Søket kan ha høyst 200 tegn")
	b.CheckA11y(t, "search with an error")
	b.Navigate(t, s.URL+"/k/9999/politikk/saker")
	b.CheckA11y(t, "cases")
	b.Click(t, `//main//a[contains(., "Skolebruksplan 2027–2035")]`)
	want("case page", "Innbyggerinitiativ (412 underskrifter)", "Hovedutvalg for oppvekst – behandlet", "Skolebruksplanen vedtas.", "Avstemning: 7 for, 2 mot, 0 avstod.")
	b.CheckA11y(t, "case page")

	// Follows it: a bad address first.
	run("bad address", chromedp.SetValue(chromedp.CSS(`#folg-epost`), "kari@"))
	b.Click(t, `//form[contains(@action, "/folg")]//button[@type="submit"]`)
	want("follow with an error", "Det er noe du må rette")
	b.CheckA11y(t, "follow form with an error")
	run("address", chromedp.SetValue(chromedp.CSS(`#folg-epost`), "kari@example.no"))
	b.Click(t, `//form[contains(@action, "/folg")]//button[@type="submit"]`)
	want("follow sent", "Sjekk e-posten din")
	b.CheckA11y(t, "follow: check your e-mail")
	var body string
	if err := s.DB.QueryRowContext(ctx, `SELECT body FROM notify_mail WHERE recipient = 'kari@example.no'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	_, link, _ := strings.Cut(body, "/k/9999/politikk/folg/bekreft?t=")
	link, _, _ = strings.Cut(link, "\n")
	b.Navigate(t, s.URL+"/k/9999/politikk/folg/bekreft?t="+link)
	b.CheckA11y(t, "follow: confirm")
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("confirmed", "Du følger nå Skolebruksplan 2027–2035")
	b.CheckA11y(t, "follow: confirmed")
	b.Click(t, `//main//a[contains(., "Slutt å følge")]`)
	b.CheckA11y(t, "follow: stop")

	// Writes to an official.
	b.Navigate(t, s.URL+"/k/9999/politikk/person/"+ids.jonas.ID+"/kontakt")
	run("message", chromedp.SetValue(chromedp.CSS(`#melding`), "Takk for at skulen består."), chromedp.SetValue(chromedp.CSS(`#navn`), "Kari Nordmann"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("sent", "Meldingen er sendt")
	b.CheckA11y(t, "contact receipt")

	// The official reads it on their own page.
	signIn("folkevalgt", "/k/9999/tilsett/politikk/meg")
	want("official page", "Min side som folkevalgt", "Takk for at skulen består.", "Kari Nordmann")
	b.CheckA11y(t, "official's page")
}
