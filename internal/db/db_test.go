package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
)

var testSchema = db.Schema{Module: "dbtest", FS: fstest.MapFS{
	"001_things.sql": {Data: []byte(`CREATE TABLE things (
		tenant_id TEXT NOT NULL, id BIGINT NOT NULL, at TIMESTAMP NOT NULL, data BYTEA, ok BOOLEAN NOT NULL,
		PRIMARY KEY (tenant_id, id));`)},
	"002_index.sql":          {Data: []byte(`CREATE INDEX things_at ON things (tenant_id, at);`)},
	"003_extra.sqlite.sql":   {Data: []byte(`CREATE TABLE extra (tenant_id TEXT NOT NULL, k TEXT NOT NULL, PRIMARY KEY (tenant_id, k));`)},
	"003_extra.postgres.sql": {Data: []byte(`CREATE TABLE extra (tenant_id TEXT NOT NULL, k TEXT NOT NULL, PRIMARY KEY (tenant_id, k));`)},
}}

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw, dataDir string
		dialect      db.Dialect
		target       string
		wantErr      bool
	}{
		{"", "/var/torg", db.SQLite, "/var/torg/torg.db", false},
		{"", "", 0, "", true},
		{"sqlite:/x/y.db", "", db.SQLite, "/x/y.db", false},
		{"sqlite://x.db", "", db.SQLite, "x.db", false},
		{"sqlite:", "", 0, "", true},
		{"file:/x/y.db", "", db.SQLite, "/x/y.db", false},
		{"/abs/path.db", "", db.SQLite, "/abs/path.db", false},
		{"postgres://u:p@h/db", "", db.Postgres, "postgres://u:p@h/db", false},
		{"postgresql://h/db", "", db.Postgres, "postgresql://h/db", false},
		{"mysql://u:secret@h/db", "", 0, "", true},
	}
	for _, tt := range tests {
		d, target, err := db.ParseURL(tt.raw, tt.dataDir)
		if (err != nil) != tt.wantErr || d != tt.dialect || target != tt.target {
			t.Errorf("ParseURL(%q, %q) = %v, %q, %v", tt.raw, tt.dataDir, d, target, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks password: %v", err)
		}
	}
}

func TestMigrateAndQuery(t *testing.T) {
	dbtest.Each(t, []db.Schema{testSchema}, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		pending, err := d.Pending(ctx, testSchema)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after migrate = %v, %v", pending, err)
		}
		// Migrating again is a no-op.
		if err := d.Migrate(ctx, testSchema); err != nil {
			t.Fatal(err)
		}
		now := d.Now()
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO things (tenant_id, id, at, data, ok) VALUES ($1, $2, $3, $4, $5)`, "9999", 1, now, []byte{0, 1, 2}, true)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var at time.Time
		var data []byte
		var ok bool
		if err := d.QueryRowContext(ctx, `SELECT at, data, ok FROM things WHERE tenant_id = $1 AND at <= $2 AND ok = TRUE`, "9999", now).Scan(&at, &data, &ok); err != nil {
			t.Fatal(err)
		}
		if !at.Equal(now) || len(data) != 3 || !ok {
			t.Errorf("read back %v %v %v, want %v", at, data, ok, now)
		}
		// A duplicate key is recognised on both databases.
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO things (tenant_id, id, at, ok) VALUES ($1, $2, $3, FALSE)`, "9999", 1, now)
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Errorf("IsUniqueViolation(%v) = false", err)
		}
		// A failing transaction leaves nothing behind.
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO things (tenant_id, id, at, ok) VALUES ($1, $2, $3, FALSE)`, "9999", 2, now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx error = %v", err)
		}
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM things`).Scan(&n)
		if n != 1 {
			t.Errorf("rows after rollback = %d, want 1", n)
		}
	})
}

func TestPendingOnFreshDatabase(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{})
	pending, err := d.Pending(context.Background(), testSchema)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 || pending[0] != "dbtest/001_things" {
		t.Errorf("pending = %v", pending)
	}
}

func TestBadMigrationNames(t *testing.T) {
	bad := db.Schema{Module: "bad", FS: fstest.MapFS{"first.sql": {Data: []byte("SELECT 1")}}}
	d := dbtest.SQLite(t, dbtest.Options{})
	if err := d.Migrate(context.Background(), bad); err == nil {
		t.Error("Migrate accepted a file without a number")
	}
	broken := db.Schema{Module: "broken", FS: fstest.MapFS{"001_x.sql": {Data: []byte("CREATE TABLE (")}}}
	if err := d.Migrate(context.Background(), broken); err == nil {
		t.Error("Migrate accepted broken SQL")
	}
	if p, _ := d.Pending(context.Background(), broken); len(p) != 1 {
		t.Errorf("a failed step was recorded as applied: pending = %v", p)
	}
}

func TestQueryOnlyReaders(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, testSchema)
	if _, err := d.QueryContext(context.Background(), `INSERT INTO extra (tenant_id, k) VALUES ('1', 'x') RETURNING k`); err == nil {
		t.Error("the read pool accepted a write")
	}
}
