package dialogue

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// The names of the question forms' fields.
const (
	FieldOfficial = "til"
	FieldQuestion = "sporsmal"
	FieldAnswer   = "svar"
	FieldReason   = "grunn"
)

// GroupPrefix starts the value of the til field that chooses a party
// group instead of one official: "gruppe:ap".
const GroupPrefix = "gruppe:"

// ParseAddressee splits the value of the til field into an official's id
// or a party group's id (after GroupPrefix).
func ParseAddressee(v string) (officialID, groupID string) {
	v = strings.TrimSpace(v)
	if g, ok := strings.CutPrefix(v, GroupPrefix); ok {
		return "", strings.TrimSpace(g)
	}
	return v, ""
}

// Question is a public question to an elected official or to a party
// group.
type Question struct {
	ID         string
	OfficialID string // empty for a question to a group
	// GroupID is the party group asked (see Group); empty for a question
	// to one official.
	GroupID string
	// OfficialName is the official's name, or the group's, as it was when
	// asked.
	OfficialName string
	Asker        string // the principal who asked
	AskerName    string
	Email        string // never shown
	Body         string
	Answer       string
	AnsweredBy   string // the name of who answered
	AnswererID   string // the official who answered; empty before migration 003
	AnsweredAt   time.Time
	HiddenReason string
	HiddenBy     string
	HiddenAt     time.Time
	Created      time.Time
}

// ToGroup reports whether the question is to a party group.
func (q Question) ToGroup() bool { return q.GroupID != "" }

// Answered reports whether the question has an answer.
func (q Question) Answered() bool { return !q.AnsweredAt.IsZero() }

// Hidden reports whether a moderator has hidden the question.
func (q Question) Hidden() bool { return !q.HiddenAt.IsZero() }

// AnswerDue is the day the answer is promised by.
func (q Question) AnswerDue(days int) time.Time { return q.Created.AddDate(0, 0, days) }

// QuestionForm is a question as typed: to one official (OfficialID) or
// to a party group (GroupID), not both.
type QuestionForm struct {
	OfficialID, GroupID, Text, Email string
}

// CheckQuestion validates a question form. Errors: Invalid with field
// errors for til, sporsmal and epost.
func CheckQuestion(f QuestionForm) (QuestionForm, error) {
	out := QuestionForm{OfficialID: strings.TrimSpace(f.OfficialID), GroupID: strings.TrimSpace(f.GroupID), Text: cleanText(f.Text)}
	fields := map[string]string{}
	switch {
	case out.OfficialID != "" && out.GroupID != "":
		fields[FieldOfficial] = "dialogue.error.official_missing"
	case out.GroupID != "":
		if len(out.GroupID) > 100 {
			fields[FieldOfficial] = "dialogue.error.group_missing"
		}
	case out.OfficialID == "" || len(out.OfficialID) > 100:
		fields[FieldOfficial] = "dialogue.error.official_missing"
	}
	switch {
	case out.Text == "":
		fields[FieldQuestion] = "dialogue.error.question_missing"
	case tooLong(out.Text, MaxQuestion):
		fields[FieldQuestion] = "dialogue.error.question_long"
	}
	if e := strings.TrimSpace(f.Email); e != "" {
		addr, ok := checkEmail(e)
		if !ok {
			fields[FieldEmail] = "dialogue.error.email"
		}
		out.Email = addr
	}
	return out, invalid("dialogue.CheckQuestion", fields)
}

