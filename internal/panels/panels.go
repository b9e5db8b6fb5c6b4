// Package panels is the municipality's citizens' panel
// ("innbyggjarpanel"): residents who have agreed to be sent surveys now
// and then. It owns the tables panels_*.
//
// # Members and what is stored
//
// A resident signs in through ID-porten and enrols with consent, an area
// of the municipality and an e-mail address for invitations (Enrol). Only
// residents may enrol: Residents says who is one (the register the
// citizen initiatives use). The age group is worked out from the
// fødselsnummer's birth date and shown to them. A member's row
// (panels_members) holds exactly: a random id, a person key (an HMAC of
// the fødselsnummer under a secret of the municipality, to recognise the
// member when they sign in; not the number), the e-mail address, the age
// group, the area and the day they joined. A member leaves at any time
// (Leave): the row is deleted at once, and every survey invitation they
// have is revoked. Answers already given stay in the results without
// anything that points to the member: they carry the background cell
// (age group and area), not the person.
//
// # Areas and population
//
// The municipality's areas and its population per area and age group
// (SetPopulation, ParsePopulation) are the choices members pick from and
// the targets results are weighted to.
//
// # Panel surveys and weighted results
//
// A panel survey is a survey of the surveys module with audience
// surveys.AudiencePanel. Send opens it and has the surveys module mail
// every member a personal single-use link (surveys.SendPanel) with the
// member's cell; the response stores the cell only. Weighted returns the
// results weighted by background with post-stratification (see Weights),
// beside the unweighted counts, and hides every group of fewer than
// surveys.MinGroup.
package panels

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/surveys"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the panels module's migrations.
var Schema = db.EmbeddedSchema("panels", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Residents says who lives in a municipality. internal/server passes the
// register the citizen initiatives use.
type Residents interface {
	// Resident reports whether the person with fødselsnummer pid lives in
	// tenant.
	Resident(ctx context.Context, tenant, pid string) (bool, error)
}

// The age groups, youngest first. A member is at least MinAge years old.
const (
	Age16 = "a16" // 16–29
	Age30 = "a30" // 30–44
	Age45 = "a45" // 45–66
	Age67 = "a67" // 67 and older
)

// MinAge is the youngest age at which a resident may join.
const MinAge = 16

// AgeGroups lists the age groups in order.
func AgeGroups() []string { return []string{Age16, Age30, Age45, Age67} }

// AgeGroup returns the age group of a person born on birth, on the day of
// now in Norway, or "" when they are younger than MinAge.
func AgeGroup(birth, now time.Time) string {
	y, m, d := now.In(oslo).Date()
	age := y - birth.Year()
	if m < birth.Month() || (m == birth.Month() && d < birth.Day()) {
		age--
	}
	switch {
	case age < MinAge:
		return ""
	case age < 30:
		return Age16
	case age < 45:
		return Age30
	case age < 67:
		return Age45
	}
	return Age67
}

// Limits.
const (
	MaxArea      = 80  // characters of an area's name
	MaxAreas     = 100 // areas of a municipality
	MaxCount     = 10_000_000
	MaxPopBytes  = 64 << 10 // the population text
	MaxEmail     = 254
	defaultRate  = 20 // enrolment attempts per client address and hour
	stratumSep   = "|"
	idLen        = 16
	personPrefix = "torg-panel-person\x00"
)

// The form field names of enrolment and of the population.
const (
	FieldConsent    = "samtykke"
	FieldArea       = "omrade"
	FieldEmail      = "epost"
	FieldPopulation = "befolkning"
	FieldTitle      = "tittel"
)

// Config configures the module.
type Config struct {
	// EnrolRate is how many enrolment requests one client address may send
	// per hour (20 when zero). Leaving is never limited.
	EnrolRate int
}

// Service keeps the panels of every municipality. It is safe for
// concurrent use.
type Service struct {
	db      *db.DB
	audit   *audit.Log
	surveys *surveys.Service
	res     Residents
	cfg     Config
}

// New returns a Service on d that audits changes in log, asks res who is
// a resident and sends panel surveys through sv.
func New(d *db.DB, log *audit.Log, sv *surveys.Service, res Residents, cfg Config) *Service {
	if cfg.EnrolRate <= 0 {
		cfg.EnrolRate = defaultRate
	}
	return &Service{db: d, audit: log, surveys: sv, res: res, cfg: cfg}
}

var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func newID() string {
	var b [10]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// Actor is who makes a change, for the audit log.
type Actor = audit.Entry

func (s *Service) log(ctx context.Context, tx *sql.Tx, tenant string, actor Actor, action, object, detail string) error {
	e := actor
	e.Tenant, e.Action, e.Object, e.Detail = tenant, action, object, detail
	_, err := s.audit.Append(ctx, tx, e)
	return err
}

// personKey returns the HMAC of pid under tenant's secret, making the
// secret on first use.
func (s *Service) personKey(ctx context.Context, tenant, pid string) (string, error) {
	var secret []byte
	err := s.db.QueryRowContext(ctx, `SELECT secret FROM panels_secrets WHERE tenant_id = $1`, tenant).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO panels_secrets (tenant_id, secret) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`, tenant, fresh); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT secret FROM panels_secrets WHERE tenant_id = $1`, tenant).Scan(&secret)
		})
	}
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(personPrefix + pid))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// Member is a member of the panel: everything stored about them.
type Member struct {
	ID       string
	Email    string
	AgeGroup string
	Area     string
	Joined   string // the day, "2026-11-23"
}

