package cases

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/outbox"
)

// SvarUt delivers letters and decisions to the citizen's digital mailbox
// through a SvarUt-style endpoint, with print fallback: a letter the
// endpoint cannot deliver digitally goes to the municipality's print queue
// (Service.PrintQueue) as a PDF, for staff to print and post.
//
// Deliver only queues a shipment (table cases_shipments) in the
// transaction that records the letter; a worker (ShipDue, Run) ships it
// outside any transaction, so a slow or unavailable endpoint never holds
// the database. The letter's delivery status moves
//
//	queued → delivered   the endpoint took the letter (its receipt id is kept)
//	queued → print       the endpoint says the recipient has no digital mailbox
//	                     (status "ikke levert"), the endpoint refused the
//	                     shipment (a 4xx other than 408, 425 and 429), the
//	                     recipient has no fødselsnummer, or every one of
//	                     MaxAttempts tries failed (network error, 5xx, 408,
//	                     425, 429, or a 2xx answer without a receipt)
//	print → printed      a staff member printed and posted it (MarkPrinted)
//
// with backoff between tries (30 s doubling, at most an hour).
//
// # What is shipped
//
// One POST of multipart/form-data to URL, shaped like SvarUt's REST v2
// "send forsendelse" (POST /api/v2/kontoer/{konto-id}/forsendelser/):
// the first part, named "forsendelse", is JSON
//
//	{"eksternReferanse": "<shipment id>",
//	 "mottaker": {"digitalId": "<fødselsnummer or organisasjonsnummer>", "navn": "<name>"},
//	 "tittel": "<letter title>", "avgivendeSystem": "Torg", "kunDigital": true,
//	 "metadataFraAvleverendeSystem": {"saksaar": 2026, "sakssekvensnummer": 12, "tittel": "...", "saksBehandler": "..."},
//	 "dokumenter": [{"filnavn": "brev.pdf", "mimeType": "application/pdf"}]}
//
// and the next part is the letter as a PDF (LetterPDF: title, text, and
// for a decision its legal basis and the right to appeal), with the file
// name given in "dokumenter". Letters have no attachments yet. The
// shipment id also goes in the header Idempotency-Key; a retry sends the
// same id, and the receiving end must deliver a shipment id only once.
// IntegrationID and IntegrationPassword, when set, go in the headers
// IntegrasjonId and IntegrasjonPassord as Fiks expects.
//
// The answer to a 2xx is JSON {"id": "<forsendelse-id>", "status": "..."}:
// status "ikke levert" (also IKKE_LEVERT) means no digital delivery is
// possible, anything else that the letter was taken.
//
// # What is not implemented
//
// This is not a SvarUt client that KS would accept as is: there is no
// Maskinporten token (scope ks:fiks) and no virksomhetssertifikat; the
// documents are not encrypted with SvarUt's public key; there is no konto
// id in the path (put it in URL); mottaker has no postal address (Torg does
// not keep one), so SvarUt's own print service cannot be used and
// kunDigital is always true; the later statuses (varslet, lest, sendt til
// print, ...) are not polled; print configuration (utskriftskonfigurasjon),
// konteringskode and eksponertFor are not sent. The print fallback is
// Torg's own queue, not SvarUt's print service.
type SvarUt struct {
	db    *db.DB
	audit *audit.Log
	url   string
	cfg   SvarUtConfig
}

// SvarUtConfig says where and how the SvarUt channel ships letters.
type SvarUtConfig struct {
	// URL receives the shipments: https, or http on a loopback address.
	URL string
	// Client makes the requests; a client with a one-minute timeout when
	// nil.
	Client *http.Client
	// Now is the clock; the database's clock when nil.
	Now func() time.Time
	// IntegrationID and IntegrationPassword are sent as the headers
	// IntegrasjonId and IntegrasjonPassord when set.
	IntegrationID, IntegrationPassword string
	// System names Torg as avgivendeSystem; "Torg" when empty.
	System string
	// MaxAttempts is how many tries a shipment gets before it goes to the
	// print queue; 12 (about five hours) when 0.
	MaxAttempts int
	// MunicipalityName names a municipality in the printed letter; the
	// kommunenummer when nil.
	MunicipalityName func(ctx context.Context, tenant string) string
	// Log receives the worker's errors; discarded when nil.
	Log *slog.Logger
}

// ChannelSvarUt is the SvarUt channel's name.
const ChannelSvarUt = "svarut"

