package innsyn_test

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

	"github.com/torg-ekommune/torg/internal/innsyn"
	"github.com/torg-ekommune/torg/internal/innsyn/innsyntest"
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

// upload posts a multipart form, with a file when content is not nil.
func upload(t *testing.T, c *http.Client, u string, fields url.Values, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if content != nil {
		fw, _ := mw.CreateFormFile("fil", name)
		fw.Write(content)
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

// request goes through the public pages as an anonymous requester and
// returns the status link's path.
func request(t *testing.T, s *innsyntest.Site, email string, ids ...string) string {
	t.Helper()
	c := s.Client("")
	resp, _ := post(t, c, s.URL+"/k/9999/innsyn", url.Values{"jp": ids})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /innsyn: %d", resp.StatusCode)
	}
	resp, _ = get(t, c, s.URL+resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the request page: %d", resp.StatusCode)
	}
	resp, body := post(t, c, s.URL+"/k/9999/innsyn/send", url.Values{"jp": ids, "epost": {email}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/k/9999/innsyn/kvittering/") {
		t.Fatalf("send redirects to %s", loc)
	}
	return strings.Replace(loc, "/kvittering/", "/status/", 1)
}

func TestRequestPages(t *testing.T) {
	s := innsyntest.Start(t, innsyntest.Options{})
	c := s.Client("")
	e := s.Entries
	resp, _ := post(t, c, s.URL+"/k/9999/innsyn", url.Values{"jp": {e.Open, e.Screened}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/k/9999/innsyn?jp=") {
		t.Fatalf("POST /innsyn: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := get(t, c, s.URL+resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Søknad om skoleskyss") || strings.Contains(body, "Helseopplysninger") {
		t.Errorf("request page %d shows the screened title or not the public one", resp.StatusCode)
	}
	if strings.Contains(body, "<b>Storgata</b>") || !strings.Contains(body, "&lt;b&gt;Storgata&lt;/b&gt;") {
		t.Error("markup in a title is not shown as text")
	}
	if !strings.Contains(body, `name="epost"`) || !strings.Contains(body, `for="epost"`) {
		t.Error("no labelled e-mail field")
	}

	// Bad input on the public pages.
	for _, c2 := range []struct {
		name   string
		path   string
		form   url.Values
		status int
		text   string
	}{
		{"nothing ticked", "innsyn", url.Values{}, http.StatusBadRequest, "Du har ikke krysset av"},
		{"unknown id", "innsyn", url.Values{"jp": {"nope"}}, http.StatusBadRequest, "finnes ikke i postjournalen"},
		{"internal note", "innsyn/send", url.Values{"jp": {e.Note}, "epost": {"kari@example.no"}}, http.StatusBadRequest, "Organinterne dokumenter"},
		{"another municipality's entry", "innsyn/send", url.Values{"jp": {e.Other}, "epost": {"kari@example.no"}}, http.StatusBadRequest, "finnes ikke i postjournalen"},
		{"bad address", "innsyn/send", url.Values{"jp": {e.Open}, "epost": {"kari@@example"}}, http.StatusUnprocessableEntity, "Skriv en gyldig e-postadresse"},
		{"no address", "innsyn/send", url.Values{"jp": {e.Open}}, http.StatusUnprocessableEntity, "Skriv e-postadressen din"},
	} {
		t.Run(c2.name, func(t *testing.T) {
			resp, body := post(t, c, s.URL+"/k/9999/"+c2.path, c2.form)
			if resp.StatusCode != c2.status || !strings.Contains(body, c2.text) {
				t.Errorf("%d, want %d with %q", resp.StatusCode, c2.status, c2.text)
			}
			if c2.status == http.StatusUnprocessableEntity && (!strings.Contains(body, `href="#epost"`) || !strings.Contains(body, `aria-invalid="true"`)) {
				t.Error("no error summary linking to the field")
			}
		})
	}
	resp, body = get(t, c, s.URL+"/k/9999/innsyn?jp="+e.Note)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Organinterne dokumenter") {
		t.Errorf("GET with an internal note: %d", resp.StatusCode)
	}

	// A request, its receipt and its status.
	status := request(t, s, "kari@example.no", e.Open, e.Open2)
	receipt := strings.Replace(status, "/status/", "/kvittering/", 1)
	resp, body = get(t, c, s.URL+receipt)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, status) || !strings.Contains(body, "kari@example.no") || !strings.Contains(body, "26.11.2026") {
		t.Errorf("receipt %d: %s", resp.StatusCode, body)
	}
	resp, body = get(t, c, s.URL+status)
	if resp.StatusCode != http.StatusOK || strings.Count(body, "Under behandling") < 2 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Error("the status page leaks its address in Referer")
	}
	mails := s.Deliver(t)
	if len(mails) != 1 || !strings.Contains(mails[0].Body, status) {
		t.Errorf("receipt mail %+v", mails)
	}
	// The link is the municipality's own.
	resp, _ = get(t, c, s.URL+strings.Replace(status, "/k/9999/", "/k/4601/", 1))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status in another municipality: %d", resp.StatusCode)
	}
	resp, _ = get(t, c, s.URL+"/k/9999/innsyn/status/"+strings.Repeat("x", 43))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
}

func TestSignedInRequest(t *testing.T) {
	s := innsyntest.Start(t, innsyntest.Options{})
	c := s.Client("innbygger")
	resp, body := get(t, c, s.URL+"/k/9999/innsyn?jp="+s.Entries.Open)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Kari Nordmann") {
		t.Fatalf("request page signed in: %d", resp.StatusCode)
	}
	resp, _ = post(t, c, s.URL+"/k/9999/innsyn/send", url.Values{"jp": {s.Entries.Open}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send signed in without an address: %d", resp.StatusCode)
	}
	_, body = get(t, c, s.URL+resp.Header.Get("Location"))
	if !strings.Contains(body, "Du oppga ingen e-postadresse") || !strings.Contains(body, `href="/k/9999/min-side/innsyn"`) {
		t.Error("the receipt does not say that nothing was mailed, or lacks the link to Min side")
	}
	var id string
	s.DB.QueryRowContext(context.Background(), `SELECT id FROM innsyn_request`).Scan(&id)
	anon := request(t, s, "ola@example.no", s.Entries.Open2)
	var anonID string
	s.DB.QueryRowContext(context.Background(), `SELECT id FROM innsyn_request WHERE id <> $1`, id).Scan(&anonID)
	if _, err := s.Service.Decide(context.Background(), demo, id, innsyn.Decision{Nr: 1, Decision: innsyn.Granted}, nil, innsyntest.Actor()); err != nil {
		t.Fatal(err)
	}
	// Min side lists the requests made while signed in, with the documents.
	resp, body = get(t, c, s.URL+"/k/9999/min-side/innsyn")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "/k/9999/min-side/innsyn/"+id) || strings.Contains(body, anonID) {
		t.Errorf("Min side list: %d", resp.StatusCode)
	}
	resp, body = get(t, c, s.URL+"/k/9999/min-side/innsyn/"+id)
	m := regexp.MustCompile(`href="(/k/9999/min-side/innsyn/` + id + `/dokument/1/[^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(body, "Innsyn gitt") {
		t.Fatalf("Min side status: %d", resp.StatusCode)
	}
	if resp, got := get(t, c, s.URL+m[1]); resp.StatusCode != http.StatusOK || got != string(s.DocContent) {
		t.Errorf("download on Min side: %d", resp.StatusCode)
	}
	// Not someone else's, not signed out, not by staff.
	if resp, _ := get(t, c, s.URL+"/k/9999/min-side/innsyn/"+anonID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an anonymous request on Min side: %d", resp.StatusCode)
	}
	for _, u := range []string{"", "arkivar"} {
		for _, p := range []string{"/k/9999/min-side/innsyn/" + id, m[1]} {
			if resp, _ := get(t, s.Client(u), s.URL+p); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%q GET %s: %d", u, p, resp.StatusCode)
			}
		}
	}
	if resp, _ := get(t, s.Client(""), s.URL+anon); resp.StatusCode != http.StatusOK {
		t.Errorf("the anonymous status link: %d", resp.StatusCode)
	}
}

func TestRateLimitPage(t *testing.T) {
	s := innsyntest.Start(t, innsyntest.Options{Config: innsyn.Config{MaxPerDay: 1}})
	request(t, s, "kari@example.no", s.Entries.Open)
	resp, body := post(t, s.Client(""), s.URL+"/k/9999/innsyn/send", url.Values{"jp": {s.Entries.Open}, "epost": {"kari@example.no"}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "mange innsynskrav") {
		t.Errorf("over the limit: %d", resp.StatusCode)
	}
}

var hrefRE = regexp.MustCompile(`href="(/k/9999/innsyn/status/[^"]+/(?:dokument|sladda)/[^"]+)"`)

func TestStaffFlow(t *testing.T) {
	s := innsyntest.Start(t, innsyntest.Options{Config: innsyn.Config{MaxRedacted: 4000}})
	e := s.Entries
	status := request(t, s, "kari@example.no", e.Open, e.Screened, e.Open2)
	var id string
	s.DB.QueryRowContext(context.Background(), `SELECT id FROM innsyn_request`).Scan(&id)

	// Access to the staff pages.
	for _, c := range []struct {
		user   string
		status int
	}{{"", http.StatusSeeOther}, {"innbygger", http.StatusSeeOther}, {"saksbehandler", http.StatusForbidden}, {"arkivar", http.StatusOK}} {
		for _, p := range []string{"tilsett/innsyn", "tilsett/innsyn/" + id, "tilsett/innsyn/statistikk"} {
			if resp, _ := get(t, s.Client(c.user), s.URL+"/k/9999/"+p); resp.StatusCode != c.status {
				t.Errorf("%q GET %s: %d, want %d", c.user, p, resp.StatusCode, c.status)
			}
		}
	}
	if resp, _ := upload(t, s.Client("saksbehandler"), s.URL+"/k/9999/tilsett/innsyn/"+id, url.Values{"nr": {"1"}, "vedtak": {"granted"}}, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a caseworker decides: %d", resp.StatusCode)
	}
	a := s.Client("arkivar")
	_, body := get(t, a, s.URL+"/k/9999/tilsett/innsyn")
	if !strings.Contains(body, "/k/9999/tilsett/innsyn/"+id) {
		t.Error("the queue does not list the request")
	}
	_, body = get(t, a, s.URL+"/k/9999/tilsett/innsyn?eining="+url.QueryEscape("Plan"))
	if strings.Contains(body, "/k/9999/tilsett/innsyn/"+id) {
		t.Error("the unit filter lets another unit's request through")
	}
	_, body = get(t, a, s.URL+"/k/9999/tilsett/innsyn/"+id)
	if !strings.Contains(body, "Helseopplysninger om Kari Nordmann") || !strings.Contains(body, "kari@example.no") {
		t.Error("the archivist does not see the full title and the requester")
	}
	page := s.URL + "/k/9999/tilsett/innsyn/" + id
	for _, c := range []struct {
		name   string
		fields url.Values
		file   []byte
		status int
		text   string
	}{
		{"screened granted", url.Values{"nr": {"2"}, "vedtak": {"granted"}}, nil, http.StatusUnprocessableEntity, "kan ikke gis ut i sin helhet"},
		{"refused without basis", url.Values{"nr": {"3"}, "vedtak": {"refused"}}, nil, http.StatusUnprocessableEntity, "Skriv hjemmelen"},
		{"copy of a wrong type", url.Values{"nr": {"2"}, "vedtak": {"partly"}, "hjemmel": {"Offl. § 13"}}, []byte("<script>alert(1)</script>"), http.StatusUnprocessableEntity, "må være en PDF-fil"},
		{"copy too large", url.Values{"nr": {"2"}, "vedtak": {"partly"}, "hjemmel": {"Offl. § 13"}}, pdf(5000), http.StatusUnprocessableEntity, "Filen er for stor"},
		{"bad line", url.Values{"nr": {"x"}, "vedtak": {"granted"}}, nil, http.StatusBadRequest, ""},
		{"unknown line", url.Values{"nr": {"7"}, "vedtak": {"granted"}}, nil, http.StatusNotFound, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := upload(t, a, page, c.fields, "kopi.pdf", c.file)
			if resp.StatusCode != c.status || !strings.Contains(body, c.text) {
				t.Errorf("%d, want %d with %q", resp.StatusCode, c.status, c.text)
			}
			if c.status == http.StatusUnprocessableEntity && !strings.Contains(body, `href="#l`+c.fields.Get("nr")+`-`) {
				t.Error("no error summary linking to the field")
			}
		})
	}
	for _, d := range []struct {
		fields url.Values
		file   []byte
	}{
		{url.Values{"nr": {"1"}, "vedtak": {"granted"}, "merknad": {"<script>alert(1)</script>"}}, nil},
		{url.Values{"nr": {"2"}, "vedtak": {"partly"}, "hjemmel": {"Offl. § 13 jf. fvl. § 13 første ledd nr. 1"}}, pdf(2000)},
		{url.Values{"nr": {"3"}, "vedtak": {"refused"}, "hjemmel": {"Offl. § 14"}}, nil},
	} {
		resp, body := upload(t, a, page, d.fields, "kopi.pdf", d.file)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("decide %v: %d %s", d.fields, resp.StatusCode, body)
		}
	}
	// The requester sees the decisions and downloads what was granted.
	c := s.Client("")
	_, body = get(t, c, s.URL+status)
	for _, want := range []string{"Innsyn gitt", "Delvis innsyn", "Innsyn avslått", "Offl. § 14", "§ 32", "&lt;script&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	links := hrefRE.FindAllStringSubmatch(body, -1)
	if len(links) != 2 {
		t.Fatalf("%d download links, want the document and the redacted copy", len(links))
	}
	resp, got := get(t, c, s.URL+links[0][1])
	if resp.StatusCode != http.StatusOK || got != string(s.DocContent) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("document: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	resp, got = get(t, c, s.URL+links[1][1])
	if resp.StatusCode != http.StatusOK || got != string(pdf(2000)) {
		t.Errorf("redacted copy: %d", resp.StatusCode)
	}
	// Only through the token.
	bad := strings.Replace(links[0][1], "/status/", "/status/x", 1)
	if resp, _ := get(t, c, s.URL+bad); resp.StatusCode != http.StatusNotFound {
		t.Errorf("document with a wrong token: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, s.URL+status+"/sladda/3"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("redacted copy of a refused entry: %d", resp.StatusCode)
	}
	// Statistics.
	_, body = get(t, a, s.URL+"/k/9999/tilsett/innsyn/statistikk?fra=2026-11-01&til=2026-11-30")
	if !strings.Contains(body, innsyntest.UnitBuilding) || !strings.Contains(body, "100 %") {
		t.Error("statistics lack the unit or the share")
	}
	resp, body = get(t, a, s.URL+"/k/9999/tilsett/innsyn/statistikk?fra=2026-13-01&til=2026-11-30")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#fra"`) {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	resp, _ = get(t, a, s.URL+"/k/9999/tilsett/innsyn/statistikk?fra=2026-11-30&til=2026-11-01")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("period backwards: %d", resp.StatusCode)
	}
}

func TestQueueOverdue(t *testing.T) {
	s := innsyntest.Start(t, innsyntest.Options{})
	request(t, s, "kari@example.no", s.Entries.Open)
	a := s.Client("arkivar")
	if _, body := get(t, a, s.URL+"/k/9999/tilsett/innsyn"); strings.Contains(body, "fristen er passert") {
		t.Error("flagged overdue on the day it came")
	}
	s.Clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	if _, body := get(t, a, s.URL+"/k/9999/tilsett/innsyn"); !strings.Contains(body, "Frist snart") {
		t.Error("not flagged as due soon the day before the deadline")
	}
	s.Clock.Set(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	if _, body := get(t, a, s.URL+"/k/9999/tilsett/innsyn"); !strings.Contains(body, "fristen er passert") {
		t.Error("not flagged overdue after the deadline")
	}
}
