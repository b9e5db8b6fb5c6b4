package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// scenario is one request and what must (and must not) come back.
type scenario struct {
	name       string
	method     string
	path       string
	host       string
	header     map[string]string
	body       string
	wantStatus int
	want       []string
	notWant    []string
	wantHeader map[string]string
}

func run(t *testing.T, srv *servertest.Server, tests []scenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := servertest.Client(t)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, body := servertest.ReadAll(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", resp.StatusCode, tt.wantStatus, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, body)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); !strings.Contains(got, v) {
					t.Errorf("header %s = %q, want it to contain %q", k, got, v)
				}
			}
		})
	}
}

func TestRoutesAndErrors(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	srv.AddTenant(t, "4601", "Bergen", "bergen.test")
	run(t, srv, []scenario{
		{name: "health", path: "/healthz", wantStatus: 200, want: []string{"ok"}},
		{name: "ready", path: "/readyz", wantStatus: 200, want: []string{"ready"}},
		{name: "index lists municipalities", path: "/", wantStatus: 200, want: []string{"Demo kommune", "Bergen", `href="/k/4601/"`}},
		{name: "tenant home", path: "/k/9999/", wantStatus: 200, want: []string{"Velkommen til Demo kommune", `lang="nb"`, `href="#main"`}},
		{name: "tenant without slash", path: "/k/9999", wantStatus: 301},
		{name: "unknown tenant", path: "/k/1234/", wantStatus: 404, want: []string{"Vi finner ingen kommune med nummer 1234"}},
		{name: "unknown tenant escapes", path: "/k/%3Cscript%3E/", wantStatus: 404, notWant: []string{"<script>"}},
		{name: "unknown route in tenant", path: "/k/9999/finnes-ikke", wantStatus: 404, want: []string{"Vi finner ikke siden"}},
		{name: "unknown route outside", path: "/finnes-ikke", wantStatus: 404},
		{name: "wrong method", method: "DELETE", path: "/k/9999/logg-ut", wantStatus: 404},
		{name: "host routing", path: "/", host: "bergen.test", wantStatus: 200, want: []string{"Velkommen til Bergen"}},
		{name: "host with port", path: "/", host: "BERGEN.test:8080", wantStatus: 200, want: []string{"Velkommen til Bergen"}},
		{name: "english by header", path: "/k/9999/", header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, wantStatus: 200, want: []string{"Welcome to Demo kommune", `lang="en"`}},
		{name: "nynorsk by query", path: "/k/9999/?lang=nn", wantStatus: 200, want: []string{"Velkomen til Demo kommune"}},
		{name: "problem document for API clients", path: "/k/1234/x", header: map[string]string{"Accept": "application/json"}, wantStatus: 404,
			want: []string{`"status":404`, `"request_id"`}, wantHeader: map[string]string{"Content-Type": "application/problem+json"}},
		{name: "bad language", path: "/k/9999/sprak?lang=de", wantStatus: 400, want: []string{"Ukjent språk"}},
		{name: "language switch", path: "/k/9999/sprak?lang=nn&tilbake=min-side", wantStatus: 303, wantHeader: map[string]string{"Location": "/k/9999/min-side", "Set-Cookie": "torg_lang=nn"}},
		{name: "language switch refuses other hosts", path: "/k/9999/sprak?lang=en&tilbake=//evil.example/", wantStatus: 303, wantHeader: map[string]string{"Location": "/k/9999/"}},
		{name: "language switch refuses a tab trick", path: "/k/9999/sprak?lang=en&tilbake=/%09/evil.example/", wantStatus: 303, wantHeader: map[string]string{"Location": "/k/9999/"}},
		{name: "security headers", path: "/k/9999/", wantStatus: 200, wantHeader: map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}},
		{name: "theme", path: "/k/9999/tema.css", wantStatus: 200, want: []string{"--accent: #1d3f72"}},
		{name: "logo is sandboxed", path: "/k/9999/logo", wantStatus: 200, wantHeader: map[string]string{"Content-Type": "image/svg+xml", "Content-Security-Policy": "sandbox"}},
		{name: "no logo", path: "/k/4601/logo", wantStatus: 404},
		{name: "static asset missing", path: "/static/nope.css", wantStatus: 404},
		{name: "cross-origin post refused", method: "POST", path: "/k/9999/logg-ut", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"}, wantStatus: 403, want: []string{"annet nettsted"}},
		{name: "malformed form post", method: "POST", path: "/k/9999/logg-ut", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "a=%zz", wantStatus: 400, want: []string{"Skjemaet kunne ikke leses"}},
		{name: "oversized body", method: "POST", path: "/k/9999/logg-ut", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "a=" + strings.Repeat("x", 2<<20), wantStatus: 413, want: []string{"for stort"}},
		{name: "min side needs sign-in", path: "/k/9999/min-side", wantStatus: 303, wantHeader: map[string]string{"Location": "/k/9999/logg-inn?neste=%2Fmin-side"}},
		{name: "staff page needs staff sign-in", path: "/k/9999/tilsett", wantStatus: 303, wantHeader: map[string]string{"Location": "/k/9999/tilsett/logg-inn"}},
		{name: "bad level", path: "/k/9999/logg-inn?niva=lav", wantStatus: 400, want: []string{"Ukjent sikkerhetsnivå"}},
		{name: "odd method", method: "XMETHOD", path: "/k/9999/", wantStatus: 404},
		{name: "metrics", path: "/metrics", wantStatus: 200, want: []string{"torg_http_requests_total", "torg_db_read_connections_open"}},
	})
}

