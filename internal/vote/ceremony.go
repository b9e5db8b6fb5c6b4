package vote

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/errs"
)

// The steps of the threshold key ceremony a trustee uploads a file for
// (Service.SubmitStep), and the waits between them (CeremonyStep).
const (
	StepCert        = "cert"       // step 1: the certificate
	StepPolynomial  = "polynomial" // step 3: the polynomial
	StepVoutput     = "voutput"    // step 5: the voutput
	StepWaitCerts   = "wait_certs" // the others' certificates (or more trustees) are missing
	StepWaitPolys   = "wait_polynomials"
	StepWaitVoutput = "wait_voutputs"
	StepDone        = "done"
)

// Form fields of the ceremony's uploads: the file (field+"_fil") or
// pasted text, and which step it is for.
const (
	FieldCeremony = "innhald"
	FieldStep     = "steg"
)

var stepOrder = map[string]int{StepCert: 1, StepWaitCerts: 2, StepPolynomial: 3, StepWaitPolys: 4, StepVoutput: 5, StepWaitVoutput: 6, StepDone: 7}

// CeremonyStep returns the step due for trustee me of a threshold
// election with threshold t and trustees ts (in order).
func CeremonyStep(t int, ts []*Trustee, me *Trustee) string {
	all := func(f func(*Trustee) bool) bool {
		for _, x := range ts {
			if !f(x) {
				return false
			}
		}
		return true
	}
	switch {
	case me.Cert == "":
		return StepCert
	case len(ts) < 2 || len(ts) < t || !all(func(x *Trustee) bool { return x.Cert != "" }):
		return StepWaitCerts
	case me.Polynomial == "":
		return StepPolynomial
	case !all(func(x *Trustee) bool { return x.Polynomial != "" }):
		return StepWaitPolys
	case me.Voutput == "":
		return StepVoutput
	case !all(func(x *Trustee) bool { return x.Voutput != "" }):
		return StepWaitVoutput
	}
	return StepDone
}

// CeremonyDone reports whether every round of the key ceremony is
// complete.
func CeremonyDone(t int, ts []*Trustee) bool {
	if len(ts) < 2 || len(ts) < t {
		return false
	}
	for _, x := range ts {
		if CeremonyStep(t, ts, x) != StepDone {
			return false
		}
	}
	return true
}

