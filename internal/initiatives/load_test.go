package initiatives_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/initiatives"
	it "github.com/torg-ekommune/torg/internal/initiatives/initiativestest"
)

// EnvLoad turns on TestLoadSignatures; its value is the number of persons
// (20000 when it is "1").
const EnvLoad = "TORG_LOAD_INITIATIVES"

// TestLoadSignatures is the load test of issue #6: distinct signed-in test
// persons sign one initiative at once through the real HTTP handlers, on
// SQLite and (with TORG_TEST_POSTGRES) PostgreSQL; the first thousand of
// them try a second time meanwhile. Every person must have exactly one
// accepted signature, and the count, the commitment list and the tables
// must all say 20,000. It logs the throughput. Run it with
//
//	TORG_LOAD_INITIATIVES=1 go test ./internal/initiatives -run TestLoadSignatures -v -timeout 30m
func TestLoadSignatures(t *testing.T) {
	raw := os.Getenv(EnvLoad)
	if raw == "" {
		t.Skip("set " + EnvLoad + "=1 to run the load test")
	}
	persons := 20000
	if n, err := strconv.Atoi(raw); err == nil && n > 1 {
		persons = n
	}
	workers := 64
	if n, err := strconv.Atoi(os.Getenv(EnvLoad + "_WORKERS")); err == nil && n > 0 {
		workers = n
	}
	t.Run("sqlite", func(t *testing.T) { loadSignatures(t, false, persons, workers) })
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { loadSignatures(t, true, persons, workers) })
	}
}

func loadSignatures(t *testing.T, postgres bool, persons, workers int) {
	ctx := context.Background()
	people := it.Persons(persons)
	s := it.Start(t, it.Options{Postgres: postgres, Residents: append(people, it.KariPID),
		Handler: initiatives.HandlerConfig{SignRate: -1, ClientRate: -1}})
	// The clock of the test site stands still; signatures need none.
	in, err := s.Service.Create(ctx, it.Demo, goodDraft, kari())
	if err != nil {
		t.Fatal(err)
	}
	repeats := min(1000, persons)
	type job struct{ i int }
	jobs := make(chan job)
	go func() {
		for i := range persons {
			jobs <- job{i}
			if i < repeats {
				jobs <- job{i} // a second try, while the first may be under way
			}
		}
		close(jobs)
	}()
	tr := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	okBy := make([]atomic.Int32, persons)
	var conflicts, others atomic.Int64
	var firstOther atomic.Value
	url := s.URL + "/k/9999/initiativ/" + in.ID + "/signer"
	begin := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				c := s.ClientWith("pid-"+people[j.i], tr)
				resp, err := c.Post(url, "application/x-www-form-urlencoded", nil)
				if err != nil {
					others.Add(1)
					firstOther.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					okBy[j.i].Add(1)
				case http.StatusConflict:
					conflicts.Add(1)
				default:
					others.Add(1)
					firstOther.CompareAndSwap(nil, resp.Status)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	requests := persons + repeats
	db := "sqlite"
	if postgres {
		db = "postgres"
	}
	t.Logf("%s: %d signatures (+%d repeats) from %d workers in %v: %.0f signatures/s, %.0f requests/s",
		db, persons, repeats, workers, elapsed.Round(time.Millisecond), float64(persons)/elapsed.Seconds(), float64(requests)/elapsed.Seconds())

	if n := others.Load(); n > 0 {
		t.Errorf("%d requests failed otherwise, the first: %v", n, firstOther.Load())
	}
	lost, double := 0, 0
	for i := range okBy {
		switch okBy[i].Load() {
		case 0:
			lost++
		case 1:
		default:
			double++
		}
	}
	if lost > 0 || double > 0 || conflicts.Load() != int64(repeats) {
		t.Errorf("%d persons without a signature, %d with more than one, %d repeats refused (want %d)", lost, double, conflicts.Load(), repeats)
	}
	got, err := s.Service.Get(ctx, it.Demo, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Service.Commitments(ctx, it.Demo, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, c := range list {
		distinct[c] = true
	}
	var keys, signers int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(DISTINCT person_key) FROM initiatives_signatures WHERE tenant_id = $1 AND initiative_id = $2`,
		it.Demo, in.ID).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM initiatives_signers WHERE tenant_id = $1 AND initiative_id = $2`,
		it.Demo, in.ID).Scan(&signers); err != nil {
		t.Fatal(err)
	}
	if got.Signatures != persons || len(list) != persons || len(distinct) != persons || keys != persons || signers != persons {
		t.Errorf("count %d, %d commitments (%d distinct), %d person keys, %d signers; want %d of each",
			got.Signatures, len(list), len(distinct), keys, signers, persons)
	}
	if s.Council.Calls() != 1 || got.State != initiatives.StateSubmitted {
		t.Errorf("council asked %d times, state %s; want once, submitted", s.Council.Calls(), got.State)
	}
	if persons >= 20000 && elapsed > 10*time.Minute {
		t.Errorf("%d signatures took %v, more than the 10 minutes of the requirement", persons, elapsed)
	}
}
