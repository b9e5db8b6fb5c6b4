package web

import (
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
