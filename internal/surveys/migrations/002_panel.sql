-- Panel surveys (audience "panel"): sent by another module (the citizens'
-- panel) to its members, each with a personal single-use link, like a
-- list survey, but keyed by an opaque recipient key instead of an e-mail
-- address (the address is used to queue the mail and not stored here),
-- and carrying the member's background cell ("stratum", e.g.
-- "30-44|Sentrum") so that results can be weighted.

-- The background cell of a panel survey's response; '' for other surveys.
-- It says which group the respondent belongs to, never who.
ALTER TABLE surveys_responses ADD COLUMN stratum TEXT NOT NULL DEFAULT '';

-- The invitations of a panel survey. token_hash is the SHA-256 (hex) of
-- the link's token; answered says the link has been used, not which
-- response it gave. Revoked (deleted) when the member leaves the panel.
CREATE TABLE surveys_panel_invites (
	tenant_id  TEXT      NOT NULL,
	survey_id  TEXT      NOT NULL,
	recipient  TEXT      NOT NULL,
	token_hash TEXT      NOT NULL,
	stratum    TEXT      NOT NULL,
	sent_at    TIMESTAMP NOT NULL,
	answered   BOOLEAN   NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, recipient)
);
CREATE INDEX surveys_panel_invites_token ON surveys_panel_invites (tenant_id, survey_id, token_hash);
CREATE INDEX surveys_panel_invites_recipient ON surveys_panel_invites (tenant_id, recipient);

-- Counters per background cell, kept in the answering transaction like
-- surveys_counts (same question, item, choice; item = -1 and choice = -1
-- count the responses of the cell that answered the question;
-- question_id '' counts the cell's responses), for weighted results.
CREATE TABLE surveys_strata_counts (
	tenant_id   TEXT   NOT NULL,
	survey_id   TEXT   NOT NULL,
	stratum     TEXT   NOT NULL,
	question_id TEXT   NOT NULL,
	item        BIGINT NOT NULL,
	choice      BIGINT NOT NULL,
	n           BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, stratum, question_id, item, choice)
);
