package catalog_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/catalog"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
)

// searchFixture fills two municipalities with services and pages for the
// search tests.
func searchFixture(t testing.TB, svc *catalog.Service) {
	t.Helper()
	ctx := context.Background()
	for _, tenant := range []string{tenantA, tenantB} {
		if _, err := svc.UpsertLifeSituation(ctx, tenant, situation("familie-og-barn", "Familie og barn"), actor); err != nil {
			t.Fatal(err)
		}
	}
	services := map[string][]catalog.MunicipalService{
		tenantA: {
			{Slug: "barnehageplass", Published: true,
				Name:        catalog.Text{NB: "Søknad om barnehageplass", NN: "Søknad om barnehageplass", EN: "Applying for a kindergarten place"},
				Summary:     catalog.Text{NB: "Søk om plass i kommunal eller privat barnehage.", NN: "Søk om plass i kommunal eller privat barnehage.", EN: "Apply for a place in a kindergarten."},
				Description: catalog.Text{NB: "Alle barn har rett til plass.", NN: "Alle barn har rett til plass.", EN: "All children have the right to a place."}},
			{Slug: "helsestasjon", Published: true,
				Name:        catalog.Text{NB: "Helsestasjon", NN: "Helsestasjon", EN: "Child health centre"},
				Summary:     catalog.Text{NB: "Helsestasjonen følger opp barnet fra fødsel til skolestart.", EN: "The centre follows up your child."},
				Description: catalog.Text{NB: "Vi samarbeider med barnehagen om barnets utvikling, og vi gir råd om søvn, mat og vaksiner til alle foreldre som ønsker det.", EN: "We work with the kindergarten."}},
			{Slug: "skoleskyss", Published: true,
				Name:        catalog.Text{NB: "Søknad om skoleskyss", NN: "Søknad om skuleskyss", EN: "Applying for school transport"},
				Summary:     catalog.Text{NB: "Gratis skyss for elever som bor langt unna.", NN: "Gratis skyss for elevar som bur langt unna."},
				Description: catalog.Text{NB: "Elever på 1. trinn som bor mer enn 2 km unna, får skyss.", NN: "Elevar på 1. trinn som bur meir enn 2 km unna, får skyss."}},
			{Slug: "byggesak", Published: true,
				Name:        catalog.Text{NB: "Bygge og rive"},
				Summary:     catalog.Text{NB: "Dette må du vite før du bygger."},
				Description: catalog.Text{NB: "Alle søknader om å bygge nytt sendes til byggesaksavdelingen."}},
			{Slug: "parkering", Published: true, // bokmål only
				Name:        catalog.Text{NB: "Parkering for forflytningshemmede"},
				Summary:     catalog.Text{NB: "Parkeringstillatelse for deg som har vanskelig for å gå."},
				Description: catalog.Text{NB: "Legg ved legeerklæring."}},
			{Slug: "xss", Published: true,
				Name:        catalog.Text{NB: "<script>alert(1)</script>"},
				Summary:     catalog.Text{NB: `"><img src=x onerror=alert(2)> alert`},
				Description: catalog.Text{NB: "&amp; <b>alert</b>"}},
			{Slug: "utkast", Published: false,
				Name:        catalog.Text{NB: "Barnehage i utkast"},
				Summary:     catalog.Text{NB: "Ikke publisert barnehage."},
				Description: catalog.Text{NB: "Barnehage."}},
		},
		tenantB: {
			{Slug: "bergen-barnehage", Published: true,
				Name:        catalog.Text{NB: "Barnehageopptak i Bergen"},
				Summary:     catalog.Text{NB: "Søk barnehageplass i Bergen."},
				Description: catalog.Text{NB: "Barnehagen er viktig."}},
			{Slug: "skoleskyss", Published: true, // the same slug as in A
				Name:        catalog.Text{NB: "Skoleskyss i Bergen"},
				Summary:     catalog.Text{NB: "Skyss til skolen."},
				Description: catalog.Text{NB: "Søk innen fristen."}},
		},
	}
	for tenant, list := range services {
		for _, m := range list {
			if _, err := svc.UpsertService(ctx, tenant, m, actor); err != nil {
				t.Fatalf("%s %s: %v", tenant, m.Slug, err)
			}
		}
	}
	pages := []catalog.Page{
		{Slug: "eiendomsskatt", Title: catalog.Text{NB: "Eiendomsskatt", NN: "Eigedomsskatt", EN: "Property tax"},
			Body: catalog.Text{NB: "Eiendomsskatten er 2 promille.\n\nDen betales fire ganger i året.", NN: "Eigedomsskatten er 2 promille.", EN: "The property tax is 0.2 per cent."}},
		{Slug: "opptak", Situation: "familie-og-barn", Title: catalog.Text{NB: "Opptak i barnehage"},
			Body: catalog.Text{NB: "Hovedopptaket i barnehagene er i mars."}},
	}
	for _, p := range pages {
		if _, err := svc.UpsertPage(ctx, tenantA, p, actor); err != nil {
			t.Fatal(err)
		}
	}
}

