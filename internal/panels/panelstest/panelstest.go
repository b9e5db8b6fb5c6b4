// Package panelstest starts the citizens' panel's pages, with the survey
// pages they send people to, on a test server of their own, as the
// deployment lays them out. Residency is decided by the citizen
// initiatives' real register (a table imported from an extract). Users
// sign in by a test cookie instead of an identity provider.
package panelstest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/panels"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// The municipalities of the test site.
const (
	Demo  = "9999" // Demo kommune
	Other = "4601" // Bergen, empty
)

// UserCookie names the signed-in test user (a key of Users).
const UserCookie = "panelstest_user"

// Now is the site's clock at the start: 23 November 2026, noon UTC.
var Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// pid returns a synthetic fødselsnummer of a person born on the date,
// with individual number ind or the next that has check digits.
func pid(y int, m time.Month, d, ind int) string {
	for i := ind; i < ind+50; i++ {
		if n, err := nin.Generate(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), i, nin.Synthetic); err == nil {
			return n.String()
		}
	}
	panic("panelstest: no fødselsnummer near this individual number")
}

func citizen(p, name string) *web.User {
	return &web.User{Principal: "pid:" + p, Name: name, PID: p, ACR: identity.LevelSubstantial, Roles: []string{identity.RoleCitizen}}
}

