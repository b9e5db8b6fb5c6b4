// Package server assembles Torg from its modules: it opens the database,
// builds each module's service, lays out the routes and runs the HTTP
// server with a graceful shutdown.
//
// Routes outside any municipality:
//
//	GET /healthz          the process is up
//	GET /readyz           the database answers and its migrations are current
//	GET /metrics          Prometheus metrics
//	GET /static/{file}    fingerprinted assets
//	    /testidp/...      the built-in test identity provider, when turned on
//	GET /sprak            language switch
//	GET /                 the deployment's list of municipalities
//
// Everything else belongs to a municipality, found by host or by the prefix
// /k/{kommunenummer}/ (see package tenant).
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/archive"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/cases"
	"github.com/torg-ekommune/torg/internal/catalog"
	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/feedback"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/innsyn"
	"github.com/torg-ekommune/torg/internal/minside"
	"github.com/torg-ekommune/torg/internal/nin"
	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/notify/smtptest"
	"github.com/torg-ekommune/torg/internal/outbox"
	"github.com/torg-ekommune/torg/internal/panels"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/politics/oparl"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/surveys"
	"github.com/torg-ekommune/torg/internal/tenant"
	"github.com/torg-ekommune/torg/internal/vote"
	"github.com/torg-ekommune/torg/internal/web"
)

// Schemas lists every module's migrations in the order they are applied.
func Schemas() []db.Schema {
	return []db.Schema{tenant.Schema, audit.Schema, identity.Schema, outbox.Schema, notify.Schema, forms.Schema, catalog.Schema, feedback.Schema, api.Schema, archive.Schema, cases.Schema, politics.Schema, initiatives.Schema, innsyn.Schema, dialogue.Schema, surveys.Schema, panels.Schema, vote.Schema}
}

// Catalog loads every module's messages.
func Catalog() (*i18n.Catalog, error) {
	cat := i18n.NewCatalog()
	for _, f := range []func() error{
		func() error { return cat.AddFS(web.Messages()) },
		func() error { return cat.AddFS(tenant.Messages()) },
		func() error { return cat.AddFS(identity.Messages()) },
		func() error { return cat.AddFS(minside.Messages()) },
		func() error { return cat.AddFS(audit.Messages()) },
		func() error { return cat.AddFS(catalog.Messages()) },
		func() error { return cat.AddFS(outbox.Messages()) },
		func() error { return cat.AddFS(notify.Messages()) },
		func() error { return cat.AddFS(forms.Messages()) },
		func() error { return cat.AddFS(formdef.Messages()) },
		func() error { return cat.AddFS(receipt.Messages()) },
		func() error { return cat.AddFS(feedback.Messages()) },
		func() error { return cat.AddFS(api.Messages()) },
		func() error { return cat.AddFS(archive.Messages()) },
		func() error { return cat.AddFS(cases.Messages()) },
		func() error { return cat.AddFS(politics.Messages()) },
		func() error { return cat.AddFS(initiatives.Messages()) },
		func() error { return cat.AddFS(innsyn.Messages()) },
		func() error { return cat.AddFS(dialogue.Messages()) },
		func() error { return cat.AddFS(surveys.Messages()) },
		func() error { return cat.AddFS(panels.Messages()) },
		func() error { return cat.AddFS(vote.Messages()) },
		func() error {
			for l, m := range nin.Messages {
				if err := cat.Add(i18n.Lang(l), m); err != nil {
					return err
				}
			}
			return nil
		},
	} {
		if err := f(); err != nil {
			return nil, err
		}
	}
	return cat, nil
}

