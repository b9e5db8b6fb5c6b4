package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestMinSideShowsWhoLooked records a case worker's read of Kari's data, as
// a staff page does through the audit log, and checks that Kari sees who,
// when and why on Min side, and that Ola does not see it.
func TestMinSideShowsWhoLooked(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	_, err := srv.Audit.Record(context.Background(), audit.Entry{
		Tenant: "9999", ActorID: "email:nora.solberg@demo.kommune.no", ActorName: "Nora Solberg", Role: "caseworker",
		Action: "person.read", Object: "case:2026/00012", Subject: "15838810028", Purpose: "Behandling av søknad om barnehageplass",
	})
	if err != nil {
		t.Fatal(err)
	}
	kari := servertest.Client(t)
	next := servertest.SignIn(t, kari, srv.URL+"/k/9999/logg-inn?neste=/min-side", "15838810028")
	_, body := servertest.Get(t, kari, next)
	for _, want := range []string{"Nora Solberg", "Saksbehandler", "Så opplysninger om deg", "Behandling av søknad om barnehageplass", "case:2026/00012"} {
		if !strings.Contains(body, want) {
			t.Errorf("Kari's Min side lacks %q", want)
		}
	}
	ola := servertest.Client(t)
	next = servertest.SignIn(t, ola, srv.URL+"/k/9999/logg-inn?neste=/min-side", "02917510108")
	_, body = servertest.Get(t, ola, next)
	if strings.Contains(body, "Nora Solberg") || !strings.Contains(body, "Ingen ansatte har sett opplysninger om deg") {
		t.Errorf("Ola's Min side shows another person's access log:\n%s", body)
	}
}
