-- The municipality's keys for signing receipts (Ed25519). Retired keys are
-- kept, and published, so old receipts still verify.
CREATE TABLE forms_receipt_keys (
	tenant_id   TEXT      NOT NULL,
	kid         TEXT      NOT NULL,
	private_key BYTEA     NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	retired_at  TIMESTAMP,
	PRIMARY KEY (tenant_id, kid)
);
