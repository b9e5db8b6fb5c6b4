// Package db opens Torg's database, SQLite or PostgreSQL, and runs the
// modules' migrations.
//
// Every module owns its tables and keeps its own SQL beside its methods; this
// package only gives it a handle. The same SQL runs on both databases:
// numbered placeholders ($1, $2, ...), TIMESTAMP columns holding UTC times,
// TEXT, BIGINT, BOOLEAN and BYTEA. Where the two cannot share a statement (full
// text search, mostly) a module branches on Dialect.
//
// On SQLite the handle keeps one writer connection (transactions begin
// IMMEDIATE, so writers queue in the pool instead of failing with
// SQLITE_BUSY) beside a pool of read-only connections; WAL, foreign keys and
// synchronous=FULL are on, so an acknowledged write survives a power cut. On
// PostgreSQL both roles share one pgx pool.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect says which database a DB talks to.
type Dialect int

// The supported databases.
const (
	SQLite Dialect = iota + 1
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "unknown"
}

// DB is a handle on Torg's database. It is safe for concurrent use.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time
	desc    string // for logs: file path or host/database, never a password
	group   groupState
	stmts   stmtCache
}

// Options configure Open.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ReadConns is the size of the SQLite read pool (default: 2 × CPUs, at
	// least 4) or the PostgreSQL pool (default 16).
	ReadConns int
}

// ParseURL tells which database a TORG_DATABASE_URL names and returns the
// SQLite file path or the PostgreSQL URL. An empty URL means the file
// torg.db in dataDir. Accepted: a file path, "sqlite:PATH", "file:PATH",
// "postgres://..." and "postgresql://...".
func ParseURL(raw, dataDir string) (Dialect, string, error) {
	switch {
	case raw == "":
		if dataDir == "" {
			return 0, "", errors.New("no database: set TORG_DATABASE_URL or --data")
		}
		return SQLite, filepath.Join(dataDir, "torg.db"), nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return 0, "", fmt.Errorf("TORG_DATABASE_URL is not a valid PostgreSQL URL: %v", err)
		}
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if p == "" {
			return 0, "", errors.New("TORG_DATABASE_URL sqlite: needs a file path, e.g. sqlite:/var/lib/torg/torg.db")
		}
		return SQLite, p, nil
	case strings.HasPrefix(raw, "file:"):
		return SQLite, strings.TrimPrefix(raw, "file:"), nil
	case strings.Contains(raw, "://"):
		return 0, "", fmt.Errorf("TORG_DATABASE_URL %q: unsupported scheme; use a file path, sqlite:PATH or postgres://", redact(raw))
	default:
		return SQLite, raw, nil
	}
}

// Open connects to the database that ParseURL found in raw and checks that
// it answers. It does not migrate.
func Open(ctx context.Context, raw, dataDir string, opts Options) (*DB, error) {
	dialect, target, err := ParseURL(raw, dataDir)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	d := &DB{dialect: dialect, now: now}
	switch dialect {
	case SQLite:
		err = d.openSQLite(target, opts)
	case Postgres:
		err = d.openPostgres(target, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("database %s does not answer: %w", d.desc, err)
	}
	return d, nil
}

func (d *DB) openSQLite(path string, opts Options) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("database folder: %w", err)
		}
	}
	d.desc = path
	pragmas := "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Make the file (and WAL mode) exist before read-only connections open.
	if _, err := w.Exec("SELECT 1"); err != nil {
		w.Close()
		return fmt.Errorf("open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return err
	}
	n := opts.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	d.write, d.read = w, r
	return nil
}

func (d *DB) openPostgres(raw string, opts Options) error {
	u, _ := url.Parse(raw)
	d.desc = u.Host + u.Path
	p, err := sql.Open("pgx", raw)
	if err != nil {
		return err
	}
	n := opts.ReadConns
	if n <= 0 {
		n = 16
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	d.write, d.read = p, p
	return nil
}

// Dialect says which database this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// String describes the database for logs, without credentials.
func (d *DB) String() string { return d.dialect.String() + " " + d.desc }

// Now returns the current time from the injected clock, in UTC and
// truncated to microseconds, the precision both databases keep. Store only
// times from here (or truncated the same way), so that what is read back is
// equal to what was written.
func (d *DB) Now() time.Time { return d.now().UTC().Truncate(time.Microsecond) }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return err
	}
	if d.read != d.write {
		return d.read.PingContext(ctx)
	}
	return nil
}

// Close closes all connections.
func (d *DB) Close() error {
	d.stmts.close()
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// QueryContext runs a read-only query on the read pool.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.stmts.get(ctx, d.read, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.read.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a read-only query that returns at most one row on
// the read pool.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.stmts.get(ctx, d.read, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.read.QueryRowContext(ctx, query, args...)
}

// Tx runs fn in a read-write transaction and commits when fn returns nil.
// On SQLite the transaction holds the single writer, so keep it short and
// never call Tx again from inside fn.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Stats returns the statistics of the write pool and the read pool (the same
// pool on PostgreSQL).
func (d *DB) Stats() (write, read sql.DBStats) { return d.write.Stats(), d.read.Stats() }

// IsUniqueViolation reports whether err is a primary key or unique
// constraint violation on either database.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// redact removes the password from a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
