-- Hearings (høringer): a document put out for comment with a deadline.
-- published_at is set when the hearing is put out, in the transaction
-- that creates its archive case (case_id, the saksmappe's systemID;
-- case_number, its mappeID "2026/12"). The result (a summary of the
-- statements and how the input was used) is published after the
-- deadline.
CREATE TABLE dialogue_hearings (
	tenant_id           TEXT      NOT NULL,
	id                  TEXT      NOT NULL,
	title               TEXT      NOT NULL,
	description         TEXT      NOT NULL,
	deadline            TIMESTAMP NOT NULL, -- the last moment statements are taken
	allow_publish       BOOLEAN   NOT NULL, -- statements may be published when their authors choose so
	unit                TEXT      NOT NULL, -- the administrative unit in charge
	case_id             TEXT      NOT NULL, -- empty until published
	case_number         TEXT      NOT NULL,
	result_summary      TEXT      NOT NULL,
	result_usage        TEXT      NOT NULL,
	result_published_at TIMESTAMP,
	published_at        TIMESTAMP,
	created_by          TEXT      NOT NULL,
	created_at          TIMESTAMP NOT NULL,
	modified_at         TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- The documents of a hearing, to read and download (files in the blob
-- store).
CREATE TABLE dialogue_hearing_documents (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	hearing_id   TEXT      NOT NULL,
	position     BIGINT    NOT NULL, -- 1.. in the order added
	title        TEXT      NOT NULL,
	file_name    TEXT      NOT NULL,
	content_type TEXT      NOT NULL,
	blob_id      TEXT      NOT NULL,
	size         BIGINT    NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dialogue_hearing_documents_hearing ON dialogue_hearing_documents (tenant_id, hearing_id);

-- Statements (høringsuttalelser). author is the signed-in person's
-- principal; org_number and org_name are set when they wrote on behalf of
-- an organisation. entry_id and entry_number are the incoming journal
-- entry in the hearing's archive case.
CREATE TABLE dialogue_statements (
	tenant_id    TEXT      NOT NULL,
	id           TEXT      NOT NULL,
	hearing_id   TEXT      NOT NULL,
	position     BIGINT    NOT NULL, -- 1.. in the order received
	author       TEXT      NOT NULL,
	author_name  TEXT      NOT NULL,
	email        TEXT      NOT NULL, -- for the receipt; may be empty
	org_number   TEXT      NOT NULL,
	org_name     TEXT      NOT NULL,
	body         TEXT      NOT NULL,
	publish      BOOLEAN   NOT NULL,
	entry_id     TEXT      NOT NULL,
	entry_number TEXT      NOT NULL,
	token        TEXT      NOT NULL, -- the form's one-time token, so a form sent twice makes one statement; may be empty
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX dialogue_statements_token ON dialogue_statements (tenant_id, author, token) WHERE token <> '';
CREATE INDEX dialogue_statements_hearing ON dialogue_statements (tenant_id, hearing_id, position);

-- The attachments of a statement, in the order given.
CREATE TABLE dialogue_statement_files (
	tenant_id    TEXT   NOT NULL,
	statement_id TEXT   NOT NULL,
	position     BIGINT NOT NULL,
	file_name    TEXT   NOT NULL,
	content_type TEXT   NOT NULL,
	blob_id      TEXT   NOT NULL,
	size         BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, statement_id, position)
);

-- Public questions to elected officials. official_id is the official's id
-- in the Officials source (the politics module); official_name is kept as
-- it was when asked. search is the lower-case text of the question, the
-- answer and the names, for LIKE search on both databases.
CREATE TABLE dialogue_questions (
	tenant_id     TEXT      NOT NULL,
	id            TEXT      NOT NULL,
	official_id   TEXT      NOT NULL,
	official_name TEXT      NOT NULL,
	asker         TEXT      NOT NULL,
	asker_name    TEXT      NOT NULL,
	email         TEXT      NOT NULL, -- for the receipt and the answer notice; may be empty
	body          TEXT      NOT NULL,
	answer        TEXT      NOT NULL,
	answered_by   TEXT      NOT NULL,
	answered_at   TIMESTAMP,
	hidden_reason TEXT      NOT NULL,
	hidden_by     TEXT      NOT NULL,
	hidden_at     TIMESTAMP,
	search        TEXT      NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dialogue_questions_created ON dialogue_questions (tenant_id, created_at);
CREATE INDEX dialogue_questions_official ON dialogue_questions (tenant_id, official_id);
