package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestInitiativeBecomesPoliticalCase: when an initiative meets its
// threshold it becomes a political case for the council, once, with its
// signature count, and the initiative page links to the case.
func TestInitiativeBecomesPoliticalCase(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			srv := servertest.Start(t, servertest.Options{Postgres: pg})
			ctx := context.Background()
			const kari, ola = "15838810028", "02917510108"
			// Two residents: 2 % of 2 rounds up to one signature.
			if _, err := srv.Initiatives.ImportResidents(ctx, "9999", strings.NewReader("fodselsnummer\n"+kari+"\n"+ola+"\n"),
				audit.Entry{ActorID: "test", Role: "system"}); err != nil {
				t.Fatal(err)
			}
			in, err := srv.Initiatives.Create(ctx, "9999", initiatives.Draft{Title: "Gatelys i Bakkeveien", Text: "Vi ber kommunen sette opp gatelys."},
				initiatives.Person{PID: kari, Name: "Kari Nordmann"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Initiatives.Sign(ctx, "9999", in.ID, initiatives.Person{PID: ola, Name: "Ola Nordmann"}); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Initiatives.SubmitPending(ctx); err != nil {
				t.Fatal(err)
			}
			list, err := srv.Politics.Cases(ctx, "9999")
			if err != nil {
				t.Fatal(err)
			}
			var found []politics.Case
			for _, c := range list {
				if c.Origin == politics.OriginInitiative && c.Title == "Gatelys i Bakkeveien" {
					found = append(found, c)
				}
			}
			if len(found) != 1 || found[0].Signatures < 1 || !strings.Contains(found[0].Summary, "kommuneloven § 12-1") {
				t.Fatalf("political cases from the initiative: %+v", found)
			}
			got, err := srv.Initiatives.Get(ctx, "9999", in.ID)
			if err != nil {
				t.Fatal(err)
			}
			st, ok := srv.Initiatives.Case(ctx, "9999", got)
			if !ok || st.State != initiatives.CaseReceived || st.Path != "politikk/sak/"+found[0].ID {
				t.Errorf("the initiative's case: %+v %v", st, ok)
			}
			_, body := servertest.Get(t, servertest.Client(t), srv.URL+"/k/9999/initiativ/"+in.ID)
			if !strings.Contains(body, "politikk/sak/"+found[0].ID) {
				t.Errorf("the initiative page does not link to the case:\n%s", body)
			}
		})
	}
}
