package server

import (
	"context"
	"time"

	"github.com/torg-ekommune/torg/internal/feedback"
)

// feedbackServices gives the feedback module the municipality's services
// (published catalogue services whose form is served, named in lang) and
// the digital submissions per form and month.
type feedbackServices struct{ s *Server }

// List implements feedback.Services.
func (f feedbackServices) List(ctx context.Context, tenant, lang string) ([]feedback.ServiceRef, error) {
	list, err := f.s.Catalog.Services(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]feedback.ServiceRef, 0, len(list))
	for _, m := range list {
		if m.FormID != "" && f.s.Forms.Serves(ctx, tenant, m.FormID) {
			out = append(out, feedback.ServiceRef{ID: m.FormID, Name: m.Name.In(lang)})
		}
	}
	return out, nil
}

// DigitalCounts implements feedback.Services.
func (f feedbackServices) DigitalCounts(ctx context.Context, tenant string, from, to time.Time) ([]feedback.Count, error) {
	counts, err := f.s.Forms.MonthlyCounts(ctx, tenant, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]feedback.Count, 0, len(counts))
	for _, c := range counts {
		out = append(out, feedback.Count{ServiceID: c.FormID, Month: c.Month, N: c.N})
	}
	return out, nil
}
