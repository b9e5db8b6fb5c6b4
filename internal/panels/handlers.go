package panels

import (
	"embed"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

type handlers struct {
	svc       *Service
	shell     *web.Shell
	pages     *web.Pages
	byClient  *web.Limiter
	publicURL string
}

// Routes registers the module's pages on a municipality's mux. They work
// without JavaScript.
//
//	GET  /innbyggerpanel                                       the panel: join (with consent), or your membership and leave (citizens)
//	POST /innbyggerpanel                                       join (fields samtykke, omrade, epost)
//	POST /innbyggerpanel/meld-ut                               leave: everything about you is deleted
//	GET  /tilsett/innbyggerpanel                               members per age group and area, population, panel surveys (managers, admins)
//	POST /tilsett/innbyggerpanel/befolkning                    set the areas and population (field befolkning)
//	POST /tilsett/innbyggerpanel/undersokelser                 a new panel survey (field tittel); on to the survey builder
//	POST /tilsett/innbyggerpanel/undersokelser/{id}/send       open it and send it to the members who have not had it
//	GET  /tilsett/innbyggerpanel/undersokelser/{id}/resultat   weighted results
//
// publicURL is the deployment's public address, for the links in
// invitations; empty: from each request.
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, publicURL string) error {
	pages, err := shell.Pages(templateFS, "templates/panel.html", "templates/staff.html", "templates/results.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, byClient: web.NewLimiter(svc.cfg.EnrolRate, time.Hour),
		publicURL: strings.TrimSuffix(publicURL, "/")}
	citizen := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireCitizen(identity.LevelSubstantial, fn))
	}
	staff := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, identity.RoleManager, identity.RoleAdmin))
	}
	mux.Handle("GET /innbyggerpanel", citizen(h.panel))
	mux.Handle("POST /innbyggerpanel", citizen(h.enrol))
	mux.Handle("POST /innbyggerpanel/meld-ut", citizen(h.leave))
	mux.Handle("GET /tilsett/innbyggerpanel", staff(h.staff))
	mux.Handle("POST /tilsett/innbyggerpanel/befolkning", staff(h.population))
	mux.Handle("POST /tilsett/innbyggerpanel/undersokelser", staff(h.create))
	mux.Handle("POST /tilsett/innbyggerpanel/undersokelser/{id}/send", staff(h.send))
	mux.Handle("GET /tilsett/innbyggerpanel/undersokelser/{id}/resultat", staff(h.results))
	return nil
}

func (h *handlers) t(r *http.Request, key string, args ...any) string {
	return h.shell.Catalog().T(i18n.Lang(web.From(r).Lang), key, args...)
}

// fieldError is one entry of an error summary.
type fieldError struct {
	Href, Key string
}

func invalidFields(err error) map[string]string {
	if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
		return fields
	}
	return nil
}

func citizenActor(r *http.Request) audit.Entry {
	c := web.From(r)
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleCitizen, RequestID: c.RequestID}
}

func staffActor(r *http.Request) audit.Entry {
	c := web.From(r)
	role := identity.RoleManager
	if !c.User.Has(identity.RoleManager) {
		role = identity.RoleAdmin
	}
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: role, RequestID: c.RequestID}
}

// limit takes one of the client's enrolment tokens.
func (h *handlers) limit(w http.ResponseWriter, r *http.Request) error {
	if !h.byClient.Allow(web.From(r).Tenant.ID + " " + web.LimitKey(r)) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("panels.error.too_many"))
	}
	return nil
}

// --- the citizen's page ---

type areaView struct {
	ID, Name string
	Checked  bool
}

type panelView struct {
	Member   *Member
	AgeGroup string
	Areas    []areaView
	Form     EnrolForm
	Field    map[string]string
	Errors   []fieldError
	Notice   string // message key
	NoAreas  bool
	TooYoung bool
}

