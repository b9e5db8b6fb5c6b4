package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/outbox"
)

// TestSubscriberExactlyOnce has a subscriber write a row per event, failing
// and panicking on the way: every event's row exists exactly once in the
// end, the failures are retried with backoff, and an event enqueued in a
// transaction that rolls back gives no work.
func TestSubscriberExactlyOnce(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE TABLE handled (tenant_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (tenant_id, event_id))`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		o := outbox.New(d, nil)
		var calls atomic.Int32
		o.Subscribe("test", []string{"no.torg.forms."}, func(ctx context.Context, tx *sql.Tx, e outbox.Event) error {
			switch calls.Add(1) {
			case 1:
				return errors.New("not now")
			case 2:
				panic("boom")
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO handled (tenant_id, event_id) VALUES ($1, $2)`, e.Tenant, e.ID)
			return err
		})
		enqueue(t, d, o, "no.torg.forms.submission.created")
		enqueue(t, d, o, "no.torg.other.thing") // not wanted
		d.Tx(ctx, func(tx *sql.Tx) error {
			o.Enqueue(ctx, tx, outbox.Event{Tenant: "9999", Type: "no.torg.forms.submission.created"})
			return errors.New("roll back")
		})
		log := quiet()
		opts := outbox.SubscriberOptions{}
		for range 10 {
			if _, err := o.HandleDue(ctx, log, opts); err != nil {
				t.Fatal(err)
			}
			c.Add(time.Minute)
		}
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM handled`).Scan(&n)
		work, err := o.Work(ctx, "9999", 10)
		if err != nil || n != 1 || len(work) != 1 || !work[0].Done || work[0].Attempts != 3 {
			t.Fatalf("handled rows %d, work %+v, %v, calls %d", n, work, err, calls.Load())
		}
	})
}

// TestSubscribersOnTwoNodes runs two nodes' subscriber loops on the same
// database at once: each of 100 events is handled exactly once.
func TestSubscribersOnTwoNodes(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE TABLE handled (tenant_id TEXT NOT NULL, event_id TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (tenant_id, event_id))`)
			return err
		})
		nodes := []*outbox.Outbox{outbox.New(d, nil), outbox.New(d, nil)}
		for i, o := range nodes {
			node := string(rune('a' + i))
			o.Subscribe("cases", []string{"no.torg.forms."}, func(ctx context.Context, tx *sql.Tx, e outbox.Event) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO handled (tenant_id, event_id, node) VALUES ($1, $2, $3)`, e.Tenant, e.ID, node)
				return err
			})
		}
		for range 100 {
			enqueue(t, d, nodes[0], "no.torg.forms.submission.created")
		}
		var wg sync.WaitGroup
		for _, o := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					if _, err := o.HandleDue(ctx, quiet(), outbox.SubscriberOptions{Batch: 8}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM handled`).Scan(&n)
		if n != 100 {
			t.Errorf("%d of 100 events handled", n)
		}
	})
}
