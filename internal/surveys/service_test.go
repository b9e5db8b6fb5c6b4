package surveys_test

import (
	"context"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// start is the tests' "now": 23 November 2026, noon UTC.
var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const tenant = "9999"

type env struct {
	d     *db.DB
	svc   *surveys.Service
	clock *dbtest.Clock
	// skipInvites makes assertNoPerson skip the invitation list, which
	// holds the addresses by design.
	skipInvites bool
}

// each runs fn on SQLite and, when TORG_TEST_POSTGRES is set, on
// PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e env)) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			c := dbtest.NewClock(start)
			schemas := []db.Schema{audit.Schema, notify.Schema, surveys.Schema}
			var d *db.DB
			if pg {
				d = dbtest.Postgres(t, dbtest.Options{Now: c.Now}, schemas...)
			} else {
				d = dbtest.SQLite(t, dbtest.Options{Now: c.Now}, schemas...)
			}
			fn(t, env{d: d, svc: surveys.New(d, audit.New(d), notify.NewQueue(d), surveys.Config{}), clock: c})
		})
	}
}

var owner = surveys.Actor{ActorID: "email:leder@demo.kommune.no", ActorName: "Lea Leder", Role: "manager", RequestID: "test"}

func keyOf(err error) string { k, _, _ := errs.Public(err); return k }

func fieldsOf(err error) map[string]string { _, _, f := errs.Public(err); return f }

