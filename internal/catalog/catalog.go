// Package catalog is the municipality's service catalogue: municipal
// services (tjenester) arranged by life situation (livssituasjon), each with
// a description (tjenestebeskrivelse), what the citizen can expect
// (serviceerklæring, with a promised processing time in days), whom to
// contact and the form to apply with; information pages beside them; and a
// full-text search over services and pages that understands Norwegian word
// forms.
//
// Texts are kept in bokmål, nynorsk and English; bokmål is required and an
// empty nynorsk or English text falls back to it. The catalogue owns the
// tables catalog_situations, catalog_services, catalog_service_situations,
// catalog_pages and the search index catalog_search, an FTS5 table on
// SQLite and a table with a tsvector column on PostgreSQL (see search.go).
//
// The pages are public: /tjenester, /tjenester/{slug}, /tjeneste/{slug},
// /info/{slug} and /sok (see Routes). Staff screens for maintaining the
// catalogue come later; until then the service methods and Seed fill it.
package catalog

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the catalogue's migrations.
var Schema = db.EmbeddedSchema("catalog", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// langs are the languages texts are kept in, bokmål first.
var langs = []string{"nb", "nn", "en"}

// Text is a text in bokmål, nynorsk and English. NB is the one that must be
// there; the others fall back to it.
type Text struct {
	NB, NN, EN string
}

// In returns the text in lang ("nb", "nn" or "en"), or in bokmål when there
// is none in lang.
func (t Text) In(lang string) string {
	v, _ := t.pick(lang)
	return v
}

// LangOf returns the language that In(lang) is written in: lang itself, or
// "nb" when In falls back to bokmål. Pages mark fallback text with it, so
// screen readers pronounce it right.
func (t Text) LangOf(lang string) string {
	_, l := t.pick(lang)
	return l
}

func (t Text) pick(lang string) (string, string) {
	switch {
	case lang == "nn" && t.NN != "":
		return t.NN, "nn"
	case lang == "en" && t.EN != "":
		return t.EN, "en"
	}
	return t.NB, "nb"
}

func (t Text) clean() Text {
	return Text{NB: cleanText(t.NB), NN: cleanText(t.NN), EN: cleanText(t.EN)}
}

// cleanText trims a text and gives it Unix line endings.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", "\n"))
}

// LifeSituation is a life situation (livssituasjon) such as "Familie og
// barn": the catalogue's top level.
type LifeSituation struct {
	Slug      string // its address: /tjenester/{slug}
	Title     Text
	Intro     Text // one or two sentences about what is under it
	SortOrder int  // lower first; ties by title
	UpdatedAt time.Time

	// Services are the published services under it, by name. LifeSituations
	// and LifeSituation fill it in.
	Services []MunicipalService
	// Pages are the information pages under it, by title. Only
	// LifeSituation fills it in.
	Pages []Page
}

// Contact says whom to contact about a service.
type Contact struct {
	Unit  string // the responsible unit, e.g. "Barnehagekontoret"
	Email string // an e-mail address; may be empty
	Phone string // a phone number, digits and spaces, optionally +country first; may be empty
}

// MunicipalService is one service in the catalogue, e.g. "Søknad om
// barnehageplass".
type MunicipalService struct {
	Slug       string   // its address: /tjeneste/{slug}
	Situations []string // slugs of the life situations it is under, sorted; may be empty
	Name       Text
	Summary    Text // one or two sentences, shown in lists and search results
	// Description is what the service is: plain text, paragraphs separated
	// by blank lines, lines starting with "- " make a list.
	Description Text
	// Declaration is the service declaration (serviceerklæring): what the
	// citizen can expect. Same format as Description; may be empty.
	Declaration Text
	// ProcessingDays is the promised processing time in days, 0 to 365; 0
	// means that no time is promised.
	ProcessingDays int
	Contact        Contact
	// FormID is the slug of the service's form in the form module, or
	// empty. At most one service has a given form.
	FormID string
	// Published services are shown and searchable; the others are drafts.
	Published bool
	UpdatedAt time.Time
}

