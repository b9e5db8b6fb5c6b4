package surveys

import (
	"embed"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// handlers serve the module's pages.
type handlers struct {
	svc       *Service
	shell     *web.Shell
	pages     *web.Pages
	byClient  *web.Limiter // answers per client address
	publicURL string
}

// Routes registers the module's pages on a municipality's mux. They work
// without JavaScript.
//
//	GET  /undersokelser/{id}[?t=token]                        answer a survey (public; t: a personal link)
//	POST /undersokelser/{id}                                  send the answer (fields q-…, t)
//	GET  /tilsett/undersokelser                               the surveys, and a form for a new one (managers, admins)
//	POST /tilsett/undersokelser                               create one
//	GET  /tilsett/undersokelser/{id}                          a survey: settings, questions, audience
//	POST /tilsett/undersokelser/{id}                          change its settings (draft)
//	POST /tilsett/undersokelser/{id}/sporsmal                 add a question (draft)
//	GET  /tilsett/undersokelser/{id}/sporsmal/{q}             edit a question (draft)
//	POST /tilsett/undersokelser/{id}/sporsmal/{q}             save it
//	POST /tilsett/undersokelser/{id}/sporsmal/{q}/flytt       move it (retning=opp|ned)
//	POST /tilsett/undersokelser/{id}/sporsmal/{q}/slett       delete it
//	POST /tilsett/undersokelser/{id}/opne                     open for answers (sends the list's links)
//	POST /tilsett/undersokelser/{id}/lukk                     close
//	POST /tilsett/undersokelser/{id}/mottakarar               add e-mail addresses (field adresser)
//	GET  /tilsett/undersokelser/{id}/resultat[?bakgrunn=q]    results, optionally broken down by question q
//	GET  /tilsett/undersokelser/{id}/resultat.csv[?bakgrunn=q] the same as CSV
//
// publicURL is the deployment's public address (e.g.
// "https://torg.example.no"), for the links in invitations; empty: from
// each request.
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, publicURL string) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/partials.html"},
		"templates/answer.html", "templates/thanks.html", "templates/staff_list.html", "templates/staff_survey.html",
		"templates/staff_question.html", "templates/results.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, byClient: web.NewLimiter(svc.cfg.AnswerRate, time.Hour),
		publicURL: strings.TrimSuffix(publicURL, "/")}
	mux.Handle("GET /undersokelser/{id}", shell.Handle(h.answerPage))
	mux.Handle("POST /undersokelser/{id}", shell.Handle(h.answer))
	staff := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, identity.RoleManager, identity.RoleAdmin))
	}
	mux.Handle("GET /tilsett/undersokelser", staff(h.list))
	mux.Handle("POST /tilsett/undersokelser", staff(h.create))
	mux.Handle("GET /tilsett/undersokelser/{id}", staff(h.survey))
	mux.Handle("POST /tilsett/undersokelser/{id}", staff(h.update))
	mux.Handle("POST /tilsett/undersokelser/{id}/sporsmal", staff(h.addQuestion))
	mux.Handle("GET /tilsett/undersokelser/{id}/sporsmal/{q}", staff(h.question))
	mux.Handle("POST /tilsett/undersokelser/{id}/sporsmal/{q}", staff(h.updateQuestion))
	mux.Handle("POST /tilsett/undersokelser/{id}/sporsmal/{q}/flytt", staff(h.move))
	mux.Handle("POST /tilsett/undersokelser/{id}/sporsmal/{q}/slett", staff(h.deleteQuestion))
	mux.Handle("POST /tilsett/undersokelser/{id}/opne", staff(h.open))
	mux.Handle("POST /tilsett/undersokelser/{id}/lukk", staff(h.close))
	mux.Handle("POST /tilsett/undersokelser/{id}/mottakarar", staff(h.invite))
	mux.Handle("GET /tilsett/undersokelser/{id}/resultat", staff(h.results))
	mux.Handle("GET /tilsett/undersokelser/{id}/resultat.csv", staff(h.resultsCSV))
	return nil
}

