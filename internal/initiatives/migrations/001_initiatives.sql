-- The key that turns a fødselsnummer into a person key (HMAC-SHA256), one
-- per municipality, made on first use. With it no table of this module
-- except initiatives_signers holds a raw fødselsnummer.
CREATE TABLE initiatives_secrets (
	tenant_id  TEXT      NOT NULL,
	secret     BYTEA     NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id)
);

-- The residents of the municipality (or county), imported from a
-- Folkeregister extract: only their person keys. An import replaces the
-- list. Production would ask Folkeregisteret instead (see Register).
CREATE TABLE initiatives_residents (
	tenant_id  TEXT NOT NULL,
	person_key TEXT NOT NULL, -- hex HMAC-SHA256 of the fødselsnummer
	PRIMARY KEY (tenant_id, person_key)
);

-- The last import per municipality: how many residents, when, by whom.
CREATE TABLE initiatives_register (
	tenant_id   TEXT      NOT NULL,
	population  BIGINT    NOT NULL,
	imported_at TIMESTAMP NOT NULL,
	imported_by TEXT      NOT NULL,
	PRIMARY KEY (tenant_id)
);

-- Citizen initiatives (kommuneloven § 12-1).
CREATE TABLE initiatives (
	tenant_id          TEXT      NOT NULL,
	id                 TEXT      NOT NULL, -- random, 16 hex digits
	title              TEXT      NOT NULL,
	body               TEXT      NOT NULL,
	initiator_key      TEXT      NOT NULL, -- the initiator's person key
	initiator_name     TEXT      NOT NULL,
	created_at         TIMESTAMP NOT NULL,
	signatures         BIGINT    NOT NULL, -- the count, kept with each signature
	state              TEXT      NOT NULL, -- open, reached, submitted
	reached_at         TIMESTAMP,          -- when the threshold was met
	reached_signatures BIGINT    NOT NULL, -- the count then
	threshold          BIGINT    NOT NULL, -- the threshold then (0 before)
	claim              TEXT      NOT NULL, -- who is creating the political case ('' nobody)
	claimed_at         TIMESTAMP,
	case_ref           TEXT      NOT NULL, -- the political case, once made
	submitted_at       TIMESTAMP,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX initiatives_created ON initiatives (tenant_id, created_at);
CREATE INDEX initiatives_state ON initiatives (state);

-- One row per signature: the person key (so one person signs once, even
-- under concurrency: the primary key) and the public commitment
-- SHA-256(salt || initiative id || person key). No time, on purpose: the
-- public list is sorted by commitment and cannot be tied to sign-in times.
CREATE TABLE initiatives_signatures (
	tenant_id     TEXT NOT NULL,
	initiative_id TEXT NOT NULL,
	person_key    TEXT NOT NULL,
	commitment    TEXT NOT NULL, -- hex
	PRIMARY KEY (tenant_id, initiative_id, person_key),
	UNIQUE (tenant_id, initiative_id, commitment)
);

-- Who signed, for the secretariat's check of the list (the law's check
-- needs the person: a name and fødselsnummer that can be looked up in the
-- population register). Read only through Service.ExportSigners, which
-- needs the secretariat role and a purpose and is audited.
CREATE TABLE initiatives_signers (
	tenant_id     TEXT      NOT NULL,
	initiative_id TEXT      NOT NULL,
	person_key    TEXT      NOT NULL,
	pid           TEXT      NOT NULL,
	name          TEXT      NOT NULL,
	signed_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, initiative_id, person_key)
);