// Ask stores a public question and, in the same transaction, queues a
// notice to the official (to each member of a party group) and the
// receipt to the asker (when an address is given, in lang), and appends
// an audit entry. Errors: Invalid as CheckQuestion (til also for an
// unknown official or one without an address, dialogue.error.
// official_missing, and for a group without a member that can be asked,
// dialogue.error.group_missing).
func (s *Service) Ask(ctx context.Context, tenant string, who Author, f QuestionForm, lang, pageURL string, actor audit.Entry) (Question, error) {
	const op = errs.Op("dialogue.Ask")
	f, err := CheckQuestion(f)
	fields := map[string]string{}
	if err != nil {
		_, _, fields = errs.Public(err)
	}
	var o Official
	if _, bad := fields[FieldOfficial]; !bad && f.GroupID != "" {
		g, err := s.Group(ctx, tenant, f.GroupID)
		if errs.Is(errs.NotFound, err) {
			fields[FieldOfficial] = "dialogue.error.group_missing"
		} else if err != nil {
			return Question{}, errs.E(op, err)
		}
		if err := invalid(op, fields); err != nil {
			return Question{}, err
		}
		return s.askGroup(ctx, tenant, who, f, g, lang, pageURL, actor)
	}
	if _, bad := fields[FieldOfficial]; !bad {
		o, err = s.officials.Official(ctx, tenant, f.OfficialID)
		if errs.Is(errs.NotFound, err) || (err == nil && o.Email == "") {
			fields[FieldOfficial] = "dialogue.error.official_missing"
		} else if err != nil {
			return Question{}, errs.E(op, err)
		}
	}
	if err := invalid(op, fields); err != nil {
		return Question{}, err
	}
	now := s.db.Now()
	name := clean(who.Name)
	q := Question{ID: newID(), OfficialID: o.ID, OfficialName: o.Name, Asker: who.Principal, AskerName: name, Email: f.Email, Body: f.Text, Created: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertQuestion(ctx, tx, tenant, q); err != nil {
			return err
		}
		t := s.translator(lang)
		due := FormatDate(q.AnswerDue(s.cfg.AnswerDays))
		link := pageURL + "sporsmal/" + q.ID
		if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: o.Email, Subject: t("dialogue.mail.question.official_subject"),
			Body: t("dialogue.mail.question.official_body", o.Name, q.AskerName, q.Body, pageURL+"tilsett/dialog")}); err != nil {
			return err
		}
		if q.Email != "" {
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: q.Email, Subject: t("dialogue.mail.question.subject", o.Name),
				Body: t("dialogue.mail.question.body", o.Name, s.cfg.AnswerDays, due, link, q.Body)}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.question.ask", "question:"+q.ID, "official:"+o.ID)
	})
	if err != nil {
		return Question{}, errs.E(op, err)
	}
	return q, nil
}

// insertQuestion stores a new question in tx.
func insertQuestion(ctx context.Context, tx *sql.Tx, tenant string, q Question) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO dialogue_questions (tenant_id, id, official_id, group_id, official_name, asker, asker_name, email, body, answer,
		answered_by, answerer_id, answered_at, hidden_reason, hidden_by, hidden_at, search, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', '', '', NULL, '', '', NULL, $10, $11)`,
		tenant, q.ID, q.OfficialID, q.GroupID, q.OfficialName, q.Asker, q.AskerName, q.Email, q.Body, searchText(q), q.Created)
	return err
}

// askGroup stores a question to party group g (f is checked): each member
// gets a notice, and the asker a receipt naming who may answer.
func (s *Service) askGroup(ctx context.Context, tenant string, who Author, f QuestionForm, g Group, lang, pageURL string, actor audit.Entry) (Question, error) {
	now := s.db.Now()
	q := Question{ID: newID(), GroupID: g.ID, OfficialName: g.Name, Asker: who.Principal, AskerName: clean(who.Name), Email: f.Email, Body: f.Text, Created: now}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertQuestion(ctx, tx, tenant, q); err != nil {
			return err
		}
		t := s.translator(lang)
		due := FormatDate(q.AnswerDue(s.cfg.AnswerDays))
		for _, m := range g.Members {
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: m.Email, Subject: t("dialogue.mail.question.group_subject", g.Name),
				Body: t("dialogue.mail.question.group_official_body", m.Name, q.AskerName, g.Name, q.Body, pageURL+"tilsett/dialog")}); err != nil {
				return err
			}
		}
		if q.Email != "" {
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: q.Email, Subject: t("dialogue.mail.question.subject", t("dialogue.question.group_name", g.Name)),
				Body: t("dialogue.mail.question.group_body", g.Name, g.MemberNames(), s.cfg.AnswerDays, due, pageURL+"sporsmal/"+q.ID, q.Body)}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.question.ask", "question:"+q.ID, "group:"+g.ID)
	})
	if err != nil {
		return Question{}, errs.E(errs.Op("dialogue.Ask"), err)
	}
	return q, nil
}

