package server

import (
	"context"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/tenant"
)

// TestDialogueOverPolitics runs the dialogue module over the real
// politics module through the adapters: officials carry their party; the
// party groups are the parties with an official that can be asked; a
// member of the party answers a group question and another party's
// official cannot; political cases are found in their own municipality
// only.
func TestDialogueOverPolitics(t *testing.T) {
	dbtest.Each(t, []db.Schema{tenant.Schema, audit.Schema, identity.Schema, notify.Schema, archive.Schema, politics.Schema, dialogue.Schema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		log := audit.New(d)
		system := audit.Entry{ActorID: "test", Role: "system"}
		tenants := tenant.New(d, log)
		for _, tn := range []tenant.Tenant{{ID: "9999", NameNB: "Demo kommune", NameNN: "Demo kommune"}, {ID: "4601", NameNB: "Bergen", NameNN: "Bergen"}} {
			if _, err := tenants.Add(ctx, tn, system); err != nil {
				t.Fatal(err)
			}
		}
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { blobs.Close() })
		mail := notify.NewQueue(d)
		pol := politics.New(d, log, mail, blobs, politics.Config{})
		for _, p := range []politics.PartyForm{{ShortName: "Ap", Name: "Arbeiderpartiet"}, {ShortName: "H", Name: "Høyre"}, {ShortName: "Sp", Name: "Senterpartiet"}} {
			if _, err := pol.AddParty(ctx, "9999", p, system); err != nil {
				t.Fatal(err)
			}
		}
		people := map[string]string{}
		for _, p := range []politics.PersonForm{
			{GivenName: "Jonas", FamilyName: "Bakke", PartyID: "ap", Email: "jonas.bakke@demo.kommune.no"},
			{GivenName: "Eva", FamilyName: "Lie", PartyID: "ap", Email: "eva.lie@demo.kommune.no"},
			{GivenName: "Liv", FamilyName: "Aas", PartyID: "h", Email: "liv.aas@demo.kommune.no"},
			{GivenName: "Per", FamilyName: "Uten", PartyID: "sp"},
		} {
			pe, err := pol.AddPerson(ctx, "9999", p, system)
			if err != nil {
				t.Fatal(err)
			}
			people[p.GivenName] = pe.ID
		}
		pc, err := pol.CreateCase(ctx, "9999", politics.CaseForm{Title: "Ny barnehage", Summary: "Plassering.", ArchiveRef: "2026/42"}, system)
		if err != nil {
			t.Fatal(err)
		}
		svc := dialogue.New(d, log, mail, blobs, archive.New(d, log), politicsOfficials{pol}, dialogue.Config{Cases: politicsCases{pol}})

		o, err := politicsOfficials{pol}.Official(ctx, "9999", people["Eva"])
		if err != nil || o.PartyID != "ap" || o.Party != "Ap" || o.PartyName != "Arbeiderpartiet" || o.Name != "Eva Lie" {
			t.Errorf("official = %+v %v", o, err)
		}
		groups, err := svc.Groups(ctx, "9999")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range groups {
			got = append(got, g.ID+" "+g.Label()+": "+g.MemberNames())
		}
		if want := "ap Arbeiderpartiet (Ap): Jonas Bakke, Eva Lie|h Høyre (H): Liv Aas"; strings.Join(got, "|") != want {
			t.Errorf("groups = %q, want %q", strings.Join(got, "|"), want)
		}
		if groups, _ := svc.Groups(ctx, "4601"); len(groups) != 0 {
			t.Errorf("Bergen's groups = %v", groups)
		}
		kari := dialogue.Author{Principal: "pid:1", Name: "Kari"}
		if _, err := svc.Ask(ctx, "9999", kari, dialogue.QuestionForm{GroupID: "sp", Text: "Hei?"}, "nb", "http://x/k/9999/", system); !errs.Is(errs.Invalid, err) {
			t.Errorf("ask a group without a contactable member: %v", err)
		}
		q, err := svc.Ask(ctx, "9999", kari, dialogue.QuestionForm{GroupID: "ap", Text: "Bompenger?"}, "nb", "http://x/k/9999/", system)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Answer(ctx, "9999", q.ID, "liv.aas@demo.kommune.no", "Nei.", "nb", "http://x/k/9999/", system); !errs.Is(errs.Forbidden, err) {
			t.Errorf("answer by another party's official: %v", err)
		}
		if err := svc.Answer(ctx, "9999", q.ID, "eva.lie@demo.kommune.no", "Nei.", "nb", "http://x/k/9999/", system); err != nil {
			t.Fatal(err)
		}
		if a, _ := svc.Question(ctx, "9999", q.ID); a.AnsweredBy != "Eva Lie" || a.AnswererID != people["Eva"] {
			t.Errorf("answered = %+v", a)
		}

		ref, err := politicsCases{pol}.Case(ctx, "9999", pc.ID)
		if err != nil || ref.Title != "Ny barnehage" || ref.Number != "2026/42" || ref.Path != "politikk/sak/"+pc.ID {
			t.Errorf("case = %+v %v", ref, err)
		}
		if _, err := (politicsCases{pol}).Case(ctx, "4601", pc.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another municipality's case: %v", err)
		}
		if _, err := svc.StartThread(ctx, "4601", dialogue.SubjectCase, pc.ID, "T", "P", kari, system); !errs.Is(errs.NotFound, err) {
			t.Errorf("debate on another municipality's case: %v", err)
		}
		if _, err := svc.StartThread(ctx, "9999", dialogue.SubjectCase, pc.ID, "T", "P", kari, system); err != nil {
			t.Fatal(err)
		}
		if path, n, err := svc.CaseDebate(ctx, "9999", pc.ID); err != nil || n != 1 || path != "debatt/sak/"+pc.ID {
			t.Errorf("debate link = %q %d %v", path, n, err)
		}
	})
}
