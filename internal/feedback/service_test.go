package feedback_test

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/feedback"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// start is the tests' "now": 23 November 2026, noon UTC.
var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// env is a test database with the feedback service on it.
type env struct {
	d     *db.DB
	svc   *feedback.Service
	log   *audit.Log
	clock *dbtest.Clock
}

// each runs fn on SQLite and, when TORG_TEST_POSTGRES is set, on
// PostgreSQL, each with a fresh database and a clock at start.
func each(t *testing.T, fn func(t *testing.T, e env)) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			c := dbtest.NewClock(start)
			var d *db.DB
			if pg {
				d = dbtest.Postgres(t, dbtest.Options{Now: c.Now}, audit.Schema, feedback.Schema, surveys.Schema)
			} else {
				d = dbtest.SQLite(t, dbtest.Options{Now: c.Now}, audit.Schema, feedback.Schema, surveys.Schema)
			}
			log := audit.New(d)
			fn(t, env{d: d, svc: feedback.New(d, log), log: log, clock: c})
		})
	}
}

// keyOf returns the message key of err.
func keyOf(err error) string {
	k, _, _ := errs.Public(err)
	return k
}

func fieldsOf(err error) map[string]string {
	_, _, f := errs.Public(err)
	return f
}

func TestTicketAndAnswer(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		tk, err := e.svc.Ticket(ctx, "9999", "barnehageplass")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(tk, "barnehageplass") || len(tk) > 200 {
			t.Errorf("ticket %q is not opaque or too long", tk)
		}
		other, _ := e.svc.Ticket(ctx, "9999", "barnehageplass")
		if other == tk {
			t.Error("two tickets are equal")
		}
		if svc, err := e.svc.CheckTicket(ctx, "9999", tk); err != nil || svc != "barnehageplass" {
			t.Fatalf("CheckTicket = %q, %v", svc, err)
		}
		// Another municipality has another secret.
		if _, err := e.svc.CheckTicket(ctx, "4601", tk); !errs.Is(errs.Invalid, err) || keyOf(err) != "feedback.error.ticket" {
			t.Errorf("ticket of another municipality: %v", err)
		}
		a, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "4", Comment: "  Greitt.\r\nTakk \x00 "})
		if err != nil {
			t.Fatal(err)
		}
		if a.ServiceID != "barnehageplass" || a.Month != "2026-11" || a.Score != 4 || a.Comment != "Greitt.\nTakk" {
			t.Errorf("answer = %+v", a)
		}
		// Used: both the check and a second answer say so.
		if _, err := e.svc.CheckTicket(ctx, "9999", tk); !errs.Is(errs.Conflict, err) || keyOf(err) != "feedback.error.answered" {
			t.Errorf("CheckTicket of a used ticket: %v", err)
		}
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "5"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("second answer: %v", err)
		}
		// The other ticket is still good.
		if _, err := e.svc.CheckTicket(ctx, "9999", other); err != nil {
			t.Errorf("other ticket: %v", err)
		}
		if _, err := e.svc.Ticket(ctx, "9999", "Not a service!"); !errs.Is(errs.Invalid, err) {
			t.Errorf("ticket for a bad service id: %v", err)
		}
	})
}

