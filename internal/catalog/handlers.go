package catalog

import (
	"context"
	"embed"
	"net/http"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// handlers serves the catalogue's public pages.
type handlers struct {
	svc   *Service
	pages *web.Pages
	forms FormServed
}

// Routes registers the catalogue's pages on a municipality's mux. All are
// public and work without JavaScript; texts come in the page's language,
// falling back to bokmål.
//
//	GET /tjenester          every life situation with its services
//	GET /tjenester/{slug}   a life situation: its services and information pages
//	GET /tjeneste/{slug}    a service: description, what to expect, contact, form
//	GET /info/{slug}        an information page
//	GET /sok?q=             search services and information pages
//
// FormServed reports whether the form platform serves form formID in
// tenant, so the service page offers a button to it only when it leads
// somewhere.
type FormServed func(ctx context.Context, tenant, formID string) bool

// Routes registers the catalogue's pages. forms may be nil while no form
// platform serves forms: service pages then show no form button.
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, forms FormServed) error {
	pages, err := shell.Pages(templateFS, "templates/catalog.html", "templates/situation.html", "templates/service.html",
		"templates/page.html", "templates/search.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, pages: pages, forms: forms}
	mux.Handle("GET /tjenester", shell.Handle(h.catalog))
	mux.Handle("GET /tjenester/{slug}", shell.Handle(h.situation))
	mux.Handle("GET /tjeneste/{slug}", shell.Handle(h.service))
	mux.Handle("GET /info/{slug}", shell.Handle(h.page))
	mux.Handle("GET /sok", shell.Handle(h.search))
	return nil
}

// local is a text picked for the page's language, with the language it is
// really in, for the lang attribute.
type local struct {
	Text, Lang string
}

func pick(t Text, lang string) local {
	v, l := t.pick(lang)
	return local{Text: v, Lang: l}
}

// block is a paragraph, or a list when Items is set.
type block struct {
	Text  string
	Items []string
}

// content is a multi-paragraph text in one language.
type content struct {
	Lang   string
	Blocks []block
}

// blocks splits plain text into paragraphs at blank lines; within a
// paragraph, lines that start with "- " or "• " make a bulleted list.
func blocks(s string) []block {
	var out []block
	var para []string
	var items []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, block{Text: strings.Join(para, " ")})
			para = nil
		}
		if len(items) > 0 {
			out = append(out, block{Items: items})
			items = nil
		}
	}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		item, isItem := strings.CutPrefix(line, "- ")
		if !isItem {
			item, isItem = strings.CutPrefix(line, "• ")
		}
		switch {
		case line == "":
			flush()
		case isItem:
			if len(para) > 0 {
				out = append(out, block{Text: strings.Join(para, " ")})
				para = nil
			}
			items = append(items, strings.TrimSpace(item))
		default:
			if len(items) > 0 {
				flush()
			}
			para = append(para, line)
		}
	}
	flush()
	return out
}

func contentOf(t Text, lang string) content {
	v, l := t.pick(lang)
	return content{Lang: l, Blocks: blocks(v)}
}

// serviceLink is a service in a list.
type serviceLink struct {
	Slug          string
	Name, Summary local
}

func serviceLinks(list []MunicipalService, lang string) []serviceLink {
	sortServices(list, lang)
	out := make([]serviceLink, 0, len(list))
	for _, m := range list {
		out = append(out, serviceLink{Slug: m.Slug, Name: pick(m.Name, lang), Summary: pick(m.Summary, lang)})
	}
	return out
}

// situationLink is a life situation in a list or breadcrumb.
type situationLink struct {
	Slug         string
	Title, Intro local
	Services     []serviceLink
}

type catalogView struct {
	Situations []situationLink
	Other      []serviceLink // published services under no life situation
}

