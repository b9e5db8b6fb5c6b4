package politics_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

// get fetches u with c and returns the response and its body.
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

// post sends form to u with c.
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

// upload posts a multipart form with one file.
func upload(t *testing.T, c *http.Client, u string, fields url.Values, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("fil", name)
	fw.Write(content)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
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

// demoIDs finds the seeded demo's meetings, items and documents.
type demoIDs struct {
	council, exec, educ, planned string // meeting ids
	exemptItem, exemptDoc        string // the council's exempt item; the executive committee's exempt attachment
	educExemptDoc                string // the saksframlegg of the committee's exempt item
	publicDoc                    string
	jonas, mayor                 politics.Person
}

func findDemo(t *testing.T, s *politicstest.Site) demoIDs {
	t.Helper()
	ctx := context.Background()
	var ids demoIDs
	ms, err := s.Service.Meetings(ctx, "9999", "", time.Time{}, time.Time{})
	if err != nil || len(ms) != 4 {
		t.Fatalf("meetings: %d, %v", len(ms), err)
	}
	ids.council, ids.exec, ids.educ, ids.planned = ms[0].ID, ms[1].ID, ms[2].ID, ms[3].ID
	for _, m := range ms[:3] {
		_, items, docs, err := s.Service.Agenda(ctx, "9999", m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			for _, d := range docs[it.ID] {
				switch {
				case it.Exempt && m.ID == ids.council:
					ids.exemptItem = it.ID
				case it.Exempt && m.ID == ids.educ:
					ids.educExemptDoc = d.ID
				case d.Exempt:
					ids.exemptDoc = d.ID
				case ids.publicDoc == "":
					ids.publicDoc = d.ID
				}
			}
		}
	}
	people, _ := s.Service.People(ctx, "9999")
	for _, p := range people {
		if p.Email == politics.DemoOfficial {
			ids.jonas = p
		}
		if p.Title == "ordfører" {
			ids.mayor = p
		}
	}
	if ids.exemptItem == "" || ids.exemptDoc == "" || ids.educExemptDoc == "" || ids.publicDoc == "" || ids.jonas.ID == "" || ids.mayor.ID == "" {
		t.Fatalf("demo ids: %+v", ids)
	}
	return ids
}

func TestPublicPages(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
	c := s.Client("")
	base := s.URL + "/k/9999/"
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"politikk", []string{"<h1>Politikk og lokaldemokrati</h1>", `href="/k/9999/politikk/organ/kommunestyret">Kommunestyret</a>`, "Hovedutvalg for oppvekst, 03.12.2026 13:00–16:00",
			`href="/k/9999/politikk/moter.ics"`, `href="/oparl/v1/system"`}},
		{"politikk/folkevalgte", []string{"<caption>Plasser etter parti og organ</caption>", `<th scope="row">Arbeiderpartiet (Ap)</th><td>9</td><td>3</td><td>2</td>`,
			`<tfoot><tr><th scope="row">Sum</th><td>35</td><td>9</td><td>9</td></tr></tfoot>`, `<h2 id="parti-frp">Fremskrittspartiet (FrP)</h2>`,
			"Jonas Bakke</a>:\nMedlem, Formannskapet; Medlem, Kommunestyret", "ordfører:\nLeder, Formannskapet; Leder, Kommunestyret"}},
		{"politikk/organ/kommunestyret", []string{"<h1>Kommunestyret</h1>", "Kommunestyre · valgperiode 2023–2027", "<td>Leder</td>", "<td>Varamedlem</td>",
			`<abbr title="Fremskrittspartiet">FrP</abbr>`, "04.01.2027 18:00–21:30", "12.10.2026 18:00–21:30"}},
		{"politikk/moter", []string{"<h1>Møtekalender</h1>", "<td>Ikke publisert ennå</td>", "<td>Publisert</td>", "Formannskapssalen, rådhuset"}},
		{"politikk/mote/" + ids.council, []string{"<h1>Møte i Kommunestyret</h1>", "Innkallingen ble sendt og sakslisten publisert 02.10.2026 18:00.",
			"PS 3/26 Reguleringsplan for Sentrum nord – sluttbehandling", "Saksnummer i arkivet: 2025/311", "Avstemning: 24 for, 9 mot, 2 avstod.",
			`<th scope="row">Fremskrittspartiet</th><td>0</td><td>5</td><td>0</td>`, "Rådmannen bes legge fram en sak om trafikksikring i Skolegata.",
			"<p>Reguleringsplan for Sentrum nord vedtas", "#t=1860", "(fra 31:00)", "PS 4/26 Personalsak", "Saken er unntatt offentlighet (Offl. § 25 første ledd).",
			"Enstemmig vedtatt (35 stemmer for).", "Se opptaket av møtet"}},
		{"politikk/mote/" + ids.exec, []string{"Slik stemte hver representant", "Jonas Bakke (H): stemte for", "(FrP): stemte mot", "Kjøp av tomt til ny barnehage"}},
		{"politikk/mote/" + ids.educ, []string{"Møtet sendes direkte her", "PS 1/26 Skolebruksplan 2027–2035", "PS 3/26 Elevsak", "Utredning av skolestruktur"}},
		{"politikk/mote/" + ids.planned, []string{"Sakslisten og saksdokumentene blir publisert her når innkallingen sendes ut til medlemmene."}},
		{"politikk/person/" + ids.mayor.ID, []string{"<h1>" + ids.mayor.Name() + "</h1>", "Arbeiderpartiet · ordfører", "Skriv til " + ids.mayor.Name(),
			`<td><a href="/k/9999/politikk/organ/kommunestyret">Kommunestyret</a></td><td>Leder</td><td>Ap</td><td>01.10.2023–</td>`}},
		{"politikk/person/" + ids.mayor.ID + "/kontakt", []string{"Meldingen sendes til " + ids.mayor.Name() + " på e-post. Folkevalgte svarer som regel innen 14 dager.",
			`<label for="melding">Melding</label>`, `name="skjema" value="`, `autocomplete="email"`}},
		{"politikk?lang=nn", []string{"Komande møte", "Folkevalde organ"}},
		{"politikk/mote/" + ids.council + "?lang=en", []string{"Meeting of Kommunestyret", "Vote: 24 for, 9 against, 2 abstained.", "Case documents"}},
	} {
		resp, body := get(t, c, base+tt.path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", tt.path, resp.StatusCode)
			continue
		}
		mustContain(t, tt.path, body, tt.want...)
		if strings.Count(body, "<h1") != 1 {
			t.Errorf("%s has %d h1", tt.path, strings.Count(body, "<h1"))
		}
		for _, leak := range []string{"@folkevalgt.demo.kommune.no", politics.DemoOfficial, "Tilsetting av kommunedirektør", "Søknad om særskilt tilrettelagt opplæring",
			"søker nr. 3", "Takst og forhandlingsnotat", ids.exemptDoc, ids.educExemptDoc} {
			if strings.Contains(body, leak) {
				t.Errorf("%s shows %q", tt.path, leak)
			}
		}
	}
	// Unknown things, and the demo's things from another municipality.
	for _, path := range []string{"/k/9999/politikk/organ/senatet", "/k/9999/politikk/mote/finnesikke", "/k/9999/politikk/person/finnesikke",
		"/k/9999/politikk/person/finnesikke/kontakt", "/k/9999/politikk/dokument/finnesikke", "/k/9999/politikk/dokument/" + strings.Repeat("x", 100),
		"/k/4601/politikk/organ/kommunestyret", "/k/4601/politikk/mote/" + ids.council, "/k/4601/politikk/person/" + ids.mayor.ID,
		"/k/4601/politikk/dokument/" + ids.publicDoc, "/k/4601/politikk/person/" + ids.mayor.ID + "/kontakt"} {
		if resp, _ := get(t, c, s.URL+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	resp, body := get(t, c, s.URL+"/k/4601/politikk")
	if resp.StatusCode != 200 || !strings.Contains(body, "Kommunen har ikke lagt inn sine folkevalgte organer ennå.") || strings.Contains(body, "Kommunestyret") {
		t.Errorf("Bergen's overview: %d", resp.StatusCode)
	}
	if resp, body := get(t, c, s.URL+"/k/4601/politikk/moter.ics"); resp.StatusCode != 200 || strings.Contains(body, "BEGIN:VEVENT") {
		t.Errorf("Bergen's calendar: %d\n%s", resp.StatusCode, body)
	}
}

// icsLine matches a content line: a name, parameters, ":" and a value.
var icsLine = regexp.MustCompile(`^[A-Z-]+(;[^:]*)?:`)

func TestICS(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
	resp, body := get(t, s.Client(""), s.URL+"/k/9999/politikk/moter.ics")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Errorf("not a calendar:\n%s", body)
	}
	if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Error("a line ends without CR")
	}
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !strings.HasPrefix(l, " ") && !icsLine.MatchString(l) {
			t.Errorf("not a content line: %q", l)
		}
	}
	unfolded := strings.ReplaceAll(body, "\r\n ", "")
	if strings.Count(unfolded, "BEGIN:VEVENT") != 4 {
		t.Errorf("%d events", strings.Count(unfolded, "BEGIN:VEVENT"))
	}
	mustContain(t, "calendar", unfolded, "UID:"+ids.council+"@9999.politikk.torg\r\n", "DTSTAMP:20261123T120000Z\r\n", "DTSTART:20261012T160000Z\r\n",
		"DTEND:20261012T193000Z\r\n", "SUMMARY:Møte i Kommunestyret\r\n", `LOCATION:Kommunestyresalen\, rådhuset\, Storgata 1\, 9999 Demo`+"\r\n",
		"URL:"+s.URL+"/k/9999/politikk/mote/"+ids.council+"\r\n", "X-WR-CALNAME:Politiske møter – Demo kommune\r\n")
}