// Server is a running Torg: its database, services and HTTP handler.
type Server struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *db.DB
	Audit    *audit.Log
	Tenants  *tenant.Service
	Identity *identity.Service
	Catalog  *catalog.Service
	Shell    *web.Shell
	// TestIdP is the built-in test identity provider, nil unless turned on.
	TestIdP *testidp.Provider
	// TestMail is the built-in test mail server, nil unless the test
	// provider is on and no SMTP server is set.
	TestMail *smtptest.Server
	Outbox   *outbox.Outbox
	Forms    *forms.Store
	// Feedback is satisfaction answers and channel registrations.
	Feedback *feedback.Service
	// API keeps the API clients of the municipalities' domain systems.
	API *api.Service
	// Archive is the municipalities' Noark 5 record.
	Archive *archive.Service
	// Cases is case handling.
	Cases *cases.Service
	// Politics is bodies, officials, meetings and the OParl API's data.
	Politics *politics.Service
	// Initiatives is citizen initiatives (kommuneloven § 12-1).
	Initiatives *initiatives.Service
	// Innsyn is access requests (innsynskrav) to the public journal's entries.
	Innsyn *innsyn.Service
	// Dialogue is hearings, questions to officials and debates.
	Dialogue *dialogue.Service
	// Surveys is questionnaires, employee surveys and their results.
	Surveys *surveys.Service
	// Panels is the citizens' panel (innbyggjarpanel).
	Panels *panels.Service
	// Vote is verifiable elections and referendums.
	Vote *vote.Service
	Mail *notify.Queue
	// Blobs holds uploaded files, in the data folder.
	Blobs *blob.Dir
	// background are the loops Serve runs beside the HTTP server.
	background []func(context.Context)
	// Handler serves every route.
	Handler http.Handler
	reg     *prometheus.Registry
}

// Options are what Open needs besides the Config.
type Options struct {
	Now func() time.Time // the clock; time.Now when nil
}

// Open connects to the database, migrates it when the config says so,
// and builds the services and routes.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, o Options) (*Server, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data, db.Options{Now: o.Now})
	if err != nil {
		return nil, err
	}
	s, err := build(ctx, cfg, log, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return s, nil
}

