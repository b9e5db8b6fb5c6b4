package audit_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
)

var schemas = []db.Schema{audit.Schema}

// vector is the test vector of the package documentation.
func vector() audit.Entry {
	return audit.Entry{
		Tenant: "0301", Seq: 1, At: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		ActorID: "pid:01017012345", ActorName: "Kari Nordmann", Role: "caseworker",
		Action: "person.read", Object: "person:01017054321", Subject: "01017054321",
		Purpose: "saksbehandling", RequestID: "req-1", Detail: "ok", PrevHash: audit.Genesis,
	}
}

const vectorHash = "4b1c5768e77a08005eda4dd1a34f9c98bd1782fd1c83c5589370a7674bc2a1bb"

// outsideHash is the encoding of the package documentation written out the
// way an outside auditor would, from the stored column values.
func outsideHash(tenant string, seq int64, at string, fields ...string) string {
	var buf []byte
	for _, f := range append([]string{"torg-audit-v1", tenant, fmt.Sprint(seq), at}, fields...) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(f)))
		buf = append(buf, f...)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

func TestHashEncoding(t *testing.T) {
	v := vector()
	if got := audit.Hash(v); got != vectorHash {
		t.Errorf("Hash(vector) = %s, want %s", got, vectorHash)
	}
	if got := outsideHash(v.Tenant, v.Seq, "2026-03-01T12:00:00.000000Z", v.ActorID, v.ActorName, v.Role, v.Action,
		v.Object, v.Subject, v.Purpose, v.RequestID, v.Detail, v.PrevHash); got != vectorHash {
		t.Errorf("outside encoding = %s, want %s", got, vectorHash)
	}
	// The same vector, written by Append with a fixed clock.
	fixed := func() time.Time { return time.Date(2026, 3, 1, 13, 0, 0, 0, time.FixedZone("CET", 3600)) }
	d := dbtest.SQLite(t, dbtest.Options{Now: fixed}, schemas...)
	e, err := audit.New(d).Record(context.Background(), v)
	if err != nil {
		t.Fatal(err)
	}
	if e.Hash != vectorHash || e.Seq != 1 || e.PrevHash != audit.Genesis {
		t.Errorf("Record = seq %d prev %s hash %s, want the vector", e.Seq, e.PrevHash, e.Hash)
	}
	// Moving bytes from one field to the next changes the hash.
	w := v
	w.ActorName, w.Role = "Kari Nordmanncase", "worker"
	if audit.Hash(w) == vectorHash {
		t.Error("the encoding is ambiguous: shifted field boundary gives the same hash")
	}
	// Non-ASCII text and microseconds.
	w = v
	w.Detail, w.At = "Ærlig talt – ø å", time.Date(2026, 12, 31, 23, 59, 59, 123456000, time.UTC)
	if got, want := audit.Hash(w), outsideHash(w.Tenant, w.Seq, "2026-12-31T23:59:59.123456Z", w.ActorID, w.ActorName, w.Role,
		w.Action, w.Object, w.Subject, w.Purpose, w.RequestID, w.Detail, w.PrevHash); got != want {
		t.Errorf("Hash = %s, outside encoding = %s", got, want)
	}
}

// entry returns a test entry for tenant, with i in its detail.
func entry(tenant string, i int) audit.Entry {
	return audit.Entry{
		Tenant: tenant, ActorID: "email:ola@kommune.no", ActorName: "Ola Saksbehandler", Role: "caseworker",
		Action: "person.read", Object: fmt.Sprintf("case:2026/%05d", i), Subject: "01017054321",
		Purpose: "saksbehandling", RequestID: fmt.Sprintf("req-%d", i), Detail: fmt.Sprintf("entry %d", i),
	}
}

// sameEntry compares two entries, times by instant.
func sameEntry(a, b audit.Entry) bool {
	at := a.At.Equal(b.At)
	a.At, b.At = time.Time{}, time.Time{}
	return at && a == b
}

