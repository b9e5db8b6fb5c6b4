-- Published versions of each municipality's form definitions (JSON, see
-- package formdef). A submission keeps the version it was filled on.
CREATE TABLE forms_definitions (
	tenant_id    TEXT      NOT NULL,
	form_id      TEXT      NOT NULL,
	version      BIGINT    NOT NULL,
	definition   TEXT      NOT NULL,
	adopted_from TEXT      NOT NULL, -- "NNNN/form/version" when copied from the shared library
	published_at TIMESTAMP NOT NULL,
	published_by TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, form_id, version)
);

-- Drafts, saved at every page step. owner is the principal ("pid:...") or
-- "anon:<sha256 of the browser's draft token>" for forms without sign-in.
CREATE TABLE forms_drafts (
	tenant_id  TEXT      NOT NULL,
	id         TEXT      NOT NULL,
	form_id    TEXT      NOT NULL,
	version    BIGINT    NOT NULL,
	owner      TEXT      NOT NULL,
	answers    TEXT      NOT NULL,
	page       TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX forms_drafts_owner ON forms_drafts (tenant_id, owner);
CREATE INDEX forms_drafts_expiry ON forms_drafts (expires_at);

-- The last reference number given out per municipality and year.
CREATE TABLE forms_refseq (
	tenant_id TEXT   NOT NULL,
	year      BIGINT NOT NULL,
	last      BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, year)
);

-- Submissions. draft_id is unique, which makes submitting idempotent: a
-- double click, a reload or a retry after a timeout finds the submission
-- the first attempt made.
CREATE TABLE forms_submissions (
	tenant_id      TEXT      NOT NULL,
	id             TEXT      NOT NULL,
	reference      TEXT      NOT NULL,
	form_id        TEXT      NOT NULL,
	version        BIGINT    NOT NULL,
	draft_id       TEXT      NOT NULL,
	owner          TEXT      NOT NULL,
	submitter_name TEXT      NOT NULL,
	submitter_pid  TEXT      NOT NULL,
	email          TEXT      NOT NULL,
	answers        TEXT      NOT NULL,
	status         TEXT      NOT NULL,
	created_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, reference),
	UNIQUE (tenant_id, draft_id)
);
CREATE INDEX forms_submissions_owner ON forms_submissions (tenant_id, owner, created_at);
CREATE INDEX forms_submissions_form ON forms_submissions (tenant_id, form_id, created_at);
