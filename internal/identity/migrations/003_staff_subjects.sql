-- The account (subject) at a staff provider (issuer) that first signed in
-- with an e-mail address holding roles here. Later sign-ins with that
-- address through that provider must come from the same account, so
-- reassigning an address at the provider does not hand over the roles. A
-- new provider binds anew. Revoking a person's last role forgets the
-- bindings.
CREATE TABLE identity_staff_subjects (
	tenant_id  TEXT      NOT NULL,
	principal  TEXT      NOT NULL,
	issuer     TEXT      NOT NULL,
	subject    TEXT      NOT NULL,
	first_seen TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, principal, issuer)
);
