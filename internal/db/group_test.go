package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
)

var groupSchema = db.Schema{Module: "grouptest", FS: fstest.MapFS{
	"001_rows.sql": {Data: []byte(`CREATE TABLE rows (tenant_id TEXT NOT NULL, id BIGINT NOT NULL, PRIMARY KEY (tenant_id, id));`)},
}}

func insert(id int) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO rows (tenant_id, id) VALUES ('9999', $1)`, id)
		return err
	}
}

func count(t testing.TB, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM rows`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGroupTx(t *testing.T) {
	dbtest.Each(t, []db.Schema{groupSchema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("this caller fails")
		var wg sync.WaitGroup
		errsByID := make([]error, 300)
		for i := range 300 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fn := insert(i)
				switch {
				case i%50 == 7: // fails after writing: its row must vanish
					fn = func(tx *sql.Tx) error {
						if err := insert(i)(tx); err != nil {
							return err
						}
						return boom
					}
				case i%50 == 8: // panics after writing
					fn = func(tx *sql.Tx) error {
						insert(i)(tx)
						panic("bug")
					}
				case i%50 == 9: // a constraint violation: inserts row 0 again
					fn = func(tx *sql.Tx) error {
						insert(10_000 + i)(tx)
						_, err := tx.Exec(`INSERT INTO rows (tenant_id, id) VALUES ('9999', 1), ('9999', 1)`)
						return err
					}
				}
				errsByID[i] = d.GroupTx(ctx, fn)
			}()
		}
		wg.Wait()
		want := 0
		for i, err := range errsByID {
			switch i % 50 {
			case 7:
				if !errors.Is(err, boom) {
					t.Errorf("caller %d: %v, want its own error", i, err)
				}
			case 8, 9:
				if err == nil {
					t.Errorf("caller %d: no error", i)
				}
			default:
				if err != nil {
					t.Errorf("caller %d: %v", i, err)
				}
				want++
			}
		}
		if got := count(t, d); got != want {
			t.Errorf("%d rows, want %d: a failed caller's writes stayed, or a good caller's were lost", got, want)
		}
	})
}

func TestGroupTxCancelled(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, groupSchema)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.GroupTx(ctx, insert(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if count(t, d) != 0 {
		t.Error("a cancelled caller's write was committed")
	}
}

// benchmarkWriters inserts one row per operation from 64 concurrent
// writers, through Tx or GroupTx, on SQLite with synchronous=FULL.
func benchmarkWriters(b *testing.B, group bool) {
	d := dbtest.SQLite(b, dbtest.Options{}, groupSchema)
	var next atomic.Int64
	b.SetParallelism(32) // 64 goroutines on 2 CPUs
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fn := insert(int(next.Add(1)))
			var err error
			if group {
				err = d.GroupTx(context.Background(), fn)
			} else {
				err = d.Tx(context.Background(), fn)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if n := count(b, d); n != int(next.Load()) {
		b.Fatalf("%d rows for %d writes", n, next.Load())
	}
}

func BenchmarkWritersTx(b *testing.B)      { benchmarkWriters(b, false) }
func BenchmarkWritersGroupTx(b *testing.B) { benchmarkWriters(b, true) }
