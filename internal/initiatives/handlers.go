package initiatives

import (
	"bytes"
	"embed"
	"encoding/csv"
	"encoding/json"
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

// HandlerConfig sets the pages' rate limits. A zero value takes the
// default; a negative one turns the limit off (for load tests only).
type HandlerConfig struct {
	// SignRate is how many signing attempts one person may make a minute
	// (default 10).
	SignRate int
	// ClientRate is how many signing attempts one client address (an IPv4
	// address or an IPv6 /64) may make a minute (default 300: many people
	// may share an address behind a workplace or mobile NAT).
	ClientRate int
	// StartRate is how many initiatives one person may start an hour
	// (default 5).
	StartRate int
}

type handlers struct {
	svc      *Service
	shell    *web.Shell
	pages    *web.Pages
	byPerson *web.Limiter
	byClient *web.Limiter
	starts   *web.Limiter
}

func limiter(n, def int, per time.Duration) *web.Limiter {
	switch {
	case n < 0:
		return nil
	case n == 0:
		n = def
	}
	return web.NewLimiter(n, per)
}

// Routes registers the module's pages on a municipality's mux. They work
// without JavaScript.
//
//	GET  /initiativ                              the municipality's initiatives (public)
//	GET  /initiativ/nytt                         start one (citizens, ID-porten substantial)
//	POST /initiativ/nytt                         store it (fields tittel, tekst)
//	GET  /initiativ/{id}                         the initiative: text, count, threshold, sign button, case link
//	POST /initiativ/{id}/signer                  sign it (citizens); answers with the receipt
//	GET  /initiativ/{id}/forpliktingar           the commitment list explained, and a check (?kode=)
//	GET  /initiativ/{id}/forpliktingar.json      the commitment list as JSON
//	GET  /initiativ/{id}/forpliktingar.csv       the commitment list as CSV
//	GET  /tilsett/initiativ                      initiatives for the political secretariat
//	GET  /tilsett/initiativ/{id}                 one initiative, with the export form (secretariat)
//	POST /tilsett/initiativ/{id}/eksport         the signature list as CSV (secretariat; field formal; audited)
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, cfg HandlerConfig) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/partials.html"}, "templates/list.html", "templates/new.html",
		"templates/initiative.html", "templates/receipt.html", "templates/commitments.html", "templates/staff_list.html", "templates/staff_initiative.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages,
		byPerson: limiter(cfg.SignRate, 10, time.Minute), byClient: limiter(cfg.ClientRate, 300, time.Minute), starts: limiter(cfg.StartRate, 5, time.Hour)}
	citizen := func(fn web.HandlerFunc) web.HandlerFunc { return id.RequireCitizen(identity.LevelSubstantial, fn) }
	secretariat := func(fn web.HandlerFunc) web.HandlerFunc { return id.RequireStaff(fn, identity.RoleSecretariat) }
	mux.Handle("GET /initiativ", shell.Handle(h.list))
	mux.Handle("GET /initiativ/nytt", shell.Handle(citizen(h.newForm)))
	mux.Handle("POST /initiativ/nytt", shell.Handle(citizen(h.create)))
	mux.Handle("GET /initiativ/{id}", shell.Handle(h.show))
	mux.Handle("POST /initiativ/{id}/signer", shell.Handle(citizen(h.sign)))
	mux.Handle("GET /initiativ/{id}/forpliktingar", shell.Handle(h.commitments))
	mux.Handle("GET /initiativ/{id}/forpliktingar.json", shell.Handle(h.commitmentsJSON))
	mux.Handle("GET /initiativ/{id}/forpliktingar.csv", shell.Handle(h.commitmentsCSV))
	mux.Handle("GET /tilsett/initiativ", shell.Handle(secretariat(h.staffList)))
	mux.Handle("GET /tilsett/initiativ/{id}", shell.Handle(secretariat(h.staffShow)))
	mux.Handle("POST /tilsett/initiativ/{id}/eksport", shell.Handle(secretariat(h.export)))
	return nil
}

// fieldError is one entry of an error summary.
type fieldError struct {
	Href, Key string
}

func summary(fields map[string]string, order ...string) []fieldError {
	var out []fieldError
	for _, f := range order {
		if k, ok := fields[f]; ok {
			out = append(out, fieldError{Href: "#" + f, Key: k})
		}
	}
	return out
}

