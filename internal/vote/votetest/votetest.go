// Package votetest starts the vote module's pages on a test server of
// their own, as the deployment lays them out: the shell's middleware
// outside, the municipality router with /k/{nr}/, and static assets.
// Users sign in by a test cookie instead of an identity provider.
package votetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/vote"
	"github.com/torg-ekommune/torg/internal/web"
)

// The municipalities of the test site.
const (
	Demo  = "9999" // Demo kommune
	Other = "4601" // Bergen, empty: for isolation tests
)

// UserCookie names the signed-in test user (a key of Users).
const UserCookie = "votetest_user"

// Voters is how many test voters Users has: "veljar0" to "veljar9".
const Voters = 10

// PIDs returns n valid synthetic fødselsnummer (Tenor test numbers, never
// a real person's), the same every time.
func PIDs(n int) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		num, err := nin.Generate(time.Date(1980, 1, 1+i%28, 0, 0, 0, 0, time.UTC), 100+i, nin.Synthetic)
		if err != nil {
			continue
		}
		out = append(out, num.String())
	}
	return out
}

// Users are the test users by key: "valansvarleg" (the election officer,
// staff with vote.OfficerRole), "sakshandsamar" (staff without it),
// "veljar0".."veljar9" (citizens whose numbers are PIDs(Voters)) and
// "utanfor" (a citizen on no voter list).
var Users = func() map[string]*web.User {
	u := map[string]*web.User{
		"valansvarleg":  {Principal: "email:vera.valg@demo.kommune.no", Name: "Vera Valg", Email: "vera.valg@demo.kommune.no", Staff: true, Roles: []string{vote.OfficerRole}},
		"sakshandsamar": {Principal: "email:nora.solberg@demo.kommune.no", Name: "Nora Solberg", Email: "nora.solberg@demo.kommune.no", Staff: true, Roles: []string{identity.RoleCaseworker}},
	}
	pids := PIDs(Voters + 1)
	for i := 0; i < Voters; i++ {
		u[fmt.Sprintf("veljar%d", i)] = &web.User{Principal: "pid:" + pids[i], Name: fmt.Sprintf("Veljar %d", i), PID: pids[i], ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}}
	}
	u["utanfor"] = &web.User{Principal: "pid:" + pids[Voters], Name: "Ute Utanfor", PID: pids[Voters], ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}}
	return u
}()

// Options change the site.
type Options struct {
	// Postgres runs the site on PostgreSQL (TORG_TEST_POSTGRES); the test
	// is skipped when that is not set.
	Postgres bool
	// Now is the clock's start; 2026-11-23 12:00 UTC when zero.
	Now time.Time
	// Config is the module's configuration.
	Config vote.Config
}

// Site is a running test site.
type Site struct {
	URL     string
	Server  *httptest.Server
	DB      *db.DB
	Clock   *dbtest.Clock
	Service *vote.Service
	Audit   *audit.Log
	Tenants *tenant.Service
	Shell   *web.Shell
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
		func() error { return cat.AddFS(vote.Messages()) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// Schemas are the migrations the site needs.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, vote.Schema}
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
	svc := vote.New(d, log)
	shell, err := web.NewShell(Catalog(t), logger)
	if err != nil {
		t.Fatal(err)
	}
	router, err := tenant.NewRouter(tenants, shell)
	if err != nil {
		t.Fatal(err)
	}
	id := identity.New(d, log, logger, identity.Config{})
	if err := vote.Routes(router.Mux, shell, svc, id, o.Config); err != nil {
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
	srv := httptest.NewServer(shell.Wrap(root, web.Options{MaxBody: 10 << 20}))
	t.Cleanup(srv.Close)
	return &Site{URL: srv.URL, Server: srv, DB: d, Clock: clock, Service: svc, Audit: log, Tenants: tenants, Shell: shell}
}

// signIn puts the user named by the test cookie in the request's Ctx.
func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(UserCookie); err == nil {
			if u, ok := Users[ck.Value]; ok {
				c := web.From(r)
				cp := *u
				if c.Tenant != nil && c.Tenant.ID != Demo && cp.Staff {
					cp.Roles = nil // staff roles are in Demo only
				}
				c.User = &cp
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Client returns an HTTP client that signs in as user (a key of Users;
// empty: signed out) and does not follow redirects.
func (s *Site) Client(user string) *http.Client {
	return &http.Client{
		Transport: userTransport{user: user},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 60 * time.Second,
	}
}

type userTransport struct{ user string }

func (u userTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if u.user != "" {
		r = r.Clone(r.Context())
		r.AddCookie(&http.Cookie{Name: UserCookie, Value: u.user})
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Officer is the audit actor of the test officer, for changes a test
// makes through the service.
func Officer() audit.Entry {
	u := Users["valansvarleg"]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: vote.OfficerRole, RequestID: "test"}
}
