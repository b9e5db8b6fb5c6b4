package cases

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// pagesMux is the case pages and the print queue on a mux, with the
// shell's static files.
func pagesMux(t *testing.T, e svarutEnv) *http.ServeMux {
	t.Helper()
	cat := i18n.NewCatalog()
	for _, f := range []func() error{
		func() error { return cat.AddFS(web.Messages()) }, func() error { return cat.AddFS(Messages()) },
		func() error { return cat.AddFS(forms.Messages()) }, func() error { return cat.AddFS(identity.Messages()) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	shell, err := web.NewShell(cat, logger)
	if err != nil {
		t.Fatal(err)
	}
	ids := identity.New(e.d, e.log, logger, identity.Config{})
	mux := http.NewServeMux()
	if err := Routes(mux, shell, e.svc, ids); err != nil {
		t.Fatal(err)
	}
	if err := PrintRoutes(mux, shell, e.svc, ids); err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET /static/{file}", shell.ServeStatic)
	return mux
}

// withUser serves h as the signed-in user in lang (nil user: signed out)
// in the demo municipality at base.
func withUser(r *http.Request, base, lang string, user *web.User) *http.Request {
	return web.WithCtx(r, &web.Ctx{RequestID: "test", Lang: lang, User: user, Path: strings.TrimPrefix(r.URL.Path, "/"),
		Tenant: &web.Tenant{ID: testTenant, NameNB: "Demo kommune", NameNN: "Demo kommune", Base: base}})
}

// pagesServer serves the case pages and the print queue through the real
// shell, as a signed-in user in lang (nil user: signed out).
func pagesServer(t *testing.T, e svarutEnv) func(method, path, lang string, user *web.User) *http.Response {
	t.Helper()
	mux := pagesMux(t, e)
	return func(method, path, lang string, user *web.User) *http.Response {
		t.Helper()
		r := httptest.NewRequest(method, path, nil)
		if method == http.MethodPost {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r = withUser(r, "/k/9999/", lang, user)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w.Result()
	}
}

// TestPrintPages walks the print queue and the case view as a case
// worker in each language: the letter's channel and status read well, the
// PDF downloads, "printed" moves it out of the queue once, and unknown
// letters, a second "printed", the signed-out and a citizen get clear
// answers rather than a 500.
func TestPrintPages(t *testing.T) {
	eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
		rc := newReceiver(t, "nomailbox")
		e := newSvarutEnv(t, d, clock, rc.URL, 3)
		c := e.newCase(t, kariPID, "Kari Nordmann")
		if _, err := e.svc.Send(context.Background(), testTenant, c.ID, decision, worker); err != nil {
			t.Fatal(err)
		}
		do := pagesServer(t, e)
		sara := &web.User{Principal: worker.ActorID, Name: worker.ActorName, Email: "sara@demo.kommune.no", Staff: true, Roles: []string{identity.RoleCaseworker}}
		body := func(res *http.Response) string {
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		// Queued: the case says so in each language.
		for lang, want := range map[string]string{"nb": "Kanal: digital postkasse (SvarUt) · Levering: i kø", "nn": "Kanal: digital postkasse (SvarUt)", "en": "Channel: digital mailbox (SvarUt) · Delivery: queued"} {
			res := do("GET", "/tilsett/saker/"+c.ID, lang, sara)
			if b := body(res); res.StatusCode != 200 || !strings.Contains(b, want) {
				t.Errorf("%s case view (%d) lacks %q", lang, res.StatusCode, want)
			}
		}
		e.ship(t)
		waiting, _, _ := e.svc.PrintQueue(context.Background(), testTenant, sara.Principal)
		if len(waiting) != 1 {
			t.Fatalf("%d waiting", len(waiting))
		}
		id := waiting[0].ID
		for _, tc := range []struct {
			method, path, lang string
			user               *web.User
			status             int
			want               []string
		}{
			{"GET", "/tilsett/saker/" + c.ID, "nb", sara, 200, []string{"Levering: til utskrift og post (no digital mailbox", `href="/k/9999/tilsett/saker/utskrift"`}},
			{"GET", "/tilsett/saker/" + c.ID, "en", sara, 200, []string{"Delivery: to be printed and posted"}},
			{"GET", "/tilsett/saker/utskrift", "nb", sara, 200, []string{"<h1>Utskriftskø</h1>", "1 brev venter på utskrift", "Vedtak: Vedtak om barnehageplass", "Kari Nordmann",
				"Merk «Vedtak om barnehageplass» som skrevet ut", `href="/k/9999/tilsett/saker/utskrift/` + id + `/brev.pdf"`}},
			{"GET", "/tilsett/saker/utskrift", "nn", sara, 200, []string{"1 brev ventar på utskrift", "Merk «Vedtak om barnehageplass» som skrive ut"}},
			{"GET", "/tilsett/saker/utskrift", "en", sara, 200, []string{"Print queue", "1 letters waiting to be printed", "Mark “Vedtak om barnehageplass” as printed"}},
			{"GET", "/tilsett/saker/utskrift/" + id + "/brev.pdf", "nb", sara, 200, []string{"%PDF-1.7"}},
			{"GET", "/tilsett/saker/utskrift/finnes-ikke/brev.pdf", "nb", sara, 404, nil},
			{"POST", "/tilsett/saker/utskrift/finnes-ikke/utskrive", "nb", sara, 404, []string{"Vi finner ikke dette brevet i utskriftskøen."}},
			{"GET", "/tilsett/saker/utskrift", "nb", nil, 303, nil},
			{"POST", "/tilsett/saker/utskrift/" + id + "/utskrive", "nb", nil, 401, nil},
			{"GET", "/tilsett/saker/utskrift", "nb", &web.User{Principal: "pid:" + kariPID, Name: "Kari", PID: kariPID}, 303, nil},
			{"GET", "/tilsett/saker/utskrift", "nb", &web.User{Principal: "email:leder@demo.kommune.no", Staff: true}, 403, nil},
			{"POST", "/tilsett/saker/utskrift/" + id + "/utskrive", "nb", sara, 303, nil},
			{"POST", "/tilsett/saker/utskrift/" + id + "/utskrive", "nb", sara, 409, []string{"Brevet er allerede merket som skrevet ut."}},
			{"GET", "/tilsett/saker/utskrift?utskrive=1", "nb", sara, 200, []string{"Brevet er merket som skrevet ut og sendt i posten.", "Ingen brev venter på utskrift.", "Sist skrevet ut", "Sara Saksbehandler"}},
			{"GET", "/tilsett/saker/" + c.ID, "nb", sara, 200, []string{"Levering: skrevet ut og sendt i posten (printed and posted by Sara Saksbehandler"}},
			{"GET", "/tilsett/saker/" + c.ID, "nn", sara, 200, []string{"skrive ut og sendt i posten"}},
		} {
			res := do(tc.method, tc.path, tc.lang, tc.user)
			b := body(res)
			if res.StatusCode != tc.status {
				t.Errorf("%s %s (%s): %d, want %d", tc.method, tc.path, tc.lang, res.StatusCode, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("%s %s (%s) lacks %q", tc.method, tc.path, tc.lang, w)
				}
			}
			if tc.status == 303 && tc.method == "POST" {
				if loc := res.Header.Get("Location"); loc != "/k/9999/tilsett/saker/utskrift?utskrive=1" {
					t.Errorf("redirect to %q", loc)
				}
			}
			if strings.HasSuffix(tc.path, ".pdf") && tc.status == 200 {
				if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || res.Header.Get("Cache-Control") != "private, no-store" {
					t.Errorf("PDF headers %q %q", ct, res.Header.Get("Cache-Control"))
				}
			}
		}
	})
}

// TestBrowserPrintQueue: in Chromium, a case worker sees the letter's
// print status in the case, opens the print queue, marks the letter
// printed, and sees it printed; axe-core checks each page.
func TestBrowserPrintQueue(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, audit.Schema, archive.Schema, Schema)
	rc := newReceiver(t, "nomailbox")
	e := newSvarutEnv(t, d, dbtest.NewClock(time.Now()), rc.URL, 3)
	c := e.newCase(t, kariPID, "Kari Nordmann")
	if _, err := e.svc.Send(context.Background(), testTenant, c.ID, decision, worker); err != nil {
		t.Fatal(err)
	}
	e.ship(t)
	mux := pagesMux(t, e)
	sara := &web.User{Principal: worker.ActorID, Name: worker.ActorName, Email: "sara@demo.kommune.no", Staff: true, Roles: []string{identity.RoleCaseworker}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, withUser(r, "/", "nb", sara))
	}))
	t.Cleanup(srv.Close)

	b := browsertest.New(t)
	b.Navigate(t, srv.URL+"/tilsett/saker/"+c.ID)
	if text := b.Text(t); !strings.Contains(text, "Kanal: digital postkasse (SvarUt) · Levering: til utskrift og post") {
		t.Fatalf("the case lacks the print status:\n%s", text)
	}
	b.CheckA11y(t, "case with a letter to print")
	b.Click(t, `a[href="/tilsett/saker/utskrift"]`)
	if text := b.Text(t); !strings.Contains(text, "1 brev venter på utskrift") {
		t.Fatalf("the print queue:\n%s", text)
	}
	b.CheckA11y(t, "print queue")
	b.Click(t, `form[action$="/utskrive"] button`)
	if text := b.Text(t); !strings.Contains(text, "Brevet er merket som skrevet ut") || !strings.Contains(text, "Ingen brev venter på utskrift.") {
		t.Fatalf("after printing:\n%s", text)
	}
	b.CheckA11y(t, "print queue after printing")
}
