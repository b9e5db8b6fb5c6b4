package panels_test

import (
	"context"
	"math"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/panels"
	"github.com/torg-ekommune/torg/internal/panels/panelstest"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// each runs fn on a site on SQLite and, when TORG_TEST_POSTGRES is set,
// on PostgreSQL.
func each(t *testing.T, o panelstest.Options, fn func(t *testing.T, s *panelstest.Site)) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			if pg && os.Getenv("TORG_TEST_POSTGRES") == "" {
				t.Skip("TORG_TEST_POSTGRES is not set")
			}
			o.Postgres = pg
			fn(t, panelstest.Start(t, o))
		})
	}
}

func keyOf(err error) string { k, _, _ := errs.Public(err); return k }

func fieldsOf(err error) map[string]string { _, _, f := errs.Public(err); return f }

var ctx = context.Background()

func enrol(t *testing.T, s *panelstest.Site, user, area string) panels.Member {
	t.Helper()
	m, err := s.Service.Enrol(ctx, panelstest.Demo, panelstest.Users[user].PID, panels.EnrolForm{Consent: true, Area: area, Email: user + "@example.no"},
		panelstest.CitizenActor(user))
	if err != nil {
		t.Fatalf("enrol %s: %v", user, err)
	}
	return m
}

// panelSurvey makes a panel survey with a yes/no question and a comment.
func panelSurvey(t *testing.T, s *panelstest.Site) (surveys.Survey, []surveys.Question) {
	t.Helper()
	sv, err := s.Service.CreateSurvey(ctx, panelstest.Demo, "Bibliotek <i>og</i> kultur", panelstest.Actor())
	if err != nil {
		t.Fatal(err)
	}
	if !sv.Anonymous || sv.Audience != surveys.AudiencePanel {
		t.Fatalf("panel survey: %+v", sv)
	}
	var qs []surveys.Question
	for _, f := range []surveys.QuestionForm{
		{Kind: surveys.KindSingle, Text: "Bruker du biblioteket?", Required: true, Options: "Ja\nNei"},
		{Kind: surveys.KindText, Text: "Kommentar"},
	} {
		q, err := s.Surveys.AddQuestion(ctx, panelstest.Demo, sv.ID, f, panelstest.Actor())
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	return sv, qs
}

func token(link string) string {
	u, _ := url.Parse(link)
	return u.Query().Get("t")
}

func TestEnrol(t *testing.T) {
	each(t, panelstest.Options{}, func(t *testing.T, s *panelstest.Site) {
		kari := panelstest.Users["kari"]
		el, err := s.Service.Check(ctx, panelstest.Demo, kari.PID)
		if err != nil || el.Member != nil || el.AgeGroup != panels.Age30 {
			t.Fatalf("before: %+v, %v", el, err)
		}
		m := enrol(t, s, "kari", "Sentrum")
		if m.AgeGroup != panels.Age30 || m.Area != "Sentrum" || m.Email != "kari@example.no" || m.Joined != "2026-11-23" {
			t.Errorf("member: %+v", m)
		}
		el, err = s.Service.Check(ctx, panelstest.Demo, kari.PID)
		if err != nil || el.Member == nil || el.Member.ID != m.ID {
			t.Fatalf("after: %+v, %v", el, err)
		}
		// The fødselsnummer is not stored, only its key.
		var stored int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM panels_members WHERE person_key = $1 OR email = $1`, kari.PID).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the fødselsnummer is stored: %d %v", stored, err)
		}

		cases := []struct {
			name, user string
			form       panels.EnrolForm
			kind       errs.Kind
			key        string
			fields     map[string]string
		}{
			{"twice", "kari", panels.EnrolForm{Consent: true, Area: "Bygda", Email: "k@example.no"}, errs.Conflict, "panels.error.already_member", nil},
			{"not a resident", "nils", panels.EnrolForm{Consent: true, Area: "Bygda", Email: "n@example.no"}, errs.Forbidden, "panels.error.not_resident", nil},
			{"too young", "ung", panels.EnrolForm{Consent: true, Area: "Bygda", Email: "u@example.no"}, errs.Forbidden, "panels.error.too_young", nil},
			{"no consent", "ola", panels.EnrolForm{Area: "Bygda", Email: "o@example.no"}, errs.Invalid, "panels.error.invalid", map[string]string{"samtykke": "panels.error.consent"}},
			{"unknown area", "ola", panels.EnrolForm{Consent: true, Area: "Atlantis", Email: "o@example.no"}, errs.Invalid, "panels.error.invalid", map[string]string{"omrade": "panels.error.area"}},
			{"bad address", "ola", panels.EnrolForm{Consent: true, Area: "Bygda", Email: "<script>@x"}, errs.Invalid, "panels.error.invalid", map[string]string{"epost": "panels.error.email"}},
			{"two addresses", "ola", panels.EnrolForm{Consent: true, Area: "Bygda", Email: "a@example.no, b@example.no"}, errs.Invalid, "panels.error.invalid", map[string]string{"epost": "panels.error.email"}},
			{"everything wrong", "ola", panels.EnrolForm{Area: "", Email: ""}, errs.Invalid, "panels.error.invalid",
				map[string]string{"samtykke": "panels.error.consent", "omrade": "panels.error.area", "epost": "panels.error.email"}},
		}
		for _, c := range cases {
			_, err := s.Service.Enrol(ctx, panelstest.Demo, panelstest.Users[c.user].PID, c.form, panelstest.CitizenActor(c.user))
			if !errs.Is(c.kind, err) || keyOf(err) != c.key {
				t.Errorf("%s: %v (key %s)", c.name, err, keyOf(err))
				continue
			}
			if c.fields != nil {
				got := fieldsOf(err)
				for k, v := range c.fields {
					if got[k] != v {
						t.Errorf("%s: field %s = %q, want %q", c.name, k, got[k], v)
					}
				}
				if len(got) != len(c.fields) {
					t.Errorf("%s: fields %v", c.name, got)
				}
			}
		}
		// Another municipality knows nobody as a resident.
		if _, err := s.Service.Enrol(ctx, panelstest.Other, kari.PID, panels.EnrolForm{Consent: true, Area: "Sentrum", Email: "k@example.no"}, panelstest.CitizenActor("kari")); keyOf(err) != "panels.error.not_resident" {
			t.Errorf("other municipality: %v", err)
		}
	})
}

func TestNoAreas(t *testing.T) {
	each(t, panelstest.Options{NoPopulation: true}, func(t *testing.T, s *panelstest.Site) {
		_, err := s.Service.Enrol(ctx, panelstest.Demo, panelstest.Users["kari"].PID, panels.EnrolForm{Consent: true, Area: "Sentrum", Email: "k@example.no"}, panelstest.CitizenActor("kari"))
		if !errs.Is(errs.Conflict, err) || keyOf(err) != "panels.error.no_areas" {
			t.Errorf("enrol without areas: %v", err)
		}
	})
}

func TestPopulation(t *testing.T) {
	each(t, panelstest.Options{}, func(t *testing.T, s *panelstest.Site) {
		p, err := s.Service.Population(ctx, panelstest.Demo)
		if err != nil || strings.Join(p.Areas, ",") != "Sentrum,Bygda" || p.N[panels.Cell{Age: panels.Age45, Area: "Bygda"}] != 500 || p.Total() != 2000 {
			t.Fatalf("population: %+v %v", p, err)
		}
		enrol(t, s, "kari", "Bygda")
		_, err = s.Service.SetPopulation(ctx, panelstest.Demo, "Sentrum;1;2;3;4\n", panelstest.Actor())
		if !errs.Is(errs.Conflict, err) || keyOf(err) != "panels.error.area_in_use" {
			t.Errorf("removing a used area: %v", err)
		}
		n, err := s.Service.SetPopulation(ctx, panelstest.Demo, "Bygda;1;2;3;4\nNord;5;6;7;8\n", panelstest.Actor())
		if err != nil || n != 2 {
			t.Fatalf("replace: %d %v", n, err)
		}
		_, err = s.Service.SetPopulation(ctx, panelstest.Demo, "Bygda;1;2;3\n", panelstest.Actor())
		if !errs.Is(errs.Invalid, err) || fieldsOf(err)["befolkning"] != "panels.error.population_fields" {
			t.Errorf("three numbers: %v", err)
		}
	})
}

func TestParsePopulation(t *testing.T) {
	for _, c := range []struct {
		text, key string
		line      int
	}{
		{"", "panels.error.population_empty", 0},
		{"område;a;b;c;d\n", "panels.error.population_empty", 0},
		{"A;0;0;0;0\n", "panels.error.population_empty", 0},
		{"A;1;2;3\n", "panels.error.population_fields", 1},
		{"A;1;2;3;4\n;1;2;3;4\n", "panels.error.population_name", 2},
		{"A|B;1;2;3;4\n", "panels.error.population_name", 1},
		{strings.Repeat("x", 81) + ";1;2;3;4\n", "panels.error.population_name", 1},
		{"A;1;2;3;4\na;1;2;3;4\n", "panels.error.population_duplicate", 2},
		{"A;1;2;-3;4\n", "panels.error.population_count", 1},
		{"A;1;2;+3;4\n", "panels.error.population_count", 1},
		{"A;1;2;10000001;4\n", "panels.error.population_count", 1},
		{strings.Repeat("y", 70000), "panels.error.population_long", 0},
	} {
		_, err := panels.ParsePopulation(c.text)
		pe, ok := err.(*panels.PopulationError)
		if !ok || pe.Key != c.key || pe.Line != c.line {
			t.Errorf("%.30q: %v, want %s on line %d", c.text, err, c.key, c.line)
		}
	}
	p, err := panels.ParsePopulation("\ufeffområde,16-29,30-44,45-66,67+\r\n\"<script>x</script>\",1,2,3,4\r\n\r\nB\t5\t6\t7\t8\n")
	if err != nil || len(p.Areas) != 2 || p.Areas[0] != "<script>x</script>" || p.N[panels.Cell{Age: panels.Age67, Area: "B"}] != 8 {
		t.Errorf("commas, tabs, header: %+v %v", p, err)
	}
	back, err := panels.ParsePopulation(p.Text())
	if err != nil || back.Text() != p.Text() {
		t.Errorf("round trip: %v\n%s", err, back.Text())
	}
}

func TestAgeGroup(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		birth string
		want  string
	}{
		{"2010-11-24", ""}, {"2010-11-23", panels.Age16}, {"1997-11-24", panels.Age16}, {"1996-11-23", panels.Age30},
		{"1982-01-01", panels.Age30}, {"1981-11-23", panels.Age45}, {"1960-01-01", panels.Age45}, {"1959-11-23", panels.Age67},
	} {
		b, _ := time.Parse("2006-01-02", c.birth)
		if got := panels.AgeGroup(b, now); got != c.want {
			t.Errorf("born %s: %q, want %q", c.birth, got, c.want)
		}
	}
}

// TestLeave: a member who leaves is deleted at once, their unused link
// stops working, their given answer stays as a count, and nothing
// personal is left in any panels_ table nor in the panel invitations.
func TestLeave(t *testing.T) {
	each(t, panelstest.Options{}, func(t *testing.T, s *panelstest.Site) {
		kari := enrol(t, s, "kari", "Sentrum")
		per := enrol(t, s, "per", "Bygda")
		sv, qs := panelSurvey(t, s)
		n, err := s.Service.Send(ctx, panelstest.Demo, sv.ID, surveys.Letter{Subject: "S", Body: "{lenke}", Link: s.URL + "/k/9999/undersokelser/" + sv.ID}, panelstest.Actor())
		if err != nil || n != 2 {
			t.Fatalf("send: %d %v", n, err)
		}
		// Per answers, then both leave; Kari never answered.
		perLink := s.Link(t, "per@example.no", sv.ID)
		kariLink := s.Link(t, "kari@example.no", sv.ID)
		if perLink == "" || kariLink == "" {
			t.Fatal("no links mailed")
		}
		if _, err := s.Surveys.Answer(ctx, panelstest.Demo, sv.ID, surveys.Respondent{Token: token(perLink)}, map[string][]string{"q-" + qs[0].ID: {"0"}}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"kari", "per"} {
			if err := s.Service.Leave(ctx, panelstest.Demo, panelstest.Users[u].PID, panelstest.CitizenActor(u)); err != nil {
				t.Fatalf("leave %s: %v", u, err)
			}
		}
		if err := s.Service.Leave(ctx, panelstest.Demo, panelstest.Users["kari"].PID, panelstest.CitizenActor("kari")); !errs.Is(errs.NotFound, err) || keyOf(err) != "panels.error.not_member" {
			t.Errorf("leave twice: %v", err)
		}
		if _, _, err := s.Surveys.Prepare(ctx, panelstest.Demo, sv.ID, surveys.Respondent{Token: token(kariLink)}); keyOf(err) != "surveys.error.token" {
			t.Errorf("the unused link still works: %v", err)
		}
		// Nothing personal in any panels_ table.
		for _, table := range []string{"panels_members", "panels_population", "panels_secrets"} {
			rows, err := s.DB.QueryContext(ctx, `SELECT * FROM `+table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					var text string
					switch x := v.(type) {
					case string:
						text = x
					case []byte:
						text = string(x)
					}
					for _, bad := range []string{"kari@example.no", "per@example.no", kari.ID, per.ID, panelstest.Users["kari"].PID, panelstest.Users["per"].PID} {
						if strings.Contains(text, bad) {
							t.Errorf("%s still holds %q", table, bad)
						}
					}
				}
			}
			rows.Close()
		}
		var members, invites int
		s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM panels_members`).Scan(&members)
		s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys_panel_invites WHERE recipient = $1 OR recipient = $2`, kari.ID, per.ID).Scan(&invites)
		if members != 0 || invites != 0 {
			t.Errorf("after leaving: %d members, %d invitations", members, invites)
		}
		// Per's answer stays, with the cell only.
		var stratum string
		if err := s.DB.QueryRowContext(ctx, `SELECT stratum FROM surveys_responses WHERE survey_id = $1`, sv.ID).Scan(&stratum); err != nil || stratum != "a45|Bygda" {
			t.Errorf("the response: %q %v", stratum, err)
		}
		// The log says who joined and left, without address or area.
		var details int
		s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'panel.%' AND (detail LIKE '%example.no%' OR detail LIKE '%Bygda%')`).Scan(&details)
		if details != 0 {
			t.Errorf("the audit log holds a member's details")
		}
	})
}