func TestContactForm(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true, Config: politics.Config{ContactRate: 2, ReplyDays: 7}})
	ids := findDemo(t, s)
	c := s.Client("")
	page := s.URL + "/k/9999/politikk/person/" + ids.mayor.ID + "/kontakt"
	_, form := get(t, c, page)
	token := regexp.MustCompile(`name="skjema" value="([^"]+)"`).FindStringSubmatch(form)
	if token == nil {
		t.Fatal("no token in the form")
	}
	mails := func() int {
		var n int
		s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_mail`).Scan(&n)
		return n
	}
	for _, tt := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"no text", url.Values{"navn": {"Kari Nordmann"}, "epost": {"kari@example.no"}, "melding": {"  "}, "skjema": {token[1]}},
			[]string{`<a href="#melding">Skriv en melding.</a>`, `<p class="field-error" id="melding-error">Skriv en melding.</p>`, `value="Kari Nordmann"`, `value="kari@example.no"`,
				`aria-describedby="melding-hint melding-error" aria-invalid="true"`}},
		{"too long", url.Values{"melding": {strings.Repeat("a", 5001)}, "skjema": {token[1]}},
			[]string{`<a href="#melding">Meldingen kan ha høyst 5000 tegn. Gjør den kortere.</a>`, strings.Repeat("a", 5001) + "</textarea>"}},
		{"bad address", url.Values{"melding": {"Hei & hå <b>"}, "epost": {"kari@@example"}, "skjema": {token[1]}},
			[]string{`<a href="#epost">Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.</a>`, ">Hei &amp; hå &lt;b&gt;</textarea>", `value="kari@@example"`}},
	} {
		resp, body := post(t, c, page, tt.form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", tt.name, resp.StatusCode)
		}
		mustContain(t, tt.name, body, append(tt.want, `class="error-summary"`, "<title>Feil: Skriv til "+ids.mayor.Name())...)
	}
	if mails() != 0 {
		t.Fatal("bad input queued mail")
	}
	good := url.Values{"navn": {"Kari Nordmann"}, "epost": {"kari@example.no"}, "melding": {"Når åpner svømmehallen igjen?"}, "skjema": {token[1]}}
	resp, _ := post(t, c, page, good)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/k/9999/politikk/person/"+ids.mayor.ID+"/kontakt/sendt?kopi=1" {
		t.Fatalf("send: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if mails() != 2 {
		t.Errorf("%d mails, want the message and the copy", mails())
	}
	_, body := get(t, c, s.URL+resp.Header.Get("Location"))
	mustContain(t, "receipt", body, "<h1>Meldingen er sendt</h1>", "Meldingen din er sendt til "+ids.mayor.Name()+".", "Folkevalgte svarer som regel innen 7 dager.",
		"Vi har sendt en kopi av meldingen til e-postadressen du oppga.")
	if strings.Contains(body, "@folkevalgt") {
		t.Error("the receipt shows the official's address")
	}
	// The same form again (a reload): the receipt, nothing sent.
	resp, _ = post(t, c, page, good)
	if resp.StatusCode != http.StatusSeeOther || mails() != 2 {
		t.Errorf("resend: %d, %d mails", resp.StatusCode, mails())
	}
	// Without an address: no copy, and the receipt says so.
	resp, _ = post(t, c, page, url.Values{"melding": {"Takk!"}, "skjema": {"another-token"}})
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), "kopi") || mails() != 3 {
		t.Errorf("without an address: %d %s, %d mails", resp.StatusCode, resp.Header.Get("Location"), mails())
	}
	_, body = get(t, c, s.URL+resp.Header.Get("Location"))
	mustContain(t, "receipt without copy", body, "Du oppga ingen e-postadresse")
	// A third message within the hour from this address is too many.
	resp, body = post(t, c, page, url.Values{"melding": {"Og en til"}, "skjema": {"third-token"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Du har sendt mange meldinger på kort tid.") {
		t.Errorf("third message: %d %s", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Mistakes are still answered, and a reload still gets its receipt.
	if resp, _ := post(t, c, page, url.Values{"melding": {""}, "skjema": {"x"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a mistake after the limit: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, page, good); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a reload after the limit: %d", resp.StatusCode)
	}
	if mails() != 3 {
		t.Errorf("%d mails after the limit", mails())
	}
	// An official without an address has no form.
	ctx := context.Background()
	p, err := s.Service.AddPerson(ctx, "9999", politics.PersonForm{GivenName: "Uten", FamilyName: "Adresse"}, politicstest.Actor())
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, c, s.URL+"/k/9999/politikk/person/"+p.ID+"/kontakt"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("form of an official without an address: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, s.URL+"/k/9999/politikk/person/"+p.ID+"/kontakt", good); resp.StatusCode != http.StatusNotFound {
		t.Errorf("message to an official without an address: %d", resp.StatusCode)
	}
	if _, body := get(t, c, s.URL+"/k/9999/politikk/person/"+p.ID); !strings.Contains(body, "kan ikke kontaktes gjennom nettsiden") {
		t.Error("the person page offers to write")
	}
}

func TestStaffAccess(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
	item := ids.exemptItem
	gets := []string{"tilsett/politikk", "tilsett/politikk/mote/ny", "tilsett/politikk/mote/" + ids.council, "tilsett/politikk/sak/" + item}
	posts := []string{"tilsett/politikk/mote/ny", "tilsett/politikk/mote/" + ids.planned, "tilsett/politikk/mote/" + ids.planned + "/media",
		"tilsett/politikk/mote/" + ids.planned + "/sak", "tilsett/politikk/mote/" + ids.planned + "/send", "tilsett/politikk/sak/" + item + "/dokument",
		"tilsett/politikk/sak/" + item + "/slett", "tilsett/politikk/sak/" + item + "/protokoll", "tilsett/politikk/dokument/" + ids.publicDoc + "/slett"}
	for _, user := range []string{"", "innbygger"} {
		for _, p := range gets {
			resp, _ := get(t, s.Client(user), s.URL+"/k/9999/"+p)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/k/9999/tilsett/logg-inn?neste=") {
				t.Errorf("GET %s as %q: %d %s", p, user, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		for _, p := range posts {
			if resp, _ := post(t, s.Client(user), s.URL+"/k/9999/"+p, url.Values{"tittel": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("POST %s as %q: %d", p, user, resp.StatusCode)
			}
		}
	}
	for _, user := range []string{"saksbehandler", "folkevalgt"} {
		for _, p := range gets {
			if resp, _ := get(t, s.Client(user), s.URL+"/k/9999/"+p); resp.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s as %s: %d", p, user, resp.StatusCode)
			}
		}
		for _, p := range posts {
			if resp, _ := post(t, s.Client(user), s.URL+"/k/9999/"+p, url.Values{"tittel": {"x"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s as %s: %d", p, user, resp.StatusCode)
			}
		}
	}
	// The secretariat of Demo is nobody in Bergen, and Demo's meetings do
	// not exist there.
	if resp, _ := get(t, s.Client("sekretariat"), s.URL+"/k/4601/tilsett/politikk"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("Demo's secretariat in Bergen: %d", resp.StatusCode)
	}
	// Nothing changed.
	if p, _ := s.Service.Problems(context.Background(), "9999", ids.planned); len(p) != 1 {
		t.Errorf("the planned meeting changed: %+v", p)
	}
	entries, _ := s.Audit.List(context.Background(), "9999", 0, 10000)
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "politics.") && e.ActorID != "system:demo" {
			t.Errorf("audit entry by %s: %s", e.ActorID, e.Action)
		}
	}
}

// TestStaffFlow builds, sends and minutes a meeting through the
// secretariat's pages, with a mistake at every step.
func TestStaffFlow(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	c := s.Client("sekretariat")
	base := s.URL + "/k/9999/"
	resp, body := get(t, c, base+"tilsett/politikk/mote/ny?organ=formannskapet")
	if resp.StatusCode != 200 {
		t.Fatalf("new meeting form: %d", resp.StatusCode)
	}
	mustContain(t, "new meeting form", body, `<option value="formannskapet" selected>Formannskapet</option>`, `<label for="dato">Dato</label>`, `value="18:00"`)

	form := url.Values{"organ": {"formannskapet"}, "dato": {"30.02.2027"}, "fra": {"18:00"}, "til": {"17:00"}, "sted": {""}, "opptak": {"video.example.no"}}
	resp, body = post(t, c, base+"tilsett/politikk/mote/ny", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad meeting: %d", resp.StatusCode)
	}
	mustContain(t, "bad meeting", body, `<a href="#dato">Skriv en dato som dd.mm.åååå, for eksempel 12.03.2026.</a>`, `<a href="#sted">Skriv hvor møtet holdes.</a>`,
		`<a href="#opptak">Skriv en fullstendig lenke som begynner med https://.</a>`, `value="30.02.2027"`, `value="video.example.no"`, "<title>Feil: ")
	form.Set("dato", "14.01.2027")
	form.Set("til", "20:00")
	form.Set("sted", "Formannskapssalen")
	form.Set("opptak", "")
	resp, _ = post(t, c, base+"tilsett/politikk/mote/ny", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/k/9999/tilsett/politikk/mote/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	meeting := strings.TrimSuffix(strings.TrimPrefix(loc, "/k/9999/tilsett/politikk/mote/"), "?lagret=1")
	_, body = get(t, c, s.URL+loc)
	mustContain(t, "meeting page", body, "Endringene er lagret.", "Møte i Formannskapet 14.01.2027 18:00–20:00", "Sakslisten har ingen saker.",
		`<a href="#sak-tittel">`[:0]+`action="/k/9999/tilsett/politikk/mote/`+meeting+`/sak"`)

	// An item without a title, then one.
	resp, body = post(t, c, base+"tilsett/politikk/mote/"+meeting+"/sak", url.Values{"tittel": {""}, "saksnr": {"2026/77"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("item without title: %d", resp.StatusCode)
	}
	mustContain(t, "item without title", body, `<a href="#sak-tittel">Skriv en tittel på høyst 400 tegn.</a>`, `id="sak-saksnr" name="saksnr" value="2026/77"`)
	resp, _ = post(t, c, base+"tilsett/politikk/mote/"+meeting+"/sak", url.Values{"tittel": {"Trafikksikring i Skolegata"}, "saksnr": {"2026/77"}})
	loc = resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/k/9999/tilsett/politikk/sak/") {
		t.Fatalf("add item: %d %s", resp.StatusCode, loc)
	}
	item := strings.TrimSuffix(strings.TrimPrefix(loc, "/k/9999/tilsett/politikk/sak/"), "?ny=1")
	_, body = get(t, c, s.URL+loc)
	mustContain(t, "item page", body, "<h1>PS 1/27 Trafikksikring i Skolegata</h1>", "Saken er lagt til. Last opp saksframlegget.", `enctype="multipart/form-data"`,
		`id="type-saksframlegg" name="type" value="saksframlegg" checked`)

	// Upload: not a PDF, then a PDF.
	resp, body = upload(t, c, base+"tilsett/politikk/sak/"+item+"/dokument", url.Values{"type": {"saksframlegg"}, "dokumenttittel": {"Saksframlegg"}}, "saksframlegg.pdf", []byte("GIF89a..."))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("not a PDF: %d", resp.StatusCode)
	}
	mustContain(t, "not a PDF", body, `<a href="#fil">Filen er ikke en PDF. Saksdokumenter må være PDF.</a>`, `value="Saksframlegg"`)
	resp, _ = upload(t, c, base+"tilsett/politikk/sak/"+item+"/dokument", url.Values{"type": {"saksframlegg"}}, "Saksframlegg trafikk.pdf", politics.PDF("Trafikksikring"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	_, body = get(t, c, base+"tilsett/politikk/sak/"+item)
	mustContain(t, "item page", body, ">Saksframlegg trafikk</a>", `id="type-vedlegg" name="type" value="vedlegg" checked`)

	// A second item that is exempt and has nothing: sending is refused
	// with the reasons.
	resp, _ = post(t, c, base+"tilsett/politikk/mote/"+meeting+"/sak", url.Values{"tittel": {"Personalsak: oppsigelse"}, "unntatt": {"1"}})
	second := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/k/9999/tilsett/politikk/sak/"), "?ny=1")
	_, body = get(t, c, base+"tilsett/politikk/mote/"+meeting)
	mustContain(t, "meeting with problems", body, "Dette må rettes før innkallingen kan sendes:", "Sak PS 2/27 er unntatt offentlighet, men mangler hjemmel.",
		"Sak PS 2/27 mangler saksframlegg.")
	resp, body = post(t, c, base+"tilsett/politikk/mote/"+meeting+"/send", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("send with problems: %d", resp.StatusCode)
	}
	mustContain(t, "refused send", body, "Innkallingen ble ikke sendt. Det er 2 ting som må rettes først.", `href="/k/9999/tilsett/politikk/sak/`+second+`"`)
	if m, _ := s.Service.Meeting(context.Background(), "9999", meeting); m.Published() {
		t.Fatal("published with problems")
	}
	resp, _ = post(t, c, base+"tilsett/politikk/sak/"+second+"/slett", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete item: %d", resp.StatusCode)
	}
	_, body = get(t, c, base+"tilsett/politikk/mote/"+meeting)
	mustContain(t, "meeting ready", body, "Innkallingen sendes til 9 medlemmer og varamedlemmer med e-postadresse.")
	resp, _ = post(t, c, base+"tilsett/politikk/mote/"+meeting+"/send", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?sendt=9") {
		t.Fatalf("send: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = get(t, c, s.URL+resp.Header.Get("Location"))
	mustContain(t, "sent", body, "Innkallingen er sendt til 9 medlemmer, og sakslisten er publisert.", "Sakslisten kan ikke lenger endres.")
	if strings.Contains(body, `/sak"`) {
		t.Error("the add-item form is still there")
	}
	_, body = get(t, s.Client(""), base+"politikk/mote/"+meeting)
	mustContain(t, "public page", body, "PS 1/27 Trafikksikring i Skolegata", ">Saksframlegg trafikk</a>", "Saksnummer i arkivet: 2026/77")

	// The recording, then the minutes: mistakes, then right.
	resp, body = post(t, c, base+"tilsett/politikk/mote/"+meeting+"/media", url.Values{"opptak": {"not a link"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad recording link: %d", resp.StatusCode)
	}
	mustContain(t, "bad media", body, `<a href="#media-opptak">`, `value="not a link"`)
	if resp, _ := post(t, c, base+"tilsett/politikk/mote/"+meeting+"/media", url.Values{"opptak": {"https://video.demo.kommune.no/fs-2027-01-14"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("media: %d", resp.StatusCode)
	}
	minutes := base + "tilsett/politikk/sak/" + item + "/protokoll"
	resp, body = post(t, c, minutes, url.Values{"vedtak": {""}, "for": {"7"}, "mot": {"2"}, "avstar": {"0"}, "parti-ap-for": {"3"}, "tidspunkt": {"1:75"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad minutes: %d", resp.StatusCode)
	}
	mustContain(t, "bad minutes", body, `<a href="#vedtak">Skriv vedtaket.</a>`, `<a href="#tidspunkt">`, `name="parti-ap-for" value="3"`, `id="for" name="for" value="7"`)
	resp, body = post(t, c, minutes, url.Values{"vedtak": {"Saken utsettes."}, "for": {"7"}, "mot": {"2"}, "avstar": {"0"}, "parti-ap-for": {"3"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("party sum: %d", resp.StatusCode)
	}
	mustContain(t, "party sum", body, `<a href="#partier">Stemmene etter parti må til sammen bli det samme som summen for, mot og avstod.</a>`,
		`<p class="field-error" id="partier-error">`)
	resp, _ = post(t, c, minutes, url.Values{"vedtak": {"Rådmannen legger fram en plan for trafikksikring.\n\nPlanen legges fram innen juni."},
		"for": {"7"}, "mot": {"2"}, "avstar": {"0"}, "parti-ap-for": {"3"}, "parti-h-for": {"2"}, "parti-frp-mot": {"2"}, "parti-sp-for": {"1"},
		"parti-sv-for": {"1"}, "tidspunkt": {"12:30"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("minutes: %d", resp.StatusCode)
	}
	_, body = get(t, s.Client(""), base+"politikk/mote/"+meeting)
	mustContain(t, "minutes in public", body, "<p>Rådmannen legger fram en plan for trafikksikring.</p>", "<p>Planen legges fram innen juni.</p>",
		"Avstemning: 7 for, 2 mot, 0 avstod.", `<th scope="row">Fremskrittspartiet</th><td>0</td><td>2</td><td>0</td>`,
		`href="https://video.demo.kommune.no/fs-2027-01-14#t=750"`, "(fra 12:30)")

	// Every step is in the audit log as the secretariat.
	entries, _ := s.Audit.List(context.Background(), "9999", 0, 10000)
	var acts []string
	for _, e := range entries {
		if e.ActorID == politicstest.Users["sekretariat"].Principal {
			acts = append(acts, e.Action)
		}
	}
	want := "politics.meeting.create politics.item.add politics.document.add politics.item.add politics.item.delete politics.meeting.publish politics.meeting.media politics.item.minutes"
	if strings.Join(acts, " ") != want {
		t.Errorf("audit = %v", acts)
	}
}

func TestDocumentDownload(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	ids := findDemo(t, s)
	c := s.Client("")
	resp, body := get(t, c, s.URL+"/k/9999/politikk/dokument/"+ids.publicDoc)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline; filename=") || resp.Header.Get("ETag") == "" ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "public") {
		t.Fatalf("document: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, c, s.URL+"/k/9999/politikk/dokument/"+ids.publicDoc+"/last-ned")
	if d := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || !strings.HasPrefix(d, `attachment; filename="saksframlegg.pdf"`) {
		t.Errorf("download: %d %q", resp.StatusCode, d)
	}
	req, _ := http.NewRequest("GET", s.URL+"/k/9999/politikk/dokument/"+ids.publicDoc, nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	r2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d", r2.StatusCode)
	}
	// An exempt document: only the right people, never cached.
	for user, want := range map[string]int{"": 404, "innbygger": 404, "saksbehandler": 404, "annen-folkevalgt": 404, "folkevalgt": 200, "sekretariat": 200} {
		resp, _ := get(t, s.Client(user), s.URL+"/k/9999/politikk/dokument/"+ids.exemptDoc)
		if resp.StatusCode != want {
			t.Errorf("exempt document as %q: %d, want %d", user, resp.StatusCode, want)
		}
		if want == 200 && resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("exempt document as %q: Cache-Control %q", user, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestLinksOnPublicURL checks that feeds and notices link to the
// deployment's public URL when one is configured.
func TestLinksOnPublicURL(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true, Config: politics.Config{PublicURL: "https://torg.example.no/"}})
	ids := findDemo(t, s)
	_, body := get(t, s.Client(""), s.URL+"/k/9999/politikk/moter.ics")
	if !strings.Contains(strings.ReplaceAll(body, "\r\n ", ""), "URL:https://torg.example.no/k/9999/politikk/mote/"+ids.council+"\r\n") {
		t.Errorf("calendar links:\n%s", body)
	}
	c := s.Client("sekretariat")
	resp, _ := post(t, c, s.URL+"/k/9999/tilsett/politikk/mote/"+ids.planned+"/sak", url.Values{"tittel": {"Budsjett"}})
	item := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/k/9999/tilsett/politikk/sak/"), "?ny=1")
	upload(t, c, s.URL+"/k/9999/tilsett/politikk/sak/"+item+"/dokument", url.Values{"type": {"saksframlegg"}}, "s.pdf", politics.PDF("Budsjett"))
	if resp, _ := post(t, c, s.URL+"/k/9999/tilsett/politikk/mote/"+ids.planned+"/send", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", resp.StatusCode)
	}
	var n int
	s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_mail WHERE body LIKE $1`, "%https://torg.example.no/k/9999/politikk/mote/"+ids.planned+"%").Scan(&n)
	if n != 38 {
		t.Errorf("%d notices link to the public URL, want the council's 38", n)
	}
}

// TestUploadTooLarge checks that a body over the server's limit is
// answered on the item's page, not with a broken connection.
func TestUploadTooLarge(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true, MaxBody: 4 << 10})
	ids := findDemo(t, s)
	c := s.Client("sekretariat")
	resp, _ := post(t, c, s.URL+"/k/9999/tilsett/politikk/mote/"+ids.planned+"/sak", url.Values{"tittel": {"Stor sak"}})
	item := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/k/9999/tilsett/politikk/sak/"), "?ny=1")
	big := append(politics.PDF("Stor"), bytes.Repeat([]byte("%\n"), 5000)...)
	resp, body := upload(t, c, s.URL+"/k/9999/tilsett/politikk/sak/"+item+"/dokument", url.Values{"type": {"saksframlegg"}}, "stor.pdf", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d", resp.StatusCode)
	}
	mustContain(t, "too large", body, `<a href="#fil">Filen er for stor.</a>`)
	if _, items, docs, _ := s.Service.Agenda(context.Background(), "9999", ids.planned); len(items) != 1 || len(docs[items[0].ID]) != 0 {
		t.Error("the file was stored")
	}
}
