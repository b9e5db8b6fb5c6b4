package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// randomToken returns 256 random bits, base64url without padding (43
// characters): a client secret or an access token.
func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenHash is the key an access token is stored under.
func tokenHash(token string) string { return hex.EncodeToString(hashSecret(token)) }

// Token is an access token as the token endpoint gives it out.
type Token struct {
	Value     string // the bearer token; only its SHA-256 is kept
	ClientID  string
	Scopes    []string
	ExpiresAt time.Time
}

// IssueToken authenticates tenant's client clientID with its secret and
// gives it an access token for the requested scopes, all of the client's
// scopes when none are requested. Errors: Unauthenticated
// ("api.error.client": no such client in tenant, a wrong secret or a
// revoked client), Invalid ("api.error.scope_grant": a scope the client
// does not have).
func (s *Service) IssueToken(ctx context.Context, tenant, clientID, secret string, scopes []string) (Token, error) {
	const op = errs.Op("api.IssueToken")
	c, hash, err := s.clientSecret(ctx, tenant, clientID)
	found := err == nil
	if err != nil && !errs.Is(errs.NotFound, err) {
		return Token{}, errs.E(op, err)
	}
	if !found {
		// Compare anyway, so that an unknown client_id takes as long to
		// refuse as a wrong secret.
		hash = make([]byte, 32)
	}
	match := subtle.ConstantTimeCompare(hash, hashSecret(secret)) == 1
	if !found || !match || !c.Active() {
		return Token{}, errs.E(op, errs.Unauthenticated, errs.Key("api.error.client"),
			fmt.Errorf("client %q: found %v, secret matches %v, active %v", clientID, found, match, c.Active()))
	}
	granted := c.Scopes
	if len(scopes) > 0 {
		granted = nil
		for _, sc := range scopes {
			if !slices.Contains(c.Scopes, sc) {
				return Token{}, errs.E(op, errs.Invalid, errs.Key("api.error.scope_grant"), []any{sc})
			}
			if !slices.Contains(granted, sc) {
				granted = append(granted, sc)
			}
		}
	}
	now := s.db.Now()
	t := Token{Value: randomToken(), ClientID: c.ID, Scopes: granted, ExpiresAt: now.Add(s.TokenLifetime)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO api_tokens (tenant_id, token_hash, client_id, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			tenant, tokenHash(t.Value), c.ID, strings.Join(granted, " "), now, t.ExpiresAt)
		return err
	})
	if err != nil {
		return Token{}, errs.E(op, err)
	}
	return t, nil
}

// clientSecret returns a client with its secret hash. Errors: NotFound.
func (s *Service) clientSecret(ctx context.Context, tenant, id string) (Client, []byte, error) {
	var hash []byte
	var scopes string
	var revoked sql.NullTime
	c := Client{Tenant: tenant}
	err := s.db.QueryRowContext(ctx, `SELECT id, name, scopes, secret_hash, revoked_at FROM api_clients WHERE tenant_id = $1 AND id = $2`, tenant, id).
		Scan(&c.ID, &c.Name, &scopes, &hash, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return Client{}, nil, errs.E(errs.NotFound)
	}
	if err != nil {
		return Client{}, nil, err
	}
	c.Scopes = strings.Fields(scopes)
	if revoked.Valid {
		c.RevokedAt = revoked.Time.UTC()
	}
	return c, hash, nil
}

// Grant is what a valid access token allows: which client holds it, in
// which municipality, with which scopes, until when.
type Grant struct {
	Tenant     string
	ClientID   string
	ClientName string
	Scopes     []string
	ExpiresAt  time.Time
}

// Has reports whether the grant includes scope.
func (g Grant) Has(scope string) bool { return slices.Contains(g.Scopes, scope) }

// Authenticate returns the grant of an access token presented to tenant.
// Errors: Unauthenticated ("api.error.invalid_token") for a token that is
// unknown, expired, of another municipality, or whose client is revoked.
func (s *Service) Authenticate(ctx context.Context, tenant, token string) (Grant, error) {
	const op = errs.Op("api.Authenticate")
	g := Grant{Tenant: tenant}
	var scopes string
	err := s.db.QueryRowContext(ctx, `
		SELECT t.client_id, c.name, t.scopes, t.expires_at
		FROM api_tokens t JOIN api_clients c ON c.tenant_id = t.tenant_id AND c.id = t.client_id
		WHERE t.tenant_id = $1 AND t.token_hash = $2 AND t.expires_at > $3 AND c.revoked_at IS NULL`,
		tenant, tokenHash(token), s.db.Now()).Scan(&g.ClientID, &g.ClientName, &scopes, &g.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Grant{}, errs.E(op, errs.Unauthenticated, errs.Key("api.error.invalid_token"))
	}
	if err != nil {
		return Grant{}, errs.E(op, err)
	}
	g.Scopes = strings.Fields(scopes)
	g.ExpiresAt = g.ExpiresAt.UTC()
	return g, nil
}

// DeleteExpiredTokens removes the expired access tokens of every
// municipality and returns how many; the server's housekeeping loop calls
// it.
func (s *Service) DeleteExpiredTokens(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE expires_at <= $1`, s.db.Now())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, errs.E(errs.Op("api.DeleteExpiredTokens"), err)
	}
	return n, nil
}

// ReadPurpose is the purpose the audit log gives for a read through the
// API, as the citizen sees it on Min side.
const ReadPurpose = "Overføring av innsendt skjema til kommunens fagsystem"

// Read is one read of personal data through the API, for RecordReads.
type Read struct {
	Action  string // "submission.read" when empty; "submission.attachment.read" for a file
	Object  string // e.g. "submission:<id>"
	Subject string // the fødselsnummer of the person it concerns; may be empty
	Detail  string // e.g. "2026/00012 (barnehageplass)"
}

// RecordReads appends one audit entry per read, in one transaction, with
// the grant's client as the actor (ActorID "api:<client_id>", role
// "system") and ReadPurpose. Min side shows every "*.read" entry about a
// person as a read of their data. A read is served only after its entry
// is written.
func (s *Service) RecordReads(ctx context.Context, g Grant, requestID string, reads []Read) error {
	if len(reads) == 0 {
		return nil
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, rd := range reads {
			if rd.Action == "" {
				rd.Action = "submission.read"
			}
			if _, err := s.audit.Append(ctx, tx, audit.Entry{
				Tenant: g.Tenant, ActorID: "api:" + g.ClientID, ActorName: g.ClientName, Role: "system",
				Action: rd.Action, Object: rd.Object, Subject: rd.Subject, Purpose: ReadPurpose,
				RequestID: requestID, Detail: rd.Detail,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return errs.E(errs.Op("api.RecordReads"), err)
	}
	return nil
}
