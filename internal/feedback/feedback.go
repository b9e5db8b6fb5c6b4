// Package feedback ("tilbakemelding") measures two things the digitalisation
// strategy sets goals for, per service and month: the digital share of
// submissions (goal DigitalGoal, 75 %) and the share of users who are
// satisfied (goal SatisfiedGoal, 80 %). It owns the tables feedback_*.
//
// # The satisfaction question
//
// After a submission the receipt page offers an optional, anonymous
// question: "How satisfied are you with this service?", 1 to 5, and a
// comment. The receipt page gets a ticket from Service.Ticket and puts it
// in its form; the answer is posted to POST /tilbakemelding (Path) with
// these fields, which a page that embeds the question must use:
//
//	billett    (FieldTicket)  the ticket, in a hidden field
//	score      (FieldScore)   a radio group, values "1" to "5" (MinScore–MaxScore)
//	kommentar  (FieldComment) optional text, at most MaxComment characters
//
// GET /tilbakemelding?billett=… shows the same question on a page of its
// own, for a link instead of an embedded form.
//
// A ticket holds the service id, the month it was issued in (Europe/Oslo),
// a random 128-bit nonce and an HMAC-SHA256 of these under a secret of the
// municipality (table feedback_secrets, made on first use). It proves that
// the answer follows a real submission of that service, while feedback
// never learns which one: the form platform asks for a ticket by service
// alone. A ticket is valid until the end of the month after the one it was
// issued in, and once: when it is used, the SHA-256 of its nonce is stored
// with the ticket's expiry (feedback_spent_tickets), and a second answer
// with it is refused. DeleteExpiredTickets purges that list.
//
// # Where the answers live
//
// The answers are kept in the surveys module, in the municipality's
// receipt survey (audience surveys.AudienceReceipt): one survey, made
// with the first ticket (that is, on the first receipt page shown, not on
// the first answer), with the question on a scale from MinScore to
// MaxScore and an optional comment, anonymous. Managers find it in the
// list of surveys (/tilsett/undersokelser) with its results, charts and
// CSV on the builder's pages, where groups of fewer than surveys.MinGroup
// are hidden. It has no link of its own: its answer page is not found,
// and answers come only through this module, which checks and spends the
// ticket and stores the answer (surveys.Service.AnswerReceipt) in one
// transaction. While it is open its questions cannot be changed (the
// builder changes drafts only); a manager may close it, and then the
// question takes no answers (feedback.error.closed) until it is opened
// again. The managers' report here counts the satisfied answers per
// service and month from the survey's counters by context
// (surveys.Service.ReceiptCounts), plus what is left in feedback_answers:
// the answers given before the switch, which get no new rows and which
// MoveOldAnswers (run by the server's housekeeping) moves into the survey,
// a batch at a time, each batch in one transaction.
//
// # What "cannot be linked" rests on
//
//   - An answer is a response of the receipt survey: surveys_responses
//     holds a random id, the municipality, the survey, the context (the
//     month and the service, "2026-11|kontakt", in its stratum column) and
//     in its day column the month only ("2026-11"); surveys_answers holds
//     the score and the comment. No submission id, no person (the survey
//     is anonymous, so surveys_respondents has no row), no session, no
//     client address, no time finer than the month. The older answers in
//     feedback_answers hold the same: the service, the month, the score,
//     the comment; moved, they keep their month.
//   - The counters (surveys_counts, surveys_cross, surveys_strata_counts)
//     are sums per question, choice and context.
//   - The ticket holds no submission id either, and it is not stored when
//     issued, so there is no table of tickets per submission to join.
//   - The list of used tickets holds a hash of the nonce and a month
//     boundary, nothing that points to an answer.
//   - Answering writes no audit entry (an entry has an exact time and an
//     actor), neither here nor in the surveys module, and the handlers log
//     nothing about the answer; the request log has the route, not the
//     query string with the ticket. The one audit entry, the survey's
//     creation, is written when the first ticket is issued, so its time is
//     a receipt page's, not an answer's. (A ticket issued before the
//     survey existed, at the upgrade, makes it at its answer instead.)
//
// It does not rest on more than that. Someone who sees the traffic (a
// proxy's access log with times and addresses), or an operator who
// compares the physical order of rows (SQLite rowid, PostgreSQL xmin) of
// answers with that of submissions, may guess which answer followed which
// submission, especially for a service with few submissions a month. The
// comment is free text and can hold anything the citizen writes in it.
// The figures are for steering, not for case handling: they are never
// shown per person.
//
// # Other channels
//
// Case workers register submissions that came on paper ("papir"), by phone
// ("telefon") or in person ("oppmote") for a service, as a number per day
// (GET/POST /tilsett/kanalar). Each registration is audited. Managers see,
// per service and month, the submissions by channel, the digital share and
// the share satisfied against the goals (GET /tilsett/styringsdata, and
// the same as CSV at /tilsett/styringsdata.csv).
//
// The package does not import the form platform: the server injects the
// list of services and the digital counts through the Services interface,
// and hands Service.Ticket to the form pages.
package feedback

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/surveys"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the feedback module's migrations.
var Schema = db.EmbeddedSchema("feedback", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// The path of the satisfaction question inside a municipality, and the
// names of its form fields, for pages that embed the question.
const (
	Path         = "tilbakemelding"
	FieldTicket  = "billett"
	FieldScore   = "score"
	FieldComment = "kommentar"
)

// Limits of an answer: the score is MinScore to MaxScore, the comment at
// most MaxComment characters. A score of SatisfiedFrom or more counts as
// satisfied.
const (
	MinScore      = 1
	MaxScore      = 5
	SatisfiedFrom = 4
	MaxComment    = 2000
)

// The strategy's goals, in per cent: the digital share of submissions and
// the share of satisfied users.
const (
	DigitalGoal   = 75
	SatisfiedGoal = 80
)

// Service keeps tickets, answers and channel registrations of every
// municipality. It is safe for concurrent use.
type Service struct {
	db    *db.DB
	audit *audit.Log
	// surveys keeps the answers, in each municipality's receipt survey.
	surveys *surveys.Service
	// secrets caches each municipality's ticket secret; they never change.
	secrets sync.Map // tenant → []byte
	// receipts caches each municipality's receipt survey; it never
	// changes once made.
	receipts sync.Map // tenant → receipt
}

// New returns a Service on d that records registrations in log. The
// answers are stored through a surveys.Service on the same database and
// log (it keeps no state of its own, and sends no mail for a receipt
// survey), so the schema must include surveys.Schema.
func New(d *db.DB, log *audit.Log) *Service {
	return &Service{db: d, audit: log, surveys: surveys.New(d, log, nil, surveys.Config{})}
}

// oslo is the time zone months and days are counted in.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// MonthOf returns the calendar month of t in Europe/Oslo, e.g. "2026-11".
func MonthOf(t time.Time) string { return t.In(oslo).Format("2006-01") }

// monthStart returns midnight on the first day of month ("2026-11") in
// Oslo.
func monthStart(month string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", month, oslo)
	return t, err == nil
}

var serviceIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)