// Page is an information page, e.g. "Eiendomsskatt".
type Page struct {
	Slug      string // its address: /info/{slug}
	Title     Text
	Body      Text   // same format as MunicipalService.Description
	Situation string // the life situation it belongs to, or empty
	UpdatedAt time.Time
}

// Service keeps the catalogue of every municipality. It is safe for
// concurrent use.
type Service struct {
	db    *db.DB
	audit *audit.Log
}

// New returns a Service on d that records changes in log.
func New(d *db.DB, log *audit.Log) *Service {
	return &Service{db: d, audit: log}
}

// Limits on the lengths of texts and slugs, in characters, and on the
// promised processing time, in days.
const (
	MaxSlug        = 100
	MaxTitle       = 200
	MaxSummary     = 1000
	MaxBody        = 20000
	MaxDeclaration = 5000
	MaxUnit        = 200
	MaxProcessing  = 365
)

var (
	slugRE  = regexp.MustCompile(`^[a-z0-9-]+$`)
	phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ]{5,18}[0-9]$`)
)

// validSlug reports whether s is a usable slug: lower-case a–z, digits and
// hyphens, at most MaxSlug characters.
func validSlug(s string) bool { return len(s) <= MaxSlug && slugRE.MatchString(s) }

// checkText adds field errors for a localized text: name_nb is required and
// each language at most max characters long.
func checkText(fields map[string]string, name string, t Text, max int, required bool) {
	for _, l := range langs {
		v := map[string]string{"nb": t.NB, "nn": t.NN, "en": t.EN}[l]
		switch {
		case l == "nb" && required && v == "":
			fields[name+"_nb"] = "catalog.error.required"
		case utf8.RuneCountInString(v) > max:
			fields[name+"_"+l] = "catalog.error.too_long"
		}
	}
}

// validEmail reports whether s is a bare e-mail address (no display name)
// with a domain that has a dot.
func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func invalid(op errs.Op, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return errs.E(op, errs.Invalid, errs.Key("catalog.error.invalid"), fields)
}

// Validate checks a life situation before it is stored. It returns an
// errs.Invalid error with a message key per wrong field: slug, title_nb (and
// _nn, _en), intro_*, sort_order.
func (ls LifeSituation) Validate() error {
	fields := map[string]string{}
	if !validSlug(ls.Slug) {
		fields["slug"] = "catalog.error.slug"
	}
	checkText(fields, "title", ls.Title, MaxTitle, true)
	checkText(fields, "intro", ls.Intro, MaxSummary, false)
	if ls.SortOrder < -1000000 || ls.SortOrder > 1000000 {
		fields["sort_order"] = "catalog.error.sort_order"
	}
	return invalid("catalog.LifeSituation.Validate", fields)
}

// Validate checks a service before it is stored. It returns an errs.Invalid
// error with a message key per wrong field: slug, name_nb, summary_nb,
// description_nb (and the _nn, _en variants when too long), declaration_*,
// processing_days, contact_unit, contact_email, contact_phone, form_id,
// situations. That the life situations exist is checked when storing.
func (m MunicipalService) Validate() error {
	fields := map[string]string{}
	if !validSlug(m.Slug) {
		fields["slug"] = "catalog.error.slug"
	}
	checkText(fields, "name", m.Name, MaxTitle, true)
	checkText(fields, "summary", m.Summary, MaxSummary, true)
	checkText(fields, "description", m.Description, MaxBody, true)
	checkText(fields, "declaration", m.Declaration, MaxDeclaration, false)
	if m.ProcessingDays < 0 || m.ProcessingDays > MaxProcessing {
		fields["processing_days"] = "catalog.error.processing_days"
	}
	if utf8.RuneCountInString(m.Contact.Unit) > MaxUnit {
		fields["contact_unit"] = "catalog.error.too_long"
	}
	if m.Contact.Email != "" && !validEmail(m.Contact.Email) {
		fields["contact_email"] = "catalog.error.email"
	}
	if m.Contact.Phone != "" && !phoneRE.MatchString(m.Contact.Phone) {
		fields["contact_phone"] = "catalog.error.phone"
	}
	if m.FormID != "" && !validSlug(m.FormID) {
		fields["form_id"] = "catalog.error.form_id"
	}
	for _, s := range m.Situations {
		if !validSlug(s) {
			fields["situations"] = "catalog.error.situation"
		}
	}
	return invalid("catalog.MunicipalService.Validate", fields)
}

// Validate checks an information page before it is stored. It returns an
// errs.Invalid error with a message key per wrong field: slug, title_*,
// body_*, situation.
func (p Page) Validate() error {
	fields := map[string]string{}
	if !validSlug(p.Slug) {
		fields["slug"] = "catalog.error.slug"
	}
	checkText(fields, "title", p.Title, MaxTitle, true)
	checkText(fields, "body", p.Body, MaxBody, true)
	if p.Situation != "" && !validSlug(p.Situation) {
		fields["situation"] = "catalog.error.situation"
	}
	return invalid("catalog.Page.Validate", fields)
}

func (ls LifeSituation) clean() LifeSituation {
	ls.Slug = strings.TrimSpace(ls.Slug)
	ls.Title, ls.Intro = ls.Title.clean(), ls.Intro.clean()
	ls.Services, ls.Pages = nil, nil
	return ls
}

func (m MunicipalService) clean() MunicipalService {
	m.Slug = strings.TrimSpace(m.Slug)
	m.Name, m.Summary, m.Description, m.Declaration = m.Name.clean(), m.Summary.clean(), m.Description.clean(), m.Declaration.clean()
	m.Contact = Contact{Unit: strings.TrimSpace(m.Contact.Unit), Email: strings.TrimSpace(m.Contact.Email), Phone: strings.TrimSpace(m.Contact.Phone)}
	m.FormID = strings.TrimSpace(m.FormID)
	var sits []string
	for _, s := range m.Situations {
		if s = strings.TrimSpace(s); !slices.Contains(sits, s) {
			sits = append(sits, s)
		}
	}
	slices.Sort(sits)
	m.Situations = sits
	return m
}

func (p Page) clean() Page {
	p.Slug, p.Situation = strings.TrimSpace(p.Slug), strings.TrimSpace(p.Situation)
	p.Title, p.Body = p.Title.clean(), p.Body.clean()
	return p
}

// UpsertLifeSituation creates or replaces the life situation ls.Slug of
// tenant, and records the change in the audit log as actor. Texts are
// trimmed. Errors: Invalid (see LifeSituation.Validate).
func (s *Service) UpsertLifeSituation(ctx context.Context, tenant string, ls LifeSituation, actor audit.Entry) (LifeSituation, error) {
	const op = errs.Op("catalog.UpsertLifeSituation")
	ls = ls.clean()
	if err := ls.Validate(); err != nil {
		return LifeSituation{}, errs.E(op, err)
	}
	ls.UpdatedAt = s.db.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_situations (tenant_id, slug, title_nb, title_nn, title_en, intro_nb, intro_nn, intro_en, sort_order, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (tenant_id, slug) DO UPDATE SET title_nb = excluded.title_nb, title_nn = excluded.title_nn, title_en = excluded.title_en,
				intro_nb = excluded.intro_nb, intro_nn = excluded.intro_nn, intro_en = excluded.intro_en,
				sort_order = excluded.sort_order, updated_at = excluded.updated_at`,
			tenant, ls.Slug, ls.Title.NB, ls.Title.NN, ls.Title.EN, ls.Intro.NB, ls.Intro.NN, ls.Intro.EN, ls.SortOrder, ls.UpdatedAt)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "catalog.situation.upsert", "situation:"+ls.Slug, ls.Title.NB)
	})
	if err != nil {
		return LifeSituation{}, errs.E(op, err)
	}
	return ls, nil
}

// UpsertService creates or replaces the service m.Slug of tenant with its
// life situations, updates the search index in the same transaction (a
// service that is not published is taken out of it), and records the change
// in the audit log as actor. Texts are trimmed. Errors: Invalid (see
// MunicipalService.Validate; also "situations" when a life situation does
// not exist and "form_id" when another service has the form).
func (s *Service) UpsertService(ctx context.Context, tenant string, m MunicipalService, actor audit.Entry) (MunicipalService, error) {
	const op = errs.Op("catalog.UpsertService")
	m = m.clean()
	if err := m.Validate(); err != nil {
		return MunicipalService{}, errs.E(op, err)
	}
	m.UpdatedAt = s.db.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, sit := range m.Situations {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM catalog_situations WHERE tenant_id = $1 AND slug = $2`, tenant, sit).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.E(errs.Invalid, errs.Key("catalog.error.invalid"), map[string]string{"situations": "catalog.error.situation"})
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_services (tenant_id, slug, name_nb, name_nn, name_en, summary_nb, summary_nn, summary_en,
				description_nb, description_nn, description_en, declaration_nb, declaration_nn, declaration_en,
				processing_days, contact_unit, contact_email, contact_phone, form_id, published, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			ON CONFLICT (tenant_id, slug) DO UPDATE SET name_nb = excluded.name_nb, name_nn = excluded.name_nn, name_en = excluded.name_en,
				summary_nb = excluded.summary_nb, summary_nn = excluded.summary_nn, summary_en = excluded.summary_en,
				description_nb = excluded.description_nb, description_nn = excluded.description_nn, description_en = excluded.description_en,
				declaration_nb = excluded.declaration_nb, declaration_nn = excluded.declaration_nn, declaration_en = excluded.declaration_en,
				processing_days = excluded.processing_days, contact_unit = excluded.contact_unit, contact_email = excluded.contact_email,
				contact_phone = excluded.contact_phone, form_id = excluded.form_id, published = excluded.published, updated_at = excluded.updated_at`,
			tenant, m.Slug, m.Name.NB, m.Name.NN, m.Name.EN, m.Summary.NB, m.Summary.NN, m.Summary.EN,
			m.Description.NB, m.Description.NN, m.Description.EN, m.Declaration.NB, m.Declaration.NN, m.Declaration.EN,
			m.ProcessingDays, m.Contact.Unit, m.Contact.Email, m.Contact.Phone, m.FormID, m.Published, m.UpdatedAt)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Invalid, errs.Key("catalog.error.invalid"), map[string]string{"form_id": "catalog.error.form_taken"}, err)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM catalog_service_situations WHERE tenant_id = $1 AND service_slug = $2`, tenant, m.Slug); err != nil {
			return err
		}
		for _, sit := range m.Situations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_service_situations (tenant_id, situation_slug, service_slug) VALUES ($1, $2, $3)`,
				tenant, sit, m.Slug); err != nil {
				return err
			}
		}
		d := document{kind: KindService, slug: m.Slug, title: m.Name, summary: m.Summary, body: joinText(m.Description, m.Declaration)}
		if err := s.index(ctx, tx, tenant, d, m.Published); err != nil {
			return err
		}
		state := "published"
		if !m.Published {
			state = "draft"
		}
		return s.record(ctx, tx, tenant, actor, "catalog.service.upsert", "service:"+m.Slug, m.Name.NB+" ("+state+")")
	})
	if err != nil {
		return MunicipalService{}, errs.E(op, err)
	}
	return m, nil
}

