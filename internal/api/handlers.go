package api

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/cases"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/web"
)

// DefaultFailedAuthRate is how many failed authentications one client
// address may make per minute when Deps.FailedAuthRate is 0.
const DefaultFailedAuthRate = 10

// Deps are what the API's routes need.
type Deps struct {
	Service *Service
	Forms   *forms.Store
	Blobs   blob.Store
	// Cases and Archive serve the cases API (scope cases:read); without
	// them its routes are not registered.
	Cases   *cases.Service
	Archive *archive.Service
	// PublicURL is the deployment's public URL (config PublicURL), for the
	// server and token URLs in the OpenAPI document.
	PublicURL string
	// FailedAuthRate is how many failed authentications (a wrong client
	// secret, an invalid token) one client address may make per minute;
	// past it the address is refused for a minute (429). 0 means
	// DefaultFailedAuthRate.
	FailedAuthRate int
}

// handlers serve the API.
type handlers struct {
	Deps
	shell *web.Shell
	fails *failures
}

// Routes registers the API on a municipality's mux:
//
//	POST /api/token                                          OAuth 2.0 token endpoint (client credentials)
//	GET  /api/openapi.json                                   the OpenAPI document, with this municipality's URLs
//	GET  /api/v1/submissions                                 the submissions, oldest first, page by page
//	GET  /api/v1/submissions/{id}                            one submission
//	GET  /api/v1/submissions/{id}/attachments/{attachment}   one of its files
//	GET  /api/v1/cases                                       the cases, oldest first, page by page
//	GET  /api/v1/cases/{id}                                  one case with its journal entries
//	GET  /api/v1/cases/{id}/files/{file}                     one document file of the case
//
// Errors are RFC 9457 problem documents, except at the token endpoint,
// which answers as RFC 6749 §5.2 says.
func Routes(mux *http.ServeMux, shell *web.Shell, deps Deps) error {
	if deps.Service == nil || deps.Forms == nil || deps.Blobs == nil {
		return fmt.Errorf("api: Routes needs Service, Forms and Blobs")
	}
	if deps.FailedAuthRate <= 0 {
		deps.FailedAuthRate = DefaultFailedAuthRate
	}
	h := &handlers{Deps: deps, shell: shell, fails: newFailures(deps.FailedAuthRate, time.Minute, deps.Service.db.Now)}
	mux.Handle("POST /api/token", shell.Handle(h.token))
	mux.Handle("GET /api/openapi.json", OpenAPI(deps.PublicURL))
	mux.Handle("GET /api/v1/submissions", h.guard(ScopeSubmissionsRead, h.list))
	mux.Handle("GET /api/v1/submissions/{id}", h.guard(ScopeSubmissionsRead, h.get))
	mux.Handle("GET /api/v1/submissions/{id}/attachments/{attachment}", h.guard(ScopeSubmissionsRead, h.attachment))
	if deps.Cases != nil && deps.Archive != nil {
		mux.Handle("GET /api/v1/cases", h.guard(ScopeCasesRead, h.caseList))
		mux.Handle("GET /api/v1/cases/{id}", h.guard(ScopeCasesRead, h.caseGet))
		mux.Handle("GET /api/v1/cases/{id}/files/{file}", h.guard(ScopeCasesRead, h.caseFile))
	}
	return nil
}

// retryAfter is the Retry-After of a blocked client address, in seconds.
const retryAfter = "60"

func tooMany(w http.ResponseWriter) error {
	w.Header().Set("Retry-After", retryAfter)
	return errs.E(errs.TooMany, errs.Key("api.error.too_many"))
}

// challengeWriter puts the RFC 6750 challenge of the request on its 401
// and 403 answers; web.Shell.Error writes a plain one.
type challengeWriter struct {
	http.ResponseWriter
	challenge string
}

