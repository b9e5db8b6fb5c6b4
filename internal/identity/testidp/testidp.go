// Package testidp implements a small, self-contained OpenID Connect
// provider that imitates the profile of ID-porten, Norway's national login
// service, for demos and automated tests.
//
// The provider is a real OIDC provider spoken to over HTTP: it publishes a
// discovery document and a JSON Web Key Set, runs the authorization code
// flow with PKCE (S256 only), signs ID tokens with RS256 and supports
// userinfo and RP-initiated logout. Instead of authenticating anybody it
// shows a page where the user picks one of a fixed list of synthetic test
// persons. It must never be used to sign in real people.
//
// All state (pending authorization requests, codes, access tokens and
// sessions) is kept in memory and is lost when the process stops.
//
// Mount the provider under the path of its issuer URL, without stripping
// the prefix:
//
//	p, err := testidp.New(testidp.Config{Issuer: "http://localhost:8080/testidp", ...})
//	mux.Handle("/testidp/", p)
package testidp

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Lifetimes and limits of the provider.
const (
	pendingTTL     = 10 * time.Minute // pending authorization requests (the picker page)
	codeTTL        = 60 * time.Second // authorization codes
	idTokenTTL     = 120 * time.Second
	accessTokenTTL = 120 * time.Second
	sessionTTL     = 2 * time.Hour
	sweepInterval  = time.Minute
	maxEntries     = 10000    // per in-memory map; protects against unbounded growth
	maxBodyBytes   = 64 << 10 // request bodies
	maxQueryBytes  = 8 << 10  // query strings
	rsaKeyBits     = 2048
)

// Assurance levels (acr values) supported, as in ID-porten.
const (
	acrSubstantial = "idporten-loa-substantial"
	acrHigh        = "idporten-loa-high"
)

// Person is a synthetic test person that can be chosen on the sign-in page.
type Person struct {
	// PID is the 11-digit synthetic fødselsnummer (Tenor style, month+80)
	// given in the pid claim. It may be empty for staff-only persons.
	PID string
	// Name is the full name, given in the name claim.
	Name string
	// GivenName and FamilyName are given in the given_name and family_name
	// claims.
	GivenName, FamilyName string
	// Email is given in the email claim when the scope contains "email".
	// Staff persons have one.
	Email string
	// Description is shown on the sign-in page, e.g. "Saksbehandler". It
	// is written in bokmål whatever the page language; the page marks it
	// with lang="nb".
	Description string
}

// Client is a relying party registered with the provider.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client secret used with client_secret_basic or
	// client_secret_post.
	Secret string
	// RedirectURIs are the exact redirect_uri values the client may use.
	RedirectURIs []string
	// PostLogoutRedirectURIs are the exact post_logout_redirect_uri values
	// the client may use.
	PostLogoutRedirectURIs []string
	// AllowRedirect, when set, accepts a redirect_uri or
	// post_logout_redirect_uri that is not listed above when it returns
	// true for it. Torg's demo uses it because municipalities, and so their
	// callback URLs, can be added while it runs. The URI must still be an
	// absolute URL without fragment.
	AllowRedirect func(uri string) bool
}

// Config configures a Provider.
type Config struct {
	// Issuer is the absolute issuer URL including its path and without a
	// trailing slash, e.g. "http://localhost:8080/testidp". All endpoints
	// are served below its path.
	Issuer string
	// Clients are the registered relying parties. At least one is required.
	Clients []Client
	// Persons are the test persons offered on the sign-in page. When empty,
	// DemoPersons is used.
	Persons []Person
	// Key signs ID tokens and is published in the JWKS. A 2048-bit key is
	// generated when nil.
	Key *rsa.PrivateKey
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Logger receives log records; they are discarded when nil.
	Logger *slog.Logger
	// MutateClaims, when set, is called with the ID token claims just
	// before they are signed. It exists only for tests of relying parties
	// (wrong nonce, aud, iss or acr, expired tokens) and must never be set
	// in a demo or production configuration.
	MutateClaims func(claims map[string]any)
	// SubjectSalt, when set, keys the pairwise subject identifiers, so a
	// person keeps the same sub across restarts (as at a real provider);
	// when empty, a random salt is made and subjects change at restart.
	SubjectSalt string
	// SignWith, when set, signs ID tokens with this key instead of Key,
	// while the JWKS still publishes Key and the token header still names
	// Key's kid. It exists only for tests of relying parties (bad
	// signatures).
	SignWith *rsa.PrivateKey
}

