-- The receipt survey (audience "receipt"): the satisfaction question of the
-- receipt page, one per municipality, made on first use by the feedback
-- module and answered only through its single-use ticket, never by a link
-- of its own. Its responses hold in stratum the context "2026-11|kontakt"
-- (the month and the service), and in day the month only ("2026-11"):
-- never a finer time, never a person. Counters per context are kept in
-- surveys_strata_counts, as for a panel survey.
CREATE TABLE surveys_receipt (
	tenant_id TEXT NOT NULL,
	survey_id TEXT NOT NULL,
	PRIMARY KEY (tenant_id)
);
