package catalog

// Search.
//
// The index (table catalog_search) has one row per published service or
// information page and language: the nb row holds the bokmål texts, the nn
// and en rows the nynorsk and English texts with bokmål filling in what is
// missing, plus the bokmål texts in a low-weighted column "other", so that a
// Norwegian word typed on the English pages still finds the service. The
// rows are rewritten in the same transaction as the service or page (index),
// so the index never lags behind. A query runs against the rows of one
// municipality in the page's language only.
//
// SQLite: catalog_search is an FTS5 table (tokenizer unicode61 with
// remove_diacritics 0, prefix indexes 2, 3, 4). Text goes in normalised by
// Normalize (normalize.go), and every query word is normalised the same way
// and searched as a prefix ("barnehag"*), so inflected forms and compounds
// meet. Ranking is bm25 with weights title 10, summary 4, body 1, other 0.5.
// A token in the column scope confines the query, and deletes, to one
// municipality and language through the index; tenant_id and lang are
// compared as well.
//
// PostgreSQL: catalog_search is a table with a generated tsvector column,
// built with the 'norwegian' configuration for nb and nn text and 'simple'
// for English, weighted A (title), B (summary), C (body), D (other), under a
// GIN index. A query word becomes word:* in to_tsquery, which stems it first
// ("barnehagen" → 'barnehag':*), and ranking is ts_rank with weights
// {0.05, 0.2, 0.4, 1}. On the English pages the query is run through both
// configurations, since the English text is indexed with 'simple' and the
// bokmål fallback with 'norwegian'.
//
// On both, every word must match; when no result has them all, Search tries
// again with any word and says so (Results.Partial). Stop-words are dropped
// from queries first; a query with nothing left, or over 200 characters, is
// Invalid with a message for the user.
//
// The snippet is made in Go on both databases from the stored text: a window
// of words around the first word that matches the query by the normaliser's
// rules, as segments marked or not. The template writes the segments, so
// everything is escaped by html/template and only <mark> is markup.
//
// Known limits: on PostgreSQL, accents are not folded (kafe does not find
// kafé) and the snowball stemmer knows bokmål better than nynorsk; on SQLite
// the normaliser's limits apply (see normalize.go). Results are capped by
// the limit, and the count shown is the number returned. The GIN index is on
// the tsvector alone, so PostgreSQL filters the municipality after the index
// lookup; FTS5 bm25 statistics are over the whole table, all municipalities.

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// The kinds of search results.
const (
	KindService = "service"
	KindPage    = "page"
)

// Results is the answer to a search.
type Results struct {
	Query string // as given
	Hits  []Hit  // best first
	// Partial says that no result contained every word of the query, and
	// Hits are results that contain some of them.
	Partial bool
}

// Hit is one search result.
type Hit struct {
	Kind      string // KindService or KindPage
	Slug      string
	Title     []Segment // the title, with the words that matched marked
	TitleLang string    // the language Title is in (bokmål when it falls back)
	// Snippet is a piece of the summary or body around the first match,
	// with matching words marked, or the start of the summary when the match
	// was elsewhere.
	Snippet     []Segment
	SnippetLang string
	Score       float64 // higher is better; comparable within one search only
}

// Segment is a piece of text in a title or snippet; Mark says it matched the
// query. The text is plain: it must be escaped when written as HTML.
type Segment struct {
	Text string
	Mark bool
}

// Path returns the hit's page inside the municipality, e.g.
// "tjeneste/soknad-om-barnehageplass".
func (h Hit) Path() string {
	if h.Kind == KindPage {
		return "info/" + h.Slug
	}
	return "tjeneste/" + h.Slug
}

// The limits of Search's limit argument.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
)

// Search finds the published services and information pages of tenant that
// match query, in lang ("nb", "nn" or "en"; anything else is bokmål), best
// first, at most limit of them (DefaultSearchLimit when limit <= 0, at most
// MaxSearchLimit). Errors: Invalid with key catalog.error.query_long when
// query is over 200 characters, catalog.error.query_words when it has no
// word to search for (empty, only stop-words or punctuation).
func (s *Service) Search(ctx context.Context, tenant, lang, query string, limit int) (Results, error) {
	const op = errs.Op("catalog.Search")
	if utf8.RuneCountInString(query) > maxQueryRunes {
		return Results{}, errs.E(op, errs.Invalid, errs.Key("catalog.error.query_long"))
	}
	terms := parseQuery(query)
	if len(terms) == 0 {
		return Results{}, errs.E(op, errs.Invalid, errs.Key("catalog.error.query_words"))
	}
	if lang != "nn" && lang != "en" {
		lang = "nb"
	}
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	res := Results{Query: query}
	var err error
	res.Hits, err = s.match(ctx, tenant, lang, terms, true, limit)
	if err == nil && len(res.Hits) == 0 && len(terms) > 1 {
		res.Partial = true
		res.Hits, err = s.match(ctx, tenant, lang, terms, false, limit)
	}
	if err != nil {
		return Results{}, errs.E(op, err)
	}
	return res, nil
}

