-- The public journal's word search on PostgreSQL, made fast at a million
-- entries (archive.PublicJournal, publicjournal.go). Before this step a
-- search read the heap row of every entry it counted (up to 1,000), and a
-- word with a unit or a date made the planner walk the unit's index
-- filtering on the words. Now:
--
--  1. The searched tsvector also holds the entry's type, unit, case number
--     and day as tokens (lexemes with a space in them, which the text
--     parser never makes, so no title can match or forge one), so the GIN
--     index intersects a search's words with its filters and its date
--     window. Days come in aligned blocks of 1, 2, 4, ... 2048 days, so
--     each window of a search (below) is one token.
--  2. The tsvector is no longer stored in the row: it is an expression
--     index on archive_oj_sok(...). The rows (without the dropped column,
--     rewritten in sok_id order by CLUSTER) are half as wide, so the few
--     heap pages a search still reads hold twice as many entries, and the
--     newest entries, which every search reads first, lie together.
--  3. archive_oj_search looks through windows of days, newest first and
--     growing in size, and stops as soon as it has enough entries: a
--     search reads the heap rows of about the entries it returns, not of
--     every match (archive.searchWordsPostgres chooses the windows, and
--     drops the day tokens for the older days when the words are rare).
--     It runs with jit off: the planner cannot know how many entries a
--     window holds, and its guess would make every search pay for
--     compiling the query (about 60 ms).
--
-- The step rewrites archive_oj_entry and rebuilds its indexes: about 2
-- minutes for 1,000,000 entries on 2 busy cores (see docs/benchmarks.md);
-- the public journal is unavailable meanwhile (the table is locked).

SET LOCAL maintenance_work_mem = '256MB';

DROP INDEX archive_oj_entry_sok;
ALTER TABLE archive_oj_entry DROP COLUMN sok;

-- The words and tokens an entry is found by. Kept in step with
-- journalTokens in publicjournal.go: sok_id is the municipality's nr ×
-- 10^14 + day × 10^9 + sequence (sequence < 10^9), so sok_id % 10^14 /
-- (k × 10^9) is the day divided by k.
CREATE FUNCTION archive_oj_sok(tekst TEXT, journalposttype TEXT, administrativ_enhet TEXT,
	saksaar BIGINT, sakssekvensnummer BIGINT, sok_id BIGINT) RETURNS TSVECTOR
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT to_tsvector('norwegian', tekst) || array_to_tsvector(ARRAY[
	't ' || journalposttype,
	'u ' || administrativ_enhet,
	's ' || saksaar::text || '/' || sakssekvensnummer::text,
	'd1 ' || (sok_id % 100000000000000 / 1000000000)::text,
	'd2 ' || (sok_id % 100000000000000 / 2000000000)::text,
	'd4 ' || (sok_id % 100000000000000 / 4000000000)::text,
	'd8 ' || (sok_id % 100000000000000 / 8000000000)::text,
	'd16 ' || (sok_id % 100000000000000 / 16000000000)::text,
	'd32 ' || (sok_id % 100000000000000 / 32000000000)::text,
	'd64 ' || (sok_id % 100000000000000 / 64000000000)::text,
	'd128 ' || (sok_id % 100000000000000 / 128000000000)::text,
	'd256 ' || (sok_id % 100000000000000 / 256000000000)::text,
	'd512 ' || (sok_id % 100000000000000 / 512000000000)::text,
	'd1024 ' || (sok_id % 100000000000000 / 1024000000000)::text,
	'd2048 ' || (sok_id % 100000000000000 / 2048000000000)::text])
$$;

-- The rows in sok_id order, without the dropped column; then the index
-- (built after CLUSTER, which would otherwise build it twice).
CLUSTER archive_oj_entry USING archive_oj_entry_pkey;

CREATE INDEX archive_oj_entry_sok ON archive_oj_entry
	USING GIN (archive_oj_sok(tekst, journalposttype, administrativ_enhet, saksaar, sakssekvensnummer, sok_id))
	WITH (fastupdate = off);

-- The entries of tenant that match the words and the tsquery windows[i]
-- (a window's day token and the search's filters, or '' for none) and
-- have lo[i] <= sok_id < hi[i], window by window (the windows are disjoint
-- and newest first), at most n, newest first. An empty search (only stop
-- words) finds nothing, as before this step.
CREATE FUNCTION archive_oj_search(p_tenant TEXT, p_words TEXT, p_windows TEXT[], p_lo BIGINT[], p_hi BIGINT[], p_n INTEGER)
RETURNS TABLE (found_jnr BIGINT, found_sok_id BIGINT)
LANGUAGE plpgsql STABLE SET jit = off AS $$
BEGIN
	IF numnode(plainto_tsquery('norwegian', p_words)) = 0 THEN
		RETURN;
	END IF;
	RETURN QUERY
	SELECT x.jnr, x.sok_id
	FROM unnest(p_windows, p_lo, p_hi) WITH ORDINALITY AS w (q, lo, hi, ord)
	CROSS JOIN LATERAL (
		-- "+ 0": the window is found through the GIN index only, never by
		-- walking the primary key and testing every entry's words.
		SELECT o.jnr, o.sok_id FROM archive_oj_entry o
		WHERE o.tenant_id = p_tenant
		  AND archive_oj_sok(o.tekst, o.journalposttype, o.administrativ_enhet, o.saksaar, o.sakssekvensnummer, o.sok_id)
		      @@ CASE WHEN w.q = '' THEN plainto_tsquery('norwegian', p_words)
		              ELSE plainto_tsquery('norwegian', p_words) && w.q::tsquery END
		  AND o.sok_id + 0 >= w.lo AND o.sok_id + 0 < w.hi
		ORDER BY o.sok_id + 0 DESC
		LIMIT p_n) x
	ORDER BY w.ord, x.sok_id DESC
	LIMIT p_n;
END $$;
