package dialogue

import (
	"embed"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// handlers serve the module's pages.
type handlers struct {
	svc      *Service
	shell    *web.Shell
	pages    *web.Pages
	id       *identity.Service
	byPerson *web.Limiter // statements and questions per signed-in person
	byClient *web.Limiter // statements, questions and posts per client address
	// byPoster limits debate posts per person, byReporter reports.
	byPoster, byReporter *web.Limiter
}

// Routes registers the module's pages on a municipality's mux. The public
// pages work without JavaScript:
//
//	GET  /horingar                               hearings, open and closed
//	GET  /horingar/{id}                          a hearing: documents, deadline, published statements, result
//	GET  /horingar/{id}/dokument/{doc}           a hearing document (download)
//	GET  /horingar/{id}/uttale                   the statement form (citizen sign-in)
//	POST /horingar/{id}/uttale                   submit it (multipart: tekst, vegne, orgnr, orgnavn, publiser, epost, vedlegg)
//	GET  /horingar/{id}/uttale/{sid}/kvittering  the receipt (its author only)
//	GET  /horingar/{id}/uttale/{sid}/vedlegg/{n} an attachment of a published statement
//	GET  /sporsmal                               public questions and answers; ?q= searches, ?ubesvart=1 filters
//	GET  /sporsmal/nytt                          ask an official (citizen sign-in); ?til= chooses the official
//	POST /sporsmal/nytt                          send it (til, sporsmal, epost)
//	GET  /sporsmal/{id}                          a question and its answer
//
// and the debates (see debateRoutes).
//
// The staff pages are under /tilsett/horingar (role
// identity.RoleSecretariat) and /tilsett/dialog (roles
// identity.RoleOfficial and identity.RoleSecretariat); see staffRoutes.
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/partials.html"},
		"templates/hearings.html", "templates/hearing.html", "templates/statement.html", "templates/statement_receipt.html",
		"templates/questions.html", "templates/ask.html", "templates/question.html",
		"templates/staff_hearings.html", "templates/staff_hearing_new.html", "templates/staff_hearing.html", "templates/staff_dialog.html",
		"templates/threads.html", "templates/rules.html", "templates/thread_new.html", "templates/thread.html", "templates/case_debate.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, id: id,
		byPerson: web.NewLimiter(svc.cfg.Rate, time.Hour), byClient: web.NewLimiter(svc.cfg.Rate*6, time.Hour),
		byPoster: web.NewLimiter(svc.cfg.Rate*2, time.Hour), byReporter: web.NewLimiter(svc.cfg.Rate*2, time.Hour)}
	citizen := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireCitizen(identity.LevelSubstantial, fn))
	}
	mux.Handle("GET /horingar", shell.Handle(h.hearings))
	mux.Handle("GET /horingar/{id}", shell.Handle(h.hearing))
	mux.Handle("GET /horingar/{id}/dokument/{doc}", shell.Handle(h.hearingDocument(false)))
	mux.Handle("GET /horingar/{id}/uttale", citizen(h.statementForm))
	mux.Handle("POST /horingar/{id}/uttale", citizen(h.submitStatement))
	mux.Handle("GET /horingar/{id}/uttale/{sid}/kvittering", citizen(h.statementReceipt))
	mux.Handle("GET /horingar/{id}/uttale/{sid}/vedlegg/{n}", shell.Handle(h.statementFile))
	mux.Handle("GET /sporsmal", shell.Handle(h.questions))
	mux.Handle("GET /sporsmal/nytt", citizen(h.askForm))
	mux.Handle("POST /sporsmal/nytt", citizen(h.ask))
	mux.Handle("GET /sporsmal/{id}", shell.Handle(h.question))
	h.staffRoutes(mux)
	h.debateRoutes(mux)
	return nil
}

// --- view helpers ---

// paragraphs splits a text into paragraphs at blank lines, and each
// paragraph into its lines.
func paragraphs(s string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

// formatSize writes a file size for people: "12 kB", "1,4 MB".
func formatSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " kB"
	}
	tenths := (n + 50000) / 100000
	return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " MB"
}

// formatTime writes a moment in Norway: "12.03.2026 14:05".
func formatTime(t time.Time) string { return t.In(oslo).Format("02.01.2006 15:04") }

