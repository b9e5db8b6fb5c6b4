package api

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/cases"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/web"
)

// ScopeCasesRead lets a client list and read the municipality's cases,
// their journal entries (the Noark 5 record) and the entries' files.
const ScopeCasesRead = "cases:read"

// caseView is a case as the API shows it.
type caseView struct {
	ID           string      `json:"id"`
	Number       string      `json:"number"`
	Title        string      `json:"title"`
	Status       string      `json:"status"`
	Unit         *string     `json:"unit"`
	FormID       *string     `json:"form_id"`
	SubmissionID *string     `json:"submission_id"`
	Citizen      citizenView `json:"citizen"`
	Assignee     *string     `json:"assignee"`
	Restricted   bool        `json:"restricted"`
	CreatedAt    string      `json:"created_at"`
	Deadline     *string     `json:"deadline"`
	ClosedAt     *string     `json:"closed_at"`
	Href         string      `json:"href"`
	Entries      []entryView `json:"entries,omitempty"`
}

// citizenView is who the case is about or from: null members when unknown.
type citizenView struct {
	Name  *string `json:"name"`
	PID   *string `json:"pid"`
	Email *string `json:"email"`
}

// entryView is a journal entry (journalpost) of a case.
type entryView struct {
	ID             string         `json:"id"`
	RegistrationID string         `json:"registration_id"`
	Type           string         `json:"type"`
	Status         string         `json:"status"`
	Title          string         `json:"title"`
	PublicTitle    string         `json:"public_title"`
	DocumentDate   *string        `json:"document_date"`
	JournalDate    string         `json:"journal_date"`
	ReceivedDate   *string        `json:"received_date"`
	SentDate       *string        `json:"sent_date"`
	Parties        []partyView    `json:"parties"`
	Screening      *screeningView `json:"screening"`
	Documents      []documentView `json:"documents"`
}

type partyView struct {
	Type  string  `json:"type"`
	Name  string  `json:"name"`
	Email *string `json:"email"`
}

type screeningView struct {
	Code       string   `json:"code"`
	LegalBasis string   `json:"legal_basis"`
	Fields     []string `json:"fields"`
}

type documentView struct {
	ID     string     `json:"id"`
	Number int        `json:"number"`
	Role   string     `json:"role"`
	Kind   string     `json:"kind"`
	Title  string     `json:"title"`
	Files  []fileView `json:"files"`
}

