-- Signed-in sessions. The cookie holds a random token; only its SHA-256 is
-- stored, so a copy of the database cannot be used to take over sessions.
CREATE TABLE identity_sessions (
	tenant_id  TEXT      NOT NULL,
	id_hash    TEXT      NOT NULL,
	principal  TEXT      NOT NULL,
	name       TEXT      NOT NULL,
	pid        TEXT      NOT NULL,
	email      TEXT      NOT NULL,
	staff      BOOLEAN   NOT NULL,
	acr        TEXT      NOT NULL,
	id_token   TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	seen_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id_hash)
);
CREATE INDEX identity_sessions_principal ON identity_sessions (tenant_id, principal);

-- Sign-ins under way: state, nonce and PKCE verifier of each authorization
-- request, used once at the callback and kept at most ten minutes.
CREATE TABLE identity_logins (
	tenant_id  TEXT      NOT NULL,
	state      TEXT      NOT NULL,
	nonce      TEXT      NOT NULL,
	verifier   TEXT      NOT NULL,
	provider   TEXT      NOT NULL,
	acr        TEXT      NOT NULL,
	next_path  TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, state)
);

-- Roles held in a municipality. principal is "pid:<fødselsnummer>" or
-- "email:<address>".
CREATE TABLE identity_roles (
	tenant_id  TEXT      NOT NULL,
	principal  TEXT      NOT NULL,
	role       TEXT      NOT NULL,
	granted_at TIMESTAMP NOT NULL,
	granted_by TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, principal, role)
);
