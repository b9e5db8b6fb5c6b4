// Package initiativestest starts the initiatives module's pages on a test
// server of their own, as the deployment lays them out: the shell's
// middleware outside, the municipality router with /k/{nr}/, and static
// assets. Users sign in by a test cookie instead of an identity provider:
// a key of Users, or "pid-" followed by a fødselsnummer for a citizen of
// that number (for tests with many persons, see Persons).
//
// It also has Council, a council that keeps its cases in memory and counts
// the calls, standing in for the politics module until that implements
// initiatives.Council.
package initiativestest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// The municipalities of the test site.
const (
	Demo  = "9999" // Demo kommune
	Other = "4601" // Bergen, for isolation tests
)

// UserCookie is the cookie that names the signed-in test user.
const UserCookie = "initiativestest_user"

// Synthetic test fødselsnummer (Tenor) of the test citizens.
const (
	KariPID = "15838810028"
	OlaPID  = "01819010001"
	PerPID  = "02858610098"
	NilsPID = "03888010091" // not a resident of Demo in the tests that import residents
	AnnePID = "04839510093"
	HansPID = "05867010051"
	BadPID  = "12345678901" // not a valid number
)

// Users are the test users by key.
var Users = map[string]*web.User{
	"sekretariat": {Principal: "email:hilde.strand@demo.kommune.no", Name: "Hilde Strand", Email: "hilde.strand@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleSecretariat}},
	"saksbehandler": {Principal: "email:nora.solberg@demo.kommune.no", Name: "Nora Solberg", Email: "nora.solberg@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleCaseworker}},
	"innbygger": citizen(KariPID, "Kari Nordmann"),
	"ola":       citizen(OlaPID, "Ola Nordmann"),
	"per":       citizen(PerPID, "Per Hansen"),
	"nils":      citizen(NilsPID, "Nils Utenbys"),
	"anne":      citizen(AnnePID, "Anne <script>alert(1)</script> Berg"),
}

func citizen(pid, name string) *web.User {
	return &web.User{Principal: "pid:" + pid, Name: name, PID: pid, ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}}
}

// Persons returns n distinct synthetic test fødselsnummer, born from 1
// January 1950 on, none of them one of the named test users'.
func Persons(n int) []string {
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	day := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for len(out) < n {
		for ind := 0; ind < 500 && len(out) < n; ind++ {
			if p, err := nin.Generate(day, ind, nin.Synthetic); err == nil && !seen[p.String()] {
				seen[p.String()] = true
				out = append(out, p.String())
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return out
}

// Extract returns a Folkeregister extract (CSV with a header) of pids.
func Extract(pids ...string) io.Reader {
	var b strings.Builder
	b.WriteString("fodselsnummer\n")
	for _, p := range pids {
		b.WriteString(p + "\n")
	}
	return strings.NewReader(b.String())
}

// Council is an initiatives.Council that keeps cases in memory. It is
// safe for concurrent use.
type Council struct {
	mu    sync.Mutex
	calls int
	cases map[string]initiatives.CaseRequest // ref → request
	// Fail, when set, makes CreateCase fail.
	Fail error
	// Delay makes CreateCase take this long, to widen races in tests.
	Delay time.Duration
}

// NewCouncil returns an empty Council.
func NewCouncil() *Council { return &Council{cases: map[string]initiatives.CaseRequest{}} }

// CreateCase records req and returns "PS " and a number.
func (c *Council) CreateCase(ctx context.Context, tenant string, req initiatives.CaseRequest) (string, error) {
	if c.Delay > 0 {
		time.Sleep(c.Delay)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.Fail != nil {
		return "", c.Fail
	}
	ref := fmt.Sprintf("PS %d/26", len(c.cases)+1)
	c.cases[tenant+" "+ref] = req
	return ref, nil
}

// CaseStatus says every known case is scheduled for a meeting on 14
// January 2027, with a page under politikk/.
func (c *Council) CaseStatus(ctx context.Context, tenant, ref string) (initiatives.CaseStatus, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cases[tenant+" "+ref]; !ok {
		return initiatives.CaseStatus{}, errors.New("no such case")
	}
	return initiatives.CaseStatus{State: initiatives.CaseScheduled, Path: "politikk/sak/" + strings.ReplaceAll(ref, " ", "-"),
		Date: time.Date(2027, 1, 14, 17, 0, 0, 0, time.UTC)}, nil
}

// Calls returns how many times CreateCase was called.
func (c *Council) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// Cases returns the requests made, by "tenant ref".
func (c *Council) Cases() map[string]initiatives.CaseRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]initiatives.CaseRequest{}
	for k, v := range c.cases {
		out[k] = v
	}
	return out
}

// Options change the site.
type Options struct {
	// Postgres runs the site on PostgreSQL (TORG_TEST_POSTGRES); the test
	// is skipped when that is not set.
	Postgres bool
	// Now is the clock's start; 2026-11-23 12:00 UTC when zero.
	Now time.Time
	// Residents are imported into Demo as its register (none when empty).
	Residents []string
	// Handler configures the pages (rate limits).
	Handler initiatives.HandlerConfig
	// MaxBody is the largest request body; 10 MB when zero.
	MaxBody int64
}

// Site is a running test site.
type Site struct {
	URL     string
	Server  *httptest.Server
	DB      *db.DB
	Clock   *dbtest.Clock
	Service *initiatives.Service
	Council *Council
	Audit   *audit.Log
	Tenants *tenant.Service
}

// Catalog returns the messages the site's pages use.
func Catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat := i18n.NewCatalog()
	for _, f := range []func() error{
		func() error { return cat.AddFS(web.Messages()) },
		func() error { return cat.AddFS(tenant.Messages()) },
		func() error { return cat.AddFS(identity.Messages()) },
		func() error { return cat.AddFS(audit.Messages()) },
		func() error { return cat.AddFS(initiatives.Messages()) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// Schemas are the migrations the site needs.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, initiatives.Schema}
}

// Start starts a site for the test and stops it when the test ends.
func Start(t testing.TB, o Options) *Site {
	t.Helper()
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	}
	clock := dbtest.NewClock(o.Now)
	var d *db.DB
	if o.Postgres {
		d = dbtest.Postgres(t, dbtest.Options{Now: clock.Now}, Schemas()...)
	} else {
		d = dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, Schemas()...)
	}
	ctx := context.Background()
	var w io.Writer = io.Discard
	if os.Getenv("TORG_TEST_LOG") == "1" {
		w = os.Stderr
	}
	logger := slog.New(slog.NewTextHandler(w, nil))
	log := audit.New(d)
	tenants := tenant.New(d, log)
	system := audit.Entry{ActorID: "test", Role: "system"}
	for _, tn := range []tenant.Tenant{{ID: Demo, NameNB: "Demo kommune", NameNN: "Demo kommune"}, {ID: Other, NameNB: "Bergen", NameNN: "Bergen"}} {
		if _, err := tenants.Add(ctx, tn, system); err != nil {
			t.Fatalf("add tenant %s: %v", tn.ID, err)
		}
	}
	council := NewCouncil()
	svc := initiatives.New(d, log, initiatives.Config{Council: council, Logger: logger})
	if len(o.Residents) > 0 {
		if _, err := svc.ImportResidents(ctx, Demo, Extract(o.Residents...), Actor()); err != nil {
			t.Fatalf("import residents: %v", err)
		}
	}
	shell, err := web.NewShell(Catalog(t), logger)
	if err != nil {
		t.Fatal(err)
	}
	router, err := tenant.NewRouter(tenants, shell)
	if err != nil {
		t.Fatal(err)
	}
	id := identity.New(d, log, logger, identity.Config{})
	if err := initiatives.Routes(router.Mux, shell, svc, id, o.Handler); err != nil {
		t.Fatal(err)
	}
	router.Mux.Handle("GET /sprak", shell.Handle(shell.SetLang(false)))
	router.Use(signIn)
	root := http.NewServeMux()
	root.HandleFunc("GET /static/{file}", shell.ServeStatic)
	root.HandleFunc("GET /test/logg-inn", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: UserCookie, Value: r.URL.Query().Get("som"), Path: "/"})
		next := r.URL.Query().Get("neste")
		if p, ok := web.LocalPath(next); ok {
			next = p
		} else {
			next = "/"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
	root.Handle("/", router)
	maxBody := o.MaxBody
	if maxBody == 0 {
		maxBody = 10 << 20
	}
	srv := httptest.NewServer(shell.Wrap(root, web.Options{MaxBody: maxBody}))
	t.Cleanup(srv.Close)
	return &Site{URL: srv.URL, Server: srv, DB: d, Clock: clock, Service: svc, Council: council, Audit: log, Tenants: tenants}
}

// userOf returns the user a cookie value names.
func userOf(v string) (*web.User, bool) {
	if u, ok := Users[v]; ok {
		return u, true
	}
	if pid, ok := strings.CutPrefix(v, "pid-"); ok && len(pid) == nin.Length {
		return citizen(pid, "Testperson "+pid[:6]), true
	}
	return nil, false
}

// signIn puts the user named by the test cookie in the request's Ctx.
func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(UserCookie); err == nil {
			if u, ok := userOf(ck.Value); ok {
				c := web.From(r)
				cp := *u
				if c.Tenant != nil && c.Tenant.ID != Demo {
					cp.Roles = nil // the staff have roles in Demo only
					if !cp.Staff {
						cp.Roles = []string{identity.RoleCitizen}
					}
				}
				c.User = &cp
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Client returns an HTTP client that signs in as user (a key of Users or
// "pid-NNNNNNNNNNN"; empty: signed out) and does not follow redirects.
func (s *Site) Client(user string) *http.Client {
	return &http.Client{
		Transport: userTransport{user: user, rt: http.DefaultTransport},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 60 * time.Second,
	}
}

// ClientWith is Client over the transport rt (for load tests that tune
// the connection pool).
func (s *Site) ClientWith(user string, rt http.RoundTripper) *http.Client {
	c := s.Client(user)
	c.Transport = userTransport{user: user, rt: rt}
	return c
}

type userTransport struct {
	user string
	rt   http.RoundTripper
}

func (u userTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if u.user != "" {
		r = r.Clone(r.Context())
		r.AddCookie(&http.Cookie{Name: UserCookie, Value: u.user})
	}
	return u.rt.RoundTrip(r)
}

// Actor is the audit actor of the test secretariat, for changes a test
// makes through the service.
func Actor() audit.Entry {
	u := Users["sekretariat"]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: identity.RoleSecretariat, RequestID: "test"}
}
