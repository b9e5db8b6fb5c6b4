package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/cases"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/web"
)

// env is a municipality mux with the API on a fresh database.
type env struct {
	d     *db.DB
	clock *dbtest.Clock
	svc   *api.Service
	forms *forms.Store
	blobs *blob.Dir
	audit *audit.Log
	shell *web.Shell
	mux   *http.ServeMux
	doc   *docChecker
	addr  string // the client address requests come from
	// cases and archive keep the cases the cases API serves.
	cases   *cases.Service
	archive *archive.Service
}

// setup builds an env on SQLite, or on PostgreSQL (skipped unless
// TORG_TEST_POSTGRES is set).
func setup(t *testing.T, pg bool) *env {
	t.Helper()
	e := &env{clock: dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)), addr: "192.0.2.10"}
	schemas := []db.Schema{audit.Schema, forms.Schema, api.Schema, archive.Schema, cases.Schema}
	if pg {
		e.d = dbtest.Postgres(t, dbtest.Options{Now: e.clock.Now}, schemas...)
	} else {
		e.d = dbtest.SQLite(t, dbtest.Options{Now: e.clock.Now}, schemas...)
	}
	e.audit = audit.New(e.d)
	e.svc = api.New(e.d, e.audit)
	e.forms = forms.NewStore(e.d, e.audit)
	e.archive = archive.New(e.d, e.audit)
	e.cases = cases.New(e.d, e.audit, cases.ArchiveRecord{Archive: e.archive}, nil)
	var err error
	if e.blobs, err = blob.OpenDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.blobs.Close() })
	cat := i18n.NewCatalog()
	if err := cat.AddFS(web.Messages()); err != nil {
		t.Fatal(err)
	}
	if err := cat.AddFS(api.Messages()); err != nil {
		t.Fatal(err)
	}
	if e.shell, err = web.NewShell(cat, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	e.mux = e.routes(t, 1000)
	e.doc = newDocChecker(t)
	return e
}

// routes returns a new mux with the API, allowing rate failed
// authentications per address and minute.
func (e *env) routes(t *testing.T, rate int) *http.ServeMux {
	mux := http.NewServeMux()
	if err := api.Routes(mux, e.shell, api.Deps{Service: e.svc, Forms: e.forms, Blobs: e.blobs, Cases: e.cases, Archive: e.archive,
		PublicURL: "https://torg.example.no", FailedAuthRate: rate}); err != nil {
		t.Fatal(err)
	}
	return mux
}

// eachDB runs fn on SQLite and on PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) { fn(t, setup(t, pg)) })
	}
}

// request builds a request to municipality tenant, as the tenant router
// passes it on (prefix removed, web.Ctx filled in).
func (e *env) request(method, target string, body io.Reader, hdr map[string]string, tenant string) *http.Request {
	req := httptest.NewRequest(method, target, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return web.WithCtx(req, &web.Ctx{
		Tenant: &web.Tenant{ID: tenant, NameNB: "Kommune " + tenant, Base: "/k/" + tenant + "/"},
		Lang:   "nb", RequestID: "req-test", ClientAddr: e.addr,
	})
}

func (e *env) do(method, target string, body io.Reader, hdr map[string]string, tenant string) *httptest.ResponseRecorder {
	return e.serve(e.mux, e.request(method, target, body, hdr, tenant))
}

func (e *env) serve(mux *http.ServeMux, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// get calls an API path with a bearer token and checks the answer
// against the document.
func (e *env) get(t *testing.T, docPath, target, token, tenant string) *httptest.ResponseRecorder {
	t.Helper()
	hdr := map[string]string{}
	if token != "" {
		hdr["Authorization"] = "Bearer " + token
	}
	rec := e.do("GET", target, nil, hdr, tenant)
	e.doc.check(t, "GET", docPath, rec)
	return rec
}

// postToken calls the token endpoint with a form body and checks the
// answer against the document.
func (e *env) postToken(t *testing.T, mux *http.ServeMux, form url.Values, hdr map[string]string, tenant string) *httptest.ResponseRecorder {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range hdr {
		h[k] = v
	}
	rec := e.serve(mux, e.request("POST", "/api/token", strings.NewReader(form.Encode()), h, tenant))
	e.doc.check(t, "POST", "/api/token", rec)
	return rec
}

func basic(id, secret string) map[string]string {
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))}
}

// operator is the actor of the changes the tests make.
func operator() audit.Entry {
	return audit.Entry{ActorID: "cli:ops", ActorName: "ops", Role: "operator"}
}

