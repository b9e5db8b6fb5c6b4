package feedback_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/feedback"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/web"
)

// fakeServices stands in for the form platform.
type fakeServices struct {
	digital  []feedback.Count
	from, to time.Time
}

func (f *fakeServices) List(_ context.Context, tenant, lang string) ([]feedback.ServiceRef, error) {
	if tenant != "9999" {
		return nil, nil
	}
	return []feedback.ServiceRef{{ID: "barnehageplass", Name: "Søknad om barnehageplass"}, {ID: "kontakt", Name: "Kontakt kommunen"}}, nil
}

func (f *fakeServices) DigitalCounts(_ context.Context, tenant string, from, to time.Time) ([]feedback.Count, error) {
	f.from, f.to = from, to
	if tenant != "9999" {
		return nil, nil
	}
	return f.digital, nil
}

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat := i18n.NewCatalog()
	for _, fsys := range []func() error{
		func() error { return cat.AddFS(web.Messages()) },
		func() error { return cat.AddFS(identity.Messages()) },
		func() error { return cat.AddFS(feedback.Messages()) },
	} {
		if err := fsys(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

func TestMessagesComplete(t *testing.T) {
	if missing := catalog(t).Complete(); len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
	cat := catalog(t)
	for _, k := range cat.Keys() {
		if strings.HasPrefix(k, "feedback.") && cat.T(i18n.NN, k) == cat.T(i18n.NB, k) && !sameInBoth[k] && !strings.HasPrefix(k, "feedback.month.") {
			t.Errorf("%s is the same in nynorsk and bokmål: %q", k, cat.T(i18n.NB, k))
		}
	}
}

// TestKeysExist checks that every key the module's code and templates
// use, written out or built at run time, is in the catalogue.
func TestKeysExist(t *testing.T) {
	cat := catalog(t)
	var keys []string
	for _, n := range []string{"1", "2", "3", "4", "5"} {
		keys = append(keys, "feedback.score."+n)
	}
	for _, ch := range append(feedback.Channels(), "digital") {
		keys = append(keys, "feedback.channel."+ch)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "feedback.month."+time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("01"))
	}
	literal := regexp.MustCompile(`"((?:feedback|error|shell)\.[a-z0-9_.]+[a-z0-9_])"`)
	files, _ := filepath.Glob("*.go")
	html, _ := filepath.Glob("templates/*.html")
	for _, f := range append(files, html...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if m[1] != feedback.ActionRegister {
				keys = append(keys, m[1])
			}
		}
	}
	if len(keys) < 80 {
		t.Errorf("found only %d keys: is the scan looking in the right place?", len(keys))
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("key %q is not in every catalogue", k)
		}
	}
}

// sameInBoth are the texts that are rightly the same in bokmål and
// nynorsk.
var sameInBoth = map[string]bool{
	"feedback.error_prefix": true, "feedback.question.comment": true, "feedback.question.send": true, "feedback.channels.date": true,
	"feedback.channels.channel": true, "feedback.channels.submit": true, "feedback.channels.by": true, "feedback.channels.at": true,
	"feedback.channel.digital": true, "feedback.channel.papir": true, "feedback.channel.telefon": true, "feedback.channel.oppmote": true,
	"feedback.report.period": true, "feedback.report.show": true, "feedback.report.total": true, "feedback.report.answers": true,
	"feedback.report.met": true, "feedback.report.no_data": true, "feedback.report.percent": true, "feedback.report.goal": true,
	"feedback.csv.digital_goal": true, "feedback.csv.yes": true, "feedback.csv.no": true, "feedback.score.5": false,
	"feedback.error.date_missing": true, "feedback.error.channel": true,
}

// site is the module's routes on a test database, with the clock at start.
type site struct {
	env
	mux      *http.ServeMux
	services *fakeServices
}

