package oparl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/torg-ekommune/torg/internal/politics/politicstest"
)

// schemaDir holds the official OParl 1.1 schemas, converted to JSON
// Schema draft-07 (see ../testdata/oparl/SOURCE.md).
var schemaDir = filepath.Join("..", "testdata", "oparl")

// types are the twelve OParl object types.
var types = []string{"System", "Body", "LegislativeTerm", "Organization", "Person", "Membership", "Meeting", "AgendaItem", "Paper", "Consultation", "File", "Location"}

// validators compiles the draft-07 schemas offline, each registered under
// both the URL it names itself with and the file name the others use, and
// asserts formats: "date" and "date-time" as JSON Schema defines them, and
// OParl's "url" as an absolute http(s) URL.
func validators(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "url", Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an absolute http(s) URL", s)
		}
		return nil
	}})
	for _, typ := range types {
		f, err := os.Open(filepath.Join(schemaDir, "draft-07", typ+".json"))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s.json: %v", typ, err)
		}
		if id, _ := doc.(map[string]any)["$id"].(string); id != "https://schema.oparl.org/1.1/"+typ {
			t.Fatalf("%s.json has $id %q", typ, id)
		}
		for _, u := range []string{"https://schema.oparl.org/1.1/" + typ, "https://schema.oparl.org/1.1/" + typ + ".json"} {
			if err := c.AddResource(u, doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, typ := range types {
		s, err := c.Compile("https://schema.oparl.org/1.1/" + typ)
		if err != nil {
			t.Fatalf("compile %s: %v", typ, err)
		}
		out["https://schema.oparl.org/1.1/"+typ] = s
	}
	return out
}

// TestSchemasMatchOfficial checks that the draft-07 schemas we validate
// with say the same as the official OParl 1.1 schema files: the same
// properties and the same required ones, for every type.
func TestSchemasMatchOfficial(t *testing.T) {
	read := func(dir, typ string) map[string]any {
		b, err := os.ReadFile(filepath.Join(schemaDir, dir, typ+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s/%s.json: %v", dir, typ, err)
		}
		return m
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m["properties"].(map[string]any) {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	for _, typ := range types {
		off, d7 := read("official", typ), read("draft-07", typ)
		if !reflect.DeepEqual(keys(off), keys(d7)) {
			t.Errorf("%s: properties differ:\nofficial %v\ndraft-07 %v", typ, keys(off), keys(d7))
		}
		if !reflect.DeepEqual(off["required"], d7["required"]) {
			t.Errorf("%s: required differs: %v / %v", typ, off["required"], d7["required"])
		}
	}
	// And the validators reject what they must: an object without a
	// required property, and a relative URL.
	v := validators(t)
	bad := []map[string]any{
		{"id": "https://x.example/1", "type": "https://schema.oparl.org/1.1/File"},
		{"id": "/relative", "type": "https://schema.oparl.org/1.1/Person"},
		{"id": "https://x.example/1", "type": "https://schema.oparl.org/1.1/Meeting", "start": "12.03.2026"},
	}
	for _, b := range bad {
		if err := v[b["type"].(string)].Validate(any(b)); err == nil {
			t.Errorf("%v passed validation", b)
		}
	}
}

// walker fetches API documents and remembers what it saw.
type walker struct {
	t       *testing.T
	client  *http.Client
	base    string
	schemas map[string]*jsonschema.Schema
	seen    map[string]bool
	queue   []string
	byType  map[string]int
	objects map[string]map[string]any // by id, as fetched on their own
	texts   strings.Builder           // every document, for searching
}

func (w *walker) get(u string) (*http.Response, []byte) {
	w.t.Helper()
	resp, err := w.client.Get(u)
	if err != nil {
		w.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return resp, b
}

// enqueue adds every URL in v that points into the API or the site.
func (w *walker) enqueue(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			w.enqueue(e)
		}
	case []any:
		for _, e := range x {
			w.enqueue(e)
		}
	case string:
		if strings.HasPrefix(x, w.base+"/") && !w.seen[x] {
			w.seen[x] = true
			w.queue = append(w.queue, x)
		}
	}
}

// validate checks one object against the schema of its type.
func (w *walker) validate(where string, obj map[string]any) {
	w.t.Helper()
	typ, _ := obj["type"].(string)
	s, ok := w.schemas[typ]
	if !ok {
		w.t.Errorf("%s: object of unknown type %q: %v", where, typ, obj)
		return
	}
	w.byType[strings.TrimPrefix(typ, "https://schema.oparl.org/1.1/")]++
	if err := s.Validate(any(obj)); err != nil {
		b, _ := json.MarshalIndent(obj, "", "  ")
		w.t.Errorf("%s: %s does not match its schema:\n%v\n%s", where, typ, err, b)
	}
	if _, deleted := obj["deleted"]; deleted {
		w.t.Errorf("%s: a deleted object %v", where, obj["id"])
	}
}

func (w *walker) walk(start string) {
	w.seen[start] = true
	w.queue = append(w.queue, start)
	for len(w.queue) > 0 {
		u := w.queue[0]
		w.queue = w.queue[1:]
		resp, body := w.get(u)
		if resp.StatusCode != http.StatusOK {
			w.t.Errorf("GET %s: %d\n%s", u, resp.StatusCode, body)
			continue
		}
		w.texts.Write(body)
		if !strings.Contains(u, "/oparl/") {
			w.checkSiteLink(u, resp, body)
			continue
		}
		if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" {
			w.t.Errorf("GET %s: Content-Type %q", u, resp.Header.Get("Content-Type"))
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			w.t.Errorf("GET %s: no CORS header", u)
		}
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			w.t.Errorf("GET %s: %v", u, err)
			continue
		}
		if _, isList := doc["data"]; isList {
			w.checkList(u, doc)
		} else {
			w.validate(u, doc)
			if doc["id"] != strings.SplitN(u, "?", 2)[0] {
				w.t.Errorf("GET %s: id is %v", u, doc["id"])
			}
			w.objects[u] = doc
		}
		w.enqueue(doc)
	}
}

// checkList checks a list page: its parts, its paging links and each
// object in it.
func (w *walker) checkList(u string, doc map[string]any) {
	data, ok1 := doc["data"].([]any)
	pg, ok2 := doc["pagination"].(map[string]any)
	links, ok3 := doc["links"].(map[string]any)
	if !ok1 || !ok2 || !ok3 {
		w.t.Errorf("%s: not an OParl list: %v", u, doc)
		return
	}
	if links["self"] != u {
		w.t.Errorf("%s: links.self is %v", u, links["self"])
	}
	cur, pages := pg["currentPage"].(float64), pg["totalPages"].(float64)
	if _, hasNext := links["next"]; hasNext != (cur < pages) {
		w.t.Errorf("%s: page %v of %v, next %v", u, cur, pages, links["next"])
	}
	if int(pg["elementsPerPage"].(float64)) < len(data) {
		w.t.Errorf("%s: %d elements on a page of %v", u, len(data), pg["elementsPerPage"])
	}
	for i, e := range data {
		obj, ok := e.(map[string]any)
		if !ok {
			w.t.Errorf("%s: data[%d] is not an object", u, i)
			continue
		}
		w.validate(fmt.Sprintf("%s data[%d]", u, i), obj)
	}
}

// checkSiteLink checks a link to the site: pages answer, a file's
// accessUrl is shown in the browser and its downloadUrl downloaded.
func (w *walker) checkSiteLink(u string, resp *http.Response, body []byte) {
	switch {
	case strings.Contains(u, "/politikk/dokument/") && strings.HasSuffix(u, "/last-ned"):
		if d := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") || !strings.Contains(d, "filename=") {
			w.t.Errorf("%s: Content-Disposition %q", u, d)
		}
		fallthrough
	case strings.Contains(u, "/politikk/dokument/"):
		if !bytes.HasPrefix(body, []byte("%PDF-")) || resp.Header.Get("Content-Type") != "application/pdf" {
			w.t.Errorf("%s: not a PDF (%s)", u, resp.Header.Get("Content-Type"))
		}
		if d := resp.Header.Get("Content-Disposition"); !strings.HasSuffix(u, "/last-ned") && strings.HasPrefix(d, "attachment") {
			w.t.Errorf("%s: accessUrl sends Content-Disposition %q", u, d)
		}
	default:
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			w.t.Errorf("%s: Content-Type %q", u, resp.Header.Get("Content-Type"))
		}
	}
}

