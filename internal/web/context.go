// Package web is Torg's page shell and HTTP plumbing: the request context
// that every page sees (municipality, signed-in user, language, request id),
// the layout template, static assets, middleware, and the one place where
// an error becomes a status code and a page or an RFC 9457 problem document.
//
// Domain modules depend on web; web depends on no domain module. The tenant
// and identity modules fill in the Ctx through their middleware.
package web

import (
	"context"
	"net/http"
)

// Ctx is what the shell knows about a request. Middleware fills it in; it
// lives in the request context as a pointer so later middleware can add to
// it.
type Ctx struct {
	RequestID string
	Lang      string  // "nb", "nn" or "en"
	Tenant    *Tenant // nil on deployment-wide pages
	User      *User   // nil when signed out
	Path      string  // the request path inside the tenant (after the base), for links back
	Route     string  // the matched route pattern, for metrics and logs
	// ClientAddr is the client's IP address: the connection's, or behind a
	// trusted proxy the last untrusted address in X-Forwarded-For.
	ClientAddr string
}

// Tenant is the municipality a request belongs to, as the shell shows it.
type Tenant struct {
	ID      string // kommunenummer
	NameNB  string
	NameNN  string
	Base    string // "/" on the municipality's own host, else "/k/NNNN/"
	HasLogo bool
}

// Name returns the municipality's name in the language of the page.
func (t *Tenant) Name(lang string) string {
	if lang == "nn" && t.NameNN != "" {
		return t.NameNN
	}
	return t.NameNB
}

// User is the signed-in person, as the shell and the handlers see them.
type User struct {
	Principal string   // "pid:NNNNNNNNNNN" or "email:name@example.no"
	Name      string   // display name
	PID       string   // fødselsnummer or D-number; empty for staff sign-in
	Email     string   // staff e-mail; empty for citizen sign-in
	ACR       string   // assurance level given by the provider
	Staff     bool     // signed in through the staff provider
	Roles     []string // roles in this municipality
}

// Has reports whether the user holds role.
func (u *User) Has(role string) bool {
	if u == nil {
		return false
	}
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

type ctxKey struct{}

// FromContext returns the request's Ctx. Outside the middleware chain (in
// unit tests of a handler) it returns an empty Ctx rather than nil.
func FromContext(ctx context.Context) *Ctx {
	if c, ok := ctx.Value(ctxKey{}).(*Ctx); ok {
		return c
	}
	return &Ctx{Lang: "nb"}
}

// From is FromContext(r.Context()).
func From(r *http.Request) *Ctx { return FromContext(r.Context()) }

// WithCtx returns r with c in its context.
func WithCtx(r *http.Request, c *Ctx) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, c))
}
