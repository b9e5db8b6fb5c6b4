package initiatives

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Receipt is what a signer gets: the values that let them find and
// recompute their commitment in the public list. The salt is not stored
// anywhere: this is the only time it is shown.
type Receipt struct {
	Initiative Initiative // as after the signature
	Salt       string     // hex, 16 random bytes
	PersonKey  string     // hex
	Commitment string     // hex SHA-256(salt ‖ initiative id ‖ person key)
	// Crossed says this signature met the threshold.
	Crossed bool
}

// Sign adds who's signature to initiative id. Errors: NotFound
// (initiatives.error.not_found); Invalid (initiatives.error.pid) for a
// sign-in without a valid fødselsnummer; Forbidden
// (initiatives.error.not_resident) when who is not a resident; Conflict
// (initiatives.error.signed_twice) when who has signed it already, also
// when two signatures of one person arrive at once.
//
// The signature meets the threshold when the count reaches it; the
// initiative is then handed to the council (once, whichever signature got
// there first). A failed hand-over does not undo the signature: the
// initiative stays in StateReached, and SubmitPending tries again.
func (s *Service) Sign(ctx context.Context, tenant, id string, who Person) (Receipt, error) {
	const op = errs.Op("initiatives.Sign")
	in, err := s.Get(ctx, tenant, id)
	if err != nil {
		return Receipt{}, errs.E(op, err)
	}
	pid, ok := parsePID(who.PID)
	if !ok {
		return Receipt{}, errs.E(op, errs.Invalid, errs.Key("initiatives.error.pid"))
	}
	resident, err := s.reg.Resident(ctx, tenant, pid)
	if err != nil {
		return Receipt{}, errs.E(op, err)
	}
	if !resident {
		return Receipt{}, errs.E(op, errs.Forbidden, errs.Key("initiatives.error.not_resident"))
	}
	key, err := s.personKey(ctx, tenant, pid)
	if err != nil {
		return Receipt{}, errs.E(op, err)
	}
	var salt [16]byte
	rand.Read(salt[:])
	rc := Receipt{Salt: hex.EncodeToString(salt[:]), PersonKey: key}
	rc.Commitment, _ = Commitment(rc.Salt, id, key)
	threshold := Threshold(in.Population, in.County)
	name := cleanLine(who.Name)
	var count int64
	err = s.db.GroupTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiatives_signatures (tenant_id, initiative_id, person_key, commitment) VALUES ($1, $2, $3, $4)`,
			tenant, id, key, rc.Commitment); err != nil {
			return err
		}
		now := s.db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiatives_signers (tenant_id, initiative_id, person_key, pid, name, signed_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			tenant, id, key, pid, name, now); err != nil {
			return err
		}
		// The row lock taken here is held to the commit, so the check of
		// the threshold below sees every earlier signature and no other
		// transaction can make the same crossing.
		if err := tx.QueryRowContext(ctx, `UPDATE initiatives SET signatures = signatures + 1 WHERE tenant_id = $1 AND id = $2 RETURNING signatures`,
			tenant, id).Scan(&count); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE initiatives SET state = $3, reached_at = $4, reached_signatures = signatures, threshold = $5
			WHERE tenant_id = $1 AND id = $2 AND state = $6 AND signatures >= $5`, tenant, id, StateReached, now, threshold, StateOpen)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		rc.Crossed = n == 1
		// The entry names the signer (so it shows on their own page) but
		// not the commitment, which would tie the two together.
		e := who.actor(tenant)
		e.Action, e.Object, e.Subject = "initiatives.sign", "initiative:"+id, pid
		_, err = s.audit.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		if isUnique(err) {
			return Receipt{}, errs.E(op, errs.Conflict, errs.Key("initiatives.error.signed_twice"), err)
		}
		return Receipt{}, errs.E(op, err)
	}
	if rc.Crossed {
		if err := s.submit(ctx, tenant, id); err != nil {
			s.log.Error("initiatives: hand-over to the council failed; SubmitPending will try again", "tenant", tenant, "initiative", id, "err", err)
		}
	}
	if rc.Initiative, err = s.Get(ctx, tenant, id); err != nil {
		return Receipt{}, errs.E(op, err)
	}
	return rc, nil
}

