package testidp

import (
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	fuzzRedirect = "http://rp.example/cb"
	fuzzSecret   = "fuzz-secret"
)

// fuzzProvider returns a provider for one fuzz iteration.
func fuzzProvider(t *testing.T, key *rsa.PrivateKey) *Provider {
	t.Helper()
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	p, err := New(Config{
		Issuer: "http://idp.example/testidp",
		Clients: []Client{{
			ID: testClientID, Secret: fuzzSecret,
			RedirectURIs:           []string{fuzzRedirect},
			PostLogoutRedirectURIs: []string{"http://rp.example/bye"},
		}},
		Key: key,
		Now: func() time.Time { return start },
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func serve(p *Provider, method, path, query, body, auth string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://idp.example/testidp"+path, strings.NewReader(body))
	req.URL.RawQuery = query
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	return rec
}

func fuzzAuthQuery() string {
	return url.Values{
		"client_id": {testClientID}, "redirect_uri": {fuzzRedirect}, "response_type": {"code"},
		"scope": {"openid profile email"}, "state": {"s"}, "nonce": {"n"},
		"code_challenge": {challengeFor(testVerifier)}, "code_challenge_method": {"S256"},
	}.Encode()
}

// mintRequest starts a valid authorization and returns the request id.
func mintRequest(t *testing.T, p *Provider) string {
	t.Helper()
	rec := serve(p, http.MethodGet, "/authorize", fuzzAuthQuery(), "", "")
	m := regexp.MustCompile(`name="request_id" value="([^"]+)"`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("mint request: status %d", rec.Code)
	}
	return m[1]
}

// mintCode completes a valid authorization and returns the code.
func mintCode(t *testing.T, p *Provider) string {
	t.Helper()
	rec := serve(p, http.MethodPost, "/authorize", "", "person=0&request_id="+mintRequest(t, p), "")
	u, err := url.Parse(rec.Header().Get("Location"))
	if err != nil || u.Query().Get("code") == "" {
		t.Fatalf("mint code: status %d", rec.Code)
	}
	return u.Query().Get("code")
}

// FuzzEndpoints throws arbitrary query strings, form bodies and
// Authorization headers at the endpoints and checks that every answer is
// below 500 and carries the security headers. The placeholders {request}
// and {code} in the body are replaced by a live request id and a live
// authorization code so that the fuzzer also reaches the deeper checks.
func FuzzEndpoints(f *testing.F) {
	key := newKey(f)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testClientID+":"+fuzzSecret))
	tokenBody := "grant_type=authorization_code&code={code}&redirect_uri=" + url.QueryEscape(fuzzRedirect) + "&code_verifier=" + testVerifier
	f.Add(uint8(0), fuzzAuthQuery(), "", "")
	f.Add(uint8(0), fuzzAuthQuery()+"&acr_values=idporten-loa-high&ui_locales=nn", "", "")
	f.Add(uint8(0), "client_id=torg-web&redirect_uri=http%3A%2F%2Frp.example%2Fcb&state=x", "", "")
	f.Add(uint8(0), "%zz&&==;", "", "")
	f.Add(uint8(1), "", "request_id={request}&person=3", "")
	f.Add(uint8(1), "", "request_id={request}&cancel=1", "")
	f.Add(uint8(1), "", "request_id={request}&person=99999999999999999999", "")
	f.Add(uint8(2), "", tokenBody, basic)
	f.Add(uint8(2), "", tokenBody+"&client_id=torg-web&client_secret="+fuzzSecret, "")
	f.Add(uint8(2), "", tokenBody, "Basic !!!")
	f.Add(uint8(2), "", "grant_type=authorization_code&code=x", basic)
	f.Add(uint8(3), "", "", "Bearer abc")
	f.Add(uint8(4), "id_token_hint=a.b.c&post_logout_redirect_uri=http%3A%2F%2Frp.example%2Fbye", "", "")
	f.Add(uint8(5), "", "", "")

	f.Fuzz(func(t *testing.T, target uint8, query, body, auth string) {
		p := fuzzProvider(t, key)
		if strings.Contains(body, "{request}") {
			body = strings.ReplaceAll(body, "{request}", mintRequest(t, p))
		}
		if strings.Contains(body, "{code}") {
			body = strings.ReplaceAll(body, "{code}", mintCode(t, p))
		}
		var method, path string
		switch target % 6 {
		case 0:
			method, path = http.MethodGet, "/authorize"
		case 1:
			method, path = http.MethodPost, "/authorize"
		case 2:
			method, path = http.MethodPost, "/token"
		case 3:
			method, path = http.MethodGet, "/userinfo"
		case 4:
			method, path = http.MethodGet, "/logout"
		default:
			method, path = http.MethodPost, "/logout"
		}
		rec := serve(p, method, path, query, body, auth)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%q body %q: status %d: %s", method, path, query, body, rec.Code, rec.Body)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatal("missing X-Content-Type-Options")
		}
		if loc := rec.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, "http://rp.example/") {
			t.Fatalf("redirect to unregistered %q", loc)
		}
	})
}
