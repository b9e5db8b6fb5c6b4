package identity

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"sync"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// staffProviders caches the providers of municipalities that have their
// own, keyed by tenant, so discovery happens once per provider.
type staffProviders struct {
	mu  sync.Mutex
	byT map[string]*provider
}

// SetStaffProvider makes tenant's staff sign in through its own OpenID
// Connect provider. The issuer must be https (http only on localhost, for
// tests). The client secret is stored in the database; it is never logged
// or written to the audit log. Errors: Invalid.
func (s *Service) SetStaffProvider(ctx context.Context, tenant string, pc ProviderConfig, actor audit.Entry) error {
	const op = errs.Op("identity.SetStaffProvider")
	u, err := url.Parse(pc.Issuer)
	fields := map[string]string{}
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		fields["issuer"] = "identity.error.issuer"
	}
	if strings.TrimSpace(pc.ClientID) == "" {
		fields["client_id"] = "identity.error.client_id"
	}
	if len(fields) > 0 {
		return errs.E(op, errs.Invalid, errs.Key("identity.error.provider"), fields)
	}
	pc.Issuer = strings.TrimSuffix(pc.Issuer, "/")
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO identity_staff_providers (tenant_id, issuer, client_id, client_secret, updated_at) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (tenant_id) DO UPDATE SET issuer = $2, client_id = $3, client_secret = $4, updated_at = $5`,
			tenant, pc.Issuer, pc.ClientID, pc.ClientSecret, s.db.Now())
		if err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, "identity.staff_provider", "tenant:"+tenant, pc.Issuer+" client "+pc.ClientID
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return errs.E(op, err)
	}
	s.staffByTenant.mu.Lock()
	delete(s.staffByTenant.byT, tenant)
	s.staffByTenant.mu.Unlock()
	return nil
}

// staffFor returns the staff provider of tenant: its own when it has one,
// else the deployment's.
func (s *Service) staffFor(ctx context.Context, tenant string) (*provider, error) {
	s.staffByTenant.mu.Lock()
	p, ok := s.staffByTenant.byT[tenant]
	s.staffByTenant.mu.Unlock()
	if ok {
		return p, nil
	}
	var pc ProviderConfig
	err := s.db.QueryRowContext(ctx, `SELECT issuer, client_id, client_secret FROM identity_staff_providers WHERE tenant_id = $1`, tenant).
		Scan(&pc.Issuer, &pc.ClientID, &pc.ClientSecret)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p = s.staff
	case err != nil:
		return nil, errs.E(errs.Op("identity.staffFor"), err)
	default:
		pc.Scopes = []string{"profile", "email"}
		p = newProvider("staff", pc, s.log)
	}
	s.staffByTenant.mu.Lock()
	s.staffByTenant.byT[tenant] = p
	s.staffByTenant.mu.Unlock()
	return p, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
