package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestBrowserChannelsAndReport checks the channel registration page (with
// an error, then a registration) and the managers' page with axe-core.
func TestBrowserChannelsAndReport(t *testing.T) {
	b := browsertest.New(t)
	srv := servertest.Start(t, servertest.Options{})
	b.Navigate(t, srv.URL+"/k/9999/tilsett/logg-inn")
	b.Click(t, `//button[contains(., "lise.eriksen@demo.kommune.no")]`)
	b.Navigate(t, srv.URL+"/k/9999/tilsett/kanalar")
	b.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	b.CheckA11y(t, "channel registration")
	b.Click(t, `//main//form//button[@type="submit"]`)
	if text := b.Text(t); !strings.Contains(text, "rettes") && !strings.Contains(text, "Velg") {
		t.Fatalf("registration without answers:\n%s", text)
	}
	b.CheckA11y(t, "channel registration with errors")
	for id, v := range map[string]string{"tjeneste": "barnehageplass", "dato": time.Now().AddDate(0, 0, -1).Format("02.01.2006"), "antall": "3"} {
		if _, err := chromedp.Run(b.Ctx(), chromedp.SetValue(`//*[@id="`+id+`"]`, v)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chromedp.Run(b.Ctx(), chromedp.Click(`//*[@id="kanal-papir"]`)); err != nil {
		t.Fatal(err)
	}
	b.Click(t, `//main//form//button[@type="submit"]`)
	b.CheckA11y(t, "channel registered")
	b.Navigate(t, srv.URL+"/k/9999/tilsett/styringsdata")
	if text := b.Text(t); !strings.Contains(text, "75") {
		t.Fatalf("managers' page:\n%s", text)
	}
	b.CheckA11y(t, "managers' page")
}
