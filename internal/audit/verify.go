package audit

import (
	"context"
	"fmt"
	"math"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Break is the first link of a chain that does not hold.
type Break struct {
	Tenant string // the tenant whose chain is broken
	Seq    int64  // the first position in the chain that does not verify
	Reason string // what is wrong, for people, e.g. "hash mismatch (row altered)"
}

// String describes the break in one line for logs and the command line.
func (b *Break) String() string {
	return fmt.Sprintf("audit chain of tenant %s broken at entry %d: %s", b.Tenant, b.Seq, b.Reason)
}

// Verify checks the chain of tenant, or of every tenant that has entries or
// a chain head when tenant is "", in order of tenant id. It recomputes every
// entry's hash, follows the prev_hash links and compares the last entry with
// the chain head, and stops at the first link that does not hold, which it
// returns as brk; a nil brk means the chains are intact. checked is the
// number of entries that verified before it stopped. It reads the entries
// as a stream, so memory does not grow with the log, and it may run while
// entries are appended.
func (l *Log) Verify(ctx context.Context, tenant string) (checked int64, brk *Break, err error) {
	const op = errs.Op("audit.Verify")
	tenants := []string{tenant}
	if tenant == "" {
		if tenants, err = l.tenants(ctx); err != nil {
			return 0, nil, errs.E(op, err)
		}
	}
	for _, t := range tenants {
		n, b, err := l.verifyTenant(ctx, t)
		checked += n
		if err != nil {
			return checked, nil, errs.E(op, err)
		}
		if b != nil {
			return checked, b, nil
		}
	}
	return checked, nil, nil
}

// tenants lists the tenants with entries or a chain head.
func (l *Log) tenants(ctx context.Context) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT tenant_id FROM audit_head
		UNION SELECT tenant_id FROM audit_log ORDER BY tenant_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// chainState is how far a walk along one tenant's chain has come.
type chainState struct {
	tenant string
	next   int64  // the seq the next entry must have
	prev   string // the hash the next entry's prev_hash must be
}

// verifyTenant walks tenant's chain. The entries are read before the head:
// an entry and the head move together in one transaction, so a head that
// is behind the last entry read means tampering, while a head ahead of it
// may mean entries appended in the meantime, which are read and checked
// until the head is reached or no more entries come.
func (l *Log) verifyTenant(ctx context.Context, tenant string) (int64, *Break, error) {
	st := &chainState{tenant: tenant, next: 1, prev: Genesis}
	var checked int64
	for pass := 0; ; pass++ {
		after := st.next - 1
		if pass == 0 {
			after = math.MinInt64 // an entry with seq 0 or less is tampering too
		}
		n, brk, err := l.verifyRows(ctx, st, after)
		checked += n
		if err != nil || brk != nil {
			return checked, brk, err
		}
		headSeq, headHash, ok, err := l.head(ctx, tenant)
		if err != nil {
			return checked, nil, err
		}
		last := st.next - 1
		switch {
		case !ok && last == 0:
			return checked, nil, nil // no chain at all
		case !ok:
			return checked, &Break{tenant, last, "chain head missing (audit_head row removed)"}, nil
		case headSeq == last && headHash != st.prev:
			return checked, &Break{tenant, last, fmt.Sprintf("chain head hash does not match hash of entry %d", last)}, nil
		case headSeq == last:
			return checked, nil, nil
		case headSeq < last:
			return checked, &Break{tenant, headSeq + 1, fmt.Sprintf("chain head says %d entries, found %d (rows added after the head, or head altered)", headSeq, last)}, nil
		case pass > 0 && n == 0:
			return checked, &Break{tenant, last + 1, fmt.Sprintf("chain head says %d entries, found %d (last rows removed)", headSeq, last)}, nil
		}
		// headSeq > last: look for entries appended since the first read.
	}
}

// verifyRows checks tenant's entries with a seq above after, in order,
// against st, and advances st. It returns the number that verified.
func (l *Log) verifyRows(ctx context.Context, st *chainState, after int64) (int64, *Break, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT `+columns+` FROM audit_log
		WHERE tenant_id = $1 AND seq > $2 ORDER BY seq`, st.tenant, after)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		e, atOK, err := scanEntry(rows, st.tenant)
		if err != nil {
			return n, nil, err
		}
		if brk := st.check(e, atOK); brk != nil {
			return n, brk, nil
		}
		n++
	}
	return n, nil, rows.Err()
}

// check verifies e as the next link and advances st when it holds.
func (st *chainState) check(e Entry, atOK bool) *Break {
	switch {
	case e.Seq > st.next && st.next == 1:
		return &Break{st.tenant, 1, fmt.Sprintf("sequence gap: chain starts at %d (first rows removed)", e.Seq)}
	case e.Seq > st.next:
		return &Break{st.tenant, st.next, fmt.Sprintf("sequence gap: %d follows %d (row removed)", e.Seq, st.next-1)}
	case e.Seq < st.next:
		return &Break{st.tenant, e.Seq, fmt.Sprintf("unexpected sequence number %d, expected %d (row inserted)", e.Seq, st.next)}
	case !atOK || !canonicalTime(e.At) || Hash(e) != e.Hash:
		return &Break{st.tenant, e.Seq, "hash mismatch (row altered)"}
	case e.PrevHash != st.prev && st.next == 1:
		return &Break{st.tenant, e.Seq, "prev_hash of the first entry is not the genesis value"}
	case e.PrevHash != st.prev:
		return &Break{st.tenant, e.Seq, fmt.Sprintf("prev_hash does not match hash of entry %d", e.Seq-1)}
	}
	st.next, st.prev = e.Seq+1, e.Hash
	return nil
}
