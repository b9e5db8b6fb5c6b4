package forms

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
)

// Published is the latest published version of a form.
type Published struct {
	Form        *formdef.Form
	Version     int64
	AdoptedFrom string // "NNNN/form/version" when copied from the library
	PublishedAt time.Time
}

// Publish checks a definition and publishes it as the next version of its
// form in tenant. Publishing a definition identical to the latest version
// changes nothing and returns that version. Errors: Invalid wrapping a
// *formdef.DefinitionError that lists every problem with its path.
func (s *Store) Publish(ctx context.Context, tenant string, data []byte, adoptedFrom string, actor audit.Entry) (Published, error) {
	const op = errs.Op("forms.Publish")
	f, err := formdef.Parse(data)
	if err != nil {
		return Published{}, errs.E(op, errs.Invalid, errs.Key("forms.error.definition"), err)
	}
	f.Version = 0
	canon, err := json.Marshal(f)
	if err != nil {
		return Published{}, errs.E(op, err)
	}
	var out Published
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var last int64
		var lastDef string
		err := tx.QueryRowContext(ctx,
			`SELECT version, definition FROM forms_definitions WHERE tenant_id = $1 AND form_id = $2 ORDER BY version DESC LIMIT 1`,
			tenant, f.ID).Scan(&last, &lastDef)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if last > 0 && bytes.Equal([]byte(lastDef), canon) {
			out = Published{Form: f, Version: last}
			f.Version = int(last)
			return nil
		}
		out = Published{Form: f, Version: last + 1, AdoptedFrom: adoptedFrom, PublishedAt: s.db.Now()}
		f.Version = int(out.Version)
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO forms_definitions (tenant_id, form_id, version, definition, adopted_from, published_at, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tenant, f.ID, out.Version, string(canon), adoptedFrom, out.PublishedAt, actor.ActorID); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "form.publish", fmt.Sprintf("form:%s/%d", f.ID, out.Version)
		actor.Detail = adoptedFrom
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return Published{}, errs.E(op, err)
	}
	return out, nil
}

// Definition returns version of formID in tenant, the latest when version
// is 0. Errors: NotFound.
//
// A published version never changes, so parsed versions are kept in
// memory: every step of a form reads its definition, and parsing is most
// of the cost of a step. Asking for the latest version still asks the
// database which version that is, so a version published on another node
// is seen at once.
func (s *Store) Definition(ctx context.Context, tenant, formID string, version int64) (Published, error) {
	const op = errs.Op("forms.Definition")
	if version == 0 {
		err := s.db.QueryRowContext(ctx, `SELECT version FROM forms_definitions WHERE tenant_id = $1 AND form_id = $2 ORDER BY version DESC LIMIT 1`,
			tenant, formID).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return Published{}, errs.E(op, errs.NotFound, errs.Key("forms.error.no_form"))
		}
		if err != nil {
			return Published{}, errs.E(op, err)
		}
	}
	key := definitionKey{tenant, formID, version}
	if p, ok := s.parsed.Load(key); ok {
		return p.(Published), nil
	}
	var p Published
	var def string
	err := s.db.QueryRowContext(ctx,
		`SELECT version, definition, adopted_from, published_at FROM forms_definitions WHERE tenant_id = $1 AND form_id = $2 AND version = $3`,
		tenant, formID, version).Scan(&p.Version, &def, &p.AdoptedFrom, &p.PublishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Published{}, errs.E(op, errs.NotFound, errs.Key("forms.error.no_form"))
	}
	if err != nil {
		return Published{}, errs.E(op, err)
	}
	// A stored definition passed Parse when it was published; failing now
	// means the code's rules changed under it, which is our fault.
	if p.Form, err = formdef.Parse([]byte(def)); err != nil {
		return Published{}, errs.E(op, errs.Internal, fmt.Errorf("stored form %s/%d no longer parses: %w", formID, p.Version, err))
	}
	p.Form.Version = int(p.Version)
	s.parsed.Store(key, p)
	return p, nil
}

// definitionKey names one published version, for the cache of parsed
// definitions.
type definitionKey struct {
	tenant, form string
	version      int64
}

