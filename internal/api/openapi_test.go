package api_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/web"
)

// oasValidator compiles the official schema of OpenAPI 3.1 documents that
// also checks every Schema Object against the OAS base dialect, offline,
// with formats asserted.
func oasValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	// The official OpenAPI 3.1 schemas in testdata (see
	// testdata/SOURCE.md), by the $id they are published under.
	metaSchemas := map[string]string{
		"https://spec.openapis.org/oas/3.1/schema/2022-10-07":      "oas-3.1/schema.json",
		"https://spec.openapis.org/oas/3.1/schema-base/2022-10-07": "oas-3.1/schema-base.json",
		"https://spec.openapis.org/oas/3.1/dialect/base":           "oas-3.1/dialect/base.schema.json",
		"https://spec.openapis.org/oas/3.1/meta/base":              "oas-3.1/meta/base.schema.json",
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for id, file := range metaSchemas {
		f, err := os.Open(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got, _ := doc.(map[string]any)["$id"].(string); got != id {
			t.Fatalf("%s has $id %q, want %q", file, got, id)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("https://spec.openapis.org/oas/3.1/schema-base/2022-10-07")
	if err != nil {
		t.Fatalf("compile the OpenAPI 3.1 meta-schema: %v", err)
	}
	return s
}

func unmarshal(t testing.TB, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// TestOpenAPIDocument validates the document, as embedded and as served
// at the root and by municipalities, against the official OpenAPI 3.1
// schema.
func TestOpenAPIDocument(t *testing.T) {
	meta := oasValidator(t)
	if err := meta.Validate(unmarshal(t, api.OpenAPIDocument())); err != nil {
		t.Fatalf("the embedded document is not valid OpenAPI 3.1:\n%v", err)
	}
	// A document that breaks the rules must fail, or the check above
	// proves nothing.
	var broken map[string]any
	json.Unmarshal(api.OpenAPIDocument(), &broken)
	broken["paths"].(map[string]any)["/api/v1/submissions"].(map[string]any)["get"].(map[string]any)["responses"] = map[string]any{"200": map[string]any{}}
	b, _ := json.Marshal(broken)
	if err := meta.Validate(unmarshal(t, b)); err == nil {
		t.Error("a response without a description passes the meta-schema")
	}

	h := api.OpenAPI("https://torg.example.no")
	for _, tt := range []struct {
		name              string
		host              string
		tenant            *web.Tenant
		wantServer, token string
	}{
		{"root", "torg.example.no", nil, "https://torg.example.no/k/{kommunenummer}", "https://torg.example.no/k/9999/api/token"},
		{"by path", "torg.example.no", &web.Tenant{ID: "4601", NameNB: "Bergen", Base: "/k/4601/"},
			"https://torg.example.no/k/4601", "https://torg.example.no/k/4601/api/token"},
		{"own host", "bergen.example.no", &web.Tenant{ID: "4601", NameNB: "Bergen", Base: "/"},
			"https://bergen.example.no", "https://bergen.example.no/api/token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/api/openapi.json", nil)
			req.Host = tt.host
			req = web.WithCtx(req, &web.Ctx{Lang: "nb", Tenant: tt.tenant})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			if err := meta.Validate(unmarshal(t, rec.Body.Bytes())); err != nil {
				t.Fatalf("served document is not valid OpenAPI 3.1:\n%v", err)
			}
			var doc struct {
				Servers    []struct{ URL string }
				Components struct {
					SecuritySchemes struct {
						OAuth2 struct {
							Flows struct {
								ClientCredentials struct{ TokenURL string }
							}
						}
					}
				}
			}
			json.Unmarshal(rec.Body.Bytes(), &doc)
			if len(doc.Servers) != 1 || doc.Servers[0].URL != tt.wantServer {
				t.Errorf("servers = %+v, want %s", doc.Servers, tt.wantServer)
			}
			if got := doc.Components.SecuritySchemes.OAuth2.Flows.ClientCredentials.TokenURL; got != tt.token {
				t.Errorf("tokenUrl = %s, want %s", got, tt.token)
			}
		})
	}
	// Serving must not change the document for the next request.
	if !bytes.Contains(api.OpenAPIDocument(), []byte(`"https://torg.example.no/k/9999/api/token"`)) {
		t.Error("the embedded document changed")
	}
}

// TestOpenAPICoversRoutes checks that the document describes the routes
// Routes registers, and no others.
func TestOpenAPICoversRoutes(t *testing.T) {
	var doc struct {
		Paths    map[string]map[string]json.RawMessage
		Webhooks map[string]json.RawMessage
	}
	if err := json.Unmarshal(api.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for p, item := range doc.Paths {
		for m := range item {
			if m != "parameters" {
				got = append(got, strings.ToUpper(m)+" "+p)
			}
		}
	}
	slices.Sort(got)
	want := []string{
		"GET /api/openapi.json",
		"GET /api/v1/cases",
		"GET /api/v1/cases/{id}",
		"GET /api/v1/cases/{id}/files/{file}",
		"GET /api/v1/submissions",
		"GET /api/v1/submissions/{id}",
		"GET /api/v1/submissions/{id}/attachments/{attachment}",
		"POST /api/token",
	}
	if !slices.Equal(got, want) {
		t.Errorf("documented operations:\n%v\nwant\n%v", got, want)
	}
	// Each documented operation is routed (not the tenant mux's 404).
	e := setup(t, false)
	for _, op := range want {
		m, p, _ := strings.Cut(op, " ")
		p = strings.NewReplacer("{id}", "x", "{attachment}", "y", "{file}", "z").Replace(p)
		rec := e.do(m, p, nil, nil, "9999")
		if rec.Code == http.StatusNotFound && strings.Contains(rec.Body.String(), "404 page not found") {
			t.Errorf("%s is not routed", op)
		}
	}
	for _, w := range []string{"submissionCreated", "caseCreated", "caseStatusChanged", "journalEntryCreated"} {
		if _, ok := doc.Webhooks[w]; !ok {
			t.Errorf("the webhook %s is not documented", w)
		}
	}
}

// docChecker validates real answers against the responses the document
// declares, so the document cannot drift from the code.
type docChecker struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

// docURL is where the checker pretends the document lives.
const docURL = "https://torg.example.no/api/openapi.json"

func newDocChecker(t testing.TB) *docChecker {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(api.OpenAPIDocument()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	return &docChecker{doc: doc.(map[string]any), compiler: c, schemas: map[string]*jsonschema.Schema{}}
}

// pointer escapes one JSON pointer token.
func pointer(tokens ...string) string {
	var b strings.Builder
	for _, tok := range tokens {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	return b.String()
}

// schema compiles the schema at pointer ptr of the document.
func (d *docChecker) schema(t testing.TB, ptr string) *jsonschema.Schema {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[ptr]; ok {
		return s
	}
	s, err := d.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		t.Fatalf("compile %s: %v", ptr, err)
	}
	d.schemas[ptr] = s
	return s
}

// resolve returns the object of the document at JSON pointer ptr,
// following a $ref there, and the pointer where it was found.
func (d *docChecker) resolve(ptr string) (map[string]any, string) {
	for range 5 {
		var v any = d.doc
		for _, p := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			m, _ := v.(map[string]any)
			v = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(p)]
		}
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, ptr
		}
		ptr = strings.TrimPrefix(ref, "#")
	}
	return nil, ptr
}

// check asserts that rec is an answer the document declares for method
// at path (as written in the document): its status (or default), its
// content type, its body against the declared schema, and its declared
// headers.
func (d *docChecker) check(t testing.TB, method, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	method = strings.ToLower(method)
	if op, _ := d.resolve(pointer("paths", path, method)); op == nil {
		t.Fatalf("%s %s is not in the document", method, path)
	}
	resp, respPtr := d.resolve(pointer("paths", path, method, "responses", strconv.Itoa(rec.Code)))
	if resp == nil {
		if rec.Code < 400 {
			t.Fatalf("%s %s: success %d is not documented", method, path, rec.Code)
		}
		resp, respPtr = d.resolve(pointer("paths", path, method, "responses", "default"))
	}
	if resp == nil {
		t.Fatalf("%s %s: status %d is not documented", method, path, rec.Code)
	}
	content, _ := resp["content"].(map[string]any)
	ct, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	if len(content) > 0 {
		mt := ct
		if _, ok := content[mt]; !ok {
			mt = "*/*"
		}
		if _, ok := content[mt]; !ok {
			t.Errorf("%s %s %d: content type %q is not documented", method, path, rec.Code, ct)
		} else if strings.HasSuffix(ct, "json") {
			s := d.schema(t, respPtr+pointer("content", mt, "schema"))
			if err := s.Validate(unmarshal(t, rec.Body.Bytes())); err != nil {
				t.Errorf("%s %s %d: the body does not match the document:\n%v\nbody: %s", method, path, rec.Code, err, rec.Body)
			}
		}
	}
	headers, _ := resp["headers"].(map[string]any)
	for name := range headers {
		hdr, hptr := d.resolve(respPtr + pointer("headers", name))
		got := rec.Header().Get(name)
		if got == "" {
			if req, _ := hdr["required"].(bool); req {
				t.Errorf("%s %s %d: header %s is missing", method, path, rec.Code, name)
			}
			continue
		}
		sch, _ := hdr["schema"].(map[string]any)
		if ty, _ := sch["type"].(string); ty == "integer" {
			if _, err := strconv.ParseInt(got, 10, 64); err != nil {
				t.Errorf("%s %s %d: header %s = %q, not an integer", method, path, rec.Code, name, got)
			}
			continue
		}
		if err := d.schema(t, hptr+"/schema").Validate(got); err != nil {
			t.Errorf("%s %s %d: header %s = %q does not match the document: %v", method, path, rec.Code, name, got, err)
		}
	}
}
