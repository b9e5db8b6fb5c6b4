package outbox

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/torg-ekommune/torg/internal/db"
)

// Dispatcher delivers due events to webhooks. Run one per node.
type Dispatcher struct {
	db     *db.DB
	log    *slog.Logger
	client *http.Client
	opts   DispatchOptions
}

// DispatchOptions tune a Dispatcher. Zero values take the defaults.
type DispatchOptions struct {
	// Source is the base of the CloudEvents source attribute: the public
	// URL, e.g. "https://torg.example.no"; the source of an event is
	// Source + "/k/" + kommunenummer.
	Source string
	// Poll is how often to look for due deliveries (default 1 s).
	Poll time.Duration
	// Batch is how many deliveries one round claims (default 32).
	Batch int
	// Parallel is how many deliveries run at once (default 8).
	Parallel int
	// LeaseTime is how long a claim lasts (default 1 min); it must exceed
	// Timeout.
	LeaseTime time.Duration
	// Timeout limits one HTTP delivery (default 10 s).
	Timeout time.Duration
	// MaxBackoff caps the wait between retries (default 6 h). Retries never
	// stop: an event waits for its receiver for as long as it takes.
	MaxBackoff time.Duration
	// Client sends the requests; a client with Timeout when nil.
	Client *http.Client
}

// NewDispatcher returns a Dispatcher for d.
func NewDispatcher(d *db.DB, log *slog.Logger, o DispatchOptions) *Dispatcher {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 32
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.LeaseTime <= o.Timeout {
		o.LeaseTime = max(time.Minute, 2*o.Timeout)
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 6 * time.Hour
	}
	c := o.Client
	if c == nil {
		c = &http.Client{Timeout: o.Timeout}
	}
	return &Dispatcher{db: d, log: log, client: c, opts: o}
}

// Run delivers due events until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTicker(d.opts.Poll)
	defer t.Stop()
	for {
		n, err := d.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox: dispatch round", "err", err)
		}
		if n == d.opts.Batch {
			continue // more may be due right away
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// claimed is one delivery this node holds the lease on.
type claimed struct {
	tenant, eventID, webhookID string
	attempts                   int64
	lease                      time.Time // claimed_until as this node set it
}

// DeliverDue claims up to Batch due deliveries, sends them and records the
// outcome. It returns how many it claimed.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	now := d.db.Now()
	var batch []claimed
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		// The conditions stand in the outer WHERE too: PostgreSQL re-checks
		// them under the row lock, so a delivery another node claimed a
		// moment ago is skipped rather than claimed twice.
		rows, err := tx.QueryContext(ctx, `
			UPDATE outbox_deliveries SET claimed_until = $1
			WHERE delivered_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			  AND (tenant_id, event_id, webhook_id) IN (
			    SELECT tenant_id, event_id, webhook_id FROM outbox_deliveries
			    WHERE delivered_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			    ORDER BY next_attempt LIMIT $3)
			RETURNING tenant_id, event_id, webhook_id, attempts`,
			now.Add(d.opts.LeaseTime), now, d.opts.Batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		lease := now.Add(d.opts.LeaseTime)
		for rows.Next() {
			c := claimed{lease: lease}
			if err := rows.Scan(&c.tenant, &c.eventID, &c.webhookID, &c.attempts); err != nil {
				return err
			}
			batch = append(batch, c)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: claim: %w", err)
	}
	sem := make(chan struct{}, d.opts.Parallel)
	var wg sync.WaitGroup
	for _, c := range batch {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.deliver(ctx, c)
		}()
	}
	wg.Wait()
	return len(batch), nil
}