// SubmitStep checks and stores a threshold trustee's file for step (one
// of StepCert, StepPolynomial, StepVoutput; setup only). A file for a
// step that is not the trustee's next one is refused with a message that
// says why.
func (s *Service) SubmitStep(ctx context.Context, tenant, uuid, token, step string, raw []byte) error {
	const op = errs.Op("vote.SubmitStep")
	me, err := s.TrusteeByToken(ctx, tenant, uuid, token)
	if err != nil {
		return err
	}
	if _, ok := stepOrder[step]; !ok || strings.HasPrefix(step, "wait") || step == StepDone {
		return errs.E(op, errs.Invalid, errs.Key("vote.error.step_unknown"))
	}
	bad := func(key string, cause error) error {
		return errs.E(op, errs.Invalid, errs.Key(key), map[string]string{FieldCeremony: key}, cause)
	}
	return wrap(op, s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockState(ctx, tx, op, tenant, uuid, StateSetup)
		if err != nil {
			return err
		}
		if e.Threshold == 0 {
			return errs.E(op, errs.Conflict, errs.Key("vote.error.not_threshold"))
		}
		ts, err := s.trustees(ctx, tx.QueryContext, tenant, uuid)
		if err != nil {
			return err
		}
		pos := -1
		for i, t := range ts {
			if t.Index == me.Index {
				pos = i
			}
		}
		if pos < 0 {
			return errs.E(op, errs.NotFound, errs.Key("vote.error.not_found"))
		}
		due := CeremonyStep(e.Threshold, ts, ts[pos])
		if due != step {
			switch {
			case stepOrder[due] > stepOrder[step]:
				return errs.E(op, errs.Conflict, errs.Key("vote.error.step_done"))
			case due == StepWaitCerts && len(ts) < e.Threshold:
				return errs.E(op, errs.Conflict, errs.Key("vote.error.threshold_over"), []any{e.Threshold, len(ts)})
			case strings.HasPrefix(due, "wait"):
				return errs.E(op, errs.Conflict, errs.Key("vote.error.step_wait"))
			default:
				return errs.E(op, errs.Conflict, errs.Key("vote.error.step_early"))
			}
		}
		var col, canon, detail string
		switch step {
		case StepCert:
			c, err := ParseCert(raw)
			switch {
			case errors.Is(err, errCeremonyFormat):
				return bad("vote.error.cert_format", err)
			case err != nil:
				return bad("vote.error.cert_proof", err)
			}
			for _, t := range ts {
				if t.Cert == "" {
					continue
				}
				if o, err := ParseCert([]byte(t.Cert)); err == nil && (o.VK.Cmp(c.VK) == 0 || o.EK.Cmp(c.EK) == 0) {
					return bad("vote.error.cert_duplicate", nil)
				}
			}
			col, canon, detail = "cert", c.Raw, "uploaded a certificate (step 1)"
		case StepPolynomial:
			certs, err := certsOf(ts)
			if err != nil {
				return err
			}
			p, err := CheckPolynomial(raw, certs[pos], len(ts), e.Threshold)
			switch {
			case errors.Is(err, errCeremonyFormat):
				return bad("vote.error.polynomial_format", err)
			case err != nil:
				return bad("vote.error.polynomial_proof", err)
			}
			col, canon, detail = "polynomial", p.marshal(), "uploaded a polynomial (step 3)"
		case StepVoutput:
			polys, err := polynomialsOf(ts, e.Threshold)
			if err != nil {
				return err
			}
			_, err = CheckVoutput(raw, coefexpsOf(polys), pos+1)
			switch {
			case errors.Is(err, errCeremonyFormat):
				return bad("vote.error.voutput_format", err)
			case err != nil:
				return bad("vote.error.voutput_proof", err)
			}
			col, canon, detail = "voutput", string(trimNewline(raw)), "uploaded a voutput (step 5)"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vote_trustees SET `+col+` = $4 WHERE tenant_id = $1 AND uuid = $2 AND idx = $3`,
			tenant, uuid, me.Index, canon); err != nil {
			return err
		}
		return s.log(ctx, tx, tenant, audit.Entry{ActorID: "trustee:" + strconv.Itoa(me.Index), ActorName: me.Name, Role: "trustee"},
			"vote.trustee_"+step, uuid, "trustee "+strconv.Itoa(me.Index)+" "+detail)
	}))
}

func certsOf(ts []*Trustee) ([]*Cert, error) {
	out := make([]*Cert, len(ts))
	for i, t := range ts {
		c, err := ParseCert([]byte(t.Cert))
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func polynomialsOf(ts []*Trustee, threshold int) ([]*Polynomial, error) {
	certs, err := certsOf(ts)
	if err != nil {
		return nil, err
	}
	out := make([]*Polynomial, len(ts))
	for i, t := range ts {
		if out[i], err = CheckPolynomial([]byte(t.Polynomial), certs[i], len(ts), threshold); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func coefexpsOf(polys []*Polynomial) [][]*big.Int {
	A := make([][]*big.Int, len(polys))
	for i, p := range polys {
		A[i] = p.A
	}
	return A
}

// CertsFile returns the certificates file of step 3 and 5 (one a line,
// in trustee order), once every trustee has uploaded one.
func (s *Service) CertsFile(ctx context.Context, tenant, uuid string) ([]byte, error) {
	ts, err := s.Trustees(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, t := range ts {
		if t.Cert == "" {
			return nil, errs.E(errs.Op("vote.CertsFile"), errs.NotFound, errs.Key("vote.error.step_wait"))
		}
		b.WriteString(t.Cert + "\n")
	}
	if len(ts) == 0 {
		return nil, errs.E(errs.Op("vote.CertsFile"), errs.NotFound, errs.Key("vote.error.step_wait"))
	}
	return []byte(b.String()), nil
}

// Vinput returns the vinput of step 5 for the trustee with token (step
// 4: the server routes each polynomial's share to its recipient), once
// every trustee has uploaded a polynomial.
func (s *Service) Vinput(ctx context.Context, tenant, uuid, token string) ([]byte, error) {
	const op = errs.Op("vote.Vinput")
	me, err := s.TrusteeByToken(ctx, tenant, uuid, token)
	if err != nil {
		return nil, err
	}
	e, err := s.Get(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	ts, err := s.Trustees(ctx, tenant, uuid)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Polynomial == "" {
			return nil, errs.E(op, errs.NotFound, errs.Key("vote.error.step_wait"))
		}
	}
	polys, err := polynomialsOf(ts, e.Threshold)
	if err != nil {
		return nil, errs.E(op, err)
	}
	for i, t := range ts {
		if t.Index == me.Index {
			return append(MakeVinput(polys, i+1), '\n'), nil
		}
	}
	return nil, errs.E(op, errs.NotFound, errs.Key("vote.error.not_found"))
}

type thresholdSetup struct {
	params *belenios.ThresholdParams
	y      *big.Int
}

// thresholdParams assembles step 6: the Pedersen block of the trustees
// list and its part of the election key, after checking every file again.
func thresholdParams(op errs.Op, threshold int, ts []*Trustee) (*thresholdSetup, error) {
	if len(ts) < 2 {
		return nil, errs.E(op, errs.Invalid, errs.Key("vote.error.threshold_trustees"))
	}
	if threshold > len(ts) {
		return nil, errs.E(op, errs.Invalid, errs.Key("vote.error.threshold_over"), []any{threshold, len(ts)})
	}
	for _, t := range ts {
		if t.Voutput == "" {
			return nil, errs.E(op, errs.Invalid, errs.Key("vote.error.ceremony_missing"), []any{t.Name})
		}
	}
	certs, err := certsOf(ts)
	if err != nil {
		return nil, err
	}
	polys, err := polynomialsOf(ts, threshold)
	if err != nil {
		return nil, err
	}
	A := coefexpsOf(polys)
	tp := &belenios.ThresholdParams{Threshold: threshold}
	y := big.NewInt(1)
	for i, t := range ts {
		k, err := CheckVoutput([]byte(t.Voutput), A, i+1)
		if err != nil {
			return nil, err
		}
		tp.Certs = append(tp.Certs, signedOf(certs[i].Raw))
		tp.Coefexps = append(tp.Coefexps, polys[i].Coefexps)
		tp.VerificationKeys = append(tp.VerificationKeys, k)
		y.Mul(y, A[i][0]).Mod(y, belenios.P)
	}
	return &thresholdSetup{params: tp, y: y}, nil
}

// signedOf parses a signed message already checked.
func signedOf(raw string) belenios.SignedMsg {
	var sm rawSignedJ
	_ = strict([]byte(raw), &sm)
	m, _ := sm.conv()
	return m
}

// lagrangeAt returns λ_δ for the 1-based index set I, mod Q.
func lagrangeAt(I []int, delta int) *big.Int {
	num, den := big.NewInt(1), big.NewInt(1)
	for _, k := range I {
		if k == delta {
			continue
		}
		num.Mul(num, big.NewInt(int64(k)))
		den.Mul(den, big.NewInt(int64(k-delta)))
	}
	den.Mod(den, belenios.Q)
	l := new(big.Int).Mul(num, new(big.Int).ModInverse(den, belenios.Q))
	return l.Mod(l, belenios.Q)
}
