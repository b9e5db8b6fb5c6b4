package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// outsideIdP is a test provider on its own server, standing in for
// ID-porten, that a test can make misbehave.
type outsideIdP struct {
	url    string
	mutate func(map[string]any)
	offset atomic.Int64 // its clock runs this many nanoseconds ahead
}

func startOutsideIdP(t *testing.T, signWith *rsa.PrivateKey) *outsideIdP {
	t.Helper()
	o := &outsideIdP{}
	mux := http.NewServeMux()
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	o.url = hs.URL + "/idp"
	idp, err := testidp.New(testidp.Config{
		Issuer:  o.url,
		Clients: []testidp.Client{{ID: "torg", Secret: "hemmelig", AllowRedirect: func(string) bool { return true }}},
		Now:     func() time.Time { return time.Now().Add(time.Duration(o.offset.Load())) },
		MutateClaims: func(c map[string]any) {
			if o.mutate != nil {
				o.mutate(c)
			}
		},
		SignWith: signWith,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/idp/", idp)
	return o
}

func TestTamperedCallbacks(t *testing.T) {
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const kari = "15838810028"
	tests := []struct {
		name       string
		start      string                                // sign-in start path
		signWith   *rsa.PrivateKey                       // sign tokens with a key not in the JWKS
		mutate     func(map[string]any)                  // change the ID token claims
		tamper     func(o *outsideIdP, cb string) string // change the callback URL (or the provider's clock)
		freshJar   bool                                  // follow the callback in another browser
		twice      bool                                  // replay the callback after a good sign-in
		wantStatus int
		wantText   string
	}{
		{name: "wrong state", tamper: setParam("state", "forged"), wantStatus: 400, wantText: "ikke ble startet i denne nettleseren"},
		{name: "missing state", tamper: setParam("state", ""), wantStatus: 400, wantText: "ikke ble startet i denne nettleseren"},
		{name: "other browser", freshJar: true, wantStatus: 400, wantText: "ikke ble startet i denne nettleseren"},
		{name: "replayed callback", twice: true, wantStatus: 400, wantText: "brukt før"},
		{name: "expired code", tamper: func(o *outsideIdP, cb string) string { o.offset.Store(int64(5 * time.Minute)); return cb }, wantStatus: 401, wantText: "Koden kan være brukt eller utløpt"},
		{name: "forged code", tamper: setParam("code", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), wantStatus: 401, wantText: "Koden kan være brukt eller utløpt"},
		{name: "mix-up: iss parameter missing", tamper: setParam("iss", ""), wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "mix-up: wrong iss parameter", tamper: setParam("iss", "https://evil.example"), wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "provider error", tamper: func(o *outsideIdP, cb string) string {
			return setParam("error", "access_denied")(o, setParam("code", "")(o, cb))
		}, wantStatus: 401, wantText: "avbrøt"},
		{name: "wrong nonce", mutate: func(c map[string]any) { c["nonce"] = "forged" }, wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "wrong audience", mutate: func(c map[string]any) { c["aud"] = "someone-else" }, wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "wrong issuer", mutate: func(c map[string]any) { c["iss"] = "https://evil.example" }, wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "expired token", mutate: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "bad signature", signWith: otherKey, wantStatus: 401, wantText: "kunne ikke bekreftes"},
		{name: "lower level than asked", start: "/k/9999/logg-inn?niva=hoy", mutate: func(c map[string]any) { c["acr"] = "idporten-loa-substantial" }, wantStatus: 401, wantText: "høyere sikkerhetsnivå"},
		{name: "unknown level", mutate: func(c map[string]any) { c["acr"] = "Level4" }, wantStatus: 401, wantText: "høyere sikkerhetsnivå"},
		{name: "invalid pid", mutate: func(c map[string]any) { c["pid"] = "15838810029" }, wantStatus: 401, wantText: "gyldig fødselsnummer"},
		{name: "no pid", mutate: func(c map[string]any) { delete(c, "pid") }, wantStatus: 401, wantText: "gyldig fødselsnummer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := startOutsideIdP(t, tt.signWith)
			o.mutate = tt.mutate
			srv := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
				c.TestIdP = false
				c.CitizenIssuer, c.CitizenClientID, c.CitizenClientSecret = o.url, "torg", "hemmelig"
			}})
			c := servertest.Client(t)
			start := tt.start
			if start == "" {
				start = "/k/9999/logg-inn"
			}
			f := servertest.Authorize(t, c, srv.URL+start, kari)
			cb := f.Callback
			if tt.tamper != nil {
				cb = tt.tamper(o, cb)
			}
			if tt.freshJar {
				c = servertest.Client(t)
			}
			if tt.twice {
				if resp, body := servertest.Get(t, c, cb); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("first callback: %d\n%s", resp.StatusCode, body)
				}
				// The attacker replays it in the same browser, with a fresh
				// sign-in cookie so only the used state can stop it.
				u, _ := url.Parse(cb)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: "torg_login_9999", Value: u.Query().Get("state"), Path: "/k/9999/"}})
			}
			before := countFailed(t, srv)
			resp, body := servertest.Get(t, c, cb)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", resp.StatusCode, tt.wantStatus, body)
			}
			if !strings.Contains(body, tt.wantText) {
				t.Errorf("page lacks %q:\n%s", tt.wantText, body)
			}
			if hasCookie(resp, "torg_session_") {
				t.Error("a session cookie was set")
			}
			if resp, _ := servertest.Get(t, c, srv.URL+"/k/9999/min-side"); !tt.twice && resp.StatusCode != http.StatusSeeOther {
				t.Errorf("signed in after a refused callback: min side %d", resp.StatusCode)
			}
			if countFailed(t, srv) != before+1 {
				t.Error("the refused sign-in is not in the audit log")
			}
		})
	}
}

func setParam(k, v string) func(*outsideIdP, string) string {
	return func(_ *outsideIdP, raw string) string {
		u, _ := url.Parse(raw)
		q := u.Query()
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
}

func countFailed(t *testing.T, srv *servertest.Server) int {
	t.Helper()
	entries, err := srv.Audit.List(context.Background(), "9999", 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == "auth.signin_failed" {
			n++
		}
	}
	return n
}
