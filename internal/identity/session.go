package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/web"
)

// session is a signed-in session as stored.
type session struct {
	tenant, idHash, principal, name, pid, email string
	staff                                       bool
	acr, idToken                                string
	created, seen                               time.Time
}

// Cookie kinds: the session, and the sign-in under way (which binds a
// sign-in to the browser that started it).
const (
	sessionKind = "session"
	loginKind   = "login"
)

// cookieName names a cookie of a municipality. Each municipality has its
// own, so being signed in to two on one host works and a session is never
// offered to the wrong one. Behind https the name has the __Host- prefix,
// so no other host (a sibling subdomain, say) can set it.
func (s *Service) cookieName(kind, tenant string) string {
	n := "torg_" + kind + "_" + tenant
	if s.cfg.Secure {
		n = "__Host-" + n
	}
	return n
}

// setCookie sets (maxAge > 0 or 0 for the browser session) or clears
// (maxAge < 0) a cookie of the municipality. Path is "/" because __Host-
// cookies need it; the name keeps municipalities apart.
func (s *Service) setCookie(w http.ResponseWriter, kind, tenant, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(kind, tenant), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// insertSession stores a new session and returns the cookie token.
func (s *Service) insertSession(ctx context.Context, tx *sql.Tx, ss *session) (string, error) {
	token := randomToken()
	ss.idHash = hashToken(token)
	ss.created = s.db.Now()
	ss.seen = ss.created
	_, err := tx.ExecContext(ctx,
		`INSERT INTO identity_sessions (tenant_id, id_hash, principal, name, pid, email, staff, acr, id_token, created_at, seen_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		ss.tenant, ss.idHash, ss.principal, ss.name, ss.pid, ss.email, ss.staff, ss.acr, ss.idToken, ss.created, ss.seen)
	return token, err
}

// lookup returns the live session for a cookie token, or nil. An expired
// session is deleted.
func (s *Service) lookup(ctx context.Context, tenant, token string) (*session, error) {
	ss := &session{tenant: tenant, idHash: hashToken(token)}
	err := s.db.QueryRowContext(ctx,
		`SELECT principal, name, pid, email, staff, acr, id_token, created_at, seen_at
		 FROM identity_sessions WHERE tenant_id = $1 AND id_hash = $2`, tenant, ss.idHash).
		Scan(&ss.principal, &ss.name, &ss.pid, &ss.email, &ss.staff, &ss.acr, &ss.idToken, &ss.created, &ss.seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.E(errs.Op("identity.lookup"), err)
	}
	now := s.db.Now()
	if now.Sub(ss.seen) > s.cfg.IdleTimeout || now.Sub(ss.created) > s.cfg.MaxAge {
		s.deleteSession(ctx, tenant, ss.idHash)
		return nil, nil
	}
	// Note use at most once a minute, to keep writes off the hot path.
	if now.Sub(ss.seen) > time.Minute {
		s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE identity_sessions SET seen_at = $1 WHERE tenant_id = $2 AND id_hash = $3`, now, tenant, ss.idHash)
			return err
		})
	}
	return ss, nil
}

func (s *Service) deleteSession(ctx context.Context, tenant, idHash string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM identity_sessions WHERE tenant_id = $1 AND id_hash = $2`, tenant, idHash)
		return err
	})
}

// Load is middleware for a municipality's routes: it finds the session
// from the cookie and puts the signed-in user, with their roles in this
// municipality, in web.Ctx. A session of another municipality is never
// found, because sessions are looked up by tenant.
func (s *Service) Load(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := web.From(r)
		if c.Tenant != nil {
			if p, err := s.staffFor(r.Context(), c.Tenant.ID); err == nil && p != s.staff {
				web.AddFormAction(w, origin(p.cfg.Issuer))
			}
			if ck, err := r.Cookie(s.cookieName(sessionKind, c.Tenant.ID)); err == nil && ck.Value != "" {
				u, err := s.user(r.Context(), c.Tenant.ID, ck.Value)
				if err != nil {
					s.log.Error("load session", "request_id", c.RequestID, "err", err)
				}
				c.User = u
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Service) user(ctx context.Context, tenant, token string) (*web.User, error) {
	ss, err := s.lookup(ctx, tenant, token)
	if err != nil || ss == nil {
		return nil, err
	}
	roles, err := s.Roles(ctx, tenant, ss.principal)
	if err != nil {
		return nil, err
	}
	if ss.staff && len(roles) == 0 {
		// Every role was taken away during the session: the person is no
		// longer staff here, so the session no longer counts.
		return nil, nil
	}
	if !ss.staff {
		roles = append([]string{RoleCitizen}, roles...)
	}
	return &web.User{Principal: ss.principal, Name: ss.name, PID: ss.pid, Email: ss.email, ACR: ss.acr, Staff: ss.staff, Roles: roles}, nil
}

// RequireCitizen wraps a page that needs a citizen signed in at level (or
// higher). Others are sent to sign in, and back here afterwards.
func (s *Service) RequireCitizen(level string, next web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c := web.From(r)
		if c.User == nil || c.User.Staff || levelRank(c.User.ACR) < levelRank(level) {
			if r.Method != http.MethodGet {
				return errs.E(errs.Unauthenticated, errs.Key("auth.error.signin_needed"))
			}
			q := "logg-inn?neste=" + urlQuery("/"+c.Path)
			if level == LevelHigh {
				q += "&niva=hoy"
			}
			http.Redirect(w, r, c.Tenant.Base+q, http.StatusSeeOther)
			return nil
		}
		return next(w, r)
	}
}

// RequireStaff wraps a page for staff with any of roles (any staff role
// when none are named). Signed-out visitors are sent to the staff sign-in;
// others get 403.
func (s *Service) RequireStaff(next web.HandlerFunc, roles ...string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c := web.From(r)
		if c.User == nil || !c.User.Staff {
			if r.Method != http.MethodGet {
				return errs.E(errs.Unauthenticated, errs.Key("auth.error.signin_needed"))
			}
			http.Redirect(w, r, c.Tenant.Base+"tilsett/logg-inn?neste="+urlQuery("/"+c.Path), http.StatusSeeOther)
			return nil
		}
		if len(roles) > 0 {
			ok := false
			for _, role := range roles {
				ok = ok || c.User.Has(role)
			}
			if !ok {
				return errs.E(errs.Forbidden, errs.Key("auth.error.role_needed"))
			}
		}
		return next(w, r)
	}
}

// DeleteExpired removes sessions past their idle or absolute timeout and
// sign-ins that were never finished, in every municipality, and returns
// how many rows went. Run it now and then; a session is also checked when
// it is used, so this only keeps the tables small.
func (s *Service) DeleteExpired(ctx context.Context) (int64, error) {
	now := s.db.Now()
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM identity_sessions WHERE seen_at < $1 OR created_at < $2`,
			now.Add(-s.cfg.IdleTimeout), now.Add(-s.cfg.MaxAge))
		if err != nil {
			return err
		}
		a, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM identity_logins WHERE created_at < $1`, now.Add(-loginTTL))
		if err != nil {
			return err
		}
		b, _ := res.RowsAffected()
		n = a + b
		return nil
	})
	if err != nil {
		return 0, errs.E(errs.Op("identity.DeleteExpired"), err)
	}
	return n, nil
}
