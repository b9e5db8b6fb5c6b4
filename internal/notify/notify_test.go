package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/notify/smtptest"
)

func each(t *testing.T, fn func(t *testing.T, d *db.DB, c *dbtest.Clock)) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			c := dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
			var d *db.DB
			if pg {
				d = dbtest.Postgres(t, dbtest.Options{Now: c.Now}, notify.Schema)
			} else {
				d = dbtest.SQLite(t, dbtest.Options{Now: c.Now}, notify.Schema)
			}
			fn(t, d, c)
		})
	}
}

func startSMTP(t *testing.T) *smtptest.Server {
	s, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func enqueue(t *testing.T, d *db.DB, q *notify.Queue, m notify.Mail) string {
	t.Helper()
	var id string
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		id, err = q.Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSendOverSMTP(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		srv := startSMTP(t)
		q := notify.NewQueue(d)
		id := enqueue(t, d, q, notify.Mail{Tenant: "9999", To: "kari@example.no", Subject: "Kvittering: søknad om barnehageplass",
			Body: "Hei Kari!\nVi har fått søknaden din (2026/00001). Du får svar innen 30 dager.\nMed vennlig hilsen\nDemo kommune"})
		s := notify.NewSender(d, notify.SMTPConfig{Addr: srv.Addr, From: "Demo kommune <noreply@demo.kommune.no>"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if n, err := s.SendDue(context.Background()); n != 1 || err != nil {
			t.Fatalf("SendDue = %d, %v", n, err)
		}
		msgs := srv.Wait(1, 5*time.Second)
		if len(msgs) != 1 {
			t.Fatalf("%d messages arrived", len(msgs))
		}
		m := msgs[0]
		if m.From != "noreply@demo.kommune.no" || len(m.To) != 1 || m.To[0] != "kari@example.no" || m.Mail == nil {
			t.Fatalf("envelope %s → %v", m.From, m.To)
		}
		subject, _ := new(mimeDecoder).DecodeHeader(m.Mail.Header.Get("Subject"))
		if subject != "Kvittering: søknad om barnehageplass" {
			t.Errorf("subject %q", subject)
		}
		body := decodeQP(t, m.Mail.Body)
		if !strings.Contains(body, "Vi har fått søknaden din (2026/00001)") {
			t.Errorf("body %q", body)
		}
		if st, _ := q.Status(context.Background(), "9999", id); !st.SentAt.Valid || st.Attempts != 1 {
			t.Errorf("status %+v", st)
		}
		if n, _ := s.SendDue(context.Background()); n != 0 {
			t.Error("a sent mail was sent again")
		}
	})
}

func TestRetryWhenServerRefuses(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB, c *dbtest.Clock) {
		srv := startSMTP(t)
		srv.SetFail("451 4.3.0 try again later")
		q := notify.NewQueue(d)
		id := enqueue(t, d, q, notify.Mail{Tenant: "9999", To: "ola@example.no", Subject: "Melding", Body: "x"})
		s := notify.NewSender(d, notify.SMTPConfig{Addr: srv.Addr, From: "noreply@demo.kommune.no"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		s.SendDue(context.Background())
		st, _ := q.Status(context.Background(), "9999", id)
		if st.SentAt.Valid || st.Attempts != 1 || !strings.Contains(st.LastError, "451") {
			t.Fatalf("after a refusal: %+v", st)
		}
		if n, _ := s.SendDue(context.Background()); n != 0 {
			t.Fatal("retried before the backoff")
		}
		srv.SetFail("")
		c.Add(time.Minute)
		if n, _ := s.SendDue(context.Background()); n != 1 {
			t.Fatal("not retried after the backoff")
		}
		if len(srv.Wait(1, 5*time.Second)) != 1 {
			t.Fatal("the retry did not arrive")
		}
	})
}

func TestEnqueueRefusesBadInput(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, notify.Schema)
	q := notify.NewQueue(d)
	for _, m := range []notify.Mail{
		{Tenant: "9999", To: "not an address", Subject: "x"},
		{Tenant: "9999", To: "a@b.no, c@d.no", Subject: "x"},
		{Tenant: "9999", To: "Kari <kari@example.no>", Subject: "x"},
		{Tenant: "9999", To: "kari@example.no", Subject: "x\r\nBcc: victim@example.no"},
		{Tenant: "9999", To: "kari@example.no", Subject: ""},
	} {
		err := d.Tx(context.Background(), func(tx *sql.Tx) error {
			_, err := q.Enqueue(context.Background(), tx, m)
			return err
		})
		if !errs.Is(errs.Invalid, err) {
			t.Errorf("Enqueue(%+v) = %v, want Invalid", m, err)
		}
	}
	// A mail queued in a transaction that fails is never sent.
	boom := errors.New("boom")
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := q.Enqueue(context.Background(), tx, notify.Mail{Tenant: "9999", To: "a@b.no", Subject: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	srv := startSMTP(t)
	if n, _ := notify.NewSender(d, notify.SMTPConfig{Addr: srv.Addr, From: "a@b.no"}, slog.New(slog.NewTextHandler(io.Discard, nil))).SendDue(context.Background()); n != 0 {
		t.Error("a mail of a rolled-back change was sent")
	}
}