// fieldErrors returns the field errors of an Invalid error, or nil.
func fieldErrors(err error) map[string]string {
	if !errs.Is(errs.Invalid, err) {
		return nil
	}
	_, _, fields := errs.Public(err)
	return fields
}

// siteURL is the municipality's absolute base URL, for links in e-mail.
func siteURL(r *http.Request) string {
	c := web.From(r)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + c.Tenant.Base
}

// citizenActor is the audit actor of a signed-in citizen.
func citizenActor(c *web.Ctx) audit.Entry {
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleCitizen, RequestID: c.RequestID}
}

// allow takes a token of both limits for the signed-in person of r.
func (h *handlers) allow(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if !h.byPerson.Allow(c.Tenant.ID+" "+c.User.Principal) || !h.byClient.Allow(c.Tenant.ID+" "+web.LimitKey(r)) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("dialogue.error.too_many"))
	}
	return nil
}

// maxUploadMemory is how much of a multipart body is held in memory; the
// rest of a file goes to a temporary file until it is checked.
const maxUploadMemory = 1 << 20

// parseMultipart parses a multipart (or plain) form. tooLarge reports a
// body over the server's limit, which pages answer next to the file
// field.
func parseMultipart(r *http.Request) (tooLarge bool, err error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false, web.ParseForm(r)
	}
	if err := r.ParseMultipartForm(maxUploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return true, nil
		}
		return false, errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	return false, nil
}

// files returns the files posted in field, without the empty part a
// browser sends when none was chosen.
func files(r *http.Request, field string) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	var out []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		out = append(out, fh)
	}
	return out
}

// --- hearings ---

// hearingLine is a hearing in a list.
type hearingLine struct {
	ID, Title, Deadline string
	Open, HasResult     bool
	Statements          int
	Published           bool
}

func hearingLines(list []Hearing, now time.Time) (open, closed []hearingLine) {
	for _, x := range list {
		l := hearingLine{ID: x.ID, Title: x.Title, Deadline: FormatDate(x.Deadline), Open: x.Open(now), HasResult: x.HasResult(), Statements: x.Statements, Published: x.Published()}
		if l.Open || !x.Published() {
			open = append(open, l)
		} else {
			closed = append(closed, l)
		}
	}
	return open, closed
}

func (h *handlers) hearings(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.Hearings(r.Context(), c.Tenant.ID, false)
	if err != nil {
		return err
	}
	open, closed := hearingLines(list, h.svc.db.Now())
	return h.pages.Render(w, r, http.StatusOK, "hearings", struct{ Open, Closed []hearingLine }{open, closed})
}

// docLine is a document in a list.
type docLine struct {
	Href, Title, Name, Type, Size string
}

// statementView is a published statement on the hearing page.
type statementView struct {
	ID, From, OrgNumber, When string
	Body                      [][]string
	Files                     []docLine
}

type hearingView struct {
	Hearing             Hearing
	Description         [][]string
	Deadline, ResultDue string
	Open, Closed        bool
	Documents           []docLine
	Statements          []statementView
	Summary, Usage      [][]string
	Threads             []threadLine
}

func (h *handlers) hearing(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	x, err := h.svc.PublicHearing(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := h.svc.Statements(r.Context(), c.Tenant.ID, x.ID, true, audit.Entry{})
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	v := hearingView{Hearing: x, Description: paragraphs(x.Description), Deadline: formatTime(x.Deadline), ResultDue: FormatDate(x.ResultDue(h.svc.cfg.ResultDays)),
		Open: x.Open(now), Closed: !x.Open(now), Summary: paragraphs(x.ResultSummary), Usage: paragraphs(x.ResultUsage)}
	v.Documents = documentLines(c.Tenant.Base+"horingar/"+x.ID+"/dokument/", x.Documents)
	for _, st := range list {
		sv := statementView{ID: st.ID, From: st.From(), OrgNumber: st.OrgNumber, When: formatTime(st.Created), Body: paragraphs(st.Body)}
		for _, f := range st.Files {
			sv.Files = append(sv.Files, docLine{Href: c.Tenant.Base + "horingar/" + x.ID + "/uttale/" + st.ID + "/vedlegg/" + strconv.Itoa(f.Position),
				Title: f.Name, Name: f.Name, Type: f.ContentType, Size: formatSize(f.Size)})
		}
		v.Statements = append(v.Statements, sv)
	}
	threads, err := h.svc.Threads(r.Context(), c.Tenant.ID, SubjectHearing, x.ID)
	if err != nil {
		return err
	}
	if v.Threads, err = h.threadLines(r, threads); err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "hearing", v)
}