// searchText is what the search looks in: the question, the answer and
// the names, lower case.
func searchText(q Question) string {
	return strings.ToLower(q.Body + "\n" + q.Answer + "\n" + q.OfficialName + "\n" + q.AskerName + "\n" + q.AnsweredBy)
}

// Answer records an official's public answer to a question addressed to
// them: the signed-in official's e-mail address (email) must be the
// official's, or, for a question to a party group, the address of an
// official of that party, who answers on the group's behalf and is named
// with the answer. A question can be answered again (the answer and who
// answered are replaced). The asker is told by e-mail when they gave an
// address. Errors: NotFound; Forbidden when email is not the official's
// (dialogue.error.not_addressee) or not a group member's
// (dialogue.error.not_group_member); Invalid for svar.
func (s *Service) Answer(ctx context.Context, tenant, questionID, email, answer, lang, pageURL string, actor audit.Entry) error {
	const op = errs.Op("dialogue.Answer")
	q, err := s.Question(ctx, tenant, questionID)
	if err != nil {
		return errs.E(op, err)
	}
	by, err := s.answerer(ctx, tenant, q, email)
	if err != nil {
		return errs.E(op, err)
	}
	answer = cleanText(answer)
	switch {
	case answer == "":
		return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldAnswer: "dialogue.error.answer_missing"})
	case tooLong(answer, MaxAnswer):
		return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldAnswer: "dialogue.error.answer_long"})
	}
	now := s.db.Now()
	first := !q.Answered()
	q.Answer, q.AnsweredBy, q.AnswererID, q.AnsweredAt = answer, actor.ActorName, by.ID, now
	if q.ToGroup() || q.AnsweredBy == "" {
		q.AnsweredBy = by.Name
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dialogue_questions SET answer = $3, answered_by = $4, answerer_id = $5, answered_at = $6, search = $7
			WHERE tenant_id = $1 AND id = $2`, tenant, q.ID, q.Answer, q.AnsweredBy, q.AnswererID, now, searchText(q)); err != nil {
			return err
		}
		if first && q.Email != "" {
			t := s.translator(lang)
			name := q.OfficialName
			if q.ToGroup() {
				name = t("dialogue.mail.answer.for_group", q.AnsweredBy, q.OfficialName)
			}
			if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: q.Email, Subject: t("dialogue.mail.answer.subject", name),
				Body: t("dialogue.mail.answer.body", name, pageURL+"sporsmal/"+q.ID)}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.question.answer", "question:"+q.ID, "")
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// IsAddressee reports whether email is the address of the official q is
// addressed to, or of a member of the party group it is addressed to.
func (s *Service) IsAddressee(ctx context.Context, tenant string, q Question, email string) (bool, error) {
	_, err := s.answerer(ctx, tenant, q, email)
	if errs.Is(errs.Forbidden, err) {
		return false, nil
	}
	return err == nil, err
}

// answerer returns the official whose address is email when they may
// answer q. Errors: Forbidden (dialogue.error.not_addressee, or for a
// group question dialogue.error.not_group_member with the group's name).
func (s *Service) answerer(ctx context.Context, tenant string, q Question, email string) (Official, error) {
	if q.ToGroup() {
		o, ok, err := s.OfficialByEmail(ctx, tenant, email)
		if err != nil {
			return Official{}, err
		}
		if !ok || o.PartyID != q.GroupID {
			return Official{}, errs.E(errs.Forbidden, errs.Key("dialogue.error.not_group_member"), []any{q.OfficialName})
		}
		return o, nil
	}
	o, err := s.officials.Official(ctx, tenant, q.OfficialID)
	if errs.Is(errs.NotFound, err) || (err == nil && !sameEmail(o.Email, email)) {
		return Official{}, errs.E(errs.Forbidden, errs.Key("dialogue.error.not_addressee"))
	}
	if err != nil {
		return Official{}, err
	}
	return o, nil
}

// HideQuestion hides a question (and its answer) from the public lists,
// with a reason that stays visible in its place. Errors: NotFound;
// Invalid for grunn.
func (s *Service) HideQuestion(ctx context.Context, tenant, questionID, reason string, actor audit.Entry) error {
	const op = errs.Op("dialogue.HideQuestion")
	q, err := s.Question(ctx, tenant, questionID)
	if err != nil {
		return errs.E(op, err)
	}
	reason = clean(reason)
	switch {
	case reason == "":
		return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldReason: "dialogue.error.reason_missing"})
	case tooLong(reason, MaxReason):
		return errs.E(op, errs.Invalid, errs.Key("dialogue.error.invalid"), map[string]string{FieldReason: "dialogue.error.reason_long"})
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dialogue_questions SET hidden_reason = $3, hidden_by = $4, hidden_at = $5 WHERE tenant_id = $1 AND id = $2`,
			tenant, q.ID, reason, actor.ActorName, s.db.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "dialogue.question.hide", "question:"+q.ID, reason)
	})
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

