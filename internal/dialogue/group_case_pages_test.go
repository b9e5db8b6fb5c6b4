package dialogue_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/dialogue/dialoguetest"
)

// TestCaseDebatePages debates a political case through the pages: the
// debate page shows the case's title and number and counts the posts; bad
// input gets a clear message, never a 500.
func TestCaseDebatePages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{})
	kari, anon := s.Client("kari"), s.Client("")
	_, body := get(t, anon, s.URL+"/k/9999/debatt/sak/barnehage")
	mustContain(t, "empty case debate", body, "Debatt om saken: Ny barnehage på Nordbyen", "2026/42", `href="/k/9999/politikk/sak/barnehage"`,
		"Ingen har startet en debatt om saken ennå.", `href="/k/9999/debatt/ny?sak=barnehage"`)
	_, body = get(t, kari, s.URL+"/k/9999/debatt/ny?sak=barnehage")
	mustContain(t, "new thread about the case", body, "Ny barnehage på Nordbyen", "(sak 2026/42)", `name="sak" value="barnehage"`)

	for _, c := range []struct {
		name   string
		method string
		path   string
		form   url.Values
		status int
		want   []string
	}{
		{"unknown case page", "GET", "debatt/sak/finst-ikkje", nil, http.StatusNotFound, []string{"Vi finner ikke denne politiske saken."}},
		{"other municipality's case page", "GET", "debatt/sak/bergen-sak", nil, http.StatusNotFound, []string{"Vi finner ikke denne politiske saken."}},
		{"form for an unknown case", "GET", "debatt/ny?sak=finst-ikkje", nil, http.StatusNotFound, []string{"Vi finner ikke denne politiske saken."}},
		{"thread on an unknown case", "POST", "debatt/ny", url.Values{dialogue.FieldCase: {"finst-ikkje"}, dialogue.FieldThreadTitle: {"T"}, dialogue.FieldPost: {"P"}},
			http.StatusNotFound, []string{"Vi finner ikke denne politiske saken."}},
		{"thread on another municipality's case", "POST", "debatt/ny", url.Values{dialogue.FieldCase: {"bergen-sak"}, dialogue.FieldThreadTitle: {"T"}, dialogue.FieldPost: {"P"}},
			http.StatusNotFound, []string{"Vi finner ikke denne politiske saken."}},
		{"empty thread on a case", "POST", "debatt/ny", url.Values{dialogue.FieldCase: {"barnehage"}, dialogue.FieldThreadTitle: {" "}, dialogue.FieldPost: {""}},
			http.StatusUnprocessableEntity, []string{"Skriv en tittel.", "Skriv innlegget ditt.", `name="sak" value="barnehage"`, "Ny barnehage på Nordbyen"}},
		{"over-long post on a case", "POST", "debatt/ny", url.Values{dialogue.FieldCase: {"barnehage"}, dialogue.FieldThreadTitle: {"T"},
			dialogue.FieldPost: {strings.Repeat("x", dialogue.MaxPost+1)}}, http.StatusUnprocessableEntity, []string{"Innlegget kan ha høyst 5000 tegn."}},
	} {
		var resp *http.Response
		if c.method == "GET" {
			resp, body = get(t, kari, s.URL+"/k/9999/"+c.path)
		} else {
			resp, body = post(t, kari, s.URL+"/k/9999/"+c.path, c.form)
		}
		wantStatus(t, c.name, resp, c.status)
		mustContain(t, c.name, body, c.want...)
	}

	resp, _ := post(t, kari, s.URL+"/k/9999/debatt/ny", url.Values{dialogue.FieldCase: {"barnehage"}, dialogue.FieldThreadTitle: {"Plassering <script>alert(1)</script>"},
		dialogue.FieldPost: {"Nær skolen. <img src=x onerror=alert(1)>"}})
	wantStatus(t, "start", resp, http.StatusSeeOther)
	thread := resp.Header.Get("Location")
	_, body = get(t, anon, s.URL+thread)
	mustContain(t, "thread about a case", body, "Plassering &lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "Ny barnehage på Nordbyen",
		"(sak 2026/42)", `href="/k/9999/politikk/sak/barnehage"`, `href="/k/9999/debatt/sak/barnehage"`)
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<img src=x") {
		t.Error("script in the text is markup")
	}
	resp, body = post(t, s.Client("ola"), s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {" "}})
	wantStatus(t, "empty reply", resp, http.StatusUnprocessableEntity)
	mustContain(t, "empty reply", body, "Skriv innlegget ditt.")
	resp, _ = post(t, s.Client("ola"), s.URL+thread+"/innlegg", url.Values{dialogue.FieldPost: {"Enig."}})
	wantStatus(t, "reply", resp, http.StatusSeeOther)
	_, body = get(t, anon, s.URL+"/k/9999/debatt/sak/barnehage")
	mustContain(t, "case debate", body, "Plassering &lt;script&gt;", "2 innlegg", "<dd>2</dd>")
	_, body = get(t, anon, s.URL+"/k/9999/debatt")
	mustContain(t, "all threads", body, "Ny barnehage på Nordbyen", "(sak 2026/42)")
	// A case without a number shows none.
	_, body = get(t, anon, s.URL+"/k/9999/debatt/sak/utan-nummer")
	mustContain(t, "case without a number", body, "Gatelys i sentrum")
	if strings.Contains(body, "Saksnummer") {
		t.Error("a case without a number shows the number's label")
	}
	// Another municipality does not have the thread.
	resp, _ = get(t, anon, s.URL+"/k/4601"+strings.TrimPrefix(thread, "/k/9999"))
	wantStatus(t, "other municipality", resp, http.StatusNotFound)
}