func TestAppendListVerify(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(d)
		written := map[string][]audit.Entry{}
		for i := range 6 {
			for _, tenant := range []string{"0301", "4601"} {
				e, err := l.Record(ctx, entry(tenant, i))
				if err != nil {
					t.Fatal(err)
				}
				written[tenant] = append(written[tenant], e)
			}
		}
		for tenant, ws := range written {
			for i, e := range ws {
				if e.Seq != int64(i+1) {
					t.Errorf("%s entry %d has seq %d", tenant, i, e.Seq)
				}
				if i > 0 && e.PrevHash != ws[i-1].Hash {
					t.Errorf("%s entry %d: prev_hash %s, want %s", tenant, e.Seq, e.PrevHash, ws[i-1].Hash)
				}
				if e.At.IsZero() || e.At.Location() != time.UTC {
					t.Errorf("%s entry %d: At = %v", tenant, e.Seq, e.At)
				}
			}
			got, err := l.List(ctx, tenant, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(ws) {
				t.Fatalf("List(%s) gave %d entries, want %d", tenant, len(got), len(ws))
			}
			for i := range got {
				if !sameEntry(got[i], ws[i]) {
					t.Errorf("List(%s)[%d] = %+v\nwant %+v", tenant, i, got[i], ws[i])
				}
			}
			page, err := l.List(ctx, tenant, 2, 3)
			if err != nil || len(page) != 3 || page[0].Seq != 3 || page[2].Seq != 5 {
				t.Errorf("List(%s, after 2, limit 3) = %d entries, %v", tenant, len(page), err)
			}
			seq, hash, err := l.Head(ctx, tenant)
			if err != nil || seq != 6 || hash != ws[5].Hash {
				t.Errorf("Head(%s) = %d %s %v, want 6 %s", tenant, seq, hash, err, ws[5].Hash)
			}
			checked, brk, err := l.Verify(ctx, tenant)
			if err != nil || brk != nil || checked != 6 {
				t.Errorf("Verify(%s) = %d, %v, %v; want 6 intact", tenant, checked, brk, err)
			}
		}
		checked, brk, err := l.Verify(ctx, "")
		if err != nil || brk != nil || checked != 12 {
			t.Errorf("Verify(all) = %d, %v, %v; want 12 intact", checked, brk, err)
		}
		// A tenant without entries is an intact, empty chain.
		checked, brk, err = l.Verify(ctx, "9999")
		if err != nil || brk != nil || checked != 0 {
			t.Errorf("Verify(empty tenant) = %d, %v, %v", checked, brk, err)
		}
		if seq, hash, err := l.Head(ctx, "9999"); seq != 0 || hash != audit.Genesis || err != nil {
			t.Errorf("Head(empty tenant) = %d %s %v", seq, hash, err)
		}
		if _, err := l.List(ctx, "", 0, 10); !errs.Is(errs.Invalid, err) {
			t.Errorf("List without tenant: %v, want Invalid", err)
		}
	})
}

// exec runs raw SQL in a write transaction: the tampering of the tests.
func exec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), query, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// put overwrites every column of entry e.Seq of e.Tenant with e's values.
func put(t *testing.T, d *db.DB, e audit.Entry) {
	t.Helper()
	exec(t, d, `UPDATE audit_log SET at = $1, actor_id = $2, actor_name = $3, role = $4, action = $5, object = $6,
		subject = $7, purpose = $8, request_id = $9, detail = $10, prev_hash = $11, hash = $12
		WHERE tenant_id = $13 AND seq = $14`,
		e.At, e.ActorID, e.ActorName, e.Role, e.Action, e.Object, e.Subject, e.Purpose, e.RequestID, e.Detail,
		e.PrevHash, e.Hash, e.Tenant, e.Seq)
}

