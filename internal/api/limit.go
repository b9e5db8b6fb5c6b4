package api

import (
	"sync"
	"time"

	"github.com/torg-ekommune/torg/internal/web"
)

// failures limits failed authentications (a wrong client secret, an
// invalid bearer token) per client address: n per period as a token
// bucket (web.Limiter). An address that runs out is blocked for a period:
// its requests are refused before any credential is looked at, so it can
// neither guess on nor load the database. Successful authentications
// cost nothing, so a system behind the same address as a guesser keeps
// working until the guesser has used up the budget.
type failures struct {
	bucket  *web.Limiter
	per     time.Duration
	now     func() time.Time
	mu      sync.Mutex
	blocked map[string]time.Time // key -> blocked until
}

func newFailures(n int, per time.Duration, now func() time.Time) *failures {
	return &failures{bucket: web.NewLimiter(n, per), per: per, now: now, blocked: map[string]time.Time{}}
}

// Blocked reports whether key is refused for now.
func (f *failures) Blocked(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	until, ok := f.blocked[key]
	if ok && !f.now().Before(until) {
		delete(f.blocked, key)
		return false
	}
	return ok
}

// Fail records a failed authentication from key and reports whether key
// is now blocked.
func (f *failures) Fail(key string) bool {
	if f.bucket.Allow(key) {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	for k, until := range f.blocked {
		if !now.Before(until) {
			delete(f.blocked, k)
		}
	}
	f.blocked[key] = now.Add(f.per)
	return true
}
