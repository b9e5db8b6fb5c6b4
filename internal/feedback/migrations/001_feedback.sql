-- The key that signs survey tickets, one per municipality, made on first
-- use. Tickets are checked against it; they are not stored when issued.
CREATE TABLE feedback_secrets (
	tenant_id  TEXT      NOT NULL,
	secret     BYTEA     NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id)
);

-- Tickets that have been used: the SHA-256 (hex) of the ticket's random
-- nonce, and when the ticket expires anyway (a month boundary, so the row
-- tells nothing finer than the month). Nothing here points to an answer or
-- a submission; rows past expires_at are purged.
CREATE TABLE feedback_spent_tickets (
	tenant_id  TEXT      NOT NULL,
	nonce_hash TEXT      NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, nonce_hash)
);
CREATE INDEX feedback_spent_tickets_expiry ON feedback_spent_tickets (expires_at);

-- Answers to the satisfaction question. Deliberately without a time finer
-- than the month, without a submission id and without a person: an answer
-- cannot be linked to the submission it followed.
CREATE TABLE feedback_answers (
	tenant_id  TEXT   NOT NULL,
	id         TEXT   NOT NULL, -- random
	service_id TEXT   NOT NULL, -- the form id, e.g. "barnehageplass"
	month      TEXT   NOT NULL, -- "2026-11", Europe/Oslo
	score      BIGINT NOT NULL, -- 1 to 5
	comment    TEXT   NOT NULL, -- may be empty
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX feedback_answers_month ON feedback_answers (tenant_id, month);

-- Submissions that came on paper, by phone or in person, registered by
-- staff in numbers per service and day, so the digital share per service
-- can be measured.
CREATE TABLE feedback_channel_counts (
	tenant_id          TEXT      NOT NULL,
	id                 TEXT      NOT NULL, -- random
	service_id         TEXT      NOT NULL, -- the form id
	day                TEXT      NOT NULL, -- "2026-11-23", the day they came
	channel            TEXT      NOT NULL, -- "papir", "telefon" or "oppmote"
	n                  BIGINT    NOT NULL, -- 1 to 1000
	registered_by      TEXT      NOT NULL, -- principal
	registered_by_name TEXT      NOT NULL,
	registered_at      TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX feedback_channel_counts_day ON feedback_channel_counts (tenant_id, day);
CREATE INDEX feedback_channel_counts_registered ON feedback_channel_counts (tenant_id, registered_at);
