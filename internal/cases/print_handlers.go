package cases

import (
	"net/http"

	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// PrintRoutes registers the print queue on a municipality's mux: the
// letters the SvarUt channel could not deliver digitally, for case
// workers and archivists (the post room) to print and post.
//
//	GET  /tilsett/saker/utskrift                    the letters to print, and the ones printed last
//	GET  /tilsett/saker/utskrift/{id}/brev.pdf      a letter as PDF (the read is in the audit log)
//	POST /tilsett/saker/utskrift/{id}/utskrive      mark a letter printed and posted
func PrintRoutes(mux *http.ServeMux, shell *web.Shell, svc *Service, id *identity.Service) error {
	pages, err := shell.Pages(templateFS, "templates/print.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, pages: pages}
	staff := func(fn web.HandlerFunc) http.Handler {
		return shell.Handle(id.RequireStaff(fn, identity.RoleCaseworker, identity.RoleArchivist))
	}
	mux.Handle("GET /tilsett/saker/utskrift", staff(h.printQueue))
	mux.Handle("GET /tilsett/saker/utskrift/{id}/brev.pdf", staff(h.printPDF))
	mux.Handle("POST /tilsett/saker/utskrift/{id}/utskrive", staff(h.markPrinted))
	return nil
}

type printView struct {
	Waiting, Printed []PrintItem
	Done             bool
}

func (h *handlers) printQueue(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	waiting, printed, err := h.svc.PrintQueue(r.Context(), c.Tenant.ID, c.User.Principal)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "print", printView{Waiting: waiting, Printed: printed, Done: r.URL.Query().Get("utskrive") == "1"})
}

func (h *handlers) printPDF(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	p, pdf, err := h.svc.PrintPDF(r.Context(), c.Tenant.ID, r.PathValue("id"), staffActor(r, "utskrift"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="brev-`+fileCaseNumber(p.CaseNumber)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
	return nil
}

// fileCaseNumber is a case number fit for a file name: "2026/12" → "2026-12".
func fileCaseNumber(n string) string {
	out := []byte{}
	for i := 0; i < len(n); i++ {
		switch c := n[i]; {
		case c >= '0' && c <= '9':
			out = append(out, c)
		default:
			out = append(out, '-')
		}
	}
	return string(out)
}

func (h *handlers) markPrinted(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	if err := web.ParseForm(r); err != nil {
		return err
	}
	if err := h.svc.MarkPrinted(r.Context(), c.Tenant.ID, r.PathValue("id"), staffActor(r, "")); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/saker/utskrift?utskrive=1", http.StatusSeeOther)
	return nil
}
