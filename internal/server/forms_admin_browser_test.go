package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestBrowserFormAdmin checks the administrators' form pages with axe-core:
// the list with the library, the editor with a refused definition, and a
// preview of every field type the demo forms use.
func TestBrowserFormAdmin(t *testing.T) {
	b := browsertest.New(t)
	srv := servertest.Start(t, servertest.Options{})
	b.Navigate(t, srv.URL+"/k/9999/tilsett/logg-inn")
	b.Click(t, `//button[contains(., "tor.aasen@demo.kommune.no")]`)
	b.Navigate(t, srv.URL+"/k/9999/tilsett/skjema")
	b.Click(t, `//nav[@class="lang"]//a[@lang="nb"]`)
	if text := b.Text(t); !strings.Contains(text, "Felles skjemabibliotek") {
		t.Fatalf("form list:\n%s", text)
	}
	b.CheckA11y(t, "form list")
	b.Navigate(t, srv.URL+"/k/9999/tilsett/skjema/ny")
	if _, err := chromedp.Run(b.Ctx(), chromedp.SetValue(`//*[@id="definisjon"]`, `{"id": 1}`)); err != nil {
		t.Fatal(err)
	}
	b.Click(t, `//button[@value="publish"]`)
	if text := b.Text(t); !strings.Contains(text, "ble ikke publisert") {
		t.Fatalf("refused definition:\n%s", text)
	}
	b.CheckA11y(t, "refused definition")
	for _, form := range []string{"barnehageplass", "skoleskyss"} {
		b.Navigate(t, srv.URL+"/k/9999/tilsett/skjema/rediger/"+form+"")
		b.Click(t, `//button[@value="preview"]`)
		if text := b.Text(t); !strings.Contains(text, "Forhåndsvisning") {
			t.Fatalf("preview of %s:\n%s", form, text)
		}
		b.CheckA11y(t, "preview of "+form)
	}
}
