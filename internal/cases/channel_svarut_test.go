package cases

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"github.com/torg-ekommune/torg/internal/pdftext"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
)

// receiver is the receiving end of the SvarUt channel in the tests: an
// HTTP server that checks each shipment as SvarUt would (a "forsendelse"
// JSON part with a recipient and the document list, then the documents,
// and an idempotency key that matches eksternReferanse), delivers each
// shipment id at most once, and answers as the test's mode says.
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	mode      string // accept, nomailbox, lost, garbage, refuse
	unavail   int    // answer 503 to this many requests first
	requests  []received
	delivered map[string]string // shipment id → forsendelse id
	order     []string          // shipment ids in the order delivered
}

// received is one request as the receiver read it.
type received struct {
	key, integration, password string
	meta                       map[string]any
	pdf                        []byte
}

func newReceiver(t *testing.T, mode string) *receiver {
	rc := &receiver{mode: mode, delivered: map[string]string{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	got, problem := readShipment(r)
	rc.requests = append(rc.requests, got)
	if problem != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"feilmelding": problem})
		return
	}
	if rc.unavail > 0 {
		rc.unavail--
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	answer := func(code int, status string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"id": rc.delivered[got.key], "status": status, "melding": "Mottakeren har ingen digital postkasse"})
	}
	if _, done := rc.delivered[got.key]; done {
		answer(http.StatusOK, "AKSEPTERT") // the same shipment again: the same receipt, not a second letter
		return
	}
	switch rc.mode {
	case "refuse":
		http.Error(w, "Mottaker er sperret", http.StatusUnprocessableEntity)
		return
	case "garbage":
		w.Write([]byte("<html><body>Hei \xff\xfe\x00 verden</body></html>"))
		return
	}
	rc.delivered[got.key] = fmt.Sprintf("fs-%d", len(rc.delivered)+1)
	rc.order = append(rc.order, got.key)
	switch rc.mode {
	case "nomailbox":
		answer(http.StatusOK, "IKKE_LEVERT")
	case "lost":
		// The letter is taken but the answer is lost on the way back.
		rc.mode = "accept"
		http.Error(w, "upstream timed out", http.StatusGatewayTimeout)
	default:
		answer(http.StatusCreated, "AKSEPTERT")
	}
}

// readShipment reads and checks a request; problem says what is wrong.
func readShipment(r *http.Request) (got received, problem string) {
	got.key, got.integration, got.password = r.Header.Get("Idempotency-Key"), r.Header.Get("IntegrasjonId"), r.Header.Get("IntegrasjonPassord")
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || err != nil || mt != "multipart/form-data" {
		return got, "expected a multipart POST"
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "forsendelse" {
		return got, "the first part must be forsendelse"
	}
	if err := json.NewDecoder(part).Decode(&got.meta); err != nil {
		return got, "forsendelse is not JSON"
	}
	part, err = mr.NextPart()
	if err != nil {
		return got, "no document"
	}
	got.pdf, _ = io.ReadAll(part)
	docs, _ := got.meta["dokumenter"].([]any)
	doc, _ := func() (map[string]any, bool) {
		if len(docs) != 1 {
			return nil, false
		}
		d, ok := docs[0].(map[string]any)
		return d, ok
	}()
	to, _ := got.meta["mottaker"].(map[string]any)
	switch {
	case doc == nil || doc["filnavn"] != part.FileName() || doc["mimeType"] != "application/pdf":
		return got, "the documents do not match the list"
	case !bytes.HasPrefix(got.pdf, []byte("%PDF-1.7")):
		return got, "the document is not a PDF"
	case to == nil || len(fmt.Sprint(to["digitalId"])) != 11:
		return got, "mottaker.digitalId must be a fødselsnummer"
	case got.key == "" || got.meta["eksternReferanse"] != got.key:
		return got, "eksternReferanse must be the idempotency key"
	}
	return got, ""
}

func (rc *receiver) counts() (requests, delivered int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.requests), len(rc.delivered)
}

