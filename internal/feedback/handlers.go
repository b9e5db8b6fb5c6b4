package feedback

import (
	"bytes"
	"embed"
	"encoding/csv"
	"net/http"
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

// handlers serve the question, the registration form and the report.
type handlers struct {
	svc      *Service
	shell    *web.Shell
	pages    *web.Pages
	services Services
}

// Routes registers the module's pages on a municipality's mux. They work
// without JavaScript.
//
//	GET  /tilbakemelding?billett=…     the satisfaction question (public)
//	POST /tilbakemelding               answer it (public; fields billett, score, kommentar)
//	GET  /tilsett/kanalar              register submissions on paper, by phone or in person (case workers, managers)
//	POST /tilsett/kanalar              store such a registration
//	GET  /tilsett/styringsdata         figures per service and month against the goals (managers); ?ar=2026 for a year
//	GET  /tilsett/styringsdata.csv     the same figures as CSV (managers)
//
// services gives the municipality's services and the digital counts.
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, services Services) error {
	pages, err := shell.Pages(templateFS, "templates/question.html", "templates/thanks.html", "templates/channels.html", "templates/report.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, services: services}
	mux.Handle("GET /"+Path, shell.Handle(h.question))
	mux.Handle("POST /"+Path, shell.Handle(h.answer))
	staff := func(fn web.HandlerFunc) web.HandlerFunc {
		return id.RequireStaff(fn, identity.RoleCaseworker, identity.RoleManager)
	}
	mux.Handle("GET /tilsett/kanalar", shell.Handle(staff(h.channels)))
	mux.Handle("POST /tilsett/kanalar", shell.Handle(staff(h.register)))
	mux.Handle("GET /tilsett/styringsdata", shell.Handle(id.RequireStaff(h.report, identity.RoleManager)))
	mux.Handle("GET /tilsett/styringsdata.csv", shell.Handle(id.RequireStaff(h.reportCSV, identity.RoleManager)))
	return nil
}

// fieldError is one entry of an error summary: a link to the field and
// the message key.
type fieldError struct {
	Href, Key string
}

// summary lists the field errors in the order of the fields on the page.
// hrefs maps a field name to the id of its first input.
func summary(fields map[string]string, order []string, hrefs map[string]string) []fieldError {
	var out []fieldError
	for _, f := range order {
		if k, ok := fields[f]; ok {
			out = append(out, fieldError{Href: "#" + hrefs[f], Key: k})
		}
	}
	return out
}

// option is a radio button or select option.
type option struct {
	Value, Label string // Label is a message key for radios, a text for selects
	Checked      bool
}

// serviceName returns the name of service id from list, or the id.
func serviceName(list []ServiceRef, id string) string {
	for _, s := range list {
		if s.ID == id {
			return s.Name
		}
	}
	return id
}

// --- the satisfaction question ---

type questionView struct {
	Ticket     string
	Service    string // the service's name; may be empty
	Score      string // as posted
	Comment    string // as posted
	Errors     []fieldError
	Field      map[string]string // field name → message key
	MaxComment int
}

// Scale is the answers to choose from, 1 to 5.
func (v questionView) Scale() []option {
	out := make([]option, 0, MaxScore)
	for n := MinScore; n <= MaxScore; n++ {
		s := strconv.Itoa(n)
		out = append(out, option{Value: s, Label: "feedback.score." + s, Checked: strings.TrimSpace(v.Score) == s})
	}
	return out
}

func (h *handlers) renderQuestion(w http.ResponseWriter, r *http.Request, status int, service string, f AnswerForm, fields map[string]string) error {
	c := web.From(r)
	v := questionView{Ticket: strings.TrimSpace(f.Ticket), Score: f.Score, Comment: f.Comment, Field: fields, MaxComment: MaxComment,
		Errors: summary(fields, []string{FieldScore, FieldComment}, map[string]string{FieldScore: "score-1", FieldComment: FieldComment})}
	if list, err := h.services.List(r.Context(), c.Tenant.ID, c.Lang); err == nil {
		if name := serviceName(list, service); name != service {
			v.Service = name
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "question", v)
}

func (h *handlers) question(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	raw := r.URL.Query().Get(FieldTicket)
	service, err := h.svc.CheckTicket(r.Context(), c.Tenant.ID, raw)
	if err != nil {
		return err
	}
	return h.renderQuestion(w, r, http.StatusOK, service, AnswerForm{Ticket: raw}, nil)
}

type thanksView struct {
	Citizen bool // a citizen is signed in: link to Min side
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	f := AnswerForm{Ticket: r.PostForm.Get(FieldTicket), Score: r.PostForm.Get(FieldScore), Comment: r.PostForm.Get(FieldComment)}
	if _, err := h.svc.Answer(r.Context(), c.Tenant.ID, f); err != nil {
		if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
			service, _ := h.svc.CheckTicket(r.Context(), c.Tenant.ID, f.Ticket)
			return h.renderQuestion(w, r, http.StatusUnprocessableEntity, service, f, fields)
		}
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "thanks", thanksView{Citizen: c.User != nil && !c.User.Staff})
}

// --- registering other channels ---

type registrationView struct {
	Registration
	Service string // its name
}

type channelsView struct {
	Form          ChannelForm
	Services      []option
	Channels      []option
	Errors        []fieldError
	Field         map[string]string
	Saved         bool
	Registrations []registrationView
	Limit         int
}

// recentLimit is how many registrations the page lists.
const recentLimit = 50

func (h *handlers) renderChannels(w http.ResponseWriter, r *http.Request, status int, list []ServiceRef, f ChannelForm, fields map[string]string) error {
	c := web.From(r)
	regs, err := h.svc.Registrations(r.Context(), c.Tenant.ID, recentLimit)
	if err != nil {
		return err
	}
	v := channelsView{Form: f, Field: fields, Saved: status == http.StatusOK && r.URL.Query().Get("registrert") == "1", Limit: recentLimit,
		Errors: summary(fields, []string{FieldService, FieldDate, FieldChannel, FieldCount},
			map[string]string{FieldService: FieldService, FieldDate: FieldDate, FieldChannel: FieldChannel + "-" + ChannelPaper, FieldCount: FieldCount})}
	for _, s := range list {
		v.Services = append(v.Services, option{Value: s.ID, Label: s.Name, Checked: s.ID == f.Service})
	}
	for _, ch := range Channels() {
		v.Channels = append(v.Channels, option{Value: ch, Label: "feedback.channel." + ch, Checked: ch == f.Channel})
	}
	for _, reg := range regs {
		v.Registrations = append(v.Registrations, registrationView{Registration: reg, Service: serviceName(list, reg.ServiceID)})
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "channels", v)
}

func (h *handlers) channels(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.services.List(r.Context(), c.Tenant.ID, c.Lang)
	if err != nil {
		return err
	}
	today := h.svc.db.Now().In(oslo).Format("02.01.2006")
	return h.renderChannels(w, r, http.StatusOK, list, ChannelForm{Date: today}, nil)
}

func (h *handlers) register(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	list, err := h.services.List(r.Context(), c.Tenant.ID, c.Lang)
	if err != nil {
		return err
	}
	known := make([]string, 0, len(list))
	for _, s := range list {
		known = append(known, s.ID)
	}
	f := ChannelForm{Service: r.PostForm.Get(FieldService), Date: r.PostForm.Get(FieldDate), Channel: r.PostForm.Get(FieldChannel), Count: r.PostForm.Get(FieldCount)}
	role := identity.RoleManager
	if c.User.Has(identity.RoleCaseworker) {
		role = identity.RoleCaseworker
	}
	actor := audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: role, RequestID: c.RequestID}
	if _, err := h.svc.Register(r.Context(), c.Tenant.ID, f, known, actor); err != nil {
		if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
			return h.renderChannels(w, r, http.StatusUnprocessableEntity, list, f, fields)
		}
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/kanalar?registrert=1", http.StatusSeeOther)
	return nil
}

