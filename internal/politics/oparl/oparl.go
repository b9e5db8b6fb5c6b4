// Package oparl serves the political data of every municipality of a
// deployment as the read-only OParl 1.1 API (https://oparl.org, the
// German standard for council information systems), in JSON, with CORS
// open to every origin as the specification requires.
//
// # One System, a Body per municipality
//
// OParl's System is one server, the entry point of a client, and each of
// its Bodies is a public corporation with its own council: a Kreis, a
// Gemeinde. A Torg deployment run by an inter-municipal IT company is
// exactly that: one server for several municipalities. So the deployment
// has one System at /oparl/v1/system, and every municipality that keeps
// political data in Torg is a Body of it, at /oparl/v1/body/{kommunenummer}
// (the kommunenummer is also its "ags"). A client that walks the System
// finds them all; one that wants a single municipality starts at its Body.
// Everything of a municipality lives under its Body's URL, so an object's
// URL names its municipality and every lookup is scoped by it.
//
// Norwegian politics maps onto OParl so: a body (kommunestyre, utvalg) is
// an Organization of type "Gremium", and a party one of type "Partei"; a
// seat is a Membership on behalf of the party; a meeting is a Meeting with
// its location embedded; an agenda item is an AgendaItem; an item that is
// public has a Consultation, its handling in the meeting, which belongs
// to a Paper: the item's own (the saksframlegg as its main File,
// attachments as auxiliary Files), or, when the item handles a political
// case, the case's Paper, which has a Consultation for each public item
// that handles it and their Files; a case is a Paper from when it is
// created, also before any item handles it;
// a valgperiode is a LegislativeTerm. Votes have no place in OParl 1.1 and
// are on the meeting's web page only.
//
// # Only what is public
//
// The data comes from politics.Service.PublicData, which leaves out what
// is not public: documents that are exempt, and the title, decision and
// documents of an exempt item or of an item of a closed meeting. Such an
// item is listed with its number, its public title and "public": false,
// and has no Paper. Officials' e-mail addresses are never given. Meetings
// are listed from when they are planned ("terminiert"); their agenda from
// when the notice is sent ("eingeladen"); after they end they are
// "durchgeführt".
//
// # Lists, filters and deletion
//
// Every external list is paged ("data", "pagination", "links" with "next"
// on every page but the last), sorted by creation time and id, and takes
// created_since, created_until, modified_since and modified_until (full
// date-times), limit (a hint, 1 to MaxLimit) and omit_internal=true. Torg
// never deletes what it has published (a published agenda is locked; a
// seat ends rather than disappears), so the API never has deleted objects
// to report; what becomes public has its modified time set when it does.
//
// Object URLs are absolute, on the deployment's public URL when one is
// configured (canonical, as OParl asks), else on the scheme and host of
// the request. Errors are RFC 9457 problem documents, like the rest of
// Torg's APIs.
package oparl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/web"
)

// Prefix is where the API is mounted on the deployment's root mux.
const Prefix = "/oparl/"

// Paging of lists: elements per page when the client gives no limit, and
// the most it may ask for.
const (
	DefaultLimit = 100
	MaxLimit     = 500
)

// The OParl version and type URLs.
const (
	version    = "https://schema.oparl.org/1.1/"
	typePrefix = "https://schema.oparl.org/1.1/"
)

// Tenants finds municipalities; *tenant.Service is one.
type Tenants interface {
	Get(ctx context.Context, id string) (tenant.Tenant, error)
}

// api serves the OParl routes.
type api struct {
	svc       *politics.Service
	shell     *web.Shell
	tenants   Tenants
	publicURL string
	cat       *i18n.Catalog
}

