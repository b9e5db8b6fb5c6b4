package politics

import (
	"net/http"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/web"
)

// caseRoutes registers the public pages of political cases, follows,
// feeds and search:
//
//	GET  /politikk/saker                    the political cases
//	GET  /politikk/sak/{id}                 a case: its path, where it is, its decisions
//	GET  /politikk/sak/{id}.atom            its Atom feed
//	GET  /politikk/organ/{id}.atom          a body's Atom feed (the body's page is /politikk/organ/{id})
//	GET  /politikk/sak/{id}/folg            follow a case by e-mail
//	POST /politikk/sak/{id}/folg            ask to (field epost); sends the confirmation link
//	GET  /politikk/organ/{id}/folg          follow a body by e-mail
//	POST /politikk/organ/{id}/folg          ask to
//	GET  /politikk/folg/sendt               "check your e-mail"
//	GET  /politikk/folg/bekreft?t=          confirm (a button, so that link checkers confirm nothing)
//	POST /politikk/folg/bekreft             confirm it (field t)
//	GET  /politikk/folg/avslutt?t=          stop following (a button)
//	POST /politikk/folg/avslutt             stop it (field t)
//	GET  /politikk/sok?q=                   search cases, items, decisions and documents
func (h *handlers) caseRoutes(mux *http.ServeMux) {
	mux.Handle("GET /politikk/saker", h.shell.Handle(h.cases))
	mux.Handle("GET /politikk/sak/{id}", h.shell.Handle(h.caseOrFeed))
	mux.Handle("GET /politikk/sak/{id}/folg", h.shell.Handle(h.followForm(FollowCase)))
	mux.Handle("POST /politikk/sak/{id}/folg", h.shell.Handle(h.followSend(FollowCase)))
	mux.Handle("GET /politikk/organ/{id}/folg", h.shell.Handle(h.followForm(FollowBody)))
	mux.Handle("POST /politikk/organ/{id}/folg", h.shell.Handle(h.followSend(FollowBody)))
	mux.Handle("GET /politikk/folg/sendt", h.shell.Handle(h.followSent))
	mux.Handle("GET /politikk/folg/bekreft", h.shell.Handle(h.confirmForm))
	mux.Handle("POST /politikk/folg/bekreft", h.shell.Handle(h.confirm))
	mux.Handle("GET /politikk/folg/avslutt", h.shell.Handle(h.unfollowForm))
	mux.Handle("POST /politikk/folg/avslutt", h.shell.Handle(h.unfollow))
	mux.Handle("GET /politikk/sok", h.shell.Handle(h.search))
}

// publicActor is the audit actor of a request by the public.
func publicActor(c *web.Ctx) audit.Entry {
	a := audit.Entry{ActorID: "anonymous", Role: "public", RequestID: c.RequestID}
	if c.User != nil {
		a.ActorID, a.ActorName, a.Role = c.User.Principal, c.User.Name, "citizen"
		if c.User.Staff {
			a.Role = "staff"
		}
	}
	return a
}

// --- the list of cases ---

type caseLine struct {
	ID, Title, Origin, ArchiveRef string
	Signatures                    int
	Created                       time.Time
}

type casesView struct {
	Cases []caseLine
}

