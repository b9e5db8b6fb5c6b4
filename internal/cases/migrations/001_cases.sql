-- Case handling (saksbehandling) on top of the Noark 5 record kept by the
-- archive module: what the case workers' inbox and the citizen's Min side
-- need that the record does not hold. id is the saksmappe's systemID.
CREATE TABLE cases_cases (
	tenant_id         TEXT      NOT NULL,
	id                TEXT      NOT NULL,
	case_number       TEXT      NOT NULL, -- saksaar/sakssekvensnummer, e.g. "2026/12"
	form_id           TEXT      NOT NULL,
	title             TEXT      NOT NULL,
	submission_id     TEXT      NOT NULL,
	submission_ref    TEXT      NOT NULL,
	citizen           TEXT      NOT NULL, -- the submitter's principal ("pid:..." or "anon:...")
	citizen_pid       TEXT      NOT NULL,
	citizen_name      TEXT      NOT NULL,
	email             TEXT      NOT NULL,
	unit              TEXT      NOT NULL, -- administrativ enhet the case is routed to
	assignee          TEXT      NOT NULL, -- principal of the case worker; '' when nobody
	assignee_name     TEXT      NOT NULL,
	status            TEXT      NOT NULL, -- open, closed
	deadline          TIMESTAMP,
	created_at        TIMESTAMP NOT NULL,
	closed_at         TIMESTAMP,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, submission_id)
);
CREATE INDEX cases_cases_inbox ON cases_cases (tenant_id, status, deadline);
CREATE INDEX cases_cases_citizen ON cases_cases (tenant_id, citizen);

-- What was written in a case: internal notes (journalpost N), letters and
-- decisions to the citizen (U) and the citizen's replies (I). entry_id is
-- the journalpost's systemID.
CREATE TABLE cases_messages (
	tenant_id        TEXT      NOT NULL,
	id               TEXT      NOT NULL,
	case_id          TEXT      NOT NULL,
	entry_id         TEXT      NOT NULL,
	kind             TEXT      NOT NULL, -- note, letter, decision, reply
	title            TEXT      NOT NULL,
	body             TEXT      NOT NULL,
	legal_basis      TEXT      NOT NULL, -- decisions
	appeal           TEXT      NOT NULL, -- decisions: the right to appeal
	author           TEXT      NOT NULL,
	author_name      TEXT      NOT NULL,
	channel          TEXT      NOT NULL, -- letters: the delivery channel
	delivery         TEXT      NOT NULL, -- letters: queued, delivered, failed
	delivery_detail  TEXT      NOT NULL,
	created_at       TIMESTAMP NOT NULL,
	read_at          TIMESTAMP,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX cases_messages_case ON cases_messages (tenant_id, case_id, created_at);