// Serves reports whether tenant has published formID, for the catalogue's
// form button.
func (s *Store) Serves(ctx context.Context, tenant, formID string) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM forms_definitions WHERE tenant_id = $1 AND form_id = $2`, tenant, formID).Scan(&n)
	return err == nil && n > 0
}

// LibraryEntry is a definition a municipality shares with the others.
type LibraryEntry struct {
	Tenant   string // the municipality that shared it
	FormID   string
	Version  int64
	Title    string // in bokmål
	SharedAt time.Time
}

// Share offers the latest published version of formID in tenant to every
// municipality through the library. Errors: NotFound.
func (s *Store) Share(ctx context.Context, tenant, formID string, actor audit.Entry) (LibraryEntry, error) {
	const op = errs.Op("forms.Share")
	p, err := s.Definition(ctx, tenant, formID, 0)
	if err != nil {
		return LibraryEntry{}, errs.E(op, err)
	}
	// The parsed form is shared (cached): change a copy.
	f := *p.Form
	f.Version = 0
	def, err := json.Marshal(&f)
	if err != nil {
		return LibraryEntry{}, errs.E(op, err)
	}
	e := LibraryEntry{Tenant: tenant, FormID: formID, Version: p.Version, Title: p.Form.Title.In("nb"), SharedAt: s.db.Now()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO forms_library (tenant_id, form_id, version, title, definition, shared_at) VALUES ($1, $2, $3, $4, $5, $6)
			 ON CONFLICT (tenant_id, form_id, version) DO NOTHING`,
			tenant, formID, e.Version, e.Title, string(def), e.SharedAt)
		if err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "form.share", fmt.Sprintf("form:%s/%d", formID, e.Version)
		_, err = s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return LibraryEntry{}, errs.E(op, err)
	}
	return e, nil
}

// Library lists the shared definitions of every municipality, the latest
// version of each, by title. Reading across municipalities is the point of
// the library: it holds only definitions, never anyone's answers.
func (s *Store) Library(ctx context.Context) ([]LibraryEntry, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT l.tenant_id, l.form_id, l.version, l.title, l.shared_at FROM forms_library l
		WHERE l.version = (SELECT MAX(version) FROM forms_library m WHERE m.tenant_id = l.tenant_id AND m.form_id = l.form_id)
		ORDER BY l.title, l.tenant_id`)
	if err != nil {
		return nil, errs.E(errs.Op("forms.Library"), err)
	}
	defer rows.Close()
	var out []LibraryEntry
	for rows.Next() {
		var e LibraryEntry
		if err := rows.Scan(&e.Tenant, &e.FormID, &e.Version, &e.Title, &e.SharedAt); err != nil {
			return nil, errs.E(errs.Op("forms.Library"), err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Adopt copies a library definition into tenant and publishes it there,
// recording where it came from; the municipality can then change texts
// and publish new versions of its own. Errors: NotFound.
func (s *Store) Adopt(ctx context.Context, tenant, fromTenant, formID string, version int64, actor audit.Entry) (Published, error) {
	const op = errs.Op("forms.Adopt")
	var def string
	err := s.db.QueryRowContext(ctx, `SELECT definition FROM forms_library WHERE tenant_id = $1 AND form_id = $2 AND version = $3`,
		fromTenant, formID, version).Scan(&def)
	if errors.Is(err, sql.ErrNoRows) {
		return Published{}, errs.E(op, errs.NotFound, errs.Key("forms.error.no_form"))
	}
	if err != nil {
		return Published{}, errs.E(op, err)
	}
	return s.Publish(ctx, tenant, []byte(def), fmt.Sprintf("%s/%s/%d", fromTenant, formID, version), actor)
}

// Forms lists the latest published version of each of tenant's forms, by
// form id, for the administrators' list.
func (s *Store) Forms(ctx context.Context, tenant string) ([]Published, error) {
	const op = errs.Op("forms.Forms")
	rows, err := s.db.QueryContext(ctx, `
		SELECT d.version, d.definition, d.adopted_from, d.published_at FROM forms_definitions d
		WHERE d.tenant_id = $1 AND d.version = (SELECT MAX(version) FROM forms_definitions m WHERE m.tenant_id = d.tenant_id AND m.form_id = d.form_id)
		ORDER BY d.form_id`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Published
	for rows.Next() {
		var p Published
		var def string
		if err := rows.Scan(&p.Version, &def, &p.AdoptedFrom, &p.PublishedAt); err != nil {
			return nil, errs.E(op, err)
		}
		if p.Form, err = formdef.Parse([]byte(def)); err != nil {
			return nil, errs.E(op, errs.Internal, fmt.Errorf("stored form no longer parses: %w", err))
		}
		p.Form.Version = int(p.Version)
		out = append(out, p)
	}
	return out, rows.Err()
}
