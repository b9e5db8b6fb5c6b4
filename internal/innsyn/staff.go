package innsyn

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/web"
)

// maxUploadMemory is how much of a multipart form is kept in memory.
const maxUploadMemory = 1 << 20

type queueRow struct {
	ID, Ref, Created, Deadline, Units string
	Entries, Open                     int
	Overdue, Soon, Closed             bool
}

type queueView struct {
	Unit, All string
	Units     []choice
	Rows      []queueRow
}

func (h *handlers) queue(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	unit, all := r.URL.Query().Get("eining"), r.URL.Query().Get("vis") == "alle"
	list, err := h.svc.Queue(r.Context(), c.Tenant.ID, unit, all)
	if err != nil {
		return err
	}
	units, err := h.svc.Units(r.Context(), c.Tenant.ID)
	if err != nil {
		return err
	}
	v := queueView{Unit: unit, Units: []choice{{Value: "", Label: t("innsyn.queue.all_units"), Selected: unit == ""}}}
	if all {
		v.All = "alle"
	}
	for _, u := range units {
		v.Units = append(v.Units, choice{Value: u, Label: u, Selected: u == unit})
	}
	now := h.svc.db.Now()
	soon := AddWorkingDays(today(now), 1)
	for _, q := range list {
		row := queueRow{ID: q.ID, Ref: q.Ref(), Created: q.Created.In(oslo).Format("02.01.2006"), Deadline: q.Deadline.Format("02.01.2006"),
			Units: strings.Join(q.Units(), ", "), Entries: len(q.Lines), Open: q.Open(), Overdue: q.Overdue(now), Closed: !q.Closed.IsZero()}
		row.Soon = !row.Overdue && !row.Closed && !q.Deadline.After(soon)
		v.Rows = append(v.Rows, row)
	}
	return h.pages.Render(w, r, http.StatusOK, "staff_queue", v)
}

// decisionForm is one entry's decision form.
type decisionForm struct {
	Nr                               int
	Decision, Basis, Complaint, Note field
	File                             field
	Errors                           *errorSummary
}

type staffLineView struct {
	Line
	Title, Type string
	Screened    bool
	Form        *decisionForm
}

type staffRequestView struct {
	ID, Ref, Email, Principal, Created, Deadline string
	Overdue, Closed                              bool
	Lines                                        []staffLineView
	Saved                                        int
	MaxSize                                      string
}

// lineState is a decision form sent with errors.
type lineState struct {
	nr     int
	d      Decision
	fields map[string]string
}

func (h *handlers) staffRequest(w http.ResponseWriter, r *http.Request) error {
	saved, _ := strconv.Atoi(r.URL.Query().Get("lagra"))
	return h.renderStaff(w, r, http.StatusOK, lineState{}, saved)
}

func (h *handlers) renderStaff(w http.ResponseWriter, r *http.Request, status int, st lineState, saved int) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	a := actorOf(c)
	req, err := h.svc.Request(r.Context(), c.Tenant.ID, r.PathValue("id"), a)
	if err != nil {
		return err
	}
	now := h.svc.db.Now()
	v := staffRequestView{ID: req.ID, Ref: req.Ref(), Email: req.Email, Principal: req.Principal,
		Created: req.Created.In(oslo).Format("02.01.2006 15:04"), Deadline: req.Deadline.Format("02.01.2006"),
		Overdue: req.Overdue(now), Closed: !req.Closed.IsZero(), Saved: saved, MaxSize: formatSize(h.svc.cfg.MaxRedacted)}
	for _, l := range req.Lines {
		lv := staffLineView{Line: l}
		if m, j, key, err := h.svc.entryFor(r.Context(), c.Tenant.ID, l.EntryID); err != nil {
			return err
		} else if key == "" {
			lv.Title, lv.Type, lv.Screened = j.Tittel, j.Journalposttype, Screened(m, j)
		}
		if l.Decision == "" {
			d, fields := Decision{}, map[string]string(nil)
			if st.nr == l.Nr {
				d, fields = st.d, st.fields
			}
			b := newForm(t, fmt.Sprintf("l%d-", l.Nr), fields)
			opts := []choice{}
			for _, k := range Decisions() {
				opts = append(opts, choice{Value: k, Label: t("innsyn.decision." + k)})
			}
			f := &decisionForm{Nr: l.Nr}
			f.Decision = b.radio(FieldDecision, "innsyn.staff.decision", "", d.Decision, opts)
			f.Basis = b.text(FieldBasis, "innsyn.staff.basis", "innsyn.staff.basis_hint", d.LegalBasis)
			f.File = b.add(field{Name: FieldFile, Type: "file", Label: "innsyn.staff.file", Hint: "innsyn.staff.file_hint", Accept: RedactedType})
			f.File.Hint = t("innsyn.staff.file_hint", formatSize(h.svc.cfg.MaxRedacted))
			f.Note = b.textarea(FieldNote, "innsyn.staff.note", "innsyn.staff.note_hint", d.Note, 3)
			f.Complaint = b.textarea(FieldComplaint, "innsyn.staff.complaint", "innsyn.staff.complaint_hint", d.Complaint, 3)
			f.Errors = b.summary()
			lv.Form = f
		}
		v.Lines = append(v.Lines, lv)
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, status, "staff_request", v)
}

