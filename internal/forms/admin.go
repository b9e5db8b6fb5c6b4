package forms

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// adminHandlers serve the administrators' pages for form definitions.
type adminHandlers struct {
	store *Store
	shell *web.Shell
	pages *web.Pages
}

// AdminRoutes registers the administrators' pages (role admin) on a
// municipality's mux:
//
//	GET  /tilsett/skjema                   the municipality's forms and the shared library
//	GET  /tilsett/skjema/ny                an empty editor for a new definition
//	GET  /tilsett/skjema/rediger/{form}    the editor with the latest version of a form
//	POST /tilsett/skjema/rediger           preview (handling=preview) or publish (handling=publish) a definition, pasted or uploaded
//	POST /tilsett/skjema/del/{form}        share the latest version in the library
//	POST /tilsett/skjema/adopter           copy a library definition into the municipality
//
// A definition that fails the schema or the checks is refused with the
// path and reason of every problem.
func AdminRoutes(mux *http.ServeMux, shell *web.Shell, store *Store, id *identity.Service) error {
	pages, err := shell.PagesWith(templateFS, []string{"templates/field.partial.html"}, "templates/admin_list.html", "templates/admin_edit.html")
	if err != nil {
		return err
	}
	h := &adminHandlers{store: store, shell: shell, pages: pages}
	admin := func(fn web.HandlerFunc) http.Handler { return shell.Handle(id.RequireStaff(fn, identity.RoleAdmin)) }
	mux.Handle("GET /tilsett/skjema", admin(h.list))
	mux.Handle("GET /tilsett/skjema/ny", admin(h.newForm))
	mux.Handle("GET /tilsett/skjema/rediger/{form}", admin(h.edit))
	mux.Handle("POST /tilsett/skjema/rediger", admin(h.save))
	mux.Handle("POST /tilsett/skjema/del/{form}", admin(h.share))
	mux.Handle("POST /tilsett/skjema/adopter", admin(h.adopt))
	return nil
}

func actorOf(r *http.Request) audit.Entry {
	c := web.From(r)
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleAdmin, RequestID: c.RequestID}
}

type adminListView struct {
	Forms   []Published
	Library []LibraryEntry
	Notice  string
}

func (h *adminHandlers) list(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	var v adminListView
	var err error
	if v.Forms, err = h.store.Forms(r.Context(), c.Tenant.ID); err != nil {
		return err
	}
	if v.Library, err = h.store.Library(r.Context()); err != nil {
		return err
	}
	switch r.URL.Query().Get("melding") {
	case "delt":
		v.Notice = "forms.admin.shared"
	case "adoptert":
		v.Notice = "forms.admin.adopted"
	}
	return h.pages.Render(w, r, http.StatusOK, "admin_list", v)
}

// editView is the definition editor, with the outcome of a preview or a
// failed publish.
type editView struct {
	Definition string
	Problems   []formdef.Problem
	Published  *Published
	Preview    []previewPage
	Privacy    *formdef.PrivacyNotice
	FormID     string
}

type previewPage struct {
	Title  string
	Fields []fieldView
}

func (h *adminHandlers) newForm(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "admin_edit", editView{})
}

func (h *adminHandlers) edit(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, err := h.store.Definition(r.Context(), c.Tenant.ID, r.PathValue("form"), 0)
	if err != nil {
		return err
	}
	f := *p.Form // the parsed form is shared (cached): change a copy
	f.Version = 0
	def, err := json.MarshalIndent(&f, "", "  ")
	if err != nil {
		return errs.E(errs.Internal, err)
	}
	v := editView{Definition: string(def), Published: &p, FormID: p.Form.ID}
	if r.URL.Query().Get("publisert") != "" {
		v.Preview = h.preview(r, p.Form)
	}
	return h.pages.Render(w, r, http.StatusOK, "admin_edit", v)
}

// maxDefinitionUpload is the largest request the editor takes: a
// definition of at most MaxDefinitionSize, pasted or as a file.
const maxDefinitionUpload = formdef.MaxDefinitionSize + 64<<10

func (h *adminHandlers) save(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxDefinitionUpload)
	var def []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxDefinitionUpload); err != nil {
			return web.Classify(errs.E(errs.Invalid, errs.Key("error.bad_form"), err))
		}
		defer r.MultipartForm.RemoveAll()
		if f, _, err := r.FormFile("fil"); err == nil {
			def, err = io.ReadAll(io.LimitReader(f, formdef.MaxDefinitionSize+1))
			f.Close()
			if err != nil {
				return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
			}
		}
	} else if err := web.ParseForm(r); err != nil {
		return err
	}
	if len(def) == 0 {
		def = []byte(r.PostForm.Get("definisjon"))
	}
	v := editView{Definition: string(def)}
	f, err := formdef.Parse(def)
	var de *formdef.DefinitionError
	switch {
	case errors.As(err, &de):
		v.Problems = de.Problems
		return h.pages.Render(w, r, http.StatusUnprocessableEntity, "admin_edit", v)
	case err != nil:
		return err
	}
	v.FormID = f.ID
	if r.PostForm.Get("handling") != "publish" {
		v.Preview = h.preview(r, f)
		pn := f.PrivacyNotice(c.Lang)
		v.Privacy = &pn
		return h.pages.Render(w, r, http.StatusOK, "admin_edit", v)
	}
	p, err := h.store.Publish(r.Context(), c.Tenant.ID, def, "", actorOf(r))
	if errors.As(err, &de) {
		v.Problems = de.Problems
		return h.pages.Render(w, r, http.StatusUnprocessableEntity, "admin_edit", v)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/skjema/rediger/"+p.Form.ID+"?publisert="+strconv.FormatInt(p.Version, 10), http.StatusSeeOther)
	return nil
}

// preview draws every page of f as a citizen would see it, empty.
func (h *adminHandlers) preview(r *http.Request, f *formdef.Form) []previewPage {
	c := web.From(r)
	var out []previewPage
	for i := range f.Pages {
		pg := &f.Pages[i]
		b := &pageBuilder{form: f, page: pg, lang: c.Lang, cat: h.shell.Catalog(), values: formdef.FormValues(f, formdef.Answers{}),
			answers: formdef.Answers{}, visible: f.Visible(formdef.Answers{}), errors: map[string]string{}, onPage: map[string]bool{}}
		for _, fl := range pg.Fields {
			b.onPage[fl.ID] = true
		}
		out = append(out, previewPage{Title: pg.Title.In(c.Lang), Fields: b.fields(pg.Fields, "", formdef.Answers{})})
	}
	return out
}

func (h *adminHandlers) share(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if _, err := h.store.Share(r.Context(), c.Tenant.ID, r.PathValue("form"), actorOf(r)); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/skjema?melding=delt", http.StatusSeeOther)
	return nil
}

func (h *adminHandlers) adopt(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	version, err := strconv.ParseInt(r.PostForm.Get("versjon"), 10, 64)
	if err != nil || version < 1 {
		return errs.E(errs.Invalid, errs.Key("error.bad_form"))
	}
	if _, err := h.store.Adopt(r.Context(), c.Tenant.ID, r.PostForm.Get("kommune"), r.PostForm.Get("skjema"), version, actorOf(r)); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/skjema?melding=adoptert", http.StatusSeeOther)
	return nil
}
