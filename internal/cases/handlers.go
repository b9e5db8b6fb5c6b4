package cases

import (
	"embed"
	"net/http"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

type handlers struct {
	svc   *Service
	pages *web.Pages
}

// Routes registers the case pages on a municipality's mux:
//
//	GET  /tilsett/saker                  the inbox (case workers): filter by service, status, assignee, overdue
//	GET  /tilsett/saker/{id}             a case with every entry (the opening is in the audit log)
//	POST /tilsett/saker/{id}/tildel      assign to me, or to nobody
//	POST /tilsett/saker/{id}/notat       an internal note
//	POST /tilsett/saker/{id}/brev        a letter or a decision to the citizen
//	GET  /min-side/saker/{id}            the citizen's case: letters, decisions, answers
//	POST /min-side/saker/{id}/svar       the citizen answers
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service) error {
	pages, err := shell.Pages(templateFS, "templates/inbox.html", "templates/case.html", "templates/citizen_case.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, pages: pages}
	staff := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, identity.RoleCaseworker, identity.RoleArchivist))
	}
	mux.Handle("GET /tilsett/saker", staff(h.inbox))
	mux.Handle("GET /tilsett/saker/{id}", staff(h.caseView))
	mux.Handle("POST /tilsett/saker/{id}/tildel", staff(h.assign))
	mux.Handle("POST /tilsett/saker/{id}/notat", staff(h.note))
	mux.Handle("POST /tilsett/saker/{id}/brev", staff(h.letter))
	citizen := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireCitizen(identity.LevelSubstantial, fn))
	}
	mux.Handle("GET /min-side/saker/{id}", citizen(h.citizenCase))
	mux.Handle("POST /min-side/saker/{id}/svar", citizen(h.reply))
	return nil
}

func staffActor(r *http.Request, purpose string) audit.Entry {
	c := web.From(r)
	role := identity.RoleCaseworker
	if !c.User.Has(role) {
		role = identity.RoleArchivist
	}
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: role, RequestID: c.RequestID, Purpose: purpose}
}

type inboxView struct {
	Cases  []Case
	Filter Filter
	Mine   string
	Now    time.Time
}

func (h *handlers) inbox(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	q := r.URL.Query()
	f := Filter{FormID: q.Get("tjeneste"), Status: q.Get("status"), Assignee: q.Get("tildelt"), Overdue: q.Get("forfalt") == "1",
		Viewer: c.User.Principal}
	if f.Assignee == "meg" {
		f.Assignee = c.User.Principal
	}
	list, err := h.svc.Inbox(r.Context(), c.Tenant.ID, f)
	if err != nil {
		return err
	}
	if f.Assignee == c.User.Principal {
		f.Assignee = "meg"
	}
	return h.pages.Render(w, r, http.StatusOK, "inbox", inboxView{Cases: list, Filter: f, Mine: c.User.Principal, Now: h.svc.db.Now()})
}

type caseView struct {
	Case     Case
	Messages []Message
	Overdue  bool
	Mine     bool
	Errors   map[string]string
	Form     letterForm
	Sent     string
}

type letterForm struct {
	Title, Body, LegalBasis, Appeal, Note string
	Decision                              bool
}

// DefaultAppeal is the right-to-appeal text a decision gets unless the
// case worker writes another.
const DefaultAppeal = "Du kan klage på vedtaket innen tre uker fra du mottok det (forvaltningsloven § 29). Send klagen til kommunen; skriv hvilket vedtak du klager på og hvorfor. Du har rett til å se dokumentene i saken (forvaltningsloven § 18)."

func (h *handlers) caseView(w http.ResponseWriter, r *http.Request) error {
	return h.renderCase(w, r, http.StatusOK, nil, letterForm{Appeal: DefaultAppeal})
}

