package forms

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/outbox"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/web"
)

// summaryView is the summary before submitting.
type summaryView struct {
	FormTitle string
	Pages     []summaryPageView
	Errors    []errorLink
	Action    string
	Back      string
	Privacy   formdef.PrivacyNotice
	Email     string // where the acknowledgement goes, if anywhere
}

type summaryPageView struct {
	Title, Edit string
	Items       []formdef.SummaryItem
}

// renderSummary draws the summary of l's answers, with the errors a full
// validation found (each linking to its field on its page).
func (h *pageHandlers) renderSummary(w http.ResponseWriter, r *http.Request, status int, l loaded, fieldErrs []formdef.FieldError) error {
	c := web.From(r)
	f := l.form
	v := summaryView{FormTitle: f.Title.In(c.Lang), Action: l.base() + "send", Back: l.base() + "side/" + f.Pages[len(f.Pages)-1].ID,
		Privacy: f.PrivacyNotice(c.Lang)}
	byPage := map[string][]formdef.SummaryItem{}
	for _, it := range f.Summary(l.answers, c.Lang) {
		byPage[it.PageID] = append(byPage[it.PageID], it)
	}
	for _, pg := range f.Pages {
		v.Pages = append(v.Pages, summaryPageView{Title: pg.Title.In(c.Lang), Edit: l.base() + "side/" + pg.ID, Items: byPage[pg.ID]})
	}
	for _, e := range fieldErrs {
		page := pageOf(f, e.Path)
		v.Errors = append(v.Errors, errorLink{Href: web.From(r).Tenant.Base + l.base() + "side/" + page + "#" + e.Path,
			Text: fieldErrorText(h.shell.Catalog(), c.Lang, e)})
	}
	v.Email = ackAddress(f, l.answers)
	return h.pages.Render(w, r, status, "summary", v)
}

// pageOf returns the id of the page that holds the field at path.
func pageOf(f *formdef.Form, path string) string {
	top, _, _ := strings.Cut(path, ".")
	for _, pg := range f.Pages {
		for _, fl := range pg.Fields {
			if fl.ID == top {
				return pg.ID
			}
		}
	}
	return f.Pages[0].ID
}

func (h *pageHandlers) summary(w http.ResponseWriter, r *http.Request) error {
	l, err := h.load(r)
	if err != nil {
		return err
	}
	_, fieldErrs := l.form.Validate(l.answers, formdef.ValidationContext{Today: h.Store.db.Now().In(oslo)})
	return h.renderSummary(w, r, http.StatusOK, l, fieldErrs)
}

// ackAddress is the e-mail address the acknowledgement goes to: the
// answer to the first top-level e-mail field, if any.
func ackAddress(f *formdef.Form, a formdef.Answers) string {
	for _, pg := range f.Pages {
		for _, fl := range pg.Fields {
			if fl.Type == formdef.TypeEmail {
				if s, ok := a[fl.ID].(string); ok && strings.TrimSpace(s) != "" {
					return strings.TrimSpace(s)
				}
			}
		}
	}
	return ""
}

// attachmentsOf lists the files in clean answers, in form order.
func attachmentsOf(f *formdef.Form, a formdef.Answers) []Attachment {
	var out []Attachment
	var walk func(fields []formdef.Field, prefix string, a formdef.Answers)
	walk = func(fields []formdef.Field, prefix string, a formdef.Answers) {
		for i := range fields {
			fl := &fields[i]
			switch fl.Type {
			case formdef.TypeFile:
				for _, x := range filesOf(a[fl.ID]) {
					out = append(out, Attachment{Path: prefix + fl.ID, ID: x.ID, Name: x.Name, ContentType: x.ContentType, Size: x.Size})
				}
			case formdef.TypeGroup:
				for n, item := range itemsOf(a[fl.ID]) {
					walk(fl.Fields, prefix+fl.ID+"."+strconv.Itoa(n)+".", item)
				}
			}
		}
	}
	for _, pg := range f.Pages {
		walk(pg.Fields, "", a)
	}
	return out
}

// submissionEvent is the data of a SubmissionEvent.
type submissionEvent struct {
	ID          string `json:"id"`
	Reference   string `json:"reference"`
	FormID      string `json:"form_id"`
	FormVersion int64  `json:"form_version"`
	CreatedAt   string `json:"created_at"`
	Href        string `json:"href"`
}

