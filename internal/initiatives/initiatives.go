// Package initiatives is citizen initiatives ("innbyggjarinitiativ",
// kommuneloven § 12-1): a signed-in resident starts an initiative with a
// title and a text, other residents sign it through ID-porten, once per
// person, and when enough have signed it becomes a political case for the
// council. It owns the tables initiatives and initiatives_*.
//
// # The threshold
//
// The council must consider an initiative when at least 2 % of the
// residents stand behind it, but 300 signatures are always enough in a
// municipality and 500 in a county: the threshold is the lower of the two
// (Threshold). A tenant whose number has two digits is a county, one with
// four a municipality. Only residents count: Register says who is one.
//
// # Residents
//
// The sign-in gives a fødselsnummer, not an address, so residency is asked
// of a Register. The one in this package (the service's own) is a table of
// person keys imported from a Folkeregister extract, a CSV file of
// fødselsnummer (ImportResidents, ParseResidents); an import replaces the
// list. In production the Register would ask Folkeregisteret (the
// Skatteetaten "Folkeregisteret" API with the municipality's own
// permission) for the person's address municipality at the time of the
// signature; Config.Register takes such an implementation. Nobody is a
// resident until a register says so.
//
// # Person keys, signatures and the public commitment list
//
// A person key is HMAC-SHA256 of the fødselsnummer under a secret of the
// municipality (table initiatives_secrets). The register and the
// signatures hold only person keys. A signature is one row per
// (initiative, person key) with that pair as primary key, so a second
// signature by the same person is impossible, even when both arrive at
// once; the count is kept in the same transaction.
//
// Each signature also gets a public commitment: SHA-256 of the bytes
// salt ‖ initiative id ‖ person key, where the salt is 16 random bytes
// that are shown once, on the signer's receipt, and never stored. The list
// of commitments (sorted, without times) is published as JSON and CSV:
// anyone can count it, and a signer can find their own commitment in it
// and recompute it from the receipt, but without the salt nobody can tell
// whose a commitment is, not even with a list of fødselsnummer.
//
// # Who can see who signed
//
// The initiator and the public see the count, not the signers. The law's
// check of the list needs the persons, so their name and fødselsnummer are
// kept in a separate table (initiatives_signers) that is read only by
// ExportSigners: for the political secretariat, with a purpose, audited.
//
// # The political case
//
// When a signature meets the threshold, the initiative is handed to the
// Council once (Council.CreateCase), even when several signatures cross
// the threshold at the same time: the crossing is marked in the signing
// transaction, and a claim on the row decides who calls the council. The
// case reference is stored, and the initiative page shows a link to the
// case and its state, so the initiators can follow it.
package initiatives

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/nin"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the initiatives module's migrations.
var Schema = db.EmbeddedSchema("initiatives", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// The law's figures (kommuneloven § 12-1): the share of residents in per
// cent, and the number of signatures that is always enough in a
// municipality and in a county.
const (
	SharePercent    = 2
	MunicipalityCap = 300
	CountyCap       = 500
)

// The states of an initiative.
const (
	StateOpen      = "open"      // collecting signatures, threshold not met
	StateReached   = "reached"   // threshold met, the political case is being made
	StateSubmitted = "submitted" // a political case exists (CaseRef)
)

// Limits of an initiative's text, in characters.
const (
	MinTitle = 5
	MaxTitle = 150
	MinText  = 20
	MaxText  = 10000
)

// The names of the start form's fields.
const (
	FieldTitle = "tittel"
	FieldText  = "tekst"
)

// Register says who is a resident of a municipality (or county) and how
// many residents it has. The package's own implementation is a table
// imported from a Folkeregister extract (Service.Residents); production
// would call Folkeregisteret.
type Register interface {
	// Resident reports whether the person with fødselsnummer pid lives in
	// tenant.
	Resident(ctx context.Context, tenant, pid string) (bool, error)
	// Population is the number of residents of tenant; 0 when unknown.
	Population(ctx context.Context, tenant string) (int, error)
}

// CaseRequest is what the council gets when an initiative meets the
// threshold.
type CaseRequest struct {
	// InitiativeID identifies the initiative in tenant; CreateCase should
	// return the same case for the same id (it is called again only if the
	// first call's answer was lost).
	InitiativeID string
	Title, Text  string
	Initiator    string // the initiator's name
	Signatures   int    // the count when the threshold was met
	Threshold    int
	Path         string // the initiative's page inside the municipality, "initiativ/ID"
}

// The states of a political case, as Council.CaseStatus reports them.
const (
	CaseReceived  = "received"  // registered, not yet on an agenda
	CaseScheduled = "scheduled" // on a meeting's agenda
	CaseDecided   = "decided"   // the council has decided
)

// CaseStatus is where a political case stands.
type CaseStatus struct {
	State string    // CaseReceived, CaseScheduled or CaseDecided
	Path  string    // the case's public page inside the municipality, e.g. "politikk/mote/ID"; may be empty
	Date  time.Time // the meeting, or when it was decided; may be zero
}

// Council makes an initiative a political case for the council and tells
// how the case is doing. The politics module implements it.
type Council interface {
	// CreateCase registers the initiative as a case for the municipal
	// council (or county council) and returns the case's reference.
	CreateCase(ctx context.Context, tenant string, req CaseRequest) (ref string, err error)
	// CaseStatus returns the state of the case ref.
	CaseStatus(ctx context.Context, tenant, ref string) (CaseStatus, error)
}

// Config configures the Service.
type Config struct {
	// Register decides residency; nil: the service's own table.
	Register Register
	// Council receives initiatives that meet the threshold; nil: they wait
	// in StateReached until SubmitPending runs with one (SetCouncil).
	Council Council
	// Logger logs failed hand-overs to the council; nil: discarded.
	Logger *slog.Logger
	// ClaimTimeout is how long a hand-over to the council may take before
	// another node tries again; 10 minutes when zero.
	ClaimTimeout time.Duration
}

// Service keeps initiatives and their signatures for every municipality.
// It is safe for concurrent use.
type Service struct {
	db      *db.DB
	audit   *audit.Log
	reg     Register
	log     *slog.Logger
	claimTO time.Duration
	mu      sync.RWMutex
	council Council
	secrets sync.Map // tenant → []byte
}

// New returns a Service on d that records changes in log.
func New(d *db.DB, log *audit.Log, cfg Config) *Service {
	s := &Service{db: d, audit: log, council: cfg.Council, log: cfg.Logger, claimTO: cfg.ClaimTimeout}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.claimTO <= 0 {
		s.claimTO = 10 * time.Minute
	}
	s.reg = cfg.Register
	if s.reg == nil {
		s.reg = s.Residents()
	}
	return s
}

// SetCouncil sets the council initiatives are handed to.
func (s *Service) SetCouncil(c Council) {
	s.mu.Lock()
	s.council = c
	s.mu.Unlock()
}

func (s *Service) getCouncil() Council {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.council
}

// Register returns the register the service asks about residency.
func (s *Service) Register() Register { return s.reg }

// IsCounty reports whether tenant is a county (a two-digit number).
func IsCounty(tenant string) bool { return len(tenant) == 2 }

// Threshold returns the number of signatures an initiative needs in a
// municipality (or county) of population residents: 2 % of them, rounded
// up, but never more than 300 (500 in a county). With an unknown
// population (0) it is the fixed number.
func Threshold(population int, county bool) int {
	limit := MunicipalityCap
	if county {
		limit = CountyCap
	}
	if population <= 0 {
		return limit
	}
	share := (population*SharePercent + 99) / 100
	return max(1, min(share, limit))
}

// secret returns tenant's person-key secret, making it the first time.
func (s *Service) secret(ctx context.Context, tenant string) ([]byte, error) {
	if v, ok := s.secrets.Load(tenant); ok {
		return v.([]byte), nil
	}
	var key []byte
	err := s.db.QueryRowContext(ctx, `SELECT secret FROM initiatives_secrets WHERE tenant_id = $1`, tenant).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Another node may have made one meanwhile: the first one stays.
			_, err := tx.ExecContext(ctx, `INSERT INTO initiatives_secrets (tenant_id, secret, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (tenant_id) DO NOTHING`, tenant, fresh, s.db.Now())
			return err
		})
		if err == nil {
			err = s.db.QueryRowContext(ctx, `SELECT secret FROM initiatives_secrets WHERE tenant_id = $1`, tenant).Scan(&key)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, errors.New("initiatives secret of " + tenant + " is damaged")
	}
	s.secrets.Store(tenant, key)
	return key, nil
}

