package testidp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/torg-ekommune/torg/internal/nin"
)

// idClaims are the ID token claims the tests inspect.
type idClaims struct {
	PID           string   `json:"pid"`
	ACR           string   `json:"acr"`
	AMR           []string `json:"amr"`
	Locale        string   `json:"locale"`
	SID           string   `json:"sid"`
	JTI           string   `json:"jti"`
	AuthTime      int64    `json:"auth_time"`
	IssuedAt      int64    `json:"iat"`
	Expiry        int64    `json:"exp"`
	Name          string   `json:"name"`
	GivenName     string   `json:"given_name"`
	FamilyName    string   `json:"family_name"`
	Email         string   `json:"email"`
	EmailVerified bool     `json:"email_verified"`
}

// rp is a relying party built from the real go-oidc and x/oauth2 libraries.
type rp struct {
	ctx      context.Context
	provider *oidc.Provider
	config   oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newRP(t *testing.T, e *testEnv, style oauth2.AuthStyle) *rp {
	t.Helper()
	ctx := oidc.ClientContext(t.Context(), e.srv.Client())
	provider, err := oidc.NewProvider(ctx, e.issuer)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = style
	return &rp{
		ctx:      ctx,
		provider: provider,
		config: oauth2.Config{
			ClientID:     testClientID,
			ClientSecret: testClientSecret,
			Endpoint:     endpoint,
			RedirectURL:  e.redirectURI(),
			Scopes:       []string{oidc.ScopeOpenID, "profile", "email"},
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: testClientID, Now: e.clock.Now}),
	}
}

