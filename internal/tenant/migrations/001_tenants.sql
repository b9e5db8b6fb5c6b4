-- Municipalities (and county municipalities) served by this deployment.
-- tenant_id is the kommunenummer (4 digits; "NN00" for a county).
CREATE TABLE tenants (
	tenant_id  TEXT      NOT NULL PRIMARY KEY,
	name_nb    TEXT      NOT NULL,
	name_nn    TEXT      NOT NULL,
	colour     TEXT      NOT NULL,
	logo       BYTEA,
	logo_type  TEXT      NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);

-- Host names that route straight to a municipality (its own site).
CREATE TABLE tenant_hosts (
	tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id),
	host      TEXT NOT NULL,
	PRIMARY KEY (tenant_id, host),
	UNIQUE (host)
);