type fileView struct {
	ID        string `json:"id"`
	Variant   string `json:"variant"`
	MediaType string `json:"media_type"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	Href      string `json:"href"`
}

// caseListView is a page of cases.
type caseListView struct {
	Items []caseView `json:"items"`
	Next  *string    `json:"next"`
}

func caseHref(base, id string) string { return base + "api/v1/cases/" + url.PathEscape(id) }

func stampOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func dateOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func viewCase(base string, c cases.Case) caseView {
	v := caseView{ID: c.ID, Number: c.Number, Title: c.Title, Status: c.Status, Unit: orNull(c.Unit), FormID: orNull(c.FormID),
		Citizen:  citizenView{Name: orNull(c.CitizenName), PID: orNull(c.CitizenPID), Email: orNull(c.Email)},
		Assignee: orNull(c.AssigneeName), Restricted: c.Restricted(),
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano), Deadline: stampOrNull(c.Deadline), ClosedAt: stampOrNull(c.ClosedAt),
		Href: caseHref(base, c.ID)}
	if !strings.HasPrefix(c.SubmissionID, "reg:") {
		v.SubmissionID = orNull(c.SubmissionID)
	}
	return v
}

func viewEntry(caseHref string, j archive.Journalpost) entryView {
	e := entryView{ID: j.SystemID, RegistrationID: j.RegistreringsID, Type: j.Journalposttype, Status: j.Journalstatus, Title: j.Tittel,
		PublicTitle: j.OffentligTittel, DocumentDate: dateOrNull(j.Dokumentdato), JournalDate: j.Journaldato.Format(time.DateOnly),
		ReceivedDate: dateOrNull(j.MottattDato), SentDate: dateOrNull(j.SendtDato), Parties: []partyView{}, Documents: []documentView{}}
	if e.PublicTitle == "" {
		e.PublicTitle = e.Title
	}
	for _, p := range j.Korrespondanseparter {
		e.Parties = append(e.Parties, partyView{Type: p.Korrespondanseparttype, Name: p.Navn, Email: orNull(p.Epostadresse)})
	}
	if s := j.Skjerming; s != nil {
		e.Screening = &screeningView{Code: s.Tilgangsrestriksjon, LegalBasis: s.Skjermingshjemmel, Fields: append([]string{}, s.SkjermingMetadata...)}
	}
	for _, d := range j.Dokumenter {
		dv := documentView{ID: d.SystemID, Number: d.Dokumentnummer, Role: d.TilknyttetRegistreringSom, Kind: d.Dokumenttype, Title: d.Tittel, Files: []fileView{}}
		for _, o := range d.Dokumentobjekter {
			variant := o.Variantformat
			if variant == "" {
				variant = "A"
			}
			dv.Files = append(dv.Files, fileView{ID: o.SystemID, Variant: variant, MediaType: safeContentType(o.Mimetype), Name: o.Filnavn,
				Size: o.Filstoerrelse, SHA256: o.BlobID, Href: caseHref + "/files/" + url.PathEscape(o.SystemID)})
		}
		e.Documents = append(e.Documents, dv)
	}
	return e
}

// caseRead is the audit record of reading c.
func caseRead(c cases.Case, what string) Read {
	return Read{Action: "case.read", Object: "case:" + c.Number, Subject: c.CitizenPID, Detail: what + " " + c.Number}
}

// caseList answers GET /api/v1/cases?status=&after=&limit=.
func (h *handlers) caseList(w http.ResponseWriter, r *http.Request, g Grant) error {
	q := r.URL.Query()
	for _, p := range []string{"status", "after", "limit"} {
		if len(q[p]) > 1 {
			return errs.E(errs.Invalid, errs.Key("api.error.repeated"), []any{p}, map[string]string{p: "api.error.repeated_field"})
		}
	}
	status := q.Get("status")
	if status != "" && status != cases.StatusOpen && status != cases.StatusClosed {
		return errs.E(errs.Invalid, errs.Key("api.error.status"), map[string]string{"status": "api.error.status"})
	}
	var after forms.Cursor
	if v := q.Get("after"); v != "" {
		c, err := forms.ParseCursor(v)
		if err != nil {
			return errs.E(errs.Invalid, errs.Key("api.error.cursor"), map[string]string{"after": "api.error.cursor"}, err)
		}
		after = c
	}
	limit := forms.DefaultPageSize
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > forms.MaxPageSize {
			return errs.E(errs.Invalid, errs.Key("api.error.limit"), map[string]string{"limit": "api.error.limit"})
		}
		limit = n
	}
	list, next, err := h.Cases.List(r.Context(), g.Tenant, status, after, limit)
	if err != nil {
		return err
	}
	base := web.From(r).Tenant.Base
	out := caseListView{Items: make([]caseView, 0, len(list))}
	reads := make([]Read, 0, len(list))
	for _, c := range list {
		out.Items = append(out.Items, viewCase(base, c))
		reads = append(reads, caseRead(c, "list"))
	}
	if next != nil {
		out.Next = orNull(next.String())
	}
	if err := h.Service.RecordReads(r.Context(), g, web.From(r).RequestID, reads); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, "application/json", out)
}

// caseOf finds the case of the path in g's municipality with its entries.
func (h *handlers) caseOf(r *http.Request, g Grant) (cases.Case, []archive.Journalpost, error) {
	c, err := h.Cases.Case(r.Context(), g.Tenant, r.PathValue("id"))
	if errs.Is(errs.NotFound, err) {
		return c, nil, errs.E(errs.NotFound, errs.Key("api.error.no_case"), err)
	}
	if err != nil {
		return c, nil, err
	}
	entries, err := h.Archive.Entries(r.Context(), g.Tenant, c.ID)
	return c, entries, err
}

// caseGet answers GET /api/v1/cases/{id}: the case with every journal
// entry, internal notes included (the client is the municipality's own
// system).
func (h *handlers) caseGet(w http.ResponseWriter, r *http.Request, g Grant) error {
	c, entries, err := h.caseOf(r, g)
	if err != nil {
		return err
	}
	if err := h.Service.RecordReads(r.Context(), g, web.From(r).RequestID, []Read{caseRead(c, "read")}); err != nil {
		return err
	}
	v := viewCase(web.From(r).Tenant.Base, c)
	v.Entries = []entryView{}
	for _, j := range entries {
		v.Entries = append(v.Entries, viewEntry(v.Href, j))
	}
	return writeJSON(w, http.StatusOK, "application/json", v)
}

// caseFile answers GET /api/v1/cases/{id}/files/{file}: one document
// file (dokumentobjekt) of the case, with its SHA-256 in Repr-Digest.
func (h *handlers) caseFile(w http.ResponseWriter, r *http.Request, g Grant) error {
	c, entries, err := h.caseOf(r, g)
	if err != nil {
		return err
	}
	var obj *archive.Dokumentobjekt
	for _, j := range entries {
		for _, d := range j.Dokumenter {
			for i := range d.Dokumentobjekter {
				if d.Dokumentobjekter[i].SystemID == r.PathValue("file") {
					obj = &d.Dokumentobjekter[i]
				}
			}
		}
	}
	if obj == nil {
		return errs.E(errs.NotFound, errs.Key("api.error.no_file"))
	}
	sum, err := hex.DecodeString(obj.BlobID)
	if err != nil || len(sum) != 32 {
		return errs.E(errs.Op("api.caseFile"), errs.Internal, fmt.Errorf("case %s: file %s has no SHA-256", c.Number, obj.SystemID))
	}
	f, err := h.Blobs.Open(r.Context(), obj.BlobID)
	if err != nil {
		return errs.E(errs.Op("api.caseFile"), errs.Internal, fmt.Errorf("case %s, file %s: %w", c.Number, obj.SystemID, err))
	}
	defer f.Close()
	rd := caseRead(c, "file "+obj.SystemID+" of")
	rd.Action, rd.Object = "case.file.read", rd.Object+"/file:"+obj.SystemID
	if err := h.Service.RecordReads(r.Context(), g, web.From(r).RequestID, []Read{rd}); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", safeContentType(obj.Mimetype))
	hd.Set("Content-Length", strconv.FormatInt(obj.Filstoerrelse, 10))
	hd.Set("Content-Disposition", ContentDisposition(obj.Filnavn))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	io.CopyN(w, f, obj.Filstoerrelse)
	return nil
}