func TestCitizenSignInAndOut(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			srv := servertest.Start(t, servertest.Options{Postgres: pg})
			c := servertest.Client(t)
			next := servertest.SignIn(t, c, srv.URL+"/k/9999/logg-inn?neste=/min-side", "15838810028")
			if next != srv.URL+"/k/9999/min-side" {
				t.Fatalf("after sign-in: %s", next)
			}
			resp, body := servertest.Get(t, c, next)
			if resp.StatusCode != 200 || !strings.Contains(body, "Kari Nordmann") || !strings.Contains(body, "Hvem har sett opplysningene dine") {
				t.Fatalf("min side: %d\n%s", resp.StatusCode, body)
			}
			entries, err := srv.Audit.List(context.Background(), "9999", 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			if last := entries[len(entries)-1]; last.Action != "auth.signin" || last.Subject != "15838810028" {
				t.Errorf("last audit entry = %+v", last)
			}
			// Sign out: here, then at the provider, then back to the signed-out page.
			resp, _ = servertest.PostForm(t, c, srv.URL+"/k/9999/logg-ut", nil)
			end := servertest.Location(t, resp)
			if !strings.Contains(end, "/testidp/logout") || !strings.Contains(end, "id_token_hint=") {
				t.Fatalf("sign-out goes to %s", end)
			}
			resp, _ = servertest.Get(t, c, end)
			back := servertest.Location(t, resp)
			if !strings.HasSuffix(back, "/k/9999/logget-ut") {
				t.Fatalf("provider sends back to %s", back)
			}
			resp, body = servertest.Get(t, c, back)
			if resp.StatusCode != 200 || !strings.Contains(body, "Du er logget ut") {
				t.Fatalf("signed-out page: %d", resp.StatusCode)
			}
			if resp, _ := servertest.Get(t, c, srv.URL+"/k/9999/min-side"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("min side after sign-out: %d, want a redirect to sign-in", resp.StatusCode)
			}
		})
	}
}