// validServiceID reports whether id can be a service (form) id.
func validServiceID(id string) bool { return serviceIDRE.MatchString(id) }

func randomID() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// secret returns tenant's ticket secret, making it the first time.
func (s *Service) secret(ctx context.Context, tenant string) ([]byte, error) {
	if v, ok := s.secrets.Load(tenant); ok {
		return v.([]byte), nil
	}
	var key []byte
	err := s.db.QueryRowContext(ctx, `SELECT secret FROM feedback_secrets WHERE tenant_id = $1`, tenant).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Another node may have made one meanwhile: the first one stays.
			_, err := tx.ExecContext(ctx, `INSERT INTO feedback_secrets (tenant_id, secret, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (tenant_id) DO NOTHING`, tenant, fresh, s.db.Now())
			return err
		})
		if err == nil {
			err = s.db.QueryRowContext(ctx, `SELECT secret FROM feedback_secrets WHERE tenant_id = $1`, tenant).Scan(&key)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, errors.New("feedback secret of " + tenant + " is damaged")
	}
	s.secrets.Store(tenant, key)
	return key, nil
}

// ticket is a parsed survey ticket.
type ticket struct {
	service string   // the service (form) id
	month   string   // "2026-11"
	nonce   [16]byte // random
	mac     [32]byte // HMAC-SHA256 of the rest
}

// Ticket layout, before base64url (no padding): a version byte (1), the
// month as six ASCII digits ("202611"), the nonce (16 bytes), the MAC (32
// bytes) and the service id (the rest).
const (
	ticketVersion = 1
	ticketFixed   = 1 + 6 + 16 + 32
	maxTicket     = 512 // characters of an encoded ticket
)