// TestWeightsCells checks post-stratification by cell with numbers
// worked out by hand. Population: 600 aged 16–29 and 400 aged 30–44, all
// in Sentrum. Respondents: 5 and 10 (N = 15). Weights: 0.6 / (5/15) =
// 1.8 and 0.4 / (10/15) = 0.6.
func TestWeightsCells(t *testing.T) {
	young, mid := panels.Cell{Age: panels.Age16, Area: "Sentrum"}, panels.Cell{Age: panels.Age30, Area: "Sentrum"}
	w, method := panels.Weights(map[panels.Cell]int64{young: 600, mid: 400, {Age: panels.Age45, Area: "Bygda"}: 0}, map[panels.Cell]int64{young: 5, mid: 10})
	if method != panels.MethodCells || math.Abs(w[young]-1.8) > 1e-12 || math.Abs(w[mid]-0.6) > 1e-12 {
		t.Errorf("weights: %v %s", w, method)
	}
}

// TestWeightsMargins checks raking with numbers worked out by hand.
// Population: (16–29, S) 100, (16–29, B) 100, (30–44, S) 300, (30–44, B)
// 500: age margins 20 % / 80 %, area margins 40 % / 60 %. Respondents 2,
// 2, 3, 3 (N = 10), too few for cells. Round one, ages: 16–29 has 4 for a
// target of 2 (× 0.5), 30–44 has 6 for 8 (× 4/3). Areas then have 5 and
// 5 for targets of 4 and 6 (× 0.8, × 1.2): weights 0.4, 0.6, 16/15, 1.6,
// which meet both margins, so raking stops.
func TestWeightsMargins(t *testing.T) {
	xs, xb := panels.Cell{Age: panels.Age16, Area: "S"}, panels.Cell{Age: panels.Age16, Area: "B"}
	ys, yb := panels.Cell{Age: panels.Age30, Area: "S"}, panels.Cell{Age: panels.Age30, Area: "B"}
	w, method := panels.Weights(map[panels.Cell]int64{xs: 100, xb: 100, ys: 300, yb: 500}, map[panels.Cell]int64{xs: 2, xb: 2, ys: 3, yb: 3})
	want := map[panels.Cell]float64{xs: 0.4, xb: 0.6, ys: 16.0 / 15, yb: 1.6}
	if method != panels.MethodMargins {
		t.Errorf("method %s", method)
	}
	for c, v := range want {
		if math.Abs(w[c]-v) > 1e-9 {
			t.Errorf("weight of %v: %v, want %v", c, w[c], v)
		}
	}
	// Without a population nothing is weighted.
	w, method = panels.Weights(nil, map[panels.Cell]int64{xs: 3})
	if method != panels.MethodNone || w[xs] != 1 {
		t.Errorf("no population: %v %s", w, method)
	}
}

