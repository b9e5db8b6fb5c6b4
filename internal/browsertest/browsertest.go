// Package browsertest drives headless Chromium from Go tests and checks the
// pages that Torg renders for accessibility with axe-core.
//
// Every page of Torg must meet WCAG 2.1 AA (2.2 AA is the aim). A test serves
// its handler with net/http/httptest, opens it in a real browser and lets
// axe-core judge it:
//
//	srv := httptest.NewServer(handler)
//	t.Cleanup(srv.Close)
//	b := browsertest.New(t)
//	b.Navigate(t, srv.URL+"/")
//	b.CheckA11y(t, "front page")
//
// New looks for Chromium at $TORG_CHROMIUM, /usr/bin/chromium or
// /usr/bin/chromium-browser, and for axe-core at $TORG_AXE_JS, in
// node_modules/axe-core/axe.min.js of the working directory or one of its
// parents, or in the global npm folders. When either is missing, the test is
// skipped with a message that says how to install it, unless
// TORG_REQUIRE_BROWSER=1 is set (CI sets it), in which case the test fails.
//
// A Browser is one Chromium process with one tab. Start one per test (or share
// one between the subtests of a test) and do not run browser tests in
// parallel: the machines that run the suite have two cores.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The environment variables that New reads.
const (
	// EnvChromium names the variable that holds the path of the Chromium
	// binary (or a command name found in $PATH).
	EnvChromium = "TORG_CHROMIUM"
	// EnvAxeJS names the variable that holds the path of axe.min.js.
	EnvAxeJS = "TORG_AXE_JS"
	// EnvRequireBrowser names the variable that, when set to 1 (or
	// "true"), turns a missing browser or axe-core into a test failure
	// instead of a skip.
	EnvRequireBrowser = "TORG_REQUIRE_BROWSER"
)

// DefaultTimeout is how long a Browser lives unless WithTimeout says
// otherwise. When it runs out, the browser is stopped and every later call on
// it fails.
const DefaultTimeout = 2 * time.Minute

// closeTimeout bounds the graceful shutdown of the browser in the cleanup.
const closeTimeout = 10 * time.Second

// Browser is a headless Chromium process with one tab, started for one test
// by New and stopped when that test ends. Its methods must not be called from
// several goroutines at once.
type Browser struct {
	ctx     context.Context // the chromedp tab context
	axeJS   string          // the source of axe.min.js
	axePath string          // where axeJS was read from
	timeout time.Duration
}

// Option changes how New starts a Browser.
type Option func(*config)

// config holds the settings that the options change.
type config struct {
	timeout time.Duration
}

// WithTimeout sets how long the Browser may live, counted from New. The
// default is DefaultTimeout. A duration of zero or less keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// New starts headless Chromium for a test and stops it with t.Cleanup.
//
// It looks for the browser at $TORG_CHROMIUM, then /usr/bin/chromium, then
// /usr/bin/chromium-browser, and for axe-core as described in the package
// documentation. If either is not found, it calls t.Skip with a message that
// names what is missing and how to install it (apt-get install chromium; npm
// install axe-core), unless the environment variable TORG_REQUIRE_BROWSER=1
// is set, in which case it calls t.Fatal, so that browser tests never skip
// silently in CI. A browser that is found but does not start always fails the
// test.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	cfg := config{timeout: DefaultTimeout}
	for _, o := range opts {
		o(&cfg)
	}

	exe, err := findChromium(os.Getenv(EnvChromium))
	if err != nil {
		unavailable(t, err.Error())
		return nil
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	axePath, err := findAxe(os.Getenv(EnvAxeJS), wd)
	if err != nil {
		unavailable(t, err.Error())
		return nil
	}
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("browsertest: reading axe-core: %v", err)
	}

	// The allocator options start from chromedp's defaults (headless, no
	// extensions, no crash reporter, ...) and add what a closed network
	// and a small machine need: nothing that phones home and hangs, no
	// GPU, and shared memory outside /dev/shm.
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.NoFirstRun,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.WindowSize(1280, 1024),
		chromedp.UserDataDir(t.TempDir()),
	)

	// The timeout bounds the life of the whole browser, so that a hung
	// page or browser cannot hold the test until the test binary's own
	// timeout panics.
	lifeCtx, lifeCancel := context.WithTimeout(context.Background(), cfg.timeout)
	allocCtx, allocCancel := chromedp.NewExecAllocator(lifeCtx, allocOpts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, axeJS: string(src), axePath: axePath, timeout: cfg.timeout}

	t.Cleanup(func() {
		// Close the browser gracefully first, so that its helper
		// processes exit and the user data directory (a t.TempDir,
		// removed after this cleanup) is no longer written to.
		cctx, ccancel := context.WithTimeout(ctx, closeTimeout)
		err := chromedp.Cancel(cctx)
		ccancel()
		cancel()
		allocCancel()
		lifeCancel()
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("browsertest: closing the browser: %v", err)
		}
	})

	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: starting %s: %v", exe, b.explain(err))
	}
	t.Logf("browsertest: started %s in %v (axe-core from %s)", exe, time.Since(start).Round(time.Millisecond), axePath)
	return b
}

