// Package vote ("val") runs verifiable elections and referendums for a
// municipality, end to end, on the cryptographic core in package
// election/belenios. It owns the tables vote_*.
//
// # The sequence
//
//  1. An election officer (staff with identity.RoleElectionOfficer, or
//     the administrator) creates a referendum: one question with answers,
//     blank allowed or not, the ID-porten level voters sign in at, opening
//     and closing time, and how the trustees hold the decryption key
//     (Service.Create; state "setup"): each a full key ("Single": every
//     trustee must decrypt), or a share of it with a threshold t of n
//     (Belenios' "Pedersen" protocol: any t of the n decrypt); and who
//     makes the voting credentials: the server (CredServer, the default)
//     or a credential authority apart from it (CredAuthority, see
//     credentials.go and "What the server knows" below).
//  2. The officer names 1 to MaxTrustees trustees (2 to MaxTrustees with
//     a threshold). Each gets a link of their own and works on their own
//     computer with `torg election trustee`; the server never holds a
//     private key. Single: they run `keygen`, keep the private key and
//     upload the public key file (Service.SetTrusteeKey checks its proof
//     of knowledge). Threshold, the rounds of Belenios' key ceremony
//     (Service.SubmitStep; the trustee page says which is due and the
//     exact command): every trustee uploads a certificate (step 1,
//     `threshold-keygen`); once all have, each downloads the certificates
//     and uploads a polynomial (step 3, `polynomial`): coefficients signed,
//     a share for each trustee encrypted to that trustee; once all have,
//     each downloads the vinput the server routes to them (step 4) and
//     uploads a voutput (step 5, `voutput`), after checking every share
//     against its sender's coefficients. The server checks every
//     signature and proof it can: certificates, coefficients, that each
//     share's public key matches the coefficients, its proof of knowledge.
//  3. The officer uploads the voter list, one fødselsnummer a line
//     (Service.SetVoters); with a credential authority, the officer then
//     uploads the authority's public credentials, one per voter
//     (Service.SetPublicCredentials). The officer opens the election
//     (Service.Open): a voting credential is made for each voter (with an
//     authority: the uploaded public credentials are used), the election key is the
//     product of the trustees' keys (threshold: of the coefficients g^a_i0;
//     the trustees list is one Pedersen block whose verification keys are
//     the shares'), and the Setup event starts the record (state "open").
//     With a threshold every round must be complete.
//  4. A voter signs in through ID-porten and votes between the opening
//     and the closing time (server clock). Each ballot is checked as
//     belenios-tool checks it (canonical form, this election, eligible
//     credential, signature, every proof), refused when replayed, and
//     appended to the record; the voter gets its smart ballot tracker,
//     which the public bulletin board lists. A new ballot replaces the
//     voter's earlier one: only the last per credential counts.
//  5. After the closing time the officer closes (Service.Close): the
//     EndBallots event and the encrypted tally, the product of the last
//     ballot of each credential (state "closed").
//  6. Each trustee downloads the record, runs `torg election trustee
//     decrypt` locally and uploads the partial decryption, whose proofs
//     are checked (Service.SubmitPartial). With the last one (threshold:
//     the t-th) the result is computed, the threshold factors combined
//     with Lagrange coefficients as Belenios does, and the Result event
//     added (state "tallied").
//  7. The officer publishes (Service.Publish): the result and the whole
//     record, UUID.bel, canonical Belenios 2.0 bytes that
//     `belenios-tool election verify` accepts (state "published").
//
// # What the server knows
//
// By default (CredServer) the voting credential is made and kept by the
// server. With JavaScript the voting page encrypts and signs the ballot in
// the voter's browser (static/ballot.js, see jsballot.go): the page gives
// the signed-in voter, and no one else, their credential, and only the
// ballot is posted, so the server never sees the choice. Because the
// server made the credential, it could in principle still cast a ballot
// for the voter. Without JavaScript, or when the script fails, the server
// encrypts on the voter's behalf (CastFor) and sees the choice while it
// does; the pages say which way was used.
//
// With a credential authority (CredAuthority, chosen when the election is
// created; credentials.go) that remaining trust is removed, as in
// Belenios: a person other than the officer and the operator makes the
// credentials on their own computer (`torg election credentials`), sends
// each voter theirs by letter or e-mail outside the server, and hands over
// only the public credentials, whose fingerprint the election's page shows
// for the authority to check. The server holds no secret credential of
// such an election (vote_voters.credential stays empty) and so cannot cast
// a ballot for anyone. A voter must both sign in through ID-porten (be on
// the list) and type the credential, which the browser uses to sign and
// never posts; the first accepted ballot binds that credential to the
// voter (one credential per voter, one voter per credential), and a later
// ballot with it replaces the earlier. Voting in this mode needs
// JavaScript: without it the credential could reach the signature only
// through the server, so the page says so and CastFor refuses.
//
// The record (events and members) is append-only in vote_events and
// vote_data; its hash chain head is shown on the bulletin board as it
// grows. Every administrative act is audited.
package vote

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math/big"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/nin"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the vote module's migrations.
var Schema = db.EmbeddedSchema("vote", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// The states of an election, in order.
const (
	StateSetup     = "setup"
	StateOpen      = "open"
	StateClosed    = "closed"
	StateTallied   = "tallied"
	StatePublished = "published"
)

// Limits.
const (
	MaxTrustees = 5
	MaxVoters   = 100000
	MaxName     = 200
	MaxText     = 2000
	MaxAnswers  = 20
	MaxUpload   = 4 << 20 // voter list, key and decryption files
)

// Question is one question of an election.
type Question struct {
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	Blank    bool     `json:"blank"`
	Min      int      `json:"min"`
	Max      int      `json:"max"`
}

// Election is an election as the pages see it.
type Election struct {
	Tenant      string
	UUID        string
	Name        string
	Description string
	Questions   []Question
	Level       string // identity.LevelSubstantial or identity.LevelHigh
	OpensAt     time.Time
	ClosesAt    time.Time
	State       string
	Result      [][]int64 // once tallied
	CreatedAt   time.Time
	// Threshold is how many trustees must decrypt when they hold shares
	// of the key (Belenios' Pedersen protocol); 0 when each holds a full
	// key and all must decrypt.
	Threshold int
	// CredMode is who makes the voting credentials: CredServer or
	// CredAuthority (see credentials.go).
	CredMode string
}

// Trustee is a trustee of an election.
type Trustee struct {
	Index      int
	Name       string
	Email      string
	Token      string // the secret part of the trustee's page address
	HasKey     bool
	PublicKey  string // the uploaded key file, canonical JSON
	HasPartial bool
	// The key ceremony of a threshold election (canonical JSON, "" until
	// uploaded): the certificate, the polynomial and the voutput.
	Cert, Polynomial, Voutput string
}

// Service runs the elections of every municipality. It is safe for
// concurrent use.
type Service struct {
	db    *db.DB
	audit *audit.Log
	// Rand is the randomness for credentials, ballots and tokens
	// (crypto/rand when nil).
	Rand io.Reader

	setups sync.Map // tenant+"/"+uuid → *setupData (immutable once open)
}

// New returns a Service on d that audits in log.
func New(d *db.DB, log *audit.Log) *Service { return &Service{db: d, audit: log} }

func (s *Service) rnd() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

// ElectionForm is what the officer fills in to create a referendum.
type ElectionForm struct {
	Name        string
	Description string
	Question    string
	Answers     []string // empty: "Ja" and "Nei"; blank lines are skipped
	Blank       bool
	Level       string
	OpensAt     string // "2006-01-02T15:04", Europe/Oslo
	ClosesAt    string
	Mode        string // ModeSingle (also "") or ModeThreshold
	Threshold   string // with ModeThreshold: how many trustees must decrypt, 1 to MaxTrustees
	Credentials string // who makes the voting credentials: CredServer (also "") or CredAuthority
}

// AnswersText is the answers one per line, for the form's text area.
func (f ElectionForm) AnswersText() string { return strings.Join(f.Answers, "\n") }

// How the trustees hold the key (ElectionForm.Mode).
const (
	ModeSingle    = "single"
	ModeThreshold = "threshold"
)

// Form field names of ElectionForm, as the page posts them.
const (
	FieldName        = "namn"
	FieldDescription = "skildring"
	FieldQuestion    = "sporsmal"
	FieldAnswers     = "svar"
	FieldOpens       = "opnar"
	FieldCloses      = "stengjer"
	FieldLevel       = "niva"
	FieldMode        = "nokkelmodus"
	FieldThreshold   = "terskel"
)

var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// TimeLayout is the form of times in forms (datetime-local), Europe/Oslo.
const TimeLayout = "2006-01-02T15:04"

func cleanLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func textOK(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// Create makes a referendum in state setup and returns its uuid.
func (s *Service) Create(ctx context.Context, tenant string, f ElectionForm, actor audit.Entry) (string, error) {
	const op = errs.Op("vote.Create")
	fields := map[string]string{}
	f.Name, f.Question = cleanLine(f.Name), cleanLine(f.Question)
	f.Description = strings.TrimSpace(f.Description)
	if f.Name == "" {
		fields[FieldName] = "vote.error.name_required"
	} else if !textOK(f.Name, MaxName) {
		fields[FieldName] = "vote.error.name_long"
	}
	if !textOK(f.Description, MaxText) {
		fields[FieldDescription] = "vote.error.text_long"
	}
	if f.Question == "" {
		fields[FieldQuestion] = "vote.error.question_required"
	} else if !textOK(f.Question, MaxText) {
		fields[FieldQuestion] = "vote.error.text_long"
	}
	now := s.db.Now()
	opens, err1 := time.ParseInLocation(TimeLayout, strings.TrimSpace(f.OpensAt), oslo)
	closes, err2 := time.ParseInLocation(TimeLayout, strings.TrimSpace(f.ClosesAt), oslo)
	if err1 != nil {
		fields[FieldOpens] = "vote.error.time_format"
	}
	switch {
	case err2 != nil:
		fields[FieldCloses] = "vote.error.time_format"
	case !closes.After(now):
		fields[FieldCloses] = "vote.error.closes_past"
	case err1 == nil && !closes.After(opens):
		fields[FieldCloses] = "vote.error.closes_before"
	}
	if f.Level == "" {
		f.Level = identity.LevelSubstantial
	}
	if f.Level != identity.LevelSubstantial && f.Level != identity.LevelHigh {
		fields[FieldLevel] = "vote.error.level"
	}
	var answers []string
	seen := map[string]bool{}
	for _, a := range f.Answers {
		a = cleanLine(a)
		switch {
		case a == "":
			continue
		case !textOK(a, MaxName):
			fields[FieldAnswers] = "vote.error.answer_long"
		case seen[strings.ToLower(a)]:
			fields[FieldAnswers] = "vote.error.answer_twice"
		}
		seen[strings.ToLower(a)] = true
		answers = append(answers, a)
	}
	switch {
	case len(answers) == 0:
		answers = []string{"Ja", "Nei"}
	case len(answers) == 1:
		fields[FieldAnswers] = "vote.error.answers_few"
	case len(answers) > MaxAnswers:
		fields[FieldAnswers] = "vote.error.answers_many"
	}
	threshold := 0
	switch f.Mode = strings.TrimSpace(f.Mode); f.Mode {
	case "", ModeSingle:
		f.Mode = ModeSingle
	case ModeThreshold:
		t, err := strconv.Atoi(strings.TrimSpace(f.Threshold))
		switch {
		case err != nil:
			fields[FieldThreshold] = "vote.error.threshold_number"
		case t < 1 || t > MaxTrustees:
			fields[FieldThreshold] = "vote.error.threshold_range"
		}
		threshold = t
	default:
		fields[FieldMode] = "vote.error.mode"
	}
	switch f.Credentials = strings.TrimSpace(f.Credentials); f.Credentials {
	case "", CredServer:
		f.Credentials = CredServer
	case CredAuthority:
	default:
		fields[FieldCredMode] = "vote.error.cred_mode"
	}
	if len(fields) > 0 {
		return "", errs.E(op, errs.Invalid, errs.Key("vote.error.form"), fields)
	}
	qs, _ := json.Marshal([]Question{{Question: f.Question, Answers: answers, Blank: f.Blank, Min: 1, Max: 1}})
	uuid, err := belenios.NewUUID(s.rnd())
	if err != nil {
		return "", errs.E(op, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO vote_elections (tenant_id, uuid, name, description, questions, level, opens_at, closes_at,
			state, election_json, archive_time, result, created_by, created_at, threshold, cred_mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 0, '', $10, $11, $12, $13)`,
			tenant, uuid, f.Name, f.Description, string(qs), f.Level, opens.UTC(), closes.UTC(), StateSetup, actor.ActorID, now, threshold, f.Credentials); err != nil {
			return err
		}
		detail := f.Name
		if threshold > 0 {
			detail = "threshold " + strconv.Itoa(threshold) + ": " + f.Name
		}
		if f.Credentials == CredAuthority {
			detail = "credential authority: " + detail
		}
		return s.log(ctx, tx, tenant, actor, "vote.create", uuid, detail)
	})
	if err != nil {
		return "", errs.E(op, err)
	}
	return uuid, nil
}

func (s *Service) log(ctx context.Context, tx *sql.Tx, tenant string, actor audit.Entry, action, uuid, detail string) error {
	e := actor
	e.Tenant, e.Action, e.Object = tenant, action, "election:"+uuid
	if len(detail) > 200 {
		detail = detail[:200]
	}
	e.Detail = detail
	_, err := s.audit.Append(ctx, tx, e)
	return err
}

type rowScanner interface{ Scan(...any) error }

const electionCols = `uuid, name, description, questions, level, opens_at, closes_at, state, result, created_at, threshold, cred_mode`

func scanElection(tenant string, r rowScanner) (*Election, error) {
	e := &Election{Tenant: tenant}
	var qs, result string
	if err := r.Scan(&e.UUID, &e.Name, &e.Description, &qs, &e.Level, &e.OpensAt, &e.ClosesAt, &e.State, &result, &e.CreatedAt, &e.Threshold, &e.CredMode); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(qs), &e.Questions); err != nil {
		return nil, err
	}
	if result != "" {
		r, err := belenios.ParseResult([]byte(result))
		if err != nil {
			return nil, err
		}
		e.Result = r
	}
	e.OpensAt, e.ClosesAt, e.CreatedAt = e.OpensAt.UTC(), e.ClosesAt.UTC(), e.CreatedAt.UTC()
	return e, nil
}

// Get returns an election.
func (s *Service) Get(ctx context.Context, tenant, uuid string) (*Election, error) {
	e, err := scanElection(tenant, s.db.QueryRowContext(ctx, `SELECT `+electionCols+` FROM vote_elections WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Op("vote.Get"), errs.NotFound, errs.Key("vote.error.not_found"))
	}
	if err != nil {
		return nil, errs.E(errs.Op("vote.Get"), err)
	}
	return e, nil
}

// List returns the municipality's elections, newest first.
func (s *Service) List(ctx context.Context, tenant string) ([]*Election, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+electionCols+` FROM vote_elections WHERE tenant_id = $1 ORDER BY created_at DESC, uuid`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("vote.List"), err)
	}
	defer rows.Close()
	var out []*Election
	for rows.Next() {
		e, err := scanElection(tenant, rows)
		if err != nil {
			return nil, errs.E(errs.Op("vote.List"), err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// lockState locks the election row for the transaction and checks that
// it is in state want; it returns the election.
func (s *Service) lockState(ctx context.Context, tx *sql.Tx, op errs.Op, tenant, uuid string, want ...string) (*Election, error) {
	res, err := tx.ExecContext(ctx, `UPDATE vote_elections SET state = state WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, errs.E(op, errs.NotFound, errs.Key("vote.error.not_found"))
	}
	e, err := scanElection(tenant, tx.QueryRowContext(ctx, `SELECT `+electionCols+` FROM vote_elections WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid))
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		if e.State == w {
			return e, nil
		}
	}
	return e, errs.E(op, errs.Conflict, errs.Key("vote.error.state_"+e.State))
}

// --- trustees ---

// Trustee form fields.
const (
	FieldTrusteeName  = "namn"
	FieldTrusteeEmail = "epost"
	FieldKey          = "nokkel"
	FieldPartial      = "dekryptering"
)

// AddTrustee names a trustee (setup only) and returns it with its token.
func (s *Service) AddTrustee(ctx context.Context, tenant, uuid, name, email string, actor audit.Entry) (*Trustee, error) {
	const op = errs.Op("vote.AddTrustee")
	name, email = cleanLine(name), strings.TrimSpace(email)
	fields := map[string]string{}
	if name == "" {
		fields[FieldTrusteeName] = "vote.error.name_required"
	} else if !textOK(name, MaxName) {
		fields[FieldTrusteeName] = "vote.error.name_long"
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		fields[FieldTrusteeEmail] = "vote.error.email"
	}
	if len(fields) > 0 {
		return nil, errs.E(op, errs.Invalid, errs.Key("vote.error.form"), fields)
	}
	var tok [18]byte
	if _, err := io.ReadFull(s.rnd(), tok[:]); err != nil {
		return nil, errs.E(op, err)
	}
	t := &Trustee{Name: name, Email: email, Token: base64.RawURLEncoding.EncodeToString(tok[:])}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockState(ctx, tx, op, tenant, uuid, StateSetup); err != nil {
			return err
		}
		var n, started int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_trustees WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid).Scan(&n); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_trustees WHERE tenant_id = $1 AND uuid = $2 AND polynomial <> ''`, tenant, uuid).Scan(&started); err != nil {
			return err
		}
		if started > 0 {
			return errs.E(op, errs.Conflict, errs.Key("vote.error.ceremony_started"))
		}
		if n >= MaxTrustees {
			return errs.E(op, errs.Invalid, errs.Key("vote.error.too_many_trustees"), []any{MaxTrustees})
		}
		t.Index = n + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO vote_trustees (tenant_id, uuid, idx, name, email, token, public_key, partial, cert, polynomial, voutput)
			VALUES ($1, $2, $3, $4, $5, $6, '', '', '', '', '')`, tenant, uuid, t.Index, t.Name, t.Email, t.Token); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "vote.trustee_add", uuid, "trustee "+strconv.Itoa(t.Index)+": "+name)
	})
	if err != nil {
		return nil, errs.E(op, err)
	}
	return t, nil
}

