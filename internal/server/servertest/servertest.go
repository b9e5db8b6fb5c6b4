// Package servertest starts a whole Torg server for tests, on a real
// loopback listener with the built-in test identity provider, and signs
// people in through that provider over HTTP, so tests exercise the real
// relying-party code from the first redirect to the session cookie.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/demo"
	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/server"
	"github.com/torg-ekommune/torg/internal/tenant"
)

// Options change the server a test gets.
type Options struct {
	// Postgres runs on a fresh PostgreSQL database (the test is skipped when
	// TORG_TEST_POSTGRES is unset) instead of a SQLite file.
	Postgres bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Log receives the server's logs; discarded when nil unless
	// TORG_TEST_LOG=1.
	Log io.Writer
	// Configure, when set, changes the configuration before the server is
	// built (for example to use an outside identity provider).
	Configure func(*config.Config)
}

// Server is a running test server.
type Server struct {
	*server.Server
	URL  string // base URL, e.g. http://127.0.0.1:41234
	Data string // the data folder (SQLite runs)
}

// Start starts a server with the demo municipality (9999, on no host: use
// /k/9999/) and its staff roles, and stops it when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := config.Config{
		Addr: ln.Addr().String(), Data: t.TempDir(), PublicURL: base, LogFormat: "text", LogLevel: "info",
		Migrate: true, TestIdP: true, MaxBody: 1 << 20, SMTPFrom: "Demo kommune <noreply@demo.kommune.no>",
		SessionIdle: 30 * time.Minute, SessionMax: 12 * time.Hour, ShutdownTimeout: 10 * time.Second,
	}
	if o.Postgres {
		cfg.DatabaseURL = dbtest.URL(t)
	}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	w := o.Log
	if w == nil {
		w = io.Discard
		if os.Getenv("TORG_TEST_LOG") == "1" {
			w = os.Stderr
		}
	}
	log := slog.New(slog.NewTextHandler(w, nil))
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.Open(ctx, cfg, log, server.Options{Now: o.Now})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, demo.Services{Tenants: srv.Tenants, Identity: srv.Identity, Catalog: srv.Catalog, Forms: srv.Forms}, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		srv.Close()
	})
	return &Server{Server: srv, URL: base, Data: cfg.Data}
}

// AddTenant adds a municipality for the test. Errors fail the test.
func (s *Server) AddTenant(t testing.TB, number, name string, hosts ...string) {
	t.Helper()
	_, err := s.Tenants.Add(context.Background(), tenant.Tenant{ID: number, NameNB: name, Hosts: hosts}, audit.Entry{ActorID: "test", Role: "system"})
	if err != nil {
		t.Fatalf("add tenant %s: %v", number, err)
	}
}

// Client returns an HTTP client with its own cookie jar that does not
// follow redirects, so tests see every step.
func Client(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Get fetches url and returns the response with its body read.
func Get(t testing.TB, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return readAll(t, resp)
}

// PostForm posts form values to url and returns the response with its
// body read.
func PostForm(t testing.TB, c *http.Client, url string, v url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(url, v)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	return readAll(t, resp)
}

func readAll(t testing.TB, resp *http.Response) (*http.Response, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(b)
}

// Location resolves a redirect's Location against the request URL.
func Location(t testing.TB, resp *http.Response) string {
	t.Helper()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("%s %s: status %d without Location", resp.Request.Method, resp.Request.URL, resp.StatusCode)
	}
	return loc.String()
}

// Flow is a sign-in in progress at the test provider, stopped just before
// the provider redirects back, so tests can tamper with the callback.
type Flow struct {
	Callback string // the redirect_uri?code=...&state=... the provider sent the browser to
}

// Authorize starts a sign-in at startURL (e.g. BASE/k/9999/logg-inn),
// picks the person whose page entry contains who (a fødselsnummer or an
// e-mail address) at the test provider, and returns the callback URL
// without following it.
func Authorize(t testing.TB, c *http.Client, startURL, who string) Flow {
	t.Helper()
	cb, err := testidp.Authorize(context.Background(), c, startURL, who)
	if err != nil {
		t.Fatal(err)
	}
	return Flow{Callback: cb}
}