// The delivery statuses of a letter (Message.Delivery), beside "queued",
// "delivered" and "failed".
const (
	DeliveryPrint   = "print"   // in the print queue
	DeliveryPrinted = "printed" // printed and posted
)

// NewSvarUt returns the SvarUt channel on d, which ships to cfg.URL.
// Errors: the URL is not https (or http on a loopback address).
func NewSvarUt(d *db.DB, log *audit.Log, cfg SvarUtConfig) (*SvarUt, error) {
	u, err := url.Parse(cfg.URL)
	loopback := err == nil && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback) {
		return nil, fmt.Errorf("cases: the SvarUt URL %q must be https (or http on a loopback address)", cfg.URL)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: time.Minute}
	}
	if cfg.Now == nil {
		cfg.Now = d.Now
	}
	if cfg.System == "" {
		cfg.System = "Torg"
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 12
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &SvarUt{db: d, audit: log, url: cfg.URL, cfg: cfg}, nil
}

// Name implements Channel.
func (*SvarUt) Name() string { return ChannelSvarUt }

// now is the channel's clock, in the database's precision.
func (ch *SvarUt) now() time.Time { return ch.cfg.Now().UTC().Truncate(time.Microsecond) }

// Deliver implements Channel: it queues the shipment in tx and returns
// "queued"; the worker ships it.
func (ch *SvarUt) Deliver(ctx context.Context, tx *sql.Tx, c Case, m Message) (string, string, error) {
	now := ch.now()
	_, err := tx.ExecContext(ctx, `INSERT INTO cases_shipments (tenant_id, id, message_id, case_id, recipient, recipient_name, status, attempts,
		next_attempt, last_error, receipt, created_at, printed_by) VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, '', '', $7, '')`,
		c.Tenant, outbox.NewID(), m.ID, c.ID, digitalID(c.CitizenPID), c.CitizenName, now)
	if err != nil {
		return "", "", err
	}
	return "queued", "waiting to be shipped to the digital mailbox", nil
}

