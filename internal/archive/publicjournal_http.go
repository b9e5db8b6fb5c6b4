package archive

import (
	"embed"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// MaxJournalExport is the most entries one CSV export holds.
const MaxJournalExport = 10_000

// journalFeedSize is the number of entries in the Atom feed.
const journalFeedSize = 50

type journalHandlers struct {
	svc   *Service
	shell *web.Shell
	pages *web.Pages
	files blob.Store
}

// PublicRoutes registers the public journal (postjournal) on a
// municipality's mux. The pages work without sign-in and without
// JavaScript; every output is made from screenEntry's result.
//
//	GET /postjournal                 search form and results (q, fra, til, saksnr, type, enhet, etter, antall)
//	GET /postjournal/{id}            one entry (the journalpost's systemID)
//	GET /postjournal.json            the same search as JSON
//	GET /postjournal.atom            the newest entries of the search as an Atom feed
//	GET /postjournal.csv             the search's entries as CSV (at most MaxJournalExport)
//	GET /postjournal/dokument/{id}   a public document's file (the dokumentbeskrivelse's systemID)
//
// files is the blob store that holds the document files.
func PublicRoutes(mux *http.ServeMux, shell *web.Shell, svc *Service, files blob.Store) error {
	pages, err := shell.Pages(templateFS, "templates/journal.html", "templates/journal_entry.html")
	if err != nil {
		return err
	}
	h := &journalHandlers{svc: svc, shell: shell, pages: pages, files: files}
	mux.Handle("GET /postjournal", shell.Handle(h.list))
	mux.Handle("GET /postjournal/{id}", shell.Handle(h.entry))
	mux.Handle("GET /postjournal.json", shell.Handle(h.json))
	mux.Handle("GET /postjournal.atom", shell.Handle(h.atom))
	mux.Handle("GET /postjournal.csv", shell.Handle(h.csv))
	mux.Handle("GET /postjournal/dokument/{id}", shell.Handle(h.document))
	return nil
}

func (h *journalHandlers) t(r *http.Request) func(string, ...any) string {
	cat, l := h.shell.Catalog(), i18n.Lang(web.From(r).Lang)
	return func(key string, args ...any) string { return cat.T(l, key, args...) }
}

// siteURL is the municipality's absolute base URL, for feeds and JSON.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + web.From(r).Tenant.Base
}

// journalField is a field of the search form.
type journalField struct {
	ID, Name, Type, Label, Hint, Error, Value, Inputmode string
	Options                                              []journalOption
}

type journalOption struct {
	Value, Label string
	Selected     bool
}

// Describe is the field's aria-describedby.
func (f journalField) Describe() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

type journalSummaryItem struct{ ID, Text string }

// entryView is an entry as the pages show it (from a PublicEntry).
type entryView struct {
	ID, Title, Number, CaseNumber, CaseTitle string
	Date, DocDate, Type, Unit, Hjemmel       string
	Parties                                  []partyView
	Documents                                []documentView
}

type partyView struct{ Label, Name string }

type documentView struct{ Title, URL, Size string }

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02.01.2006")
}

func formatBytes(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " kB"
	}
	return strconv.FormatInt((n+500_000)/1_000_000, 10) + " MB"
}

func (h *journalHandlers) view(r *http.Request, e PublicEntry) entryView {
	t := h.t(r)
	c := web.From(r)
	v := entryView{ID: e.SystemID, Title: e.Title, Number: e.Journalnummer(), CaseNumber: e.Saksnummer(), CaseTitle: e.CaseTitle,
		Date: formatDate(e.Journaldato), DocDate: formatDate(e.Dokumentdato), Type: t("archive.journalposttype." + e.Journalposttype),
		Unit: e.AdministrativEnhet, Hjemmel: strings.Join(e.Hjemmel, "; ")}
	for _, p := range e.Parties {
		v.Parties = append(v.Parties, partyView{Label: t("archive.korrespondanseparttype." + p.Type), Name: p.Name})
	}
	for _, d := range e.Documents {
		dv := documentView{Title: d.Title}
		if d.Public {
			dv.URL = c.Tenant.Base + "postjournal/dokument/" + d.SystemID
			dv.Size = formatBytes(d.Size)
		}
		v.Documents = append(v.Documents, dv)
	}
	return v
}

type journalPageView struct {
	Fields                   []journalField
	Errors                   []journalSummaryItem
	Entries                  []entryView
	CountText                string
	NextURL                  string
	JSONURL, AtomURL, CSVURL string
}