// insert writes e as a raw row.
func insert(t *testing.T, d *db.DB, e audit.Entry) {
	t.Helper()
	exec(t, d, `INSERT INTO audit_log (tenant_id, seq, at, actor_id, actor_name, role, action, object, subject,
		purpose, request_id, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Tenant, e.Seq, e.At, e.ActorID, e.ActorName, e.Role, e.Action, e.Object, e.Subject, e.Purpose,
		e.RequestID, e.Detail, e.PrevHash, e.Hash)
}

func TestVerifyDetectsTampering(t *testing.T) {
	// Every case gets its own tenant with entries 1 to 5.
	tests := []struct {
		name    string
		tamper  func(t *testing.T, d *db.DB, tenant string, es []audit.Entry)
		seq     int64
		reason  string
		checked int64
	}{
		{"field of a middle row changed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `UPDATE audit_log SET detail = 'nothing to see' WHERE tenant_id = $1 AND seq = 3`, tenant)
		}, 3, "hash mismatch (row altered)", 2},
		{"subject of a middle row changed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `UPDATE audit_log SET subject = '' WHERE tenant_id = $1 AND seq = 3`, tenant)
		}, 3, "hash mismatch (row altered)", 2},
		{"time of a middle row changed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `UPDATE audit_log SET at = $1 WHERE tenant_id = $2 AND seq = 3`, es[2].At.Add(-time.Hour), tenant)
		}, 3, "hash mismatch (row altered)", 2},
		{"row changed and re-hashed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			e := es[2]
			e.ActorID = "system"
			e.Hash = audit.Hash(e)
			put(t, d, e)
		}, 4, "prev_hash does not match hash of entry 3", 3},
		{"middle row removed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 3`, tenant)
		}, 3, "sequence gap: 4 follows 2 (row removed)", 2},
		{"first row removed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 1`, tenant)
		}, 1, "sequence gap: chain starts at 2 (first rows removed)", 0},
		{"last row removed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 5`, tenant)
		}, 5, "chain head says 5 entries, found 4 (last rows removed)", 4},
		{"every row removed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE tenant_id = $1`, tenant)
		}, 1, "chain head says 5 entries, found 0 (last rows removed)", 0},
		{"last row removed and head wound back", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 5`, tenant)
			exec(t, d, `UPDATE audit_head SET seq = 4 WHERE tenant_id = $1`, tenant)
		}, 4, "chain head hash does not match hash of entry 4", 4},
		{"two rows swapped", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			a, b := es[1], es[2]
			a.Seq, b.Seq = 3, 2
			put(t, d, a)
			put(t, d, b)
		}, 2, "hash mismatch (row altered)", 1},
		{"head hash changed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `UPDATE audit_head SET hash = $1 WHERE tenant_id = $2`, es[3].Hash, tenant)
		}, 5, "chain head hash does not match hash of entry 5", 5},
		{"head count changed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `UPDATE audit_head SET seq = 3 WHERE tenant_id = $1`, tenant)
		}, 4, "chain head says 3 entries, found 5 (rows added after the head, or head altered)", 5},
		{"head removed", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			exec(t, d, `DELETE FROM audit_head WHERE tenant_id = $1`, tenant)
		}, 5, "chain head missing (audit_head row removed)", 5},
		{"well-chained row added after the head", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			e := es[4]
			e.Seq, e.PrevHash, e.Detail = 6, es[4].Hash, "forged"
			e.Hash = audit.Hash(e)
			insert(t, d, e)
		}, 6, "chain head says 5 entries, found 6 (rows added after the head, or head altered)", 6},
		{"row inserted before the first", func(t *testing.T, d *db.DB, tenant string, es []audit.Entry) {
			e := es[0]
			e.Seq = 0
			e.Hash = audit.Hash(e)
			insert(t, d, e)
		}, 0, "unexpected sequence number 0, expected 1 (row inserted)", 0},
	}
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(d)
		chains := map[string][]audit.Entry{}
		tenantOf := func(i int) string { return fmt.Sprintf("t%02d", i) }
		for _, tenant := range []string{"0000", "zzzz"} {
			for j := range 5 {
				if _, err := l.Record(ctx, entry(tenant, j)); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i := range tests {
			tenant := tenantOf(i)
			for j := range 5 {
				e, err := l.Record(ctx, entry(tenant, j))
				if err != nil {
					t.Fatal(err)
				}
				chains[tenant] = append(chains[tenant], e)
			}
			if n, brk, err := l.Verify(ctx, tenant); n != 5 || brk != nil || err != nil {
				t.Fatalf("before tampering: Verify(%s) = %d, %v, %v", tenant, n, brk, err)
			}
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tenant := tenantOf(i)
				tt.tamper(t, d, tenant, chains[tenant])
				checked, brk, err := l.Verify(ctx, tenant)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if brk == nil {
					t.Fatal("Verify found the chain intact")
				}
				if brk.Tenant != tenant || brk.Seq != tt.seq || !strings.HasPrefix(brk.Reason, tt.reason) || checked != tt.checked {
					t.Errorf("Verify = %d, %+v\nwant %d, {Tenant:%s Seq:%d Reason:%s…}", checked, *brk, tt.checked, tenant, tt.seq, tt.reason)
				}
			})
		}
		// The untouched chains still verify, and a check of every tenant
		// stops at the first broken one, after the intact "0000".
		for _, tenant := range []string{"0000", "zzzz"} {
			if n, brk, err := l.Verify(ctx, tenant); n != 5 || brk != nil || err != nil {
				t.Errorf("Verify(%s) = %d, %v, %v", tenant, n, brk, err)
			}
		}
		checked, brk, err := l.Verify(ctx, "")
		if err != nil || brk == nil || brk.Tenant != tenantOf(0) || brk.Seq != tests[0].seq || checked != 5+tests[0].checked {
			t.Errorf("Verify(all) = %d, %v, %v; want a break in %s after 7 entries", checked, brk, err, tenantOf(0))
		}
	})
}

func TestVerifyUnreadableTime(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, schemas...)
	ctx := context.Background()
	l := audit.New(d)
	for i := range 3 {
		if _, err := l.Record(ctx, entry("0301", i)); err != nil {
			t.Fatal(err)
		}
	}
	// SQLite stores times as text, so a hand edit can leave something else.
	exec(t, d, `UPDATE audit_log SET at = 'yesterday' WHERE tenant_id = '0301' AND seq = 2`)
	checked, brk, err := l.Verify(ctx, "0301")
	if err != nil || brk == nil || brk.Seq != 2 || brk.Reason != "hash mismatch (row altered)" || checked != 1 {
		t.Errorf("Verify = %d, %v, %v", checked, brk, err)
	}
	if _, err := l.List(ctx, "0301", 0, 10); err == nil {
		t.Error("List read an unreadable time without error")
	}
}

func TestBySubject(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(d)
		const kari, ola = "01017054321", "02028012345"
		records := []audit.Entry{
			{Tenant: "0301", ActorID: "email:a@oslo.kommune.no", Role: "caseworker", Action: "person.read", Subject: kari, Purpose: "saksbehandling"},
			{Tenant: "0301", ActorID: "pid:" + kari, Role: "citizen", Action: "person.read", Subject: kari, Detail: "own page"},
			{Tenant: "0301", ActorID: "email:b@oslo.kommune.no", Role: "caseworker", Action: "person.read", Subject: ola},
			{Tenant: "4601", ActorID: "email:c@bergen.kommune.no", Role: "caseworker", Action: "person.read", Subject: kari},
			{Tenant: "0301", ActorID: "system", Role: "system", Action: "case.update", Subject: kari, Object: "case:2026/00001"},
			{Tenant: "0301", ActorID: "email:a@oslo.kommune.no", Role: "caseworker", Action: "tenant.add"},
			{Tenant: "0301", ActorID: "pid:" + ola, Role: "citizen", Action: "person.read", Subject: kari, Detail: "another citizen"},
		}
		for _, e := range records {
			if _, err := l.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			tenant, pid string
			limit       int
			want        []int64 // seqs, newest first
		}{
			{"0301", kari, 0, []int64{6, 4, 1}},
			{"0301", kari, 2, []int64{6, 4}},
			{"0301", ola, 0, []int64{3}},
			{"4601", kari, 0, []int64{1}},
			{"4601", ola, 0, nil},
			{"5001", kari, 0, nil},
		}
		for _, tt := range tests {
			got, err := l.BySubject(ctx, tt.tenant, tt.pid, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
				if e.Subject != tt.pid || e.Tenant != tt.tenant || e.ActorID == "pid:"+tt.pid {
					t.Errorf("BySubject(%s, %s) returned %+v", tt.tenant, tt.pid, e)
				}
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tt.want) {
				t.Errorf("BySubject(%s, %s, %d) = seqs %v, want %v", tt.tenant, tt.pid, tt.limit, seqs, tt.want)
			}
		}
		if _, err := l.BySubject(ctx, "0301", "", 10); !errs.Is(errs.Invalid, err) {
			t.Errorf("BySubject without pid: %v, want Invalid", err)
		}
	})
}

func TestConcurrentAppends(t *testing.T) {
	const workers, each = 8, 50
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(d)
		var wg sync.WaitGroup
		errc := make(chan error, workers+1)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					// Half the workers append inside a transaction that does
					// other work too, half with Record.
					e := entry("0301", w*each+i)
					var err error
					if w%2 == 0 {
						_, err = l.Record(ctx, e)
					} else {
						err = d.Tx(ctx, func(tx *sql.Tx) error {
							if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
								return err
							}
							_, err := l.Append(ctx, tx, e)
							return err
						})
					}
					if err != nil {
						errc <- fmt.Errorf("worker %d entry %d: %w", w, i, err)
						return
					}
				}
			})
		}
		// Verifying while appends go on must not report a break.
		done := make(chan struct{})
		var vg sync.WaitGroup
		vg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, brk, err := l.Verify(ctx, "0301"); err != nil || brk != nil {
					errc <- fmt.Errorf("Verify during appends: %v, %v", brk, err)
					return
				}
			}
		})
		wg.Wait()
		close(done)
		vg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		checked, brk, err := l.Verify(ctx, "0301")
		if err != nil || brk != nil || checked != workers*each {
			t.Fatalf("Verify = %d, %v, %v; want %d intact", checked, brk, err, workers*each)
		}
		all, err := l.List(ctx, "0301", 0, workers*each+10)
		if err != nil || len(all) != workers*each {
			t.Fatalf("List = %d entries, %v", len(all), err)
		}
		details := map[string]bool{}
		for i, e := range all {
			if e.Seq != int64(i+1) {
				t.Fatalf("entry %d has seq %d", i, e.Seq)
			}
			if i > 0 && e.At.Before(all[i-1].At) {
				t.Errorf("entry %d is older than entry %d", e.Seq, e.Seq-1)
			}
			details[e.Detail] = true
		}
		if len(details) != workers*each {
			t.Errorf("%d distinct entries, want %d", len(details), workers*each)
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	dbtest.Each(t, schemas, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(d)
		boom := errors.New("boom")
		appendThenFail := func(tenant string) {
			t.Helper()
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := l.Append(ctx, tx, entry(tenant, 99)); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Tx = %v, want boom", err)
			}
		}
		// A first entry that rolls back leaves no head either.
		appendThenFail("0301")
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_head`).Scan(&n); err != nil || n != 0 {
			t.Errorf("heads after rollback = %d, %v", n, err)
		}
		if got, _ := l.List(ctx, "0301", 0, 10); len(got) != 0 {
			t.Errorf("entries after rollback: %+v", got)
		}
		// On a chain with entries the head stays where it was.
		var last audit.Entry
		for i := range 3 {
			var err error
			if last, err = l.Record(ctx, entry("0301", i)); err != nil {
				t.Fatal(err)
			}
		}
		appendThenFail("0301")
		if seq, hash, err := l.Head(ctx, "0301"); seq != 3 || hash != last.Hash || err != nil {
			t.Errorf("Head after rollback = %d %s %v, want 3 %s", seq, hash, err, last.Hash)
		}
		next, err := l.Record(ctx, entry("0301", 3))
		if err != nil || next.Seq != 4 || next.PrevHash != last.Hash {
			t.Errorf("next Record = seq %d prev %s, %v", next.Seq, next.PrevHash, err)
		}
		if checked, brk, err := l.Verify(ctx, ""); checked != 4 || brk != nil || err != nil {
			t.Errorf("Verify = %d, %v, %v", checked, brk, err)
		}
	})
}

