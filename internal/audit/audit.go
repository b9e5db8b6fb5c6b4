// Package audit keeps Torg's audit log: an append-only, hash-chained record
// of every change and of every read of personal data by staff.
//
// # What is recorded
//
// An Entry says who acted (actor id and display name), in which role, what
// they did (a dotted action such as "person.read"), to which object
// ("type:id"), which person the entry concerns (their fødselsnummer, the
// subject), for what purpose, when, in which request, and a short outcome
// text. A change and its entry are written in the same transaction (Append);
// events with no other change, such as a failed sign-in, get a transaction
// of their own (Record). A citizen sees on "Min side" who in the
// municipality looked at their data and when (BySubject); administrators
// list and export the log (List) and check it (Verify).
//
// # The chain
//
// Each tenant (municipality) has its own chain. Entry number 1 has
// prev_hash "0000…0000" (64 zeros); every later entry's prev_hash is the
// hash of the entry before it. The table audit_head holds, per tenant, the
// number of entries and the hash of the last one, so that removing the last
// entries is noticed too. Verify walks the chain and reports the first link
// that does not hold: an altered row (its hash no longer matches its
// content), a removed row (a gap in the sequence), a re-hashed or reordered
// row (its prev_hash does not match the entry before it), and removed or
// added rows at the end (the head disagrees with the last entry).
//
// # Hash encoding
//
// An entry's hash is the lower-case hexadecimal SHA-256 of the
// concatenation of these 14 fields, in this order, each encoded as its
// length in bytes (a 4-byte big-endian unsigned integer) followed by its
// UTF-8 bytes:
//
//  1. the constant "torg-audit-v1"
//  2. tenant_id
//  3. seq, in decimal ASCII digits without sign or leading zeros
//  4. at, in UTC as RFC 3339 with exactly six fractional digits,
//     "2006-01-02T15:04:05.000000Z"
//  5. actor_id
//  6. actor_name
//  7. role
//  8. action
//  9. object
//  10. subject
//  11. purpose
//  12. request_id
//  13. detail
//  14. prev_hash (lower-case hex; 64 "0" characters for seq 1)
//
// The columns of audit_log hold exactly these values (at as a TIMESTAMP in
// UTC, with microseconds), so an auditor can recompute every hash from an
// export of the table alone. Test vector: tenant "0301", seq 1, at
// 2026-03-01T12:00:00.000000Z, actor_id "pid:01017012345", actor_name "Kari
// Nordmann", role "caseworker", action "person.read", object
// "person:01017054321", subject "01017054321", purpose "saksbehandling",
// request_id "req-1", detail "ok", prev_hash 64 zeros give the hash
// 4b1c5768e77a08005eda4dd1a34f9c98bd1782fd1c83c5589370a7674bc2a1bb.
//
// # Append-only
//
// The package has no method that updates or deletes an entry. The chain
// makes tampering detectable, not impossible: whoever can write to the
// database can still rewrite a chain from some entry to its end, head
// included. To notice that too, keep the head (Head) somewhere else from
// time to time, for example in the backup report, and compare. On
// PostgreSQL an operator can also take the rights to change the log away
// from the application. Run the migrations as the role that owns the
// tables and let the application connect as another role, say torg_app:
//
//	REVOKE ALL ON audit_log, audit_head FROM torg_app;
//	GRANT SELECT, INSERT ON audit_log TO torg_app;
//	GRANT SELECT, INSERT, UPDATE ON audit_head TO torg_app;
//
// # Concurrency
//
// Append serialises appends per tenant with the head row: on PostgreSQL the
// upsert of audit_head takes that row's lock until the caller's transaction
// ends, and SQLite has a single writer anyway. Call Append late in the
// transaction, right before it commits, so the lock is held briefly. The
// caller's transaction should use PostgreSQL's default isolation level,
// READ COMMITTED; under REPEATABLE READ or SERIALIZABLE concurrent appends
// fail with serialization errors.
package audit

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/i18n"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the audit module's migrations, for db.Migrate.
var Schema = db.EmbeddedSchema("audit", migrations, "migrations")

// Genesis is the prev_hash of the first entry of every chain and the hash
// that Head reports for a tenant without entries: 64 zeros.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Limits on the lengths of an Entry's fields, in characters. Append rejects
// an identifier that is longer (errs.Invalid) and shortens a free-text field
// (ActorName, Purpose, RequestID, Detail) to the limit, ending it with "…".
const (
	MaxTenant    = 64
	MaxActorID   = 200
	MaxActorName = 200
	MaxRole      = 64
	MaxAction    = 100
	MaxObject    = 300
	MaxSubject   = 64
	MaxPurpose   = 300
	MaxRequestID = 200
	MaxDetail    = 1000
)

// Default and largest page sizes of List and BySubject.
const (
	DefaultLimit      = 100
	MaxListLimit      = 10000
	MaxBySubjectLimit = 1000
)