func (h *handlers) renderCase(w http.ResponseWriter, r *http.Request, status int, fe map[string]string, form letterForm) error {
	c := web.From(r)
	cs, msgs, err := h.svc.Open(r.Context(), c.Tenant.ID, r.PathValue("id"), staffActor(r, "saksbehandling"))
	if err != nil {
		return err
	}
	v := caseView{Case: cs, Messages: msgs, Overdue: cs.Overdue(h.svc.db.Now()), Mine: cs.Assignee == c.User.Principal, Errors: fe, Form: form,
		Sent: r.URL.Query().Get("sendt")}
	return h.pages.Render(w, r, status, "case", v)
}

func (h *handlers) assign(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	who, name := c.User.Principal, c.User.Name
	if r.PostForm.Get("til") == "ingen" {
		who, name = "", ""
	}
	if err := h.svc.Assign(r.Context(), c.Tenant.ID, r.PathValue("id"), who, name, staffActor(r, "")); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/saker/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (h *handlers) note(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	text := r.PostForm.Get("tekst")
	if _, err := h.svc.AddNote(r.Context(), c.Tenant.ID, r.PathValue("id"), text, staffActor(r, "")); err != nil {
		if _, _, fe := errs.Public(err); errs.KindOf(err) == errs.Invalid && fe != nil {
			return h.renderCase(w, r, http.StatusUnprocessableEntity, prefix("notat-", fe), letterForm{Note: text, Appeal: DefaultAppeal})
		}
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/saker/"+r.PathValue("id")+"?sendt=notat", http.StatusSeeOther)
	return nil
}

func prefix(p string, fe map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fe {
		out[p+k] = v
	}
	return out
}

func (h *handlers) letter(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	form := letterForm{Title: r.PostForm.Get("tittel"), Body: r.PostForm.Get("tekst"), LegalBasis: r.PostForm.Get("hjemmel"),
		Appeal: r.PostForm.Get("klage"), Decision: r.PostForm.Get("vedtak") == "1"}
	l := Letter{Title: form.Title, Body: form.Body, Decision: form.Decision, LegalBasis: form.LegalBasis, Appeal: form.Appeal}
	if _, err := h.svc.Send(r.Context(), c.Tenant.ID, r.PathValue("id"), l, staffActor(r, "")); err != nil {
		if _, _, fe := errs.Public(err); errs.KindOf(err) == errs.Invalid && fe != nil {
			return h.renderCase(w, r, http.StatusUnprocessableEntity, prefix("brev-", fe), form)
		}
		return err
	}
	sent := "brev"
	if form.Decision {
		sent = "vedtak"
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/saker/"+r.PathValue("id")+"?sendt="+sent, http.StatusSeeOther)
	return nil
}

type citizenView struct {
	Case     Case
	Messages []Message
	Error    string
	Reply    string
	Sent     bool
}

func (h *handlers) citizenCase(w http.ResponseWriter, r *http.Request) error {
	return h.renderCitizen(w, r, http.StatusOK, "", "")
}

func (h *handlers) renderCitizen(w http.ResponseWriter, r *http.Request, status int, fieldErr, reply string) error {
	c := web.From(r)
	cs, msgs, err := h.svc.CitizenCase(r.Context(), c.Tenant.ID, r.PathValue("id"), c.User.Principal)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, status, "citizen_case", citizenView{Case: cs, Messages: msgs, Error: fieldErr, Reply: reply, Sent: r.URL.Query().Get("sendt") == "1"})
}

func (h *handlers) reply(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	text := r.PostForm.Get("svar")
	if _, err := h.svc.Reply(r.Context(), c.Tenant.ID, r.PathValue("id"), c.User.Principal, c.User.Name, text); err != nil {
		if _, _, fe := errs.Public(err); errs.KindOf(err) == errs.Invalid && fe != nil {
			return h.renderCitizen(w, r, http.StatusUnprocessableEntity, fe["svar"], text)
		}
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"min-side/saker/"+r.PathValue("id")+"?sendt=1", http.StatusSeeOther)
	return nil
}
