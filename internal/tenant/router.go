package tenant

import (
	"embed"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }

// Router sends each request to its municipality. A path /k/{nr}/... goes to
// municipality nr on any host; otherwise the host name decides. Inside, the
// request reaches Mux with the prefix removed, and web.Ctx carries the
// tenant and its base path, so modules register routes like "GET
// /min-side" and never see the prefix. Requests for no municipality get the
// deployment's index at "/" and a 404 page elsewhere.
type Router struct {
	svc   *Service
	shell *web.Shell
	// Mux holds the routes of every module inside a municipality.
	Mux   *http.ServeMux
	inner http.Handler
	pages *web.Pages
}

// NewRouter returns a Router with an empty Mux and the tenant module's own
// routes (home page, theme, logo) registered on it.
func NewRouter(svc *Service, shell *web.Shell) (*Router, error) {
	pages, err := shell.Pages(templateFS, "templates/home.html")
	if err != nil {
		return nil, err
	}
	rt := &Router{svc: svc, shell: shell, Mux: http.NewServeMux(), pages: pages}
	rt.inner = rt.Mux
	rt.Mux.Handle("GET /{$}", shell.Handle(rt.home))
	rt.Mux.Handle("GET /tema.css", shell.Handle(rt.theme))
	rt.Mux.Handle("GET /logo", shell.Handle(rt.logo))
	rt.Mux.Handle("/", shell.Handle(func(w http.ResponseWriter, r *http.Request) error { return web.NotFound() }))
	return rt, nil
}

// ServeHTTP routes r to its municipality.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if rest, ok := strings.CutPrefix(r.URL.Path, "/k/"); ok {
		nr, tail, slash := strings.Cut(rest, "/")
		t, err := rt.svc.Get(r.Context(), nr)
		if err != nil {
			c.Route = "/k/{unknown}"
			rt.shell.Error(w, r, errs.E(errs.NotFound, errs.Key("tenant.error.unknown_page"), []any{nr}, err))
			return
		}
		if !slash {
			http.Redirect(w, r, "/k/"+nr+"/", http.StatusMovedPermanently)
			return
		}
		rt.serve(w, r, t, "/k/"+nr+"/", tail)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if t, err := rt.svc.ByHost(r.Context(), host); err == nil {
		rt.serve(w, r, t, "/", strings.TrimPrefix(r.URL.Path, "/"))
		return
	}
	if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		c.Route = "/"
		list, err := rt.svc.List(r.Context())
		if err != nil {
			rt.shell.Error(w, r, err)
			return
		}
		views := make([]web.Tenant, 0, len(list))
		for _, t := range list {
			views = append(views, view(t, "/k/"+t.ID+"/"))
		}
		if err := rt.shell.Index(w, r, views); err != nil {
			rt.shell.Error(w, r, err)
		}
		return
	}
	c.Route = "unmatched"
	rt.shell.Error(w, r, web.NotFound())
}

func view(t Tenant, base string) web.Tenant {
	return web.Tenant{ID: t.ID, NameNB: t.NameNB, NameNN: t.NameNN, Base: base, HasLogo: t.LogoType != ""}
}

// serve hands r to the municipality's routes with the prefix removed.
func (rt *Router) serve(w http.ResponseWriter, r *http.Request, t Tenant, base, tail string) {
	c := web.From(r)
	tv := view(t, base)
	c.Tenant = &tv
	c.Path = tail
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = "/" + tail
	u.RawPath = ""
	r2.URL = &u
	rt.inner.ServeHTTP(w, r2)
	if c.Route == "" {
		c.Route = "tenant " + r2.Pattern
	}
}

func (rt *Router) home(w http.ResponseWriter, r *http.Request) error {
	return rt.pages.Render(w, r, http.StatusOK, "home", nil)
}

// theme serves the municipality's colours as a stylesheet, since the CSP
// allows no inline style.
func (rt *Router) theme(w http.ResponseWriter, r *http.Request) error {
	t, err := rt.svc.Get(r.Context(), web.From(r).Tenant.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	fmt.Fprintf(w, ":root { --accent: %s; }\n", t.Colour)
	return nil
}

// logo serves the municipality's logo. An SVG is sandboxed so that script
// in it cannot run even when opened directly.
func (rt *Router) logo(w http.ResponseWriter, r *http.Request) error {
	body, ctype, err := rt.svc.Logo(r.Context(), web.From(r).Tenant.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(body)
	return nil
}

// Use wraps the municipality routes in middleware (the session loader),
// outermost last.
func (rt *Router) Use(mw func(http.Handler) http.Handler) {
	rt.inner = mw(rt.inner)
}