// Entry is one audit record.
type Entry struct {
	Tenant    string    // tenant_id (kommunenummer)
	Seq       int64     // position in the tenant's chain, from 1 (set by Append)
	At        time.Time // set by Append from d.Now()
	ActorID   string    // e.g. "pid:…" / "email:…" / "system" / "cli:root"
	ActorName string    // the actor's display name
	Role      string    // the role the actor acted in ("caseworker", "citizen", "admin", "system", ...)
	Action    string    // dotted verb, e.g. "auth.signin", "auth.signin_failed", "person.read", "tenant.add", "role.grant"
	Object    string    // "type:id", e.g. "case:2026/00012"; may be empty
	Subject   string    // pid of the person the entry concerns; may be empty
	Purpose   string    // why, e.g. "saksbehandling"
	RequestID string    // the request the entry was made in
	Detail    string    // short free text, never secrets
	PrevHash  string    // hex, set by Append (Genesis for the first entry)
	Hash      string    // hex SHA-256, set by Append
}

// Log reads and appends audit entries. It is safe for concurrent use.
type Log struct {
	db *db.DB
}

// New returns a Log on d, which must be migrated with Schema.
func New(d *db.DB) *Log { return &Log{db: d} }

// The upsert both creates a tenant's head on its first entry and, through
// the row lock of ON CONFLICT DO UPDATE, makes concurrent appenders for the
// tenant wait for each other. It returns the new entry's seq and the hash of
// the entry before it.
const (
	sqlNextHead = `INSERT INTO audit_head (tenant_id, seq, hash) VALUES ($1, 1, $2)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_head.seq + 1
		RETURNING seq, hash`
	sqlInsert = `INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_name, role, action, object,
		subject, purpose, request_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	sqlSetHead = `UPDATE audit_head SET hash = $1 WHERE tenant_id = $2 AND seq = $3`
	columns    = `seq, at, actor_id, actor_name, role, action, object, subject, purpose, request_id, detail, prev_hash, hash`
)

// Append adds e to its tenant's chain inside tx, the caller's write
// transaction, so that a change and its audit entry commit or roll back
// together. It sets Seq, At, PrevHash and Hash and returns the entry as
// stored (free-text fields shortened to their limits). Errors: Invalid when
// Tenant or Action is missing or an identifier is too long or holds control
// characters.
func (l *Log) Append(ctx context.Context, tx *sql.Tx, e Entry) (Entry, error) {
	const op = errs.Op("audit.Append")
	e, err := normalize(e)
	if err != nil {
		return Entry{}, errs.E(op, err)
	}
	if tx == nil {
		return Entry{}, errs.E(op, errs.Internal, errors.New("no transaction"))
	}
	if err := tx.QueryRowContext(ctx, sqlNextHead, e.Tenant, Genesis).Scan(&e.Seq, &e.PrevHash); err != nil {
		return Entry{}, errs.E(op, err)
	}
	// The clock is read after the head is locked, so that At grows with Seq
	// as long as the clock does.
	e.At = l.db.Now()
	e.Hash = Hash(e)
	_, err = tx.ExecContext(ctx, sqlInsert, e.Tenant, e.Seq, e.At, e.ActorID, e.ActorName, e.Role,
		e.Action, e.Object, e.Subject, e.Purpose, e.RequestID, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return Entry{}, errs.E(op, err)
	}
	res, err := tx.ExecContext(ctx, sqlSetHead, e.Hash, e.Tenant, e.Seq)
	if err != nil {
		return Entry{}, errs.E(op, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return Entry{}, errs.E(op, fmt.Errorf("chain head of %s moved during the append (%d rows, %v)", e.Tenant, n, err))
	}
	return e, nil
}

// Record appends e in a transaction of its own, for events that change
// nothing else, such as a failed sign-in. On SQLite it must not be called
// from inside a transaction (db.DB.Tx). Errors: as Append.
func (l *Log) Record(ctx context.Context, e Entry) (Entry, error) {
	var out Entry
	err := l.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = l.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		return Entry{}, errs.E(errs.Op("audit.Record"), err)
	}
	return out, nil
}

// BySubject returns, newest first, up to limit entries of tenant about the
// person pid that someone other than that person made: what "Min side"
// shows as who looked at the citizen's data. The citizen's own actions
// (ActorID "pid:"+pid) are left out. A limit of 0 or less means
// DefaultLimit; more than MaxBySubjectLimit means MaxBySubjectLimit.
// Errors: Invalid when tenant or pid is empty.
func (l *Log) BySubject(ctx context.Context, tenant, pid string, limit int) ([]Entry, error) {
	const op = errs.Op("audit.BySubject")
	if tenant == "" || pid == "" {
		return nil, errs.E(op, errs.Invalid, errs.Key("audit.error.subject"), errors.New("tenant and pid are required"))
	}
	rows, err := l.db.QueryContext(ctx, `SELECT `+columns+` FROM audit_log
		WHERE tenant_id = $1 AND subject = $2 AND actor_id <> $3
		ORDER BY seq DESC LIMIT $4`, tenant, pid, "pid:"+pid, clampLimit(limit, MaxBySubjectLimit))
	if err != nil {
		return nil, errs.E(op, err)
	}
	out, err := scanAll(rows, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// List returns, oldest first, up to limit entries of tenant with a Seq
// greater than afterSeq; pass the last Seq of one page to get the next. A
// limit of 0 or less means DefaultLimit; more than MaxListLimit means
// MaxListLimit. Errors: Invalid when tenant is empty.
func (l *Log) List(ctx context.Context, tenant string, afterSeq int64, limit int) ([]Entry, error) {
	const op = errs.Op("audit.List")
	if tenant == "" {
		return nil, errs.E(op, errs.Invalid, errs.Key("audit.error.tenant"), errors.New("tenant is required"))
	}
	rows, err := l.db.QueryContext(ctx, `SELECT `+columns+` FROM audit_log
		WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, tenant, afterSeq, clampLimit(limit, MaxListLimit))
	if err != nil {
		return nil, errs.E(op, err)
	}
	out, err := scanAll(rows, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// Head returns the number of entries in tenant's chain and the hash of the
// last one (0 and Genesis when there are none). Keeping it outside the
// database now and then lets a later check notice a rewritten chain.
func (l *Log) Head(ctx context.Context, tenant string) (seq int64, hash string, err error) {
	seq, hash, ok, err := l.head(ctx, tenant)
	if err != nil {
		return 0, "", errs.E(errs.Op("audit.Head"), err)
	}
	if !ok {
		return 0, Genesis, nil
	}
	return seq, hash, nil
}

func (l *Log) head(ctx context.Context, tenant string) (seq int64, hash string, ok bool, err error) {
	err = l.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE tenant_id = $1`, tenant).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, err
	}
	return seq, hash, true, nil
}

func clampLimit(limit, most int) int {
	if limit <= 0 {
		return DefaultLimit
	}
	return min(limit, most)
}

// timeCol scans a TIMESTAMP without failing on a value that is not one (a
// row altered by hand on SQLite, which stores times as text).
type timeCol struct {
	t  time.Time
	ok bool
}

// Scan implements sql.Scanner.
func (c *timeCol) Scan(v any) error {
	c.t, c.ok = time.Time{}, false
	if t, ok := v.(time.Time); ok {
		c.t, c.ok = t.UTC(), true
	}
	return nil
}

// scanEntry reads the columns of the constant columns into an Entry.
func scanEntry(rows *sql.Rows, tenant string) (Entry, bool, error) {
	e := Entry{Tenant: tenant}
	var at timeCol
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Role, &e.Action, &e.Object,
		&e.Subject, &e.Purpose, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = at.t
	return e, at.ok, err
}

func scanAll(rows *sql.Rows, tenant string) ([]Entry, error) {
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		e, ok, err := scanEntry(rows, tenant)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("audit entry %s/%d has an unreadable time", tenant, e.Seq)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// normalize checks e's fields and shortens its free-text fields.
func normalize(e Entry) (Entry, error) {
	if e.Tenant == "" {
		return Entry{}, errs.E(errs.Invalid, errs.Key("audit.error.tenant"), errors.New("tenant is required"))
	}
	if e.Action == "" {
		return Entry{}, errs.E(errs.Invalid, errs.Key("audit.error.action"), errors.New("action is required"))
	}
	ids := []struct {
		name string
		val  string
		max  int
	}{
		{"tenant", e.Tenant, MaxTenant},
		{"actor_id", e.ActorID, MaxActorID},
		{"role", e.Role, MaxRole},
		{"action", e.Action, MaxAction},
		{"object", e.Object, MaxObject},
		{"subject", e.Subject, MaxSubject},
	}
	for _, f := range ids {
		if err := checkID(f.val, f.max); err != nil {
			return Entry{}, errs.E(errs.Invalid, errs.Key("audit.error.field"), map[string]string{f.name: "audit.error.field"},
				fmt.Errorf("%s: %w", f.name, err))
		}
	}
	e.ActorName = cleanText(e.ActorName, MaxActorName)
	e.Purpose = cleanText(e.Purpose, MaxPurpose)
	e.RequestID = cleanText(e.RequestID, MaxRequestID)
	e.Detail = cleanText(e.Detail, MaxDetail)
	e.Seq, e.At, e.PrevHash, e.Hash = 0, time.Time{}, "", ""
	return e, nil
}

// checkID accepts valid UTF-8 of at most max characters without control
// characters.
func checkID(s string, max int) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("longer than %d characters", max)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return errors.New("holds a control character")
	}
	return nil
}

// cleanText replaces invalid UTF-8 and control characters other than tab
// and newline with U+FFFD and shortens s to max characters, the last of
// them "…".
func cleanText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r != '\t' && r != '\n' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

//go:embed messages/*.json
var messageFS embed.FS

// Messages returns the module's message files.
func Messages() fs.FS { return i18n.Dir(messageFS, "messages") }
