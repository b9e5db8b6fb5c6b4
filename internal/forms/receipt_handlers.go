package forms

import (
	"embed"
	"errors"
	"io"
	"net/http"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// maxReceipt is the largest receipt file the verification page accepts.
const maxReceipt = 5 << 20

// receiptHandlers serve the receipt pages.
type receiptHandlers struct {
	store *Store
	pages *web.Pages
}

// ReceiptRoutes registers, on a municipality's mux:
//
//	GET  /kvittering/nokler.json   the municipality's receipt keys (JWKS), for anyone who verifies receipts
//	GET  /kvittering/kontroller    the page where anyone can check a receipt (PDF or JSON)
//	POST /kvittering/kontroller    check an uploaded receipt
func ReceiptRoutes(mux *http.ServeMux, shell *web.Shell, store *Store) error {
	pages, err := shell.Pages(templateFS, "templates/verify.html")
	if err != nil {
		return err
	}
	h := &receiptHandlers{store: store, pages: pages}
	mux.Handle("GET /kvittering/nokler.json", shell.Handle(h.keys))
	mux.Handle("GET /kvittering/kontroller", shell.Handle(h.verifyForm))
	mux.Handle("POST /kvittering/kontroller", shell.Handle(h.verify))
	return nil
}

func (h *receiptHandlers) keys(w http.ResponseWriter, r *http.Request) error {
	t := web.From(r).Tenant
	// Make sure a key exists, so the set is never empty for a municipality
	// that has not signed anything yet.
	if _, err := h.store.ReceiptSigner(r.Context(), t.ID); err != nil {
		return err
	}
	keys, err := h.store.ReceiptKeys(r.Context(), t.ID, t.NameNB)
	if err != nil {
		return err
	}
	body, err := receipt.MarshalPublicKeys(keys)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(body)
	return nil
}

// verifyView is the verification page: the form, and the outcome after a
// check.
type verifyView struct {
	Checked   bool
	Valid     bool
	Receipt   receipt.Receipt
	ResultKey string // message key of the outcome
	FieldErr  string // message key of an error with the file field
}

func (h *receiptHandlers) verifyForm(w http.ResponseWriter, r *http.Request) error {
	return h.pages.Render(w, r, http.StatusOK, "verify", verifyView{})
}

func (h *receiptHandlers) verify(w http.ResponseWriter, r *http.Request) error {
	t := web.From(r).Tenant
	r.Body = http.MaxBytesReader(w, r.Body, maxReceipt+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.TooLarge, errs.Key("forms.receipt.too_large"), err)
		}
		if errors.Is(err, http.ErrNotMultipart) {
			return h.pages.Render(w, r, http.StatusBadRequest, "verify", verifyView{FieldErr: "forms.receipt.no_file"})
		}
		return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("fil")
	if err != nil {
		return h.pages.Render(w, r, http.StatusBadRequest, "verify", verifyView{FieldErr: "forms.receipt.no_file"})
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxReceipt+1))
	if err != nil {
		return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	if len(data) > maxReceipt {
		return errs.E(errs.TooLarge, errs.Key("forms.receipt.too_large"))
	}
	if len(data) == 0 {
		return h.pages.Render(w, r, http.StatusBadRequest, "verify", verifyView{FieldErr: "forms.receipt.empty"})
	}
	keys, err := h.store.ReceiptKeys(r.Context(), t.ID, t.NameNB)
	if err != nil {
		return err
	}
	v := verifyView{Checked: true}
	rec, err := receipt.Verify(data, keys)
	var ve *receipt.VerifyError
	switch {
	case err == nil:
		v.Valid, v.Receipt, v.ResultKey = true, rec, "receipt.verify.valid"
	case errors.As(err, &ve):
		v.ResultKey = ve.Code.Key()
	default:
		return err
	}
	// The outcome is an answer, not an error: 200 either way.
	return h.pages.Render(w, r, http.StatusOK, "verify", v)
}
