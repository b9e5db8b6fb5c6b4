package testidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testClientID     = "torg-web"
	testClientSecret = "s3cret:with%special&chars"
	otherClientID    = "other-app"
	otherSecret      = "other-secret"
	testVerifier     = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 appendix B
)

// fakeClock is an injectable clock that only moves when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Now().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newKey generates an RSA key for a test.
func newKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testEnv is a provider mounted at /testidp/ on a test server.
type testEnv struct {
	t       *testing.T
	srv     *httptest.Server
	issuer  string
	clock   *fakeClock
	idp     *Provider
	browser *http.Client // does not follow redirects
}

// newEnv starts a test server with a provider. mod may adjust the config.
func newEnv(t *testing.T, key *rsa.PrivateKey, mod func(*Config)) *testEnv {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	clock := newFakeClock()
	cfg := Config{
		Issuer: srv.URL + "/testidp",
		Clients: []Client{
			{
				ID:                     testClientID,
				Secret:                 testClientSecret,
				RedirectURIs:           []string{srv.URL + "/callback", "no.kommune.demo:/cb"},
				PostLogoutRedirectURIs: []string{srv.URL + "/signed-out"},
			},
			{
				ID:           otherClientID,
				Secret:       otherSecret,
				RedirectURIs: []string{srv.URL + "/other/callback"},
			},
		},
		Persons: DemoPersons(),
		Key:     key,
		Now:     clock.Now,
		Logger:  slog.New(slog.DiscardHandler),
	}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux.Handle("/testidp/", p)
	browser := *srv.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &testEnv{t: t, srv: srv, issuer: cfg.Issuer, clock: clock, idp: p, browser: &browser}
}

func (e *testEnv) redirectURI() string { return e.srv.URL + "/callback" }

func challengeFor(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authParams returns a valid authorization request for the test client.
func (e *testEnv) authParams() url.Values {
	return url.Values{
		"client_id":             {testClientID},
		"redirect_uri":          {e.redirectURI()},
		"response_type":         {"code"},
		"scope":                 {"openid profile email"},
		"state":                 {"state-123"},
		"nonce":                 {"nonce-456"},
		"code_challenge":        {challengeFor(testVerifier)},
		"code_challenge_method": {"S256"},
	}
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location(t *testing.T) *url.URL {
	t.Helper()
	loc := r.header.Get("Location")
	if loc == "" {
		t.Fatalf("no Location header (status %d, body %q)", r.status, r.body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("parse Location: %v", err)
	}
	return u
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("decode JSON %q: %v", r.body, err)
	}
	return m
}

func (e *testEnv) do(req *http.Request) response {
	e.t.Helper()
	res, err := e.browser.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (e *testEnv) get(pathAndQuery string) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+pathAndQuery, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(req)
}

func (e *testEnv) postForm(path string, form url.Values, setup func(*http.Request)) response {
	e.t.Helper()
	return e.postRaw(path, "application/x-www-form-urlencoded", form.Encode(), setup)
}

func (e *testEnv) postRaw(path, contentType, body string, setup func(*http.Request)) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if setup != nil {
		setup(req)
	}
	return e.do(req)
}

// picker is the parsed person picker page.
type picker struct {
	action    string
	requestID string
	persons   map[string]string // name → button value
}

func parsePicker(t *testing.T, body string) picker {
	t.Helper()
	reFormAction := regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	reRequestID := regexp.MustCompile(`name="request_id" value="([^"]+)"`)
	rePerson := regexp.MustCompile(`<button type="submit" name="person" value="(\d+)" class="person"><span class="name">([^<]+)</span>`)
	a := reFormAction.FindStringSubmatch(body)
	id := reRequestID.FindStringSubmatch(body)
	if a == nil || id == nil {
		t.Fatalf("no sign-in form in page:\n%s", body)
	}
	pk := picker{action: html.UnescapeString(a[1]), requestID: html.UnescapeString(id[1]), persons: map[string]string{}}
	for _, m := range rePerson.FindAllStringSubmatch(body, -1) {
		pk.persons[html.UnescapeString(m[2])] = m[1]
	}
	return pk
}

// startLogin requests the authorize endpoint and parses the picker.
func (e *testEnv) startLogin(params url.Values) picker {
	e.t.Helper()
	res := e.get("/testidp/authorize?" + params.Encode())
	if res.status != http.StatusOK {
		e.t.Fatalf("authorize: status %d, Location %q, body %q", res.status, res.header.Get("Location"), res.body)
	}
	return parsePicker(e.t, res.body)
}

// login runs authorize and the picker for the person with the given name
// and returns the authorization code.
func (e *testEnv) login(params url.Values, name string) string {
	e.t.Helper()
	pk := e.startLogin(params)
	idx, ok := pk.persons[name]
	if !ok {
		e.t.Fatalf("person %q not on picker", name)
	}
	res := e.postForm(pk.action, url.Values{"request_id": {pk.requestID}, "person": {idx}}, nil)
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("choose: status %d, body %q", res.status, res.body)
	}
	loc := res.location(e.t)
	code := loc.Query().Get("code")
	if code == "" {
		e.t.Fatalf("no code in %s", loc)
	}
	return code
}

// tokenForm returns a valid token request for code.
func (e *testEnv) tokenForm(code string) url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {e.redirectURI()},
		"code_verifier": {testVerifier},
	}
}

// basicAuth sets RFC 6749 §2.3.1 client_secret_basic credentials.
func basicAuth(id, secret string) func(*http.Request) {
	return func(r *http.Request) {
		r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
}

// exchange redeems code with client_secret_basic and returns the response.
func (e *testEnv) exchange(code string) response {
	e.t.Helper()
	return e.postForm("/testidp/token", e.tokenForm(code), basicAuth(testClientID, testClientSecret))
}

// mustTokens redeems code and returns the access and ID tokens.
func (e *testEnv) mustTokens(code string) (accessToken, idToken string) {
	e.t.Helper()
	res := e.exchange(code)
	if res.status != http.StatusOK {
		e.t.Fatalf("token: status %d, body %s", res.status, res.body)
	}
	m := res.json(e.t)
	at, _ := m["access_token"].(string)
	it, _ := m["id_token"].(string)
	return at, it
}

// bearer sets a Bearer Authorization header.
func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func (e *testEnv) userinfo(token string) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/testidp/userinfo", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		bearer(token)(req)
	}
	return e.do(req)
}

// itoa is strconv.Itoa, for brevity in tables.
func itoa(i int) string { return strconv.Itoa(i) }

// httptestRecorder serves one request directly and returns the status.
func httptestRecorder(h http.Handler, method, target string) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Code
}
