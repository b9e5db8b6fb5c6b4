// Package dialogue ("dialog") is the citizens' dialogue with the
// municipality: hearings (høringer) and public questions to elected
// officials. It owns the tables dialogue_*.
//
// # Hearings
//
// The secretariat (role identity.RoleSecretariat) drafts a hearing: a
// title, a description, a deadline and one or more documents (a plan, a
// budget, a regulation) to read. Publishing it (Service.PublishHearing)
// creates its case file (saksmappe) in the municipality's Noark 5 archive
// in the same transaction. Anyone can read a published hearing; a person
// signed in through ID-porten submits a statement (høringsuttalelse) for
// themselves or on behalf of an organisation (with its
// organisasjonsnummer, checked by its MOD11 check digit), with
// attachments, and chooses whether it is published, when the hearing
// allows that. Each statement is journaled as an incoming entry
// (journalposttype I) in the hearing's case, with the statement as a
// plain-text main document and the attachments as vedlegg, in the
// transaction that stores it. A private person's name is screened in the
// journal (Offl. § 13 jf. fvl. § 13 første ledd nr. 1) unless they chose
// to publish the statement; an organisation's name is not. After the
// deadline statements are refused and the secretariat publishes a summary
// and how the input was used.
//
// # Questions to officials
//
// A signed-in citizen asks a named elected official, or a party group
// (partigruppe: the officials of one party that can be asked), a public
// question (Service.Ask); the official, signed in as staff with role
// identity.RoleOfficial and the e-mail address the politics module has for
// them, answers it publicly (Service.Answer). Any official of the party
// may answer a group's question on the group's behalf, and the answer
// names them. Questions and answers are
// listed and searchable, unanswered ones marked. The secretariat can hide
// a question with a reason that stays visible (Service.HideQuestion).
// Officials come from an Officials source, which the deployment backs with
// the politics module.
//
// # Debates
//
// Signed-in citizens debate in threads under a hearing, a political case
// (from a Cases source, Config.Cases, which the deployment backs with the
// politics module) or a free topic (debates.go). Posts carry the author's
// name; people report posts, the secretariat hides them with a reason
// shown in their place, rules are published, links and repeats are
// limited, and followers get a daily digest.
//
// Every statement and question gets an immediate receipt, on the page and
// by e-mail when an address is given, saying how it will be handled and
// by when.
package dialogue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/notify"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the dialogue module's migrations.
var Schema = db.EmbeddedSchema("dialogue", migrationFS, "migrations")

// Messages returns the module's message files (keys "dialogue.*").
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Limits of texts, in characters, and of files.
const (
	MaxTitle       = 200
	MaxDescription = 5000
	MaxStatement   = 20000
	MaxQuestion    = 2000
	MaxAnswer      = 5000
	MaxName        = 200
	MaxReason      = 500
	MaxResult      = 20000
	MaxAttachments = 5
)

// Defaults of Config.
const (
	DefaultResultDays  = 60
	DefaultAnswerDays  = 14
	DefaultRate        = 10
	DefaultMaxFile     = 8 << 20
	DefaultUnit        = "Politisk sekretariat"
	PersonalMatters    = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
	screeningCodeOffl3 = "13"
)

// Config holds the module's settings; zero values mean the defaults.
type Config struct {
	// ResultDays is how many days after a hearing's deadline the
	// municipality promises to publish its summary, as receipts say.
	ResultDays int
	// AnswerDays is how many days officials usually take to answer a
	// question, as receipts say.
	AnswerDays int
	// Rate is how many statements, and how many questions, one person and
	// one client address may send per hour.
	Rate int
	// MaxFile is the largest document or attachment accepted, in bytes.
	// Keep it below the server's largest request body.
	MaxFile int64
	// Unit is the administrative unit that runs hearings, in the archive.
	Unit string
	// PublicURL is the deployment's public URL (config PublicURL, e.g.
	// "https://torg.example.no"), for the links in digests, which are sent
	// outside any request.
	PublicURL string
	// Cases is where political cases are found, for debates about them;
	// nil: no debates under political cases (the deployment backs it with
	// the politics module).
	Cases Cases
}

// Service keeps the hearings and questions of every municipality. It is
// safe for concurrent use.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	mail      *notify.Queue
	blobs     blob.Store
	archive   *archive.Service
	officials Officials
	cfg       Config
	cat       *i18n.Catalog
}

// New returns a Service on d that records changes in log, queues e-mail on
// mail, keeps files in blobs, journals in arch and finds elected
// officials in officials.
func New(d *db.DB, log *audit.Log, mail *notify.Queue, blobs blob.Store, arch *archive.Service, officials Officials, cfg Config) *Service {
	if cfg.ResultDays <= 0 {
		cfg.ResultDays = DefaultResultDays
	}
	if cfg.AnswerDays <= 0 {
		cfg.AnswerDays = DefaultAnswerDays
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.MaxFile <= 0 {
		cfg.MaxFile = DefaultMaxFile
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	if strings.TrimSpace(cfg.Unit) == "" {
		cfg.Unit = DefaultUnit
	}
	cat := i18n.NewCatalog()
	if err := cat.AddFS(Messages()); err != nil {
		panic("dialogue: " + err.Error()) // the embedded files are broken: a build mistake
	}
	return &Service{db: d, audit: log, mail: mail, blobs: blobs, archive: arch, officials: officials, cfg: cfg, cat: cat}
}

// Config returns the settings in effect.
func (s *Service) Config() Config { return s.cfg }

// oslo is Norway's time zone: deadlines are days in Norway.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// newID returns a random id of 32 hex digits.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// record appends an audit entry in tx.
func (s *Service) record(ctx context.Context, tx *sql.Tx, tenant string, actor audit.Entry, action, object, detail string) error {
	actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, action, object, detail
	_, err := s.audit.Append(ctx, tx, actor)
	return err
}

// invalid returns an Invalid error with fields, or nil when there are none.
func invalid(op errs.Op, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), fields)
}

// clean trims a one-line text and drops control characters and invalid
// UTF-8.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// cleanText trims a multi-line text, keeps line breaks (as "\n") and tabs,
// and drops other control characters and invalid UTF-8.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// tooLong reports whether s has more than n characters.
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// checkEmail returns the address in s when it is one plain address.
func checkEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s, ".") {
		return "", false
	}
	return strings.ToLower(s), true
}

// nullTime returns the time of n, zero when NULL.
func nullTime(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return n.Time.UTC()
}

// orNull returns nil for a zero time, for nullable columns.
func orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// endOfDay is the last second of day (a date in Norway) as UTC.
func endOfDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, oslo).UTC()
}

// FormatDate writes t's day in Norway as "dd.mm.yyyy".
func FormatDate(t time.Time) string { return t.In(oslo).Format("02.01.2006") }

// translator returns T in lang for the module's e-mails.
func (s *Service) translator(lang string) func(string, ...any) string {
	l, ok := i18n.Parse(lang)
	if !ok {
		l = i18n.NB
	}
	return func(key string, args ...any) string { return s.cat.T(l, key, args...) }
}
