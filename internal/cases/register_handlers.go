package cases

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// MaxRegisteredFile is the largest file an archivist can register.
const MaxRegisteredFile = 50 << 20

// registeredTypes are the file types a registered document may have,
// judged by content: what letters and e-mails arrive as, and what an
// archival extract can keep.
var registeredTypes = map[string]string{
	"application/pdf": "Brev", "image/png": "Skannet brev", "image/jpeg": "Skannet brev", "text/plain": "E-post",
}

type registerHandlers struct {
	svc   *Service
	blobs blob.Store
	pages *web.Pages
}

// RegisterRoutes registers the archivist's registration page
// (journalføring of letters and e-mails that did not come through a
// form):
//
//	GET  /tilsett/arkiv/registrer   the form
//	POST /tilsett/arkiv/registrer   register (multipart, with the files)
func RegisterRoutes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service, blobs blob.Store) error {
	pages, err := shell.Pages(templateFS, "templates/register.html")
	if err != nil {
		return err
	}
	h := &registerHandlers{svc: svc, blobs: blobs, pages: pages}
	archivist := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, identity.RoleArchivist))
	}
	mux.Handle("GET /tilsett/arkiv/registrer", archivist(h.form))
	mux.Handle("POST /tilsett/arkiv/registrer", archivist(h.register))
	return nil
}

// registerForm is the form as typed, for showing it again.
type registerForm struct {
	Case, CaseTitle, CasePublicTitle, Unit, Type, Title, PublicTitle, Party, PartyEmail, Date, LegalBasis string
	Screened                                                                                              bool
}

type registerView struct {
	Form   registerForm
	Errors map[string]string
	Types  []string
}

func (h *registerHandlers) form(w http.ResponseWriter, r *http.Request) error {
	f := registerForm{Type: "I", Date: h.svc.db.Now().In(oslo).Format("02.01.2006"), LegalBasis: PersonalMatters, Case: r.URL.Query().Get("sak")}
	return h.pages.Render(w, r, http.StatusOK, "register", registerView{Form: f, Types: []string{"I", "U", "X"}})
}

// maxRegisterMemory is how much of a multipart body is held in memory.
const maxRegisterMemory = 1 << 20

func (h *registerHandlers) register(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := r.ParseMultipartForm(maxRegisterMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return h.again(w, r, http.StatusRequestEntityTooLarge, registerForm{Type: "I"}, map[string]string{"fil": "cases.error.file_large"})
		}
		return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	defer r.MultipartForm.RemoveAll()
	p := r.PostForm
	f := registerForm{Case: p.Get("sak"), CaseTitle: p.Get("sakstittel"), CasePublicTitle: p.Get("offentleg-sakstittel"), Unit: p.Get("eining"),
		Type: p.Get("type"), Title: p.Get("tittel"), PublicTitle: p.Get("offentleg-tittel"), Party: p.Get("part"), PartyEmail: p.Get("part-epost"),
		Date: p.Get("dato"), LegalBasis: p.Get("heimel"), Screened: p.Get("skjerma") == "1"}
	g := Registration{CaseNumber: f.Case, CaseTitle: f.CaseTitle, CasePublicTitle: f.CasePublicTitle, Unit: f.Unit, Type: f.Type,
		Title: f.Title, PublicTitle: f.PublicTitle, Party: Party{Name: f.Party, Email: f.PartyEmail}, Screened: f.Screened, LegalBasis: f.LegalBasis}
	fe := map[string]string{}
	if d, err := time.ParseInLocation("02.01.2006", strings.TrimSpace(f.Date), oslo); err == nil {
		g.Date = d.UTC()
	} else if strings.TrimSpace(f.Date) != "" {
		fe["dato"] = "cases.error.date"
	}
	for _, fh := range r.MultipartForm.File["fil"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		d, key, err := h.store(r, fh, len(g.Documents) == 0)
		if err != nil {
			return err
		}
		if key != "" {
			fe["fil"] = key
			continue
		}
		g.Documents = append(g.Documents, d)
	}
	if len(fe) > 0 {
		// Show every other problem too.
		if more := g.check(h.svc.db.Now()); len(more) > 0 {
			for k, v := range more {
				if _, ok := fe[k]; !ok && !(k == "fil" && fe["fil"] != "") && !(k == "dato" && fe["dato"] != "") {
					fe[k] = v
				}
			}
		}
		return h.again(w, r, http.StatusUnprocessableEntity, f, fe)
	}
	actor := audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleArchivist, RequestID: c.RequestID}
	cs, err := h.svc.Register(r.Context(), c.Tenant.ID, c.Tenant.NameNB, g, actor)
	if errs.Is(errs.Invalid, err) || errs.Is(errs.NotFound, err) {
		_, _, fields := errs.Public(err)
		if fields == nil {
			key, _, _ := errs.Public(err)
			fields = map[string]string{"tittel": key}
		}
		return h.again(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/saker/"+cs.ID+"?sendt=registered", http.StatusSeeOther)
	return nil
}

func (h *registerHandlers) again(w http.ResponseWriter, r *http.Request, status int, f registerForm, fe map[string]string) error {
	return h.pages.Render(w, r, status, "register", registerView{Form: f, Errors: fe, Types: []string{"I", "U", "X"}})
}

// store checks one uploaded file by its content and puts it in the blob
// store; key names what is wrong with it (nothing is stored then).
func (h *registerHandlers) store(r *http.Request, fh *multipart.FileHeader, main bool) (Document, string, error) {
	src, err := fh.Open()
	if err != nil {
		return Document{}, "", errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	defer src.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Document{}, "", errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	if n == 0 {
		return Document{}, "cases.error.file_empty", nil
	}
	ct := blob.SniffType(head[:n])
	kind, ok := registeredTypes[ct]
	if !ok {
		return Document{}, "cases.error.file_type", nil
	}
	sum, size, err := h.blobs.Put(r.Context(), io.MultiReader(strings.NewReader(string(head[:n])), src), MaxRegisteredFile)
	if errs.KindOf(err) == errs.TooLarge {
		return Document{}, "cases.error.file_large", nil
	}
	if err != nil {
		return Document{}, "", err
	}
	return Document{Kind: kind, Title: blob.CleanName(fh.Filename, "dokument"), Main: main, BlobID: sum, Format: ct, Size: size}, "", nil
}
