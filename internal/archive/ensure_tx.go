package archive

import (
	"context"
	"database/sql"

	"github.com/torg-ekommune/torg/internal/audit"
)

// EnsureDefaultsTx is EnsureDefaults inside the caller's transaction, for
// a module that files the municipality's first case in a transaction of
// its own (on SQLite a second transaction would wait for the first).
func (s *Service) EnsureDefaultsTx(ctx context.Context, tx *sql.Tx, tenant, municipalityName string, actor audit.Entry) (Arkivdel, error) {
	return s.ensureDefaultsTx(ctx, tx, tenant, municipalityName, actor)
}
