// Package demo seeds the fictional "Demo kommune" (kommunenummer 9999, not a
// real municipality) that `torg demo` serves: the municipality, its logo,
// roles for the test provider's staff persons, and its service catalogue.
// Seeding goes through the modules' services, as an administrator would,
// and is idempotent.
package demo

import (
	"context"
	_ "embed"
	"errors"
	"sort"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/catalog"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/kommunenr"
	"github.com/torg-ekommune/torg/internal/tenant"
)

//go:embed logo.svg
var logo []byte

// Number is the demo municipality's kommunenummer.
const Number = kommunenr.DemoNumber

// StaffRoles maps the test provider's staff persons to their roles in the
// demo municipality.
var StaffRoles = map[string][]string{
	"nora.solberg@demo.kommune.no":  {identity.RoleCaseworker},
	"per.arne.dahl@demo.kommune.no": {identity.RoleArchivist},
	"hilde.strand@demo.kommune.no":  {identity.RoleSecretariat, identity.RoleElectionOfficer},
	"jonas.bakke@demo.kommune.no":   {identity.RoleOfficial},
	"lise.eriksen@demo.kommune.no":  {identity.RoleManager, identity.RoleCaseworker},
	"tor.aasen@demo.kommune.no":     {identity.RoleAdmin},
}

// Services are what Seed uses.
type Services struct {
	Tenants  *tenant.Service
	Identity *identity.Service
	// Catalog, when set, gets the demo service catalogue (catalog.Seed).
	Catalog *catalog.Service
	// Forms, when set, gets the demo form definitions (formdef.Library),
	// published and shared in the library.
	Forms *forms.Store
}

// Seed creates the demo municipality with host names hosts (e.g.
// "localhost") unless it exists, and grants the staff roles. It is safe to
// run on every start.
func Seed(ctx context.Context, s Services, hosts []string) error {
	actor := audit.Entry{ActorID: "system:demo", ActorName: "torg demo", Role: "system"}
	_, err := s.Tenants.Add(ctx, tenant.Tenant{ID: Number, NameNB: kommunenr.DemoName, NameNN: kommunenr.DemoName, Colour: "#1d3f72", Hosts: hosts}, actor)
	switch {
	case err == nil:
		if err := s.Tenants.SetLogo(ctx, Number, logo, actor); err != nil {
			return err
		}
	case errs.Is(errs.Conflict, err):
		// Seeded before.
	default:
		return err
	}
	var all []error
	for email, roles := range StaffRoles {
		for _, role := range roles {
			all = append(all, s.Identity.Grant(ctx, Number, "email:"+email, role, actor))
		}
	}
	if s.Catalog != nil {
		all = append(all, catalog.Seed(ctx, s.Catalog, Number))
	}
	if s.Forms != nil {
		all = append(all, seedForms(ctx, s.Forms, actor))
	}
	return errors.Join(all...)
}

// seedForms publishes the library's demo forms in the demo municipality
// and shares each new version. Publishing an unchanged definition makes no
// new version, so this is safe on every start.
func seedForms(ctx context.Context, store *forms.Store, actor audit.Entry) error {
	ids := make([]string, 0, 3)
	for id := range formdef.Library() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p, err := store.Publish(ctx, Number, formdef.Library()[id], "", actor)
		if err != nil {
			return err
		}
		if !p.PublishedAt.IsZero() {
			if _, err := store.Share(ctx, Number, id, actor); err != nil {
				return err
			}
		}
	}
	return nil
}