func (h *handlers) decide(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	id := r.PathValue("id")
	if err := r.ParseMultipartForm(maxUploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.TooLarge, errs.Key("innsyn.error.file_size"), err)
		}
		if err := web.ParseForm(r); err != nil {
			return err
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	d, err := ParseDecision(r.PostForm)
	if err != nil {
		return err
	}
	var up *Upload
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File[FieldFile]; len(fhs) > 0 && !(fhs[0].Filename == "" && fhs[0].Size == 0) {
			if fhs[0].Size > h.svc.cfg.MaxRedacted {
				return h.renderStaff(w, r, http.StatusUnprocessableEntity, lineState{nr: d.Nr, d: d, fields: map[string]string{FieldFile: "innsyn.error.file_size"}}, 0)
			}
			src, err := fhs[0].Open()
			if err != nil {
				return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
			}
			defer src.Close()
			up = &Upload{Name: fhs[0].Filename, Body: io.Reader(src)}
		}
	}
	_, err = h.svc.Decide(r.Context(), c.Tenant.ID, id, d, up, actorOf(c))
	if fields := fieldErrors(err); fields != nil {
		return h.renderStaff(w, r, http.StatusUnprocessableEntity, lineState{nr: d.Nr, d: d, fields: fields}, 0)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, c.Tenant.Base+"tilsett/innsyn/"+id+"?lagra="+strconv.Itoa(d.Nr)+"#l"+strconv.Itoa(d.Nr), http.StatusSeeOther)
	return nil
}

// ParseDecision reads a decision form: the line number (FieldNr, 1 to
// 10000) and the texts. Only the number is checked here; Decide checks
// the rest. Errors: Invalid (error.bad_form) for a missing or bad number.
func ParseDecision(form map[string][]string) (Decision, error) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	nr, err := strconv.Atoi(strings.TrimSpace(get(FieldNr)))
	if err != nil || nr <= 0 || nr > 10000 {
		return Decision{}, errs.E(errs.Op("innsyn.ParseDecision"), errs.Invalid, errs.Key("error.bad_form"))
	}
	return Decision{Nr: nr, Decision: get(FieldDecision), LegalBasis: get(FieldBasis), Complaint: get(FieldComplaint), Note: get(FieldNote)}, nil
}

type statsRow struct {
	Unit                         string
	Count, Decided, OnTime, Late int
	Granted, Partly, Refused     int
	Median, Share                string
}

type statsView struct {
	From, To field
	Errors   *errorSummary
	Rows     []statsRow
}

// ParsePeriod reads the statistics' period: from and to as dates
// "2006-01-02" (to inclusive), defaulting to this calendar year up to
// today at now. It returns [from, to+1 day) in Norwegian time. Errors:
// Invalid with field errors on "fra" and "til" (innsyn.error.date,
// innsyn.error.period).
func ParsePeriod(from, to string, now time.Time) (time.Time, time.Time, error) {
	fields := map[string]string{}
	n := now.In(oslo)
	start := time.Date(n.Year(), 1, 1, 0, 0, 0, 0, oslo)
	end := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, oslo)
	parse := func(name, s string, dst *time.Time) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		t, err := time.ParseInLocation("2006-01-02", s, oslo)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			fields[name] = "innsyn.error.date"
			return
		}
		*dst = t
	}
	parse("fra", from, &start)
	parse("til", to, &end)
	if len(fields) == 0 && end.Before(start) {
		fields["til"] = "innsyn.error.period"
	}
	if len(fields) > 0 {
		return time.Time{}, time.Time{}, errs.E(errs.Op("innsyn.ParsePeriod"), errs.Invalid, keyInvalid, fields)
	}
	return start, end.AddDate(0, 0, 1), nil
}

func (h *handlers) stats(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	t := translator(h.shell, c.Lang)
	q := r.URL.Query()
	now := h.svc.db.Now()
	from, to, err := ParsePeriod(q.Get("fra"), q.Get("til"), now)
	fields := fieldErrors(err)
	if err != nil && fields == nil {
		return err
	}
	b := newForm(t, "", fields)
	v := statsView{}
	fromS, toS := q.Get("fra"), q.Get("til")
	if fields == nil {
		fromS, toS = from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02")
	}
	v.From = b.text("fra", "innsyn.stats.from", "innsyn.stats.date_hint", fromS)
	v.To = b.text("til", "innsyn.stats.to", "innsyn.stats.date_hint", toS)
	v.From.Type, v.To.Type = "date", "date"
	v.Errors = b.summary()
	status := http.StatusOK
	if fields != nil {
		status = http.StatusUnprocessableEntity
	} else {
		list, err := h.svc.Stats(r.Context(), c.Tenant.ID, from, to, now)
		if err != nil {
			return err
		}
		for _, u := range list {
			row := statsRow{Unit: u.Unit, Count: u.Count, Decided: u.Decided, OnTime: u.OnTime, Late: u.Late, Granted: u.Granted, Partly: u.Partly, Refused: u.Refused,
				Median: "–", Share: "–"}
			if u.Decided > 0 {
				row.Median = formatDays(t, u.Median)
			}
			if s := u.Share(); s >= 0 {
				row.Share = strconv.Itoa(int(s*100+0.5)) + " %"
			}
			v.Rows = append(v.Rows, row)
		}
	}
	return h.pages.Render(w, r, status, "staff_stats", v)
}

// formatDays writes a duration in days with one decimal: "1,5 dagar".
func formatDays(t func(string, ...any) string, d time.Duration) string {
	tenths := int64((d + 72*time.Minute) / (144 * time.Minute)) // tenths of a day, rounded
	return t("innsyn.stats.days", strconv.FormatInt(tenths/10, 10)+","+strconv.FormatInt(tenths%10, 10))
}
