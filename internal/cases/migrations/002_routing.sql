-- Routing rules per service: a service's cases can go to a named unit and,
-- when people are listed, be visible to those case workers only (sensitive
-- services such as child welfare or health). people is the list of the
-- allowed principals, each between bars: "|email:a@x.no|email:b@x.no|";
-- '' means every case worker of the municipality.
CREATE TABLE cases_routes (
	tenant_id   TEXT      NOT NULL,
	form_id     TEXT      NOT NULL,
	unit        TEXT      NOT NULL,
	people      TEXT      NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	updated_by  TEXT      NOT NULL,
	PRIMARY KEY (tenant_id, form_id)
);

-- The people a case is restricted to, copied from the rule when the case
-- was made (in the same bar-separated form); '' when not restricted.
ALTER TABLE cases_cases ADD COLUMN restricted_to TEXT NOT NULL DEFAULT '';
