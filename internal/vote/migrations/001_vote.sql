-- Elections and referendums. The questions are fixed when the election is
-- created; election_json (the Belenios election.json, canonical bytes) is
-- made when it opens, from the trustees' public keys.
CREATE TABLE vote_elections (
	tenant_id     TEXT      NOT NULL,
	uuid          TEXT      NOT NULL, -- Belenios uuid, 14 Base58 characters
	name          TEXT      NOT NULL,
	description   TEXT      NOT NULL,
	questions     TEXT      NOT NULL, -- JSON: [{"question","answers","blank","min","max"}]
	level         TEXT      NOT NULL, -- ID-porten level a voter must sign in at
	opens_at      TIMESTAMP NOT NULL,
	closes_at     TIMESTAMP NOT NULL,
	state         TEXT      NOT NULL, -- setup, open, closed, tallied, published
	election_json TEXT      NOT NULL, -- '' until opened
	archive_time  BIGINT    NOT NULL, -- the record's header time (Unix seconds), set when opened
	result        TEXT      NOT NULL, -- the Result JSON, '' until tallied
	created_by    TEXT      NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, uuid)
);

-- Trustees: name, e-mail, the public key they uploaded (the server never
-- sees a private key) and their partial decryption after the close.
CREATE TABLE vote_trustees (
	tenant_id  TEXT   NOT NULL,
	uuid       TEXT   NOT NULL,
	idx        BIGINT NOT NULL, -- trustee id in the record, from 1
	name       TEXT   NOT NULL,
	email      TEXT   NOT NULL,
	token      TEXT   NOT NULL, -- the secret part of the trustee's link
	public_key TEXT   NOT NULL, -- canonical trustee_public_key JSON, '' until uploaded
	partial    TEXT   NOT NULL, -- canonical partial_decryption JSON, '' until uploaded
	PRIMARY KEY (tenant_id, uuid, idx)
);
CREATE UNIQUE INDEX vote_trustees_token ON vote_trustees (tenant_id, token);

-- The voter list: one row per fødselsnummer, with the voting credential
-- made when the election opens.
CREATE TABLE vote_voters (
	tenant_id  TEXT NOT NULL,
	uuid       TEXT NOT NULL,
	pid        TEXT NOT NULL,
	credential TEXT NOT NULL, -- secret credential, '' until opened
	public_cred TEXT NOT NULL, -- g^s in decimal, '' until opened
	PRIMARY KEY (tenant_id, uuid, pid)
);

-- The record's members (data files), by the SHA-256 hex of their bytes.
CREATE TABLE vote_data (
	tenant_id TEXT NOT NULL,
	uuid      TEXT NOT NULL,
	hash      TEXT NOT NULL,
	body      TEXT NOT NULL,
	PRIMARY KEY (tenant_id, uuid, hash)
);

-- The record's event chain, append-only: height 0 is Setup.
CREATE TABLE vote_events (
	tenant_id TEXT   NOT NULL,
	uuid      TEXT   NOT NULL,
	height    BIGINT NOT NULL,
	type      TEXT   NOT NULL,
	payload   TEXT   NOT NULL, -- hash of the payload member, '' for none
	hash      TEXT   NOT NULL, -- SHA-256 hex of the event's canonical JSON
	PRIMARY KEY (tenant_id, uuid, height)
);

-- Ballots as cast, append-only; the last one per credential counts.
CREATE TABLE vote_ballots (
	tenant_id   TEXT      NOT NULL,
	uuid        TEXT      NOT NULL,
	height      BIGINT    NOT NULL, -- its Ballot event
	tracker     TEXT      NOT NULL, -- smart ballot tracker: base64 SHA-256 of the ballot
	public_cred TEXT      NOT NULL,
	cast_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, uuid, height)
);
CREATE UNIQUE INDEX vote_ballots_tracker ON vote_ballots (tenant_id, uuid, tracker);
CREATE INDEX vote_ballots_cred ON vote_ballots (tenant_id, uuid, public_cred);
