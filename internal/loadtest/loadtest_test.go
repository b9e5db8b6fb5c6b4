package loadtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/loadtest"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

func TestPagesScenario(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	res, err := loadtest.Run(context.Background(), loadtest.Options{Clients: 4, Duration: 300 * time.Millisecond},
		loadtest.Pages{Target: srv.URL, Tenant: "9999", Path: "min-side", PIDs: []string{"15838810028", "02917510108"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ops == 0 || res.Errors != 0 || res.P50 <= 0 || res.P99 < res.P50 {
		t.Fatalf("result %+v (first error %v)", res, res.FirstError)
	}
	line := res.Line("requests")
	if !strings.HasPrefix(line, "requests/s=") || !strings.Contains(line, " p50_ms=") || !strings.HasSuffix(line, " errors=0") {
		t.Errorf("line %q", line)
	}
	// A page that needs sign-in, without it, counts as errors, not as ops.
	res, err = loadtest.Run(context.Background(), loadtest.Options{Clients: 2, Duration: 100 * time.Millisecond},
		loadtest.Pages{Target: srv.URL, Tenant: "9999", Path: "min-side"})
	if err != nil || res.Ops != 0 || res.Errors == 0 {
		t.Errorf("anonymous min side: %+v %v", res, err)
	}
	if _, err := loadtest.Run(context.Background(), loadtest.Options{Clients: 1, Duration: time.Second},
		loadtest.Pages{Target: srv.URL, Tenant: "9999", Path: "", PIDs: []string{"00000000000"}}); err == nil {
		t.Error("a setup with an unknown person did not fail")
	}
}