func mustSurvey(t *testing.T, e env, f surveys.SurveyForm) surveys.Survey {
	t.Helper()
	sv, err := e.svc.Create(context.Background(), tenant, f, owner)
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func mustQuestion(t *testing.T, e env, survey string, f surveys.QuestionForm) surveys.Question {
	t.Helper()
	q, err := e.svc.AddQuestion(context.Background(), tenant, survey, f, owner)
	if err != nil {
		t.Fatalf("AddQuestion(%+v): %v %v", f, err, fieldsOf(err))
	}
	return q
}

func TestBuilder(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		_, err := e.svc.Create(ctx, tenant, surveys.SurveyForm{Title: "  ", Audience: "alle"}, owner)
		if !errs.Is(errs.Invalid, err) || fieldsOf(err)[surveys.FieldTitle] != "surveys.error.title_missing" || fieldsOf(err)[surveys.FieldAudience] != "surveys.error.audience" {
			t.Errorf("bad settings: %v %v", err, fieldsOf(err))
		}
		sv := mustSurvey(t, e, surveys.SurveyForm{Title: "Brukarundersøking\x00 <b>bibliotek</b>", Intro: "Hei\r\nalle", Anonymous: true, Audience: surveys.AudienceOpen})
		if sv.Title != "Brukarundersøking <b>bibliotek</b>" || sv.Intro != "Hei\nalle" || sv.Status != surveys.StatusDraft || !surveys.ValidID(sv.ID) {
			t.Errorf("created %+v", sv)
		}
		if err := e.svc.Open(ctx, tenant, sv.ID, surveys.Letter{}, owner); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.no_questions" {
			t.Errorf("open without questions: %v", err)
		}
		for _, tt := range []struct {
			f     surveys.QuestionForm
			field string
			key   string
		}{
			{surveys.QuestionForm{Kind: "single", Options: "Ja"}, surveys.FieldText, "surveys.error.question_missing"},
			{surveys.QuestionForm{Kind: "single", Text: "Kva?", Options: "Ja"}, surveys.FieldOptions, "surveys.error.options_few"},
			{surveys.QuestionForm{Kind: "multiple", Text: "Kva?", Options: "Ja\nja"}, surveys.FieldOptions, "surveys.error.options_duplicate"},
			{surveys.QuestionForm{Kind: "matrix", Text: "Kva?", Options: "Ja\nNei"}, surveys.FieldRows, "surveys.error.rows_few"},
			{surveys.QuestionForm{Kind: "scale", Text: "Kva?", ScaleMin: "1", ScaleMax: "99"}, surveys.FieldScaleMax, "surveys.error.scale_max"},
			{surveys.QuestionForm{Kind: "ranking", Text: "Kva?"}, surveys.FieldKind, "surveys.error.kind"},
			{surveys.QuestionForm{Kind: "text", Text: "Kva?", Condition: "aaaaaaaaaaaaaaaa:1"}, surveys.FieldCondition, "surveys.error.condition"},
			{surveys.QuestionForm{Kind: "text", Text: strings.Repeat("x", surveys.MaxQuestion+1)}, surveys.FieldText, "surveys.error.question_long"},
		} {
			_, err := e.svc.AddQuestion(ctx, tenant, sv.ID, tt.f, owner)
			if !errs.Is(errs.Invalid, err) || fieldsOf(err)[tt.field] != tt.key {
				t.Errorf("AddQuestion(%+v) = %v %v; want %s on %s", tt.f, err, fieldsOf(err), tt.key, tt.field)
			}
		}
		q1 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "single", Text: "Bruker du biblioteket?", Required: true, Options: "Ja\n\n Nei \n"})
		q2 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "scale", Text: "Kor nøgd er du?", ScaleMin: "1", ScaleMax: "5", LowLabel: "Lite", HighLabel: "Svært",
			Condition: q1.ID + ":0"})
		q3 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "text", Text: "Kommentar"})
		if q1.Options[1] != "Nei" || q2.CondQuestion != q1.ID || q2.CondChoice != 0 || q3.Position != 3 {
			t.Errorf("questions: %+v %+v %+v", q1, q2, q3)
		}
		// A condition on a choice the question does not have.
		if _, err := e.svc.AddQuestion(ctx, tenant, sv.ID, surveys.QuestionForm{Kind: "text", Text: "x", Condition: q2.ID + ":9"}, owner); fieldsOf(err)[surveys.FieldCondition] == "" {
			t.Errorf("condition on scale value 9: %v", err)
		}
		// q2 cannot move above q1, which its condition refers to.
		if err := e.svc.MoveQuestion(ctx, tenant, sv.ID, q2.ID, -1, owner); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.move" {
			t.Errorf("move above its condition: %v", err)
		}
		if err := e.svc.MoveQuestion(ctx, tenant, sv.ID, q3.ID, -1, owner); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.MoveQuestion(ctx, tenant, sv.ID, q1.ID, -1, owner); !errs.Is(errs.Conflict, err) {
			t.Errorf("move the first one up: %v", err)
		}
		order := func() string {
			qs, err := e.svc.Questions(ctx, tenant, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, q := range qs {
				ids = append(ids, map[string]string{q1.ID: "1", q2.ID: "2", q3.ID: "3"}[q.ID])
			}
			return strings.Join(ids, "")
		}
		if got := order(); got != "132" {
			t.Errorf("order after move = %s", got)
		}
		// Making q1 a text question drops q2's condition on it.
		if err := e.svc.UpdateQuestion(ctx, tenant, sv.ID, q1.ID, surveys.QuestionForm{Kind: "text", Text: "Fortel"}, owner); err != nil {
			t.Fatal(err)
		}
		qs, _ := e.svc.Questions(ctx, tenant, sv.ID)
		if qs[0].Kind != "text" || qs[2].CondQuestion != "" {
			t.Errorf("after update: %+v", qs)
		}
		if err := e.svc.DeleteQuestion(ctx, tenant, sv.ID, q3.ID, owner); err != nil {
			t.Fatal(err)
		}
		if got := order(); got != "12" {
			t.Errorf("order after delete = %s", got)
		}
		if err := e.svc.Open(ctx, tenant, sv.ID, surveys.Letter{}, owner); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddQuestion(ctx, tenant, sv.ID, surveys.QuestionForm{Kind: "text", Text: "x"}, owner); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.not_draft" {
			t.Errorf("add to an open survey: %v", err)
		}
		if err := e.svc.Open(ctx, tenant, sv.ID, surveys.Letter{}, owner); keyOf(err) != "surveys.error.already_open" {
			t.Errorf("open twice: %v", err)
		}
		if err := e.svc.Close(ctx, tenant, sv.ID, owner); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Close(ctx, tenant, sv.ID, owner); keyOf(err) != "surveys.error.not_open" {
			t.Errorf("close twice: %v", err)
		}
		if _, err := e.svc.Get(ctx, "4601", sv.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another municipality's survey: %v", err)
		}
		var n int
		if err := e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND action LIKE 'survey.%'`, tenant).Scan(&n); err != nil || n < 8 {
			t.Errorf("%d audit entries (%v)", n, err)
		}
	})
}

// a small survey used by several tests: q[0] single (Ja/Nei, required),
// q[1] multiple (A/B/C), q[2] scale 1–5 shown only if q[0] = Ja, q[3]
// matrix (rows X, Y on Bra/Dårleg), q[4] text.
func fixture(t *testing.T, e env, f surveys.SurveyForm) (surveys.Survey, []surveys.Question) {
	t.Helper()
	if f.Title == "" {
		f.Title = "Test"
	}
	if f.Audience == "" {
		f.Audience = surveys.AudienceOpen
	}
	sv := mustSurvey(t, e, f)
	q0 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "single", Text: "Ja eller nei?", Required: true, Options: "Ja\nNei"})
	q1 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "multiple", Text: "Kva brukar du?", Options: "A\nB\nC"})
	q2 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "scale", Text: "Kor nøgd?", Required: true, ScaleMin: "1", ScaleMax: "5", Condition: q0.ID + ":0"})
	q3 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "matrix", Text: "Vurder", Options: "Bra\nDårleg", Rows: "X\nY"})
	q4 := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "text", Text: "Kommentar"})
	if err := e.svc.Open(context.Background(), tenant, sv.ID, surveys.Letter{}, owner); err != nil {
		t.Fatal(err)
	}
	return sv, []surveys.Question{q0, q1, q2, q3, q4}
}

// form builds a posted form: single, multiple (comma list), scale, matrix
// row X, matrix row Y, text.
func form(qs []surveys.Question, single, multiple, scale, x, y, text string) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set(surveys.FieldName(qs[0], 0), single)
	for _, m := range strings.Split(multiple, ",") {
		if m != "" {
			v.Add(surveys.FieldName(qs[1], 0), m)
		}
	}
	set(surveys.FieldName(qs[2], 0), scale)
	set(surveys.FieldName(qs[3], 0), x)
	set(surveys.FieldName(qs[3], 1), y)
	set(surveys.FieldName(qs[4], 0), text)
	return v
}

func TestAnswerValidation(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv, qs := fixture(t, e, surveys.SurveyForm{Anonymous: true})
		for _, tt := range []struct {
			name  string
			form  url.Values
			field string
			key   string
		}{
			{"nothing", url.Values{}, surveys.FieldName(qs[0], 0), "surveys.error.required"},
			{"unknown option", form(qs, "7", "", "", "", "", ""), surveys.FieldName(qs[0], 0), "surveys.error.choice"},
			{"not a number", form(qs, "ja", "", "", "", "", ""), surveys.FieldName(qs[0], 0), "surveys.error.choice"},
			{"multiple out of range", form(qs, "1", "0,3", "", "", "", ""), surveys.FieldName(qs[1], 0), "surveys.error.choice"},
			{"conditional required when shown", form(qs, "0", "", "", "", "", ""), surveys.FieldName(qs[2], 0), "surveys.error.required"},
			{"scale out of range", form(qs, "0", "", "6", "", "", ""), surveys.FieldName(qs[2], 0), "surveys.error.choice"},
			{"matrix bad", form(qs, "1", "", "", "2", "", ""), surveys.FieldName(qs[3], 0), "surveys.error.choice"},
			{"text too long", form(qs, "1", "", "", "", "", strings.Repeat("æ", surveys.MaxAnswer+1)), surveys.FieldName(qs[4], 0), "surveys.error.answer_long"},
		} {
			_, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{}, tt.form)
			if !errs.Is(errs.Invalid, err) || keyOf(err) != "surveys.error.answers" || fieldsOf(err)[tt.field] != tt.key {
				t.Errorf("%s: %v %v; want %s on %s", tt.name, err, fieldsOf(err), tt.key, tt.field)
			}
		}
		// Nei hides the scale question: its value is dropped, not refused.
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{}, form(qs, "1", "", "9", "", "", "")); err != nil {
			t.Errorf("hidden question's value: %v", err)
		}
		var n int
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_answers WHERE tenant_id = $1 AND question_id = $2`, tenant, qs[2].ID).Scan(&n)
		if n != 0 {
			t.Errorf("%d answers stored for a hidden question", n)
		}
		if err := e.svc.Close(ctx, tenant, sv.ID, owner); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{}, form(qs, "1", "", "", "", "", "")); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.closed" {
			t.Errorf("answer a closed survey: %v", err)
		}
		draft := mustSurvey(t, e, surveys.SurveyForm{Title: "Utkast", Audience: surveys.AudienceOpen})
		if _, _, err := e.svc.Prepare(ctx, tenant, draft.ID, surveys.Respondent{}); !errs.Is(errs.NotFound, err) {
			t.Errorf("answer a draft: %v", err)
		}
	})
}