// personKey returns the person key of the fødselsnummer pid (already
// validated) in tenant: hex HMAC-SHA256 under the municipality's secret.
func (s *Service) personKey(ctx context.Context, tenant, pid string) (string, error) {
	key, err := s.secret(ctx, tenant)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("torg-initiatives-person-v1\x00" + pid))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// parsePID validates a fødselsnummer or D-number (not an H-number, which
// is no identity for signing) and returns its 11 digits.
func parsePID(pid string) (string, bool) {
	n, err := nin.Parse(pid)
	if err != nil || n.Kind() == nin.HNumber {
		return "", false
	}
	return n.String(), true
}

var idRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// ValidID reports whether id can be an initiative's id.
func ValidID(id string) bool { return idRE.MatchString(id) }

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Commitment returns the public commitment of a signature: hex SHA-256 of
// the bytes salt ‖ initiative id ‖ person key, where salt and person key
// are given in hex as on the receipt. It returns false when either is not
// hex.
func Commitment(saltHex, initiativeID, personKeyHex string) (string, bool) {
	salt, err1 := hex.DecodeString(saltHex)
	key, err2 := hex.DecodeString(personKeyHex)
	if err1 != nil || err2 != nil || len(salt) == 0 || len(key) == 0 {
		return "", false
	}
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(initiativeID))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)), true
}

