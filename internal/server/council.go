package server

import (
	"context"
	"fmt"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/politics"
)

// council hands citizen initiatives that met their threshold to the
// politics module as political cases, and tells the initiatives module
// how each case is doing (initiatives.Council).
type council struct{ politics *politics.Service }

// CreateCase implements initiatives.Council: a political case of origin
// "innbyggerinitiativ" with the signature count, once per initiative (the
// initiative's id is the case's external key).
func (c council) CreateCase(ctx context.Context, tenant string, req initiatives.CaseRequest) (string, error) {
	summary := req.Text + "\n\n" + fmt.Sprintf("Innbyggerinitiativ etter kommuneloven § 12-1 fra %s, med %d underskrifter (terskel %d).",
		req.Initiator, req.Signatures, req.Threshold)
	pc, err := c.politics.CreateCase(ctx, tenant, politics.CaseForm{Title: req.Title, Summary: summary, Origin: politics.OriginInitiative,
		Signatures: req.Signatures, ExternalKey: "initiativ:" + req.InitiativeID},
		audit.Entry{ActorID: "system:initiatives", ActorName: "Innbyggerinitiativ", Role: "system"})
	if err != nil {
		return "", err
	}
	return pc.ID, nil
}

// CaseStatus implements initiatives.Council from the case's public
// handling: decided once a published meeting decided it, scheduled while
// it is on a published agenda, received before.
func (c council) CaseStatus(ctx context.Context, tenant, ref string) (initiatives.CaseStatus, error) {
	v, err := c.politics.CaseDetail(ctx, tenant, ref)
	if err != nil {
		return initiatives.CaseStatus{}, err
	}
	st := initiatives.CaseStatus{State: initiatives.CaseReceived, Path: "politikk/sak/" + v.ID}
	switch {
	case len(v.Decision) > 0:
		st.State, st.Date = initiatives.CaseDecided, v.Decision[len(v.Decision)-1].Meeting.Start
	case len(v.Handled) > 0:
		st.State, st.Date = initiatives.CaseScheduled, v.Handled[len(v.Handled)-1].Meeting.Start
	}
	return st, nil
}
