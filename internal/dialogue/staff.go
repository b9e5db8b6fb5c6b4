package dialogue

import (
	"io"
	"net/http"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// staffRoutes registers the staff pages.
//
// Hearings are run by the political secretariat (identity.RoleSecretariat):
// a hearing is prepared for a political body, and the secretariat already
// publishes case documents for the public. The administrator role is for
// running Torg and granting roles, and does not need to read citizens'
// statements, so it is not let in (least privilege).
//
//	GET  /tilsett/horingar                     hearings, drafts included
//	GET  /tilsett/horingar/ny                  draft a hearing
//	POST /tilsett/horingar/ny                  store it (multipart: tittel, beskrivelse, frist, kan-publisere, fil)
//	GET  /tilsett/horingar/{id}                a hearing: documents, publish, statements, result
//	GET  /tilsett/horingar/{id}/dokument/{doc} a document, also of a draft
//	POST /tilsett/horingar/{id}/dokument       add a document (before publishing)
//	POST /tilsett/horingar/{id}/publiser       publish: the archive case is created
//	POST /tilsett/horingar/{id}/resultat       publish the summary and how the input was used (after the deadline)
//
// Questions (identity.RoleOfficial answers those addressed to them, and
// to their party group on the group's behalf, matched by e-mail;
// identity.RoleSecretariat moderates):
//
//	GET  /tilsett/dialog                       questions to me and to my party group; all questions for moderation
//	POST /tilsett/dialog/sporsmal/{id}/svar    answer (svar)
//	POST /tilsett/dialog/sporsmal/{id}/skjul   hide with a reason (grunn)
func (h *handlers) staffRoutes(mux *http.ServeMux) {
	secretariat := func(fn web.HandlerFunc) http.Handler {
		return h.shell.Handle(h.id.RequireStaff(fn, identity.RoleSecretariat))
	}
	mux.Handle("GET /tilsett/horingar", secretariat(h.staffHearings))
	mux.Handle("GET /tilsett/horingar/ny", secretariat(h.newHearingForm))
	mux.Handle("POST /tilsett/horingar/ny", secretariat(h.createHearing))
	mux.Handle("GET /tilsett/horingar/{id}", secretariat(h.staffHearing))
	mux.Handle("GET /tilsett/horingar/{id}/dokument/{doc}", secretariat(h.hearingDocument(true)))
	mux.Handle("POST /tilsett/horingar/{id}/dokument", secretariat(h.addDocument))
	mux.Handle("POST /tilsett/horingar/{id}/publiser", secretariat(h.publishHearing))
	mux.Handle("POST /tilsett/horingar/{id}/resultat", secretariat(h.publishResult))
	mux.Handle("GET /tilsett/dialog", h.shell.Handle(h.id.RequireStaff(h.staffDialog, identity.RoleOfficial, identity.RoleSecretariat)))
	mux.Handle("POST /tilsett/dialog/sporsmal/{id}/svar", h.shell.Handle(h.id.RequireStaff(h.answer, identity.RoleOfficial)))
	mux.Handle("POST /tilsett/dialog/sporsmal/{id}/skjul", secretariat(h.hide))
}

// staffActor is the audit actor of a staff request in role.
func staffActor(c *web.Ctx, role string) audit.Entry {
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: role, RequestID: c.RequestID}
}

func (h *handlers) staffHearings(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.Hearings(r.Context(), c.Tenant.ID, true)
	if err != nil {
		return err
	}
	open, closed := hearingLines(list, h.svc.db.Now())
	return h.pages.Render(w, r, http.StatusOK, "staff_hearings", struct{ Open, Closed []hearingLine }{open, closed})
}

type newHearingView struct {
	Errors                                    *errorSummary
	FTitle, FDescription, FDeadline, FPublish field
	FFile                                     field
}

