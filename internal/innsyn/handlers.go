package innsyn

import (
	"embed"
	"errors"
	"io"
	"mime"
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
	byClient *web.Limiter // requests per client address
}

// Routes registers the module's pages on a municipality's mux. The
// public pages work without JavaScript and without sign-in:
//
//	POST /innsyn                                   the entries ticked in the public journal (field jp, repeated): redirects to
//	GET  /innsyn?jp=...                            the entries with their public titles, and the e-mail address asked for
//	POST /innsyn/send                              make the request (jp, epost)
//	GET  /innsyn/kvittering/{token}                the receipt, with the status link
//	GET  /innsyn/status/{token}                    the status of each entry, and what was handed out
//	GET  /innsyn/status/{token}/dokument/{nr}/{id} a granted entry's file
//	GET  /innsyn/status/{token}/sladda/{nr}        a redacted copy
//
// A citizen signed in (ID-porten, substantial) finds the requests made
// while signed in on Min side, with the same documents, without the link:
//
//	GET  /min-side/innsyn                          the list
//	GET  /min-side/innsyn/{id}                     one request's status
//	GET  /min-side/innsyn/{id}/dokument/{nr}/{id}  a granted entry's file
//	GET  /min-side/innsyn/{id}/sladda/{nr}         a redacted copy
//
// The archivists' pages (role identity.RoleArchivist):
//
//	GET  /tilsett/innsyn                 the queue (eining: a unit; vis=alle: answered ones too)
//	GET  /tilsett/innsyn/statistikk      figures per unit (fra, til: dates)
//	GET  /tilsett/innsyn/{id}            a request, with a decision form per entry
//	POST /tilsett/innsyn/{id}            decide on one entry (nr, vedtak, hjemmel, klage, merknad, fil)
func Routes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/partials.html"},
		"templates/request.html", "templates/receipt.html", "templates/status.html",
		"templates/staff_queue.html", "templates/staff_request.html", "templates/staff_stats.html", "templates/mine.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, shell: shell, pages: pages, id: id, byClient: web.NewLimiter(svc.cfg.MaxPerDay, 24*time.Hour)}
	mux.Handle("POST /innsyn", shell.Handle(h.selectEntries))
	mux.Handle("GET /innsyn", shell.Handle(h.requestForm))
	mux.Handle("POST /innsyn/send", shell.Handle(h.send))
	mux.Handle("GET /innsyn/kvittering/{token}", shell.Handle(h.receipt))
	mux.Handle("GET /innsyn/status/{token}", shell.Handle(h.status))
	mux.Handle("GET /innsyn/status/{token}/dokument/{nr}/{obj}", shell.Handle(h.document))
	mux.Handle("GET /innsyn/status/{token}/sladda/{nr}", shell.Handle(h.redacted))
	citizen := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireCitizen(identity.LevelSubstantial, fn))
	}
	mux.Handle("GET /min-side/innsyn", citizen(h.mine))
	mux.Handle("GET /min-side/innsyn/{id}", citizen(h.mineStatus))
	mux.Handle("GET /min-side/innsyn/{id}/dokument/{nr}/{obj}", citizen(h.mineDocument))
	mux.Handle("GET /min-side/innsyn/{id}/sladda/{nr}", citizen(h.mineRedacted))
	staff := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, identity.RoleArchivist))
	}
	mux.Handle("GET /tilsett/innsyn", staff(h.queue))
	mux.Handle("GET /tilsett/innsyn/statistikk", staff(h.stats))
	mux.Handle("GET /tilsett/innsyn/{id}", staff(h.staffRequest))
	mux.Handle("POST /tilsett/innsyn/{id}", staff(h.decide))
	return nil
}