func person(c *web.Ctx) Person {
	return Person{PID: c.User.PID, Name: c.User.Name, RequestID: c.RequestID}
}

// citizenUser reports whether a citizen (not staff) is signed in.
func citizenUser(c *web.Ctx) bool { return c.User != nil && !c.User.Staff && c.User.PID != "" }

// --- public pages ---

type listView struct {
	Initiatives []Initiative
	Population  int
	Threshold   int
	County      bool
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.List(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	pop, err := h.svc.reg.Population(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "list", listView{Initiatives: list, Population: pop, Threshold: Threshold(pop, IsCounty(c.Tenant.ID)), County: IsCounty(c.Tenant.ID)})
}

type newView struct {
	Draft     Draft
	Errors    []fieldError
	Field     map[string]string
	MaxTitle  int
	MaxText   int
	Threshold int
}

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, status int, d Draft, fields map[string]string) error {
	c := web.From(r)
	pop, err := h.svc.reg.Population(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, status, "new", newView{Draft: d, Field: fields, Errors: summary(fields, FieldTitle, FieldText),
		MaxTitle: MaxTitle, MaxText: MaxText, Threshold: Threshold(pop, IsCounty(c.Tenant.ID))})
}

func (h *handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderNew(w, r, http.StatusOK, Draft{}, nil)
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	d := Draft{Title: r.PostForm.Get(FieldTitle), Text: r.PostForm.Get(FieldText)}
	if h.starts != nil && !h.starts.Allow(c.Tenant.ID+" "+c.User.PID) {
		return errs.E(errs.TooMany, errs.Key("initiatives.error.too_many_starts"))
	}
	in, err := h.svc.Create(r.Context(), c.Tenant.ID, d, person(c))
	if err != nil {
		if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
			return h.renderNew(w, r, http.StatusUnprocessableEntity, d, fields)
		}
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"initiativ/"+in.ID+"?oppretta=1", http.StatusSeeOther)
	return nil
}

type showView struct {
	In        Initiative
	Case      CaseStatus
	HasCase   bool
	Citizen   bool // a citizen is signed in
	Staff     bool // staff are signed in (they cannot sign)
	Signed    bool
	Initiator bool
	Created   bool
	SignIn    string // the sign-in link that comes back here
}

func (h *handlers) load(r *http.Request) (Initiative, error) {
	c := web.From(r)
	return h.svc.Get(r.Context(), c.Tenant.ID, r.PathValue("id"))
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	in, err := h.load(r)
	if err != nil {
		return err
	}
	v := showView{In: in, Citizen: citizenUser(c), Staff: c.User != nil && c.User.Staff, Created: r.URL.Query().Get("oppretta") == "1",
		SignIn: "logg-inn?neste=" + strings.ReplaceAll("/initiativ/"+in.ID, "/", "%2F")}
	v.Case, v.HasCase = h.svc.Case(r.Context(), c.Tenant.ID, in)
	if v.Citizen {
		if v.Signed, err = h.svc.HasSigned(r.Context(), c.Tenant.ID, in.ID, c.User.PID); err != nil {
			return err
		}
		if v.Initiator, err = h.svc.IsInitiator(r.Context(), c.Tenant.ID, in, c.User.PID); err != nil {
			return err
		}
	}
	return h.pages.Render(w, r, http.StatusOK, "initiative", v)
}

func (h *handlers) sign(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	if (h.byPerson != nil && !h.byPerson.Allow(c.Tenant.ID+" "+c.User.PID)) || (h.byClient != nil && !h.byClient.Allow(c.Tenant.ID+" "+web.LimitKey(r))) {
		return errs.E(errs.TooMany, errs.Key("initiatives.error.too_many"))
	}
	rc, err := h.svc.Sign(r.Context(), c.Tenant.ID, r.PathValue("id"), person(c))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "receipt", receiptView{In: rc.Initiative, Receipt: rc})
}

type receiptView struct {
	In Initiative
	Receipt
}

// --- the public commitment list ---

type commitmentsView struct {
	In     Initiative
	Count  int
	Code   string // as typed
	Found  bool
	Asked  bool // a valid code was checked
	Errors []fieldError
	Field  map[string]string
}

// FieldCode is the commitment check's field.
const FieldCode = "kode"

