package dialogue

import (
	"net/http"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// debateRoutes registers the debate pages:
//
//	GET  /debatt                       threads, latest post first
//	GET  /debatt/reglar                the rules of the debate
//	GET  /debatt/sak/{id}              the debate about a political case: its threads
//	GET  /debatt/ny                    start a thread (citizen sign-in); ?horing= about a hearing, ?sak= about a political case
//	POST /debatt/ny                    start it (emne, innlegg, horing or sak)
//	GET  /debatt/{id}                  a thread and its posts
//	POST /debatt/{id}/innlegg          reply (innlegg)
//	POST /debatt/{id}/varsel           daily digest of new posts to epost; av=1 stops it
//	POST /debatt/innlegg/{id}/meld     report a post (grunn)
//	POST /tilsett/dialog/innlegg/{id}/skjul  hide a post with a reason (secretariat)
func (h *handlers) debateRoutes(mux *http.ServeMux) {
	citizen := func(fn web.HandlerFunc) http.Handler {
		return h.shell.Handle(h.id.RequireCitizen(identity.LevelSubstantial, fn))
	}
	mux.Handle("GET /debatt", h.shell.Handle(h.threads))
	mux.Handle("GET /debatt/reglar", h.shell.Handle(h.rules))
	mux.Handle("GET /debatt/sak/{id}", h.shell.Handle(h.caseDebate))
	mux.Handle("GET /debatt/ny", citizen(h.newThreadForm))
	mux.Handle("POST /debatt/ny", citizen(h.startThread))
	mux.Handle("GET /debatt/{id}", h.shell.Handle(h.thread))
	mux.Handle("POST /debatt/{id}/innlegg", citizen(h.reply))
	mux.Handle("POST /debatt/{id}/varsel", citizen(h.subscribe))
	mux.Handle("POST /debatt/innlegg/{id}/meld", citizen(h.report))
	mux.Handle("POST /tilsett/dialog/innlegg/{id}/skjul", h.shell.Handle(h.id.RequireStaff(h.hidePost, identity.RoleSecretariat)))
}

// threadLine is a thread in a list.
type threadLine struct {
	ID, Title, Author, Last, About, AboutHref string
	// AboutNumber is the political case's number; CaseDebate the path of
	// the case's debate page (threads about a political case only).
	AboutNumber, CaseDebate string
	Posts                   int
}

func (h *handlers) threadLines(r *http.Request, list []Thread) ([]threadLine, error) {
	c := web.From(r)
	titles := map[string]string{}
	cases := map[string]CaseRef{}
	out := make([]threadLine, 0, len(list))
	for _, th := range list {
		l := threadLine{ID: th.ID, Title: th.Title, Author: th.AuthorName, Last: formatTime(th.LastPostAt), Posts: th.Posts}
		if th.SubjectKind == SubjectCase {
			ref, ok := cases[th.SubjectID]
			if !ok {
				x, err := h.svc.Case(r.Context(), c.Tenant.ID, th.SubjectID)
				if err != nil && !errs.Is(errs.NotFound, err) {
					return nil, err
				}
				ref, cases[th.SubjectID] = x, x
			}
			if ref.ID != "" {
				l.About, l.AboutHref, l.AboutNumber = ref.Title, c.Tenant.Base+ref.Path, ref.Number
				l.CaseDebate = "debatt/sak/" + ref.ID
			}
		}
		if th.SubjectKind == SubjectHearing {
			title, ok := titles[th.SubjectID]
			if !ok {
				x, err := h.svc.Hearing(r.Context(), c.Tenant.ID, th.SubjectID)
				if err != nil && !errs.Is(errs.NotFound, err) {
					return nil, err
				}
				title, titles[th.SubjectID] = x.Title, x.Title
			}
			l.About, l.AboutHref = title, c.Tenant.Base+"horingar/"+th.SubjectID
		}
		out = append(out, l)
	}
	return out, nil
}

func (h *handlers) threads(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.Threads(r.Context(), c.Tenant.ID, "", "")
	if err != nil {
		return err
	}
	lines, err := h.threadLines(r, list)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "threads", struct{ Threads []threadLine }{lines})
}