func newSite(t *testing.T) *site {
	t.Helper()
	c := dbtest.NewClock(start)
	d := dbtest.SQLite(t, dbtest.Options{Now: c.Now}, audit.Schema, feedback.Schema, surveys.Schema)
	log := audit.New(d)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	shell, err := web.NewShell(catalog(t), logger)
	if err != nil {
		t.Fatal(err)
	}
	s := &site{env: env{d: d, svc: feedback.New(d, log), log: log, clock: c}, mux: http.NewServeMux(), services: &fakeServices{}}
	if err := feedback.Routes(s.mux, shell, s.svc, identity.New(d, log, logger, identity.Config{}), s.services); err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	caseworker = &web.User{Principal: "email:kari@demo.kommune.no", Name: "Kari Saksbehandler", Email: "kari@demo.kommune.no", Staff: true, Roles: []string{"caseworker"}}
	manager    = &web.User{Principal: "email:leder@demo.kommune.no", Name: "Lea Leder", Email: "leder@demo.kommune.no", Staff: true, Roles: []string{"manager"}}
	archivist  = &web.User{Principal: "email:arkiv@demo.kommune.no", Name: "Arne Arkiv", Staff: true, Roles: []string{"archivist"}}
	citizen    = &web.User{Principal: "pid:15838810028", Name: "Kari Nordmann", PID: "15838810028", ACR: "idporten-loa-substantial", Roles: []string{"citizen"}}
)

// do sends a request as user (nil: signed out) in bokmål and returns the
// response.
func (s *site) do(t *testing.T, method, target string, form url.Values, user *web.User) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req = web.WithCtx(req, &web.Ctx{Lang: "nb", RequestID: "req-test", Path: strings.TrimPrefix(target, "/"), User: user,
		Tenant: &web.Tenant{ID: "9999", NameNB: "Demo kommune", Base: "/k/9999/"}})
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, req)
	return rec, rec.Body.String()
}

