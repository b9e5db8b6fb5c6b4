package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Schema is one module's migrations: files named NNN_description.sql in the
// root of FS, applied in order of NNN, each once, each in its own
// transaction, never undone. Where a step cannot be written the same way for
// both databases, NNN_description.sqlite.sql and NNN_description.postgres.sql
// replace the common file for that step.
type Schema struct {
	Module string // the owning module, e.g. "tenant"; the key in schema_migrations
	FS     fs.FS
}

// step is one numbered migration for one dialect.
type step struct {
	version int
	name    string
	sql     string
}

// The bookkeeping table is the one table without tenant_id: it describes
// the database itself, not any municipality's data.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	module     TEXT      NOT NULL,
	version    BIGINT    NOT NULL,
	name       TEXT      NOT NULL,
	applied_at TIMESTAMP NOT NULL,
	PRIMARY KEY (module, version)
)`

func (s Schema) steps(d Dialect) ([]step, error) {
	entries, err := fs.ReadDir(s.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrations of %s: %w", s.Module, err)
	}
	byVersion := map[int]step{}
	specific := map[int]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		base := strings.TrimSuffix(name, ".sql")
		forDialect := ""
		for _, dd := range []Dialect{SQLite, Postgres} {
			if strings.HasSuffix(base, "."+dd.String()) {
				forDialect = dd.String()
				base = strings.TrimSuffix(base, "."+dd.String())
			}
		}
		if forDialect != "" && forDialect != d.String() {
			continue
		}
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations of %s: file %s is not named NNN_description.sql", s.Module, name)
		}
		if specific[v] && forDialect == "" {
			continue
		}
		if _, dup := byVersion[v]; dup && forDialect == "" {
			return nil, fmt.Errorf("migrations of %s: two files for step %d", s.Module, v)
		}
		body, err := fs.ReadFile(s.FS, name)
		if err != nil {
			return nil, err
		}
		byVersion[v] = step{version: v, name: base, sql: string(body)}
		if forDialect != "" {
			specific[v] = true
		}
	}
	out := make([]step, 0, len(byVersion))
	for _, st := range byVersion {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every step of the schemas that is not applied yet, module
// by module in the order given (a module may refer to tables of modules
// before it). It is safe to run again and on a database that is up to date.
func (d *DB) Migrate(ctx context.Context, schemas ...Schema) error {
	if _, err := d.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, s := range schemas {
		steps, err := s.steps(d.dialect)
		if err != nil {
			return err
		}
		applied, err := d.applied(ctx, s.Module)
		if err != nil {
			return err
		}
		for _, st := range steps {
			if applied[st.version] {
				continue
			}
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, st.sql); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx,
					`INSERT INTO schema_migrations (module, version, name, applied_at) VALUES ($1, $2, $3, $4)`,
					s.Module, st.version, st.name, d.Now())
				return err
			})
			if err != nil {
				return fmt.Errorf("migration %s/%s: %w", s.Module, st.name, err)
			}
		}
	}
	return nil
}

// Pending lists the steps of the schemas that are not applied yet, as
// "module/NNN_description". An up-to-date database gives an empty list.
func (d *DB) Pending(ctx context.Context, schemas ...Schema) ([]string, error) {
	var out []string
	for _, s := range schemas {
		steps, err := s.steps(d.dialect)
		if err != nil {
			return nil, err
		}
		applied, err := d.applied(ctx, s.Module)
		if err != nil {
			return nil, err
		}
		for _, st := range steps {
			if !applied[st.version] {
				out = append(out, s.Module+"/"+st.name)
			}
		}
	}
	return out, nil
}

func (d *DB) applied(ctx context.Context, module string) (map[int]bool, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT version FROM schema_migrations WHERE module = $1`, module)
	if err != nil {
		// A fresh database has no bookkeeping table yet: nothing is applied.
		if d.missingTable(err) {
			return map[int]bool{}, nil
		}
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

func (d *DB) missingTable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "SQLSTATE 42P01")
}

// EmbeddedSchema returns the Schema of module whose migration files are in
// folder dir of fsys (the module's embed.FS). A missing folder can only be
// a build mistake, so it panics.
func EmbeddedSchema(module string, fsys fs.FS, dir string) Schema {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("db: migrations of %s: %v", module, err))
	}
	return Schema{Module: module, FS: sub}
}