// caseDebateView is the debate page of a political case.
type caseDebateView struct {
	Case     CaseRef
	CaseHref string
	Threads  []threadLine
	Posts    int
}

func (h *handlers) caseDebate(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	x, err := h.svc.Case(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := h.svc.Threads(r.Context(), c.Tenant.ID, SubjectCase, x.ID)
	if err != nil {
		return err
	}
	v := caseDebateView{Case: x, CaseHref: c.Tenant.Base + x.Path}
	if v.Threads, err = h.threadLines(r, list); err != nil {
		return err
	}
	for _, th := range list {
		v.Posts += th.Posts
	}
	return h.pages.Render(w, r, http.StatusOK, "case_debate", v)
}

func (h *handlers) rules(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "rules", nil)
}

type newThreadView struct {
	Errors        *errorSummary
	FTitle, FPost field
	HearingID     string
	HearingTitle  string
	Case          *CaseRef
	CaseHref      string
}

// subject is what a new thread is about: a hearing, a political case or
// (both empty) a free topic.
type subject struct{ hearingID, caseID string }

func (h *handlers) renderNewThread(w http.ResponseWriter, r *http.Request, status int, about subject, title, body string, fields map[string]string) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	v := newThreadView{HearingID: about.hearingID}
	if about.hearingID != "" {
		x, err := h.svc.PublicHearing(r.Context(), c.Tenant.ID, about.hearingID)
		if err != nil {
			return err
		}
		v.HearingTitle = x.Title
	} else if about.caseID != "" {
		x, err := h.svc.Case(r.Context(), c.Tenant.ID, about.caseID)
		if err != nil {
			return err
		}
		v.Case, v.CaseHref = &x, c.Tenant.Base+x.Path
	}
	b := newForm(t, "", fields)
	v.FTitle = b.text(FieldThreadTitle, "dialogue.debate.title_field", "", title)
	v.FPost = b.textarea(FieldPost, "dialogue.debate.post", "", body, 8)
	v.FPost.Hint = t("dialogue.debate.post_hint", MaxPost, MaxLinks)
	v.Errors = b.summary()
	return h.pages.Render(w, r, status, "thread_new", v)
}

func (h *handlers) newThreadForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return h.renderNewThread(w, r, http.StatusOK, subject{hearingID: q.Get(FieldHearing), caseID: q.Get(FieldCase)}, "", "", nil)
}

// allowPost takes a token of the posting limit for the signed-in person.
func (h *handlers) allowPost(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if !h.byPoster.Allow(c.Tenant.ID+" "+c.User.Principal) || !h.byClient.Allow(c.Tenant.ID+" "+web.LimitKey(r)) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("dialogue.error.too_many"))
	}
	return nil
}

