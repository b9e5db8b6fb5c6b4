package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Violation is one axe-core rule that the page breaks, with the elements that
// break it.
type Violation struct {
	ID      string `json:"id"`      // the rule, for example "image-alt"
	Impact  string `json:"impact"`  // minor, moderate, serious or critical
	Help    string `json:"help"`    // what the rule asks for, in one line
	HelpURL string `json:"helpUrl"` // the rule's documentation
	Nodes   []Node `json:"nodes"`   // the elements that break the rule
}

// Node is one element that breaks a rule.
type Node struct {
	// Target holds the CSS selector of the element. When the element is
	// inside iframes, the selectors of the iframes come first, outermost
	// first. A selector that crosses shadow roots has its parts joined
	// with " >>> ".
	Target []string `json:"target"`
	// HTML is the element's outer HTML as axe-core shows it (axe-core
	// shortens that of a large element).
	HTML string `json:"html"`
}

// axeResult is what the script that runs axe-core returns.
type axeResult struct {
	URL        string      `json:"url"`
	Version    string      `json:"version"`
	Violations []Violation `json:"violations"`
}

// wcagTags are the axe-core tags of the rules that the pages must pass: WCAG
// 2.0, 2.1 and 2.2 at levels A and AA.
func wcagTags() []string {
	return []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
}

// maxNodesShown is how many elements CheckA11y lists for each violation.
const maxNodesShown = 3

// maxHTMLShown is how many characters of an element's HTML CheckA11y shows.
const maxHTMLShown = 300

// CheckA11y runs axe-core on the current page with the rules tagged wcag2a,
// wcag2aa, wcag21a, wcag21aa and wcag22aa, and fails the test (with t.Errorf,
// so that the test goes on) if any rule is broken. The message lists each
// violation: the rule id, its impact, what it asks for, a link to its
// documentation, and the CSS selectors and HTML of up to three elements that
// break it. name labels the page in the message, for example "front page".
func (b *Browser) CheckA11y(t testing.TB, name string) {
	t.Helper()
	res, err := b.runAxe(b.ctx)
	if err != nil {
		t.Fatalf("browsertest: checking the accessibility of %s: %v", name, err)
		return
	}
	if len(res.Violations) > 0 {
		t.Error(formatViolations(name, res))
	}
}

// Axe runs axe-core on the current page with the same rules as CheckA11y and
// returns the violations that it finds, for tests that assert on them. ctx is
// normally Ctx or a context derived from it, for example with a shorter
// timeout; any other context only limits how long the call may take.
func (b *Browser) Axe(ctx context.Context) ([]Violation, error) {
	res, err := b.runAxe(ctx)
	if err != nil {
		return nil, err
	}
	return res.Violations, nil
}

// runAxe injects axe-core into the page unless it is there already, runs it
// and returns its result.
//
// Both steps go through Runtime.evaluate of the DevTools protocol, which is
// not subject to the page's Content-Security-Policy: a page that allows only
// `script-src 'self'` can still be checked, and the page need not serve
// axe-core itself.
func (b *Browser) runAxe(ctx context.Context) (axeResult, error) {
	ctx, cancel := b.tabContext(ctx)
	defer cancel()

	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`typeof window.axe === "object" && window.axe !== null && typeof window.axe.run === "function"`))
	if err != nil {
		return axeResult{}, fmt.Errorf("looking for axe-core in the page: %w", b.explain(err))
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](b.axeJS)); err != nil {
			return axeResult{}, fmt.Errorf("injecting axe-core from %s: %w", b.axePath, b.explain(err))
		}
	}

	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeScript(), chromedp.EvalAwaitPromise))
	if err != nil {
		return axeResult{}, fmt.Errorf("running axe-core: %w", b.explain(err))
	}
	return res, nil
}

// axeScript returns the expression that runs axe-core on the document and
// turns its result into an axeResult. It evaluates to a promise.
func axeScript() string {
	tags, err := json.Marshal(wcagTags())
	if err != nil {
		panic(err) // a []string always encodes
	}
	return `(async () => {
	const r = await window.axe.run(document, {
		runOnly: {type: "tag", values: ` + string(tags) + `},
		resultTypes: ["violations"],
	});
	return {
		url: String(r.url || location.href),
		version: String((r.testEngine && r.testEngine.version) || window.axe.version || ""),
		violations: r.violations.map(v => ({
			id: v.id,
			impact: v.impact || "",
			help: v.help || "",
			helpUrl: v.helpUrl || "",
			nodes: v.nodes.map(n => ({
				target: (n.target || []).map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)),
				html: n.html || "",
			})),
		})),
	};
})()`
}

// formatViolations describes the violations of res on the page called name,
// for a test failure.
func formatViolations(name string, res axeResult) string {
	var sb strings.Builder
	n := len(res.Violations)
	fmt.Fprintf(&sb, "browsertest: %s (%s) breaks %d accessibility %s (axe-core %s, WCAG 2.x A/AA):",
		name, res.URL, n, plural(n, "rule", "rules"), res.Version)
	for i, v := range res.Violations {
		impact := v.Impact
		if impact == "" {
			impact = "unknown impact"
		}
		fmt.Fprintf(&sb, "\n%d. %s [%s]: %s", i+1, v.ID, impact, v.Help)
		if v.HelpURL != "" {
			fmt.Fprintf(&sb, "\n   %s", v.HelpURL)
		}
		for j, node := range v.Nodes {
			if j == maxNodesShown {
				rest := len(v.Nodes) - maxNodesShown
				fmt.Fprintf(&sb, "\n   ... and %d more %s", rest, plural(rest, "element", "elements"))
				break
			}
			fmt.Fprintf(&sb, "\n   - %s\n     %s", strings.Join(node.Target, " | "), shorten(node.HTML, maxHTMLShown))
		}
	}
	return sb.String()
}

// plural returns one when n is 1 and many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// shorten collapses the white space of s to single spaces and cuts it to at
// most limit runes, marking a cut with an ellipsis.
func shorten(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	return string(r[:limit-1]) + "…"
}
