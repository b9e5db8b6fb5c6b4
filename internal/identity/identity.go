// Package identity signs people in and knows who they are: citizens through
// ID-porten (OpenID Connect, authorization code flow with PKCE, the pid
// claim as identity, assurance levels idporten-loa-substantial and
// idporten-loa-high), staff through the municipality's own OpenID Connect
// provider, server-side sessions in the database, and roles per
// municipality. It owns the tables identity_sessions, identity_logins and
// identity_roles.
//
// Every sign-in, failed sign-in, sign-out and role change is written to the
// audit log.
package identity

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// Schema is the identity module's migrations.
var Schema = db.EmbeddedSchema("identity", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// The roles a person can hold in a municipality. Citizen is implied by an
// ID-porten sign-in and never granted.
const (
	RoleCitizen     = "citizen"
	RoleCaseworker  = "caseworker"
	RoleArchivist   = "archivist"
	RoleSecretariat = "secretariat"
	RoleOfficial    = "official"
	RoleManager     = "manager"
	RoleAdmin       = "admin"
	// RoleElectionOfficer runs elections and referendums (package vote):
	// creates them, names the trustees, loads the voter list, opens,
	// closes and publishes.
	RoleElectionOfficer = "election_officer"
)

// GrantableRoles lists the roles that can be granted.
var GrantableRoles = []string{RoleCaseworker, RoleArchivist, RoleSecretariat, RoleOfficial, RoleManager, RoleElectionOfficer, RoleAdmin}

// The assurance levels of ID-porten, lowest first.
const (
	LevelSubstantial = "idporten-loa-substantial"
	LevelHigh        = "idporten-loa-high"
)

// levelRank orders assurance levels; unknown levels rank below all.
func levelRank(acr string) int {
	switch acr {
	case LevelSubstantial:
		return 1
	case LevelHigh:
		return 2
	}
	return 0
}

// ProviderConfig names an OpenID Connect provider and Torg's client there.
type ProviderConfig struct {
	Issuer       string   // discovery is read from Issuer + "/.well-known/openid-configuration"
	ClientID     string   //
	ClientSecret string   // sent with client_secret_basic
	Scopes       []string // besides "openid"
}

// Config configures the identity service.
type Config struct {
	Citizen ProviderConfig // ID-porten, or the built-in test provider
	Staff   ProviderConfig // the staff provider (one per deployment for now)
	// Secure marks cookies Secure (the site is served over https).
	Secure bool
	// PublicScheme is "https" or "http", used to build redirect URIs from the
	// request's host.
	PublicScheme string
	// IdleTimeout ends a session that has not been used for this long.
	IdleTimeout time.Duration
	// MaxAge ends a session this long after sign-in, used or not.
	MaxAge time.Duration
	// SignInRate is how many sign-ins one client address may start per minute.
	SignInRate int
}

// Service signs people in and out, and knows their roles.
type Service struct {
	db      *db.DB
	audit   *audit.Log
	log     *slog.Logger
	cfg     Config
	citizen *provider
	staff   *provider // the deployment's staff provider
	limiter *web.Limiter

	staffByTenant staffProviders
}

// New returns a Service. It does not contact the providers: discovery
// happens at the first sign-in, so Torg starts even when a provider is
// down.
func New(d *db.DB, log *audit.Log, logger *slog.Logger, cfg Config) *Service {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 12 * time.Hour
	}
	if cfg.SignInRate <= 0 {
		cfg.SignInRate = 20
	}
	if cfg.PublicScheme == "" {
		cfg.PublicScheme = "http"
		if cfg.Secure {
			cfg.PublicScheme = "https"
		}
	}
	return &Service{
		db: d, audit: log, log: logger, cfg: cfg,
		citizen: newProvider("citizen", cfg.Citizen, logger),
		staff:   newProvider("staff", cfg.Staff, logger),
		limiter: web.NewLimiter(cfg.SignInRate, time.Minute),

		staffByTenant: staffProviders{byT: map[string]*provider{}},
	}
}

// Principal returns the principal string of a person identified by a
// fødselsnummer ("pid:...") or an e-mail address ("email:...").
// Errors: Invalid when it is neither.
func Principal(who string) (string, error) {
	who = strings.TrimSpace(who)
	if strings.Contains(who, "@") {
		a, err := mail.ParseAddress(who)
		if err != nil || a.Address != who {
			return "", errs.E(errs.Invalid, errs.Key("identity.error.email"), err)
		}
		return "email:" + strings.ToLower(who), nil
	}
	n, err := nin.Parse(who)
	if err != nil {
		// Say which part of the number is wrong.
		key := "identity.error.pid"
		var ne *nin.Error
		if errors.As(err, &ne) {
			key = ne.Key()
		}
		return "", errs.E(errs.Invalid, errs.Key(key), err)
	}
	return "pid:" + n.String(), nil
}

