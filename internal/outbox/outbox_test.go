package outbox_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/outbox"
)

var schemas = []db.Schema{audit.Schema, outbox.Schema}

func newClock() *dbtest.Clock { return dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)) }
func quiet() *slog.Logger     { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func actor() audit.Entry      { return audit.Entry{ActorID: "test", Role: "system"} }

// each runs fn on a fresh SQLite database and, when TORG_TEST_POSTGRES is
// set, a fresh PostgreSQL database, both on the test clock.
func each(t *testing.T, fn func(t *testing.T, d *db.DB, c *dbtest.Clock)) {
	t.Run("sqlite", func(t *testing.T) {
		c := newClock()
		fn(t, dbtest.SQLite(t, dbtest.Options{Now: c.Now}, schemas...), c)
	})
	t.Run("postgres", func(t *testing.T) {
		c := newClock()
		fn(t, dbtest.Postgres(t, dbtest.Options{Now: c.Now}, schemas...), c)
	})
}

// receiver is a webhook endpoint that checks signatures and fails the first
// failFirst requests.
type receiver struct {
	srv       *httptest.Server
	secret    string
	clock     *dbtest.Clock
	failFirst int32
	mu        sync.Mutex
	calls     int32
	byID      map[string]int
	events    []map[string]any
	badSig    int32
}

func newReceiver(t *testing.T, c *dbtest.Clock, failFirst int32) *receiver {
	r := &receiver{secret: "s3cret", clock: c, failFirst: failFirst, byID: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls++
		if !outbox.VerifySignature(r.secret, req.Header.Get("Torg-Signature"), body, r.clock.Now(), 5*time.Minute) {
			r.badSig++
			http.Error(w, "bad signature", 401)
			return
		}
		if r.calls <= r.failFirst {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		var ev map[string]any
		json.Unmarshal(body, &ev)
		r.events = append(r.events, ev)
		r.byID[ev["id"].(string)]++
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func enqueue(t *testing.T, d *db.DB, o *outbox.Outbox, typ string) outbox.Event {
	t.Helper()
	var e outbox.Event
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		e, err = o.Enqueue(context.Background(), tx, outbox.Event{Tenant: "9999", Type: typ, Subject: "submission/2026/00001", Data: json.RawMessage(`{"reference":"2026/00001"}`)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRetriesUntilAcknowledged(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		o := outbox.New(d, audit.New(d))
		r := newReceiver(t, c, 2)
		if _, err := o.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: r.srv.URL, Secret: r.secret}, actor()); err != nil {
			t.Fatal(err)
		}
		e := enqueue(t, d, o, "no.torg.forms.submission.created")
		disp := outbox.NewDispatcher(d, quiet(), outbox.DispatchOptions{Source: "https://torg.example.no"})
		for i := 0; i < 3; i++ {
			if n, err := disp.DeliverDue(ctx); err != nil || n != 1 {
				t.Fatalf("round %d: claimed %d, %v", i, n, err)
			}
			if n, _ := disp.DeliverDue(ctx); n != 0 {
				t.Fatalf("round %d: a failed delivery was retried before its backoff", i)
			}
			c.Add(7 * time.Hour) // past any backoff
		}
		if n, _ := disp.DeliverDue(ctx); n != 0 {
			t.Fatal("a delivered event was claimed again")
		}
		if r.calls != 3 || r.byID[e.ID] != 1 || r.badSig != 0 {
			t.Fatalf("calls %d, deliveries of the event %d, bad signatures %d", r.calls, r.byID[e.ID], r.badSig)
		}
		ev := r.events[0]
		for k, want := range map[string]string{"specversion": "1.0", "id": e.ID, "source": "https://torg.example.no/k/9999",
			"type": "no.torg.forms.submission.created", "subject": "submission/2026/00001", "datacontenttype": "application/json"} {
			if ev[k] != want {
				t.Errorf("cloudevent %s = %v, want %q", k, ev[k], want)
			}
		}
		if data, _ := ev["data"].(map[string]any); data["reference"] != "2026/00001" {
			t.Errorf("data = %v", ev["data"])
		}
		ds, err := o.Deliveries(ctx, "9999", 10)
		if err != nil || len(ds) != 1 || ds[0].Attempts != 3 || ds[0].DeliveredAt == nil {
			t.Fatalf("deliveries = %+v, %v", ds, err)
		}
	})
}

func TestReceiverDown(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		o := outbox.New(d, audit.New(d))
		r := newReceiver(t, c, 0)
		url := r.srv.URL
		r.srv.Close() // nobody answers
		if _, err := o.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: url}, actor()); err != nil {
			t.Fatal(err)
		}
		enqueue(t, d, o, "no.torg.forms.submission.created")
		disp := outbox.NewDispatcher(d, quiet(), outbox.DispatchOptions{Timeout: 2 * time.Second})
		disp.DeliverDue(ctx)
		ds, _ := o.Deliveries(ctx, "9999", 10)
		if len(ds) != 1 || ds[0].DeliveredAt != nil || ds[0].LastError == "" || !ds[0].NextAttempt.After(c.Now()) {
			t.Fatalf("after a refused connection: %+v", ds)
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		o := outbox.New(d, audit.New(d))
		r := newReceiver(t, c, 0)
		o.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: r.srv.URL, Secret: r.secret}, actor())
		boom := errors.New("the change failed")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := o.Enqueue(ctx, tx, outbox.Event{Tenant: "9999", Type: "no.torg.forms.submission.created"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n, _ := outbox.NewDispatcher(d, quiet(), outbox.DispatchOptions{}).DeliverDue(ctx); n != 0 || r.calls != 0 {
			t.Errorf("an event of a rolled-back change was delivered")
		}
	})
}

