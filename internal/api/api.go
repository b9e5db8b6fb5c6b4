// Package api is the JSON API for a municipality's own domain systems
// (sak/arkiv, fagsystemer): they read the submissions made to the
// municipality, with their answers and attachments, and learn of new ones
// from the outbox's webhooks (package outbox). The API is described by an
// OpenAPI 3.1 document, served at /api/openapi.json.
//
// # Clients and tokens
//
// An operator adds a client for a system (`torg apiclient add`): it
// belongs to one municipality, has a name, a random client_id, a secret
// shown once (only its SHA-256 is kept) and scopes (KnownScopes). The
// system gets an access token from the municipality's token endpoint,
// POST /api/token, with the OAuth 2.0 client credentials grant (RFC 6749
// §4.4), and sends it as a bearer token (RFC 6750). A token lasts
// TokenLifetime, is good in its own municipality only and stops working
// when its client is revoked; only its SHA-256 is kept.
//
// # Who sees what
//
// The API gives the municipality's own systems everything a submission
// holds, the submitter's whole fødselsnummer included: they are the
// systems that handle the case. Every submission read through it is in
// the audit log, with the client as the actor and the submitter as the
// subject, so the citizen sees on Min side which system read it and why.
//
// It owns the tables api_clients and api_tokens.
package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Schema is the api module's migrations.
var Schema = db.EmbeddedSchema("api", migrationFS, "migrations")

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// ScopeSubmissionsRead lets a client list and read the municipality's
// submissions and their attachments.
const ScopeSubmissionsRead = "submissions:read"

// KnownScopes returns every scope a client can be given.
func KnownScopes() []string { return []string{ScopeSubmissionsRead, ScopeCasesRead} }

// TokenLifetime is how long an access token lasts.
const TokenLifetime = time.Hour

// MaxNameLength is the longest client name, in characters.
const MaxNameLength = 100

// Service keeps API clients and their access tokens.
type Service struct {
	db    *db.DB
	audit *audit.Log
	// TokenLifetime is how long the tokens it gives out last.
	TokenLifetime time.Duration
}

// New returns a Service on d, which must be migrated with Schema.
func New(d *db.DB, log *audit.Log) *Service {
	return &Service{db: d, audit: log, TokenLifetime: TokenLifetime}
}

// Client is a municipality's domain system allowed to use the API.
type Client struct {
	Tenant    string
	ID        string // the OAuth client_id: random, 32 hex digits
	Name      string // e.g. "Sak/arkiv"
	Scopes    []string
	CreatedAt time.Time
	CreatedBy string    // the actor id of who added it
	RevokedAt time.Time // zero while the client is active
}

// Active reports whether the client has not been revoked.
func (c Client) Active() bool { return c.RevokedAt.IsZero() }

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// hashSecret returns the SHA-256 of a secret or token.
func hashSecret(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// NormalizeScopes checks scopes against KnownScopes and returns them
// without repeats, in the order given. A value may hold several scopes
// separated by spaces or commas. Errors: Invalid (no scope, or one that
// is not known).
func NormalizeScopes(scopes []string) ([]string, error) {
	var out []string
	for _, v := range scopes {
		for _, sc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			if !slices.Contains(KnownScopes(), sc) {
				return nil, errs.E(errs.Invalid, errs.Key("api.error.scope"), []any{strings.Join(KnownScopes(), ", ")},
					map[string]string{"scope": "api.error.scope_field"}, fmt.Errorf("unknown scope %q", sc))
			}
			if !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	if len(out) == 0 {
		return nil, errs.E(errs.Invalid, errs.Key("api.error.scope"), []any{strings.Join(KnownScopes(), ", ")},
			map[string]string{"scope": "api.error.scope_field"}, errors.New("no scope"))
	}
	return out, nil
}

// checkName trims a client name and checks it.
func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameLength || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", errs.E(errs.Invalid, errs.Key("api.error.name"), []any{MaxNameLength}, map[string]string{"name": "api.error.name_field"})
	}
	return name, nil
}