func (h *journalHandlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx, c := r.Context(), web.From(r)
	t := h.t(r)
	q, perr := ParseJournalQuery(r.URL.Query())
	_, _, fieldErrs := errs.Public(perr)
	if perr != nil && !errs.Is(errs.Invalid, perr) {
		return perr
	}
	units, err := h.svc.PublicJournalUnits(ctx, c.Tenant.ID)
	if err != nil {
		return err
	}
	raw := r.URL.Query()
	v := journalPageView{}
	typeOpts := []journalOption{{Value: "", Label: t("archive.journal.type_all")}}
	for _, code := range PublicJournalTypes {
		typeOpts = append(typeOpts, journalOption{Value: code, Label: t("archive.journalposttype." + code), Selected: raw.Get("type") == code})
	}
	unitOpts := []journalOption{{Value: "", Label: t("archive.journal.unit_all")}}
	for _, u := range units {
		unitOpts = append(unitOpts, journalOption{Value: u, Label: u, Selected: raw.Get("enhet") == u})
	}
	for _, f := range []journalField{
		{Name: "q", Type: "search", Label: "archive.journal.field.q", Hint: "archive.journal.hint.q"},
		{Name: "fra", Type: "text", Label: "archive.journal.field.from", Hint: "archive.journal.hint.date", Inputmode: "numeric"},
		{Name: "til", Type: "text", Label: "archive.journal.field.to", Hint: "archive.journal.hint.date", Inputmode: "numeric"},
		{Name: "saksnr", Type: "text", Label: "archive.journal.field.case", Hint: "archive.journal.hint.case"},
		{Name: "type", Label: "archive.journal.field.type", Options: typeOpts},
		{Name: "enhet", Label: "archive.journal.field.unit", Options: unitOpts},
	} {
		f.ID = "f-" + f.Name
		f.Label = t(f.Label)
		if f.Hint != "" {
			f.Hint = t(f.Hint)
		}
		if f.Options == nil {
			f.Value = raw.Get(f.Name)
		}
		if k := fieldErrs[f.Name]; k != "" {
			f.Error = t(k)
			v.Errors = append(v.Errors, journalSummaryItem{ID: f.ID, Text: f.Label + ": " + f.Error})
		}
		v.Fields = append(v.Fields, f)
	}
	// Errors on parameters without a field (etter, antall).
	for _, name := range []string{"etter", "antall"} {
		if k := fieldErrs[name]; k != "" {
			v.Errors = append(v.Errors, journalSummaryItem{ID: "f-q", Text: t(k)})
		}
	}
	if perr != nil {
		return h.pages.Render(w, r, http.StatusBadRequest, "journal", v)
	}
	page, err := h.svc.PublicJournal(ctx, c.Tenant.ID, q)
	if err != nil {
		return err
	}
	for _, e := range page.Entries {
		v.Entries = append(v.Entries, h.view(r, e))
	}
	switch {
	case q.After != 0:
		v.CountText = t("archive.journal.count_page", len(page.Entries))
	case page.More:
		v.CountText = t("archive.journal.count_more", page.Count)
	default:
		v.CountText = t("archive.journal.count", page.Count)
	}
	qs := q.Values()
	enc := qs.Encode()
	if page.Next != 0 {
		next := q.Values()
		next.Set("etter", strconv.FormatInt(page.Next, 10))
		v.NextURL = c.Tenant.Base + "postjournal?" + next.Encode()
	}
	suffix := ""
	if enc != "" {
		suffix = "?" + enc
	}
	v.JSONURL = c.Tenant.Base + "postjournal.json" + suffix
	v.AtomURL = c.Tenant.Base + "postjournal.atom" + suffix
	v.CSVURL = c.Tenant.Base + "postjournal.csv" + suffix
	return h.pages.Render(w, r, http.StatusOK, "journal", v)
}

func (h *journalHandlers) entry(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.PublicEntry(r.Context(), web.From(r).Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "journal_entry", h.view(r, e))
}

// asProblem makes the shell answer an error of an API route with an RFC
// 9457 problem document.
func asProblem(r *http.Request) {
	r.Header.Set("Accept", "application/problem+json")
}

// jsonEntry is an entry in the JSON API, named as in Noark 5 / eInnsyn.
type jsonEntry struct {
	SystemID             string         `json:"systemID"`
	URL                  string         `json:"url"`
	Journalnummer        string         `json:"journalnummer"`
	Journalaar           int            `json:"journalaar"`
	Journalsekvensnummer int            `json:"journalsekvensnummer"`
	Journalpostnummer    int            `json:"journalpostnummer"`
	Saksnummer           string         `json:"saksnummer"`
	Journalposttype      string         `json:"journalposttype"`
	Journaldato          string         `json:"journaldato"`
	DokumentetsDato      string         `json:"dokumentetsDato,omitempty"`
	SaksmappeTittel      string         `json:"saksmappeOffentligTittel"`
	OffentligTittel      string         `json:"offentligTittel"`
	AdministrativEnhet   string         `json:"administrativEnhet"`
	Korrespondanseparter []jsonParty    `json:"korrespondansepart"`
	Skjerming            *jsonSkjerming `json:"skjerming,omitempty"`
	Dokumenter           []jsonDocument `json:"dokumentbeskrivelse"`
}