const questionCols = `id, official_id, group_id, official_name, asker, asker_name, email, body, answer, answered_by, answerer_id, answered_at, hidden_reason, hidden_by,
	hidden_at, created_at`

func scanQuestion(sc interface{ Scan(...any) error }) (Question, error) {
	var q Question
	var answered, hidden sql.NullTime
	err := sc.Scan(&q.ID, &q.OfficialID, &q.GroupID, &q.OfficialName, &q.Asker, &q.AskerName, &q.Email, &q.Body, &q.Answer, &q.AnsweredBy, &q.AnswererID, &answered,
		&q.HiddenReason, &q.HiddenBy, &hidden, &q.Created)
	q.AnsweredAt, q.HiddenAt, q.Created = nullTime(answered), nullTime(hidden), q.Created.UTC()
	return q, err
}

// Question returns one question. Errors: NotFound.
func (s *Service) Question(ctx context.Context, tenant, id string) (Question, error) {
	const op = errs.Op("dialogue.Question")
	q, err := scanQuestion(s.db.QueryRowContext(ctx, `SELECT `+questionCols+` FROM dialogue_questions WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Question{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_question"))
	}
	if err != nil {
		return Question{}, errs.E(op, err)
	}
	return q, nil
}

// QuestionFilter selects questions.
type QuestionFilter struct {
	Text       string // words anywhere in the question, the answer or the names
	OfficialID string
	// GroupID selects the questions to a party group; with OfficialID,
	// the questions to either (an official's own and their group's).
	GroupID    string
	Unanswered bool
	Limit      int // 100 when zero; at most 500
}

// Questions lists questions, newest first. Hidden questions are listed
// (pages show the reason in their place).
func (s *Service) Questions(ctx context.Context, tenant string, f QuestionFilter) ([]Question, error) {
	const op = errs.Op("dialogue.Questions")
	q := `SELECT ` + questionCols + ` FROM dialogue_questions WHERE tenant_id = $1`
	args := []any{tenant}
	if t := strings.TrimSpace(f.Text); t != "" {
		for _, w := range strings.Fields(truncate(t, 200)) {
			args = append(args, likePattern(w))
			q += ` AND search LIKE $` + itoa(len(args)) + ` ESCAPE '\'`
		}
	}
	switch {
	case f.OfficialID != "" && f.GroupID != "":
		args = append(args, f.OfficialID, f.GroupID)
		q += ` AND (official_id = $` + itoa(len(args)-1) + ` OR group_id = $` + itoa(len(args)) + `)`
	case f.OfficialID != "":
		args = append(args, f.OfficialID)
		q += ` AND official_id = $` + itoa(len(args))
	case f.GroupID != "":
		args = append(args, f.GroupID)
		q += ` AND group_id = $` + itoa(len(args))
	}
	if f.Unanswered {
		q += ` AND answered_at IS NULL`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 500)
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at DESC, id LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		qu, err := scanQuestion(rows)
		if err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, qu)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// Officials lists the officials that can be asked.
func (s *Service) Officials(ctx context.Context, tenant string) ([]Official, error) {
	return s.officials.Officials(ctx, tenant)
}

// OfficialByEmail returns the official whose address is email. ok is
// false when there is none.
func (s *Service) OfficialByEmail(ctx context.Context, tenant, email string) (Official, bool, error) {
	list, err := s.officials.Officials(ctx, tenant)
	if err != nil {
		return Official{}, false, err
	}
	for _, o := range list {
		if sameEmail(o.Email, email) {
			return o, true, nil
		}
	}
	return Official{}, false, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