// Trustees lists an election's trustees in order.
func (s *Service) Trustees(ctx context.Context, tenant, uuid string) ([]*Trustee, error) {
	return s.trustees(ctx, s.db.QueryContext, tenant, uuid)
}

type queryFn func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func (s *Service) trustees(ctx context.Context, query queryFn, tenant, uuid string) ([]*Trustee, error) {
	rows, err := query(ctx, `SELECT idx, name, email, token, public_key, partial, cert, polynomial, voutput FROM vote_trustees
		WHERE tenant_id = $1 AND uuid = $2 ORDER BY idx`, tenant, uuid)
	if err != nil {
		return nil, errs.E(errs.Op("vote.Trustees"), err)
	}
	defer rows.Close()
	var out []*Trustee
	for rows.Next() {
		t := &Trustee{}
		var partial string
		if err := rows.Scan(&t.Index, &t.Name, &t.Email, &t.Token, &t.PublicKey, &partial, &t.Cert, &t.Polynomial, &t.Voutput); err != nil {
			return nil, errs.E(errs.Op("vote.Trustees"), err)
		}
		t.HasKey, t.HasPartial = t.PublicKey != "", partial != ""
		out = append(out, t)
	}
	return out, rows.Err()
}

// TrusteeByToken finds the trustee whose page address holds token.
func (s *Service) TrusteeByToken(ctx context.Context, tenant, uuid, token string) (*Trustee, error) {
	ts, err := s.Trustees(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if token != "" && len(token) == len(t.Token) && subtle.ConstantTimeCompare([]byte(t.Token), []byte(token)) == 1 {
			return t, nil
		}
	}
	return nil, errs.E(errs.Op("vote.TrusteeByToken"), errs.NotFound, errs.Key("vote.error.not_found"))
}