// TestWalk walks the whole API from the System, following every link
// (lists page by page with a small limit), validates every object against
// the official schemas and checks that every kind of object is there.
func TestWalk(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		if pg {
			name = "postgres"
		}
		t.Run(name, func(t *testing.T) {
			if pg && os.Getenv("TORG_TEST_POSTGRES") == "" {
				t.Skip("TORG_TEST_POSTGRES is not set")
			}
			s := politicstest.Start(t, politicstest.Options{Seed: true, Postgres: pg})
			w := &walker{t: t, client: s.Client(""), base: s.URL, schemas: validators(t), seen: map[string]bool{}, byType: map[string]int{},
				objects: map[string]map[string]any{}}
			w.walk(s.URL + "/oparl/v1/system")
			// The lists again, three to a page, following next.
			for _, list := range []string{"organizations", "people", "memberships", "meetings", "agendaitems", "papers", "consultations", "files", "legislativeterms", "locations"} {
				w.walk(s.URL + "/oparl/v1/body/9999/" + list + "?limit=3")
			}
			for _, typ := range types {
				if w.byType[typ] == 0 {
					t.Errorf("no %s in the API", typ)
				}
			}
			t.Logf("validated %v; fetched %d URLs", w.byType, len(w.seen))
			sys := w.objects[s.URL+"/oparl/v1/system"]
			if sys["oparlVersion"] != "https://schema.oparl.org/1.1/" || sys["body"] != s.URL+"/oparl/v1/bodies" {
				t.Errorf("system = %v", sys)
			}
			body := w.objects[s.URL+"/oparl/v1/body/9999"]
			if body["name"] != "Demo kommune" || body["ags"] != "9999" {
				t.Errorf("body = %v", body)
			}
			// The municipality without political data is no Body.
			if w.seen[s.URL+"/oparl/v1/body/4601"] {
				t.Error("Bergen, without political data, is a Body")
			}
			// Officials' e-mail addresses are never given.
			if strings.Contains(w.texts.String(), "@folkevalgt.demo.kommune.no") || strings.Contains(w.texts.String(), "jonas.bakke@") {
				t.Error("an e-mail address of an official is in the API")
			}
			// The seed has 35 + 9 + 9 seats and 3 deputies, 40 people, 4
			// meetings, 10 agenda items of which 2 exempt.
			count := func(list string) int {
				_, b := w.get(s.URL + "/oparl/v1/body/9999/" + list)
				var p struct {
					Pagination struct{ TotalElements int }
				}
				json.Unmarshal(b, &p)
				return p.Pagination.TotalElements
			}
			for list, want := range map[string]int{"memberships": 56, "people": 40, "meetings": 4, "agendaitems": 10, "papers": 8, "consultations": 8,
				"organizations": 12, "legislativeterms": 1, "locations": 3} {
				if got := count(list); got != want {
					t.Errorf("%s: %d, want %d", list, got, want)
				}
			}
			// A political case is one Paper with the Consultations of the
			// public items that handle it; the seed's two cases have one
			// each.
			cases, err := s.Service.Cases(context.Background(), "9999")
			if err != nil || len(cases) != 2 {
				t.Fatalf("cases: %d, %v", len(cases), err)
			}
			for _, c := range cases {
				_, b := w.get(s.URL + "/oparl/v1/body/9999/paper/" + c.ID)
				p := decode(t, b)
				cons, _ := p["consultation"].([]any)
				if p["name"] != c.Title || p["paperType"] != "Politisk sak" || p["reference"] != c.ArchiveRef || len(cons) != 1 {
					t.Errorf("case paper %s: %v", c.ID, p)
				}
				if len(cons) == 1 {
					if cm, _ := cons[0].(map[string]any); cm["paper"] != p["id"] || cm["agendaItem"] == nil {
						t.Errorf("case consultation %v", cm)
					}
				}
			}
		})
	}
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return m
}

