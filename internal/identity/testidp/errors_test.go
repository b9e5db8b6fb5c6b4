package testidp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	tests := []struct {
		name      string
		mod       func(url.Values)
		rawQuery  string // used instead of the parameters when set
		status    int
		wantError string // redirected error code; empty for an error page
		wantState bool
	}{
		{name: "unknown client", mod: func(v url.Values) { v.Set("client_id", "nope") }, status: http.StatusBadRequest},
		{name: "missing client", mod: func(v url.Values) { v.Del("client_id") }, status: http.StatusBadRequest},
		{name: "repeated client", mod: func(v url.Values) { v.Add("client_id", testClientID) }, status: http.StatusBadRequest},
		{name: "unregistered redirect", mod: func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }, status: http.StatusBadRequest},
		{name: "redirect prefix only", mod: func(v url.Values) { v.Set("redirect_uri", v.Get("redirect_uri")+"/x") }, status: http.StatusBadRequest},
		{name: "other client's redirect", mod: func(v url.Values) { v.Set("redirect_uri", e.srv.URL+"/other/callback") }, status: http.StatusBadRequest},
		{name: "missing redirect", mod: func(v url.Values) { v.Del("redirect_uri") }, status: http.StatusBadRequest},
		{name: "malformed query", rawQuery: "client_id=%zz", status: http.StatusBadRequest},
		{name: "huge query", rawQuery: "x=" + strings.Repeat("a", 9000), status: http.StatusRequestURITooLong},
		{name: "missing response_type", mod: func(v url.Values) { v.Del("response_type") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "implicit flow", mod: func(v url.Values) { v.Set("response_type", "id_token token") }, status: http.StatusSeeOther, wantError: "unsupported_response_type", wantState: true},
		{name: "no openid scope", mod: func(v url.Values) { v.Set("scope", "profile") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "missing PKCE", mod: func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "plain PKCE", mod: func(v url.Values) { v.Set("code_challenge_method", "plain") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "PKCE without method", mod: func(v url.Values) { v.Del("code_challenge_method") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "malformed challenge", mod: func(v url.Values) { v.Set("code_challenge", "short") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "missing state", mod: func(v url.Values) { v.Del("state") }, status: http.StatusSeeOther, wantError: "invalid_request"},
		{name: "missing nonce", mod: func(v url.Values) { v.Del("nonce") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "bad acr_values", mod: func(v url.Values) { v.Set("acr_values", "Level4") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "one bad acr value", mod: func(v url.Values) { v.Set("acr_values", acrHigh+" Level3") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "repeated nonce", mod: func(v url.Values) { v.Add("nonce", "again") }, status: http.StatusSeeOther, wantError: "invalid_request"},
		{name: "form_post", mod: func(v url.Values) { v.Set("response_mode", "form_post") }, status: http.StatusSeeOther, wantError: "invalid_request", wantState: true},
		{name: "request object", mod: func(v url.Values) { v.Set("request", "eyJ") }, status: http.StatusSeeOther, wantError: "request_not_supported", wantState: true},
		{name: "prompt none", mod: func(v url.Values) { v.Set("prompt", "none") }, status: http.StatusSeeOther, wantError: "login_required", wantState: true},
		{name: "valid", status: http.StatusOK},
		{name: "valid with acr high", mod: func(v url.Values) { v.Set("acr_values", acrHigh) }, status: http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			params := e.authParams()
			if tc.mod != nil {
				tc.mod(params)
			}
			q := params.Encode()
			if tc.rawQuery != "" {
				q = tc.rawQuery
			}
			res := e.get("/testidp/authorize?" + q)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d; Location %q", res.status, tc.status, res.header.Get("Location"))
			}
			if res.header.Get("Cache-Control") != "no-store" || res.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", res.header)
			}
			if tc.status != http.StatusSeeOther {
				if loc := res.header.Get("Location"); loc != "" {
					t.Errorf("must not redirect, got Location %q", loc)
				}
				if !strings.Contains(res.header.Get("Content-Type"), "text/html") {
					t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
				}
				return
			}
			loc := res.location(t)
			if base := loc.Scheme + "://" + loc.Host + loc.Path; base != e.redirectURI() {
				t.Errorf("redirected to %q", base)
			}
			q2 := loc.Query()
			if q2.Get("error") != tc.wantError || q2.Get("error_description") == "" {
				t.Errorf("error %q (%q), want %q", q2.Get("error"), q2.Get("error_description"), tc.wantError)
			}
			if got := q2.Get("state") == "state-123"; got != tc.wantState {
				t.Errorf("state %q present = %v, want %v", q2.Get("state"), got, tc.wantState)
			}
			if q2.Get("iss") != e.issuer {
				t.Errorf("iss = %q", q2.Get("iss"))
			}
			if q2.Has("code") {
				t.Error("error response carries a code")
			}
		})
	}
}

func TestChooseErrors(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	tests := []struct {
		name      string
		body      func(pk picker) string
		ctype     string
		advance   time.Duration
		status    int
		wantError string // redirected error; empty for error page
	}{
		{name: "unknown request id", body: func(pk picker) string { return "request_id=nope&person=0" }, status: http.StatusBadRequest},
		{name: "no request id", body: func(pk picker) string { return "person=0" }, status: http.StatusBadRequest},
		{name: "bad person", body: func(pk picker) string { return "request_id=" + pk.requestID + "&person=999" }, status: http.StatusBadRequest},
		{name: "negative person", body: func(pk picker) string { return "request_id=" + pk.requestID + "&person=-1" }, status: http.StatusBadRequest},
		{name: "non-numeric person", body: func(pk picker) string { return "request_id=" + pk.requestID + "&person=x" }, status: http.StatusBadRequest},
		{name: "repeated field", body: func(pk picker) string { return "request_id=" + pk.requestID + "&person=0&person=1" }, status: http.StatusBadRequest},
		{name: "garbage body", body: func(pk picker) string { return "%%%\x00\xff" }, status: http.StatusBadRequest},
		{name: "oversized body", body: func(pk picker) string { return "request_id=" + strings.Repeat("a", 70<<10) }, status: http.StatusBadRequest},
		{name: "json body", ctype: "application/json", body: func(pk picker) string { return `{"request_id":"` + pk.requestID + `"}` }, status: http.StatusBadRequest},
		{name: "expired request", advance: 10*time.Minute + time.Second, body: func(pk picker) string { return "request_id=" + pk.requestID + "&person=0" }, status: http.StatusBadRequest},
		{name: "cancel", body: func(pk picker) string { return "request_id=" + pk.requestID + "&cancel=1" }, status: http.StatusSeeOther, wantError: "access_denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pk := e.startLogin(e.authParams())
			e.clock.Advance(tc.advance)
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/x-www-form-urlencoded"
			}
			res := e.postRaw("/testidp/authorize", ctype, tc.body(pk), nil)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.wantError == "" {
				if res.header.Get("Location") != "" {
					t.Error("error page must not redirect")
				}
				return
			}
			q := res.location(t).Query()
			if q.Get("error") != tc.wantError || q.Get("state") != "state-123" {
				t.Errorf("redirect query %v", q)
			}
		})
	}

	t.Run("cross-site post refused", func(t *testing.T) {
		pk := e.startLogin(e.authParams())
		form := url.Values{"request_id": {pk.requestID}, "person": {"0"}}
		res := e.postForm(pk.action, form, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") })
		if res.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", res.status)
		}
		// The request is still usable from the page itself.
		res = e.postForm(pk.action, form, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-origin") })
		if res.status != http.StatusSeeOther {
			t.Fatalf("same-origin post: status %d", res.status)
		}
	})

	t.Run("request id is one-time", func(t *testing.T) {
		pk := e.startLogin(e.authParams())
		form := url.Values{"request_id": {pk.requestID}, "person": {"0"}}
		if res := e.postForm(pk.action, form, nil); res.status != http.StatusSeeOther {
			t.Fatalf("first use: %d", res.status)
		}
		if res := e.postForm(pk.action, form, nil); res.status != http.StatusBadRequest {
			t.Fatalf("second use: %d, want 400", res.status)
		}
	})
}

func TestTokenErrors(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	type request struct {
		form  url.Values
		auth  func(*http.Request)
		body  string // raw body instead of form when set
		ctype string
	}
	tests := []struct {
		name      string
		build     func(code string) request
		status    int
		wantError string
	}{
		{
			name:   "missing grant_type",
			build:  func(c string) request { f := e.tokenForm(c); f.Del("grant_type"); return request{form: f} },
			status: 400, wantError: "invalid_request",
		},
		{
			name:   "unsupported grant_type",
			build:  func(c string) request { f := e.tokenForm(c); f.Set("grant_type", "password"); return request{form: f} },
			status: 400, wantError: "unsupported_grant_type",
		},
		{
			name:   "no client authentication",
			build:  func(c string) request { return request{form: e.tokenForm(c), auth: func(*http.Request) {}} },
			status: 401, wantError: "invalid_client",
		},
		{
			name:   "wrong secret (basic)",
			build:  func(c string) request { return request{form: e.tokenForm(c), auth: basicAuth(testClientID, "wrong")} },
			status: 401, wantError: "invalid_client",
		},
		{
			name: "wrong secret (post)",
			build: func(c string) request {
				f := e.tokenForm(c)
				f.Set("client_id", testClientID)
				f.Set("client_secret", testClientSecret+"x")
				return request{form: f, auth: func(*http.Request) {}}
			},
			status: 401, wantError: "invalid_client",
		},
		{
			name:   "unknown client",
			build:  func(c string) request { return request{form: e.tokenForm(c), auth: basicAuth("nobody", "x")} },
			status: 401, wantError: "invalid_client",
		},
		{
			name:   "secret not form-encoded in basic",
			build:  func(c string) request { return request{form: e.tokenForm(c), auth: basicAuthRaw(testClientID, "%zz")} },
			status: 401, wantError: "invalid_client",
		},
		{
			name: "basic and post together",
			build: func(c string) request {
				f := e.tokenForm(c)
				f.Set("client_secret", testClientSecret)
				return request{form: f}
			},
			status: 400, wantError: "invalid_request",
		},
		{
			name: "basic with other client_id in body",
			build: func(c string) request {
				f := e.tokenForm(c)
				f.Set("client_id", otherClientID)
				return request{form: f}
			},
			status: 401, wantError: "invalid_client",
		},
		{
			name:   "missing code",
			build:  func(c string) request { f := e.tokenForm(c); f.Del("code"); return request{form: f} },
			status: 400, wantError: "invalid_request",
		},
		{
			name:   "unknown code",
			build:  func(c string) request { return request{form: e.tokenForm("not-a-code")} },
			status: 400, wantError: "invalid_grant",
		},
		{
			name:   "missing code_verifier",
			build:  func(c string) request { f := e.tokenForm(c); f.Del("code_verifier"); return request{form: f} },
			status: 400, wantError: "invalid_request",
		},
		{
			name:   "malformed code_verifier",
			build:  func(c string) request { f := e.tokenForm(c); f.Set("code_verifier", "short"); return request{form: f} },
			status: 400, wantError: "invalid_request",
		},
		{
			name: "wrong code_verifier",
			build: func(c string) request {
				f := e.tokenForm(c)
				f.Set("code_verifier", strings.Repeat("A", 43))
				return request{form: f}
			},
			status: 400, wantError: "invalid_grant",
		},
		{
			name: "wrong redirect_uri",
			build: func(c string) request {
				f := e.tokenForm(c)
				f.Set("redirect_uri", "no.kommune.demo:/cb")
				return request{form: f}
			},
			status: 400, wantError: "invalid_grant",
		},
		{
			name:   "missing redirect_uri",
			build:  func(c string) request { f := e.tokenForm(c); f.Del("redirect_uri"); return request{form: f} },
			status: 400, wantError: "invalid_request",
		},
		{
			name: "code of another client",
			build: func(c string) request {
				return request{form: e.tokenForm(c), auth: basicAuth(otherClientID, otherSecret)}
			},
			status: 400, wantError: "invalid_grant",
		},
		{
			name:   "repeated parameter",
			build:  func(c string) request { f := e.tokenForm(c); f.Add("code", c); return request{form: f} },
			status: 400, wantError: "invalid_request",
		},
		{
			name:   "garbage body",
			build:  func(c string) request { return request{body: "%%%\x00\xff=&&=="} },
			status: 400, wantError: "invalid_request",
		},
		{
			name: "JSON body",
			build: func(c string) request {
				return request{body: `{"grant_type":"authorization_code"}`, ctype: "application/json"}
			},
			status: 400, wantError: "invalid_request",
		},
		{
			name:   "oversized body",
			build:  func(c string) request { return request{body: "code=" + strings.Repeat("x", 70<<10)} },
			status: 400, wantError: "invalid_request",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code := e.login(e.authParams(), "Kari Nordmann")
			r := tc.build(code)
			auth := r.auth
			if auth == nil {
				auth = basicAuth(testClientID, testClientSecret)
			}
			body, ctype := r.form.Encode(), "application/x-www-form-urlencoded"
			if r.body != "" {
				body = r.body
			}
			if r.ctype != "" {
				ctype = r.ctype
			}
			res := e.postRaw("/testidp/token", ctype, body, auth)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			m := res.json(t)
			if m["error"] != tc.wantError {
				t.Errorf("error %v, want %s (%v)", m["error"], tc.wantError, m["error_description"])
			}
			if res.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
				t.Errorf("headers %v", res.header)
			}
			if tc.status == 401 && res.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// basicAuthRaw sets Basic credentials without form-encoding them.
func basicAuthRaw(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(id, secret) }
}

func TestTokenCodeLifecycle(t *testing.T) {
	e := newEnv(t, newKey(t), nil)

	t.Run("replayed code", func(t *testing.T) {
		code := e.login(e.authParams(), "Kari Nordmann")
		if res := e.exchange(code); res.status != http.StatusOK {
			t.Fatalf("first use: %d %s", res.status, res.body)
		}
		res := e.exchange(code)
		if res.status != http.StatusBadRequest || res.json(t)["error"] != "invalid_grant" {
			t.Fatalf("replay: %d %s", res.status, res.body)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		code := e.login(e.authParams(), "Kari Nordmann")
		e.clock.Advance(61 * time.Second)
		res := e.exchange(code)
		if res.status != http.StatusBadRequest || res.json(t)["error"] != "invalid_grant" {
			t.Fatalf("expired: %d %s", res.status, res.body)
		}
	})
	t.Run("code valid until just before expiry", func(t *testing.T) {
		code := e.login(e.authParams(), "Kari Nordmann")
		e.clock.Advance(59 * time.Second)
		if res := e.exchange(code); res.status != http.StatusOK {
			t.Fatalf("status %d %s", res.status, res.body)
		}
	})
	t.Run("failed attempt burns the code", func(t *testing.T) {
		code := e.login(e.authParams(), "Kari Nordmann")
		bad := e.tokenForm(code)
		bad.Set("code_verifier", strings.Repeat("B", 43))
		if res := e.postForm("/testidp/token", bad, basicAuth(testClientID, testClientSecret)); res.status != http.StatusBadRequest {
			t.Fatalf("bad verifier: %d", res.status)
		}
		if res := e.exchange(code); res.status != http.StatusBadRequest {
			t.Fatalf("after failed attempt: %d, want 400", res.status)
		}
	})
	t.Run("GET not allowed", func(t *testing.T) {
		res := e.get("/testidp/token")
		if res.status != http.StatusMethodNotAllowed || res.header.Get("Allow") != "POST" {
			t.Fatalf("status %d Allow %q", res.status, res.header.Get("Allow"))
		}
	})
}

func TestUnknownPathsAndMethods(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/testidp/", http.StatusNotFound},
		{"GET", "/testidp/nope", http.StatusNotFound},
		{"GET", "/testidp/authorize/extra", http.StatusNotFound},
		{"PUT", "/testidp/authorize", http.StatusMethodNotAllowed},
		{"DELETE", "/testidp/jwks.json", http.StatusMethodNotAllowed},
		{"POST", "/testidp/.well-known/openid-configuration", http.StatusMethodNotAllowed},
		{"HEAD", "/testidp/jwks.json", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := e.do(req)
			if res.status != tc.want {
				t.Errorf("status %d, want %d", res.status, tc.want)
			}
			if res.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing nosniff")
			}
		})
	}
	t.Run("outside issuer path", func(t *testing.T) {
		rec := httptestRecorder(e.idp, "GET", "/elsewhere/authorize")
		if rec != http.StatusNotFound {
			t.Errorf("status %d", rec)
		}
	})
}

func TestChooseOriginCheckBehindProxy(t *testing.T) {
	p := fuzzProvider(t, newKey(t))
	tests := []struct {
		origin string
		want   int
	}{
		{"http://idp.example", http.StatusSeeOther}, // the issuer's public origin
		{"http://evil.example", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.origin, func(t *testing.T) {
			body := "person=0&request_id=" + mintRequest(t, p)
			req := httptest.NewRequest(http.MethodPost, "http://internal:8080/testidp/authorize", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", tc.origin)
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
