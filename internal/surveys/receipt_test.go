package surveys_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/surveys"
)

var receiptSpec = surveys.ReceiptSpec{Title: "Nøgd?", Questions: []surveys.QuestionForm{
	{Kind: surveys.KindScale, Text: "Kor nøgd?", Required: true, ScaleMin: "1", ScaleMax: "5"},
	{Kind: surveys.KindText, Text: "Kommentar"},
}}

var system = surveys.Actor{ActorID: "system:feedback", ActorName: "Tilbakemelding", Role: "system"}

// TestReceipt checks the receipt survey: made once, not in the builder's
// form, no link of its own, answered with a context inside the caller's
// transaction, counted per context.
func TestReceipt(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		if _, err := e.svc.Create(ctx, tenant, surveys.SurveyForm{Title: "X", Audience: surveys.AudienceReceipt}, owner); fieldsOf(err)[surveys.FieldAudience] != "surveys.error.audience" {
			t.Errorf("receipt audience from the builder's form: %v", err)
		}
		if _, _, err := e.svc.Receipt(ctx, tenant, surveys.ReceiptSpec{Title: ""}, system); !errs.Is(errs.Invalid, err) {
			t.Errorf("empty spec: %v", err)
		}
		sv, qs, err := e.svc.Receipt(ctx, tenant, receiptSpec, system)
		if err != nil || len(qs) != 2 || sv.Audience != surveys.AudienceReceipt || sv.Status != surveys.StatusOpen || !sv.Anonymous {
			t.Fatalf("Receipt = %+v %+v, %v", sv, qs, err)
		}
		again, _, err := e.svc.Receipt(ctx, tenant, surveys.ReceiptSpec{Title: "Annan"}, system)
		if err != nil || again.ID != sv.ID || again.Title != "Nøgd?" {
			t.Errorf("second Receipt = %+v, %v", again, err)
		}
		if _, _, err := e.svc.Prepare(ctx, tenant, sv.ID, surveys.Respondent{}); !errs.Is(errs.NotFound, err) {
			t.Errorf("Prepare: %v", err)
		}
		answer := func(a surveys.ReceiptAnswer, survey string, form url.Values) error {
			return e.d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := e.svc.AnswerReceipt(ctx, tx, tenant, survey, a, form)
				return err
			})
		}
		score := surveys.FieldName(qs[0], 0)
		ok := surveys.ReceiptAnswer{Month: "2026-11", Service: "kontakt"}
		for _, tt := range []struct {
			name   string
			a      surveys.ReceiptAnswer
			form   url.Values
			kind   errs.Kind
			key    string
			survey string
		}{
			{"bad month", surveys.ReceiptAnswer{Month: "2026-11-23", Service: "kontakt"}, url.Values{score: {"4"}}, errs.Invalid, "surveys.error.context", sv.ID},
			{"bad service", surveys.ReceiptAnswer{Month: "2026-11", Service: "a|b"}, url.Values{score: {"4"}}, errs.Invalid, "surveys.error.context", sv.ID},
			{"score 6", ok, url.Values{score: {"6"}}, errs.Invalid, "surveys.error.answers", sv.ID},
			{"no score", ok, url.Values{}, errs.Invalid, "surveys.error.answers", sv.ID},
		} {
			if err := answer(tt.a, tt.survey, tt.form); !errs.Is(tt.kind, err) || keyOf(err) != tt.key {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		// Not a receipt survey.
		other, oqs := fixture(t, e, surveys.SurveyForm{Anonymous: true})
		if err := answer(ok, other.ID, form(oqs, "1", "", "", "", "", "")); !errs.Is(errs.NotFound, err) {
			t.Errorf("AnswerReceipt to an open survey: %v", err)
		}
		for _, a := range []struct{ month, service, score string }{{"2026-11", "kontakt", "4"}, {"2026-11", "kontakt", "2"}, {"2026-10", "kontakt", "5"}, {"2026-11", "bhg", "5"}} {
			if err := answer(surveys.ReceiptAnswer{Month: a.month, Service: a.service}, sv.ID, url.Values{score: {a.score}}); err != nil {
				t.Fatal(err)
			}
		}
		counts, err := e.svc.ReceiptCounts(ctx, tenant, sv.ID, qs[0].ID, "2026-11", "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, c := range counts {
			got[c.Stratum+" "+map[bool]string{true: "all", false: string(rune('0' + c.Choice))}[c.Choice == -1]] = c.N
		}
		want := map[string]int64{"2026-11|bhg all": 1, "2026-11|bhg 5": 1, "2026-11|kontakt all": 2, "2026-11|kontakt 4": 1, "2026-11|kontakt 2": 1}
		if len(got) != len(want) {
			t.Errorf("counts = %v, want %v", got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("counts[%s] = %d, want %d (all: %v)", k, got[k], n, got)
			}
		}
		if _, err := e.svc.ReceiptCounts(ctx, tenant, sv.ID, qs[0].ID, "2026", "2026-12"); !errs.Is(errs.Invalid, err) {
			t.Errorf("bad month: %v", err)
		}
		var day, stratum string
		if err := e.d.QueryRowContext(ctx, `SELECT day, stratum FROM surveys_responses WHERE tenant_id = $1 AND survey_id = $2 AND stratum LIKE '2026-10%'`, tenant, sv.ID).Scan(&day, &stratum); err != nil ||
			day != "2026-10" || stratum != "2026-10|kontakt" {
			t.Errorf("day %q, stratum %q, %v", day, stratum, err)
		}
		if m, s, ok := surveys.SplitContext("2026-11|kontakt"); !ok || m != "2026-11" || s != "kontakt" {
			t.Errorf("SplitContext = %q %q %v", m, s, ok)
		}
		for _, bad := range []string{"", "2026-11", "kontakt|2026-11", "2026-13|x", "2026-11|Ø"} {
			if _, _, ok := surveys.SplitContext(bad); ok {
				t.Errorf("SplitContext(%q) ok", bad)
			}
		}
	})
}