func (h *handlers) cases(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.Cases(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	var v casesView
	for _, x := range list {
		v.Cases = append(v.Cases, caseLine{ID: x.ID, Title: x.Title, Origin: x.Origin, ArchiveRef: x.ArchiveRef, Signatures: x.Signatures, Created: x.Created})
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "cases", v)
}

// --- a case ---

type stepLine struct {
	Body, BodyID, Planned, State string
	MeetingID, ItemID, When      string
	Number                       string
}

type handlingLine struct {
	Body, When, MeetingID, ItemID, Number, Title string
	Decided                                      bool
	DecisionParas                                [][]string
	Vote                                         *Vote
	Unanimous                                    bool
}

type caseView2 struct {
	ID, Title, ArchiveRef, Origin string
	Summary                       [][]string
	Signatures                    int
	Steps                         []stepLine
	Handled, Extra, Decisions     []handlingLine
	Secretariat                   bool
	Follow                        followFormView
	// DebatePath and DebatePosts link to the citizens' debate about the
	// case (Config.DebateLink); no link when DebatePath is empty.
	DebatePath  string
	DebatePosts int
}

func handlingLines(n names, hs []Handling) []handlingLine {
	var out []handlingLine
	for _, x := range hs {
		l := handlingLine{Body: n.bodies[x.Meeting.BodyID].Name, When: when(x.Meeting), MeetingID: x.Meeting.ID, ItemID: x.Item.ID, Number: x.Item.Number,
			Title: x.Item.Title, Decided: x.Item.Decided(), DecisionParas: paragraphs(x.Item.Decision), Vote: x.Item.Vote}
		if l.Vote != nil {
			l.Unanimous = l.Vote.Unanimous()
		}
		out = append(out, l)
	}
	return out
}

func (h *handlers) caseOrFeed(w http.ResponseWriter, r *http.Request) error {
	if id, ok := strings.CutSuffix(r.PathValue("id"), ".atom"); ok {
		return h.feed(w, r, FollowCase, id)
	}
	return h.casePage(w, r)
}

func (h *handlers) casePage(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	cv, err := h.svc.CaseDetail(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	v := caseView2{ID: cv.ID, Title: cv.Title, ArchiveRef: cv.ArchiveRef, Origin: cv.Origin, Summary: paragraphs(cv.Summary), Signatures: cv.Signatures,
		Handled: handlingLines(n, cv.Handled), Extra: handlingLines(n, cv.Extra), Decisions: handlingLines(n, cv.Decision),
		Secretariat: ViewerOf(c.User).Secretariat}
	for _, st := range cv.Steps {
		l := stepLine{Body: n.bodies[st.BodyID].Name, BodyID: st.BodyID, Planned: FormatPlanned(st.Planned), State: st.State}
		if st.Item != nil {
			l.MeetingID, l.ItemID, l.When, l.Number = st.Meeting.ID, st.Item.ID, when(st.Meeting), st.Item.Number
		}
		v.Steps = append(v.Steps, l)
	}
	v.Follow = h.followFields(r, FollowCase, cv.ID, "", nil)
	if h.svc.cfg.DebateLink != nil {
		if v.DebatePath, v.DebatePosts, err = h.svc.cfg.DebateLink(r.Context(), c.Tenant.ID, cv.ID); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	return h.pages.Render(w, r, http.StatusOK, "case", v)
}

// --- feeds ---

// feedLimit is the most entries a feed has.
const feedLimit = 50

func (h *handlers) feed(w http.ResponseWriter, r *http.Request, kind, id string) error {
	c := web.From(r)
	name, err := h.svc.FollowName(r.Context(), c.Tenant.ID, kind, id)
	if err != nil {
		return err
	}
	list, err := h.svc.Events(r.Context(), c.Tenant.ID, kind, id, feedLimit)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	t := translator(h.shell, c.Lang)
	base := h.siteURL(r)
	page := base + "politikk/" + kind + "/" + id
	f := AtomFeed{Lang: c.Lang, ID: page + ".atom", Title: t("politics.feed.title", name, c.Tenant.Name(c.Lang)), Author: AtomPerson{Name: c.Tenant.Name(c.Lang)},
		Links: []AtomLink{{Rel: "self", Type: "application/atom+xml", Href: page + ".atom"}, {Rel: "alternate", Type: "text/html", Href: page}}}
	updated := time.Time{}
	for _, e := range list {
		if e.At.After(updated) {
			updated = e.At
		}
		entry := AtomEntry{ID: "tag:torg," + e.At.UTC().Format("2006-01-02") + ":politikk/" + c.Tenant.ID + "/" + e.ID(), Updated: atomTime(e.At),
			Links: []AtomLink{{Rel: "alternate", Href: base + EventLink(e)}}}
		switch e.Kind {
		case EventDocument:
			entry.Title = t("politics.event.document", e.Item.Number, e.Item.Title, e.Doc.Title)
		case EventDecision:
			entry.Title = t("politics.event.decision", e.Item.Number, e.Item.Title, n.bodies[e.BodyID].Name)
			entry.Summary = e.Item.Decision
		default:
			entry.Title = t("politics.event.meeting", n.bodies[e.BodyID].Name, e.Meeting.Start.In(oslo).Format("02.01.2006"))
		}
		f.Entries = append(f.Entries, entry)
	}
	if updated.IsZero() {
		updated = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		if kind == FollowCase {
			if cs, err := h.svc.Case(r.Context(), c.Tenant.ID, id); err == nil {
				updated = cs.Modified
			}
		} else if b, ok := n.bodies[id]; ok {
			updated = b.Modified
		}
	}
	f.Updated = atomTime(updated)
	hd := w.Header()
	hd.Set("Content-Type", "application/atom+xml; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=300")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(f.Bytes())
	return nil
}

// --- follow ---

type followFormView struct {
	Kind, ID, Name string
	Email          field
	Errors         *errorSummary
}

func (h *handlers) followFields(r *http.Request, kind, id, email string, fields map[string]string) followFormView {
	t := translator(h.shell, web.From(r).Lang)
	b := newForm(t, "folg-", fields)
	v := followFormView{Kind: kind, ID: id}
	v.Email = b.text(FieldSenderEmail, "politics.follow.email", "politics.follow.email_hint", email)
	v.Email.Type, v.Email.Autocomplete = "email", "email"
	v.Errors = b.summary()
	return v
}

func (h *handlers) renderFollow(w http.ResponseWriter, r *http.Request, status int, kind, id, email string, fields map[string]string) error {
	c := web.From(r)
	name, err := h.svc.FollowName(r.Context(), c.Tenant.ID, kind, id)
	if err != nil {
		return err
	}
	v := h.followFields(r, kind, id, email, fields)
	v.Name = name
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "follow", v)
}

func (h *handlers) followForm(kind string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.renderFollow(w, r, http.StatusOK, kind, r.PathValue("id"), "", nil)
	}
}

func (h *handlers) followSend(kind string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := web.ParseForm(r); err != nil {
			return err
		}
		c := web.From(r)
		id := r.PathValue("id")
		if _, err := h.svc.FollowName(r.Context(), c.Tenant.ID, kind, id); err != nil {
			return err
		}
		email := r.PostForm.Get(FieldSenderEmail)
		addr, ok := checkEmail(email)
		if !ok {
			return h.renderFollow(w, r, http.StatusUnprocessableEntity, kind, id, email, map[string]string{FieldSenderEmail: "politics.error.email"})
		}
		if !h.followByClient.Allow(c.Tenant.ID+" "+web.LimitKey(r)) || !h.followByAddress.Allow(c.Tenant.ID+" "+addr) {
			w.Header().Set("Retry-After", "3600")
			return errs.E(errs.TooMany, errs.Key("politics.error.too_many_follow"))
		}
		confirm := h.siteURL(r) + "politikk/folg/bekreft?t="
		err := h.svc.RequestFollow(r.Context(), c.Tenant.ID, kind, id, addr, c.Lang, confirm, publicActor(c))
		if fields := fieldErrors(err); fields != nil {
			return h.renderFollow(w, r, http.StatusUnprocessableEntity, kind, id, email, fields)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, c.Tenant.Base+"politikk/folg/sendt", http.StatusSeeOther)
		return nil
	}
}