func (h *handlers) startThread(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	hearing, title, body := r.PostForm.Get(FieldHearing), r.PostForm.Get(FieldThreadTitle), r.PostForm.Get(FieldPost)
	about := subject{hearingID: hearing, caseID: r.PostForm.Get(FieldCase)}
	kind, subjectID := SubjectTopic, ""
	switch {
	case about.hearingID != "":
		kind, subjectID, about.caseID = SubjectHearing, about.hearingID, ""
	case about.caseID != "":
		kind, subjectID = SubjectCase, about.caseID
		// An unknown case, or one of another municipality, is refused
		// before anything else.
		if _, err := h.svc.Case(r.Context(), c.Tenant.ID, subjectID); err != nil {
			return err
		}
	}
	if _, key := checkPost(body); key != "" || clean(title) == "" {
		fields := map[string]string{}
		if key != "" {
			fields[FieldPost] = key
		}
		if clean(title) == "" {
			fields[FieldThreadTitle] = "dialogue.error.title_missing"
		}
		return h.renderNewThread(w, r, http.StatusUnprocessableEntity, about, title, body, fields)
	}
	if err := h.allowPost(w, r); err != nil {
		return err
	}
	th, err := h.svc.StartThread(r.Context(), c.Tenant.ID, kind, subjectID, title, body, Author{Principal: c.User.Principal, Name: c.User.Name}, citizenActor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderNewThread(w, r, http.StatusUnprocessableEntity, about, title, body, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"debatt/"+th.ID, http.StatusSeeOther)
	return nil
}

// postView is a post on a thread page.
type postView struct {
	ID, Author, When, HiddenReason string
	Position                       int
	Body                           [][]string
	Hidden, Mine, Reported         bool
	FReport, FHide                 field
}

type threadView struct {
	Thread               threadLine
	Posts                []postView
	Citizen, Moderator   bool
	Errors               *errorSummary
	FPost, FEmail        field
	Subscribed           string
	Notice               string
	ReportErrors         *errorSummary
	ReportPost, HidePost string
	HideErrors           *errorSummary
}

type threadState struct {
	body, email string
	fields      map[string]string
	postID      string // the post whose report or hide form has errors
	postErrs    map[string]string
	postValue   string
	hide        bool
}

func (h *handlers) renderThread(w http.ResponseWriter, r *http.Request, status int, id string, st threadState) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	th, err := h.svc.Thread(r.Context(), c.Tenant.ID, id)
	if err != nil {
		return err
	}
	posts, err := h.svc.Posts(r.Context(), c.Tenant.ID, th.ID)
	if err != nil {
		return err
	}
	lines, err := h.threadLines(r, []Thread{th})
	if err != nil {
		return err
	}
	v := threadView{Thread: lines[0], Citizen: c.User != nil && !c.User.Staff, Moderator: c.User != nil && c.User.Staff && c.User.Has(identity.RoleSecretariat)}
	switch r.URL.Query().Get("ok") {
	case "meldt":
		v.Notice = t("dialogue.debate.reported")
	case "varsel":
		v.Notice = t("dialogue.debate.subscribed_notice")
	case "av":
		v.Notice = t("dialogue.debate.unsubscribed_notice")
	case "skjult":
		v.Notice = t("dialogue.debate.hidden_notice")
	}
	if status != http.StatusOK {
		v.Notice = ""
	}
	for _, p := range posts {
		pv := postView{ID: p.ID, Author: p.AuthorName, When: formatTime(p.Created), Position: p.Position, Hidden: p.Hidden(), HiddenReason: p.HiddenReason,
			Mine: c.User != nil && c.User.Principal == p.Author}
		if !p.Hidden() {
			pv.Body = paragraphs(p.Body)
		}
		var errs map[string]string
		value := ""
		if st.postID == p.ID {
			errs, value = st.postErrs, st.postValue
		}
		b := newForm(t, "p"+p.ID+"-", errs)
		if v.Citizen && !pv.Mine && !p.Hidden() {
			pv.FReport = b.text(FieldReason, "dialogue.debate.report_reason", "", value)
			if st.postID == p.ID && !st.hide {
				v.ReportErrors, v.ReportPost = b.summary(), p.ID
			}
		}
		if v.Moderator && !p.Hidden() {
			pv.FHide = b.text(FieldReason, "dialogue.staff.reason", "dialogue.staff.reason_hint", value)
			if st.postID == p.ID && st.hide {
				v.HideErrors, v.HidePost = b.summary(), p.ID
			}
		}
		v.Posts = append(v.Posts, pv)
	}
	if v.Citizen {
		email, err := h.svc.Subscribed(r.Context(), c.Tenant.ID, th.ID, c.User.Principal)
		if err != nil {
			return err
		}
		v.Subscribed = email
		b := newForm(t, "", st.fields)
		v.FPost = b.textarea(FieldPost, "dialogue.debate.reply", "", st.body, 6)
		v.FPost.Hint = t("dialogue.debate.post_hint", MaxPost, MaxLinks)
		v.FEmail = b.add(field{Name: FieldEmail, Type: "email", Label: "dialogue.debate.email", Hint: "dialogue.debate.email_hint", Value: st.email, Autocomplete: "email"})
		v.Errors = b.summary()
	}
	return h.pages.Render(w, r, status, "thread", v)
}