// encode returns the ticket as an opaque string.
func (t ticket) encode() string {
	b := make([]byte, 0, ticketFixed+len(t.service))
	b = append(b, ticketVersion)
	b = append(b, t.month[:4]+t.month[5:]...)
	b = append(b, t.nonce[:]...)
	b = append(b, t.mac[:]...)
	b = append(b, t.service...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseTicket decodes a ticket without checking its MAC or expiry. It
// returns false for anything that is not a well-formed ticket.
func parseTicket(s string) (ticket, bool) {
	var t ticket
	if len(s) == 0 || len(s) > maxTicket {
		return t, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) <= ticketFixed || b[0] != ticketVersion {
		return t, false
	}
	digits := string(b[1:7])
	for _, c := range digits {
		if c < '0' || c > '9' {
			return t, false
		}
	}
	t.month = digits[:4] + "-" + digits[4:]
	if m, _ := strconv.Atoi(digits[4:]); m < 1 || m > 12 {
		return t, false
	}
	copy(t.nonce[:], b[7:23])
	copy(t.mac[:], b[23:55])
	t.service = string(b[ticketFixed:])
	if !validServiceID(t.service) {
		return t, false
	}
	return t, true
}

// sum computes the ticket's MAC under key for tenant.
func (t ticket) sum(key []byte, tenant string) [32]byte {
	m := hmac.New(sha256.New, key)
	var n [4]byte
	for _, part := range []string{"torg-feedback-ticket-v1", tenant, t.service, t.month, string(t.nonce[:])} {
		binary.BigEndian.PutUint32(n[:], uint32(len(part)))
		m.Write(n[:])
		m.Write([]byte(part))
	}
	var out [32]byte
	copy(out[:], m.Sum(nil))
	return out
}

// expires returns when t stops being valid: the end of the month after
// its month, Oslo time.
func (t ticket) expires() time.Time {
	start, _ := monthStart(t.month)
	return start.AddDate(0, 2, 0).UTC()
}

// nonceHash is what the list of used tickets keeps of t.
func (t ticket) nonceHash() string {
	h := sha256.Sum256(t.nonce[:])
	return hex.EncodeToString(h[:])
}

// Ticket returns a new single-use ticket for the satisfaction question
// about serviceID, for the receipt page of a submission of that service.
// The ticket does not say which submission, and nothing is stored when it
// is made. Errors: Invalid when serviceID is not a service id.
func (s *Service) Ticket(ctx context.Context, tenant, serviceID string) (string, error) {
	const op = errs.Op("feedback.Ticket")
	if !validServiceID(serviceID) || tenant == "" {
		return "", errs.E(op, errs.Invalid, errs.Key("feedback.error.service"))
	}
	key, err := s.secret(ctx, tenant)
	if err != nil {
		return "", errs.E(op, err)
	}
	// The survey the answer will go to is made now, on the receipt page,
	// not when the first answer comes (see the package documentation).
	if _, err := s.receipt(ctx, tenant); err != nil {
		return "", errs.E(op, err)
	}
	t := ticket{service: serviceID, month: MonthOf(s.db.Now())}
	rand.Read(t.nonce[:])
	t.mac = t.sum(key, tenant)
	return t.encode(), nil
}

// TicketFor is Ticket for one submission: the same seed (the submission's
// id) always gives a ticket with the same nonce, so the question can be
// answered once per submission however often the receipt page is shown.
// The nonce is an HMAC of the seed under the municipality's survey secret;
// the spent-ticket table holds only its hash, and the receipt survey's
// responses have no column that refers to it, so an answer still cannot
// be tied to the submission.
func (s *Service) TicketFor(ctx context.Context, tenant, serviceID, seed string) (string, error) {
	const op = errs.Op("feedback.TicketFor")
	if !validServiceID(serviceID) || tenant == "" || seed == "" {
		return "", errs.E(op, errs.Invalid, errs.Key("feedback.error.service"))
	}
	key, err := s.secret(ctx, tenant)
	if err != nil {
		return "", errs.E(op, err)
	}
	if _, err := s.receipt(ctx, tenant); err != nil {
		return "", errs.E(op, err)
	}
	t := ticket{service: serviceID, month: MonthOf(s.db.Now())}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("torg-survey-nonce\x00" + tenant + "\x00" + seed))
	copy(t.nonce[:], m.Sum(nil))
	t.mac = t.sum(key, tenant)
	return t.encode(), nil
}

// check verifies raw and returns its ticket: Invalid when it is not a
// ticket of tenant or has expired, Conflict when it has been used.
func (s *Service) check(ctx context.Context, tenant, raw string) (ticket, error) {
	t, ok := parseTicket(strings.TrimSpace(raw))
	if !ok {
		return ticket{}, errs.E(errs.Invalid, errs.Key("feedback.error.ticket"))
	}
	key, err := s.secret(ctx, tenant)
	if err != nil {
		return ticket{}, err
	}
	want := t.sum(key, tenant)
	if !hmac.Equal(want[:], t.mac[:]) {
		return ticket{}, errs.E(errs.Invalid, errs.Key("feedback.error.ticket"), errors.New("ticket MAC does not match"))
	}
	now := s.db.Now()
	if start, _ := monthStart(t.month); now.Before(start) {
		return ticket{}, errs.E(errs.Invalid, errs.Key("feedback.error.ticket"), errors.New("ticket from the future"))
	}
	if !now.Before(t.expires()) {
		return ticket{}, errs.E(errs.Invalid, errs.Key("feedback.error.ticket_expired"))
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_spent_tickets WHERE tenant_id = $1 AND nonce_hash = $2`,
		tenant, t.nonceHash()).Scan(&n); err != nil {
		return ticket{}, err
	}
	if n > 0 {
		return ticket{}, errs.E(errs.Conflict, errs.Key("feedback.error.answered"))
	}
	return t, nil
}

// CheckTicket returns the service id of a valid, unused ticket, for the
// question page. Errors: Invalid (key feedback.error.ticket, or
// feedback.error.ticket_expired) for a ticket that is malformed, forged,
// of another municipality or expired; Conflict (feedback.error.answered)
// for one that has been used.
func (s *Service) CheckTicket(ctx context.Context, tenant, raw string) (string, error) {
	t, err := s.check(ctx, tenant, raw)
	if err != nil {
		return "", errs.E(errs.Op("feedback.CheckTicket"), err)
	}
	return t.service, nil
}

// AnswerForm is an answer as posted: the ticket, the score ("1" to "5")
// and the comment.
type AnswerForm struct {
	Ticket, Score, Comment string
}

// Answer is one stored answer.
type Answer struct {
	ID        string
	ServiceID string
	Month     string // "2026-11"
	Score     int
	Comment   string
}

// cleanComment gives a comment Unix line endings, drops control characters
// other than line feeds and tabs and invalid UTF-8, and trims it.
func cleanComment(s string) string {
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

// Answer stores an answer to the satisfaction question and spends its
// ticket, in one transaction. It returns the answer as stored. The ticket
// is checked before the fields. Errors: Invalid without field errors for a
// bad, forged or expired ticket (as CheckTicket); Conflict
// (feedback.error.answered) when the ticket has been used; Invalid
// (feedback.error.invalid) with field errors for score
// (feedback.error.score_missing, feedback.error.score_range) and kommentar
// (feedback.error.comment_long).
func (s *Service) Answer(ctx context.Context, tenant string, f AnswerForm) (Answer, error) {
	const op = errs.Op("feedback.Answer")
	t, err := s.check(ctx, tenant, f.Ticket)
	if err != nil {
		return Answer{}, errs.E(op, err)
	}
	a := Answer{ServiceID: t.service, Month: t.month, Comment: cleanComment(f.Comment)}
	fields := map[string]string{}
	switch score := strings.TrimSpace(f.Score); {
	case score == "":
		fields[FieldScore] = "feedback.error.score_missing"
	default:
		n, err := strconv.Atoi(score)
		if err != nil || n < MinScore || n > MaxScore {
			fields[FieldScore] = "feedback.error.score_range"
		}
		a.Score = n
	}
	if utf8.RuneCountInString(a.Comment) > MaxComment {
		fields[FieldComment] = "feedback.error.comment_long"
	}
	if len(fields) > 0 {
		return Answer{}, errs.E(op, errs.Invalid, errs.Key("feedback.error.invalid"), fields)
	}
	// Made on the receipt page as a rule; here only for a ticket issued
	// before the municipality's survey existed.
	r, err := s.receipt(ctx, tenant)
	if err != nil {
		return Answer{}, errs.E(op, err)
	}
	form := map[string][]string{surveys.FieldName(surveys.Question{ID: r.score}, 0): {strconv.Itoa(a.Score)}}
	if a.Comment != "" {
		form[surveys.FieldName(surveys.Question{ID: r.comment}, 0)] = []string{a.Comment}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_spent_tickets (tenant_id, nonce_hash, expires_at) VALUES ($1, $2, $3)`,
			tenant, t.nonceHash(), t.expires()); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, errs.Key("feedback.error.answered"), err)
			}
			return err
		}
		// The answer goes to the receipt survey in the same transaction, so
		// the ticket is spent if and only if the answer is stored. No audit
		// entry, on purpose: it would give the answer an exact time and an
		// actor (see the package documentation); AnswerReceipt writes none
		// either.
		id, err := s.surveys.AnswerReceipt(ctx, tx, tenant, r.survey, surveys.ReceiptAnswer{Month: t.month, Service: t.service}, form)
		a.ID = id
		return err
	})
	if k, _, _ := errs.Public(err); errs.Is(errs.Conflict, err) && k == "surveys.error.closed" {
		return Answer{}, errs.E(op, errs.Conflict, errs.Key("feedback.error.closed"), err)
	}
	if err != nil {
		return Answer{}, errs.E(op, err)
	}
	return a, nil
}

// DeleteExpiredTickets removes used tickets past their expiry in every
// municipality (they could not be used again anyway) and returns how many.
// The server's housekeeping loop calls it.
func (s *Service) DeleteExpiredTickets(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM feedback_spent_tickets WHERE expires_at <= $1`, s.db.Now())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, errs.E(errs.Op("feedback.DeleteExpiredTickets"), err)
	}
	return n, nil
}
