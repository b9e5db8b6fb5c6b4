package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("fourth request allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another key is limited too")
	}
	now = now.Add(20 * time.Second) // one token back
	if !l.Allow("a") || l.Allow("a") {
		t.Fatal("refill is wrong")
	}
}

func TestLocalPath(t *testing.T) {
	for in, ok := range map[string]bool{
		"/":                  true,
		"/min-side?x=1":      true,
		"/k/9999/tjenester":  true,
		"//evil.com":         false,
		"/\t/evil.com":       false,
		"/\n/evil.com":       false,
		"/\\evil.com":        false,
		"https://evil.com":   false,
		"evil.com":           false,
		"/%zz":               false,
		"/a\x7f":             false,
		"javascript:alert()": false,
	} {
		if _, got := LocalPath(in); got != ok {
			t.Errorf("LocalPath(%q) = %v, want %v", in, got, ok)
		}
	}
}

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	tests := []struct {
		name, remote string
		xff          []string
		trusted      []netip.Prefix
		want         string
	}{
		{"no proxy", "203.0.113.5:4000", nil, nil, "203.0.113.5"},
		{"header ignored without trusted proxies", "203.0.113.5:4000", []string{"1.2.3.4"}, nil, "203.0.113.5"},
		{"header ignored from an untrusted peer", "203.0.113.5:4000", []string{"1.2.3.4"}, trusted, "203.0.113.5"},
		{"behind a trusted proxy", "10.1.2.3:4000", []string{"198.51.100.9"}, trusted, "198.51.100.9"},
		{"a client's own spoofed entry is skipped", "10.1.2.3:4000", []string{"6.6.6.6, 198.51.100.9"}, trusted, "198.51.100.9"},
		{"two proxies", "10.1.2.3:4000", []string{"198.51.100.9, 192.0.2.7"}, trusted, "198.51.100.9"},
		{"several headers", "10.1.2.3:4000", []string{"6.6.6.6", "198.51.100.9"}, trusted, "198.51.100.9"},
		{"garbled header", "10.1.2.3:4000", []string{"198.51.100.9, <script>"}, trusted, "10.1.2.3"},
		{"only proxies", "10.1.2.3:4000", []string{"10.9.9.9"}, trusted, "10.1.2.3"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		for _, h := range tt.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := clientAddr(r, tt.trusted); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLimitKey(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.5:1":           "203.0.113.5",
		"[2001:db8:1:2:3::4]:1":   "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::]:1": "2001:db8:1:2::/64",
		"[::ffff:192.0.2.1]:1":    "192.0.2.1",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if got := LimitKey(r); got != want {
			t.Errorf("LimitKey(%s) = %q, want %q", remote, got, want)
		}
	}
}
