-- Work for the in-process subscribers (other modules of Torg, e.g. case
-- handling taking on every submission): one row per event and subscriber,
-- written with the event. A subscriber's handler runs in a transaction that
-- also marks the row done, so its effect happens exactly once.
CREATE TABLE outbox_subscriptions (
	tenant_id     TEXT      NOT NULL,
	event_id      TEXT      NOT NULL,
	subscriber    TEXT      NOT NULL,
	attempts      BIGINT    NOT NULL,
	next_attempt  TIMESTAMP NOT NULL,
	claimed_until TIMESTAMP,
	done_at       TIMESTAMP,
	last_error    TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, event_id, subscriber)
);
CREATE INDEX outbox_subscriptions_due ON outbox_subscriptions (next_attempt) WHERE done_at IS NULL;