// Handler returns the OParl API of every municipality that keeps political
// data in svc. Mount it at Prefix ("/oparl/") on the deployment's root
// mux, outside any municipality. publicURL is the deployment's public URL
// (config PublicURL, no trailing slash); when empty, URLs are built from
// each request's scheme and host.
//
//	GET /oparl/v1/system                          the System: the entry point
//	GET /oparl/v1/bodies                          the municipalities (Body)
//	GET /oparl/v1/body/{b}                        one municipality
//	GET /oparl/v1/body/{b}/{list}                 organizations, people, memberships, meetings, agendaitems,
//	                                              papers, consultations, files, legislativeterms, locations
//	GET /oparl/v1/body/{b}/{type}/{id}            one object: organization, person, membership, meeting, agendaitem,
//	                                              paper, consultation, file, legislativeterm, location
//	GET /oparl/v1/body/{b}/organization/{id}/meetings   an organization's meetings
func Handler(svc *politics.Service, shell *web.Shell, tenants Tenants, publicURL string) http.Handler {
	a := &api{svc: svc, shell: shell, tenants: tenants, publicURL: strings.TrimSuffix(publicURL, "/"), cat: shell.Catalog()}
	mux := http.NewServeMux()
	mux.Handle("GET /oparl/v1/system", a.handle(a.system))
	mux.Handle("GET /oparl/v1/bodies", a.handle(a.bodies))
	mux.Handle("GET /oparl/v1/body/{b}", a.handle(a.body))
	mux.Handle("GET /oparl/v1/body/{b}/{list}", a.handle(a.list))
	mux.Handle("GET /oparl/v1/body/{b}/{kind}/{id}", a.handle(a.object))
	mux.Handle("GET /oparl/v1/body/{b}/organization/{id}/meetings", a.handle(a.organizationMeetings))
	mux.Handle("OPTIONS /oparl/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cors(w)
		w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.Handle("/oparl/", a.handle(func(w http.ResponseWriter, r *http.Request) error { return web.NotFound() }))
	return mux
}

func cors(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// handle adapts fn: CORS on every answer, errors as problem documents.
func (a *api) handle(fn web.HandlerFunc) http.Handler {
	return a.shell.Handle(func(w http.ResponseWriter, r *http.Request) error {
		cors(w)
		if c := web.From(r); c.Route == "" {
			c.Route = "oparl " + r.Pattern
		}
		return fn(w, r)
	})
}

// base returns the absolute URL of the deployment's root, without a
// trailing slash.
func (a *api) base(r *http.Request) string {
	if a.publicURL != "" {
		return a.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	return nil
}

// stamp writes a time as OParl's date-time, "2026-03-12T18:00:00+01:00".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(politics.Oslo()).Format("2006-01-02T15:04:05-07:00")
}

// date writes the day of t in Oslo, "2026-03-12".
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(politics.Oslo()).Format("2006-01-02")
}

// --- the entry point ---

type systemObject struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	OparlVersion string `json:"oparlVersion"`
	Body         string `json:"body"`
	Name         string `json:"name,omitempty"`
	Website      string `json:"website,omitempty"`
	Product      string `json:"product,omitempty"`
	Web          string `json:"web,omitempty"`
}

func (a *api) system(w http.ResponseWriter, r *http.Request) error {
	base := a.base(r)
	return writeJSON(w, systemObject{ID: base + "/oparl/v1/system", Type: typePrefix + "System", OparlVersion: version, Body: base + "/oparl/v1/bodies",
		Name: a.shell.SiteName, Website: base + "/", Product: "https://github.com/torg-ekommune/torg", Web: base + "/"})
}

// municipality is a Body: a municipality and its public data.
type municipality struct {
	t    tenant.Tenant
	data politics.Data
	objs *objects
}

// load reads municipality id and builds its objects. Errors: NotFound when
// it does not keep political data here.
func (a *api) load(r *http.Request, id string) (*municipality, error) {
	ctx := r.Context()
	ids, err := a.svc.Municipalities(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ids, id) {
		return nil, errs.E(errs.NotFound, errs.Key("error.not_found"))
	}
	t, err := a.tenants.Get(ctx, id)
	if err != nil {
		return nil, errs.E(errs.NotFound, errs.Key("error.not_found"), err)
	}
	data, err := a.svc.PublicData(ctx, id)
	if err != nil {
		return nil, err
	}
	m := &municipality{t: t, data: data}
	m.objs = a.build(r, m)
	return m, nil
}

