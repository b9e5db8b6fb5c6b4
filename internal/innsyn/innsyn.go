// Package innsyn handles access requests (innsynskrav) under the Freedom
// of Information Act (offentleglova, offl.). Anyone may tick entries in the
// municipality's public journal and ask to see them, signed in or with only
// an e-mail address (Service.Submit). Each entry goes to the queue of the
// unit that answers for it, the administrativ enhet of its case, with a
// deadline of Config.DeadlineDays working days (weekends and Norwegian
// public holidays skipped, see AddWorkingDays). The unit's archivists
// decide entry by entry (Service.Decide): granted in full, the documents
// then being handed out through the requester's status link; partly
// granted with a redacted copy uploaded; or refused with the legal basis
// and the right to complain (offl. §§ 31 and 32). The requester follows
// the request on a page reachable only through the secret link in the
// receipt; only a hash of its token is stored. Service.Remind e-mails the
// unit once when a request is within one working day of its deadline and
// once when it is overdue. Service.Stats gives per unit the number of
// entries asked for, the median answer time and the share answered within
// the deadline. It owns the tables innsyn_*.
//
// # Screening
//
// A screened entry (Skjerming on the entry, its case or one of its
// documents) is never handed out by a "granted" decision: Decide refuses
// it, says why (grant partly with a redacted copy, or refuse with the legal
// basis) and records the attempt in the audit log. A download of a granted
// entry's document checks the screening again, so an entry screened after
// the decision is not handed out either.
//
// Everything the module knows of the archive it reads through
// archive.Service; every change appends an audit entry in its own
// transaction.
package innsyn

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/notify"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the innsyn module's migrations.
var Schema = db.EmbeddedSchema("innsyn", migrationFS, "migrations")

// Messages returns the module's message files (keys "innsyn.*").
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Decisions on an entry.
const (
	Granted = "granted" // innsyn i heile dokumentet
	Partly  = "partly"  // delvis innsyn: a redacted copy
	Refused = "refused" // avslag, with the legal basis
)

// Decisions lists the decisions in the order forms show them.
func Decisions() []string { return []string{Granted, Partly, Refused} }

// Defaults of Config.
const (
	DefaultDeadlineDays = 3
	DefaultMaxPerDay    = 10
	DefaultMaxEntries   = 50
	DefaultMaxRedacted  = 20 << 20
)

// Limits of texts, in characters.
const (
	MaxBasis = 300
	MaxText  = 2000
)

// Config holds the module's settings; zero values mean the defaults.
type Config struct {
	// DeadlineDays is how many working days a unit has to answer.
	DeadlineDays int
	// MaxPerDay is how many requests one requester (e-mail address or
	// signed-in person) may make in 24 hours.
	MaxPerDay int
	// MaxEntries is how many entries one request may hold.
	MaxEntries int
	// MaxRedacted is the largest redacted copy accepted, in bytes. Keep it
	// below the server's largest request body.
	MaxRedacted int64
	// UnitEmail maps a unit (administrativ enhet, as the archive writes it)
	// to the address its reminders go to. A unit without one has its
	// reminders sent to the municipality's archivists.
	UnitEmail map[string]string
	// PublicURL is the deployment's public URL (e.g.
	// "https://torg.example.no"), for links in reminders. TenantURL, when
	// set, is used instead: it returns a municipality's page address
	// ending in "/".
	PublicURL string
	TenantURL func(tenant string) string
}

// Staff tells who holds which role in a municipality; *identity.Service
// is one.
type Staff interface {
	Grants(ctx context.Context, tenant string) ([]identity.RoleGrant, error)
}

// Deps are the services the module uses.
type Deps struct {
	Archive *archive.Service
	Mail    *notify.Queue
	Blobs   blob.Store
	// Staff finds the archivists reminders go to; nil: only
	// Config.UnitEmail.
	Staff Staff
}

// Service keeps the access requests of every municipality. It is safe for
// concurrent use.
type Service struct {
	db    *db.DB
	audit *audit.Log
	arch  *archive.Service
	mail  *notify.Queue
	blobs blob.Store
	staff Staff
	cfg   Config
	cat   *i18n.Catalog // the module's own messages, for e-mails
}

// New returns a Service on d (migrated with Schema) that records its acts
// in log.
func New(d *db.DB, log *audit.Log, deps Deps, cfg Config) *Service {
	if cfg.DeadlineDays <= 0 {
		cfg.DeadlineDays = DefaultDeadlineDays
	}
	if cfg.MaxPerDay <= 0 {
		cfg.MaxPerDay = DefaultMaxPerDay
	}
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.MaxRedacted <= 0 {
		cfg.MaxRedacted = DefaultMaxRedacted
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	cat := i18n.NewCatalog()
	if err := cat.AddFS(Messages()); err != nil {
		panic("innsyn: " + err.Error()) // the embedded files are broken: a build mistake
	}
	return &Service{db: d, audit: log, arch: deps.Archive, mail: deps.Mail, blobs: deps.Blobs, staff: deps.Staff, cfg: cfg, cat: cat}
}

// Config returns the settings in effect.
func (s *Service) Config() Config { return s.cfg }

// Request is an access request with its entries.
type Request struct {
	Tenant    string
	ID        string
	Principal string // the signed-in requester; "" when not signed in
	Email     string // where answers go; "" when signed in without one
	Lang      string
	Created   time.Time
	Deadline  time.Time // a date (midnight UTC): the last day, in Norway
	Closed    time.Time // zero while an entry is undecided
	Lines     []Line
}

// Ref is the request's reference for people: "INN-" and the first eight
// characters of its id in capitals.
func (r Request) Ref() string { return "INN-" + strings.ToUpper(r.ID[:min(8, len(r.ID))]) }

// Overdue reports whether the request is open after its deadline at now.
func (r Request) Overdue(now time.Time) bool {
	return r.Closed.IsZero() && today(now).After(r.Deadline)
}

// Open counts the undecided entries.
func (r Request) Open() int {
	n := 0
	for _, l := range r.Lines {
		if l.Decision == "" {
			n++
		}
	}
	return n
}

// Units lists the units the entries belong to, in order of first entry.
func (r Request) Units() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range r.Lines {
		if !seen[l.Unit] {
			seen[l.Unit] = true
			out = append(out, l.Unit)
		}
	}
	return out
}

// Line is one entry of a request and its decision.
type Line struct {
	Nr             int
	EntryID        string // the journalpost's systemID
	RegistreringID string // "2026/12-3"
	PublicTitle    string
	Unit           string
	Decision       string // "" while open; Granted, Partly or Refused
	LegalBasis     string
	Complaint      string
	Note           string
	DecidedAt      time.Time
	DecidedBy      string
	Redacted       *File // the redacted copy of a Partly decision
}

// File is a file in the blob store.
type File struct {
	Blob string // SHA-256
	Name string
	Type string
	Size int64
}

// newID returns 16 random bytes in hex.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newToken returns a status link's secret: 32 random bytes, base64url.
func newToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashToken is what is stored of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// t returns the module's text for key in lang (bokmål when unknown).
func (s *Service) t(lang, key string, args ...any) string {
	l, ok := i18n.Parse(lang)
	if !ok {
		l = i18n.NB
	}
	return s.cat.T(l, key, args...)
}

// tenantURL is the address of a municipality's pages, ending in "/".
func (s *Service) tenantURL(tenant string) string {
	if s.cfg.TenantURL != nil {
		if u := s.cfg.TenantURL(tenant); u != "" {
			return strings.TrimSuffix(u, "/") + "/"
		}
	}
	return s.cfg.PublicURL + "/k/" + tenant + "/"
}

// queryer is the database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
