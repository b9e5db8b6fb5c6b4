-- The search index on PostgreSQL: one row per published service or page and
-- language (nb, nn, en), written in the same transaction as the service or
-- page. The *_text and *_lang columns hold what the result list shows (the
-- text in that language, or in bokmål where it is missing, and which
-- language it is in).
--
-- tsv is computed by PostgreSQL: nb and nn text with the built-in
-- 'norwegian' configuration (snowball stemmer and stop-words), English with
-- 'simple' (lower-cased words, no stemming), weighted title A, summary B,
-- body C. other_text holds the bokmål text in the nn and en rows, so that a
-- Norwegian word also finds a service on the English pages; it weighs D.
-- Queries match stems as prefixes (to_tsquery with :*), through the GIN
-- index. The database needs a UTF-8 locale (C.UTF-8, nb_NO.UTF-8) for the
-- parser to see æ, ø and å as letters.
CREATE TABLE catalog_search (
	tenant_id    TEXT NOT NULL,
	lang         TEXT NOT NULL,
	kind         TEXT NOT NULL,
	slug         TEXT NOT NULL,
	title_text   TEXT NOT NULL,
	title_lang   TEXT NOT NULL,
	summary_text TEXT NOT NULL,
	summary_lang TEXT NOT NULL,
	body_text    TEXT NOT NULL,
	body_lang    TEXT NOT NULL,
	other_text   TEXT NOT NULL,
	tsv tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector(CASE lang WHEN 'en' THEN 'simple'::regconfig ELSE 'norwegian'::regconfig END, title_text), 'A') ||
		setweight(to_tsvector(CASE lang WHEN 'en' THEN 'simple'::regconfig ELSE 'norwegian'::regconfig END, summary_text), 'B') ||
		setweight(to_tsvector(CASE lang WHEN 'en' THEN 'simple'::regconfig ELSE 'norwegian'::regconfig END, body_text), 'C') ||
		setweight(to_tsvector('norwegian'::regconfig, other_text), 'D')
	) STORED,
	PRIMARY KEY (tenant_id, lang, kind, slug)
);
CREATE INDEX catalog_search_tsv ON catalog_search USING GIN (tsv);
