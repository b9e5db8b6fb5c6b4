package forms

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/outbox"
	"github.com/torg-ekommune/torg/internal/web"
)

// PageDeps are what the citizen's form pages need.
type PageDeps struct {
	Store    *Store
	Blobs    blob.Store
	Outbox   *outbox.Outbox
	Mail     *notify.Queue
	Identity *identity.Service
	// Secure marks the anonymous-draft cookie Secure (and __Host-) and
	// makes links in receipts and e-mail https.
	Secure bool
	// ProcessingDays, when set, gives the promised processing time in days
	// of the service that uses formID, from its service declaration.
	ProcessingDays func(ctx context.Context, tenant, formID string) int
	// SurveyTicket, when set, gives the ticket for the anonymous
	// satisfaction question shown on the receipt page of a submission: the
	// same ticket each time for the same submission, so it is answered once.
	SurveyTicket func(ctx context.Context, tenant, formID, submissionID string) (string, error)
	// AnonymousStarts limits how many drafts one client address may start
	// without signing in; nil means 60 an hour.
	AnonymousStarts *web.Limiter
}

// SubmissionEvent is the type of the outbox event written with every
// submission; case handling and domain systems act on it.
const SubmissionEvent = outbox.TypePrefix + "forms.submission.created"

// pageHandlers serve the form pages.
type pageHandlers struct {
	PageDeps
	shell *web.Shell
	pages *web.Pages
}

// Routes registers the citizen's form pages on a municipality's mux. They
// work without JavaScript; every step is saved in a draft.
//
//	GET  /skjema/{form}                              the form's front page: what it is, the privacy notice, start or resume
//	POST /skjema/{form}                              start a draft (signing in first when the form needs it)
//	GET  /skjema/{form}/{draft}                      continue a draft where it was left
//	GET  /skjema/{form}/{draft}/side/{page}          one step
//	POST /skjema/{form}/{draft}/side/{page}          save the step (next, back, save, add/remove an item or file)
//	GET  /skjema/{form}/{draft}/oppsummering         the summary before submitting
//	POST /skjema/{form}/{draft}/send                 submit (idempotent per draft)
//	GET  /innsending/{id}                            the receipt page
//	GET  /innsending/{id}/kvittering.pdf             the signed PDF receipt
//	GET  /innsending/{id}/kvittering.json            the signed JSON receipt
func Routes(mux *http.ServeMux, shell *web.Shell, deps PageDeps) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/field.partial.html"},
		"templates/start.html", "templates/page.html", "templates/summary.html", "templates/submitted.html")
	if err != nil {
		return err
	}
	if deps.AnonymousStarts == nil {
		deps.AnonymousStarts = web.NewLimiter(60, time.Hour)
	}
	h := &pageHandlers{PageDeps: deps, shell: shell, pages: pages}
	mux.Handle("GET /skjema/{form}", shell.Handle(h.start))
	mux.Handle("POST /skjema/{form}", shell.Handle(h.startDraft))
	mux.Handle("GET /skjema/{form}/{draft}", shell.Handle(h.resume))
	mux.Handle("GET /skjema/{form}/{draft}/side/{page}", shell.Handle(h.page))
	mux.Handle("POST /skjema/{form}/{draft}/side/{page}", shell.Handle(h.savePage))
	mux.Handle("GET /skjema/{form}/{draft}/oppsummering", shell.Handle(h.summary))
	mux.Handle("POST /skjema/{form}/{draft}/send", shell.Handle(h.submit))
	mux.Handle("GET /innsending/{id}", shell.Handle(h.submitted))
	mux.Handle("GET /innsending/{id}/kvittering.pdf", shell.Handle(h.receiptPDF))
	mux.Handle("GET /innsending/{id}/kvittering.json", shell.Handle(h.receiptJSON))
	return nil
}

// anonCookie is the cookie that holds a browser's token for drafts of
// forms without sign-in; only its hash is stored (AnonOwner).
func (h *pageHandlers) anonCookie() string {
	if h.Secure {
		return "__Host-torg_skjema"
	}
	return "torg_skjema"
}

// origin is the scheme and host the request came to, for links in
// receipts, e-mail and events.
func (h *pageHandlers) origin(r *http.Request) string {
	if h.Secure {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// citizen returns the signed-in citizen, or nil.
func citizen(r *http.Request) *web.User {
	if u := web.From(r).User; u != nil && !u.Staff && u.PID != "" {
		return u
	}
	return nil
}

// owners lists who the request may act as for drafts and submissions:
// the signed-in citizen, and the browser's anonymous token.
func (h *pageHandlers) owners(r *http.Request) []string {
	var out []string
	if u := citizen(r); u != nil {
		out = append(out, u.Principal)
	}
	if c, err := r.Cookie(h.anonCookie()); err == nil && len(c.Value) >= 32 {
		out = append(out, AnonOwner(c.Value))
	}
	return out
}

// newOwner returns the owner of a new draft: the signed-in citizen, or
// the browser's anonymous token, set now if the browser has none.
func (h *pageHandlers) newOwner(w http.ResponseWriter, r *http.Request) string {
	if u := citizen(r); u != nil {
		return u.Principal
	}
	if c, err := r.Cookie(h.anonCookie()); err == nil && len(c.Value) >= 32 {
		return AnonOwner(c.Value)
	}
	var b [32]byte
	rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: h.anonCookie(), Value: tok, Path: "/", MaxAge: int(h.Store.DraftLifetime / time.Second),
		HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode})
	return AnonOwner(tok)
}

