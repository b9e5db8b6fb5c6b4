-- The shared form library: definitions municipalities offer each other.
-- tenant_id is the municipality that shared it.
CREATE TABLE forms_library (
	tenant_id  TEXT      NOT NULL,
	form_id    TEXT      NOT NULL,
	version    BIGINT    NOT NULL,
	title      TEXT      NOT NULL,
	definition TEXT      NOT NULL,
	shared_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, form_id, version)
);
