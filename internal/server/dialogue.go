package server

import (
	"context"

	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/politics"
)

// politicsOfficials lets citizens ask the elected officials of the
// politics module that have an e-mail address (they sign in as staff with
// the role official) public questions (dialogue.Officials).
type politicsOfficials struct{ p *politics.Service }

func (o politicsOfficials) convert(pe politics.Person, parties map[string]string) dialogue.Official {
	return dialogue.Official{ID: pe.ID, Name: pe.Name(), Party: parties[pe.PartyID], Title: pe.Title, Email: pe.Email}
}

func (o politicsOfficials) parties(ctx context.Context, tenant string) map[string]string {
	m := map[string]string{}
	if list, err := o.p.Parties(ctx, tenant); err == nil {
		for _, pa := range list {
			m[pa.ID] = pa.ShortName
		}
	}
	return m
}

// Official implements dialogue.Officials.
func (o politicsOfficials) Official(ctx context.Context, tenant, id string) (dialogue.Official, error) {
	pe, err := o.p.Person(ctx, tenant, id)
	if errs.Is(errs.NotFound, err) {
		return dialogue.Official{}, errs.E(errs.NotFound, errs.Key("dialogue.error.no_official"), err)
	}
	if err != nil {
		return dialogue.Official{}, err
	}
	return o.convert(pe, o.parties(ctx, tenant)), nil
}

// Officials implements dialogue.Officials: everyone who can be contacted.
func (o politicsOfficials) Officials(ctx context.Context, tenant string) ([]dialogue.Official, error) {
	people, err := o.p.People(ctx, tenant)
	if err != nil {
		return nil, err
	}
	parties := o.parties(ctx, tenant)
	var out []dialogue.Official
	for _, pe := range people {
		if pe.Contactable() {
			out = append(out, o.convert(pe, parties))
		}
	}
	return out, nil
}