// answers are the fixture answers the count tests give: single, multiple,
// scale, matrix X, matrix Y, text.
var answers = [][6]string{
	{"0", "0,1", "5", "0", "1", "Bra <script>alert(1)</script>"},
	{"0", "0", "4", "0", "0", ""},
	{"0", "", "5", "1", "", "Godt"},
	{"0", "2", "3", "0", "1", ""},
	{"0", "0,1,2", "5", "", "", "Fint"},
	{"0", "1", "4", "0", "0", ""},
	{"1", "0", "", "1", "1", ""},
	{"1", "", "", "1", "1", "Nei takk"},
}

func give(t *testing.T, e env, sv surveys.Survey, qs []surveys.Question, list [][6]string) {
	t.Helper()
	for i, a := range list {
		if _, err := e.svc.Answer(context.Background(), tenant, sv.ID, surveys.Respondent{}, form(qs, a[0], a[1], a[2], a[3], a[4], a[5])); err != nil {
			t.Fatalf("answer %d: %v %v", i, err, fieldsOf(err))
		}
	}
}

func TestResultsExact(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv, qs := fixture(t, e, surveys.SurveyForm{Anonymous: true})
		give(t, e, sv, qs, answers[:4])
		res, err := e.svc.Results(ctx, tenant, sv.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 4 || !res.TotalSuppressed || len(res.Questions) != 0 {
			t.Errorf("4 answers: total %d, suppressed %v, %d questions", res.Total, res.TotalSuppressed, len(res.Questions))
		}
		give(t, e, sv, qs, answers[4:])
		res, err = e.svc.Results(ctx, tenant, sv.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 8 || res.TotalSuppressed {
			t.Fatalf("total %d", res.Total)
		}
		counts := func(qr surveys.QuestionResult, row int) []int64 {
			var out []int64
			for _, c := range qr.Rows[row].Cells {
				out = append(out, c.N)
			}
			return out
		}
		eq := func(name string, got []int64, want ...int64) {
			if len(got) != len(want) {
				t.Errorf("%s = %v, want %v", name, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s = %v, want %v", name, got, want)
					return
				}
			}
		}
		q := res.Questions
		eq("single", counts(q[0], 0), 6, 2)
		if q[0].Answered != 8 || q[0].Rows[0].Cells[0].Percent != 75 {
			t.Errorf("single: answered %d, %d %%", q[0].Answered, q[0].Rows[0].Cells[0].Percent)
		}
		eq("multiple", counts(q[1], 0), 4, 3, 2)
		if q[1].Answered != 6 || q[1].Rows[0].Cells[0].Percent != 67 {
			t.Errorf("multiple: answered %d, A %d %%", q[1].Answered, q[1].Rows[0].Cells[0].Percent)
		}
		eq("scale", counts(q[2], 0), 0, 0, 1, 2, 3)
		eq("matrix X", counts(q[3], 0), 4, 3)
		eq("matrix Y", counts(q[3], 1), 2, 4)
		if q[3].Answered != 7 || q[3].Rows[1].Base != 6 {
			t.Errorf("matrix: answered %d, row Y base %d", q[3].Answered, q[3].Rows[1].Base)
		}
		// Four texts: fewer than five, so none is shown.
		if !q[4].Suppressed || len(q[4].Texts) != 0 || q[4].Answered != 4 {
			t.Errorf("texts: %+v", q[4])
		}
		if all, err := e.svc.Texts(ctx, tenant, sv.ID, qs[4].ID); err != nil || len(all) != 0 {
			t.Errorf("Texts with four answers = %q, %v", all, err)
		}
		give(t, e, sv, qs, [][6]string{{"1", "", "", "", "", "Femte"}})
		res, _ = e.svc.Results(ctx, tenant, sv.ID, "")
		texts := res.Questions[4].Texts
		sort.Strings(texts)
		if strings.Join(texts, "|") != "Bra <script>alert(1)</script>|Femte|Fint|Godt|Nei takk" {
			t.Errorf("texts = %q", texts)
		}
		all, err := e.svc.Texts(ctx, tenant, sv.ID, qs[4].ID)
		sort.Strings(all)
		if err != nil || strings.Join(all, "|") != strings.Join(texts, "|") {
			t.Errorf("Texts = %q, %v", all, err)
		}
	})
}

