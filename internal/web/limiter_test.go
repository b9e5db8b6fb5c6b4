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