// TestWeighted runs the cells example of TestWeightsCells through the
// service: 5 members aged 16–29 (4 say yes) and 10 aged 30–44 (2 say
// yes) in Sentrum, and 2 aged 45–66 in Bygda (no residents there, weight
// 0; both say no). Unweighted yes: 6 of 17 = 35 %. Weighted: 0.6 × 4/5 +
// 0.4 × 2/10 = 0.56 = 56 %.
func TestWeighted(t *testing.T) {
	each(t, panelstest.Options{NoPopulation: true}, func(t *testing.T, s *panelstest.Site) {
		if _, err := s.Service.SetPopulation(ctx, panelstest.Demo, "Sentrum;600;400;0;0\nBygda;0;0;0;0\n", panelstest.Actor()); err != nil {
			t.Fatal(err)
		}
		type person struct {
			pid, area string
			yes       bool
		}
		var people []person
		for i := range 5 {
			people = append(people, person{panelstest.PID(time.Date(2000, 1, 1+i, 0, 0, 0, 0, time.UTC), 600), "Sentrum", i < 4})
		}
		for i := range 10 {
			people = append(people, person{panelstest.PID(time.Date(1990, 1, 1+i, 0, 0, 0, 0, time.UTC), 100), "Sentrum", i < 2})
		}
		for i := range 2 {
			people = append(people, person{panelstest.PID(time.Date(1970, 1, 1+i, 0, 0, 0, 0, time.UTC), 100), "Bygda", false})
		}
		var pids []string
		for _, p := range people {
			pids = append(pids, p.pid)
		}
		s.AddResidents(t, pids...)
		for i, p := range people {
			if _, err := s.Service.Enrol(ctx, panelstest.Demo, p.pid, panels.EnrolForm{Consent: true, Area: p.area, Email: "m" + string(rune('a'+i)) + "@example.no"}, panelstest.Actor()); err != nil {
				t.Fatal(err)
			}
		}
		ov, err := s.Service.Overview(ctx, panelstest.Demo)
		if err != nil || ov.Total != 17 {
			t.Fatalf("overview: %+v %v", ov, err)
		}
		// By age 5, 10, 2, 0: 2 is hidden, and 5 with it so that it cannot
		// be worked out from the total.
		if g := ov.ByAge; !g[0].Suppressed || g[1].Suppressed || g[1].N != 10 || !g[2].Suppressed || g[2].N != 0 || g[3].N != 0 || g[3].Suppressed {
			t.Errorf("by age: %+v", g)
		}
		if g := ov.ByAge; g[0].PopPercent != 60 || g[1].PopPercent != 40 {
			t.Errorf("population shares: %+v", g)
		}
		sv, qs := panelSurvey(t, s)
		letter := surveys.Letter{Subject: "S", Body: "{lenke}", Link: s.URL + "/k/9999/undersokelser/" + sv.ID}
		res, err := s.Service.Weighted(ctx, panelstest.Demo, sv.ID)
		if err != nil || !res.TotalSuppressed {
			t.Errorf("before answers: %+v %v", res, err)
		}
		if n, err := s.Service.Send(ctx, panelstest.Demo, sv.ID, letter, panelstest.Actor()); err != nil || n != 17 {
			t.Fatalf("send: %d %v", n, err)
		}
		if n, err := s.Service.Send(ctx, panelstest.Demo, sv.ID, letter, panelstest.Actor()); err != nil || n != 0 {
			t.Fatalf("send again: %d %v", n, err)
		}
		for i, p := range people {
			choice := "1"
			if p.yes {
				choice = "0"
			}
			link := s.Link(t, "m"+string(rune('a'+i))+"@example.no", sv.ID)
			if _, err := s.Surveys.Answer(ctx, panelstest.Demo, sv.ID, surveys.Respondent{Token: token(link)}, map[string][]string{"q-" + qs[0].ID: {choice}}); err != nil {
				t.Fatalf("answer %d: %v", i, err)
			}
		}
		res, err = s.Service.Weighted(ctx, panelstest.Demo, sv.ID)
		if err != nil || res.TotalSuppressed || res.Total != 17 || res.Method != panels.MethodCells {
			t.Fatalf("results: %+v %v", res, err)
		}
		q := res.Questions[0]
		if q.Suppressed || q.Answered != 17 || len(q.Rows) != 1 {
			t.Fatalf("question: %+v", q)
		}
		yes, no := q.Rows[0].Cells[0], q.Rows[0].Cells[1]
		if yes.N != 6 || yes.Percent != 35 || yes.Weighted != 56 || yes.WeightedTenths != 560 || no.N != 11 || no.Weighted != 44 {
			t.Errorf("yes %+v, no %+v", yes, no)
		}
		if !res.Questions[1].Suppressed {
			t.Errorf("the comment question, answered by nobody, is shown")
		}
		// A closed panel survey takes no more answers.
		if err := s.Surveys.Close(ctx, panelstest.Demo, sv.ID, panelstest.Actor()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Weighted(ctx, panelstest.Demo, "aaaaaaaaaaaaaaaa"); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown survey: %v", err)
		}
	})
}

