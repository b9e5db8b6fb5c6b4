package dialogue_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/dialogue/dialoguetest"
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

// upload is one file of a multipart form.
type upload struct {
	field, name string
	content     []byte
}

func postMultipart(t *testing.T, c *http.Client, u string, fields url.Values, files ...upload) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(f.field, f.name)
		fw.Write(f.content)
	}
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

func wantStatus(t *testing.T, what string, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Errorf("%s: status %d, want %d", what, resp.StatusCode, want)
	}
}

var hearingPath = regexp.MustCompile(`/k/9999/tilsett/horingar/([0-9a-f]{32})\?lagret=1`)

// createHearing drafts and publishes a hearing through the staff pages
// and returns its id.
func createHearing(t *testing.T, s *dialoguetest.Site, title, deadline string, allowPublish bool) string {
	t.Helper()
	staff := s.Client("sekretariat")
	fields := url.Values{dialogue.FieldTitle: {title}, dialogue.FieldDescription: {"Planen for de neste tolv årene."}, dialogue.FieldDeadline: {deadline}}
	if allowPublish {
		fields.Set(dialogue.FieldAllowPublish, "1")
	}
	resp, _ := postMultipart(t, staff, s.URL+"/k/9999/tilsett/horingar/ny", fields, upload{dialogue.FieldFile, "plan.pdf", pdf})
	m := hearingPath.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create hearing: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = post(t, staff, s.URL+"/k/9999/tilsett/horingar/"+m[1]+"/publiser", url.Values{})
	wantStatus(t, "publish", resp, http.StatusSeeOther)
	return m[1]
}

// TestHearingPages walks a hearing through the pages: the secretariat
// drafts and publishes it, two citizens send statements (one with an
// attachment, one for an organisation, published), each gets a receipt
// with its journal number, and both are in the archive case.
// It runs on SQLite and, when TORG_TEST_POSTGRES is set, PostgreSQL.
func TestHearingPages(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { hearingPages(t, dialoguetest.Start(t, dialoguetest.Options{})) })
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { hearingPages(t, dialoguetest.Start(t, dialoguetest.Options{Postgres: true})) })
	}
}

