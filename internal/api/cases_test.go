package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/cases"
	"github.com/torg-ekommune/torg/internal/forms"
)

// register journals a letter from a person as a new case in tenant, with
// one file, as the archivist does.
func (e *env) register(t *testing.T, tenant, title, party string, content []byte) cases.Case {
	t.Helper()
	ctx := context.Background()
	sum, size, err := e.blobs.Put(ctx, bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.cases.Register(ctx, tenant, "Kommune "+tenant, cases.Registration{CaseTitle: title + " – " + party, CasePublicTitle: title,
		Unit: "Vei og park", Type: "I", Title: title + " fra " + party, PublicTitle: title, Party: cases.Party{Name: party},
		Date: e.clock.Now(), Screened: true, LegalBasis: cases.PersonalMatters,
		Documents: []cases.Document{{Kind: "Brev", Title: "brev.pdf", Main: true, BlobID: sum, Format: "application/pdf", Size: size}}},
		audit.Entry{ActorID: "email:arkiv@example.no", ActorName: "Arkivar", Role: "archivist"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCasesAPI reads cases and their Noark 5 journal entries as a domain
// system does: paging, one case with its entries, a file with its digest;
// and refuses another municipality's case, a token without the scope and
// bad parameters. Every answer is checked against the OpenAPI document,
// and every read is in the audit log.
func TestCasesAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c, secret := e.client(t, "9999", "Fagsystem", api.ScopeCasesRead)
		tok := e.token(t, "9999", c.ID, secret)
		sc, subSecret := e.client(t, "9999", "Bare innsendinger")
		subTok := e.token(t, "9999", sc.ID, subSecret)

		letter := []byte("%PDF-1.7 a complaint")
		c1 := e.register(t, "9999", "Klage på brøyting", "Ola Nordmann", letter)
		e.clock.Add(time.Second)
		c2 := e.register(t, "9999", "Søknad om skjenkebevilling", "Kari Nordmann", []byte("%PDF-1.7 an application"))
		other := e.register(t, "4601", "Klage", "Per Hansen", []byte("%PDF-1.7 other"))
		e.clock.Add(forms.SettleTime)

		const list, one, file = "/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/files/{file}"
		rec := e.get(t, list, "/api/v1/cases?limit=1", tok, "9999")
		var page struct {
			Items []map[string]any
			Next  *string
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &page) != nil || len(page.Items) != 1 || page.Next == nil || page.Items[0]["id"] != c1.ID {
			t.Fatalf("first page: %d %s", rec.Code, rec.Body)
		}
		if _, ok := page.Items[0]["entries"]; ok {
			t.Error("the list carries entries")
		}
		rec = e.get(t, list, "/api/v1/cases?limit=1&after="+*page.Next, tok, "9999")
		if json.Unmarshal(rec.Body.Bytes(), &page) != nil || len(page.Items) != 1 || page.Next != nil || page.Items[0]["id"] != c2.ID {
			t.Fatalf("second page: %d %s", rec.Code, rec.Body)
		}
		if rec := e.get(t, list, "/api/v1/cases?status=closed", tok, "9999"); rec.Code != 200 || bytes.Contains(rec.Body.Bytes(), []byte(c1.ID)) {
			t.Errorf("closed cases: %d %s", rec.Code, rec.Body)
		}

		rec = e.get(t, one, "/api/v1/cases/"+c1.ID, tok, "9999")
		var got struct {
			Number  string
			Citizen struct{ Name string }
			Entries []struct {
				Type        string
				PublicTitle string `json:"public_title"`
				Parties     []struct{ Name string }
				Screening   *struct {
					LegalBasis string `json:"legal_basis"`
				}
				Documents []struct {
					Files []struct {
						ID, Href, SHA256 string
						Size             int64
					}
				}
			}
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Number != c1.Number || len(got.Entries) != 1 {
			t.Fatalf("one case: %d %s", rec.Code, rec.Body)
		}
		en := got.Entries[0]
		if en.PublicTitle != "Klage på brøyting" || len(en.Parties) != 1 || en.Parties[0].Name != "Ola Nordmann" || en.Screening == nil ||
			en.Screening.LegalBasis != cases.PersonalMatters || len(en.Documents) != 1 || len(en.Documents[0].Files) != 1 {
			t.Fatalf("the entry: %s", rec.Body)
		}
		f := en.Documents[0].Files[0]
		sum := sha256.Sum256(letter)
		rec = e.get(t, file, "/api/v1/cases/"+c1.ID+"/files/"+f.ID, tok, "9999")
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), letter) || rec.Header().Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" ||
			f.Size != int64(len(letter)) {
			t.Errorf("file: %d %v %s", rec.Code, rec.Header(), rec.Body)
		}

		for _, tc := range []struct {
			name, doc, path, token string
			status                 int
		}{
			{"another municipality's case", one, "/api/v1/cases/" + other.ID, tok, 404},
			{"an unknown case", one, "/api/v1/cases/nope", tok, 404},
			{"a file of another case", file, "/api/v1/cases/" + c2.ID + "/files/" + f.ID, tok, 404},
			{"a token without cases:read", one, "/api/v1/cases/" + c1.ID, subTok, 403},
			{"a token without cases:read, list", list, "/api/v1/cases", subTok, 403},
			{"no token", list, "/api/v1/cases", "", 401},
			{"a bad status", list, "/api/v1/cases?status=deleted", tok, 400},
			{"a bad cursor", list, "/api/v1/cases?after=xyz", tok, 400},
			{"a bad limit", list, "/api/v1/cases?limit=0", tok, 400},
			{"a repeated parameter", list, "/api/v1/cases?status=open&status=closed", tok, 400},
		} {
			if rec := e.get(t, tc.doc, tc.path, tc.token, "9999"); rec.Code != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
			} else if tc.status != 200 {
				problem(t, rec)
			}
		}

		entries, err := e.audit.List(ctx, "9999", 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		reads := map[string]int{}
		for _, a := range entries {
			if a.ActorID == "api:"+c.ID {
				reads[a.Action+" "+a.Object]++
			}
		}
		if reads["case.read case:"+c1.Number] != 2 || reads["case.read case:"+c2.Number] != 1 || reads["case.file.read case:"+c1.Number+"/file:"+f.ID] != 1 {
			t.Errorf("audited reads: %v", reads)
		}
	})
}
