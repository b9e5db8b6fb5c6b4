package politics

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/web"
)

// staffRoutes registers the secretariat's pages:
//
//	GET  /tilsett/politikk                          meetings, planned and held
//	GET  /tilsett/politikk/mote/ny                  plan a meeting
//	POST /tilsett/politikk/mote/ny                  store it
//	GET  /tilsett/politikk/mote/{id}                a meeting: details, agenda, what stops the notice, send
//	POST /tilsett/politikk/mote/{id}                change its details (before the notice)
//	POST /tilsett/politikk/mote/{id}/media          set the live stream and recording links
//	POST /tilsett/politikk/mote/{id}/sak            add an item to the agenda
//	POST /tilsett/politikk/mote/{id}/send           send the notice and publish, as one act
//	GET  /tilsett/politikk/sak/{id}                 an item: documents, and the minutes once published
//	POST /tilsett/politikk/sak/{id}/dokument        upload a document (multipart, PDF)
//	POST /tilsett/politikk/sak/{id}/slett           remove the item (before the notice)
//	POST /tilsett/politikk/sak/{id}/protokoll       record the decision, the vote and the video position
//	POST /tilsett/politikk/dokument/{id}/slett      remove a document (before the notice)
func (h *handlers) staffRoutes(mux *http.ServeMux) {
	staff := func(fn web.HandlerFunc) http.Handler {
		return h.shell.Handle(h.id.RequireStaff(fn, identity.RoleSecretariat))
	}
	mux.Handle("GET /tilsett/politikk", staff(h.staffHome))
	mux.Handle("GET /tilsett/politikk/mote/ny", staff(h.newMeetingForm))
	mux.Handle("POST /tilsett/politikk/mote/ny", staff(h.createMeeting))
	mux.Handle("GET /tilsett/politikk/mote/{id}", staff(h.staffMeeting))
	mux.Handle("POST /tilsett/politikk/mote/{id}", staff(h.updateMeeting))
	mux.Handle("POST /tilsett/politikk/mote/{id}/media", staff(h.setMedia))
	mux.Handle("POST /tilsett/politikk/mote/{id}/sak", staff(h.addItem))
	mux.Handle("POST /tilsett/politikk/mote/{id}/send", staff(h.publish))
	mux.Handle("GET /tilsett/politikk/sak/{id}", staff(h.staffItem))
	mux.Handle("POST /tilsett/politikk/sak/{id}/dokument", staff(h.addDocument))
	mux.Handle("POST /tilsett/politikk/sak/{id}/slett", staff(h.deleteItem))
	mux.Handle("POST /tilsett/politikk/sak/{id}/protokoll", staff(h.recordMinutes))
	mux.Handle("POST /tilsett/politikk/dokument/{id}/slett", staff(h.deleteDocument))
}

// actor is the audit actor of a request by the secretariat.
func actor(c *web.Ctx) audit.Entry {
	return audit.Entry{ActorID: c.User.Principal, ActorName: c.User.Name, Role: identity.RoleSecretariat, RequestID: c.RequestID}
}

// fieldErrors returns the field errors of an Invalid error, or nil.
func fieldErrors(err error) map[string]string {
	if !errs.Is(errs.Invalid, err) {
		return nil
	}
	_, _, fields := errs.Public(err)
	return fields
}

// --- the secretariat's overview ---

type staffHomeView struct {
	Upcoming, Past []meetingLine
	HasBodies      bool
}

func (h *handlers) staffHome(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	n, err := h.names(r)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	list, err := h.svc.Meetings(r.Context(), c.Tenant.ID, "", now.AddDate(0, -6, 0), time.Time{})
	if err != nil {
		return err
	}
	v := staffHomeView{HasBodies: len(n.bodies) > 0}
	v.Upcoming, v.Past = n.split(list, now)
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "staff_home", v)
}

// --- planning a meeting ---

type meetingFormView struct {
	Errors                                                    *errorSummary
	Body, Date, From, To, Place, Address, Closed, ClosedBasis field
	Stream, Video                                             field
	Published                                                 bool
}