func (a *api) bodies(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	ids, err := a.svc.Municipalities(r.Context())
	if err != nil {
		return err
	}
	var all []object
	for _, id := range ids {
		if _, err := a.tenants.Get(r.Context(), id); err != nil {
			continue // political data of a municipality no longer served
		}
		m, err := a.load(r, id)
		if err != nil {
			return err
		}
		all = append(all, m.objs.body)
	}
	return a.page(w, r, q, all, a.base(r)+"/oparl/v1/bodies")
}

func (a *api) body(w http.ResponseWriter, r *http.Request) error {
	m, err := a.load(r, r.PathValue("b"))
	if err != nil {
		return err
	}
	return writeJSON(w, m.objs.body.value)
}

// lists maps the path of an external list to the kind of its objects.
var lists = map[string]string{
	"organizations": "organization", "people": "person", "memberships": "membership", "meetings": "meeting",
	"agendaitems": "agendaitem", "papers": "paper", "consultations": "consultation", "files": "file",
	"legislativeterms": "legislativeterm", "locations": "location",
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	kind, ok := lists[r.PathValue("list")]
	if !ok {
		return web.NotFound()
	}
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	m, err := a.load(r, r.PathValue("b"))
	if err != nil {
		return err
	}
	return a.page(w, r, q, m.objs.byKind[kind], m.objs.bodyURL+"/"+r.PathValue("list"))
}

func (a *api) object(w http.ResponseWriter, r *http.Request) error {
	kind := r.PathValue("kind")
	if _, ok := m2l[kind]; !ok {
		return web.NotFound()
	}
	m, err := a.load(r, r.PathValue("b"))
	if err != nil {
		return err
	}
	o, ok := m.objs.byURL[m.objs.bodyURL+"/"+kind+"/"+r.PathValue("id")]
	if !ok {
		return web.NotFound()
	}
	if q := r.URL.Query(); q.Get("omit_internal") == "true" {
		return writeJSON(w, omitInternal(o.value))
	}
	return writeJSON(w, o.value)
}

// m2l are the kinds of single objects.
var m2l = func() map[string]bool {
	out := map[string]bool{}
	for _, k := range lists {
		out[k] = true
	}
	return out
}()

func (a *api) organizationMeetings(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	m, err := a.load(r, r.PathValue("b"))
	if err != nil {
		return err
	}
	orgURL := m.objs.bodyURL + "/organization/" + r.PathValue("id")
	if _, ok := m.objs.byURL[orgURL]; !ok {
		return web.NotFound()
	}
	var out []object
	for _, o := range m.objs.byKind["meeting"] {
		if mt, ok := o.value.(*meetingObject); ok && slices.Contains(mt.Organization, orgURL) {
			out = append(out, o)
		}
	}
	return a.page(w, r, q, out, orgURL+"/meetings")
}

// --- lists ---

// query is a list request's filters and paging.
type query struct {
	createdSince, createdUntil, modifiedSince, modifiedUntil time.Time
	limit, page                                              int
	omitInternal                                             bool
	raw                                                      url.Values // the filters as given, for the links
}

