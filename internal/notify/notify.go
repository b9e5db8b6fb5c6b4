// Package notify sends e-mail to citizens and staff. A module queues a mail
// in the same transaction as the change it tells about (Queue.Enqueue); a
// Sender delivers queued mail over SMTP, retrying with backoff when the
// server is unavailable. It owns the table notify_mail.
package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Schema is the notify module's migrations.
var Schema = db.EmbeddedSchema("notify", migrationFS, "migrations")

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Mail is a plain-text e-mail to one person.
type Mail struct {
	Tenant  string
	To      string // one address
	Subject string // one line
	Body    string // plain text, UTF-8
}

// Queue stores mail to be sent.
type Queue struct{ db *db.DB }

// NewQueue returns a Queue on d.
func NewQueue(d *db.DB) *Queue { return &Queue{db: d} }

// Enqueue stores m inside the caller's transaction and returns its id.
// Errors: Invalid when the address is not a single valid address or the
// subject has line breaks (header injection).
func (q *Queue) Enqueue(ctx context.Context, tx *sql.Tx, m Mail) (string, error) {
	const op = errs.Op("notify.Enqueue")
	a, err := mail.ParseAddress(m.To)
	if err != nil || a.Address != strings.TrimSpace(m.To) || len(m.To) > 254 {
		return "", errs.E(op, errs.Invalid, errs.Key("notify.error.address"), map[string]string{"email": "notify.error.address"}, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") || m.Subject == "" || len(m.Subject) > 250 {
		return "", errs.E(op, errs.Invalid, errs.Key("notify.error.subject"))
	}
	id := newID()
	now := q.db.Now()
	_, err = tx.ExecContext(ctx,
		`INSERT INTO notify_mail (tenant_id, id, recipient, subject, body, attempts, next_attempt, last_error, created_at)
		 VALUES ($1, $2, $3, $4, $5, 0, $6, '', $6)`, m.Tenant, id, a.Address, m.Subject, m.Body, now)
	if err != nil {
		return "", errs.E(op, err)
	}
	return id, nil
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SMTPConfig says where and as whom mail is sent.
type SMTPConfig struct {
	Addr     string // host:port of the SMTP server
	From     string // envelope and header sender, e.g. "Torg <noreply@torg.example.no>"
	Username string // for SMTP AUTH PLAIN (only over TLS, or to localhost)
	Password string
}

// Sender delivers queued mail.
type Sender struct {
	db   *db.DB
	cfg  SMTPConfig
	log  *slog.Logger
	poll time.Duration
}

// NewSender returns a Sender that delivers through cfg.
func NewSender(d *db.DB, cfg SMTPConfig, log *slog.Logger) *Sender {
	return &Sender{db: d, cfg: cfg, log: log, poll: 2 * time.Second}
}

// Run sends due mail until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.poll)
	defer t.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("notify: send round", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type queued struct {
	tenant, id, to, subject, body string
	attempts                      int64
}

// SendDue claims due mail (with a lease, as the outbox does, so several
// nodes never send one mail at once), sends it and records the outcome. It
// returns how many it tried.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	now := s.db.Now()
	var batch []queued
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE notify_mail SET claimed_until = $1
			WHERE sent_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			  AND (tenant_id, id) IN (
			    SELECT tenant_id, id FROM notify_mail
			    WHERE sent_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			    ORDER BY next_attempt LIMIT 20)
			RETURNING tenant_id, id, recipient, subject, body, attempts`, now.Add(2*time.Minute), now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m queued
			if err := rows.Scan(&m.tenant, &m.id, &m.to, &m.subject, &m.body, &m.attempts); err != nil {
				return err
			}
			batch = append(batch, m)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("notify: claim: %w", err)
	}
	for _, m := range batch {
		err := s.send(m)
		s.record(ctx, m, err)
	}
	return len(batch), nil
}

func (s *Sender) send(m queued) error {
	from, err := mail.ParseAddress(s.cfg.From)
	if err != nil {
		return fmt.Errorf("sender address %q: %w", s.cfg.From, err)
	}
	msg, err := compose(from, m.to, m.subject, m.body, s.db.Now(), m.id)
	if err != nil {
		return err
	}
	var auth smtp.Auth
	if s.cfg.Username != "" {
		host, _, _ := strings.Cut(s.cfg.Addr, ":")
		auth = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)
	}
	return smtp.SendMail(s.cfg.Addr, auth, from.Address, []string{m.to}, msg)
}

// compose writes an RFC 5322 message: UTF-8 text in quoted-printable,
// the subject RFC 2047-encoded.
func compose(from *mail.Address, to, subject, body string, now time.Time, id string) ([]byte, error) {
	var b bytes.Buffer
	domain := "torg.invalid"
	if _, d, ok := strings.Cut(from.Address, "@"); ok {
		domain = d
	}
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", (&mail.Address{Address: to}).String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", id, domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Sender) record(ctx context.Context, m queued, failure error) {
	now := s.db.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if failure == nil {
			_, err := tx.ExecContext(ctx, `UPDATE notify_mail SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL, last_error = '' WHERE tenant_id = $2 AND id = $3`,
				now, m.tenant, m.id)
			return err
		}
		wait := time.Duration(1<<min(m.attempts, 10)) * 30 * time.Second // 30 s doubling, at most about 8.5 h
		msg := failure.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		_, err := tx.ExecContext(ctx, `UPDATE notify_mail SET attempts = attempts + 1, next_attempt = $1, claimed_until = NULL, last_error = $2 WHERE tenant_id = $3 AND id = $4`,
			now.Add(wait), msg, m.tenant, m.id)
		return err
	})
	if err != nil {
		s.log.Error("notify: record", "mail", m.id, "err", err)
	}
	if failure != nil {
		// The address is personal data: log the mail's id, not its recipient.
		s.log.Warn("notify: sending failed; will retry", "tenant", m.tenant, "mail", m.id, "attempt", m.attempts+1, "err", failure)
	}
}

// Status is the state of one queued mail.
type Status struct {
	Attempts  int64
	SentAt    sql.NullTime
	LastError string
}

// Status returns the state of mail id, for tests and the operator.
func (q *Queue) Status(ctx context.Context, tenant, id string) (Status, error) {
	var st Status
	err := q.db.QueryRowContext(ctx, `SELECT attempts, sent_at, last_error FROM notify_mail WHERE tenant_id = $1 AND id = $2`, tenant, id).
		Scan(&st.Attempts, &st.SentAt, &st.LastError)
	return st, err
}
