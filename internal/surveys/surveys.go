// Package surveys ("undersøkingar") is a questionnaire builder for a
// municipality's staff, and the pages where people answer: citizen surveys,
// user surveys and employee surveys (medarbeidarundersøkingar, a survey
// sent to a list of staff addresses). It owns the tables surveys_*.
//
// # Surveys and questions
//
// A survey is made by a manager or an administrator (Create) and is a
// draft until it is opened (Open); only a draft can be changed. Its
// questions (AddQuestion) are of five kinds: single choice, multiple
// choice, a scale (e.g. 1 to 5), a matrix (rows answered on the same
// choices) and free text. A question may be conditional: shown only when
// an earlier single-choice or scale question was answered with a given
// choice. Conditions are handled on the server: the answer page shows the
// question with a hint ("answer only if …"), and Answer drops what was
// given to a question whose condition is not met.
//
// # Anonymous or identified, and who may answer
//
// The owner chooses, and the answer page says so first: an anonymous
// survey stores nobody with the answers; an identified one stores the
// respondent's name (open link) or e-mail address (list link) in
// surveys_respondents. The audience is an open link (/undersokelser/{id})
// or a list of addresses (AddInvites), each sent a personal single-use
// link by e-mail. A list link can be used once. An open survey may demand
// one answer per person: the respondent must then sign in, and a marker
// (an HMAC of the person under the survey's own secret) is stored apart
// from the answer.
//
// What anonymity rests on: a response (surveys_responses) holds a random id
// and the day only (the month only for the receipt survey), and a group
// (a panel's background cell, or the receipt survey's service and month);
// its answers (surveys_answers) hold the choices and texts. Answering
// writes no audit entry. The markers and the invitations' "answered" flag
// say that someone answered, not what. It does not rest on more: free text
// can say anything, and an operator who compares the physical order of
// rows may guess. Results hide every group of fewer than MinGroup answers,
// so that a breakdown cannot single anyone out.
//
// # Results
//
// Counts per choice are kept in surveys_counts, updated in the answering
// transaction, so the results page reads a few rows whatever the number
// of answers. So are the breakdown counters (surveys_cross): for every
// single-choice or scale answer, the other choices of the same response.
// Aggregating the answers instead took seconds at 100,000 responses.
//
// # Panel surveys
//
// A survey with audience AudiencePanel is sent by another module (the
// citizens' panel) to its members with SendPanel: each gets a personal
// single-use link by e-mail, as for a list, but the invitation holds an
// opaque recipient key and the member's background cell (a "stratum",
// e.g. "30-44|Sentrum") instead of the address. The response stores the
// stratum, never the recipient, and counters per stratum
// (surveys_strata_counts, StrataCounts) let the panel weight the results.
// A panel survey is always anonymous. RevokePanel deletes a recipient's
// invitations when they leave the panel.
//
// # The receipt survey
//
// A survey with audience AudienceReceipt is the satisfaction question of
// the receipt page, one per municipality (surveys_receipt), made by the
// feedback module on first use (Receipt) and answered only through its
// single-use ticket (AnswerReceipt, inside the feedback module's
// transaction): its own answer page is not found. It is always anonymous.
// Its responses carry a context instead of a background cell, the month
// and the service ("2026-11|kontakt"), in the stratum column, and in day
// the month only, because the feedback module promises no finer time.
// Counters per context (surveys_strata_counts, ReceiptCounts) give the
// managers' report its exact figures per service and month.
//
// Other modules can use the service directly (e.g. a satisfaction
// question, a citizens' panel): every exported method documents its
// errors.
package surveys

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base32"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/notify"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the surveys module's migrations.
var Schema = db.EmbeddedSchema("surveys", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// The kinds of question.
const (
	KindSingle   = "single"   // one of the options
	KindMultiple = "multiple" // any of the options
	KindScale    = "scale"    // a number from ScaleMin to ScaleMax
	KindMatrix   = "matrix"   // one option for each row
	KindText     = "text"     // free text
)

// Kinds lists the kinds of question in the order the builder offers them.
func Kinds() []string { return []string{KindSingle, KindMultiple, KindScale, KindMatrix, KindText} }

// The states of a survey.
const (
	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// The audiences of a survey.
const (
	AudienceOpen = "open" // a link anyone may use
	AudienceList = "list" // personal single-use links sent by e-mail
	// AudiencePanel is a citizens' panel: personal single-use links sent
	// by another module to its members (SendPanel), always anonymous.
	AudiencePanel = "panel"
)

// Limits.
const (
	MaxTitle     = 200
	MaxIntro     = 4000
	MaxQuestion  = 500
	MaxHelp      = 1000
	MaxOption    = 200
	MaxOptions   = 30
	MaxRows      = 30
	MaxQuestions = 100
	MaxAnswer    = 4000 // characters of a free-text answer
	MaxInvites   = 5000 // addresses added at once
	// MinGroup is the fewest answers a figure is shown for: any group
	// (and a question or survey total) with fewer is suppressed.
	MinGroup = 5
)

// Config configures the module.
type Config struct {
	// AnswerRate is how many answers one client address may send per hour
	// (60 when zero).
	AnswerRate int
}

// Service keeps the surveys of every municipality. It is safe for
// concurrent use.
type Service struct {
	db    *db.DB
	audit *audit.Log
	mail  *notify.Queue
	cfg   Config
}

// New returns a Service on d that audits changes in log and queues
// invitations on mail.
func New(d *db.DB, log *audit.Log, mail *notify.Queue, cfg Config) *Service {
	if cfg.AnswerRate <= 0 {
		cfg.AnswerRate = 60
	}
	return &Service{db: d, audit: log, mail: mail, cfg: cfg}
}

// oslo is the time zone days are counted in.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns a random id of 16 characters [a-z2-7].
func newID() string {
	var b [10]byte
	rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s can be a survey or question id.
func ValidID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Survey is a questionnaire.
type Survey struct {
	ID            string
	Title         string
	Intro         string
	Anonymous     bool
	OneAnswer     bool // one answer per person (always so for a list)
	Audience      string
	Status        string
	CreatedBy     string
	CreatedByName string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	secret        []byte
}

// NeedsSignIn reports whether a respondent of an open survey must sign in:
// to be named (identified) or to be counted once.
func (s Survey) NeedsSignIn() bool {
	return s.Audience == AudienceOpen && (s.OneAnswer || !s.Anonymous)
}

// SurveyForm is a survey's settings as posted.
type SurveyForm struct {
	Title     string
	Intro     string
	Anonymous bool
	OneAnswer bool
	Audience  string
}

// The form field names of a survey's settings and of a question, which
// the field errors of Create, Update, AddQuestion and UpdateQuestion use.
const (
	FieldTitle     = "tittel"
	FieldIntro     = "ingress"
	FieldAudience  = "malgruppe"
	FieldKind      = "type"
	FieldText      = "sporsmal"
	FieldHelp      = "hjelp"
	FieldOptions   = "alternativ"
	FieldRows      = "rader"
	FieldScaleMin  = "skala_fra"
	FieldScaleMax  = "skala_til"
	FieldLowLabel  = "skala_lag"
	FieldHighLabel = "skala_hog"
	FieldCondition = "vilkar"
	FieldAddresses = "adresser"
)

// cleanText drops invalid UTF-8 and control characters (line feeds and
// tabs too, unless multiline) and trims.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\r' {
			r = '\n'
		}
		if r == '\n' || r == '\t' {
			if multiline {
				return r
			}
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// clean checks and tidies the settings; fields gets the errors.
func (f *SurveyForm) clean(fields map[string]string) {
	f.Title = cleanText(f.Title, false)
	f.Intro = cleanText(f.Intro, true)
	switch {
	case f.Title == "":
		fields[FieldTitle] = "surveys.error.title_missing"
	case tooLong(f.Title, MaxTitle):
		fields[FieldTitle] = "surveys.error.title_long"
	}
	if tooLong(f.Intro, MaxIntro) {
		fields[FieldIntro] = "surveys.error.intro_long"
	}
	switch f.Audience {
	case AudienceOpen:
	case AudienceList:
		f.OneAnswer = true // a personal link is single-use
	case AudiencePanel:
		f.OneAnswer = true
		f.Anonymous = true // the panel's promise: answers without the person
	default:
		fields[FieldAudience] = "surveys.error.audience"
	}
}

// Actor is who makes a change, for the audit log.
type Actor = audit.Entry

func (s *Service) log(ctx context.Context, tx *sql.Tx, tenant string, actor Actor, action, object, detail string) error {
	e := actor
	e.Tenant, e.Action, e.Object, e.Detail = tenant, action, object, detail
	_, err := s.audit.Append(ctx, tx, e)
	return err
}

// Create makes a draft survey owned by actor. Errors: Invalid
// (surveys.error.invalid) with field errors for tittel, ingress and
// malgruppe.
func (s *Service) Create(ctx context.Context, tenant string, f SurveyForm, actor Actor) (Survey, error) {
	const op = errs.Op("surveys.Create")
	fields := map[string]string{}
	f.clean(fields)
	if len(fields) > 0 {
		return Survey{}, errs.E(op, errs.Invalid, errs.Key("surveys.error.invalid"), fields)
	}
	now := s.db.Now()
	sv := Survey{ID: newID(), Title: f.Title, Intro: f.Intro, Anonymous: f.Anonymous, OneAnswer: f.OneAnswer, Audience: f.Audience,
		Status: StatusDraft, CreatedBy: actor.ActorID, CreatedByName: actor.ActorName, CreatedAt: now, UpdatedAt: now, secret: make([]byte, 32)}
	rand.Read(sv.secret)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_surveys (tenant_id, id, title, intro, anonymous, one_answer, audience, status, secret,
			created_by, created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			tenant, sv.ID, sv.Title, sv.Intro, sv.Anonymous, sv.OneAnswer, sv.Audience, sv.Status, sv.secret,
			sv.CreatedBy, sv.CreatedByName, now, now); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "survey.create", "survey:"+sv.ID, sv.Title)
	})
	if err != nil {
		return Survey{}, errs.E(op, err)
	}
	return sv, nil
}