// digitalID is pid when it is a fødselsnummer (11 digits) or an
// organisasjonsnummer (9 digits), else "".
func digitalID(pid string) string {
	if len(pid) != 11 && len(pid) != 9 {
		return ""
	}
	for _, r := range pid {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return pid
}

// Run ships due letters every few seconds until ctx ends.
func (ch *SvarUt) Run(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		if _, err := ch.ShipDue(ctx); err != nil && ctx.Err() == nil {
			ch.cfg.Log.Error("svarut: shipping round", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// shipment is a claimed shipment with its letter.
type shipment struct {
	tenant, id, messageID, caseID, recipient, recipientName string
	attempts                                                int64
	lease                                                   time.Time
	letter                                                  PrintedLetter
	pid                                                     string
}

// leaseTime is how long a claim lasts; longer than a request may take.
const leaseTime = 5 * time.Minute

// ShipDue claims due shipments (with a lease, so several nodes never ship
// one at once), ships each and records the outcome. It returns how many it
// claimed.
func (ch *SvarUt) ShipDue(ctx context.Context) (int, error) {
	now := ch.now()
	lease := now.Add(leaseTime)
	var batch []shipment
	err := ch.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE cases_shipments SET claimed_until = $1
			WHERE status = 'queued' AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			  AND (tenant_id, id) IN (
			    SELECT tenant_id, id FROM cases_shipments
			    WHERE status = 'queued' AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			    ORDER BY next_attempt LIMIT 10)
			RETURNING tenant_id, id, message_id, case_id, recipient, recipient_name, attempts`, lease, now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s := shipment{lease: lease}
			if err := rows.Scan(&s.tenant, &s.id, &s.messageID, &s.caseID, &s.recipient, &s.recipientName, &s.attempts); err != nil {
				return err
			}
			batch = append(batch, s)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("svarut: claim: %w", err)
	}
	for _, s := range batch {
		if err := ch.ship(ctx, s); err != nil {
			if ctx.Err() != nil {
				return len(batch), ctx.Err()
			}
			ch.cfg.Log.Error("svarut: record", "tenant", s.tenant, "shipment", s.id, "err", err)
		}
	}
	return len(batch), nil
}

// outcome is what became of one try.
type outcome struct {
	status  string // "delivered", "print", "failed", or "" to try again
	detail  string
	receipt string
	err     string // the try's failure, kept in last_error
}

// ship loads the letter, ships it, and records what happened.
func (ch *SvarUt) ship(ctx context.Context, s shipment) error {
	err := ch.db.QueryRowContext(ctx, `SELECT m.kind, m.title, m.body, m.legal_basis, m.appeal, m.author_name, m.created_at, c.case_number, c.citizen_pid
		FROM cases_messages m JOIN cases_cases c ON c.tenant_id = m.tenant_id AND c.id = m.case_id
		WHERE m.tenant_id = $1 AND m.id = $2`, s.tenant, s.messageID).Scan(&s.letter.Kind, &s.letter.Title, &s.letter.Body, &s.letter.LegalBasis,
		&s.letter.Appeal, &s.letter.Author, &s.letter.Date, &s.letter.CaseNumber, &s.pid)
	if errors.Is(err, sql.ErrNoRows) {
		return ch.record(ctx, s, outcome{status: "failed", detail: "the letter is missing", err: "no message " + s.messageID}, nil)
	}
	if err != nil {
		return err
	}
	s.letter.Recipient = s.recipientName
	s.letter.Municipality = s.tenant
	if ch.cfg.MunicipalityName != nil {
		if name := ch.cfg.MunicipalityName(ctx, s.tenant); name != "" {
			s.letter.Municipality = name
		}
	}
	pdf := LetterPDF(s.letter)
	var out outcome
	if s.recipient == "" {
		out = outcome{status: DeliveryPrint, detail: "no fødselsnummer for a digital mailbox: in the print queue"}
	} else {
		out = ch.post(ctx, s, pdf)
	}
	if out.status == "" && s.attempts+1 >= int64(ch.cfg.MaxAttempts) {
		out.status = DeliveryPrint
		out.detail = fmt.Sprintf("not delivered after %d tries (%s): in the print queue", s.attempts+1, out.err)
	}
	if out.status != DeliveryPrint {
		pdf = nil
	}
	return ch.record(ctx, s, out, pdf)
}

// svarUtShipment is the "forsendelse" part.
type svarUtShipment struct {
	EksternReferanse string `json:"eksternReferanse"`
	Mottaker         struct {
		DigitalID string `json:"digitalId"`
		Navn      string `json:"navn"`
	} `json:"mottaker"`
	Tittel          string `json:"tittel"`
	AvgivendeSystem string `json:"avgivendeSystem"`
	KunDigital      bool   `json:"kunDigital"`
	Metadata        struct {
		Saksaar           int    `json:"saksaar,omitempty"`
		Sakssekvensnummer int    `json:"sakssekvensnummer,omitempty"`
		Tittel            string `json:"tittel"`
		SaksBehandler     string `json:"saksBehandler"`
	} `json:"metadataFraAvleverendeSystem"`
	Dokumenter []svarUtDocument `json:"dokumenter"`
}

type svarUtDocument struct {
	Filnavn  string `json:"filnavn"`
	MimeType string `json:"mimeType"`
}

// maxAnswer is the most of an answer read.
const maxAnswer = 64 << 10

// post makes one try.
func (ch *SvarUt) post(ctx context.Context, s shipment, pdf []byte) outcome {
	var f svarUtShipment
	f.EksternReferanse = s.id
	f.Mottaker.DigitalID, f.Mottaker.Navn = s.recipient, s.recipientName
	f.Tittel, f.AvgivendeSystem, f.KunDigital = s.letter.Title, ch.cfg.System, true
	fmt.Sscanf(s.letter.CaseNumber, "%d/%d", &f.Metadata.Saksaar, &f.Metadata.Sakssekvensnummer)
	f.Metadata.Tittel, f.Metadata.SaksBehandler = s.letter.Title, s.letter.Author
	f.Dokumenter = []svarUtDocument{{Filnavn: "brev.pdf", MimeType: "application/pdf"}}
	meta, err := json.Marshal(f)
	if err != nil {
		return outcome{err: err.Error()}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="forsendelse"`)
	h.Set("Content-Type", "application/json;charset=UTF-8")
	pw, _ := mw.CreatePart(h) // writes to a bytes.Buffer do not fail
	pw.Write(meta)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="dokument"; filename="brev.pdf"`)
	h.Set("Content-Type", "application/pdf")
	pw, _ = mw.CreatePart(h)
	pw.Write(pdf)
	mw.Close()

	rctx, cancel := context.WithTimeout(ctx, leaseTime/2)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, ch.url, &body)
	if err != nil {
		return outcome{err: err.Error()}
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", s.id)
	if ch.cfg.IntegrationID != "" {
		req.Header.Set("IntegrasjonId", ch.cfg.IntegrationID)
		req.Header.Set("IntegrasjonPassord", ch.cfg.IntegrationPassword)
	}
	resp, err := ch.cfg.Client.Do(req)
	if err != nil {
		return outcome{err: "the endpoint could not be reached: " + redactURL(err.Error(), ch.url)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return outcome{err: fmt.Sprintf("HTTP %d, and the answer could not be read: %v", resp.StatusCode, err)}
	}
	return interpret(resp.StatusCode, answer)
}

// interpret reads the endpoint's answer.
func interpret(code int, answer []byte) outcome {
	switch {
	case code >= 200 && code < 300:
		var a struct {
			ID      string `json:"id"`
			Status  string `json:"status"`
			Melding string `json:"melding"`
		}
		if err := json.Unmarshal(answer, &a); err != nil {
			return outcome{err: fmt.Sprintf("HTTP %d, but the answer is not JSON with a shipment id: %q", code, snippet(answer))}
		}
		a.ID = strings.TrimSpace(a.ID)
		if a.ID == "" || len(a.ID) > 200 {
			return outcome{err: fmt.Sprintf("HTTP %d, but the answer has no usable shipment id: %q", code, snippet(answer))}
		}
		status := strings.Join(strings.FieldsFunc(strings.ToLower(a.Status), func(r rune) bool { return r == '_' || r == '-' || unicode.IsSpace(r) }), " ")
		if status == "ikke levert" {
			detail := "no digital mailbox"
			if m := snippet([]byte(a.Melding)); m != "" {
				detail += " (" + m + ")"
			}
			return outcome{status: DeliveryPrint, detail: detail + ": in the print queue", receipt: snippet([]byte(a.ID))}
		}
		return outcome{status: "delivered", detail: "digital mailbox, shipment " + snippet([]byte(a.ID)), receipt: snippet([]byte(a.ID))}
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests, code >= 500:
		return outcome{err: fmt.Sprintf("HTTP %d %s", code, snippet(answer))}
	default:
		return outcome{status: DeliveryPrint, detail: fmt.Sprintf("the endpoint refused the shipment (HTTP %d %s): in the print queue", code, snippet(answer)),
			err: fmt.Sprintf("HTTP %d", code)}
	}
}

// snippet is the start of an answer as one line of printable text.
func snippet(b []byte) string {
	s := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), " "))
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// redactURL keeps the endpoint's query (it may carry a secret) out of an
// error text.
func redactURL(msg, raw string) string {
	if u, err := url.Parse(raw); err == nil && u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, raw, u.Scheme+"://"+u.Host+u.Path)
	}
	return msg
}

// record writes the outcome of a try, if the claim still holds: the
// shipment, the letter's delivery status, and (when the letter's status
// changes) an audit entry.
func (ch *SvarUt) record(ctx context.Context, s shipment, out outcome, pdf []byte) error {
	now := ch.now()
	return ch.db.Tx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if out.status == "" {
			wait := time.Duration(1<<min(s.attempts, 7)) * 30 * time.Second
			wait = min(wait, time.Hour)
			res, err = tx.ExecContext(ctx, `UPDATE cases_shipments SET attempts = attempts + 1, next_attempt = $1, claimed_until = NULL, last_error = $2
				WHERE tenant_id = $3 AND id = $4 AND status = 'queued' AND claimed_until = $5`, now.Add(wait), out.err, s.tenant, s.id, s.lease)
			out.detail = fmt.Sprintf("try %d of %d failed (%s); trying again", s.attempts+1, ch.cfg.MaxAttempts, out.err)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE cases_shipments SET status = $1, attempts = attempts + 1, claimed_until = NULL, last_error = $2, receipt = $3,
				pdf = $4, done_at = $5 WHERE tenant_id = $6 AND id = $7 AND status = 'queued' AND claimed_until = $8`,
				out.status, out.err, out.receipt, pdf, now, s.tenant, s.id, s.lease)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err // the lease ran out and another node took it: its outcome stands
		}
		delivery := out.status
		if delivery == "" {
			delivery = "queued"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases_messages SET delivery = $1, delivery_detail = $2 WHERE tenant_id = $3 AND id = $4`,
			delivery, out.detail, s.tenant, s.messageID); err != nil {
			return err
		}
		if out.status == "" {
			return nil
		}
		_, err = ch.audit.Append(ctx, tx, audit.Entry{Tenant: s.tenant, ActorID: "system:svarut", ActorName: "Digital post", Role: "system",
			Action: "case.letter." + out.status, Object: "case:" + s.letter.CaseNumber, Subject: s.pid, Detail: out.detail})
		return err
	})
}