func (c *challengeWriter) WriteHeader(code int) {
	if c.challenge != "" && (code == http.StatusUnauthorized || code == http.StatusForbidden) {
		c.Header().Set("WWW-Authenticate", c.challenge)
	}
	c.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (c *challengeWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// grantHandler is a handler that runs with a checked access token.
type grantHandler func(w http.ResponseWriter, r *http.Request, g Grant) error

// guard lets requests through to fn only with a valid bearer token of
// this municipality that has scope.
func (h *handlers) guard(scope string, fn grantHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &challengeWriter{ResponseWriter: w}
		h.shell.Handle(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Cache-Control", "no-store")
			g, err := h.bearer(w, r, cw)
			if err != nil {
				return err
			}
			if !g.Has(scope) {
				cw.challenge = `Bearer realm="torg", error="insufficient_scope", scope="` + scope + `"`
				return errs.E(errs.Forbidden, errs.Key("api.error.scope_missing"), []any{scope})
			}
			return fn(w, r, g)
		}).ServeHTTP(cw, r)
	})
}

// bearer checks the request's access token (RFC 6750 §2.1).
func (h *handlers) bearer(w http.ResponseWriter, r *http.Request, cw *challengeWriter) (Grant, error) {
	key := web.LimitKey(r)
	if h.fails.Blocked(key) {
		return Grant{}, tooMany(w)
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		// No credentials: a challenge without an error code (§3).
		return Grant{}, errs.E(errs.Unauthenticated, errs.Key("api.error.no_token"))
	}
	cw.challenge = `Bearer realm="torg", error="invalid_token"`
	token = strings.TrimSpace(token)
	if !validToken(token) {
		if h.fails.Fail(key) {
			return Grant{}, tooMany(w)
		}
		return Grant{}, errs.E(errs.Unauthenticated, errs.Key("api.error.invalid_token"))
	}
	g, err := h.Service.Authenticate(r.Context(), web.From(r).Tenant.ID, token)
	if errs.Is(errs.Unauthenticated, err) && h.fails.Fail(key) {
		return Grant{}, tooMany(w)
	}
	return g, err
}

// validToken reports whether s is a b64token (RFC 6750 §2.1) of a sane
// length.
func validToken(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	t := strings.TrimRight(s, "=")
	if t == "" {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~+/", c)) {
			return false
		}
	}
	return true
}