// SetTrusteeKey stores the public key a trustee uploaded, after checking
// its form and its proof of knowledge (setup only).
func (s *Service) SetTrusteeKey(ctx context.Context, tenant, uuid, token string, raw []byte) error {
	const op = errs.Op("vote.SetTrusteeKey")
	t, err := s.TrusteeByToken(ctx, tenant, uuid, token)
	if err != nil {
		return err
	}
	k, err := ParseTrusteeKey(raw)
	switch {
	case errors.Is(err, errKeyFormat):
		return errs.E(op, errs.Invalid, errs.Key("vote.error.key_format"), map[string]string{FieldKey: "vote.error.key_format"}, err)
	case err != nil:
		return errs.E(op, errs.Invalid, errs.Key("vote.error.key_proof"), map[string]string{FieldKey: "vote.error.key_proof"}, err)
	}
	canon := string(belenios.MarshalTrusteePublicKey(k))
	return wrap(op, s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockState(ctx, tx, op, tenant, uuid, StateSetup)
		if err != nil {
			return err
		}
		if e.Threshold > 0 {
			return errs.E(op, errs.Conflict, errs.Key("vote.error.not_single"))
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_trustees WHERE tenant_id = $1 AND uuid = $2 AND public_key = $3 AND idx <> $4`,
			tenant, uuid, canon, t.Index).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return errs.E(op, errs.Invalid, errs.Key("vote.error.key_duplicate"), map[string]string{FieldKey: "vote.error.key_duplicate"})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote_trustees SET public_key = $4 WHERE tenant_id = $1 AND uuid = $2 AND idx = $3`,
			tenant, uuid, t.Index, canon); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, audit.Entry{ActorID: "trustee:" + strconv.Itoa(t.Index), ActorName: t.Name, Role: "trustee"},
			"vote.trustee_key", uuid, "trustee "+strconv.Itoa(t.Index)+" uploaded a public key")
	}))
}

