// Package dbtest gives tests a fresh, migrated database: a SQLite file in a
// temporary folder always, and a PostgreSQL database of its own when
// TORG_TEST_POSTGRES holds a connection URL (the database in that URL is used
// only to create and drop the test databases).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the admin connection

	"github.com/torg-ekommune/torg/internal/db"
)

// EnvPostgres names the variable that turns on the PostgreSQL runs.
const EnvPostgres = "TORG_TEST_POSTGRES"

// Options change the database a test gets.
type Options struct {
	Now func() time.Time // the clock; time.Now when nil
}

// Each runs fn as a subtest once per available database ("sqlite", and
// "postgres" when TORG_TEST_POSTGRES is set), each with a new database
// migrated with schemas.
func Each(t *testing.T, schemas []db.Schema, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, Options{}, schemas...)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, Options{}, schemas...)) })
	}
}

// SQLite returns a migrated database in a new SQLite file under t.TempDir.
func SQLite(t testing.TB, opts Options, schemas ...db.Schema) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "", t.TempDir(), db.Options{Now: opts.Now})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background(), schemas...); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return d
}

// Postgres returns a migrated database of its own on the server in
// TORG_TEST_POSTGRES, dropped when the test ends. It skips the test when the
// variable is unset.
func Postgres(t testing.TB, opts Options, schemas ...db.Schema) *db.DB {
	t.Helper()
	raw := URL(t)
	d, err := db.Open(context.Background(), raw, "", db.Options{Now: opts.Now})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background(), schemas...); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return d
}

// URL creates an empty PostgreSQL database for the test and returns its
// URL; the database is dropped when the test ends. It skips the test when
// TORG_TEST_POSTGRES is unset.
func URL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Skipf("%s is not set: skipping the PostgreSQL run (set it to e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", EnvPostgres)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	defer adm.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "torg_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database on %s: %v", u.Host, err)
	}
	t.Cleanup(func() {
		adm, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer adm.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := adm.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// File returns the path of a SQLite file in a new temporary folder, for
// tests that start the whole program with --data.
func File(t testing.TB) string { return filepath.Join(t.TempDir(), "torg.db") }

// Clock is a settable clock for tests, safe for concurrent use. Pass its
// Now to Options.Now.
type Clock struct{ ns atomic.Int64 }

// NewClock returns a Clock showing t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.ns.Add(int64(d)) }
