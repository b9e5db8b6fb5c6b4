package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// --- invitations ---

// ParseAddresses splits text (addresses separated by line breaks, commas,
// semicolons or spaces) into lower-case e-mail addresses without
// duplicates, and returns the entries that are not a plain address.
func ParseAddresses(text string) (addrs, bad []string) {
	seen := map[string]bool{}
	fields := strings.FieldsFunc(strings.ToValidUTF8(text, ""), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	for _, f := range fields {
		a := strings.ToLower(strings.TrimSpace(f))
		if a == "" {
			continue
		}
		p, err := mail.ParseAddress(a)
		if err != nil || p.Address != a || p.Name != "" || len(a) > 254 || !strings.Contains(a[strings.LastIndex(a, "@")+1:], ".") {
			bad = append(bad, f)
			continue
		}
		if !seen[a] {
			seen[a] = true
			addrs = append(addrs, a)
		}
	}
	return addrs, bad
}

// Invite is an address of a list survey.
type Invite struct {
	Email    string
	Sent     bool
	Answered bool
}

// AddInvites adds the addresses in text (see ParseAddresses) to a list
// survey that is not closed; addresses already there are skipped. When the
// survey is open, the new addresses are sent their link with letter at
// once; otherwise when it is opened. It returns how many were added.
// Errors: Invalid (surveys.error.invalid) with a field error for adresser
// (surveys.error.addresses_missing, surveys.error.address_bad,
// surveys.error.addresses_many); NotFound;
// Conflict (surveys.error.not_list, surveys.error.closed).
func (s *Service) AddInvites(ctx context.Context, tenant, survey, text string, letter Letter, actor Actor) (int, error) {
	const op = errs.Op("surveys.AddInvites")
	addrs, bad := ParseAddresses(text)
	switch {
	case len(bad) > 0:
		return 0, errs.E(op, errs.Invalid, errs.Key("surveys.error.invalid"), map[string]string{FieldAddresses: "surveys.error.address_bad"})
	case len(addrs) == 0:
		return 0, errs.E(op, errs.Invalid, errs.Key("surveys.error.invalid"), map[string]string{FieldAddresses: "surveys.error.addresses_missing"})
	case len(addrs) > MaxInvites:
		return 0, errs.E(op, errs.Invalid, errs.Key("surveys.error.invalid"), map[string]string{FieldAddresses: "surveys.error.addresses_many"})
	}
	added := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		sv, err := load(ctx, tx, tenant, survey)
		if err != nil {
			return err
		}
		if sv.Audience != AudienceList {
			return errs.E(errs.Conflict, errs.Key("surveys.error.not_list"))
		}
		if sv.Status == StatusClosed {
			return errs.E(errs.Conflict, errs.Key("surveys.error.closed"))
		}
		for _, a := range addrs {
			res, err := tx.ExecContext(ctx, `INSERT INTO surveys_invites (tenant_id, survey_id, email, token_hash, sent_at, answered)
				VALUES ($1, $2, $3, '', NULL, FALSE) ON CONFLICT (tenant_id, survey_id, email) DO NOTHING`, tenant, survey, a)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		if sv.Status == StatusOpen {
			if _, err := s.sendInvites(ctx, tx, tenant, survey, letter); err != nil {
				return err
			}
		}
		return s.log(ctx, tx, tenant, actor, "survey.invite", "survey:"+survey, strconv.Itoa(added)+" addresses")
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return added, nil
}

// sendInvites queues a personal link to every address of survey that has
// none yet, and returns how many.
func (s *Service) sendInvites(ctx context.Context, tx *sql.Tx, tenant, survey string, letter Letter) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT email FROM surveys_invites WHERE tenant_id = $1 AND survey_id = $2 AND sent_at IS NULL ORDER BY email`, tenant, survey)
	if err != nil {
		return 0, err
	}
	var emails []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return 0, err
		}
		emails = append(emails, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	now := s.db.Now()
	for _, e := range emails {
		token := newToken()
		if _, err := tx.ExecContext(ctx, `UPDATE surveys_invites SET token_hash = $4, sent_at = $5 WHERE tenant_id = $1 AND survey_id = $2 AND email = $3`,
			tenant, survey, e, tokenHash(token), now); err != nil {
			return 0, err
		}
		link := letter.Link + "?t=" + token
		if _, err := s.mail.Enqueue(ctx, tx, notify.Mail{Tenant: tenant, To: e, Subject: letter.Subject, Body: strings.ReplaceAll(letter.Body, "{lenke}", link)}); err != nil {
			return 0, err
		}
	}
	return len(emails), nil
}

// Invites returns the addresses of survey, by address.
func (s *Service) Invites(ctx context.Context, tenant, survey string) ([]Invite, error) {
	const op = errs.Op("surveys.Invites")
	rows, err := s.db.QueryContext(ctx, `SELECT email, sent_at IS NOT NULL, answered FROM surveys_invites WHERE tenant_id = $1 AND survey_id = $2 ORDER BY email`, tenant, survey)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Invite
	for rows.Next() {
		var i Invite
		if err := rows.Scan(&i.Email, &i.Sent, &i.Answered); err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// tokenLen is the length of a personal link's token: 32 random bytes in
// base64url without padding.
const tokenLen = 43

func newToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidToken reports whether s has the form of a personal link's token.
func ValidToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	// The decoder skips line breaks, so check the alphabet first.
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// --- answering ---

// Respondent is who answers: the token of a personal link (list surveys),
// or the signed-in person (open surveys; empty when signed out).
type Respondent struct {
	Token     string
	Principal string // "pid:…" or "email:…"
	Name      string
	// receipt is the context and month of an answer to the receipt
	// survey, set by AnswerReceipt only.
	receipt *ReceiptAnswer
}

// personKey is the one-answer marker of principal in sv.
func personKey(sv Survey, principal string) string {
	m := hmac.New(sha256.New, sv.secret)
	m.Write([]byte("torg-survey-person\x00" + principal))
	return hex.EncodeToString(m.Sum(nil))
}

// Prepare checks that resp may answer survey now and returns the survey
// and its questions, for the answer page. Errors: NotFound
// (surveys.error.not_found, also for a draft); Conflict
// (surveys.error.closed) when it is closed; Invalid (surveys.error.token)
// for a list survey without a valid personal link; Unauthenticated
// (surveys.error.sign_in) when the survey needs a signed-in respondent and
// there is none; Conflict (surveys.error.answered) when the link has been
// used or the person has answered already.
func (s *Service) Prepare(ctx context.Context, tenant, survey string, resp Respondent) (Survey, []Question, error) {
	const op = errs.Op("surveys.Prepare")
	sv, err := s.Get(ctx, tenant, survey)
	if err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	if err := s.check(ctx, tenant, sv, resp, nil); err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	qs, err := queryQuestions(ctx, s.db, tenant, survey)
	if err != nil {
		return Survey{}, nil, errs.E(op, err)
	}
	return sv, qs, nil
}

// check applies Prepare's rules to sv; with tx, it reads inside it.
func (s *Service) check(ctx context.Context, tenant string, sv Survey, resp Respondent, tx *sql.Tx) error {
	switch sv.Status {
	case StatusDraft:
		return errs.E(errs.NotFound, errs.Key("surveys.error.not_found"))
	case StatusClosed:
		return errs.E(errs.Conflict, errs.Key("surveys.error.closed"))
	}
	if sv.Audience == AudienceReceipt {
		// No link of its own: answered only through AnswerReceipt.
		return errs.E(errs.NotFound, errs.Key("surveys.error.not_found"))
	}
	query := func(q string, args ...any) *sql.Row {
		if tx != nil {
			return tx.QueryRowContext(ctx, q, args...)
		}
		return s.db.QueryRowContext(ctx, q, args...)
	}
	if sv.Audience == AudienceList || sv.Audience == AudiencePanel {
		if !ValidToken(resp.Token) {
			return errs.E(errs.Invalid, errs.Key("surveys.error.token"))
		}
		var answered bool
		table := "surveys_invites"
		if sv.Audience == AudiencePanel {
			table = "surveys_panel_invites"
		}
		err := query(`SELECT answered FROM `+table+` WHERE tenant_id = $1 AND survey_id = $2 AND token_hash = $3`, tenant, sv.ID, tokenHash(resp.Token)).Scan(&answered)
		if err == sql.ErrNoRows {
			return errs.E(errs.Invalid, errs.Key("surveys.error.token"))
		}
		if err != nil {
			return err
		}
		if answered {
			return errs.E(errs.Conflict, errs.Key("surveys.error.answered"))
		}
		return nil
	}
	if sv.NeedsSignIn() && resp.Principal == "" {
		return errs.E(errs.Unauthenticated, errs.Key("surveys.error.sign_in"))
	}
	if sv.OneAnswer {
		var n int
		if err := query(`SELECT COUNT(*) FROM surveys_markers WHERE tenant_id = $1 AND survey_id = $2 AND person_key = $3`,
			tenant, sv.ID, personKey(sv, resp.Principal)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, errs.Key("surveys.error.answered"))
		}
	}
	return nil
}

// Given is one choice made or text written in an answer: item is the
// matrix row (else 0), choice the option index or scale value (0 for
// text).
type Given struct {
	Question string
	Item     int
	Choice   int
	Text     string
}

// FieldName returns the form field of question q (item: the matrix row;
// ignored for other kinds).
func FieldName(q Question, item int) string {
	if q.Kind == KindMatrix {
		return "q-" + q.ID + "-" + strconv.Itoa(item)
	}
	return "q-" + q.ID
}

// Visible returns which questions are shown given the answers: a
// question with a condition is visible when the question it refers to is
// visible and was answered with the choice named.
func Visible(qs []Question, given []Given) map[string]bool {
	chosen := map[string][]int{}
	for _, g := range given {
		chosen[g.Question] = append(chosen[g.Question], g.Choice)
	}
	vis := map[string]bool{}
	for _, q := range qs {
		vis[q.ID] = q.CondQuestion == "" || (vis[q.CondQuestion] && slices.Contains(chosen[q.CondQuestion], q.CondChoice))
	}
	return vis
}

// ParseAnswers reads the answers to qs from a posted form (field names
// from FieldName). Questions whose condition is not met are dropped,
// whatever was posted for them. It returns what was given, and the field
// errors (field name of the question's first input → message key:
// surveys.error.required, surveys.error.choice, surveys.error.answer_long,
// surveys.error.matrix_incomplete).
func ParseAnswers(qs []Question, form map[string][]string) ([]Given, map[string]string) {
	var given []Given
	fields := map[string]string{}
	chosen := map[string][]int{}
	vis := map[string]bool{}
	valid := func(q Question, v string) (int, bool) {
		n, err := strconv.Atoi(v)
		if err != nil || strconv.Itoa(n) != v {
			return 0, false
		}
		for _, c := range q.Choices() {
			if c.Value == n {
				return n, true
			}
		}
		return 0, false
	}
	first := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	for _, q := range qs {
		vis[q.ID] = q.CondQuestion == "" || (vis[q.CondQuestion] && slices.Contains(chosen[q.CondQuestion], q.CondChoice))
		if !vis[q.ID] {
			continue
		}
		name := FieldName(q, 0)
		var mine []Given
		switch q.Kind {
		case KindSingle, KindScale:
			v := first(name)
			if v == "" {
				break
			}
			n, ok := valid(q, v)
			if !ok {
				fields[name] = "surveys.error.choice"
				continue
			}
			mine = append(mine, Given{Question: q.ID, Choice: n})
		case KindMultiple:
			seen := map[int]bool{}
			for _, v := range form[name] {
				v = strings.TrimSpace(v)
				if v == "" {
					continue
				}
				n, ok := valid(q, v)
				if !ok {
					fields[name] = "surveys.error.choice"
					break
				}
				if !seen[n] {
					seen[n] = true
					mine = append(mine, Given{Question: q.ID, Choice: n})
				}
			}
			if fields[name] != "" {
				continue
			}
			slices.SortFunc(mine, func(a, b Given) int { return a.Choice - b.Choice })
		case KindMatrix:
			missing := false
			for i := range q.Rows {
				v := first(FieldName(q, i))
				if v == "" {
					missing = true
					continue
				}
				n, ok := valid(q, v)
				if !ok {
					fields[name] = "surveys.error.choice"
					break
				}
				mine = append(mine, Given{Question: q.ID, Item: i, Choice: n})
			}
			if fields[name] != "" {
				continue
			}
			if q.Required && missing {
				fields[name] = "surveys.error.matrix_incomplete"
				continue
			}
		case KindText:
			var t string
			if v := form[name]; len(v) > 0 {
				t = cleanText(v[0], true)
			}
			if tooLong(t, MaxAnswer) {
				fields[name] = "surveys.error.answer_long"
				continue
			}
			if t != "" {
				mine = append(mine, Given{Question: q.ID, Text: t})
			}
		}
		if len(mine) == 0 && q.Required {
			fields[name] = "surveys.error.required"
			continue
		}
		for _, g := range mine {
			chosen[q.ID] = append(chosen[q.ID], g.Choice)
		}
		given = append(given, mine...)
	}
	return given, fields
}

// Answer stores resp's answer to survey from a posted form (see
// ParseAnswers) and returns the response's id. Errors: as Prepare; Invalid
// (surveys.error.answers) with field errors as ParseAnswers; Conflict
// (surveys.error.answered) when the link or person was used meanwhile.
func (s *Service) Answer(ctx context.Context, tenant, survey string, resp Respondent, form map[string][]string) (string, error) {
	const op = errs.Op("surveys.Answer")
	_, qs, err := s.Prepare(ctx, tenant, survey, resp)
	if err != nil {
		return "", errs.E(op, err)
	}
	given, fields := ParseAnswers(qs, form)
	if len(fields) > 0 {
		return "", errs.E(op, errs.Invalid, errs.Key("surveys.error.answers"), fields)
	}
	var id string
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		sv, err := load(ctx, tx, tenant, survey)
		if err != nil {
			return err
		}
		if err := s.check(ctx, tenant, sv, resp, tx); err != nil {
			return err
		}
		id, err = s.store(ctx, tx, tenant, sv, qs, resp, given)
		return err
	})
	if err != nil {
		return "", errs.E(op, err)
	}
	return id, nil
}

// store writes one response in tx: the one-answer marker, the response
// and its answers, the counters and, for an identified survey, who gave
// it. It writes no audit entry, on purpose: that would give the answer an
// exact time and an actor.
func (s *Service) store(ctx context.Context, tx *sql.Tx, tenant string, sv Survey, qs []Question, resp Respondent, given []Given) (string, error) {
	email, stratum := "", ""
	day := s.db.Now().In(oslo).Format("2006-01-02")
	switch {
	case sv.Audience == AudienceReceipt:
		if resp.receipt == nil {
			return "", errs.E(errs.NotFound, errs.Key("surveys.error.not_found"))
		}
		// The month only, as the feedback module promises.
		stratum, day = resp.receipt.Context(), resp.receipt.Month
	case sv.Audience == AudiencePanel:
		h := tokenHash(resp.Token)
		if err := tx.QueryRowContext(ctx, `SELECT stratum FROM surveys_panel_invites WHERE tenant_id = $1 AND survey_id = $2 AND token_hash = $3`, tenant, sv.ID, h).Scan(&stratum); err != nil {
			if err == sql.ErrNoRows {
				return "", errs.E(errs.Invalid, errs.Key("surveys.error.token"))
			}
			return "", err
		}
		res, err := tx.ExecContext(ctx, `UPDATE surveys_panel_invites SET answered = TRUE WHERE tenant_id = $1 AND survey_id = $2 AND token_hash = $3 AND answered = FALSE`, tenant, sv.ID, h)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", errs.E(errs.Conflict, errs.Key("surveys.error.answered"))
		}
	case sv.Audience == AudienceList:
		h := tokenHash(resp.Token)
		if err := tx.QueryRowContext(ctx, `SELECT email FROM surveys_invites WHERE tenant_id = $1 AND survey_id = $2 AND token_hash = $3`, tenant, sv.ID, h).Scan(&email); err != nil {
			return "", err
		}
		res, err := tx.ExecContext(ctx, `UPDATE surveys_invites SET answered = TRUE WHERE tenant_id = $1 AND survey_id = $2 AND token_hash = $3 AND answered = FALSE`, tenant, sv.ID, h)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", errs.E(errs.Conflict, errs.Key("surveys.error.answered"))
		}
	case sv.OneAnswer:
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_markers (tenant_id, survey_id, person_key) VALUES ($1, $2, $3)`,
			tenant, sv.ID, personKey(sv, resp.Principal)); err != nil {
			if db.IsUniqueViolation(err) {
				return "", errs.E(errs.Conflict, errs.Key("surveys.error.answered"), err)
			}
			return "", err
		}
	}
	id := newID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_responses (tenant_id, survey_id, id, day, stratum) VALUES ($1, $2, $3, $4, $5)`, tenant, sv.ID, id, day, stratum); err != nil {
		return "", err
	}
	if !sv.Anonymous {
		principal, name := resp.Principal, resp.Name
		if sv.Audience == AudienceList {
			principal, name = "", ""
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_respondents (tenant_id, survey_id, response_id, principal, name, email) VALUES ($1, $2, $3, $4, $5, $6)`,
			tenant, sv.ID, id, principal, name, email); err != nil {
			return "", err
		}
	}
	bump := func(q string, item, choice int) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO surveys_counts (tenant_id, survey_id, question_id, item, choice, n) VALUES ($1, $2, $3, $4, $5, 1)
			ON CONFLICT (tenant_id, survey_id, question_id, item, choice) DO UPDATE SET n = surveys_counts.n + 1`, tenant, sv.ID, q, item, choice)
		if err != nil || (sv.Audience != AudiencePanel && sv.Audience != AudienceReceipt) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO surveys_strata_counts (tenant_id, survey_id, stratum, question_id, item, choice, n) VALUES ($1, $2, $3, $4, $5, $6, 1)
			ON CONFLICT (tenant_id, survey_id, stratum, question_id, item, choice) DO UPDATE SET n = surveys_strata_counts.n + 1`, tenant, sv.ID, stratum, q, item, choice)
		return err
	}
	if err := bump("", -1, -1); err != nil {
		return "", err
	}
	answered := map[string]bool{}
	for _, g := range given {
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_answers (tenant_id, survey_id, response_id, question_id, item, choice, text) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tenant, sv.ID, id, g.Question, g.Item, g.Choice, g.Text); err != nil {
			return "", err
		}
		if err := bump(g.Question, g.Item, g.Choice); err != nil {
			return "", err
		}
		if !answered[g.Question] {
			answered[g.Question] = true
			if err := bump(g.Question, -1, -1); err != nil {
				return "", err
			}
		}
	}
	// The breakdown counters: every choice by every background answer.
	kind := map[string]string{}
	for _, q := range qs {
		kind[q.ID] = q.Kind
	}
	for _, b := range given {
		if k := kind[b.Question]; k != KindSingle && k != KindScale {
			continue
		}
		for _, g := range given {
			if g.Text != "" || kind[g.Question] == KindText {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO surveys_cross (tenant_id, survey_id, bg_question, bg_choice, question_id, item, choice, n)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
				ON CONFLICT (tenant_id, survey_id, bg_question, bg_choice, question_id, item, choice) DO UPDATE SET n = surveys_cross.n + 1`,
				tenant, sv.ID, b.Question, b.Choice, g.Question, g.Item, g.Choice); err != nil {
				return "", err
			}
		}
	}
	return id, nil
}
