package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

// LangCookie is the cookie that keeps the chosen language.
const LangCookie = "torg_lang"

// Options configure the outer middleware.
type Options struct {
	// Secure says the site is served over https: cookies get Secure and
	// responses carry HSTS.
	Secure bool
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody int64
	// FormActions are extra origins that forms may lead to (the identity
	// providers, for sign-out redirects), added to the CSP form-action.
	FormActions []string
	// Metrics records request counts and durations; nil turns that off.
	Metrics *Metrics
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
}

// Wrap returns next inside Torg's outer middleware, outermost first:
// request context (request id, language), metrics and logging, panic
// recovery, security headers, CSRF protection (cross-origin state-changing
// requests are refused) and the body size limit.
func (s *Shell) Wrap(next http.Handler, o Options) http.Handler {
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	for _, fa := range o.FormActions {
		csp += " " + fa
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, errs.E(errs.Forbidden, errs.Key("error.cross_origin")))
	}))
	inner := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.MaxBody > 0 && r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, o.MaxBody)
		}
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c := &Ctx{RequestID: newRequestID(), Path: strings.TrimPrefix(r.URL.Path, "/"), ClientAddr: clientAddr(r, o.TrustedProxies)}
		lc, _ := r.Cookie(LangCookie)
		choice := r.URL.Query().Get("lang")
		if choice == "" && lc != nil {
			choice = lc.Value
		}
		c.Lang = string(i18n.Negotiate(choice, r.Header.Get("Accept-Language")))
		r = WithCtx(r, c)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h := rec.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("X-Request-Id", c.RequestID)
		if o.Secure {
			// No includeSubDomains: a municipality's own host may have
			// subdomains that are not ours to force onto https.
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", c.RequestID, "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !rec.wrote {
					s.Error(rec, r, errs.E(errs.Internal, fmt.Errorf("panic: %v", p)))
				}
			}
			d := time.Since(start)
			route := c.Route
			if route == "" {
				route = r.Pattern
			}
			if route == "" {
				route = "unmatched"
			}
			method := knownMethod(r.Method)
			if o.Metrics != nil {
				o.Metrics.observe(route, method, rec.status, d)
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", c.RequestID), slog.String("method", method), slog.String("route", route),
				slog.Int("status", rec.status), slog.Duration("duration", d))
		}()
		inner.ServeHTTP(rec, r)
	})
}

// knownMethod maps the request method to a fixed set, so a client cannot
// create metric series or log values of its own choosing.
func knownMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status written, for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Metrics holds the HTTP metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "torg_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "torg_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *Metrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// LocalPath returns raw if it is a path on this site that is safe to
// redirect to: it starts with one "/", has no scheme, host, backslash or
// control character (browsers drop tabs and newlines, which would turn
// "/\t/evil" into "//evil"), and parses as a URL.
func LocalPath(raw string) (string, bool) {
	if !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.Contains(raw, "\\") {
		return "", false
	}
	for _, c := range raw {
		if c < 0x20 || c == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "", false
	}
	return raw, true
}

// SetLang handles GET sprak?lang=xx&tilbake=path: it keeps the chosen
// language in a cookie and sends the browser back to the page it came from
// (a path inside the site only, never another host).
func (s *Shell) SetLang(secure bool) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		l, ok := i18n.Parse(r.URL.Query().Get("lang"))
		if !ok {
			return errs.E(errs.Invalid, errs.Key("error.lang"))
		}
		c := From(r)
		c.Lang = string(l)
		base := "/"
		if c.Tenant != nil {
			base = c.Tenant.Base
		}
		back, ok := LocalPath("/" + strings.TrimPrefix(r.URL.Query().Get("tilbake"), "/"))
		if !ok {
			back = "/"
		}
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, base+strings.TrimPrefix(back, "/"), http.StatusSeeOther)
		return nil
	}
}

// AddFormAction lets forms on this response lead to origin as well (the
// CSP form-action directive), for sign-out forms whose redirect ends at a
// municipality's own identity provider. Chromium enforces form-action on
// the redirects that follow a form submission.
func AddFormAction(w http.ResponseWriter, origin string) {
	if origin == "" || strings.ContainsAny(origin, " ;,'\"") {
		return
	}
	h := w.Header()
	csp := h.Get("Content-Security-Policy")
	parts := strings.Split(csp, ";")
	for i, p := range parts {
		fields := strings.Fields(p)
		if len(fields) > 0 && fields[0] == "form-action" {
			for _, f := range fields[1:] {
				if f == origin {
					return
				}
			}
			parts[i] = strings.TrimRight(p, " ") + " " + origin
			h.Set("Content-Security-Policy", strings.Join(parts, ";"))
			return
		}
	}
}
