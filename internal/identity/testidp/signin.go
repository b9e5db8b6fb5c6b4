package testidp

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/torg-ekommune/torg/internal/nin"
)

var (
	formActionRE = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	requestIDRE  = regexp.MustCompile(`name="request_id" value="([^"]+)"`)
	localeRE     = regexp.MustCompile(`name="locale" value="([^"]*)"`)
	personBtnRE  = regexp.MustCompile(`(?s)<button type="submit" name="person" value="(\d+)"[^>]*>(.*?)</button>`)
)

// Authorize walks a sign-in through this provider's pages as a browser
// would, for tests and load tests: it GETs startURL (a relying party's
// sign-in route, which must redirect here), picks the person whose entry
// on the page contains who (a fødselsnummer or an e-mail address), or
// else types who as another synthetic test person's fødselsnummer, and
// returns the callback URL the provider redirects to, without following
// it. c must not follow redirects and should have a cookie jar.
func Authorize(ctx context.Context, c *http.Client, startURL, who string) (string, error) {
	resp, _, err := get(ctx, c, startURL)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("GET %s: status %d, want a redirect to the provider", startURL, resp.StatusCode)
	}
	authURL, err := resp.Location()
	if err != nil {
		return "", err
	}
	resp, body, err := get(ctx, c, authURL.String())
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("provider authorize page: status %d", resp.StatusCode)
	}
	action := formActionRE.FindStringSubmatch(body)
	rid := requestIDRE.FindStringSubmatch(body)
	if action == nil || rid == nil {
		return "", fmt.Errorf("the provider page has no sign-in form")
	}
	person := ""
	for _, m := range personBtnRE.FindAllStringSubmatch(body, -1) {
		if strings.Contains(html.UnescapeString(m[2]), who) {
			person = m[1]
		}
	}
	v := url.Values{"request_id": {rid[1]}, "person": {person}}
	if person == "" {
		n, err := nin.Parse(who)
		if err != nil || !n.Kind().IsSynthetic() {
			return "", fmt.Errorf("no test person %q on the provider page", who)
		}
		v = url.Values{"request_id": {rid[1]}, "pid": {n.String()}}
	}
	if l := localeRE.FindStringSubmatch(body); l != nil {
		v.Set("locale", l[1])
	}
	ref, err := url.Parse(html.UnescapeString(action[1]))
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, authURL.ResolveReference(ref).String(), strings.NewReader(v.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = c.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("provider sign-in: status %d", resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		return "", err
	}
	return loc.String(), nil
}

// SignIn is Authorize followed by the callback: afterwards c holds the
// relying party's session cookie. It returns where the relying party sends
// the browser next.
func SignIn(ctx context.Context, c *http.Client, startURL, who string) (string, error) {
	cb, err := Authorize(ctx, c, startURL, who)
	if err != nil {
		return "", err
	}
	resp, body, err := get(ctx, c, cb)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("callback: status %d: %.300s", resp.StatusCode, body)
	}
	loc, err := resp.Location()
	if err != nil {
		return "", err
	}
	return loc.String(), nil
}

func get(ctx context.Context, c *http.Client, u string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp, string(b), err
}