const surveyColumns = `id, title, intro, anonymous, one_answer, audience, status, secret, created_by, created_by_name, created_at, updated_at`

func scanSurvey(row interface{ Scan(...any) error }) (Survey, error) {
	var sv Survey
	err := row.Scan(&sv.ID, &sv.Title, &sv.Intro, &sv.Anonymous, &sv.OneAnswer, &sv.Audience, &sv.Status, &sv.secret,
		&sv.CreatedBy, &sv.CreatedByName, &sv.CreatedAt, &sv.UpdatedAt)
	sv.CreatedAt, sv.UpdatedAt = sv.CreatedAt.UTC(), sv.UpdatedAt.UTC()
	return sv, err
}

// Get returns survey id. Errors: NotFound (surveys.error.not_found).
func (s *Service) Get(ctx context.Context, tenant, id string) (Survey, error) {
	const op = errs.Op("surveys.Get")
	if !ValidID(id) {
		return Survey{}, errs.E(op, errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	sv, err := scanSurvey(s.db.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM surveys_surveys WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, errs.E(op, errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	if err != nil {
		return Survey{}, errs.E(op, err)
	}
	return sv, nil
}

// List returns the municipality's surveys, newest first.
func (s *Service) List(ctx context.Context, tenant string) ([]Survey, error) {
	const op = errs.Op("surveys.List")
	rows, err := s.db.QueryContext(ctx, `SELECT `+surveyColumns+` FROM surveys_surveys WHERE tenant_id = $1 ORDER BY created_at DESC, id`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Survey
	for rows.Next() {
		sv, err := scanSurvey(rows)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, sv)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// load reads survey id inside tx.
func load(ctx context.Context, tx *sql.Tx, tenant, id string) (Survey, error) {
	if !ValidID(id) {
		return Survey{}, errs.E(errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	sv, err := scanSurvey(tx.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM surveys_surveys WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, errs.E(errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	return sv, err
}

// draft loads survey id inside tx and checks that it can be changed.
func (s *Service) draft(ctx context.Context, tx *sql.Tx, tenant, id string) (Survey, error) {
	sv, err := load(ctx, tx, tenant, id)
	if err != nil {
		return Survey{}, err
	}
	if sv.Status != StatusDraft {
		return Survey{}, errs.E(errs.Conflict, errs.Key("surveys.error.not_draft"))
	}
	return sv, nil
}

// Update changes a draft's settings. Errors: as Create; NotFound; Conflict
// (surveys.error.not_draft) once the survey has been opened.
func (s *Service) Update(ctx context.Context, tenant, id string, f SurveyForm, actor Actor) error {
	const op = errs.Op("surveys.Update")
	fields := map[string]string{}
	f.clean(fields)
	if len(fields) > 0 {
		return errs.E(op, errs.Invalid, errs.Key("surveys.error.invalid"), fields)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draft(ctx, tx, tenant, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys_surveys SET title = $3, intro = $4, anonymous = $5, one_answer = $6, audience = $7, updated_at = $8
			WHERE tenant_id = $1 AND id = $2`, tenant, id, f.Title, f.Intro, f.Anonymous, f.OneAnswer, f.Audience, s.db.Now()); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "survey.update", "survey:"+id, f.Title)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Letter is the invitation mail: Body holds "{lenke}" where the personal
// link goes; Link is the survey's public address, to which "?t=<token>" is
// added.
type Letter struct {
	Subject, Body, Link string
}

// Open opens a draft (or a closed survey again) for answers. A draft must
// have at least one question. The invitations of a list survey that have
// not been sent are queued with letter. Errors: NotFound; Conflict
// (surveys.error.no_questions, surveys.error.already_open).
func (s *Service) Open(ctx context.Context, tenant, id string, letter Letter, actor Actor) error {
	const op = errs.Op("surveys.Open")
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		sv, err := load(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		if sv.Status == StatusOpen {
			return errs.E(errs.Conflict, errs.Key("surveys.error.already_open"))
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_questions WHERE tenant_id = $1 AND survey_id = $2`, tenant, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.E(errs.Conflict, errs.Key("surveys.error.no_questions"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys_surveys SET status = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2`,
			tenant, id, StatusOpen, s.db.Now()); err != nil {
			return err
		}
		if sv.Audience == AudienceList {
			if _, err := s.sendInvites(ctx, tx, tenant, id, letter); err != nil {
				return err
			}
		}
		return s.log(ctx, tx, tenant, actor, "survey.open", "survey:"+id, "")
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Close stops a survey taking answers. Errors: NotFound; Conflict
// (surveys.error.not_open) when it is not open.
func (s *Service) Close(ctx context.Context, tenant, id string, actor Actor) error {
	const op = errs.Op("surveys.Close")
	if !ValidID(id) {
		return errs.E(op, errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE surveys_surveys SET status = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2 AND status = $5`,
			tenant, id, StatusClosed, s.db.Now(), StatusOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := load(ctx, tx, tenant, id); err != nil {
				return err
			}
			return errs.E(errs.Conflict, errs.Key("surveys.error.not_open"))
		}
		return s.log(ctx, tx, tenant, actor, "survey.close", "survey:"+id, "")
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// Question is a question of a survey.
type Question struct {
	ID        string
	Position  int // from 1
	Kind      string
	Text      string
	Help      string
	Required  bool
	Options   []string // the choices (single, multiple, matrix)
	Rows      []string // the rows of a matrix
	ScaleMin  int
	ScaleMax  int
	LowLabel  string // what ScaleMin means, e.g. "Svært misfornøyd"
	HighLabel string
	// CondQuestion, when set, is an earlier question that must have been
	// answered with CondChoice (an option index, or a scale value) for
	// this one to be shown.
	CondQuestion string
	CondChoice   int
}

// Choices returns the values a single-choice or scale question can take,
// with their labels.
func (q Question) Choices() []Choice {
	var out []Choice
	switch q.Kind {
	case KindScale:
		for v := q.ScaleMin; v <= q.ScaleMax; v++ {
			l := strconv.Itoa(v)
			switch {
			case v == q.ScaleMin && q.LowLabel != "":
				l += " – " + q.LowLabel
			case v == q.ScaleMax && q.HighLabel != "":
				l += " – " + q.HighLabel
			}
			out = append(out, Choice{Value: v, Label: l})
		}
	default:
		for i, o := range q.Options {
			out = append(out, Choice{Value: i, Label: o})
		}
	}
	return out
}

// Choice is one value of a question and its label.
type Choice struct {
	Value int
	Label string
}

// QuestionForm is a question as posted. Options and Rows hold one entry a
// line; Condition is "questionID:choice" or empty.
type QuestionForm struct {
	Kind, Text, Help    string
	Required            bool
	Options, Rows       string
	ScaleMin, ScaleMax  string
	LowLabel, HighLabel string
	Condition           string
}

// ParseLines splits text into its non-empty, trimmed lines, for options
// and matrix rows. It returns false when a line is longer than MaxOption
// characters or there are more than max lines.
func ParseLines(text string, max int) ([]string, bool) {
	var out []string
	for line := range strings.SplitSeq(strings.ToValidUTF8(text, ""), "\n") {
		line = cleanText(line, false)
		if line == "" {
			continue
		}
		if tooLong(line, MaxOption) || len(out) >= max {
			return nil, false
		}
		out = append(out, line)
	}
	return out, true
}

// ParseCondition parses "questionID:choice".
func ParseCondition(s string) (id string, choice int, ok bool) {
	id, c, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found || !ValidID(id) || len(c) == 0 || len(c) > 4 {
		return "", 0, false
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < -100 || n > 1000 || strconv.Itoa(n) != c {
		return "", 0, false
	}
	return id, n, true
}

// build checks f against the survey's earlier questions (those before the
// question, for a condition) and returns the question.
func (f QuestionForm) build(before []Question) (Question, map[string]string) {
	fields := map[string]string{}
	q := Question{Kind: f.Kind, Text: cleanText(f.Text, false), Help: cleanText(f.Help, true), Required: f.Required}
	switch {
	case q.Text == "":
		fields[FieldText] = "surveys.error.question_missing"
	case tooLong(q.Text, MaxQuestion):
		fields[FieldText] = "surveys.error.question_long"
	}
	if tooLong(q.Help, MaxHelp) {
		fields[FieldHelp] = "surveys.error.help_long"
	}
	switch q.Kind {
	case KindSingle, KindMultiple, KindMatrix:
		opts, ok := ParseLines(f.Options, MaxOptions)
		switch {
		case !ok:
			fields[FieldOptions] = "surveys.error.options_long"
		case len(opts) < 2:
			fields[FieldOptions] = "surveys.error.options_few"
		case hasDuplicate(opts):
			fields[FieldOptions] = "surveys.error.options_duplicate"
		}
		q.Options = opts
		if q.Kind == KindMatrix {
			rows, ok := ParseLines(f.Rows, MaxRows)
			switch {
			case !ok:
				fields[FieldRows] = "surveys.error.rows_long"
			case len(rows) < 1:
				fields[FieldRows] = "surveys.error.rows_few"
			case hasDuplicate(rows):
				fields[FieldRows] = "surveys.error.rows_duplicate"
			}
			q.Rows = rows
		}
	case KindScale:
		lo, err1 := strconv.Atoi(strings.TrimSpace(f.ScaleMin))
		hi, err2 := strconv.Atoi(strings.TrimSpace(f.ScaleMax))
		if err1 != nil || lo < 0 || lo > 1 {
			fields[FieldScaleMin] = "surveys.error.scale_min"
		}
		if err2 != nil || hi < 3 || hi > 10 {
			fields[FieldScaleMax] = "surveys.error.scale_max"
		}
		q.ScaleMin, q.ScaleMax = lo, hi
		q.LowLabel, q.HighLabel = cleanText(f.LowLabel, false), cleanText(f.HighLabel, false)
		if tooLong(q.LowLabel, MaxOption) {
			fields[FieldLowLabel] = "surveys.error.label_long"
		}
		if tooLong(q.HighLabel, MaxOption) {
			fields[FieldHighLabel] = "surveys.error.label_long"
		}
	case KindText:
	default:
		fields[FieldKind] = "surveys.error.kind"
	}
	if c := strings.TrimSpace(f.Condition); c != "" {
		id, choice, ok := ParseCondition(c)
		var target *Question
		for i := range before {
			if before[i].ID == id {
				target = &before[i]
			}
		}
		valid := false
		if ok && target != nil && (target.Kind == KindSingle || target.Kind == KindScale) {
			for _, ch := range target.Choices() {
				valid = valid || ch.Value == choice
			}
		}
		if !valid {
			fields[FieldCondition] = "surveys.error.condition"
		} else {
			q.CondQuestion, q.CondChoice = id, choice
		}
	}
	return q, fields
}

func hasDuplicate(list []string) bool {
	seen := map[string]bool{}
	for _, s := range list {
		k := strings.ToLower(s)
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

const questionColumns = `id, position, kind, text, help, required, options, item_labels, scale_min, scale_max, low_label, high_label, cond_question, cond_choice`

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func queryQuestions(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, tenant, survey string) ([]Question, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+questionColumns+` FROM surveys_questions WHERE tenant_id = $1 AND survey_id = $2 ORDER BY position`, tenant, survey)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var q Question
		var opts, items string
		if err := rows.Scan(&q.ID, &q.Position, &q.Kind, &q.Text, &q.Help, &q.Required, &opts, &items, &q.ScaleMin, &q.ScaleMax,
			&q.LowLabel, &q.HighLabel, &q.CondQuestion, &q.CondChoice); err != nil {
			return nil, err
		}
		q.Options, q.Rows = splitLines(opts), splitLines(items)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Questions returns the questions of survey in order. Errors: NotFound.
func (s *Service) Questions(ctx context.Context, tenant, survey string) ([]Question, error) {
	const op = errs.Op("surveys.Questions")
	if _, err := s.Get(ctx, tenant, survey); err != nil {
		return nil, errs.E(op, err)
	}
	qs, err := queryQuestions(ctx, s.db, tenant, survey)
	if err != nil {
		return nil, errs.E(op, err)
	}
	return qs, nil
}

// AddQuestion adds a question at the end of a draft. Errors: Invalid
// (surveys.error.invalid) with field errors for type, sporsmal, hjelp,
// alternativ, rader, skala_fra, skala_til, skala_lag, skala_hog and vilkar;
// NotFound; Conflict (surveys.error.not_draft, surveys.error.too_many_questions).
func (s *Service) AddQuestion(ctx context.Context, tenant, survey string, f QuestionForm, actor Actor) (Question, error) {
	const op = errs.Op("surveys.AddQuestion")
	var q Question
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draft(ctx, tx, tenant, survey); err != nil {
			return err
		}
		qs, err := queryQuestions(ctx, tx, tenant, survey)
		if err != nil {
			return err
		}
		if len(qs) >= MaxQuestions {
			return errs.E(errs.Conflict, errs.Key("surveys.error.too_many_questions"))
		}
		var fields map[string]string
		q, fields = f.build(qs)
		if len(fields) > 0 {
			return errs.E(errs.Invalid, errs.Key("surveys.error.invalid"), fields)
		}
		q.ID, q.Position = newID(), len(qs)+1
		if len(qs) > 0 {
			q.Position = qs[len(qs)-1].Position + 1
		}
		if err := insertQuestion(ctx, tx, tenant, survey, q); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "survey.question_add", "survey:"+survey, q.ID)
	})
	if err != nil {
		return Question{}, errs.E(op, err)
	}
	return q, nil
}

func insertQuestion(ctx context.Context, tx *sql.Tx, tenant, survey string, q Question) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO surveys_questions (tenant_id, survey_id, `+questionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		tenant, survey, q.ID, q.Position, q.Kind, q.Text, q.Help, q.Required, strings.Join(q.Options, "\n"), strings.Join(q.Rows, "\n"),
		q.ScaleMin, q.ScaleMax, q.LowLabel, q.HighLabel, q.CondQuestion, q.CondChoice)
	return err
}

// UpdateQuestion replaces question qid of a draft. A condition may only
// refer to a question before it; questions whose condition referred to
// this one lose it when its choices no longer hold the value. Errors: as
// AddQuestion; NotFound (surveys.error.question_not_found).
func (s *Service) UpdateQuestion(ctx context.Context, tenant, survey, qid string, f QuestionForm, actor Actor) error {
	const op = errs.Op("surveys.UpdateQuestion")
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draft(ctx, tx, tenant, survey); err != nil {
			return err
		}
		qs, err := queryQuestions(ctx, tx, tenant, survey)
		if err != nil {
			return err
		}
		i := indexOf(qs, qid)
		if i < 0 {
			return errs.E(errs.NotFound, errs.Key("surveys.error.question_not_found"))
		}
		q, fields := f.build(qs[:i])
		if len(fields) > 0 {
			return errs.E(errs.Invalid, errs.Key("surveys.error.invalid"), fields)
		}
		q.ID, q.Position = qid, qs[i].Position
		if _, err := tx.ExecContext(ctx, `DELETE FROM surveys_questions WHERE tenant_id = $1 AND survey_id = $2 AND id = $3`, tenant, survey, qid); err != nil {
			return err
		}
		if err := insertQuestion(ctx, tx, tenant, survey, q); err != nil {
			return err
		}
		// Conditions on this question that no longer name one of its choices go.
		valid := map[int]bool{}
		if q.Kind == KindSingle || q.Kind == KindScale {
			for _, c := range q.Choices() {
				valid[c.Value] = true
			}
		}
		for _, other := range qs[i+1:] {
			if other.CondQuestion == qid && !valid[other.CondChoice] {
				if _, err := tx.ExecContext(ctx, `UPDATE surveys_questions SET cond_question = '', cond_choice = 0 WHERE tenant_id = $1 AND survey_id = $2 AND id = $3`,
					tenant, survey, other.ID); err != nil {
					return err
				}
			}
		}
		return s.log(ctx, tx, tenant, actor, "survey.question_update", "survey:"+survey, qid)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

func indexOf(qs []Question, id string) int {
	for i, q := range qs {
		if q.ID == id {
			return i
		}
	}
	return -1
}

// MoveQuestion moves question qid of a draft one place up (delta -1) or
// down (+1). A question is not moved above the question its condition
// refers to, nor below one whose condition refers to it. Errors: NotFound;
// Conflict (surveys.error.not_draft, surveys.error.move).
func (s *Service) MoveQuestion(ctx context.Context, tenant, survey, qid string, delta int, actor Actor) error {
	const op = errs.Op("surveys.MoveQuestion")
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draft(ctx, tx, tenant, survey); err != nil {
			return err
		}
		qs, err := queryQuestions(ctx, tx, tenant, survey)
		if err != nil {
			return err
		}
		i := indexOf(qs, qid)
		if i < 0 {
			return errs.E(errs.NotFound, errs.Key("surveys.error.question_not_found"))
		}
		j := i + delta
		if (delta != 1 && delta != -1) || j < 0 || j >= len(qs) {
			return errs.E(errs.Conflict, errs.Key("surveys.error.move"))
		}
		a, b := qs[min(i, j)], qs[max(i, j)] // a comes before b; they swap
		if b.CondQuestion == a.ID {
			return errs.E(errs.Conflict, errs.Key("surveys.error.move"))
		}
		for _, p := range [][2]any{{a.ID, b.Position}, {b.ID, a.Position}} {
			if _, err := tx.ExecContext(ctx, `UPDATE surveys_questions SET position = $4 WHERE tenant_id = $1 AND survey_id = $2 AND id = $3`,
				tenant, survey, p[0], p[1]); err != nil {
				return err
			}
		}
		return s.log(ctx, tx, tenant, actor, "survey.question_move", "survey:"+survey, qid)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// DeleteQuestion removes question qid from a draft, and the conditions
// that refer to it. Errors: NotFound; Conflict (surveys.error.not_draft).
func (s *Service) DeleteQuestion(ctx context.Context, tenant, survey, qid string, actor Actor) error {
	const op = errs.Op("surveys.DeleteQuestion")
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draft(ctx, tx, tenant, survey); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM surveys_questions WHERE tenant_id = $1 AND survey_id = $2 AND id = $3`, tenant, survey, qid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, errs.Key("surveys.error.question_not_found"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys_questions SET cond_question = '', cond_choice = 0 WHERE tenant_id = $1 AND survey_id = $2 AND cond_question = $3`,
			tenant, survey, qid); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, actor, "survey.question_delete", "survey:"+survey, qid)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}