// UpsertPage creates or replaces the information page p.Slug of tenant,
// updates the search index in the same transaction, and records the change
// in the audit log as actor. Texts are trimmed. Errors: Invalid (see
// Page.Validate; also "situation" when the life situation does not exist).
func (s *Service) UpsertPage(ctx context.Context, tenant string, p Page, actor audit.Entry) (Page, error) {
	const op = errs.Op("catalog.UpsertPage")
	p = p.clean()
	if err := p.Validate(); err != nil {
		return Page{}, errs.E(op, err)
	}
	p.UpdatedAt = s.db.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if p.Situation != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM catalog_situations WHERE tenant_id = $1 AND slug = $2`, tenant, p.Situation).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.E(errs.Invalid, errs.Key("catalog.error.invalid"), map[string]string{"situation": "catalog.error.situation"})
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_pages (tenant_id, slug, title_nb, title_nn, title_en, body_nb, body_nn, body_en, situation_slug, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (tenant_id, slug) DO UPDATE SET title_nb = excluded.title_nb, title_nn = excluded.title_nn, title_en = excluded.title_en,
				body_nb = excluded.body_nb, body_nn = excluded.body_nn, body_en = excluded.body_en,
				situation_slug = excluded.situation_slug, updated_at = excluded.updated_at`,
			tenant, p.Slug, p.Title.NB, p.Title.NN, p.Title.EN, p.Body.NB, p.Body.NN, p.Body.EN, p.Situation, p.UpdatedAt)
		if err != nil {
			return err
		}
		if err := s.index(ctx, tx, tenant, document{kind: KindPage, slug: p.Slug, title: p.Title, body: p.Body}, true); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "catalog.page.upsert", "page:"+p.Slug, p.Title.NB)
	})
	if err != nil {
		return Page{}, errs.E(op, err)
	}
	return p, nil
}