// TestConcurrentAnswers answers with one ticket from ten goroutines at
// once: one answer is stored, the others are told it has been used.
func TestConcurrentAnswers(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		tk, _ := e.svc.Ticket(ctx, "9999", "kontakt")
		var wg sync.WaitGroup
		results := make(chan error, 10)
		for range 10 {
			wg.Go(func() {
				_, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "3"})
				results <- err
			})
		}
		wg.Wait()
		close(results)
		ok := 0
		for err := range results {
			switch {
			case err == nil:
				ok++
			case !errs.Is(errs.Conflict, err):
				t.Errorf("Answer: %v", err)
			}
		}
		var n int
		if err := e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_responses WHERE tenant_id = $1`, "9999").Scan(&n); err != nil || ok != 1 || n != 1 {
			t.Errorf("%d answers accepted, %d stored (%v)", ok, n, err)
		}
	})
}

func TestForgedTickets(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		tk, err := e.svc.Ticket(ctx, "9999", "kontakt")
		if err != nil {
			t.Fatal(err)
		}
		flip := func(s string, i int) string {
			b := []byte(s)
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			return string(b)
		}
		for _, bad := range []string{"", "x", "!!!!", strings.Repeat("A", 600), flip(tk, 3), flip(tk, 20), flip(tk, 50), flip(tk, len(tk)-2), tk + "AAAA", tk[:len(tk)-4]} {
			if _, err := e.svc.CheckTicket(ctx, "9999", bad); !errs.Is(errs.Invalid, err) || keyOf(err) != "feedback.error.ticket" {
				t.Errorf("CheckTicket(%q) = %v", bad, err)
			}
			if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: bad, Score: "3"}); !errs.Is(errs.Invalid, err) || len(fieldsOf(err)) > 0 {
				t.Errorf("Answer(%q) = %v", bad, err)
			}
		}
	})
}

func TestTicketExpiry(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		used, _ := e.svc.Ticket(ctx, "9999", "kontakt")
		unused, _ := e.svc.Ticket(ctx, "9999", "kontakt")
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: used, Score: "2"}); err != nil {
			t.Fatal(err)
		}
		// Issued in November, good through December (Oslo time).
		e.clock.Set(time.Date(2026, 12, 31, 22, 59, 0, 0, time.UTC))
		if _, err := e.svc.CheckTicket(ctx, "9999", unused); err != nil {
			t.Errorf("on the last evening of December: %v", err)
		}
		if n, err := e.svc.DeleteExpiredTickets(ctx); err != nil || n != 0 {
			t.Errorf("DeleteExpiredTickets before expiry = %d, %v", n, err)
		}
		e.clock.Set(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)) // midnight in Oslo
		if _, err := e.svc.CheckTicket(ctx, "9999", unused); !errs.Is(errs.Invalid, err) || keyOf(err) != "feedback.error.ticket_expired" {
			t.Errorf("expired ticket: %v", err)
		}
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: unused, Score: "5"}); !errs.Is(errs.Invalid, err) || keyOf(err) != "feedback.error.ticket_expired" {
			t.Errorf("answer with an expired ticket: %v", err)
		}
		if n, err := e.svc.DeleteExpiredTickets(ctx); err != nil || n != 1 {
			t.Errorf("DeleteExpiredTickets = %d, %v", n, err)
		}
		// Purged from the list, the used ticket is still refused: it has
		// expired.
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: used, Score: "5"}); !errs.Is(errs.Invalid, err) {
			t.Errorf("used ticket after the purge: %v", err)
		}
	})
}

func TestAnswerValidation(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		tk, _ := e.svc.Ticket(ctx, "9999", "kontakt")
		for _, tt := range []struct {
			score, comment string
			want           map[string]string
		}{
			{"", "", map[string]string{"score": "feedback.error.score_missing"}},
			{"  ", "", map[string]string{"score": "feedback.error.score_missing"}},
			{"7", "", map[string]string{"score": "feedback.error.score_range"}},
			{"0", "", map[string]string{"score": "feedback.error.score_range"}},
			{"abc", "", map[string]string{"score": "feedback.error.score_range"}},
			{"3", strings.Repeat("æ", feedback.MaxComment+1), map[string]string{"kommentar": "feedback.error.comment_long"}},
			{"", strings.Repeat("x", feedback.MaxComment+1), map[string]string{"score": "feedback.error.score_missing", "kommentar": "feedback.error.comment_long"}},
		} {
			_, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: tt.score, Comment: tt.comment})
			if !errs.Is(errs.Invalid, err) || !reflect.DeepEqual(fieldsOf(err), tt.want) {
				t.Errorf("score %q, comment of %d: %v %v", tt.score, len(tt.comment), err, fieldsOf(err))
			}
		}
		// Field errors do not spend the ticket; the longest comment fits.
		if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "5", Comment: strings.Repeat("æ", feedback.MaxComment)}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAnswersCannotBeLinked checks the columns of the answer table and of
// the list of used tickets: nothing that could point to a submission, a
// person or a time finer than the month.
func TestAnswersCannotBeLinked(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		columns := func(table string) []string {
			rows, err := e.d.QueryContext(ctx, `SELECT * FROM `+table+` WHERE 1 = 0`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, err := rows.Columns()
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(cols)
			return cols
		}
		if got, want := columns("feedback_answers"), []string{"comment", "id", "month", "score", "service_id", "tenant_id"}; !slices.Equal(got, want) {
			t.Errorf("feedback_answers has columns %v, want exactly %v", got, want)
		}
		if got, want := columns("feedback_spent_tickets"), []string{"expires_at", "nonce_hash", "tenant_id"}; !slices.Equal(got, want) {
			t.Errorf("feedback_spent_tickets has columns %v, want exactly %v", got, want)
		}
		// The answers are in the receipt survey, whose response table
		// holds the month and the service, nothing finer.
		if got, want := columns("surveys_responses"), []string{"day", "id", "stratum", "survey_id", "tenant_id"}; !slices.Equal(got, want) {
			t.Errorf("surveys_responses has columns %v, want exactly %v", got, want)
		}
		// What is stored: the month, and an expiry on a month boundary.
		tk, _ := e.svc.Ticket(ctx, "9999", "kontakt")
		// The receipt page made the survey (audited, at the time of the
		// page); answering adds no audit entry.
		before, err := e.log.List(ctx, "9999", 0, 100)
		if err != nil || len(before) != 1 || before[0].Action != "survey.create" || before[0].ActorID != "system:feedback" {
			t.Errorf("audit before answering: %+v, %v", before, err)
		}
		e.clock.Add(3 * time.Hour)
		a, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: "4", Comment: "Fint"})
		if err != nil {
			t.Fatal(err)
		}
		var day, stratum string
		if err := e.d.QueryRowContext(ctx, `SELECT day, stratum FROM surveys_responses WHERE tenant_id = $1 AND id = $2`, "9999", a.ID).Scan(&day, &stratum); err != nil ||
			day != "2026-11" || stratum != "2026-11|kontakt" {
			t.Errorf("day, stratum = %q, %q, %v", day, stratum, err)
		}
		var n int
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_respondents`).Scan(&n)
		if n != 0 {
			t.Errorf("%d respondent rows", n)
		}
		e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_answers`).Scan(&n)
		if n != 0 {
			t.Errorf("%d rows in feedback_answers, which gets no new answers", n)
		}
		var exp time.Time
		if err := e.d.QueryRowContext(ctx, `SELECT expires_at FROM feedback_spent_tickets WHERE tenant_id = $1`, "9999").Scan(&exp); err != nil {
			t.Fatal(err)
		}
		oslo, _ := time.LoadLocation("Europe/Oslo")
		if want := time.Date(2027, 1, 1, 0, 0, 0, 0, oslo); !exp.Equal(want) {
			t.Errorf("expires_at = %v, want %v", exp, want)
		}
		// No audit entry tells when the answer was given.
		if list, err := e.log.List(ctx, "9999", 0, 100); err != nil || len(list) != len(before) {
			t.Errorf("answering wrote audit entries: %+v, %v", list, err)
		}
	})
}

var staff = audit.Entry{ActorID: "email:kari@demo.kommune.no", ActorName: "Kari Saksbehandler", Role: "caseworker", RequestID: "req-1"}

func TestRegister(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		known := []string{"barnehageplass", "kontakt"}
		for _, tt := range []struct {
			f    feedback.ChannelForm
			want map[string]string
		}{
			{feedback.ChannelForm{Service: "ukjent", Date: "23.11.2026", Channel: "papir", Count: "1"}, map[string]string{"tjeneste": "feedback.error.service_unknown"}},
			{feedback.ChannelForm{Service: "", Date: "23.11.2026", Channel: "papir", Count: "1"}, map[string]string{"tjeneste": "feedback.error.service_unknown"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "24.11.2026", Channel: "papir", Count: "1"}, map[string]string{"dato": "feedback.error.date_future"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "22.11.2024", Channel: "papir", Count: "1"}, map[string]string{"dato": "feedback.error.date_old"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "", Channel: "papir", Count: "1"}, map[string]string{"dato": "feedback.error.date_missing"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "2026-11-23", Channel: "papir", Count: "1"}, map[string]string{"dato": "feedback.error.date_format"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "31.02.2026", Channel: "papir", Count: "1"}, map[string]string{"dato": "feedback.error.date_format"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "23.11.2026", Channel: "brev", Count: "1"}, map[string]string{"kanal": "feedback.error.channel"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "23.11.2026", Channel: "papir", Count: "0"}, map[string]string{"antall": "feedback.error.count"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "23.11.2026", Channel: "papir", Count: "1001"}, map[string]string{"antall": "feedback.error.count"}},
			{feedback.ChannelForm{Service: "kontakt", Date: "23.11.2026", Channel: "papir", Count: "tre"}, map[string]string{"antall": "feedback.error.count"}},
			{feedback.ChannelForm{}, map[string]string{"tjeneste": "feedback.error.service_unknown", "dato": "feedback.error.date_missing",
				"kanal": "feedback.error.channel", "antall": "feedback.error.count"}},
		} {
			_, err := e.svc.Register(ctx, "9999", tt.f, known, staff)
			if !errs.Is(errs.Invalid, err) || !reflect.DeepEqual(fieldsOf(err), tt.want) {
				t.Errorf("Register(%+v) = %v %v, want %v", tt.f, err, fieldsOf(err), tt.want)
			}
		}
		// Today and exactly two years back are fine.
		r1, err := e.svc.Register(ctx, "9999", feedback.ChannelForm{Service: "kontakt", Date: " 23.11.2024 ", Channel: "telefon", Count: "2"}, known, staff)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
		r2, err := e.svc.Register(ctx, "9999", feedback.ChannelForm{Service: "barnehageplass", Date: "23.11.2026", Channel: "papir", Count: "1000"}, known, staff)
		if err != nil {
			t.Fatal(err)
		}
		if r2.Day != "2026-11-23" || r2.Count != 1000 || r2.By != staff.ActorID || r2.ByName != staff.ActorName {
			t.Errorf("registration = %+v", r2)
		}
		list, err := e.svc.Registrations(ctx, "9999", 50)
		if err != nil || len(list) != 2 || list[0].ID != r2.ID || list[1].ID != r1.ID || list[1].Day != "2024-11-23" || !list[0].At.Equal(r2.At) {
			t.Errorf("Registrations = %+v, %v", list, err)
		}
		if other, _ := e.svc.Registrations(ctx, "4601", 50); len(other) != 0 {
			t.Errorf("another municipality sees %d registrations", len(other))
		}
		entries, err := e.log.List(ctx, "9999", 0, 100)
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit entries = %+v, %v", entries, err)
		}
		if en := entries[1]; en.Action != "feedback.channel.register" || en.ActorID != staff.ActorID || en.Object != "channel_count:"+r2.ID ||
			en.Detail != "barnehageplass 2026-11-23 papir: 1000" || en.RequestID != "req-1" {
			t.Errorf("audit entry = %+v", en)
		}
	})
}

// TestReport checks the figures from known data: 3 digital and 1 on paper
// make a digital share of 75 %, which meets the goal; 4 answers of which 3
// satisfied make 75 %, which does not meet the goal of 80 %.
func TestReport(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		known := []string{"barnehageplass", "kontakt"}
		reg := func(service, date, channel, n string) {
			t.Helper()
			if _, err := e.svc.Register(ctx, "9999", feedback.ChannelForm{Service: service, Date: date, Channel: channel, Count: n}, known, staff); err != nil {
				t.Fatal(err)
			}
		}
		answer := func(service, score string) {
			t.Helper()
			tk, err := e.svc.Ticket(ctx, "9999", service)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: tk, Score: score}); err != nil {
				t.Fatal(err)
			}
		}
		reg("barnehageplass", "01.11.2026", "papir", "1")
		reg("kontakt", "31.10.2026", "telefon", "2")
		reg("kontakt", "15.10.2026", "oppmote", "1")
		reg("kontakt", "30.11.2025", "papir", "9") // outside the 12 months
		for _, s := range []string{"5", "4", "4", "2"} {
			answer("barnehageplass", s)
		}
		e.clock.Set(time.Date(2026, 10, 10, 12, 0, 0, 0, time.UTC))
		answer("kontakt", "5")
		e.clock.Set(start)
		// Another municipality's data never shows.
		if _, err := e.svc.Register(ctx, "4601", feedback.ChannelForm{Service: "kontakt", Date: "01.11.2026", Channel: "papir", Count: "7"}, known, staff); err != nil {
			t.Fatal(err)
		}

		months := feedback.Months(start, 12)
		if len(months) != 12 || months[0] != "2026-11" || months[11] != "2025-12" {
			t.Fatalf("Months = %v", months)
		}
		digital := []feedback.Count{{ServiceID: "barnehageplass", Month: "2026-11", N: 3}, {ServiceID: "kontakt", Month: "2026-10", N: 1},
			{ServiceID: "kontakt", Month: "2024-01", N: 50}}
		rows, err := e.svc.Report(ctx, "9999", months, digital)
		if err != nil {
			t.Fatal(err)
		}
		want := []feedback.Row{
			{ServiceID: "barnehageplass", Month: "2026-11", Digital: 3, Paper: 1, Answers: 4, Satisfied: 3},
			{ServiceID: "kontakt", Month: "2026-10", Digital: 1, Phone: 2, InPerson: 1, Answers: 1, Satisfied: 1},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Fatalf("Report =\n%+v\nwant\n%+v", rows, want)
		}
		r := rows[0]
		if d, ok := r.DigitalShare(); !ok || d != 75 || !r.DigitalGoalMet() || r.Total() != 4 {
			t.Errorf("digital share %d %v, met %v", d, ok, r.DigitalGoalMet())
		}
		if s, ok := r.SatisfiedShare(); !ok || s != 75 || r.SatisfiedGoalMet() {
			t.Errorf("satisfied share %d %v, met %v", s, ok, r.SatisfiedGoalMet())
		}
		if d, _ := rows[1].DigitalShare(); d != 25 || rows[1].DigitalGoalMet() || !rows[1].SatisfiedGoalMet() {
			t.Errorf("kontakt: %+v", rows[1])
		}
	})
}

func TestRowShares(t *testing.T) {
	for _, tt := range []struct {
		r              feedback.Row
		digital        int
		digitalMet     bool
		satisfied      int
		satisfiedMet   bool
		dataD, dataSat bool
	}{
		{feedback.Row{}, 0, false, 0, false, false, false},
		{feedback.Row{Digital: 2, Paper: 1, Answers: 5, Satisfied: 4}, 66, false, 80, true, true, true},
		{feedback.Row{Digital: 299, Paper: 100, Answers: 999, Satisfied: 799}, 74, false, 79, false, true, true},
		{feedback.Row{Digital: 1}, 100, true, 0, false, true, false},
	} {
		d, okD := tt.r.DigitalShare()
		s, okS := tt.r.SatisfiedShare()
		if d != tt.digital || okD != tt.dataD || tt.r.DigitalGoalMet() != tt.digitalMet || s != tt.satisfied || okS != tt.dataSat || tt.r.SatisfiedGoalMet() != tt.satisfiedMet {
			t.Errorf("%+v: %d %v %v, %d %v %v", tt.r, d, okD, tt.r.DigitalGoalMet(), s, okS, tt.r.SatisfiedGoalMet())
		}
	}
}

func TestMonthsAndSpan(t *testing.T) {
	// 23:30 UTC on 31 December is already January in Oslo.
	m := feedback.Months(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), 3)
	if !slices.Equal(m, []string{"2027-01", "2026-12", "2026-11"}) {
		t.Errorf("Months = %v", m)
	}
	from, to, ok := feedback.Span(m)
	oslo, _ := time.LoadLocation("Europe/Oslo")
	if !ok || !from.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, oslo)) || !to.Equal(time.Date(2027, 2, 1, 0, 0, 0, 0, oslo)) {
		t.Errorf("Span = %v, %v, %v", from, to, ok)
	}
	if _, _, ok := feedback.Span([]string{"2026-13"}); ok {
		t.Error("Span accepts month 13")
	}
	if _, _, ok := feedback.Span(nil); ok {
		t.Error("Span accepts no months")
	}
}