func build(ctx context.Context, cfg config.Config, log *slog.Logger, d *db.DB) (*Server, error) {
	if cfg.Migrate {
		if err := d.Migrate(ctx, Schemas()...); err != nil {
			return nil, err
		}
	}
	cat, err := Catalog()
	if err != nil {
		return nil, err
	}
	shell, err := web.NewShell(cat, log)
	if err != nil {
		return nil, err
	}
	s := &Server{Config: cfg, Log: log, DB: d, Shell: shell, reg: prometheus.NewRegistry()}
	s.Audit = audit.New(d)
	s.Tenants = tenant.New(d, s.Audit)

	idcfg := identity.Config{
		Citizen:      identity.ProviderConfig{Issuer: cfg.CitizenIssuer, ClientID: cfg.CitizenClientID, ClientSecret: cfg.CitizenClientSecret, Scopes: []string{"profile"}},
		Staff:        identity.ProviderConfig{Issuer: cfg.StaffIssuer, ClientID: cfg.StaffClientID, ClientSecret: cfg.StaffClientSecret, Scopes: []string{"profile", "email"}},
		Secure:       cfg.Secure(),
		IdleTimeout:  cfg.SessionIdle,
		MaxAge:       cfg.SessionMax,
		SignInRate:   cfg.SignInRate,
		PublicScheme: strings.SplitN(cfg.PublicURL, "://", 2)[0],
	}
	if cfg.TestIdP {
		log.Warn("THE BUILT-IN TEST IDENTITY PROVIDER IS ON: anyone can sign in as any synthetic test person. Never use this in production.",
			"issuer", cfg.PublicURL+"/testidp")
		if err := s.startTestIdP(&idcfg, log); err != nil {
			return nil, err
		}
	}
	s.Identity = identity.New(d, s.Audit, log, idcfg)
	if err := s.startBackground(); err != nil {
		return nil, err
	}

	router, err := tenant.NewRouter(s.Tenants, shell)
	if err != nil {
		return nil, err
	}
	if err := s.Identity.Routes(router.Mux, shell); err != nil {
		return nil, err
	}
	s.Forms = forms.NewStore(d, s.Audit)
	if cfg.DraftLifetime > 0 {
		s.Forms.DraftLifetime = cfg.DraftLifetime
	}
	if cfg.Data == "" {
		return nil, errors.New("--data / TORG_DATA: a folder is needed for uploaded files, also with PostgreSQL")
	}
	if s.Blobs, err = blob.OpenDir(filepath.Join(cfg.Data, "filer")); err != nil {
		return nil, err
	}
	s.Archive = archive.New(d, s.Audit)
	minSide := cases.MinSide{Mail: s.Mail, Link: func(c cases.Case) string { return s.tenantURL(c.Tenant) + "min-side/saker/" + c.ID }}
	channels := []cases.Channel{minSide}
	if cfg.SvarUtURL != "" {
		svarut, err := cases.NewSvarUt(d, s.Audit, cases.SvarUtConfig{URL: cfg.SvarUtURL, Client: &http.Client{Timeout: time.Minute},
			IntegrationID: cfg.SvarUtIntegrationID, IntegrationPassword: cfg.SvarUtIntegrationPassword,
			MunicipalityName: s.municipalityName, Log: s.Log.With("component", "svarut")})
		if err != nil {
			return nil, err
		}
		// The digital mailbox is the default channel; Min side stays
		// selectable.
		channels = []cases.Channel{svarut, minSide}
		s.background = append(s.background, svarut.Run)
	}
	s.Cases = cases.New(d, s.Audit, cases.ArchiveRecord{Archive: s.Archive}, s.Outbox, channels...)
	intake := &cases.Intake{Cases: s.Cases, Forms: s.Forms, Blobs: s.Blobs, Route: s.route, MunicipalityName: s.municipalityName}
	intake.Subscribe(s.Outbox)
	if err := cases.Routes(router.Mux, shell, s.Cases, s.Identity); err != nil {
		return nil, err
	}
	if err := cases.RoutingRoutes(router.Mux, shell, s.Cases, s.Identity, s.Forms); err != nil {
		return nil, err
	}
	if err := cases.RegisterRoutes(router.Mux, shell, s.Cases, s.Identity, s.Blobs); err != nil {
		return nil, err
	}
	if err := cases.PrintRoutes(router.Mux, shell, s.Cases, s.Identity); err != nil {
		return nil, err
	}
	if err := archive.PublicRoutes(router.Mux, shell, s.Archive, s.Blobs); err != nil {
		return nil, err
	}
	// The debate link is a closure: s.Dialogue is made below.
	s.Politics = politics.New(d, s.Audit, s.Mail, s.Blobs, politics.Config{PublicURL: cfg.PublicURL,
		DebateLink: func(ctx context.Context, tenant, caseID string) (string, int, error) {
			return s.Dialogue.CaseDebate(ctx, tenant, caseID)
		}})
	if err := politics.Routes(router.Mux, shell, s.Politics, s.Identity); err != nil {
		return nil, err
	}
	s.Initiatives = initiatives.New(d, s.Audit, initiatives.Config{Council: council{s.Politics}, Logger: log})
	if err := initiatives.Routes(router.Mux, shell, s.Initiatives, s.Identity, initiatives.HandlerConfig{}); err != nil {
		return nil, err
	}
	s.Innsyn = innsyn.New(d, s.Audit, innsyn.Deps{Archive: s.Archive, Mail: s.Mail, Blobs: s.Blobs, Staff: s.Identity},
		innsyn.Config{PublicURL: cfg.PublicURL, TenantURL: s.tenantURL})
	if err := innsyn.Routes(router.Mux, shell, s.Innsyn, s.Identity); err != nil {
		return nil, err
	}
	s.Dialogue = dialogue.New(d, s.Audit, s.Mail, s.Blobs, s.Archive, politicsOfficials{s.Politics}, dialogue.Config{PublicURL: cfg.PublicURL, Cases: politicsCases{s.Politics}})
	if err := dialogue.Routes(router.Mux, shell, s.Dialogue, s.Identity); err != nil {
		return nil, err
	}
	s.Surveys = surveys.New(d, s.Audit, s.Mail, surveys.Config{})
	if err := surveys.Routes(router.Mux, shell, s.Surveys, s.Identity, cfg.PublicURL); err != nil {
		return nil, err
	}
	// The initiatives' population register tells who is a resident.
	s.Panels = panels.New(d, s.Audit, s.Surveys, s.Initiatives.Register(), panels.Config{})
	if err := panels.Routes(router.Mux, shell, s.Panels, s.Identity, cfg.PublicURL); err != nil {
		return nil, err
	}
	s.Vote = vote.New(d, s.Audit)
	if err := vote.Routes(router.Mux, shell, s.Vote, s.Identity, vote.Config{}); err != nil {
		return nil, err
	}
	if err := minside.Routes(router.Mux, shell, s.Identity, s.Audit, s.Forms, s.Cases); err != nil {
		return nil, err
	}
	if err := forms.ReceiptRoutes(router.Mux, shell, s.Forms); err != nil {
		return nil, err
	}
	s.Catalog = catalog.New(d, s.Audit)
	if err := catalog.Routes(router.Mux, shell, s.Catalog, s.Forms.Serves); err != nil {
		return nil, err
	}
	s.Feedback = feedback.New(d, s.Audit)
	if err := forms.Routes(router.Mux, shell, forms.PageDeps{Store: s.Forms, Blobs: s.Blobs, Outbox: s.Outbox, Mail: s.Mail, Identity: s.Identity,
		Secure: cfg.Secure(), ProcessingDays: s.processingDays, SurveyTicket: s.Feedback.TicketFor}); err != nil {
		return nil, err
	}
	if err := feedback.Routes(router.Mux, shell, s.Feedback, s.Identity, feedbackServices{s}); err != nil {
		return nil, err
	}
	if err := forms.AdminRoutes(router.Mux, shell, s.Forms, s.Identity); err != nil {
		return nil, err
	}
	s.API = api.New(d, s.Audit)
	if err := api.Routes(router.Mux, shell, api.Deps{Service: s.API, Forms: s.Forms, Blobs: s.Blobs, Cases: s.Cases, Archive: s.Archive,
		PublicURL: cfg.PublicURL}); err != nil {
		return nil, err
	}
	router.Mux.Handle("GET /sprak", shell.Handle(shell.SetLang(cfg.Secure())))
	router.Use(s.Identity.Load)

	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.registerDBMetrics()
	metrics := web.NewMetrics(s.reg)

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	root.HandleFunc("GET /readyz", s.ready)
	root.Handle("GET /metrics", s.metricsGuard(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})))
	root.HandleFunc("GET /static/{file}", shell.ServeStatic)
	root.Handle("GET /api/openapi.json", api.OpenAPI(cfg.PublicURL))
	if s.TestIdP != nil {
		root.Handle("/testidp/", s.TestIdP)
	}
	if s.TestMail != nil {
		root.Handle("GET /testepost/{$}", s.TestMail)
	}
	root.Handle("GET /sprak", shell.Handle(shell.SetLang(cfg.Secure())))
	root.Handle(oparl.Prefix, oparl.Handler(s.Politics, shell, s.Tenants, cfg.PublicURL))
	root.Handle("/", router)
	s.Handler = shell.Wrap(root, web.Options{Secure: cfg.Secure(), MaxBody: cfg.MaxBody, FormActions: s.Identity.FormActions(), Metrics: metrics, TrustedProxies: cfg.TrustedProxies})
	return s, nil
}

