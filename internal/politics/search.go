package politics

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/catalog"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Kinds of search hits.
const (
	HitCase     = "case"
	HitItem     = "item"
	HitDocument = "document"
)

// MaxQuery is the longest search query, in characters; MaxHits the most
// hits a search returns.
const (
	MaxQuery = 200
	MaxHits  = 50
)

// Hit is a search result.
type Hit struct {
	Kind  string // Hit* constants
	Title string
	// Detail is a line under the title: the item number and meeting, or
	// the start of a decision or summary.
	Detail string
	// Decision is the start of the decision of a decided item.
	Decision string
	Path     string // below the site's base, "politikk/sak/..."
	Date     time.Time
	score    int
}

// searchDoc is a searchable text with its terms.
type searchDoc struct {
	hit   Hit
	title []string // terms of the title
	body  []string // terms of the rest
}

// Search finds political cases, agenda items with their decisions, and
// case documents by title, among what the public may see: it searches
// PublicData, so an exempt item, a closed meeting, an unpublished agenda
// and an exempt document are never found, not even by their words.
// Words are matched in their Norwegian forms (catalog.Normalize: lower
// case, accents folded, inflection endings removed) and as prefixes, so
// "barnehagen" finds "barnehager" and "barnehageplass"; every word of the
// query must match. Hits come best first (title matches before text
// matches), then newest first; at most MaxHits. An empty query finds
// nothing. The documents' own text is not searched.
func (s *Service) Search(ctx context.Context, tenant, query string) ([]Hit, error) {
	const op = errs.Op("politics.Search")
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	d, err := s.PublicData(ctx, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var hits []Hit
	for _, doc := range searchDocs(d) {
		if score, ok := match(terms, doc); ok {
			h := doc.hit
			h.score = score
			hits = append(hits, h)
		}
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return b.Date.Compare(a.Date)
	})
	if len(hits) > MaxHits {
		hits = hits[:MaxHits]
	}
	return hits, nil
}

// queryTerms normalises a query: at most MaxQuery characters and ten
// distinct terms.
func queryTerms(q string) []string {
	q = strings.ToValidUTF8(q, "")
	if utf8.RuneCountInString(q) > MaxQuery {
		q = string([]rune(q)[:MaxQuery])
	}
	var out []string
	for _, t := range catalog.Normalize(q) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
		if len(out) == 10 {
			break
		}
	}
	return out
}

// match reports whether every term is a prefix of a word of doc, and
// scores the match: 3 for each term in the title, 1 for one in the text.
func match(terms []string, doc searchDoc) (int, bool) {
	score := 0
	for _, t := range terms {
		switch {
		case hasPrefix(doc.title, t):
			score += 3
		case hasPrefix(doc.body, t):
			score++
		default:
			return 0, false
		}
	}
	return score, true
}

func hasPrefix(words []string, t string) bool {
	for _, w := range words {
		if strings.HasPrefix(w, t) {
			return true
		}
	}
	return false
}

// short returns the start of a text, at most n characters, on one line.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n])) + "…"
	}
	return s
}

// searchDocs makes the searchable texts of public data: only what d
// holds, which is public.
func searchDocs(d Data) []searchDoc {
	var out []searchDoc
	bodies := map[string]string{}
	for _, b := range d.Bodies {
		bodies[b.ID] = b.Name
	}
	for _, c := range d.Cases {
		out = append(out, searchDoc{
			hit:   Hit{Kind: HitCase, Title: c.Title, Detail: short(c.Summary, 200), Path: "politikk/sak/" + c.ID, Date: c.Created},
			title: catalog.Normalize(c.Title),
			body:  catalog.Normalize(c.Summary + " " + c.ArchiveRef),
		})
	}
	for _, m := range d.Meetings {
		for _, it := range d.Items[m.ID] {
			if it.Hidden {
				continue
			}
			where := it.Number + " · " + bodies[m.BodyID] + " " + m.Start.In(oslo).Format("02.01.2006")
			date := m.Start
			if it.Decided() {
				date = it.DecidedAt
			}
			out = append(out, searchDoc{
				hit: Hit{Kind: HitItem, Title: it.Title, Detail: where, Decision: short(it.Decision, 240),
					Path: "politikk/mote/" + m.ID + "#sak-" + it.ID, Date: date},
				title: catalog.Normalize(it.Title),
				body:  catalog.Normalize(it.Number + " " + it.CaseRef + " " + it.Decision),
			})
			for _, dv := range it.Documents {
				if dv.Restricted {
					continue
				}
				out = append(out, searchDoc{
					hit:   Hit{Kind: HitDocument, Title: dv.Title, Detail: where + " · " + it.Title, Path: "politikk/dokument/" + dv.ID, Date: m.PublishedAt},
					title: catalog.Normalize(dv.Title),
					body:  catalog.Normalize(dv.FileName),
				})
			}
		}
	}
	return out
}