// HasSigned reports whether the person with fødselsnummer pid has signed
// initiative id.
func (s *Service) HasSigned(ctx context.Context, tenant, id, pid string) (bool, error) {
	p, ok := parsePID(pid)
	if !ok {
		return false, nil
	}
	key, err := s.personKey(ctx, tenant, p)
	if err != nil {
		return false, errs.E(errs.Op("initiatives.HasSigned"), err)
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM initiatives_signatures WHERE tenant_id = $1 AND initiative_id = $2 AND person_key = $3`,
		tenant, id, key).Scan(&n)
	if err != nil {
		return false, errs.E(errs.Op("initiatives.HasSigned"), err)
	}
	return n > 0, nil
}

// Commitments returns the public commitments of initiative id's
// signatures, sorted. Errors: NotFound.
func (s *Service) Commitments(ctx context.Context, tenant, id string) ([]string, error) {
	const op = errs.Op("initiatives.Commitments")
	if _, err := s.Get(ctx, tenant, id); err != nil {
		return nil, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT commitment FROM initiatives_signatures WHERE tenant_id = $1 AND initiative_id = $2 ORDER BY commitment`, tenant, id)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// ParseCommitment normalises a commitment as typed (hex, any case,
// spaces ignored) and reports whether it is one: 64 hex digits.
func ParseCommitment(s string) (string, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	if len(s) != 64 {
		return "", false
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", false
	}
	return s, true
}

// HasCommitment reports whether c (as ParseCommitment returns it) is in
// initiative id's list.
func (s *Service) HasCommitment(ctx context.Context, tenant, id, c string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM initiatives_signatures WHERE tenant_id = $1 AND initiative_id = $2 AND commitment = $3`,
		tenant, id, c).Scan(&n)
	if err != nil {
		return false, errs.E(errs.Op("initiatives.HasCommitment"), err)
	}
	return n > 0, nil
}

// submit hands initiative id to the council if it is in StateReached and
// nobody else is doing so: the claim on the row lets one caller through.
func (s *Service) submit(ctx context.Context, tenant, id string) error {
	council := s.getCouncil()
	if council == nil {
		return nil
	}
	var tok [12]byte
	rand.Read(tok[:])
	claim := hex.EncodeToString(tok[:])
	now := s.db.Now()
	var claimed int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE initiatives SET claim = $3, claimed_at = $4 WHERE tenant_id = $1 AND id = $2 AND state = $5
			AND (claim = '' OR claimed_at < $6)`, tenant, id, claim, now, StateReached, now.Add(-s.claimTO))
		if err != nil {
			return err
		}
		claimed, err = res.RowsAffected()
		return err
	})
	if err != nil || claimed == 0 {
		return err
	}
	in, err := s.Get(ctx, tenant, id)
	if err != nil {
		return err
	}
	ref, err := council.CreateCase(ctx, tenant, CaseRequest{InitiativeID: id, Title: in.Title, Text: in.Text, Initiator: in.InitiatorName,
		Signatures: in.ReachedSignatures, Threshold: in.Threshold, Path: "initiativ/" + id})
	if err == nil && (ref == "" || len(ref) > 200) {
		err = errors.New("the council returned a case reference of " + strconv.Itoa(len(ref)) + " bytes")
	}
	if err != nil {
		// Let the next attempt in at once.
		s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE initiatives SET claim = '' WHERE tenant_id = $1 AND id = $2 AND claim = $3`, tenant, id, claim)
			return err
		})
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE initiatives SET state = $4, case_ref = $5, submitted_at = $6 WHERE tenant_id = $1 AND id = $2 AND claim = $3 AND state = $7`,
			tenant, id, claim, StateSubmitted, ref, s.db.Now(), StateReached)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errors.New("initiative " + id + ": the claim was lost before the case reference was stored")
		}
		_, err = s.audit.Append(ctx, tx, audit.Entry{Tenant: tenant, ActorID: "system", ActorName: "Torg", Role: "system",
			Action: "initiatives.submit", Object: "initiative:" + id, Detail: "case " + ref + ", " + strconv.Itoa(in.ReachedSignatures) + " signatures"})
		return err
	})
}

