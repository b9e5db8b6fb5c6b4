-- E-mail waiting to be sent or sent, written in the same transaction as the
-- change that causes it, so a receipt promised is a receipt sent.
CREATE TABLE notify_mail (
	tenant_id     TEXT      NOT NULL,
	id            TEXT      NOT NULL,
	recipient     TEXT      NOT NULL,
	subject       TEXT      NOT NULL,
	body          TEXT      NOT NULL,
	attempts      BIGINT    NOT NULL,
	next_attempt  TIMESTAMP NOT NULL,
	claimed_until TIMESTAMP,
	sent_at       TIMESTAMP,
	last_error    TEXT      NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX notify_mail_due ON notify_mail (next_attempt) WHERE sent_at IS NULL;
