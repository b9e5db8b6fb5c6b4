package server_test

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

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/outbox"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// formFlow is a browser going through a form: it remembers the page it
// was sent to last.
type formFlow struct {
	t    *testing.T
	srv  *servertest.Server
	c    *http.Client
	page string // the current page's URL
}

// post posts v to the current page and expects status; on a redirect the
// flow moves to its target.
func (f *formFlow) post(v url.Values, status int) string {
	f.t.Helper()
	resp, body := servertest.PostForm(f.t, f.c, f.page, v)
	f.expect(resp, body, status)
	return body
}

func (f *formFlow) expect(resp *http.Response, body string, status int) {
	f.t.Helper()
	if resp.StatusCode != status {
		f.t.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, status, body)
	}
	if status == http.StatusSeeOther {
		f.page = servertest.Location(f.t, resp)
	}
}

// get fetches the current page.
func (f *formFlow) get() string {
	f.t.Helper()
	resp, body := servertest.Get(f.t, f.c, f.page)
	f.expect(resp, body, 200)
	return body
}

func childFNR(t *testing.T, birth time.Time) string {
	n, err := nin.Generate(birth, 512, nin.Synthetic)
	if err != nil {
		t.Fatal(err)
	}
	return n.String()
}

// TestKindergartenApplication goes through the kindergarten form as Kari:
// step by step with an error on the way, a second child added and
// removed, the summary, submitting twice, the receipt page, both receipt
// files (verified with the municipality's published keys), the e-mail
// acknowledgement, the outbox event and Min side's audit trail.
func TestKindergartenApplication(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			srv := servertest.Start(t, servertest.Options{Postgres: pg})
			ctx := context.Background()
			if _, err := srv.Outbox.AddWebhook(ctx, outbox.Webhook{Tenant: "9999", URL: "http://127.0.0.1:9/hook", EventTypes: []string{"no.torg.forms."}},
				audit.Entry{ActorID: "test", Role: "system"}); err != nil {
				t.Fatal(err)
			}
			base := srv.URL + "/k/9999/"
			f := &formFlow{t: t, srv: srv, c: servertest.Client(t), page: base + "skjema/barnehageplass"}

			// Signed out, the front page offers sign-in, and starting
			// sends the person to sign in.
			body := f.get()
			for _, want := range []string{"<h1>Søknad om barnehageplass</h1>", "Logg inn og start", "Slik behandler vi personopplysningene dine", "Fødselsnummer eller D-nummer"} {
				if !strings.Contains(body, want) {
					t.Errorf("front page lacks %q", want)
				}
			}
			f.post(nil, http.StatusSeeOther)
			if !strings.Contains(f.page, "/logg-inn?neste=") {
				t.Fatalf("start while signed out went to %s", f.page)
			}
			next := servertest.SignIn(t, f.c, f.page, "15838810028")
			if !strings.HasSuffix(next, "/k/9999/skjema/barnehageplass") {
				t.Fatalf("after sign-in: %s", next)
			}
			f.page = next
			f.post(nil, http.StatusSeeOther)
			if !strings.HasSuffix(f.page, "/side/soker") {
				t.Fatalf("start went to %s", f.page)
			}
			draftBase := strings.TrimSuffix(f.page, "side/soker")

			// Page 1: name and fødselsnummer come from the sign-in; a bad
			// phone number is refused next to its field, what was typed
			// is kept, and the summary links to the field.
			body = f.get()
			if !strings.Contains(body, `value="Kari Nordmann"`) || !strings.Contains(body, `value="15838810028"`) || !strings.Contains(body, "readonly") {
				t.Errorf("prefill missing:\n%s", body)
			}
			soker := url.Values{"applicant_name": {"Someone Else"}, "applicant_fnr": {"02917510108"}, "address.street": {"Storgata 1"},
				"address.postal_code": {"0155"}, "address.postal_town": {"Oslo"}, "phone": {"12 34"}, "email": {"kari@example.no"}, "handling": {"next"}}
			body = f.post(soker, http.StatusUnprocessableEntity)
			for _, want := range []string{`class="error-summary"`, `href="#phone"`, `id="phone-error"`, `value="12 34"`, `aria-invalid="true"`, `value="Storgata 1"`, "<title>Feil:"} {
				if !strings.Contains(body, want) {
					t.Errorf("error page lacks %q", want)
				}
			}
			soker.Set("phone", "912 34 567")
			f.post(soker, http.StatusSeeOther)
			if !strings.HasSuffix(f.page, "/side/barn") {
				t.Fatalf("after page 1: %s", f.page)
			}

			// Page 2: add a second child, then remove it again.
			fnr := childFNR(t, time.Date(2023, 4, 12, 0, 0, 0, 0, time.UTC))
			barn := url.Values{"children.0.child_name": {"Emma Nordmann"}, "children.0.child_fnr": {fnr}, "children.0.birth_date": {"12.04.2023"},
				"children.0.needs_support": {"false"}}
			add := cloneValues(barn)
			add.Set("handling", "add:children")
			f.post(add, http.StatusSeeOther)
			body = f.get()
			if !strings.Contains(body, "Barn 2") || !strings.Contains(body, `value="Emma Nordmann"`) {
				t.Fatalf("after adding a child:\n%s", body)
			}
			rm := cloneValues(barn)
			rm.Set("children.1.child_name", "") // a browser posts the empty item's fields
			rm.Set("children.1.birth_date", "")
			rm.Set("handling", "remove:children.1")
			f.post(rm, http.StatusSeeOther)
			if body = f.get(); strings.Contains(body, "Barn 2") {
				t.Error("the second child is still there after removing it")
			}
			barn.Set("handling", "next")
			f.post(barn, http.StatusSeeOther)

			// Page 3: a start date before the child's birth breaks the
			// cross-field rule.
			plass := url.Values{"start_date": {time.Now().AddDate(0, 2, 0).Format("02.01.2006")}, "kindergartens": {"trollskogen", "solsikken", ""},
				"has_sibling": {"false"}, "handling": {"next"}}
			f.post(plass, http.StatusSeeOther)
			// Page 4: no reduced price, so no tax assessment is needed.
			f.post(url.Values{"apply_reduction": {"false"}, "handling": {"next"}}, http.StatusSeeOther)
			if !strings.HasSuffix(f.page, "/oppsummering") {
				t.Fatalf("after the last page: %s", f.page)
			}
			body = f.get()
			for _, want := range []string{"Se over svarene", "Emma Nordmann", "Kari Nordmann", "1. Trollskogen barnehage", "912 34 567", "kari@example.no"} {
				if !strings.Contains(body, want) {
					t.Errorf("summary lacks %q", want)
				}
			}

			// Submit twice: one submission.
			f.page = draftBase + "send"
			f.post(nil, http.StatusSeeOther)
			receiptPage := f.page
			if !regexp.MustCompile(`/k/9999/innsending/[A-Za-z0-9_-]+$`).MatchString(receiptPage) {
				t.Fatalf("submit went to %s", receiptPage)
			}
			f.page = draftBase + "send"
			f.post(nil, http.StatusSeeOther)
			if f.page != receiptPage {
				t.Errorf("second submit went to %s, not the first receipt %s", f.page, receiptPage)
			}
			body = f.get()
			ref := regexp.MustCompile(`class="reference">(\d{4}/\d{5})<`).FindStringSubmatch(body)
			if ref == nil || !strings.Contains(body, "innen 30 dager") {
				t.Fatalf("receipt page:\n%s", body)
			}

			// The satisfaction question: the same ticket on every view of
			// the receipt page, answered once.
			ticket := regexp.MustCompile(`name="billett" value="([^"]+)"`).FindStringSubmatch(body)
			if ticket == nil {
				t.Fatal("no satisfaction question on the receipt page")
			}
			if again := f.get(); !strings.Contains(again, ticket[1]) {
				t.Error("the receipt page gives a new ticket on every view")
			}
			answer := url.Values{"billett": {ticket[1]}, "score": {"5"}, "kommentar": {"Greit"}}
			if resp, b := servertest.PostForm(t, f.c, base+"tilbakemelding", answer); resp.StatusCode != 200 {
				t.Errorf("answer: %d\n%s", resp.StatusCode, b)
			}
			if resp, _ := servertest.PostForm(t, f.c, base+"tilbakemelding", answer); resp.StatusCode != http.StatusConflict {
				t.Errorf("second answer with the same ticket: %d", resp.StatusCode)
			}

			// Both receipt files verify with the published keys.
			_, jwks := servertest.Get(t, f.c, base+"kvittering/nokler.json")
			keys, err := receipt.ParsePublicKeys([]byte(jwks))
			if err != nil {
				t.Fatal(err)
			}
			for _, ext := range []string{"json", "pdf"} {
				resp, data := servertest.Get(t, f.c, receiptPage+"/kvittering."+ext)
				if resp.StatusCode != 200 {
					t.Fatalf("%s receipt: %d", ext, resp.StatusCode)
				}
				rec, err := receipt.Verify([]byte(data), keys)
				if err != nil {
					t.Fatalf("%s receipt does not verify: %v", ext, err)
				}
				if rec.Reference != ref[1] || rec.Submitter != "Kari Nordmann" || rec.SubmitterID != "158388 *****" || rec.ProcessingDays != 30 {
					t.Errorf("%s receipt = %+v", ext, rec)
				}
			}
			// Another person cannot see it.
			ola := servertest.Client(t)
			servertest.SignIn(t, ola, base+"logg-inn", "02917510108")
			if resp, _ := servertest.Get(t, ola, receiptPage); resp.StatusCode != 404 {
				t.Errorf("Ola reads Kari's receipt: %d", resp.StatusCode)
			}
			if resp, _ := servertest.Get(t, ola, receiptPage+"/kvittering.pdf"); resp.StatusCode != 404 {
				t.Errorf("Ola downloads Kari's receipt: %d", resp.StatusCode)
			}

			// One acknowledgement, one event.
			mails := srv.TestMail.Wait(1, 15*time.Second)
			if len(mails) != 1 || mails[0].To[0] != "kari@example.no" || !bytes.Contains(mails[0].Data, []byte(ref[1])) {
				t.Errorf("mails = %+v", mails)
			}
			ds, err := srv.Outbox.Deliveries(ctx, "9999", 10)
			if err != nil || len(ds) != 1 {
				t.Fatalf("deliveries = %+v, %v", ds, err)
			}

			// Min side lists it; a new draft shows up there too; the
			// download holds the answers. Kari's own submitting is not
			// "someone looked at your data".
			f.page = base + "skjema/skoleskyss"
			f.post(nil, http.StatusSeeOther)
			f.page = base + "min-side"
			body = f.get()
			for _, want := range []string{ref[1], "Søknad om barnehageplass", "Mottatt", `href="/k/9999/innsending/`, "Fortsett «Søknad om skoleskyss»",
				"Ingen ansatte har sett opplysninger om deg", `href="/k/9999/min-side/mine-data.json"`} {
				if !strings.Contains(body, want) {
					t.Errorf("Min side lacks %q", want)
				}
			}
			f.page = base + "min-side/mine-data.json"
			body = f.get()
			for _, want := range []string{`"reference": "` + ref[1] + `"`, `"child_name": "Emma Nordmann"`, `"form_id": "skoleskyss"`, `"access_log": []`} {
				if !strings.Contains(body, want) {
					t.Errorf("my data lacks %q:\n%s", want, body)
				}
			}
			if resp, _ := servertest.Get(t, ola, base+"min-side/mine-data.json"); resp.StatusCode != 200 {
				t.Errorf("Ola's download: %d", resp.StatusCode)
			} else if _, b := servertest.Get(t, ola, base+"min-side/mine-data.json"); strings.Contains(b, ref[1]) {
				t.Error("Ola's download holds Kari's submission")
			}
		})
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}