// SubmitPending hands every initiative that has met its threshold but has
// no political case yet to the council, in all municipalities, and returns
// how many it handed over. The server's housekeeping loop calls it.
func (s *Service) SubmitPending(ctx context.Context) (int, error) {
	type key struct{ tenant, id string }
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, id FROM initiatives WHERE state = $1 ORDER BY reached_at LIMIT 1000`, StateReached)
	if err != nil {
		return 0, errs.E(errs.Op("initiatives.SubmitPending"), err)
	}
	var todo []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.tenant, &k.id); err != nil {
			rows.Close()
			return 0, errs.E(errs.Op("initiatives.SubmitPending"), err)
		}
		todo = append(todo, k)
	}
	rows.Close()
	n := 0
	var errList []error
	for _, k := range todo {
		if err := s.submit(ctx, k.tenant, k.id); err != nil {
			errList = append(errList, err)
			continue
		}
		if in, err := s.Get(ctx, k.tenant, k.id); err == nil && in.State == StateSubmitted {
			n++
		}
	}
	if len(errList) > 0 {
		return n, errs.E(errs.Op("initiatives.SubmitPending"), errors.Join(errList...))
	}
	return n, nil
}

// Case returns the state of initiative in's political case; ok is false
// when it has none or the council cannot tell.
func (s *Service) Case(ctx context.Context, tenant string, in Initiative) (CaseStatus, bool) {
	council := s.getCouncil()
	if in.CaseRef == "" || council == nil {
		return CaseStatus{}, false
	}
	st, err := council.CaseStatus(ctx, tenant, in.CaseRef)
	if err != nil {
		s.log.Warn("initiatives: case status", "tenant", tenant, "case", in.CaseRef, "err", err)
		return CaseStatus{}, false
	}
	switch st.State {
	case CaseReceived, CaseScheduled, CaseDecided:
	default:
		st.State = CaseReceived
	}
	return st, true
}

// Signer is one row of the signature list for the secretariat's check.
type Signer struct {
	Name     string
	PID      string
	SignedAt time.Time
	Resident bool // still a resident by the register at export time
}

// ExportSigners returns who signed initiative id, by name, for the
// secretariat's check of the list, and records the read with its purpose
// in the audit log. Errors: NotFound; Invalid (initiatives.error.invalid,
// field formal: initiatives.error.purpose_missing) without a purpose.
func (s *Service) ExportSigners(ctx context.Context, tenant, id, purpose string, actor audit.Entry) ([]Signer, error) {
	const op = errs.Op("initiatives.ExportSigners")
	purpose = cleanLine(purpose)
	if purpose == "" || len(purpose) > audit.MaxPurpose {
		return nil, errs.E(op, errs.Invalid, errs.Key("initiatives.error.invalid"), map[string]string{FieldPurpose: "initiatives.error.purpose_missing"})
	}
	if _, err := s.Get(ctx, tenant, id); err != nil {
		return nil, errs.E(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, pid, signed_at FROM initiatives_signers WHERE tenant_id = $1 AND initiative_id = $2
		ORDER BY name, pid`, tenant, id)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []Signer
	for rows.Next() {
		var sg Signer
		if err := rows.Scan(&sg.Name, &sg.PID, &sg.SignedAt); err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		out = append(out, sg)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	for i := range out {
		if out[i].Resident, err = s.reg.Resident(ctx, tenant, out[i].PID); err != nil {
			return nil, errs.E(op, err)
		}
	}
	actor.Tenant, actor.Action, actor.Object, actor.Purpose = tenant, "initiatives.signers.export", "initiative:"+id, purpose
	actor.Detail = strconv.Itoa(len(out)) + " signatures"
	if _, err := s.audit.Record(ctx, actor); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// FieldPurpose is the export form's purpose field.
const FieldPurpose = "formal"

// isUnique reports whether err is a primary key or unique violation.
func isUnique(err error) bool { return db.IsUniqueViolation(err) }