// signIn drives the browser part of the flow and returns the token.
func (r *rp) signIn(t *testing.T, e *testEnv, person, nonce, verifier string, opts ...oauth2.AuthCodeOption) *oauth2.Token {
	t.Helper()
	opts = append(opts, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	authURL := r.config.AuthCodeURL("st-"+nonce, opts...)
	res := e.get(mustRelative(t, authURL))
	if res.status != http.StatusOK {
		t.Fatalf("authorize: status %d, Location %q", res.status, res.header.Get("Location"))
	}
	pk := parsePicker(t, res.body)
	idx, ok := pk.persons[person]
	if !ok {
		t.Fatalf("person %q not on picker", person)
	}
	res = e.postForm(pk.action, url.Values{"request_id": {pk.requestID}, "person": {idx}}, nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("choose: status %d", res.status)
	}
	loc := res.location(t)
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != e.redirectURI() {
		t.Fatalf("redirected to %q, want %q", got, e.redirectURI())
	}
	q := loc.Query()
	if q.Get("state") != "st-"+nonce {
		t.Errorf("state = %q, want %q", q.Get("state"), "st-"+nonce)
	}
	if q.Get("iss") != e.issuer {
		t.Errorf("iss = %q, want %q (RFC 9207)", q.Get("iss"), e.issuer)
	}
	tok, err := r.config.Exchange(r.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

// mustRelative returns the path and query of an absolute URL.
func mustRelative(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

func TestCodeFlowWithRelyingPartyLibraries(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name       string
		style      oauth2.AuthStyle
		person     string
		acr        string // acr_values sent; empty for none
		uiLocales  string
		wantPID    string
		wantACR    string
		wantLocale string
		wantEmail  string
	}{
		{
			name: "citizen, basic auth, high", style: oauth2.AuthStyleInHeader,
			person: "Kari Nordmann", acr: acrHigh, uiLocales: "nn",
			wantPID: "15838810028", wantACR: acrHigh, wantLocale: "nn",
		},
		{
			name: "citizen with æøå, post auth, default level", style: oauth2.AuthStyleInParams,
			person: "Åse Sæbø", wantPID: "28865210096", wantACR: acrSubstantial, wantLocale: "nb",
		},
		{
			name: "Sami citizen, English", style: oauth2.AuthStyleInHeader,
			person: "Máret Ánne Sara", acr: acrSubstantial, uiLocales: "se en-GB",
			wantPID: "09819410078", wantACR: acrSubstantial, wantLocale: "en",
		},
		{
			name: "staff with e-mail", style: oauth2.AuthStyleInParams,
			person: "Nora Solberg", wantACR: acrSubstantial, wantLocale: "nb",
			wantEmail: "nora.solberg@demo.kommune.no",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, key, nil)
			r := newRP(t, e, tc.style)
			var opts []oauth2.AuthCodeOption
			if tc.acr != "" {
				opts = append(opts, oauth2.SetAuthURLParam("acr_values", tc.acr))
			}
			if tc.uiLocales != "" {
				opts = append(opts, oauth2.SetAuthURLParam("ui_locales", tc.uiLocales))
			}
			verifier := oauth2.GenerateVerifier()
			tok := r.signIn(t, e, tc.person, "n-"+tc.name, verifier, opts...)

			if tok.TokenType != "Bearer" || tok.AccessToken == "" {
				t.Errorf("token type %q, access token %q", tok.TokenType, tok.AccessToken)
			}
			if got, _ := tok.Extra("scope").(string); got != "openid profile email" {
				t.Errorf("scope = %q", got)
			}
			raw, ok := tok.Extra("id_token").(string)
			if !ok {
				t.Fatal("no id_token in token response")
			}
			idt, err := r.verifier.Verify(r.ctx, raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if idt.Nonce != "n-"+tc.name {
				t.Errorf("nonce = %q", idt.Nonce)
			}
			if idt.Issuer != e.issuer || !slices.Equal(idt.Audience, []string{testClientID}) {
				t.Errorf("iss %q aud %v", idt.Issuer, idt.Audience)
			}
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Errorf("at_hash: %v", err)
			}
			var c idClaims
			if err := idt.Claims(&c); err != nil {
				t.Fatal(err)
			}
			if c.PID != tc.wantPID || c.ACR != tc.wantACR || c.Locale != tc.wantLocale {
				t.Errorf("pid %q acr %q locale %q; want %q %q %q", c.PID, c.ACR, c.Locale, tc.wantPID, tc.wantACR, tc.wantLocale)
			}
			if !slices.Equal(c.AMR, []string{"TestID"}) {
				t.Errorf("amr = %v", c.AMR)
			}
			if c.Name != tc.person || c.GivenName == "" || c.FamilyName == "" {
				t.Errorf("profile claims: %+v", c)
			}
			if c.Email != tc.wantEmail || c.EmailVerified != (tc.wantEmail != "") {
				t.Errorf("email %q verified %v, want %q", c.Email, c.EmailVerified, tc.wantEmail)
			}
			if c.SID == "" || c.JTI == "" {
				t.Errorf("sid %q jti %q", c.SID, c.JTI)
			}
			now := e.clock.Now().Unix()
			if c.IssuedAt != now || c.AuthTime != now || c.Expiry != now+120 {
				t.Errorf("iat %d auth_time %d exp %d, now %d", c.IssuedAt, c.AuthTime, c.Expiry, now)
			}

			ui, err := r.provider.UserInfo(r.ctx, oauth2.StaticTokenSource(tok))
			if err != nil {
				t.Fatalf("UserInfo: %v", err)
			}
			if ui.Subject != idt.Subject {
				t.Errorf("userinfo sub %q, ID token sub %q", ui.Subject, idt.Subject)
			}
			var uc idClaims
			if err := ui.Claims(&uc); err != nil {
				t.Fatal(err)
			}
			if uc.PID != tc.wantPID || uc.Locale != tc.wantLocale || uc.Email != tc.wantEmail || uc.Name != tc.person {
				t.Errorf("userinfo claims %+v", uc)
			}
		})
	}
}

func TestScopesLimitClaims(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	params := e.authParams()
	params.Set("scope", "openid unknown-scope")
	_, raw := e.mustTokens(e.login(params, "Nora Solberg"))
	r := newRP(t, e, oauth2.AuthStyleInHeader)
	idt, err := r.verifier.Verify(r.ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "given_name", "family_name", "email", "email_verified", "pid"} {
		if _, ok := c[k]; ok {
			t.Errorf("claim %q present with scope openid only", k)
		}
	}
}

func TestPairwiseSubjects(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	sub := func(clientID, secret, redirect, person string) string {
		params := e.authParams()
		params.Set("client_id", clientID)
		params.Set("redirect_uri", redirect)
		code := e.login(params, person)
		form := e.tokenForm(code)
		form.Set("redirect_uri", redirect)
		res := e.postForm("/testidp/token", form, basicAuth(clientID, secret))
		if res.status != http.StatusOK {
			t.Fatalf("token: %d %s", res.status, res.body)
		}
		at, _ := res.json(t)["access_token"].(string)
		s, _ := e.userinfo(at).json(t)["sub"].(string)
		return s
	}
	a1 := sub(testClientID, testClientSecret, e.redirectURI(), "Kari Nordmann")
	a2 := sub(testClientID, testClientSecret, e.redirectURI(), "Kari Nordmann")
	b := sub(otherClientID, otherSecret, e.srv.URL+"/other/callback", "Kari Nordmann")
	c := sub(testClientID, testClientSecret, e.redirectURI(), "Ola Nordmann")
	if a1 == "" || a1 != a2 {
		t.Errorf("sub not stable for one client: %q %q", a1, a2)
	}
	if a1 == b {
		t.Errorf("sub %q is not pairwise across clients", a1)
	}
	if a1 == c {
		t.Errorf("two persons share sub %q", a1)
	}
}

func TestCustomSchemeRedirect(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	params := e.authParams()
	params.Set("redirect_uri", "no.kommune.demo:/cb")
	res := e.get("/testidp/authorize?" + params.Encode())
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	want := "form-action 'self' no.kommune.demo:;"
	if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, want) {
		t.Errorf("CSP %q lacks %q", csp, want)
	}
}

