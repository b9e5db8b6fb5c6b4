package politics

import (
	"net/http"
	"strconv"

	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// staffCaseRoutes registers the secretariat's pages of political cases
// and the official's own page:
//
//	GET  /tilsett/politikk/saker            the cases
//	GET  /tilsett/politikk/saker/ny         create a case
//	POST /tilsett/politikk/saker/ny         store it
//	GET  /tilsett/politikk/saker/{id}       a case: its details and its planned path
//	POST /tilsett/politikk/saker/{id}       change its details
//	POST /tilsett/politikk/saker/{id}/forlop  replace its path (fields forlop-<n>-organ, forlop-<n>-dato)
//	GET  /tilsett/politikk/meg              the official's own page (role identity.RoleOfficial)
func (h *handlers) staffCaseRoutes(mux *http.ServeMux) {
	staff := func(fn web.HandlerFunc) http.Handler {
		return h.shell.Handle(h.id.RequireStaff(fn, identity.RoleSecretariat))
	}
	mux.Handle("GET /tilsett/politikk/saker", staff(h.staffCases))
	mux.Handle("GET /tilsett/politikk/saker/ny", staff(h.newCaseForm))
	mux.Handle("POST /tilsett/politikk/saker/ny", staff(h.createCase))
	mux.Handle("GET /tilsett/politikk/saker/{id}", staff(h.staffCase))
	mux.Handle("POST /tilsett/politikk/saker/{id}", staff(h.updateCase))
	mux.Handle("POST /tilsett/politikk/saker/{id}/forlop", staff(h.setPath))
	mux.Handle("GET /tilsett/politikk/meg", h.shell.Handle(h.id.RequireStaff(h.official, identity.RoleOfficial)))
}

// emptySteps is how many empty rows the path form offers.
const emptySteps = 3

type staffCasesView struct {
	Cases []caseLine
}

func (h *handlers) staffCases(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	list, err := h.svc.Cases(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	var v staffCasesView
	for _, x := range list {
		v.Cases = append(v.Cases, caseLine{ID: x.ID, Title: x.Title, Origin: x.Origin, ArchiveRef: x.ArchiveRef, Signatures: x.Signatures, Created: x.Created})
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "staff_cases", v)
}

// caseFormInput is the case form as posted.
type caseFormInput struct {
	Title, Summary, ArchiveRef, Origin, Signatures string
}

type caseFormView struct {
	Title, Summary, ArchiveRef, Origin, Signatures field
}

func (h *handlers) caseFields(b *formBuilder, t func(string, ...any) string, in caseFormInput) caseFormView {
	var v caseFormView
	v.Title = b.text(FieldCaseTitle, "politics.case.title_field", "", in.Title)
	v.Summary = b.textarea(FieldCaseSummary, "politics.case.summary", "politics.staff.optional", in.Summary, 6)
	v.ArchiveRef = b.text(FieldArchiveRef, "politics.case.archive_ref", "politics.case.archive_ref_hint", in.ArchiveRef)
	v.ArchiveRef.Class, v.ArchiveRef.Autocomplete = "w-10", "off"
	var opts []choice
	for _, o := range Origins() {
		opts = append(opts, choice{Value: o, Label: t("politics.origin." + o)})
	}
	origin := in.Origin
	if origin == "" {
		origin = OriginAdministration
	}
	v.Origin = b.sel(FieldOrigin, "politics.case.origin", "", origin, opts)
	v.Signatures = b.text(FieldSignatures, "politics.case.signatures", "politics.case.signatures_hint", in.Signatures)
	v.Signatures.Class, v.Signatures.Inputmode, v.Signatures.Autocomplete = "w-10", "numeric", "off"
	return v
}

// readCaseForm reads the posted case form; the field errors hold a bad
// count of signatures.
func readCaseForm(r *http.Request) (caseFormInput, CaseForm, map[string]string) {
	p := r.PostForm
	in := caseFormInput{Title: p.Get(FieldCaseTitle), Summary: p.Get(FieldCaseSummary), ArchiveRef: p.Get(FieldArchiveRef), Origin: p.Get(FieldOrigin),
		Signatures: p.Get(FieldSignatures)}
	f := CaseForm{Title: in.Title, Summary: in.Summary, ArchiveRef: in.ArchiveRef, Origin: in.Origin}
	n, ok := ParseSignatures(in.Signatures)
	if !ok {
		return in, f, map[string]string{FieldSignatures: "politics.error.signatures"}
	}
	f.Signatures = n
	return in, f, nil
}

type newCaseView struct {
	Errors *errorSummary
	Form   caseFormView
}

func (h *handlers) renderNewCase(w http.ResponseWriter, r *http.Request, status int, in caseFormInput, fields map[string]string) error {
	t := translator(h.shell, web.From(r).Lang)
	b := newForm(t, "", fields)
	v := newCaseView{Form: h.caseFields(b, t, in)}
	v.Errors = b.summary()
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_case_new", v)
}

func (h *handlers) newCaseForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderNewCase(w, r, http.StatusOK, caseFormInput{}, nil)
}

// mergeFields adds the field errors of err to fields.
func mergeFields(fields map[string]string, err error) map[string]string {
	extra := fieldErrors(err)
	if len(extra) == 0 {
		return fields
	}
	if fields == nil {
		fields = map[string]string{}
	}
	for k, v := range extra {
		if fields[k] == "" {
			fields[k] = v
		}
	}
	return fields
}

func (h *handlers) createCase(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	in, f, fields := readCaseForm(r)
	if fields != nil {
		return h.renderNewCase(w, r, http.StatusUnprocessableEntity, in, mergeFields(fields, CheckCase(f)))
	}
	cs, err := h.svc.CreateCase(r.Context(), c.Tenant.ID, f, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderNewCase(w, r, http.StatusUnprocessableEntity, in, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/saker/"+cs.ID+"?ny=1", http.StatusSeeOther)
	return nil
}

type stepField struct {
	N             int
	Body, Planned field
}

type staffCaseView struct {
	ID, Title  string
	New, Saved bool
	Errors     *errorSummary
	Form       caseFormView
	Steps      []stepField
	PathError  string
}

type caseState struct {
	details  *caseFormInput
	detErrs  map[string]string
	steps    []StepForm
	pathErrs map[string]string
}

func (h *handlers) renderCase(w http.ResponseWriter, r *http.Request, status int, id string, st caseState) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	cs, err := h.svc.Case(r.Context(), c.Tenant.ID, id)
	if err != nil {
		return err
	}
	bodies, err := h.svc.Bodies(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := staffCaseView{ID: cs.ID, Title: cs.Title, New: q.Get("ny") == "1", Saved: q.Get("lagret") == "1"}
	in := caseFormInput{Title: cs.Title, Summary: cs.Summary, ArchiveRef: cs.ArchiveRef, Origin: cs.Origin}
	if cs.Signatures > 0 {
		in.Signatures = strconv.Itoa(cs.Signatures)
	}
	if st.details != nil {
		in = *st.details
	}
	db := newForm(t, "", st.detErrs)
	v.Form = h.caseFields(db, t, in)
	steps := st.steps
	if steps == nil {
		for _, s := range cs.Path {
			steps = append(steps, StepForm{BodyID: s.BodyID, Planned: FormatPlanned(s.Planned)})
		}
		for range emptySteps {
			steps = append(steps, StepForm{})
		}
	}
	pb := newForm(t, "", st.pathErrs)
	for i, s := range steps {
		n := strconv.Itoa(i + 1)
		opts := []choice{{Value: "", Label: t("politics.staff.choose")}}
		for _, b := range bodies {
			opts = append(opts, choice{Value: b.ID, Label: b.Name})
		}
		sf := stepField{N: i + 1}
		sf.Body = pb.sel(FieldPath+"-"+n+"-organ", "politics.case.step_body", "", s.BodyID, opts)
		sf.Body.Label = t("politics.case.step_body_n", i+1)
		sf.Planned = pb.text(FieldPath+"-"+n+"-dato", "politics.case.step_planned", "politics.case.step_planned_hint", s.Planned)
		sf.Planned.Label = t("politics.case.step_planned_n", i+1)
		sf.Planned.Class, sf.Planned.Autocomplete = "w-10", "off"
		v.Steps = append(v.Steps, sf)
	}
	if k := st.pathErrs[FieldPath]; k != "" {
		v.PathError = t(k)
	}
	switch {
	case st.detErrs != nil:
		v.Errors = db.summary()
	case st.pathErrs != nil:
		v.Errors = pb.summary()
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_case", v)
}

func (h *handlers) staffCase(w http.ResponseWriter, r *http.Request) error {
	return h.renderCase(w, r, http.StatusOK, r.PathValue("id"), caseState{})
}

func (h *handlers) updateCase(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	in, f, fields := readCaseForm(r)
	if fields != nil {
		if _, err := h.svc.Case(r.Context(), c.Tenant.ID, id); err != nil {
			return err
		}
		return h.renderCase(w, r, http.StatusUnprocessableEntity, id, caseState{details: &in, detErrs: mergeFields(fields, CheckCase(f))})
	}
	_, err := h.svc.UpdateCase(r.Context(), c.Tenant.ID, id, f, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderCase(w, r, http.StatusUnprocessableEntity, id, caseState{details: &in, detErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/saker/"+id+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) setPath(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	var steps []StepForm
	for i := 1; i <= MaxSteps+emptySteps; i++ {
		n := strconv.Itoa(i)
		b, ok1 := r.PostForm[FieldPath+"-"+n+"-organ"]
		d, ok2 := r.PostForm[FieldPath+"-"+n+"-dato"]
		if !ok1 && !ok2 {
			break
		}
		sf := StepForm{}
		if len(b) > 0 {
			sf.BodyID = b[0]
		}
		if len(d) > 0 {
			sf.Planned = d[0]
		}
		steps = append(steps, sf)
	}
	_, err := h.svc.SetPath(r.Context(), c.Tenant.ID, id, steps, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderCase(w, r, http.StatusUnprocessableEntity, id, caseState{steps: steps, pathErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/saker/"+id+"?lagret=1#forlop", http.StatusSeeOther)
	return nil
}

// --- the official's own page ---

type officialMeeting struct {
	ID, Body, When, Place string
	Published, Closed     bool
	Restricted            bool
	Items                 []itemLine
}

type officialMessage struct {
	From, Email, When string
	Paras             [][]string
}

type officialView struct {
	Name     string
	Known    bool
	Seats    []seatLine
	Meetings []officialMeeting
	Messages []officialMessage
	Days     int
}

func (h *handlers) official(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	viewer := ViewerOf(c.User)
	ov, err := h.svc.Official(r.Context(), c.Tenant.ID, viewer)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	v := officialView{Known: len(ov.People) > 0, Days: MessageDays, Name: c.User.Name}
	if v.Known {
		v.Name = ov.People[0].Name()
	}
	for _, s := range ov.Seats {
		v.Seats = append(v.Seats, seatLine{BodyID: s.BodyID, Body: n.bodies[s.BodyID].Name, Role: s.Role, Party: n.party(s.PartyID)})
	}
	for _, mv := range ov.Meetings {
		om := officialMeeting{ID: mv.ID, Body: mv.Body.Name, When: when(mv.Meeting), Place: mv.Place, Published: mv.Published(), Closed: mv.Closed, Restricted: mv.Restricted}
		if mv.Published() {
			for _, it := range mv.Items {
				il := itemLine{ID: it.ID, Number: it.Number, Title: it.Title, Hidden: it.Hidden, Restricted: it.Restricted, LegalBasis: it.LegalBasis}
				for _, d := range it.Documents {
					il.Documents = append(il.Documents, docLine{ID: d.ID, Title: d.Title, Kind: d.Kind, Size: formatSize(d.Size), Restricted: d.Restricted, LegalBasis: d.LegalBasis})
				}
				om.Items = append(om.Items, il)
			}
		}
		v.Meetings = append(v.Meetings, om)
	}
	t := translator(h.shell, c.Lang)
	for _, m := range ov.Messages {
		from := m.SenderName
		if from == "" {
			from = t("politics.mail.contact.anonymous")
		}
		v.Messages = append(v.Messages, officialMessage{From: from, Email: m.SenderEmail, When: m.Created.In(oslo).Format("02.01.2006 15:04"), Paras: paragraphs(m.Body)})
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "official", v)
}
