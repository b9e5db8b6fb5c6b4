package dialogue

import (
	"context"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Official is an elected official (or a party group) that citizens can
// ask a public question.
type Official struct {
	ID    string
	Name  string
	Party string // short name, "Ap"; may be empty
	Title string // "ordfører"; may be empty
	// Email is the official's staff sign-in address, which matches the
	// official who answers; never shown. Officials without one cannot be
	// asked.
	Email string
}

// Officials is where the module finds elected officials. The deployment
// backs it with the politics module (people with an e-mail address).
type Officials interface {
	// Official returns one official of tenant. Errors: NotFound.
	Official(ctx context.Context, tenant, id string) (Official, error)
	// Officials lists the officials of tenant that can be asked, in the
	// order a form shows them.
	Officials(ctx context.Context, tenant string) ([]Official, error)
}

// StaticOfficials is a fixed list of officials per municipality, for a
// deployment without the politics module and for tests.
type StaticOfficials map[string][]Official

// Official implements Officials.
func (s StaticOfficials) Official(_ context.Context, tenant, id string) (Official, error) {
	for _, o := range s[tenant] {
		if o.ID == id {
			return o, nil
		}
	}
	return Official{}, errs.E(errs.Op("dialogue.Official"), errs.NotFound, errs.Key("dialogue.error.no_official"))
}

// Officials implements Officials.
func (s StaticOfficials) Officials(_ context.Context, tenant string) ([]Official, error) {
	var out []Official
	for _, o := range s[tenant] {
		if o.Email != "" {
			out = append(out, o)
		}
	}
	return out, nil
}

// sameEmail reports whether two addresses are the same, ignoring case.
func sameEmail(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
