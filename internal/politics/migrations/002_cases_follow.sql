-- Political cases (politiske saker): a matter that goes through one or
-- more bodies, linked to its case in the archive by the archive's case
-- number (archive_ref, "2026/123"; the archive is another module, so this
-- is a reference, not a key). origin says where it comes from (Origin*
-- constants) and signatures how many signed a citizens' initiative.
-- external_key, when not empty, is the caller's key (the initiatives
-- module's initiative id), unique per municipality, so that a retry never
-- makes two cases.
CREATE TABLE politics_cases (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	title        TEXT      NOT NULL,
	summary      TEXT      NOT NULL,
	archive_ref  TEXT      NOT NULL, -- may be empty
	origin       TEXT      NOT NULL,
	signatures   BIGINT    NOT NULL, -- 0 unless a citizens' initiative
	external_key TEXT      NOT NULL, -- may be empty
	created_at   TIMESTAMP NOT NULL,
	modified_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX politics_cases_key ON politics_cases (tenant_id, external_key) WHERE external_key <> '';

-- A case's planned path: the bodies it goes through, in order, each with
-- the day ("2026-03-12") or month ("2026-03") it is planned for.
CREATE TABLE politics_case_steps (
	tenant_id TEXT   NOT NULL,
	case_id   TEXT   NOT NULL,
	position  BIGINT NOT NULL, -- 1, 2, ...
	body_id   TEXT   NOT NULL,
	planned   TEXT   NOT NULL, -- "2026-03-12", "2026-03" or empty
	PRIMARY KEY (tenant_id, case_id, position)
);

-- An agenda item handles (a step of) a political case; NULL: none.
ALTER TABLE politics_items ADD COLUMN case_id TEXT;
CREATE INDEX politics_items_case ON politics_items (tenant_id, case_id);

-- Follows by e-mail of a body ("organ") or a case ("sak"). A request is
-- stored without its address: address_box is the address sealed with a
-- key made from the confirmation token, which only the e-mail holds, and
-- token_hash is that token's SHA-256. The address is stored in the clear
-- (email) only when the follow is confirmed; unconfirmed requests are
-- removed after a week. unsubscribe is the random token of the
-- unsubscribe link every digest carries. checked_at is the end of the
-- window the last digest looked at.
CREATE TABLE politics_follows (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	kind         TEXT      NOT NULL, -- "organ" or "sak"
	target_id    TEXT      NOT NULL,
	lang         TEXT      NOT NULL,
	token_hash   TEXT      NOT NULL,
	address_box  TEXT      NOT NULL, -- empty once confirmed
	email        TEXT      NOT NULL, -- empty until confirmed
	unsubscribe  TEXT      NOT NULL, -- empty until confirmed
	confirmed_at TIMESTAMP,
	checked_at   TIMESTAMP,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_follows_token ON politics_follows (tenant_id, token_hash);
CREATE INDEX politics_follows_unsubscribe ON politics_follows (tenant_id, unsubscribe);
CREATE INDEX politics_follows_target ON politics_follows (tenant_id, kind, target_id);

-- Messages citizens send to officials through the contact form, kept for
-- the official's own page for MessageDays days. The sender's name and
-- address are optional.
CREATE TABLE politics_messages (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	person_id    TEXT      NOT NULL,
	sender_name  TEXT      NOT NULL,
	sender_email TEXT      NOT NULL,
	body         TEXT      NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX politics_messages_person ON politics_messages (tenant_id, person_id, created_at);