// cloudEvent is the CloudEvents 1.0 structured JSON form of an event.
type cloudEvent struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Subject         string          `json:"subject,omitempty"`
	Time            string          `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
}

func (d *Dispatcher) deliver(ctx context.Context, c claimed) {
	var (
		e               Event
		data            string
		hookURL, secret string
		active          bool
	)
	err := d.db.QueryRowContext(ctx, `
		SELECT e.type, e.subject, e.data, e.created_at, w.url, w.secret, w.active
		FROM outbox_events e JOIN outbox_webhooks w ON w.tenant_id = e.tenant_id AND w.id = $3
		WHERE e.tenant_id = $1 AND e.id = $2`, c.tenant, c.eventID, c.webhookID).
		Scan(&e.Type, &e.Subject, &data, &e.Time, &hookURL, &secret, &active)
	if err != nil {
		d.record(ctx, c, fmt.Errorf("load event: %w", err))
		return
	}
	if !active {
		d.record(ctx, c, fmt.Errorf("webhook is switched off"))
		return
	}
	body, _ := json.Marshal(cloudEvent{
		SpecVersion: "1.0", ID: c.eventID, Source: d.opts.Source + "/k/" + c.tenant, Type: e.Type, Subject: e.Subject,
		Time: e.Time.UTC().Format(time.RFC3339Nano), DataContentType: "application/json", Data: json.RawMessage(data),
	})
	rctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, hookURL, bytes.NewReader(body))
	if err != nil {
		d.record(ctx, c, err)
		return
	}
	req.Header.Set("Content-Type", "application/cloudevents+json; charset=utf-8")
	req.Header.Set("Torg-Signature", Sign(secret, d.db.Now(), body))
	req.Header.Set("User-Agent", "Torg-Webhooks/1")
	resp, err := d.client.Do(req)
	if err != nil {
		d.record(ctx, c, err)
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		d.record(ctx, c, fmt.Errorf("receiver answered %s", resp.Status))
		return
	}
	d.record(ctx, c, nil)
}

// record stores the outcome of one delivery and releases the lease.
func (d *Dispatcher) record(ctx context.Context, c claimed, failure error) {
	now := d.db.Now()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		if failure == nil {
			// A delivered event is delivered, whoever holds the lease now.
			_, err := tx.ExecContext(ctx, `UPDATE outbox_deliveries SET delivered_at = $1, attempts = attempts + 1, claimed_until = NULL, last_error = ''
				WHERE tenant_id = $2 AND event_id = $3 AND webhook_id = $4`, now, c.tenant, c.eventID, c.webhookID)
			return err
		}
		msg := failure.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		// A failure is recorded only while this node still holds the lease:
		// after it ran out, another node owns the delivery.
		_, err := tx.ExecContext(ctx, `UPDATE outbox_deliveries SET attempts = attempts + 1, next_attempt = $1, claimed_until = NULL, last_error = $2
			WHERE tenant_id = $3 AND event_id = $4 AND webhook_id = $5 AND claimed_until = $6 AND delivered_at IS NULL`,
			now.Add(d.backoff(c.attempts+1)), msg, c.tenant, c.eventID, c.webhookID, c.lease)
		return err
	})
	if err != nil {
		// The lease runs out and another round retries: nothing is lost.
		d.log.Error("outbox: record delivery", "event", c.eventID, "err", err)
	}
	if failure != nil {
		d.log.Warn("outbox: delivery failed; will retry", "tenant", c.tenant, "event", c.eventID, "webhook", c.webhookID, "attempt", c.attempts+1, "err", failure)
	}
}

// backoff is the wait after the n-th failed attempt: 5 s doubling, capped
// at MaxBackoff, with up to 20 % jitter so receivers coming back are not
// hit by every node at once.
func (d *Dispatcher) backoff(n int64) time.Duration {
	b := 5 * time.Second
	for i := int64(1); i < n && b < d.opts.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.opts.MaxBackoff)
	return b + time.Duration(rand.Int64N(int64(b)/5+1))
}

// Delivery is the state of one event's delivery to one webhook.
type Delivery struct {
	EventID, WebhookID, Type, LastError string
	Attempts                            int64
	NextAttempt                         time.Time
	DeliveredAt                         *time.Time
}

// Deliveries lists a municipality's deliveries, newest events first, for
// the operator's view and tests.
func (o *Outbox) Deliveries(ctx context.Context, tenant string, limit int) ([]Delivery, error) {
	rows, err := o.db.QueryContext(ctx, `
		SELECT d.event_id, d.webhook_id, e.type, d.last_error, d.attempts, d.next_attempt, d.delivered_at
		FROM outbox_deliveries d JOIN outbox_events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
		WHERE d.tenant_id = $1 ORDER BY e.created_at DESC, d.event_id LIMIT $2`, tenant, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var x Delivery
		var delivered sql.NullTime
		if err := rows.Scan(&x.EventID, &x.WebhookID, &x.Type, &x.LastError, &x.Attempts, &x.NextAttempt, &delivered); err != nil {
			return nil, err
		}
		if delivered.Valid {
			t := delivered.Time
			x.DeliveredAt = &t
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