// Users are the test users by key. The citizens "kari" (36, age group
// 30–44), "ola" (22), "per" (58), "eva" (80), "liv" (33), "tor" (25),
// "siv" (50) and "ung" (14) live in Demo; "nils" does not.
var Users = map[string]*web.User{
	"leder": {Principal: "email:lea.leder@demo.kommune.no", Name: "Lea Leder", Email: "lea.leder@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleManager}},
	"saksbehandler": {Principal: "email:nora.solberg@demo.kommune.no", Name: "Nora Solberg", Email: "nora.solberg@demo.kommune.no", Staff: true,
		Roles: []string{identity.RoleCaseworker}},
	"kari": citizen(pid(1990, 5, 17, 100), "Kari Nordmann"),
	"ola":  citizen(pid(2004, 2, 1, 501), "Ola <b>Nordmann</b>"),
	"per":  citizen(pid(1968, 8, 30, 200), "Per Hansen"),
	"eva":  citizen(pid(1946, 1, 12, 300), "Eva Berg"),
	"liv":  citizen(pid(1993, 3, 3, 110), "Liv Lie"),
	"tor":  citizen(pid(2001, 7, 7, 520), "Tor Tangen"),
	"siv":  citizen(pid(1976, 11, 11, 210), "Siv Sand"),
	"ung":  citizen(pid(2012, 6, 6, 530), "Ung Ungdom"),
	"nils": citizen(pid(1980, 4, 4, 220), "Nils Utenbys"),
}

// Residents are the keys of Users who live in Demo.
var Residents = []string{"kari", "ola", "per", "eva", "liv", "tor", "siv", "ung"}

// Population is the test site's population text: two areas.
const Population = "område;16-29;30-44;45-66;67+\nSentrum;100;300;400;200\nBygda;100;100;500;300\n"

// Options change the site.
type Options struct {
	// Postgres runs the site on PostgreSQL (TORG_TEST_POSTGRES).
	Postgres bool
	// Config is the module's configuration.
	Config panels.Config
	// NoPopulation leaves the areas and population unset.
	NoPopulation bool
}

// Site is a running test site.
type Site struct {
	URL     string
	Server  *httptest.Server
	DB      *db.DB
	Clock   *dbtest.Clock
	Service *panels.Service
	Surveys *surveys.Service
	Audit   *audit.Log
	// Initiatives holds the register of residents.
	Initiatives *initiatives.Service
}

// Catalog returns the messages the site's pages use.
func Catalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat := i18n.NewCatalog()
	for _, fs := range []func() error{
		func() error { return cat.AddFS(web.Messages()) },
		func() error { return cat.AddFS(tenant.Messages()) },
		func() error { return cat.AddFS(identity.Messages()) },
		func() error { return cat.AddFS(notify.Messages()) },
		func() error { return cat.AddFS(audit.Messages()) },
		func() error { return cat.AddFS(surveys.Messages()) },
		func() error { return cat.AddFS(panels.Messages()) },
	} {
		if err := fs(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// Schemas are the migrations the site needs.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, notify.Schema, surveys.Schema, initiatives.Schema, panels.Schema}
}

// Actor is the audit actor of the test manager.
func Actor() audit.Entry {
	u := Users["leder"]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: identity.RoleManager, RequestID: "test"}
}

// CitizenActor is the audit actor of test citizen key.
func CitizenActor(key string) audit.Entry {
	u := Users[key]
	return audit.Entry{ActorID: u.Principal, ActorName: u.Name, Role: identity.RoleCitizen, RequestID: "test"}
}

// Start starts a site for the test and stops it when the test ends.
func Start(t testing.TB, o Options) *Site {
	t.Helper()
	clock := dbtest.NewClock(Now)
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
	// The residents, in the citizen initiatives' register.
	ini := initiatives.New(d, log, initiatives.Config{})
	var extract strings.Builder
	extract.WriteString("fodselsnummer\n")
	for _, k := range Residents {
		extract.WriteString(Users[k].PID + "\n")
	}
	if _, err := ini.ImportResidents(ctx, Demo, strings.NewReader(extract.String()), system); err != nil {
		t.Fatal(err)
	}

	mail := notify.NewQueue(d)
	sv := surveys.New(d, log, mail, surveys.Config{})
	svc := panels.New(d, log, sv, ini.Register(), o.Config)
	if !o.NoPopulation {
		if _, err := svc.SetPopulation(ctx, Demo, Population, system); err != nil {
			t.Fatal(err)
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
	if err := surveys.Routes(router.Mux, shell, sv, id, ""); err != nil {
		t.Fatal(err)
	}
	if err := panels.Routes(router.Mux, shell, svc, id, ""); err != nil {
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
	return &Site{URL: srv.URL, Server: srv, DB: d, Clock: clock, Service: svc, Surveys: sv, Audit: log, Initiatives: ini}
}

func signIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(UserCookie); err == nil {
			if u, ok := Users[ck.Value]; ok {
				c := web.From(r)
				cp := *u
				if c.Tenant != nil && c.Tenant.ID != Demo {
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

var linkRE = regexp.MustCompile(`https?://\S+/undersokelser/[a-z2-7]{16}\?t=[A-Za-z0-9_-]{43}`)

// Link returns the personal link to survey in a mail queued to address,
// or "" when there is none.
func (s *Site) Link(t testing.TB, address, survey string) string {
	t.Helper()
	rows, err := s.DB.QueryContext(context.Background(), `SELECT body FROM notify_mail WHERE recipient = $1`, address)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	link := ""
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		if l := linkRE.FindString(body); l != "" && strings.Contains(l, "/undersokelser/"+survey+"?") {
			link = l
		}
	}
	return link
}

// AddResidents makes the register hold the residents of Users and pids.
func (s *Site) AddResidents(t testing.TB, pids ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("fodselsnummer\n")
	for _, k := range Residents {
		b.WriteString(Users[k].PID + "\n")
	}
	for _, p := range pids {
		b.WriteString(p + "\n")
	}
	if _, err := s.Initiatives.ImportResidents(context.Background(), Demo, strings.NewReader(b.String()), audit.Entry{ActorID: "test", Role: "system"}); err != nil {
		t.Fatal(err)
	}
}

// PID returns a synthetic fødselsnummer of a person born on day with
// individual number ind (000–499 for the 1900s, 500–999 for 2000–2039).
func PID(day time.Time, ind int) string {
	return pid(day.Year(), day.Month(), day.Day(), ind)
}