// svarutEnv is a case service with the SvarUt channel as its default.
type svarutEnv struct {
	d     *db.DB
	clock *dbtest.Clock
	svc   *Service
	ch    *SvarUt
	log   *audit.Log
}

const testTenant = "9999"

var worker = audit.Entry{ActorID: "email:sara@demo.kommune.no", ActorName: "Sara Saksbehandler", Role: "caseworker", RequestID: "test"}

// eachDB runs fn on SQLite and, when TORG_TEST_POSTGRES is set, on
// PostgreSQL, with a clock the test moves.
func eachDB(t *testing.T, fn func(t *testing.T, d *db.DB, clock *dbtest.Clock)) {
	t.Helper()
	schemas := []db.Schema{audit.Schema, archive.Schema, Schema}
	t.Run("sqlite", func(t *testing.T) {
		clock := dbtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		fn(t, dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, schemas...), clock)
	})
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			clock := dbtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
			fn(t, dbtest.Postgres(t, dbtest.Options{Now: clock.Now}, schemas...), clock)
		})
	}
}

func newSvarutEnv(t *testing.T, d *db.DB, clock *dbtest.Clock, url string, maxAttempts int) svarutEnv {
	t.Helper()
	log := audit.New(d)
	ch, err := NewSvarUt(d, log, SvarUtConfig{URL: url, Client: &http.Client{Timeout: 10 * time.Second}, Now: clock.Now,
		IntegrationID: "integrasjon-1", IntegrationPassword: "hemmelig", MaxAttempts: maxAttempts,
		MunicipalityName: func(context.Context, string) string { return "Demo kommune" }})
	if err != nil {
		t.Fatal(err)
	}
	svc := New(d, log, ArchiveRecord{Archive: archive.New(d, log)}, nil, ch, MinSide{})
	return svarutEnv{d: d, clock: clock, svc: svc, ch: ch, log: log}
}

