package surveys

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// AudienceReceipt is the satisfaction question of the receipt page (see
// ReceiptSpec): one survey per municipality, made by another module (the
// feedback module) on first use and answered only through that module's
// single-use ticket (AnswerReceipt). It has no link of its own: its
// answer page is not found. It is always anonymous, and each response
// carries a context, the month and the service ("2026-11|kontakt"),
// instead of a day. Managers see it in the list of surveys and its
// results on the builder's pages; it cannot be made from the builder's
// form, and like any open survey its questions cannot be changed.
const AudienceReceipt = "receipt"

// ReceiptSpec is what the receipt survey is made of the first time:
// its title and introduction, and its questions.
type ReceiptSpec struct {
	Title, Intro string
	Questions    []QuestionForm
}

// ReceiptAnswer is the context of an answer to the receipt survey: the
// month the ticket was issued in ("2026-11", Europe/Oslo) and the service
// (form) id the answer is about.
type ReceiptAnswer struct {
	Month, Service string
}

var (
	monthRE   = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
	serviceRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)
)

// Context returns the stratum stored with the response: the month, "|",
// the service. Months first, so that a range of months is a range of
// text on both databases.
func (a ReceiptAnswer) Context() string { return a.Month + "|" + a.Service }

// errLost says another node made the receipt survey meanwhile.
var errLost = errors.New("surveys: receipt survey made meanwhile")

// FindReceipt returns the municipality's receipt survey and its
// questions. Errors: NotFound (surveys.error.not_found) when it has not
// been made yet.
func (s *Service) FindReceipt(ctx context.Context, tenant string) (Survey, []Question, error) {
	const op = errs.Op("surveys.FindReceipt")
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT survey_id FROM surveys_receipt WHERE tenant_id = $1`, tenant).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, nil, errs.E(op, errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	if err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	sv, err := s.Get(ctx, tenant, id)
	if err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	qs, err := queryQuestions(ctx, s.db, tenant, id)
	if err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	return sv, qs, nil
}

// Receipt returns the municipality's receipt survey and its questions,
// making it from spec the first time: open, anonymous, audience
// AudienceReceipt, created by actor (audited). When two nodes make it at
// once, one survey stays. Errors: Invalid (surveys.error.invalid) with
// field errors when spec is not a valid survey (a programming error).
func (s *Service) Receipt(ctx context.Context, tenant string, spec ReceiptSpec, actor Actor) (Survey, []Question, error) {
	const op = errs.Op("surveys.Receipt")
	sv, qs, err := s.FindReceipt(ctx, tenant)
	if !errs.Is(errs.NotFound, err) {
		if err != nil {
			return Survey{}, nil, errs.E(op, err)
		}
		return sv, qs, nil
	}
	fields := map[string]string{}
	f := SurveyForm{Title: spec.Title, Intro: spec.Intro, Anonymous: true, Audience: AudienceOpen}
	f.clean(fields)
	if len(spec.Questions) == 0 || len(spec.Questions) > MaxQuestions {
		fields[FieldText] = "surveys.error.question_missing"
	}
	qs = nil
	for _, qf := range spec.Questions {
		q, bad := qf.build(qs)
		for k, v := range bad {
			fields[k] = v
		}
		q.ID, q.Position = newID(), len(qs)+1
		qs = append(qs, q)
	}
	if len(fields) > 0 {
		return Survey{}, nil, errs.E(op, errs.Invalid, errs.Key("surveys.error.invalid"), fields)
	}
	now := s.db.Now()
	sv = Survey{ID: newID(), Title: f.Title, Intro: f.Intro, Anonymous: true, Audience: AudienceReceipt, Status: StatusOpen,
		CreatedBy: actor.ActorID, CreatedByName: actor.ActorName, CreatedAt: now, UpdatedAt: now, secret: make([]byte, 32)}
	rand.Read(sv.secret)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO surveys_receipt (tenant_id, survey_id) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`, tenant, sv.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errLost
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_surveys (tenant_id, id, title, intro, anonymous, one_answer, audience, status, secret,
			created_by, created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			tenant, sv.ID, sv.Title, sv.Intro, sv.Anonymous, sv.OneAnswer, sv.Audience, sv.Status, sv.secret,
			sv.CreatedBy, sv.CreatedByName, now, now); err != nil {
			return err
		}
		for _, q := range qs {
			if err := insertQuestion(ctx, tx, tenant, sv.ID, q); err != nil {
				return err
			}
		}
		return s.log(ctx, tx, tenant, actor, "survey.create", "survey:"+sv.ID, sv.Title)
	})
	if errors.Is(err, errLost) || db.IsUniqueViolation(err) {
		return s.FindReceipt(ctx, tenant)
	}
	if err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	return sv, qs, nil
}

