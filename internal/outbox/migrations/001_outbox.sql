-- Events written in the same transaction as the change they describe.
CREATE TABLE outbox_events (
	tenant_id  TEXT      NOT NULL,
	id         TEXT      NOT NULL,
	type       TEXT      NOT NULL,
	subject    TEXT      NOT NULL,
	data       TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- Receivers of events (domain systems), per municipality.
CREATE TABLE outbox_webhooks (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL,
	url         TEXT      NOT NULL,
	secret      TEXT      NOT NULL,
	event_types TEXT      NOT NULL, -- space-separated type prefixes; empty = all
	active      BOOLEAN   NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- One row per event and receiver: delivered once acknowledged with 2xx,
-- otherwise retried with backoff. claimed_until is a lease, so that any
-- number of nodes can dispatch without delivering one event twice at once.
CREATE TABLE outbox_deliveries (
	tenant_id     TEXT      NOT NULL,
	event_id      TEXT      NOT NULL,
	webhook_id    TEXT      NOT NULL,
	attempts      BIGINT    NOT NULL,
	next_attempt  TIMESTAMP NOT NULL,
	claimed_until TIMESTAMP,
	delivered_at  TIMESTAMP,
	last_error    TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, event_id, webhook_id)
);
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (next_attempt) WHERE delivered_at IS NULL;
