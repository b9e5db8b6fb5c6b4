package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/i18n"
	tenantpkg "github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// journalSite is a test server with the public journal of municipality
// 9999 on /k/9999/, laid out as the deployment does it.
type journalSite struct {
	*env
	url   string
	blobs *blob.Dir
}

const siteTenant = "9999"

func startJournalSite(t *testing.T, pg bool) *journalSite {
	t.Helper()
	c := dbtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	schemas := []db.Schema{tenantpkg.Schema, audit.Schema, archive.Schema}
	var d *db.DB
	if pg {
		d = dbtest.Postgres(t, dbtest.Options{Now: c.Now}, schemas...)
	} else {
		d = dbtest.SQLite(t, dbtest.Options{Now: c.Now}, schemas...)
	}
	ctx := context.Background()
	log := audit.New(d)
	tenants := tenantpkg.New(d, log)
	for _, tn := range []tenantpkg.Tenant{{ID: siteTenant, NameNB: "Demo kommune", NameNN: "Demo kommune"}, {ID: "4601", NameNB: "Bergen", NameNN: "Bergen"}} {
		if _, err := tenants.Add(ctx, tn, audit.Entry{ActorID: "test", Role: "system"}); err != nil {
			t.Fatal(err)
		}
	}
	cat := i18n.NewCatalog()
	for _, f := range []func() error{
		func() error { return cat.AddFS(web.Messages()) },
		func() error { return cat.AddFS(tenantpkg.Messages()) },
		func() error { return cat.AddFS(archive.Messages()) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	shell, err := web.NewShell(cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	router, err := tenantpkg.NewRouter(tenants, shell)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	s := archive.New(d, log)
	router.Mux.Handle("GET /sprak", shell.Handle(shell.SetLang(false)))
	if err := archive.PublicRoutes(router.Mux, shell, s, blobs); err != nil {
		t.Fatal(err)
	}
	root := http.NewServeMux()
	root.HandleFunc("GET /static/{file}", shell.ServeStatic)
	root.Handle("/", router)
	srv := httptest.NewServer(shell.Wrap(root, web.Options{MaxBody: 1 << 20}))
	t.Cleanup(srv.Close)
	return &journalSite{env: &env{d: d, s: s, clock: c, log: log}, url: srv.URL + "/k/" + siteTenant + "/", blobs: blobs}
}

func (s *journalSite) get(t *testing.T, path string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

type journalJSON struct {
	Items []struct {
		SystemID   string `json:"systemID"`
		Tittel     string `json:"offentligTittel"`
		Dokumenter []struct {
			URL       string `json:"url"`
			Offentlig bool   `json:"offentlig"`
		} `json:"dokumentbeskrivelse"`
	} `json:"items"`
	Next  string `json:"next"`
	Count int    `json:"count"`
}

// TestPublicJournalNoNameLeak loads entries with personal names under
// screening and fetches every public output: the search page (also
// searching for the names), each entry's page, the JSON, the Atom feed, the
// CSV export and the documents. No name may appear anywhere; the legal
// bases must.
func TestPublicJournalNoNameLeak(t *testing.T) {
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			s := startJournalSite(t, pg)
			f := seedJournal(t, s.env, siteTenant)
			if _, _, err := s.blobs.Put(context.Background(), strings.NewReader("test"), 4); err != nil {
				t.Fatal(err)
			}
			// output is a response; echo is the search the user typed, which
			// the page and feed repeat back (the form, the links), and is
			// left out of the check.
			type output struct{ name, body, echo string }
			var outputs []output
			fetch := func(path string, want int) string {
				t.Helper()
				code, body, _ := s.get(t, path)
				if code != want {
					t.Errorf("GET %s: %d, want %d: %.300s", path, code, want, body)
				}
				echo := ""
				if u, err := url.Parse(path); err == nil {
					echo = u.Query().Get("q")
				}
				outputs = append(outputs, output{path, body, echo})
				return body
			}
			var all journalJSON
			if err := json.Unmarshal([]byte(fetch("postjournal.json?antall=100", 200)), &all); err != nil {
				t.Fatal(err)
			}
			if len(all.Items) != 6 || all.Count != 6 {
				t.Fatalf("JSON: %d items, count %d", len(all.Items), all.Count)
			}
			docs := 0
			for _, it := range all.Items {
				fetch("postjournal/"+it.SystemID, 200)
				for _, d := range it.Dokumenter {
					if d.Offentlig {
						u, err := url.Parse(d.URL)
						if err != nil {
							t.Fatal(err)
						}
						body := fetch(strings.TrimPrefix(u.Path, "/k/"+siteTenant+"/"), 200)
						if body != "test" {
							t.Errorf("document %s: %q", d.URL, body)
						}
						docs++
					}
				}
			}
			if docs != 3 {
				t.Errorf("public documents: %d, want 3 (those of the entries without screening)", docs)
			}
			page := fetch("postjournal", 200)
			for _, q := range []string{"", "q=Kvalheim", "q=Ingrid+Kvalheim", "q=ingrid", "q=Trøen", "q=Aasmundsen", "q=søknad", "q=barnehageplass"} {
				fetch("postjournal?"+q, 200)
				fetch("postjournal.json?"+q, 200)
				fetch("postjournal.atom?"+q, 200)
				fetch("postjournal.csv?"+q, 200)
			}
			// The screened names find nothing.
			for _, q := range []string{"Kvalheim", "Ingrid Kvalheim", "Trøen", "Aasmundsen"} {
				var res journalJSON
				_, body, _ := s.get(t, "postjournal.json?q="+url.QueryEscape(q))
				if err := json.Unmarshal([]byte(body), &res); err != nil || len(res.Items) != 0 {
					t.Errorf("search %q: %d items (%v)", q, len(res.Items), err)
				}
			}
			// Non-public entries and documents are not there.
			fetch("postjournal/"+f.internal.SystemID, 404)
			fetch("postjournal/"+f.reserved.SystemID, 404)
			screened, err := s.s.PublicEntry(context.Background(), siteTenant, f.screened.SystemID)
			if err != nil {
				t.Fatal(err)
			}
			fetch("postjournal/dokument/"+screened.Documents[0].SystemID, 404)
			for _, o := range outputs {
				body := o.body
				if o.echo != "" {
					for _, form := range []string{o.echo, url.QueryEscape(o.echo), strings.ReplaceAll(url.QueryEscape(o.echo), "+", "%20"),
						strings.ReplaceAll(url.QueryEscape(o.echo), "+", "&#43;")} {
						body = strings.ReplaceAll(body, form, "")
					}
				}
				low := strings.ToLower(body)
				for _, name := range hiddenNames {
					if i := strings.Index(low, strings.ToLower(name)); i >= 0 {
						t.Errorf("%s shows %q: …%s…", o.name, name, body[max(0, i-80):min(len(body), i+80)])
					}
				}
			}
			// The legal bases are given instead, in every format.
			for _, path := range []string{"postjournal", "postjournal.json", "postjournal.atom", "postjournal.csv", "postjournal/" + f.screened.SystemID} {
				_, body, _ := s.get(t, path)
				for _, h := range []string{hjemmel13, hjemmel25} {
					if path == "postjournal/"+f.screened.SystemID && h == hjemmel25 {
						continue
					}
					if !strings.Contains(body, h) && !strings.Contains(body, strings.ReplaceAll(h, "§", `\u00a7`)) {
						t.Errorf("%s lacks the legal basis %q", path, h)
					}
				}
				if !strings.Contains(body, archive.Masked) {
					t.Errorf("%s lacks the marker", path)
				}
			}
			// The page: markup shows as text, the innsyn form is there, and
			// the count is announced.
			if strings.Contains(page, `<script>alert`) || !strings.Contains(page, `&lt;script&gt;alert`) {
				t.Error("crafted markup in a title is not escaped")
			}
			if !strings.Contains(page, `action="/k/9999/innsyn"`) || !strings.Contains(page, `name="jp" value="`+f.public.SystemID+`"`) ||
				!strings.Contains(page, "Be om innsyn") {
				t.Error("no innsyn form with the entries")
			}
			if !strings.Contains(page, `role="status" id="results-count">6 treff`) {
				t.Error("the count is not announced")
			}
			// The feed is well-formed Atom.
			_, atom, hd := s.get(t, "postjournal.atom")
			var feed struct {
				Entries []struct {
					ID string `xml:"id"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal([]byte(atom), &feed); err != nil || len(feed.Entries) != 6 || !strings.HasPrefix(hd.Get("Content-Type"), "application/atom+xml") {
				t.Errorf("atom: %v, %d entries, %s", err, len(feed.Entries), hd.Get("Content-Type"))
			}
			// The CSV has a header and one line per entry, and no formula.
			_, csvBody, _ := s.get(t, "postjournal.csv")
			if lines := strings.Count(strings.TrimSpace(csvBody), "\n"); lines != 6 {
				t.Errorf("csv: %d lines after the header", lines)
			}
		})
	}
}

// TestPublicJournalBadInput checks that bad searches get a 400 with the
// message next to the field, in pages and as problem documents.
func TestPublicJournalBadInput(t *testing.T) {
	s := startJournalSite(t, false)
	seedJournal(t, s.env, siteTenant)
	for _, c := range []struct{ query, field, text string }{
		{"fra=2026-13-01", "fra", "Skriv datoen som dd.mm.åååå"},
		{"til=igår", "til", "Skriv datoen som dd.mm.åååå"},
		{"fra=2026-03-02&til=2026-03-01", "til", "Til-datoen kan ikke være før fra-datoen"},
		{"saksnr=abc", "saksnr", "Skriv saksnummeret som år/nummer"},
		{"type=X", "type", "Velg en dokumenttype"},
		{"type=N", "type", "Velg en dokumenttype"},
		{"q=" + strings.Repeat("x", 300), "q", "høyst 200 tegn"},
	} {
		code, body, _ := s.get(t, "postjournal?"+c.query)
		if code != 400 {
			t.Errorf("%s: status %d", c.query, code)
		}
		if !strings.Contains(body, `id="f-`+c.field+`-error"`) || !strings.Contains(body, `href="#f-`+c.field+`"`) || !strings.Contains(body, c.text) ||
			!strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%s: no error next to %s: %.2000s", c.query, c.field, body)
		}
		for _, ext := range []string{".json", ".csv", ".atom"} {
			code, body, hd := s.get(t, "postjournal"+ext+"?"+c.query)
			if code != 400 {
				t.Errorf("%s%s: status %d", ext, c.query, code)
			}
			if ext == ".json" {
				var p web.Problem
				if err := json.Unmarshal([]byte(body), &p); err != nil || hd.Get("Content-Type") != "application/problem+json" || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
					t.Errorf("%s: problem %+v (%v)", c.query, p, err)
				}
			}
		}
	}
	for _, path := range []string{"postjournal?etter=abc", "postjournal?antall=1000"} {
		if code, _, _ := s.get(t, path); code != 400 {
			t.Errorf("%s: %d", path, code)
		}
	}
	for _, path := range []string{"postjournal/nope", "postjournal/00000000-0000-4000-8000-000000000000", "postjournal/dokument/nope",
		"postjournal/dokument/00000000-0000-4000-8000-000000000000"} {
		if code, _, _ := s.get(t, path); code != 404 {
			t.Errorf("%s: %d", path, code)
		}
	}
	// The English page.
	req, _ := http.NewRequest("GET", s.url+"postjournal?fra=x", nil)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("english: %d", resp.StatusCode)
	}
}
