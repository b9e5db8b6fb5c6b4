// Package loadtest drives a running Torg over HTTP, as `torg loadtest`
// does: a number of clients, each with its own cookie jar (and, where the
// scenario needs it, its own person signed in through the built-in test
// identity provider), repeat a scenario for a fixed time. It reports
// operations per second, the 50th and 99th percentile latency and the
// error count. Point it only at servers on this machine or your own test
// hosts.
package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"sync"
	"time"
)

// Scenario is what each client does.
type Scenario interface {
	// Setup prepares client number i (signing in, say) before the clock
	// starts.
	Setup(ctx context.Context, c *http.Client, i int) error
	// Iterate performs one operation; its latency is what is measured.
	Iterate(ctx context.Context, c *http.Client, i int) error
}

// Options configure a run.
type Options struct {
	Clients  int
	Duration time.Duration
}

// Result is the outcome of a run.
type Result struct {
	Ops, Errors int64
	Elapsed     time.Duration
	P50, P99    time.Duration
	FirstError  error
}

// Rate is operations per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// Line formats the result as the one-line summary `torg loadtest` ends
// with, e.g. "submissions/s=2104 p50_ms=21.3 p99_ms=44.0 errors=0".
func (r Result) Line(unit string) string {
	return fmt.Sprintf("%s/s=%.0f p50_ms=%.1f p99_ms=%.1f errors=%d", unit, r.Rate(),
		float64(r.P50.Microseconds())/1000, float64(r.P99.Microseconds())/1000, r.Errors)
}

// NewClient returns an HTTP client with its own cookie jar that does not
// follow redirects, sharing transport.
func NewClient(transport http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Run sets up opts.Clients clients, then lets them iterate for
// opts.Duration. A failed setup stops the run before it starts.
func Run(ctx context.Context, opts Options, s Scenario) (Result, error) {
	if opts.Clients < 1 || opts.Duration <= 0 {
		return Result{}, fmt.Errorf("loadtest: need at least one client and a positive duration")
	}
	transport := &http.Transport{MaxIdleConnsPerHost: opts.Clients, MaxConnsPerHost: opts.Clients}
	defer transport.CloseIdleConnections()
	clients := make([]*http.Client, opts.Clients)
	for i := range clients {
		clients[i] = NewClient(transport)
		if err := s.Setup(ctx, clients[i], i); err != nil {
			return Result{}, fmt.Errorf("loadtest: set up client %d: %w", i, err)
		}
	}
	var (
		mu     sync.Mutex
		lat    []time.Duration
		res    Result
		wg     sync.WaitGroup
		start  = time.Now()
		stopAt = start.Add(opts.Duration)
	)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var errs int64
			var first error
			for time.Now().Before(stopAt) && ctx.Err() == nil {
				t0 := time.Now()
				err := s.Iterate(ctx, c, i)
				d := time.Since(t0)
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			res.Errors += errs
			if res.FirstError == nil {
				res.FirstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Ops = int64(len(lat))
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50 = lat[len(lat)*50/100]
		res.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return res, nil
}
