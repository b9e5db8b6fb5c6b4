-- A municipality's own staff identity provider (Entra ID, ADFS, Keycloak,
-- ...). Municipalities without a row use the deployment's staff provider.
CREATE TABLE identity_staff_providers (
	tenant_id     TEXT      NOT NULL PRIMARY KEY,
	issuer        TEXT      NOT NULL,
	client_id     TEXT      NOT NULL,
	client_secret TEXT      NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);