// fieldError is one entry of an error summary.
type fieldError struct {
	Href, Key string
	Text      string // the text, when it is not just Key's
}

func (h *handlers) t(r *http.Request, key string, args ...any) string {
	return h.shell.Catalog().T(i18n.Lang(web.From(r).Lang), key, args...)
}

func actorOf(r *http.Request) audit.Entry {
	c := web.From(r)
	role := identity.RoleManager
	if !c.User.Has(identity.RoleManager) {
		role = identity.RoleAdmin
	}
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: role, RequestID: c.RequestID}
}

// --- answering ---

// optionView is a radio button or check box.
type optionView struct {
	ID, Value, Label string
	Checked          bool
}

// itemView is a matrix row.
type itemView struct {
	Name, Label string
	Options     []optionView
}

// questionView is a question on the answer page.
type questionView struct {
	Question
	Number    int
	Name      string // the field name
	InputID   string // the id of its first input, for the error summary
	Options   []optionView
	Items     []itemView
	Text      string
	Error     string
	Condition string // "answer only if …", or empty
	Described string // ids for aria-describedby
}

type answerView struct {
	Survey    Survey
	Statement string // message key of the anonymity statement
	Name      string // the respondent's name, for an identified open survey
	Token     string
	Questions []questionView
	Errors    []fieldError
	Action    string
}

// respondent returns who is answering.
func respondent(r *http.Request, token string) Respondent {
	resp := Respondent{Token: strings.TrimSpace(token)}
	if u := web.From(r).User; u != nil {
		resp.Principal, resp.Name = u.Principal, u.Name
	}
	return resp
}

// statement returns the key of the anonymity statement of sv.
func statement(sv Survey) string {
	switch {
	case sv.Audience == AudiencePanel:
		return "surveys.answer.anonymous_panel"
	case sv.Anonymous && sv.Audience == AudienceList:
		return "surveys.answer.anonymous_list"
	case sv.Anonymous && sv.OneAnswer:
		return "surveys.answer.anonymous_signed_in"
	case sv.Anonymous:
		return "surveys.answer.anonymous"
	case sv.Audience == AudienceList:
		return "surveys.answer.identified_email"
	}
	return "surveys.answer.identified_name"
}

