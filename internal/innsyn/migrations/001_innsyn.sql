-- Access requests (innsynskrav) under offentleglova (package innsyn).
-- Times are UTC; deadline is a date (midnight UTC) meaning the end of that
-- day in Norway. Optional times are NULL when absent; optional text ''.

-- A request: who asked, when, and by which date it must be answered.
-- requester is the key the rate limit counts by: the principal when the
-- requester was signed in, else "email:<address>". token_hash is the
-- SHA-256 (hex) of the status link's token; the token itself is never
-- stored.
CREATE TABLE innsyn_request (
	tenant_id  TEXT      NOT NULL,
	id         TEXT      NOT NULL,
	requester  TEXT      NOT NULL,
	principal  TEXT      NOT NULL, -- '' when not signed in
	email      TEXT      NOT NULL, -- '' when signed in without one
	lang       TEXT      NOT NULL, -- nb nn en: the language of the e-mails
	created_at TIMESTAMP NOT NULL,
	deadline   TIMESTAMP NOT NULL,
	token_hash TEXT      NOT NULL,
	closed_at  TIMESTAMP,          -- set when every entry is decided
	PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX innsyn_request_token ON innsyn_request (tenant_id, token_hash);
CREATE INDEX innsyn_request_requester ON innsyn_request (tenant_id, requester, created_at);
CREATE INDEX innsyn_request_open ON innsyn_request (tenant_id, closed_at, deadline);

-- The entries (journalposter) of a request, nr 1.. in the order asked,
-- each with the unit that answers for it and its decision: '' open,
-- granted, partly (a redacted copy), refused.
CREATE TABLE innsyn_line (
	tenant_id       TEXT      NOT NULL,
	request_id      TEXT      NOT NULL,
	nr              BIGINT    NOT NULL,
	entry_id        TEXT      NOT NULL, -- the journalpost's systemID
	registrering_id TEXT      NOT NULL, -- "2026/12-3", as asked for
	public_title    TEXT      NOT NULL, -- the entry's public title when asked for
	unit            TEXT      NOT NULL, -- administrativ enhet of the case
	decision        TEXT      NOT NULL,
	legal_basis     TEXT      NOT NULL,
	complaint       TEXT      NOT NULL, -- the right to complain, as told to the requester
	note            TEXT      NOT NULL, -- a message to the requester
	decided_at      TIMESTAMP,
	decided_by      TEXT      NOT NULL,
	redacted_blob   TEXT      NOT NULL, -- SHA-256 of the redacted copy in the blob store
	redacted_name   TEXT      NOT NULL,
	redacted_type   TEXT      NOT NULL,
	redacted_size   BIGINT    NOT NULL,
	PRIMARY KEY (tenant_id, request_id, nr)
);
CREATE INDEX innsyn_line_unit ON innsyn_line (tenant_id, unit, decided_at);

-- Reminders sent to a unit about a request: kind 'soon' (within one
-- working day of the deadline) or 'overdue'. The key makes each one sent
-- once.
CREATE TABLE innsyn_reminder (
	tenant_id  TEXT      NOT NULL,
	request_id TEXT      NOT NULL,
	unit       TEXT      NOT NULL,
	kind       TEXT      NOT NULL,
	sent_at    TIMESTAMP NOT NULL,
	recipients BIGINT    NOT NULL,
	PRIMARY KEY (tenant_id, request_id, unit, kind)
);
