// Package politics ("politikk") is local democracy in the open: the
// municipality's elected bodies (kommunestyre, formannskap, utvalg, råd)
// with their legislative terms, the elected officials (folkevalgte) and
// their seats, the meetings with agenda, case documents, decisions, votes
// and video, a contact form to each official, an iCalendar feed of the
// meetings, and the data behind the read-only OParl 1.1 API (package
// politics/oparl). It owns the tables politics_*.
//
// # Who does what
//
// The political secretariat (role identity.RoleSecretariat) plans a
// meeting, builds its agenda (saksliste) of numbered items ("PS 12/26"),
// uploads each item's case documents (a saksframlegg and attachments, PDF
// files judged by their content) and sends the notice (innkalling).
// Sending and publishing are one act (Service.Publish): in one transaction
// the notice e-mails to the members of the body are queued and the agenda
// and its public documents become public, and the time is recorded. The
// case documents are thus public on the internet at the same moment they
// are sent to the members, as the strategy asks. After the meeting the
// secretariat records the minutes (møteprotokoll) item by item: the
// decision, the vote (for, against, abstaining; by party and by member
// where recorded) and where in the recording the item starts. A decision
// is public as soon as it is recorded.
//
// # What is public, and what is not
//
// An item or a document can be exempt from public access (unntatt
// offentlighet) on a legal basis such as "Offl. § 13 jf. fvl. § 13 første
// ledd nr. 1", and a whole meeting can be closed (lukket møte) on one.
// Publishing is refused while an exempt item or document or a closed
// meeting has no legal basis, and while an item has no saksframlegg.
// Exempt content is shown only to the secretariat and to the elected
// officials who sit in the meeting's body, signed in as staff with the
// role identity.RoleOfficial and the e-mail address the secretariat has
// registered for them; every such read of a document is audited. To
// everyone else, and always in the OParl API, an exempt item shows only
// its number, its public title and its legal basis. All reads that pages
// and the API make go through Service.MeetingDetail, Service.Document or
// Service.PublicData, which apply these rules in one place (access.go).
//
// An official's e-mail address is never shown: citizens write through the
// contact form (Service.Contact), which queues the message to the official
// and, when the sender gives an address, a copy to the sender, and keeps
// the message for MessageDays days for the official's own page
// (Service.Official, /tilsett/politikk/meg): their bodies, their coming
// meetings with the exempt documents they are entitled to, and the
// messages sent to them.
//
// # Political cases, follows, feeds and search
//
// A political case (Case, cases.go) is a matter with a planned path
// through the bodies (committee, executive board, council, each with a
// planned day or month), linked to its archive case by the archive's case
// number. Agenda items name the case they handle, and the case's page
// shows each step as done, now or planned from the published items and
// their decisions. Other modules create cases with Service.CreateCase
// (the citizens' initiatives module, idempotent by an external key).
//
// Citizens follow a body or a case by e-mail (double opt-in; the address
// is stored only once confirmed; a daily digest, Service.Digest, with an
// unsubscribe link) or by Atom feed, and search cases, items, decisions
// and document titles (Service.Search). Pages, feeds, digests and search
// are all made from Service.PublicData, so they hold nothing that is not
// public.
package politics

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// Schema is the politics module's migrations.
var Schema = db.EmbeddedSchema("politics", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Kinds of elected bodies.
const (
	KindCouncil    = "kommunestyre"   // the municipal council
	KindExecutive  = "formannskap"    // the executive committee
	KindCommittee  = "utvalg"         // a standing committee (hovedutvalg)
	KindControl    = "kontrollutvalg" // the control committee
	KindElderly    = "eldrerad"       // the council for the elderly
	KindDisability = "funksjonsrad"   // the council for persons with disabilities
	KindYouth      = "ungdomsrad"     // the youth council
	KindOther      = "annet"
)

// Kinds lists the kinds of bodies in the order forms show them.
func Kinds() []string {
	return []string{KindCouncil, KindExecutive, KindCommittee, KindControl, KindElderly, KindDisability, KindYouth, KindOther}
}

// Roles in a body, in the order lists show them.
const (
	RoleChair       = "leder"
	RoleDeputyChair = "nestleder"
	RoleMember      = "medlem"
	RoleDeputy      = "varamedlem"
)

// Roles lists the roles in a body in display order.
func Roles() []string { return []string{RoleChair, RoleDeputyChair, RoleMember, RoleDeputy} }

// Kinds of case documents.
const (
	DocMain       = "saksframlegg" // the case presentation every item needs
	DocAttachment = "vedlegg"
)

// Votes a member can cast.
const (
	VoteFor     = "for"
	VoteAgainst = "mot"
	VoteAbstain = "avstar"
)

// Defaults of Config.
const (
	DefaultReplyDays   = 14
	DefaultContactRate = 5
	DefaultFollowRate  = 10
	DefaultMaxDocument = 8 << 20
)

// Limits of texts, in characters.
const (
	MaxName     = 200
	MaxText     = 2000
	MaxMessage  = 5000
	MaxDecision = 20000
	MaxURL      = 500
	MaxBasis    = 300
)

// Config holds the module's settings; zero values mean the defaults.
type Config struct {
	// ReplyDays is how many days elected officials usually take to answer
	// a citizen, as the receipt of the contact form says.
	ReplyDays int
	// ContactRate is how many messages one client address, and one sender
	// address, may send through the contact form per hour.
	ContactRate int
	// FollowRate is how many follow requests one client address, and one
	// e-mail address, may make per hour.
	FollowRate int
	// MaxDocument is the largest case document accepted, in bytes. Keep it
	// below the server's largest request body.
	MaxDocument int64
	// PublicURL is the deployment's public URL (config PublicURL, e.g.
	// "https://torg.example.no"), for the absolute links in notices, the
	// copy of a message and the calendar feed. Empty: the scheme and host
	// of the request.
	PublicURL string
	// DebateLink, when set, gives the link from a political case's page
	// to the citizens' debate about it (the dialogue module, wired by the
	// deployment): the path relative to the municipality's base and the
	// number of posts. nil, or an empty path: no link.
	DebateLink DebateLinkFunc
}

// DebateLinkFunc returns the link to the debate about case caseID of
// tenant: a path relative to the municipality's base ("debatt/sak/…") and
// the number of posts so far.
type DebateLinkFunc func(ctx context.Context, tenant, caseID string) (path string, posts int, err error)

// Service keeps the political data of every municipality. It is safe for
// concurrent use.
type Service struct {
	db    *db.DB
	audit *audit.Log
	mail  *notify.Queue
	blobs blob.Store
	cfg   Config
	cat   *i18n.Catalog // the module's own messages, for e-mails
}

// New returns a Service on d that records changes in log, queues e-mail on
// mail and keeps documents in blobs.
func New(d *db.DB, log *audit.Log, mail *notify.Queue, blobs blob.Store, cfg Config) *Service {
	if cfg.ReplyDays <= 0 {
		cfg.ReplyDays = DefaultReplyDays
	}
	if cfg.ContactRate <= 0 {
		cfg.ContactRate = DefaultContactRate
	}
	if cfg.FollowRate <= 0 {
		cfg.FollowRate = DefaultFollowRate
	}
	if cfg.MaxDocument <= 0 {
		cfg.MaxDocument = DefaultMaxDocument
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	cat := i18n.NewCatalog()
	if err := cat.AddFS(Messages()); err != nil {
		panic("politics: " + err.Error()) // the embedded files are broken: a build mistake
	}
	return &Service{db: d, audit: log, mail: mail, blobs: blobs, cfg: cfg, cat: cat}
}

// Config returns the settings in effect.
func (s *Service) Config() Config { return s.cfg }

// oslo is the time zone meetings are planned and shown in.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// Oslo returns the time zone meetings are planned and shown in.
func Oslo() *time.Location { return oslo }

// Term is a legislative term (valgperiode).
type Term struct {
	ID, Name   string
	Start, End string // "2023-10-01", "2027-09-30"
	Created    time.Time
	Modified   time.Time
}

// Party is a party or list that officials represent.
type Party struct {
	ID        string // "ap"
	ShortName string // "Ap"
	Name      string // "Arbeiderpartiet"
	Created   time.Time
	Modified  time.Time
}

// Body is an elected body (politisk organ) of a municipality.
type Body struct {
	ID          string // a slug, "kommunestyret"
	Name        string
	ShortName   string
	Kind        string // Kind* constants
	Description string
	TermID      string
	Position    int
	Created     time.Time
	Modified    time.Time
}

// Person is an elected official.
type Person struct {
	ID         string
	GivenName  string
	FamilyName string
	PartyID    string
	Title      string
	About      string
	Email      string // never shown; may be empty
	Created    time.Time
	Modified   time.Time
}

// Name returns the person's full name.
func (p Person) Name() string { return strings.TrimSpace(p.GivenName + " " + p.FamilyName) }

// Contactable reports whether citizens can write to the person.
func (p Person) Contactable() bool { return p.Email != "" }

// Membership is a person's seat in a body for a period.
type Membership struct {
	ID          string
	PersonID    string
	BodyID      string
	Role        string // Role* constants
	PartyID     string // on behalf of
	Start, End  string // "2023-10-01"; End may be empty
	VotingRight bool
	Created     time.Time
	Modified    time.Time
}

// ActiveOn reports whether the seat is held on day ("2026-03-12").
func (m Membership) ActiveOn(day string) bool {
	return m.Start <= day && (m.End == "" || day <= m.End)
}

// Meeting is a meeting of a body.
type Meeting struct {
	ID          string
	BodyID      string
	Start, End  time.Time
	Place       string
	Address     string
	Closed      bool
	ClosedBasis string
	StreamURL   string
	VideoURL    string
	PublishedAt time.Time // zero until the notice is sent
	Created     time.Time
	Modified    time.Time
}

// Published reports whether the notice has been sent and the agenda is
// public.
func (m Meeting) Published() bool { return !m.PublishedAt.IsZero() }

// Day returns the meeting's day in Oslo, "2026-03-12".
func (m Meeting) Day() string { return m.Start.In(oslo).Format("2006-01-02") }

// Held reports whether the meeting has ended at now.
func (m Meeting) Held(now time.Time) bool { return !m.End.After(now) }

// Item is an item on a meeting's agenda, with its decision once recorded.
type Item struct {
	ID          string
	MeetingID   string
	Position    int
	Number      string // "PS 12/26"
	Title       string
	CaseRef     string
	Exempt      bool
	LegalBasis  string
	PublicTitle string
	Decision    string
	DecidedAt   time.Time
	Vote        *Vote // nil: no vote recorded
	VideoOffset int   // seconds into the recording; -1: none
	Created     time.Time
	Modified    time.Time
	// CaseID is the political case the item handles; empty: none.
	CaseID string
}

// Decided reports whether a decision has been recorded.
func (it Item) Decided() bool { return !it.DecidedAt.IsZero() }

// Vote is the result of a vote on an item.
type Vote struct {
	For, Against, Abstain int
	ByParty               []PartyVote  // may be empty
	ByMember              []MemberVote // may be empty
}

// Unanimous reports whether nobody voted against or abstained.
func (v Vote) Unanimous() bool { return v.Against == 0 && v.Abstain == 0 }

// PartyVote is how a party's members voted.
type PartyVote struct {
	PartyID               string
	For, Against, Abstain int
}

// MemberVote is how one member voted: VoteFor, VoteAgainst or VoteAbstain.
type MemberVote struct {
	PersonID string
	Vote     string
}

// Document is a case document of an item.
type Document struct {
	ID         string
	ItemID     string
	Kind       string // DocMain or DocAttachment
	Title      string
	FileName   string
	BlobSum    string
	SHA1       string
	Size       int64
	Exempt     bool
	LegalBasis string
	Position   int
	Created    time.Time
	Modified   time.Time
}

// --- helpers ---

// idAlphabet has no letters that are easily confused.
const idAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newID returns a random id of 12 characters (about 59 bits).
func newID() string {
	var b [12]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b[:])
}

// validID reports whether s can be an id of this package (random ids and
// slugs): lower-case letters, digits and hyphens, 1 to 64 characters.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// slug makes an id from a name: "Hovedutvalg for oppvekst" →
// "hovedutvalg-for-oppvekst".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch r {
		case 'æ':
			b.WriteString("ae")
			dash = false
			continue
		case 'ø', 'ö':
			b.WriteString("o")
			dash = false
			continue
		case 'å', 'ä', 'á', 'à':
			b.WriteString("a")
			dash = false
			continue
		case 'é', 'è':
			b.WriteString("e")
			dash = false
			continue
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 50 {
		s = strings.Trim(s[:50], "-")
	}
	return s
}