// client adds a client with the scope submissions:read (or scopes) to
// tenant.
func (e *env) client(t *testing.T, tenant, name string, scopes ...string) (api.Client, string) {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{api.ScopeSubmissionsRead}
	}
	c, secret, err := e.svc.AddClient(context.Background(), tenant, name, scopes, operator())
	if err != nil {
		t.Fatal(err)
	}
	return c, secret
}

// token gets an access token through the token endpoint.
func (e *env) token(t *testing.T, tenant, id, secret string) string {
	t.Helper()
	rec := e.postToken(t, e.mux, url.Values{"grant_type": {"client_credentials"}}, basic(id, secret), tenant)
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &tr) != nil || tr.AccessToken == "" {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tr.AccessToken
}

// file is an attachment to submit.
type file struct {
	path, name, contentType string
	body                    []byte
}

// submit makes a submission in tenant by pid ("" for a form without
// sign-in) with the files, at the clock's time.
func (e *env) submit(t *testing.T, tenant, formID, pid string, files ...file) forms.Submission {
	t.Helper()
	ctx := context.Background()
	owner, name := "pid:"+pid, "Kari Nordmann"
	if pid == "" {
		owner, name = forms.AnonOwner("browser-token-"+formID), ""
	}
	d, err := e.forms.CreateDraft(ctx, tenant, formID, 1, owner, "p1")
	if err != nil {
		t.Fatal(err)
	}
	sub := forms.Submission{Tenant: tenant, FormID: formID, Version: 1, DraftID: d.ID, Owner: owner, SubmitterName: name, SubmitterPID: pid,
		Email: "kari@example.no", FormTitle: "Kontaktskjema", Answers: json.RawMessage(`{"melding":"Hei","barn":[{"navn":"Ola"}]}`)}
	if pid == "" {
		sub.Email = ""
	}
	for _, f := range files {
		sum, size, err := e.blobs.Put(ctx, bytes.NewReader(f.body), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sub.Attachments = append(sub.Attachments, forms.Attachment{Path: f.path, ID: sum, Name: f.name, ContentType: f.contentType, Size: size})
	}
	signer, err := e.forms.ReceiptSigner(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := e.forms.Submit(ctx, sub, func(_ context.Context, _ *sql.Tx, sub forms.Submission) (json.RawMessage, error) {
		return signer.JSON(receipt.Receipt{Municipality: "Kommune " + tenant, MunicipalityNo: tenant, Service: "Kontakt <oss> & «dere»",
			FormID: formID, FormVersion: 1, Reference: sub.Reference, SubmittedAt: sub.CreatedAt, Submitter: name})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const (
	kari = "15838810028"
	ola  = "02917510108"
)

// problem decodes a problem document.
func problem(t *testing.T, rec *httptest.ResponseRecorder) web.Problem {
	t.Helper()
	var p web.Problem
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q, want application/problem+json", ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("not a problem document: %s", rec.Body)
	}
	return p
}

func TestTokenEndpoint(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c, secret := e.client(t, "9999", "Sak/arkiv")
		other, otherSecret := e.client(t, "4601", "Bergen sak")
		gone, goneSecret := e.client(t, "9999", "Gammelt system")
		if err := e.svc.RevokeClient(ctx, "9999", gone.ID, operator()); err != nil {
			t.Fatal(err)
		}
		cc := url.Values{"grant_type": {"client_credentials"}}
		withBody := func(extra url.Values) url.Values {
			v := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {secret}}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		tests := []struct {
			name   string
			form   url.Values
			hdr    map[string]string
			status int
			oauth  string // the RFC 6749 error code; "" for success
		}{
			{"basic", cc, basic(c.ID, secret), 200, ""},
			{"in the body", withBody(url.Values{"scope": {"submissions:read"}}), nil, 200, ""},
			{"wrong secret", cc, basic(c.ID, secret+"x"), 401, "invalid_client"},
			{"wrong secret in the body", withBody(url.Values{"client_secret": {"nope"}}), nil, 401, "invalid_client"},
			{"unknown client", cc, basic("0123456789abcdef0123456789abcdef", secret), 401, "invalid_client"},
			{"client of another municipality", cc, basic(other.ID, otherSecret), 401, "invalid_client"},
			{"revoked client", cc, basic(gone.ID, goneSecret), 401, "invalid_client"},
			{"no client authentication", cc, nil, 401, "invalid_client"},
			{"bearer instead of basic", cc, map[string]string{"Authorization": "Bearer abc"}, 401, "invalid_client"},
			{"unsupported grant type", url.Values{"grant_type": {"password"}, "username": {"x"}}, basic(c.ID, secret), 400, "unsupported_grant_type"},
			{"no grant type", url.Values{}, basic(c.ID, secret), 400, "invalid_request"},
			{"repeated parameter", url.Values{"grant_type": {"client_credentials", "client_credentials"}}, basic(c.ID, secret), 400, "invalid_request"},
			{"two ways to authenticate", withBody(nil), basic(c.ID, secret), 400, "invalid_request"},
			{"scope the client lacks", url.Values{"grant_type": {"client_credentials"}, "scope": {"submissions:read submissions:write"}}, basic(c.ID, secret), 400, "invalid_scope"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec := e.postToken(t, e.mux, tt.form, tt.hdr, "9999")
				if rec.Code != tt.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
				}
				if rec.Header().Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
				}
				var body map[string]any
				json.Unmarshal(rec.Body.Bytes(), &body)
				if tt.oauth == "" {
					if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["scope"] != "submissions:read" {
						t.Errorf("token response %v", body)
					}
					return
				}
				if body["error"] != tt.oauth {
					t.Errorf("error %v, want %s", body["error"], tt.oauth)
				}
				if tt.status == 401 && rec.Header().Get("WWW-Authenticate") != `Basic realm="torg"` {
					t.Errorf("WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
				}
			})
		}
		// Requests that are not form posts.
		for _, tt := range []struct {
			name, target, ct, body string
		}{
			{"JSON body", "/api/token", "application/json", `{"grant_type":"client_credentials"}`},
			{"secret in the URL", "/api/token?client_secret=" + secret, "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + c.ID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rec := e.do("POST", tt.target, strings.NewReader(tt.body), map[string]string{"Content-Type": tt.ct}, "9999")
				e.doc.check(t, "POST", "/api/token", rec)
				if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"invalid_request"`) {
					t.Errorf("%d %s", rec.Code, rec.Body)
				}
			})
		}
	})
}

func TestSubmissionsAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c, secret := e.client(t, "9999", "Sak/arkiv")
		tok := e.token(t, "9999", c.ID, secret)
		other, otherSecret := e.client(t, "4601", "Bergen sak")
		otherTok := e.token(t, "4601", other.ID, otherSecret)

		pdf := file{"vedlegg", "Søknad «endelig» 100%.pdf", "application/pdf", []byte("%PDF-1.7 the application")}
		txt := file{"barn.0.rapport", "rapport.txt", "text/plain", []byte("hello")}
		s1 := e.submit(t, "9999", "kontakt", kari, pdf, txt)
		e.clock.Add(time.Second)
		s2 := e.submit(t, "9999", "barnehageplass", ola)
		e.clock.Add(time.Second)
		s3 := e.submit(t, "9999", "kontakt", "")
		s4 := e.submit(t, "4601", "kontakt", kari, txt)
		e.clock.Add(forms.SettleTime)

		const list, one, att = "/api/v1/submissions", "/api/v1/submissions/{id}", "/api/v1/submissions/{id}/attachments/{attachment}"

		// Access refused.
		for _, tt := range []struct {
			name, token string
			status      int
			challenge   string
		}{
			{"no token", "", 401, `Bearer realm="torg"`},
			{"wrong token", "bm90LWEtdG9rZW4", 401, `Bearer realm="torg", error="invalid_token"`},
			{"malformed token", "a b", 401, `Bearer realm="torg", error="invalid_token"`},
			{"token of another municipality", otherTok, 401, `Bearer realm="torg", error="invalid_token"`},
			{"client secret as token", secret, 401, `Bearer realm="torg", error="invalid_token"`},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for _, target := range []struct{ doc, path string }{
					{list, "/api/v1/submissions"},
					{one, "/api/v1/submissions/" + s1.ID},
					{att, "/api/v1/submissions/" + s1.ID + "/attachments/" + s1.Attachments[0].ID},
				} {
					rec := e.get(t, target.doc, target.path, tt.token, "9999")
					if rec.Code != tt.status || rec.Header().Get("WWW-Authenticate") != tt.challenge {
						t.Errorf("%s: %d, WWW-Authenticate %q", target.path, rec.Code, rec.Header().Get("WWW-Authenticate"))
					}
					problem(t, rec)
				}
			})
		}
		if rec := e.do("GET", "/api/v1/submissions", nil, map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(c.ID+":"+secret))}, "9999"); rec.Code != 401 {
			t.Errorf("client credentials on the API: %d", rec.Code)
		}

		// The whole list, page by page, oldest first.
		var items []map[string]any
		next := ""
		for page := 0; ; page++ {
			target := "/api/v1/submissions?limit=2"
			if next != "" {
				target += "&after=" + url.QueryEscape(next)
			}
			rec := e.get(t, list, target, tok, "9999")
			if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("list: %d %s", rec.Code, rec.Body)
			}
			var body struct {
				Items []map[string]any
				Next  *string
			}
			json.Unmarshal(rec.Body.Bytes(), &body)
			items = append(items, body.Items...)
			if body.Next == nil {
				break
			}
			if page > 3 {
				t.Fatal("no end")
			}
			next = *body.Next
		}
		if len(items) != 3 || items[0]["id"] != s1.ID || items[1]["id"] != s2.ID || items[2]["id"] != s3.ID {
			t.Fatalf("listed %v", items)
		}
		if sub := items[2]["submitter"].(map[string]any); sub["pid"] != nil || sub["name"] != nil || items[2]["email"] != nil {
			t.Errorf("anonymous submission: %v", items[2])
		}
		rec := e.get(t, list, "/api/v1/submissions?form=barnehageplass", tok, "9999")
		if !strings.Contains(rec.Body.String(), s2.ID) || strings.Contains(rec.Body.String(), s1.ID) || !strings.Contains(rec.Body.String(), `"next":null`) {
			t.Errorf("form filter: %s", rec.Body)
		}

		// Bad query parameters.
		for _, q := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=1000", "limit"}, {"limit=abc", "limit"}, {"limit=-1", "limit"}, {"limit=", "limit"},
			{"limit=1&limit=2", "limit"}, {"after=nonsense!", "after"}, {"after=" + forms.Cursor{ID: "x"}.String() + "x", "after"},
			{"form=" + strings.Repeat("x", 101), "form"},
		} {
			rec := e.get(t, list, "/api/v1/submissions?"+q.query, tok, "9999")
			p := problem(t, rec)
			if rec.Code != 400 || len(p.Errors) != 1 || p.Errors[0].Field != q.field || p.Detail == "" || strings.Contains(p.Detail, "[") {
				t.Errorf("%s: %d %+v", q.query, rec.Code, p)
			}
		}

		// One submission, whole.
		rec = e.get(t, one, "/api/v1/submissions/"+s1.ID, tok, "9999")
		var got struct {
			ID, Reference, Status, Href string
			FormID                      string `json:"form_id"`
			FormVersion                 int64  `json:"form_version"`
			FormTitle                   string `json:"form_title"`
			CreatedAt                   string `json:"created_at"`
			Submitter                   struct{ Name, PID string }
			Email                       string
			Answers, Receipt            json.RawMessage
			Attachments                 []struct {
				ID, Name, Path, Href string
				ContentType          string `json:"content_type"`
				Size                 int64
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil {
			t.Fatalf("get: %d %s", rec.Code, rec.Body)
		}
		if got.ID != s1.ID || got.Reference != s1.Reference || got.FormID != "kontakt" || got.FormVersion != 1 || got.FormTitle != "Kontaktskjema" ||
			got.Status != "received" || got.CreatedAt != s1.CreatedAt.UTC().Format(time.RFC3339Nano) || got.Submitter.PID != kari ||
			got.Submitter.Name != "Kari Nordmann" || got.Email != "kari@example.no" || got.Href != "/k/9999/api/v1/submissions/"+s1.ID {
			t.Errorf("submission %+v", got)
		}
		if string(got.Answers) != string(s1.Answers) {
			t.Errorf("answers %s, want %s", got.Answers, s1.Answers)
		}
		// The receipt still verifies as the citizen's does.
		keys, err := e.forms.ReceiptKeys(ctx, "9999", "Kommune 9999")
		if err != nil {
			t.Fatal(err)
		}
		if r, err := receipt.VerifyJSON(got.Receipt, keys); err != nil || r.Reference != s1.Reference || r.Service != "Kontakt <oss> & «dere»" {
			t.Errorf("the receipt from the API does not verify: %+v, %v\n%s", r, err, got.Receipt)
		}
		if len(got.Attachments) != 2 || got.Attachments[0].Name != pdf.name || got.Attachments[0].Href != got.Href+"/attachments/"+s1.Attachments[0].ID ||
			got.Attachments[1].Path != "barn.0.rapport" || got.Attachments[1].Size != 5 || got.Attachments[1].ContentType != "text/plain" {
			t.Errorf("attachments %+v", got.Attachments)
		}

		// Its attachment.
		rec = e.get(t, att, got.Attachments[0].Href[len("/k/9999"):], tok, "9999")
		sum := sha256.Sum256(pdf.body)
		h := rec.Header()
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pdf.body) || h.Get("Content-Type") != "application/pdf" || h.Get("Content-Length") != "24" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" ||
			h.Get("Content-Disposition") != `attachment; filename="S_knad _endelig_ 100_.pdf"; filename*=UTF-8''S%C3%B8knad%20%C2%ABendelig%C2%BB%20100%25.pdf` {
			t.Errorf("attachment: %d %v %q", rec.Code, h, rec.Body)
		}
		if hex.EncodeToString(sum[:]) != s1.Attachments[0].ID {
			t.Fatal("attachment id is not its SHA-256")
		}

		// Not found: unknown, another municipality's, an attachment of another submission.
		for _, tt := range []struct{ doc, path string }{
			{one, "/api/v1/submissions/nope"},
			{one, "/api/v1/submissions/" + s4.ID},
			{att, "/api/v1/submissions/" + s2.ID + "/attachments/" + s1.Attachments[0].ID},
			{att, "/api/v1/submissions/" + s4.ID + "/attachments/" + s4.Attachments[0].ID},
			{att, "/api/v1/submissions/" + s1.ID + "/attachments/" + strings.Repeat("0", 64)},
			{att, "/api/v1/submissions/" + s1.ID + "/attachments/..%2f..%2fetc"},
		} {
			if rec := e.get(t, tt.doc, tt.path, tok, "9999"); rec.Code != 404 || problem(t, rec).Status != 404 {
				t.Errorf("%s: %d %s", tt.path, rec.Code, rec.Body)
			}
		}

		// Every read is in the audit log, for the citizen to see: Kari's
		// submission was listed once (pages are not repeated), read once and
		// one attachment was downloaded; Ola's listed twice (also by form).
		for _, tt := range []struct {
			pid  string
			want int
		}{{kari, 3}, {ola, 2}} {
			entries, err := e.audit.BySubject(ctx, "9999", tt.pid, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != tt.want {
				t.Errorf("%s: %d entries, want %d: %+v", tt.pid, len(entries), tt.want, entries)
			}
			for _, en := range entries {
				if en.ActorID != "api:"+c.ID || en.ActorName != "Sak/arkiv" || en.Role != "system" || !strings.HasPrefix(en.Action, "submission.") || !strings.HasSuffix(en.Action, ".read") ||
					en.Purpose != api.ReadPurpose || en.RequestID != "req-test" || !strings.HasPrefix(en.Object, "submission:") {
					t.Errorf("audit entry %+v", en)
				}
			}
		}
		if entries, _ := e.audit.BySubject(ctx, "9999", kari, 100); len(entries) == 3 && entries[0].Action != "submission.attachment.read" {
			t.Errorf("the download is not audited as such: %+v", entries[0])
		}
		if n, _ := e.audit.BySubject(ctx, "4601", kari, 100); len(n) != 0 {
			t.Errorf("reads in 4601 audited: %+v", n)
		}

		// A token without the scope is refused with 403.
		noScope := "dG9rZW4td2l0aG91dC1zY29wZQ"
		sumTok := sha256.Sum256([]byte(noScope))
		if err := e.d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (tenant_id, token_hash, client_id, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				"9999", hex.EncodeToString(sumTok[:]), c.ID, "other:scope", e.clock.Now(), e.clock.Now().Add(time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rec = e.get(t, one, "/api/v1/submissions/"+s1.ID, noScope, "9999")
		if rec.Code != 403 || rec.Header().Get("WWW-Authenticate") != `Bearer realm="torg", error="insufficient_scope", scope="submissions:read"` {
			t.Errorf("missing scope: %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
		}

		// Expired tokens stop working, and are purged.
		e.clock.Add(api.TokenLifetime)
		if rec := e.get(t, list, "/api/v1/submissions", tok, "9999"); rec.Code != 401 || !strings.Contains(rec.Header().Get("WWW-Authenticate"), "invalid_token") {
			t.Errorf("expired token: %d", rec.Code)
		}
		if n, err := e.svc.DeleteExpiredTokens(ctx); n != 3 || err != nil {
			t.Errorf("DeleteExpiredTokens = %d, %v", n, err)
		}

		// A revoked client's tokens stop working at once.
		tok = e.token(t, "9999", c.ID, secret)
		if rec := e.get(t, list, "/api/v1/submissions?limit=1", tok, "9999"); rec.Code != 200 {
			t.Fatalf("fresh token: %d", rec.Code)
		}
		if err := e.svc.RevokeClient(ctx, "9999", c.ID, operator()); err != nil {
			t.Fatal(err)
		}
		if rec := e.get(t, list, "/api/v1/submissions", tok, "9999"); rec.Code != 401 {
			t.Errorf("token of a revoked client: %d", rec.Code)
		}
		if rec := e.postToken(t, e.mux, url.Values{"grant_type": {"client_credentials"}}, basic(c.ID, secret), "9999"); rec.Code != 401 {
			t.Errorf("revoked client gets a token: %d", rec.Code)
		}
	})
}

// TestFailedAuthRateLimit checks that an address that fails to
// authenticate too often is refused, even with good credentials, for a
// minute, while other addresses are not.
func TestFailedAuthRateLimit(t *testing.T) {
	e := setup(t, false)
	mux := e.routes(t, 3)
	c, secret := e.client(t, "9999", "Sak/arkiv")
	cc := url.Values{"grant_type": {"client_credentials"}}
	for i := range 3 {
		if rec := e.postToken(t, mux, cc, basic(c.ID, "wrong"), "9999"); rec.Code != 401 {
			t.Fatalf("failure %d: %d", i+1, rec.Code)
		}
	}
	rec := e.postToken(t, mux, cc, basic(c.ID, "wrong"), "9999")
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "60" {
		t.Fatalf("4th failure: %d %v", rec.Code, rec.Header())
	}
	if rec := e.postToken(t, mux, cc, basic(c.ID, secret), "9999"); rec.Code != 429 {
		t.Errorf("blocked address with the right secret: %d", rec.Code)
	}
	if rec := e.serve(mux, e.request("GET", "/api/v1/submissions", nil, map[string]string{"Authorization": "Bearer x"}, "9999")); rec.Code != 429 {
		t.Errorf("blocked address on the API: %d", rec.Code)
	}
	// Another address (another /64 for IPv6) is not blocked.
	e.addr = "2001:db8:1:2::1"
	if rec := e.postToken(t, mux, cc, basic(c.ID, secret), "9999"); rec.Code != 200 {
		t.Errorf("other address: %d", rec.Code)
	}
	// Guessing bearer tokens counts too.
	for range 3 {
		e.serve(mux, e.request("GET", "/api/v1/submissions", nil, map[string]string{"Authorization": "Bearer guess"}, "9999"))
	}
	e.addr = "2001:db8:1:2::99" // same /64
	rec = e.serve(mux, e.request("GET", "/api/v1/submissions", nil, map[string]string{"Authorization": "Bearer guess"}, "9999"))
	if rec.Code != 429 {
		t.Errorf("token guessing from the same /64: %d", rec.Code)
	}
	e.doc.check(t, "GET", "/api/v1/submissions", rec)
	// The block lifts after a minute.
	e.addr = "192.0.2.10"
	e.clock.Add(time.Minute + time.Second)
	if rec := e.postToken(t, mux, cc, basic(c.ID, secret), "9999"); rec.Code != 200 {
		t.Errorf("after a minute: %d", rec.Code)
	}
}

func TestContentDisposition(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"rapport.pdf", `attachment; filename="rapport.pdf"; filename*=UTF-8''rapport.pdf`},
		{"Ærlig talt.txt", `attachment; filename="_rlig talt.txt"; filename*=UTF-8''%C3%86rlig%20talt.txt`},
		{`a"b\c.pdf`, `attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b_c.pdf`},
		{"../../etc/passwd", `attachment; filename=".._.._etc_passwd"; filename*=UTF-8''.._.._etc_passwd`},
		{"line\r\nbreak", `attachment; filename="line__break"; filename*=UTF-8''line__break`},
		{"", `attachment; filename="vedlegg"; filename*=UTF-8''vedlegg`},
		{"\xff.pdf", `attachment; filename="_.pdf"; filename*=UTF-8''_.pdf`},
	} {
		if got := api.ContentDisposition(tt.name); got != tt.want {
			t.Errorf("ContentDisposition(%q) =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
}