func TestBreakdownSuppression(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv, qs := fixture(t, e, surveys.SurveyForm{Anonymous: true})
		// Ja: 6, Nei: 2 — Nei is hidden, and with it Ja, or Nei could be
		// worked out from the total.
		give(t, e, sv, qs, answers)
		res, err := e.svc.Results(ctx, tenant, sv.ID, qs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Groups) != 3 || !res.Groups[0].Suppressed || !res.Groups[1].Suppressed || res.Groups[1].N != 0 {
			t.Errorf("groups = %+v", res.Groups)
		}
		// Three more Nei: Ja 6, Nei 5, both shown; nobody skipped it.
		give(t, e, sv, qs, [][6]string{{"1", "0", "", "", "", ""}, {"1", "0", "", "", "", ""}, {"1", "2", "", "", "", ""}})
		res, err = e.svc.Results(ctx, tenant, sv.ID, qs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		g := res.Groups
		if g[0].N != 6 || g[0].Suppressed || g[1].N != 5 || g[1].Suppressed || g[2].N != 0 {
			t.Fatalf("groups = %+v", g)
		}
		// Multiple choice A by group: Ja 3 (answers 0, 1, 4), Nei 3 (answer 6
		// and two of the new ones).
		a := res.Questions[1].Rows[0].Cells[0]
		if a.N != 6 || a.ByGroup[0].N != 3 || a.ByGroup[0].Percent != 50 || a.ByGroup[1].N != 3 || a.ByGroup[1].Percent != 60 || a.ByGroup[2].N != 0 {
			t.Errorf("A by group = %+v", a)
		}
		c := res.Questions[1].Rows[0].Cells[2]
		if c.N != 3 || c.ByGroup[0].N != 2 || c.ByGroup[1].N != 1 {
			t.Errorf("C by group = %+v", c)
		}
		if _, err := e.svc.Results(ctx, tenant, sv.ID, qs[4].ID); !errs.Is(errs.Invalid, err) || keyOf(err) != "surveys.error.background" {
			t.Errorf("text question as background: %v", err)
		}
	})
}