// parseQuery reads a list's parameters. Errors: Invalid for a filter that
// is not a full date-time, or a limit or page that is not a positive
// whole number.
func parseQuery(r *http.Request) (query, error) {
	v := r.URL.Query()
	q := query{limit: DefaultLimit, page: 1, raw: url.Values{}}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"created_since", &q.createdSince}, {"created_until", &q.createdUntil}, {"modified_since", &q.modifiedSince}, {"modified_until", &q.modifiedUntil}} {
		s := v.Get(f.name)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, errs.E(errs.Invalid, errs.Key("politics.oparl.error.datetime"), []any{f.name}, err)
		}
		*f.dst = t
		q.raw.Set(f.name, s)
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || len(s) > 6 {
			return q, errs.E(errs.Invalid, errs.Key("politics.oparl.error.limit"), []any{MaxLimit})
		}
		q.limit = min(n, MaxLimit)
		q.raw.Set("limit", strconv.Itoa(q.limit))
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || len(s) > 9 {
			return q, errs.E(errs.Invalid, errs.Key("politics.oparl.error.page"))
		}
		q.page = n
	}
	if v.Get("omit_internal") == "true" {
		q.omitInternal = true
		q.raw.Set("omit_internal", "true")
	}
	return q, nil
}

func (q query) keep(o object) bool {
	switch {
	case !q.createdSince.IsZero() && o.created.Before(q.createdSince),
		!q.createdUntil.IsZero() && o.created.After(q.createdUntil),
		!q.modifiedSince.IsZero() && o.modified.Before(q.modifiedSince),
		!q.modifiedUntil.IsZero() && o.modified.After(q.modifiedUntil):
		return false
	}
	return true
}

type pagination struct {
	TotalElements   int `json:"totalElements"`
	ElementsPerPage int `json:"elementsPerPage"`
	CurrentPage     int `json:"currentPage"`
	TotalPages      int `json:"totalPages"`
}

type listLinks struct {
	First string `json:"first,omitempty"`
	Prev  string `json:"prev,omitempty"`
	Self  string `json:"self"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last,omitempty"`
}

type listPage struct {
	Data       []any      `json:"data"`
	Pagination pagination `json:"pagination"`
	Links      listLinks  `json:"links"`
}

// page writes one page of all (sorted by creation and id, filtered by q)
// as an OParl list at self.
func (a *api) page(w http.ResponseWriter, r *http.Request, q query, all []object, self string) error {
	var kept []object
	for _, o := range all {
		if q.keep(o) {
			kept = append(kept, o)
		}
	}
	slices.SortStableFunc(kept, func(x, y object) int {
		if c := x.created.Compare(y.created); c != 0 {
			return c
		}
		return strings.Compare(x.url, y.url)
	})
	total := len(kept)
	pages := max(1, (total+q.limit-1)/q.limit)
	if q.page > pages {
		return errs.E(errs.NotFound, errs.Key("politics.oparl.error.no_page"))
	}
	link := func(page int) string {
		v := url.Values{}
		for k, vs := range q.raw {
			v[k] = vs
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if enc := v.Encode(); enc != "" {
			return self + "?" + enc
		}
		return self
	}
	p := listPage{Data: []any{}, Pagination: pagination{TotalElements: total, ElementsPerPage: q.limit, CurrentPage: q.page, TotalPages: pages},
		Links: listLinks{First: link(1), Self: link(q.page), Last: link(pages)}}
	if q.page > 1 {
		p.Links.Prev = link(q.page - 1)
	}
	if q.page < pages {
		p.Links.Next = link(q.page + 1)
	}
	start := (q.page - 1) * q.limit
	for _, o := range kept[start:min(start+q.limit, total)] {
		if q.omitInternal {
			p.Data = append(p.Data, omitInternal(o.value))
		} else {
			p.Data = append(p.Data, o.value)
		}
	}
	return writeJSON(w, p)
}

// omitInternal returns v without its embedded lists, for omit_internal.
func omitInternal(v any) any {
	switch o := v.(type) {
	case *meetingObject:
		c := *o
		c.AgendaItem = nil
		return &c
	case *personObject:
		c := *o
		c.Membership = nil
		return &c
	case *paperObject:
		c := *o
		c.AuxiliaryFile = nil
		return &c
	}
	return v
}

// locationID is the id of the Location of a place and address.
func locationID(place, address string) string {
	sum := sha256.Sum256([]byte(place + "\x00" + address))
	return hex.EncodeToString(sum[:8])
}
