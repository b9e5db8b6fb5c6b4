package browsertest

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Text waits for the page to settle and returns its visible text
// (document.body.innerText). It reads by evaluation rather than through DOM
// node ids, which go stale while a navigation settles.
func (b *Browser) Text(t testing.TB) string {
	t.Helper()
	b.Settle(t)
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		t.Fatalf("browsertest: reading the page: %v", b.explain(err))
	}
	return s
}

// Click clicks the first element the selector finds (a plain string is a
// text, CSS or XPath search) and waits for the page it leads to.
func (b *Browser) Click(t testing.TB, selector string) {
	t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(selector)); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		t.Fatalf("browsertest: clicking %s on %s: %v", selector, loc, b.explain(err))
	}
	b.Settle(t)
}

// Settle waits until the tab has finished loading and its address has
// stayed the same for a moment: after a click on a link that redirects
// (303), the first response arrives before the page it ends on has loaded.
func (b *Browser) Settle(t testing.TB) {
	t.Helper()
	type state struct {
		Ready string `json:"ready"`
		Href  string `json:"href"`
	}
	var last state
	stable := 0
	for range 200 {
		st, err := chromedp.Run(b.ctx, chromedp.Evaluate[state](`({ready: document.readyState, href: location.href})`))
		if err == nil && st.Ready == "complete" && st.Href == last.Href {
			if stable++; stable == 2 {
				return
			}
		} else {
			stable = 0
		}
		if err == nil {
			last = st
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("browsertest: the page did not settle (last at %s)", last.Href)
}