type followDoneView struct {
	Title, Lead      string
	Token, Action    string
	Button           string
	Back, BackText   string
	Unsubscribe      string
	Done, ShowButton bool
}

func (h *handlers) followSent(w http.ResponseWriter, r *http.Request) error {
	t := translator(h.shell, web.From(r).Lang)
	v := followDoneView{Title: t("politics.follow.sent_title"), Lead: t("politics.follow.sent_lead", PendingDays), Done: true, Back: "politikk", BackText: t("politics.overview.title")}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "follow_done", v)
}

// followBack returns the page of what a follow follows.
func followBack(f FollowInfo) string { return "politikk/" + f.Kind + "/" + f.TargetID }

func (h *handlers) confirmForm(w http.ResponseWriter, r *http.Request) error {
	t := translator(h.shell, web.From(r).Lang)
	token := r.URL.Query().Get("t")
	if token == "" || len(token) > 64 {
		return errs.E(errs.NotFound, errs.Key("politics.error.follow_not_found"))
	}
	v := followDoneView{Title: t("politics.follow.confirm_title"), Lead: t("politics.follow.confirm_lead"), Token: token, Action: "politikk/folg/bekreft",
		Button: t("politics.follow.confirm_button"), ShowButton: true}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, http.StatusOK, "follow_done", v)
}

