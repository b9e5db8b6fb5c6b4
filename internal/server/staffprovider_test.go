package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// TestOwnStaffProvider gives Bergen its own staff provider while Demo
// kommune keeps the deployment's: each municipality's staff sign in where
// they belong, and the sign-out redirect to Bergen's provider is allowed by
// the page's CSP.
func TestOwnStaffProvider(t *testing.T) {
	o := startOutsideIdP(t, nil)
	srv := servertest.Start(t, servertest.Options{})
	srv.AddTenant(t, "4601", "Bergen")
	ctx := context.Background()
	actor := audit.Entry{ActorID: "test", Role: "system"}
	if err := srv.Identity.SetStaffProvider(ctx, "4601", identity.ProviderConfig{Issuer: "ftp://x"}, actor); err == nil {
		t.Fatal("accepted an ftp issuer and no client id")
	}
	if err := srv.Identity.SetStaffProvider(ctx, "4601", identity.ProviderConfig{Issuer: o.url, ClientID: "torg", ClientSecret: "hemmelig"}, actor); err != nil {
		t.Fatal(err)
	}
	if err := srv.Identity.Grant(ctx, "4601", "email:tor.aasen@demo.kommune.no", identity.RoleAdmin, actor); err != nil {
		t.Fatal(err)
	}

	c := servertest.Client(t)
	resp, _ := servertest.Get(t, c, srv.URL+"/k/4601/tilsett/logg-inn")
	if loc := servertest.Location(t, resp); !strings.HasPrefix(loc, o.url+"/authorize") {
		t.Fatalf("Bergen's staff sign-in goes to %s, want its own provider %s", loc, o.url)
	}
	resp, _ = servertest.Get(t, c, srv.URL+"/k/9999/tilsett/logg-inn")
	if loc := servertest.Location(t, resp); !strings.HasPrefix(loc, srv.URL+"/testidp/authorize") {
		t.Fatalf("Demo kommune's staff sign-in goes to %s", loc)
	}

	next := servertest.SignIn(t, c, srv.URL+"/k/4601/tilsett/logg-inn?neste=/tilsett", "tor.aasen@demo.kommune.no")
	resp, body := servertest.Get(t, c, next)
	if resp.StatusCode != 200 || !strings.Contains(body, "Administrator") {
		t.Fatalf("Bergen staff page: %d\n%s", resp.StatusCode, body)
	}
	origin := o.url[:strings.Index(o.url, "/idp")]
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, origin) {
		t.Errorf("CSP does not allow the sign-out redirect to %s: %s", origin, csp)
	}
	resp, _ = servertest.PostForm(t, c, srv.URL+"/k/4601/logg-ut", nil)
	if loc := servertest.Location(t, resp); !strings.HasPrefix(loc, o.url+"/logout") {
		t.Errorf("sign-out goes to %s", loc)
	}
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-out status %d", resp.StatusCode)
	}
}

func TestStaffProviderNotConfigured(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	// No deployment staff provider, no own provider: a clear 404, not a 500.
	srv2 := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.TestIdP = false
		c.CitizenIssuer, c.CitizenClientID = srv.URL+"/testidp", "torg-citizen"
	}})
	resp, body := servertest.Get(t, servertest.Client(t), srv2.URL+"/k/9999/tilsett/logg-inn")
	if resp.StatusCode != 404 || !strings.Contains(body, "ikke satt opp") {
		t.Errorf("status %d\n%s", resp.StatusCode, body)
	}
}

// TestUnverifiedStaffEmail refuses a staff sign-in whose provider says the
// e-mail address is not verified: roles hang on the address.
func TestUnverifiedStaffEmail(t *testing.T) {
	o := startOutsideIdP(t, nil)
	o.mutate = func(c map[string]any) { c["email_verified"] = false }
	srv := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.TestIdP = false
		c.CitizenIssuer, c.CitizenClientID, c.CitizenClientSecret = o.url, "torg", "hemmelig"
		c.StaffIssuer, c.StaffClientID, c.StaffClientSecret = o.url, "torg", "hemmelig"
	}})
	c := servertest.Client(t)
	f := servertest.Authorize(t, c, srv.URL+"/k/9999/tilsett/logg-inn", "nora.solberg@demo.kommune.no")
	resp, body := servertest.Get(t, c, f.Callback)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "ingen e-postadresse") {
		t.Errorf("unverified e-mail: %d\n%s", resp.StatusCode, body)
	}
}

// TestStaffAccountBinding: once a staff address has signed in from one
// provider account, a sign-in with the same address from another account
// (the address reassigned at the provider) does not get the roles; after
// the last role is revoked and granted again, the new account is bound.
func TestStaffAccountBinding(t *testing.T) {
	o := startOutsideIdP(t, nil)
	srv := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.TestIdP = false
		c.CitizenIssuer, c.CitizenClientID, c.CitizenClientSecret = o.url, "torg", "hemmelig"
		c.StaffIssuer, c.StaffClientID, c.StaffClientSecret = o.url, "torg", "hemmelig"
	}})
	start := srv.URL + "/k/9999/tilsett/logg-inn"
	servertest.SignIn(t, servertest.Client(t), start, "nora.solberg@demo.kommune.no")
	o.mutate = func(c map[string]any) { c["sub"] = "another-account" }
	c := servertest.Client(t)
	f := servertest.Authorize(t, c, start, "nora.solberg@demo.kommune.no")
	resp, body := servertest.Get(t, c, f.Callback)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "en annen brukerkonto") {
		t.Fatalf("another account: %d\n%s", resp.StatusCode, body)
	}
	ctx := context.Background()
	actor := audit.Entry{ActorID: "test", Role: "system"}
	if err := srv.Identity.Revoke(ctx, "9999", "email:nora.solberg@demo.kommune.no", "caseworker", actor); err != nil {
		t.Fatal(err)
	}
	if err := srv.Identity.Grant(ctx, "9999", "email:nora.solberg@demo.kommune.no", "caseworker", actor); err != nil {
		t.Fatal(err)
	}
	servertest.SignIn(t, servertest.Client(t), start, "nora.solberg@demo.kommune.no")
}
