// Package tenant keeps the municipalities a deployment serves and routes
// every request to one of them: by host name first, then by the path prefix
// /k/{kommunenummer}/. It owns the tables tenants and tenant_hosts.
package tenant

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/kommunenr"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Schema is the tenant module's migrations.
var Schema = db.EmbeddedSchema("tenant", migrationFS, "migrations")

// Tenant is a municipality (kommune) or county municipality
// (fylkeskommune) served by this deployment.
type Tenant struct {
	ID        string   // kommunenummer, e.g. "4601"; the tenant_id of every row it owns
	NameNB    string   // name in bokmål
	NameNN    string   // name in nynorsk (same as NameNB when it does not differ)
	Colour    string   // header colour, "#rrggbb", at least 4.5:1 against white text
	Hosts     []string // host names that route straight to it
	LogoType  string   // "image/svg+xml" or "image/png"; empty when no logo
	CreatedAt time.Time
}

// DefaultColour is the header colour of a municipality that has not chosen
// one.
const DefaultColour = "#1d3f72"

// Service stores and finds tenants. It caches the routing table for a few
// seconds, so a change made on one node is seen by the others shortly after.
type Service struct {
	db    *db.DB
	audit *audit.Log

	mu       sync.Mutex
	cache    *routing
	cacheTTL time.Duration
}

type routing struct {
	at     time.Time
	byID   map[string]*Tenant
	byHost map[string]*Tenant
	list   []*Tenant
}

// New returns a Service on d that records changes in log.
func New(d *db.DB, log *audit.Log) *Service {
	return &Service{db: d, audit: log, cacheTTL: 5 * time.Second}
}