func (s *site) ticket(t *testing.T) string {
	t.Helper()
	tk, err := s.svc.Ticket(context.Background(), "9999", "barnehageplass")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestQuestionPage(t *testing.T) {
	s := newSite(t)
	tk := s.ticket(t)
	rec, body := s.do(t, "GET", "/tilbakemelding?billett="+url.QueryEscape(tk), nil, nil)
	if rec.Code != 200 {
		t.Fatalf("GET: %d\n%s", rec.Code, body)
	}
	mustContain(t, body, `action="/k/9999/tilbakemelding"`, `name="billett" value="`+tk+`"`, `<legend>Hvor fornøyd er du med tjenesten?</legend>`,
		`<input type="radio" id="score-1" name="score" value="1">`, `<label for="score-5">5 – Svært fornøyd</label>`,
		`<label for="kommentar">`, `name="kommentar"`, "Søknad om barnehageplass")
	if strings.Count(body, "<h1") != 1 || strings.Contains(body, "error-summary") {
		t.Error("not one h1, or an error summary without errors")
	}

	for name, target := range map[string]string{"no ticket": "/tilbakemelding", "forged": "/tilbakemelding?billett=" + url.QueryEscape(tk[:len(tk)-3]+"xyz")} {
		rec, body := s.do(t, "GET", target, nil, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, "Lenken til spørsmålet er ugyldig") {
			t.Errorf("%s: %d\n%s", name, rec.Code, body)
		}
	}
}

func TestAnswerErrors(t *testing.T) {
	s := newSite(t)
	tk := s.ticket(t)
	long := strings.Repeat("å", feedback.MaxComment+1)
	for _, tt := range []struct {
		name           string
		score, comment string
		want           []string
	}{
		{"missing score", "", "Helt greit", []string{`<a href="#score-1">Velg hvor fornøyd du er, fra 1 til 5.</a>`, `<p class="field-error" id="score-error">`, `>Helt greit</textarea>`}},
		{"score 7", "7", "", []string{`<a href="#score-1">Velg et svar fra 1 til 5.</a>`}},
		{"comment too long", "4", long, []string{`<a href="#kommentar">Kommentaren kan ha høyst 2000 tegn. Gjør den kortere.</a>`,
			`aria-invalid="true">` + long + `</textarea>`, `id="score-4" name="score" value="4" checked>`}},
	} {
		rec, body := s.do(t, "POST", "/tilbakemelding", url.Values{"billett": {tk}, "score": {tt.score}, "kommentar": {tt.comment}}, nil)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tt.name, rec.Code)
		}
		mustContain(t, body, append(tt.want, `class="error-summary"`, `name="billett" value="`+tk+`"`, "<title>Feil: ")...)
	}

	// The ticket survives field errors; then it is spent.
	rec, body := s.do(t, "POST", "/tilbakemelding", url.Values{"billett": {tk}, "score": {"5"}, "kommentar": {"Bra!"}}, citizen)
	if rec.Code != 200 {
		t.Fatalf("answer: %d\n%s", rec.Code, body)
	}
	mustContain(t, body, "Takk for tilbakemeldingen", `href="/k/9999/"`, `href="/k/9999/min-side"`)
	rec, body = s.do(t, "POST", "/tilbakemelding", url.Values{"billett": {tk}, "score": {"1"}}, nil)
	if rec.Code != http.StatusConflict || !strings.Contains(body, "Du har allerede svart på dette spørsmålet") {
		t.Errorf("reused ticket: %d\n%s", rec.Code, body)
	}
	rec, _ = s.do(t, "GET", "/tilbakemelding?billett="+url.QueryEscape(tk), nil, nil)
	if rec.Code != http.StatusConflict {
		t.Errorf("GET with a used ticket: %d", rec.Code)
	}

	// A forged ticket gets the message page, not the question.
	rec, body = s.do(t, "POST", "/tilbakemelding", url.Values{"billett": {"AQ" + tk[2:]}, "score": {"5"}}, nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "Lenken til spørsmålet er ugyldig") || strings.Contains(body, `name="score"`) {
		t.Errorf("forged ticket: %d\n%s", rec.Code, body)
	}

	// An expired ticket says so.
	old := s.ticket(t)
	s.clock.Set(time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC))
	rec, body = s.do(t, "POST", "/tilbakemelding", url.Values{"billett": {old}, "score": {"5"}}, nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, "Fristen for å svare er ute") {
		t.Errorf("expired ticket: %d\n%s", rec.Code, body)
	}
}

func TestChannelAccess(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/tilsett/kanalar", "/tilsett/styringsdata", "/tilsett/styringsdata.csv"} {
		for _, u := range []*web.User{nil, citizen} {
			rec, _ := s.do(t, "GET", path, nil, u)
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/k/9999/tilsett/logg-inn?neste=") {
				t.Errorf("%s as %v: %d %s", path, u, rec.Code, rec.Header().Get("Location"))
			}
		}
		rec, _ := s.do(t, "GET", path, nil, archivist)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s as archivist: %d", path, rec.Code)
		}
	}
	rec, _ := s.do(t, "POST", "/tilsett/kanalar", url.Values{"tjeneste": {"kontakt"}, "dato": {"23.11.2026"}, "kanal": {"papir"}, "antall": {"1"}}, citizen)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("POST as citizen: %d", rec.Code)
	}
	if list, _ := s.svc.Registrations(context.Background(), "9999", 50); len(list) != 0 {
		t.Error("a citizen registered")
	}
	// A case worker may register but not see the manager's figures.
	if rec, _ := s.do(t, "GET", "/tilsett/kanalar", nil, caseworker); rec.Code != 200 {
		t.Errorf("caseworker on kanalar: %d", rec.Code)
	}
	for _, path := range []string{"/tilsett/styringsdata", "/tilsett/styringsdata.csv"} {
		if rec, _ := s.do(t, "GET", path, nil, caseworker); rec.Code != http.StatusForbidden {
			t.Errorf("caseworker on %s: %d", path, rec.Code)
		}
	}
	if rec, _ := s.do(t, "GET", "/tilsett/kanalar", nil, manager); rec.Code != 200 {
		t.Errorf("manager on kanalar: %d", rec.Code)
	}
}

