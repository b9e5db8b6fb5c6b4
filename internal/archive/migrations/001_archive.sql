-- The Noark 5 core record of each municipality (package archive). Names
-- follow the Noark 5 metadata catalogue (arkiv, arkivdel, saksmappe,
-- journalpost, ...). Every systemID is a UUID. Code-list values are stored
-- as their short codes (journalposttype 'I', saksstatus 'B', ...); the
-- archival extract writes the catalogue's full texts. Optional dates are
-- NULL when absent; optional text is ''.

-- The municipality's archive: one per tenant.
CREATE TABLE archive_arkiv (
	tenant_id        TEXT      NOT NULL,
	system_id        TEXT      NOT NULL,
	tittel           TEXT      NOT NULL,
	arkivstatus      TEXT      NOT NULL, -- O opprettet, A avsluttet
	arkivskaper_id   TEXT      NOT NULL, -- the kommunenummer
	arkivskaper_navn TEXT      NOT NULL,
	opprettet_dato   TIMESTAMP NOT NULL,
	opprettet_av     TEXT      NOT NULL,
	avsluttet_dato   TIMESTAMP,
	avsluttet_av     TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, system_id)
);
CREATE UNIQUE INDEX archive_arkiv_one ON archive_arkiv (tenant_id);

-- The municipality's classification system (one, shared by its archive
-- parts) and its classes.
CREATE TABLE archive_klassifikasjonssystem (
	tenant_id           TEXT      NOT NULL,
	system_id           TEXT      NOT NULL,
	klassifikasjonstype TEXT      NOT NULL,
	tittel              TEXT      NOT NULL,
	opprettet_dato      TIMESTAMP NOT NULL,
	opprettet_av        TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, system_id)
);

CREATE TABLE archive_klasse (
	tenant_id                TEXT      NOT NULL,
	system_id                TEXT      NOT NULL,
	klassifikasjonssystem_id TEXT      NOT NULL,
	klasse_id                TEXT      NOT NULL,
	tittel                   TEXT      NOT NULL,
	opprettet_dato           TIMESTAMP NOT NULL,
	opprettet_av             TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, system_id),
	UNIQUE (tenant_id, klassifikasjonssystem_id, klasse_id)
);

-- Archive parts (periods), e.g. "Sakarkiv 2026".
CREATE TABLE archive_arkivdel (
	tenant_id                TEXT      NOT NULL,
	system_id                TEXT      NOT NULL,
	arkiv_id                 TEXT      NOT NULL,
	klassifikasjonssystem_id TEXT      NOT NULL,
	tittel                   TEXT      NOT NULL,
	arkivdelstatus           TEXT      NOT NULL, -- A aktiv, O overlapping, P avsluttet, U uaktuelle mapper
	arkivperiode_start       TIMESTAMP NOT NULL,
	arkivperiode_slutt       TIMESTAMP,
	opprettet_dato           TIMESTAMP NOT NULL,
	opprettet_av             TEXT      NOT NULL,
	avsluttet_dato           TIMESTAMP,
	avsluttet_av             TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, system_id)
);

-- The last number given out, per municipality, kind and year: kind 'sak'
-- (sakssekvensnummer), 'journal' (journalsekvensnummer), 'endring' (year 0,
-- the change log's order). The upsert holds the row until the transaction
-- ends, so numbers are unique and without gaps among committed rows.
CREATE TABLE archive_sekvens (
	tenant_id TEXT   NOT NULL,
	kind      TEXT   NOT NULL,
	aar       BIGINT NOT NULL,
	last      BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, kind, aar)
);

