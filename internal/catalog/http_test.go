package catalog_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/catalog"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// page is one request to a municipality's pages and what must (and must
// not) come back.
type page struct {
	name, path string
	header     map[string]string
	status     int
	want       []string
	notWant    []string
}

func get(t *testing.T, srv *servertest.Server, tests []page) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := servertest.Client(t).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, body := servertest.ReadAll(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, resp.StatusCode, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q\n%s", tt.path, w, body)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("GET %s has %q", tt.path, w)
				}
			}
		})
	}
}

func TestPages(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	srv.AddTenant(t, "4601", "Bergen")
	// A service whose texts are markup, to show that pages escape content.
	_, err := srv.Catalog.UpsertService(context.Background(), "9999", catalog.MunicipalService{
		Slug: "xss", Published: true,
		Name:        catalog.Text{NB: "<script>alert(1)</script>"},
		Summary:     catalog.Text{NB: `"><img src=x onerror=alert(2)> alert`},
		Description: catalog.Text{NB: "<b>fet</b> alert"},
		Contact:     catalog.Contact{Email: "post@demo.kommune.no"},
	}, actor)
	if err != nil {
		t.Fatal(err)
	}
	long := url.QueryEscape(strings.Repeat("barnehage ", 25))
	get(t, srv, []page{
		{name: "front page links the catalogue", path: "/k/9999/", status: 200,
			want: []string{`href="/k/9999/tjenester"`, `action="/k/9999/sok"`, `role="search"`, `<label for="q">Hva leter du etter?</label>`}},
		{name: "catalogue", path: "/k/9999/tjenester", status: 200,
			want: []string{"<h1>Tjenester</h1>", "Familie og barn", "Bolig og eiendom", "Helse og omsorg", "Skole og utdanning", "Arbeid og næring",
				"Transport og trafikk", "Kultur og fritid", `href="/k/9999/tjenester/familie-og-barn"`,
				`href="/k/9999/tjeneste/soknad-om-barnehageplass"`, "Andre tjenester", "Kontakt kommunen"}},
		{name: "catalogue in nynorsk", path: "/k/9999/tjenester?lang=nn", status: 200,
			want: []string{"<h1>Tenester</h1>", "Bustad og eigedom", "Søknad om byggjeløyve", `lang="nn"`}},
		{name: "catalogue in English", path: "/k/9999/tjenester", header: map[string]string{"Accept-Language": "en"}, status: 200,
			want: []string{"<h1>Services</h1>", "Family and children", "Applying for a kindergarten place"}},
		{name: "life situation", path: "/k/9999/tjenester/familie-og-barn", status: 200,
			want: []string{`<h1 lang="nb">Familie og barn</h1>`, "Søknad om barnehageplass", "Helsestasjon for barn 0–5 år", "Nyttig å vite",
				`href="/k/9999/info/opptak-i-barnehage"`, `aria-current="page"`},
			notWant: []string{"Søknad om skoleskyss"}},
		{name: "service", path: "/k/9999/tjeneste/soknad-om-barnehageplass", status: 200,
			want: []string{`<h1 lang="nb">Søknad om barnehageplass</h1>`, "Dette kan du forvente", "Du får svar innen 30 dager.",
				"Barnehagekontoret",
				`href="mailto:barnehage@demo.kommune.no"`, `href="tel:&#43;4712345610"`, "<li>fødselsnummeret til barnet</li>",
				`href="/k/9999/tjenester/familie-og-barn"`, "Sist oppdatert",
				// The demo publishes the form, so the button leads to it.
				`href="/k/9999/skjema/barnehageplass"`, "Gå til skjemaet"}},
		{name: "service in nynorsk", path: "/k/9999/tjeneste/soknad-om-skoleskyss?lang=nn", status: 200,
			want: []string{"Søknad om skuleskyss", "Dette kan du vente deg", "Du får svar innan 21 dagar.", `href="/k/9999/skjema/skoleskyss"`}},
		{name: "service in English", path: "/k/9999/tjeneste/kontakt-kommunen?lang=en", status: 200,
			want: []string{`<h1 lang="en">Contact the municipality</h1>`, "What you can expect", "within 5 days", `href="/k/9999/skjema/kontakt"`}},
		{name: "service without a form", path: "/k/9999/tjeneste/fastlege-og-legevakt", status: 200,
			want: []string{"Fastlege og legevakt", "116 117"}, notWant: []string{"/skjema/", "Dette kan du forvente</h2>\n<p><strong>"}},
		{name: "information page", path: "/k/9999/info/eiendomsskatt", status: 200,
			want: []string{`<h1 lang="nb">Eiendomsskatt</h1>`, "2 promille", `href="/k/9999/tjenester/bolig-og-eiendom"`}},
		{name: "information page in nynorsk", path: "/k/9999/info/eiendomsskatt?lang=nn", status: 200,
			want: []string{`<h1 lang="nn">Eigedomsskatt</h1>`}},
		{name: "unknown service", path: "/k/9999/tjeneste/finnes-ikke", status: 404, want: []string{"Vi finner ikke denne tjenesten", "Gå til forsiden"}},
		{name: "unknown life situation", path: "/k/9999/tjenester/finnes-ikke", status: 404, want: []string{"Vi finner ikke denne livssituasjonen"}},
		{name: "unknown page", path: "/k/9999/info/finnes-ikke", status: 404, want: []string{"Vi finner ikke denne informasjonssiden"}},
		{name: "unknown page in English", path: "/k/9999/info/finnes-ikke?lang=en", status: 404, want: []string{"We cannot find this information page"}},
		{name: "slug with markup", path: "/k/9999/tjeneste/%3Cscript%3E", status: 404, notWant: []string{"<script>"}},
		{name: "search form only", path: "/k/9999/sok", status: 200,
			want: []string{"<h1>Søk</h1>", `<input type="search" id="q" name="q" value=""`}, notWant: []string{"treff", "<ol"}},
		{name: "search blank", path: "/k/9999/sok?q=+++", status: 200, notWant: []string{"treff", "error-summary"}},
		{name: "search", path: "/k/9999/sok?q=barnehage", status: 200,
			want: []string{"<title>Søk: barnehage – Demo kommune</title>", "treff på «barnehage».", `<a href="/k/9999/tjeneste/soknad-om-barnehageplass" lang="nb">Søknad om <mark>barnehageplass</mark></a>`,
				`href="/k/9999/info/opptak-i-barnehage"`, "Informasjon", `value="barnehage"`}},
		{name: "search in English", path: "/k/9999/sok?q=kindergarten&lang=en", status: 200,
			want: []string{"results for “kindergarten”", "Applying for a <mark>kindergarten</mark> place"}},
		{name: "search one result", path: "/k/9999/sok?q=eiendomsskatt", status: 200, want: []string{"Vi fant 1 treff på «eiendomsskatt»."}},
		{name: "search no results", path: "/k/9999/sok?q=xyzzy", status: 200, want: []string{"Vi fant ingen treff på «xyzzy».", `href="/k/9999/tjenester"`}},
		{name: "search some words", path: "/k/9999/sok?q=skoleskyss+xyzzy", status: 200, want: []string{"Ingen treff inneholdt alle ordene"}},
		{name: "long query", path: "/k/9999/sok?q=" + long, status: 200,
			want: []string{"Søket er for langt", `aria-invalid="true"`, `aria-describedby="q-error"`}, notWant: []string{"<mark>"}},
		{name: "only stop-words", path: "/k/9999/sok?q=og+i+p%C3%A5", status: 200, want: []string{"Søket inneholder ingen ord vi kan søke etter"}},
		{name: "only punctuation", path: "/k/9999/sok?q=%21%3F%2A%22", status: 200, want: []string{"Søket inneholder ingen ord"}},
		{name: "query with markup is escaped", path: "/k/9999/sok?q=" + url.QueryEscape(`"><script>alert(1)</script>`), status: 200,
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", `value="&#34;&gt;&lt;script&gt;`}, notWant: []string{"<script>alert(1)"}},
		{name: "content with markup is escaped", path: "/k/9999/sok?q=alert", status: 200,
			want: []string{"&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;", "&lt;img src=x onerror="}, notWant: []string{"<script>alert", "<img src=x"}},
		{name: "service with markup is escaped", path: "/k/9999/tjeneste/xss", status: 200,
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;fet&lt;/b&gt;"}, notWant: []string{"<script>alert", "<b>fet"}},
		// Another municipality has none of Demo kommune's catalogue.
		{name: "B's catalogue is empty", path: "/k/4601/tjenester", status: 200, want: []string{"har ikke lagt ut tjenester"}, notWant: []string{"barnehageplass"}},
		{name: "B's search finds nothing of A's", path: "/k/4601/sok?q=barnehage", status: 200, want: []string{"Vi fant ingen treff"}, notWant: []string{"Søknad om"}},
		{name: "A's service is not B's", path: "/k/4601/tjeneste/soknad-om-barnehageplass", status: 404},
		{name: "A's life situation is not B's", path: "/k/4601/tjenester/familie-og-barn", status: 404},
		{name: "A's page is not B's", path: "/k/4601/info/eiendomsskatt", status: 404},
	})

	// A draft is not shown.
	m, err := srv.Catalog.ServiceBySlug(context.Background(), "9999", "soknad-om-skoleskyss")
	if err != nil {
		t.Fatal(err)
	}
	m.Published = false
	if _, err := srv.Catalog.UpsertService(context.Background(), "9999", m, actor); err != nil {
		t.Fatal(err)
	}
	get(t, srv, []page{
		{name: "draft", path: "/k/9999/tjeneste/soknad-om-skoleskyss", status: 404},
		{name: "draft not listed", path: "/k/9999/tjenester/skole-og-utdanning", status: 200, notWant: []string{"Søknad om skoleskyss"}},
		{name: "draft not found", path: "/k/9999/sok?q=skoleskyss", status: 200, notWant: []string{"Søknad om skoleskyss"}},
	})
}

// TestSearchPagePostgres runs the search page on PostgreSQL.
func TestSearchPagePostgres(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{Postgres: true})
	get(t, srv, []page{
		{name: "search", path: "/k/9999/sok?q=barnehagen", status: 200,
			want: []string{`Søknad om <mark>barnehageplass</mark>`, "Opptak i <mark>barnehage</mark>"}},
		{name: "skole finds skoleskyss", path: "/k/9999/sok?q=skole", status: 200, want: []string{"Søknad om <mark>skoleskyss</mark>"}},
		{name: "nynorsk", path: "/k/9999/sok?q=skule&lang=nn", status: 200, want: []string{"Søknad om <mark>skuleskyss</mark>"}},
		{name: "long query", path: "/k/9999/sok?q=" + strings.Repeat("x", 201), status: 200, want: []string{"Søket er for langt"}},
		{name: "catalogue", path: "/k/9999/tjenester", status: 200, want: []string{"Familie og barn", "Kontakt kommunen"}},
	})
}