// clean trims a one-line text, drops control characters and invalid
// UTF-8 and folds runs of white space.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cleanText is clean for a text of several lines: Unix line endings, no
// control characters other than line feeds and tabs, trimmed.
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

// tooLong reports whether s has more than n characters.
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// parseDate reads a day written dd.mm.yyyy (one-digit day and month and
// spaces around it are accepted) or yyyy-mm-dd, and returns it as
// "yyyy-mm-dd".
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil && len(s) == 10 {
		return t.Format("2006-01-02"), true
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return "", false
	}
	var n [3]int
	for i, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		n[i], _ = strconv.Atoi(p)
	}
	d, m, y := n[0], n[1], n[2]
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != time.Month(m) {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// parseClock reads a time of day written "18:00", "18.00" or "1800" and
// returns hours and minutes.
func parseClock(s string) (int, int, bool) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, ".", ":")
	if len(s) == 4 && !strings.Contains(s, ":") {
		s = s[:2] + ":" + s[2:]
	}
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || strings.ContainsAny(h+m, "+- ") {
		return 0, 0, false
	}
	return hh, mm, true
}

// ParseOffset reads a position in a recording written as seconds ("1234")
// or as minutes and seconds or hours, minutes and seconds ("20:34",
// "1:02:03"), and returns it in seconds. An offset is at most 24 hours.
func ParseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 12 {
		return 0, false
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false
	}
	total := 0
	for i, p := range parts {
		if p == "" || len(p) > 6 {
			return 0, false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		n, _ := strconv.Atoi(p)
		if i > 0 && (n > 59 || len(p) != 2) {
			return 0, false
		}
		total = total*60 + n
	}
	if total > 24*3600 {
		return 0, false
	}
	return total, true
}

