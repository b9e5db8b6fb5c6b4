-- The citizens' panel (innbyggjarpanel) of each municipality.

-- A secret per municipality that keys the members' person keys.
CREATE TABLE panels_secrets (
	tenant_id TEXT  NOT NULL,
	secret    BYTEA NOT NULL,
	PRIMARY KEY (tenant_id)
);

-- The municipality's population by area and age group, the targets the
-- panel's results are weighted to (e.g. from Statistics Norway). position
-- orders the areas as they were given. The areas are those a member can
-- choose from.
CREATE TABLE panels_population (
	tenant_id TEXT   NOT NULL,
	area      TEXT   NOT NULL,
	position  BIGINT NOT NULL,
	age_group TEXT   NOT NULL,
	n         BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, area, age_group)
);

-- The panel's members: all that is stored about them, deleted at once
-- (hard delete) when they leave. person_key is an HMAC of the
-- fødselsnummer under the municipality's secret, to recognise the member
-- when they sign in; the number itself is not stored. id is random and is
-- the key their survey invitations carry.
CREATE TABLE panels_members (
	tenant_id  TEXT      NOT NULL,
	id         TEXT      NOT NULL,
	person_key TEXT      NOT NULL,
	email      TEXT      NOT NULL,
	age_group  TEXT      NOT NULL,
	area       TEXT      NOT NULL,
	joined     TEXT      NOT NULL, -- the day, "2026-11-23" (Europe/Oslo)
	PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX panels_members_person ON panels_members (tenant_id, person_key);
