package loadtest_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/loadtest"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

var lineRE = regexp.MustCompile(`^submissions/s=\d+\.\d p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d errors=\d+$`)

func TestSubmitLine(t *testing.T) {
	r := loadtest.SubmitReport{
		Result: loadtest.Result{Ops: 2105, Errors: 3, Elapsed: time.Second, P50: 40 * time.Millisecond, P99: 90 * time.Millisecond},
		Steps: []loadtest.StepStats{{Name: "start", N: 2108, P50: time.Millisecond, P99: 2 * time.Millisecond},
			{Name: "send", N: 2105, P50: 21340 * time.Microsecond, P99: 44 * time.Millisecond}},
	}
	if got, want := r.Line(), "submissions/s=2105.0 p50_ms=21.34 p99_ms=44.00 errors=3"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	r.Elapsed = 3 * time.Second
	r.Ops = 1000
	if got, want := r.Line(), "submissions/s=333.3 p50_ms=21.34 p99_ms=44.00 errors=3"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	if got := (loadtest.SubmitReport{}).Line(); got != "submissions/s=0.0 p50_ms=0.00 p99_ms=0.00 errors=0" || !lineRE.MatchString(got) {
		t.Errorf("empty Line() = %q", got)
	}
	r.Reasons = []loadtest.Reason{{Text: "POST send: status 500", Count: 2}, {Text: "POST start: EOF", Count: 1}}
	details := strings.Join(r.Details(1), "\n")
	for _, want := range []string{"one submission = the whole flow: 2 requests (POST start, POST send)", "submissions: 1000 in 3.00s = 333.3/s",
		"full flow latency: p50_ms=40.00 p99_ms=90.00", "send", "2× POST send: status 500", "1 more distinct reasons", "send POST alone"} {
		if !strings.Contains(details, want) {
			t.Errorf("details lack %q:\n%s", want, details)
		}
	}
}

// TestSubmitScenario sends the kindergarten form for a second with four
// clients (two persons) against an in-process server, recording receipts,
// and checks each recorded receipt.
func TestSubmitScenario(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	var (
		mu       sync.Mutex
		receipts []loadtest.Receipt
	)
	pids := []string{"15838810028", "02917510108"}
	sc := &loadtest.Submit{Target: srv.URL, Tenant: "9999", PIDs: pids, Record: func(r loadtest.Receipt) {
		mu.Lock()
		receipts = append(receipts, r)
		mu.Unlock()
	}}
	res, err := loadtest.Run(context.Background(), loadtest.Options{Clients: 4, Duration: time.Second}, sc)
	if err != nil {
		t.Fatal(err)
	}
	rep := sc.Report(res)
	t.Logf("%s\n%s", strings.Join(rep.Details(5), "\n"), rep.Line())
	if rep.Ops == 0 || rep.Errors != 0 || len(rep.Reasons) != 0 {
		t.Fatalf("ops %d errors %d reasons %v", rep.Ops, rep.Errors, rep.Reasons)
	}
	if len(rep.Steps) != 7 || rep.Send().N != rep.Ops || rep.Send().P50 <= 0 || rep.Send().P99 < rep.Send().P50 {
		t.Errorf("steps %+v", rep.Steps)
	}
	if !lineRE.MatchString(rep.Line()) || !strings.HasSuffix(rep.Line(), " errors=0") {
		t.Errorf("line %q", rep.Line())
	}
	if int64(len(receipts)) != rep.Ops {
		t.Fatalf("%d receipts recorded for %d submissions", len(receipts), rep.Ops)
	}

	// Every recorded receipt is genuine, names its own reference once, and
	// its page opens for the person who sent it.
	c := loadtest.NewClient(http.DefaultTransport)
	resp, err := c.Get(srv.URL + "/k/9999/kvittering/nokler.json")
	if err != nil {
		t.Fatal(err)
	}
	_, jwks := servertest.ReadAll(t, resp)
	keys, err := receipt.ParsePublicKeys([]byte(jwks))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range receipts {
		rec, err := receipt.Verify(r.JSON, keys)
		if err != nil {
			t.Fatalf("receipt %s: %v", r.ID, err)
		}
		if r.Reference == "" || rec.Reference != r.Reference || rec.FormID != "barnehageplass" || seen[r.Reference] {
			t.Errorf("receipt %s: reference %q, signed %q (seen before: %v)", r.ID, r.Reference, rec.Reference, seen[r.Reference])
		}
		seen[r.Reference] = true
	}
	kari := servertest.Client(t)
	servertest.SignIn(t, kari, srv.URL+"/k/9999/logg-inn", pids[0])
	for _, r := range receipts[:min(len(receipts), 5)] {
		resp, body := servertest.Get(t, kari, srv.URL+"/k/9999/innsending/"+r.ID)
		want := 200
		if r.PID != pids[0] {
			want = 404
		}
		if resp.StatusCode != want || want == 200 && !strings.Contains(body, r.Reference) {
			t.Errorf("receipt page of %s (%s) for Kari: %d", r.ID, r.PID, resp.StatusCode)
		}
	}

	// Without test persons the scenario cannot start; a server that is not
	// there fails the setup.
	if _, err := loadtest.Run(context.Background(), loadtest.Options{Clients: 1, Duration: time.Second},
		&loadtest.Submit{Target: srv.URL, Tenant: "9999"}); err == nil {
		t.Error("a run without persons did not fail")
	}
	if _, err := loadtest.Run(context.Background(), loadtest.Options{Clients: 1, Duration: time.Second},
		&loadtest.Submit{Target: "http://127.0.0.1:1", Tenant: "9999", PIDs: pids}); err == nil {
		t.Error("a run against no server did not fail")
	}
}

// TestSubmitErrors: flows that do not end in a receipt are errors, with
// their distinct reasons, not submissions.
func TestSubmitErrors(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	sc := &loadtest.Submit{Target: srv.URL, Tenant: "9999", PIDs: []string{"15838810028"}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := loadtest.NewClient(http.DefaultTransport)
	if err := sc.Setup(ctx, c, 0); err != nil {
		t.Fatal(err)
	}
	if err := sc.Iterate(ctx, c, 0); err != nil {
		t.Fatalf("one good flow: %v", err)
	}
	// A browser that is not signed in is sent to sign in: twice the same
	// reason.
	anon := loadtest.NewClient(http.DefaultTransport)
	for range 2 {
		if err := sc.Iterate(ctx, anon, 0); err == nil || !strings.Contains(err.Error(), "logg-inn") {
			t.Errorf("signed-out flow: %v", err)
		}
	}
	cancel()
	if err := sc.Iterate(ctx, c, 0); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled flow: %v", err)
	}
	rep := sc.Report(loadtest.Result{Ops: 1, Errors: 3, Elapsed: time.Second})
	if len(rep.Reasons) != 2 || rep.Reasons[0].Count != 2 || !strings.HasPrefix(rep.Reasons[0].Text, "POST start: went to /k/9999/logg-inn") ||
		rep.Send().N != 1 || len(rep.Steps) != 6 {
		t.Errorf("report %+v", rep)
	}
}

// BenchmarkSubmit runs the submit scenario with 64 clients for 5 s against
// an in-process server on SQLite (TORG_BENCH_POSTGRES=1: PostgreSQL, needs
// TORG_TEST_POSTGRES), whatever b.N is; run it with -benchtime 1x. It
// exists to take a CPU profile of the submission path (-cpuprofile); the
// profile includes the clients, which use about a tenth of it.
func BenchmarkSubmit(b *testing.B) {
	srv := servertest.Start(b, servertest.Options{Postgres: os.Getenv("TORG_BENCH_POSTGRES") == "1",
		Configure: func(c *config.Config) { c.SignInRate = 100000 }})
	sc := &loadtest.Submit{Target: srv.URL, Tenant: "9999", PIDs: []string{"15838810028", "02917510108", "28865210096", "09819410078",
		"21880560058", "30923810192", "17858110130", "04821260391"}}
	b.ResetTimer()
	res, err := loadtest.Run(context.Background(), loadtest.Options{Clients: 64, Duration: 5 * time.Second}, sc)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	rep := sc.Report(res)
	b.Log(rep.Line())
	b.ReportMetric(rep.Rate(), "submissions/s")
	b.ReportMetric(ms(rep.Send().P99), "send_p99_ms")
	b.ReportMetric(float64(rep.Errors), "errors")
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
