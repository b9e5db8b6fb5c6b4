package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Handler handles one event for an in-process subscriber, inside tx: what
// it writes commits together with the mark that the event is handled, so
// it happens exactly once. An error (or a panic) rolls it back and the
// event is tried again later, with backoff.
type Handler func(ctx context.Context, tx *sql.Tx, e Event) error

// subscriber is a module of Torg that wants events.
type subscriber struct {
	name  string
	types []string // type prefixes
	fn    Handler
}

// subscribers is the registry, filled before the server starts.
type subscribers struct {
	mu   sync.RWMutex
	list []subscriber
}

// Subscribe registers an in-process subscriber: every event enqueued from
// now on whose type starts with one of types is handed to fn by
// RunSubscribers. The name identifies the subscriber's work in the
// database, so it must stay the same across versions. Every node of a
// deployment must subscribe the same handlers before serving.
func (o *Outbox) Subscribe(name string, types []string, fn Handler) {
	o.subs.mu.Lock()
	defer o.subs.mu.Unlock()
	o.subs.list = append(o.subs.list, subscriber{name: name, types: types, fn: fn})
}

func (o *Outbox) subscriber(name string) (subscriber, bool) {
	o.subs.mu.RLock()
	defer o.subs.mu.RUnlock()
	for _, s := range o.subs.list {
		if s.name == name {
			return s, true
		}
	}
	return subscriber{}, false
}