type jsonParty struct {
	Type     string `json:"korrespondanseparttype"`
	Navn     string `json:"korrespondansepartNavn"`
	Skjermet bool   `json:"skjermet"`
}

type jsonSkjerming struct {
	Tilgangsrestriksjon []string `json:"tilgangsrestriksjon"`
	Skjermingshjemmel   []string `json:"skjermingshjemmel"`
}

type jsonDocument struct {
	SystemID                  string `json:"systemID"`
	Dokumentnummer            int    `json:"dokumentnummer"`
	TilknyttetRegistreringSom string `json:"tilknyttetRegistreringSom"`
	Tittel                    string `json:"tittel"`
	Offentlig                 bool   `json:"offentlig"`
	URL                       string `json:"url,omitempty"`
	Mimetype                  string `json:"mimetype,omitempty"`
	Filstoerrelse             int64  `json:"filstoerrelse,omitempty"`
}

type jsonPage struct {
	Items      []jsonEntry `json:"items"`
	Next       string      `json:"next,omitempty"`
	Count      int         `json:"count,omitempty"`
	CountMore  bool        `json:"countIsLowerBound,omitempty"`
	Screening  string      `json:"screeningMarker"`
	MaxResults int         `json:"maxCount"`
}

func jsonOf(base string, e PublicEntry) jsonEntry {
	j := jsonEntry{SystemID: e.SystemID, URL: base + "postjournal/" + e.SystemID, Journalnummer: e.Journalnummer(), Journalaar: e.Journalaar,
		Journalsekvensnummer: e.Journalsekvensnummer, Journalpostnummer: e.Journalpostnummer, Saksnummer: e.Saksnummer(),
		Journalposttype: e.Journalposttype, Journaldato: e.Journaldato.Format("2006-01-02"), SaksmappeTittel: e.CaseTitle,
		OffentligTittel: e.Title, AdministrativEnhet: e.AdministrativEnhet, Korrespondanseparter: []jsonParty{}, Dokumenter: []jsonDocument{}}
	if !e.Dokumentdato.IsZero() {
		j.DokumentetsDato = e.Dokumentdato.Format("2006-01-02")
	}
	for _, p := range e.Parties {
		j.Korrespondanseparter = append(j.Korrespondanseparter, jsonParty{Type: p.Type, Navn: p.Name, Skjermet: p.Screened})
	}
	if e.Screened {
		j.Skjerming = &jsonSkjerming{Tilgangsrestriksjon: e.Tilgangskoder, Skjermingshjemmel: e.Hjemmel}
	}
	for _, d := range e.Documents {
		jd := jsonDocument{SystemID: d.SystemID, Dokumentnummer: d.Number, TilknyttetRegistreringSom: d.Role, Tittel: d.Title, Offentlig: d.Public}
		if d.Public {
			jd.URL, jd.Mimetype, jd.Filstoerrelse = base+"postjournal/dokument/"+d.SystemID, d.Mimetype, d.Size
		}
		j.Dokumenter = append(j.Dokumenter, jd)
	}
	return j
}