// newCase makes an open case for the citizen with pid (none when "").
func (e svarutEnv) newCase(t *testing.T, pid, name string) Case {
	t.Helper()
	ctx := context.Background()
	actor := audit.Entry{ActorID: "system:cases", ActorName: "Saksmottak", Role: "system"}
	c := Case{Tenant: testTenant, FormID: "barnehageplass", Title: "Søknad om barnehageplass – " + name, SubmissionID: pid + name,
		SubmissionRef: "2026/00001", Citizen: "pid:" + pid, CitizenPID: pid, CitizenName: name, Status: StatusOpen, CreatedAt: e.d.Now()}
	if pid == "" {
		c.Citizen = "anon:x"
	}
	err := e.d.Tx(ctx, func(tx *sql.Tx) error {
		if err := e.svc.record.Prepare(ctx, tx, testTenant, "Demo kommune", actor); err != nil {
			return err
		}
		var err error
		c.ID, c.Number, err = e.svc.record.NewCase(ctx, tx, testTenant, NewCase{Title: c.Title, PublicTitle: "Søknad om barnehageplass", LegalBasis: PersonalMatters}, actor)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO cases_cases (tenant_id, id, case_number, form_id, title, submission_id, submission_ref, citizen, citizen_pid,
			citizen_name, email, unit, assignee, assignee_name, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '', '', '', $11, $12)`,
			c.Tenant, c.ID, c.Number, c.FormID, c.Title, c.SubmissionID, c.SubmissionRef, c.Citizen, c.CitizenPID, c.CitizenName, c.Status, c.CreatedAt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// message returns the letter id of case c as the case view has it.
func (e svarutEnv) message(t *testing.T, caseID, id string) Message {
	t.Helper()
	msgs, err := e.svc.messages(context.Background(), testTenant, caseID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no message %s", id)
	return Message{}
}

func (e svarutEnv) ship(t *testing.T) int {
	t.Helper()
	n, err := e.ch.ShipDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e svarutEnv) auditActions(t *testing.T) []string {
	t.Helper()
	rows, err := e.d.QueryContext(context.Background(), `SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'case.letter.%' ORDER BY seq`, testTenant)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		rows.Scan(&a)
		out = append(out, a)
	}
	return out
}

const kariPID = "15838810028"

var decision = Letter{Title: "Vedtak om barnehageplass", Body: "Kari Nordmann får plass i Blåbærskogen barnehage fra 1. januar 2027.\n\nVelkommen!",
	Decision: true, LegalBasis: "Barnehageloven § 16", Appeal: DefaultAppeal}

// TestSvarUtDelivers: a decision is queued in the transaction that
// records it (nothing is shipped until the worker runs), then shipped once
// with the recipient's fødselsnummer, the title, and a PDF holding the
// text and legal basis; the receipt id shows in the case, and the audit
// log has the delivery.
func TestSvarUtDelivers(t *testing.T) {
	eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
		rc := newReceiver(t, "accept")
		e := newSvarutEnv(t, d, clock, rc.URL+"/api/v2/kontoer/k1/forsendelser/", 5)
		c := e.newCase(t, kariPID, "Kari Nordmann")
		m, err := e.svc.Send(context.Background(), testTenant, c.ID, decision, worker)
		if err != nil {
			t.Fatal(err)
		}
		if m.Channel != ChannelSvarUt || m.Delivery != "queued" {
			t.Fatalf("after Send: channel %q delivery %q", m.Channel, m.Delivery)
		}
		if n, _ := rc.counts(); n != 0 {
			t.Fatal("shipped inside the transaction")
		}
		if n := e.ship(t); n != 1 {
			t.Fatalf("ShipDue claimed %d", n)
		}
		got := e.message(t, c.ID, m.ID)
		if got.Delivery != "delivered" || !strings.Contains(got.DeliveryDetail, "fs-1") {
			t.Fatalf("after shipping: %q (%s)", got.Delivery, got.DeliveryDetail)
		}
		if n := e.ship(t); n != 0 {
			t.Fatal("a delivered letter was claimed again")
		}
		if req, del := rc.counts(); req != 1 || del != 1 {
			t.Fatalf("%d requests, %d delivered", req, del)
		}
		r := rc.requests[0]
		to := r.meta["mottaker"].(map[string]any)
		if to["digitalId"] != kariPID || to["navn"] != "Kari Nordmann" || r.meta["tittel"] != decision.Title || r.meta["kunDigital"] != true {
			t.Errorf("forsendelse %v", r.meta)
		}
		if md := r.meta["metadataFraAvleverendeSystem"].(map[string]any); fmt.Sprint(md["saksaar"], "/", md["sakssekvensnummer"]) != c.Number {
			t.Errorf("metadata %v for case %s", md, c.Number)
		}
		if r.integration != "integrasjon-1" || r.password != "hemmelig" {
			t.Errorf("integration headers %q %q", r.integration, r.password)
		}
		for _, want := range []string{"Vedtak om barnehageplass", "Barnehageloven \\247 16", "Bl\\345b\\346rskogen", "Klagerett"} {
			if !bytes.Contains(r.pdf, []byte(want)) {
				t.Errorf("the shipped PDF lacks %q", want)
			}
		}
		if a := e.auditActions(t); strings.Join(a, " ") != "case.letter.delivered" {
			t.Errorf("audit %v", a)
		}
		waiting, printed, err := e.svc.PrintQueue(context.Background(), testTenant, worker.ActorID)
		if err != nil || len(waiting)+len(printed) != 0 {
			t.Errorf("print queue %v %v %v", waiting, printed, err)
		}
	})
}

// TestSvarUtRetries: the endpoint is unavailable twice; the letter stays
// queued with the failure in its detail, is not tried again before the
// backoff, and is delivered on the third try.
func TestSvarUtRetries(t *testing.T) {
	eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
		rc := newReceiver(t, "accept")
		rc.unavail = 2
		e := newSvarutEnv(t, d, clock, rc.URL, 5)
		c := e.newCase(t, kariPID, "Kari Nordmann")
		m, err := e.svc.Send(context.Background(), testTenant, c.ID, Letter{Title: "Spørsmål om søknaden", Body: "Hvilken dato ønsker du?"}, worker)
		if err != nil {
			t.Fatal(err)
		}
		e.ship(t)
		got := e.message(t, c.ID, m.ID)
		if got.Delivery != "queued" || !strings.Contains(got.DeliveryDetail, "try 1 of 5 failed (HTTP 503") {
			t.Fatalf("after a 503: %q (%s)", got.Delivery, got.DeliveryDetail)
		}
		if n := e.ship(t); n != 0 {
			t.Fatal("tried again before the backoff")
		}
		clock.Add(31 * time.Second)
		if n := e.ship(t); n != 1 {
			t.Fatal("not tried again after the backoff")
		}
		if got := e.message(t, c.ID, m.ID); !strings.Contains(got.DeliveryDetail, "try 2 of 5") {
			t.Fatalf("after the second 503: %s", got.DeliveryDetail)
		}
		clock.Add(30 * time.Second)
		if n := e.ship(t); n != 0 {
			t.Fatal("the backoff did not double")
		}
		clock.Add(31 * time.Second)
		e.ship(t)
		if got := e.message(t, c.ID, m.ID); got.Delivery != "delivered" {
			t.Fatalf("after the third try: %q (%s)", got.Delivery, got.DeliveryDetail)
		}
		var attempts int
		d.QueryRowContext(context.Background(), `SELECT attempts FROM cases_shipments WHERE message_id = $1`, m.ID).Scan(&attempts)
		if req, del := rc.counts(); req != 3 || del != 1 || attempts != 3 {
			t.Fatalf("%d requests, %d delivered, %d attempts", req, del, attempts)
		}
	})
}

// TestSvarUtIdempotent: the endpoint takes the letter but its answer is
// lost; the retry carries the same shipment id, so the citizen gets one
// letter, and Torg records the receipt of the first delivery.
func TestSvarUtIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
		rc := newReceiver(t, "lost")
		e := newSvarutEnv(t, d, clock, rc.URL, 5)
		c := e.newCase(t, kariPID, "Kari Nordmann")
		m, err := e.svc.Send(context.Background(), testTenant, c.ID, decision, worker)
		if err != nil {
			t.Fatal(err)
		}
		e.ship(t)
		if got := e.message(t, c.ID, m.ID); got.Delivery != "queued" || !strings.Contains(got.DeliveryDetail, "HTTP 504") {
			t.Fatalf("after the lost answer: %q (%s)", got.Delivery, got.DeliveryDetail)
		}
		clock.Add(time.Minute)
		e.ship(t)
		got := e.message(t, c.ID, m.ID)
		if got.Delivery != "delivered" || !strings.Contains(got.DeliveryDetail, "fs-1") {
			t.Fatalf("after the retry: %q (%s)", got.Delivery, got.DeliveryDetail)
		}
		req, del := rc.counts()
		if req != 2 || del != 1 || rc.requests[0].key != rc.requests[1].key {
			t.Fatalf("%d requests (keys %q, %q), %d delivered", req, rc.requests[0].key, rc.requests[len(rc.requests)-1].key, del)
		}
	})
}

// TestSvarUtPrintFallback: a recipient without a digital mailbox, a
// shipment the endpoint refuses, a citizen without a fødselsnummer, and a
// shipment that fails every try all end in the print queue with a PDF;
// staff download it (the read is audited) and mark it printed, once.
func TestSvarUtPrintFallback(t *testing.T) {
	for _, tc := range []struct {
		mode, pid string
		unavail   int
		detail    string
		requests  int
	}{
		{"nomailbox", kariPID, 0, "no digital mailbox (Mottakeren har ingen digital postkasse)", 1},
		{"refuse", kariPID, 0, "the endpoint refused the shipment (HTTP 422 Mottaker er sperret)", 1},
		{"accept", "", 0, "no fødselsnummer", 0},
		{"accept", kariPID, 99, "not delivered after 3 tries (HTTP 503 Service Unavailable)", 3},
		{"garbage", kariPID, 0, "not delivered after 3 tries (HTTP 200, but the answer is not JSON with a shipment id: \"<html><body>Hei", 3},
	} {
		t.Run(tc.mode+"-"+tc.detail[:10], func(t *testing.T) {
			eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
				ctx := context.Background()
				rc := newReceiver(t, tc.mode)
				rc.unavail = tc.unavail
				e := newSvarutEnv(t, d, clock, rc.URL, 3)
				c := e.newCase(t, tc.pid, "Kari Nordmann")
				m, err := e.svc.Send(ctx, testTenant, c.ID, decision, worker)
				if err != nil {
					t.Fatal(err)
				}
				for range 4 {
					e.ship(t)
					clock.Add(time.Hour)
				}
				got := e.message(t, c.ID, m.ID)
				if got.Delivery != DeliveryPrint || !strings.Contains(got.DeliveryDetail, tc.detail) || !strings.HasSuffix(got.DeliveryDetail, "in the print queue") {
					t.Fatalf("delivery %q (%s)", got.Delivery, got.DeliveryDetail)
				}
				if req, del := rc.counts(); req != tc.requests || del > 1 {
					t.Errorf("%d requests, %d delivered", req, del)
				}
				waiting, printed, err := e.svc.PrintQueue(ctx, testTenant, worker.ActorID)
				if err != nil || len(waiting) != 1 || len(printed) != 0 {
					t.Fatalf("print queue %+v %+v %v", waiting, printed, err)
				}
				p := waiting[0]
				if p.MessageID != m.ID || p.CaseNumber != c.Number || p.Title != decision.Title || p.Kind != KindDecision || p.Recipient != "Kari Nordmann" || p.QueuedAt.IsZero() {
					t.Errorf("print item %+v", p)
				}
				_, pdf, err := e.svc.PrintPDF(ctx, testTenant, p.ID, worker)
				if err != nil {
					t.Fatal(err)
				}
				checkPDF(t, pdf, "Vedtak: Vedtak om barnehageplass", "Blåbærskogen barnehage", "Barnehageloven § 16", "Saksnummer: "+c.Number, "Demo kommune")
				if err := e.svc.MarkPrinted(ctx, testTenant, p.ID, worker); err != nil {
					t.Fatal(err)
				}
				got = e.message(t, c.ID, m.ID)
				if got.Delivery != DeliveryPrinted || !strings.Contains(got.DeliveryDetail, "Sara Saksbehandler") {
					t.Errorf("after printing: %q (%s)", got.Delivery, got.DeliveryDetail)
				}
				if err := e.svc.MarkPrinted(ctx, testTenant, p.ID, worker); !errs.Is(errs.Conflict, err) {
					t.Errorf("printed twice: %v", err)
				}
				waiting, printed, _ = e.svc.PrintQueue(ctx, testTenant, worker.ActorID)
				if len(waiting) != 0 || len(printed) != 1 || printed[0].PrintedBy != "Sara Saksbehandler" || printed[0].PrintedAt.IsZero() {
					t.Errorf("after printing: %+v %+v", waiting, printed)
				}
				if a := strings.Join(e.auditActions(t), " "); a != "case.letter.print case.letter.print_read case.letter.printed" {
					t.Errorf("audit %s", a)
				}
			})
		})
	}
}

// TestPrintQueueBadInput: unknown shipments, another municipality's
// shipment, a delivered letter, and a restricted case are refused with
// the right kinds.
func TestPrintQueueBadInput(t *testing.T) {
	eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
		ctx := context.Background()
		rc := newReceiver(t, "nomailbox")
		e := newSvarutEnv(t, d, clock, rc.URL, 3)
		c := e.newCase(t, kariPID, "Kari Nordmann")
		if _, err := e.svc.Send(ctx, testTenant, c.ID, decision, worker); err != nil {
			t.Fatal(err)
		}
		e.ship(t)
		waiting, _, _ := e.svc.PrintQueue(ctx, testTenant, worker.ActorID)
		if len(waiting) != 1 {
			t.Fatalf("%d waiting", len(waiting))
		}
		id := waiting[0].ID
		for _, bad := range []struct{ tenant, id string }{{testTenant, "nope"}, {testTenant, ""}, {"0301", id}} {
			if _, _, err := e.svc.PrintPDF(ctx, bad.tenant, bad.id, worker); !errs.Is(errs.NotFound, err) {
				t.Errorf("PrintPDF(%q, %q) = %v", bad.tenant, bad.id, err)
			}
			if err := e.svc.MarkPrinted(ctx, bad.tenant, bad.id, worker); !errs.Is(errs.NotFound, err) {
				t.Errorf("MarkPrinted(%q, %q) = %v", bad.tenant, bad.id, err)
			}
		}
		// A delivered letter is not in the print queue.
		rc.mode = "accept"
		c2 := e.newCase(t, "01017012345", "Ola Nordmann")
		if _, err := e.svc.Send(ctx, testTenant, c2.ID, decision, worker); err != nil {
			t.Fatal(err)
		}
		e.ship(t)
		var delivered string
		d.QueryRowContext(ctx, `SELECT id FROM cases_shipments WHERE case_id = $1`, c2.ID).Scan(&delivered)
		if err := e.svc.MarkPrinted(ctx, testTenant, delivered, worker); !errs.Is(errs.NotFound, err) {
			t.Errorf("MarkPrinted(delivered) = %v", err)
		}
		// A restricted case's letter is hidden from other case workers.
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE cases_cases SET restricted_to = '|email:per@demo.kommune.no|' WHERE id = $1`, c.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if waiting, _, _ := e.svc.PrintQueue(ctx, testTenant, worker.ActorID); len(waiting) != 0 {
			t.Error("a restricted case's letter is in another case worker's print queue")
		}
		if _, _, err := e.svc.PrintPDF(ctx, testTenant, id, worker); !errs.Is(errs.Forbidden, err) {
			t.Errorf("PrintPDF of a restricted case = %v", err)
		}
		if err := e.svc.MarkPrinted(ctx, testTenant, id, worker); !errs.Is(errs.Forbidden, err) {
			t.Errorf("MarkPrinted of a restricted case = %v", err)
		}
		per := audit.Entry{ActorID: "email:per@demo.kommune.no", ActorName: "Per", Role: "caseworker"}
		if waiting, _, _ := e.svc.PrintQueue(ctx, testTenant, per.ActorID); len(waiting) != 1 {
			t.Error("the named case worker does not see the letter")
		}
	})
}