// TestGroupQuestionPages asks a party group through the pages: the form
// offers the groups with a member that can be asked; the receipt says
// who answers by when; another party's official is refused with a clear
// message; a member answers and is named.
func TestGroupQuestionPages(t *testing.T) {
	s := dialoguetest.Start(t, dialoguetest.Options{})
	kari := s.Client("kari")
	_, body := get(t, kari, s.URL+"/k/9999/sporsmal/nytt?til=gruppe:ap")
	mustContain(t, "ask form", body, `<optgroup label="Partigrupper">`, `<option value="gruppe:ap" selected>Arbeidarpartiet (Ap) – hele partigruppen (2 folkevalgte)</option>`,
		`<option value="gruppe:h">Høgre (H) – hele partigruppen (1 folkevalgte)</option>`)
	if strings.Contains(body, "gruppe:sp") {
		t.Error("a group without a member that can be asked is offered")
	}
	for _, c := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"group with no contactable member", url.Values{dialogue.FieldOfficial: {"gruppe:sp"}, dialogue.FieldQuestion: {"Hei?"}},
			[]string{"Denne partigruppen har ingen folkevalgte som kan svare her.", `href="#til"`}},
		{"unknown group", url.Values{dialogue.FieldOfficial: {"gruppe:finst-ikkje"}, dialogue.FieldQuestion: {"Hei?"}},
			[]string{"Denne partigruppen har ingen folkevalgte som kan svare her."}},
		{"empty group", url.Values{dialogue.FieldOfficial: {"gruppe:"}, dialogue.FieldQuestion: {"Hei?"}}, []string{"Velg hvem du vil spørre."}},
		{"empty question", url.Values{dialogue.FieldOfficial: {"gruppe:ap"}, dialogue.FieldQuestion: {""}}, []string{"Skriv spørsmålet ditt.", `value="gruppe:ap" selected`}},
		{"over-long question", url.Values{dialogue.FieldOfficial: {"gruppe:ap"}, dialogue.FieldQuestion: {strings.Repeat("y", dialogue.MaxQuestion+1)}},
			[]string{"Spørsmålet kan ha høyst 2000 tegn."}},
	} {
		resp, body := post(t, kari, s.URL+"/k/9999/sporsmal/nytt", c.form)
		wantStatus(t, c.name, resp, http.StatusUnprocessableEntity)
		mustContain(t, c.name, body, c.want...)
	}

	resp, _ := post(t, kari, s.URL+"/k/9999/sporsmal/nytt", url.Values{dialogue.FieldOfficial: {"gruppe:ap"},
		dialogue.FieldQuestion: {"Hva mener partiet om bompenger? <script>alert(1)</script>"}, dialogue.FieldEmail: {"kari@example.no"}})
	wantStatus(t, "ask the group", resp, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	qid := strings.TrimSuffix(strings.TrimPrefix(loc, "/k/9999/sporsmal/"), "?sendt=1")
	_, body = get(t, kari, s.URL+loc)
	mustContain(t, "receipt", body, "Spørsmål til partigruppen Arbeidarpartiet", "Spørsmålet ditt er sendt til partigruppen Arbeidarpartiet",
		"En av disse folkevalgte svarer på vegne av gruppen: Jonas Bakke, Eva Lie.", "innen 14 dager, altså innen 07.12.2026", "Ikke besvart ennå.",
		"&lt;script&gt;alert(1)&lt;/script&gt;", `href="/k/9999/sporsmal/nytt?til=gruppe:ap"`)
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal?ubesvart=1")
	mustContain(t, "unanswered list", body, "1 treff", "Spørsmål til partigruppen Arbeidarpartiet", "Ikke besvart ennå.")
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal?q=bompenger")
	mustContain(t, "search", body, "1 treff", "Hva mener partiet om bompenger?")

	// The members see it on their page; Liv (Høgre) does not.
	for _, u := range []string{"ordforer", "eva"} {
		_, body = get(t, s.Client(u), s.URL+"/k/9999/tilsett/dialog")
		mustContain(t, u+"'s questions", body, "Til partigruppen Arbeidarpartiet. Du kan svare på vegne av gruppen", "Hva mener partiet om bompenger?")
	}
	_, body = get(t, s.Client("liv"), s.URL+"/k/9999/tilsett/dialog")
	if strings.Contains(body, "bompenger") {
		t.Error("Liv sees another party's group question")
	}

	for _, c := range []struct {
		name, user, answer string
		status             int
		want               []string
	}{
		{"another party's official", "liv", "Nei.", http.StatusForbidden,
			[]string{"Spørsmålet er stilt til partigruppen Arbeidarpartiet. Du er ikke registrert som folkevalgt for det partiet"}},
		{"the secretariat", "sekretariat", "Nei.", http.StatusForbidden, nil},
		{"a citizen", "kari", "Nei.", http.StatusUnauthorized, nil},
		{"an empty answer", "eva", " ", http.StatusUnprocessableEntity, []string{"Skriv et svar.", `href="#q` + qid + `-svar"`}},
		{"an over-long answer", "eva", strings.Repeat("z", dialogue.MaxAnswer+1), http.StatusUnprocessableEntity, []string{"Svaret kan ha høyst 5000 tegn."}},
	} {
		resp, body := post(t, s.Client(c.user), s.URL+"/k/9999/tilsett/dialog/sporsmal/"+qid+"/svar", url.Values{dialogue.FieldAnswer: {c.answer}})
		wantStatus(t, c.name, resp, c.status)
		mustContain(t, c.name, body, c.want...)
	}
	resp, _ = post(t, s.Client("eva"), s.URL+"/k/9999/tilsett/dialog/sporsmal/"+qid+"/svar", url.Values{dialogue.FieldAnswer: {"Vi er imot <b>nye</b> bomstasjoner."}})
	wantStatus(t, "answer", resp, http.StatusSeeOther)
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal/"+qid)
	mustContain(t, "answered", body, "Svar fra Eva Lie på vegne av partigruppen Arbeidarpartiet", "Vi er imot &lt;b&gt;nye&lt;/b&gt; bomstasjoner.")
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal?q=eva+lie")
	mustContain(t, "search by the answerer", body, "1 treff")
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal/"+qid+"?lang=nn")
	mustContain(t, "answered in nynorsk", body, "Svar frå Eva Lie på vegner av partigruppa Arbeidarpartiet")
	_, body = get(t, s.Client(""), s.URL+"/k/9999/sporsmal/"+qid+"?lang=en")
	mustContain(t, "answered in English", body, "Answer from Eva Lie on behalf of the Arbeidarpartiet party group")
	resp, _ = get(t, s.Client(""), s.URL+"/k/4601/sporsmal/"+qid)
	wantStatus(t, "other municipality", resp, http.StatusNotFound)
}
