package panels_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/panels"
	"github.com/torg-ekommune/torg/internal/panels/panelstest"
	"github.com/torg-ekommune/torg/internal/surveys"
)

func page(t *testing.T, s *panelstest.Site, user, method, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	target := path
	if !strings.HasPrefix(path, "/k/") && !strings.HasPrefix(path, "http") {
		target = s.URL + "/k/" + panelstest.Demo + "/" + path
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := s.Client(user).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestBadInput walks the bad-input paths of the pages: each gets a clear
// message in the user's language and the right status, never a 500, and
// crafted text comes back as text.
func TestBadInput(t *testing.T) {
	s := panelstest.Start(t, panelstest.Options{Config: panels.Config{EnrolRate: 7}})
	if _, err := s.Service.SetPopulation(ctx, panelstest.Demo, panelstest.Population+"<script>alert(1)</script>;1;1;1;1\n", panelstest.Actor()); err != nil {
		t.Fatal(err)
	}
	ok := url.Values{"samtykke": {"1"}, "omrade": {"Sentrum"}, "epost": {"kari@example.no"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range ok {
			f[kk] = vv
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	for _, c := range []struct {
		name, user, method, path string
		form                     url.Values
		status                   int
		want                     []string
	}{
		{"signed out", "", "GET", "innbyggerpanel", nil, http.StatusSeeOther, nil},
		{"staff page as a citizen", "kari", "GET", "tilsett/innbyggerpanel", nil, http.StatusSeeOther, nil},
		{"staff page as a caseworker", "saksbehandler", "GET", "tilsett/innbyggerpanel", nil, http.StatusForbidden, nil},
		{"form", "kari", "GET", "innbyggerpanel", nil, 200, []string{"30–44 år", "&lt;script&gt;alert(1)&lt;/script&gt;", "Hva vi lagrer", "Bli med i panelet"}},
		{"no consent", "kari", "POST", "innbyggerpanel", with("samtykke", ""), 422, []string{`<a href="#samtykke">Kryss av for at du samtykker`, "<title>Feil: "}},
		{"unknown area", "kari", "POST", "innbyggerpanel", with("omrade", "Atlantis"), 422, []string{`<a href="#omrade-0">Velg et av områdene i listen.</a>`}},
		{"script as area", "kari", "POST", "innbyggerpanel", with("omrade", `"><script>alert(2)</script>`), 422, []string{"Velg et av områdene i listen."}},
		{"script as address", "kari", "POST", "innbyggerpanel", with("epost", `"><script>alert(3)</script>`), 422, []string{"Skriv en gyldig e-postadresse", `value="&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"`}},
		{"not a resident", "nils", "POST", "innbyggerpanel", ok, http.StatusForbidden, []string{"Bare innbyggere i kommunen kan være med"}},
		{"too young", "ung", "GET", "innbyggerpanel", nil, 200, []string{"Du må være minst 16 år"}},
		{"enrol", "kari", "POST", "innbyggerpanel", ok, http.StatusSeeOther, nil},
		{"enrol twice", "kari", "POST", "innbyggerpanel", with("omrade", "Bygda"), http.StatusConflict, []string{"Du er allerede med i innbyggerpanelet."}},
		{"rate limit", "ola", "POST", "innbyggerpanel", ok, http.StatusTooManyRequests, []string{"Du har sendt for mange forespørsler."}},
	} {
		resp, body := page(t, s, c.user, c.method, c.path, c.form)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d\n%s", c.name, resp.StatusCode, c.status, body)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", c.name, w)
			}
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("%s: script not escaped", c.name)
		}
	}
	if resp, _ := page(t, s, "kari", "GET", "innbyggerpanel?melding=innmeldt", nil); resp.StatusCode != 200 {
		t.Errorf("member page: %d", resp.StatusCode)
	}
	_, body := page(t, s, "kari", "GET", "innbyggerpanel?melding=innmeldt", nil)
	for _, w := range []string{"Du er nå med i innbyggerpanelet.", "kari@example.no", "Sentrum", "Meld meg ut"} {
		if !strings.Contains(body, w) {
			t.Errorf("member page lacks %q", w)
		}
	}

	// Staff: a bad population, and a crafted survey title.
	resp, body := page(t, s, "leder", "POST", "tilsett/innbyggerpanel/befolkning", url.Values{"befolkning": {"Sentrum;1;2;3\n"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "Hver linje skal ha et områdenavn og fire tall") || !strings.Contains(body, "(linje 1)") {
		t.Errorf("bad population: %d\n%s", resp.StatusCode, body)
	}
	resp, body = page(t, s, "leder", "POST", "tilsett/innbyggerpanel/befolkning", url.Values{"befolkning": {"Bygda;1;2;3;4\n"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Området «Sentrum» har medlemmer") {
		t.Errorf("removing a used area: %d\n%s", resp.StatusCode, body)
	}
	resp, body = page(t, s, "leder", "POST", "tilsett/innbyggerpanel/undersokelser", url.Values{"tittel": {""}})
	if resp.StatusCode != 422 || !strings.Contains(body, `<a href="#tittel">`) {
		t.Errorf("no title: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = page(t, s, "leder", "POST", "tilsett/innbyggerpanel/undersokelser", url.Values{"tittel": {"<script>alert(4)</script>"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/k/9999/tilsett/undersokelser/")
	_, body = page(t, s, "leder", "GET", "tilsett/innbyggerpanel", nil)
	if !strings.Contains(body, "&lt;script&gt;alert(4)&lt;/script&gt;") || strings.Contains(body, "<script>alert") {
		t.Errorf("staff page: title not escaped")
	}
	// Sending a survey without questions is refused clearly.
	resp, body = page(t, s, "leder", "POST", "tilsett/innbyggerpanel/undersokelser/"+id+"/send", url.Values{})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "spørsmål") {
		t.Errorf("send without questions: %d\n%s", resp.StatusCode, body)
	}
	q, err := s.Surveys.AddQuestion(ctx, panelstest.Demo, id, surveys.QuestionForm{Kind: surveys.KindSingle, Text: "Ja?", Required: true, Options: "Ja\nNei"}, panelstest.Actor())
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = page(t, s, "leder", "POST", "tilsett/innbyggerpanel/undersokelser/"+id+"/send", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tal=1") {
		t.Fatalf("send: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	link := s.Link(t, "kari@example.no", id)
	if link == "" {
		t.Fatal("no link mailed")
	}
	_, body = page(t, s, "", "GET", link, nil)
	if !strings.Contains(body, "bare aldersgruppen og området ditt") {
		t.Errorf("answer page lacks the panel's anonymity statement")
	}
	// Answering a closed panel survey.
	if err := s.Surveys.Close(ctx, panelstest.Demo, id, panelstest.Actor()); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link)
	resp, body = page(t, s, "", "POST", "undersokelser/"+id, url.Values{"t": {u.Query().Get("t")}, "q-" + q.ID: {"0"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "lukket") {
		t.Errorf("answer a closed survey: %d\n%s", resp.StatusCode, body)
	}
	// Results of an unknown survey, and of one that is not the panel's.
	if resp, _ := page(t, s, "leder", "GET", "tilsett/innbyggerpanel/undersokelser/aaaaaaaaaaaaaaaa/resultat", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown survey: %d", resp.StatusCode)
	}
	if resp, body := page(t, s, "leder", "GET", "tilsett/innbyggerpanel/undersokelser/"+id+"/resultat", nil); resp.StatusCode != 200 || !strings.Contains(body, "Færre enn 5 har svart") {
		t.Errorf("results with one answer: %d", resp.StatusCode)
	}

	// Leaving, and leaving again.
	resp, _ = page(t, s, "kari", "POST", "innbyggerpanel/meld-ut", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("leave: %d", resp.StatusCode)
	}
	resp, body = page(t, s, "per", "POST", "innbyggerpanel/meld-ut", url.Values{})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Du er ikke med i innbyggerpanelet.") {
		t.Errorf("leave without being a member: %d", resp.StatusCode)
	}
}

// TestLanguages: the citizen's page in nynorsk and English.
func TestLanguages(t *testing.T) {
	s := panelstest.Start(t, panelstest.Options{})
	for lang, want := range map[string]string{"nn": "Kva vi lagrar, og kvifor", "en": "What we store, and why"} {
		req, _ := http.NewRequest("GET", s.URL+"/k/9999/innbyggerpanel", nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		req.Header.Set("Accept-Language", lang)
		resp, err := s.Client("kari").Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: the page lacks %q", lang, want)
		}
	}
}
