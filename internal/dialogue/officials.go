package dialogue

import (
	"context"
	"sort"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Official is an elected official that citizens can ask a public
// question.
type Official struct {
	ID    string
	Name  string
	Party string // short name, "Ap"; may be empty
	// PartyID is the party's id, which is also its party group's id (see
	// Group); empty for an official without a party.
	PartyID string
	// PartyName is the party's full name, "Arbeidarpartiet"; may be empty.
	PartyName string
	Title     string // "ordfører"; may be empty
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

// Group is a party group (partigruppe): the officials of one party in the
// municipality that can be asked. A citizen may ask the group instead of
// one official, and any member answers on the group's behalf.
type Group struct {
	ID        string // the party's id (Official.PartyID)
	Name      string // the party's name, "Arbeidarpartiet"
	ShortName string // "Ap"; may be empty
	Members   []Official
}

// Label is how pages name the group: the party's name and short name.
func (g Group) Label() string {
	if g.ShortName != "" && g.ShortName != g.Name {
		return g.Name + " (" + g.ShortName + ")"
	}
	return g.Name
}

// MemberNames lists the members' names, comma-separated.
func (g Group) MemberNames() string {
	names := make([]string, 0, len(g.Members))
	for _, m := range g.Members {
		names = append(names, m.Name)
	}
	return strings.Join(names, ", ")
}

// Has reports whether o is a member of the group.
func (g Group) Has(o Official) bool {
	for _, m := range g.Members {
		if m.ID == o.ID {
			return true
		}
	}
	return false
}

// Groups lists the party groups that can be asked: the parties with at
// least one official that can be asked (one with an e-mail address),
// by name. Officials without a party are in no group.
func (s *Service) Groups(ctx context.Context, tenant string) ([]Group, error) {
	list, err := s.officials.Officials(ctx, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("dialogue.Groups"), err)
	}
	byID := map[string]*Group{}
	var order []string
	for _, o := range list {
		if o.PartyID == "" || o.Email == "" {
			continue
		}
		g, ok := byID[o.PartyID]
		if !ok {
			name := o.PartyName
			if name == "" {
				name = o.Party
			}
			if name == "" {
				name = o.PartyID
			}
			g = &Group{ID: o.PartyID, Name: name, ShortName: o.Party}
			byID[o.PartyID] = g
			order = append(order, o.PartyID)
		}
		g.Members = append(g.Members, o)
	}
	out := make([]Group, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// Group returns the party group id. Errors: NotFound
// (dialogue.error.no_group) when the party has no official that can be
// asked, or there is no such party.
func (s *Service) Group(ctx context.Context, tenant, id string) (Group, error) {
	const op = errs.Op("dialogue.Group")
	list, err := s.Groups(ctx, tenant)
	if err != nil {
		return Group{}, errs.E(op, err)
	}
	for _, g := range list {
		if g.ID == id {
			return g, nil
		}
	}
	return Group{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_group"))
}