// record appends the audit entry of a change inside its transaction.
func (s *Service) record(ctx context.Context, tx *sql.Tx, tenant string, actor audit.Entry, action, object, detail string) error {
	actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, action, object, detail
	_, err := s.audit.Append(ctx, tx, actor)
	return err
}

// joinText joins two texts paragraph-wise in each language.
func joinText(a, b Text) Text {
	j := func(x, y string) string {
		if x == "" || y == "" {
			return x + y
		}
		return x + "\n\n" + y
	}
	out := Text{NB: j(a.NB, b.NB)}
	// A language with neither text falls back to bokmål as a whole.
	if a.NN != "" || b.NN != "" {
		out.NN = j(a.In("nn"), b.In("nn"))
	}
	if a.EN != "" || b.EN != "" {
		out.EN = j(a.In("en"), b.In("en"))
	}
	return out
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

const situationColumns = `slug, title_nb, title_nn, title_en, intro_nb, intro_nn, intro_en, sort_order, updated_at`

func scanSituation(sc scanner) (LifeSituation, error) {
	var ls LifeSituation
	err := sc.Scan(&ls.Slug, &ls.Title.NB, &ls.Title.NN, &ls.Title.EN, &ls.Intro.NB, &ls.Intro.NN, &ls.Intro.EN, &ls.SortOrder, &ls.UpdatedAt)
	return ls, err
}

const serviceColumns = `slug, name_nb, name_nn, name_en, summary_nb, summary_nn, summary_en,
	description_nb, description_nn, description_en, declaration_nb, declaration_nn, declaration_en,
	processing_days, contact_unit, contact_email, contact_phone, form_id, published, updated_at`

func scanService(sc scanner) (MunicipalService, error) {
	var m MunicipalService
	err := sc.Scan(&m.Slug, &m.Name.NB, &m.Name.NN, &m.Name.EN, &m.Summary.NB, &m.Summary.NN, &m.Summary.EN,
		&m.Description.NB, &m.Description.NN, &m.Description.EN, &m.Declaration.NB, &m.Declaration.NN, &m.Declaration.EN,
		&m.ProcessingDays, &m.Contact.Unit, &m.Contact.Email, &m.Contact.Phone, &m.FormID, &m.Published, &m.UpdatedAt)
	return m, err
}

const pageColumns = `slug, title_nb, title_nn, title_en, body_nb, body_nn, body_en, situation_slug, updated_at`

func scanPage(sc scanner) (Page, error) {
	var p Page
	err := sc.Scan(&p.Slug, &p.Title.NB, &p.Title.NN, &p.Title.EN, &p.Body.NB, &p.Body.NN, &p.Body.EN, &p.Situation, &p.UpdatedAt)
	return p, err
}

// collect runs a query and scans each row with scan.
func collect[T any](ctx context.Context, d *db.DB, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := d.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// links returns the life situations of each service of tenant (or of one
// service when slug is set), sorted.
func (s *Service) links(ctx context.Context, tenant, slug string) (map[string][]string, error) {
	q := `SELECT service_slug, situation_slug FROM catalog_service_situations WHERE tenant_id = $1 ORDER BY service_slug, situation_slug`
	args := []any{tenant}
	if slug != "" {
		q = `SELECT service_slug, situation_slug FROM catalog_service_situations WHERE tenant_id = $1 AND service_slug = $2 ORDER BY situation_slug`
		args = append(args, slug)
	}
	pairs, err := collect(ctx, s.db, func(sc scanner) ([2]string, error) {
		var p [2]string
		err := sc.Scan(&p[0], &p[1])
		return p, err
	}, q, args...)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, nil
}

// Services returns the published services of tenant, by name in bokmål,
// each with its life situations.
func (s *Service) Services(ctx context.Context, tenant string) ([]MunicipalService, error) {
	const op = errs.Op("catalog.Services")
	list, err := collect(ctx, s.db, scanService, `SELECT `+serviceColumns+` FROM catalog_services WHERE tenant_id = $1 AND published = $2`, tenant, true)
	if err != nil {
		return nil, errs.E(op, err)
	}
	links, err := s.links(ctx, tenant, "")
	if err != nil {
		return nil, errs.E(op, err)
	}
	for i := range list {
		list[i].Situations = links[list[i].Slug]
	}
	sortServices(list, "nb")
	return list, nil
}

// LifeSituations returns the life situations of tenant in their order, each
// with its published services.
func (s *Service) LifeSituations(ctx context.Context, tenant string) ([]LifeSituation, error) {
	const op = errs.Op("catalog.LifeSituations")
	list, err := collect(ctx, s.db, scanSituation, `SELECT `+situationColumns+` FROM catalog_situations WHERE tenant_id = $1 ORDER BY sort_order, title_nb, slug`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	services, err := s.Services(ctx, tenant)
	if err != nil {
		return nil, err
	}
	for i := range list {
		for _, m := range services {
			if slices.Contains(m.Situations, list[i].Slug) {
				list[i].Services = append(list[i].Services, m)
			}
		}
	}
	return list, nil
}

// LifeSituation returns the life situation slug of tenant with its published
// services and its information pages. Errors: NotFound.
func (s *Service) LifeSituation(ctx context.Context, tenant, slug string) (LifeSituation, error) {
	const op = errs.Op("catalog.LifeSituation")
	ls, err := s.situation(ctx, tenant, slug)
	if err != nil {
		return LifeSituation{}, errs.E(op, err)
	}
	services, err := collect(ctx, s.db, scanService, `SELECT `+prefixed("s.", serviceColumns)+` FROM catalog_services s
		JOIN catalog_service_situations l ON l.tenant_id = s.tenant_id AND l.service_slug = s.slug
		WHERE s.tenant_id = $1 AND l.situation_slug = $2 AND s.published = $3`, tenant, slug, true)
	if err != nil {
		return LifeSituation{}, errs.E(op, err)
	}
	links, err := s.links(ctx, tenant, "")
	if err != nil {
		return LifeSituation{}, errs.E(op, err)
	}
	for i := range services {
		services[i].Situations = links[services[i].Slug]
	}
	sortServices(services, "nb")
	ls.Services = services
	ls.Pages, err = collect(ctx, s.db, scanPage, `SELECT `+pageColumns+` FROM catalog_pages WHERE tenant_id = $1 AND situation_slug = $2 ORDER BY title_nb, slug`, tenant, slug)
	if err != nil {
		return LifeSituation{}, errs.E(op, err)
	}
	return ls, nil
}

// situation reads one life situation without its services.
func (s *Service) situation(ctx context.Context, tenant, slug string) (LifeSituation, error) {
	ls, err := scanSituation(s.db.QueryRowContext(ctx, `SELECT `+situationColumns+` FROM catalog_situations WHERE tenant_id = $1 AND slug = $2`, tenant, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return LifeSituation{}, errs.E(errs.NotFound, errs.Key("catalog.error.situation_unknown"))
	}
	return ls, err
}

// prefixed qualifies each column of a column list with p.
func prefixed(p, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// ServiceBySlug returns the service slug of tenant with its life
// situations, published or not; public pages check Published. Errors:
// NotFound.
func (s *Service) ServiceBySlug(ctx context.Context, tenant, slug string) (MunicipalService, error) {
	return s.service(ctx, errs.Op("catalog.ServiceBySlug"), `slug = $2`, tenant, slug)
}

// ServiceByForm returns the service of tenant whose form is formID,
// published or not, so that the form module can show the service's name and
// promised processing time. Errors: NotFound.
func (s *Service) ServiceByForm(ctx context.Context, tenant, formID string) (MunicipalService, error) {
	if formID == "" {
		return MunicipalService{}, errs.E(errs.Op("catalog.ServiceByForm"), errs.NotFound, errs.Key("catalog.error.service_unknown"))
	}
	return s.service(ctx, errs.Op("catalog.ServiceByForm"), `form_id = $2`, tenant, formID)
}

func (s *Service) service(ctx context.Context, op errs.Op, where, tenant, key string) (MunicipalService, error) {
	m, err := scanService(s.db.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM catalog_services WHERE tenant_id = $1 AND `+where, tenant, key))
	if errors.Is(err, sql.ErrNoRows) {
		return MunicipalService{}, errs.E(op, errs.NotFound, errs.Key("catalog.error.service_unknown"))
	}
	if err != nil {
		return MunicipalService{}, errs.E(op, err)
	}
	links, err := s.links(ctx, tenant, m.Slug)
	if err != nil {
		return MunicipalService{}, errs.E(op, err)
	}
	m.Situations = links[m.Slug]
	return m, nil
}

// PageBySlug returns the information page slug of tenant. Errors: NotFound.
func (s *Service) PageBySlug(ctx context.Context, tenant, slug string) (Page, error) {
	const op = errs.Op("catalog.PageBySlug")
	p, err := scanPage(s.db.QueryRowContext(ctx, `SELECT `+pageColumns+` FROM catalog_pages WHERE tenant_id = $1 AND slug = $2`, tenant, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, errs.E(op, errs.NotFound, errs.Key("catalog.error.page_unknown"))
	}
	if err != nil {
		return Page{}, errs.E(op, err)
	}
	return p, nil
}

// sortServices sorts services by name in lang, in Norwegian alphabetical
// order.
func sortServices(list []MunicipalService, lang string) {
	slices.SortStableFunc(list, func(a, b MunicipalService) int {
		return compareNorwegian(a.Name.In(lang), b.Name.In(lang))
	})
}

// compareNorwegian compares two strings case-insensitively in Norwegian
// alphabetical order, where æ, ø and å come after z in that order.
func compareNorwegian(a, b string) int {
	key := func(s string) []rune {
		rs := []rune(strings.ToLower(s))
		for i, r := range rs {
			switch r {
			case 'æ':
				rs[i] = unicode.MaxRune - 2
			case 'ø':
				rs[i] = unicode.MaxRune - 1
			case 'å':
				rs[i] = unicode.MaxRune
			}
		}
		return rs
	}
	if c := slices.Compare(key(a), key(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