// AddClient adds a client named name with the given scopes to tenant and
// returns it with its secret, which is not kept and cannot be shown
// again. The caller checks that tenant exists. Errors: Invalid (a name
// that is empty, too long or holds control characters; no scope or an
// unknown one).
func (s *Service) AddClient(ctx context.Context, tenant, name string, scopes []string, actor audit.Entry) (Client, string, error) {
	const op = errs.Op("api.AddClient")
	name, err := checkName(name)
	if err != nil {
		return Client{}, "", errs.E(op, err)
	}
	scopes, err = NormalizeScopes(scopes)
	if err != nil {
		return Client{}, "", errs.E(op, err)
	}
	secret := randomToken()
	c := Client{Tenant: tenant, ID: randomHex(16), Name: name, Scopes: scopes, CreatedAt: s.db.Now(), CreatedBy: actor.ActorID}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO api_clients (tenant_id, id, name, secret_hash, scopes, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.Tenant, c.ID, c.Name, hashSecret(secret), strings.Join(c.Scopes, " "), c.CreatedAt, c.CreatedBy); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "apiclient.add", "apiclient:"+c.ID
		actor.Detail = c.Name + " (" + strings.Join(c.Scopes, " ") + ")"
		_, err := s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Client{}, "", errs.E(op, err)
	}
	return c, secret, nil
}

const clientCols = `id, name, scopes, created_at, created_by, revoked_at`

func scanClient(row interface{ Scan(...any) error }, tenant string) (Client, error) {
	c := Client{Tenant: tenant}
	var scopes string
	var revoked sql.NullTime
	if err := row.Scan(&c.ID, &c.Name, &scopes, &c.CreatedAt, &c.CreatedBy, &revoked); err != nil {
		return Client{}, err
	}
	c.Scopes = strings.Fields(scopes)
	if revoked.Valid {
		c.RevokedAt = revoked.Time.UTC()
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

// Clients lists tenant's clients, revoked ones too, oldest first.
func (s *Service) Clients(ctx context.Context, tenant string) ([]Client, error) {
	const op = errs.Op("api.Clients")
	rows, err := s.db.QueryContext(ctx, `SELECT `+clientCols+` FROM api_clients WHERE tenant_id = $1 ORDER BY created_at, id`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	out := []Client{}
	for rows.Next() {
		c, err := scanClient(rows, tenant)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// Client returns tenant's client id. Errors: NotFound.
func (s *Service) Client(ctx context.Context, tenant, id string) (Client, error) {
	c, err := scanClient(s.db.QueryRowContext(ctx, `SELECT `+clientCols+` FROM api_clients WHERE tenant_id = $1 AND id = $2`, tenant, id), tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return Client{}, errs.E(errs.Op("api.Client"), errs.NotFound, errs.Key("api.error.no_client"), []any{id})
	}
	if err != nil {
		return Client{}, errs.E(errs.Op("api.Client"), err)
	}
	return c, nil
}

// RevokeClient revokes tenant's client id: its secret and every token it
// holds stop working at once. The client stays in the list, revoked.
// Errors: NotFound (no such client), Conflict (revoked already).
func (s *Service) RevokeClient(ctx context.Context, tenant, id string, actor audit.Entry) error {
	const op = errs.Op("api.RevokeClient")
	now := s.db.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_clients SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 AND revoked_at IS NULL`, now, tenant, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var revoked sql.NullTime
			err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM api_clients WHERE tenant_id = $1 AND id = $2`, tenant, id).Scan(&revoked)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(errs.NotFound, errs.Key("api.error.no_client"), []any{id})
			}
			if err != nil {
				return err
			}
			return errs.E(errs.Conflict, errs.Key("api.error.revoked"), []any{id})
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE tenant_id = $1 AND client_id = $2`, tenant, id); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "apiclient.revoke", "apiclient:"+id
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}
