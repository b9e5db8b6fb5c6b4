package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// benchmarkPage fetches path over loopback HTTP from parallel clients
// through the whole stack: middleware, tenant routing, session lookup,
// template rendering.
func benchmarkPage(b *testing.B, postgres, signedIn bool, path string) {
	srv := servertest.Start(b, servertest.Options{Postgres: postgres})
	c := servertest.Client(b)
	if signedIn {
		servertest.SignIn(b, c, srv.URL+"/k/9999/logg-inn", "15838810028")
	}
	c.Transport = &http.Transport{MaxIdleConnsPerHost: 64}
	// Connections dialed but never used count as busy for 5 s at shutdown.
	b.Cleanup(c.CloseIdleConnections)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get(srv.URL + path)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

func BenchmarkFrontPageSQLite(b *testing.B)   { benchmarkPage(b, false, false, "/k/9999/") }
func BenchmarkMinSideSQLite(b *testing.B)     { benchmarkPage(b, false, true, "/k/9999/min-side") }
func BenchmarkFrontPagePostgres(b *testing.B) { benchmarkPage(b, true, false, "/k/9999/") }
func BenchmarkMinSidePostgres(b *testing.B)   { benchmarkPage(b, true, true, "/k/9999/min-side") }
