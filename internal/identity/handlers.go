package identity

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/web"
)

// loginTTL is how long a sign-in may take from start to callback.
const loginTTL = 10 * time.Minute

// Handlers holds the sign-in pages of a municipality.
type Handlers struct {
	svc   *Service
	shell *web.Shell
	pages *web.Pages
}

// Routes registers the sign-in routes on a municipality's mux:
//
//	GET  /logg-inn           start an ID-porten sign-in (?niva=hoy for level high, ?neste=/path to come back)
//	GET  /tilsett/logg-inn   start a staff sign-in
//	GET  /auth/callback      the providers' redirect back
//	POST /logg-ut            sign out here and at the provider
//	GET  /logget-ut          the signed-out page
//	GET  /tilsett            the staff start page
func (s *Service) Routes(mux *http.ServeMux, shell *web.Shell) error {
	pages, err := shell.Pages(templateFS, "templates/signedout.html", "templates/staff.html")
	if err != nil {
		return err
	}
	h := &Handlers{svc: s, shell: shell, pages: pages}
	mux.Handle("GET /logg-inn", shell.Handle(h.startCitizen))
	mux.Handle("GET /tilsett/logg-inn", shell.Handle(h.startStaff))
	mux.Handle("GET /auth/callback", shell.Handle(h.callback))
	mux.Handle("POST /logg-ut", shell.Handle(h.signOut))
	mux.Handle("GET /logget-ut", shell.Handle(h.signedOut))
	mux.Handle("GET /tilsett", shell.Handle(s.RequireStaff(h.staffHome)))
	return nil
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// safeNext returns a path inside the municipality to go to after sign-in:
// only a local path, never another host.
func safeNext(raw string) string {
	if p, ok := web.LocalPath(raw); ok {
		return p
	}
	return "/"
}

func (h *Handlers) startCitizen(w http.ResponseWriter, r *http.Request) error {
	level := LevelSubstantial
	switch r.URL.Query().Get("niva") {
	case "", "betydelig":
	case "hoy":
		level = LevelHigh
	default:
		return errs.E(errs.Invalid, errs.Key("auth.error.level_param"))
	}
	return h.start(w, r, h.svc.citizen, level)
}

func (h *Handlers) startStaff(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.staffFor(r.Context(), web.From(r).Tenant.ID)
	if err != nil {
		return err
	}
	return h.start(w, r, p, "")
}

// redirectURI is the absolute callback URL of the municipality on the
// host the browser used.
func (s *Service) redirectURI(r *http.Request, path string) string {
	return s.cfg.PublicScheme + "://" + r.Host + web.From(r).Tenant.Base + path
}

func (h *Handlers) start(w http.ResponseWriter, r *http.Request, p *provider, level string) error {
	ctx := r.Context()
	c := web.From(r)
	tenant := c.Tenant.ID
	if !h.svc.limiter.Allow(web.LimitKey(r)) {
		return errs.E(errs.TooMany, errs.Key("auth.error.too_many"))
	}
	if !p.configured() {
		return errs.E(errs.NotFound, errs.Key("auth.error.not_configured"))
	}
	op, _, err := p.discover(ctx)
	if err != nil {
		return errs.E(errs.Op("identity.start"), err)
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	next := safeNext(r.URL.Query().Get("neste"))
	now := h.svc.db.Now()
	err = h.svc.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM identity_logins WHERE tenant_id = $1 AND created_at < $2`, tenant, now.Add(-loginTTL)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO identity_logins (tenant_id, state, nonce, verifier, provider, acr, next_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			tenant, state, nonce, verifier, p.name, level, next, now)
		return err
	})
	if err != nil {
		return errs.E(errs.Op("identity.start"), err)
	}
	h.svc.setCookie(w, loginKind, tenant, state, int(loginTTL.Seconds()))
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce), oauth2.SetAuthURLParam("ui_locales", c.Lang)}
	if level != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", level))
	}
	target := p.oauth2(op, h.svc.redirectURI(r, "auth/callback")).AuthCodeURL(state, opts...)
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// pending is a sign-in under way, as stored by start.
type pending struct {
	nonce, verifier, provider, acr, next string
	created                              time.Time
}

// takeLogin removes and returns the pending sign-in for state, so a state
// can be used once only.
func (s *Service) takeLogin(ctx context.Context, tenant, state string) (*pending, error) {
	var p pending
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx,
			`DELETE FROM identity_logins WHERE tenant_id = $1 AND state = $2 RETURNING nonce, verifier, provider, acr, next_path, created_at`,
			tenant, state).Scan(&p.nonce, &p.verifier, &p.provider, &p.acr, &p.next, &p.created)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.E(errs.Op("identity.takeLogin"), err)
	}
	return &p, nil
}

// idClaims are the ID token claims Torg reads.
type idClaims struct {
	PID        string `json:"pid"`
	ACR        string `json:"acr"`
	Name       string `json:"name"`
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
	Email      string `json:"email"`
	// EmailVerified is nil when the provider does not say.
	EmailVerified *bool `json:"email_verified"`
}

func (h *Handlers) callback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c := web.From(r)
	tenant := c.Tenant.ID
	q := r.URL.Query()
	// Whatever happens, the sign-in cookie is spent.
	h.svc.setCookie(w, loginKind, tenant, "", -1)
	fail := func(kind errs.Kind, key, reason string, cause error) error {
		detail := reason
		if cause != nil {
			detail += ": " + cause.Error()
		}
		if _, err := h.svc.audit.Record(ctx, audit.Entry{Tenant: tenant, ActorID: "anonymous:" + web.ClientAddr(r), Role: "anonymous",
			Action: "auth.signin_failed", RequestID: c.RequestID, Detail: detail}); err != nil {
			h.svc.log.Error("audit failed sign-in", "request_id", c.RequestID, "err", err)
		}
		return errs.E(errs.Op("identity.callback"), kind, errs.Key(key), errors.New(detail))
	}
	if !h.svc.limiter.Allow(web.LimitKey(r)) {
		return errs.E(errs.TooMany, errs.Key("auth.error.too_many"))
	}
	state := q.Get("state")
	ck, _ := r.Cookie(h.svc.cookieName(loginKind, tenant))
	if state == "" || ck == nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		return fail(errs.Invalid, "auth.error.state", "state missing or not from this browser", nil)
	}
	login, err := h.svc.takeLogin(ctx, tenant, state)
	if err != nil {
		return err
	}
	if login == nil {
		return fail(errs.Invalid, "auth.error.state", "unknown or used state", nil)
	}
	if h.svc.db.Now().Sub(login.created) > loginTTL {
		return fail(errs.Invalid, "auth.error.expired", "sign-in took too long", nil)
	}
	p := h.svc.citizen
	if login.provider == h.svc.staff.name {
		if p, err = h.svc.staffFor(ctx, tenant); err != nil {
			return err
		}
	}
	if e := q.Get("error"); e != "" {
		key := "auth.error.provider"
		if e == "access_denied" {
			key = "auth.error.cancelled"
		}
		return fail(errs.Unauthenticated, key, "provider said "+e+": "+q.Get("error_description"), nil)
	}
	op, verifier, err := p.discover(ctx)
	if err != nil {
		return errs.E(errs.Op("identity.callback"), err)
	}
	// RFC 9207: with several providers, iss tells which one answered. It
	// must match, and must be there when the provider says it sends it.
	if iss := q.Get("iss"); (iss == "" && p.issInResponse) || (iss != "" && iss != p.cfg.Issuer) {
		return fail(errs.Unauthenticated, "auth.error.token", "iss parameter "+strconv.Quote(iss)+" is not "+p.cfg.Issuer, nil)
	}
	code := q.Get("code")
	if code == "" {
		return fail(errs.Invalid, "auth.error.state", "no code", nil)
	}
	tok, err := p.oauth2(op, h.svc.redirectURI(r, "auth/callback")).Exchange(p.ctx(ctx), code, oauth2.VerifierOption(login.verifier))
	if err != nil {
		return fail(errs.Unauthenticated, "auth.error.exchange", "code exchange", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return fail(errs.Unauthenticated, "auth.error.token", "no id_token", nil)
	}
	idt, err := verifier.Verify(p.ctx(ctx), raw)
	if err != nil {
		return fail(errs.Unauthenticated, "auth.error.token", "id_token", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(login.nonce)) != 1 {
		return fail(errs.Unauthenticated, "auth.error.token", "nonce mismatch", nil)
	}
	var cl idClaims
	if err := idt.Claims(&cl); err != nil {
		return fail(errs.Unauthenticated, "auth.error.token", "claims", err)
	}
	ss := &session{tenant: tenant, acr: cl.ACR, idToken: raw, staff: login.provider == h.svc.staff.name}
	if !ss.staff {
		if levelRank(cl.ACR) < levelRank(login.acr) {
			return fail(errs.Unauthenticated, "auth.error.level", "acr "+cl.ACR+" is below "+login.acr, nil)
		}
		n, err := nin.Parse(cl.PID)
		if err != nil {
			return fail(errs.Unauthenticated, "auth.error.pid", "pid claim", err)
		}
		ss.pid, ss.principal = n.String(), "pid:"+n.String()
		ss.name = strings.TrimSpace(cl.Name)
		if ss.name == "" {
			ss.name = strings.TrimSpace(cl.GivenName + " " + cl.FamilyName)
		}
		if ss.name == "" {
			ss.name = n.String()[:6] + " *****"
		}
	} else {
		if cl.EmailVerified != nil && !*cl.EmailVerified {
			return fail(errs.Unauthenticated, "auth.error.email", "email not verified by the provider", nil)
		}
		principal, err := Principal(cl.Email)
		if err != nil || cl.Email == "" {
			return fail(errs.Unauthenticated, "auth.error.email", "no usable email claim", err)
		}
		ss.email, ss.principal = strings.ToLower(cl.Email), principal
		ss.name = strings.TrimSpace(cl.Name)
		if ss.name == "" {
			ss.name = ss.email
		}
		roles, err := h.svc.Roles(ctx, tenant, principal)
		if err != nil {
			return err
		}
		if len(roles) == 0 {
			return fail(errs.Forbidden, "auth.error.no_role", ss.principal+" has no role here", nil)
		}
		same, err := h.svc.bindStaffSubject(ctx, tenant, principal, idt.Issuer, idt.Subject)
		if err != nil {
			return err
		}
		if !same {
			return fail(errs.Forbidden, "auth.error.account_changed", ss.principal+" signed in from another account than before", nil)
		}
	}
	var token string
	err = h.svc.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if token, err = h.svc.insertSession(ctx, tx, ss); err != nil {
			return err
		}
		role := RoleCitizen
		if ss.staff {
			role = "staff"
		}
		_, err = h.svc.audit.Append(ctx, tx, audit.Entry{Tenant: tenant, ActorID: ss.principal, ActorName: ss.name, Role: role,
			Action: "auth.signin", Subject: ss.pid, RequestID: c.RequestID, Detail: p.name + " " + ss.acr})
		return err
	})
	if err != nil {
		return errs.E(errs.Op("identity.callback"), err)
	}
	// A previous session in this browser ends: a new id at every sign-in.
	if old, err := r.Cookie(h.svc.cookieName(sessionKind, tenant)); err == nil && old.Value != "" {
		h.svc.deleteSession(ctx, tenant, hashToken(old.Value))
	}
	h.svc.setCookie(w, sessionKind, tenant, token, 0)
	http.Redirect(w, r, c.Tenant.Base+strings.TrimPrefix(login.next, "/"), http.StatusSeeOther)
	return nil
}

func (h *Handlers) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	c := web.From(r)
	tenant := c.Tenant.ID
	ck, err := r.Cookie(h.svc.cookieName(sessionKind, tenant))
	h.svc.setCookie(w, sessionKind, tenant, "", -1)
	target := c.Tenant.Base + "logget-ut"
	if err == nil && ck.Value != "" {
		ss, err := h.svc.lookup(ctx, tenant, ck.Value)
		if err != nil {
			return err
		}
		if ss != nil {
			err := h.svc.db.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `DELETE FROM identity_sessions WHERE tenant_id = $1 AND id_hash = $2`, tenant, ss.idHash); err != nil {
					return err
				}
				_, err := h.svc.audit.Append(ctx, tx, audit.Entry{Tenant: tenant, ActorID: ss.principal, ActorName: ss.name,
					Action: "auth.signout", Subject: ss.pid, RequestID: c.RequestID})
				return err
			})
			if err != nil {
				return errs.E(errs.Op("identity.signOut"), err)
			}
			p := h.svc.citizen
			if ss.staff {
				if p, err = h.svc.staffFor(ctx, tenant); err != nil {
					return err
				}
			}
			if end := p.endSession(); end != "" {
				v := url.Values{"id_token_hint": {ss.idToken}, "post_logout_redirect_uri": {h.svc.redirectURI(r, "logget-ut")}, "ui_locales": {c.Lang}}
				sep := "?"
				if strings.Contains(end, "?") {
					sep = "&"
				}
				target = end + sep + v.Encode()
			}
		}
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (h *Handlers) signedOut(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "signedout", nil)
}

// roleView is a role with its display name, for the staff page.
type roleView struct{ Code, Key string }

func (h *Handlers) staffHome(w http.ResponseWriter, r *http.Request) error {
	u := web.From(r).User
	var roles []roleView
	for _, role := range u.Roles {
		roles = append(roles, roleView{Code: role, Key: "role." + role})
	}
	return h.pages.Render(w, r, http.StatusOK, "staff", roles)
}