// route gives the unit a service's cases go to and its promised
// processing time, from the catalogue.
func (s *Server) route(ctx context.Context, tenant, formID string) (string, int) {
	m, err := s.Catalog.ServiceByForm(ctx, tenant, formID)
	if err != nil {
		return "", 0
	}
	return m.Contact.Unit, m.ProcessingDays
}

// municipalityName is a municipality's name in bokmål.
func (s *Server) municipalityName(ctx context.Context, tenant string) string {
	t, err := s.Tenants.Get(ctx, tenant)
	if err != nil {
		return ""
	}
	return t.NameNB
}

// tenantURL is the address of a municipality's pages: its own host when
// it has one, else PUBLIC_URL/k/NNNN/.
func (s *Server) tenantURL(tenant string) string {
	if t, err := s.Tenants.Get(context.Background(), tenant); err == nil && len(t.Hosts) > 0 {
		scheme := "http"
		if s.Config.Secure() {
			scheme = "https"
		}
		return scheme + "://" + t.Hosts[0] + "/"
	}
	return s.Config.PublicURL + "/k/" + tenant + "/"
}

// processingDays is the promised processing time of the service that uses
// formID, from the catalogue's service declaration; 0 when none says.
func (s *Server) processingDays(ctx context.Context, tenant, formID string) int {
	m, err := s.Catalog.ServiceByForm(ctx, tenant, formID)
	if err != nil {
		return 0
	}
	return m.ProcessingDays
}

// startTestIdP builds the test provider at PUBLIC_URL/testidp and points
// both the citizen and the staff sign-in at it with fresh client secrets.
func (s *Server) startTestIdP(idcfg *identity.Config, log *slog.Logger) error {
	issuer := s.Config.PublicURL + "/testidp"
	citizenSecret, staffSecret := secret(), secret()
	allow := s.redirectAllowed
	idp, err := testidp.New(testidp.Config{
		Issuer: issuer,
		Clients: []testidp.Client{
			{ID: "torg-citizen", Secret: citizenSecret, AllowRedirect: allow},
			{ID: "torg-staff", Secret: staffSecret, AllowRedirect: allow},
		},
		Logger: log.With("component", "testidp"),
		// Stable subjects across restarts: staff sign-ins are bound to
		// their provider account (issuer + sub).
		SubjectSalt: "torg-built-in-test-provider",
	})
	if err != nil {
		return err
	}
	s.TestIdP = idp
	idcfg.Citizen = identity.ProviderConfig{Issuer: issuer, ClientID: "torg-citizen", ClientSecret: citizenSecret, Scopes: []string{"profile"}}
	idcfg.Staff = identity.ProviderConfig{Issuer: issuer, ClientID: "torg-staff", ClientSecret: staffSecret, Scopes: []string{"profile", "email"}}
	return nil
}