func (h *handlers) catalog(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.LifeSituations(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	all, err := h.svc.Services(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	var v catalogView
	for _, ls := range list {
		v.Situations = append(v.Situations, situationLink{Slug: ls.Slug, Title: pick(ls.Title, c.Lang), Intro: pick(ls.Intro, c.Lang),
			Services: serviceLinks(ls.Services, c.Lang)})
	}
	var other []MunicipalService
	for _, m := range all {
		if len(m.Situations) == 0 {
			other = append(other, m)
		}
	}
	v.Other = serviceLinks(other, c.Lang)
	return h.pages.Render(w, r, http.StatusOK, "catalog", v)
}

type pageLink struct {
	Slug  string
	Title local
}

type situationView struct {
	Slug         string
	Title, Intro local
	Services     []serviceLink
	Pages        []pageLink
}

func (h *handlers) situation(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	ls, err := h.svc.LifeSituation(r.Context(), c.Tenant.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	v := situationView{Slug: ls.Slug, Title: pick(ls.Title, c.Lang), Intro: pick(ls.Intro, c.Lang), Services: serviceLinks(ls.Services, c.Lang)}
	for _, p := range ls.Pages {
		v.Pages = append(v.Pages, pageLink{Slug: p.Slug, Title: pick(p.Title, c.Lang)})
	}
	return h.pages.Render(w, r, http.StatusOK, "situation", v)
}

type serviceView struct {
	Slug          string
	Name, Summary local
	Description   content
	Declaration   content
	Days          int
	Contact       Contact
	PhoneHref     string // the phone number without spaces, for a tel: link
	// FormID is the form to apply with, when the form platform serves it;
	// the page links to skjema/{FormID}.
	FormID     string
	Situations []situationLink
	UpdatedAt  time.Time
}

func (h *handlers) service(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	m, err := h.svc.ServiceBySlug(r.Context(), c.Tenant.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !m.Published {
		return errs.E(errs.NotFound, errs.Key("catalog.error.service_unknown"))
	}
	v := serviceView{Slug: m.Slug, Name: pick(m.Name, c.Lang), Summary: pick(m.Summary, c.Lang),
		Description: contentOf(m.Description, c.Lang), Declaration: contentOf(m.Declaration, c.Lang),
		Days: m.ProcessingDays, Contact: m.Contact, PhoneHref: strings.ReplaceAll(m.Contact.Phone, " ", ""),
		UpdatedAt: m.UpdatedAt}
	if m.FormID != "" && h.forms != nil && h.forms(r.Context(), c.Tenant.ID, m.FormID) {
		v.FormID = m.FormID
	}
	for _, slug := range m.Situations {
		ls, err := h.svc.situation(r.Context(), c.Tenant.ID, slug)
		if err != nil {
			return err
		}
		v.Situations = append(v.Situations, situationLink{Slug: ls.Slug, Title: pick(ls.Title, c.Lang)})
	}
	return h.pages.Render(w, r, http.StatusOK, "service", v)
}

type pageView struct {
	Slug      string
	Title     local
	Body      content
	Situation *situationLink
	UpdatedAt time.Time
}

func (h *handlers) page(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.svc.PageBySlug(r.Context(), c.Tenant.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	v := pageView{Slug: p.Slug, Title: pick(p.Title, c.Lang), Body: contentOf(p.Body, c.Lang), UpdatedAt: p.UpdatedAt}
	if p.Situation != "" {
		ls, err := h.svc.situation(r.Context(), c.Tenant.ID, p.Situation)
		if err != nil {
			return err
		}
		v.Situation = &situationLink{Slug: ls.Slug, Title: pick(ls.Title, c.Lang)}
	}
	return h.pages.Render(w, r, http.StatusOK, "page", v)
}

type searchView struct {
	Query    string
	ErrorKey string   // a message about a query that cannot be searched
	Results  *Results // nil when nothing was searched
}

// searchLimit is how many results the search page shows.
const searchLimit = 50

func (h *handlers) search(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	v := searchView{Query: r.URL.Query().Get("q")}
	if strings.TrimSpace(v.Query) != "" {
		res, err := h.svc.Search(r.Context(), c.Tenant.ID, c.Lang, v.Query, searchLimit)
		switch {
		case errs.Is(errs.Invalid, err):
			// A query that cannot be searched is answered on the search
			// page, next to the search field, never with an error page.
			v.ErrorKey, _, _ = errs.Public(err)
		case err != nil:
			return err
		default:
			v.Results = &res
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "search", v)
}
