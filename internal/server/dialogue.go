package server

import (
	"context"
	"net/url"

	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/politics"
)

// politicsOfficials lets citizens ask the elected officials of the
// politics module that have an e-mail address (they sign in as staff with
// the role official) public questions (dialogue.Officials). Each official
// carries their party, which is also their party group in the dialogue
// module: a party with at least one such official can be asked as a
// group.
type politicsOfficials struct{ p *politics.Service }

func (o politicsOfficials) convert(pe politics.Person, parties map[string]politics.Party) dialogue.Official {
	pa := parties[pe.PartyID]
	return dialogue.Official{ID: pe.ID, Name: pe.Name(), Party: pa.ShortName, PartyID: pa.ID, PartyName: pa.Name, Title: pe.Title, Email: pe.Email}
}

func (o politicsOfficials) parties(ctx context.Context, tenant string) (map[string]politics.Party, error) {
	list, err := o.p.Parties(ctx, tenant)
	if err != nil {
		return nil, err
	}
	m := make(map[string]politics.Party, len(list))
	for _, pa := range list {
		m[pa.ID] = pa
	}
	return m, nil
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
	parties, err := o.parties(ctx, tenant)
	if err != nil {
		return dialogue.Official{}, err
	}
	return o.convert(pe, parties), nil
}

// Officials implements dialogue.Officials: everyone who can be contacted.
func (o politicsOfficials) Officials(ctx context.Context, tenant string) ([]dialogue.Official, error) {
	people, err := o.p.People(ctx, tenant)
	if err != nil {
		return nil, err
	}
	parties, err := o.parties(ctx, tenant)
	if err != nil {
		return nil, err
	}
	var out []dialogue.Official
	for _, pe := range people {
		if pe.Contactable() {
			out = append(out, o.convert(pe, parties))
		}
	}
	return out, nil
}

// politicsCases lets citizens debate the political cases of the politics
// module (dialogue.Cases), without the dialogue module reading politics'
// tables.
type politicsCases struct{ p *politics.Service }

// Case implements dialogue.Cases: a case of the municipality, with its
// archive case number and its public page.
func (c politicsCases) Case(ctx context.Context, tenant, id string) (dialogue.CaseRef, error) {
	pc, err := c.p.Case(ctx, tenant, id)
	if errs.Is(errs.NotFound, err) {
		return dialogue.CaseRef{}, errs.E(errs.NotFound, errs.Key("dialogue.error.no_case"), err)
	}
	if err != nil {
		return dialogue.CaseRef{}, err
	}
	return dialogue.CaseRef{ID: pc.ID, Title: pc.Title, Number: pc.ArchiveRef, Path: "politikk/sak/" + url.PathEscape(pc.ID)}, nil
}