func documentLines(base string, docs []HearingDocument) []docLine {
	var out []docLine
	for _, d := range docs {
		out = append(out, docLine{Href: base + d.ID, Title: d.Title, Name: d.FileName, Type: d.ContentType, Size: formatSize(d.Size)})
	}
	return out
}

// serveFile sends a stored file as a download.
func serveFile(w http.ResponseWriter, name, ctype string, size int64, rc io.ReadCloser) error {
	defer rc.Close()
	hd := w.Header()
	if ctype == "text/plain" {
		ctype = "text/plain; charset=utf-8"
	}
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Length", strconv.FormatInt(size, 10))
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	hd.Set("Cache-Control", "private, max-age=300")
	_, err := io.Copy(w, rc)
	if err != nil {
		return nil // the client went away
	}
	return nil
}

func (h *handlers) hearingDocument(drafts bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c := web.From(r)
		d, rc, err := h.svc.HearingDocumentFile(r.Context(), c.Tenant.ID, r.PathValue("id"), r.PathValue("doc"), drafts)
		if err != nil {
			return err
		}
		return serveFile(w, d.FileName, d.ContentType, d.Size, rc)
	}
}

func (h *handlers) statementFile(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return errs.E(errs.NotFound, errs.Key("dialogue.error.no_document"))
	}
	f, rc, err := h.svc.StatementFileOpen(r.Context(), c.Tenant.ID, r.PathValue("id"), r.PathValue("sid"), n)
	if err != nil {
		return err
	}
	return serveFile(w, f.Name, f.ContentType, f.Size, rc)
}

// --- the statement form ---

type statementFormView struct {
	Hearing      Hearing
	Deadline     string
	Name         string
	Errors       *errorSummary
	FText        field
	FBehalf      field
	FOrgNumber   field
	FOrgName     field
	FPublish     field
	FEmail       field
	FAttachments field
	AllowPublish bool
	MaxFiles     int
	MaxSize      string
	Token        string
}

func (h *handlers) renderStatement(w http.ResponseWriter, r *http.Request, status int, x Hearing, f StatementForm, fields map[string]string) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	b := newForm(t, "", fields)
	behalf := f.OnBehalf
	if behalf == "" {
		behalf = BehalfSelf
	}
	v := statementFormView{Hearing: x, Deadline: formatTime(x.Deadline), Name: c.User.Name, AllowPublish: x.AllowPublish, MaxFiles: MaxAttachments,
		MaxSize: formatSize(h.svc.cfg.MaxFile), Token: f.Token}
	if v.Token == "" {
		v.Token = NewToken()
	}
	v.FText = b.textarea(FieldText, "dialogue.statement.text", "dialogue.statement.text_hint", f.Text, 12)
	v.FBehalf = b.radio(FieldOnBehalf, "dialogue.statement.behalf", "", behalf, []choice{
		{Value: BehalfSelf, Label: t("dialogue.statement.behalf_self", c.User.Name)}, {Value: BehalfOrg, Label: t("dialogue.statement.behalf_org")}})
	v.FOrgNumber = b.add(field{Name: FieldOrgNumber, Type: "text", Label: "dialogue.statement.orgnr", Hint: "dialogue.statement.orgnr_hint", Value: f.OrgNumber,
		Inputmode: "numeric", Class: "short"})
	v.FOrgName = b.text(FieldOrgName, "dialogue.statement.orgname", "", f.OrgName)
	if x.AllowPublish {
		v.FPublish = b.checkbox(FieldPublish, "dialogue.statement.publish", "dialogue.statement.publish_hint", f.Publish)
	}
	v.FEmail = b.add(field{Name: FieldEmail, Type: "email", Label: "dialogue.statement.email", Hint: "dialogue.statement.email_hint", Value: f.Email, Autocomplete: "email"})
	v.FAttachments = b.add(field{Name: FieldAttachments, Type: "file", Label: "dialogue.statement.attachments", Hint: "dialogue.statement.attachments_hint",
		Accept: ".pdf,.png,.jpg,.jpeg,.txt,application/pdf,image/png,image/jpeg,text/plain", Multiple: true})
	v.FAttachments.Hint = t("dialogue.statement.attachments_hint", MaxAttachments, formatSize(h.svc.cfg.MaxFile))
	v.Errors = b.summary()
	return h.pages.Render(w, r, status, "statement", v)
}

