package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
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

// ClientAddr returns the client's IP address as the middleware found it
// (see Options.TrustedProxies), or the connection's outside the middleware.
func ClientAddr(r *http.Request) string {
	if c := From(r); c.ClientAddr != "" {
		return c.ClientAddr
	}
	return hostOf(r.RemoteAddr)
}

// LimitKey returns the key to rate-limit a client by: its IPv4 address,
// or the /64 network of an IPv6 address (one subscriber usually has a whole
// /64, so single addresses would be free to rotate).
func LimitKey(r *http.Request) string {
	a, err := netip.ParseAddr(ClientAddr(r))
	if err != nil {
		return ClientAddr(r)
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

func hostOf(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// clientAddr finds the client's address: the connection's, unless that is
// a trusted proxy, in which case X-Forwarded-For is read from the right and
// the first address that is not a trusted proxy is the client.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	remote := hostOf(r.RemoteAddr)
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if len(trusted) == 0 || !isTrusted(remote) {
		return remote
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(h); err != nil {
			return remote // a garbled header: do not guess
		}
		if !isTrusted(h) {
			return h
		}
	}
	return remote
}