// --- voters ---

// ParseVoterList reads a voter list: one fødselsnummer (or D-number) per
// line, optionally as the first column of a CSV file (comma or
// semicolon) with a header line. It returns the distinct numbers in
// order, or the 1-based numbers of the lines that are not valid.
func ParseVoterList(raw []byte) (pids []string, badLines []int, err error) {
	if !utf8.Valid(raw) {
		return nil, nil, errors.New("not UTF-8 text")
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	sep := ','
	if i := bytes.IndexByte(raw, '\n'); bytes.Count(raw[:max(i, 0)], []byte(";")) > 0 || (i < 0 && bytes.Contains(raw, []byte(";"))) {
		sep = ';'
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma, r.FieldsPerRecord, r.TrimLeadingSpace, r.LazyQuotes = sep, -1, true, true
	seen := map[string]bool{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		cell := strings.TrimSpace(rec[0])
		if cell == "" && len(rec) == 1 {
			continue
		}
		n, err := nin.Parse(cell)
		if err != nil {
			if line == 1 && strings.IndexFunc(cell, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
				continue // a header line
			}
			badLines = append(badLines, line)
			continue
		}
		if !seen[n.String()] {
			seen[n.String()] = true
			pids = append(pids, n.String())
		}
	}
	return pids, badLines, nil
}

// FieldVoters is the voter list field (a file upload or pasted text).
const FieldVoters = "veljarar"

// SetVoters replaces the voter list with the numbers in raw (setup only)
// and returns how many there are.
func (s *Service) SetVoters(ctx context.Context, tenant, uuid string, raw []byte, actor audit.Entry) (int, error) {
	const op = errs.Op("vote.SetVoters")
	pids, bad, err := ParseVoterList(raw)
	switch {
	case err != nil:
		return 0, errs.E(op, errs.Invalid, errs.Key("vote.error.voters_file"), map[string]string{FieldVoters: "vote.error.voters_file"}, err)
	case len(bad) > 0:
		lines := make([]string, 0, 10)
		for i, l := range bad {
			if i == 10 {
				lines = append(lines, "…")
				break
			}
			lines = append(lines, strconv.Itoa(l))
		}
		return 0, errs.E(op, errs.Invalid, errs.Key("vote.error.voters_lines"), []any{strings.Join(lines, ", ")},
			map[string]string{FieldVoters: "vote.error.voters_bad"})
	case len(pids) == 0:
		return 0, errs.E(op, errs.Invalid, errs.Key("vote.error.voters_empty"), map[string]string{FieldVoters: "vote.error.voters_empty"})
	case len(pids) > MaxVoters:
		return 0, errs.E(op, errs.Invalid, errs.Key("vote.error.voters_many"), []any{MaxVoters}, map[string]string{FieldVoters: "vote.error.voters_many_short"})
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockState(ctx, tx, op, tenant, uuid, StateSetup); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM vote_voters WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid); err != nil {
			return err
		}
		for _, p := range pids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO vote_voters (tenant_id, uuid, pid, credential, public_cred) VALUES ($1, $2, $3, '', '')`, tenant, uuid, p); err != nil {
				return err
			}
		}
		return s.log(ctx, tx, tenant, actor, "vote.voters", uuid, strconv.Itoa(len(pids))+" voters")
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return len(pids), nil
}

// VoterCount returns the size of the voter list.
func (s *Service) VoterCount(ctx context.Context, tenant, uuid string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_voters WHERE tenant_id = $1 AND uuid = $2`, tenant, uuid).Scan(&n)
	return n, err
}

// Eligible reports whether pid is on the voter list.
func (s *Service) Eligible(ctx context.Context, tenant, uuid, pid string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 AND pid = $3`, tenant, uuid, pid).Scan(&n)
	return n > 0, err
}

// --- opening ---

// Open starts the election: credentials for every voter, the election
// key from the trustees' keys, and the record's Setup event.
func (s *Service) Open(ctx context.Context, tenant, uuid string, actor audit.Entry) error {
	const op = errs.Op("vote.Open")
	return wrap(op, s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockState(ctx, tx, op, tenant, uuid, StateSetup)
		if err != nil {
			return err
		}
		if !e.ClosesAt.After(s.db.Now()) {
			return errs.E(op, errs.Invalid, errs.Key("vote.error.closes_past"))
		}
		ts, err := s.trustees(ctx, tx.QueryContext, tenant, uuid)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			return errs.E(op, errs.Invalid, errs.Key("vote.error.no_trustees"))
		}
		var trustees []belenios.Trustee
		y := big.NewInt(1)
		if e.Threshold > 0 {
			tp, err := thresholdParams(op, e.Threshold, ts)
			if err != nil {
				return err
			}
			trustees = append(trustees, belenios.Trustee{Pedersen: tp.params})
			y = tp.y
		}
		for _, t := range ts {
			if e.Threshold > 0 {
				break
			}
			if !t.HasKey {
				return errs.E(op, errs.Invalid, errs.Key("vote.error.key_missing"), []any{t.Name})
			}
			k, err := ParseTrusteeKey([]byte(t.PublicKey))
			if err != nil {
				return err
			}
			trustees = append(trustees, belenios.Trustee{Single: &k})
			y.Mul(y, k.PublicKey).Mod(y, belenios.P)
		}
		rows, err := tx.QueryContext(ctx, `SELECT pid FROM vote_voters WHERE tenant_id = $1 AND uuid = $2 ORDER BY pid`, tenant, uuid)
		if err != nil {
			return err
		}
		var pids []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return err
			}
			pids = append(pids, p)
		}
		rows.Close()
		if len(pids) == 0 {
			return errs.E(op, errs.Invalid, errs.Key("vote.error.voters_empty"))
		}
		var credStrs []string
		if e.CredMode == CredAuthority {
			// The credential authority's public credentials; the server
			// holds no secret one.
			if credStrs, err = authorityCredentials(ctx, tx, op, tenant, uuid, len(pids)); err != nil {
				return err
			}
		} else {
			var pubs []*big.Int
			for _, p := range pids {
				c, err := belenios.NewCredential(uuid, s.rnd())
				if err != nil {
					return err
				}
				pubs = append(pubs, c.Public)
				if _, err := tx.ExecContext(ctx, `UPDATE vote_voters SET credential = $4, public_cred = $5 WHERE tenant_id = $1 AND uuid = $2 AND pid = $3`,
					tenant, uuid, p, c.Secret, c.Public.String()); err != nil {
					return err
				}
			}
			sort.Slice(pubs, func(i, j int) bool { return pubs[i].Cmp(pubs[j]) < 0 })
			credStrs = make([]string, len(pubs))
			for i, p := range pubs {
				credStrs[i] = p.String()
			}
		}
		bqs := make([]belenios.Question, len(e.Questions))
		for i, q := range e.Questions {
			bqs[i] = belenios.Question{Answers: q.Answers, Blank: q.Blank, Min: q.Min, Max: q.Max, Question: q.Question}
		}
		el := &belenios.Election{Version: 1, Description: e.Description, Name: e.Name, Group: belenios.GroupName,
			PublicKey: y, Questions: bqs, UUID: uuid}
		if el.Description == "" {
			el.Description = e.Name
		}
		elRaw := el.Marshal()
		sd := belenios.SetupData{}
		if sd.Election, err = putData(ctx, tx, tenant, uuid, elRaw); err != nil {
			return err
		}
		if sd.Trustees, err = putData(ctx, tx, tenant, uuid, belenios.MarshalTrustees(trustees)); err != nil {
			return err
		}
		if sd.Credentials, err = putData(ctx, tx, tenant, uuid, belenios.MarshalCredentials(credStrs)); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, tenant, uuid, belenios.EvSetup, sd.Marshal()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote_elections SET state = $3, election_json = $4, archive_time = $5 WHERE tenant_id = $1 AND uuid = $2`,
			tenant, uuid, StateOpen, string(elRaw), s.db.Now().Unix()); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "vote.open", uuid, strconv.Itoa(len(pids))+" voters, "+strconv.Itoa(len(ts))+" trustees")
	}))
}

