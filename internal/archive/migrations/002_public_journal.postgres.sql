-- The public journal (offentlig journal / postjournal) of package archive:
-- a search index of the entries the public may see, holding only public
-- text (screened titles and names are never written here), kept up to date
-- through a queue that triggers fill in the same transaction as every
-- change to an entry, its parties, its screening or its case's title. The
-- archive drains the queue before it searches (archive.PublicJournal).
-- The tables are those of 002_public_journal.sqlite.sql; the text search
-- is a GIN index on sok, to_tsvector('norwegian', tekst).

CREATE TABLE archive_oj_tenant (
	tenant_id TEXT   NOT NULL,
	nr        BIGINT NOT NULL,
	drains    BIGINT NOT NULL,
	PRIMARY KEY (tenant_id),
	UNIQUE (nr)
);

CREATE TABLE archive_oj_queue (
	tenant_id TEXT   NOT NULL,
	jnr       BIGINT NOT NULL,
	versjon   BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, jnr)
);

-- tekst is the entry's public words as written; sok is its stemmed form,
-- stored so that a search filters rows without stemming them again.
CREATE TABLE archive_oj_entry (
	tenant_id           TEXT   NOT NULL,
	sok_id              BIGINT NOT NULL,
	jnr                 BIGINT NOT NULL,
	journalposttype     TEXT   NOT NULL,
	administrativ_enhet TEXT   NOT NULL,
	saksaar             BIGINT NOT NULL,
	sakssekvensnummer   BIGINT NOT NULL,
	tekst               TEXT   NOT NULL,
	sok                 TSVECTOR GENERATED ALWAYS AS (to_tsvector('norwegian', tekst)) STORED,
	PRIMARY KEY (tenant_id, sok_id),
	UNIQUE (tenant_id, jnr)
);
CREATE INDEX archive_oj_entry_type ON archive_oj_entry (tenant_id, journalposttype, sok_id);
CREATE INDEX archive_oj_entry_enhet ON archive_oj_entry (tenant_id, administrativ_enhet, sok_id);
CREATE INDEX archive_oj_entry_sak ON archive_oj_entry (tenant_id, saksaar, sakssekvensnummer, sok_id);
-- Without the pending list (fastupdate), searches need not scan the
-- entries added since the last vacuum.
CREATE INDEX archive_oj_entry_sok ON archive_oj_entry USING GIN (sok) WITH (fastupdate = off);

CREATE TABLE archive_oj_unit (
	tenant_id           TEXT NOT NULL,
	administrativ_enhet TEXT NOT NULL,
	PRIMARY KEY (tenant_id, administrativ_enhet)
);

CREATE FUNCTION archive_oj_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r RECORD;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
	ELSE
		r := NEW;
	END IF;
	IF TG_TABLE_NAME = 'archive_saksmappe' THEN
		INSERT INTO archive_oj_queue (tenant_id, jnr, versjon)
		SELECT j.tenant_id, j.jnr, 1 FROM archive_journalpost j WHERE j.tenant_id = r.tenant_id AND j.saksmappe_id = r.system_id
		ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = archive_oj_queue.versjon + 1;
	ELSIF TG_TABLE_NAME = 'archive_skjerming' AND r.jnr = 0 THEN
		INSERT INTO archive_oj_queue (tenant_id, jnr, versjon)
		SELECT j.tenant_id, j.jnr, 1 FROM archive_journalpost j WHERE j.tenant_id = r.tenant_id AND j.saksmappe_id = r.arkivenhet_id
		ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = archive_oj_queue.versjon + 1;
	ELSE
		INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (r.tenant_id, r.jnr, 1)
		ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = archive_oj_queue.versjon + 1;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER archive_oj_journalpost AFTER INSERT OR UPDATE OR DELETE ON archive_journalpost
	FOR EACH ROW EXECUTE FUNCTION archive_oj_enqueue();
CREATE TRIGGER archive_oj_part AFTER INSERT OR UPDATE OR DELETE ON archive_korrespondansepart
	FOR EACH ROW EXECUTE FUNCTION archive_oj_enqueue();
CREATE TRIGGER archive_oj_skjerming AFTER INSERT OR UPDATE OR DELETE ON archive_skjerming
	FOR EACH ROW EXECUTE FUNCTION archive_oj_enqueue();
CREATE TRIGGER archive_oj_saksmappe AFTER UPDATE OF tittel, offentlig_tittel ON archive_saksmappe
	FOR EACH ROW EXECUTE FUNCTION archive_oj_enqueue();

INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) SELECT tenant_id, jnr, 1 FROM archive_journalpost
ON CONFLICT (tenant_id, jnr) DO NOTHING;
