package dialogue_test

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
	"github.com/torg-ekommune/torg/internal/dialogue/dialoguetest"
)

// TestBrowser walks a hearing in headless Chromium and lets axe-core judge
// every page: the secretariat drafts it with a mistake first, uploads the
// document and publishes it; two citizens send statements (the first
// with an empty text first, then with an attachment; the second for an
// organisation), each gets its receipt; both statements are in the
// archive case. Then a question to an official, its answer, a debate
// about the hearing and one under a political case, a question to a
// party group answered by a member of the party, and the other pages in
// all three languages.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(5*time.Minute))
	s := dialoguetest.Start(t, dialoguetest.Options{})
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
	submit := `//main//form[@method="post"]//button[@type="submit"]`
	dir := t.TempDir()
	file := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	b.Navigate(t, s.URL+"/k/9999/sprak?lang=nb")

	// The secretariat drafts the hearing.
	signIn("sekretariat", "/k/9999/tilsett/horingar")
	want("staff hearings", "Høringer (sekretariatet)")
	b.CheckA11y(t, "staff hearings")
	b.Click(t, `//a[contains(., "Lag en ny høring")]`)
	b.CheckA11y(t, "new hearing form")
	run("fill in", chromedp.SetValue(chromedp.CSS(`#tittel`), "Kommuneplanens arealdel 2027–2038"), chromedp.SetValue(chromedp.CSS(`#frist`), "31.02.2027"),
		chromedp.SetUploadFiles(chromedp.CSS(`#fil`), []string{file("arealdel.pdf", pdf)}))
	b.Click(t, submit)
	want("bad date", "Det er noe du må rette", "Skriv en dato som dd.mm.åååå")
	b.CheckA11y(t, "new hearing form with errors")
	run("fix", chromedp.SetValue(chromedp.CSS(`#frist`), "10.12.2026"), chromedp.SetUploadFiles(chromedp.CSS(`#fil`), []string{file("arealdel.pdf", pdf)}))
	b.Click(t, submit)
	want("draft", "Endringene er lagret.", "Utkast", "arealdel")
	b.CheckA11y(t, "draft hearing")
	b.Click(t, `//form[contains(@action, "/publiser")]//button`)
	want("published", "Åpen for uttalelser", "Saksnummer", "2026/1")
	b.CheckA11y(t, "published hearing, staff")
	b.Click(t, `//a[contains(., "Se den offentlige siden")]`)
	loc, err := chromedp.Run(b.Ctx(), chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	hearing := strings.TrimPrefix(loc, s.URL)

	// Kari writes a statement: first empty, then with an attachment.
	signIn("kari", hearing)
	want("public hearing", "Kommuneplanens arealdel 2027–2038", "10.12.2026 23:59")
	b.CheckA11y(t, "public hearing")
	b.Click(t, `//a[contains(., "Skriv en uttalelse")]`)
	b.CheckA11y(t, "statement form")
	b.Click(t, submit)
	want("empty statement", "Det er noe du må rette", "Skriv uttalelsen din.")
	b.CheckA11y(t, "statement form with an error")
	run("write", chromedp.SendKeys(chromedp.CSS(`#tekst`), "Bevar grøntområdet ved skolen. <b>Takk</b>"),
		chromedp.SetUploadFiles(chromedp.CSS(`#vedlegg`), []string{file("kart.png", []byte("\x89PNG\r\n\x1a\nrest"))}),
		chromedp.SetValue(chromedp.CSS(`#epost`), "kari@example.no"))
	b.Click(t, submit)
	want("receipt", "Uttalelsen er mottatt", "journalnummer 2026/1-1", "kart.png", "08.02.2027")
	b.CheckA11y(t, "statement receipt")

	// Ola writes for an organisation, published.
	signIn("ola", hearing+"/uttale")
	run("write", chromedp.SendKeys(chromedp.CSS(`#tekst`), "Sentrum vel støtter planen."), chromedp.Click(chromedp.CSS(`#vegne-org`)),
		chromedp.SetValue(chromedp.CSS(`#orgnr`), "923 609 017"), chromedp.SetValue(chromedp.CSS(`#orgnavn`), "Sentrum vel"), chromedp.Click(chromedp.CSS(`#publiser`)))
	b.Click(t, submit)
	want("bad orgnr", "Skriv et gyldig organisasjonsnummer")
	b.CheckA11y(t, "statement form with a bad orgnr")
	run("fix", chromedp.SetValue(chromedp.CSS(`#orgnr`), "923 609 016"))
	b.Click(t, submit)
	want("receipt 2", "journalnummer 2026/1-2", "Uttalelsen publiseres på høringens side.")
	b.Navigate(t, s.URL+hearing)
	want("hearing with a statement", "Sentrum vel", "Kommunen har fått 2 uttalelser. 1 av dem er publisert")
	b.CheckA11y(t, "hearing with statements")

	// Both statements are in the archive case.
	id := hearing[strings.LastIndex(hearing, "/")+1:]
	h, err := s.Service.Hearing(context.Background(), dialoguetest.Demo, id)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.Archive.Entries(context.Background(), dialoguetest.Demo, h.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Journalposttype != "I" || entries[1].Journalposttype != "I" || len(entries[0].Dokumenter) != 2 {
		t.Fatalf("archive entries = %+v", entries)
	}

	// The secretariat reads them.
	signIn("sekretariat", "/k/9999/tilsett/horingar/"+id)
	want("staff statements", "Kari Nordmann", "journalnr. 2026/1-1", "journalnr. 2026/1-2")
	b.CheckA11y(t, "staff hearing with statements")

	// A question to the mayor, and the answer.
	signIn("kari", "/k/9999/sporsmal/nytt")
	b.CheckA11y(t, "ask form")
	b.Click(t, submit)
	want("empty question", "Velg hvem du vil spørre.")
	b.CheckA11y(t, "ask form with errors")
	run("ask", chromedp.SetValue(chromedp.CSS(`#til`), "ordforer"), chromedp.SendKeys(chromedp.CSS(`#sporsmal`), "Når åpner svømmehallen igjen?"))
	b.Click(t, submit)
	want("question receipt", "Spørsmålet er sendt", "Ikke besvart ennå.")
	b.CheckA11y(t, "question with receipt")
	signIn("ordforer", "/k/9999/tilsett/dialog")
	want("mayor's questions", "Når åpner svømmehallen igjen?")
	b.CheckA11y(t, "official's questions")
	run("answer", chromedp.SendKeys(chromedp.CSS(`textarea`), "I mars."))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("answered", "Endringene er lagret.")
	signIn("sekretariat", "/k/9999/tilsett/dialog")
	want("moderation", "Moderering")
	b.CheckA11y(t, "moderation")

	// A debate about the hearing.
	signIn("kari", hearing)
	b.Click(t, `//a[contains(., "Start en debatt om høringen")]`)
	b.CheckA11y(t, "new thread form")
	b.Click(t, submit)
	want("empty thread", "Skriv en tittel.", "Skriv innlegget ditt.")
	b.CheckA11y(t, "new thread form with errors")
	run("thread", chromedp.SetValue(chromedp.CSS(`#emne`), "Grøntområdet ved skolen"), chromedp.SendKeys(chromedp.CSS(`#innlegg`), "Det må bevares."))
	b.Click(t, submit)
	want("thread", "Innlegg 1, fra Kari Nordmann", "Varsel om nye innlegg")
	b.CheckA11y(t, "thread as its author")
	loc, err = chromedp.Run(b.Ctx(), chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	thread := strings.TrimPrefix(loc, s.URL)
	signIn("ola", thread)
	run("reply", chromedp.SendKeys(chromedp.CSS(`#innlegg`), "Enig."))
	b.Click(t, `//form[@aria-labelledby="svar"]//button[@type="submit"]`)
	want("reply", "Innlegg 2, fra Ola Normann")
	b.CheckA11y(t, "thread with a reply")
	signIn("sekretariat", thread)
	want("moderator's thread", "Skjul innlegget")
	b.CheckA11y(t, "thread as moderator")

	// A debate under a political case.
	signIn("kari", "/k/9999/debatt/sak/barnehage")
	want("case debate", "Debatt om saken: Ny barnehage på Nordbyen", "2026/42", "Ingen har startet en debatt om saken ennå.")
	b.CheckA11y(t, "case debate, empty")
	b.Click(t, `//a[contains(., "Start en tråd om saken")]`)
	want("new case thread", "Ny barnehage på Nordbyen", "sak 2026/42")
	b.CheckA11y(t, "new thread about a case")
	b.Click(t, submit)
	want("empty case thread", "Skriv en tittel.", "Ny barnehage på Nordbyen")
	b.CheckA11y(t, "new thread about a case with errors")
	run("case thread", chromedp.SetValue(chromedp.CSS(`#emne`), "Plassering av barnehagen"),
		chromedp.SendKeys(chromedp.CSS(`#innlegg`), "Den bør ligge nær skolen. <script>alert(1)</script>"))
	b.Click(t, submit)
	want("case thread", "Innlegg 1, fra Kari Nordmann", "Ny barnehage på Nordbyen", "sak 2026/42", "<script>alert(1)</script>")
	b.CheckA11y(t, "thread about a case")
	b.Navigate(t, s.URL+"/k/9999/debatt/sak/barnehage")
	want("case debate with a thread", "Plassering av barnehagen", "1 innlegg")
	b.CheckA11y(t, "case debate with a thread")

	// A question to a party group, answered by a member of the party.
	signIn("kari", "/k/9999/sporsmal/nytt")
	run("ask the group", chromedp.SetValue(chromedp.CSS(`#til`), "gruppe:ap"), chromedp.SendKeys(chromedp.CSS(`#sporsmal`), "Hva mener partiet om bompenger?"))
	b.Click(t, submit)
	want("group question receipt", "Spørsmålet er sendt", "partigruppen Arbeidarpartiet", "En av disse folkevalgte svarer på vegne av gruppen: Jonas Bakke, Eva Lie.",
		"Ikke besvart ennå.")
	b.CheckA11y(t, "group question with receipt")
	signIn("eva", "/k/9999/tilsett/dialog")
	want("Eva's questions", "Til partigruppen Arbeidarpartiet", "Hva mener partiet om bompenger?")
	b.CheckA11y(t, "official's questions with a group question")
	run("answer for the group", chromedp.SendKeys(chromedp.CSS(`textarea`), "Vi er imot nye bomstasjoner."))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("answered for the group", "Endringene er lagret.", "Svar fra Eva Lie på vegne av partigruppen Arbeidarpartiet")
	b.Navigate(t, s.URL+"/k/9999/sporsmal?q=bompenger")
	want("group answer in search", "Svar fra Eva Lie på vegne av partigruppen Arbeidarpartiet", "Vi er imot nye bomstasjoner.")
	b.CheckA11y(t, "questions with a group answer")

	for _, p := range []struct{ name, path, want string }{
		{"debates", "debatt?lang=nb", "Grøntområdet ved skolen"},
		{"debate rules", "debatt/reglar?lang=nn", "Reglar for debatten"},
		{"hearings", "horingar?lang=nb", "Åpne høringer"},
		{"hearings in nynorsk", "horingar?lang=nn", "Opne høyringar"},
		{"hearing in English", strings.TrimPrefix(hearing, "/k/9999/") + "?lang=en", "Hearing documents"},
		{"questions", "sporsmal?lang=nb", "I mars."},
		{"questions search in English", "sporsmal?q=mars&lang=en", "1 results"},
		{"unknown hearing", "horingar/finnesikke?lang=nb", "Vi finner ikke denne høringen."},
	} {
		b.Navigate(t, s.URL+"/k/9999/"+p.path)
		want(p.name, p.want)
		b.CheckA11y(t, p.name)
	}
}