// unavailable skips the test with msg, or fails it when the environment
// requires the browser tests to run.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if requireBrowser(os.Getenv(EnvRequireBrowser)) {
		t.Fatalf("browsertest: %s (%s is set, so this is a failure and not a skip)", msg, EnvRequireBrowser)
		return
	}
	t.Skipf("browsertest: %s (set %s=1 to make this a failure)", msg, EnvRequireBrowser)
}

// requireBrowser reports whether the value of TORG_REQUIRE_BROWSER asks for
// the browser tests to be required: "1", or another value that
// strconv.ParseBool reads as true.
func requireBrowser(v string) bool {
	ok, err := strconv.ParseBool(strings.TrimSpace(v))
	return err == nil && ok
}

// Ctx returns the chromedp context of the Browser's tab. Use it with
// chromedp.Run and chromedp.Do to drive the page, for example:
//
//	err := chromedp.Do(b.Ctx(), chromedp.Click(chromedp.CSS("button[type=submit]")))
//
// Derive a context with a shorter timeout from it to limit one step. Do not
// cancel it; the Browser is closed when the test ends.
func (b *Browser) Ctx() context.Context {
	return b.ctx
}

// Navigate loads url in the tab and waits for its load event. It fails the
// test if the page cannot be loaded. It does not look at the HTTP status, so
// error pages can be checked too; use chromedp.NavigateResponse with Ctx to
// assert on the status.
func (b *Browser) Navigate(t testing.TB, url string) {
	t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("browsertest: navigating to %s: %v", url, b.explain(err))
	}
}

// Screenshot saves a PNG of the whole page, beyond the viewport, to path. It
// is meant for a person who debugs a test. A failure to take or save it is
// reported with t.Errorf and does not stop the test.
func (b *Browser) Screenshot(t testing.TB, path string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("browsertest: taking a screenshot for %s: %v", path, b.explain(err))
		return
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Errorf("browsertest: saving a screenshot: %v", err)
			return
		}
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("browsertest: saving a screenshot: %v", err)
		return
	}
	t.Logf("browsertest: saved a screenshot to %s", path)
}

// explain adds a hint to err when the browser's timeout is what ended it.
func (b *Browser) explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) && b.ctx.Err() != nil {
		return fmt.Errorf("%w (the browser's timeout of %v ran out; see browsertest.WithTimeout)", err, b.timeout)
	}
	return err
}

// tabContext returns a context for a call on the tab that ends when ctx ends.
// A ctx that is already a chromedp context (Ctx or one derived from it) is
// used as it is; any other ctx only limits how long the call may take.
func (b *Browser) tabContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if chromedp.FromContext(ctx) != nil {
		return ctx, func() {}
	}
	c, cancel := context.WithCancel(b.ctx)
	stop := context.AfterFunc(ctx, cancel)
	return c, func() {
		stop()
		cancel()
	}
}