// siteURL is the municipality's absolute page address, ending in "/".
func (h *handlers) siteURL(r *http.Request) string {
	c := web.From(r)
	if h.svc.cfg.TenantURL != nil || h.svc.cfg.PublicURL != "" {
		return h.svc.tenantURL(c.Tenant.ID)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + c.Tenant.Base
}

// actorOf is the audit actor of the request's user.
func actorOf(c *web.Ctx) audit.Entry {
	a := audit.Entry{ActorID: "anonymous", Role: "public", RequestID: c.RequestID}
	if c.User != nil {
		a.ActorID, a.ActorName, a.Role = c.User.Principal, c.User.Name, "citizen"
		if c.User.Staff {
			a.Role = "staff"
			if c.User.Has(identity.RoleArchivist) {
				a.Role = identity.RoleArchivist
			}
		}
	}
	return a
}

// fieldErrors returns the field errors of an Invalid error, or nil.
func fieldErrors(err error) map[string]string {
	if err == nil || !errs.Is(errs.Invalid, err) {
		return nil
	}
	_, _, fields := errs.Public(err)
	return fields
}

// --- the request ---

// selectEntries takes the entries ticked in the public journal and
// redirects to the page that shows them (Post-Redirect-Get).
func (h *handlers) selectEntries(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	ids, err := ParseIDs(r.PostForm[FieldEntry], h.svc.cfg.MaxEntries)
	if err != nil {
		return err
	}
	q := url.Values{FieldEntry: ids}
	http.Redirect(w, r, web.From(r).Tenant.Base+"innsyn?"+q.Encode(), http.StatusSeeOther)
	return nil
}

type requestView struct {
	Lines    []Line
	IDs      []string
	SignedIn bool
	Name     string
	Email    field
	Errors   *errorSummary
	Deadline int
}

func (h *handlers) requestForm(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	ids := r.URL.Query()[FieldEntry]
	lines, err := h.svc.Preview(r.Context(), c.Tenant.ID, ids)
	if err != nil {
		return err
	}
	email := ""
	if c.User != nil {
		email = c.User.Email
	}
	return h.renderRequest(w, r, http.StatusOK, lines, email, nil)
}

func (h *handlers) renderRequest(w http.ResponseWriter, r *http.Request, status int, lines []Line, email string, fields map[string]string) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	b := newForm(t, "", fields)
	v := requestView{Lines: lines, SignedIn: c.User != nil, Deadline: h.svc.cfg.DeadlineDays}
	for _, l := range lines {
		v.IDs = append(v.IDs, l.EntryID)
	}
	if c.User != nil {
		v.Name = c.User.Name
		v.Email = b.text(FieldEmail, "innsyn.request.email", "innsyn.request.email_optional", email)
	} else {
		v.Email = b.text(FieldEmail, "innsyn.request.email", "innsyn.request.email_hint", email)
	}
	v.Email.Type, v.Email.Autocomplete = "email", "email"
	v.Errors = b.summary()
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "request", v)
}

func (h *handlers) send(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	ids, email := r.PostForm[FieldEntry], r.PostForm.Get(FieldEmail)
	who := Requester{Email: email}
	if c.User != nil {
		who.Principal = c.User.Principal
	}
	if !h.byClient.Allow(c.Tenant.ID + " " + web.LimitKey(r)) {
		w.Header().Set("Retry-After", "3600")
		return errs.E(errs.TooMany, errs.Key("innsyn.error.too_many"))
	}
	rec, err := h.svc.Submit(r.Context(), c.Tenant.ID, ids, who, c.Lang, h.siteURL(r), actorOf(c))
	if fields := fieldErrors(err); fields != nil {
		if fields[FieldEntry] != "" {
			// The entries came from the page itself: a changed or stale
			// list is answered as such.
			return err
		}
		lines, perr := h.svc.Preview(r.Context(), c.Tenant.ID, ids)
		if perr != nil {
			return perr
		}
		return h.renderRequest(w, r, http.StatusUnprocessableEntity, lines, email, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"innsyn/kvittering/"+rec.Token, http.StatusSeeOther)
	return nil
}

// lineView is a line as the requester's pages show it.
type lineView struct {
	Line
	Documents []docView
}

type docView struct {
	Title, Name, Href, Size string
}

type statusView struct {
	Ref, Token, Link, Email string
	Mine                    bool // on Min side: no link to keep
	Created, Deadline       string
	Closed, Overdue         bool
	Lines                   []lineView
}

func (h *handlers) statusData(r *http.Request, withDocs bool) (statusView, error) {
	c := web.From(r)
	token := r.PathValue("token")
	req, err := h.svc.Status(r.Context(), c.Tenant.ID, token)
	if err != nil {
		return statusView{}, err
	}
	v, err := h.view(r, req, "innsyn/status/"+token+"/", withDocs)
	v.Token, v.Link = token, h.siteURL(r)+"innsyn/status/"+token
	return v, err
}

// view is the requester's view of req; prefix is where its files are.
func (h *handlers) view(r *http.Request, req Request, prefix string, withDocs bool) (statusView, error) {
	v := statusView{Ref: req.Ref(), Email: req.Email, Mine: req.Principal != "",
		Created: req.Created.In(oslo).Format("02.01.2006 15:04"), Deadline: req.Deadline.Format("02.01.2006"),
		Closed: !req.Closed.IsZero(), Overdue: req.Overdue(h.svc.db.Now())}
	for _, l := range req.Lines {
		lv := lineView{Line: l}
		if withDocs && l.Decision == Granted {
			docs, err := h.svc.Documents(r.Context(), req, l.Nr)
			if err != nil {
				return statusView{}, err
			}
			for _, d := range docs {
				lv.Documents = append(lv.Documents, docView{Title: d.Title, Name: d.Object.Filnavn, Size: formatSize(d.Object.Filstoerrelse),
					Href: prefix + "dokument/" + strconv.Itoa(l.Nr) + "/" + d.Object.SystemID})
			}
		}
		if withDocs && l.Decision == Partly && l.Redacted != nil {
			lv.Documents = append(lv.Documents, docView{Name: l.Redacted.Name, Size: formatSize(l.Redacted.Size),
				Href: prefix + "sladda/" + strconv.Itoa(l.Nr)})
		}
		v.Lines = append(v.Lines, lv)
	}
	return v, nil
}

func (h *handlers) receipt(w http.ResponseWriter, r *http.Request) error {
	v, err := h.statusData(r, false)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, http.StatusOK, "receipt", v)
}