// level is the ID-porten level a form needs, or "" for none.
func level(f *formdef.Form) string {
	switch f.Assurance {
	case formdef.AssuranceSubstantial:
		return identity.LevelSubstantial
	case formdef.AssuranceHigh:
		return identity.LevelHigh
	}
	return ""
}

// signedInEnough reports whether the request's citizen may fill in f.
func signedInEnough(r *http.Request, f *formdef.Form) bool {
	switch level(f) {
	case "":
		return true
	case identity.LevelHigh:
		u := citizen(r)
		return u != nil && u.ACR == identity.LevelHigh
	default:
		return citizen(r) != nil
	}
}

// signInPath is where a person goes to sign in before filling in f.
func signInPath(f *formdef.Form, next string) string {
	p := "logg-inn?neste=" + url.QueryEscape(next)
	if level(f) == identity.LevelHigh {
		p += "&niva=hoy"
	}
	return p
}

// person is what the sign-in says about the citizen, for prefill.
func person(r *http.Request) formdef.Person {
	if u := citizen(r); u != nil {
		return formdef.Person{Name: u.Name, PID: u.PID, Email: u.Email}
	}
	return formdef.Person{}
}

// loaded is a draft with its form definition.
type loaded struct {
	draft   Draft
	form    *formdef.Form
	answers formdef.Answers
}

// load finds the request's draft and its form, for one of the request's
// owners. A draft of a form that needs sign-in is only found for the
// signed-in citizen who owns it.
func (h *pageHandlers) load(r *http.Request) (loaded, error) {
	c := web.From(r)
	id := r.PathValue("draft")
	var d Draft
	err := errs.E(errs.NotFound, errs.Key("forms.error.no_draft"))
	for _, o := range h.owners(r) {
		if d, err = h.Store.Draft(r.Context(), c.Tenant.ID, id, o); err == nil {
			break
		}
	}
	if err != nil {
		return loaded{}, err
	}
	if d.FormID != r.PathValue("form") {
		return loaded{}, errs.E(errs.NotFound, errs.Key("forms.error.no_draft"))
	}
	p, err := h.Store.Definition(r.Context(), c.Tenant.ID, d.FormID, d.Version)
	if err != nil {
		return loaded{}, err
	}
	a := formdef.Answers{}
	if err := json.Unmarshal(d.Answers, &a); err != nil {
		return loaded{}, errs.E(errs.Internal, err)
	}
	return loaded{draft: d, form: p.Form, answers: p.Form.ApplyPrefill(a, person(r))}, nil
}

// base is the path of a draft's pages, relative to the municipality.
func (l loaded) base() string {
	return "skjema/" + l.draft.FormID + "/" + l.draft.ID + "/"
}

// redirect answers a POST with 303 See Other to p inside the municipality.
func redirect(w http.ResponseWriter, r *http.Request, p string) error {
	http.Redirect(w, r, web.From(r).Tenant.Base+p, http.StatusSeeOther)
	return nil
}

// startView is the front page of a form.
type startView struct {
	FormID, Title, Description string
	Privacy                    formdef.PrivacyNotice
	NeedsSignIn                bool // the form needs sign-in and the person is not
	SignIn                     string
	High                       bool
	Anonymous                  bool // the form can be sent without signing in
	Drafts                     []Draft
	Pages                      []string
}

func (h *pageHandlers) start(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.Store.Definition(r.Context(), c.Tenant.ID, r.PathValue("form"), 0)
	if err != nil {
		return err
	}
	f := p.Form
	v := startView{FormID: f.ID, Title: f.Title.In(c.Lang), Description: f.Description.In(c.Lang), Privacy: f.PrivacyNotice(c.Lang),
		NeedsSignIn: !signedInEnough(r, f), SignIn: signInPath(f, "/skjema/"+f.ID), High: f.Assurance == formdef.AssuranceHigh,
		Anonymous: f.Assurance == formdef.AssuranceNone}
	for _, pg := range f.Pages {
		v.Pages = append(v.Pages, pg.Title.In(c.Lang))
	}
	for _, o := range h.owners(r) {
		list, err := h.Store.Drafts(r.Context(), c.Tenant.ID, o)
		if err != nil {
			return err
		}
		for _, d := range list {
			if d.FormID == f.ID {
				v.Drafts = append(v.Drafts, d)
			}
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "start", v)
}

func (h *pageHandlers) startDraft(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.Store.Definition(r.Context(), c.Tenant.ID, r.PathValue("form"), 0)
	if err != nil {
		return err
	}
	f := p.Form
	if !signedInEnough(r, f) {
		return redirect(w, r, signInPath(f, "/skjema/"+f.ID))
	}
	if citizen(r) == nil && !h.AnonymousStarts.Allow(web.LimitKey(r)) {
		return errs.E(errs.TooMany, errs.Key("forms.error.too_many_starts"))
	}
	d, err := h.Store.CreateDraft(r.Context(), c.Tenant.ID, f.ID, p.Version, h.newOwner(w, r), f.Pages[0].ID)
	if err != nil {
		return err
	}
	return redirect(w, r, "skjema/"+f.ID+"/"+d.ID+"/side/"+d.Page)
}

func (h *pageHandlers) resume(w http.ResponseWriter, r *http.Request) error {
	l, err := h.load(r)
	if err != nil {
		return err
	}
	if l.draft.Page == summaryPage {
		return redirect(w, r, l.base()+"oppsummering")
	}
	return redirect(w, r, l.base()+"side/"+l.draft.Page)
}

// summaryPage is the page a draft is on when every step is done.
const summaryPage = "_summary"
