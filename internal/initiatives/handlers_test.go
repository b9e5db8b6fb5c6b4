package initiatives_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/initiatives"
	it "github.com/torg-ekommune/torg/internal/initiatives/initiativestest"
)

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func wantStatus(t *testing.T, what string, resp *http.Response, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, status)
	}
}

var commitmentRE = regexp.MustCompile(`<code id="forplikting">([0-9a-f]{64})</code>`)

// start creates an initiative through the pages as user and returns its id.
func start(t *testing.T, s *it.Site, user, title, text string) string {
	t.Helper()
	resp, body := post(t, s.Client(user), s.URL+"/k/9999/initiativ/nytt", url.Values{"tittel": {title}, "tekst": {text}})
	wantStatus(t, "start "+title+": "+body, resp, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/k/9999/initiativ/"), "?oppretta=1")
	if !initiatives.ValidID(id) {
		t.Fatalf("redirect to %s", loc)
	}
	return id
}

func TestPages(t *testing.T) {
	s := it.Start(t, it.Options{Residents: []string{it.KariPID, it.OlaPID, it.PerPID, it.AnnePID}})
	base := s.URL + "/k/9999/"
	anon, kari, ola, nils := s.Client(""), s.Client("innbygger"), s.Client("ola"), s.Client("nils")

	resp, body := get(t, anon, base+"initiativ?lang=nb")
	wantStatus(t, "list", resp, http.StatusOK)
	mustContain(t, "empty list", body, "Innbyggerinitiativ", "Det er ingen initiativer ennå.", "Her er det 1.")

	// Starting needs a citizen's sign-in.
	resp, _ = get(t, anon, base+"initiativ/nytt")
	wantStatus(t, "start signed out", resp, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "logg-inn?neste=%2Finitiativ%2Fnytt") {
		t.Errorf("signed out: sent to %s", loc)
	}
	resp, _ = get(t, s.Client("sekretariat"), base+"initiativ/nytt")
	wantStatus(t, "start as staff", resp, http.StatusSeeOther)
	resp, body = get(t, kari, base+"initiativ/nytt")
	wantStatus(t, "start form", resp, http.StatusOK)
	mustContain(t, "start form", body, `<label for="tittel">`, `<label for="tekst">`)

	// Bad input: the errors next to the fields, with a summary.
	resp, body = post(t, kari, base+"initiativ/nytt", url.Values{"tittel": {"Ab"}, "tekst": {""}})
	wantStatus(t, "empty start", resp, http.StatusUnprocessableEntity)
	mustContain(t, "empty start", body, "Det er noe du må rette", `href="#tittel"`, `href="#tekst"`, "Tittelen må ha minst 5 tegn.", "Skriv forslaget.", `aria-invalid="true"`)
	// A non-resident cannot start one.
	resp, body = post(t, nils, base+"initiativ/nytt", url.Values{"tittel": {"Lys i lysløypa"}, "tekst": {goodDraft.Text}})
	wantStatus(t, "non-resident starts", resp, http.StatusForbidden)
	mustContain(t, "non-resident starts", body, "ikke er registrert som bosatt i kommunen")

	// Crafted HTML and script are shown as text, in the title, the text
	// and the initiator's name.
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	id := start(t, s, "anne", "Forslag "+evil, "Teksten er lang nok. "+evil)
	resp, body = get(t, anon, base+"initiativ/"+id)
	wantStatus(t, "initiative page", resp, http.StatusOK)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Error("crafted HTML is run, not shown")
	}
	mustContain(t, "initiative page", body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Anne &lt;script&gt;alert(1)&lt;/script&gt; Berg",
		`<progress id="framdrift-`+id+`" max="1" value="0">`, `<label for="framdrift-`+id+`">Underskrifter: 0 av 1 som trengs</label>`,
		"Logg inn med ID-porten for å signere", "logg-inn?neste=%2Finitiativ%2F"+id, "forpliktingar")

	// Signing.
	resp, _ = post(t, anon, base+"initiativ/"+id+"/signer", nil)
	wantStatus(t, "sign signed out", resp, http.StatusUnauthorized)
	resp, body = post(t, nils, base+"initiativ/"+id+"/signer", nil)
	wantStatus(t, "non-resident signs", resp, http.StatusForbidden)
	mustContain(t, "non-resident signs", body, "Du kan ikke signere, fordi du ikke er registrert som bosatt i kommunen.")
	_, body = get(t, ola, base+"initiativ/"+id)
	mustContain(t, "page for a citizen", body, `action="/k/9999/initiativ/`+id+`/signer"`)
	resp, body = post(t, ola, base+"initiativ/"+id+"/signer", nil)
	wantStatus(t, "sign", resp, http.StatusOK)
	mustContain(t, "receipt", body, "Takk, du har signert", "Din underskrift gjorde at initiativet nådde grensen.")
	m := commitmentRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the receipt has no commitment:\n%s", body)
	}
	resp, body = post(t, ola, base+"initiativ/"+id+"/signer", nil)
	wantStatus(t, "sign twice", resp, http.StatusConflict)
	mustContain(t, "sign twice", body, "Du har allerede signert dette initiativet.")
	_, body = get(t, ola, base+"initiativ/"+id+"?lang=en")
	mustContain(t, "page after signing", body, "You have signed this initiative.", "Political case", "PS 1/26", `href="/k/9999/politikk/sak/PS-1/26"`,
		"The case is on the agenda of a meeting.")
	_, body = get(t, s.Client("anne"), base+"initiativ/"+id+"?lang=nn")
	mustContain(t, "initiator's page", body, "Du starta dette initiativet.", "Underskrifter: 1 av 1 som trengst")

	// The public list: the signer finds their commitment; the count is the
	// number of signatures.
	resp, body = get(t, anon, base+"initiativ/"+id+"/forpliktingar.json")
	wantStatus(t, "json", resp, http.StatusOK)
	var list initiatives.CommitmentList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Count != 1 || len(list.Commitments) != 1 || list.Commitments[0] != m[1] || list.Initiative != id {
		t.Errorf("json list %+v, want the one commitment %s", list, m[1])
	}
	resp, body = get(t, anon, base+"initiativ/"+id+"/forpliktingar.csv")
	wantStatus(t, "csv", resp, http.StatusOK)
	if body != "commitment\r\n"+m[1]+"\r\n" {
		t.Errorf("csv list %q", body)
	}
	_, body = get(t, anon, base+"initiativ/"+id+"/forpliktingar?kode="+strings.ToUpper(m[1]))
	mustContain(t, "check found", body, "Koden er med i listen.", "Listen har 1 koder")
	_, body = get(t, anon, base+"initiativ/"+id+"/forpliktingar?kode="+strings.Repeat("ab", 32))
	mustContain(t, "check not found", body, "Koden er ikke med i listen.")
	resp, body = get(t, anon, base+"initiativ/"+id+"/forpliktingar?kode=%3Cscript%3E")
	wantStatus(t, "check a bad code", resp, http.StatusUnprocessableEntity)
	mustContain(t, "check a bad code", body, `href="#kode"`, "Skriv koden fra kvitteringen", "&lt;script&gt;")

	// Unknown initiatives.
	for _, p := range []string{"initiativ/0123456789abcdef", "initiativ/nope", "initiativ/0123456789abcdef/forpliktingar.json"} {
		resp, _ = get(t, anon, base+p)
		wantStatus(t, p, resp, http.StatusNotFound)
	}
	resp, _ = post(t, kari, base+"initiativ/0123456789abcdef/signer", nil)
	wantStatus(t, "sign unknown", resp, http.StatusNotFound)
	// Another municipality does not see it.
	resp, _ = get(t, anon, s.URL+"/k/4601/initiativ/"+id)
	wantStatus(t, "Bergen", resp, http.StatusNotFound)
	_, body = get(t, anon, base+"initiativ")
	mustContain(t, "list", body, "Forslag &lt;script&gt;", "1 av 1 underskrifter", "Politisk sak")
}

