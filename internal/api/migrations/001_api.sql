-- The municipality's API clients: its own domain systems (sak/arkiv,
-- fagsystemer) that read submissions through the API. Only the SHA-256 of
-- a client's secret is kept; the secret is shown once, when the client is
-- added. scopes is a space-separated list ("submissions:read").
CREATE TABLE api_clients (
	tenant_id   TEXT      NOT NULL,
	id          TEXT      NOT NULL, -- the OAuth client_id
	name        TEXT      NOT NULL,
	secret_hash BYTEA     NOT NULL,
	scopes      TEXT      NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	created_by  TEXT      NOT NULL,
	revoked_at  TIMESTAMP,
	PRIMARY KEY (tenant_id, id)
);

-- Access tokens given out by the token endpoint, by the hex SHA-256 of the
-- token. A token is good in its own municipality only, until expires_at;
-- expired ones are purged by the housekeeping loop.
CREATE TABLE api_tokens (
	tenant_id  TEXT      NOT NULL,
	token_hash TEXT      NOT NULL,
	client_id  TEXT      NOT NULL,
	scopes     TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX api_tokens_client ON api_tokens (tenant_id, client_id);
CREATE INDEX api_tokens_expiry ON api_tokens (expires_at);