func slugs(hits []catalog.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Slug)
	}
	return out
}

func text(seg []catalog.Segment) (plain, marked string) {
	var p, m strings.Builder
	for _, s := range seg {
		p.WriteString(s.Text)
		if s.Mark {
			m.WriteString("[" + s.Text + "]")
		} else {
			m.WriteString(s.Text)
		}
	}
	return p.String(), m.String()
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, _ := newService(t, d)
		searchFixture(t, svc)
		tests := []struct {
			name, tenant, lang, query string
			first                     string   // the best hit, when set
			want                      []string // among the hits
			notWant                   []string
			exactly                   bool // want is the whole result, in any order
			partial                   bool
			before                    [][2]string // pairs: the first ranks above the second
		}{
			{name: "compound", tenant: tenantA, lang: "nb", query: "barnehage",
				want: []string{"barnehageplass", "helsestasjon", "opptak"}, notWant: []string{"utkast", "bergen-barnehage"},
				// Title matches rank above a match in the description only.
				before: [][2]string{{"barnehageplass", "helsestasjon"}, {"opptak", "helsestasjon"}}},
			{name: "definite form", tenant: tenantA, lang: "nb", query: "barnehagen", want: []string{"barnehageplass", "helsestasjon"}},
			{name: "capitals", tenant: tenantA, lang: "nb", query: "BARNEHAGE", want: []string{"barnehageplass"}},
			{name: "skole finds skoleskyss", tenant: tenantA, lang: "nb", query: "skole", want: []string{"skoleskyss", "helsestasjon"}},
			{name: "søknad finds søknader", tenant: tenantA, lang: "nb", query: "søknad", want: []string{"byggesak", "barnehageplass", "skoleskyss"}},
			{name: "plural query", tenant: tenantA, lang: "nb", query: "søknader", want: []string{"byggesak", "barnehageplass"}},
			{name: "page", tenant: tenantA, lang: "nb", query: "eiendomsskatten", want: []string{"eiendomsskatt"}, exactly: true},
			{name: "all words", tenant: tenantA, lang: "nb", query: "søknad skoleskyss", want: []string{"skoleskyss"}, exactly: true},
			{name: "some words", tenant: tenantA, lang: "nb", query: "skoleskyss xyzzy", want: []string{"skoleskyss"}, exactly: true, partial: true},
			{name: "nothing", tenant: tenantA, lang: "nb", query: "xyzzy", exactly: true},
			{name: "stop-words dropped", tenant: tenantA, lang: "nb", query: "hvordan søker jeg om barnehageplass?", first: "barnehageplass"},
			{name: "nynorsk", tenant: tenantA, lang: "nn", query: "skule", want: []string{"skoleskyss"}},
			{name: "nynorsk page", tenant: tenantA, lang: "nn", query: "eigedomsskatt", want: []string{"eiendomsskatt"}},
			{name: "bokmål word on the nynorsk pages", tenant: tenantA, lang: "nn", query: "skoleskyss", want: []string{"skoleskyss"}},
			{name: "English", tenant: tenantA, lang: "en", query: "kindergarten", first: "barnehageplass", want: []string{"helsestasjon"}},
			{name: "English plural", tenant: tenantA, lang: "en", query: "kindergartens", want: []string{"barnehageplass"}},
			{name: "Norwegian word on the English pages", tenant: tenantA, lang: "en", query: "barnehage", want: []string{"barnehageplass"}},
			{name: "fallback to bokmål", tenant: tenantA, lang: "en", query: "parkering", want: []string{"parkering"}, exactly: true},
			{name: "fallback to bokmål, nynorsk", tenant: tenantA, lang: "nn", query: "forflytningshemmede", want: []string{"parkering"}, exactly: true},
			{name: "English text is not on the bokmål pages", tenant: tenantA, lang: "nb", query: "kindergarten", exactly: true},
			{name: "unknown language is bokmål", tenant: tenantA, lang: "de", query: "kindergarten", exactly: true},
			{name: "ranking by field", tenant: tenantA, lang: "nb", query: "skyss", want: []string{"skoleskyss"}, exactly: true},
			{name: "B sees only its own", tenant: tenantB, lang: "nb", query: "barnehage", want: []string{"bergen-barnehage"}, exactly: true},
			{name: "B's skoleskyss", tenant: tenantB, lang: "nb", query: "skoleskyss", want: []string{"skoleskyss"}, exactly: true},
			{name: "B does not see A's pages", tenant: tenantB, lang: "nb", query: "eiendomsskatt", exactly: true},
			{name: "unknown tenant", tenant: "0301", lang: "nb", query: "barnehage", exactly: true},
			{name: "markup is text", tenant: tenantA, lang: "nb", query: "alert", want: []string{"xss"}, exactly: true},
		}
		for _, tt := range tests {
			res, err := svc.Search(ctx, tt.tenant, tt.lang, tt.query, 0)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			got := slugs(res.Hits)
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("%s: %q gives %q, want %q first", tt.name, tt.query, got, tt.first)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%s: %q gives %q, want %q among them", tt.name, tt.query, got, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("%s: %q gives %q, which has %q", tt.name, tt.query, got, w)
				}
			}
			if tt.exactly && len(got) != len(tt.want) {
				t.Errorf("%s: %q gives %q, want exactly %q", tt.name, tt.query, got, tt.want)
			}
			for _, p := range tt.before {
				i, j := slices.Index(got, p[0]), slices.Index(got, p[1])
				if i < 0 || j < 0 || i > j {
					t.Errorf("%s: %q gives %q, want %s before %s", tt.name, tt.query, got, p[0], p[1])
				}
			}
			if res.Partial != tt.partial {
				t.Errorf("%s: partial = %v", tt.name, res.Partial)
			}
			if tt.tenant == tenantB {
				for _, h := range res.Hits {
					if plain, _ := text(h.Title); strings.Contains(plain, "Søknad om") {
						t.Errorf("%s: B's search shows A's %q", tt.name, plain)
					}
				}
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].Score > res.Hits[i-1].Score {
					t.Errorf("%s: hits not ordered by score: %+v", tt.name, res.Hits)
				}
			}
		}
	})
}

