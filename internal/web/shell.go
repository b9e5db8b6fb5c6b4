package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the shell's message catalogue files (nb.json, nn.json,
// en.json at the root).
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Shell renders pages in the common layout and answers errors. Build one at
// start with NewShell and pass it to every module.
type Shell struct {
	cat    *i18n.Catalog
	log    *slog.Logger
	layout *template.Template
	assets map[string]asset // by logical name, e.g. "torg.css"
	byPath map[string]asset // by fingerprinted file name
	pages  *Pages           // the shell's own pages (errors, index)
	// SiteName is the deployment's name, shown on pages without a tenant.
	SiteName string
}

type asset struct {
	name, file, ctype string
	body              []byte
}

// NewShell parses the layout and the static assets.
func NewShell(cat *i18n.Catalog, log *slog.Logger) (*Shell, error) {
	s := &Shell{cat: cat, log: log, assets: map[string]asset{}, byPath: map[string]asset{}, SiteName: "Torg"}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		return s.AddAsset(path.Base(p), body)
	})
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	s.layout, err = template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	s.pages, err = s.Pages(templateFS, "templates/error.html", "templates/index.html")
	if err != nil {
		return nil, err
	}
	return s, nil
}

// funcs are the template functions every page has, beside View's methods.
var funcs = template.FuncMap{
	"datetime": func(t time.Time) string { return t.In(oslo).Format("02.01.2006 15:04") },
	"date":     func(t time.Time) string { return t.In(oslo).Format("02.01.2006") },
}

var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// Catalog returns the message catalogue.
func (s *Shell) Catalog() *i18n.Catalog { return s.cat }

// Logger returns the logger.
func (s *Shell) Logger() *slog.Logger { return s.log }

// assetTypes are the content types of the static files a Shell serves, by
// extension.
var assetTypes = map[string]string{".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png", ".js": "text/javascript; charset=utf-8"}

// AddAsset adds a static file a module ships (e.g. a script), served under
// a fingerprinted name at /static/ like the shell's own. Call it while
// wiring, before the server serves requests. It refuses a name already
// taken and an extension without a known content type.
func (s *Shell) AddAsset(name string, body []byte) error {
	ext := path.Ext(name)
	ctype, ok := assetTypes[ext]
	if !ok || name != path.Base(name) {
		return fmt.Errorf("web: asset %q: unknown type or not a plain file name", name)
	}
	if _, dup := s.assets[name]; dup {
		return fmt.Errorf("web: asset %q added twice", name)
	}
	sum := sha256.Sum256(body)
	a := asset{name: name, file: strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext, ctype: ctype, body: body}
	s.assets[name], s.byPath[a.file] = a, a
	return nil
}

// AssetURL returns the fingerprinted URL of a static asset, which may be
// cached for a year.
func (s *Shell) AssetURL(name string) string {
	if a, ok := s.assets[name]; ok {
		return "/static/" + a.file
	}
	return "/static/missing/" + name
}

// ServeStatic serves GET /static/{file}.
func (s *Shell) ServeStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.byPath[r.PathValue("file")]
	if !ok {
		s.Error(w, r, notFound)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(a.body)
}

// Pages is a set of page templates, each parsed together with the layout.
type Pages struct {
	shell *Shell
	byKey map[string]*template.Template
}

// Pages parses each named file of fsys as a page. A page defines the blocks
// "title" and "main" (and may define "head"); it is rendered by its file
// name without folder and extension, e.g. "templates/minside.html" is
// "minside".
func (s *Shell) Pages(fsys fs.FS, files ...string) (*Pages, error) {
	return s.PagesWith(fsys, nil, files...)
}

// PagesWith is Pages with shared templates: every file of partials (which
// only define named templates, e.g. one form field) is parsed with each
// page.
func (s *Shell) PagesWith(fsys fs.FS, partials []string, files ...string) (*Pages, error) {
	p := &Pages{shell: s, byKey: map[string]*template.Template{}}
	for _, f := range files {
		t, err := s.layout.Clone()
		if err != nil {
			return nil, err
		}
		if len(partials) > 0 {
			if _, err := t.ParseFS(fsys, partials...); err != nil {
				return nil, fmt.Errorf("web: partials for %s: %w", f, err)
			}
		}
		if _, err := t.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("web: page %s: %w", f, err)
		}
		key := strings.TrimSuffix(path.Base(f), path.Ext(f))
		p.byKey[key] = t
	}
	return p, nil
}

// View is what a page template gets: the request's Ctx, the page's data, and
// methods for text and links.
type View struct {
	*Ctx
	Data  any
	shell *Shell
}

// T returns the text for key in the page's language.
func (v View) T(key string, args ...any) string {
	return v.shell.cat.T(i18n.Lang(v.Lang), key, args...)
}

// URL returns a link to p inside the current municipality ("min-side" →
// "/k/9999/min-side"); outside a municipality it is relative to the root.
func (v View) URL(p string) string {
	base := "/"
	if v.Tenant != nil {
		base = v.Tenant.Base
	}
	return base + strings.TrimPrefix(p, "/")
}

// Asset returns the fingerprinted URL of a static asset.
func (v View) Asset(name string) string { return v.shell.AssetURL(name) }

// SiteName is the name in the header: the municipality, or the deployment.
func (v View) SiteName() string {
	if v.Tenant != nil {
		return v.Tenant.Name(v.Lang)
	}
	return v.shell.SiteName
}

// Langs lists the languages for the language switch.
func (v View) Langs() []LangLink {
	out := make([]LangLink, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		out = append(out, LangLink{
			Code:    string(l),
			Name:    v.shell.cat.T(l, "lang.name"),
			Href:    v.URL("sprak?lang=" + string(l) + "&tilbake=" + template.URLQueryEscaper(v.Path)),
			Current: string(l) == v.Lang,
		})
	}
	return out
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Code, Name, Href string
	Current          bool
}

// Render writes page name with data and status. The page is rendered into a
// buffer first, so a template error becomes a clean 500 instead of half a
// page.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := p.byKey[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", View{Ctx: From(r), Data: data, shell: p.shell}); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	if err != nil {
		// The client went away; nothing to answer.
		return nil
	}
	return nil
}

// Index renders the deployment's front page: the municipalities it serves.
func (s *Shell) Index(w http.ResponseWriter, r *http.Request, tenants []Tenant) error {
	return s.pages.Render(w, r, http.StatusOK, "index", tenants)
}
