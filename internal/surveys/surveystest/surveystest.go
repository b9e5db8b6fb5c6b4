// Package surveystest starts the surveys module's pages on a test server
// of their own, as the deployment lays them out: the shell's middleware
// outside, the municipality router with /k/{nr}/ and static assets. Users
// sign in by a test cookie instead of an identity provider.
package surveystest

import (
	"context"
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
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// The municipalities of the test site.
const (
	Demo  = "9999" // Demo kommune
	Other = "4601" // Bergen, empty: for isolation tests
)

// UserCookie is the cookie that names the signed-in test user (a key of
// Users).
const UserCookie = "surveystest_user"

// Users are the test users by key.
var Users = map[string]*web.User{
	"leder": {Principal: "email:lea.leder@demo.kommune.no", Name: "Lea Leder", Email: "lea.leder@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleManager}},
	"admin": {Principal: "email:adam.admin@demo.kommune.no", Name: "Adam Admin", Email: "adam.admin@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleAdmin}},
	"saksbehandler": {Principal: "email:nora.solberg@demo.kommune.no", Name: "Nora Solberg", Email: "nora.solberg@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleCaseworker}},
	"innbygger":  {Principal: "pid:15838810028", Name: "Kari Nordmann", PID: "15838810028", ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}},
	"innbygger2": {Principal: "pid:01017012345", Name: "Ola <b>Nordmann</b>", PID: "01017012345", ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}},
}

// Options change the site.
type Options struct {
	// Postgres runs the site on PostgreSQL (TORG_TEST_POSTGRES); the test
	// is skipped when that is not set.
	Postgres bool
	// Now is the clock's start; 2026-11-23 12:00 UTC when zero.
	Now time.Time
	// Config is the module's configuration.
	Config surveys.Config
	// PublicURL is the site's public address for invitation links; empty:
	// from each request.
	PublicURL string
}

// Site is a running test site.
type Site struct {
	URL     string
	Server  *httptest.Server
	DB      *db.DB
	Clock   *dbtest.Clock
	Service *surveys.Service
	Audit   *audit.Log
	Mail    *notify.Queue
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
		func() error { return cat.AddFS(notify.Messages()) },
		func() error { return cat.AddFS(audit.Messages()) },
		func() error { return cat.AddFS(surveys.Messages()) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// Schemas are the migrations the site needs.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, notify.Schema, surveys.Schema}
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
	mail := notify.NewQueue(d)
	svc := surveys.New(d, log, mail, o.Config)
	shell, err := web.NewShell(Catalog(t), logger)
	if err != nil {
		t.Fatal(err)
	}
	router, err := tenant.NewRouter(tenants, shell)
	if err != nil {
		t.Fatal(err)
	}
	id := identity.New(d, log, logger, identity.Config{})
	if err := surveys.Routes(router.Mux, shell, svc, id, o.PublicURL); err != nil {
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
	return &Site{URL: srv.URL, Server: srv, DB: d, Clock: clock, Service: svc, Audit: log, Mail: mail, Tenants: tenants, Shell: shell}
}

// signIn puts the user named by the test cookie in the request's Ctx.
func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(UserCookie); err == nil {
			if u, ok := Users[ck.Value]; ok {
				c := web.From(r)
				cp := *u
				if c.Tenant != nil && c.Tenant.ID != Demo {
					// The users have roles in Demo only.
					cp.Roles = nil
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
		Timeout: 30 * time.Second,
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

// Actor is the audit actor of the test manager, for changes a test makes
// through the service.
func Actor() audit.Entry {
	u := Users["leder"]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: identity.RoleManager, RequestID: "test"}
}
