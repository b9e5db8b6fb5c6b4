-- The public journal (offentlig journal / postjournal) of package archive:
-- a search index of the entries the public may see, holding only public
-- text (screened titles and names are never written here), kept up to date
-- through a queue that triggers fill in the same transaction as every
-- change to an entry, its parties, its screening or its case's title. The
-- archive drains the queue before it searches (archive.PublicJournal).

-- Each municipality's number in the index's sort keys, and a row that
-- the indexer holds while it drains the queue.
CREATE TABLE archive_oj_tenant (
	tenant_id TEXT   NOT NULL,
	nr        BIGINT NOT NULL,
	drains    BIGINT NOT NULL,
	PRIMARY KEY (tenant_id),
	UNIQUE (nr)
);

-- Entries to (re)index; versjon grows with every change, so the indexer
-- only removes the version it has indexed.
CREATE TABLE archive_oj_queue (
	tenant_id TEXT   NOT NULL,
	jnr       BIGINT NOT NULL,
	versjon   BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, jnr)
);

-- One row per public entry. sok_id is the sort key: the municipality's nr
-- × 10^14 + journaldato in days since 1970 × 10^9 + journalsekvensnummer,
-- so the journal's order (newest first) and a date range are a range of
-- sok_id, also in the full-text table (whose rowid is sok_id). tekst is
-- the entry's public words, stemmed (see publicjournal_stem.go).
CREATE TABLE archive_oj_entry (
	tenant_id           TEXT   NOT NULL,
	sok_id              BIGINT NOT NULL,
	jnr                 BIGINT NOT NULL,
	journalposttype     TEXT   NOT NULL,
	administrativ_enhet TEXT   NOT NULL,
	saksaar             BIGINT NOT NULL,
	sakssekvensnummer   BIGINT NOT NULL,
	tekst               TEXT   NOT NULL,
	PRIMARY KEY (tenant_id, sok_id),
	UNIQUE (tenant_id, jnr)
);
CREATE INDEX archive_oj_entry_type ON archive_oj_entry (tenant_id, journalposttype, sok_id);
CREATE INDEX archive_oj_entry_enhet ON archive_oj_entry (tenant_id, administrativ_enhet, sok_id);
CREATE INDEX archive_oj_entry_sak ON archive_oj_entry (tenant_id, saksaar, sakssekvensnummer, sok_id);

-- The units that have public entries, for the search form.
CREATE TABLE archive_oj_unit (
	tenant_id           TEXT NOT NULL,
	administrativ_enhet TEXT NOT NULL,
	PRIMARY KEY (tenant_id, administrativ_enhet)
);

CREATE VIRTUAL TABLE archive_oj_fts USING fts5(tekst, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');

CREATE TRIGGER archive_oj_journalpost_ins AFTER INSERT ON archive_journalpost BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (NEW.tenant_id, NEW.jnr, 1)
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_journalpost_upd AFTER UPDATE ON archive_journalpost BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (NEW.tenant_id, NEW.jnr, 1)
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_journalpost_del AFTER DELETE ON archive_journalpost BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (OLD.tenant_id, OLD.jnr, 1)
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_part_ins AFTER INSERT ON archive_korrespondansepart BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (NEW.tenant_id, NEW.jnr, 1)
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_part_upd AFTER UPDATE ON archive_korrespondansepart BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (NEW.tenant_id, NEW.jnr, 1)
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_part_del AFTER DELETE ON archive_korrespondansepart BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) VALUES (OLD.tenant_id, OLD.jnr, 1)
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
-- Screening of an entry or its documents (jnr > 0), or of a case (jnr 0:
-- every entry of the case).
CREATE TRIGGER archive_oj_skjerming_ins AFTER INSERT ON archive_skjerming BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon)
	SELECT NEW.tenant_id, NEW.jnr, 1 WHERE NEW.jnr > 0
	UNION ALL SELECT j.tenant_id, j.jnr, 1 FROM archive_journalpost j
	WHERE NEW.jnr = 0 AND j.tenant_id = NEW.tenant_id AND j.saksmappe_id = NEW.arkivenhet_id
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_skjerming_upd AFTER UPDATE ON archive_skjerming BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon)
	SELECT NEW.tenant_id, NEW.jnr, 1 WHERE NEW.jnr > 0
	UNION ALL SELECT j.tenant_id, j.jnr, 1 FROM archive_journalpost j
	WHERE NEW.jnr = 0 AND j.tenant_id = NEW.tenant_id AND j.saksmappe_id = NEW.arkivenhet_id
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_skjerming_del AFTER DELETE ON archive_skjerming BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon)
	SELECT OLD.tenant_id, OLD.jnr, 1 WHERE OLD.jnr > 0
	UNION ALL SELECT j.tenant_id, j.jnr, 1 FROM archive_journalpost j
	WHERE OLD.jnr = 0 AND j.tenant_id = OLD.tenant_id AND j.saksmappe_id = OLD.arkivenhet_id
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;
CREATE TRIGGER archive_oj_saksmappe_upd AFTER UPDATE OF tittel, offentlig_tittel ON archive_saksmappe BEGIN
	INSERT INTO archive_oj_queue (tenant_id, jnr, versjon)
	SELECT j.tenant_id, j.jnr, 1 FROM archive_journalpost j WHERE j.tenant_id = NEW.tenant_id AND j.saksmappe_id = NEW.system_id
	ON CONFLICT (tenant_id, jnr) DO UPDATE SET versjon = versjon + 1;
END;

-- The entries registered before this step.
INSERT INTO archive_oj_queue (tenant_id, jnr, versjon) SELECT tenant_id, jnr, 1 FROM archive_journalpost WHERE true
ON CONFLICT (tenant_id, jnr) DO NOTHING;