func TestSecretariat(t *testing.T) {
	s := it.Start(t, it.Options{Residents: []string{it.KariPID, it.OlaPID, it.PerPID}})
	base := s.URL + "/k/9999/"
	id := start(t, s, "innbygger", "Lys i lysløypa", goodDraft.Text)
	for _, u := range []string{"ola", "per"} {
		resp, _ := post(t, s.Client(u), base+"initiativ/"+id+"/signer", nil)
		wantStatus(t, u+" signs", resp, http.StatusOK)
	}
	sec := s.Client("sekretariat")
	resp, body := get(t, sec, base+"tilsett/initiativ")
	wantStatus(t, "staff list", resp, http.StatusOK)
	mustContain(t, "staff list", body, "Lys i lysløypa", "2 av 1 underskrifter", "PS 1/26")
	resp, _ = get(t, s.Client("saksbehandler"), base+"tilsett/initiativ")
	wantStatus(t, "caseworker", resp, http.StatusForbidden)
	resp, _ = get(t, s.Client("ola"), base+"tilsett/initiativ/"+id)
	wantStatus(t, "citizen", resp, http.StatusSeeOther)
	resp, _ = post(t, s.Client("saksbehandler"), base+"tilsett/initiativ/"+id+"/eksport", url.Values{"formal": {"nysgjerrig"}})
	wantStatus(t, "caseworker exports", resp, http.StatusForbidden)

	resp, body = get(t, sec, base+"tilsett/initiativ/"+id)
	wantStatus(t, "staff page", resp, http.StatusOK)
	mustContain(t, "staff page", body, `<label for="formal">`)
	resp, body = post(t, sec, base+"tilsett/initiativ/"+id+"/eksport", url.Values{"formal": {" "}})
	wantStatus(t, "export without purpose", resp, http.StatusUnprocessableEntity)
	mustContain(t, "export without purpose", body, `href="#formal"`, "Skriv hvorfor du laster ned listen.")
	resp, body = post(t, sec, base+"tilsett/initiativ/"+id+"/eksport", url.Values{"formal": {"Kontroll før kommunestyret"}})
	wantStatus(t, "export", resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("export content type %s", ct)
	}
	mustContain(t, "export", body, "Navn;Fødselsnummer;Signert;Bosatt i kommunen nå", "Ola Nordmann;"+it.OlaPID+";", "Per Hansen;"+it.PerPID+";")
	if strings.Count(body, "\r\n") != 3 {
		t.Errorf("export has %d lines, want 3:\n%s", strings.Count(body, "\r\n"), body)
	}
}