// SignIn signs c in at startURL as who and returns the page the server
// sends the browser to afterwards. It fails the test if the callback does
// not end in a redirect into Torg.
func SignIn(t testing.TB, c *http.Client, startURL, who string) string {
	t.Helper()
	next, err := testidp.SignIn(context.Background(), c, startURL, who)
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// ReadAll reads and closes resp's body.
func ReadAll(t testing.TB, resp *http.Response) (*http.Response, string) { return readAll(t, resp) }

// TenantGETRoutes lists the GET routes inside a municipality (relative to
// its base), for tests that walk them all, such as the tenant isolation
// test. Modules add their routes here when they add pages.
var TenantGETRoutes = []string{"", "min-side", "tilsett", "logget-ut", "tema.css", "logo", "logg-inn", "tilsett/logg-inn", "sprak?lang=nn", "kvittering/kontroller", "kvittering/nokler.json",
	"tjenester", "tjenester/familie-og-barn", "tjeneste/soknad-om-barnehageplass", "info/eiendomsskatt", "sok?q=barnehage", "sok?q=og", "sok",
	"skjema/barnehageplass", "skjema/kontakt", "skjema/skoleskyss", "min-side/mine-data.json", "tilsett/skjema", "tilsett/skjema/ny",
	"tilsett/skjema/rediger/kontakt",
	"tilbakemelding", "tilbakemelding?billett=x", "tilsett/kanalar", "tilsett/styringsdata", "tilsett/styringsdata.csv", "tilsett/styringsdata?ar=2026",
	"api/openapi.json", "api/v1/submissions", "tilsett/saker", "tilsett/saker/ruting", "tilsett/arkiv/registrer", "tilsett/saker?status=all&forfalt=1",
	"politikk", "politikk/folkevalgte", "politikk/organ/kommunestyret", "politikk/moter", "politikk/moter.ics", "politikk/mote/x",
	"politikk/person/x", "politikk/person/x/kontakt", "politikk/person/x/kontakt/sendt", "politikk/dokument/x", "politikk/dokument/x/last-ned",
	"tilsett/politikk", "tilsett/politikk/mote/ny", "tilsett/politikk/mote/x", "tilsett/politikk/sak/x",
	"innbyggerpanel", "tilsett/innbyggerpanel", "tilsett/saker/utskrift", "tilsett/saker/utskrift/x/brev.pdf",
	"initiativ", "initiativ/nytt", "initiativ/0123456789abcdef", "initiativ/0123456789abcdef/forpliktingar", "initiativ/0123456789abcdef/forpliktingar.json",
	"initiativ/0123456789abcdef/forpliktingar.csv", "initiativ/0123456789abcdef/forpliktingar?kode=x", "tilsett/initiativ", "tilsett/initiativ/0123456789abcdef",
	"politikk/saker", "politikk/sak/x", "politikk/sak/x.atom", "politikk/organ/kommunestyret.atom", "politikk/sak/x/folg",
	"politikk/organ/kommunestyret/folg", "politikk/folg/sendt", "politikk/folg/bekreft?t=x", "politikk/folg/avslutt?t=x",
	"politikk/sok?q=barnehage", "politikk/sok", "tilsett/politikk/saker", "tilsett/politikk/saker/ny", "tilsett/politikk/saker/x",
	"tilsett/politikk/meg",
	"innsyn", "innsyn?jp=x", "innsyn/kvittering/x", "innsyn/status/x", "innsyn/status/x/dokument/1/x", "innsyn/status/x/sladda/1",
	"min-side/innsyn", "min-side/innsyn/x", "min-side/innsyn/x/dokument/1/x", "min-side/innsyn/x/sladda/1",
	"tilsett/innsyn", "tilsett/innsyn?eining=x&vis=alle", "tilsett/innsyn/x", "tilsett/innsyn/statistikk", "tilsett/innsyn/statistikk?fra=2026-01-01&til=2026-12-31",
	"horingar", "horingar/x", "horingar/x/dokument/x", "horingar/x/uttale", "horingar/x/uttale/x/kvittering", "horingar/x/uttale/x/vedlegg/1",
	"sporsmal", "sporsmal?q=x&ubesvart=1", "sporsmal/nytt", "sporsmal/x",
	"debatt", "debatt/reglar", "debatt/ny", "debatt/x",
	"tilsett/horingar", "tilsett/horingar/ny", "tilsett/horingar/x", "tilsett/horingar/x/dokument/x", "tilsett/dialog",
	"undersokelser/x", "undersokelser/x?t=y", "tilsett/undersokelser", "tilsett/undersokelser/x",
	"tilsett/undersokelser/x/sporsmal/y", "tilsett/undersokelser/x/resultat", "tilsett/undersokelser/x/resultat?bakgrunn=y",
	"tilsett/undersokelser/x/resultat.csv",
	"val", "val/x", "val/x/stem", "val/x/tavle", "val/x/x.bel", "val/x/tillitsvald/x", "tilsett/val", "tilsett/val/x",
	"postjournal", "postjournal?q=søknad&type=I", "postjournal/x", "postjournal.json", "postjournal.atom", "postjournal.csv", "postjournal/dokument/x"}
