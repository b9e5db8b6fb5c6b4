package testidp

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLogout(t *testing.T) {
	key := newKey(t)
	e := newEnv(t, key, nil)
	// A provider with another key issues hints this provider must reject.
	foreign := newEnv(t, newKey(t), nil)
	_, foreignHint := foreign.mustTokens(foreign.login(foreign.authParams(), "Kari Nordmann"))

	registered := e.srv.URL + "/signed-out"
	tests := []struct {
		name       string
		params     func(hint string) url.Values
		post       bool
		status     int
		wantLoc    string // expected Location for redirects
		wantEnded  bool   // the session's access token stops working
		wantInBody string
	}{
		{
			name: "registered post-logout URI",
			params: func(h string) url.Values {
				return url.Values{"id_token_hint": {h}, "post_logout_redirect_uri": {registered}, "state": {"bye"}}
			},
			status: http.StatusSeeOther, wantLoc: registered + "?state=bye", wantEnded: true,
		},
		{
			name: "registered post-logout URI with POST",
			params: func(h string) url.Values {
				return url.Values{"id_token_hint": {h}, "post_logout_redirect_uri": {registered}}
			},
			post:   true,
			status: http.StatusSeeOther, wantLoc: registered, wantEnded: true,
		},
		{
			name: "unregistered post-logout URI",
			params: func(h string) url.Values {
				return url.Values{"id_token_hint": {h}, "post_logout_redirect_uri": {"https://evil.example/"}, "state": {"x"}}
			},
			status: http.StatusBadRequest, wantInBody: "ikke registrert",
		},
		{
			name: "other client's redirect URI as post-logout URI",
			params: func(h string) url.Values {
				return url.Values{"id_token_hint": {h}, "post_logout_redirect_uri": {e.redirectURI()}}
			},
			status: http.StatusBadRequest,
		},
		{
			name:   "hint only shows signed-out page",
			params: func(h string) url.Values { return url.Values{"id_token_hint": {h}, "ui_locales": {"nn"}} },
			status: http.StatusOK, wantEnded: true, wantInBody: "Du er logga ut",
		},
		{
			name:   "no parameters",
			params: func(string) url.Values { return url.Values{} },
			status: http.StatusOK, wantInBody: "Du er logget ut",
		},
		{
			name: "client_id instead of hint",
			params: func(string) url.Values {
				return url.Values{"client_id": {testClientID}, "post_logout_redirect_uri": {registered}}
			},
			status: http.StatusSeeOther, wantLoc: registered,
		},
		{
			name:   "post-logout URI without hint or client",
			params: func(string) url.Values { return url.Values{"post_logout_redirect_uri": {registered}} },
			status: http.StatusBadRequest,
		},
		{
			name:   "garbage hint",
			params: func(string) url.Values { return url.Values{"id_token_hint": {"a.b.c"}} },
			status: http.StatusBadRequest,
		},
		{
			name:   "hint from another provider",
			params: func(string) url.Values { return url.Values{"id_token_hint": {foreignHint}} },
			status: http.StatusBadRequest,
		},
		{
			name: "hint with mismatched client_id",
			params: func(h string) url.Values {
				return url.Values{"id_token_hint": {h}, "client_id": {otherClientID}}
			},
			status: http.StatusBadRequest,
		},
		{
			name:   "unknown client_id",
			params: func(string) url.Values { return url.Values{"client_id": {"nope"}} },
			status: http.StatusBadRequest,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, hint := e.mustTokens(e.login(e.authParams(), "Kari Nordmann"))
			var res response
			if tc.post {
				res = e.postForm("/testidp/logout", tc.params(hint), nil)
			} else {
				res = e.get("/testidp/logout?" + tc.params(hint).Encode())
			}
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if loc := res.header.Get("Location"); loc != tc.wantLoc {
				t.Errorf("Location %q, want %q", loc, tc.wantLoc)
			}
			if tc.wantInBody != "" && !strings.Contains(res.body, tc.wantInBody) {
				t.Errorf("body lacks %q:\n%s", tc.wantInBody, res.body)
			}
			ended := e.userinfo(at).status == http.StatusUnauthorized
			if ended != tc.wantEnded {
				t.Errorf("session ended = %v, want %v", ended, tc.wantEnded)
			}
		})
	}

	t.Run("code from ended session is refused", func(t *testing.T) {
		pk := e.startLogin(e.authParams())
		res := e.postForm(pk.action, url.Values{"request_id": {pk.requestID}, "person": {"0"}}, nil)
		code := res.location(t).Query().Get("code")
		// Sign out with an ID token of the same session is impossible before
		// the code is redeemed, so end the session directly.
		e.idp.mu.Lock()
		sid := e.idp.codes[code].sid
		e.idp.mu.Unlock()
		e.idp.endSession(sid)
		if r := e.exchange(code); r.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.status)
		}
	})
}

func TestLogoutHintAudience(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name string
		aud  any
		want int
	}{
		{"array with one audience", []string{testClientID}, http.StatusSeeOther},
		{"array with two audiences", []string{testClientID, otherClientID}, http.StatusBadRequest},
		{"unknown audience", "nobody", http.StatusBadRequest},
		{"number", 42, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, key, func(c *Config) {
				c.MutateClaims = func(claims map[string]any) { claims["aud"] = tc.aud }
			})
			_, hint := e.mustTokens(e.login(e.authParams(), "Kari Nordmann"))
			q := url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {e.srv.URL + "/signed-out"}}
			if res := e.get("/testidp/logout?" + q.Encode()); res.status != tc.want {
				t.Errorf("status %d, want %d", res.status, tc.want)
			}
		})
	}
}