// redirectAllowed tells the test provider which redirect URIs are Torg's:
// the callback and signed-out pages of any municipality, on the public
// URL's origin or on a municipality's own host. Municipalities can be added
// while Torg runs, so the list cannot be fixed at start.
func (s *Server) redirectAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	if !strings.HasSuffix(u.Path, "/auth/callback") && !strings.HasSuffix(u.Path, "/logget-ut") {
		return false
	}
	pub, _ := url.Parse(s.Config.PublicURL)
	if u.Scheme != pub.Scheme {
		return false
	}
	if u.Host == pub.Host {
		return true
	}
	host, port := u.Hostname(), u.Port()
	if port != pub.Port() {
		return false
	}
	if _, err := s.Tenants.ByHost(context.Background(), host); err == nil {
		return true
	}
	return host == "127.0.0.1" || host == "localhost" || host == "::1"
}

func secret() string {
	var b [24]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// metricsGuard lets only the monitoring system read /metrics: with a
// token configured, requests bearing it; otherwise clients on this machine
// (the connection's own address, whatever X-Forwarded-For says).
func (s *Server) metricsGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.Config.MetricsToken; tok != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
				s.Shell.Error(w, r, errs.E(errs.Unauthenticated, errs.Key("error.unauthenticated")))
				return
			}
		} else if a, err := netip.ParseAddrPort(r.RemoteAddr); err != nil || !a.Addr().Unmap().IsLoopback() {
			s.Shell.Error(w, r, errs.E(errs.Forbidden, errs.Key("error.forbidden")))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ready answers /readyz: 200 when the database answers and no migration is
// pending, else 503 with the reason.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.DB.Ping(ctx); err != nil {
		s.Log.Error("readyz: database", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database does not answer")
		return
	}
	pending, err := s.DB.Pending(ctx, Schemas()...)
	if err != nil || len(pending) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "migrations pending: %s\n", strings.Join(pending, ", "))
		return
	}
	fmt.Fprintln(w, "ready")
}

func (s *Server) registerDBMetrics() {
	gauge := func(name, help string, f func(w, r sqlStats) float64) {
		s.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			w, r := s.DB.Stats()
			return f(sqlStats(w), sqlStats(r))
		}))
	}
	gauge("torg_db_write_connections_in_use", "Connections of the write pool in use.", func(w, _ sqlStats) float64 { return float64(w.InUse) })
	gauge("torg_db_read_connections_in_use", "Connections of the read pool in use (the same pool on PostgreSQL).", func(_, r sqlStats) float64 { return float64(r.InUse) })
	gauge("torg_db_read_connections_open", "Open connections of the read pool.", func(_, r sqlStats) float64 { return float64(r.OpenConnections) })
	gauge("torg_db_write_wait_seconds_total", "Time spent waiting for the write connection.", func(w, _ sqlStats) float64 { return w.WaitDuration.Seconds() })
	gauge("torg_db_read_wait_seconds_total", "Time spent waiting for a read connection.", func(_, r sqlStats) float64 { return r.WaitDuration.Seconds() })
}

// Close closes the database, the file store and the test mail server.
func (s *Server) Close() error {
	if s.TestMail != nil {
		s.TestMail.Close()
	}
	if s.Blobs != nil {
		s.Blobs.Close()
	}
	return s.DB.Close()
}

// Serve serves on ln until ctx is done, then stops taking new connections
// and lets requests in flight finish for up to the shutdown timeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	bctx, stopBackground := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	for _, loop := range s.background {
		bg.Add(1)
		go func() { defer bg.Done(); loop(bctx) }()
	}
	defer func() { stopBackground(); bg.Wait() }()
	s.Log.Info("serving", "addr", ln.Addr().String(), "public_url", s.Config.PublicURL, "database", s.DB.String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: finishing requests in flight", "timeout", s.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.Log.Info("stopped")
	return nil
}