func TestOneAnswerPerPerson(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv, qs := fixture(t, e, surveys.SurveyForm{Anonymous: true, OneAnswer: true})
		if _, _, err := e.svc.Prepare(ctx, tenant, sv.ID, surveys.Respondent{}); !errs.Is(errs.Unauthenticated, err) || keyOf(err) != "surveys.error.sign_in" {
			t.Errorf("signed out: %v", err)
		}
		kari := surveys.Respondent{Principal: "pid:15838810028", Name: "Kari Nordmann"}
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, kari, form(qs, "1", "", "", "", "", "Hei")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Prepare(ctx, tenant, sv.ID, kari); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.answered" {
			t.Errorf("prepare again: %v", err)
		}
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, kari, form(qs, "1", "", "", "", "", "")); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.answered" {
			t.Errorf("answer twice: %v", err)
		}
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Principal: "pid:01010112345"}, form(qs, "1", "", "", "", "", "")); err != nil {
			t.Errorf("another person: %v", err)
		}
		assertNoPerson(t, e, "15838810028", "Kari")
	})
}

// assertNoPerson fails if any text column of any surveys_ table holds one
// of needles.
func assertNoPerson(t *testing.T, e env, needles ...string) {
	t.Helper()
	ctx := context.Background()
	for _, table := range []string{"surveys_responses", "surveys_answers", "surveys_counts", "surveys_cross", "surveys_markers", "surveys_respondents", "surveys_invites"} {
		if table == "surveys_invites" && e.skipInvites {
			continue
		}
		cols := columns(t, e, table)
		var texts []string
		for _, c := range cols {
			texts = append(texts, "CAST("+c+" AS TEXT)")
		}
		rows, err := e.d.QueryContext(ctx, `SELECT `+strings.Join(texts, " || '|' || ")+` FROM `+table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for rows.Next() {
			var s *string
			rows.Scan(&s)
			for _, n := range needles {
				if s != nil && strings.Contains(*s, n) {
					t.Errorf("%s holds %q: %s", table, n, *s)
				}
			}
		}
		rows.Close()
	}
}

func columns(t *testing.T, e env, table string) []string {
	t.Helper()
	q := `SELECT name FROM pragma_table_info($1) ORDER BY cid`
	if e.d.Dialect() == db.Postgres {
		q = `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`
	}
	rows, err := e.d.QueryContext(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		out = append(out, c)
	}
	return out
}

// TestAnonymousColumns pins the columns of the tables an anonymous answer
// is written to: nothing that names a person, a session, an address or a
// time finer than the day. A column added here must be argued for.
func TestAnonymousColumns(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		for table, want := range map[string]string{
			// stratum: a panel response's background cell (age group and
			// area, e.g. "a30|Sentrum"), a group and never a person; '' for
			// other surveys. Results weighted by it hide groups under MinGroup.
			"surveys_responses":     "tenant_id survey_id id day stratum",
			"surveys_strata_counts": "tenant_id survey_id stratum question_id item choice n",
			"surveys_answers":       "tenant_id survey_id response_id question_id item choice text",
			"surveys_counts":        "tenant_id survey_id question_id item choice n",
			"surveys_markers":       "tenant_id survey_id person_key",
			"surveys_cross":         "tenant_id survey_id bg_question bg_choice question_id item choice n",
			// Which survey is a municipality's receipt survey: no answer data.
			"surveys_receipt": "tenant_id survey_id",
		} {
			if got := strings.Join(columns(t, e, table), " "); got != want {
				t.Errorf("%s has columns %q, want %q", table, got, want)
			}
		}
		ctx := context.Background()
		sv, qs := fixture(t, e, surveys.SurveyForm{Anonymous: true})
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Principal: "pid:15838810028", Name: "Kari Nordmann"}, form(qs, "1", "", "", "", "", "")); err != nil {
			t.Fatal(err)
		}
		var day string
		e.d.QueryRowContext(ctx, `SELECT day FROM surveys_responses WHERE tenant_id = $1`, tenant).Scan(&day)
		if day != "2026-11-23" {
			t.Errorf("day = %q", day)
		}
		var n int
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_respondents`).Scan(&n)
		if n != 0 {
			t.Errorf("%d respondent rows for an anonymous survey", n)
		}
		assertNoPerson(t, e, "15838810028", "Kari")
		// Answering writes no audit entry.
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE actor_id = 'pid:15838810028'`).Scan(&n)
		if n != 0 {
			t.Errorf("%d audit entries by the respondent", n)
		}
	})
}

