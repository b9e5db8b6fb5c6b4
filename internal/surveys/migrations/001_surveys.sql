-- Questionnaires made by staff. status: "draft", "open" or "closed";
-- audience: "open" (a link anyone may use) or "list" (personal single-use
-- links sent by e-mail). secret keys the one-answer-per-person markers of
-- an open survey.
CREATE TABLE surveys_surveys (
	tenant_id       TEXT      NOT NULL,
	id              TEXT      NOT NULL,
	title           TEXT      NOT NULL,
	intro           TEXT      NOT NULL,
	anonymous       BOOLEAN   NOT NULL,
	one_answer      BOOLEAN   NOT NULL,
	audience        TEXT      NOT NULL,
	status          TEXT      NOT NULL,
	secret          BYTEA     NOT NULL,
	created_by      TEXT      NOT NULL,
	created_by_name TEXT      NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	updated_at      TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- The questions of a survey in order. options and item_labels hold one
-- entry a line (the choices; the rows of a matrix). A question with a
-- cond_question is shown only when that earlier question was answered with
-- choice cond_choice (an option index, or a scale value).
CREATE TABLE surveys_questions (
	tenant_id     TEXT    NOT NULL,
	survey_id     TEXT    NOT NULL,
	id            TEXT    NOT NULL,
	position      BIGINT  NOT NULL,
	kind          TEXT    NOT NULL, -- single, multiple, scale, matrix, text
	text          TEXT    NOT NULL,
	help          TEXT    NOT NULL,
	required      BOOLEAN NOT NULL,
	options       TEXT    NOT NULL,
	item_labels   TEXT    NOT NULL,
	scale_min     BIGINT  NOT NULL,
	scale_max     BIGINT  NOT NULL,
	low_label     TEXT    NOT NULL,
	high_label    TEXT    NOT NULL,
	cond_question TEXT    NOT NULL, -- empty: always shown
	cond_choice   BIGINT  NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, id)
);

-- One row per answer given (a response). Deliberately no person, no
-- session, no client address and no time finer than the day: who answered
-- an identified survey is in surveys_respondents, and an anonymous survey
-- has no such rows.
CREATE TABLE surveys_responses (
	tenant_id TEXT NOT NULL,
	survey_id TEXT NOT NULL,
	id        TEXT NOT NULL, -- random
	day       TEXT NOT NULL, -- "2026-11-23", Europe/Oslo
	PRIMARY KEY (tenant_id, survey_id, id)
);

-- The answers of a response, one row per choice made (item: the matrix
-- row, else 0; choice: the option index or scale value, 0 for free text).
CREATE TABLE surveys_answers (
	tenant_id   TEXT   NOT NULL,
	survey_id   TEXT   NOT NULL,
	response_id TEXT   NOT NULL,
	question_id TEXT   NOT NULL,
	item        BIGINT NOT NULL,
	choice      BIGINT NOT NULL,
	text        TEXT   NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, response_id, question_id, item, choice)
);
-- For breakdowns: the answers to one (background) question of a survey.
CREATE INDEX surveys_answers_question ON surveys_answers (tenant_id, survey_id, question_id, item, choice, response_id);

-- Counters kept in the answering transaction, so the results page reads a
-- few rows however many answers there are. (question, item, choice) as in
-- surveys_answers; item = -1 and choice = -1 count the responses that
-- answered the question; question_id '' counts the responses.
CREATE TABLE surveys_counts (
	tenant_id   TEXT   NOT NULL,
	survey_id   TEXT   NOT NULL,
	question_id TEXT   NOT NULL,
	item        BIGINT NOT NULL,
	choice      BIGINT NOT NULL,
	n           BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, question_id, item, choice)
);

-- Who gave a response, for identified surveys only.
CREATE TABLE surveys_respondents (
	tenant_id   TEXT NOT NULL,
	survey_id   TEXT NOT NULL,
	response_id TEXT NOT NULL,
	principal   TEXT NOT NULL, -- "pid:…", "email:…", or "" for a list address
	name        TEXT NOT NULL,
	email       TEXT NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, response_id)
);

-- One-answer-per-person markers of open surveys: an HMAC of the person
-- under the survey's secret. Nothing here points to a response.
CREATE TABLE surveys_markers (
	tenant_id  TEXT NOT NULL,
	survey_id  TEXT NOT NULL,
	person_key TEXT NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, person_key)
);

-- The addresses of a list survey. token_hash is the SHA-256 (hex) of the
-- personal link's token, set when the mail is queued; answered says the
-- link has been used, nothing about which response it gave.
CREATE TABLE surveys_invites (
	tenant_id  TEXT      NOT NULL,
	survey_id  TEXT      NOT NULL,
	email      TEXT      NOT NULL,
	token_hash TEXT      NOT NULL, -- empty until sent
	sent_at    TIMESTAMP,
	answered   BOOLEAN   NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, email)
);
CREATE INDEX surveys_invites_token ON surveys_invites (tenant_id, survey_id, token_hash);

-- Breakdown counters, kept in the answering transaction like
-- surveys_counts: how many responses that answered the single-choice or
-- scale question bg_question with bg_choice made each choice (question,
-- item, choice) of the other questions. A breakdown reads these rows, not
-- the answers.
CREATE TABLE surveys_cross (
	tenant_id   TEXT   NOT NULL,
	survey_id   TEXT   NOT NULL,
	bg_question TEXT   NOT NULL,
	bg_choice   BIGINT NOT NULL,
	question_id TEXT   NOT NULL,
	item        BIGINT NOT NULL,
	choice      BIGINT NOT NULL,
	n           BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, survey_id, bg_question, bg_choice, question_id, item, choice)
);
