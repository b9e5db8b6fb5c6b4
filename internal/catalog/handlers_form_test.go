package catalog

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/web"
)

// TestFormButtonOnlyWhenServed checks that a service page offers its form
// only when the form platform says it serves that form.
func TestFormButtonOnlyWhenServed(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, audit.Schema, Schema)
	svc := New(d, audit.New(d))
	if err := Seed(context.Background(), svc, "9999"); err != nil {
		t.Fatal(err)
	}
	cat := i18n.NewCatalog()
	for _, f := range []func() error{func() error { return cat.AddFS(web.Messages()) }, func() error { return cat.AddFS(Messages()) }} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	shell, err := web.NewShell(cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		served bool
		want   bool
	}{{true, true}, {false, false}} {
		mux := http.NewServeMux()
		served := func(_ context.Context, tenant, form string) bool {
			return tt.served && tenant == "9999" && form == "barnehageplass"
		}
		if err := Routes(mux, shell, svc, served); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/tjeneste/soknad-om-barnehageplass", nil)
		req = web.WithCtx(req, &web.Ctx{Lang: "nb", Tenant: &web.Tenant{ID: "9999", NameNB: "Demo kommune", Base: "/k/9999/"}})
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		got := strings.Contains(rec.Body.String(), `href="/k/9999/skjema/barnehageplass"`)
		if rec.Code != 200 || got != tt.want {
			t.Errorf("served=%v: status %d, button %v", tt.served, rec.Code, got)
		}
	}
}