func TestValidation(t *testing.T) {
	d := dbtest.SQLite(t, dbtest.Options{}, schemas...)
	ctx := context.Background()
	l := audit.New(d)
	ok := entry("0301", 1)
	with := func(f func(e *audit.Entry)) audit.Entry {
		e := ok
		f(&e)
		return e
	}
	invalid := []struct {
		name string
		e    audit.Entry
	}{
		{"no tenant", with(func(e *audit.Entry) { e.Tenant = "" })},
		{"no action", with(func(e *audit.Entry) { e.Action = "" })},
		{"long object", with(func(e *audit.Entry) { e.Object = "case:" + strings.Repeat("9", audit.MaxObject) })},
		{"long subject", with(func(e *audit.Entry) { e.Subject = strings.Repeat("1", audit.MaxSubject+1) })},
		{"control character in actor", with(func(e *audit.Entry) { e.ActorID = "pid:1\n2" })},
		{"invalid UTF-8 in action", with(func(e *audit.Entry) { e.Action = "person.\xffread" })},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := l.Record(ctx, tt.e); !errs.Is(errs.Invalid, err) {
				t.Errorf("Record = %v, want Invalid", err)
			}
		})
	}
	if _, err := l.Append(ctx, nil, ok); !errs.Is(errs.Internal, err) {
		t.Errorf("Append without transaction = %v, want Internal", err)
	}
	if got, _ := l.List(ctx, "0301", 0, 10); len(got) != 0 {
		t.Fatalf("invalid entries were stored: %+v", got)
	}

	// Free text is cleaned and shortened, not refused.
	e := with(func(e *audit.Entry) {
		e.Detail = strings.Repeat("ø", audit.MaxDetail+5)
		e.Purpose = "saks\x00behandling\xff"
		e.ActorName = "Ola\tNordmann\n"
		e.Seq, e.Hash, e.PrevHash = 77, "forged", "forged" // ignored
	})
	got, err := l.Record(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(got.Detail); n != audit.MaxDetail || !strings.HasSuffix(got.Detail, "ø…") {
		t.Errorf("Detail has %d characters, ends %q", n, got.Detail[len(got.Detail)-8:])
	}
	if got.Purpose != "saks\uFFFDbehandling\uFFFD" || got.ActorName != "Ola\tNordmann\n" {
		t.Errorf("Purpose %q, ActorName %q", got.Purpose, got.ActorName)
	}
	if got.Seq != 1 || got.PrevHash != audit.Genesis || got.Hash != audit.Hash(got) {
		t.Errorf("Record = seq %d prev %s hash %s", got.Seq, got.PrevHash, got.Hash)
	}
	stored, err := l.List(ctx, "0301", 0, 10)
	if err != nil || len(stored) != 1 || !sameEntry(stored[0], got) {
		t.Errorf("List = %+v, %v\nwant %+v", stored, err, got)
	}
	if checked, brk, err := l.Verify(ctx, "0301"); checked != 1 || brk != nil || err != nil {
		t.Errorf("Verify = %d, %v, %v", checked, brk, err)
	}
}

func BenchmarkAppend(b *testing.B) {
	d := dbtest.SQLite(b, dbtest.Options{}, schemas...)
	ctx := context.Background()
	l := audit.New(d)
	e := entry("0301", 1)
	for b.Loop() {
		if _, err := l.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