// meetingFields builds the meeting form; bodies nil leaves out the body.
func (h *handlers) meetingFields(t func(string, ...any) string, prefix string, bodies []Body, f MeetingForm, fields map[string]string) meetingFormView {
	b := newForm(t, prefix, fields)
	var v meetingFormView
	if bodies != nil {
		opts := []choice{{Value: "", Label: t("politics.staff.choose")}}
		for _, x := range bodies {
			opts = append(opts, choice{Value: x.ID, Label: x.Name})
		}
		v.Body = b.sel(FieldBody, "politics.staff.body", "", f.BodyID, opts)
	}
	v.Date = b.text(FieldDate, "politics.staff.date", "politics.staff.date_hint", f.Date)
	v.Date.Class, v.Date.Autocomplete = "w-10", "off"
	v.From = b.text(FieldFrom, "politics.staff.from", "politics.staff.clock_hint", f.From)
	v.From.Class, v.From.Autocomplete = "w-5", "off"
	v.To = b.text(FieldTo, "politics.staff.to", "politics.staff.clock_hint", f.To)
	v.To.Class, v.To.Autocomplete = "w-5", "off"
	v.Place = b.text(FieldPlace, "politics.staff.place", "politics.staff.place_hint", f.Place)
	v.Address = b.text(FieldAddress, "politics.staff.address", "politics.staff.optional", f.Address)
	v.Closed = b.checkbox(FieldClosed, "politics.staff.closed", "politics.staff.closed_hint", checked(f.Closed))
	v.ClosedBasis = b.text(FieldClosedBasis, "politics.staff.closed_basis", "politics.staff.basis_hint", f.ClosedBasis)
	v.Stream = b.text(FieldStream, "politics.staff.stream", "politics.staff.url_hint", f.StreamURL)
	v.Stream.Type = "url"
	v.Video = b.text(FieldVideo, "politics.staff.video", "politics.staff.url_hint", f.VideoURL)
	v.Video.Type = "url"
	v.Errors = b.summary()
	return v
}