// TestSvarUtUnreachable: an endpoint that is down leaves the letter
// queued with a clear detail, never a panic or a lost letter.
func TestSvarUtUnreachable(t *testing.T) {
	eachDB(t, func(t *testing.T, d *db.DB, clock *dbtest.Clock) {
		rc := newReceiver(t, "accept")
		url := rc.URL + "/forsendelser?token=hemmelig"
		rc.Close()
		e := newSvarutEnv(t, d, clock, url, 3)
		c := e.newCase(t, kariPID, "Kari Nordmann")
		m, err := e.svc.Send(context.Background(), testTenant, c.ID, decision, worker)
		if err != nil {
			t.Fatal(err)
		}
		e.ship(t)
		got := e.message(t, c.ID, m.ID)
		if got.Delivery != "queued" || !strings.Contains(got.DeliveryDetail, "could not be reached") || strings.Contains(got.DeliveryDetail, "hemmelig") {
			t.Fatalf("%q (%s)", got.Delivery, got.DeliveryDetail)
		}
	})
}

// TestNewSvarUtURL: only https, or http on a loopback address.
func TestNewSvarUtURL(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, audit.Schema, archive.Schema, Schema)
	for u, ok := range map[string]bool{"https://svarut.ks.no/api/v2/kontoer/x/forsendelser/": true, "http://127.0.0.1:8080/x": true, "http://localhost/x": true,
		"http://svarut.ks.no/": false, "ftp://127.0.0.1/": false, "": false, "svarut.ks.no": false, "https://": false, "://x": false} {
		_, err := NewSvarUt(d, audit.New(d), SvarUtConfig{URL: u})
		if (err == nil) != ok {
			t.Errorf("NewSvarUt(%q): %v", u, err)
		}
	}
}

