package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

var notFound = errs.E(errs.NotFound, errs.Key("error.not_found"))

// NotFound is the error for a route or object that does not exist (or that
// the user may not know exists).
func NotFound() error { return notFound }

// statusOf maps an error kind to an HTTP status. This is the only such
// mapping in Torg.
func statusOf(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// Classify turns errors from the standard library that carry a meaning for
// the client (a body over the limit) into kinded errors. An error that has
// a kind already is left alone, so a handler's own message wins.
func Classify(err error) error {
	var mbe *http.MaxBytesError
	if errs.KindOf(err) == errs.Internal && errors.As(err, &mbe) {
		return errs.E(errs.TooLarge, errs.Key("error.too_large"), err)
	}
	return err
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one field's error in a Problem.
type ProblemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// wantsJSON reports whether the client should get a problem document rather
// than a page: API paths, and clients that ask for JSON.
func wantsJSON(r *http.Request) bool {
	if strings.Contains(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/oparl/") {
		return true
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") || strings.Contains(accept, "application/problem+json")
}

// errorView is the data of the error page.
type errorView struct {
	Status    int
	Title     string
	Message   string
	Fields    []ProblemField
	RequestID string
}

// Error answers err: the status from its kind, and a page in the user's
// language or, for API clients, a problem document. Internal errors are
// logged with the request id, which the page shows so a citizen can quote
// it; their details never reach the client.
func (s *Shell) Error(w http.ResponseWriter, r *http.Request, err error) {
	err = Classify(err)
	c := From(r)
	kind := errs.KindOf(err)
	status := statusOf(kind)
	lang := i18n.Lang(c.Lang)
	if lang == "" {
		lang = i18n.NB
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", c.RequestID, "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.Info("request refused", "request_id", c.RequestID, "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	key, args, fields := errs.Public(err)
	title := s.cat.T(lang, "error.title."+kindKey(kind))
	msg := s.cat.T(lang, key, args...)
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var pf []ProblemField
	for _, f := range names {
		pf = append(pf, ProblemField{Field: f, Detail: s.cat.T(lang, fields[f])})
	}
	if kind == errs.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="torg"`)
	}
	if wantsJSON(r) {
		p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg, Instance: r.URL.Path, RequestID: c.RequestID, Errors: pf}
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Content-Language", string(lang))
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(p)
		return
	}
	if rerr := s.pages.Render(w, r, status, "error", errorView{Status: status, Title: title, Message: msg, Fields: pf, RequestID: c.RequestID}); rerr != nil {
		s.log.Error("render error page", "request_id", c.RequestID, "err", rerr)
		http.Error(w, http.StatusText(status)+" ("+c.RequestID+")", status)
	}
}

func kindKey(k errs.Kind) string {
	switch k {
	case errs.Invalid, errs.NotFound, errs.Conflict, errs.Unauthenticated, errs.Forbidden, errs.TooMany, errs.TooLarge:
		return k.String()
	}
	return "internal"
}