// --- the report for managers ---

// yearsBack is how many years before this one the year filter offers.
const yearsBack = 4

// window returns the months the report covers: the last 12, or those of
// the year in ?ar= up to this month, newest first, and the year chosen (0
// for the last 12 months). Errors: Invalid for a year that is not a year
// from 2000 to this one.
func (h *handlers) window(r *http.Request) ([]string, int, error) {
	now := h.svc.db.Now()
	raw := strings.TrimSpace(r.URL.Query().Get("ar"))
	if raw == "" {
		return Months(now, 12), 0, nil
	}
	year, err := strconv.Atoi(raw)
	thisYear := now.In(oslo).Year()
	if err != nil || year < 2000 || year > thisYear {
		return nil, 0, errs.E(errs.Invalid, errs.Key("feedback.error.year"))
	}
	var months []string
	for m := 12; m >= 1; m-- {
		month := time.Date(year, time.Month(m), 1, 0, 0, 0, 0, oslo)
		if month.After(now) {
			continue
		}
		months = append(months, month.Format("2006-01"))
	}
	return months, year, nil
}

// reportRow is a row of the report as the page shows it.
type reportRow struct {
	Row
	MonthName     string // "november 2026"
	Service       string
	DigitalPct    string // "75 %", or "–" without submissions
	DigitalGoal   string // message key: met, not met, or no data
	SatisfiedPct  string
	SatisfiedGoal string
}