func (h *handlers) thread(w http.ResponseWriter, r *http.Request) error {
	return h.renderThread(w, r, http.StatusOK, r.PathValue("id"), threadState{})
}

func (h *handlers) reply(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id, body := r.PathValue("id"), r.PostForm.Get(FieldPost)
	if _, err := h.svc.Thread(r.Context(), c.Tenant.ID, id); err != nil {
		return err
	}
	if _, key := checkPost(body); key != "" {
		return h.renderThread(w, r, http.StatusUnprocessableEntity, id, threadState{body: body, fields: map[string]string{FieldPost: key}})
	}
	if err := h.allowPost(w, r); err != nil {
		return err
	}
	p, err := h.svc.Reply(r.Context(), c.Tenant.ID, id, body, Author{Principal: c.User.Principal, Name: c.User.Name}, citizenActor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderThread(w, r, http.StatusUnprocessableEntity, id, threadState{body: body, fields: fields})
	}
	if errs.Is(errs.Conflict, err) {
		return h.renderThread(w, r, http.StatusConflict, id, threadState{body: body, fields: map[string]string{FieldPost: "dialogue.error.duplicate"}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"debatt/"+id+"#i"+p.ID, http.StatusSeeOther)
	return nil
}

func (h *handlers) subscribe(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	who := Author{Principal: c.User.Principal, Name: c.User.Name}
	if r.PostForm.Get("av") == "1" {
		if _, err := h.svc.Thread(r.Context(), c.Tenant.ID, id); err != nil {
			return err
		}
		if err := h.svc.Unsubscribe(r.Context(), c.Tenant.ID, id, who, citizenActor(c)); err != nil {
			return err
		}
		http.Redirect(w, r, c.Tenant.Base+"debatt/"+id+"?ok=av", http.StatusSeeOther)
		return nil
	}
	email := r.PostForm.Get(FieldEmail)
	err := h.svc.Subscribe(r.Context(), c.Tenant.ID, id, email, c.Lang, who, citizenActor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderThread(w, r, http.StatusUnprocessableEntity, id, threadState{email: email, fields: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"debatt/"+id+"?ok=varsel", http.StatusSeeOther)
	return nil
}

func (h *handlers) report(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	p, err := h.svc.Post(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	reason := r.PostForm.Get(FieldReason)
	if !h.byReporter.Allow(c.Tenant.ID + " " + c.User.Principal) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("dialogue.error.too_many"))
	}
	err = h.svc.Report(r.Context(), c.Tenant.ID, p.ID, reason, Author{Principal: c.User.Principal, Name: c.User.Name}, citizenActor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderThread(w, r, http.StatusUnprocessableEntity, p.ThreadID, threadState{postID: p.ID, postErrs: fields, postValue: reason})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"debatt/"+p.ThreadID+"?ok=meldt", http.StatusSeeOther)
	return nil
}

func (h *handlers) hidePost(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id, reason := r.PathValue("id"), r.PostForm.Get(FieldReason)
	p, err := h.svc.HidePost(r.Context(), c.Tenant.ID, id, reason, staffActor(c, identity.RoleSecretariat))
	if fields := fieldErrors(err); fields != nil {
		post, perr := h.svc.Post(r.Context(), c.Tenant.ID, id)
		if perr != nil {
			return perr
		}
		return h.renderThread(w, r, http.StatusUnprocessableEntity, post.ThreadID, threadState{postID: id, postErrs: fields, postValue: reason, hide: true})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"debatt/"+p.ThreadID+"?ok=skjult", http.StatusSeeOther)
	return nil
}