// Provider is an in-memory OpenID Connect test provider. It is an
// http.Handler and is safe for concurrent use.
type Provider struct {
	issuer   string
	basePath string
	clients  map[string]*client
	persons  []Person

	key            *rsa.PrivateKey
	signKey        *rsa.PrivateKey
	kid            string
	jwks           []byte
	discovery      []byte
	pairwiseSecret []byte

	now    func() time.Time
	log    *slog.Logger
	mutate func(map[string]any)
	pages  *pages
	csrf   *http.CrossOriginProtection

	mu        sync.Mutex
	pending   map[string]*authRequest
	codes     map[string]*authCode
	sessions  map[string]*session
	tokens    map[string]*accessToken
	lastSweep time.Time
}

// client is the validated, private copy of a Client.
type client struct {
	id         string
	secret     string
	redirects  map[string]bool
	postLogout map[string]bool
	allow      func(string) bool
}

// redirectOK reports whether uri may be used as a redirect_uri.
func (cl *client) redirectOK(uri string) bool {
	return cl.redirects[uri] || (cl.allow != nil && checkRedirectURI(uri) == nil && cl.allow(uri))
}

// postLogoutOK reports whether uri may be used as a post_logout_redirect_uri.
func (cl *client) postLogoutOK(uri string) bool {
	return cl.postLogout[uri] || (cl.allow != nil && checkRedirectURI(uri) == nil && cl.allow(uri))
}

// authRequest is a validated authorization request waiting for the user to
// pick a person.
type authRequest struct {
	clientID    string
	redirectURI string
	state       string
	nonce       string
	challenge   string
	acr         string
	scopes      []string
	locale      string
	expires     time.Time
}

// authCode is an issued authorization code.
type authCode struct {
	req      authRequest
	person   Person
	sid      string
	authTime time.Time
	expires  time.Time
	used     bool
}

// session is a sign-in session at the provider, identified by the sid claim.
type session struct {
	clientID string
	expires  time.Time
}

// accessToken is an issued opaque access token.
type accessToken struct {
	clientID string
	person   Person
	scopes   []string
	locale   string
	sid      string
	expires  time.Time
}

