// Package dialoguetest starts the dialogue module's pages on a test server
// of their own, as the deployment lays them out: the shell's middleware
// outside, the municipality router with /k/{nr}/, and static assets. The
// archive is the real archive module; the elected officials are a fixed
// list. Users sign in by a test cookie instead of an identity provider.
package dialoguetest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// The municipalities of the test site.
const (
	Demo  = "9999" // Demo kommune
	Other = "4601" // Bergen: for isolation tests
)

// UserCookie is the cookie that names the signed-in test user (a key of
// Users).
const UserCookie = "dialoguetest_user"

// The demo's elected officials' e-mail addresses.
const (
	MayorEmail  = "jonas.bakke@demo.kommune.no"
	MemberEmail = "liv.aas@demo.kommune.no"
	EvaEmail    = "eva.lie@demo.kommune.no"
)

// Officials are the demo's elected officials; "ingen-epost" has no
// address and cannot be asked. The party groups that can be asked are
// Arbeidarpartiet ("ap": Jonas Bakke and Eva Lie) and Høgre ("h": Liv
// Aas); Senterpartiet ("sp") has no official that can be asked.
var Officials = dialogue.StaticOfficials{
	Demo: {
		{ID: "ordforer", Name: "Jonas Bakke", Party: "Ap", PartyID: "ap", PartyName: "Arbeidarpartiet", Title: "ordfører", Email: MayorEmail},
		{ID: "liv-aas", Name: "Liv Aas", Party: "H", PartyID: "h", PartyName: "Høgre", Email: MemberEmail},
		{ID: "eva-lie", Name: "Eva Lie", Party: "Ap", PartyID: "ap", PartyName: "Arbeidarpartiet", Email: EvaEmail},
		{ID: "ingen-epost", Name: "Per Uten", Party: "Sp", PartyID: "sp", PartyName: "Senterpartiet"},
	},
	Other: {
		{ID: "bergen-ordforer", Name: "Rune Berg", Party: "Ap", PartyID: "ap", PartyName: "Arbeiderpartiet", Email: "rune.berg@bergen.kommune.no"},
	},
}

// Cases are the political cases citizens can debate; "bergen-sak" is
// Bergen's.
var Cases = dialogue.StaticCases{
	Demo: {
		{ID: "barnehage", Title: "Ny barnehage på Nordbyen", Number: "2026/42", Path: "politikk/sak/barnehage"},
		{ID: "utan-nummer", Title: "Gatelys i sentrum", Path: "politikk/sak/utan-nummer"},
	},
	Other: {
		{ID: "bergen-sak", Title: "Bybanen til Åsane", Number: "2026/7", Path: "politikk/sak/bergen-sak"},
	},
}

// Users are the test users by key.
var Users = map[string]*web.User{
	"sekretariat": {Principal: "email:hilde.strand@demo.kommune.no", Name: "Hilde Strand", Email: "hilde.strand@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleSecretariat}},
	"ordforer": {Principal: "email:" + MayorEmail, Name: "Jonas Bakke", Email: MayorEmail, Staff: true, Roles: []string{identity.RoleOfficial}},
	"liv":      {Principal: "email:" + MemberEmail, Name: "Liv Aas", Email: MemberEmail, Staff: true, Roles: []string{identity.RoleOfficial}},
	"eva":      {Principal: "email:" + EvaEmail, Name: "Eva Lie", Email: EvaEmail, Staff: true, Roles: []string{identity.RoleOfficial}},
	"admin": {Principal: "email:it@demo.kommune.no", Name: "Ida Teknikk", Email: "it@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleAdmin}},
	"kari": {Principal: "pid:15838810028", Name: "Kari Nordmann", PID: "15838810028", ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}},
	"ola":  {Principal: "pid:29897899792", Name: "Ola Normann", PID: "29897899792", ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}},
}

// Options change the site.
type Options struct {
	// Postgres runs the site on PostgreSQL (TORG_TEST_POSTGRES); the test
	// is skipped when that is not set.
	Postgres bool
	// Now is the clock's start; 2026-11-23 12:00 UTC when zero.
	Now time.Time
	// Config is the module's configuration; Cases is the fixed list Cases
	// when nil.
	Config dialogue.Config
	// MaxBody is the largest request body; 10 MB when zero.
	MaxBody int64
}

// Site is a running test site.
type Site struct {
	URL     string
	Server  *httptest.Server
	DB      *db.DB
	Clock   *dbtest.Clock
	Service *dialogue.Service
	Archive *archive.Service
	Audit   *audit.Log
	Mail    *notify.Queue
	Blobs   *blob.Dir
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
		func() error { return cat.AddFS(notify.Messages()) },
		func() error { return cat.AddFS(audit.Messages()) },
		func() error { return cat.AddFS(archive.Messages()) },
		func() error { return cat.AddFS(dialogue.Messages()) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// Schemas are the migrations the site needs.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, notify.Schema, archive.Schema, dialogue.Schema}
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
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	mail := notify.NewQueue(d)
	arch := archive.New(d, log)
	if o.Config.Cases == nil {
		o.Config.Cases = Cases
	}
	svc := dialogue.New(d, log, mail, blobs, arch, Officials, o.Config)
	shell, err := web.NewShell(Catalog(t), logger)
	if err != nil {
		t.Fatal(err)
	}
	router, err := tenant.NewRouter(tenants, shell)
	if err != nil {
		t.Fatal(err)
	}
	id := identity.New(d, log, logger, identity.Config{})
	if err := dialogue.Routes(router.Mux, shell, svc, id); err != nil {
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
	return &Site{URL: srv.URL, Server: srv, DB: d, Clock: clock, Service: svc, Archive: arch, Audit: log, Mail: mail, Blobs: blobs, Tenants: tenants}
}

// signIn puts the user named by the test cookie in the request's Ctx.
func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(UserCookie); err == nil {
			if u, ok := Users[ck.Value]; ok {
				c := web.From(r)
				cp := *u
				if c.Tenant != nil && c.Tenant.ID != Demo {
					cp.Roles = nil // the users have roles in Demo only
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

// userTransport adds the test user's cookie to each request.
type userTransport struct{ user string }

// RoundTrip implements http.RoundTripper.
func (u userTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if u.user != "" {
		r = r.Clone(r.Context())
		r.AddCookie(&http.Cookie{Name: UserCookie, Value: u.user})
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Actor is the audit actor of the test secretariat, for changes a test
// makes through the service.
func Actor() audit.Entry {
	u := Users["sekretariat"]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: identity.RoleSecretariat, RequestID: "test"}
}