// putData stores a record member and returns its hash.
func putData(ctx context.Context, tx *sql.Tx, tenant, uuid string, body []byte) (string, error) {
	h := dataHash(body)
	_, err := tx.ExecContext(ctx, `INSERT INTO vote_data (tenant_id, uuid, hash, body) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, uuid, hash) DO NOTHING`,
		tenant, uuid, h, string(body))
	return h, err
}

// appendEvent stores payload (when not nil) and appends an event linked
// to the last one; it returns the new event's height.
func appendEvent(ctx context.Context, tx *sql.Tx, tenant, uuid, typ string, payload []byte) (int, error) {
	ev := belenios.Event{Type: typ}
	if payload != nil {
		h, err := putData(ctx, tx, tenant, uuid, payload)
		if err != nil {
			return 0, err
		}
		ev.Payload = h
	}
	var parent string
	err := tx.QueryRowContext(ctx, `SELECT height, hash FROM vote_events WHERE tenant_id = $1 AND uuid = $2 ORDER BY height DESC LIMIT 1`,
		tenant, uuid).Scan(&ev.Height, &parent)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		ev.Height = 0
	case err != nil:
		return 0, err
	default:
		ev.Height++
		ev.Parent = parent
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO vote_events (tenant_id, uuid, height, type, payload, hash) VALUES ($1, $2, $3, $4, $5, $6)`,
		tenant, uuid, ev.Height, ev.Type, ev.Payload, eventHash(ev))
	return ev.Height, err
}

// wrap is errs.E(op, err), nil when err is nil.
func wrap(op errs.Op, err error) error {
	if err == nil {
		return nil
	}
	return errs.E(op, err)
}