type reportView struct {
	Year          int // 0: the last 12 months
	Years         []int
	Rows          []reportRow
	DigitalGoal   int
	SatisfiedGoal int
	CSV           string // the path of the CSV with the same figures
}

func goalKey(met, data bool) string {
	switch {
	case !data:
		return "feedback.report.no_data"
	case met:
		return "feedback.report.met"
	}
	return "feedback.report.not_met"
}

// figures gathers the rows of the report for the request.
func (h *handlers) figures(r *http.Request) ([]reportRow, int, error) {
	c := web.From(r)
	months, year, err := h.window(r)
	if err != nil {
		return nil, 0, err
	}
	from, to, _ := Span(months)
	digital, err := h.services.DigitalCounts(r.Context(), c.Tenant.ID, from, to)
	if err != nil {
		return nil, 0, err
	}
	rows, err := h.svc.Report(r.Context(), c.Tenant.ID, months, digital)
	if err != nil {
		return nil, 0, err
	}
	list, err := h.services.List(r.Context(), c.Tenant.ID, c.Lang)
	if err != nil {
		return nil, 0, err
	}
	cat, lang := h.shell.Catalog(), i18n.Lang(c.Lang)
	pct := func(n int, ok bool) string {
		if !ok {
			return "–"
		}
		return cat.T(lang, "feedback.report.percent", n)
	}
	out := make([]reportRow, 0, len(rows))
	for _, row := range rows {
		v := reportRow{Row: row, Service: serviceName(list, row.ServiceID)}
		if len(row.Month) == 7 {
			v.MonthName = cat.T(lang, "feedback.month."+row.Month[5:]) + " " + row.Month[:4]
		}
		d, dok := row.DigitalShare()
		s, sok := row.SatisfiedShare()
		v.DigitalPct, v.DigitalGoal = pct(d, dok), goalKey(row.DigitalGoalMet(), dok)
		v.SatisfiedPct, v.SatisfiedGoal = pct(s, sok), goalKey(row.SatisfiedGoalMet(), sok)
		out = append(out, v)
	}
	return out, year, nil
}

func (h *handlers) report(w http.ResponseWriter, r *http.Request) error {
	rows, year, err := h.figures(r)
	if err != nil {
		return err
	}
	v := reportView{Year: year, Rows: rows, DigitalGoal: DigitalGoal, SatisfiedGoal: SatisfiedGoal, CSV: "tilsett/styringsdata.csv"}
	if year != 0 {
		v.CSV += "?ar=" + strconv.Itoa(year)
	}
	thisYear := h.svc.db.Now().In(oslo).Year()
	for y := thisYear; y >= thisYear-yearsBack; y-- {
		v.Years = append(v.Years, y)
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "report", v)
}

// csvCell keeps a spreadsheet from reading a text cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (h *handlers) reportCSV(w http.ResponseWriter, r *http.Request) error {
	rows, year, err := h.figures(r)
	if err != nil {
		return err
	}
	c := web.From(r)
	cat, lang := h.shell.Catalog(), i18n.Lang(c.Lang)
	t := func(key string) string { return cat.T(lang, key) }
	yesNo := func(met, data bool) string {
		switch {
		case !data:
			return ""
		case met:
			return t("feedback.csv.yes")
		}
		return t("feedback.csv.no")
	}
	share := func(n int, ok bool) string {
		if !ok {
			return ""
		}
		return strconv.Itoa(n)
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // a byte order mark, so spreadsheets read UTF-8
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	cw.Write([]string{t("feedback.csv.month"), t("feedback.csv.service_id"), t("feedback.csv.service"),
		t("feedback.channel.digital"), t("feedback.channel.papir"), t("feedback.channel.telefon"), t("feedback.channel.oppmote"),
		t("feedback.report.total"), t("feedback.csv.digital_share"), t("feedback.csv.digital_goal"),
		t("feedback.report.answers"), t("feedback.report.satisfied"), t("feedback.csv.satisfied_share"), t("feedback.csv.satisfied_goal")})
	for _, row := range rows {
		d, dok := row.DigitalShare()
		s, sok := row.SatisfiedShare()
		cw.Write([]string{row.Month, csvCell(row.ServiceID), csvCell(row.Service),
			strconv.Itoa(row.Digital), strconv.Itoa(row.Paper), strconv.Itoa(row.Phone), strconv.Itoa(row.InPerson),
			strconv.Itoa(row.Total()), share(d, dok), yesNo(row.DigitalGoalMet(), dok),
			strconv.Itoa(row.Answers), strconv.Itoa(row.Satisfied), share(s, sok), yesNo(row.SatisfiedGoalMet(), sok)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	name := "styringsdata.csv"
	if year != 0 {
		name = "styringsdata-" + strconv.Itoa(year) + ".csv"
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