func (h *handlers) confirm(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	f, err := h.svc.ConfirmFollow(r.Context(), c.Tenant.ID, r.PostForm.Get("t"), publicActor(c))
	if err != nil {
		return err
	}
	name, err := h.svc.FollowName(r.Context(), c.Tenant.ID, f.Kind, f.TargetID)
	if err != nil {
		return err
	}
	v := followDoneView{Title: t("politics.follow.confirmed_title"), Lead: t("politics.follow.confirmed_lead", name), Done: true, Back: followBack(f), BackText: name,
		Unsubscribe: "politikk/folg/avslutt?t=" + f.Unsubscribe}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, http.StatusOK, "follow_done", v)
}

func (h *handlers) unfollowForm(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	f, err := h.svc.FollowByUnsubscribe(r.Context(), c.Tenant.ID, r.URL.Query().Get("t"))
	if errs.Is(errs.NotFound, err) {
		// Already ended (a second click), or never: the same answer.
		v := followDoneView{Title: t("politics.follow.ended_title"), Lead: t("politics.follow.ended_lead"), Done: true, Back: "politikk", BackText: t("politics.overview.title")}
		w.Header().Set("Cache-Control", "no-store")
		return h.pages.Render(w, r, http.StatusOK, "follow_done", v)
	}
	if err != nil {
		return err
	}
	name, _ := h.svc.FollowName(r.Context(), c.Tenant.ID, f.Kind, f.TargetID)
	v := followDoneView{Title: t("politics.follow.end_title"), Lead: t("politics.follow.end_lead", name), Token: f.Unsubscribe, Action: "politikk/folg/avslutt",
		Button: t("politics.follow.end_button"), ShowButton: true}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, http.StatusOK, "follow_done", v)
}

func (h *handlers) unfollow(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	if _, err := h.svc.Unfollow(r.Context(), c.Tenant.ID, r.PostForm.Get("t"), publicActor(c)); err != nil {
		return err
	}
	v := followDoneView{Title: t("politics.follow.ended_title"), Lead: t("politics.follow.ended_lead"), Done: true, Back: "politikk", BackText: t("politics.overview.title")}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "follow_done", v)
}

// --- search ---

type searchView struct {
	Query    string
	Searched bool
	TooLong  bool
	Hits     []Hit
}

func (h *handlers) search(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := searchView{Query: q}
	if len([]rune(q)) > MaxQuery {
		v.TooLong = true
		v.Query = string([]rune(q)[:MaxQuery])
	} else if q != "" {
		hits, err := h.svc.Search(r.Context(), c.Tenant.ID, q)
		if err != nil {
			return err
		}
		v.Searched, v.Hits = true, hits
	}
	w.Header().Set("Cache-Control", "no-cache")
	status := http.StatusOK
	if v.TooLong {
		status = http.StatusUnprocessableEntity
	}
	return h.pages.Render(w, r, status, "search", v)
}
