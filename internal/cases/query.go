package cases

// This file holds the reads that a municipality's own systems make
// through the API (package api): every case of the municipality, oldest
// first, page by page.

import (
	"context"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
)

// List returns up to limit of tenant's cases after the position after, in
// the order (CreatedAt, ID), optionally of one status ("" for all), and
// the position of the last one when there may be more. Like
// forms.Store.TenantSubmissions it leaves out cases younger than
// forms.SettleTime, so a client following the cursor never skips one
// that a slower transaction made. It does not check who asks: the
// caller (the API) audits the read. Errors: Invalid (unknown status).
func (s *Service) List(ctx context.Context, tenant, status string, after forms.Cursor, limit int) ([]Case, *forms.Cursor, error) {
	const op = errs.Op("cases.List")
	switch status {
	case "", StatusOpen, StatusClosed:
	default:
		return nil, nil, errs.E(op, errs.Invalid, errs.Key("cases.error.filter"))
	}
	if limit <= 0 {
		limit = forms.DefaultPageSize
	}
	limit = min(limit, forms.MaxPageSize)
	at := after.CreatedAt
	if after.IsZero() {
		at = time.Unix(0, 0).UTC()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM cases_cases
		WHERE tenant_id = $1 AND ($2 = '' OR status = $2) AND (created_at > $3 OR (created_at = $3 AND id > $4)) AND created_at <= $5
		ORDER BY created_at, id LIMIT $6`,
		tenant, status, at.UTC(), after.ID, s.db.Now().Add(-forms.SettleTime), limit+1)
	if err != nil {
		return nil, nil, errs.E(op, err)
	}
	defer rows.Close()
	out := []Case{}
	for rows.Next() {
		c, err := scanCase(rows, tenant)
		if err != nil {
			return nil, nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, errs.E(op, err)
	}
	if len(out) <= limit {
		return out, nil, nil
	}
	out = out[:limit]
	last := out[limit-1]
	return out, &forms.Cursor{CreatedAt: last.CreatedAt.UTC(), ID: last.ID}, nil
}