func TestSignRateLimit(t *testing.T) {
	s := it.Start(t, it.Options{Residents: []string{it.KariPID, it.OlaPID}, Handler: initiatives.HandlerConfig{SignRate: 2}})
	base := s.URL + "/k/9999/"
	id := start(t, s, "innbygger", "Lys i lysløypa", goodDraft.Text)
	ola := s.Client("ola")
	for i, want := range []int{http.StatusOK, http.StatusConflict, http.StatusTooManyRequests} {
		resp, body := post(t, ola, base+"initiativ/"+id+"/signer", nil)
		if resp.StatusCode != want {
			t.Fatalf("attempt %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
		if want == http.StatusTooManyRequests {
			mustContain(t, "rate limited", body, "Vent et minutt og prøv igjen.")
		}
	}
	// Others are not limited by Ola's attempts.
	resp, _ := post(t, s.Client("innbygger"), base+"initiativ/"+id+"/signer", nil)
	wantStatus(t, "Kari signs", resp, http.StatusOK)

	// The limit per client address.
	s2 := it.Start(t, it.Options{Residents: []string{it.KariPID, it.OlaPID, it.PerPID}, Handler: initiatives.HandlerConfig{ClientRate: 2}})
	id2 := start(t, s2, "innbygger", "Lys i lysløypa", goodDraft.Text)
	for i, u := range []string{"innbygger", "ola", "per"} {
		resp, _ := post(t, s2.Client(u), s2.URL+"/k/9999/initiativ/"+id2+"/signer", nil)
		want := http.StatusOK
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		wantStatus(t, u+" from the same address", resp, want)
	}
}