// New validates cfg and returns a ready Provider.
func New(cfg Config) (*Provider, error) {
	issuer, basePath, err := parseIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	if len(cfg.Clients) == 0 {
		return nil, errors.New("testidp: at least one client is required")
	}
	clients := make(map[string]*client, len(cfg.Clients))
	for i, c := range cfg.Clients {
		cl, err := newClient(c)
		if err != nil {
			return nil, fmt.Errorf("testidp: Clients[%d]: %w", i, err)
		}
		if _, dup := clients[cl.id]; dup {
			return nil, fmt.Errorf("testidp: client %q registered twice", cl.id)
		}
		clients[cl.id] = cl
	}
	persons := cfg.Persons
	if len(persons) == 0 {
		persons = DemoPersons()
	}
	persons, err = validatePersons(persons)
	if err != nil {
		return nil, err
	}

	key := cfg.Key
	if key == nil {
		key, err = rsa.GenerateKey(rand.Reader, rsaKeyBits)
		if err != nil {
			return nil, fmt.Errorf("testidp: generate key: %w", err)
		}
	}
	if err := checkKey(key); err != nil {
		return nil, fmt.Errorf("testidp: Key: %w", err)
	}
	signKey := key
	if cfg.SignWith != nil {
		if err := checkKey(cfg.SignWith); err != nil {
			return nil, fmt.Errorf("testidp: SignWith: %w", err)
		}
		signKey = cfg.SignWith
	}
	pub := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	thumb, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("testidp: key thumbprint: %w", err)
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	if err != nil {
		return nil, fmt.Errorf("testidp: marshal JWKS: %w", err)
	}
	disc, err := json.Marshal(newDiscovery(issuer))
	if err != nil {
		return nil, fmt.Errorf("testidp: marshal discovery: %w", err)
	}
	pg, err := newPages()
	if err != nil {
		return nil, err
	}

	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Behind a proxy the Host header may differ from the public origin;
	// trust the issuer's origin for the picker's same-origin form posts.
	csrf := http.NewCrossOriginProtection()
	if err := csrf.AddTrustedOrigin(formOrigin(issuer)); err != nil {
		return nil, fmt.Errorf("testidp: Issuer origin: %w", err)
	}
	secret := []byte(cfg.SubjectSalt)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // never fails; see crypto/rand.Read
	}

	return &Provider{
		issuer:         issuer,
		basePath:       basePath,
		clients:        clients,
		persons:        persons,
		key:            key,
		signKey:        signKey,
		kid:            pub.KeyID,
		jwks:           jwks,
		discovery:      disc,
		pairwiseSecret: secret,
		now:            now,
		log:            logger.With("component", "testidp"),
		mutate:         cfg.MutateClaims,
		pages:          pg,
		csrf:           csrf,
		pending:        make(map[string]*authRequest),
		codes:          make(map[string]*authCode),
		sessions:       make(map[string]*session),
		tokens:         make(map[string]*accessToken),
	}, nil
}

// parseIssuer validates the issuer URL and returns it with its path.
func parseIssuer(raw string) (issuer, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("testidp: Issuer: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", "", fmt.Errorf("testidp: Issuer %q must be an absolute http or https URL", raw)
	case u.Host == "" || u.Opaque != "":
		return "", "", fmt.Errorf("testidp: Issuer %q has no host", raw)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "":
		return "", "", fmt.Errorf("testidp: Issuer %q must not have user info, query or fragment", raw)
	case strings.HasSuffix(raw, "/"):
		return "", "", fmt.Errorf("testidp: Issuer %q must not end with a slash", raw)
	case u.RawPath != "":
		return "", "", fmt.Errorf("testidp: Issuer %q must not have an escaped path", raw)
	case !validHost(u.Host):
		return "", "", fmt.Errorf("testidp: Issuer %q has an invalid host", raw)
	}
	return raw, u.Path, nil
}

// validHost reports whether host (with optional port) holds only characters
// that are safe to place in a Content-Security-Policy source expression.
func validHost(host string) bool {
	if host == "" {
		return false
	}
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-', r == '.', r == ':', r == '[', r == ']':
		default:
			return false
		}
	}
	return true
}

// newClient validates c and returns a private copy.
func newClient(c Client) (*client, error) {
	if c.ID == "" {
		return nil, errors.New("field ID is required")
	}
	if c.Secret == "" {
		return nil, errors.New("field Secret is required")
	}
	if len(c.RedirectURIs) == 0 && c.AllowRedirect == nil {
		return nil, errors.New("at least one redirect URI (or AllowRedirect) is required")
	}
	cl := &client{
		id:         c.ID,
		secret:     c.Secret,
		redirects:  make(map[string]bool, len(c.RedirectURIs)),
		postLogout: make(map[string]bool, len(c.PostLogoutRedirectURIs)),
		allow:      c.AllowRedirect,
	}
	for _, r := range c.RedirectURIs {
		if err := checkRedirectURI(r); err != nil {
			return nil, fmt.Errorf("redirect URI: %w", err)
		}
		cl.redirects[r] = true
	}
	for _, r := range c.PostLogoutRedirectURIs {
		if err := checkRedirectURI(r); err != nil {
			return nil, fmt.Errorf("post-logout redirect URI: %w", err)
		}
		cl.postLogout[r] = true
	}
	return cl, nil
}

