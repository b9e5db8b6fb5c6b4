-- Letters and decisions sent through the digital-mailbox channel (SvarUt):
-- a shipment is queued in the transaction that records the letter and
-- shipped by a worker outside it, with retries and backoff. id is the
-- shipment's id and the idempotency key the receiving end deduplicates on.
-- status: queued, delivered, print (in the print queue: no digital mailbox,
-- or delivery failed for good), printed (staff printed and posted it),
-- failed (the letter could not be read; should not happen).
CREATE TABLE cases_shipments (
	tenant_id       TEXT      NOT NULL,
	id              TEXT      NOT NULL,
	message_id      TEXT      NOT NULL, -- the letter in cases_messages
	case_id         TEXT      NOT NULL,
	recipient       TEXT      NOT NULL, -- fødselsnummer or organisasjonsnummer; '' when unknown
	recipient_name  TEXT      NOT NULL,
	status          TEXT      NOT NULL,
	attempts        BIGINT    NOT NULL,
	next_attempt    TIMESTAMP NOT NULL,
	claimed_until   TIMESTAMP,
	last_error      TEXT      NOT NULL,
	receipt         TEXT      NOT NULL, -- the receiving end's shipment id (forsendelse-id)
	pdf             BYTEA,              -- the printable letter, for the print queue
	created_at      TIMESTAMP NOT NULL,
	done_at         TIMESTAMP,          -- delivered, or put in the print queue
	printed_at      TIMESTAMP,
	printed_by      TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, message_id)
);
CREATE INDEX cases_shipments_due ON cases_shipments (status, next_attempt);
CREATE INDEX cases_shipments_print ON cases_shipments (tenant_id, status, done_at);
