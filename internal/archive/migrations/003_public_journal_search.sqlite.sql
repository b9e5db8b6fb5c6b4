-- The public journal's word search on PostgreSQL was reworked in this step
-- (003_public_journal_search.postgres.sql). SQLite's FTS5 search already
-- answers in a few milliseconds at a million entries (docs/benchmarks.md):
-- nothing changes here.
SELECT 1;
