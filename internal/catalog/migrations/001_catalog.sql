-- The service catalogue. Texts are stored in bokmål (nb, required), nynorsk
-- (nn) and English (en); an empty nn or en text falls back to bokmål.

-- Life situations (livssituasjonar), the catalogue's top level.
CREATE TABLE catalog_situations (
	tenant_id  TEXT      NOT NULL,
	slug       TEXT      NOT NULL,
	title_nb   TEXT      NOT NULL,
	title_nn   TEXT      NOT NULL,
	title_en   TEXT      NOT NULL,
	intro_nb   TEXT      NOT NULL,
	intro_nn   TEXT      NOT NULL,
	intro_en   TEXT      NOT NULL,
	sort_order BIGINT    NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, slug)
);

-- Services: what the service is (description, plain text with paragraphs
-- separated by blank lines), what the citizen can expect (declaration,
-- serviceerklæring, with a promised processing time in days; 0 = none
-- promised), whom to contact, and the id of its form in the form module.
CREATE TABLE catalog_services (
	tenant_id       TEXT      NOT NULL,
	slug            TEXT      NOT NULL,
	name_nb         TEXT      NOT NULL,
	name_nn         TEXT      NOT NULL,
	name_en         TEXT      NOT NULL,
	summary_nb      TEXT      NOT NULL,
	summary_nn      TEXT      NOT NULL,
	summary_en      TEXT      NOT NULL,
	description_nb  TEXT      NOT NULL,
	description_nn  TEXT      NOT NULL,
	description_en  TEXT      NOT NULL,
	declaration_nb  TEXT      NOT NULL,
	declaration_nn  TEXT      NOT NULL,
	declaration_en  TEXT      NOT NULL,
	processing_days BIGINT    NOT NULL,
	contact_unit    TEXT      NOT NULL,
	contact_email   TEXT      NOT NULL,
	contact_phone   TEXT      NOT NULL,
	form_id         TEXT      NOT NULL,
	published       BOOLEAN   NOT NULL,
	updated_at      TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, slug)
);

-- A form belongs to at most one service, so the form module can ask which.
CREATE UNIQUE INDEX catalog_services_form ON catalog_services (tenant_id, form_id) WHERE form_id <> '';

-- Which life situations a service appears under (many to many).
CREATE TABLE catalog_service_situations (
	tenant_id      TEXT NOT NULL,
	situation_slug TEXT NOT NULL,
	service_slug   TEXT NOT NULL,
	PRIMARY KEY (tenant_id, situation_slug, service_slug),
	FOREIGN KEY (tenant_id, situation_slug) REFERENCES catalog_situations (tenant_id, slug),
	FOREIGN KEY (tenant_id, service_slug) REFERENCES catalog_services (tenant_id, slug)
);
CREATE INDEX catalog_service_situations_service ON catalog_service_situations (tenant_id, service_slug);

-- Information pages (plain text with paragraphs), optionally under a life
-- situation (situation_slug '' for none).
CREATE TABLE catalog_pages (
	tenant_id      TEXT      NOT NULL,
	slug           TEXT      NOT NULL,
	title_nb       TEXT      NOT NULL,
	title_nn       TEXT      NOT NULL,
	title_en       TEXT      NOT NULL,
	body_nb        TEXT      NOT NULL,
	body_nn        TEXT      NOT NULL,
	body_en        TEXT      NOT NULL,
	situation_slug TEXT      NOT NULL,
	updated_at     TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, slug)
);
