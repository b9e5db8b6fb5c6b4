-- Legislative terms (valgperioder), e.g. "2023–2027". Dates are
-- "2006-01-02" in TEXT; the last day is included.
CREATE TABLE politics_terms (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL, -- "2023-2027"
	name        TEXT      NOT NULL, -- "2023–2027"
	start_date  TEXT      NOT NULL,
	end_date    TEXT      NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	modified_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- Parties and lists (partier og lister) that elected officials represent.
CREATE TABLE politics_parties (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL, -- "ap", "frp"
	short_name  TEXT      NOT NULL, -- "Ap", "FrP"
	name        TEXT      NOT NULL, -- "Arbeiderpartiet"
	created_at  TIMESTAMP NOT NULL,
	modified_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- Elected bodies (politiske organ): kommunestyre, formannskap, utvalg,
-- råd. kind is one of the Kind* constants.
CREATE TABLE politics_bodies (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL, -- a slug, "kommunestyret"
	name        TEXT      NOT NULL,
	short_name  TEXT      NOT NULL,
	kind        TEXT      NOT NULL,
	description TEXT      NOT NULL,
	term_id     TEXT      NOT NULL, -- the legislative term it is elected for; may be empty
	position    BIGINT    NOT NULL, -- the order of the list of bodies
	created_at  TIMESTAMP NOT NULL,
	modified_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- Elected officials (folkevalgte). email is never shown: citizens write
-- through the contact form, and it is the official's staff sign-in
-- ("email:" + email) that lets them read their bodies' exempt documents.
CREATE TABLE politics_people (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL, -- random
	given_name  TEXT      NOT NULL,
	family_name TEXT      NOT NULL,
	party_id    TEXT      NOT NULL, -- may be empty
	title       TEXT      NOT NULL, -- "ordfører"; may be empty
	about       TEXT      NOT NULL, -- a short public presentation; may be empty
	email       TEXT      NOT NULL, -- lower case; may be empty
	created_at  TIMESTAMP NOT NULL,
	modified_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_people_email ON politics_people (tenant_id, email);

-- A person's seat in a body for a period: member, deputy, chair or
-- deputy chair, on behalf of a party.
CREATE TABLE politics_memberships (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	person_id    TEXT      NOT NULL,
	body_id      TEXT      NOT NULL,
	role         TEXT      NOT NULL, -- Role* constants
	party_id     TEXT      NOT NULL, -- on behalf of; may be empty
	start_date   TEXT      NOT NULL,
	end_date     TEXT      NOT NULL, -- may be empty: open
	voting_right BOOLEAN   NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	modified_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_memberships_body ON politics_memberships (tenant_id, body_id);
CREATE INDEX politics_memberships_person ON politics_memberships (tenant_id, person_id);

-- Meetings. A meeting is planned by the secretariat; published_at is set
-- in the one transaction that sends the notice to the members and makes
-- the agenda and its public documents public. A closed meeting (lukket
-- møte) is held behind closed doors on closed_basis: none of its items is
-- public.
CREATE TABLE politics_meetings (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	body_id      TEXT      NOT NULL,
	start_at     TIMESTAMP NOT NULL,
	end_at       TIMESTAMP NOT NULL,
	place        TEXT      NOT NULL, -- "Kommunestyresalen, rådhuset"
	address      TEXT      NOT NULL, -- "Storgata 1, 9999 Demo"; may be empty
	closed       BOOLEAN   NOT NULL,
	closed_basis TEXT      NOT NULL, -- legal basis of a closed meeting
	stream_url   TEXT      NOT NULL, -- live stream; may be empty
	video_url    TEXT      NOT NULL, -- recording; may be empty
	published_at TIMESTAMP,          -- when the notice was sent
	created_at   TIMESTAMP NOT NULL,
	modified_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_meetings_start ON politics_meetings (tenant_id, start_at);
CREATE INDEX politics_meetings_body ON politics_meetings (tenant_id, body_id, start_at);

-- Agenda items (saker på sakskartet) and, once recorded, their decision
-- and vote. An exempt item is handled behind closed doors on legal_basis;
-- the public sees only public_title.
CREATE TABLE politics_items (
	tenant_id     TEXT      NOT NULL,
	id            TEXT      NOT NULL,
	meeting_id    TEXT      NOT NULL,
	position      BIGINT    NOT NULL, -- 1, 2, ...: the order on the agenda
	number        TEXT      NOT NULL, -- "PS 12/26"
	title         TEXT      NOT NULL,
	case_ref      TEXT      NOT NULL, -- the archive's case number, "2026/123"; may be empty
	exempt        BOOLEAN   NOT NULL,
	legal_basis   TEXT      NOT NULL,
	public_title  TEXT      NOT NULL, -- shown instead of title when exempt; may be empty
	decision      TEXT      NOT NULL, -- may be empty: not decided yet
	decided_at    TIMESTAMP,
	votes_for     BIGINT,             -- NULL: no vote recorded
	votes_against BIGINT,
	votes_abstain BIGINT,
	video_offset  BIGINT,             -- seconds into the meeting's recording; NULL: none
	created_at    TIMESTAMP NOT NULL,
	modified_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_items_meeting ON politics_items (tenant_id, meeting_id, position);

-- Votes on an item counted by party, where recorded.
CREATE TABLE politics_party_votes (
	tenant_id  TEXT   NOT NULL,
	item_id    TEXT   NOT NULL,
	party_id   TEXT   NOT NULL,
	n_for      BIGINT NOT NULL,
	n_against  BIGINT NOT NULL,
	n_abstain  BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, item_id, party_id)
);

-- Votes on an item by member (roll call), where recorded.
CREATE TABLE politics_member_votes (
	tenant_id TEXT NOT NULL,
	item_id   TEXT NOT NULL,
	person_id TEXT NOT NULL,
	vote      TEXT NOT NULL, -- "for", "mot", "avstar"
	PRIMARY KEY (tenant_id, item_id, person_id)
);

-- Case documents of an item (saksframlegg and attachments), PDF files in
-- the blob store. An exempt document is never public.
CREATE TABLE politics_documents (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL,
	item_id     TEXT      NOT NULL,
	kind        TEXT      NOT NULL, -- "saksframlegg" or "vedlegg"
	title       TEXT      NOT NULL,
	file_name   TEXT      NOT NULL,
	blob_sum    TEXT      NOT NULL, -- SHA-256 (hex) in the blob store
	sha1        TEXT      NOT NULL, -- SHA-1 (hex), for OParl's sha1Checksum
	size        BIGINT    NOT NULL,
	exempt      BOOLEAN   NOT NULL,
	legal_basis TEXT      NOT NULL,
	position    BIGINT    NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	modified_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_documents_item ON politics_documents (tenant_id, item_id, position);

-- One-time tokens of the contact form, so that sending the same form twice
-- (a reload, a double click) sends one message. Only a hash is kept, and
-- only for a day.
CREATE TABLE politics_contact_tokens (
	tenant_id  TEXT      NOT NULL,
	token_hash TEXT      NOT NULL,
	person_id  TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX politics_contact_tokens_age ON politics_contact_tokens (tenant_id, created_at);
