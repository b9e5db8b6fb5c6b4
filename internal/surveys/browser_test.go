package surveys_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/surveys/surveystest"
)

// TestBrowser walks the module in headless Chromium and lets axe-core
// judge every page it visits: a manager makes a survey through the
// builder (with a mistake on the way), a respondent answers a survey
// (with a missing answer first), and the manager reads the results, with
// and without a breakdown, in bokmål and nynorsk.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(5*time.Minute))
	s := surveystest.Start(t, surveystest.Options{})
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

	// The builder.
	signIn("leder", "/k/9999/tilsett/undersokelser")
	want("list", "Spørreundersøkelser", "Det er ingen undersøkelser ennå.")
	b.CheckA11y(t, "survey list")
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("create without a title", "Dette må rettes", "Skriv et navn på undersøkelsen.")
	b.CheckA11y(t, "survey list with errors")
	run("name it", chromedp.SetValue(chromedp.CSS(`#tittel`), "Brukerundersøkelse for biblioteket"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("survey page", "Brukerundersøkelse for biblioteket", "Undersøkelsen har ingen spørsmål ennå.")
	b.CheckA11y(t, "survey page")
	run("a question with one option", chromedp.SetValue(chromedp.CSS(`#sporsmal`), "Hvor ofte bruker du biblioteket?"), chromedp.SetValue(chromedp.CSS(`#alternativ`), "Hver uke"))
	b.Click(t, `//form[contains(@action, "/sporsmal")]//button[@type="submit"]`)
	want("question with an error", "Skriv minst to svaralternativer, ett per linje.")
	b.CheckA11y(t, "survey page with a question error")
	run("two options", chromedp.SetValue(chromedp.CSS(`#alternativ`), "Hver uke\nSjeldnere"))
	b.Click(t, `//form[contains(@action, "/sporsmal")]//button[@type="submit"]`)
	want("question added", "Endringen er lagret.", "Hvor ofte bruker du biblioteket?")
	b.Click(t, `//a[contains(., "Endre")]`)
	want("edit page", "Endre spørsmål 1")
	b.CheckA11y(t, "question page")

	// A respondent answers another survey.
	sv, qs := siteSurvey(t, s, surveys.SurveyForm{Title: "Innbyggerundersøkelse", Anonymous: true})
	signIn("", "/k/9999/undersokelser/"+sv.ID)
	want("answer page", "Svarene er anonyme: vi lagrer ikke hvem som svarte.")
	b.CheckA11y(t, "answer page")
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("answer with errors", "Dette må rettes", "Spørsmål 1: Svar på spørsmålet.")
	b.CheckA11y(t, "answer page with errors")
	run("choose Nei", chromedp.Click(chromedp.CSS(`#q-`+qs[0].ID+`-1`)))
	run("comment", chromedp.SetValue(chromedp.CSS(`#q-`+qs[4].ID), "<b>Fint</b>"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("thanks", "Takk for svarene")
	b.CheckA11y(t, "thanks page")

	for _, a := range answers {
		if _, err := s.Service.Answer(context.Background(), surveystest.Demo, sv.ID, surveys.Respondent{}, form(qs, a[0], a[1], a[2], a[3], a[4], a[5])); err != nil {
			t.Fatal(err)
		}
	}
	signIn("leder", "/k/9999/tilsett/undersokelser/"+sv.ID+"/resultat")
	want("results", "9 svar i alt.", "<b>Fint</b>")
	b.CheckA11y(t, "results page")
	b.Navigate(t, s.URL+"/k/9999/tilsett/undersokelser/"+sv.ID+"/resultat?bakgrunn="+qs[0].ID)
	want("breakdown", "færre enn 5 svar")
	b.CheckA11y(t, "results page with a breakdown")
	b.Navigate(t, s.URL+"/k/9999/sprak?lang=nn")
	b.Navigate(t, s.URL+"/k/9999/tilsett/undersokelser/"+sv.ID)
	want("survey page in nynorsk", "Lukk undersøkinga")
	b.CheckA11y(t, "open survey page, nynorsk")
}
