package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/errs"
)

func TestAddClientValidation(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var added []string
		for _, tt := range []struct {
			name   string
			scopes []string
			field  string // the field in error; "" for success
			want   []string
		}{
			{"Sak/arkiv", []string{"submissions:read"}, "", []string{"submissions:read"}},
			{"  Fagsystem  ", []string{"submissions:read, submissions:read", "submissions:read"}, "", []string{"submissions:read"}},
			{"", []string{"submissions:read"}, "name", nil},
			{"   ", []string{"submissions:read"}, "name", nil},
			{strings.Repeat("x", api.MaxNameLength+1), []string{"submissions:read"}, "name", nil},
			{"a\nb", []string{"submissions:read"}, "name", nil},
			{"Sak", nil, "scope", nil},
			{"Sak", []string{" , "}, "scope", nil},
			{"Sak", []string{"submissions:write"}, "scope", nil},
			{"Sak", []string{"submissions:read admin"}, "scope", nil},
		} {
			c, secret, err := e.svc.AddClient(ctx, "9999", tt.name, tt.scopes, operator())
			if tt.field != "" {
				var fields map[string]string
				if err != nil {
					_, _, fields = errs.Public(err)
				}
				if !errs.Is(errs.Invalid, err) || fields[tt.field] == "" {
					t.Errorf("AddClient(%q, %q) = %v; want Invalid on %s", tt.name, tt.scopes, err, tt.field)
				}
				continue
			}
			if err != nil || !slices.Equal(c.Scopes, tt.want) || c.Name != strings.TrimSpace(tt.name) || len(c.ID) != 32 || len(secret) != 43 || !c.Active() {
				t.Errorf("AddClient(%q, %q) = %+v, %q, %v", tt.name, tt.scopes, c, secret, err)
			}
			added = append(added, c.ID)
		}
		// Only the valid ones were stored, each with an audit entry.
		list, err := e.svc.Clients(ctx, "9999")
		if err != nil || len(list) != 2 {
			t.Fatalf("Clients = %+v, %v", list, err)
		}
		entries, _ := e.audit.List(ctx, "9999", 0, 100)
		if len(entries) != 2 {
			t.Fatalf("audit = %+v", entries)
		}
		for i, en := range entries {
			if en.Action != "apiclient.add" || en.Object != "apiclient:"+added[i] || en.ActorID != "cli:ops" {
				t.Errorf("audit entry %+v", en)
			}
		}
	})
}

func TestClientLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a, secretA := e.client(t, "9999", "Sak/arkiv")
		b, _ := e.client(t, "9999", "Fagsystem")
		other, otherSecret := e.client(t, "4601", "Bergen sak")
		if a.ID == b.ID || a.CreatedBy != "cli:ops" {
			t.Fatalf("clients %+v %+v", a, b)
		}

		tok, err := e.svc.IssueToken(ctx, "9999", a.ID, secretA, nil)
		if err != nil || !slices.Equal(tok.Scopes, []string{api.ScopeSubmissionsRead}) || !tok.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
			t.Fatalf("IssueToken = %+v, %v", tok, err)
		}
		g, err := e.svc.Authenticate(ctx, "9999", tok.Value)
		if err != nil || g.ClientID != a.ID || g.ClientName != "Sak/arkiv" || !g.Has(api.ScopeSubmissionsRead) || g.Has("x") {
			t.Fatalf("Authenticate = %+v, %v", g, err)
		}
		for _, tt := range []struct {
			name, tenant, id, secret string
			scopes                   []string
			kind                     errs.Kind
		}{
			{"wrong secret", "9999", a.ID, secretA + "x", nil, errs.Unauthenticated},
			{"empty secret", "9999", a.ID, "", nil, errs.Unauthenticated},
			{"unknown client", "9999", "nope", secretA, nil, errs.Unauthenticated},
			{"another municipality's client", "9999", other.ID, otherSecret, nil, errs.Unauthenticated},
			{"from another municipality", "4601", a.ID, secretA, nil, errs.Unauthenticated},
			{"scope not held", "9999", a.ID, secretA, []string{"submissions:write"}, errs.Invalid},
		} {
			if _, err := e.svc.IssueToken(ctx, tt.tenant, tt.id, tt.secret, tt.scopes); !errs.Is(tt.kind, err) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.kind)
			}
		}
		for _, tt := range []struct{ name, tenant, token string }{
			{"unknown", "9999", "nope"},
			{"another municipality", "4601", tok.Value},
			{"the secret", "9999", secretA},
		} {
			if _, err := e.svc.Authenticate(ctx, tt.tenant, tt.token); !errs.Is(errs.Unauthenticated, err) {
				t.Errorf("Authenticate %s: %v", tt.name, err)
			}
		}

		// Revoking: tokens die with the client; the client stays listed.
		if err := e.svc.RevokeClient(ctx, "9999", a.ID, operator()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, "9999", tok.Value); !errs.Is(errs.Unauthenticated, err) {
			t.Errorf("token of a revoked client: %v", err)
		}
		if _, err := e.svc.IssueToken(ctx, "9999", a.ID, secretA, nil); !errs.Is(errs.Unauthenticated, err) {
			t.Errorf("token for a revoked client: %v", err)
		}
		if err := e.svc.RevokeClient(ctx, "9999", a.ID, operator()); !errs.Is(errs.Conflict, err) {
			t.Errorf("revoke twice: %v", err)
		}
		if err := e.svc.RevokeClient(ctx, "9999", "nope", operator()); !errs.Is(errs.NotFound, err) {
			t.Errorf("revoke unknown: %v", err)
		}
		if err := e.svc.RevokeClient(ctx, "4601", a.ID, operator()); !errs.Is(errs.NotFound, err) {
			t.Errorf("revoke from another municipality: %v", err)
		}
		got, err := e.svc.Client(ctx, "9999", a.ID)
		if err != nil || got.Active() || !got.RevokedAt.Equal(e.clock.Now()) {
			t.Errorf("revoked client = %+v, %v", got, err)
		}
		if _, err := e.svc.Client(ctx, "4601", a.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("Client from another municipality: %v", err)
		}
		entries, _ := e.audit.List(ctx, "9999", 0, 100)
		if last := entries[len(entries)-1]; len(entries) != 3 || last.Action != "apiclient.revoke" || last.Object != "apiclient:"+a.ID {
			t.Errorf("audit = %+v", entries)
		}

		// Expiry and purge.
		tb, err := e.svc.IssueToken(ctx, "4601", other.ID, otherSecret, []string{api.ScopeSubmissionsRead})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(api.TokenLifetime - time.Second)
		if _, err := e.svc.Authenticate(ctx, "4601", tb.Value); err != nil {
			t.Errorf("token before expiry: %v", err)
		}
		if n, _ := e.svc.DeleteExpiredTokens(ctx); n != 0 {
			t.Errorf("purged %d live tokens", n)
		}
		e.clock.Add(time.Second)
		if _, err := e.svc.Authenticate(ctx, "4601", tb.Value); !errs.Is(errs.Unauthenticated, err) {
			t.Errorf("expired token: %v", err)
		}
		if n, err := e.svc.DeleteExpiredTokens(ctx); n != 1 || err != nil {
			t.Errorf("DeleteExpiredTokens = %d, %v", n, err)
		}
	})
}

func TestRecordReads(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		g := api.Grant{Tenant: "9999", ClientID: "abc", ClientName: "Sak/arkiv", Scopes: []string{api.ScopeSubmissionsRead}}
		if err := e.svc.RecordReads(ctx, g, "req-1", nil); err != nil {
			t.Fatal(err)
		}
		err := e.svc.RecordReads(ctx, g, "req-2", []api.Read{
			{Object: "submission:a", Subject: kari, Detail: "read 2026/00001 (kontakt)"},
			{Action: "submission.attachment.read", Object: "submission:b/attachment:x", Subject: ola},
			{Object: "submission:c"},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.audit.BySubject(ctx, "9999", kari, 10)
		if err != nil || len(got) != 1 {
			t.Fatalf("BySubject = %+v, %v", got, err)
		}
		want := got[0]
		want.ActorID, want.ActorName, want.Role, want.Action, want.Object, want.Purpose, want.RequestID =
			"api:abc", "Sak/arkiv", "system", "submission.read", "submission:a", api.ReadPurpose, "req-2"
		if got[0] != want {
			t.Errorf("entry %+v", got[0])
		}
		all, _ := e.audit.List(ctx, "9999", 0, 10)
		if len(all) != 3 || all[1].Action != "submission.attachment.read" || all[1].Subject != ola || all[2].Subject != "" {
			t.Errorf("entries %+v", all)
		}
	})
}
