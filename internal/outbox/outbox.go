// Package outbox carries events out of Torg without losing any: a module
// writes an event in the same transaction as the change it describes
// (Enqueue), and a dispatcher delivers it to every webhook of the
// municipality that wants its type, as a CloudEvents 1.0 JSON document
// signed with HMAC-SHA256, retrying with backoff until the receiver answers
// 2xx. A receiver that is down for a week gets every event when it comes
// back. Other modules of Torg take events too (Subscribe, RunSubscribers):
// their handler runs in a transaction together with the mark that the event
// is handled, so its effect happens exactly once. It owns the tables
// outbox_events, outbox_webhooks, outbox_deliveries and
// outbox_subscriptions.
//
// # Signature
//
// Each delivery carries the header
//
//	Torg-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// A receiver recomputes the HMAC over the timestamp, a full stop and the
// exact body bytes with the webhook's secret, compares in constant time, and
// should refuse timestamps more than five minutes old (replays). The
// CloudEvents id is the event's id; a receiver that may get an event twice
// (after a timeout, say) deduplicates on it.
//
// # Several nodes
//
// Deliveries are claimed with a lease (claimed_until) by one UPDATE whose
// WHERE clause is re-checked under the row lock on PostgreSQL, so two
// nodes never work on the same delivery at once; on SQLite there is one
// writer. A node that dies mid-delivery loses its lease after LeaseTime and
// another node retries: delivery is at least once, never lost.
package outbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Schema is the outbox module's migrations.
var Schema = db.EmbeddedSchema("outbox", migrationFS, "migrations")

// TypePrefix starts every event type Torg emits, in reverse-DNS style as
// CloudEvents recommends, e.g. "no.torg.forms.submission.created".
const TypePrefix = "no.torg."

// Event is something that happened in a municipality.
type Event struct {
	Tenant  string          // kommunenummer
	ID      string          // set by Enqueue: a random UUID
	Type    string          // e.g. "no.torg.forms.submission.created"
	Subject string          // what it is about, e.g. "submission/2026/01234"
	Data    json.RawMessage // the payload, JSON
	Time    time.Time       // set by Enqueue
}

// Outbox stores events and webhooks.
type Outbox struct {
	db    *db.DB
	audit *audit.Log
	subs  subscribers
}

// New returns an Outbox on d.
func New(d *db.DB, log *audit.Log) *Outbox { return &Outbox{db: d, audit: log} }

// NewID returns a random UUID (version 4).
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Enqueue writes e inside the caller's transaction, with a delivery for
// every active webhook of the municipality that wants its type and work
// for every in-process subscriber that wants it (Subscribe), so the event
// exists if and only if the change commits. Errors: Invalid for an
// event without tenant or type, or with data that is not JSON.
func (o *Outbox) Enqueue(ctx context.Context, tx *sql.Tx, e Event) (Event, error) {
	const op = errs.Op("outbox.Enqueue")
	if e.Tenant == "" || !strings.HasPrefix(e.Type, TypePrefix) {
		return e, errs.E(op, errs.Internal, fmt.Errorf("event needs a tenant and a type starting %q: %+v", TypePrefix, e))
	}
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("{}")
	}
	if !json.Valid(e.Data) {
		return e, errs.E(op, errs.Internal, fmt.Errorf("event %s: data is not JSON", e.Type))
	}
	e.ID, e.Time = NewID(), o.db.Now()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO outbox_events (tenant_id, id, type, subject, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.Tenant, e.ID, e.Type, e.Subject, string(e.Data), e.Time); err != nil {
		return e, errs.E(op, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, event_types FROM outbox_webhooks WHERE tenant_id = $1 AND active = TRUE`, e.Tenant)
	if err != nil {
		return e, errs.E(op, err)
	}
	var targets []string
	for rows.Next() {
		var id, types string
		if err := rows.Scan(&id, &types); err != nil {
			rows.Close()
			return e, errs.E(op, err)
		}
		if wants(types, e.Type) {
			targets = append(targets, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return e, errs.E(op, err)
	}
	for _, id := range targets {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO outbox_deliveries (tenant_id, event_id, webhook_id, attempts, next_attempt, last_error) VALUES ($1, $2, $3, 0, $4, '')`,
			e.Tenant, e.ID, id, e.Time); err != nil {
			return e, errs.E(op, err)
		}
	}
	if err := o.enqueueSubscribers(ctx, tx, e); err != nil {
		return e, errs.E(op, err)
	}
	return e, nil
}

// wants reports whether a webhook with the space-separated type prefixes
// types wants events of type t. No prefixes means every type.
func wants(types, t string) bool {
	fields := strings.Fields(types)
	if len(fields) == 0 {
		return true
	}
	for _, p := range fields {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// Webhook is a receiver of a municipality's events.
type Webhook struct {
	Tenant     string
	ID         string
	URL        string
	Secret     string   // shared secret for the HMAC signature; generated when empty
	EventTypes []string // type prefixes, e.g. "no.torg.forms."; empty = every event
	Active     bool
	CreatedAt  time.Time
}

// AddWebhook registers a receiver. The URL must be https, or http on a
// loopback address (tests, a receiver on the same host). It gets events
// enqueued from now on. Errors: Invalid.
func (o *Outbox) AddWebhook(ctx context.Context, w Webhook, actor audit.Entry) (Webhook, error) {
	const op = errs.Op("outbox.AddWebhook")
	u, err := url.Parse(w.URL)
	loopback := err == nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback) {
		return w, errs.E(op, errs.Invalid, errs.Key("outbox.error.url"), map[string]string{"url": "outbox.error.url"})
	}
	for _, t := range w.EventTypes {
		if !strings.HasPrefix(t, TypePrefix) || strings.ContainsAny(t, " \t") {
			return w, errs.E(op, errs.Invalid, errs.Key("outbox.error.types"), map[string]string{"event_types": "outbox.error.types"})
		}
	}
	if w.Secret == "" {
		var b [32]byte
		rand.Read(b[:])
		w.Secret = hex.EncodeToString(b[:])
	}
	w.ID, w.Active, w.CreatedAt = NewID(), true, o.db.Now()
	err = o.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO outbox_webhooks (tenant_id, id, url, secret, event_types, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			w.Tenant, w.ID, w.URL, w.Secret, strings.Join(w.EventTypes, " "), w.Active, w.CreatedAt); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = w.Tenant, "webhook.add", "webhook:"+w.ID, w.URL
		_, err := o.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return w, errs.E(op, err)
	}
	return w, nil
}

// Sign returns the Torg-Signature header value for body at time t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := fmt.Sprint(t.Unix())
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a Torg-Signature header against body, as a
// receiver does; the timestamp must be within maxAge of now.
func VerifySignature(secret, header string, body []byte, now time.Time, maxAge time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	var sec int64
	if _, err := fmt.Sscan(ts, &sec); err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxAge || d < -maxAge {
		return false
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }
