package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// strictCSP is the kind of policy that Torg's pages send: no inline script,
// no inline style, nothing from other origins.
const strictCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// accessiblePage has a language, a title, a main landmark, one h1, a labelled
// input and a link. axe-core must find nothing wrong with it.
const accessiblePage = `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Søk – Torg</title>
</head>
<body>
<main>
<h1>Søk i kommunens tjenester</h1>
<form action="/sok" method="get">
<label for="q">Søkeord</label>
<input id="q" name="q" type="search" autocomplete="off">
<button type="submit">Søk</button>
</form>
<p><a href="/tjenester">Alle tjenester</a></p>
</main>
</body>
</html>`

// brokenPage breaks three rules on purpose: an image without alt text, an
// input without a label, and light grey text on white.
const brokenPage = `<!doctype html>
<html lang="nb">
<head><meta charset="utf-8"><title>Ødelagt</title></head>
<body>
<main>
<h1>Ødelagt side</h1>
<img src="/logo.png">
<input type="text" name="navn">
<p style="color:#cccccc;background-color:#ffffff">Denne teksten er nesten usynlig.</p>
</main>
</body>
</html>`

// cspPage is served with strictCSP. Its inline script must be blocked, which
// proves that the policy is in force; /csp.js (allowed by 'self') records
// every CSP violation in window.cspViolations.
const cspPage = `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>Streng CSP – Torg</title>
<script src="/csp.js"></script>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
<h1>Streng CSP</h1>
<p class="intro">Siden tillater bare skript fra sitt eget opphav.</p>
<script>window.inlineRan = true;</script>
</main>
</body>
</html>`

const cspJS = `window.cspViolations = [];
document.addEventListener("securitypolicyviolation", e => {
	window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
`

const styleCSS = `body { font-family: sans-serif; color: #222; background: #fff; }
.intro { color: #333; }
`

// newSite serves the test pages.
func newSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	serve := func(path, contentType, body string, csp bool) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			if csp {
				w.Header().Set("Content-Security-Policy", strictCSP)
			}
			fmt.Fprint(w, body)
		})
	}
	serve("/{$}", "text/html; charset=utf-8", accessiblePage, true)
	serve("/broken", "text/html; charset=utf-8", brokenPage, false)
	serve("/csp", "text/html; charset=utf-8", cspPage, true)
	serve("/csp.js", "text/javascript; charset=utf-8", cspJS, true)
	serve("/style.css", "text/css; charset=utf-8", styleCSS, true)
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 16, 16))); err != nil {
		t.Fatal(err)
	}
	serve("/logo.png", "image/png", logo.String(), false)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowser starts one browser and checks the three test pages with it, to
// keep the number of browser processes low.
func TestBrowser(t *testing.T) {
	site := newSite(t)
	start := time.Now()
	b := New(t)
	t.Logf("startup took %v", time.Since(start).Round(time.Millisecond))

	t.Run("accessible page has no violations", func(t *testing.T) {
		b.Navigate(t, site.URL+"/")
		start := time.Now()
		b.CheckA11y(t, "accessible page")
		t.Logf("first axe run (with injection) took %v", time.Since(start).Round(time.Millisecond))

		// A second run on the same page reuses the injected axe-core.
		start = time.Now()
		vs, err := b.Axe(b.Ctx())
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 0 {
			t.Errorf("Axe = %v, want no violations", vs)
		}
		t.Logf("second axe run took %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("broken page has the planted violations", func(t *testing.T) {
		b.Navigate(t, site.URL+"/broken")
		// Any context will do; it only bounds the call.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		vs, err := b.Axe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID)
			if v.Impact == "" || v.Help == "" || !strings.HasPrefix(v.HelpURL, "https://") || len(v.Nodes) == 0 {
				t.Errorf("violation %s is incomplete: %+v", v.ID, v)
			}
			for _, n := range v.Nodes {
				if len(n.Target) == 0 || n.HTML == "" {
					t.Errorf("violation %s has a node without target or HTML: %+v", v.ID, n)
				}
			}
		}
		for _, want := range []string{"image-alt", "label", "color-contrast"} {
			if !slices.Contains(ids, want) {
				t.Errorf("Axe found %v, want it to include %s", ids, want)
			}
		}

		// CheckA11y must fail the test, and say what is wrong.
		rec := &recorder{TB: t}
		b.CheckA11y(rec, "broken page")
		if len(rec.errors) != 1 {
			t.Fatalf("CheckA11y reported %d errors, want 1: %q", len(rec.errors), rec.errors)
		}
		msg := rec.errors[0]
		for _, want := range []string{"broken page", "/broken", "image-alt", "label", "color-contrast", `<img src="/logo.png">`, "critical", "https://"} {
			if !strings.Contains(msg, want) {
				t.Errorf("CheckA11y message lacks %q:\n%s", want, msg)
			}
		}
		t.Logf("CheckA11y would report:\n%s", msg)
	})

	t.Run("axe-core is injected despite a strict CSP", func(t *testing.T) {
		b.Navigate(t, site.URL+"/csp")
		// The policy is in force: the page's own inline script did not
		// run, and its own external script did.
		ran, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[bool](`window.inlineRan === true`))
		if err != nil {
			t.Fatal(err)
		}
		if ran {
			t.Fatal("the inline script ran, so the CSP is not in force and the test proves nothing")
		}
		before, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](`window.cspViolations`))
		if err != nil {
			t.Fatal(err)
		}
		if len(before) == 0 {
			t.Error("the page recorded no CSP violation for its inline script")
		}

		b.CheckA11y(t, "page with a strict CSP")

		// Injecting and running axe-core broke no directive.
		after, err := chromedp.Run(b.Ctx(), chromedp.Evaluate[[]string](`window.cspViolations`))
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("CSP violations went from %q to %q while axe-core ran", before, after)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shots", "csp.png")
		b.Screenshot(t, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("screenshot is not a PNG: % x", data[:min(len(data), 8)])
		}
	})
}

// recorder is a testing.TB that records errors and failures instead of
// reporting them. Its Fatal and Skip end the goroutine, as the real ones do.
type recorder struct {
	testing.TB
	errors []string
	fatals []string
	skips  []string
}

func (r *recorder) Helper() {}

func (r *recorder) Error(args ...any) {
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// runRecorded calls f with rec in a goroutine of its own, so that a Fatal or
// Skip of rec ends only that goroutine.
func runRecorded(rec *recorder, f func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
}

func TestUnavailable(t *testing.T) {
	tests := []struct {
		require   string
		wantFatal bool
	}{
		{"", false},
		{"0", false},
		{"false", false},
		{"1", true},
		{"true", true},
	}
	for _, tt := range tests {
		t.Run("TORG_REQUIRE_BROWSER="+tt.require, func(t *testing.T) {
			t.Setenv(EnvRequireBrowser, tt.require)
			rec := &recorder{TB: t}
			runRecorded(rec, func(tb testing.TB) { unavailable(tb, "chromium not found") })
			got := rec.skips
			if tt.wantFatal {
				got = rec.fatals
			}
			if len(got) != 1 || len(rec.skips)+len(rec.fatals) != 1 {
				t.Fatalf("skips %q, fatals %q; want one %s", rec.skips, rec.fatals, map[bool]string{true: "fatal", false: "skip"}[tt.wantFatal])
			}
			if !strings.Contains(got[0], "chromium not found") || !strings.Contains(got[0], EnvRequireBrowser) {
				t.Errorf("message %q lacks the reason or the variable", got[0])
			}
		})
	}
}

// TestNewMissing checks that New names what is missing and how to install
// it, and that TORG_REQUIRE_BROWSER turns the skip into a failure.
func TestNewMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing-here")
	tests := []struct {
		name, chromium, axe string
		want                []string
	}{
		{"chromium", missing, "", []string{"chromium not found", EnvChromium, "apt-get install chromium"}},
		{"axe-core", "", missing, []string{"axe-core not found", EnvAxeJS, "npm install axe-core"}},
	}
	for _, tt := range tests {
		for _, require := range []string{"", "1"} {
			t.Run(tt.name+"/require="+require, func(t *testing.T) {
				if tt.chromium == "" {
					// Get past the browser check with any executable.
					exe, err := os.Executable()
					if err != nil {
						t.Fatal(err)
					}
					t.Setenv(EnvChromium, exe)
				} else {
					t.Setenv(EnvChromium, tt.chromium)
				}
				t.Setenv(EnvAxeJS, tt.axe)
				t.Setenv(EnvRequireBrowser, require)
				rec := &recorder{TB: t}
				runRecorded(rec, func(tb testing.TB) {
					New(tb)
					t.Error("New returned")
				})
				msgs := rec.skips
				if require == "1" {
					msgs = rec.fatals
				}
				if len(msgs) != 1 {
					t.Fatalf("skips %q, fatals %q", rec.skips, rec.fatals)
				}
				for _, w := range tt.want {
					if !strings.Contains(msgs[0], w) {
						t.Errorf("message %q lacks %q", msgs[0], w)
					}
				}
			})
		}
	}
}

func TestFindChromium(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "chromium")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	if got, err := findChromium(exe); err != nil || got != exe {
		t.Errorf("findChromium(%q) = %q, %v; want the path", exe, got, err)
	}
	for _, bad := range []string{plain, filepath.Join(dir, "missing")} {
		if got, err := findChromium(bad); err == nil || !strings.Contains(err.Error(), EnvChromium) {
			t.Errorf("findChromium(%q) = %q, %v; want an error that names %s", bad, got, err, EnvChromium)
		}
	}
}

func TestFindAxe(t *testing.T) {
	root := t.TempDir()
	axe := filepath.Join(root, "repo", filepath.FromSlash(axeRelPath))
	if err := os.MkdirAll(filepath.Dir(axe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(axe, []byte("/* axe */"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "repo", "internal", "web")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}

	if got, err := findAxe("", deep); err != nil || got != axe {
		t.Errorf("findAxe from %s = %q, %v; want %q", deep, got, err, axe)
	}
	if got, err := findAxe(axe, root); err != nil || got != axe {
		t.Errorf("findAxe with the variable = %q, %v; want %q", got, err, axe)
	}
	if got, err := findAxe(filepath.Join(root, "missing.js"), deep); err == nil || !strings.Contains(err.Error(), EnvAxeJS) {
		t.Errorf("findAxe with a wrong variable = %q, %v; want an error that names %s", got, err, EnvAxeJS)
	}
}

func TestFormatViolations(t *testing.T) {
	res := axeResult{
		URL:     "http://127.0.0.1/x",
		Version: "4.0.0",
		Violations: []Violation{
			{ID: "image-alt", Impact: "critical", Help: "Images must have alternative text", HelpURL: "https://example.org/image-alt",
				Nodes: []Node{{Target: []string{"img"}, HTML: "<img\n   src=a>"}}},
			{ID: "label", Help: "Form elements must have labels",
				Nodes: []Node{
					{Target: []string{"#a"}, HTML: "<input id=a>"},
					{Target: []string{"iframe", "#b"}, HTML: "<input id=b>"},
					{Target: []string{"#c"}, HTML: "<input id=c>"},
					{Target: []string{"#d"}, HTML: "<input id=d>"},
					{Target: []string{"#e"}, HTML: "<input id=e>"},
				}},
		},
	}
	got := formatViolations("form", res)
	want := `browsertest: form (http://127.0.0.1/x) breaks 2 accessibility rules (axe-core 4.0.0, WCAG 2.x A/AA):
1. image-alt [critical]: Images must have alternative text
   https://example.org/image-alt
   - img
     <img src=a>
2. label [unknown impact]: Form elements must have labels
   - #a
     <input id=a>
   - iframe | #b
     <input id=b>
   - #c
     <input id=c>
   ... and 2 more elements`
	if got != want {
		t.Errorf("formatViolations =\n%s\nwant\n%s", got, want)
	}
}

func TestShorten(t *testing.T) {
	if got := shorten("a  b\n\tc", 10); got != "a b c" {
		t.Errorf("shorten = %q", got)
	}
	if got := shorten("æøåæøå", 4); got != "æøå…" {
		t.Errorf("shorten = %q", got)
	}
}

func TestExplain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	b := &Browser{ctx: ctx, timeout: time.Minute}
	err := b.explain(fmt.Errorf("x: %w", ctx.Err()))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "WithTimeout") {
		t.Errorf("explain = %v", err)
	}
	other := errors.New("other")
	if got := b.explain(other); got != other {
		t.Errorf("explain(other) = %v", got)
	}
}
