package cli

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/loadtest"
)

const loadtestUsage = "usage: torg loadtest pages --target URL [--clients N] [--duration D] [--tenant NNNN] [--path PATH] [--signed-in]\n" +
	"       torg loadtest submit --target URL [--clients N] [--duration D] [--tenant NNNN] [--record FILE]"

// loadtestCmd runs `torg loadtest pages` (a load of page views) and `torg
// loadtest submit` (signed-in citizens sending the kindergarten form)
// against a running Torg (a demo, or a server with --test-idp), signed in
// as the test provider's citizens. Its last line is the summary.
func loadtestCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr("%s", loadtestUsage)
	}
	switch args[0] {
	case "pages":
		return loadtestPages(env, args[1:])
	case "submit":
		return loadtestSubmit(env, args[1:])
	}
	return usageErr("%s", loadtestUsage)
}

// loadtestTarget checks --target, --clients and --duration, shared by the
// scenarios, and returns the target without a trailing slash.
func loadtestTarget(target string, clients int, duration time.Duration) (string, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageErr("--target must be an http(s) URL, e.g. http://127.0.0.1:8080")
	}
	if clients < 1 || clients > 10000 || duration <= 0 {
		return "", usageErr("--clients must be 1 to 10000 and --duration positive")
	}
	return strings.TrimSuffix(target, "/"), nil
}

// citizenPIDs are the test provider's citizens.
func citizenPIDs() []string {
	var out []string
	for _, p := range testidp.DemoPersons() {
		if p.PID != "" {
			out = append(out, p.PID)
		}
	}
	return out
}

func loadtestPages(env Env, args []string) error {
	fs := newFlags(env, "loadtest pages", "loadtest pages --target URL [flags]")
	target := fs.String("target", "", "base URL of a running Torg, e.g. http://127.0.0.1:8080 (only servers you run)")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "how long to run")
	tenant := fs.String("tenant", "9999", "kommunenummer of the municipality")
	path := fs.String("path", "", "page inside the municipality, e.g. min-side (empty: the front page)")
	signedIn := fs.Bool("signed-in", false, "sign each client in as one of the test provider's citizens first (needs the test provider)")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := loadtestTarget(*target, *clients, *duration)
	if err != nil {
		return err
	}
	sc := loadtest.Pages{Target: base, Tenant: *tenant, Path: *path}
	if *signedIn {
		sc.PIDs = citizenPIDs()
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

var kommunenummerRE = regexp.MustCompile(`^[0-9]{4}$`)

// loadtestSubmit runs `torg loadtest submit`: every client signs in once
// as one of the test provider's eight citizens and then sends the
// kindergarten form again and again (start, four pages, send). The lines
// before the last say what was measured; the last is
//
//	submissions/s=N p50_ms=X p99_ms=Y errors=E
//
// with N whole flows per second and X, Y the latency of the send POST.
func loadtestSubmit(env Env, args []string) error {
	fs := newFlags(env, "loadtest submit", "loadtest submit --target URL [flags]")
	target := fs.String("target", "", "base URL of a running Torg with the test provider and the demo forms, e.g. http://127.0.0.1:8080 (only servers you run)")
	clients := fs.Int("clients", 64, "concurrent clients, each signed in as one of the 8 test citizens (shared round robin)")
	duration := fs.Duration("duration", 10*time.Second, "how long to run")
	tenant := fs.String("tenant", "9999", "kommunenummer of the municipality that has the form barnehageplass")
	record := fs.String("record", "", `append a line "ID REFERENCE PID" for every receipt returned, as it comes ("-" when the reference could not be read); adds a GET of the JSON receipt per submission`)
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := loadtestTarget(*target, *clients, *duration)
	if err != nil {
		return err
	}
	if !kommunenummerRE.MatchString(*tenant) {
		return usageErr("--tenant must be a kommunenummer of 4 digits, e.g. 9999")
	}
	sc := &loadtest.Submit{Target: base, Tenant: *tenant, PIDs: citizenPIDs()}
	var recordErr error
	if *record != "" {
		f, err := os.OpenFile(*record, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return usageErr("--record: %v", err)
		}
		defer f.Close()
		// Unbuffered: each line is written (to the operating system) as
		// the receipt comes, so a crash of either side loses none.
		sc.Record = func(r loadtest.Receipt) {
			ref := r.Reference
			if ref == "" {
				ref = "-"
			}
			if _, err := fmt.Fprintf(f, "%s %s %s\n", r.ID, ref, r.PID); err != nil && recordErr == nil {
				recordErr = err
			}
		}
	}
	ctx, cancel := signalContext(env)
	defer cancel()
	fmt.Fprintf(env.Stderr, "loadtest: %d clients for %s sending %s/k/%s/skjema/barnehageplass\n", *clients, *duration, sc.Target, sc.Tenant)
	res, err := loadtest.Run(ctx, loadtest.Options{Clients: *clients, Duration: *duration}, sc)
	if err != nil {
		return err
	}
	rep := sc.Report(res)
	for _, l := range rep.Details(5) {
		fmt.Fprintln(env.Stdout, l)
	}
	if recordErr != nil {
		fmt.Fprintf(env.Stdout, "record: %v\n", recordErr)
	}
	fmt.Fprintln(env.Stdout, rep.Line())
	return nil
}