func (h *handlers) commitments(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	in, err := h.load(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Commitments(r.Context(), c.Tenant.ID, in.ID)
	if err != nil {
		return err
	}
	v := commitmentsView{In: in, Count: len(list)}
	status := http.StatusOK
	if raw, ok := r.URL.Query()[FieldCode]; ok {
		v.Code = strings.Join(raw, "")
		code, valid := ParseCommitment(v.Code)
		if !valid {
			v.Field = map[string]string{FieldCode: "initiatives.error.code"}
			v.Errors = summary(v.Field, FieldCode)
			status = http.StatusUnprocessableEntity
		} else {
			v.Asked = true
			if v.Found, err = h.svc.HasCommitment(r.Context(), c.Tenant.ID, in.ID, code); err != nil {
				return err
			}
		}
	}
	return h.pages.Render(w, r, status, "commitments", v)
}

// CommitmentList is the public commitment list as JSON.
type CommitmentList struct {
	Initiative  string   `json:"initiative"`
	Title       string   `json:"title"`
	Scheme      string   `json:"scheme"`
	Count       int      `json:"count"`
	Threshold   int      `json:"threshold"`
	Commitments []string `json:"commitments"`
}

// Scheme describes a commitment, in the JSON list.
const Scheme = "hex(SHA-256(salt || initiative || person_key)), salt and person_key as bytes from the hex on the signer's receipt, initiative as ASCII"

func (h *handlers) commitmentsJSON(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	in, err := h.load(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Commitments(r.Context(), c.Tenant.ID, in.ID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(CommitmentList{Initiative: in.ID, Title: in.Title, Scheme: Scheme, Count: len(list), Threshold: in.Threshold, Commitments: list}, "", "  ")
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Disposition", `attachment; filename="forpliktingar-`+in.ID+`.json"`)
	hd.Set("Cache-Control", "no-cache")
	w.Write(append(b, '\n'))
	return nil
}

func (h *handlers) commitmentsCSV(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	in, err := h.load(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Commitments(r.Context(), c.Tenant.ID, in.ID)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("commitment\r\n")
	for _, cm := range list {
		b.WriteString(cm + "\r\n")
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="forpliktingar-`+in.ID+`.csv"`)
	hd.Set("Cache-Control", "no-cache")
	w.Write(b.Bytes())
	return nil
}

// --- the secretariat's pages ---

func (h *handlers) staffList(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.List(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "staff_list", list)
}

type staffView struct {
	In      Initiative
	Case    CaseStatus
	HasCase bool
	Purpose string
	Errors  []fieldError
	Field   map[string]string
}

func (h *handlers) renderStaff(w http.ResponseWriter, r *http.Request, status int, purpose string, fields map[string]string) error {
	c := web.From(r)
	in, err := h.load(r)
	if err != nil {
		return err
	}
	v := staffView{In: in, Purpose: purpose, Field: fields, Errors: summary(fields, FieldPurpose)}
	v.Case, v.HasCase = h.svc.Case(r.Context(), c.Tenant.ID, in)
	return h.pages.Render(w, r, status, "staff_initiative", v)
}

func (h *handlers) staffShow(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaff(w, r, http.StatusOK, "", nil)
}

// csvCell keeps a spreadsheet from reading a text cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	purpose := r.PostForm.Get(FieldPurpose)
	actor := audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleSecretariat, RequestID: c.RequestID}
	id := r.PathValue("id")
	list, err := h.svc.ExportSigners(r.Context(), c.Tenant.ID, id, purpose, actor)
	if err != nil {
		if _, _, fields := errs.Public(err); errs.Is(errs.Invalid, err) && len(fields) > 0 {
			return h.renderStaff(w, r, http.StatusUnprocessableEntity, purpose, fields)
		}
		return err
	}
	cat, lang := h.shell.Catalog(), i18n.Lang(c.Lang)
	t := func(key string) string { return cat.T(lang, key) }
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // a byte order mark, so spreadsheets read UTF-8
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	cw.Write([]string{t("initiatives.csv.name"), t("initiatives.csv.pid"), t("initiatives.csv.signed_at"), t("initiatives.csv.resident")})
	for _, s := range list {
		res := t("initiatives.csv.no")
		if s.Resident {
			res = t("initiatives.csv.yes")
		}
		cw.Write([]string{csvCell(s.Name), s.PID, s.SignedAt.In(oslo).Format("2006-01-02 15:04:05"), res})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="underskrifter-`+id+`.csv"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// oslo is the time zone the export's times are written in.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()
