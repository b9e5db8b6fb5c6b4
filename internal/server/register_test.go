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

	"github.com/torg-ekommune/torg/internal/server/servertest"
)

// postMultipart posts fields and files (name -> content) to u as one
// multipart form.
func postMultipart(t *testing.T, c *http.Client, u string, fields url.Values, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, content := range files {
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

// TestRegisterMail: the archivist registers a screened letter from a
// named person as a new case, and then a second letter into that case;
// both are in the Noark record with their documents and screening, the
// new case stands in the case workers' inbox, and every bad input is
// refused with the reason next to its field.
func TestRegisterMail(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			srv := servertest.Start(t, servertest.Options{Postgres: pg})
			base := srv.URL + "/k/9999/"
			per := servertest.Client(t)
			servertest.SignIn(t, per, base+"tilsett/logg-inn", "per.arne.dahl@demo.kommune.no")
			nora := servertest.Client(t)
			servertest.SignIn(t, nora, base+"tilsett/logg-inn", "nora.solberg@demo.kommune.no")
			page := base + "tilsett/arkiv/registrer"
			if resp, _ := servertest.Get(t, nora, page); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a case worker opens the registration page: %d", resp.StatusCode)
			}
			if resp, body := servertest.Get(t, per, page); resp.StatusCode != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) {
				t.Fatalf("registration page (%d):\n%s", resp.StatusCode, body)
			}
			pdf := []byte("%PDF-1.4\n% a letter\n")
			good := url.Values{"sakstittel": {"Klage på brøyting – Ola Nordmann"}, "offentleg-sakstittel": {"Klage på brøyting"},
				"eining": {"Vei og park"}, "type": {"I"}, "tittel": {"Klage på brøyting i Bakkeveien fra Ola Nordmann"},
				"offentleg-tittel": {"Klage på brøyting i Bakkeveien"}, "part": {"Ola Nordmann"}, "part-epost": {"ola@example.no"},
				"dato": {"20.11.2026"}, "skjerma": {"1"}, "heimel": {"Offl. § 13 jf. fvl. § 13 første ledd nr. 1"}}
			with := func(k, v string) url.Values {
				out := url.Values{}
				for kk, vv := range good {
					out[kk] = vv
				}
				out.Set(k, v)
				return out
			}
			for _, tc := range []struct {
				name   string
				form   url.Values
				files  map[string][]byte
				status int
				want   string
			}{
				{"no file", good, nil, 422, "Legg ved dokumentet"},
				{"an executable called .pdf", good, map[string][]byte{"brev.pdf": {0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0}}, 422, "Filen må være PDF"},
				{"an empty file", good, map[string][]byte{"brev.pdf": {}}, 422, "Filen er tom"},
				{"no title", with("tittel", " "), map[string][]byte{"brev.pdf": pdf}, 422, "Skriv noe her"},
				{"screened without public title", with("offentleg-tittel", ""), map[string][]byte{"brev.pdf": pdf}, 422, "Skriv noe her"},
				{"incoming without sender", with("part", ""), map[string][]byte{"brev.pdf": pdf}, 422, "Skriv noe her"},
				{"a bad date", with("dato", "31.02.2026"), map[string][]byte{"brev.pdf": pdf}, 422, "Skriv datoen slik"},
				{"a future date", with("dato", "01.01.2099"), map[string][]byte{"brev.pdf": pdf}, 422, "fram i tid"},
				{"an unknown type", with("type", "N"), map[string][]byte{"brev.pdf": pdf}, 422, "Velg hva slags dokument"},
				{"a bad case number", with("sak", "12/2026"), map[string][]byte{"brev.pdf": pdf}, 422, "Skriv saksnummeret slik"},
				{"an unknown case", with("sak", "2026/999"), map[string][]byte{"brev.pdf": pdf}, 422, "finner ikke denne saken"},
				{"script in the title", with("tittel", "<script>alert(1)</script>"), nil, 422, "&lt;script&gt;alert(1)&lt;/script&gt;"},
			} {
				resp, body := postMultipart(t, per, page, tc.form, tc.files)
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d, want %d with %q\n%s", tc.name, resp.StatusCode, tc.status, tc.want, body)
				}
			}
			resp, body := postMultipart(t, per, page, good, map[string][]byte{"brev.pdf": pdf})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("register (%d):\n%s", resp.StatusCode, body)
			}
			loc := servertest.Location(t, resp)
			m := regexp.MustCompile(`/tilsett/saker/([0-9a-f-]{36})\?sendt=registered$`).FindStringSubmatch(loc)
			if m == nil {
				t.Fatalf("not sent to the case page: %s", loc)
			}
			if _, body := servertest.Get(t, per, loc); !strings.Contains(body, "Dokumentet er journalført") || !strings.Contains(body, "Vei og park") {
				t.Errorf("case page after registering:\n%s", body)
			}
			c, err := srv.Cases.Case(context.Background(), "9999", m[1])
			if err != nil {
				t.Fatal(err)
			}
			// A second letter, unscreened and outgoing, into the same case.
			resp, body = postMultipart(t, per, page, url.Values{"sak": {c.Number}, "type": {"U"}, "tittel": {"Svar på klage om brøyting"},
				"part": {"Ola Nordmann"}, "dato": {"21.11.2026"}}, map[string][]byte{"svar.txt": []byte("Takk for klagen.\n")})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("register into %s (%d):\n%s", c.Number, resp.StatusCode, body)
			}
			if _, body := servertest.Get(t, per, servertest.Location(t, resp)); !strings.Contains(body, "Svar på klage om brøyting") {
				t.Errorf("the case lacks the second letter:\n%s", body)
			}
			if _, body := servertest.Get(t, nora, base+"tilsett/saker"); !strings.Contains(body, c.Number) {
				t.Errorf("the new case is not in the inbox:\n%s", body)
			}
			entries, err := srv.Archive.Entries(context.Background(), "9999", c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2 {
				t.Fatalf("%d entries in the record, want 2", len(entries))
			}
			in, out := entries[0], entries[1]
			if in.Journalposttype != "I" || in.Skjerming == nil || in.OffentligTittel != "Klage på brøyting i Bakkeveien" ||
				len(in.Korrespondanseparter) != 1 || in.Korrespondanseparter[0].Navn != "Ola Nordmann" || len(in.Dokumenter) != 1 ||
				in.Dokumenter[0].Dokumentobjekter[0].Mimetype != "application/pdf" || in.Dokumenter[0].Dokumenttype != "Brev" {
				t.Errorf("incoming entry: %+v", in)
			}
			if out.Journalposttype != "U" || out.Skjerming != nil || out.OffentligTittel != "Svar på klage om brøyting" || out.SendtDato.IsZero() ||
				out.Dokumenter[0].Dokumentobjekter[0].Mimetype != "text/plain" {
				t.Errorf("outgoing entry: %+v", out)
			}
		})
	}
}