func (h *handlers) renderNewHearing(w http.ResponseWriter, r *http.Request, status int, f HearingForm, fields map[string]string) error {
	t := translator(h.shell, web.From(r).Lang)
	b := newForm(t, "", fields)
	v := newHearingView{}
	v.FTitle = b.text(FieldTitle, "dialogue.staff.title_field", "", f.Title)
	v.FDescription = b.textarea(FieldDescription, "dialogue.staff.description", "dialogue.staff.description_hint", f.Description, 8)
	v.FDeadline = b.add(field{Name: FieldDeadline, Type: "text", Label: "dialogue.staff.deadline", Hint: "dialogue.staff.deadline_hint", Value: f.Deadline, Class: "short"})
	v.FPublish = b.checkbox(FieldAllowPublish, "dialogue.staff.allow_publish", "dialogue.staff.allow_publish_hint", f.AllowPublish)
	v.FFile = b.add(field{Name: FieldFile, Type: "file", Label: "dialogue.staff.file", Hint: "dialogue.staff.file_hint", Accept: ".pdf,.txt,application/pdf,text/plain"})
	v.Errors = b.summary()
	return h.pages.Render(w, r, status, "staff_hearing_new", v)
}

func (h *handlers) newHearingForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderNewHearing(w, r, http.StatusOK, HearingForm{AllowPublish: true}, nil)
}