func TestIdentified(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv, qs := fixture(t, e, surveys.SurveyForm{Anonymous: false})
		if _, _, err := e.svc.Prepare(ctx, tenant, sv.ID, surveys.Respondent{}); !errs.Is(errs.Unauthenticated, err) {
			t.Errorf("identified survey, signed out: %v", err)
		}
		id, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Principal: "pid:15838810028", Name: "Kari Nordmann"}, form(qs, "1", "", "", "", "", ""))
		if err != nil {
			t.Fatal(err)
		}
		var principal, name string
		if err := e.d.QueryRowContext(ctx, `SELECT principal, name FROM surveys_respondents WHERE tenant_id = $1 AND response_id = $2`, tenant, id).Scan(&principal, &name); err != nil || principal != "pid:15838810028" || name != "Kari Nordmann" {
			t.Errorf("respondent %q %q %v", principal, name, err)
		}
	})
}

var linkRE = regexp.MustCompile(`\?t=([A-Za-z0-9_-]{43})`)

func TestInvites(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv := mustSurvey(t, e, surveys.SurveyForm{Title: "Medarbeidarundersøking", Anonymous: true, Audience: surveys.AudienceList})
		if !sv.OneAnswer {
			t.Error("a list survey is not one answer per person")
		}
		q := mustQuestion(t, e, sv.ID, surveys.QuestionForm{Kind: "single", Text: "Trivst du?", Required: true, Options: "Ja\nNei"})
		letter := surveys.Letter{Subject: "Undersøking", Body: "Svar her: {lenke}\n", Link: "https://torg.example/k/9999/undersokelser/" + sv.ID}
		if _, err := e.svc.AddInvites(ctx, tenant, sv.ID, "ola@demo.no, <script>@x", letter, owner); !errs.Is(errs.Invalid, err) || fieldsOf(err)[surveys.FieldAddresses] != "surveys.error.address_bad" {
			t.Errorf("bad address: %v", err)
		}
		n, err := e.svc.AddInvites(ctx, tenant, sv.ID, "Ola@Demo.no\nkari@demo.no; ola@demo.no", letter, owner)
		if err != nil || n != 2 {
			t.Fatalf("AddInvites = %d, %v", n, err)
		}
		if n, err := e.svc.AddInvites(ctx, tenant, sv.ID, "ola@demo.no per@demo.no", letter, owner); err != nil || n != 1 {
			t.Errorf("again = %d, %v", n, err)
		}
		mails := func() map[string]string {
			out := map[string]string{}
			rows, err := e.d.QueryContext(ctx, `SELECT recipient, body FROM notify_mail WHERE tenant_id = $1`, tenant)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var to, body string
				rows.Scan(&to, &body)
				out[to] = body
			}
			return out
		}
		if len(mails()) != 0 {
			t.Error("mail sent before the survey is open")
		}
		if err := e.svc.Open(ctx, tenant, sv.ID, letter, owner); err != nil {
			t.Fatal(err)
		}
		m := mails()
		if len(m) != 3 || !strings.HasPrefix(m["kari@demo.no"], "Svar her: "+letter.Link+"?t=") {
			t.Fatalf("mails = %v", m)
		}
		// Added while open: sent at once.
		if _, err := e.svc.AddInvites(ctx, tenant, sv.ID, "nils@demo.no", letter, owner); err != nil || len(mails()) != 4 {
			t.Errorf("late invite: %v, %d mails", err, len(mails()))
		}
		token := linkRE.FindStringSubmatch(m["kari@demo.no"])[1]
		if !surveys.ValidToken(token) {
			t.Fatalf("token %q", token)
		}
		yes := url.Values{surveys.FieldName(q, 0): {"0"}}
		for _, bad := range []string{"", "x", strings.Repeat("A", 43)} {
			if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Token: bad}, yes); !errs.Is(errs.Invalid, err) || keyOf(err) != "surveys.error.token" {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Token: token}, yes); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Token: token}, yes); !errs.Is(errs.Conflict, err) || keyOf(err) != "surveys.error.answered" {
			t.Errorf("link used twice: %v", err)
		}
		inv, _ := e.svc.Invites(ctx, tenant, sv.ID)
		answered := 0
		for _, i := range inv {
			if i.Answered {
				answered++
			}
		}
		if len(inv) != 4 || answered != 1 {
			t.Errorf("invites = %+v", inv)
		}
		assertNoPerson(t, e.withoutInvites(), "kari@")
		// Ten goroutines with one link: one answer.
		token2 := linkRE.FindStringSubmatch(m["ola@demo.no"])[1]
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 10 {
			wg.Go(func() {
				_, err := e.svc.Answer(ctx, tenant, sv.ID, surveys.Respondent{Token: token2}, yes)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case !errs.Is(errs.Conflict, err):
					t.Errorf("concurrent answer: %v", err)
				}
			})
		}
		wg.Wait()
		res, _ := e.svc.Results(ctx, tenant, sv.ID, "")
		if ok != 1 || res.Total != 2 {
			t.Errorf("%d concurrent answers accepted, total %d", ok, res.Total)
		}
	})
}

// withoutInvites is e for assertNoPerson checks that skip the invitation
// list.
func (e env) withoutInvites() env { e.skipInvites = true; return e }