func (h *handlers) renderNewMeeting(w http.ResponseWriter, r *http.Request, status int, f MeetingForm, fields map[string]string) error {
	c := web.From(r)
	bodies, err := h.svc.Bodies(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	if bodies == nil {
		bodies = []Body{}
	}
	v := h.meetingFields(translator(h.shell, c.Lang), "", bodies, f, fields)
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_meeting_new", v)
}

func (h *handlers) newMeetingForm(w http.ResponseWriter, r *http.Request) error {
	f := MeetingForm{BodyID: r.URL.Query().Get("organ"), From: "18:00", To: "21:00"}
	return h.renderNewMeeting(w, r, http.StatusOK, f, nil)
}

func meetingForm(r *http.Request) MeetingForm {
	p := r.PostForm
	return MeetingForm{BodyID: p.Get(FieldBody), Date: p.Get(FieldDate), From: p.Get(FieldFrom), To: p.Get(FieldTo), Place: p.Get(FieldPlace),
		Address: p.Get(FieldAddress), Closed: p.Get(FieldClosed), ClosedBasis: p.Get(FieldClosedBasis), StreamURL: p.Get(FieldStream), VideoURL: p.Get(FieldVideo)}
}

func (h *handlers) createMeeting(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	f := meetingForm(r)
	m, err := h.svc.CreateMeeting(r.Context(), c.Tenant.ID, f, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderNewMeeting(w, r, http.StatusUnprocessableEntity, f, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/mote/"+m.ID+"?lagret=1", http.StatusSeeOther)
	return nil
}

// --- a meeting, for the secretariat ---

type staffItemLine struct {
	ID, Number, Title string
	Exempt            bool
	LegalBasis        string
	Documents         int
	HasMain, Decided  bool
}

type problemLine struct {
	Text, Href string
}

type staffMeetingView struct {
	ID, Body, When, Place string
	Closed                bool
	ClosedBasis           string
	Published             bool
	PublishedAt           string
	Saved, Sent           bool
	SentCount             int
	Errors                *errorSummary
	Details               meetingFormView
	Media                 meetingFormView
	Items                 []staffItemLine
	Item                  itemFormView
	Problems              []problemLine
	Recipients            int
	PublishError          string
}

type itemFormView struct {
	Number, Title, CaseRef, Exempt, LegalBasis, PublicTitle field
	Case                                                    field
}

// meetingState is what the meeting page shows besides the stored meeting:
// the forms as posted and their errors.
type meetingState struct {
	details      *MeetingForm
	detailErrs   map[string]string
	media        *MeetingForm
	mediaErrs    map[string]string
	item         ItemForm
	itemErrs     map[string]string
	publishError string
}

func (h *handlers) renderMeeting(w http.ResponseWriter, r *http.Request, status int, id string, st meetingState) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	m, items, docs, err := h.svc.Agenda(r.Context(), c.Tenant.ID, id)
	if err != nil {
		return err
	}
	body, err := h.svc.Body(r.Context(), c.Tenant.ID, m.BodyID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := staffMeetingView{ID: m.ID, Body: body.Name, When: when(m), Place: m.Place, Closed: m.Closed, ClosedBasis: m.ClosedBasis,
		Published: m.Published(), Saved: q.Get("lagret") == "1", Sent: q.Get("sendt") != "", PublishError: st.publishError}
	v.SentCount, _ = strconv.Atoi(q.Get("sendt"))
	if m.Published() {
		v.PublishedAt = m.PublishedAt.In(oslo).Format("02.01.2006 15:04")
	}
	current := MeetingForm{Date: m.Start.In(oslo).Format("02.01.2006"), From: m.Start.In(oslo).Format("15:04"), To: m.End.In(oslo).Format("15:04"),
		Place: m.Place, Address: m.Address, ClosedBasis: m.ClosedBasis, StreamURL: m.StreamURL, VideoURL: m.VideoURL}
	if m.Closed {
		current.Closed = "1"
	}
	details, media := current, current
	if st.details != nil {
		details = *st.details
	}
	if st.media != nil {
		media = *st.media
	}
	v.Details = h.meetingFields(t, "", nil, details, st.detailErrs)
	v.Media = h.meetingFields(t, "media-", nil, media, st.mediaErrs)
	ib := newForm(t, "sak-", st.itemErrs)
	v.Item = itemFormView{
		Number:      ib.text(FieldNumber, "politics.staff.item_number", "politics.staff.item_number_hint", st.item.Number),
		Title:       ib.text(FieldTitle, "politics.staff.item_title", "", st.item.Title),
		CaseRef:     ib.text(FieldCaseRef, "politics.staff.case_ref", "politics.staff.optional", st.item.CaseRef),
		Exempt:      ib.checkbox(FieldExempt, "politics.staff.item_exempt", "politics.staff.item_exempt_hint", checked(st.item.Exempt)),
		LegalBasis:  ib.text(FieldLegalBasis, "politics.staff.legal_basis", "politics.staff.basis_hint", st.item.LegalBasis),
		PublicTitle: ib.text(FieldPublicTitle, "politics.staff.public_title", "politics.staff.public_title_hint", st.item.PublicTitle),
	}
	v.Item.Number.Class, v.Item.CaseRef.Class = "w-20", "w-20"
	cases, err := h.svc.Cases(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	caseOpts := []choice{{Value: "", Label: t("politics.staff.no_case")}}
	for _, x := range cases {
		label := x.Title
		if x.ArchiveRef != "" {
			label = x.ArchiveRef + " " + label
		}
		caseOpts = append(caseOpts, choice{Value: x.ID, Label: label})
	}
	v.Item.Case = ib.sel(FieldCase, "politics.staff.case", "politics.staff.case_hint", st.item.CaseID, caseOpts)
	switch {
	case st.detailErrs != nil:
		v.Errors = v.Details.Errors
	case st.mediaErrs != nil:
		v.Errors = v.Media.Errors
	case st.itemErrs != nil:
		v.Errors = ib.summary()
	}
	for _, it := range items {
		l := staffItemLine{ID: it.ID, Number: it.Number, Title: it.Title, Exempt: it.Exempt, LegalBasis: it.LegalBasis, Documents: len(docs[it.ID]), Decided: it.Decided()}
		for _, d := range docs[it.ID] {
			l.HasMain = l.HasMain || d.Kind == DocMain
		}
		v.Items = append(v.Items, l)
	}
	for _, p := range problems(m, items, docs) {
		pl := problemLine{Text: problemText(t, p)}
		if p.ItemID != "" {
			pl.Href = "tilsett/politikk/sak/" + p.ItemID
		}
		v.Problems = append(v.Problems, pl)
	}
	if !m.Published() {
		rc, err := h.svc.recipients(r.Context(), h.svc.db, c.Tenant.ID, m.BodyID, m.Day())
		if err != nil {
			return err
		}
		v.Recipients = len(rc)
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_meeting", v)
}

// problemText is the message of a problem in the page's language.
func problemText(t func(string, ...any) string, p Problem) string {
	switch p.Key {
	case "politics.problem.item_basis", "politics.problem.no_main":
		return t(p.Key, p.Number)
	case "politics.problem.document_basis":
		return t(p.Key, p.Number, p.Title)
	}
	return t(p.Key)
}

func (h *handlers) staffMeeting(w http.ResponseWriter, r *http.Request) error {
	return h.renderMeeting(w, r, http.StatusOK, r.PathValue("id"), meetingState{})
}

func (h *handlers) updateMeeting(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	f := meetingForm(r)
	_, err := h.svc.UpdateMeeting(r.Context(), c.Tenant.ID, r.PathValue("id"), f, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderMeeting(w, r, http.StatusUnprocessableEntity, r.PathValue("id"), meetingState{details: &f, detailErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/mote/"+r.PathValue("id")+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) setMedia(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	f := meetingForm(r)
	id := r.PathValue("id")
	_, err := h.svc.SetMedia(r.Context(), c.Tenant.ID, id, f.StreamURL, f.VideoURL, actor(c))
	if fields := fieldErrors(err); fields != nil {
		m, err := h.svc.Meeting(r.Context(), c.Tenant.ID, id)
		if err != nil {
			return err
		}
		full := MeetingForm{StreamURL: f.StreamURL, VideoURL: f.VideoURL}
		if m.Closed {
			full.Closed = "1"
		}
		return h.renderMeeting(w, r, http.StatusUnprocessableEntity, id, meetingState{media: &full, mediaErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/mote/"+id+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) addItem(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	p := r.PostForm
	f := ItemForm{Number: p.Get(FieldNumber), Title: p.Get(FieldTitle), CaseRef: p.Get(FieldCaseRef), Exempt: p.Get(FieldExempt),
		LegalBasis: p.Get(FieldLegalBasis), PublicTitle: p.Get(FieldPublicTitle), CaseID: p.Get(FieldCase)}
	id := r.PathValue("id")
	it, err := h.svc.AddItem(r.Context(), c.Tenant.ID, id, f, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderMeeting(w, r, http.StatusUnprocessableEntity, id, meetingState{item: f, itemErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/sak/"+it.ID+"?ny=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) publish(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	link := h.siteURL(r) + "politikk/mote/" + id
	n, err := h.svc.Publish(r.Context(), c.Tenant.ID, id, c.Lang, link, actor(c))
	if errs.Is(errs.Invalid, err) {
		key, args, _ := errs.Public(err)
		return h.renderMeeting(w, r, http.StatusUnprocessableEntity, id, meetingState{publishError: translator(h.shell, c.Lang)(key, args...)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/mote/"+id+"?sendt="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// --- an item, for the secretariat ---

type staffDocLine struct {
	ID, Title, Kind, FileName, Size string
	Exempt                          bool
	LegalBasis                      string
}

type memberVoteField struct {
	ID, Name, Party, Role string
	Options               []choice
}

type partyVoteField struct {
	ID, Name              string
	For, Against, Abstain string
}

type staffItemView struct {
	Item        Item
	MeetingID   string
	Meeting     string
	Published   bool
	New         bool
	Saved       bool
	Documents   []staffDocLine
	Errors      *errorSummary
	DocKind     field
	DocTitle    field
	File        field
	DocExempt   field
	DocBasis    field
	MaxSize     string
	Decision    field
	For         field
	Against     field
	Abstain     field
	Offset      field
	HasVideo    bool
	Parties     []partyVoteField
	PartyError  string
	Members     []memberVoteField
	MemberError string
}

type itemState struct {
	doc     DocumentForm
	docErrs map[string]string
	minutes *MinutesForm
	minErrs map[string]string
}

func (h *handlers) renderItem(w http.ResponseWriter, r *http.Request, status int, id string, st itemState) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	it, m, err := h.svc.itemTx(r.Context(), h.svc.db, c.Tenant.ID, id)
	if err != nil {
		return err
	}
	_, items, docs, err := h.svc.Agenda(r.Context(), c.Tenant.ID, m.ID)
	if err != nil {
		return err
	}
	for _, x := range items {
		if x.ID == it.ID {
			it = x // with its votes
		}
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := staffItemView{Item: it, MeetingID: m.ID, Meeting: n.bodies[m.BodyID].Name + " " + when(m), Published: m.Published(),
		New: q.Get("ny") == "1", Saved: q.Get("lagret") == "1", MaxSize: formatSize(h.svc.cfg.MaxDocument), HasVideo: m.VideoURL != ""}
	for _, d := range docs[it.ID] {
		l := staffDocLine{ID: d.ID, Title: d.Title, Kind: d.Kind, FileName: d.FileName, Size: formatSize(d.Size), Exempt: d.Exempt, LegalBasis: d.LegalBasis}
		// A document of an exempt item or a closed meeting is not public
		// either, whatever it says itself.
		switch {
		case !l.Exempt && it.Exempt:
			l.Exempt, l.LegalBasis = true, it.LegalBasis
		case !l.Exempt && m.Closed:
			l.Exempt, l.LegalBasis = true, m.ClosedBasis
		}
		v.Documents = append(v.Documents, l)
	}
	db := newForm(t, "", st.docErrs)
	kind := st.doc.Kind
	if kind == "" {
		kind = DocMain
		for _, d := range docs[it.ID] {
			if d.Kind == DocMain {
				kind = DocAttachment
			}
		}
	}
	v.DocKind = db.radio(FieldDocKind, "politics.staff.doc_kind", "", kind, []choice{{Value: DocMain, Label: t("politics.doc.saksframlegg")}, {Value: DocAttachment, Label: t("politics.doc.vedlegg")}})
	v.File = db.add(field{Name: FieldFile, Type: "file", Label: "politics.staff.file", Accept: "application/pdf,.pdf"})
	v.File.Hint = t("politics.staff.file_hint", v.MaxSize)
	v.DocTitle = db.text(FieldDocTitle, "politics.staff.doc_title", "politics.staff.doc_title_hint", st.doc.Title)
	v.DocExempt = db.checkbox(FieldDocExempt, "politics.staff.doc_exempt", "politics.staff.doc_exempt_hint", checked(st.doc.Exempt))
	v.DocBasis = db.text(FieldDocBasis, "politics.staff.legal_basis", "politics.staff.basis_hint", st.doc.LegalBasis)

	// The minutes: as posted, or as recorded.
	mf := MinutesForm{Decision: it.Decision, ByParty: map[string][3]string{}, ByMember: map[string]string{}}
	if it.VideoOffset >= 0 {
		mf.VideoOffset = FormatOffset(it.VideoOffset)
	}
	if it.Vote != nil {
		mf.For, mf.Against, mf.Abstain = strconv.Itoa(it.Vote.For), strconv.Itoa(it.Vote.Against), strconv.Itoa(it.Vote.Abstain)
		for _, pv := range it.Vote.ByParty {
			mf.ByParty[pv.PartyID] = [3]string{strconv.Itoa(pv.For), strconv.Itoa(pv.Against), strconv.Itoa(pv.Abstain)}
		}
		for _, mv := range it.Vote.ByMember {
			mf.ByMember[mv.PersonID] = mv.Vote
		}
	}
	if st.minutes != nil {
		mf = *st.minutes
	}
	mb := newForm(t, "", st.minErrs)
	v.Decision = mb.textarea(FieldDecision, "politics.staff.decision", "politics.staff.decision_hint", mf.Decision, 8)
	v.For = mb.text(FieldFor, "politics.vote.for", "", mf.For)
	v.Against = mb.text(FieldAgainst, "politics.vote.against", "", mf.Against)
	v.Abstain = mb.text(FieldAbstain, "politics.vote.abstain", "", mf.Abstain)
	for _, f := range []*field{&v.For, &v.Against, &v.Abstain} {
		f.Class, f.Inputmode, f.Autocomplete = "w-5", "numeric", "off"
	}
	parties := make([]Party, 0, len(n.parties))
	for _, p := range n.parties {
		parties = append(parties, p)
	}
	slices.SortFunc(parties, func(a, b Party) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range parties {
		counts := mf.ByParty[p.ID]
		v.Parties = append(v.Parties, partyVoteField{ID: p.ID, Name: p.Name + " (" + p.ShortName + ")", For: counts[0], Against: counts[1], Abstain: counts[2]})
	}
	all, err := h.svc.Memberships(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, ms := range all {
		if ms.BodyID != m.BodyID || !ms.ActiveOn(m.Day()) || seen[ms.PersonID] {
			continue
		}
		seen[ms.PersonID] = true
		p := n.people[ms.PersonID]
		cur := mf.ByMember[p.ID]
		opts := []choice{{Value: "", Label: t("politics.vote.none")}, {Value: VoteFor, Label: t("politics.vote.for")},
			{Value: VoteAgainst, Label: t("politics.vote.against")}, {Value: VoteAbstain, Label: t("politics.vote.abstain")}}
		for i := range opts {
			opts[i].Selected = opts[i].Value == cur
		}
		v.Members = append(v.Members, memberVoteField{ID: p.ID, Name: p.Name(), Party: n.party(ms.PartyID), Role: ms.Role, Options: opts})
	}
	v.Offset = mb.text(FieldOffset, "politics.staff.offset", "politics.staff.offset_hint", mf.VideoOffset)
	v.Offset.Class, v.Offset.Autocomplete = "w-10", "off"
	if k := st.minErrs[FieldParties]; k != "" {
		v.PartyError = t(k)
	}
	if k := st.minErrs[FieldMembers]; k != "" {
		v.MemberError = t(k)
	}
	switch {
	case st.docErrs != nil:
		v.Errors = db.summary()
	case st.minErrs != nil:
		s := mb.summary()
		fixSummaryLinks(s, st.minErrs, t)
		v.Errors = s
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_item", v)
}

// fixSummaryLinks points the summary lines of the vote tables' errors at
// the tables.
func fixSummaryLinks(s *errorSummary, fields map[string]string, t func(string, ...any) string) {
	if s == nil {
		return
	}
	for i := range s.Items {
		for _, name := range []string{FieldParties, FieldMembers} {
			if k := fields[name]; k != "" && s.Items[i].Text == t(k) && s.Items[i].Href == "#skjema" {
				s.Items[i].Href = "#" + name
			}
		}
	}
}

func (h *handlers) staffItem(w http.ResponseWriter, r *http.Request) error {
	return h.renderItem(w, r, http.StatusOK, r.PathValue("id"), itemState{})
}

// maxUploadMemory is how much of a multipart body is held in memory; the
// rest of a file goes to a temporary file until it is checked.
const maxUploadMemory = 1 << 20

func (h *handlers) addDocument(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	id := r.PathValue("id")
	if err := r.ParseMultipartForm(maxUploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return h.renderItem(w, r, http.StatusRequestEntityTooLarge, id, itemState{docErrs: map[string]string{FieldFile: "politics.error.file_large"}})
		}
		return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	defer r.MultipartForm.RemoveAll()
	p := r.PostForm
	f := DocumentForm{Kind: p.Get(FieldDocKind), Title: p.Get(FieldDocTitle), Exempt: p.Get(FieldDocExempt), LegalBasis: p.Get(FieldDocBasis)}
	var name string
	var file io.Reader
	if fhs := r.MultipartForm.File[FieldFile]; len(fhs) > 0 && !(fhs[0].Filename == "" && fhs[0].Size == 0) {
		src, err := fhs[0].Open()
		if err != nil {
			return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
		}
		defer src.Close()
		name, file = fhs[0].Filename, src
	}
	_, err := h.svc.AddDocument(r.Context(), c.Tenant.ID, id, f, name, file, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderItem(w, r, http.StatusUnprocessableEntity, id, itemState{doc: f, docErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/sak/"+id+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) deleteItem(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	it, _, err := h.svc.itemTx(r.Context(), h.svc.db, c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteItem(r.Context(), c.Tenant.ID, it.ID, actor(c)); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/mote/"+it.MeetingID+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	d, err := h.svc.documentTx(r.Context(), h.svc.db, c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteDocument(r.Context(), c.Tenant.ID, d.ID, actor(c)); err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/sak/"+d.ItemID+"?lagret=1", http.StatusSeeOther)
	return nil
}

func (h *handlers) recordMinutes(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	c := web.From(r)
	id := r.PathValue("id")
	p := r.PostForm
	f := MinutesForm{Decision: p.Get(FieldDecision), For: p.Get(FieldFor), Against: p.Get(FieldAgainst), Abstain: p.Get(FieldAbstain),
		VideoOffset: p.Get(FieldOffset), ByParty: map[string][3]string{}, ByMember: map[string]string{}}
	for key := range p {
		if rest, ok := strings.CutPrefix(key, "parti-"); ok {
			for i, suffix := range []string{"-for", "-mot", "-avstar"} {
				if party, ok := strings.CutSuffix(rest, suffix); ok && len(f.ByParty) < 100 {
					counts := f.ByParty[party]
					counts[i] = p.Get(key)
					f.ByParty[party] = counts
				}
			}
		}
		if person, ok := strings.CutPrefix(key, "medlem-"); ok && len(f.ByMember) < 500 {
			f.ByMember[person] = p.Get(key)
		}
	}
	_, err := h.svc.RecordMinutes(r.Context(), c.Tenant.ID, id, f, actor(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderItem(w, r, http.StatusUnprocessableEntity, id, itemState{minutes: &f, minErrs: fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/politikk/sak/"+id+"?lagret=1#protokoll", http.StatusSeeOther)
	return nil
}
