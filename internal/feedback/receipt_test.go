package feedback_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"database/sql"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/feedback"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/web"
)

// TestReceiptSurvey checks that the answers live in the municipality's
// receipt survey: made with the first ticket, without a link of its own,
// counted in its results and in the managers' report, one answer a ticket.
func TestReceiptSurvey(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		sv := surveys.New(e.d, e.log, nil, surveys.Config{})
		if _, _, err := sv.FindReceipt(ctx, "9999"); !errs.Is(errs.NotFound, err) {
			t.Fatalf("receipt survey before any ticket: %v", err)
		}
		if rows, err := e.svc.Report(ctx, "9999", []string{"2026-11"}, nil); err != nil || len(rows) != 0 {
			t.Fatalf("report without a survey: %+v, %v", rows, err)
		}
		tk, err := e.svc.Ticket(ctx, "9999", "kontakt")
		if err != nil {
			t.Fatal(err)
		}
		list, err := sv.List(ctx, "9999")
		if err != nil || len(list) != 1 {
			t.Fatalf("surveys: %+v, %v", list, err)
		}
		rs := list[0]
		if rs.Audience != surveys.AudienceReceipt || rs.Status != surveys.StatusOpen || !rs.Anonymous || rs.OneAnswer {
			t.Errorf("receipt survey = %+v", rs)
		}
		if id, err := e.svc.ReceiptSurvey(ctx, "9999"); err != nil || id != rs.ID {
			t.Errorf("ReceiptSurvey = %q, %v; want %q", id, err, rs.ID)
		}
		// No link of its own.
		if _, _, err := sv.Prepare(ctx, "9999", rs.ID, surveys.Respondent{}); !errs.Is(errs.NotFound, err) {
			t.Errorf("Prepare of the receipt survey: %v", err)
		}
		if _, err := sv.Answer(ctx, "9999", rs.ID, surveys.Respondent{}, url.Values{}); !errs.Is(errs.NotFound, err) {
			t.Errorf("Answer by the survey's own route: %v", err)
		}

		// Bad input is refused by field, and leaves the ticket unspent.
		for _, tt := range []struct{ score, comment, field, key string }{
			{"0", "", feedback.FieldScore, "feedback.error.score_range"},
			{"6", "", feedback.FieldScore, "feedback.error.score_range"},
			{"", "", feedback.FieldScore, "feedback.error.score_missing"},
			{"4", strings.Repeat("x", feedback.MaxComment+1), feedback.FieldComment, "feedback.error.comment_long"},
		} {
			_, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: tt.score, Comment: tt.comment})
			if !errs.Is(errs.Invalid, err) || fieldsOf(err)[tt.field] != tt.key {
				t.Errorf("score %q comment of %d: %v %v", tt.score, len(tt.comment), err, fieldsOf(err))
			}
		}
		const script = "<script>alert(1)</script>"
		a, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "5", Comment: script})
		if err != nil {
			t.Fatal(err)
		}
		if !surveys.ValidID(a.ID) {
			t.Errorf("answer id %q is not a response id", a.ID)
		}
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "1"}); !errs.Is(errs.Conflict, err) || keyOf(err) != "feedback.error.answered" {
			t.Errorf("second answer with one ticket: %v", err)
		}
		res, err := sv.Results(ctx, "9999", rs.ID, "")
		if err != nil || res.Total != 1 || !res.TotalSuppressed {
			t.Fatalf("results after one answer: total %d, suppressed %v, %v", res.Total, res.TotalSuppressed, err)
		}
		for _, s := range []struct{ service, score string }{{"kontakt", "4"}, {"kontakt", "2"}, {"barnehageplass", "5"}, {"barnehageplass", "3"}} {
			tk, _ := e.svc.Ticket(ctx, "9999", s.service)
			if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: s.score, Comment: "svar " + s.score}); err != nil {
				t.Fatal(err)
			}
		}
		res, err = sv.Results(ctx, "9999", rs.ID, "")
		if err != nil || res.Total != 5 || res.TotalSuppressed || len(res.Questions) != 2 {
			t.Fatalf("results: %+v, %v", res, err)
		}
		got := map[int]int64{}
		for _, c := range res.Questions[0].Rows[0].Cells {
			got[c.Choice] = c.N
		}
		if want := map[int]int64{1: 0, 2: 1, 3: 1, 4: 1, 5: 2}; len(got) != 5 || got[2] != want[2] || got[3] != 1 || got[4] != 1 || got[5] != 2 || got[1] != 0 {
			t.Errorf("score counts = %v, want %v", got, want)
		}
		if q := res.Questions[1]; q.Answered != 5 || len(q.Texts) != 5 || !strings.Contains(strings.Join(q.Texts, "\n"), script) {
			t.Errorf("comments: %d %q", q.Answered, q.Texts)
		}

		// The managers' report reads the counts by service and month, and
		// adds the answers from before the switch (feedback_answers).
		if err := e.d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO feedback_answers (tenant_id, id, service_id, month, score, comment) VALUES ('9999', 'old1', 'kontakt', '2026-11', 5, '')`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rows, err := e.svc.Report(ctx, "9999", []string{"2026-11", "2026-10"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []feedback.Row{{ServiceID: "barnehageplass", Month: "2026-11", Answers: 2, Satisfied: 1}, {ServiceID: "kontakt", Month: "2026-11", Answers: 4, Satisfied: 3}}
		if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
			t.Errorf("report = %+v\nwant %+v", rows, want)
		}
		// A month outside the report's months is not counted.
		if rows, err := e.svc.Report(ctx, "9999", []string{"2026-10"}, nil); err != nil || len(rows) != 0 {
			t.Errorf("report of October: %+v, %v", rows, err)
		}

		// A closed survey takes no answers; the ticket stays unspent.
		manager := audit.Entry{ActorID: "email:leder@demo.kommune.no", ActorName: "Lea Leder", Role: "manager", RequestID: "r"}
		if err := sv.Close(ctx, "9999", rs.ID, manager); err != nil {
			t.Fatal(err)
		}
		tk, _ = e.svc.Ticket(ctx, "9999", "kontakt")
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "4"}); !errs.Is(errs.Conflict, err) || keyOf(err) != "feedback.error.closed" {
			t.Errorf("answer to a closed survey: %v (%s)", err, keyOf(err))
		}
		if err := sv.Open(ctx, "9999", rs.ID, surveys.Letter{}, manager); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "4"}); err != nil {
			t.Errorf("answer after reopening: %v", err)
		}
	})
}

// TestReceiptSurveyOnce makes the receipt survey from two services (two
// nodes) at once: one survey stays.
func TestReceiptSurveyOnce(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				if _, err := feedback.New(e.d, e.log).Ticket(ctx, "4601", "kontakt"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		var n int
		if err := e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_surveys WHERE tenant_id = '4601'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d receipt surveys (%v)", n, err)
		}
	})
}

// TestReceiptPages answers on the question page and finds the answer on
// the survey builder's pages and in the managers' report.
func TestReceiptPages(t *testing.T) {
	s := newSite(t)
	cat := catalog(t)
	if err := cat.AddFS(surveys.Messages()); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	shell, err := web.NewShell(cat, logger)
	if err != nil {
		t.Fatal(err)
	}
	// Both modules' pages on one mux, as the server lays them out.
	s.mux = http.NewServeMux()
	id := identity.New(s.d, s.log, logger, identity.Config{})
	if err := feedback.Routes(s.mux, shell, s.svc, id, s.services); err != nil {
		t.Fatal(err)
	}
	if err := surveys.Routes(s.mux, shell, surveys.New(s.d, s.log, nil, surveys.Config{}), id, ""); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const script = "<script>alert(1)</script>"
	for i, score := range []string{"5", "4", "2", "4", "5"} {
		tk := s.ticket(t)
		// Every answer has a comment: texts of fewer than MinGroup
		// answers are hidden.
		form := url.Values{feedback.FieldTicket: {tk}, feedback.FieldScore: {score}, feedback.FieldComment: {"Greitt"}}
		if i == 0 {
			form.Set(feedback.FieldComment, script)
		}
		if rec, body := s.do(t, "POST", "/tilbakemelding", form, nil); rec.Code != 200 {
			t.Fatalf("answer: %d\n%s", rec.Code, body)
		}
		if i == 0 {
			if rec, body := s.do(t, "POST", "/tilbakemelding", form, nil); rec.Code != http.StatusConflict || !strings.Contains(body, "Du har allerede svart") {
				t.Errorf("second answer with the ticket: %d\n%s", rec.Code, body)
			}
		}
	}
	sid, err := s.svc.ReceiptSurvey(ctx, "9999")
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := s.do(t, "GET", "/undersokelser/"+sid, nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET of the survey's open link: %d", rec.Code)
	}
	if rec, _ := s.do(t, "POST", "/undersokelser/"+sid, url.Values{}, nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST to the survey's open link: %d", rec.Code)
	}
	rec, body := s.do(t, "GET", "/tilsett/undersokelser", nil, manager)
	if rec.Code != 200 {
		t.Fatalf("survey list: %d", rec.Code)
	}
	mustContain(t, body, "Brukertilfredshet – spørsmålet på kvitteringssiden", "Kvitteringssiden (fornøyde brukere)")
	rec, body = s.do(t, "GET", "/tilsett/undersokelser/"+sid, nil, manager)
	if rec.Code != 200 {
		t.Fatalf("survey page: %d", rec.Code)
	}
	mustContain(t, body, "Den har ingen egen lenke")
	rec, body = s.do(t, "GET", "/tilsett/undersokelser/"+sid+"/resultat", nil, manager)
	if rec.Code != 200 {
		t.Fatalf("results: %d\n%s", rec.Code, body)
	}
	mustContain(t, body, "5 svar i alt.", "Hvor fornøyd er du med tjenesten?", "<svg", "&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(body, script) {
		t.Error("comment not escaped on the results page")
	}
	rec, body = s.do(t, "GET", "/tilsett/undersokelser/"+sid+"/resultat.csv", nil, manager)
	if rec.Code != 200 || !strings.Contains(body, "Hvor fornøyd er du med tjenesten?") {
		t.Errorf("results CSV: %d\n%s", rec.Code, body)
	}
	rec, body = s.do(t, "GET", "/tilsett/styringsdata.csv", nil, manager)
	if rec.Code != 200 || !strings.Contains(body, "\r\n2026-11;barnehageplass;Søknad om barnehageplass;0;0;0;0;0;;;5;4;80;ja") {
		t.Errorf("report CSV: %d\n%s", rec.Code, body)
	}
}

// TestMoveOldAnswers moves answers from feedback_answers into the receipt
// survey: the report gives the same figures before and after, the survey's
// results count them, and a second run moves nothing.
func TestMoveOldAnswers(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		insert := func(tenant, id, service, month string, score int, comment string) {
			t.Helper()
			if err := e.d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO feedback_answers (tenant_id, id, service_id, month, score, comment) VALUES ($1, $2, $3, $4, $5, $6)`,
					tenant, id, service, month, score, comment)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		for i, score := range []int{5, 4, 1, 2, 5, 4} {
			insert("9999", "a"+strconv.Itoa(i), []string{"kontakt", "barnehageplass"}[i%2], []string{"2026-10", "2026-11"}[i/3], score, "Kommentar "+strconv.Itoa(i))
		}
		insert("4601", "b0", "kontakt", "2026-09", 3, "")
		months := []string{"2026-11", "2026-10", "2026-09"}
		before, err := e.svc.Report(ctx, "9999", months, nil)
		if err != nil || len(before) != 4 {
			t.Fatalf("report before: %+v, %v", before, err)
		}
		n, err := e.svc.MoveOldAnswers(ctx)
		if err != nil || n != 7 {
			t.Fatalf("MoveOldAnswers = %d, %v", n, err)
		}
		var left int
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_answers`).Scan(&left)
		if left != 0 {
			t.Errorf("%d answers left in feedback_answers", left)
		}
		after, err := e.svc.Report(ctx, "9999", months, nil)
		if err != nil || !reflect.DeepEqual(before, after) {
			t.Errorf("report after moving = %+v, %v\nbefore %+v", after, err, before)
		}
		if rows, err := e.svc.Report(ctx, "4601", months, nil); err != nil || len(rows) != 1 || rows[0].Answers != 1 || rows[0].Satisfied != 0 {
			t.Errorf("report of 4601: %+v, %v", rows, err)
		}
		sv := surveys.New(e.d, e.log, nil, surveys.Config{})
		rs, _, err := sv.FindReceipt(ctx, "9999")
		if err != nil {
			t.Fatal(err)
		}
		res, err := sv.Results(ctx, "9999", rs.ID, "")
		if err != nil || res.Total != 6 || len(res.Questions) != 2 || res.Questions[1].Answered != 6 {
			t.Fatalf("results: %+v, %v", res, err)
		}
		var day string
		e.d.QueryRowContext(ctx, `SELECT day FROM surveys_responses WHERE tenant_id = '9999' AND stratum = '2026-10|kontakt' ORDER BY id LIMIT 1`).Scan(&day)
		if day != "2026-10" {
			t.Errorf("moved answer's day = %q", day)
		}
		if n, err := e.svc.MoveOldAnswers(ctx); err != nil || n != 0 {
			t.Errorf("second run = %d, %v", n, err)
		}
		// A closed survey keeps the old answers where they are.
		insert("9999", "c0", "kontakt", "2026-11", 5, "")
		if err := sv.Close(ctx, "9999", rs.ID, staff); err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.MoveOldAnswers(ctx); err != nil || n != 0 {
			t.Errorf("run with a closed survey = %d, %v", n, err)
		}
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_answers`).Scan(&left)
		if left != 1 {
			t.Errorf("%d answers left, want 1", left)
		}
	})
}

// TestMoveOldAnswersConcurrently runs the move on three nodes at once:
// every answer is moved once.
func TestMoveOldAnswersConcurrently(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		const total = 1100 // more than two batches
		if err := e.d.Tx(ctx, func(tx *sql.Tx) error {
			for i := range total {
				if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_answers (tenant_id, id, service_id, month, score, comment) VALUES ($1, $2, $3, $4, $5, '')`,
					"9999", "a"+strconv.Itoa(i), "kontakt", "2026-11", 1+i%5); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		moved := make(chan int, 3)
		for range 3 {
			wg.Go(func() {
				n, err := feedback.New(e.d, e.log).MoveOldAnswers(ctx)
				if err != nil {
					t.Error(err)
				}
				moved <- n
			})
		}
		wg.Wait()
		close(moved)
		sum := 0
		for n := range moved {
			sum += n
		}
		rows, err := e.svc.Report(ctx, "9999", []string{"2026-11"}, nil)
		if sum != total || err != nil || len(rows) != 1 || rows[0].Answers != total || rows[0].Satisfied != 2*total/5 {
			t.Errorf("moved %d; report %+v, %v", sum, rows, err)
		}
	})
}
