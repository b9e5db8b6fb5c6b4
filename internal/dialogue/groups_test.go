package dialogue_test

import (
	"context"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/dialogue/dialoguetest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
)

// withCases is e's service with the test's political cases.
func withCases(e env) *dialogue.Service {
	return dialogue.New(e.d, audit.New(e.d), notify.NewQueue(e.d), e.blobs, e.arch, dialoguetest.Officials, dialogue.Config{Cases: dialoguetest.Cases})
}

// TestGroupQuestions asks a party group: only parties with an official
// that can be asked are groups; every member is told; only a member of
// the party answers, named as answering for the group; the official's
// own list, the unanswered filter and the search cover group questions.
func TestGroupQuestions(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		kari := dialogue.Author{Principal: "pid:1", Name: "Kari Nordmann"}
		groups, err := e.svc.Groups(ctx, demo)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range groups {
			got = append(got, g.ID+":"+g.MemberNames())
		}
		if strings.Join(got, "|") != "ap:Jonas Bakke, Eva Lie|h:Liv Aas" {
			t.Errorf("groups = %v (Senterpartiet has no official that can be asked)", got)
		}
		for _, c := range []struct {
			name  string
			f     dialogue.QuestionForm
			field string
			key   string
		}{
			{"group without a contactable member", dialogue.QuestionForm{GroupID: "sp", Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.group_missing"},
			{"unknown group", dialogue.QuestionForm{GroupID: "finst-ikkje", Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.group_missing"},
			{"over-long group id", dialogue.QuestionForm{GroupID: strings.Repeat("a", 101), Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.group_missing"},
			{"both an official and a group", dialogue.QuestionForm{OfficialID: "ordforer", GroupID: "ap", Text: "Hei?"}, dialogue.FieldOfficial, "dialogue.error.official_missing"},
			{"empty", dialogue.QuestionForm{GroupID: "ap", Text: " \n "}, dialogue.FieldQuestion, "dialogue.error.question_missing"},
			{"over-long", dialogue.QuestionForm{GroupID: "ap", Text: strings.Repeat("x", dialogue.MaxQuestion+1)}, dialogue.FieldQuestion, "dialogue.error.question_long"},
		} {
			_, err := e.svc.Ask(ctx, demo, kari, c.f, "nb", "http://x/k/9999/", citizen("Kari"))
			if got := fieldsOf(err)[c.field]; !errs.Is(errs.Invalid, err) || got != c.key {
				t.Errorf("%s: %v (field %s = %q, want %q)", c.name, err, c.field, got, c.key)
			}
		}
		// Bergen's Ap group is not Demo's, and Demo's H group is not Bergen's.
		if _, err := e.svc.Ask(ctx, dialoguetest.Other, kari, dialogue.QuestionForm{GroupID: "h", Text: "Hei?"}, "nb", "http://x/k/4601/", citizen("Kari")); fieldsOf(err)[dialogue.FieldOfficial] != "dialogue.error.group_missing" {
			t.Errorf("another municipality's group: %v", err)
		}

		mails := mailCount(t, e.d)
		q, err := e.svc.Ask(ctx, demo, kari, dialogue.QuestionForm{GroupID: "ap", Text: "Kva meiner partiet om bompengar?", Email: "kari@example.no"}, "nn", "http://x/k/9999/", citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		if !q.ToGroup() || q.OfficialID != "" || q.OfficialName != "Arbeidarpartiet" {
			t.Errorf("question = %+v", q)
		}
		if got := mailCount(t, e.d) - mails; got != 3 {
			t.Errorf("mails = %d, want 3 (two members and the receipt)", got)
		}
		var receipt string
		if err := e.d.QueryRowContext(ctx, `SELECT body FROM notify_mail WHERE recipient = $1`, "kari@example.no").Scan(&receipt); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"partigruppa Arbeidarpartiet", "Jonas Bakke, Eva Lie", "innan 14 dagar, altså innan 07.12.2026", "/sporsmal/" + q.ID} {
			if !strings.Contains(receipt, w) {
				t.Errorf("receipt lacks %q:\n%s", w, receipt)
			}
		}
		own, err := e.svc.Ask(ctx, demo, kari, dialogue.QuestionForm{OfficialID: "ordforer", Text: "Og du sjølv?"}, "nn", "http://x/k/9999/", citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		ids := func(f dialogue.QuestionFilter) string {
			t.Helper()
			list, err := e.svc.Questions(ctx, demo, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range list {
				out = append(out, x.ID)
			}
			return strings.Join(out, ",")
		}
		both := own.ID + "," + q.ID
		if own.Created.Equal(q.Created) && own.ID > q.ID {
			both = q.ID + "," + own.ID
		}
		for _, c := range []struct {
			name string
			f    dialogue.QuestionFilter
			want string
		}{
			{"the mayor's own and his group's", dialogue.QuestionFilter{OfficialID: "ordforer", GroupID: "ap"}, both},
			{"Eva's: her group's only", dialogue.QuestionFilter{OfficialID: "eva-lie", GroupID: "ap"}, q.ID},
			{"Liv's: none", dialogue.QuestionFilter{OfficialID: "liv-aas", GroupID: "h"}, ""},
			{"the group", dialogue.QuestionFilter{GroupID: "ap"}, q.ID},
			{"unanswered", dialogue.QuestionFilter{Unanswered: true, GroupID: "ap"}, q.ID},
			{"search by the group's name", dialogue.QuestionFilter{Text: "arbeidarpartiet"}, q.ID},
		} {
			if got := ids(c.f); got != c.want {
				t.Errorf("%s = %q, want %q", c.name, got, c.want)
			}
		}

		// Liv (Høgre) may not answer for Arbeidarpartiet; nor may someone
		// who is not an official; Eva may.
		for _, email := range []string{dialoguetest.MemberEmail, "hilde.strand@demo.kommune.no", ""} {
			err := e.svc.Answer(ctx, demo, q.ID, email, "Nei.", "nn", "http://x/k/9999/", actor())
			if !errs.Is(errs.Forbidden, err) {
				t.Errorf("answer by %q: %v", email, err)
				continue
			}
			if key, args, _ := errs.Public(err); key != "dialogue.error.not_group_member" || len(args) != 1 || args[0] != "Arbeidarpartiet" {
				t.Errorf("answer by %q: key %q %v", email, key, args)
			}
		}
		if ok, err := e.svc.IsAddressee(ctx, demo, q, dialoguetest.MemberEmail); ok || err != nil {
			t.Errorf("Liv is an addressee: %v %v", ok, err)
		}
		if err := e.svc.Answer(ctx, demo, q.ID, dialoguetest.EvaEmail, "", "nn", "http://x/k/9999/", actor()); fieldsOf(err)[dialogue.FieldAnswer] != "dialogue.error.answer_missing" {
			t.Errorf("empty answer: %v", err)
		}
		mails = mailCount(t, e.d)
		if err := e.svc.Answer(ctx, demo, q.ID, "EVA.LIE@demo.kommune.no", "Vi er imot nye bomstasjonar.", "nn", "http://x/k/9999/", actor()); err != nil {
			t.Fatal(err)
		}
		if got := mailCount(t, e.d) - mails; got != 1 {
			t.Errorf("answer notices = %d, want 1", got)
		}
		a, err := e.svc.Question(ctx, demo, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Answered() || a.AnsweredBy != "Eva Lie" || a.AnswererID != "eva-lie" || a.GroupID != "ap" {
			t.Errorf("answered = %+v", a)
		}
		if got := ids(dialogue.QuestionFilter{Unanswered: true, GroupID: "ap"}); got != "" {
			t.Errorf("unanswered after the answer = %q", got)
		}
		if got := ids(dialogue.QuestionFilter{Text: "eva lie bomstasjonar"}); got != q.ID {
			t.Errorf("search by the answerer and the answer = %q", got)
		}
		// The mayor, also of Ap, may answer again for the group.
		if err := e.svc.Answer(ctx, demo, q.ID, dialoguetest.MayorEmail, "Vi er imot.", "nn", "http://x/k/9999/", actor()); err != nil {
			t.Fatal(err)
		}
		if a, _ := e.svc.Question(ctx, demo, q.ID); a.AnsweredBy != "Jonas Bakke" || a.AnswererID != "ordforer" {
			t.Errorf("answered again = %+v", a)
		}
	})
}

// TestCaseDebates starts threads under political cases: unknown cases,
// another municipality's and a deployment without cases are refused;
// the case's debate link counts the posts of all its threads.
func TestCaseDebates(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		svc := withCases(e)
		kari := dialogue.Author{Principal: "pid:1", Name: "Kari Nordmann"}
		for _, c := range []struct {
			name string
			svc  *dialogue.Service
			id   string
		}{
			{"unknown case", svc, "finst-ikkje"},
			{"another municipality's case", svc, "bergen-sak"},
			{"empty id", svc, ""},
			{"no cases source", e.svc, "barnehage"},
		} {
			_, err := c.svc.StartThread(ctx, demo, dialogue.SubjectCase, c.id, "Tittel", "Tekst", kari, citizen("Kari"))
			if key, _, _ := errs.Public(err); !errs.Is(errs.NotFound, err) || key != "dialogue.error.no_case" {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		path, n, err := svc.CaseDebate(ctx, demo, "barnehage")
		if err != nil || path != "debatt/sak/barnehage" || n != 0 {
			t.Errorf("before = %q %d %v", path, n, err)
		}
		if _, err := svc.StartThread(ctx, demo, dialogue.SubjectCase, "barnehage", "Tittel", strings.Repeat("x", dialogue.MaxPost+1), kari, citizen("Kari")); fieldsOf(err)[dialogue.FieldPost] != "dialogue.error.post_long" {
			t.Errorf("over-long post: %v", err)
		}
		th, err := svc.StartThread(ctx, demo, dialogue.SubjectCase, "barnehage", "Plassering", "Nær skulen.", kari, citizen("Kari"))
		if err != nil {
			t.Fatal(err)
		}
		if th.SubjectKind != dialogue.SubjectCase || th.SubjectID != "barnehage" {
			t.Errorf("thread = %+v", th)
		}
		if _, err := svc.Reply(ctx, demo, th.ID, "Einig.", dialogue.Author{Principal: "pid:2", Name: "Ola"}, citizen("Ola")); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StartThread(ctx, demo, dialogue.SubjectCase, "barnehage", "Kostnad", "Kva kostar det?", kari, citizen("Kari")); err != nil {
			t.Fatal(err)
		}
		if _, n, err := svc.CaseDebate(ctx, demo, "barnehage"); err != nil || n != 3 {
			t.Errorf("posts = %d %v, want 3", n, err)
		}
		if _, n, _ := svc.CaseDebate(ctx, dialoguetest.Other, "barnehage"); n != 0 {
			t.Errorf("posts in another municipality = %d", n)
		}
		list, err := svc.Threads(ctx, demo, dialogue.SubjectCase, "barnehage")
		if err != nil || len(list) != 2 {
			t.Errorf("threads = %d %v", len(list), err)
		}
		c, err := svc.Case(ctx, demo, "barnehage")
		if err != nil || c.Number != "2026/42" || c.Title != "Ny barnehage på Nordbyen" {
			t.Errorf("case = %+v %v", c, err)
		}
	})
}