func (h *handlers) renderPanel(w http.ResponseWriter, r *http.Request, status int, f EnrolForm, fields map[string]string) error {
	c := web.From(r)
	el, err := h.svc.Check(r.Context(), c.Tenant.ID, c.User.PID)
	if err != nil {
		return err
	}
	pop, err := h.svc.Population(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	v := panelView{Member: el.Member, AgeGroup: el.AgeGroup, Form: f, Field: fields, NoAreas: len(pop.Areas) == 0, TooYoung: el.AgeGroup == ""}
	for i, a := range pop.Areas {
		v.Areas = append(v.Areas, areaView{ID: FieldArea + "-" + strconv.Itoa(i), Name: a, Checked: a == f.Area})
	}
	for _, name := range []string{FieldConsent, FieldArea, FieldEmail} {
		k, ok := fields[name]
		if !ok {
			continue
		}
		href := "#" + name
		if name == FieldArea && len(v.Areas) > 0 {
			href = "#" + v.Areas[0].ID
		}
		v.Errors = append(v.Errors, fieldError{Href: href, Key: k})
	}
	if n := r.URL.Query().Get("melding"); slices.Contains([]string{"innmeldt", "utmeldt"}, n) {
		v.Notice = "panels.notice." + n
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "panel", v)
}

func (h *handlers) panel(w http.ResponseWriter, r *http.Request) error {
	return h.renderPanel(w, r, http.StatusOK, EnrolForm{Email: web.From(r).User.Email}, nil)
}

func (h *handlers) enrol(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	if err := h.limit(w, r); err != nil {
		return err
	}
	c := web.From(r)
	f := EnrolForm{Consent: r.PostForm.Get(FieldConsent) == "1", Area: r.PostForm.Get(FieldArea), Email: r.PostForm.Get(FieldEmail)}
	_, err := h.svc.Enrol(r.Context(), c.Tenant.ID, c.User.PID, f, citizenActor(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderPanel(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"innbyggerpanel?melding=innmeldt", http.StatusSeeOther)
	return nil
}

func (h *handlers) leave(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	// Not rate limited: a member can always leave.
	c := web.From(r)
	if err := h.svc.Leave(r.Context(), c.Tenant.ID, c.User.PID, citizenActor(r)); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"innbyggerpanel?melding=utmeldt", http.StatusSeeOther)
	return nil
}

// --- staff ---

type surveyLine struct {
	Survey   surveys.Survey
	Sent     int
	Answered int
}

type staffView struct {
	Overview   Overview
	Population string // the text in the form
	PopField   map[string]string
	PopErrors  []fieldError
	PopLine    int
	Surveys    []surveyLine
	Title      string
	NewField   map[string]string
	NewErrors  []fieldError
	Notice     string // the text
}

type staffState struct {
	status     int
	population *string
	popFields  map[string]string
	popLine    int
	title      string
	newFields  map[string]string
}

func (h *handlers) renderStaff(w http.ResponseWriter, r *http.Request, st staffState) error {
	c := web.From(r)
	ctx := r.Context()
	ov, err := h.svc.Overview(ctx, c.Tenant.ID)
	if err != nil {
		return err
	}
	v := staffView{Overview: ov, Population: ov.Population.Text(), PopField: st.popFields, PopLine: st.popLine, Title: st.title, NewField: st.newFields}
	if st.population != nil {
		v.Population = *st.population
	}
	if k, ok := st.popFields[FieldPopulation]; ok {
		v.PopErrors = []fieldError{{Href: "#" + FieldPopulation, Key: k}}
	}
	if k, ok := st.newFields[FieldTitle]; ok {
		v.NewErrors = []fieldError{{Href: "#" + FieldTitle, Key: k}}
	}
	list, err := h.svc.Surveys(ctx, c.Tenant.ID)
	if err != nil {
		return err
	}
	for _, sv := range list {
		l := surveyLine{Survey: sv}
		if l.Sent, l.Answered, err = h.svc.surveys.PanelSent(ctx, c.Tenant.ID, sv.ID); err != nil {
			return err
		}
		v.Surveys = append(v.Surveys, l)
	}
	switch r.URL.Query().Get("melding") {
	case "lagra":
		v.Notice = h.t(r, "panels.staff.notice_saved")
	case "sendt":
		if n, err := strconv.Atoi(r.URL.Query().Get("tal")); err == nil && n >= 0 {
			v.Notice = h.t(r, "panels.staff.notice_sent", n)
		}
	}
	status := st.status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff", v)
}

func (h *handlers) staff(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaff(w, r, staffState{})
}

func (h *handlers) population(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	text := r.PostForm.Get(FieldPopulation)
	_, err := h.svc.SetPopulation(r.Context(), c.Tenant.ID, text, staffActor(r))
	if fields := invalidFields(err); fields != nil {
		line := 0
		if _, args, _ := errs.Public(err); len(args) == 1 {
			line, _ = args[0].(int)
		}
		return h.renderStaff(w, r, staffState{status: http.StatusUnprocessableEntity, population: &text, popFields: fields, popLine: line})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/innbyggerpanel?melding=lagra", http.StatusSeeOther)
	return nil
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	title := r.PostForm.Get(FieldTitle)
	sv, err := h.svc.CreateSurvey(r.Context(), c.Tenant.ID, title, staffActor(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderStaff(w, r, staffState{status: http.StatusUnprocessableEntity, title: title, newFields: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/undersokelser/"+sv.ID, http.StatusSeeOther)
	return nil
}

func (h *handlers) siteURL(r *http.Request) string {
	c := web.From(r)
	if h.publicURL != "" {
		return h.publicURL + "/k/" + c.Tenant.ID + "/"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + c.Tenant.Base
}

// letter is the invitation, in the staff member's language.
func (h *handlers) letter(r *http.Request, sv surveys.Survey) surveys.Letter {
	c := web.From(r)
	name := c.Tenant.Name(c.Lang)
	return surveys.Letter{Subject: h.t(r, "panels.mail.subject", name),
		Body: h.t(r, "panels.mail.body", name, sv.Title, h.siteURL(r)+"innbyggerpanel"),
		Link: h.siteURL(r) + "undersokelser/" + sv.ID}
}

func (h *handlers) send(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	sv, err := h.svc.surveys.Get(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := h.svc.Send(r.Context(), c.Tenant.ID, sv.ID, h.letter(r, sv), staffActor(r))
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/innbyggerpanel?melding=sendt&tal="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

func (h *handlers) results(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	res, err := h.svc.Weighted(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "results", res)
}
