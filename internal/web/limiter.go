package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Limiter is a token bucket per key (a client address, a person): n
// requests per period, refilled continuously. It lives in one process, so
// with several nodes the effective limit is n per node; that is enough to
// stop guessing and flooding, which is what it is for.
type Limiter struct {
	n      float64
	per    time.Duration
	now    func() time.Time
	mu     sync.Mutex
	bucket map[string]*bucket
	swept  time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter allows n requests per period for each key.
func NewLimiter(n int, per time.Duration) *Limiter {
	return &Limiter{n: float64(n), per: per, now: time.Now, bucket: map[string]*bucket{}}
}

// Allow takes one token for key and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.swept) > l.per {
		for k, b := range l.bucket {
			if now.Sub(b.at) > l.per {
				delete(l.bucket, k)
			}
		}
		l.swept = now
	}
	b, ok := l.bucket[key]
	if !ok {
		b = &bucket{tokens: l.n, at: now}
		l.bucket[key] = b
	}
	b.tokens = min(l.n, b.tokens+l.n*now.Sub(b.at).Seconds()/l.per.Seconds())
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// ClientAddr returns the client's IP address from the connection. Torg does
// not trust X-Forwarded-For; behind a proxy, limits apply per proxy.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