var (
	colourRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	hostRE   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// Validate checks a tenant before it is stored. It returns an errs.Invalid
// error with a key per wrong field.
func (t *Tenant) Validate() error {
	fields := map[string]string{}
	if err := kommunenr.Validate(t.ID); err != nil {
		fields["number"] = "tenant.error.number"
	}
	if strings.TrimSpace(t.NameNB) == "" || len(t.NameNB) > 200 {
		fields["name"] = "tenant.error.name"
	}
	if len(t.NameNN) > 200 {
		fields["name_nn"] = "tenant.error.name"
	}
	if !colourRE.MatchString(t.Colour) {
		fields["colour"] = "tenant.error.colour"
	} else if ContrastWithWhite(t.Colour) < 4.5 {
		fields["colour"] = "tenant.error.contrast"
	}
	for _, h := range t.Hosts {
		if len(h) > 253 || !hostRE.MatchString(h) {
			fields["hosts"] = "tenant.error.host"
		}
	}
	if len(fields) > 0 {
		return errs.E(errs.Op("tenant.Validate"), errs.Invalid, errs.Key("tenant.error.invalid"), fields)
	}
	return nil
}

// ContrastWithWhite returns the WCAG 2.1 contrast ratio between the colour
// "#rrggbb" and white, from 1 to 21.
func ContrastWithWhite(hex string) float64 {
	lum := func(s string) float64 {
		v, _ := strconv.ParseUint(s, 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	l := 0.2126*lum(hex[1:3]) + 0.7152*lum(hex[3:5]) + 0.0722*lum(hex[5:7])
	return 1.05 / (l + 0.05)
}

// Add stores a new tenant with its hosts and records it in the audit log.
// Errors: Invalid (see Validate), Conflict when the number or a host is
// taken.
func (s *Service) Add(ctx context.Context, t Tenant, actor audit.Entry) (Tenant, error) {
	const op = errs.Op("tenant.Add")
	if t.NameNN == "" {
		t.NameNN = t.NameNB
	}
	if t.Colour == "" {
		t.Colour = DefaultColour
	}
	for i, h := range t.Hosts {
		t.Hosts[i] = strings.ToLower(strings.TrimSpace(h))
	}
	if err := t.Validate(); err != nil {
		return Tenant{}, err
	}
	t.CreatedAt = s.db.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO tenants (tenant_id, name_nb, name_nn, colour, created_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, t.NameNB, t.NameNN, t.Colour, t.CreatedAt)
		if db.IsUniqueViolation(err) {
			return errs.E(op, errs.Conflict, errs.Key("tenant.error.exists"), err)
		}
		if err != nil {
			return err
		}
		if err := insertHosts(ctx, tx, t.ID, t.Hosts); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = t.ID, "tenant.add", "tenant:"+t.ID
		actor.Detail = fmt.Sprintf("%s, hosts %v", t.NameNB, t.Hosts)
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Tenant{}, errs.E(op, err)
	}
	s.invalidate()
	return t, nil
}

func insertHosts(ctx context.Context, tx *sql.Tx, id string, hosts []string) error {
	for _, h := range hosts {
		_, err := tx.ExecContext(ctx, `INSERT INTO tenant_hosts (tenant_id, host) VALUES ($1, $2)`, id, h)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, errs.Key("tenant.error.host_taken"), []any{h}, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// SetLogo stores the tenant's logo (SVG or PNG, at most 256 KiB).
// Errors: NotFound, Invalid.
func (s *Service) SetLogo(ctx context.Context, id string, body []byte, actor audit.Entry) error {
	const op = errs.Op("tenant.SetLogo")
	ctype := ""
	switch {
	case len(body) > 256<<10:
		return errs.E(op, errs.Invalid, errs.Key("tenant.error.logo_size"))
	case len(body) > 8 && string(body[:8]) == "\x89PNG\r\n\x1a\n":
		ctype = "image/png"
	case strings.Contains(string(body[:min(len(body), 1024)]), "<svg"):
		ctype = "image/svg+xml"
	default:
		return errs.E(op, errs.Invalid, errs.Key("tenant.error.logo_type"))
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tenants SET logo = $1, logo_type = $2 WHERE tenant_id = $3`, body, ctype, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, errs.Key("tenant.error.unknown"))
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = id, "tenant.logo", "tenant:"+id, ctype
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return errs.E(op, err)
	}
	s.invalidate()
	return nil
}

// Logo returns the tenant's logo and its content type. Errors: NotFound.
func (s *Service) Logo(ctx context.Context, id string) ([]byte, string, error) {
	var body []byte
	var ctype string
	err := s.db.QueryRowContext(ctx, `SELECT logo, logo_type FROM tenants WHERE tenant_id = $1`, id).Scan(&body, &ctype)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(body) == 0) {
		return nil, "", errs.E(errs.Op("tenant.Logo"), errs.NotFound)
	}
	if err != nil {
		return nil, "", errs.E(errs.Op("tenant.Logo"), err)
	}
	return body, ctype, nil
}

// Get returns the tenant with kommunenummer id. Errors: NotFound.
func (s *Service) Get(ctx context.Context, id string) (Tenant, error) {
	r, err := s.routing(ctx)
	if err != nil {
		return Tenant{}, err
	}
	t, ok := r.byID[id]
	if !ok {
		return Tenant{}, errs.E(errs.Op("tenant.Get"), errs.NotFound, errs.Key("tenant.error.unknown"))
	}
	return *t, nil
}

// ByHost returns the tenant that owns host (without port). Errors: NotFound.
func (s *Service) ByHost(ctx context.Context, host string) (Tenant, error) {
	r, err := s.routing(ctx)
	if err != nil {
		return Tenant{}, err
	}
	t, ok := r.byHost[strings.ToLower(host)]
	if !ok {
		return Tenant{}, errs.E(errs.Op("tenant.ByHost"), errs.NotFound, errs.Key("tenant.error.unknown"))
	}
	return *t, nil
}

// List returns every tenant, ordered by number.
func (s *Service) List(ctx context.Context) ([]Tenant, error) {
	r, err := s.routing(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Tenant, 0, len(r.list))
	for _, t := range r.list {
		out = append(out, *t)
	}
	return out, nil
}

func (s *Service) invalidate() {
	s.mu.Lock()
	s.cache = nil
	s.mu.Unlock()
}

// routing returns the cached routing table, loading it when it is older
// than the cache TTL.
func (s *Service) routing(ctx context.Context) (*routing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.cache != nil && now.Sub(s.cache.at) < s.cacheTTL {
		return s.cache, nil
	}
	r := &routing{at: now, byID: map[string]*Tenant{}, byHost: map[string]*Tenant{}}
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, name_nb, name_nn, colour, logo_type, created_at FROM tenants ORDER BY tenant_id`)
	if err != nil {
		return nil, errs.E(errs.Op("tenant.load"), err)
	}
	defer rows.Close()
	for rows.Next() {
		t := &Tenant{}
		if err := rows.Scan(&t.ID, &t.NameNB, &t.NameNN, &t.Colour, &t.LogoType, &t.CreatedAt); err != nil {
			return nil, errs.E(errs.Op("tenant.load"), err)
		}
		r.byID[t.ID] = t
		r.list = append(r.list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(errs.Op("tenant.load"), err)
	}
	hrows, err := s.db.QueryContext(ctx, `SELECT tenant_id, host FROM tenant_hosts ORDER BY host`)
	if err != nil {
		return nil, errs.E(errs.Op("tenant.load"), err)
	}
	defer hrows.Close()
	for hrows.Next() {
		var id, host string
		if err := hrows.Scan(&id, &host); err != nil {
			return nil, errs.E(errs.Op("tenant.load"), err)
		}
		if t := r.byID[id]; t != nil {
			t.Hosts = append(t.Hosts, host)
			r.byHost[host] = t
		}
	}
	if err := hrows.Err(); err != nil {
		return nil, errs.E(errs.Op("tenant.load"), err)
	}
	s.cache = r
	return r, nil
}