func hearingPages(t *testing.T, s *dialoguetest.Site) {
	ctx := context.Background()
	id := createHearing(t, s, "Kommuneplanens arealdel 2027–2038", "10.12.2026", true)
	anon := s.Client("")
	_, body := get(t, anon, s.URL+"/k/9999/horingar")
	mustContain(t, "hearing list", body, "Kommuneplanens arealdel 2027–2038", "Åpne høringer")
	_, body = get(t, anon, s.URL+"/k/9999/horingar/"+id)
	mustContain(t, "hearing page", body, "10.12.2026 23:59", "plan.pdf", "Skriv en uttalelse", "2026/1")
	docHref := regexp.MustCompile(`href="(/k/9999/horingar/[0-9a-f]+/dokument/[0-9a-f]+)"`).FindStringSubmatch(body)
	if docHref == nil {
		t.Fatal("no document link")
	}
	resp, doc := get(t, anon, s.URL+docHref[1])
	if resp.StatusCode != 200 || doc != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("document: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// Signed out, the form sends one to sign in.
	resp, _ = get(t, anon, s.URL+"/k/9999/horingar/"+id+"/uttale")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "logg-inn") {
		t.Errorf("signed-out form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	kari, ola := s.Client("kari"), s.Client("ola")
	_, body = get(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale")
	mustContain(t, "statement form", body, "Meg selv (Kari Nordmann)", `enctype="multipart/form-data"`, "Publiser uttalelsen min")

	xss := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	resp, _ = postMultipart(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale",
		url.Values{dialogue.FieldText: {"Bevar parken.\n\n" + xss}, dialogue.FieldOnBehalf: {"meg"}, dialogue.FieldEmail: {"kari@example.no"}},
		upload{dialogue.FieldAttachments, "kart.png", []byte("\x89PNG\r\n\x1a\nmore")})
	wantStatus(t, "statement 1", resp, http.StatusSeeOther)
	receipt1 := resp.Header.Get("Location")
	_, body = get(t, kari, s.URL+receipt1)
	mustContain(t, "receipt", body, "Uttalelsen er mottatt", "journalnummer 2026/1-1", "10.12.2026", "08.02.2027", "kart.png",
		"Uttalelsen publiseres ikke", "Vi har sendt kvitteringen")
	// Only its author sees a receipt.
	resp, _ = get(t, ola, s.URL+receipt1)
	wantStatus(t, "another's receipt", resp, http.StatusNotFound)

	resp, _ = postMultipart(t, ola, s.URL+"/k/9999/horingar/"+id+"/uttale",
		url.Values{dialogue.FieldText: {"Velforeningen støtter planen. " + xss}, dialogue.FieldOnBehalf: {"org"}, dialogue.FieldOrgNumber: {"923 609 016"},
			dialogue.FieldOrgName: {"Sentrum vel"}, dialogue.FieldPublish: {"1"}},
		upload{dialogue.FieldAttachments, "", nil}) // no file chosen
	wantStatus(t, "statement 2", resp, http.StatusSeeOther)
	_, body = get(t, ola, s.URL+resp.Header.Get("Location"))
	mustContain(t, "receipt 2", body, "journalnummer 2026/1-2", "Uttalelsen publiseres på høringens side.")

	// The public page shows the published statement, as text.
	_, body = get(t, anon, s.URL+"/k/9999/horingar/"+id)
	mustContain(t, "hearing page with statements", body, "Sentrum vel", "923609016", "Kommunen har fått 2 uttalelser. 1 av dem er publisert",
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "Bevar parken") || strings.Contains(body, "Kari Nordmann") {
		t.Error("the hearing page shows markup or the unpublished statement")
	}

	// Both are in the archive case, as incoming entries.
	h, err := s.Service.Hearing(ctx, dialoguetest.Demo, id)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.Archive.Entries(ctx, dialoguetest.Demo, h.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Journalposttype != "I" || entries[1].Journalposttype != "I" {
		t.Fatalf("entries = %+v", entries)
	}
	if len(entries[0].Dokumenter) != 2 || entries[0].Skjerming == nil || !entries[0].Skjerming.Screens(archive.SkjermingAvsender) {
		t.Errorf("Kari's entry = %+v", entries[0])
	}
	if len(entries[1].Dokumenter) != 1 || entries[1].Skjerming != nil {
		t.Errorf("the organisation's entry = %+v", entries[1])
	}

	// The secretariat sees both, with journal numbers.
	_, body = get(t, s.Client("sekretariat"), s.URL+"/k/9999/tilsett/horingar/"+id)
	mustContain(t, "staff hearing", body, "Kari Nordmann", "Sentrum vel", "journalnr. 2026/1-1", "journalnr. 2026/1-2", "kart.png",
		"&lt;script&gt;")

	// After the deadline: no more statements, then the result.
	s.Clock.Set(time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC))
	resp, body = get(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale")
	wantStatus(t, "form after the deadline", resp, http.StatusConflict)
	mustContain(t, "form after the deadline", body, "Fristen for denne høringen er ute")
	resp, body = postMultipart(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale", url.Values{dialogue.FieldText: {"For sent"}})
	wantStatus(t, "statement after the deadline", resp, http.StatusConflict)
	mustContain(t, "statement after the deadline", body, "Fristen for denne høringen er ute")
	staff := s.Client("sekretariat")
	resp, body = post(t, staff, s.URL+"/k/9999/tilsett/horingar/"+id+"/resultat", url.Values{dialogue.FieldSummary: {""}, dialogue.FieldUsage: {"x"}})
	wantStatus(t, "empty result", resp, http.StatusUnprocessableEntity)
	mustContain(t, "empty result", body, "Skriv en oppsummering av innspillene.", `href="#oppsummering"`)
	resp, _ = post(t, staff, s.URL+"/k/9999/tilsett/horingar/"+id+"/resultat", url.Values{dialogue.FieldSummary: {"To innspill."}, dialogue.FieldUsage: {"Parken er bevart <b>helt</b>."}})
	wantStatus(t, "result", resp, http.StatusSeeOther)
	_, body = get(t, anon, s.URL+"/k/9999/horingar/"+id)
	mustContain(t, "hearing with result", body, "Resultat av høringen", "To innspill.", "Parken er bevart &lt;b&gt;helt&lt;/b&gt;.", "Fristen er ute")
}

// TestStatementRefusedPages: each bad statement gets its message next
// to the field, with a summary, and stores nothing; a flood is limited.
func TestStatementRefusedPages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{Config: dialogue.Config{Rate: 2, MaxFile: 1000}})
	id := createHearing(t, s, "Budsjett 2027", "10.12.2026", false)
	kari := s.Client("kari")
	u := s.URL + "/k/9999/horingar/" + id + "/uttale"
	for _, c := range []struct {
		name   string
		fields url.Values
		files  []upload
		want   []string
	}{
		{"empty", url.Values{dialogue.FieldText: {"   "}}, nil, []string{"Skriv uttalelsen din.", `href="#tekst"`}},
		{"over-long", url.Values{dialogue.FieldText: {strings.Repeat("x", dialogue.MaxStatement+1)}}, nil, []string{"Teksten kan ha høyst 20 000 tegn."}},
		{"bad orgnr", url.Values{dialogue.FieldText: {"x"}, dialogue.FieldOnBehalf: {"org"}, dialogue.FieldOrgNumber: {"923609017"}, dialogue.FieldOrgName: {"Lag"}}, nil,
			[]string{"Skriv et gyldig organisasjonsnummer", `href="#orgnr"`, `value="923609017"`}},
		{"html attachment", url.Values{dialogue.FieldText: {"x"}}, []upload{{dialogue.FieldAttachments, "side.html", []byte("<html><script>alert(1)</script>")}},
			[]string{"Filtypen kan ikke brukes.", `href="#vedlegg"`}},
		{"large attachment", url.Values{dialogue.FieldText: {"x"}}, []upload{{dialogue.FieldAttachments, "stor.pdf", append(append([]byte{}, pdf...), make([]byte, 2000)...)}},
			[]string{"Filen er for stor."}},
		{"six attachments", url.Values{dialogue.FieldText: {"x"}}, []upload{{dialogue.FieldAttachments, "1.txt", []byte("a")}, {dialogue.FieldAttachments, "2.txt", []byte("a")},
			{dialogue.FieldAttachments, "3.txt", []byte("a")}, {dialogue.FieldAttachments, "4.txt", []byte("a")}, {dialogue.FieldAttachments, "5.txt", []byte("a")},
			{dialogue.FieldAttachments, "6.txt", []byte("a")}}, []string{"Du kan legge ved høyst 5 filer."}},
	} {
		resp, body := postMultipart(t, kari, u, c.fields, c.files...)
		wantStatus(t, c.name, resp, http.StatusUnprocessableEntity)
		mustContain(t, c.name, body, append([]string{"Det er noe du må rette", "Feil:"}, c.want...)...)
	}
	// Publishing is not offered when the hearing does not allow it.
	_, body := get(t, kari, u)
	mustContain(t, "form", body, "Uttalelser til denne høringen publiseres ikke")
	// Valid statements take the limit (2 per hour per person); refusals above did not.
	for i := range 2 {
		resp, _ := postMultipart(t, kari, u, url.Values{dialogue.FieldText: {"Uttalelse"}})
		wantStatus(t, "statement "+string(rune('1'+i)), resp, http.StatusSeeOther)
	}
	resp, body := postMultipart(t, kari, u, url.Values{dialogue.FieldText: {"En til"}})
	wantStatus(t, "third statement", resp, http.StatusTooManyRequests)
	mustContain(t, "third statement", body, "Du har sendt mange meldinger på kort tid.")
	list, _ := s.Service.Statements(context.Background(), dialoguetest.Demo, id, false, dialoguetest.Actor())
	if len(list) != 2 {
		t.Errorf("statements stored = %d, want 2", len(list))
	}
	// An unknown hearing and one of another municipality are not found.
	resp, _ = get(t, kari, s.URL+"/k/9999/horingar/finnesikke")
	wantStatus(t, "unknown hearing", resp, http.StatusNotFound)
	resp, _ = get(t, kari, s.URL+"/k/4601/horingar/"+id)
	wantStatus(t, "other municipality", resp, http.StatusNotFound)
	resp, _ = postMultipart(t, kari, s.URL+"/k/4601/horingar/"+id+"/uttale", url.Values{dialogue.FieldText: {"x"}})
	wantStatus(t, "statement in another municipality", resp, http.StatusNotFound)
}

// TestStaffHearingPages: roles, and the draft form's errors.
func TestStaffHearingPages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{})
	for _, c := range []struct {
		user string
		want int
	}{{"", http.StatusSeeOther}, {"kari", http.StatusSeeOther}, {"admin", http.StatusForbidden}, {"ordforer", http.StatusForbidden}, {"sekretariat", http.StatusOK}} {
		resp, _ := get(t, s.Client(c.user), s.URL+"/k/9999/tilsett/horingar")
		wantStatus(t, "staff hearings as "+c.user, resp, c.want)
	}
	staff := s.Client("sekretariat")
	resp, body := postMultipart(t, staff, s.URL+"/k/9999/tilsett/horingar/ny",
		url.Values{dialogue.FieldTitle: {""}, dialogue.FieldDeadline: {"31.02.2027"}}, upload{dialogue.FieldFile, "plan.pdf", pdf})
	wantStatus(t, "bad draft", resp, http.StatusUnprocessableEntity)
	mustContain(t, "bad draft", body, "Skriv en tittel.", "Skriv en dato som dd.mm.åååå", `href="#tittel"`, `href="#frist"`)
	resp, body = postMultipart(t, staff, s.URL+"/k/9999/tilsett/horingar/ny",
		url.Values{dialogue.FieldTitle: {"Plan"}, dialogue.FieldDeadline: {"10.12.2026"}}, upload{dialogue.FieldFile, "plan.exe", []byte("MZ\x90\x00")})
	wantStatus(t, "bad file", resp, http.StatusUnprocessableEntity)
	mustContain(t, "bad file", body, "Filtypen kan ikke brukes.")
	resp, _ = postMultipart(t, staff, s.URL+"/k/9999/tilsett/horingar/ny", url.Values{dialogue.FieldTitle: {"Plan"}, dialogue.FieldDeadline: {"10.12.2026"}},
		upload{dialogue.FieldFile, "plan.txt", []byte("Planen.")})
	m := hearingPath.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("draft: %d", resp.StatusCode)
	}
	// A draft is not public.
	resp, _ = get(t, s.Client(""), s.URL+"/k/9999/horingar/"+m[1])
	wantStatus(t, "public draft", resp, http.StatusNotFound)
	_, body = get(t, staff, s.URL+"/k/9999/tilsett/horingar/"+m[1]+"?lagret=1")
	mustContain(t, "draft page", body, "Endringene er lagret.", "Utkast", "Publiser høringen", "Legg til et dokument")
	resp, body = postMultipart(t, staff, s.URL+"/k/9999/tilsett/horingar/"+m[1]+"/dokument", url.Values{}, upload{dialogue.FieldFile, "", nil})
	wantStatus(t, "no document", resp, http.StatusUnprocessableEntity)
	mustContain(t, "no document", body, "Velg en fil.", `href="#dok-fil"`)
	// Publishing after the deadline is refused.
	s.Clock.Set(time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC))
	resp, _ = post(t, staff, s.URL+"/k/9999/tilsett/horingar/"+m[1]+"/publiser", url.Values{})
	wantStatus(t, "late publish", resp, http.StatusConflict)
}