func TestSendErrors(t *testing.T) {
	each(t, panelstest.Options{}, func(t *testing.T, s *panelstest.Site) {
		sv, _ := panelSurvey(t, s)
		letter := surveys.Letter{Subject: "S", Body: "{lenke}", Link: "x"}
		if _, err := s.Service.Send(ctx, panelstest.Demo, sv.ID, letter, panelstest.Actor()); keyOf(err) != "panels.error.no_members" {
			t.Errorf("no members: %v", err)
		}
		enrol(t, s, "kari", "Sentrum")
		other, err := s.Surveys.Create(ctx, panelstest.Demo, surveys.SurveyForm{Title: "Open", Audience: surveys.AudienceOpen}, panelstest.Actor())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Send(ctx, panelstest.Demo, other.ID, letter, panelstest.Actor()); keyOf(err) != "surveys.error.not_panel" {
			t.Errorf("not a panel survey: %v", err)
		}
		if _, err := s.Surveys.SendPanel(ctx, panelstest.Demo, sv.ID, []surveys.Recipient{{Key: "k", Email: "a@example.no", Stratum: "a16|X"}}, letter, panelstest.Actor()); keyOf(err) != "surveys.error.not_open" {
			t.Errorf("SendPanel to a draft: %v", err)
		}
		if _, err := s.Surveys.SendPanel(ctx, panelstest.Demo, sv.ID, []surveys.Recipient{{Key: "k", Email: "not an address", Stratum: "a16|X"}}, letter, panelstest.Actor()); keyOf(err) != "surveys.error.recipient" {
			t.Errorf("bad recipient: %v", err)
		}
	})
}
