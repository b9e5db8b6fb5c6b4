package cli

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/loadtest"
)

// loadtestCmd runs `torg loadtest pages`: a load of page views against a
// running Torg (a demo, or a server with --test-idp), signed in as the
// test provider's citizens. Its last line is the summary.
func loadtestCmd(env Env, args []string) error {
	if len(args) == 0 || args[0] != "pages" {
		return usageErr("usage: torg loadtest pages --target URL [--clients N] [--duration D] [--tenant NNNN] [--path PATH] [--signed-in]")
	}
	fs := newFlags(env, "loadtest pages", "loadtest pages --target URL [flags]")
	target := fs.String("target", "", "base URL of a running Torg, e.g. http://127.0.0.1:8080 (only servers you run)")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "how long to run")
	tenant := fs.String("tenant", "9999", "kommunenummer of the municipality")
	path := fs.String("path", "", "page inside the municipality, e.g. min-side (empty: the front page)")
	signedIn := fs.Bool("signed-in", false, "sign each client in as one of the test provider's citizens first (needs the test provider)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	u, err := url.Parse(*target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr("--target must be an http(s) URL, e.g. http://127.0.0.1:8080")
	}
	if *clients < 1 || *clients > 10000 || *duration <= 0 {
		return usageErr("--clients must be 1 to 10000 and --duration positive")
	}
	sc := loadtest.Pages{Target: strings.TrimSuffix(*target, "/"), Tenant: *tenant, Path: *path}
	if *signedIn {
		for _, p := range testidp.DemoPersons() {
			if p.PID != "" {
				sc.PIDs = append(sc.PIDs, p.PID)
			}
		}
	}
	ctx, cancel := signalContext(env)
	defer cancel()
	fmt.Fprintf(env.Stderr, "loadtest: %d clients for %s against %s/k/%s/%s\n", *clients, *duration, sc.Target, sc.Tenant, sc.Path)
	res, err := loadtest.Run(ctx, loadtest.Options{Clients: *clients, Duration: *duration}, sc)
	if err != nil {
		return err
	}
	if res.FirstError != nil {
		fmt.Fprintf(env.Stderr, "loadtest: first error: %v\n", res.FirstError)
	}
	fmt.Fprintln(env.Stdout, res.Line("requests"))
	return nil
}