// TestInterpret: every answer the endpoint may give becomes a clear
// outcome.
func TestInterpret(t *testing.T) {
	for _, tc := range []struct {
		code            int
		body            string
		status, contain string
	}{
		{201, `{"id":"fs-9","status":"AKSEPTERT"}`, "delivered", "shipment fs-9"},
		{200, `{"id":"fs-9"}`, "delivered", "fs-9"},
		{200, `{"id":"fs-9","status":"ikke levert"}`, DeliveryPrint, "no digital mailbox"},
		{200, `{"id":"fs-9","status":"Ikke-Levert"}`, DeliveryPrint, "no digital mailbox"},
		{200, `{"id":""}`, "", "no usable shipment id"},
		{200, `{"id":"` + strings.Repeat("x", 300) + `"}`, "", "no usable shipment id"},
		{200, `null`, "", "no usable shipment id"},
		{200, `[1,2]`, "", "not JSON with a shipment id"},
		{200, `{"id": 7}`, "", "not JSON with a shipment id"},
		{200, "", "", "not JSON with a shipment id"},
		{200, "\xff\xfe\x00\x01ok", "", "not JSON with a shipment id"},
		{200, strings.Repeat("å", 5000), "", "…"},
		{500, "boom\r\nX-Injected: 1", "", "HTTP 500 boom X-Injected: 1"},
		{429, "", "", "HTTP 429"},
		{408, "", "", "HTTP 408"},
		{400, `{"feilmelding":"ugyldig"}`, DeliveryPrint, "refused the shipment (HTTP 400"},
		{401, "", DeliveryPrint, "HTTP 401"},
		{302, "", DeliveryPrint, "HTTP 302"},
	} {
		out := interpret(tc.code, []byte(tc.body))
		text := out.detail + out.err
		if out.status != tc.status || !strings.Contains(text, tc.contain) || strings.ContainsAny(text, "\r\n\x00") || len(text) > 1000 {
			t.Errorf("interpret(%d, %.40q) = %+v", tc.code, tc.body, out)
		}
	}
}

