package cases

import (
	"context"
	"net/http"
	"sort"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// FormLister lists a municipality's forms (the forms module's Store).
type FormLister interface {
	Forms(ctx context.Context, tenant string) ([]forms.Published, error)
}

type routingHandlers struct {
	svc   *Service
	forms FormLister
	pages *web.Pages
}

// RoutingRoutes registers the administrators' routing-rule pages:
//
//	GET  /tilsett/saker/ruting   every service with its unit and the people its cases are restricted to
//	POST /tilsett/saker/ruting   save one service's rule
func RoutingRoutes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, fl FormLister) error {
	pages, err := shell.Pages(templateFS, "templates/routing.html")
	if err != nil {
		return err
	}
	h := &routingHandlers{svc: svc, forms: fl, pages: pages}
	admin := func(fn web.HandlerFunc) http.Handler { return shell.Handle(id.RequireStaff(fn, identity.RoleAdmin)) }
	mux.Handle("GET /tilsett/saker/ruting", admin(h.list))
	mux.Handle("POST /tilsett/saker/ruting", admin(h.save))
	return nil
}

// routeRow is one service on the routing page.
type routeRow struct {
	FormID, Title, Unit, People string
	Restricted                  bool
	Errors                      map[string]string
}

type routingView struct {
	Rows      []routeRow
	Saved     string
	ErrorForm string // the form whose row has errors
}

func (h *routingHandlers) rows(r *http.Request) ([]routeRow, error) {
	c := web.From(r)
	list, err := h.forms.Forms(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, err
	}
	rules, err := h.svc.Rules(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, err
	}
	byForm := map[string]Rule{}
	for _, ru := range rules {
		byForm[ru.FormID] = ru
	}
	var out []routeRow
	for _, p := range list {
		ru := byForm[p.Form.ID]
		row := routeRow{FormID: p.Form.ID, Title: p.Form.Title.In(c.Lang), Unit: ru.Unit, Restricted: ru.Restricted()}
		for i, a := range ru.People {
			if i > 0 {
				row.People += "\n"
			}
			row.People += a
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, nil
}

func (h *routingHandlers) list(w http.ResponseWriter, r *http.Request) error {
	rows, err := h.rows(r)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "routing", routingView{Rows: rows, Saved: r.URL.Query().Get("lagra")})
}

func (h *routingHandlers) save(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	formID := r.PostForm.Get("skjema")
	rows, err := h.rows(r)
	if err != nil {
		return err
	}
	idx := -1
	for i, row := range rows {
		if row.FormID == formID {
			idx = i
		}
	}
	if idx < 0 {
		return errs.E(errs.Op("cases.saveRule"), errs.NotFound, errs.Key("cases.error.no_form"))
	}
	unit, peopleText := r.PostForm.Get("eining"), r.PostForm.Get("personar")
	people, err := ParsePeople(peopleText)
	if err == nil {
		actor := audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleAdmin, RequestID: c.RequestID}
		err = h.svc.SetRule(r.Context(), c.Tenant.ID, Rule{FormID: formID, Unit: unit, People: people}, actor)
	}
	if err != nil {
		_, _, fe := errs.Public(err)
		if errs.KindOf(err) != errs.Invalid || fe == nil {
			return err
		}
		rows[idx].Unit, rows[idx].People, rows[idx].Errors = unit, peopleText, fe
		return h.pages.Render(w, r, http.StatusUnprocessableEntity, "routing", routingView{Rows: rows, ErrorForm: formID})
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/saker/ruting?lagra="+formID, http.StatusSeeOther)
	return nil
}
