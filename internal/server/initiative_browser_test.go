package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/demo"
	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// residentPIDs returns n synthetic fødselsnumre from the demo population
// register (demo.SeedResidents makes them the same way) that are not the
// test provider's listed persons.
func residentPIDs(t *testing.T, n int) []string {
	t.Helper()
	listed := map[string]bool{}
	for _, p := range testidp.DemoPersons() {
		listed[p.PID] = true
	}
	var out []string
	day := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
	for len(out) < n {
		for ind := 0; len(out) < n && ind < 300; ind++ {
			if p, err := nin.Generate(day, ind, nin.Synthetic); err == nil && !listed[p.String()] {
				out = append(out, p.String())
			}
		}
		day = day.AddDate(0, 0, 3)
	}
	return out
}

// TestBrowserInitiativeThreshold is the done-when for citizen
// initiatives, as new users would meet it on the whole server: with the
// demo population register (15,000 residents, so the law's threshold is
// 300), Kari starts an initiative in the browser; 299 other residents
// sign in through the test ID-porten over HTTP and sign; the 300th types
// her synthetic fødselsnummer at the test ID-porten in the browser and
// signs; the initiative then becomes a political case for the council with
// its 300 signatures, which the initiative page links to. axe-core checks
// every page on the way.
func TestBrowserInitiativeThreshold(t *testing.T) {
	// The signers come from 299 addresses, as real residents do, through
	// a reverse proxy on the loopback that the server trusts.
	srv := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}})
	ctx := context.Background()
	if err := demo.SeedResidents(ctx, srv.Initiatives); err != nil {
		t.Fatal(err)
	}
	base := srv.URL + "/k/9999/"

	b := browsertest.New(t, browsertest.WithTimeout(6*time.Minute))
	expect := func(b *browsertest.Browser, name string, wants ...string) {
		t.Helper()
		text := b.Text(t)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: the page lacks %q:\n%s", name, w, text)
			}
		}
		b.CheckA11y(t, name)
	}
	fill := func(b *browsertest.Browser, sel, v string) {
		t.Helper()
		if _, err := chromedp.Run(b.Ctx(), chromedp.SetValue(sel, v)); err != nil {
			t.Fatalf("fill %s: %v", sel, err)
		}
	}

	b.Navigate(t, base+"sprak?lang=nb")
	b.Navigate(t, base+"logg-inn?neste="+url.QueryEscape("/initiativ/nytt"))
	b.Click(t, `//button[contains(., "15838810028")]`)
	expect(b, "start form", "Start et innbyggerinitiativ")
	fill(b, `#tittel`, "Badeplass ved Tjernet")
	fill(b, `#tekst`, "Vi foreslår at kommunen lager en badeplass med brygge ved Tjernet.\n\nDet er langt til nærmeste badeplass i dag.")
	b.Click(t, `//main//form//button[@type="submit"]`)
	expect(b, "initiative", "Badeplass ved Tjernet", "Initiativet er startet.", "Underskrifter: 0 av 300 som trengs")
	page, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	id := page[strings.LastIndexByte(page, '/')+1:]

	// 299 residents sign over HTTP, each through the whole OpenID Connect
	// flow at the test provider, eight at a time.
	pids := residentPIDs(t, 300)
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				pid := pids[i]
				c := servertest.Client(t)
				c.Transport = forwardedFor{fmt.Sprintf("10.0.%d.%d", i/250, i%250+1), c.Transport}
				if _, err := testidp.SignIn(ctx, c, base+"logg-inn", pid); err != nil {
					mu.Lock()
					failures = append(failures, pid+": sign-in: "+err.Error())
					mu.Unlock()
					continue
				}
				resp, err := c.PostForm(base+"initiativ/"+id+"/signer", url.Values{})
				if err == nil {
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s: sign: %v %v", pid, err, resp))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range 299 {
		work <- i
	}
	close(work)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of 299 signatures failed, first: %s", len(failures), failures[0])
	}

	// The 300th resident, in a browser of her own, types her synthetic
	// number at the test ID-porten, as TestID allows.
	last := browsertest.New(t, browsertest.WithTimeout(3*time.Minute))
	last.Navigate(t, base+"sprak?lang=nb")
	last.Navigate(t, base+"logg-inn?neste="+url.QueryEscape(strings.TrimPrefix(page, "/k/9999")))
	if text := last.Text(t); !strings.Contains(text, "Eller en annen syntetisk testperson") {
		t.Fatalf("test provider page:\n%s", text)
	}
	last.CheckA11y(t, "test ID-porten with a typed number")
	fill(last, `#pid`, pids[299])
	last.Click(t, `//button[contains(., "Logg inn som denne testpersonen")]`)
	expect(last, "initiative with 299 signatures", "Badeplass ved Tjernet", "Underskrifter: 299 av 300 som trengs")
	last.Click(t, `//main//form//button[@type="submit"]`)
	expect(last, "receipt of the 300th", "Takk, du har signert", "Kvitteringen din")

	// The background job hands initiatives that met their threshold to
	// the council; the server may already have run it, so run it here too
	// and check there is exactly one case.
	if _, err := srv.Initiatives.SubmitPending(ctx); err != nil {
		t.Fatal(err)
	}
	cases, err := srv.Politics.Cases(ctx, "9999")
	if err != nil {
		t.Fatal(err)
	}
	var found []politics.Case
	for _, c := range cases {
		if c.Origin == politics.OriginInitiative && c.Title == "Badeplass ved Tjernet" {
			found = append(found, c)
		}
	}
	if len(found) != 1 || found[0].Signatures != 300 {
		t.Fatalf("political cases from the initiative: %+v", found)
	}
	b.Navigate(t, base+"initiativ/"+id)
	expect(b, "initiative that became a case", "Badeplass ved Tjernet", "300")
	b.Click(t, `//main//a[contains(@href, "politikk/sak/")]`)
	expect(b, "political case from the initiative", "Badeplass ved Tjernet", "300")
	if text := b.Text(t); !strings.Contains(text, "kommuneloven § 12-1") {
		t.Errorf("the political case does not name the law:\n%s", text)
	}
}

// forwardedFor sends requests as a trusted reverse proxy would forward
// them from addr.
type forwardedFor struct {
	addr string
	next http.RoundTripper
}

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	next := f.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}