// FuzzInterpret: no answer makes the channel panic, and what it keeps is
// one short line.
func FuzzInterpret(f *testing.F) {
	f.Add(200, []byte(`{"id":"fs-1","status":"IKKE_LEVERT","melding":"x"}`))
	f.Add(503, []byte("<html>"))
	f.Add(200, []byte("\xff"))
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		out := interpret(code, body)
		switch out.status {
		case "", "delivered", DeliveryPrint:
		default:
			t.Fatalf("status %q", out.status)
		}
		if out.status == "" && out.err == "" || out.status != "" && out.detail == "" {
			t.Fatalf("no explanation: %+v", out)
		}
		if text := out.detail + out.err + out.receipt; strings.ContainsAny(text, "\r\n") || len(text) > 1500 {
			t.Fatalf("detail %q", text)
		}
	})
}

// TestLetterPDF: a long decision with Norwegian letters becomes a
// well-formed PDF of several pages that a real PDF reader can read.
func TestLetterPDF(t *testing.T) {
	body := strings.Repeat("Dette er et avsnitt om barnehageplass i Blåbærskogen, med æ, ø og å. ", 40) + "\n\n" +
		strings.Repeat("Langtord", 40) + "\n" + strings.Repeat("Siste linje. ", 300) + "Slutt på brevet."
	pdf := LetterPDF(PrintedLetter{Municipality: "Demo kommune", Recipient: "Åse Ærø Øvergård", CaseNumber: "2026/12", Date: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC),
		Kind: KindDecision, Title: "Vedtak om plass (§ 16) – «Blåbærskogen» 😀", Body: body, LegalBasis: "Barnehageloven § 16", Appeal: DefaultAppeal, Author: "Sara Saksbehandler"})
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatal("not a PDF")
	}
	checkPDF(t, pdf, "Demo kommune", "Åse Ærø Øvergård", "Dato: 23.11.2026", "Vedtak: Vedtak om plass (§ 16) – «Blåbærskogen» ?", "Slutt på brevet.",
		"Hjemmel", "Barnehageloven § 16", "Klagerett", "Med hilsen", "Sara Saksbehandler", "Saksnummer 2026/12 · side 1 av 2", "side 2 av 2")
	for _, line := range pdftext.Wrap(pdftext.Encode(body), pdftext.Regular, 10.5, textW) {
		w := 0.0
		for _, c := range line {
			w += float64(pdftext.Width(pdftext.Regular, c)) * 10.5 / 1000
		}
		if w > textW+0.01 {
			t.Fatalf("line %q is %.1f pt wide, more than %.1f", line, w, textW)
		}
	}
	if got := pdftext.Wrap(pdftext.Encode("a\n\nb"), pdftext.Regular, 10, 100); len(got) != 3 || len(got[1]) != 0 {
		t.Errorf("paragraph break: %q", got)
	}
	if got := pdftext.Wrap(nil, pdftext.Regular, 10, 100); got != nil {
		t.Errorf("empty text: %q", got)
	}
}