// Grant gives principal role in tenant. Granting a role held already is not
// an error. Errors: Invalid for an unknown role.
func (s *Service) Grant(ctx context.Context, tenant, principal, role string, actor audit.Entry) error {
	const op = errs.Op("identity.Grant")
	if !slices.Contains(GrantableRoles, role) {
		return errs.E(op, errs.Invalid, errs.Key("identity.error.role"), []any{strings.Join(GrantableRoles, ", ")})
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO identity_roles (tenant_id, principal, role, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (tenant_id, principal, role) DO NOTHING`,
			tenant, principal, role, s.db.Now(), actor.ActorID)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, "role.grant", principal, role
		actor.Subject = pidOf(principal)
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
}

// Revoke takes role from principal in tenant. Errors: NotFound when the role
// was not held.
func (s *Service) Revoke(ctx context.Context, tenant, principal, role string, actor audit.Entry) error {
	const op = errs.Op("identity.Revoke")
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM identity_roles WHERE tenant_id = $1 AND principal = $2 AND role = $3`, tenant, principal, role)
		if err != nil {
			return errs.E(op, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(op, errs.NotFound, errs.Key("identity.error.not_granted"))
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, "role.revoke", principal, role
		actor.Subject = pidOf(principal)
		if _, err = s.audit.Append(ctx, tx, actor); err != nil {
			return err
		}
		// With no role left, forget which provider account the person used,
		// so a new account can be bound when roles are granted again.
		_, err = tx.ExecContext(ctx, `DELETE FROM identity_staff_subjects WHERE tenant_id = $1 AND principal = $2
			AND NOT EXISTS (SELECT 1 FROM identity_roles WHERE tenant_id = $1 AND principal = $2)`, tenant, principal)
		return err
	})
}

// Roles returns the roles granted to principal in tenant, sorted.
func (s *Service) Roles(ctx context.Context, tenant, principal string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT role FROM identity_roles WHERE tenant_id = $1 AND principal = $2 ORDER BY role`, tenant, principal)
	if err != nil {
		return nil, errs.E(errs.Op("identity.Roles"), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, errs.E(errs.Op("identity.Roles"), err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Grant is one role held by one principal.
type RoleGrant struct {
	Principal, Role, GrantedBy string
	GrantedAt                  time.Time
}

// Grants lists every role granted in tenant, by principal and role.
func (s *Service) Grants(ctx context.Context, tenant string) ([]RoleGrant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT principal, role, granted_by, granted_at FROM identity_roles WHERE tenant_id = $1 ORDER BY principal, role`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("identity.Grants"), err)
	}
	defer rows.Close()
	var out []RoleGrant
	for rows.Next() {
		var g RoleGrant
		if err := rows.Scan(&g.Principal, &g.Role, &g.GrantedBy, &g.GrantedAt); err != nil {
			return nil, errs.E(errs.Op("identity.Grants"), err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func pidOf(principal string) string {
	p, _ := strings.CutPrefix(principal, "pid:")
	if p == principal {
		return ""
	}
	return p
}

// FormActions returns the origins that sign-out redirects lead to, for the
// Content-Security-Policy's form-action.
func (s *Service) FormActions() []string {
	var out []string
	for _, p := range []ProviderConfig{s.cfg.Citizen, s.cfg.Staff} {
		if o := origin(p.Issuer); o != "" && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

func origin(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	return fmt.Sprintf("%s://%s", scheme, host)
}

// bindStaffSubject records the account (subject) of a staff principal's
// first sign-in through a provider (issuer), and reports whether this
// sign-in comes from that same account.
func (s *Service) bindStaffSubject(ctx context.Context, tenant, principal, issuer, subject string) (bool, error) {
	var gotIss, gotSub string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO identity_staff_subjects (tenant_id, principal, issuer, subject, first_seen) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (tenant_id, principal, issuer) DO NOTHING`, tenant, principal, issuer, subject, s.db.Now()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT issuer, subject FROM identity_staff_subjects WHERE tenant_id = $1 AND principal = $2 AND issuer = $3`,
			tenant, principal, issuer).Scan(&gotIss, &gotSub)
	})
	if err != nil {
		return false, errs.E(errs.Op("identity.bindStaffSubject"), err)
	}
	return gotIss == issuer && gotSub == subject, nil
}