func TestTypeFilter(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		o := outbox.New(d, audit.New(d))
		forms := newReceiver(t, c, 0)
		all := newReceiver(t, c, 0)
		o.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: forms.srv.URL, Secret: forms.secret, EventTypes: []string{"no.torg.forms."}}, actor())
		o.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: all.srv.URL, Secret: all.secret}, actor())
		enqueue(t, d, o, "no.torg.forms.submission.created")
		enqueue(t, d, o, "no.torg.cases.case.opened")
		outbox.NewDispatcher(d, quiet(), outbox.DispatchOptions{}).DeliverDue(ctx)
		if len(forms.events) != 1 || len(all.events) != 2 {
			t.Errorf("forms receiver got %d, catch-all got %d", len(forms.events), len(all.events))
		}
	})
}

// TestConcurrentDispatchers runs two dispatchers (two nodes) over the same
// 200 events: each is delivered exactly once.
func TestConcurrentDispatchers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		ctx := context.Background()
		o := outbox.New(d, audit.New(d))
		r := newReceiver(t, c, 0)
		o.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: r.srv.URL, Secret: r.secret}, actor())
		for range 200 {
			enqueue(t, d, o, "no.torg.forms.submission.created")
		}
		var wg sync.WaitGroup
		for range 2 {
			disp := outbox.NewDispatcher(d, quiet(), outbox.DispatchOptions{Batch: 7})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := disp.DeliverDue(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(r.byID) != 200 {
			t.Fatalf("%d distinct events delivered, want 200", len(r.byID))
		}
		for id, n := range r.byID {
			if n != 1 {
				t.Errorf("event %s delivered %d times", id, n)
			}
		}
	})
}

func TestAddWebhookValidation(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, schemas...)
	o := outbox.New(d, audit.New(d))
	for _, w := range []outbox.Webhook{
		{Tenant: "9999", URL: "http://domain.example.no/hook"},
		{Tenant: "9999", URL: "ftp://x"},
		{Tenant: "9999", URL: "not a url"},
		{Tenant: "9999", URL: "https://x.no", EventTypes: []string{"forms."}},
	} {
		if _, err := o.AddWebhook(context.Background(), w, actor()); !errs.Is(errs.Invalid, err) {
			t.Errorf("AddWebhook(%+v) = %v, want Invalid", w, err)
		}
	}
}

func TestSignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"1"}`)
	h := outbox.Sign("k", now, body)
	tests := []struct {
		name        string
		secret, hdr string
		body        []byte
		at          time.Time
		want        bool
	}{
		{"good", "k", h, body, now, true},
		{"other secret", "x", h, body, now, false},
		{"changed body", "k", h, []byte(`{"id":"2"}`), now, false},
		{"replayed later", "k", h, body, now.Add(10 * time.Minute), false},
		{"garbage", "k", "t=abc,v1=zz", body, now, false},
		{"empty", "k", "", body, now, false},
	}
	for _, tt := range tests {
		if got := outbox.VerifySignature(tt.secret, tt.hdr, tt.body, tt.at, 5*time.Minute); got != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}