// checkRedirectURI validates a registered redirect URI: absolute, without
// fragment, and for http(s) with a host that is safe to put in a CSP.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if !validScheme(u.Scheme) {
		return fmt.Errorf("%q must be an absolute URL", raw)
	}
	if strings.Contains(raw, "#") {
		return fmt.Errorf("%q must not have a fragment", raw)
	}
	if (u.Scheme == "http" || u.Scheme == "https") && (u.Opaque != "" || !validHost(u.Host)) {
		return fmt.Errorf("%q has an invalid host", raw)
	}
	return nil
}

// validScheme reports whether s is a syntactically valid URI scheme.
func validScheme(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// validatePersons checks the persons and returns a private copy.
func validatePersons(in []Person) ([]Person, error) {
	out := make([]Person, len(in))
	copy(out, in)
	seen := make(map[string]bool)
	for i, p := range out {
		if p.Name == "" {
			return nil, fmt.Errorf("testidp: person %d: Name is required", i)
		}
		if p.PID == "" && p.Email == "" {
			return nil, fmt.Errorf("testidp: person %q: PID or Email is required", p.Name)
		}
		if p.PID != "" {
			if len(p.PID) != 11 || strings.Trim(p.PID, "0123456789") != "" {
				return nil, fmt.Errorf("testidp: person %q: PID must be 11 digits", p.Name)
			}
			if seen["pid:"+p.PID] {
				return nil, fmt.Errorf("testidp: person %q: duplicate PID", p.Name)
			}
			seen["pid:"+p.PID] = true
		}
		if p.Email != "" {
			if seen["email:"+p.Email] {
				return nil, fmt.Errorf("testidp: person %q: duplicate Email", p.Name)
			}
			seen["email:"+p.Email] = true
		}
	}
	return out, nil
}

// checkKey rejects keys that are too weak or inconsistent.
func checkKey(k *rsa.PrivateKey) error {
	if k.N == nil || k.N.BitLen() < rsaKeyBits {
		return fmt.Errorf("RSA key must have at least %d bits", rsaKeyBits)
	}
	return k.Validate()
}

// discovery is the OpenID Provider metadata document.
type discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ACRValuesSupported                []string `json:"acr_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	UILocalesSupported                []string `json:"ui_locales_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	AuthorizationResponseISSParameter bool     `json:"authorization_response_iss_parameter_supported"`
	RequestParameterSupported         bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
}