func (h *handlers) renderAnswer(w http.ResponseWriter, r *http.Request, status int, sv Survey, qs []Question, resp Respondent, form url.Values, fields map[string]string) error {
	v := answerView{Survey: sv, Statement: statement(sv), Name: resp.Name, Token: resp.Token, Action: "undersokelser/" + sv.ID}
	number := map[string]int{}
	for i, q := range qs {
		number[q.ID] = i + 1
		qv := questionView{Question: q, Number: i + 1, Name: FieldName(q, 0), Error: fields[FieldName(q, 0)]}
		get := func(name string) []string { return form[name] }
		switch q.Kind {
		case KindSingle, KindScale, KindMultiple:
			for _, c := range q.Choices() {
				val := strconv.Itoa(c.Value)
				qv.Options = append(qv.Options, optionView{ID: qv.Name + "-" + val, Value: val, Label: c.Label, Checked: slices.Contains(get(qv.Name), val)})
			}
			qv.InputID = qv.Options[0].ID
		case KindMatrix:
			for i, row := range q.Rows {
				it := itemView{Name: FieldName(q, i), Label: row}
				for _, c := range q.Choices() {
					val := strconv.Itoa(c.Value)
					it.Options = append(it.Options, optionView{ID: it.Name + "-" + val, Value: val, Label: c.Label, Checked: slices.Contains(get(it.Name), val)})
				}
				qv.Items = append(qv.Items, it)
			}
			qv.InputID = qv.Items[0].Options[0].ID
		case KindText:
			qv.InputID = qv.Name
			if t := get(qv.Name); len(t) > 0 {
				qv.Text = t[0]
			}
		}
		if q.CondQuestion != "" {
			if j := indexOf(qs, q.CondQuestion); j >= 0 {
				label := strconv.Itoa(q.CondChoice)
				for _, c := range qs[j].Choices() {
					if c.Value == q.CondChoice {
						label = c.Label
					}
				}
				qv.Condition = h.t(r, "surveys.answer.condition", label, number[q.CondQuestion])
			}
		}
		var ids []string
		if qv.Condition != "" {
			ids = append(ids, qv.Name+"-cond")
		}
		if q.Help != "" {
			ids = append(ids, qv.Name+"-hint")
		}
		if qv.Error != "" {
			ids = append(ids, qv.Name+"-error")
			v.Errors = append(v.Errors, fieldError{Href: "#" + qv.InputID, Key: qv.Error, Text: h.t(r, "surveys.answer.error_item", i+1, h.t(r, qv.Error))})
		}
		qv.Described = strings.Join(ids, " ")
		v.Questions = append(v.Questions, qv)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the personal link is in the address
	return h.pages.Render(w, r, status, "answer", v)
}

// signIn sends a signed-out visitor to sign in and back, for a survey
// that needs a known respondent.
func signIn(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	http.Redirect(w, r, c.Tenant.Base+"logg-inn?neste="+url.QueryEscape("/"+c.Path), http.StatusSeeOther)
}

func (h *handlers) answerPage(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	resp := respondent(r, r.URL.Query().Get("t"))
	sv, qs, err := h.svc.Prepare(r.Context(), c.Tenant.ID, r.PathValue("id"), resp)
	if errs.Is(errs.Unauthenticated, err) && c.User == nil {
		signIn(w, r)
		return nil
	}
	if err != nil {
		return err
	}
	return h.renderAnswer(w, r, http.StatusOK, sv, qs, resp, url.Values{}, nil)
}

type thanksView struct {
	Survey Survey
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	resp := respondent(r, r.PostForm.Get("t"))
	sv, qs, err := h.svc.Prepare(r.Context(), c.Tenant.ID, id, resp)
	if err != nil {
		return err
	}
	if _, fields := ParseAnswers(qs, r.PostForm); len(fields) > 0 {
		return h.renderAnswer(w, r, http.StatusUnprocessableEntity, sv, qs, resp, r.PostForm, fields)
	}
	// Only a valid answer takes a token of the limit.
	if !h.byClient.Allow(c.Tenant.ID + " " + web.LimitKey(r)) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("surveys.error.too_many"))
	}
	if _, err := h.svc.Answer(r.Context(), c.Tenant.ID, id, resp, r.PostForm); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "thanks", thanksView{Survey: sv})
}

// --- the builder ---

type choiceView struct {
	Value, Label string
	Checked      bool
}

type listView struct {
	Surveys []Survey
	Form    SurveyForm
	Errors  []fieldError
	Field   map[string]string
}

func surveyErrors(fields map[string]string) []fieldError {
	var out []fieldError
	for _, f := range []struct{ name, href string }{{FieldTitle, FieldTitle}, {FieldIntro, FieldIntro}, {FieldAudience, FieldAudience + "-open"}} {
		if k, ok := fields[f.name]; ok {
			out = append(out, fieldError{Href: "#" + f.href, Key: k})
		}
	}
	return out
}

func (h *handlers) renderList(w http.ResponseWriter, r *http.Request, status int, f SurveyForm, fields map[string]string) error {
	list, err := h.svc.List(r.Context(), web.From(r).Tenant.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_list", listView{Surveys: list, Form: f, Field: fields, Errors: surveyErrors(fields)})
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, SurveyForm{Anonymous: true, Audience: AudienceOpen}, nil)
}