// oauthError answers the token endpoint's errors as RFC 6749 §5.2 says.
// description must be printable ASCII without '"' and '\'.
func oauthError(w http.ResponseWriter, status int, code, description string) error {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="torg"`)
	}
	return writeJSON(w, status, "application/json", map[string]string{"error": code, "error_description": description})
}

// tokenResponse is the token endpoint's answer (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// token is the token endpoint: the client credentials grant (RFC 6749
// §4.4), with the client authenticated by HTTP Basic (§2.3.1) or by
// client_id and client_secret in the body.
func (h *handlers) token(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	key := web.LimitKey(r)
	if h.fails.Blocked(key) {
		return tooMany(w)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "send the parameters as application/x-www-form-urlencoded")
	}
	if err := r.ParseForm(); err != nil {
		if err := web.Classify(err); errs.KindOf(err) == errs.TooLarge {
			return err
		}
		return oauthError(w, http.StatusBadRequest, "invalid_request", "the body cannot be read")
	}
	if r.URL.Query().Has("client_secret") {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "client_secret must not be in the URL")
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return oauthError(w, http.StatusBadRequest, "invalid_request", "parameter "+safeASCII(k)+" is repeated")
		}
	}
	grant := r.PostForm.Get("grant_type")
	if grant == "" {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "grant_type is missing")
	}
	if grant != "client_credentials" {
		return oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type=client_credentials is supported")
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// The Basic credentials are form-encoded first (§2.3.1).
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return oauthError(w, http.StatusBadRequest, "invalid_request", "the Basic credentials are not form-encoded")
		}
		if r.PostForm.Has("client_secret") {
			return oauthError(w, http.StatusBadRequest, "invalid_request", "use one way to authenticate the client, not two")
		}
		if fid := r.PostForm.Get("client_id"); fid != "" && fid != id {
			return oauthError(w, http.StatusBadRequest, "invalid_request", "client_id in the body differs from the Basic credentials")
		}
	} else if r.Header.Get("Authorization") != "" {
		return oauthError(w, http.StatusUnauthorized, "invalid_client", "authenticate the client with HTTP Basic or client_secret in the body")
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" || secret == "" {
		return oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication is missing")
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	t, err := h.Service.IssueToken(r.Context(), web.From(r).Tenant.ID, id, secret, scopes)
	switch {
	case errs.Is(errs.Unauthenticated, err):
		if h.fails.Fail(key) {
			return tooMany(w)
		}
		return oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
	case errs.Is(errs.Invalid, err):
		return oauthError(w, http.StatusBadRequest, "invalid_scope", "the client does not have the requested scope")
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, "application/json", tokenResponse{
		AccessToken: t.Value, TokenType: "Bearer", ExpiresIn: int64(h.Service.TokenLifetime / time.Second), Scope: strings.Join(t.Scopes, " "),
	})
}

// safeASCII keeps the characters an error_description may hold.
func safeASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}

// writeJSON answers v as JSON with status. API answers are never cached:
// they hold personal data or credentials.
//
// Stored JSON (answers, the receipt) goes out with its values unchanged;
// only insignificant whitespace may differ, which the receipt's signature
// (over its canonical form) does not depend on.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return errs.E(errs.Op("api.writeJSON"), err)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// submissionView is a submission as the API shows it.
type submissionView struct {
	ID          string           `json:"id"`
	Reference   string           `json:"reference"`
	FormID      string           `json:"form_id"`
	FormVersion int64            `json:"form_version"`
	FormTitle   string           `json:"form_title"`
	Status      string           `json:"status"`
	CreatedAt   string           `json:"created_at"`
	Submitter   submitterView    `json:"submitter"`
	Email       *string          `json:"email"`
	Answers     json.RawMessage  `json:"answers"`
	Attachments []attachmentView `json:"attachments"`
	Receipt     json.RawMessage  `json:"receipt"`
	Href        string           `json:"href"`
}

// submitterView is who submitted: null members for forms without sign-in.
type submitterView struct {
	Name *string `json:"name"`
	PID  *string `json:"pid"`
}

// attachmentView is a file of a submission.
type attachmentView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Path        string `json:"path"`
	Href        string `json:"href"`
}

// listView is a page of submissions.
type listView struct {
	Items []submissionView `json:"items"`
	Next  *string          `json:"next"`
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// submissionHref is the path of a submission in the API, for the
// municipality at base ("/k/9999/" or "/").
func submissionHref(base, id string) string {
	return base + "api/v1/submissions/" + url.PathEscape(id)
}

func view(base string, sub forms.Submission) submissionView {
	v := submissionView{
		ID: sub.ID, Reference: sub.Reference, FormID: sub.FormID, FormVersion: sub.Version, FormTitle: sub.FormTitle,
		Status: sub.Status, CreatedAt: sub.CreatedAt.UTC().Format(time.RFC3339Nano),
		Submitter: submitterView{Name: orNull(sub.SubmitterName), PID: orNull(sub.SubmitterPID)},
		Email:     orNull(sub.Email), Answers: sub.Answers, Attachments: []attachmentView{}, Receipt: sub.Receipt,
		Href: submissionHref(base, sub.ID),
	}
	if len(v.Answers) == 0 {
		v.Answers = json.RawMessage("{}")
	}
	for _, a := range sub.Attachments {
		v.Attachments = append(v.Attachments, attachmentView{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Path: a.Path,
			Href: v.Href + "/attachments/" + url.PathEscape(a.ID)})
	}
	return v
}

// readOf is the audit record of reading sub.
func readOf(sub forms.Submission, what string) Read {
	return Read{Action: "submission.read", Object: "submission:" + sub.ID, Subject: sub.SubmitterPID, Detail: what + " " + sub.Reference + " (" + sub.FormID + ")"}
}

// maxFormID is the longest form id the list accepts as a filter.
const maxFormID = 100

// list answers GET /api/v1/submissions?form=&after=&limit=. Every
// submission on the page is audited as read, one entry each: each may
// concern another person.
func (h *handlers) list(w http.ResponseWriter, r *http.Request, g Grant) error {
	q := r.URL.Query()
	for _, p := range []string{"form", "after", "limit"} {
		if len(q[p]) > 1 {
			return errs.E(errs.Invalid, errs.Key("api.error.repeated"), []any{p}, map[string]string{p: "api.error.repeated_field"})
		}
	}
	form := q.Get("form")
	if len(form) > maxFormID || !utf8.ValidString(form) || strings.IndexFunc(form, unicode.IsControl) >= 0 {
		return errs.E(errs.Invalid, errs.Key("api.error.form"), map[string]string{"form": "api.error.form"})
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
	subs, next, err := h.Forms.TenantSubmissions(r.Context(), g.Tenant, form, after, limit)
	if err != nil {
		return err
	}
	base := web.From(r).Tenant.Base
	out := listView{Items: make([]submissionView, 0, len(subs))}
	reads := make([]Read, 0, len(subs))
	for _, sub := range subs {
		out.Items = append(out.Items, view(base, sub))
		reads = append(reads, readOf(sub, "list"))
	}
	if next != nil {
		out.Next = orNull(next.String())
	}
	if err := h.Service.RecordReads(r.Context(), g, web.From(r).RequestID, reads); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, "application/json", out)
}

// submission finds the submission of the path in g's municipality.
func (h *handlers) submission(r *http.Request, g Grant) (forms.Submission, error) {
	sub, err := h.Forms.TenantSubmission(r.Context(), g.Tenant, r.PathValue("id"))
	if errs.Is(errs.NotFound, err) {
		return sub, errs.E(errs.NotFound, errs.Key("api.error.no_submission"), err)
	}
	return sub, err
}

// get answers GET /api/v1/submissions/{id}.
func (h *handlers) get(w http.ResponseWriter, r *http.Request, g Grant) error {
	sub, err := h.submission(r, g)
	if err != nil {
		return err
	}
	if err := h.Service.RecordReads(r.Context(), g, web.From(r).RequestID, []Read{readOf(sub, "read")}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, "application/json", view(web.From(r).Tenant.Base, sub))
}

// attachment answers GET /api/v1/submissions/{id}/attachments/{attachment}:
// the file as it was submitted, with its SHA-256 in Repr-Digest (RFC 9530).
func (h *handlers) attachment(w http.ResponseWriter, r *http.Request, g Grant) error {
	sub, err := h.submission(r, g)
	if err != nil {
		return err
	}
	var a *forms.Attachment
	for i := range sub.Attachments {
		if sub.Attachments[i].ID == r.PathValue("attachment") {
			a = &sub.Attachments[i]
			break
		}
	}
	if a == nil {
		return errs.E(errs.NotFound, errs.Key("api.error.no_attachment"))
	}
	sum, err := hex.DecodeString(a.ID)
	if err != nil || len(sum) != 32 {
		return errs.E(errs.Op("api.attachment"), errs.Internal, fmt.Errorf("submission %s: attachment id %q is not a SHA-256", sub.ID, a.ID))
	}
	f, err := h.Blobs.Open(r.Context(), a.ID)
	if err != nil {
		// The submission names it, so a missing file is our loss, not the
		// client's mistake.
		return errs.E(errs.Op("api.attachment"), errs.Internal, fmt.Errorf("submission %s, attachment %s: %w", sub.ID, a.ID, err))
	}
	defer f.Close()
	rd := readOf(sub, "attachment "+a.Path+" of")
	rd.Action, rd.Object = "submission.attachment.read", rd.Object+"/attachment:"+a.ID
	if err := h.Service.RecordReads(r.Context(), g, web.From(r).RequestID, []Read{rd}); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", safeContentType(a.ContentType))
	hd.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	hd.Set("Content-Disposition", ContentDisposition(a.Name))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	// Once the header is out an error can only cut the body short, which
	// the client notices by Content-Length and the digest.
	io.CopyN(w, f, a.Size)
	return nil
}

// safeContentType returns ct if it is a well-formed media type, else
// application/octet-stream.
func safeContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.Contains(mt, "/") {
		return "application/octet-stream"
	}
	return mime.FormatMediaType(mt, params)
}

// ContentDisposition returns the Content-Disposition of a download named
// name (RFC 6266): "attachment", an ASCII filename for old clients and
// the whole name in filename* (RFC 8187, formerly RFC 5987), UTF-8 and
// percent-encoded. Path separators and control characters become "_".
func ContentDisposition(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." || name == ".." {
		name = "vedlegg"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '%' {
			return '_'
		}
		return r
	}, name)
	var b strings.Builder
	for _, c := range []byte(name) {
		if attrChar(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}

// attrChar reports whether c may stand unencoded in an RFC 8187 value.
func attrChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
