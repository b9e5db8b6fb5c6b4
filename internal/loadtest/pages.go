package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/torg-ekommune/torg/internal/identity/testidp"
)

// Pages is a scenario of page views: each client signs in as a citizen
// (when PIDs are given) and then loads Path again and again.
type Pages struct {
	Target string   // e.g. "http://127.0.0.1:8080"
	Tenant string   // kommunenummer; pages are under /k/{Tenant}/
	Path   string   // e.g. "min-side"
	PIDs   []string // test persons to sign in as, round robin; none: anonymous
}

// Setup signs client i in.
func (p Pages) Setup(ctx context.Context, c *http.Client, i int) error {
	if len(p.PIDs) == 0 {
		return nil
	}
	_, err := testidp.SignIn(ctx, c, p.Target+"/k/"+p.Tenant+"/logg-inn", p.PIDs[i%len(p.PIDs)])
	return err
}

// Iterate loads the page once and wants 200.
func (p Pages) Iterate(ctx context.Context, c *http.Client, i int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.Target+"/k/"+p.Tenant+"/"+p.Path, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", p.Path, resp.StatusCode)
	}
	return nil
}