-- Case files. siste_journalpostnummer is the last journalpostnummer given
-- out in the case (the next entry takes it + 1, holding the row).
CREATE TABLE archive_saksmappe (
	tenant_id               TEXT      NOT NULL,
	system_id               TEXT      NOT NULL,
	arkivdel_id             TEXT      NOT NULL,
	klasse_id               TEXT      NOT NULL, -- system_id of the archive_klasse
	saksaar                 BIGINT    NOT NULL,
	sakssekvensnummer       BIGINT    NOT NULL,
	saksdato                TIMESTAMP NOT NULL, -- a date: midnight UTC
	tittel                  TEXT      NOT NULL,
	offentlig_tittel        TEXT      NOT NULL,
	beskrivelse             TEXT      NOT NULL,
	saksstatus              TEXT      NOT NULL,
	saksansvarlig           TEXT      NOT NULL,
	administrativ_enhet     TEXT      NOT NULL,
	journalenhet            TEXT      NOT NULL,
	opprettet_dato          TIMESTAMP NOT NULL,
	opprettet_av            TEXT      NOT NULL,
	avsluttet_dato          TIMESTAMP,
	avsluttet_av            TEXT      NOT NULL,
	siste_journalpostnummer BIGINT    NOT NULL,
	PRIMARY KEY (tenant_id, system_id),
	UNIQUE (tenant_id, saksaar, sakssekvensnummer)
);
-- The extract walks the cases of one archive part and class in number order.
CREATE INDEX archive_saksmappe_plassering ON archive_saksmappe (tenant_id, arkivdel_id, klasse_id, saksaar, sakssekvensnummer);

-- Journal entries (registreringer of type journalpost). jnr is the journal
-- number as one integer, journalaar × 1,000,000,000 + journalsekvensnummer:
-- unique, never changed, and growing with time, so the rows that belong to
-- an entry (parties, documents, files, screening) are keyed by it and lie
-- together in the indexes, in the order they were registered.
CREATE TABLE archive_journalpost (
	tenant_id            TEXT      NOT NULL,
	system_id            TEXT      NOT NULL,
	saksmappe_id         TEXT      NOT NULL,
	jnr                  BIGINT    NOT NULL,
	journalaar           BIGINT    NOT NULL,
	journalsekvensnummer BIGINT    NOT NULL,
	journalpostnummer    BIGINT    NOT NULL,
	journalposttype      TEXT      NOT NULL, -- I U N X S
	journalstatus        TEXT      NOT NULL, -- J F G E A U M S R
	tittel               TEXT      NOT NULL,
	offentlig_tittel     TEXT      NOT NULL,
	dokumentdato         TIMESTAMP NOT NULL, -- a date: midnight UTC
	journaldato          TIMESTAMP NOT NULL, -- a date: midnight UTC
	mottatt_dato         TIMESTAMP,
	sendt_dato           TIMESTAMP,
	forfallsdato         TIMESTAMP,          -- a date: midnight UTC
	journalenhet         TEXT      NOT NULL,
	saksbehandler        TEXT      NOT NULL,
	administrativ_enhet  TEXT      NOT NULL,
	opprettet_dato       TIMESTAMP NOT NULL,
	opprettet_av         TEXT      NOT NULL,
	arkivert_dato        TIMESTAMP NOT NULL,
	arkivert_av          TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, system_id),
	UNIQUE (tenant_id, jnr),
	UNIQUE (tenant_id, saksmappe_id, journalpostnummer)
);

-- Senders and recipients of an entry, nr 1.. in the order given.
CREATE TABLE archive_korrespondansepart (
	tenant_id              TEXT   NOT NULL,
	jnr                    BIGINT NOT NULL, -- the entry's
	nr                     BIGINT NOT NULL,
	korrespondanseparttype TEXT   NOT NULL, -- EA EM EK GM IA IM IK IS
	navn                   TEXT   NOT NULL,
	postadresse            TEXT   NOT NULL, -- lines separated by \n
	postnummer             TEXT   NOT NULL,
	poststed               TEXT   NOT NULL,
	land                   TEXT   NOT NULL,
	epostadresse           TEXT   NOT NULL,
	telefonnummer          TEXT   NOT NULL,
	kontaktperson          TEXT   NOT NULL,
	administrativ_enhet    TEXT   NOT NULL,
	saksbehandler          TEXT   NOT NULL,
	PRIMARY KEY (tenant_id, jnr, nr)
);