// TestPaging walks a list by next and by page numbers and checks that the
// pages together are the whole list, in a stable order, and that the
// filters survive in the links.
func TestPaging(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	c := s.Client("")
	get := func(u string) map[string]any {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
		}
		return decode(t, b)
	}
	all := get(s.URL + "/oparl/v1/body/9999/people?limit=500")
	var want []string
	for _, e := range all["data"].([]any) {
		want = append(want, e.(map[string]any)["id"].(string))
	}
	if len(want) != 40 {
		t.Fatalf("%d people", len(want))
	}
	since := url.QueryEscape("2026-01-01T00:00:00+01:00")
	next := s.URL + "/oparl/v1/body/9999/people?created_since=" + since + "&limit=7"
	var got []string
	pages := 0
	for next != "" {
		p := get(next)
		pages++
		for _, e := range p["data"].([]any) {
			got = append(got, e.(map[string]any)["id"].(string))
		}
		links := p["links"].(map[string]any)
		pag := p["pagination"].(map[string]any)
		if pag["totalElements"].(float64) != 40 || pag["elementsPerPage"].(float64) != 7 || pag["totalPages"].(float64) != 6 {
			t.Errorf("pagination = %v", pag)
		}
		if !strings.Contains(links["self"].(string), "created_since=") || !strings.Contains(links["first"].(string), "limit=7") {
			t.Errorf("links lose the filters: %v", links)
		}
		if pages > 1 && links["prev"] == nil {
			t.Error("no prev link after the first page")
		}
		next, _ = links["next"].(string)
	}
	if pages != 6 || !slices.Equal(got, want) {
		t.Errorf("%d pages; walked %d ids, want the %d of the whole list in its order", pages, len(got), len(want))
	}
	// A filter that keeps nothing gives one empty page; modified_since
	// in the future as well.
	for _, q := range []string{"created_until=2020-01-01T00:00:00Z", "modified_since=" + url.QueryEscape(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339))} {
		p := get(s.URL + "/oparl/v1/body/9999/meetings?" + q)
		if d := p["data"].([]any); len(d) != 0 || p["links"].(map[string]any)["next"] != nil {
			t.Errorf("%s: %d objects", q, len(d))
		}
	}
	// A later modification is found by modified_since, and only it.
	s.Clock.Add(time.Hour)
	stamp := s.Clock.Now().Add(-time.Minute).Format(time.RFC3339)
	ms, err := s.Service.Meetings(t.Context(), "9999", "", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.SetMedia(t.Context(), "9999", ms[0].ID, "", "https://video.demo.kommune.no/ny", politicstest.Actor()); err != nil {
		t.Fatal(err)
	}
	p := get(s.URL + "/oparl/v1/body/9999/meetings?modified_since=" + url.QueryEscape(stamp))
	if d := p["data"].([]any); len(d) != 1 || !strings.HasSuffix(d[0].(map[string]any)["id"].(string), ms[0].ID) {
		t.Errorf("modified_since: %v", d)
	}
	// omit_internal leaves out the embedded agenda items.
	p = get(s.URL + "/oparl/v1/body/9999/meetings?omit_internal=true")
	for _, e := range p["data"].([]any) {
		if _, ok := e.(map[string]any)["agendaItem"]; ok {
			t.Error("omit_internal=true still embeds agenda items")
		}
	}
}

