// Package cli is the torg command: it parses the subcommand and its
// settings and runs it. cmd/torg only calls Main.
//
// Exit status: 0 success, 1 the command failed (for `audit verify`: the log
// is broken), 2 a wrong or missing setting or usage.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/torg-ekommune/torg/internal/config"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/server"
)

// Env is the process environment, for tests.
type Env struct {
	Args   []string // without the program name
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, when set, receives the listening address once `serve` or
	// `demo` accepts connections (for tests that start on port 0).
	Ready func(addr string)
	// Context ends the serve and demo commands; SIGINT/SIGTERM when nil.
	Context context.Context
}

// exitError carries an exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func usageErr(format string, args ...any) error {
	return &exitError{2, fmt.Errorf(format, args...)}
}

const usage = `torg: the open eKommune platform

Usage: torg <command> [flags]

Commands:
  demo      start a demo municipality on a local SQLite file with the built-in test identity provider
  serve     start the server
  migrate   apply database migrations
  tenant    add or list municipalities, or set one's staff identity provider (tenant add|list|staff-idp)
  user      grant, revoke or list staff roles (user grant --help)
  audit     verify the audit log's hash chain (audit verify --help)
  loadtest  load a running Torg with page views or form submissions (loadtest pages|submit --help)
  form      publish a form definition (form publish --help)
  receipt   check that a receipt (PDF or JSON) is genuine (receipt verify --help)
  apiclient API clients of a municipality's domain systems (apiclient add|list|revoke --help)
  archive   Noark 5 archive: export an avleveringspakke, or generate test data (archive export|seed --help)
  election  simulate a Belenios 2.0 election, verify an election record, run a trustee's side, or make credentials as a credential authority (election simulate|verify|trustee|credentials --help)
  initiatives citizen initiatives: import the residents who may sign (initiatives import-residents --help)
  version   print the version

Every command that touches data takes --data DIR and --database-url URL
(env TORG_DATA, TORG_DATABASE_URL). Run "torg <command> --help" for its flags.
`

// Main runs the command in env.Args and returns the exit status.
func Main(env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	err := run(env)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(env.Stderr, "torg:", ee.err)
		}
		return ee.code
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintln(env.Stderr, "torg:", err)
		return 2
	}
	fmt.Fprintln(env.Stderr, "torg:", err)
	return 1
}

func run(env Env) error {
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return &exitError{2, errors.New("")}
	}
	cmd, args := env.Args[0], env.Args[1:]
	switch cmd {
	case "serve":
		return serve(env, args, false)
	case "demo":
		return serve(env, args, true)
	case "migrate":
		return migrate(env, args)
	case "tenant":
		return tenantCmd(env, args)
	case "user":
		return userCmd(env, args)
	case "audit":
		return auditCmd(env, args)
	case "loadtest":
		return loadtestCmd(env, args)
	case "receipt":
		return receiptCmd(env, args)
	case "form":
		return formCmd(env, args)
	case "apiclient":
		return apiclientCmd(env, args)
	case "archive":
		return archiveCmd(env, args)
	case "election":
		return electionCmd(env, args)
	case "initiatives":
		return initiativesCmd(env, args)
	case "version":
		fmt.Fprintln(env.Stdout, "torg", Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return usageErr("unknown command %q", cmd)
}

// Version returns the module version and VCS revision the binary was built
// from, as far as the build recorded them.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + bi.GoVersion
}

// newFlags returns a flag set that writes its usage to stderr and reports
// errors instead of exiting.
func newFlags(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: torg %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags and leaves positional arguments in fs.Args(); a
// flag error is a usage error (exit 2).
func parseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{2, err}
	}
	return nil
}

// parse is parseArgs for commands that take no positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openData opens and migrates the database for the data commands.
func openData(ctx context.Context, cfg config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data, db.Options{})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, server.Schemas()...); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func signalContext(env Env) (context.Context, context.CancelFunc) {
	if env.Context != nil {
		return context.WithCancel(env.Context)
	}
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// flagSetT is flag.FlagSet under a short name for the define callbacks.
type flagSetT = flag.FlagSet
