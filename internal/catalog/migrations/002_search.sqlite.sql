-- The search index on SQLite: one row per published service or page and
-- language (nb, nn, en), written in the same transaction as the service or
-- page. The *_text and *_lang columns hold what the result list shows (the
-- text in that language, or in bokmål where it is missing, and which
-- language it is in); they are not indexed.
--
-- The indexed columns hold text normalised in Go (lower-cased, accents
-- folded except æøå, inflection endings removed; see normalize.go), which is
-- why the tokenizer keeps diacritics: "får" and "far" stay different words.
-- scope holds two tokens, s<hex(tenant)> and s<hex(tenant)><lang>, so a
-- query or a delete reaches one municipality's rows through the index
-- instead of scanning the others'. other holds the bokmål text in the nn and
-- en rows, so that a Norwegian word also finds a service on the English
-- pages; it weighs least. The prefix indexes speed up the short prefixes
-- that queries produce.
CREATE VIRTUAL TABLE catalog_search USING fts5 (
	tenant_id    UNINDEXED,
	lang         UNINDEXED,
	kind         UNINDEXED,
	slug         UNINDEXED,
	title_text   UNINDEXED,
	title_lang   UNINDEXED,
	summary_text UNINDEXED,
	summary_lang UNINDEXED,
	body_text    UNINDEXED,
	body_lang    UNINDEXED,
	scope,
	title,
	summary,
	body,
	other,
	tokenize = 'unicode61 remove_diacritics 0',
	prefix = '2 3 4'
);