-- Documents of an entry, dokumentnummer 1..
CREATE TABLE archive_dokumentbeskrivelse (
	tenant_id                   TEXT      NOT NULL,
	jnr                         BIGINT    NOT NULL, -- the entry's
	dokumentnummer              BIGINT    NOT NULL,
	system_id                   TEXT      NOT NULL,
	dokumenttype                TEXT      NOT NULL,
	dokumentstatus              TEXT      NOT NULL, -- B F
	tittel                      TEXT      NOT NULL,
	tilknyttet_registrering_som TEXT      NOT NULL, -- H V
	opprettet_dato              TIMESTAMP NOT NULL,
	opprettet_av                TEXT      NOT NULL,
	tilknyttet_dato             TIMESTAMP NOT NULL,
	tilknyttet_av               TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, jnr, dokumentnummer),
	UNIQUE (tenant_id, system_id)
);

-- Versions and variants of a document. The content is in the blob store
-- under blob_id, its SHA-256 (also the sjekksum). referanse_dokumentfil is
-- the file's path in an archival extract.
CREATE TABLE archive_dokumentobjekt (
	tenant_id             TEXT      NOT NULL,
	jnr                   BIGINT    NOT NULL, -- the entry's
	dokumentnummer        BIGINT    NOT NULL,
	versjonsnummer        BIGINT    NOT NULL,
	variantformat         TEXT      NOT NULL, -- P A O
	system_id             TEXT      NOT NULL,
	format                TEXT      NOT NULL,
	format_detaljer       TEXT      NOT NULL,
	filnavn               TEXT      NOT NULL,
	mimetype              TEXT      NOT NULL,
	sjekksum              TEXT      NOT NULL,
	sjekksum_algoritme    TEXT      NOT NULL,
	filstoerrelse         BIGINT    NOT NULL,
	blob_id               TEXT      NOT NULL,
	referanse_dokumentfil TEXT      NOT NULL,
	opprettet_dato        TIMESTAMP NOT NULL,
	opprettet_av          TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, jnr, dokumentnummer, versjonsnummer, variantformat),
	UNIQUE (tenant_id, system_id)
);

-- Screening of a saksmappe, journalpost or dokumentbeskrivelse (its
-- systemID; jnr is the entry's, 0 for a saksmappe). skjerming_metadata
-- holds the screened fields as codes separated by spaces (see
-- archive.SkjermingMetadata*).
CREATE TABLE archive_skjerming (
	tenant_id                TEXT      NOT NULL,
	jnr                      BIGINT    NOT NULL,
	arkivenhet_id            TEXT      NOT NULL,
	tilgangsrestriksjon      TEXT      NOT NULL,
	skjermingshjemmel        TEXT      NOT NULL,
	skjerming_metadata       TEXT      NOT NULL,
	skjerming_dokument       TEXT      NOT NULL, -- '' H D
	skjermingsvarighet       BIGINT    NOT NULL, -- years; 0 = not given
	skjerming_opphoerer_dato TIMESTAMP,
	PRIMARY KEY (tenant_id, jnr, arkivenhet_id)
);

-- The change log (endringslogg) of metadata changed after registration,
-- nr 1.. per municipality. Values are stored as codes.
CREATE TABLE archive_endring (
	tenant_id           TEXT      NOT NULL,
	nr                  BIGINT    NOT NULL,
	arkivdel_id         TEXT      NOT NULL,
	arkivenhet_id       TEXT      NOT NULL,
	referanse_metadata  TEXT      NOT NULL,
	endret_dato         TIMESTAMP NOT NULL,
	endret_av           TEXT      NOT NULL,
	tidligere_verdi     TEXT      NOT NULL,
	ny_verdi            TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, nr)
);
CREATE INDEX archive_endring_arkivdel ON archive_endring (tenant_id, arkivdel_id, nr);
