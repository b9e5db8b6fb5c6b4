-- The audit log: one row per change and per read of personal data, chained
-- per tenant by SHA-256 (see the package documentation of internal/audit for
-- the hash encoding). The application only ever inserts into audit_log.
CREATE TABLE audit_log (
	tenant_id  TEXT      NOT NULL,
	seq        BIGINT    NOT NULL,
	at         TIMESTAMP NOT NULL,
	actor_id   TEXT      NOT NULL,
	actor_name TEXT      NOT NULL,
	role       TEXT      NOT NULL,
	action     TEXT      NOT NULL,
	object     TEXT      NOT NULL,
	subject    TEXT      NOT NULL,
	purpose    TEXT      NOT NULL,
	request_id TEXT      NOT NULL,
	detail     TEXT      NOT NULL,
	prev_hash  TEXT      NOT NULL,
	hash       TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, seq)
);

-- "Who looked at my data": a person's entries, newest first.
CREATE INDEX audit_log_subject ON audit_log (tenant_id, subject, seq);

-- The head of each tenant's chain: the number of entries and the hash of the
-- last one. Appends lock this row, which serialises them per tenant, and it
-- lets Verify notice that the last entries were removed.
CREATE TABLE audit_head (
	tenant_id TEXT   NOT NULL,
	seq       BIGINT NOT NULL,
	hash      TEXT   NOT NULL,
	PRIMARY KEY (tenant_id)
);