// Stratum returns the member's background cell as the surveys module
// stores it with a response.
func (m Member) Stratum() string { return Stratum(m.AgeGroup, m.Area) }

// Stratum returns the background cell of age group age and area.
func Stratum(age, area string) string { return age + stratumSep + area }

// ParseStratum splits a background cell into age group and area.
func ParseStratum(s string) (age, area string, ok bool) {
	age, area, ok = strings.Cut(s, stratumSep)
	return age, area, ok && age != "" && area != ""
}

// Eligibility is what a signed-in person may do: whether they are a
// member, and otherwise their age group for the enrolment form.
type Eligibility struct {
	Member   *Member
	AgeGroup string // "" when too young
}

// ageOf returns the age group of pid now.
func (s *Service) ageOf(pid string) (string, bool) {
	n, err := nin.Parse(pid)
	if err != nil {
		return "", false
	}
	return AgeGroup(n.BirthDate(), s.db.Now()), true
}

// Check returns pid's membership, or their age group when they are not a
// member. Errors: Invalid (panels.error.pid) for a pid that is not a
// fødselsnummer.
func (s *Service) Check(ctx context.Context, tenant, pid string) (Eligibility, error) {
	const op = errs.Op("panels.Check")
	age, ok := s.ageOf(pid)
	if !ok {
		return Eligibility{}, errs.E(op, errs.Invalid, errs.Key("panels.error.pid"))
	}
	key, err := s.personKey(ctx, tenant, pid)
	if err != nil {
		return Eligibility{}, errs.E(op, err)
	}
	m, err := scanMember(s.db.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM panels_members WHERE tenant_id = $1 AND person_key = $2`, tenant, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Eligibility{AgeGroup: age}, nil
	}
	if err != nil {
		return Eligibility{}, errs.E(op, err)
	}
	return Eligibility{Member: &m, AgeGroup: age}, nil
}

const memberColumns = `id, email, age_group, area, joined`

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	err := row.Scan(&m.ID, &m.Email, &m.AgeGroup, &m.Area, &m.Joined)
	return m, err
}

// EnrolForm is an enrolment as posted.
type EnrolForm struct {
	Consent bool
	Area    string
	Email   string
}

// cleanLine drops invalid UTF-8 and control characters and trims.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Enrol makes the resident with fødselsnummer pid a member, with the age
// group worked out from it. Errors: Invalid (panels.error.pid); Forbidden
// (panels.error.not_resident) for a person the register does not know as
// a resident; Forbidden (panels.error.too_young) under MinAge; Conflict
// (panels.error.no_areas) before the municipality has given its areas;
// Invalid (panels.error.invalid) with field errors for samtykke
// (panels.error.consent), omrade (panels.error.area) and epost
// (panels.error.email); Conflict (panels.error.already_member).
func (s *Service) Enrol(ctx context.Context, tenant, pid string, f EnrolForm, actor Actor) (Member, error) {
	const op = errs.Op("panels.Enrol")
	age, ok := s.ageOf(pid)
	if !ok {
		return Member{}, errs.E(op, errs.Invalid, errs.Key("panels.error.pid"))
	}
	resident, err := s.res.Resident(ctx, tenant, pid)
	if err != nil {
		return Member{}, errs.E(op, err)
	}
	if !resident {
		return Member{}, errs.E(op, errs.Forbidden, errs.Key("panels.error.not_resident"))
	}
	if age == "" {
		return Member{}, errs.E(op, errs.Forbidden, errs.Key("panels.error.too_young"))
	}
	pop, err := s.Population(ctx, tenant)
	if err != nil {
		return Member{}, errs.E(op, err)
	}
	if len(pop.Areas) == 0 {
		return Member{}, errs.E(op, errs.Conflict, errs.Key("panels.error.no_areas"))
	}
	fields := map[string]string{}
	if !f.Consent {
		fields[FieldConsent] = "panels.error.consent"
	}
	f.Area = cleanLine(f.Area)
	if !pop.HasArea(f.Area) {
		fields[FieldArea] = "panels.error.area"
	}
	f.Email = strings.ToLower(cleanLine(f.Email))
	if addrs, bad := surveys.ParseAddresses(f.Email); len(bad) > 0 || len(addrs) != 1 || addrs[0] != f.Email || len(f.Email) > MaxEmail {
		fields[FieldEmail] = "panels.error.email"
	}
	if len(fields) > 0 {
		return Member{}, errs.E(op, errs.Invalid, errs.Key("panels.error.invalid"), fields)
	}
	key, err := s.personKey(ctx, tenant, pid)
	if err != nil {
		return Member{}, errs.E(op, err)
	}
	m := Member{ID: newID(), Email: f.Email, AgeGroup: age, Area: f.Area, Joined: s.db.Now().In(oslo).Format("2006-01-02")}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO panels_members (tenant_id, id, person_key, email, age_group, area, joined) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tenant, m.ID, key, m.Email, m.AgeGroup, m.Area, m.Joined); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, errs.Key("panels.error.already_member"), err)
			}
			return err
		}
		// Neither the address nor the background goes into the log.
		return s.log(ctx, tx, tenant, actor, "panel.join", "panel-member:"+m.ID, "")
	})
	if err != nil {
		return Member{}, errs.E(op, err)
	}
	return m, nil
}

// Leave deletes pid's membership at once: the member's row (address,
// background, person key) and every survey invitation they have, used or
// not. Answers they gave stay, with their background cell only. Errors:
// Invalid (panels.error.pid); NotFound (panels.error.not_member).
func (s *Service) Leave(ctx context.Context, tenant, pid string, actor Actor) error {
	const op = errs.Op("panels.Leave")
	el, err := s.Check(ctx, tenant, pid)
	if err != nil {
		return errs.E(op, err)
	}
	if el.Member == nil {
		return errs.E(op, errs.NotFound, errs.Key("panels.error.not_member"))
	}
	// The invitations first: should deleting the member fail after this,
	// leaving again finishes the job.
	if _, err := s.surveys.RevokePanel(ctx, tenant, el.Member.ID); err != nil {
		return errs.E(op, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM panels_members WHERE tenant_id = $1 AND id = $2`, tenant, el.Member.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, errs.Key("panels.error.not_member"))
		}
		return s.log(ctx, tx, tenant, actor, "panel.leave", "panel-member:"+el.Member.ID, "")
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Members returns the panel's members, by id. For sending surveys and
// counting; the staff pages show counts only.
func (s *Service) members(ctx context.Context, tenant string) ([]Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberColumns+` FROM panels_members WHERE tenant_id = $1 ORDER BY id`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Group is the members (or respondents) of one age group or area, and how
// that compares with the population.
type Group struct {
	Key        string // the age group, or the area's name
	N          int64
	Percent    int // of the panel
	PopPercent int // of the population
	Suppressed bool
}

// Overview is the panel at a glance, for staff.
type Overview struct {
	Total      int64
	Population Population
	ByAge      []Group
	ByArea     []Group
}

// Overview returns the number of members per age group and per area
// beside the population's shares; groups of fewer than surveys.MinGroup
// are suppressed (and so many more that they cannot be worked out).
func (s *Service) Overview(ctx context.Context, tenant string) (Overview, error) {
	const op = errs.Op("panels.Overview")
	pop, err := s.Population(ctx, tenant)
	if err != nil {
		return Overview{}, errs.E(op, err)
	}
	ms, err := s.members(ctx, tenant)
	if err != nil {
		return Overview{}, errs.E(op, err)
	}
	cells := map[Cell]int64{}
	for _, m := range ms {
		cells[Cell{m.AgeGroup, m.Area}]++
	}
	ov := Overview{Total: int64(len(ms)), Population: pop}
	ov.ByAge, ov.ByArea = groups(cells, pop)
	return ov, nil
}

// groups sums cells by age group and by area, with the population's
// shares and suppression.
func groups(cells map[Cell]int64, pop Population) (byAge, byArea []Group) {
	var total int64
	age, area := map[string]int64{}, map[string]int64{}
	for c, n := range cells {
		age[c.Age] += n
		area[c.Area] += n
		total += n
	}
	popAge, popArea := pop.Margins()
	popTotal := pop.Total()
	build := func(keys []string, n map[string]int64, p map[string]int64) []Group {
		var out []Group
		var sizes []int64
		for _, k := range keys {
			g := Group{Key: k, N: n[k], Percent: percent(float64(n[k]), float64(total)), PopPercent: percent(float64(p[k]), float64(popTotal))}
			out = append(out, g)
			sizes = append(sizes, n[k])
		}
		for i, h := range surveys.Suppress(sizes) {
			if h {
				out[i].Suppressed, out[i].N, out[i].Percent = true, 0, 0
			}
		}
		return out
	}
	areas := append([]string(nil), pop.Areas...)
	for a := range area {
		if !pop.HasArea(a) {
			areas = append(areas, a) // an area no longer listed
		}
	}
	return build(AgeGroups(), age, popAge), build(areas, area, popArea)
}

func percent(n, base float64) int {
	if base <= 0 {
		return 0
	}
	return int(n*100/base + 0.5)
}

// Surveys returns the municipality's panel surveys, newest first.
func (s *Service) Surveys(ctx context.Context, tenant string) ([]surveys.Survey, error) {
	const op = errs.Op("panels.Surveys")
	all, err := s.surveys.List(ctx, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []surveys.Survey
	for _, sv := range all {
		if sv.Audience == surveys.AudiencePanel {
			out = append(out, sv)
		}
	}
	return out, nil
}

// CreateSurvey makes a draft panel survey titled title. Errors: as
// surveys.Create (field tittel).
func (s *Service) CreateSurvey(ctx context.Context, tenant, title string, actor Actor) (surveys.Survey, error) {
	sv, err := s.surveys.Create(ctx, tenant, surveys.SurveyForm{Title: title, Anonymous: true, OneAnswer: true, Audience: surveys.AudiencePanel}, actor)
	if err != nil {
		return surveys.Survey{}, errs.E(errs.Op("panels.CreateSurvey"), err)
	}
	return sv, nil
}

// Send opens panel survey id (when it is a draft or closed) and sends it
// to every member who has not had it: each gets a personal single-use
// link by e-mail with letter. It returns how many were sent. Errors:
// NotFound; Conflict (surveys.error.not_panel, surveys.error.no_questions,
// panels.error.no_members).
func (s *Service) Send(ctx context.Context, tenant, id string, letter surveys.Letter, actor Actor) (int, error) {
	const op = errs.Op("panels.Send")
	sv, err := s.surveys.Get(ctx, tenant, id)
	if err != nil {
		return 0, errs.E(op, err)
	}
	if sv.Audience != surveys.AudiencePanel {
		return 0, errs.E(op, errs.Conflict, errs.Key("surveys.error.not_panel"))
	}
	ms, err := s.members(ctx, tenant)
	if err != nil {
		return 0, errs.E(op, err)
	}
	if len(ms) == 0 {
		return 0, errs.E(op, errs.Conflict, errs.Key("panels.error.no_members"))
	}
	if sv.Status != surveys.StatusOpen {
		if err := s.surveys.Open(ctx, tenant, id, letter, actor); err != nil {
			return 0, errs.E(op, err)
		}
	}
	rs := make([]surveys.Recipient, len(ms))
	for i, m := range ms {
		rs[i] = surveys.Recipient{Key: m.ID, Email: m.Email, Stratum: m.Stratum()}
	}
	n, err := s.surveys.SendPanel(ctx, tenant, id, rs, letter, actor)
	if err != nil {
		return 0, errs.E(op, err)
	}
	return n, nil
}
