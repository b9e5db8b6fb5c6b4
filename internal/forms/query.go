package forms

// This file holds the reads that a municipality's own systems make
// through the API (package api): every submission of the municipality,
// oldest first, page by page.

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Page sizes of TenantSubmissions.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// SettleTime is how old a submission must be before TenantSubmissions
// lists it. Submissions are ordered by created_at, which is taken when
// their transaction starts, and on PostgreSQL a later one can commit
// before an earlier one; a client whose cursor had passed the later one
// would never see the earlier. Listing only submissions older than any
// submitting transaction lasts closes that gap. TenantSubmission sees a
// submission at once.
const SettleTime = 5 * time.Second

// Cursor is a position in a municipality's submissions, which are ordered
// by (CreatedAt, ID): the created time and id of the last submission a
// page held. The zero Cursor is the position before the first submission.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// IsZero reports whether c is the position before the first submission.
func (c Cursor) IsZero() bool { return c.ID == "" && c.CreatedAt.IsZero() }

// maxCursorID is the longest submission id a cursor carries; ids are 24
// characters (randomID).
const maxCursorID = 64

// String returns c as an opaque token for a URL query: the base64url
// encoding (no padding) of "<unix microseconds>.<id>". It is the only
// spelling ParseCursor accepts for c.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.CreatedAt.UnixMicro(), 10) + "." + c.ID))
}

// ParseCursor reads a token made by Cursor.String. Anything else,
// including another spelling of the same position, is errs.Invalid.
func ParseCursor(s string) (Cursor, error) {
	const op = errs.Op("forms.ParseCursor")
	bad := func(why string) (Cursor, error) {
		return Cursor{}, errs.E(op, errs.Invalid, errors.New(why))
	}
	if s == "" || len(s) > 2*maxCursorID {
		return bad("empty or too long")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return bad("not base64url")
	}
	micros, id, ok := strings.Cut(string(raw), ".")
	if !ok || id == "" || len(id) > maxCursorID {
		return bad("no id")
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return bad("id holds a character ids never have")
		}
	}
	n, err := strconv.ParseInt(micros, 10, 64)
	// Between 1970 and the year 9999: times both databases keep.
	if err != nil || n < 0 || n > maxCursorMicros {
		return bad("time out of range")
	}
	c := Cursor{CreatedAt: time.UnixMicro(n).UTC(), ID: id}
	if c.String() != s {
		return bad("not in canonical form")
	}
	return c, nil
}

// maxCursorMicros is 9999-12-31T23:59:59.999999Z in Unix microseconds.
const maxCursorMicros = 253402300799999999

// TenantSubmissions returns up to limit submissions of tenant that come
// after the cursor in the order (created_at, id), oldest first, and, when
// there are more, the cursor of the last one returned (nil otherwise). An
// empty formID means every form. Submissions younger than SettleTime are
// left for a later call. A limit of 0 or less means
// DefaultPageSize; more than MaxPageSize means MaxPageSize. The order is
// stable: a submission made while a client pages through comes after
// everything it has seen, so it is never skipped.
//
// It is for the municipality's own systems (package api), which audit the
// read; it does not check who asks.
func (s *Store) TenantSubmissions(ctx context.Context, tenant, formID string, after Cursor, limit int) ([]Submission, *Cursor, error) {
	const op = errs.Op("forms.TenantSubmissions")
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	at := after.CreatedAt
	if after.IsZero() {
		at = time.Unix(0, 0).UTC()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionCols+` FROM forms_submissions
		WHERE tenant_id = $1 AND ($2 = '' OR form_id = $2) AND (created_at > $3 OR (created_at = $3 AND id > $4)) AND created_at <= $5
		ORDER BY created_at, id LIMIT $6`,
		tenant, formID, at.UTC(), after.ID, s.db.Now().Add(-SettleTime), limit+1)
	if err != nil {
		return nil, nil, errs.E(op, err)
	}
	defer rows.Close()
	out := []Submission{}
	for rows.Next() {
		sub, err := s.scanSubmission(rows, tenant)
		if err != nil {
			return nil, nil, errs.E(op, err)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, errs.E(op, err)
	}
	if len(out) <= limit {
		return out, nil, nil
	}
	out = out[:limit]
	last := out[limit-1]
	return out, &Cursor{CreatedAt: last.CreatedAt.UTC(), ID: last.ID}, nil
}

// TenantSubmission returns submission id of tenant, whoever submitted it.
// Errors: NotFound. Like TenantSubmissions it is for the municipality's
// own systems, which audit the read.
func (s *Store) TenantSubmission(ctx context.Context, tenant, id string) (Submission, error) {
	sub, err := s.scanSubmission(s.db.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM forms_submissions WHERE tenant_id = $1 AND id = $2`,
		tenant, id), tenant)
	if err != nil {
		return Submission{}, errs.E(errs.Op("forms.TenantSubmission"), err)
	}
	return sub, nil
}