func surveyForm(r *http.Request) SurveyForm {
	p := r.PostForm
	return SurveyForm{Title: p.Get(FieldTitle), Intro: p.Get(FieldIntro), Anonymous: p.Get("anonym") == "1", OneAnswer: p.Get("eitt_svar") == "1", Audience: p.Get(FieldAudience)}
}

func invalidFields(err error) map[string]string {
	if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
		return fields
	}
	return nil
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	f := surveyForm(r)
	sv, err := h.svc.Create(r.Context(), c.Tenant.ID, f, actorOf(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderList(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/undersokelser/"+sv.ID, http.StatusSeeOther)
	return nil
}

// questionLine is a question in the builder's list.
type questionLine struct {
	Question
	Number    int
	Condition string
	First     bool
	Last      bool
}

// questionFormView is the form for a question.
type questionFormView struct {
	Action     string
	Form       QuestionForm
	Kinds      []choiceView
	Conditions []choiceView
	Errors     []fieldError
	Field      map[string]string
	Submit     string // message key of the button
}

type surveyView struct {
	Survey     Survey
	Form       SurveyForm // the settings
	SetErrors  []fieldError
	Field      map[string]string // the settings' field errors
	Questions  []questionLine
	QForm      questionFormView
	PublicLink string
	Invites    []Invite
	Count      int // addresses
	Sent       int
	Answered   int
	Addresses  string
	InvErrors  []fieldError
	InvField   map[string]string
	Notice     string // message key
	Total      int64
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

// conditionChoices lists what a question after qs may depend on.
func (h *handlers) conditionChoices(r *http.Request, qs []Question, current string) []choiceView {
	out := []choiceView{{Value: "", Label: h.t(r, "surveys.builder.no_condition"), Checked: current == ""}}
	for i, q := range qs {
		if q.Kind != KindSingle && q.Kind != KindScale {
			continue
		}
		for _, c := range q.Choices() {
			v := q.ID + ":" + strconv.Itoa(c.Value)
			out = append(out, choiceView{Value: v, Label: h.t(r, "surveys.builder.condition_option", i+1, q.Text, c.Label), Checked: v == current})
		}
	}
	return out
}

func questionErrors(fields map[string]string) []fieldError {
	var out []fieldError
	for _, f := range []string{FieldKind, FieldText, FieldHelp, FieldOptions, FieldRows, FieldScaleMin, FieldScaleMax, FieldLowLabel, FieldHighLabel, FieldCondition} {
		if k, ok := fields[f]; ok {
			out = append(out, fieldError{Href: "#" + f, Key: k})
		}
	}
	return out
}

func (h *handlers) questionForm(r *http.Request, action string, f QuestionForm, before []Question, fields map[string]string, submit string) questionFormView {
	v := questionFormView{Action: action, Form: f, Field: fields, Errors: questionErrors(fields), Submit: submit,
		Conditions: h.conditionChoices(r, before, f.Condition)}
	for _, k := range Kinds() {
		v.Kinds = append(v.Kinds, choiceView{Value: k, Label: "surveys.kind." + k, Checked: k == f.Kind})
	}
	return v
}

func formOf(q Question) QuestionForm {
	f := QuestionForm{Kind: q.Kind, Text: q.Text, Help: q.Help, Required: q.Required, Options: strings.Join(q.Options, "\n"), Rows: strings.Join(q.Rows, "\n"),
		LowLabel: q.LowLabel, HighLabel: q.HighLabel, ScaleMin: "1", ScaleMax: "5"}
	if q.Kind == KindScale {
		f.ScaleMin, f.ScaleMax = strconv.Itoa(q.ScaleMin), strconv.Itoa(q.ScaleMax)
	}
	if q.CondQuestion != "" {
		f.Condition = q.CondQuestion + ":" + strconv.Itoa(q.CondChoice)
	}
	return f
}

// page state overrides for renderSurvey.
type surveyState struct {
	status    int
	settings  *SurveyForm
	setFields map[string]string
	newForm   *QuestionForm
	newFields map[string]string
	addresses string
	invFields map[string]string
}

func (h *handlers) renderSurvey(w http.ResponseWriter, r *http.Request, st surveyState) error {
	c := web.From(r)
	ctx := r.Context()
	sv, err := h.svc.Get(ctx, c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	qs, err := h.svc.Questions(ctx, c.Tenant.ID, sv.ID)
	if err != nil {
		return err
	}
	v := surveyView{Survey: sv, Form: SurveyForm{Title: sv.Title, Intro: sv.Intro, Anonymous: sv.Anonymous, OneAnswer: sv.OneAnswer, Audience: sv.Audience},
		PublicLink: h.siteURL(r) + "undersokelser/" + sv.ID, Addresses: st.addresses, InvField: st.invFields, Field: st.setFields}
	if st.settings != nil {
		v.Form = *st.settings
	}
	v.SetErrors = surveyErrors(st.setFields)
	for i, q := range qs {
		l := questionLine{Question: q, Number: i + 1, First: i == 0, Last: i == len(qs)-1}
		if j := indexOf(qs, q.CondQuestion); q.CondQuestion != "" && j >= 0 {
			for _, ch := range qs[j].Choices() {
				if ch.Value == q.CondChoice {
					l.Condition = h.t(r, "surveys.answer.condition", ch.Label, j+1)
				}
			}
		}
		v.Questions = append(v.Questions, l)
	}
	nf := QuestionForm{Kind: KindSingle, ScaleMin: "1", ScaleMax: "5"}
	if st.newForm != nil {
		nf = *st.newForm
	}
	v.QForm = h.questionForm(r, "tilsett/undersokelser/"+sv.ID+"/sporsmal", nf, qs, st.newFields, "surveys.builder.add_question")
	if sv.Audience == AudienceList {
		if v.Invites, err = h.svc.Invites(ctx, c.Tenant.ID, sv.ID); err != nil {
			return err
		}
		v.Count = len(v.Invites)
		for _, i := range v.Invites {
			if i.Sent {
				v.Sent++
			}
			if i.Answered {
				v.Answered++
			}
		}
		if sv.Anonymous {
			v.Invites = nil // who has answered an anonymous survey is not shown
		}
		for _, f := range []string{FieldAddresses} {
			if k, ok := st.invFields[f]; ok {
				v.InvErrors = append(v.InvErrors, fieldError{Href: "#" + f, Key: k})
			}
		}
	}
	if res, err := h.svc.Results(ctx, c.Tenant.ID, sv.ID, ""); err == nil {
		v.Total = res.Total
	}
	if n := r.URL.Query().Get("melding"); slices.Contains([]string{"lagra", "opna", "lukka", "sendt", "sletta"}, n) {
		v.Notice = "surveys.builder.notice_" + n
	}
	status := st.status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_survey", v)
}

func (h *handlers) survey(w http.ResponseWriter, r *http.Request) error {
	return h.renderSurvey(w, r, surveyState{})
}

func (h *handlers) back(w http.ResponseWriter, r *http.Request, notice string) error {
	c := web.From(r)
	target := c.Tenant.Base + "tilsett/undersokelser/" + r.PathValue("id")
	if notice != "" {
		target += "?melding=" + notice
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := surveyForm(r)
	err := h.svc.Update(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"), f, actorOf(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderSurvey(w, r, surveyState{status: http.StatusUnprocessableEntity, settings: &f, setFields: fields})
	}
	if err != nil {
		return err
	}
	return h.back(w, r, "lagra")
}

func postedQuestion(r *http.Request) QuestionForm {
	p := r.PostForm
	return QuestionForm{Kind: p.Get(FieldKind), Text: p.Get(FieldText), Help: p.Get(FieldHelp), Required: p.Get("pakravd") == "1",
		Options: p.Get(FieldOptions), Rows: p.Get(FieldRows), ScaleMin: p.Get(FieldScaleMin), ScaleMax: p.Get(FieldScaleMax),
		LowLabel: p.Get(FieldLowLabel), HighLabel: p.Get(FieldHighLabel), Condition: p.Get(FieldCondition)}
}

func (h *handlers) addQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := postedQuestion(r)
	_, err := h.svc.AddQuestion(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"), f, actorOf(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderSurvey(w, r, surveyState{status: http.StatusUnprocessableEntity, newForm: &f, newFields: fields})
	}
	if err != nil {
		return err
	}
	return h.back(w, r, "lagra")
}

type questionPageView struct {
	Survey   Survey
	Question Question
	Number   int
	QForm    questionFormView
}

func (h *handlers) renderQuestion(w http.ResponseWriter, r *http.Request, status int, f *QuestionForm, fields map[string]string) error {
	c := web.From(r)
	sv, err := h.svc.Get(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	qs, err := h.svc.Questions(r.Context(), c.Tenant.ID, sv.ID)
	if err != nil {
		return err
	}
	i := indexOf(qs, r.PathValue("q"))
	if i < 0 {
		return errs.E(errs.NotFound, errs.Key("surveys.error.question_not_found"))
	}
	form := formOf(qs[i])
	if f != nil {
		form = *f
	}
	v := questionPageView{Survey: sv, Question: qs[i], Number: i + 1,
		QForm: h.questionForm(r, "tilsett/undersokelser/"+sv.ID+"/sporsmal/"+qs[i].ID, form, qs[:i], fields, "surveys.builder.save_question")}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_question", v)
}

func (h *handlers) question(w http.ResponseWriter, r *http.Request) error {
	return h.renderQuestion(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) updateQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	f := postedQuestion(r)
	err := h.svc.UpdateQuestion(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"), r.PathValue("q"), f, actorOf(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderQuestion(w, r, http.StatusUnprocessableEntity, &f, fields)
	}
	if err != nil {
		return err
	}
	return h.back(w, r, "lagra")
}

func (h *handlers) move(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	delta := 0
	switch r.PostForm.Get("retning") {
	case "opp":
		delta = -1
	case "ned":
		delta = 1
	}
	if err := h.svc.MoveQuestion(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"), r.PathValue("q"), delta, actorOf(r)); err != nil {
		return err
	}
	return h.back(w, r, "lagra")
}

func (h *handlers) deleteQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	if err := h.svc.DeleteQuestion(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"), r.PathValue("q"), actorOf(r)); err != nil {
		return err
	}
	return h.back(w, r, "sletta")
}

// letter composes the invitation in the staff member's language.
func (h *handlers) letter(r *http.Request, sv Survey) Letter {
	c := web.From(r)
	link := h.siteURL(r) + "undersokelser/" + sv.ID
	return Letter{Subject: h.t(r, "surveys.mail.subject", c.Tenant.Name(c.Lang)),
		Body: h.t(r, "surveys.mail.body", c.Tenant.Name(c.Lang), sv.Title, h.t(r, statement(sv))), Link: link}
}

func (h *handlers) open(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	sv, err := h.svc.Get(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.Open(r.Context(), c.Tenant.ID, sv.ID, h.letter(r, sv), actorOf(r)); err != nil {
		return err
	}
	return h.back(w, r, "opna")
}

func (h *handlers) close(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	if err := h.svc.Close(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"), actorOf(r)); err != nil {
		return err
	}
	return h.back(w, r, "lukka")
}

func (h *handlers) invite(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	sv, err := h.svc.Get(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	text := r.PostForm.Get(FieldAddresses)
	_, err = h.svc.AddInvites(r.Context(), c.Tenant.ID, sv.ID, text, h.letter(r, sv), actorOf(r))
	if fields := invalidFields(err); fields != nil {
		return h.renderSurvey(w, r, surveyState{status: http.StatusUnprocessableEntity, addresses: text, invFields: fields})
	}
	if err != nil {
		return err
	}
	return h.back(w, r, "sendt")
}