// FormatOffset writes seconds as "1:02:03" or "20:34".
func FormatOffset(sec int) string {
	h, m, s := sec/3600, sec/60%60, sec%60
	if h > 0 {
		return strconv.Itoa(h) + ":" + twoDigits(m) + ":" + twoDigits(s)
	}
	return strconv.Itoa(m) + ":" + twoDigits(s)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// checkURL reports whether s is an absolute http or https URL that may be
// shown as a link.
func checkURL(s string) bool {
	if s == "" || tooLong(s, MaxURL) || strings.ContainsAny(s, " \t\r\n\"'<>") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// VideoAt returns the link to offset seconds into a recording: the
// recording's URL with a media fragment "#t=1234" (W3C Media Fragments),
// replacing any fragment it had.
func VideoAt(recording string, offset int) string {
	if recording == "" || offset < 0 {
		return ""
	}
	base, _, _ := strings.Cut(recording, "#")
	return base + "#t=" + strconv.Itoa(offset)
}

// checkEmail returns the address in s in lower case, or false when s is
// not a single plain address.
func checkEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", false
	}
	return strings.ToLower(s), true
}

// invalid returns the Invalid error for fields, or nil when there are none.
func invalid(op errs.Op, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return errs.E(op, errs.Invalid, errs.Key("politics.error.invalid"), fields)
}

// record appends an audit entry for a change in tx.
func (s *Service) record(ctx context.Context, tx *sql.Tx, tenant string, actor audit.Entry, action, object, detail string) error {
	actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, action, object, detail
	_, err := s.audit.Append(ctx, tx, actor)
	return err
}

// notFound is the error for an object that does not exist in the
// municipality, or that the viewer may not know exists.
func notFound(op errs.Op, key string, cause error) error {
	return errs.E(op, errs.NotFound, errs.Key(key), cause)
}

// nullTime returns the time of n, zero when NULL.
func nullTime(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return n.Time.UTC()
}

// nullString is s, or NULL when s is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// isNoRows reports whether err says a query found nothing.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
