package identity

import (
	"net/url"
	"strings"
	"testing"

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