// TestErrors checks that bad requests get problem documents with CORS,
// and unknown things 404.
func TestErrors(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true})
	c := s.Client("")
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/oparl/v1/body/9999/meetings?created_since=yesterday", 400},
		{"/oparl/v1/body/9999/meetings?modified_until=2026-01-01", 400},
		{"/oparl/v1/body/9999/meetings?limit=0", 400},
		{"/oparl/v1/body/9999/meetings?limit=x", 400},
		{"/oparl/v1/body/9999/meetings?page=-1", 400},
		{"/oparl/v1/body/9999/meetings?page=99", 404},
		{"/oparl/v1/body/4601", 404},
		{"/oparl/v1/body/1234", 404},
		{"/oparl/v1/body/9999/meeting/finnesikke", 404},
		{"/oparl/v1/body/9999/meeting/" + strings.Repeat("x", 300), 404},
		{"/oparl/v1/body/9999/widgets", 404},
		{"/oparl/v1/body/9999/widget/1", 404},
		{"/oparl/v1/body/9999/organization/organ-finnesikke/meetings", 404},
		{"/oparl/v2/system", 404},
		{"/oparl/", 404},
	} {
		resp, err := c.Get(s.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "application/problem+json" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d %s %q\n%s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Access-Control-Allow-Origin"), b)
			continue
		}
		if p := decode(t, b); p["status"].(float64) != float64(tt.status) || p["detail"] == "" {
			t.Errorf("%s: problem %v", tt.path, p)
		}
	}
	// A preflight is allowed.
	req, _ := http.NewRequest(http.MethodOptions, s.URL+"/oparl/v1/system", nil)
	req.Header.Set("Origin", "https://app.example.org")
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("OPTIONS: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestPublicURL checks that object URLs use the configured public URL,
// whatever host the request came to.
func TestPublicURL(t *testing.T) {
	s := politicstest.Start(t, politicstest.Options{Seed: true, PublicURL: "https://politikk.example.no/"})
	resp, err := s.Client("").Get(s.URL + "/oparl/v1/body/9999")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := decode(t, b)
	if body["id"] != "https://politikk.example.no/oparl/v1/body/9999" || body["meeting"] != "https://politikk.example.no/oparl/v1/body/9999/meetings" ||
		body["website"] != "https://politikk.example.no/k/9999/" || strings.Contains(string(b), s.URL) {
		t.Errorf("body = %s", b)
	}
}