func TestChannelForm(t *testing.T) {
	s := newSite(t)
	rec, body := s.do(t, "GET", "/tilsett/kanalar", nil, caseworker)
	if rec.Code != 200 {
		t.Fatalf("GET: %d\n%s", rec.Code, body)
	}
	mustContain(t, body, `<label for="tjeneste">`, `<option value="barnehageplass">Søknad om barnehageplass</option>`, `<label for="dato">`,
		`value="23.11.2026"`, `<legend>Kanal</legend>`, `<label for="kanal-oppmote">Oppmøte</label>`, `<label for="antall">`, "Ingen registreringer ennå.")

	for _, tt := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"unknown service", url.Values{"tjeneste": {"ukjent"}, "dato": {"23.11.2026"}, "kanal": {"papir"}, "antall": {"3"}},
			[]string{`<a href="#tjeneste">Velg en tjeneste fra lista.</a>`, `id="tjeneste-error"`, `name="antall" value="3"`, `id="kanal-papir" name="kanal" value="papir" checked>`}},
		{"future date", url.Values{"tjeneste": {"kontakt"}, "dato": {"24.11.2026"}, "kanal": {"telefon"}, "antall": {"3"}},
			[]string{`<a href="#dato">Datoen kan ikke være fram i tid.</a>`, `value="24.11.2026"`, `<option value="kontakt" selected>`}},
		{"count 0", url.Values{"tjeneste": {"kontakt"}, "dato": {"23.11.2026"}, "kanal": {"oppmote"}, "antall": {"0"}},
			[]string{`<a href="#antall">Skriv et helt tall fra 1 til 1000.</a>`, `name="antall" value="0"`}},
		{"no channel", url.Values{"tjeneste": {"kontakt"}, "dato": {"23.11.2026"}, "antall": {"1"}},
			[]string{`<a href="#kanal-papir">Velg kanal: papir, telefon eller oppmøte.</a>`}},
	} {
		rec, body := s.do(t, "POST", "/tilsett/kanalar", tt.form, caseworker)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tt.name, rec.Code)
		}
		mustContain(t, body, append(tt.want, `class="error-summary"`, "<title>Feil: ")...)
	}
	if list, _ := s.svc.Registrations(context.Background(), "9999", 50); len(list) != 0 {
		t.Fatalf("bad input was stored: %+v", list)
	}

	rec, _ = s.do(t, "POST", "/tilsett/kanalar", url.Values{"tjeneste": {"barnehageplass"}, "dato": {"20.11.2026"}, "kanal": {"telefon"}, "antall": {"4"}}, caseworker)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/k/9999/tilsett/kanalar?registrert=1" {
		t.Fatalf("register: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	_, body = s.do(t, "GET", "/tilsett/kanalar?registrert=1", nil, caseworker)
	mustContain(t, body, "Registreringen er lagret.", "<td>20.11.2026</td>", "<td>Søknad om barnehageplass</td>", "<td>Telefon</td>", "<td>4</td>", "<td>Kari Saksbehandler</td>")
	entries, err := s.log.List(context.Background(), "9999", 0, 10)
	if err != nil || len(entries) != 1 || entries[0].Action != "feedback.channel.register" || entries[0].ActorID != caseworker.Principal || entries[0].Role != "caseworker" {
		t.Errorf("audit = %+v, %v", entries, err)
	}
}

