package archive_test

import (
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/browsertest"
)

// TestPublicJournalBrowser lets axe-core judge the public journal's pages
// in headless Chromium: the results, a search with errors, an entry with
// screened fields and an empty result.
func TestPublicJournalBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithTimeout(2*time.Minute))
	s := startJournalSite(t, false)
	f := seedJournal(t, s.env, siteTenant)
	b.Navigate(t, s.url+"sprak?lang=nb")
	for _, p := range []struct{ name, path, want string }{
		{"results", "postjournal", "6 treff"},
		{"search", "postjournal?q=s%C3%B8knaden&type=I", "treff"},
		{"errors", "postjournal?fra=2026-13-01&til=2026-01-01&saksnr=x", "Søket har feil"},
		{"no results", "postjournal?q=kvalheim", "0 treff"},
		{"screened entry", "postjournal/" + f.screened.SystemID, "Offl. § 13"},
		{"public entry", "postjournal/" + f.public.SystemID, "Byggmester Hansen AS"},
	} {
		b.Navigate(t, s.url+p.path)
		b.Settle(t)
		if text := b.Text(t); !strings.Contains(text, p.want) {
			t.Errorf("%s: the page lacks %q:\n%s", p.name, p.want, text)
		}
		b.CheckA11y(t, p.name)
	}
}
