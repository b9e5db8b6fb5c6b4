package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/web"
)

func newShell(t *testing.T, logs *bytes.Buffer) *web.Shell {
	t.Helper()
	cat := i18n.NewCatalog()
	if err := cat.AddFS(web.Messages()); err != nil {
		t.Fatal(err)
	}
	s, err := web.NewShell(cat, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMessagesComplete(t *testing.T) {
	cat := i18n.NewCatalog()
	if err := cat.AddFS(web.Messages()); err != nil {
		t.Fatal(err)
	}
	if missing := cat.Complete(); len(missing) > 0 {
		t.Errorf("missing translations: %v", missing)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	var logs bytes.Buffer
	s := newShell(t, &logs)
	h := s.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") }), web.Options{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	id := rec.Header().Get("X-Request-Id")
	body := rec.Body.String()
	if id == "" || !strings.Contains(body, id) {
		t.Errorf("the page does not show the request id %q", id)
	}
	if strings.Contains(body, "secret detail") {
		t.Error("the panic value reached the client")
	}
	if !strings.Contains(body, "Noe gikk galt hos oss") {
		t.Errorf("not the friendly page:\n%s", body)
	}
	if !strings.Contains(logs.String(), `"panic":"boom: secret detail"`) || !strings.Contains(logs.String(), id) {
		t.Errorf("the panic is not logged with the request id:\n%s", logs.String())
	}
}

func TestErrorKinds(t *testing.T) {
	var logs bytes.Buffer
	s := newShell(t, &logs)
	tests := []struct {
		err    error
		status int
		text   string
	}{
		{errs.E(errs.Invalid, errs.Key("error.bad_form")), 400, "Skjemaet kunne ikke leses"},
		{errs.E(errs.NotFound), 404, "Siden finnes ikke"},
		{errs.E(errs.Conflict), 409, "kolliderer"},
		{errs.E(errs.Unauthenticated), 401, "Du må logge inn"},
		{errs.E(errs.Forbidden), 403, "ikke tilgang"},
		{errs.E(errs.TooMany), 429, "for mange ganger"},
		{&http.MaxBytesError{Limit: 10}, 413, "for stort"},
		{errs.E(errs.Invalid, map[string]string{"name": "error.lang"}), 400, "Ukjent språk"},
		{errs.E(errs.Op("x"), bytes.ErrTooLarge), 500, "Ingenting du har sendt inn er tapt"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		s.Error(rec, httptest.NewRequest("GET", "/", nil), tt.err)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.text) {
			t.Errorf("%v: %d, want %d with %q\n%s", tt.err, rec.Code, tt.status, tt.text, rec.Body.String())
		}
	}
}

func TestProblemDocument(t *testing.T) {
	var logs bytes.Buffer
	s := newShell(t, &logs)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/k/9999/api/v1/things", nil)
	s.Error(rec, req, errs.E(errs.Invalid, errs.Key("error.invalid"), map[string]string{"name": "error.lang"}))
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q", ct)
	}
	var p web.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != 400 || p.Title != "Bad Request" || len(p.Errors) != 1 || p.Errors[0].Field != "name" {
		t.Errorf("problem = %+v", p)
	}
}

func TestCrossOriginProtection(t *testing.T) {
	var logs bytes.Buffer
	s := newShell(t, &logs)
	h := s.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }), web.Options{})
	for _, tt := range []struct {
		method, site string
		want         int
	}{
		{"POST", "cross-site", 403},
		{"POST", "same-origin", 204},
		{"POST", "", 204}, // not a browser: no Sec-Fetch-Site
		{"GET", "cross-site", 204},
	} {
		req := httptest.NewRequest(tt.method, "/", nil)
		if tt.site != "" {
			req.Header.Set("Sec-Fetch-Site", tt.site)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.site, rec.Code, tt.want)
		}
	}
}

// TestAddAsset checks that a module's own static file is served under a
// fingerprinted name with its content type, and that a duplicate name, a
// path and an unknown type are refused.
func TestAddAsset(t *testing.T) {
	s := newShell(t, &bytes.Buffer{})
	body := []byte("console.log('hei');\n")
	if err := s.AddAsset("modul.js", body); err != nil {
		t.Fatal(err)
	}
	url := s.AssetURL("modul.js")
	if !strings.HasPrefix(url, "/static/modul.") || !strings.HasSuffix(url, ".js") {
		t.Fatalf("asset URL %q", url)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{file}", s.ServeStatic)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
	if rec.Code != 200 || rec.Body.String() != string(body) || rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("served %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	for _, name := range []string{"modul.js", "torg.css", "a/b.js", "x.exe", "noext"} {
		if err := s.AddAsset(name, body); err == nil {
			t.Errorf("AddAsset(%q) was accepted", name)
		}
	}
}