// cells returns the text of the cells of the table row whose header cell
// is name.
func cells(t *testing.T, body, name string) []string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr>\s*<td>[^<]*</td>\s*<th scope="row">` + regexp.QuoteMeta(name) + `</th>.*?</tr>`).FindString(body)
	if row == "" {
		t.Fatalf("no row for %s", name)
	}
	var out []string
	for _, m := range regexp.MustCompile(`<t[dh][^>]*>([^<]*)</t[dh]>`).FindAllStringSubmatch(row, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestReportPage checks the manager's page from known data: 3 digital and 1
// on paper is 75 %, goal met; 4 answers with 3 satisfied is 75 %, goal of
// 80 % not met.
func TestReportPage(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	s.services.digital = []feedback.Count{{ServiceID: "barnehageplass", Month: "2026-11", N: 3}, {ServiceID: "kontakt", Month: "2026-10", N: 1}}
	if _, err := s.svc.Register(ctx, "9999", feedback.ChannelForm{Service: "barnehageplass", Date: "02.11.2026", Channel: "papir", Count: "1"},
		[]string{"barnehageplass"}, staff); err != nil {
		t.Fatal(err)
	}
	for _, score := range []string{"5", "4", "4", "1"} {
		if _, err := s.svc.Answer(ctx, "9999", feedback.AnswerForm{Ticket: s.ticket(t), Score: score}); err != nil {
			t.Fatal(err)
		}
	}
	rec, body := s.do(t, "GET", "/tilsett/styringsdata", nil, manager)
	if rec.Code != 200 {
		t.Fatalf("GET: %d\n%s", rec.Code, body)
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	if !s.services.from.Equal(time.Date(2025, 12, 1, 0, 0, 0, 0, oslo)) || !s.services.to.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, oslo)) {
		t.Errorf("digital counts asked for %v to %v", s.services.from, s.services.to)
	}
	mustContain(t, body, "<caption>", `<th scope="col">Digital andel</th>`, `<th scope="col">Mål (75 %)</th>`, `<th scope="col">Mål (80 %)</th>`)
	want := []string{"november 2026", "Søknad om barnehageplass", "3", "1", "0", "0", "4", "75 %", "Nådd", "4", "75 %", "Ikke nådd"}
	if got := cells(t, body, "Søknad om barnehageplass"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("row = %q\nwant  %q", got, want)
	}
	want = []string{"oktober 2026", "Kontakt kommunen", "1", "0", "0", "0", "1", "100 %", "Nådd", "0", "–", "Ingen data"}
	if got := cells(t, body, "Kontakt kommunen"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("row = %q\nwant  %q", got, want)
	}
	// Newest month first.
	if strings.Index(body, "november 2026") > strings.Index(body, "oktober 2026") {
		t.Error("months are not newest first")
	}

	rec, body = s.do(t, "GET", "/tilsett/styringsdata.csv", nil, manager)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimPrefix(body, "\ufeff"), "\r\n")
	if !strings.HasPrefix(body, "\ufeffMåned;Tjeneste-ID;Tjeneste;Digitalt;Papir;Telefon;Oppmøte;Totalt;") || len(lines) != 4 ||
		lines[1] != "2026-11;barnehageplass;Søknad om barnehageplass;3;1;0;0;4;75;ja;4;3;75;nei" ||
		lines[2] != "2026-10;kontakt;Kontakt kommunen;1;0;0;0;1;100;ja;0;0;;" {
		t.Errorf("CSV =\n%s", body)
	}

	// A year: 2026 runs from January to this month.
	rec, body = s.do(t, "GET", "/tilsett/styringsdata?ar=2026", nil, manager)
	if rec.Code != 200 || !s.services.from.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, oslo)) || !strings.Contains(body, "i 2026") ||
		!strings.Contains(body, `<option value="2026" selected>`) {
		t.Errorf("?ar=2026: %d, from %v", rec.Code, s.services.from)
	}
	if rec, body := s.do(t, "GET", "/tilsett/styringsdata?ar=2025", nil, manager); rec.Code != 200 || strings.Contains(body, "november 2026") {
		t.Errorf("?ar=2025: %d", rec.Code)
	}
	for _, bad := range []string{"2027", "1999", "tjue"} {
		if rec, _ := s.do(t, "GET", "/tilsett/styringsdata?ar="+bad, nil, manager); rec.Code != http.StatusBadRequest {
			t.Errorf("?ar=%s: %d", bad, rec.Code)
		}
	}
}