// checkPDF checks the cross-reference table and, with pdftotext, that the
// text holds every one of want. Without pdftotext it skips the reading
// unless TORG_REQUIRE_BROWSER is set.
func checkPDF(t *testing.T, pdf []byte, want ...string) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	// Every object the xref table names starts where it says.
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	var xref int
	fmt.Sscan(string(pdf[i+len("startxref\n"):]), &xref)
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	var count int
	fmt.Sscanf(string(pdf[xref:]), "xref\n0 %d", &count)
	lines := strings.Split(string(pdf[xref:]), "\r\n")
	for n := 1; n < count; n++ {
		var off int
		fmt.Sscanf(lines[n], "%d", &off)
		if !bytes.HasPrefix(pdf[off:], fmt.Appendf(nil, "%d 0 obj", n)) {
			t.Fatalf("object %d is not at %d", n, off)
		}
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("TORG_REQUIRE_BROWSER") != "" {
			t.Fatal("pdftotext is not installed (apt-get install poppler-utils), and TORG_REQUIRE_BROWSER is set")
		}
		t.Log("pdftotext is not installed: the PDF text is not checked with a real reader")
		return
	}
	file := filepath.Join(t.TempDir(), "brev.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", file, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext: %v %s", err, stderr.String())
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("pdftotext lacks %q in %.300q", w, text)
		}
	}
}

// TestSvarUtRun: the worker loop ships a queued letter by itself and stops
// when its context ends.
func TestSvarUtRun(t *testing.T) {
	clock := dbtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	d := dbtest.SQLite(t, dbtest.Options{Now: clock.Now}, audit.Schema, archive.Schema, Schema)
	rc := newReceiver(t, "accept")
	e := newSvarutEnv(t, d, clock, rc.URL, 3)
	c := e.newCase(t, kariPID, "Kari Nordmann")
	m, err := e.svc.Send(context.Background(), testTenant, c.ID, decision, worker)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { e.ch.Run(ctx); close(stopped) }()
	deadline := time.Now().Add(10 * time.Second)
	for e.message(t, c.ID, m.ID).Delivery != "delivered" {
		if time.Now().After(deadline) {
			t.Fatal("the worker did not deliver the letter")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}