func TestSearchDetails(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, _ := newService(t, d)
		searchFixture(t, svc)
		find := func(lang, q, slug string) catalog.Hit {
			t.Helper()
			res, err := svc.Search(ctx, tenantA, lang, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.Slug == slug {
					return h
				}
			}
			t.Fatalf("%q in %s does not find %s: %q", q, lang, slug, slugs(res.Hits))
			return catalog.Hit{}
		}

		// Titles and snippets mark the words that matched.
		h := find("nb", "barnehage", "barnehageplass")
		if _, m := text(h.Title); m != "Søknad om [barnehageplass]" || h.Kind != catalog.KindService || h.Path() != "tjeneste/barnehageplass" || h.TitleLang != "nb" {
			t.Errorf("title %q, hit %+v", m, h)
		}
		if _, m := text(h.Snippet); !strings.Contains(m, "[barnehage].") {
			t.Errorf("snippet %q", m)
		}
		h = find("nb", "barnehage", "helsestasjon")
		if _, m := text(h.Snippet); !strings.Contains(m, "med [barnehagen] om") {
			t.Errorf("snippet from the description: %q", m)
		}
		h = find("nb", "eiendomsskatt", "eiendomsskatt")
		if _, m := text(h.Snippet); h.Kind != catalog.KindPage || h.Path() != "info/eiendomsskatt" || !strings.HasPrefix(m, "[Eiendomsskatten] er 2 promille. Den betales") {
			t.Errorf("page hit %+v, snippet %q", h, m)
		}

		// Fallback text says which language it is in.
		h = find("en", "parkering", "parkering")
		if plain, _ := text(h.Title); plain != "Parkering for forflytningshemmede" || h.TitleLang != "nb" || h.SnippetLang != "nb" {
			t.Errorf("fallback hit %+v", h)
		}
		h = find("en", "kindergarten", "barnehageplass")
		if plain, _ := text(h.Title); plain != "Applying for a kindergarten place" || h.TitleLang != "en" {
			t.Errorf("English hit %+v", h)
		}

		// Markup in content is plain text in the segments; the template
		// escapes it.
		h = find("nb", "alert", "xss")
		if plain, m := text(h.Title); plain != "<script>alert(1)</script>" || m != "<script>[alert](1)</script>" {
			t.Errorf("title %q / %q", plain, m)
		}

		// Unpublishing takes a service out of the index in the same
		// transaction; publishing brings it back. Changing A's skoleskyss
		// leaves B's alone.
		res, _ := svc.Search(ctx, tenantA, "nb", "skoleskyss", 10)
		m, err := svc.ServiceBySlug(ctx, tenantA, "skoleskyss")
		if err != nil || len(res.Hits) != 1 {
			t.Fatal(err, res)
		}
		m.Published = false
		if _, err := svc.UpsertService(ctx, tenantA, m, actor); err != nil {
			t.Fatal(err)
		}
		if res, _ := svc.Search(ctx, tenantA, "nb", "skoleskyss", 10); len(res.Hits) != 0 {
			t.Errorf("unpublished service found: %q", slugs(res.Hits))
		}
		if res, _ := svc.Search(ctx, tenantB, "nb", "skoleskyss", 10); len(res.Hits) != 1 {
			t.Errorf("B's service gone with A's: %q", slugs(res.Hits))
		}
		m.Published, m.Name.NB = true, "Skyss til skolen"
		if _, err := svc.UpsertService(ctx, tenantA, m, actor); err != nil {
			t.Fatal(err)
		}
		res, _ = svc.Search(ctx, tenantA, "nb", "skyss", 10)
		if len(res.Hits) != 1 {
			t.Fatalf("republished: %q", slugs(res.Hits))
		}
		if plain, _ := text(res.Hits[0].Title); plain != "Skyss til skolen" {
			t.Errorf("the index has the old name: %q", plain)
		}

		// The limit.
		if res, _ := svc.Search(ctx, tenantA, "nb", "barnehage", 1); len(res.Hits) != 1 {
			t.Errorf("limit 1 gives %d hits", len(res.Hits))
		}
	})
}

