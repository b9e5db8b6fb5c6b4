package dialogue

import (
	"context"
	"database/sql"
	"net/url"

	"github.com/torg-ekommune/torg/internal/errs"
)

// SubjectCase is the kind of a thread about a political case (politisk
// sak): SubjectID is the case's id in the Cases source.
const SubjectCase = "sak"

// FieldCase is the field of the new-thread form that names the political
// case the thread is about.
const FieldCase = "sak"

// CaseRef is a political case as debates show it.
type CaseRef struct {
	ID     string
	Title  string
	Number string // the archive's case number, "2026/123"; may be empty
	// Path is the case's public page, relative to the municipality's base
	// ("politikk/sak/…").
	Path string
}

// Cases is where the module finds political cases, so that citizens can
// debate them. The deployment backs it with the politics module; the
// dialogue module never reads politics' tables.
type Cases interface {
	// Case returns one case of tenant. Errors: NotFound.
	Case(ctx context.Context, tenant, id string) (CaseRef, error)
}

// StaticCases is a fixed list of cases per municipality, for a deployment
// without the politics module and for tests.
type StaticCases map[string][]CaseRef

// Case implements Cases.
func (s StaticCases) Case(_ context.Context, tenant, id string) (CaseRef, error) {
	for _, c := range s[tenant] {
		if c.ID == id {
			return c, nil
		}
	}
	return CaseRef{}, errs.E(errs.Op("dialogue.Case"), errs.NotFound, errs.Key("dialogue.error.no_case"))
}

// Case returns the political case id, for debates. Errors: NotFound
// (dialogue.error.no_case), also when the deployment has no Cases source.
func (s *Service) Case(ctx context.Context, tenant, id string) (CaseRef, error) {
	const op = errs.Op("dialogue.Case")
	if s.cfg.Cases == nil || id == "" || len(id) > 100 {
		return CaseRef{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_case"))
	}
	c, err := s.cfg.Cases.Case(ctx, tenant, id)
	if errs.Is(errs.NotFound, err) {
		return CaseRef{}, errs.E(op, errs.NotFound, errs.Key("dialogue.error.no_case"), err)
	}
	if err != nil {
		return CaseRef{}, errs.E(op, err)
	}
	return c, nil
}

// CaseDebate is the link to the debate about a political case, for the
// case's page: the path of the debate page relative to the municipality's
// base, and the number of posts in its threads (0 when there are none
// yet; the page then invites the first). It does not check that the case
// exists; its page does.
func (s *Service) CaseDebate(ctx context.Context, tenant, caseID string) (path string, posts int, err error) {
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT SUM(posts) FROM dialogue_threads WHERE tenant_id = $1 AND subject_kind = $2 AND subject_id = $3`,
		tenant, SubjectCase, caseID).Scan(&n); err != nil {
		return "", 0, errs.E(errs.Op("dialogue.CaseDebate"), err)
	}
	return "debatt/sak/" + url.PathEscape(caseID), int(n.Int64), nil
}
