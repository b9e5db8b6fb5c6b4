package identity

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// provider is one OpenID Connect provider, discovered lazily and then
// cached. Discovery is retried at the next sign-in when it fails.
type provider struct {
	name   string
	cfg    ProviderConfig
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier
	endSess  string
	// issInResponse: the provider says it puts iss in the authorization
	// response (RFC 9207), so a response without it is refused.
	issInResponse bool
}

func newProvider(name string, cfg ProviderConfig, log *slog.Logger) *provider {
	return &provider{name: name, cfg: cfg, log: log, client: &http.Client{Timeout: 10 * time.Second}}
}

// configured reports whether an issuer is set.
func (p *provider) configured() bool { return p.cfg.Issuer != "" && p.cfg.ClientID != "" }

// ctx returns ctx with the provider's HTTP client for go-oidc and oauth2.
func (p *provider) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.client)
}

// discover returns the provider's metadata and ID token verifier,
// fetching the discovery document on first use.
func (p *provider) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oidc != nil {
		return p.oidc, p.verifier, nil
	}
	if !p.configured() {
		return nil, nil, fmt.Errorf("%s provider is not configured", p.name)
	}
	dctx, cancel := context.WithTimeout(p.ctx(ctx), 10*time.Second)
	defer cancel()
	op, err := oidc.NewProvider(dctx, p.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("discover %s provider %s: %w", p.name, p.cfg.Issuer, err)
	}
	var extra struct {
		EndSession    string `json:"end_session_endpoint"`
		IssInResponse bool   `json:"authorization_response_iss_parameter_supported"`
	}
	if err := op.Claims(&extra); err != nil {
		return nil, nil, fmt.Errorf("read %s provider metadata: %w", p.name, err)
	}
	// The verifier checks signature (against the provider's JWKS), issuer,
	// audience and expiry. Nonce, acr and pid are checked by the caller.
	p.oidc = op
	p.verifier = op.Verifier(&oidc.Config{ClientID: p.cfg.ClientID, SupportedSigningAlgs: []string{oidc.RS256, oidc.ES256, oidc.PS256}})
	p.endSess = extra.EndSession
	p.issInResponse = extra.IssInResponse
	p.log.Info("discovered identity provider", "provider", p.name, "issuer", p.cfg.Issuer)
	return p.oidc, p.verifier, nil
}

// oauth2 returns the OAuth 2.0 client for a redirect URI.
func (p *provider) oauth2(op *oidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     p.cfg.ClientID,
		ClientSecret: p.cfg.ClientSecret,
		Endpoint:     op.Endpoint(),
		RedirectURL:  redirect,
		Scopes:       append([]string{oidc.ScopeOpenID}, p.cfg.Scopes...),
	}
}

// endSession returns the provider's end_session_endpoint, or "".
func (p *provider) endSession() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.endSess
}