// cleanLine drops control characters and invalid UTF-8 from a one-line
// text and trims it.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cleanText gives a text Unix line endings, drops control characters other
// than line feeds and tabs and invalid UTF-8, and trims it.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\r' {
			return '\n'
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Initiative is a citizen initiative as shown.
type Initiative struct {
	ID            string
	Title         string
	Text          string
	InitiatorName string
	CreatedAt     time.Time
	Signatures    int    // the count now
	State         string // StateOpen, StateReached or StateSubmitted
	// Threshold is the number of signatures needed: from the population
	// now while open, the one that was met afterwards.
	Threshold  int
	Population int // residents now; 0 when no register is known
	County     bool
	// ReachedAt and ReachedSignatures tell when the threshold was met and
	// the count then (zero while open).
	ReachedAt         time.Time
	ReachedSignatures int
	CaseRef           string // the political case, once made
	SubmittedAt       time.Time
	initiatorKey      string
}

// Reached reports whether the threshold has been met.
func (in Initiative) Reached() bool { return in.State != StateOpen }

// Missing is how many more signatures the threshold needs (0 when met).
func (in Initiative) Missing() int { return max(0, in.Threshold-in.Signatures) }

// Paragraphs splits the text at blank lines, for the page.
func (in Initiative) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(in.Text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Progress is the count towards the threshold, capped at it, for a
// progress bar.
func (in Initiative) Progress() int { return min(in.Signatures, in.Threshold) }

const initiativeColumns = `id, title, body, initiator_key, initiator_name, created_at, signatures, state, reached_at,
	reached_signatures, threshold, case_ref, submitted_at`

func scanInitiative(sc interface{ Scan(...any) error }) (Initiative, error) {
	var in Initiative
	var reached, submitted sql.NullTime
	var sigs, reachedSigs, threshold int64
	err := sc.Scan(&in.ID, &in.Title, &in.Text, &in.initiatorKey, &in.InitiatorName, &in.CreatedAt, &sigs, &in.State, &reached,
		&reachedSigs, &threshold, &in.CaseRef, &submitted)
	in.Signatures, in.ReachedSignatures, in.Threshold = int(sigs), int(reachedSigs), int(threshold)
	in.ReachedAt, in.SubmittedAt = reached.Time, submitted.Time
	in.CreatedAt = in.CreatedAt.UTC()
	return in, err
}

// fill sets the population and, while open, the threshold from the
// register.
func (s *Service) fill(ctx context.Context, tenant string, list []Initiative) error {
	pop, err := s.reg.Population(ctx, tenant)
	if err != nil {
		return err
	}
	county := IsCounty(tenant)
	for i := range list {
		list[i].Population, list[i].County = pop, county
		if list[i].State == StateOpen || list[i].Threshold == 0 {
			list[i].Threshold = Threshold(pop, county)
		}
	}
	return nil
}

// Get returns the initiative id of tenant. Errors: NotFound.
func (s *Service) Get(ctx context.Context, tenant, id string) (Initiative, error) {
	const op = errs.Op("initiatives.Get")
	if !ValidID(id) {
		return Initiative{}, errs.E(op, errs.NotFound, errs.Key("initiatives.error.not_found"))
	}
	in, err := scanInitiative(s.db.QueryRowContext(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Initiative{}, errs.E(op, errs.NotFound, errs.Key("initiatives.error.not_found"))
	}
	if err != nil {
		return Initiative{}, errs.E(op, err)
	}
	list := []Initiative{in}
	if err := s.fill(ctx, tenant, list); err != nil {
		return Initiative{}, errs.E(op, err)
	}
	return list[0], nil
}

// MaxList is how many initiatives List returns at most.
const MaxList = 500

// List returns tenant's initiatives, newest first (at most MaxList).
func (s *Service) List(ctx context.Context, tenant string) ([]Initiative, error) {
	const op = errs.Op("initiatives.List")
	rows, err := s.db.QueryContext(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE tenant_id = $1
		ORDER BY created_at DESC, id LIMIT 500`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		in, err := scanInitiative(rows)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	if err := s.fill(ctx, tenant, out); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// Person is the signed-in citizen who starts or signs an initiative.
type Person struct {
	PID       string // fødselsnummer or D-number, from the sign-in
	Name      string
	RequestID string // for the audit entry
}

// actor returns the audit actor for p.
func (p Person) actor(tenant string) audit.Entry {
	return audit.Entry{Tenant: tenant, ActorID: "pid:" + p.PID, ActorName: p.Name, Role: "citizen", RequestID: p.RequestID}
}

// Draft is a new initiative as typed.
type Draft struct {
	Title, Text string
}

// Create starts an initiative for the resident who. Errors: Invalid
// (initiatives.error.invalid) with field errors for tittel and tekst;
// Forbidden (initiatives.error.not_resident_start) when who is not a
// resident; Invalid (initiatives.error.pid) for a sign-in without a valid
// fødselsnummer.
func (s *Service) Create(ctx context.Context, tenant string, d Draft, who Person) (Initiative, error) {
	const op = errs.Op("initiatives.Create")
	in := Initiative{ID: newID(), Title: cleanLine(d.Title), Text: cleanText(d.Text), InitiatorName: cleanLine(who.Name), State: StateOpen}
	fields := map[string]string{}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		fields[FieldTitle] = "initiatives.error.title_missing"
	case n < MinTitle:
		fields[FieldTitle] = "initiatives.error.title_short"
	case n > MaxTitle:
		fields[FieldTitle] = "initiatives.error.title_long"
	}
	switch n := utf8.RuneCountInString(in.Text); {
	case n == 0:
		fields[FieldText] = "initiatives.error.text_missing"
	case n < MinText:
		fields[FieldText] = "initiatives.error.text_short"
	case n > MaxText:
		fields[FieldText] = "initiatives.error.text_long"
	}
	if len(fields) > 0 {
		return Initiative{}, errs.E(op, errs.Invalid, errs.Key("initiatives.error.invalid"), fields)
	}
	pid, ok := parsePID(who.PID)
	if !ok {
		return Initiative{}, errs.E(op, errs.Invalid, errs.Key("initiatives.error.pid"))
	}
	resident, err := s.reg.Resident(ctx, tenant, pid)
	if err != nil {
		return Initiative{}, errs.E(op, err)
	}
	if !resident {
		return Initiative{}, errs.E(op, errs.Forbidden, errs.Key("initiatives.error.not_resident_start"))
	}
	key, err := s.personKey(ctx, tenant, pid)
	if err != nil {
		return Initiative{}, errs.E(op, err)
	}
	in.initiatorKey = key
	in.CreatedAt = s.db.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiatives (tenant_id, id, title, body, initiator_key, initiator_name, created_at,
			signatures, state, reached_signatures, threshold, claim, case_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, 0, 0, '', '')`,
			tenant, in.ID, in.Title, in.Text, key, in.InitiatorName, in.CreatedAt, StateOpen); err != nil {
			return err
		}
		e := who.actor(tenant)
		e.Action, e.Object, e.Subject = "initiatives.create", "initiative:"+in.ID, pid
		_, err := s.audit.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		return Initiative{}, errs.E(op, err)
	}
	list := []Initiative{in}
	if err := s.fill(ctx, tenant, list); err != nil {
		return Initiative{}, errs.E(op, err)
	}
	return list[0], nil
}

// IsInitiator reports whether the person with fødselsnummer pid started
// in.
func (s *Service) IsInitiator(ctx context.Context, tenant string, in Initiative, pid string) (bool, error) {
	p, ok := parsePID(pid)
	if !ok {
		return false, nil
	}
	key, err := s.personKey(ctx, tenant, p)
	if err != nil {
		return false, errs.E(errs.Op("initiatives.IsInitiator"), err)
	}
	return hmac.Equal([]byte(key), []byte(in.initiatorKey)), nil
}