// enqueueSubscribers writes the subscribers' work for e inside tx.
func (o *Outbox) enqueueSubscribers(ctx context.Context, tx *sql.Tx, e Event) error {
	o.subs.mu.RLock()
	defer o.subs.mu.RUnlock()
	for _, s := range o.subs.list {
		if !wants(strings.Join(s.types, " "), e.Type) {
			continue
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO outbox_subscriptions (tenant_id, event_id, subscriber, attempts, next_attempt, last_error) VALUES ($1, $2, $3, 0, $4, '')`,
			e.Tenant, e.ID, s.name, e.Time); err != nil {
			return err
		}
	}
	return nil
}

// SubscriberOptions tune RunSubscribers.
type SubscriberOptions struct {
	Poll       time.Duration // how often to look for work when idle (default 200 ms)
	Batch      int           // how many events to claim at a time (default 32)
	LeaseTime  time.Duration // how long a claim lasts (default 1 min)
	MaxBackoff time.Duration // cap on the wait between retries (default 1 h)
}

// RunSubscribers hands due events to the subscribers until ctx ends. Any
// number of nodes may run it: work is claimed with a lease, and a handler's
// changes only commit while its node still holds the lease.
func (o *Outbox) RunSubscribers(ctx context.Context, log *slog.Logger, opts SubscriberOptions) {
	if opts.Poll <= 0 {
		opts.Poll = 200 * time.Millisecond
	}
	if opts.Batch <= 0 {
		opts.Batch = 32
	}
	if opts.LeaseTime <= 0 {
		opts.LeaseTime = time.Minute
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	t := time.NewTicker(opts.Poll)
	defer t.Stop()
	for {
		n, err := o.HandleDue(ctx, log, opts)
		if err != nil && ctx.Err() == nil {
			log.Error("outbox: subscribers round", "err", err)
		}
		if n == opts.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type claimedWork struct {
	tenant, eventID, subscriber string
	attempts                    int64
}

// HandleDue claims up to opts.Batch due events and runs their handlers.
// It returns how many it claimed.
func (o *Outbox) HandleDue(ctx context.Context, log *slog.Logger, opts SubscriberOptions) (int, error) {
	if opts.Batch <= 0 {
		opts.Batch = 32
	}
	if opts.LeaseTime <= 0 {
		opts.LeaseTime = time.Minute
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	now := o.db.Now()
	lease := now.Add(opts.LeaseTime)
	var batch []claimedWork
	err := o.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE outbox_subscriptions SET claimed_until = $1
			WHERE done_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			  AND (tenant_id, event_id, subscriber) IN (
			    SELECT tenant_id, event_id, subscriber FROM outbox_subscriptions
			    WHERE done_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			    ORDER BY next_attempt LIMIT $3)
			RETURNING tenant_id, event_id, subscriber, attempts`, lease, now, opts.Batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c claimedWork
			if err := rows.Scan(&c.tenant, &c.eventID, &c.subscriber, &c.attempts); err != nil {
				return err
			}
			batch = append(batch, c)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("outbox: claim subscriber work: %w", err)
	}
	// In the order the events happened, one at a time: a subscriber's
	// handlers may depend on each other's effects.
	for _, c := range batch {
		if err := o.handle(ctx, c, lease); err != nil {
			if ctx.Err() != nil {
				return len(batch), ctx.Err()
			}
			log.Warn("outbox: subscriber failed; will retry", "subscriber", c.subscriber, "tenant", c.tenant, "event", c.eventID, "attempt", c.attempts+1, "err", err)
			o.recordFailure(ctx, c, lease, err, opts.MaxBackoff)
		}
	}
	return len(batch), nil
}

// errLeaseLost rolls back a handler whose node no longer holds the work.
var errLeaseLost = errors.New("outbox: the lease on this work ran out; another node has it")

func (o *Outbox) handle(ctx context.Context, c claimedWork, lease time.Time) error {
	s, ok := o.subscriber(c.subscriber)
	if !ok {
		return fmt.Errorf("no subscriber %q in this process", c.subscriber)
	}
	return o.db.Tx(ctx, func(tx *sql.Tx) error {
		var e Event
		var data string
		err := tx.QueryRowContext(ctx, `SELECT type, subject, data, created_at FROM outbox_events WHERE tenant_id = $1 AND id = $2`, c.tenant, c.eventID).
			Scan(&e.Type, &e.Subject, &data, &e.Time)
		if err != nil {
			return fmt.Errorf("event %s: %w", c.eventID, err)
		}
		e.Tenant, e.ID, e.Data = c.tenant, c.eventID, json.RawMessage(data)
		if err := safely(ctx, s.fn, tx, e); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox_subscriptions SET done_at = $1, attempts = attempts + 1, last_error = ''
			WHERE tenant_id = $2 AND event_id = $3 AND subscriber = $4 AND claimed_until = $5 AND done_at IS NULL`,
			o.db.Now(), c.tenant, c.eventID, c.subscriber, lease)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLeaseLost
		}
		return nil
	})
}

func safely(ctx context.Context, fn Handler, tx *sql.Tx, e Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in subscriber: %v", p)
		}
	}()
	return fn(ctx, tx, e)
}

func (o *Outbox) recordFailure(ctx context.Context, c claimedWork, lease time.Time, failure error, maxBackoff time.Duration) {
	wait := time.Second << min(c.attempts, 20)
	if wait > maxBackoff {
		wait = maxBackoff
	}
	msg := failure.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	o.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox_subscriptions SET attempts = attempts + 1, next_attempt = $1, claimed_until = NULL, last_error = $2
			WHERE tenant_id = $3 AND event_id = $4 AND subscriber = $5 AND claimed_until = $6 AND done_at IS NULL`,
			o.db.Now().Add(wait), msg, c.tenant, c.eventID, c.subscriber, lease)
		return err
	})
}

// SubscriberWork is the state of one event's work for one subscriber, for
// tests and the operator.
type SubscriberWork struct {
	EventID, Subscriber string
	Attempts            int64
	Done                bool
	LastError           string
}

// Work lists a municipality's subscriber work, oldest first.
func (o *Outbox) Work(ctx context.Context, tenant string, limit int) ([]SubscriberWork, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT event_id, subscriber, attempts, done_at IS NOT NULL, last_error FROM outbox_subscriptions
		WHERE tenant_id = $1 ORDER BY next_attempt LIMIT $2`, tenant, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SubscriberWork
	for rows.Next() {
		var w SubscriberWork
		if err := rows.Scan(&w.EventID, &w.Subscriber, &w.Attempts, &w.Done, &w.LastError); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