// match runs one query: every term (all) or any term.
func (s *Service) match(ctx context.Context, tenant, lang string, terms []queryTerm, all bool, limit int) ([]Hit, error) {
	var rows *sql.Rows
	var err error
	if s.db.Dialect() == db.Postgres {
		words := make([]string, len(terms))
		for i, t := range terms {
			words[i] = t.word + ":*"
		}
		sep := " & "
		if !all {
			sep = " | "
		}
		q := sqlSearchPostgres
		if lang == "en" {
			q = sqlSearchPostgresEnglish
		}
		rows, err = s.db.QueryContext(ctx, q, tenant, lang, strings.Join(words, sep), limit)
	} else {
		rows, err = s.db.QueryContext(ctx, sqlSearchSQLite, ftsQuery(tenant, lang, terms, all), tenant, lang, limit)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []Hit
	for rows.Next() {
		var h Hit
		var title, summary, summaryLang, body, bodyLang string
		if err := rows.Scan(&h.Kind, &h.Slug, &title, &h.TitleLang, &summary, &summaryLang, &body, &bodyLang, &h.Score); err != nil {
			return nil, err
		}
		h.Title = highlight(title, terms)
		switch seg, ok := snippet(summary, terms, snippetWords); {
		case ok:
			h.Snippet, h.SnippetLang = seg, summaryLang
		default:
			if seg, ok := snippet(body, terms, snippetWords); ok {
				h.Snippet, h.SnippetLang = seg, bodyLang
			} else if summary != "" {
				h.Snippet, h.SnippetLang = excerpt(summary, snippetWords), summaryLang
			} else {
				h.Snippet, h.SnippetLang = excerpt(body, snippetWords), bodyLang
			}
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

const (
	// The bm25 weights follow the table's columns: the ten UNINDEXED ones,
	// then scope, title, summary, body, other. bm25 is lower for better
	// matches; the score is negated so that higher is better on both.
	sqlSearchSQLite = `SELECT kind, slug, title_text, title_lang, summary_text, summary_lang, body_text, body_lang,
		-bm25(catalog_search, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10.0, 4.0, 1.0, 0.5) AS score
		FROM catalog_search WHERE catalog_search MATCH $1 AND tenant_id = $2 AND lang = $3
		ORDER BY score DESC, title_text LIMIT $4`
	sqlSearchPostgres = `SELECT kind, slug, title_text, title_lang, summary_text, summary_lang, body_text, body_lang,
		ts_rank('{0.05, 0.2, 0.4, 1.0}', tsv, query.q) AS score
		FROM catalog_search, (SELECT to_tsquery('norwegian', $3) AS q) AS query
		WHERE tenant_id = $1 AND lang = $2 AND tsv @@ query.q
		ORDER BY score DESC, title_text LIMIT $4`
	sqlSearchPostgresEnglish = `SELECT kind, slug, title_text, title_lang, summary_text, summary_lang, body_text, body_lang,
		ts_rank('{0.05, 0.2, 0.4, 1.0}', tsv, query.q) AS score
		FROM catalog_search, (SELECT to_tsquery('simple', $3) || to_tsquery('norwegian', $3) AS q) AS query
		WHERE tenant_id = $1 AND lang = $2 AND tsv @@ query.q
		ORDER BY score DESC, title_text LIMIT $4`
)

// scopeTokens returns the FTS5 tokens that confine a query to a
// municipality, or to a municipality and language: "s" and the tenant id in
// hex (so any id makes one token of letters and digits), then the language.
func scopeTokens(tenant, lang string) string {
	t := "s" + hex.EncodeToString([]byte(tenant))
	if lang == "" {
		return t
	}
	return t + lang
}

// ftsQuery builds the FTS5 MATCH expression: the municipality and
// language's scope token, and each term as a quoted prefix in the text
// columns. Terms hold only letters and digits (Normalize), and quotes are
// doubled all the same, so no query text can change the expression's
// structure.
func ftsQuery(tenant, lang string, terms []queryTerm, all bool) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t.stem, `"`, `""`) + `"*`
	}
	op := " AND "
	if !all {
		op = " OR "
	}
	return `scope : "` + scopeTokens(tenant, lang) + `" AND {title summary body other} : (` + strings.Join(parts, op) + `)`
}

// document is what the index holds of a service or a page.
type document struct {
	kind, slug           string
	title, summary, body Text
}

// index replaces the index rows of d inside tx: it deletes them, and when
// present writes one row per language.
func (s *Service) index(ctx context.Context, tx *sql.Tx, tenant string, d document, present bool) error {
	var err error
	if s.db.Dialect() == db.Postgres {
		_, err = tx.ExecContext(ctx, `DELETE FROM catalog_search WHERE tenant_id = $1 AND kind = $2 AND slug = $3`, tenant, d.kind, d.slug)
	} else {
		_, err = tx.ExecContext(ctx, `DELETE FROM catalog_search WHERE catalog_search MATCH $1 AND tenant_id = $2 AND kind = $3 AND slug = $4`,
			`scope : "`+scopeTokens(tenant, "")+`"`, tenant, d.kind, d.slug)
	}
	if err != nil || !present {
		return err
	}
	for _, lang := range langs {
		title, titleLang := d.title.pick(lang)
		summary, summaryLang := d.summary.pick(lang)
		body, bodyLang := d.body.pick(lang)
		other := ""
		if lang != "nb" && (titleLang != "nb" || summaryLang != "nb" || bodyLang != "nb") {
			other = d.title.NB + "\n\n" + d.summary.NB + "\n\n" + d.body.NB
		}
		if s.db.Dialect() == db.Postgres {
			_, err = tx.ExecContext(ctx, `INSERT INTO catalog_search (tenant_id, lang, kind, slug, title_text, title_lang, summary_text, summary_lang,
				body_text, body_lang, other_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				tenant, lang, d.kind, d.slug, title, titleLang, summary, summaryLang, body, bodyLang, other)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO catalog_search (tenant_id, lang, kind, slug, title_text, title_lang, summary_text, summary_lang,
				body_text, body_lang, scope, title, summary, body, other) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				tenant, lang, d.kind, d.slug, title, titleLang, summary, summaryLang, body, bodyLang,
				scopeTokens(tenant, "")+" "+scopeTokens(tenant, lang), normalizedText(title), normalizedText(summary), normalizedText(body), normalizedText(other))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