func (h *handlers) statementForm(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	x, err := h.svc.PublicHearing(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !x.Open(h.svc.db.Now()) {
		return errs.E(errs.Conflict, errs.Key("dialogue.error.closed"))
	}
	return h.renderStatement(w, r, http.StatusOK, x, StatementForm{}, nil)
}

func (h *handlers) submitStatement(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	x, err := h.svc.PublicHearing(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !x.Open(h.svc.db.Now()) {
		return errs.E(errs.Conflict, errs.Key("dialogue.error.closed"))
	}
	tooLarge, err := parseMultipart(r)
	if err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if tooLarge {
		return h.renderStatement(w, r, http.StatusRequestEntityTooLarge, x, StatementForm{}, map[string]string{FieldAttachments: "dialogue.error.body_large"})
	}
	p := r.Form
	f := StatementForm{Text: p.Get(FieldText), OnBehalf: p.Get(FieldOnBehalf), OrgNumber: p.Get(FieldOrgNumber), OrgName: p.Get(FieldOrgName),
		Email: p.Get(FieldEmail), Publish: p.Get(FieldPublish) != "", Token: p.Get(FieldToken)}
	cleaned, err := CheckStatement(f, x.AllowPublish)
	fields := fieldErrors(err)
	if err != nil && fields == nil {
		return err
	}
	if fields == nil {
		fields = map[string]string{}
	}
	fhs := files(r, FieldAttachments)
	if len(fhs) > MaxAttachments {
		fields[FieldAttachments] = "dialogue.error.too_many_files"
	}
	if len(fields) == 0 {
		for _, fh := range fhs {
			key, err := h.attachment(fh, func(f File) (string, error) { return h.svc.CheckAttachment(f, fh.Size) })
			if err != nil {
				return err
			}
			if key != "" {
				fields[FieldAttachments] = key
				break
			}
		}
	}
	if len(fields) > 0 {
		return h.renderStatement(w, r, http.StatusUnprocessableEntity, x, f, fields)
	}
	// A form sent again (a reload, a double click) gets its receipt, and
	// costs nothing.
	if st, ok, err := h.svc.StatementByToken(r.Context(), c.Tenant.ID, c.User.Principal, cleaned.Token); err != nil {
		return err
	} else if ok && st.HearingID == x.ID {
		http.Redirect(w, r, c.Tenant.Base+"horingar/"+x.ID+"/uttale/"+st.ID+"/kvittering", http.StatusSeeOther)
		return nil
	}
	// Only a valid statement takes a token of the limits, so correcting a
	// mistake costs nothing.
	if err := h.allow(w, r); err != nil {
		return err
	}
	var stored []StatementFile
	for _, fh := range fhs {
		var sf StatementFile
		key, err := h.attachment(fh, func(f File) (string, error) {
			var key string
			var err error
			sf, key, err = h.svc.StoreAttachment(r.Context(), f)
			return key, err
		})
		if err != nil {
			return err
		}
		if key != "" {
			return h.renderStatement(w, r, http.StatusUnprocessableEntity, x, f, map[string]string{FieldAttachments: key})
		}
		stored = append(stored, sf)
	}
	st, err := h.svc.SubmitStatement(r.Context(), c.Tenant.ID, x.ID, Author{Principal: c.User.Principal, Name: c.User.Name}, cleaned, stored, c.Lang, citizenActor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderStatement(w, r, http.StatusUnprocessableEntity, x, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"horingar/"+x.ID+"/uttale/"+st.ID+"/kvittering", http.StatusSeeOther)
	return nil
}

type receiptView struct {
	Hearing                       Hearing
	Statement                     Statement
	When, Deadline, ResultDue     string
	Files                         []StatementFile
	Published, CanPublish, Mailed bool
}

func (h *handlers) statementReceipt(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	st, err := h.svc.Statement(r.Context(), c.Tenant.ID, r.PathValue("sid"))
	if err != nil {
		return err
	}
	if st.Author != c.User.Principal || st.HearingID != r.PathValue("id") {
		return errs.E(errs.NotFound, errs.Key("dialogue.error.no_statement"))
	}
	x, err := h.svc.PublicHearing(r.Context(), c.Tenant.ID, st.HearingID)
	if err != nil {
		return err
	}
	v := receiptView{Hearing: x, Statement: st, When: formatTime(st.Created), Deadline: FormatDate(x.Deadline), ResultDue: FormatDate(x.ResultDue(h.svc.cfg.ResultDays)),
		Files: st.Files, Published: st.Publish, CanPublish: x.AllowPublish, Mailed: st.Email != ""}
	return h.pages.Render(w, r, http.StatusOK, "statement_receipt", v)
}

// attachment opens an uploaded file for fn.
func (h *handlers) attachment(fh *multipart.FileHeader, fn func(File) (string, error)) (string, error) {
	src, err := fh.Open()
	if err != nil {
		return "", errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	defer src.Close()
	return fn(File{Name: fh.Filename, Content: src})
}

// --- questions ---

type questionLine struct {
	// Official is whom the question is to: the official's name, or "the
	// party group X" in the page's language.
	ID, Official, Asker, When, AnsweredWhen string
	// AnsweredLine says who answered when; for a group, who answered on
	// its behalf.
	AnsweredLine            string
	Body, Answer            [][]string
	Answered, Hidden, Group bool
	HiddenReason            string
}

func questionLines(t func(string, ...any) string, list []Question) []questionLine {
	out := make([]questionLine, 0, len(list))
	for _, q := range list {
		l := questionLine{ID: q.ID, Official: q.OfficialName, Asker: q.AskerName, When: formatTime(q.Created), Answered: q.Answered(), Hidden: q.Hidden(),
			HiddenReason: q.HiddenReason, Group: q.ToGroup()}
		if l.Group {
			l.Official = t("dialogue.question.group_name", q.OfficialName)
		}
		if !q.Hidden() {
			l.Body, l.Answer = paragraphs(q.Body), paragraphs(q.Answer)
			if q.Answered() {
				l.AnsweredWhen = formatTime(q.AnsweredAt)
				if l.Group {
					l.AnsweredLine = t("dialogue.question.answered_for", q.AnsweredBy, l.Official, l.AnsweredWhen)
				} else {
					l.AnsweredLine = t("dialogue.question.answered_by", l.Official, l.AnsweredWhen)
				}
			}
		}
		out = append(out, l)
	}
	return out
}

type questionsView struct {
	Query      string
	Unanswered bool
	Searched   bool
	Questions  []questionLine
}

func (h *handlers) questions(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if tooLong(q, 200) {
		q = truncate(q, 200)
	}
	unanswered := r.URL.Query().Get("ubesvart") == "1"
	list, err := h.svc.Questions(r.Context(), c.Tenant.ID, QuestionFilter{Text: q, Unanswered: unanswered})
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "questions", questionsView{Query: q, Unanswered: unanswered, Searched: q != "" || unanswered,
		Questions: questionLines(translator(h.shell, c.Lang), list)})
}

type askView struct {
	Errors     *errorSummary
	FOfficial  field
	FQuestion  field
	FEmail     field
	NoOfficial bool
	AnswerDays int
}

func (h *handlers) renderAsk(w http.ResponseWriter, r *http.Request, status int, f QuestionForm, fields map[string]string) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	list, err := h.svc.Officials(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	groups, err := h.svc.Groups(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	b := newForm(t, "", fields)
	var opts []choice
	for _, o := range list {
		label := o.Name
		if o.Party != "" {
			label += " (" + o.Party + ")"
		}
		if o.Title != "" {
			label += ", " + o.Title
		}
		opts = append(opts, choice{Value: o.ID, Label: label})
	}
	var gopts []choice
	for _, g := range groups {
		gopts = append(gopts, choice{Value: GroupPrefix + g.ID, Label: t("dialogue.ask.group_option", g.Label(), len(g.Members))})
	}
	v := askView{NoOfficial: len(list) == 0, AnswerDays: h.svc.cfg.AnswerDays}
	value := f.OfficialID
	if f.GroupID != "" {
		value = GroupPrefix + f.GroupID
	}
	v.FOfficial = b.selGroups(FieldOfficial, "dialogue.ask.official", "dialogue.ask.official_hint", value,
		[]choice{{Value: "", Label: t("dialogue.ask.choose")}},
		[]optGroup{{Label: t("dialogue.ask.officials"), Options: opts}, {Label: t("dialogue.ask.groups"), Options: gopts}})
	v.FQuestion = b.textarea(FieldQuestion, "dialogue.ask.question", "dialogue.ask.question_hint", f.Text, 8)
	v.FQuestion.Hint = t("dialogue.ask.question_hint", MaxQuestion)
	v.FEmail = b.add(field{Name: FieldEmail, Type: "email", Label: "dialogue.statement.email", Hint: "dialogue.ask.email_hint", Value: f.Email, Autocomplete: "email"})
	v.Errors = b.summary()
	return h.pages.Render(w, r, status, "ask", v)
}

func (h *handlers) askForm(w http.ResponseWriter, r *http.Request) error {
	official, group := ParseAddressee(r.URL.Query().Get(FieldOfficial))
	return h.renderAsk(w, r, http.StatusOK, QuestionForm{OfficialID: official, GroupID: group}, nil)
}

func (h *handlers) ask(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	official, group := ParseAddressee(r.PostForm.Get(FieldOfficial))
	f := QuestionForm{OfficialID: official, GroupID: group, Text: r.PostForm.Get(FieldQuestion), Email: r.PostForm.Get(FieldEmail)}
	if _, err := CheckQuestion(f); err != nil {
		if fields := fieldErrors(err); fields != nil {
			return h.renderAsk(w, r, http.StatusUnprocessableEntity, f, fields)
		}
		return err
	}
	if err := h.allow(w, r); err != nil {
		return err
	}
	q, err := h.svc.Ask(r.Context(), c.Tenant.ID, Author{Principal: c.User.Principal, Name: c.User.Name}, f, c.Lang, siteURL(r), citizenActor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderAsk(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"sporsmal/"+q.ID+"?sendt=1", http.StatusSeeOther)
	return nil
}

type questionView struct {
	Q               questionLine
	Receipt, Mailed bool
	AnswerDays      int
	AnswerDue       string
	// AskValue is the til value that asks the same official or group.
	AskValue string
	// Members names the group's members who may answer (receipt of a
	// group question).
	Members            string
	Unanswered         bool
	CanAnswer, CanHide bool
}

func (h *handlers) question(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	q, err := h.svc.Question(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := questionView{Q: questionLines(translator(h.shell, c.Lang), []Question{q})[0], AnswerDays: h.svc.cfg.AnswerDays,
		AnswerDue: FormatDate(q.AnswerDue(h.svc.cfg.AnswerDays)), AskValue: q.OfficialID, Unanswered: !q.Answered() && !q.Hidden()}
	if q.ToGroup() {
		v.AskValue = GroupPrefix + q.GroupID
	}
	if c.User != nil && c.User.Principal == q.Asker && r.URL.Query().Get("sendt") == "1" {
		v.Receipt, v.Mailed = true, q.Email != ""
		if q.ToGroup() {
			g, err := h.svc.Group(r.Context(), c.Tenant.ID, q.GroupID)
			if err != nil && !errs.Is(errs.NotFound, err) {
				return err
			}
			v.Members = g.MemberNames()
		}
	}
	if c.User != nil && c.User.Staff {
		v.CanAnswer = c.User.Has(identity.RoleOfficial)
		v.CanHide = c.User.Has(identity.RoleSecretariat)
	}
	return h.pages.Render(w, r, http.StatusOK, "question", v)
}