func TestUserinfo(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	at, _ := e.mustTokens(e.login(e.authParams(), "Kari Nordmann"))

	tests := []struct {
		name    string
		token   string
		advance time.Duration
		want    int
	}{
		{"valid", at, 0, http.StatusOK},
		{"no token", "", 0, http.StatusUnauthorized},
		{"unknown token", "bogus", 0, http.StatusUnauthorized},
		{"expired token", at, 121 * time.Second, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Advance(tc.advance)
			res := e.userinfo(tc.token)
			if res.status != tc.want {
				t.Fatalf("status %d, want %d: %s", res.status, tc.want, res.body)
			}
			if tc.want == http.StatusUnauthorized && !strings.Contains(res.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", res.header.Get("WWW-Authenticate"))
			}
			if tc.want == http.StatusOK {
				m := res.json(t)
				if m["pid"] != "15838810028" || m["locale"] != "nb" || m["sub"] == "" {
					t.Errorf("userinfo %v", m)
				}
			}
		})
	}
}

func TestConcurrentFlows(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	// Parse the picker once to learn the form layout; the goroutines below
	// must not call t.Fatal, so they use plain HTTP and report errors.
	pk := e.startLogin(e.authParams())
	persons := []string{pk.persons["Kari Nordmann"], pk.persons["Tor Aasen"], pk.persons["Emma Hansen"]}
	reqID := regexp.MustCompile(`name="request_id" value="([^"]+)"`)

	flow := func(i int) error {
		res, err := e.browser.Get(e.srv.URL + "/testidp/authorize?" + e.authParams().Encode())
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := reqID.FindSubmatch(body)
		if m == nil {
			return fmt.Errorf("authorize: status %d", res.StatusCode)
		}
		res, err = e.browser.PostForm(e.srv.URL+pk.action, url.Values{"request_id": {string(m[1])}, "person": {persons[i%len(persons)]}})
		if err != nil {
			return err
		}
		res.Body.Close()
		loc, err := res.Location()
		if err != nil {
			return fmt.Errorf("choose: status %d: %w", res.StatusCode, err)
		}
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/testidp/token", strings.NewReader(e.tokenForm(loc.Query().Get("code")).Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		basicAuth(testClientID, testClientSecret)(req)
		res, err = e.browser.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("token: status %d", res.StatusCode)
		}
		return nil
	}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() { errs <- flow(i) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestTypedSyntheticPerson: as at ID-porten's TestID, any synthetic test
// person can be typed in; a number that could be a real person's, a
// malformed one and a wrong check digit are refused with a page that says
// why, and the sign-in request stays usable.
func TestTypedSyntheticPerson(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	pk := e.startLogin(e.authParams())
	for _, bad := range []string{"15038810028", "1583881002", "15838810029", "<script>", "158388100280"} {
		res := e.postForm(pk.action, url.Values{"request_id": {pk.requestID}, "pid": {bad}}, nil)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "ikke et syntetisk fødselsnummer") {
			t.Errorf("pid %q: status %d\n%s", bad, res.status, res.body)
		}
		if strings.Contains(res.body, "<script>") {
			t.Errorf("pid %q is echoed unescaped", bad)
		}
	}
	n, err := nin.Generate(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 123, nin.Synthetic)
	if err != nil {
		t.Fatal(err)
	}
	typed := n.String()
	res := e.postForm(pk.action, url.Values{"request_id": {pk.requestID}, "pid": {typed}}, nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("typed person: status %d\n%s", res.status, res.body)
	}
	at, _ := e.mustTokens(res.location(t).Query().Get("code"))
	if m := e.userinfo(at).json(t); m["pid"] != typed {
		t.Errorf("userinfo %v", m)
	}
}
