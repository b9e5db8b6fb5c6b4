package politics_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

// demoCase returns the id of the demo's case with title.
func demoCase(t *testing.T, s *politicstest.Site, title string) string {
	t.Helper()
	list, err := s.Service.Cases(context.Background(), "9999")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.Title == title {
			return c.ID
		}
	}
	t.Fatalf("no demo case %q", title)
	return ""
}

func TestCasePageAndFeeds(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	id := demoCase(t, s, "Ny barnehage i Nordbygda")
	c := s.Client("")
	resp, body := get(t, c, s.URL+"/k/9999/politikk/sak/"+id)
	if resp.StatusCode != 200 {
		t.Fatalf("case page: %d", resp.StatusCode)
	}
	mustContain(t, "case page", body, "<h1>Ny barnehage i Nordbygda</h1>", "2026/44", "Formannskapet</strong> – behandlet", "Kommunestyret</strong> – saken er her nå",
		"Kommunen kjøper gnr. 12 bnr. 7", "Følg på e-post", `/k/9999/politikk/sak/`+id+`.atom`)
	if strings.Contains(body, "Takst og forhandlingsnotat") {
		t.Error("the case page shows the exempt attachment")
	}
	_, body = get(t, c, s.URL+"/k/9999/politikk/sak/"+demoCase(t, s, "Skolebruksplan 2027–2035"))
	mustContain(t, "initiative", body, "Innbyggerinitiativ (412 underskrifter)", "Hovedutvalg for oppvekst", "saken er her nå", "planlagt")
	_, body = get(t, c, s.URL+"/k/9999/politikk/saker")
	mustContain(t, "case list", body, "Ny barnehage i Nordbygda", "Skolebruksplan 2027–2035")

	for _, p := range []string{"/k/9999/politikk/sak/finnesikke", "/k/9999/politikk/sak/finnesikke.atom", "/k/9999/politikk/organ/finnes-ikke.atom",
		"/k/4601/politikk/sak/" + id, "/k/4601/politikk/sak/" + id + ".atom", "/k/9999/politikk/sak/UGYLDIG%20ID"} {
		if resp, _ := get(t, c, s.URL+p); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}

	// The feeds are Atom, parse, and hold what is public.
	type entry struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	}
	type feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Entries []entry  `xml:"entry"`
	}
	for _, tt := range []struct {
		path      string
		want      []string
		forbidden []string
	}{
		{"/k/9999/politikk/sak/" + id + ".atom", []string{"Kjøp av tomt til ny barnehage", "Kommunen kjøper gnr. 12 bnr. 7"}, []string{"Takst og forhandlingsnotat", "Høring"}},
		{"/k/9999/politikk/organ/formannskapet.atom", []string{"Tilskudd til lag og foreninger", "Innkalling og saksliste: Formannskapet"}, []string{"Takst og forhandlingsnotat", "Økonomirapport"}},
		{"/k/9999/politikk/organ/kommunestyret.atom", []string{"Økonomirapport"}, []string{"kommunedirektør", "søker nr. 3"}},
	} {
		resp, body := get(t, c, s.URL+tt.path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
			t.Errorf("%s: %d %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		var f feed
		if err := xml.Unmarshal([]byte(body), &f); err != nil {
			t.Errorf("%s does not parse: %v", tt.path, err)
			continue
		}
		if f.ID == "" || f.Updated == "" || len(f.Entries) == 0 {
			t.Errorf("%s: %+v", tt.path, f)
		}
		for _, e := range f.Entries {
			if e.ID == "" || e.Updated == "" || !strings.HasPrefix(e.Link.Href, s.URL+"/k/9999/politikk/") {
				t.Errorf("%s: entry %+v", tt.path, e)
			}
		}
		mustContain(t, tt.path, body, tt.want...)
		for _, x := range tt.forbidden {
			if strings.Contains(body, x) {
				t.Errorf("%s shows %q", tt.path, x)
			}
		}
	}
}

func TestFollowPages(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true, Config: politics.Config{FollowRate: 3, PublicURL: "https://torg.example.no"}})
	id := demoCase(t, s, "Ny barnehage i Nordbygda")
	c := s.Client("")
	follow := s.URL + "/k/9999/politikk/sak/" + id + "/folg"

	// Bad input: a clear message next to the field, and no mail.
	for _, bad := range []string{"", "kari", "kari@", "<script>alert(1)</script>@x.no", "a@b"} {
		resp, body := post(t, c, follow, url.Values{"epost": {bad}})
		if resp.StatusCode != 422 {
			t.Errorf("address %q: %d", bad, resp.StatusCode)
		}
		mustContain(t, "bad address", body, "Feil:", `href="#folg-epost"`, `id="folg-epost-error"`, `aria-invalid="true"`)
		if strings.Contains(body, "<script>alert") {
			t.Error("the address is not escaped")
		}
	}
	if resp, _ := post(t, c, s.URL+"/k/9999/politikk/sak/finnesikke/folg", url.Values{"epost": {"kari@example.no"}}); resp.StatusCode != 404 {
		t.Errorf("unknown case: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, s.URL+"/k/9999/politikk/organ/finnes-ikke/folg", url.Values{"epost": {"kari@example.no"}}); resp.StatusCode != 404 {
		t.Errorf("unknown body: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, s.URL+"/k/9999/politikk/organ/formannskapet/folg"); resp.StatusCode != 200 {
		t.Errorf("body follow form: %d", resp.StatusCode)
	}

	// A good request: redirect to "check your e-mail", and the link.
	resp, _ := post(t, c, follow, url.Values{"epost": {"kari@example.no"}})
	if resp.StatusCode != 303 || !strings.HasSuffix(resp.Header.Get("Location"), "/politikk/folg/sendt") {
		t.Fatalf("follow: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := get(t, c, s.URL+resp.Header.Get("Location"))
	mustContain(t, "sent", body, "Sjekk e-posten din")
	var mailBody string
	if err := s.DB.QueryRowContext(context.Background(), `SELECT body FROM notify_mail WHERE tenant_id = '9999' AND recipient = 'kari@example.no'`).Scan(&mailBody); err != nil {
		t.Fatal(err)
	}
	tok := token(t, mailBody, "/politikk/folg/bekreft")
	if !strings.Contains(mailBody, "https://torg.example.no/k/9999/politikk/folg/bekreft?t=") {
		t.Errorf("confirmation link not on the public URL: %s", mailBody)
	}
	// Opening the link confirms nothing; the button does.
	_, body = get(t, c, s.URL+"/k/9999/politikk/folg/bekreft?t="+tok)
	mustContain(t, "confirm form", body, `name="t" value="`+tok+`"`, "Bekreft")
	var n int
	s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM politics_follows WHERE confirmed_at IS NOT NULL`).Scan(&n)
	if n != 0 {
		t.Error("opening the link confirmed the follow")
	}
	resp, body = post(t, c, s.URL+"/k/9999/politikk/folg/bekreft", url.Values{"t": {tok}})
	if resp.StatusCode != 200 {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	mustContain(t, "confirmed", body, "Du følger nå Ny barnehage i Nordbygda", "/k/9999/politikk/folg/avslutt?t=")
	if resp, _ := post(t, c, s.URL+"/k/9999/politikk/folg/bekreft", url.Values{"t": {"feil"}}); resp.StatusCode != 404 {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, s.URL+"/k/9999/politikk/folg/bekreft"); resp.StatusCode != 404 {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	var unsub string
	s.DB.QueryRowContext(context.Background(), `SELECT unsubscribe FROM politics_follows WHERE confirmed_at IS NOT NULL`).Scan(&unsub)
	_, body = get(t, c, s.URL+"/k/9999/politikk/folg/avslutt?t="+unsub)
	mustContain(t, "unsubscribe form", body, "Vil du slutte å få e-post om Ny barnehage i Nordbygda?")
	_, body = post(t, c, s.URL+"/k/9999/politikk/folg/avslutt", url.Values{"t": {unsub}})
	mustContain(t, "unsubscribed", body, "Du følger ikke lenger")
	_, body = get(t, c, s.URL+"/k/9999/politikk/folg/avslutt?t="+unsub)
	mustContain(t, "unsubscribed twice", body, "Du følger ikke lenger")

	// The limit: three requests an hour per client; this client has
	// made one good one, and refused ones do not count.
	for i := range 2 {
		if resp, _ := post(t, c, follow, url.Values{"epost": {"ola" + string(rune('a'+i)) + "@example.no"}}); resp.StatusCode != 303 {
			t.Errorf("request %d: %d", i+2, resp.StatusCode)
		}
	}
	resp, body = post(t, c, follow, url.Values{"epost": {"per@example.no"}})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("too many: %d", resp.StatusCode)
	}
	mustContain(t, "too many", body, "Vent en time")
}

func TestSearchPage(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	c := s.Client("")
	for _, tt := range []struct {
		q    string
		want []string
		not  []string
	}{
		{"barnehagen", []string{"Ny barnehage i Nordbygda", "Kjøp av tomt til ny barnehage", "Politisk sak", "Sak i møte"}, nil},
		{"reguleringsplanen sentrum", []string{"Reguleringsplan for Sentrum nord", "Vedtak:"}, []string{"Kjøp av tomt"}},
		{"skolebruksplanen", []string{"Skolebruksplan 2027–2035", "/k/9999/politikk/sak/"}, nil},
		{"plankart", []string{"Plankart og bestemmelser", "Dokument"}, nil},
		{"2026/44", []string{"Ny barnehage i Nordbygda"}, nil},
		{"bussforbindelse", []string{"Høring – regional transportplan"}, nil},
		// Exempt items, their decisions, exempt documents: never.
		{"kommunedirektør", []string{"0 treff"}, []string{"Tilsetting"}},
		{"søker nr", []string{"0 treff"}, []string{"Personalsak"}},
		{"forhandlingsnotat", []string{"0 treff"}, nil},
		{"tilrettelagt opplæring", []string{"0 treff"}, nil},
		{"<script>alert(1)</script>", []string{"0 treff", "&lt;script&gt;"}, []string{"<script>alert"}},
	} {
		resp, body := get(t, c, s.URL+"/k/9999/politikk/sok?q="+url.QueryEscape(tt.q))
		if resp.StatusCode != 200 {
			t.Errorf("%q: %d", tt.q, resp.StatusCode)
		}
		mustContain(t, tt.q, body, tt.want...)
		for _, x := range tt.not {
			if strings.Contains(body, x) {
				t.Errorf("%q finds %q", tt.q, x)
			}
		}
	}
	resp, body := get(t, c, s.URL+"/k/9999/politikk/sok?q="+strings.Repeat("a", 201))
	if resp.StatusCode != 422 {
		t.Errorf("long query: %d", resp.StatusCode)
	}
	mustContain(t, "long query", body, "Søket kan ha høyst 200 tegn", `href="#sok-q"`)
	resp, body = get(t, c, s.URL+"/k/9999/politikk/sok")
	if resp.StatusCode != 200 || strings.Contains(body, "treff") {
		t.Errorf("empty search: %d", resp.StatusCode)
	}
	// Another municipality finds nothing of Demo's.
	_, body = get(t, c, s.URL+"/k/4601/politikk/sok?q=barnehage")
	mustContain(t, "other municipality", body, "0 treff")
}

func TestStaffCases(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	sek := s.Client("sekretariat")
	for _, user := range []string{"", "innbygger", "saksbehandler", "folkevalgt"} {
		resp, _ := get(t, s.Client(user), s.URL+"/k/9999/tilsett/politikk/saker")
		if resp.StatusCode == 200 {
			t.Errorf("%q reaches the secretariat's cases", user)
		}
	}
	_, body := get(t, sek, s.URL+"/k/9999/tilsett/politikk/saker")
	mustContain(t, "list", body, "Ny barnehage i Nordbygda", "Ny politisk sak")

	// Bad input.
	resp, body := post(t, sek, s.URL+"/k/9999/tilsett/politikk/saker/ny", url.Values{"tittel": {""}, "arkivsak": {"x/1"}, "opphav": {"innbyggerinitiativ"},
		"underskrifter": {"mange"}})
	if resp.StatusCode != 422 {
		t.Errorf("bad case: %d", resp.StatusCode)
	}
	mustContain(t, "bad case", body, `href="#tittel"`, `href="#arkivsak"`, `href="#underskrifter"`, "Skriv antall underskrifter med tall")
	// A good one, with crafted HTML in the title.
	resp, _ = post(t, sek, s.URL+"/k/9999/tilsett/politikk/saker/ny", url.Values{"tittel": {"Gatelys <script>alert(1)</script>"}, "arkivsak": {"2026/7"},
		"opphav": {"innbyggerinitiativ"}, "underskrifter": {"1 204"}, "sammendrag": {"Lys i Skolegata."}})
	if resp.StatusCode != 303 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/k/9999/tilsett/politikk/saker/"), "?ny=1")
	_, body = get(t, sek, s.URL+loc)
	mustContain(t, "new case", body, "Saken er opprettet", "&lt;script&gt;", `name="forlop-1-organ"`, `value="1204"`)
	// The path: bad, then good.
	resp, body = post(t, sek, s.URL+"/k/9999/tilsett/politikk/saker/"+id+"/forlop", url.Values{"forlop-1-organ": {"formannskapet"}, "forlop-1-dato": {"31.02.2027"},
		"forlop-2-organ": {"finnes-ikke"}, "forlop-2-dato": {""}})
	if resp.StatusCode != 422 {
		t.Errorf("bad path: %d", resp.StatusCode)
	}
	mustContain(t, "bad path", body, `href="#forlop-1-dato"`, `href="#forlop-2-organ"`, `value="31.02.2027"`)
	resp, _ = post(t, sek, s.URL+"/k/9999/tilsett/politikk/saker/"+id+"/forlop", url.Values{"forlop-1-organ": {"formannskapet"}, "forlop-1-dato": {"02.2027"},
		"forlop-2-organ": {"kommunestyret"}, "forlop-2-dato": {"2027-03"}, "forlop-3-organ": {""}, "forlop-3-dato": {""}})
	if resp.StatusCode != 303 {
		t.Fatalf("path: %d", resp.StatusCode)
	}
	_, body = get(t, s.Client(""), s.URL+"/k/9999/politikk/sak/"+id)
	mustContain(t, "public case", body, "Gatelys &lt;script&gt;", "Formannskapet</strong> – saken er her nå (planlagt 02.2027)", "Kommunestyret</strong> – planlagt (planlagt 03.2027)",
		"1204 underskrifter")
	if strings.Contains(body, "<script>alert") {
		t.Error("the title is not escaped")
	}
	// Edit the details; bad input keeps what was typed.
	resp, body = post(t, sek, s.URL+"/k/9999/tilsett/politikk/saker/"+id, url.Values{"tittel": {"Gatelys"}, "arkivsak": {"2026"}, "opphav": {"annet"}})
	if resp.StatusCode != 422 {
		t.Errorf("bad edit: %d", resp.StatusCode)
	}
	mustContain(t, "bad edit", body, `href="#arkivsak"`)
	if resp, _ := post(t, sek, s.URL+"/k/9999/tilsett/politikk/saker/finnesikke", url.Values{"tittel": {"X"}}); resp.StatusCode != 404 {
		t.Errorf("edit unknown case: %d", resp.StatusCode)
	}

	// The case is offered when an item is added, and linked.
	ids := findDemo(t, s)
	_, body = get(t, sek, s.URL+"/k/9999/tilsett/politikk/mote/"+ids.planned)
	mustContain(t, "item form", body, `name="politisk_sak"`, `value="`+id+`"`)
	resp, _ = post(t, sek, s.URL+"/k/9999/tilsett/politikk/mote/"+ids.planned+"/sak", url.Values{"tittel": {"Gatelys i Skolegata"}, "politisk_sak": {id}})
	if resp.StatusCode != 303 {
		t.Fatalf("add item: %d", resp.StatusCode)
	}
	resp, body = post(t, sek, s.URL+"/k/9999/tilsett/politikk/mote/"+ids.planned+"/sak", url.Values{"tittel": {"Noe"}, "politisk_sak": {"finnesikke"}})
	if resp.StatusCode != 422 {
		t.Errorf("unknown case on item: %d", resp.StatusCode)
	}
	mustContain(t, "unknown case on item", body, "Velg en politisk sak fra listen.")
}

func TestOfficialPage(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ctx := context.Background()
	actor := politicstest.Actor()
	ids := findDemo(t, s)
	// A coming meeting of the executive committee, with an exempt
	// document, published.
	day := s.Clock.Now().In(politics.Oslo()).AddDate(0, 0, 3).Format("02.01.2006")
	m, err := s.Service.CreateMeeting(ctx, "9999", politics.MeetingForm{BodyID: "formannskapet", Date: day, From: "09:00", To: "10:00", Place: "Rådhuset"}, actor)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := s.Service.AddItem(ctx, "9999", m.ID, politics.ItemForm{Title: "Salg av næringstomt"}, actor)
	if _, err := s.Service.AddDocument(ctx, "9999", it.ID, politics.DocumentForm{Kind: politics.DocMain}, "s.pdf", bytes.NewReader(politics.PDF("S", "x")), actor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.AddDocument(ctx, "9999", it.ID, politics.DocumentForm{Kind: politics.DocAttachment, Title: "Verdivurdering tomt", Exempt: "1",
		LegalBasis: "Offl. § 23 første ledd"}, "v.pdf", bytes.NewReader(politics.PDF("V", "x")), actor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.Publish(ctx, "9999", m.ID, "nb", "", actor); err != nil {
		t.Fatal(err)
	}
	// A citizen writes to the official, with crafted HTML.
	resp, body := get(t, s.Client(""), s.URL+"/k/9999/politikk/person/"+ids.jonas.ID+"/kontakt")
	tok := between(body, `name="skjema" value="`, `"`)
	resp, _ = post(t, s.Client(""), s.URL+"/k/9999/politikk/person/"+ids.jonas.ID+"/kontakt", url.Values{"melding": {"Hvorfor <b>stenger</b> dere skolen?"},
		"navn": {"Kari Nordmann"}, "epost": {"kari@example.no"}, "skjema": {tok}})
	if resp.StatusCode != 303 {
		t.Fatalf("contact: %d", resp.StatusCode)
	}

	resp, body = get(t, s.Client("folkevalgt"), s.URL+"/k/9999/tilsett/politikk/meg")
	if resp.StatusCode != 200 {
		t.Fatalf("official page: %d", resp.StatusCode)
	}
	mustContain(t, "official page", body, "Jonas Bakke", "Formannskapet", "Salg av næringstomt", "Verdivurdering tomt", "Offl. § 23 første ledd",
		"Hvorfor &lt;b&gt;stenger&lt;/b&gt; dere skolen?", "Kari Nordmann", "kari@example.no")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the official's page may be cached: %q", resp.Header.Get("Cache-Control"))
	}
	// Another official sees none of it; the others may not come in.
	_, body = get(t, s.Client("annen-folkevalgt"), s.URL+"/k/9999/tilsett/politikk/meg")
	if strings.Contains(body, "Verdivurdering") || strings.Contains(body, "stenger") {
		t.Error("another official sees Jonas's page")
	}
	mustContain(t, "unknown official", body, "Vi finner ingen folkevalgt")
	for _, user := range []string{"", "innbygger", "saksbehandler", "sekretariat"} {
		resp, _ := get(t, s.Client(user), s.URL+"/k/9999/tilsett/politikk/meg")
		if resp.StatusCode == 200 {
			t.Errorf("%q reaches the official's page", user)
		}
	}
}

// between returns the text of s between the first before and the next
// after.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, after)
	return out
}
