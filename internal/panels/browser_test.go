package panels_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/panels"
	"github.com/torg-ekommune/torg/internal/panels/panelstest"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// TestBrowser walks the panel in headless Chromium and lets axe-core
// judge every page: a resident enrols (forgetting the consent first), a
// manager makes a panel survey and sends it, members answer (one in the
// browser), the manager reads the weighted results with small groups
// hidden, and the resident leaves.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(5*time.Minute))
	s := panelstest.Start(t, panelstest.Options{})
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

	// Kari enrols.
	signIn("kari", "/k/9999/innbyggerpanel")
	want("enrol page", "Innbyggerpanelet", "Hva vi lagrer, og hvorfor", "aldersgruppen din: 30–44 år")
	b.CheckA11y(t, "enrol page")
	run("area and address", chromedp.Click(chromedp.CSS(`#omrade-0`)), chromedp.SetValue(chromedp.CSS(`#epost`), "kari@example.no"))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("without consent", "Dette må rettes", "Kryss av for at du samtykker")
	b.CheckA11y(t, "enrol page with errors")
	run("consent", chromedp.Click(chromedp.CSS(`#samtykke`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("member page", "Du er nå med i innbyggerpanelet.", "kari@example.no", "Sentrum")
	b.CheckA11y(t, "member page")

	// Six more members, through the service: Sentrum gets 5, Bygda 2.
	for user, area := range map[string]string{"ola": "Sentrum", "per": "Sentrum", "liv": "Sentrum", "tor": "Sentrum", "eva": "Bygda", "siv": "Bygda"} {
		enrol(t, s, user, area)
	}

	// The manager makes a panel survey with a question and sends it.
	signIn("leder", "/k/9999/tilsett/innbyggerpanel")
	want("staff page", "Panelet har 7 medlemmer.", "færre enn 5")
	b.CheckA11y(t, "staff page")
	run("title", chromedp.SetValue(chromedp.CSS(`#tittel`), "Kulturtilbudet"))
	b.Click(t, `//form[contains(@action, "innbyggerpanel/undersokelser")]//button[@type="submit"]`)
	want("builder", "Kulturtilbudet", "Innbyggerpanelet")
	run("question", chromedp.SetValue(chromedp.CSS(`#sporsmal`), "Er du fornøyd med kulturtilbudet?"), chromedp.SetValue(chromedp.CSS(`#alternativ`), "Ja\nNei"))
	b.Click(t, `//form[contains(@action, "/sporsmal")]//button[@type="submit"]`)
	want("question added", "Er du fornøyd med kulturtilbudet?")
	b.Navigate(t, s.URL+"/k/9999/tilsett/innbyggerpanel")
	b.Click(t, `//form[contains(@action, "/send")]//button`)
	want("sent", "Undersøkelsen er sendt til 7 nye medlemmer.")
	b.CheckA11y(t, "staff page after sending")

	list, err := s.Service.Surveys(ctx, panelstest.Demo)
	if err != nil || len(list) != 1 {
		t.Fatalf("surveys: %v %v", list, err)
	}
	sv := list[0]
	qs, err := s.Surveys.Questions(ctx, panelstest.Demo, sv.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Kari answers in the browser, signed out, through her link.
	link, _ := url.Parse(s.Link(t, "kari@example.no", sv.ID))
	signIn("", link.RequestURI())
	want("answer page", "bare aldersgruppen og området ditt")
	b.CheckA11y(t, "answer page")
	run("yes", chromedp.Click(chromedp.CSS(`#q-`+qs[0].ID+`-0`)))
	b.Click(t, `//main//form//button[@type="submit"]`)
	want("thanks", "Takk")
	// The others answer through the service.
	for user, choice := range map[string]string{"ola": "0", "per": "1", "liv": "0", "tor": "1", "eva": "1", "siv": "1"} {
		link := s.Link(t, user+"@example.no", sv.ID)
		if _, err := s.Surveys.Answer(ctx, panelstest.Demo, sv.ID, surveys.Respondent{Token: token(link)}, map[string][]string{"q-" + qs[0].ID: {choice}}); err != nil {
			t.Fatalf("answer %s: %v", user, err)
		}
	}

	// Weighted results: 7 answers; Bygda's 2 and so Sentrum's 5 are
	// hidden in the breakdown by area, but the weighted shares show.
	res, err := s.Service.Weighted(ctx, panelstest.Demo, sv.ID)
	if err != nil || res.Total != 7 || res.Method != panels.MethodMargins {
		t.Fatalf("weighted: %+v %v", res, err)
	}
	signIn("leder", "/k/9999/tilsett/innbyggerpanel/undersokelser/"+sv.ID+"/resultat")
	want("results", "7 svar i alt.", "Slik er resultatene vektet", "Vektet andel", "færre enn 5", "Er du fornøyd med kulturtilbudet?")
	b.CheckA11y(t, "weighted results")

	// Kari leaves.
	signIn("kari", "/k/9999/innbyggerpanel")
	b.Click(t, `//form[contains(@action, "meld-ut")]//button`)
	want("left", "Du er meldt ut av innbyggerpanelet.", "Bli med i panelet")
	b.CheckA11y(t, "after leaving")
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM panels_members WHERE email = 'kari@example.no'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("Kari is still stored: %d %v", n, err)
	}

	// The member page in nynorsk.
	b.Navigate(t, s.URL+"/k/9999/sprak?lang=nn")
	signIn("ola", "/k/9999/innbyggerpanel")
	want("nynorsk", "Du er med i panelet", "Meld meg ut og slett opplysningane mine")
	b.CheckA11y(t, "member page, nynorsk")
}