func (h *pageHandlers) submit(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	l, err := h.load(r)
	if errs.Is(errs.NotFound, err) {
		// Sent already (a double click, a reload after the receipt)? Then
		// show that submission's receipt.
		for _, o := range h.owners(r) {
			if prev, perr := h.Store.submissionByDraft(r.Context(), c.Tenant.ID, r.PathValue("draft"), o); perr == nil {
				return redirect(w, r, "innsending/"+prev.ID)
			}
		}
	}
	if err != nil {
		return err
	}
	f := l.form
	if !signedInEnough(r, f) {
		return errs.E(errs.Unauthenticated, errs.Key("auth.error.signin_needed"))
	}
	now := h.Store.db.Now()
	clean, fieldErrs := f.Validate(l.answers, formdef.ValidationContext{Today: now.In(oslo)})
	if len(fieldErrs) > 0 {
		return h.renderSummary(w, r, http.StatusUnprocessableEntity, l, fieldErrs)
	}
	answers, err := json.Marshal(clean)
	if err != nil {
		return errs.E(errs.Internal, err)
	}
	sub := Submission{Tenant: c.Tenant.ID, FormID: f.ID, Version: l.draft.Version, DraftID: l.draft.ID, Owner: l.draft.Owner,
		Email: ackAddress(f, clean), Answers: answers, FormTitle: f.Title.In("nb"), Attachments: attachmentsOf(f, clean)}
	if u := citizen(r); u != nil {
		sub.SubmitterName, sub.SubmitterPID = u.Name, u.PID
	}
	// Sign outside the transaction: the first use makes the key.
	signer, err := h.Store.ReceiptSigner(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	days := 0
	if h.ProcessingDays != nil {
		days = h.ProcessingDays(r.Context(), c.Tenant.ID, f.ID)
	}
	origin := h.origin(r)
	out, _, err := h.Store.Submit(r.Context(), sub, func(ctx context.Context, tx *sql.Tx, sub Submission) (json.RawMessage, error) {
		rec := h.receiptOf(c, f, clean, sub, days, origin)
		data, err := signer.JSON(rec)
		if err != nil {
			return nil, err
		}
		entry := audit.Entry{Tenant: sub.Tenant, ActorID: sub.Owner, ActorName: sub.SubmitterName, Role: "citizen", Action: "form.submit",
			Object: "submission:" + sub.ID, Subject: sub.SubmitterPID, RequestID: c.RequestID, Detail: sub.FormID + " " + sub.Reference}
		if entry.ActorName == "" {
			entry.ActorName, entry.Role = "anonym", "anonymous"
		}
		if _, err := h.Store.audit.Append(ctx, tx, entry); err != nil {
			return nil, err
		}
		if h.Outbox != nil {
			ev, _ := json.Marshal(submissionEvent{ID: sub.ID, Reference: sub.Reference, FormID: sub.FormID, FormVersion: sub.Version,
				CreatedAt: sub.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000Z"), Href: origin + c.Tenant.Base + "api/v1/submissions/" + sub.ID})
			if _, err := h.Outbox.Enqueue(ctx, tx, outbox.Event{Tenant: sub.Tenant, Type: SubmissionEvent, Subject: "submission/" + sub.ID, Data: ev}); err != nil {
				return nil, err
			}
		}
		if h.Mail != nil && sub.Email != "" {
			if _, err := h.Mail.Enqueue(ctx, tx, h.acknowledgement(c, rec, sub, origin)); err != nil && errs.KindOf(err) != errs.Invalid {
				return nil, err
			}
		}
		return data, nil
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "innsending/"+out.ID)
}

// receiptOf is the receipt of a submission.
func (h *pageHandlers) receiptOf(c *web.Ctx, f *formdef.Form, clean formdef.Answers, sub Submission, days int, origin string) receipt.Receipt {
	rec := receipt.Receipt{Municipality: c.Tenant.NameNB, MunicipalityNo: c.Tenant.ID, Service: f.Title.In(c.Lang), FormID: f.ID,
		FormVersion: int(sub.Version), Reference: sub.Reference, SubmittedAt: sub.CreatedAt, Submitter: sub.SubmitterName,
		SubmitterID: maskPID(sub.SubmitterPID), ProcessingDays: days, Lang: c.Lang, VerifyURL: origin + c.Tenant.Base + "kvittering/kontroller"}
	group := ""
	for _, it := range f.Summary(clean, c.Lang) {
		if it.Heading {
			group = it.Label
			continue
		}
		if it.Depth == 0 {
			group = ""
		}
		rec.Items = append(rec.Items, receipt.Item{Group: group, Label: it.Label, Value: it.Value})
	}
	for _, a := range sub.Attachments {
		rec.Attachments = append(rec.Attachments, receipt.Attachment{Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.ID})
	}
	return rec
}

// maskPID shows the birth date of a fødselsnummer and hides the rest:
// "150388 *****". Receipts are shared; the whole number never is.
func maskPID(pid string) string {
	if len(pid) != 11 {
		return ""
	}
	return pid[:6] + " *****"
}

// acknowledgement is the e-mail that confirms a submission.
func (h *pageHandlers) acknowledgement(c *web.Ctx, rec receipt.Receipt, sub Submission, origin string) notify.Mail {
	cat, lang := h.shell.Catalog(), i18n.Lang(c.Lang)
	var b strings.Builder
	fmt.Fprintln(&b, cat.T(lang, "forms.mail.greeting"))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, cat.T(lang, "forms.mail.body", rec.Service, rec.Municipality, sub.CreatedAt.In(oslo).Format("02.01.2006 15:04")))
	fmt.Fprintln(&b, cat.T(lang, "forms.mail.reference", sub.Reference))
	if rec.ProcessingDays > 0 {
		fmt.Fprintln(&b, cat.T(lang, "forms.mail.days", rec.ProcessingDays))
	}
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, cat.T(lang, "forms.mail.receipt", origin+c.Tenant.Base+"innsending/"+sub.ID))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, cat.T(lang, "forms.mail.noreply", rec.Municipality))
	return notify.Mail{Tenant: sub.Tenant, To: sub.Email, Subject: cat.T(lang, "forms.mail.subject", rec.Service, sub.Reference), Body: b.String()}
}

// submittedView is the receipt page.
type submittedView struct {
	Sub            Submission
	Service        string
	ProcessingDays int
	Ticket         string
	SignedIn       bool
}

// Scale is the answers of the satisfaction question, 1 to 5.
func (submittedView) Scale() []int { return []int{1, 2, 3, 4, 5} }

// loadSubmission finds submission id for one of the request's owners.
func (h *pageHandlers) loadSubmission(r *http.Request) (Submission, error) {
	c := web.From(r)
	err := errs.E(errs.NotFound, errs.Key("forms.error.no_submission"))
	for _, o := range h.owners(r) {
		var sub Submission
		if sub, err = h.Store.Submission(r.Context(), c.Tenant.ID, r.PathValue("id"), o); err == nil {
			return sub, nil
		}
	}
	return Submission{}, err
}

func (h *pageHandlers) submitted(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	sub, err := h.loadSubmission(r)
	if err != nil {
		return err
	}
	v := submittedView{Sub: sub, Service: sub.FormTitle, SignedIn: citizen(r) != nil}
	rec, err := h.readReceipt(r.Context(), c.Tenant, sub)
	if err != nil {
		return err
	}
	v.Service, v.ProcessingDays = rec.Service, rec.ProcessingDays
	if h.SurveyTicket != nil {
		if v.Ticket, err = h.SurveyTicket(r.Context(), c.Tenant.ID, sub.FormID, sub.ID); err != nil {
			h.shell.Logger().Warn("survey ticket", "err", err)
			v.Ticket = ""
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "submitted", v)
}

// readReceipt reads the stored JSON receipt of sub back through the
// verifier, so what is shown and printed is exactly what was signed.
func (h *pageHandlers) readReceipt(ctx context.Context, t *web.Tenant, sub Submission) (receipt.Receipt, error) {
	keys, err := h.Store.ReceiptKeys(ctx, t.ID, t.NameNB)
	if err != nil {
		return receipt.Receipt{}, err
	}
	rec, err := receipt.VerifyJSON(sub.Receipt, keys)
	if err != nil {
		return receipt.Receipt{}, errs.E(errs.Internal, fmt.Errorf("stored receipt of %s: %w", sub.ID, err))
	}
	return rec, nil
}

func fileRef(ref string) string { return strings.ReplaceAll(ref, "/", "-") }

func (h *pageHandlers) receiptJSON(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.loadSubmission(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="kvittering-`+fileRef(sub.Reference)+`.json"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(sub.Receipt)
	return nil
}

func (h *pageHandlers) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	sub, err := h.loadSubmission(r)
	if err != nil {
		return err
	}
	// The PDF says what the JSON receipt signed at submission says.
	rec, err := h.readReceipt(r.Context(), c.Tenant, sub)
	if err != nil {
		return err
	}
	signer, err := h.Store.ReceiptSigner(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	pdf, err := signer.PDF(rec)
	if err != nil {
		return errs.E(errs.Internal, err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="kvittering-`+fileRef(sub.Reference)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
	return nil
}
