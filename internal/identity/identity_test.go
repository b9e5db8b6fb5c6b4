package identity

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"

	"github.com/torg-ekommune/torg/internal/errs"
)

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"":                      "/",
		"/min-side":             "/min-side",
		"/min-side?x=1":         "/min-side?x=1",
		"//evil.example/":       "/",
		"https://evil.example/": "/",
		"/\\evil.example":       "/",
		"min-side":              "/",
		"/a\r\nSet-Cookie: x":   "/",
		"javascript:alert(1)":   "/",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrincipal(t *testing.T) {
	tests := []struct {
		in, want, key string
	}{
		{"15838810028", "pid:15838810028", ""},
		{" 158388 10028 ", "pid:15838810028", ""},
		{"Kari@Bergen.Kommune.no", "email:kari@bergen.kommune.no", ""},
		{"15838810029", "", "nin.error.check2"},
		{"15838810038", "", "nin.error.check1"},
		{"12345", "", "nin.error.length"},
		{"kari@", "", "identity.error.email"},
		{"Kari <kari@x.no>", "", "identity.error.email"},
	}
	for _, tt := range tests {
		got, err := Principal(tt.in)
		if got != tt.want {
			t.Errorf("Principal(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.key != "" {
			key, _, _ := errs.Public(err)
			if !errs.Is(errs.Invalid, err) || key != tt.key {
				t.Errorf("Principal(%q) error %v (key %q), want Invalid %q", tt.in, err, key, tt.key)
			}
		}
	}
}

func TestLevels(t *testing.T) {
	if !(levelRank(LevelHigh) > levelRank(LevelSubstantial) && levelRank(LevelSubstantial) > levelRank("Level4") && levelRank("") == 0) {
		t.Error("assurance levels are not ordered")
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://idporten.no":                        "https://idporten.no",
		"https://login.microsoftonline.com/abc/v2.0": "https://login.microsoftonline.com",
		"http://localhost:8080/testidp":              "http://localhost:8080",
		"nonsense":                                   "",
	} {
		if got := origin(in); got != want {
			t.Errorf("origin(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext checks that no input makes the post-sign-in redirect leave
// the site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/min-side", "//evil", "/\\evil", "https://x", "/%2F%2Fevil", "/a?b=//c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := safeNext(in)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("safeNext(%q) = %q leaves the site", in, got)
		}
		if u, err := url.Parse(got); err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q) = %q parses with host %q", in, got, u.Host)
		}
	})
}

func TestDeleteExpired(t *testing.T) {
	dbtest.Each(t, []db.Schema{audit.Schema, Schema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d, audit.New(d), slog.New(slog.NewTextHandler(io.Discard, nil)), Config{IdleTimeout: time.Hour, MaxAge: 2 * time.Hour})
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for _, ss := range []*session{
				{tenant: "9999", principal: "pid:1", name: "fresh"},
				{tenant: "9999", principal: "pid:2", name: "idle"},
			} {
				if _, err := s.insertSession(ctx, tx, ss); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `UPDATE identity_sessions SET seen_at = $1 WHERE name = 'idle'`, d.Now().Add(-2*time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteExpired(ctx); n != 1 || err != nil {
			t.Fatalf("DeleteExpired = %d, %v", n, err)
		}
		var left string
		d.QueryRowContext(ctx, `SELECT name FROM identity_sessions`).Scan(&left)
		if left != "fresh" {
			t.Errorf("left %q", left)
		}
	})
}

func TestCookieNames(t *testing.T) {
	plain := &Service{cfg: Config{}}
	secure := &Service{cfg: Config{Secure: true}}
	if got := plain.cookieName(sessionKind, "9999"); got != "torg_session_9999" {
		t.Errorf("http: %s", got)
	}
	if got := secure.cookieName(loginKind, "4601"); got != "__Host-torg_login_4601" {
		t.Errorf("https: %s", got)
	}
	rec := httptest.NewRecorder()
	secure.setCookie(rec, sessionKind, "9999", "x", 0)
	ck := rec.Result().Cookies()[0]
	if ck.Path != "/" || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %+v", ck)
	}
}