func TestStaffSignIn(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	srv.AddTenant(t, "4601", "Bergen")
	c := servertest.Client(t)
	next := servertest.SignIn(t, c, srv.URL+"/k/9999/tilsett/logg-inn?neste=/tilsett", "nora.solberg@demo.kommune.no")
	resp, body := servertest.Get(t, c, next)
	if resp.StatusCode != 200 || !strings.Contains(body, "Saksbehandler") || !strings.Contains(body, "Nora Solberg") {
		t.Fatalf("staff page: %d\n%s", resp.StatusCode, body)
	}
	// A staff sign-in is not a citizen: Min side sends them to ID-porten.
	if resp, _ := servertest.Get(t, c, srv.URL+"/k/9999/min-side"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("staff on min side: %d", resp.StatusCode)
	}
	// Nora has no role in Bergen: no session there.
	f := servertest.Authorize(t, c, srv.URL+"/k/4601/tilsett/logg-inn", "nora.solberg@demo.kommune.no")
	resp, body = servertest.Get(t, c, f.Callback)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "ingen rolle i denne kommunen") {
		t.Fatalf("staff without role: %d\n%s", resp.StatusCode, body)
	}
	if hasCookie(resp, "torg_session_") {
		t.Error("a session cookie was set for a refused sign-in")
	}
	// All of Nora's roles are taken away while she is signed in: the staff
	// page no longer lets her in.
	if err := srv.Identity.Revoke(context.Background(), "9999", "email:nora.solberg@demo.kommune.no", "caseworker", audit.Entry{ActorID: "test"}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := servertest.Get(t, c, srv.URL+"/k/9999/tilsett"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("staff page after every role was revoked: %d", resp.StatusCode)
	}
	// A citizen through the staff provider has no e-mail: refused.
	f = servertest.Authorize(t, servertest.Client(t), srv.URL+"/k/9999/tilsett/logg-inn", "15838810028")
	_ = f
}

func hasCookie(resp *http.Response, prefix string) bool {
	for _, ck := range resp.Cookies() {
		if strings.HasPrefix(ck.Name, prefix) && ck.Value != "" && ck.MaxAge >= 0 {
			return true
		}
	}
	return false
}

// TestTenantIsolation walks every municipality route of B with the session
// of a citizen and of a case worker of A: nothing of A's person appears,
// and neither is signed in at B.
func TestTenantIsolation(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	srv.AddTenant(t, "4601", "Bergen")
	citizen := servertest.Client(t)
	servertest.SignIn(t, citizen, srv.URL+"/k/9999/logg-inn", "15838810028")
	staff := servertest.Client(t)
	servertest.SignIn(t, staff, srv.URL+"/k/9999/tilsett/logg-inn", "nora.solberg@demo.kommune.no")
	for _, c := range []*http.Client{citizen, staff} {
		// Offer A's session token to B under B's cookie name too, as an
		// attacker who copied it would.
		a, _ := url.Parse(srv.URL + "/k/9999/")
		b, _ := url.Parse(srv.URL + "/k/4601/")
		for _, ck := range c.Jar.Cookies(a) {
			if strings.HasPrefix(ck.Name, "torg_session_") {
				c.Jar.SetCookies(b, []*http.Cookie{{Name: "torg_session_4601", Value: ck.Value, Path: "/k/4601/"}})
			}
		}
		for _, route := range servertest.TenantGETRoutes {
			resp, body := servertest.Get(t, c, srv.URL+"/k/4601/"+route)
			for _, leak := range []string{"Kari Nordmann", "15838810028", "Nora Solberg", "Logg ut"} {
				if strings.Contains(body, leak) {
					t.Errorf("B's /%s shows %q from A", route, leak)
				}
			}
			if resp.StatusCode >= 500 {
				t.Errorf("B's /%s: %d", route, resp.StatusCode)
			}
		}
	}
}

// TestMetricsMethodLabel checks that a client cannot make metric series of
// its own with made-up methods.
func TestMetricsMethodLabel(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	c := servertest.Client(t)
	for _, m := range []string{"XMETHOD1", "XMETHOD2"} {
		req, _ := http.NewRequest(m, srv.URL+"/k/9999/", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	_, body := servertest.Get(t, c, srv.URL+"/metrics")
	if strings.Contains(body, "XMETHOD") || !strings.Contains(body, `method="OTHER"`) {
		t.Errorf("method labels are not bounded")
	}
}

// TestMetricsAccess: without a token /metrics answers only this machine;
// with one, only requests that bear it.
func TestMetricsAccess(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "198.51.100.9:4000"
	rec := httptest.NewRecorder()
	srv.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("from another machine: %d", rec.Code)
	}
	srv = servertest.Start(t, servertest.Options{Configure: func(c *config.Config) { c.MetricsToken = "s3cret" }})
	c := servertest.Client(t)
	if resp, _ := servertest.Get(t, c, srv.URL+"/metrics"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d", resp.StatusCode)
	}
	r, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	r.Header.Set("Authorization", "Bearer s3cret")
	resp, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with the token: %d", resp.StatusCode)
	}
}