func newDiscovery(issuer string) discovery {
	return discovery{
		Issuer:                            issuer,
		AuthorizationEndpoint:             issuer + "/authorize",
		TokenEndpoint:                     issuer + "/token",
		JWKSURI:                           issuer + "/jwks.json",
		UserinfoEndpoint:                  issuer + "/userinfo",
		EndSessionEndpoint:                issuer + "/logout",
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               []string{"authorization_code"},
		SubjectTypesSupported:             []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{string(jose.RS256)},
		CodeChallengeMethodsSupported:     []string{"S256"},
		ACRValuesSupported:                []string{acrSubstantial, acrHigh},
		ScopesSupported:                   []string{"openid", "profile", "email"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		UILocalesSupported:                []string{"nb", "nn", "en"},
		ClaimsSupported: []string{
			"iss", "sub", "aud", "exp", "iat", "auth_time", "jti", "nonce",
			"acr", "amr", "pid", "sid", "locale", "at_hash",
			"name", "given_name", "family_name", "email", "email_verified",
		},
		AuthorizationResponseISSParameter: true,
	}
}

// ServeHTTP serves the provider's endpoints below the issuer's path, e.g.
// /testidp/.well-known/openid-configuration for the issuer
// http://localhost:8080/testidp. The request path must still carry that
// prefix (do not wrap the provider in http.StripPrefix).
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")

	rest, ok := strings.CutPrefix(r.URL.Path, p.basePath)
	if !ok {
		p.notFound(w)
		return
	}
	switch rest {
	case "/.well-known/openid-configuration":
		if allow(w, r, http.MethodGet, http.MethodHead) {
			p.serveJSONBytes(w, p.discovery)
		}
	case "/jwks.json":
		if allow(w, r, http.MethodGet, http.MethodHead) {
			h.Set("Content-Type", "application/jwk-set+json")
			h.Set("Cache-Control", "no-store")
			_, _ = w.Write(p.jwks)
		}
	case "/authorize":
		h.Set("Cache-Control", "no-store")
		switch r.Method {
		case http.MethodGet:
			p.authorize(w, r)
		case http.MethodPost:
			// The picker form is same-origin; refuse cross-site posts.
			if err := p.csrf.Check(r); err != nil {
				p.errorPage(w, http.StatusForbidden, "nb", msgBadRequest, "cross-origin form submission refused")
				return
			}
			p.choose(w, r)
		default:
			methodNotAllowed(w, http.MethodGet, http.MethodPost)
		}
	case "/token":
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		if allow(w, r, http.MethodPost) {
			p.token(w, r)
		}
	case "/userinfo":
		h.Set("Cache-Control", "no-store")
		if allow(w, r, http.MethodGet, http.MethodPost) {
			p.userinfo(w, r)
		}
	case "/logout":
		h.Set("Cache-Control", "no-store")
		if allow(w, r, http.MethodGet, http.MethodPost) {
			p.logout(w, r)
		}
	case "/static/testidp.css":
		if allow(w, r, http.MethodGet, http.MethodHead) {
			h.Set("Content-Type", "text/css; charset=utf-8")
			h.Set("Cache-Control", "public, max-age=3600")
			_, _ = w.Write(p.pages.css)
		}
	default:
		p.notFound(w)
	}
}

// allow reports whether r uses one of the methods and otherwise answers
// 405 Method Not Allowed.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	methodNotAllowed(w, methods...)
	return false
}

func methodNotAllowed(w http.ResponseWriter, methods ...string) {
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

func (p *Provider) notFound(w http.ResponseWriter) {
	http.Error(w, "not found", http.StatusNotFound)
}

func (p *Provider) serveJSONBytes(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// writeJSON writes v as a JSON response with the given status.
func (p *Provider) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		p.log.Error("marshal JSON response", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// randomToken returns 32 random bytes, base64url-encoded without padding.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails; see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b)
}

// sweepLocked deletes expired entries from the in-memory maps. It runs at
// most once per sweepInterval unless force is set. p.mu must be held.
func (p *Provider) sweepLocked(now time.Time, force bool) {
	if !force && now.Sub(p.lastSweep) < sweepInterval {
		return
	}
	p.lastSweep = now
	for k, v := range p.pending {
		if !now.Before(v.expires) {
			delete(p.pending, k)
		}
	}
	for k, v := range p.codes {
		if !now.Before(v.expires) {
			delete(p.codes, k)
		}
	}
	for k, v := range p.sessions {
		if !now.Before(v.expires) {
			delete(p.sessions, k)
		}
	}
	for k, v := range p.tokens {
		if !now.Before(v.expires) {
			delete(p.tokens, k)
		}
	}
}

// singleValues parses a query or form and rejects repeated parameters
// (RFC 6749 §3.1). Empty values are treated as absent.
func singleValues(v url.Values) (map[string]string, error) {
	out := make(map[string]string, len(v))
	for k, vs := range v {
		if len(vs) > 1 {
			return nil, fmt.Errorf("parameter %s is repeated", k)
		}
		if len(vs) == 1 && vs[0] != "" {
			out[k] = vs[0]
		}
	}
	return out, nil
}
