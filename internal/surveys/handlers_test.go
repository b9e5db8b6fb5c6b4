package surveys_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/surveys/surveystest"
)

// page fetches path (inside Demo) as user and returns the status and body.
func page(t *testing.T, s *surveystest.Site, user, method, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	target := path
	if !strings.HasPrefix(path, "/k/") {
		target = "/k/" + surveystest.Demo + "/" + path
	}
	req, err := http.NewRequest(method, s.URL+target, body)
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

func contains(t *testing.T, name, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: page lacks %q", name, w)
		}
	}
}

// siteSurvey makes an open survey on the site like fixture, with a
// crafted question text.
func siteSurvey(t *testing.T, s *surveystest.Site, f surveys.SurveyForm) (surveys.Survey, []surveys.Question) {
	t.Helper()
	ctx := context.Background()
	if f.Title == "" {
		f.Title = "Brukarundersøking <i>bibliotek</i>"
	}
	if f.Audience == "" {
		f.Audience = surveys.AudienceOpen
	}
	sv, err := s.Service.Create(ctx, surveystest.Demo, f, surveystest.Actor())
	if err != nil {
		t.Fatal(err)
	}
	var qs []surveys.Question
	for _, qf := range []surveys.QuestionForm{
		{Kind: "single", Text: "Ja eller nei? <script>alert(1)</script>", Required: true, Options: "Ja\nNei"},
		{Kind: "multiple", Text: "Kva brukar du?", Options: "A\nB\nC"},
		{Kind: "scale", Text: "Kor nøgd?", Required: true, ScaleMin: "1", ScaleMax: "5"},
		{Kind: "matrix", Text: "Vurder", Options: "Bra\nDårleg", Rows: "X\nY"},
		{Kind: "text", Text: "Kommentar"},
	} {
		if len(qs) == 2 {
			qf.Condition = qs[0].ID + ":0"
		}
		q, err := s.Service.AddQuestion(ctx, surveystest.Demo, sv.ID, qf, surveystest.Actor())
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	if err := s.Service.Open(ctx, surveystest.Demo, sv.ID, surveys.Letter{Link: s.URL}, surveystest.Actor()); err != nil {
		t.Fatal(err)
	}
	return sv, qs
}

func TestAnswerPage(t *testing.T) {
	s := surveystest.Start(t, surveystest.Options{})
	sv, qs := siteSurvey(t, s, surveys.SurveyForm{Anonymous: true})
	path := "undersokelser/" + sv.ID
	resp, body := page(t, s, "", "GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET: %d\n%s", resp.StatusCode, body)
	}
	contains(t, "answer page", body, "Svarene er anonyme: vi lagrer ikke hvem som svarte.", "Brukarundersøking &lt;i&gt;bibliotek&lt;/i&gt;",
		"Ja eller nei? &lt;script&gt;alert(1)&lt;/script&gt;", `<input type="radio" id="q-`+qs[0].ID+`-0" name="q-`+qs[0].ID+`" value="0">`,
		`type="checkbox"`, `name="q-`+qs[3].ID+`-1"`, `<textarea id="q-`+qs[4].ID+`"`, "Svar bare hvis du svarte «Ja» på spørsmål 1.")
	if strings.Count(body, "<h1") != 1 || strings.Contains(body, "<script>alert") {
		t.Error("not one h1, or script not escaped")
	}
	if strings.Index(body, "Svarene er anonyme") > strings.Index(body, "<form method=\"post\"") {
		t.Error("the anonymity statement does not come before the questions")
	}

	// Nothing answered: the summary links to the first radio button.
	resp, body = page(t, s, "", "POST", path, url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty answer: %d", resp.StatusCode)
	}
	contains(t, "empty answer", body, `class="error-summary"`, `<a href="#q-`+qs[0].ID+`-0">Spørsmål 1: Svar på spørsmålet.</a>`,
		`<p class="field-error" id="q-`+qs[0].ID+`-error">Svar på spørsmålet.</p>`, "<title>Feil: ")

	// Crafted text comes back as text; a bad choice is named.
	evil := `"><script>alert(2)</script>`
	resp, body = page(t, s, "", "POST", path, url.Values{"q-" + qs[0].ID: {"5"}, "q-" + qs[4].ID: {evil}})
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, "<script>alert(2)") {
		t.Errorf("crafted text: %d", resp.StatusCode)
	}
	contains(t, "bad choice", body, "Spørsmål 1: Velg et av svaralternativene.", "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</textarea>")

	resp, body = page(t, s, "", "POST", path, url.Values{"q-" + qs[0].ID: {"1"}, "q-" + qs[4].ID: {evil}})
	if resp.StatusCode != 200 {
		t.Fatalf("answer: %d\n%s", resp.StatusCode, body)
	}
	contains(t, "thanks", body, "Takk for svarene")

	if err := s.Service.Close(context.Background(), surveystest.Demo, sv.ID, surveystest.Actor()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GET", "POST"} {
		resp, body = page(t, s, "", m, path, url.Values{"q-" + qs[0].ID: {"1"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Undersøkelsen er lukket og tar ikke imot flere svar.") {
			t.Errorf("%s closed survey: %d", m, resp.StatusCode)
		}
	}
	for _, p := range []string{"undersokelser/aaaaaaaaaaaaaaaa", "undersokelser/x", "/k/4601/undersokelser/" + sv.ID} {
		if resp, _ := page(t, s, "", "GET", p, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	// A draft is not public.
	draft, _ := s.Service.Create(context.Background(), surveystest.Demo, surveys.SurveyForm{Title: "Utkast", Audience: "open"}, surveystest.Actor())
	if resp, _ := page(t, s, "", "GET", "undersokelser/"+draft.ID, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("draft: %d", resp.StatusCode)
	}
}

func TestAnswerOnce(t *testing.T) {
	s := surveystest.Start(t, surveystest.Options{})
	sv, qs := siteSurvey(t, s, surveys.SurveyForm{Anonymous: true, OneAnswer: true})
	path := "undersokelser/" + sv.ID
	resp, _ := page(t, s, "", "GET", path, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/k/9999/logg-inn?neste=") {
		t.Errorf("signed out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := page(t, s, "", "POST", path, url.Values{"q-" + qs[0].ID: {"1"}}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Du må logge inn for å svare") {
		t.Errorf("POST signed out: %d", resp.StatusCode)
	}
	resp, body := page(t, s, "innbygger", "GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("signed in: %d", resp.StatusCode)
	}
	contains(t, "one answer", body, "vi merker bare at du har svart, ikke hva du svarte")
	if resp, _ := page(t, s, "innbygger", "POST", path, url.Values{"q-" + qs[0].ID: {"1"}}); resp.StatusCode != 200 {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	for _, m := range []string{"GET", "POST"} {
		resp, body := page(t, s, "innbygger", m, path, url.Values{"q-" + qs[0].ID: {"1"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Du har allerede svart på denne undersøkelsen.") {
			t.Errorf("%s twice: %d", m, resp.StatusCode)
		}
	}
}

func TestIdentifiedStatement(t *testing.T) {
	s := surveystest.Start(t, surveystest.Options{})
	sv, _ := siteSurvey(t, s, surveys.SurveyForm{Anonymous: false})
	_, body := page(t, s, "innbygger2", "GET", "undersokelser/"+sv.ID, nil)
	contains(t, "identified", body, "Svarene blir lagret med navnet ditt (Ola &lt;b&gt;Nordmann&lt;/b&gt;).")
	// Nynorsk.
	req, _ := http.NewRequest("GET", s.URL+"/k/9999/undersokelser/"+sv.ID, nil)
	req.AddCookie(&http.Cookie{Name: "torg_lang", Value: "nn"})
	resp, err := s.Client("innbygger").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	contains(t, "nynorsk", string(b), "Svara blir lagra med namnet ditt (Kari Nordmann).")
}

func TestAnswerRateLimit(t *testing.T) {
	s := surveystest.Start(t, surveystest.Options{Config: surveys.Config{AnswerRate: 2}})
	sv, qs := siteSurvey(t, s, surveys.SurveyForm{Anonymous: true})
	path := "undersokelser/" + sv.ID
	// Invalid answers cost nothing.
	for range 3 {
		page(t, s, "", "POST", path, url.Values{})
	}
	for i := range 3 {
		resp, body := page(t, s, "", "POST", path, url.Values{"q-" + qs[0].ID: {"1"}})
		want := 200
		if i == 2 {
			want = http.StatusTooManyRequests
			contains(t, "rate limit", body, "for mange svar")
		}
		if resp.StatusCode != want {
			t.Errorf("answer %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
}

var staffLinkRE = regexp.MustCompile(`https://torg\.example\.no/k/9999/undersokelser/[a-z2-7]{16}\?t=([A-Za-z0-9_-]{43})`)

func TestBuilderPages(t *testing.T) {
	s := surveystest.Start(t, surveystest.Options{PublicURL: "https://torg.example.no"})
	if resp, _ := page(t, s, "", "GET", "tilsett/undersokelser", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d", resp.StatusCode)
	}
	if resp, _ := page(t, s, "saksbehandler", "GET", "tilsett/undersokelser", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("caseworker: %d", resp.StatusCode)
	}
	resp, body := page(t, s, "leder", "GET", "tilsett/undersokelser", nil)
	if resp.StatusCode != 200 || strings.Count(body, "<h1") != 1 {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	contains(t, "list", body, "Det er ingen undersøkelser ennå.", `<label for="tittel">`)
	resp, body = page(t, s, "leder", "POST", "tilsett/undersokelser", url.Values{"tittel": {""}, "malgruppe": {"list"}, "anonym": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("create without a title: %d", resp.StatusCode)
	}
	contains(t, "create error", body, `<a href="#tittel">Skriv et navn på undersøkelsen.</a>`, `id="tittel-error"`)
	resp, _ = page(t, s, "leder", "POST", "tilsett/undersokelser", url.Values{"tittel": {"Medarbeidarundersøking 2026 <script>"}, "malgruppe": {"list"}, "anonym": {"1"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/k/9999/tilsett/undersokelser/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	id := strings.TrimPrefix(loc, "/k/9999/tilsett/undersokelser/")
	base := "tilsett/undersokelser/" + id
	resp, body = page(t, s, "leder", "GET", base, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("survey page: %d", resp.StatusCode)
	}
	contains(t, "survey page", body, "Medarbeidarundersøking 2026 &lt;script&gt;", "Undersøkelsen har ingen spørsmål ennå.", `<select id="type" name="type">`)

	resp, body = page(t, s, "leder", "POST", base+"/sporsmal", url.Values{"type": {"single"}, "sporsmal": {"Trivst du?"}, "alternativ": {"Ja"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad question: %d", resp.StatusCode)
	}
	contains(t, "question error", body, `<a href="#alternativ">Skriv minst to svaralternativer, ett per linje.</a>`, ">Ja</textarea>")
	for _, q := range []url.Values{
		{"type": {"single"}, "sporsmal": {"Trivst du?"}, "alternativ": {"Ja\nNei"}, "pakravd": {"1"}},
		{"type": {"text"}, "sporsmal": {"Kvifor?"}},
	} {
		if resp, body := page(t, s, "leder", "POST", base+"/sporsmal", q); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add question: %d\n%s", resp.StatusCode, body)
		}
	}
	qs, _ := s.Service.Questions(context.Background(), surveystest.Demo, id)
	if len(qs) != 2 {
		t.Fatalf("%d questions", len(qs))
	}
	resp, body = page(t, s, "leder", "GET", base+"/sporsmal/"+qs[1].ID, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("edit page: %d", resp.StatusCode)
	}
	contains(t, "edit page", body, `value="Kvifor?"`, `<option value="`+qs[0].ID+`:0">Spørsmål 1 («Trivst du?») er besvart med «Ja»</option>`)
	if resp, _ := page(t, s, "leder", "POST", base+"/sporsmal/"+qs[1].ID, url.Values{"type": {"text"}, "sporsmal": {"Kvifor ja?"}, "vilkar": {qs[0].ID + ":0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("save question: %d", resp.StatusCode)
	}
	if resp, body := page(t, s, "leder", "POST", base+"/sporsmal/"+qs[1].ID+"/flytt", url.Values{"retning": {"opp"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Spørsmålet kan ikke flyttes dit") {
		t.Errorf("move above its condition: %d", resp.StatusCode)
	}
	resp, body = page(t, s, "leder", "POST", base+"/mottakarar", url.Values{"adresser": {"ola@demo.no\nikkje ei adresse"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad address: %d", resp.StatusCode)
	}
	contains(t, "bad address", body, `<a href="#adresser">`, "ikkje ei adresse</textarea>")
	if resp, _ := page(t, s, "leder", "POST", base+"/mottakarar", url.Values{"adresser": {"ola@demo.no\nkari@demo.no"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("addresses: %d", resp.StatusCode)
	}
	if resp, _ := page(t, s, "admin", "POST", base+"/opne", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: %d", resp.StatusCode)
	}
	resp, body = page(t, s, "leder", "GET", base+"?melding=opna", nil)
	contains(t, "opened", body, "Undersøkelsen er åpnet for svar.", "2 adresser vises; 2 lenker er sendt og 0 er brukt.", "Lukk undersøkelsen")
	if strings.Contains(body, "ola@demo.no") {
		t.Error("an anonymous survey lists its addresses with their state")
	}
	if resp, _ := page(t, s, "leder", "POST", base+"/sporsmal", url.Values{"type": {"text"}, "sporsmal": {"For seint"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("add to an open survey: %d", resp.StatusCode)
	}

	// The invitation: a personal link at the public address.
	var mailBody, subject string
	if err := s.DB.QueryRowContext(context.Background(), `SELECT subject, body FROM notify_mail WHERE recipient = 'kari@demo.no'`).Scan(&subject, &mailBody); err != nil {
		t.Fatal(err)
	}
	m := staffLinkRE.FindStringSubmatch(mailBody)
	if m == nil || subject != "Spørreundersøkelse fra Demo kommune" || !strings.Contains(mailBody, "Svarene er anonyme") {
		t.Fatalf("mail %q:\n%s", subject, mailBody)
	}
	answerPath := "undersokelser/" + id
	if resp, body := page(t, s, "", "GET", answerPath, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Lenken til undersøkelsen er ugyldig") {
		t.Errorf("list survey without a token: %d", resp.StatusCode)
	}
	resp, body = page(t, s, "", "GET", answerPath+"?t="+m[1], nil)
	if resp.StatusCode != 200 || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("with the token: %d %q", resp.StatusCode, resp.Header.Get("Referrer-Policy"))
	}
	contains(t, "list answer page", body, `<input type="hidden" name="t" value="`+m[1]+`">`, "Lenken din kan brukes én gang")
	answer := url.Values{"t": {m[1]}, "q-" + qs[0].ID: {"0"}, "q-" + qs[1].ID: {"Fordi"}}
	if resp, _ := page(t, s, "", "POST", answerPath, answer); resp.StatusCode != 200 {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	if resp, body := page(t, s, "", "POST", answerPath, answer); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Du har allerede svart") {
		t.Errorf("link used twice: %d", resp.StatusCode)
	}
	if resp, _ := page(t, s, "leder", "POST", base+"/lukk", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("close: %d", resp.StatusCode)
	}
	// Another municipality's staff page: the roles are in Demo only.
	if resp, _ := page(t, s, "leder", "GET", "/k/4601/"+base, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("other municipality: %d", resp.StatusCode)
	}
}

func TestResultsPage(t *testing.T) {
	s := surveystest.Start(t, surveystest.Options{})
	sv, qs := siteSurvey(t, s, surveys.SurveyForm{Anonymous: true})
	path := "tilsett/undersokelser/" + sv.ID + "/resultat"
	_, body := page(t, s, "leder", "GET", path, nil)
	contains(t, "no answers", body, "Undersøkelsen har færre enn 5 svar.")
	for _, a := range answers {
		v := form(qs, a[0], a[1], a[2], a[3], a[4], a[5])
		if resp, body := page(t, s, "", "POST", "undersokelser/"+sv.ID, v); resp.StatusCode != 200 {
			t.Fatalf("answer: %d\n%s", resp.StatusCode, body)
		}
	}
	page(t, s, "", "POST", "undersokelser/"+sv.ID, form(qs, "1", "", "", "", "", "Femte <img src=x onerror=alert(3)>"))
	resp, body := page(t, s, "leder", "GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("results: %d\n%s", resp.StatusCode, body)
	}
	contains(t, "results", body, "9 svar i alt.", `<svg role="img" aria-labelledby="chart-`+qs[0].ID+`-0-title"`,
		`<th scope="row">Ja</th><td>6</td><td>67 %</td>`, `<th scope="row">Nei</th><td>3</td><td>33 %</td>`,
		"Bra &lt;script&gt;alert(1)&lt;/script&gt;", "Femte &lt;img src=x onerror=alert(3)&gt;", "Stolpediagram, Ja eller nei? &lt;script&gt;alert(1)&lt;/script&gt;: Ja: 6 (67 %); Nei: 3 (33 %)")
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Count(body, "<h1") != 1 {
		t.Error("crafted text not escaped, or not one h1")
	}
	// The scale question was answered by 6 (Ja): shown; by Ja/Nei the Nei
	// group (3) is hidden, and with it Ja.
	resp, body = page(t, s, "leder", "GET", path+"?bakgrunn="+qs[0].ID, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("breakdown: %d", resp.StatusCode)
	}
	contains(t, "breakdown", body, "færre enn 5 svar", "Grupper med færre enn 5 svar vises ikke")
	if resp, _ := page(t, s, "leder", "GET", path+"?bakgrunn="+qs[4].ID, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("text question as background: %d", resp.StatusCode)
	}

	resp, body = page(t, s, "leder", "GET", path+".csv", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	find := func(q, row, choice string) []string {
		for _, rec := range recs {
			if len(rec) > 4 && rec[0] == q && rec[2] == row && rec[3] == choice {
				return rec
			}
		}
		return nil
	}
	if rec := find("1", "", "Ja"); rec == nil || rec[4] != "6" || rec[5] != "67" {
		t.Errorf("CSV Ja = %v", rec)
	}
	if rec := find("4", "Y", "Dårleg"); rec == nil || rec[4] != "4" {
		t.Errorf("CSV matrix Y Dårleg = %v", rec)
	}
	if rec := find("5", "", "'=cmd"); rec != nil {
		t.Errorf("unexpected %v", rec)
	}
	_, body = page(t, s, "leder", "GET", path+".csv?bakgrunn="+qs[0].ID, nil)
	if !strings.Contains(body, "færre enn 5 svar") {
		t.Error("CSV breakdown without suppression")
	}
	if resp, _ := page(t, s, "saksbehandler", "GET", path+".csv", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("caseworker CSV: %d", resp.StatusCode)
	}
}
