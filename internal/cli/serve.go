package cli

import (
	"fmt"
	"net"
	"net/url"

	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/demo"
	"github.com/torg-ekommune/torg/internal/politics"
	"github.com/torg-ekommune/torg/internal/server"
)

// serve runs `torg serve` and, with isDemo, `torg demo`: the same server,
// but the demo turns on the test identity provider, logs text and seeds the
// demo municipality.
func serve(env Env, args []string, isDemo bool) error {
	name, defaults := "serve", config.Defaults{LogFormat: "json"}
	if isDemo {
		name, defaults = "demo", config.Defaults{LogFormat: "text", TestIdP: true}
	}
	fs := newFlags(env, name, name+" [flags]")
	build := config.Register(fs, env.Getenv, defaults, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := build()
	if err != nil {
		return &exitError{2, err}
	}
	if isDemo && !cfg.TestIdP {
		return usageErr("the demo needs the test identity provider: leave --test-idp / TORG_TEST_IDP at true")
	}
	log := newLogger(env.Stderr, cfg.LogFormat, cfg.LogLevel)
	ctx, cancel := signalContext(env)
	defer cancel()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return &exitError{2, fmt.Errorf("--addr / TORG_ADDR %q: cannot listen: %v", cfg.Addr, err)}
	}
	// With port 0 the real port is known only now.
	if _, port, _ := net.SplitHostPort(cfg.Addr); port == "0" {
		pub, _ := url.Parse(cfg.PublicURL)
		if pub.Port() == "0" {
			_, realPort, _ := net.SplitHostPort(ln.Addr().String())
			pub.Host = net.JoinHostPort(pub.Hostname(), realPort)
			cfg.PublicURL = pub.String()
		}
	}
	srv, err := server.Open(ctx, cfg, log, server.Options{})
	if err != nil {
		ln.Close()
		return err
	}
	defer srv.Close()
	if isDemo {
		pub, _ := url.Parse(cfg.PublicURL)
		if err := demo.Seed(ctx, demo.Services{Tenants: srv.Tenants, Identity: srv.Identity, Catalog: srv.Catalog, Forms: srv.Forms}, []string{pub.Hostname()}); err != nil {
			ln.Close()
			return fmt.Errorf("seed demo: %w", err)
		}
		if err := politics.Seed(ctx, srv.Politics, demo.Number); err != nil {
			ln.Close()
			return fmt.Errorf("seed demo politics: %w", err)
		}
		if err := demo.SeedResidents(ctx, srv.Initiatives); err != nil {
			ln.Close()
			return fmt.Errorf("seed demo residents: %w", err)
		}
		if err := srv.Panels.SeedDemo(ctx, demo.Number); err != nil {
			ln.Close()
			return fmt.Errorf("seed demo panel: %w", err)
		}
		if err := demo.SeedArchive(ctx, srv.Archive, srv.Blobs); err != nil {
			ln.Close()
			return fmt.Errorf("seed demo archive: %w", err)
		}
		fmt.Fprintf(env.Stdout, "\nTorg demo: open %s/ in a browser (Demo kommune, kommunenummer 9999).\nSign in with the built-in test provider; data is kept in %s. Stop with Ctrl+C.\n\n", cfg.PublicURL, dataPlace(cfg))
	}
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	return srv.Serve(ctx, ln)
}

func dataPlace(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "the database in TORG_DATABASE_URL"
	}
	return cfg.Data
}