// TestQuestionPages: a citizen asks, gets a receipt, the official answers,
// the list and the search show it, and the secretariat hides another.
func TestQuestionPages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{Config: dialogue.Config{Rate: 3}})
	kari := s.Client("kari")
	resp, _ := get(t, s.Client(""), s.URL+"/k/9999/sporsmal/nytt")
	wantStatus(t, "signed-out ask", resp, http.StatusSeeOther)
	_, body := get(t, kari, s.URL+"/k/9999/sporsmal/nytt?til=ordforer")
	mustContain(t, "ask form", body, `<option value="ordforer" selected>Jonas Bakke (Ap), ordfører</option>`, "Liv Aas")
	if strings.Contains(body, "Per Uten") {
		t.Error("an official without an address is offered")
	}
	resp, body = post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {""}, dialogue.FieldQuestion: {""}})
	wantStatus(t, "empty question", resp, http.StatusUnprocessableEntity)
	mustContain(t, "empty question", body, "Velg hvem du vil spørre.", "Skriv spørsmålet ditt.", `href="#til"`, `href="#sporsmal"`)
	resp, body = post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {"ordforer"}, dialogue.FieldQuestion: {strings.Repeat("y", dialogue.MaxQuestion+1)}})
	wantStatus(t, "long question", resp, http.StatusUnprocessableEntity)
	mustContain(t, "long question", body, "Spørsmålet kan ha høyst 2000 tegn.")

	resp, _ = post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {"ordforer"},
		dialogue.FieldQuestion: {"Når åpner svømmehallen? <script>alert(1)</script>"}, dialogue.FieldEmail: {"kari@example.no"}})
	wantStatus(t, "ask", resp, http.StatusSeeOther)
	qURL := s.URL + resp.Header.Get("Location")
	_, body = get(t, kari, qURL)
	mustContain(t, "receipt", body, "Spørsmålet er sendt", "Spørsmålet ditt er sendt til Jonas Bakke", "innen 14 dager, altså innen 07.12.2026",
		"Ikke besvart ennå.", "&lt;script&gt;alert(1)&lt;/script&gt;", "Vi har sendt en kvittering")
	_, body = get(t, s.Client("ola"), qURL)
	if strings.Contains(body, "Spørsmålet er sendt") {
		t.Error("another user sees the receipt")
	}
	resp, _ = post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {"liv-aas"}, dialogue.FieldQuestion: {"Hvorfor er veien stengt?"}})
	wantStatus(t, "ask 2", resp, http.StatusSeeOther)
	q2 := strings.TrimPrefix(resp.Header.Get("Location"), "/k/9999/sporsmal/")
	q2 = strings.TrimSuffix(q2, "?sendt=1")

	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal")
	if strings.Count(body, "Ikke besvart ennå.") != 2 {
		t.Errorf("unanswered marks = %d, want 2", strings.Count(body, "Ikke besvart ennå."))
	}

	// The mayor answers; Liv cannot answer the mayor's question.
	mayor := s.Client("ordforer")
	_, body = get(t, mayor, s.URL+"/k/9999/tilsett/dialog")
	mustContain(t, "mayor's questions", body, "Spørsmål til deg", "Når åpner svømmehallen?")
	if strings.Contains(body, "Hvorfor er veien stengt?") {
		t.Error("the mayor sees Liv's question")
	}
	qid := strings.TrimSuffix(strings.TrimPrefix(qURL, s.URL+"/k/9999/sporsmal/"), "?sendt=1")
	resp, _ = post(t, s.Client("liv"), s.URL+"/k/9999/tilsett/dialog/sporsmal/"+qid+"/svar", url.Values{dialogue.FieldAnswer: {"Snart."}})
	wantStatus(t, "answer by another official", resp, http.StatusForbidden)
	resp, body = post(t, mayor, s.URL+"/k/9999/tilsett/dialog/sporsmal/"+qid+"/svar", url.Values{dialogue.FieldAnswer: {""}})
	wantStatus(t, "empty answer", resp, http.StatusUnprocessableEntity)
	mustContain(t, "empty answer", body, "Skriv et svar.", `href="#q`+qid+`-svar"`)
	resp, _ = post(t, mayor, s.URL+"/k/9999/tilsett/dialog/sporsmal/"+qid+"/svar", url.Values{dialogue.FieldAnswer: {"I mars, etter oppussingen."}})
	wantStatus(t, "answer", resp, http.StatusSeeOther)
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal/"+qid)
	mustContain(t, "answered question", body, "Svar fra Jonas Bakke", "I mars, etter oppussingen.")

	// Search, with the unanswered filter.
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal?q=oppussingen")
	mustContain(t, "search", body, "1 treff", "Når åpner svømmehallen?")
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal?q=%25&ubesvart=1")
	mustContain(t, "search for %", body, "0 treff")
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal?ubesvart=1")
	mustContain(t, "unanswered", body, "1 treff", "Hvorfor er veien stengt?")

	// Moderation: the reason stays visible; the text goes.
	resp, _ = post(t, mayor, s.URL+"/k/9999/tilsett/dialog/sporsmal/"+q2+"/skjul", url.Values{dialogue.FieldReason: {"Spam"}})
	wantStatus(t, "hide by an official", resp, http.StatusForbidden)
	staff := s.Client("sekretariat")
	resp, body = post(t, staff, s.URL+"/k/9999/tilsett/dialog/sporsmal/"+q2+"/skjul", url.Values{dialogue.FieldReason: {" "}})
	wantStatus(t, "hide without reason", resp, http.StatusUnprocessableEntity)
	mustContain(t, "hide without reason", body, "Skriv hvorfor spørsmålet skjules.")
	resp, _ = post(t, staff, s.URL+"/k/9999/tilsett/dialog/sporsmal/"+q2+"/skjul", url.Values{dialogue.FieldReason: {"Bryter reglene <i>om</i> personangrep"}})
	wantStatus(t, "hide", resp, http.StatusSeeOther)
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal/"+q2)
	mustContain(t, "hidden question", body, "Skjult av moderator: Bryter reglene &lt;i&gt;om&lt;/i&gt; personangrep")
	if strings.Contains(body, "Hvorfor er veien stengt?") {
		t.Error("the hidden question's text is shown")
	}

	// The rate limit (3 per hour, two used).
	resp, _ = post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {"ordforer"}, dialogue.FieldQuestion: {"Tre"}})
	wantStatus(t, "third question", resp, http.StatusSeeOther)
	resp, _ = post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {"ordforer"}, dialogue.FieldQuestion: {"Fire"}})
	wantStatus(t, "fourth question", resp, http.StatusTooManyRequests)
	// Another municipality does not have it.
	resp, _ = get(t, s.Client(""), s.URL+"/k/4601/sporsmal/"+qid)
	wantStatus(t, "other municipality", resp, http.StatusNotFound)
}