func (h *journalHandlers) json(w http.ResponseWriter, r *http.Request) error {
	asProblem(r)
	c := web.From(r)
	q, err := ParseJournalQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := h.svc.PublicJournal(r.Context(), c.Tenant.ID, q)
	if err != nil {
		return err
	}
	base := siteURL(r)
	out := jsonPage{Items: []jsonEntry{}, Count: page.Count, CountMore: page.More, Screening: Masked, MaxResults: MaxJournalCount}
	for _, e := range page.Entries {
		out.Items = append(out.Items, jsonOf(base, e))
	}
	if page.Next != 0 {
		v := q.Values()
		v.Set("etter", strconv.FormatInt(page.Next, 10))
		out.Next = base + "postjournal.json?" + v.Encode()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(out)
}

// Atom (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// summaryText is an entry in one line of plain text, for the feed.
func (h *journalHandlers) summaryText(r *http.Request, e PublicEntry) string {
	t := h.t(r)
	parts := []string{t("archive.journal.case") + " " + e.Saksnummer() + ": " + e.CaseTitle,
		t("archive.journalposttype." + e.Journalposttype)}
	for _, p := range e.Parties {
		parts = append(parts, t("archive.korrespondanseparttype."+p.Type)+": "+p.Name)
	}
	if e.AdministrativEnhet != "" {
		parts = append(parts, t("archive.journal.unit")+": "+e.AdministrativEnhet)
	}
	if e.Screened {
		parts = append(parts, t("archive.journal.screened")+": "+strings.Join(e.Hjemmel, "; "))
	}
	return strings.Join(parts, ". ")
}

func (h *journalHandlers) atom(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	q, err := ParseJournalQuery(r.URL.Query())
	if err != nil {
		return err
	}
	q.After, q.Limit = 0, journalFeedSize
	page, err := h.svc.PublicJournal(r.Context(), c.Tenant.ID, q)
	if err != nil {
		return err
	}
	base := siteURL(r)
	query := ""
	if enc := q.Values(); len(enc) > 0 {
		enc.Del("antall")
		if s := enc.Encode(); s != "" {
			query = "?" + s
		}
	}
	t := h.t(r)
	feed := atomFeed{ID: base + "postjournal.atom" + query, Title: t("archive.journal.feed_title", c.Tenant.Name(c.Lang)),
		Links:  []atomLink{{Rel: "self", Href: base + "postjournal.atom" + query, Type: "application/atom+xml"}, {Rel: "alternate", Href: base + "postjournal" + query, Type: "text/html"}},
		Author: atomAuthor{Name: c.Tenant.Name(c.Lang)}, Updated: time.Unix(0, 0).UTC().Format(time.RFC3339)}
	for i, e := range page.Entries {
		updated := e.Journaldato.UTC().Format(time.RFC3339)
		if i == 0 {
			feed.Updated = updated
		}
		feed.Entries = append(feed.Entries, atomEntry{ID: "urn:uuid:" + e.SystemID, Title: e.Title, Updated: updated,
			Link: atomLink{Rel: "alternate", Href: base + "postjournal/" + e.SystemID, Type: "text/html"}, Summary: h.summaryText(r, e)})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	io.WriteString(w, xml.Header)
	return xml.NewEncoder(w).Encode(feed)
}

// csvCell keeps a spreadsheet from reading a cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (h *journalHandlers) csv(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	q, err := ParseJournalQuery(r.URL.Query())
	if err != nil {
		return err
	}
	q.After, q.Limit = 0, MaxJournalLimit
	var entries []PublicEntry
	for len(entries) < MaxJournalExport {
		page, err := h.svc.PublicJournal(r.Context(), c.Tenant.ID, q)
		if err != nil {
			return err
		}
		entries = append(entries, page.Entries...)
		if page.Next == 0 {
			break
		}
		q.After = page.Next
	}
	if len(entries) > MaxJournalExport {
		entries = entries[:MaxJournalExport]
	}
	t := h.t(r)
	base := siteURL(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "postjournal.csv"}))
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{t("archive.journal.number"), t("archive.journal.case"), t("archive.journal.date"), t("archive.journal.type"),
		t("archive.journal.case_title"), t("archive.journal.entry_title"), t("archive.journal.parties"), t("archive.journal.unit"),
		t("archive.journal.screened"), t("archive.journal.link")})
	for _, e := range entries {
		var parties []string
		for _, p := range e.Parties {
			parties = append(parties, t("archive.korrespondanseparttype."+p.Type)+": "+p.Name)
		}
		cw.Write([]string{e.Journalnummer(), e.Saksnummer(), e.Journaldato.Format("2006-01-02"), t("archive.journalposttype." + e.Journalposttype),
			csvCell(e.CaseTitle), csvCell(e.Title), csvCell(strings.Join(parties, "; ")), csvCell(e.AdministrativEnhet),
			csvCell(strings.Join(e.Hjemmel, "; ")), base + "postjournal/" + e.SystemID})
	}
	cw.Flush()
	return cw.Error()
}

// inlineTypes are the media types a document is shown as in the browser;
// anything else is a download.
var inlineTypes = map[string]bool{"application/pdf": true, "text/plain": true, "image/png": true, "image/jpeg": true}

func (h *journalHandlers) document(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	f, err := h.svc.PublicDocumentFile(r.Context(), c.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if h.files == nil {
		return web.NotFound()
	}
	rc, err := h.files.Open(r.Context(), f.BlobID)
	if err != nil {
		return err
	}
	defer rc.Close()
	ctype := f.Mimetype
	mt, _, perr := mime.ParseMediaType(ctype)
	if perr != nil || ctype == "" {
		ctype, mt = "application/octet-stream", "application/octet-stream"
	}
	disposition := "attachment"
	if inlineTypes[mt] {
		disposition = "inline"
	}
	name := f.Filename
	if name == "" {
		name = "dokument"
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("Cache-Control", "public, max-age=300")
	if f.Size > 0 {
		hd.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	_, err = io.Copy(w, rc)
	if err != nil {
		// The headers are sent; the client sees a short body.
		return nil
	}
	return nil
}