// upload returns the first file posted in field, or a File without
// content.
func upload(r *http.Request, field string) (File, func(), error) {
	fhs := files(r, field)
	if len(fhs) == 0 {
		return File{}, func() {}, nil
	}
	src, err := fhs[0].Open()
	if err != nil {
		return File{}, nil, errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	return File{Name: fhs[0].Filename, Content: io.Reader(src)}, func() { src.Close() }, nil
}

func (h *handlers) createHearing(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	tooLarge, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if tooLarge {
		return h.renderNewHearing(w, r, http.StatusRequestEntityTooLarge, HearingForm{}, map[string]string{FieldFile: "dialogue.error.body_large"})
	}
	p := r.Form
	f := HearingForm{Title: p.Get(FieldTitle), Description: p.Get(FieldDescription), Deadline: p.Get(FieldDeadline), AllowPublish: p.Get(FieldAllowPublish) != ""}
	file, done, err := upload(r, FieldFile)
	if err != nil {
		return err
	}
	defer done()
	x, err := h.svc.CreateHearing(r.Context(), c.Tenant.ID, f, file, staffActor(c, identity.RoleSecretariat))
	if fields := fieldErrors(err); fields != nil {
		return h.renderNewHearing(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/horingar/"+x.ID+"?lagret=1", http.StatusSeeOther)
	return nil
}

type staffStatement struct {
	From, OrgNumber, Person, When, Entry string
	Publish                              bool
	Body                                 [][]string
	Files                                []StatementFile
}

type staffHearingView struct {
	Hearing               Hearing
	Deadline, ResultDue   string
	Open, Draft, CanClose bool
	Saved                 bool
	Documents             []docLine
	Statements            []staffStatement
	DocErrors, ResErrors  *errorSummary
	FDocTitle, FDocFile   field
	FSummary, FUsage      field
	Summary, Usage        [][]string
}

type staffHearingState struct {
	docErrs, resErrs map[string]string
	summary, usage   string
}

func (h *handlers) renderStaffHearing(w http.ResponseWriter, r *http.Request, status int, id string, st staffHearingState) error {
	c := web.From(r)
	x, err := h.svc.Hearing(r.Context(), c.Tenant.ID, id)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	t := translator(h.shell, c.Lang)
	v := staffHearingView{Hearing: x, Deadline: formatTime(x.Deadline), ResultDue: FormatDate(x.ResultDue(h.svc.cfg.ResultDays)), Open: x.Open(now),
		Draft: !x.Published(), CanClose: x.Published() && !x.Open(now), Saved: r.URL.Query().Get("lagret") == "1" && status == http.StatusOK,
		Summary: paragraphs(x.ResultSummary), Usage: paragraphs(x.ResultUsage)}
	v.Documents = documentLines(c.Tenant.Base+"tilsett/horingar/"+x.ID+"/dokument/", x.Documents)
	if x.Published() {
		list, err := h.svc.Statements(r.Context(), c.Tenant.ID, x.ID, false, staffActor(c, identity.RoleSecretariat))
		if err != nil {
			return err
		}
		for _, s := range list {
			v.Statements = append(v.Statements, staffStatement{From: s.From(), OrgNumber: s.OrgNumber, Person: s.AuthorName, When: formatTime(s.Created),
				Entry: s.EntryNumber, Publish: s.Publish, Body: paragraphs(s.Body), Files: s.Files})
		}
	}
	db := newForm(t, "dok-", st.docErrs)
	v.FDocTitle = db.text(FieldDocTitle, "dialogue.staff.doc_title", "dialogue.staff.doc_title_hint", "")
	v.FDocFile = db.add(field{Name: FieldFile, Type: "file", Label: "dialogue.staff.file", Hint: "dialogue.staff.file_hint", Accept: ".pdf,.txt,application/pdf,text/plain"})
	v.DocErrors = db.summary()
	rb := newForm(t, "", st.resErrs)
	summary, usage := st.summary, st.usage
	if st.resErrs == nil {
		summary, usage = x.ResultSummary, x.ResultUsage
	}
	v.FSummary = rb.textarea(FieldSummary, "dialogue.staff.summary", "dialogue.staff.summary_hint", summary, 8)
	v.FUsage = rb.textarea(FieldUsage, "dialogue.staff.usage", "dialogue.staff.usage_hint", usage, 8)
	v.ResErrors = rb.summary()
	return h.pages.Render(w, r, status, "staff_hearing", v)
}

func (h *handlers) staffHearing(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaffHearing(w, r, http.StatusOK, r.PathValue("id"), staffHearingState{})
}

func (h *handlers) addDocument(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	id := r.PathValue("id")
	tooLarge, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if tooLarge {
		return h.renderStaffHearing(w, r, http.StatusRequestEntityTooLarge, id, staffHearingState{docErrs: map[string]string{FieldFile: "dialogue.error.body_large"}})
	}
	file, done, err := upload(r, FieldFile)
	if err != nil {
		return err
	}
	defer done()
	_, err = h.svc.AddHearingDocument(r.Context(), c.Tenant.ID, id, r.Form.Get(FieldDocTitle), file, staffActor(c, identity.RoleSecretariat))
	if fields := fieldErrors(err); fields != nil {
		return h.renderStaffHearing(w, r, http.StatusUnprocessableEntity, id, staffHearingState{docErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/horingar/"+id+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) publishHearing(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	x, err := h.svc.PublishHearing(r.Context(), c.Tenant.ID, c.Tenant.NameNB, r.PathValue("id"), staffActor(c, identity.RoleSecretariat))
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/horingar/"+x.ID+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) publishResult(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	summary, usage := r.PostForm.Get(FieldSummary), r.PostForm.Get(FieldUsage)
	err := h.svc.PublishResult(r.Context(), c.Tenant.ID, id, summary, usage, staffActor(c, identity.RoleSecretariat))
	if fields := fieldErrors(err); fields != nil {
		return h.renderStaffHearing(w, r, http.StatusUnprocessableEntity, id, staffHearingState{resErrs: fields, summary: summary, usage: usage})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/horingar/"+id+"?lagret=1", http.StatusSeeOther)
	return nil
}

// --- questions ---

type staffQuestion struct {
	questionLine
	Action  string
	Errors  *errorSummary
	FAnswer field
	FReason field
}

type staffDialogView struct {
	Official          *Official
	Mine              []staffQuestion
	All               []staffQuestion
	IsOfficial, IsMod bool
	Saved             bool
	Reported          []reportedPost
}

// reportedPost is a reported post in the moderation list.
type reportedPost struct {
	ID, ThreadID, Author, When string
	Reports                    int
	Body                       [][]string
}

type dialogState struct {
	questionID string
	errs       map[string]string
	value      string
}

func (h *handlers) renderDialog(w http.ResponseWriter, r *http.Request, status int, st dialogState) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	v := staffDialogView{IsOfficial: c.User.Has(identity.RoleOfficial), IsMod: c.User.Has(identity.RoleSecretariat), Saved: r.URL.Query().Get("lagret") == "1" && status == http.StatusOK}
	build := func(q Question, answer bool) staffQuestion {
		sq := staffQuestion{questionLine: questionLines(t, []Question{q})[0]}
		var errs map[string]string
		value := ""
		if st.questionID == q.ID {
			errs, value = st.errs, st.value
		} else if answer {
			value = q.Answer
		}
		b := newForm(t, "q"+q.ID+"-", errs)
		if answer {
			sq.FAnswer = b.textarea(FieldAnswer, "dialogue.staff.answer", "", value, 6)
			sq.Action = "svar"
		} else {
			sq.FReason = b.text(FieldReason, "dialogue.staff.reason", "dialogue.staff.reason_hint", value)
			sq.Action = "skjul"
		}
		sq.Errors = b.summary()
		return sq
	}
	if v.IsOfficial {
		o, ok, err := h.svc.OfficialByEmail(r.Context(), c.Tenant.ID, c.User.Email)
		if err != nil {
			return err
		}
		if ok {
			v.Official = &o
			// Their own questions and their party group's.
			list, err := h.svc.Questions(r.Context(), c.Tenant.ID, QuestionFilter{OfficialID: o.ID, GroupID: o.PartyID, Limit: 500})
			if err != nil {
				return err
			}
			for _, q := range list {
				if !q.Hidden() {
					v.Mine = append(v.Mine, build(q, true))
				}
			}
		}
	}
	if v.IsMod {
		list, err := h.svc.Questions(r.Context(), c.Tenant.ID, QuestionFilter{Limit: 500})
		if err != nil {
			return err
		}
		for _, q := range list {
			v.All = append(v.All, build(q, false))
		}
		posts, err := h.svc.ReportedPosts(r.Context(), c.Tenant.ID)
		if err != nil {
			return err
		}
		for _, p := range posts {
			v.Reported = append(v.Reported, reportedPost{ID: p.ID, ThreadID: p.ThreadID, Author: p.AuthorName, When: formatTime(p.Created), Reports: p.Reports,
				Body: paragraphs(p.Body)})
		}
	}
	return h.pages.Render(w, r, status, "staff_dialog", v)
}

func (h *handlers) staffDialog(w http.ResponseWriter, r *http.Request) error {
	return h.renderDialog(w, r, http.StatusOK, dialogState{})
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	text := r.PostForm.Get(FieldAnswer)
	err := h.svc.Answer(r.Context(), c.Tenant.ID, id, c.User.Email, text, c.Lang, siteURL(r), staffActor(c, identity.RoleOfficial))
	if fields := fieldErrors(err); fields != nil {
		return h.renderDialog(w, r, http.StatusUnprocessableEntity, dialogState{questionID: id, errs: fields, value: text})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/dialog?lagret=1#q"+id, http.StatusSeeOther)
	return nil
}

func (h *handlers) hide(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	reason := r.PostForm.Get(FieldReason)
	err := h.svc.HideQuestion(r.Context(), c.Tenant.ID, id, reason, staffActor(c, identity.RoleSecretariat))
	if fields := fieldErrors(err); fields != nil {
		return h.renderDialog(w, r, http.StatusUnprocessableEntity, dialogState{questionID: id, errs: fields, value: reason})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/dialog?lagret=1", http.StatusSeeOther)
	return nil
}