func TestSearchRefusesQueries(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		svc, _ := newService(t, d)
		searchFixture(t, svc)
		for _, tt := range []struct{ query, key string }{
			{"", "catalog.error.query_words"},
			{"   ", "catalog.error.query_words"},
			{"og i på", "catalog.error.query_words"},
			{"the of and", ""},
			{"!!! --- ???", "catalog.error.query_words"},
			{"a", "catalog.error.query_words"},
			{strings.Repeat("å", 200), ""},
			{strings.Repeat("å", 201), "catalog.error.query_long"},
			{strings.Repeat("barnehage ", 21), "catalog.error.query_long"},
			{`"barnehage" OR skole*`, ""},
			{"NEAR(barnehage skole) AND NOT col:x", ""},
			{"barnehage:* & !skole | (x)", ""},
			{"'; DROP TABLE catalog_search; --", ""},
			{"ǅemal İstanbul ﬁnn", ""},
			{"١٢٣ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 日本語", ""},
			{"a\u030a\u00ad\u200bx\u0301\u0301", "catalog.error.query_words"},
			{"barne\u00adhage", ""},
			{"\x00\xff\xfe barnehage", ""},
			{"e-post c++ 1e5 v2.0 ½", ""},
		} {
			_, err := svc.Search(context.Background(), tenantA, "nb", tt.query, 10)
			key, _, _ := errs.Public(err)
			switch {
			case tt.key == "" && err != nil:
				t.Errorf("%q: %v", tt.query, err)
			case tt.key != "" && (!errs.Is(errs.Invalid, err) || key != tt.key):
				t.Errorf("%q: %v, want Invalid %s", tt.query, err, tt.key)
			}
		}
	})
}

// FuzzSearchQuery searches random queries on SQLite: the only error may be
// a kinded Invalid (too long, no words), and every hit's title segments
// must join to a stored title.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"barnehage", "søknad om skoleskyss", `"`, `"*`, "*", "NEAR(a b)", "a:b", "{title}:x", "^x", "x AND", "OR", "-x", "+", "\x00", "\xff", "å\u030a", strings.Repeat("x", 201), "og i på", "t9999nb", "s39393939"} {
		f.Add(s)
	}
	d := dbtest.SQLite(f, dbtest.Options{}, schemas...)
	svc, _ := newService(f, d)
	searchFixture(f, svc)
	f.Fuzz(func(t *testing.T, q string) {
		res, err := svc.Search(context.Background(), tenantA, "nb", q, 5)
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("Search(%q): %v", q, err)
			}
			return
		}
		for _, h := range res.Hits {
			if plain, _ := text(h.Title); plain == "" {
				t.Fatalf("Search(%q): hit without title: %+v", q, h)
			}
		}
	})
}