// TestContactFormWithoutSignIn sends the contact form anonymously; the
// draft belongs to the browser that started it.
func TestContactFormWithoutSignIn(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	base := srv.URL + "/k/9999/"
	f := &formFlow{t: t, srv: srv, c: servertest.Client(t), page: base + "skjema/kontakt"}
	if body := f.get(); !strings.Contains(body, "Du trenger ikke å logge inn") {
		t.Errorf("front page:\n%s", body)
	}
	f.post(nil, http.StatusSeeOther)
	page := f.page
	other := servertest.Client(t)
	if resp, _ := servertest.Get(t, other, page); resp.StatusCode != 404 {
		t.Errorf("another browser opens the draft: %d", resp.StatusCode)
	}
	body := f.post(url.Values{"name": {""}, "topic": {"nope"}, "message": {"Hei"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `href="#name"`) || !strings.Contains(body, `href="#topic"`) {
		t.Errorf("errors:\n%s", body)
	}
	f.post(url.Values{"name": {"Per Hansen"}, "topic": {"general"}, "message": {"Når tømmes søpla?"}, "email": {"per@example.no"}}, http.StatusSeeOther)
	f.page = strings.Replace(f.page, "oppsummering", "send", 1)
	f.post(nil, http.StatusSeeOther)
	body = f.get()
	if !strings.Contains(body, "Referansenummer") {
		t.Errorf("receipt page:\n%s", body)
	}
	if resp, _ := servertest.Get(t, other, f.page); resp.StatusCode != 404 {
		t.Errorf("another browser reads the receipt: %d", resp.StatusCode)
	}
}

// TestUploads checks that files are judged by their content.
func TestUploads(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	base := srv.URL + "/k/9999/"
	f := &formFlow{t: t, srv: srv, c: servertest.Client(t), page: base + "skjema/barnehageplass"}
	servertest.SignIn(t, f.c, base+"logg-inn", "15838810028")
	f.post(nil, http.StatusSeeOther)
	okonomi := strings.Replace(f.page, "side/soker", "side/okonomi", 1)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	for _, tt := range []struct {
		name, file string
		data       []byte
		status     int
		want       string
	}{
		{"program named pdf", "skatt.pdf", []byte("MZ\x90\x00 this is a program"), 422, "har en filtype vi ikke tar imot"},
		{"picture named pdf", "skatt.pdf", png, 422, "men innholdet er PNG"},
		{"empty", "skatt.pdf", nil, 422, "er tom"},
		{"pdf", "skatt.pdf", pdf, 303, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("apply_reduction", "true")
			mw.WriteField("handling", "save")
			w, _ := mw.CreateFormFile("tax_assessment", tt.file)
			w.Write(tt.data)
			mw.Close()
			req, _ := http.NewRequest("POST", okonomi, &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := f.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
				t.Fatalf("status %d, want %d with %q\n%s", resp.StatusCode, tt.status, tt.want, b)
			}
		})
	}
	f.page = okonomi
	if body := f.get(); !strings.Contains(body, "skatt.pdf") || !strings.Contains(body, "Fjern skatt.pdf") {
		t.Errorf("the stored file is not listed:\n%s", body)
	}
}