// TestLanguages renders the public pages in nynorsk and English.
func TestLanguages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{})
	id := createHearing(t, s, "Plan", "10.12.2026", true)
	for _, c := range []struct{ path, want string }{
		{"horingar?lang=nn", "Opne høyringar"},
		{"horingar?lang=en", "Open hearings"},
		{"horingar/" + id + "?lang=nn", "Høyringsdokument"},
		{"horingar/" + id + "?lang=en", "Hearing documents"},
		{"sporsmal?lang=nn", "Spørsmål til folkevalde"},
		{"sporsmal?lang=en", "Questions to elected officials"},
	} {
		resp, body := get(t, s.Client(""), s.URL+"/k/9999/"+c.path)
		wantStatus(t, c.path, resp, http.StatusOK)
		mustContain(t, c.path, body, c.want)
	}
}

// TestStatementResent: the same form sent twice (a reload) shows the
// first receipt, stores one statement and costs nothing of the limit.
func TestStatementResent(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{Config: dialogue.Config{Rate: 1}})
	id := createHearing(t, s, "Plan", "10.12.2026", true)
	kari := s.Client("kari")
	_, body := get(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale")
	m := regexp.MustCompile(`name="skjema" value="([0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no token in the form")
	}
	form := url.Values{dialogue.FieldText: {"Én gang."}, dialogue.FieldToken: {m[1]}}
	r1, _ := postMultipart(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale", form)
	r2, _ := postMultipart(t, kari, s.URL+"/k/9999/horingar/"+id+"/uttale", form)
	wantStatus(t, "first", r1, http.StatusSeeOther)
	wantStatus(t, "again", r2, http.StatusSeeOther)
	if r1.Header.Get("Location") != r2.Header.Get("Location") {
		t.Errorf("receipts differ: %s, %s", r1.Header.Get("Location"), r2.Header.Get("Location"))
	}
	list, _ := s.Service.Statements(context.Background(), dialoguetest.Demo, id, false, dialoguetest.Actor())
	if len(list) != 1 {
		t.Errorf("statements = %d, want 1", len(list))
	}
}