func (h *handlers) status(w http.ResponseWriter, r *http.Request) error {
	v, err := h.statusData(r, true)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.pages.Render(w, r, http.StatusOK, "status", v)
}

// lineNr reads the {nr} of a path.
func lineNr(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("nr"))
	if err != nil || n <= 0 || n > 10000 {
		return 0, errs.E(errs.NotFound, errs.Key("innsyn.error.no_document"))
	}
	return n, nil
}

func (h *handlers) document(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	nr, err := lineNr(r)
	if err != nil {
		return err
	}
	f, rc, err := h.svc.OpenDocument(r.Context(), c.Tenant.ID, r.PathValue("token"), nr, r.PathValue("obj"), actorOf(c))
	if err != nil {
		return err
	}
	defer rc.Close()
	return serveFile(w, f, rc)
}

func (h *handlers) redacted(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	nr, err := lineNr(r)
	if err != nil {
		return err
	}
	f, rc, err := h.svc.OpenRedacted(r.Context(), c.Tenant.ID, r.PathValue("token"), nr, actorOf(c))
	if err != nil {
		return err
	}
	defer rc.Close()
	return serveFile(w, f, rc)
}

// serveFile sends a file as a download: its type as stored, never
// sniffed, and never shown in the page's origin.
func serveFile(w http.ResponseWriter, f File, rc io.Reader) error {
	ctype := f.Type
	if ctype == "" || strings.ContainsAny(ctype, "\r\n") {
		ctype = "application/octet-stream"
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	name := f.Name
	if name == "" {
		name = "dokument"
	}
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	if f.Size > 0 {
		hd.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return nil // the client went away, or the status is sent: nothing to answer
	}
	return nil
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

// --- Min side ---

type mineRow struct {
	ID, Ref, Created, Deadline string
	Entries, Open              int
	Closed                     bool
}

func (h *handlers) mine(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.ByPrincipal(r.Context(), c.Tenant.ID, c.User.Principal)
	if err != nil {
		return err
	}
	rows := make([]mineRow, 0, len(list))
	for _, q := range list {
		rows = append(rows, mineRow{ID: q.ID, Ref: q.Ref(), Created: q.Created.In(oslo).Format("02.01.2006"), Deadline: q.Deadline.Format("02.01.2006"),
			Entries: len(q.Lines), Open: q.Open(), Closed: !q.Closed.IsZero()})
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "mine", rows)
}

func (h *handlers) mineStatus(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	req, err := h.svc.Mine(r.Context(), c.Tenant.ID, r.PathValue("id"), c.User.Principal)
	if err != nil {
		return err
	}
	v, err := h.view(r, req, "min-side/innsyn/"+req.ID+"/", true)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "status", v)
}

func (h *handlers) mineDocument(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	nr, err := lineNr(r)
	if err != nil {
		return err
	}
	f, rc, err := h.svc.OpenDocumentFor(r.Context(), c.Tenant.ID, r.PathValue("id"), c.User.Principal, nr, r.PathValue("obj"), actorOf(c))
	if err != nil {
		return err
	}
	defer rc.Close()
	return serveFile(w, f, rc)
}

func (h *handlers) mineRedacted(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	nr, err := lineNr(r)
	if err != nil {
		return err
	}
	f, rc, err := h.svc.OpenRedactedFor(r.Context(), c.Tenant.ID, r.PathValue("id"), c.User.Principal, nr, actorOf(c))
	if err != nil {
		return err
	}
	defer rc.Close()
	return serveFile(w, f, rc)
}