// AnswerReceipt stores an answer to receipt survey survey from a posted
// form (see ParseAnswers), with its context, inside tx: the caller's
// transaction, in which the caller has checked and spent its ticket, so
// that both commit together. This module does not check who may answer:
// the caller is the gate. It writes no audit entry. It returns the
// response's id. Errors: NotFound (surveys.error.not_found) when survey is
// not a receipt survey; Conflict (surveys.error.closed) when it has been
// closed; Invalid (surveys.error.answers) with field errors as
// ParseAnswers; Invalid (surveys.error.context) for a context that is not
// a month and a service id.
func (s *Service) AnswerReceipt(ctx context.Context, tx *sql.Tx, tenant, survey string, a ReceiptAnswer, form map[string][]string) (string, error) {
	const op = errs.Op("surveys.AnswerReceipt")
	if !monthRE.MatchString(a.Month) || !serviceRE.MatchString(a.Service) {
		return "", errs.E(op, errs.Invalid, errs.Key("surveys.error.context"))
	}
	sv, err := load(ctx, tx, tenant, survey)
	if err != nil {
		return "", errs.E(op, err)
	}
	switch {
	case sv.Audience != AudienceReceipt || sv.Status == StatusDraft:
		return "", errs.E(op, errs.NotFound, errs.Key("surveys.error.not_found"))
	case sv.Status == StatusClosed:
		return "", errs.E(op, errs.Conflict, errs.Key("surveys.error.closed"))
	}
	qs, err := queryQuestions(ctx, tx, tenant, survey)
	if err != nil {
		return "", errs.E(op, err)
	}
	given, fields := ParseAnswers(qs, form)
	if len(fields) > 0 {
		return "", errs.E(op, errs.Invalid, errs.Key("surveys.error.answers"), fields)
	}
	id, err := s.store(ctx, tx, tenant, sv, qs, Respondent{receipt: &a}, given)
	if err != nil {
		return "", errs.E(op, err)
	}
	return id, nil
}

// ReceiptCounts returns the counters of question of receipt survey survey
// per context (StratumCount.Stratum is the context, "2026-11|kontakt"),
// for the months from fromMonth up to but not including toMonth
// ("2026-01", "2027-01"). As in surveys_counts, item -1 and choice -1
// count the answers to the question. The counts are exact, including
// contexts of one answer: the caller reports them for steering, as the
// feedback module's report does, not as survey results. Errors: Invalid
// (surveys.error.context) when a month is not one.
func (s *Service) ReceiptCounts(ctx context.Context, tenant, survey, question, fromMonth, toMonth string) ([]StratumCount, error) {
	const op = errs.Op("surveys.ReceiptCounts")
	if !monthRE.MatchString(fromMonth) || !monthRE.MatchString(toMonth) {
		return nil, errs.E(op, errs.Invalid, errs.Key("surveys.error.context"))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT stratum, question_id, item, choice, n FROM surveys_strata_counts
		WHERE tenant_id = $1 AND survey_id = $2 AND question_id = $3 AND stratum >= $4 AND stratum < $5
		ORDER BY stratum, item, choice`, tenant, survey, question, fromMonth, toMonth)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []StratumCount
	for rows.Next() {
		var c StratumCount
		if err := rows.Scan(&c.Stratum, &c.Question, &c.Item, &c.Choice, &c.N); err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// SplitContext splits a receipt context ("2026-11|kontakt") into its month
// and service; ok is false for anything else.
func SplitContext(c string) (month, service string, ok bool) {
	month, service, ok = strings.Cut(c, "|")
	return month, service, ok && monthRE.MatchString(month) && serviceRE.MatchString(service)
}
