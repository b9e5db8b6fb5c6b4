-- The API pages through a municipality's cases in the order (created_at, id).
CREATE INDEX cases_cases_created ON cases_cases (tenant_id, created_at, id);
