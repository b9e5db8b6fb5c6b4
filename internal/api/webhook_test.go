package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/outbox"
)

// TestWebhookAsDocumented has the outbox deliver a submission event and
// checks the delivery against the document's webhooks section: the
// CloudEvents envelope the dispatcher builds, the content type, and the
// signature scheme, recomputed from the description alone.
func TestWebhookAsDocumented(t *testing.T) {
	clock := dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	d := dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, audit.Schema, outbox.Schema)
	ob := outbox.New(d, audit.New(d))
	type delivery struct {
		header http.Header
		body   []byte
	}
	got := make(chan delivery, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), body}
	}))
	defer srv.Close()
	ctx := context.Background()
	hook, err := ob.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: srv.URL, EventTypes: []string{"no.torg.forms."}}, operator())
	if err != nil {
		t.Fatal(err)
	}
	// The data the document promises for the event.
	data := `{"id":"AbC","reference":"2026/00001","form_id":"kontakt","form_version":1,"created_at":"2026-11-23T12:00:00Z","href":"https://torg.example.no/k/9999/api/v1/submissions/AbC"}`
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := ob.Enqueue(ctx, tx, outbox.Event{Tenant: "9999", Type: "no.torg.forms.submission.created", Subject: "submission/AbC", Data: json.RawMessage(data)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	disp := outbox.NewDispatcher(d, slog.New(slog.NewTextHandler(io.Discard, nil)), outbox.DispatchOptions{Source: "https://torg.example.no", Client: srv.Client()})
	if n, err := disp.DeliverDue(ctx); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	dl := <-got

	doc := newDocChecker(t)
	op := pointer("webhooks", "submissionCreated", "post")
	ct, _, _ := mime.ParseMediaType(dl.header.Get("Content-Type"))
	if body, _ := doc.resolve(op + pointer("requestBody", "content", ct)); body == nil {
		t.Fatalf("content type %q is not documented", ct)
	}
	if err := doc.schema(t, op+pointer("requestBody", "content", ct, "schema")).Validate(unmarshal(t, dl.body)); err != nil {
		t.Errorf("the event does not match the document:\n%v\n%s", err, dl.body)
	}
	sig := dl.header.Get("Torg-Signature")
	if err := doc.schema(t, op+"/parameters/0/schema").Validate(sig); err != nil {
		t.Errorf("Torg-Signature %q does not match the document: %v", sig, err)
	}
	// t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
	ts, v1, _ := strings.Cut(sig, ",")
	ts, v1 = strings.TrimPrefix(ts, "t="), strings.TrimPrefix(v1, "v1=")
	m := hmac.New(sha256.New, []byte(hook.Secret))
	m.Write([]byte(ts + "." + string(dl.body)))
	if want := hex.EncodeToString(m.Sum(nil)); !hmac.Equal([]byte(want), []byte(v1)) {
		t.Errorf("signature %s, want %s", v1, want)
	}
}
