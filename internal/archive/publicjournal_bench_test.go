package archive_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
)

// TestPublicJournalLatency measures the public journal's first page
// (entries and count) on a seeded archive. It runs only when
// TORG_JOURNAL_BENCH names a database (a SQLite file or a postgres://
// URL), e.g. one filled with `torg archive seed --tenant 9999 --entries
// 1000000`; with TORG_JOURNAL_BENCH_SEED=N it first seeds N entries into
// that database itself. It migrates the database, brings the search index
// up to date (timed), then runs each query TORG_JOURNAL_BENCH_RUNS times
// (200 when unset) and reports p50, p95 and the largest time.
func TestPublicJournalLatency(t *testing.T) {
	url := os.Getenv("TORG_JOURNAL_BENCH")
	if url == "" {
		t.Skip("TORG_JOURNAL_BENCH is not set")
	}
	tenantID := os.Getenv("TORG_JOURNAL_BENCH_TENANT")
	if tenantID == "" {
		tenantID = "9999"
	}
	runs := 200
	if n, err := strconv.Atoi(os.Getenv("TORG_JOURNAL_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}
	ctx := context.Background()
	d, err := db.Open(ctx, url, t.TempDir(), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx, audit.Schema, archive.Schema); err != nil {
		t.Fatal(err)
	}
	s := archive.New(d, audit.New(d))
	if n, err := strconv.Atoi(os.Getenv("TORG_JOURNAL_BENCH_SEED")); err == nil && n > 0 {
		blobs, err := blob.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer blobs.Close()
		res, err := s.Seed(ctx, tenantID, "Demo", archive.SeedOptions{Entries: n, Blobs: blobs, Progress: os.Stderr, Every: 100_000},
			audit.Entry{ActorID: "bench", Role: "system"})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded %d entries (%d screened) in %s", res.Entries, res.Screened, res.Took.Round(time.Second))
	}
	start := time.Now()
	if err := s.RefreshPublicJournal(ctx, tenantID); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: index brought up to date in %s", d.Dialect(), time.Since(start).Round(time.Millisecond))
	year := time.Now().Year() - 2
	queries := []struct {
		name string
		q    archive.JournalQuery
	}{
		{"no filter", archive.JournalQuery{}},
		{"common word (søknad)", archive.JournalQuery{Text: "søknad"}},
		{"common word form (vedtaket)", archive.JournalQuery{Text: "vedtaket"}},
		{"less common word (Naturvernforbundet)", archive.JournalQuery{Text: "Naturvernforbundet"}},
		{"rare words (Fatima Nguyen)", archive.JournalQuery{Text: "Fatima Nguyen"}},
		{"no match (kvalheim)", archive.JournalQuery{Text: "kvalheim"}},
		{"date range (March, two years ago)", archive.JournalQuery{From: time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(year, 3, 31, 0, 0, 0, 0, time.UTC)}},
		{"unit (Økonomiavdelingen)", archive.JournalQuery{Unit: "Økonomiavdelingen"}},
		{"type U", archive.JournalQuery{Type: "U"}},
		{"word + date range", archive.JournalQuery{Text: "klage", From: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)}},
		{"word + unit", archive.JournalQuery{Text: "faktura", Unit: "Økonomiavdelingen"}},
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("load average before: %s", load)
	fmt.Printf("%-40s %8s %6s %9s %9s %9s\n", "query ("+d.Dialect().String()+")", "count", "page", "p50", "p95", "max")
	for _, c := range queries {
		var times []time.Duration
		var page archive.JournalPage
		for i := 0; i < runs; i++ {
			t0 := time.Now()
			page, err = s.PublicJournal(ctx, tenantID, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		count := strconv.Itoa(page.Count)
		if page.More {
			count = ">" + count
		}
		fmt.Printf("%-40s %8s %6d %9s %9s %9s\n", c.name, count, len(page.Entries), ms(times[len(times)/2]),
			ms(times[(len(times)*95+99)/100-1]), ms(times[len(times)-1]))
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("load average after: %s", load)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
