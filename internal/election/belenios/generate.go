package belenios

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// This file creates the secret-bearing parts of an election: credentials,
// trustee keys, ballots and partial decryptions. Where a value depends on
// a secret (a credential exponent, a private key, an encryption
// randomness, the vote itself, or which disjunct of a proof is the true
// one), the arithmetic is constant time (filippo.io/bigmod, crypto/subtle
// selections). The simulated disjuncts of an OR-proof are computed for
// every disjunct, the true one included, from fresh random values that are
// either published or thrown away, so the variable-time math/big used
// there cannot leak which disjunct is true.

// Base58 is the Belenios alphabet for uuids, credentials and seeds.
const Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func randBase58(r io.Reader, n int) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	out := make([]byte, 0, n)
	var b [1]byte
	for len(out) < n {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return "", err
		}
		if b[0] < 232 { // 4·58: no modulo bias
			out = append(out, Base58[b[0]%58])
		}
	}
	return string(out), nil
}

// NewUUID returns a fresh election id: 14 Base58 characters.
func NewUUID(r io.Reader) (string, error) { return randBase58(r, 14) }

// Credential is a voter's credential: the secret the voter keeps and the
// public credential published in the record.
type Credential struct {
	Secret string   // XXX-XXX-XXX-XXX-XXX
	Public *big.Int // g^s
	s      secret
}

// NewCredential draws a fresh secret credential for the election uuid
// and derives its public credential.
func NewCredential(uuid string, r io.Reader) (*Credential, error) {
	body, err := randBase58(r, 14)
	if err != nil {
		return nil, err
	}
	n := new(big.Int)
	for i := 0; i < len(body); i++ {
		n.Mul(n, big.NewInt(58))
		n.Add(n, big.NewInt(int64(strings.IndexByte(Base58, body[i]))))
	}
	check := 53 - new(big.Int).Mod(n, big.NewInt(53)).Int64()
	raw := body + string(Base58[check])
	dashed := raw[0:3] + "-" + raw[3:6] + "-" + raw[6:9] + "-" + raw[9:12] + "-" + raw[12:15]
	return DeriveCredential(uuid, dashed)
}

// DeriveCredential derives the public credential from a secret one as
// Belenios does: s = PBKDF2-HMAC-SHA256(cred, uuid, 1000, 32) mod Q,
// public = g^s. The string is used exactly as given.
func DeriveCredential(uuid, cred string) (*Credential, error) {
	if err := checkCredential(cred); err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, cred, []byte(uuid), 1000, 32)
	if err != nil {
		return nil, err
	}
	s := scalarFromBytes(key)
	return &Credential{Secret: cred, Public: expCT(G, s), s: s}, nil
}

// checkCredential validates the format and checksum of a secret credential.
func checkCredential(cred string) error {
	raw := strings.ReplaceAll(cred, "-", "")
	if len(raw) != 15 || (len(cred) != 15 && len(cred) != 19) {
		return errors.New("credential must be 15 Base58 characters")
	}
	n := new(big.Int)
	for i := 0; i < 15; i++ {
		d := strings.IndexByte(Base58, raw[i])
		if d < 0 {
			return errors.New("credential has a character outside Base58")
		}
		if i == 14 {
			if int64(d) != 53-new(big.Int).Mod(n, big.NewInt(53)).Int64() {
				return errors.New("credential checksum does not match")
			}
			break
		}
		n.Mul(n, big.NewInt(58))
		n.Add(n, big.NewInt(int64(d)))
	}
	return nil
}

// TrusteeKey is a decryption key: a Single trustee's key, or one member's
// share of a Pedersen key.
type TrusteeKey struct {
	Public TrusteePublicKey
	x      secret
}

// NewTrusteeKey draws a Single trustee key with its proof of knowledge.
func NewTrusteeKey(r io.Reader) (*TrusteeKey, error) {
	x, err := randomScalar(r)
	if err != nil {
		return nil, err
	}
	return trusteeKeyFrom(x, r)
}

func trusteeKeyFrom(x secret, r io.Reader) (*TrusteeKey, error) {
	X := expCT(G, x)
	pok, err := schnorr(r, x, func(A *big.Int) *big.Int {
		return hashToScalar("pok|"+GroupName+"|"+X.String()+"|", A)
	})
	if err != nil {
		return nil, err
	}
	return &TrusteeKey{Public: TrusteePublicKey{PoK: pok, PublicKey: X}, x: x}, nil
}

// PrivateKeyJSON is the key in belenios-tool's ID.privkey form.
func (k *TrusteeKey) PrivateKeyJSON() string { return `"` + k.x.public().String() + `"` }

// schnorr proves knowledge of x with commitment g^w and the challenge
// function ch; response = w − x·c mod Q, all in constant time.
func schnorr(r io.Reader, x secret, ch func(A *big.Int) *big.Int) (Proof, error) {
	w, err := randomScalar(r)
	if err != nil {
		return Proof{}, err
	}
	A := expCT(G, w)
	c := ch(A)
	resp := w.sub(x.mul(scalarFromInt(c)))
	return Proof{Challenge: c, Response: resp.public()}, nil
}

// ctSelect copies src into dst when on == 1, in constant time.
func ctSelect(on int, dst, src []byte) { subtle.ConstantTimeCopy(on, dst, src) }

// proveDisjunction proves that one of the statements (α_j, β_j) encrypts
// g^(M_j) under y, the true one being index real (secret) with randomness
// witness (secret). The challenge is H(prefix ‖ A0,B0,A1,B1,…).
func proveDisjunction(rnd io.Reader, prefix string, st []stmt, real int, witness secret, y *big.Int) ([]Proof, error) {
	k := len(st)
	w, err := randomScalar(rnd)
	if err != nil {
		return nil, err
	}
	aReal := expCTNat(G, w).Bytes(pMod)
	bReal := expCTNat(y, w).Bytes(pMod)
	chal := make([][]byte, k)
	resp := make([][]byte, k)
	comm := make([]*big.Int, 0, 2*k)
	gInv := invMod(G)
	yTab := tableFor(y)
	others := secret{}
	zero := make([]byte, scalarLen)
	for j := 0; j < k; j++ {
		c, err := randomScalar(rnd)
		if err != nil {
			return nil, err
		}
		s, err := randomScalar(rnd)
		if err != nil {
			return nil, err
		}
		ci, si := c.public(), s.public()
		A := mulMod(gBase().exp(si), expVT(st[j].alpha, ci))
		bm := mulMod(st[j].beta, expVT(gInv, big.NewInt(st[j].m)))
		B := mulMod(yTab.exp(si), expVT(bm, ci))
		isReal := subtle.ConstantTimeEq(int32(j), int32(real))
		ab := A.FillBytes(make([]byte, elemLen))
		bb := B.FillBytes(make([]byte, elemLen))
		ctSelect(isReal, ab, aReal)
		ctSelect(isReal, bb, bReal)
		comm = append(comm, new(big.Int).SetBytes(ab), new(big.Int).SetBytes(bb))
		chal[j] = c.bytes()
		resp[j] = s.bytes()
		// Sum of the simulated challenges: add 0 for the true disjunct.
		add := append([]byte(nil), chal[j]...)
		ctSelect(isReal, add, zero)
		if j == 0 {
			others = scalarFromBytes(add)
		} else {
			others = others.add(scalarFromBytes(add))
		}
	}
	h := scalarFromInt(hashToScalar(prefix, comm...))
	cReal := h.sub(others)
	sReal := w.sub(witness.mul(cReal))
	crb, srb := cReal.bytes(), sReal.bytes()
	out := make([]Proof, k)
	for j := 0; j < k; j++ {
		isReal := subtle.ConstantTimeEq(int32(j), int32(real))
		ctSelect(isReal, chal[j], crb)
		ctSelect(isReal, resp[j], srb)
		out[j] = Proof{new(big.Int).SetBytes(chal[j]), new(big.Int).SetBytes(resp[j])}
	}
	return out, nil
}

// selectSecret returns a when on == 1, else b, in constant time.
func selectSecret(on int, a, b secret) secret {
	out := b.bytes()
	ctSelect(on, out, a.bytes())
	return scalarFromBytes(out)
}

// CheckPlaintext reports whether a plaintext vote (one 0/1 array per
// question, the blank flag first on blank-allowed questions) is valid for
// the election.
func CheckPlaintext(el *Election, votes [][]int) error {
	if len(votes) != len(el.Questions) {
		return fmt.Errorf("%d answers for %d questions", len(votes), len(el.Questions))
	}
	for qi, q := range el.Questions {
		v := votes[qi]
		n := len(q.Answers)
		if q.Blank {
			n++
		}
		if len(v) != n {
			return fmt.Errorf("question %d: %d choices, want %d", qi+1, len(v), n)
		}
		sum := 0
		for _, m := range v {
			if m != 0 && m != 1 {
				return fmt.Errorf("question %d: choices must be 0 or 1", qi+1)
			}
			sum += m
		}
		if q.Blank && v[0] == 1 {
			if sum != 1 {
				return fmt.Errorf("question %d: a blank vote selects nothing else", qi+1)
			}
			continue
		}
		if q.Blank {
			sum -= v[0]
		}
		if sum < q.Min || sum > q.Max {
			return fmt.Errorf("question %d: %d selected, want %d to %d", qi+1, sum, q.Min, q.Max)
		}
	}
	return nil
}

// CreateBallot encrypts a plaintext vote for the election (whose exact
// stored bytes are elRaw) and signs it with the voter's credential.
func CreateBallot(elRaw []byte, el *Election, cred *Credential, votes [][]int, rnd io.Reader) (*Ballot, error) {
	if err := CheckPlaintext(el, votes); err != nil {
		return nil, err
	}
	y := el.PublicKey
	phi := Fingerprint(elRaw)
	s0 := phi + "|" + cred.Public.String()
	b := &Ballot{ElectionUUID: el.UUID, ElectionHash: phi, Credential: cred.Public}
	for qi, q := range el.Questions {
		v := votes[qi]
		var a Answer
		rs := make([]secret, len(v))
		var sb strings.Builder
		sb.WriteString(s0 + "|")
		for j, m := range v {
			r, err := randomScalar(rnd)
			if err != nil {
				return nil, err
			}
			rs[j] = r
			alpha := expCT(G, r)
			gm := expCTNat(G, scalarFromBytes([]byte{byte(m)}))
			beta := natInt(expCTNat(y, r).Mul(gm, pMod))
			a.Choices = append(a.Choices, Ciphertext{alpha, beta})
			as, bs := alpha.String(), beta.String()
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(as + "," + bs)
			st := []stmt{{alpha, beta, 0}, {alpha, beta, 1}}
			p, err := proveDisjunction(rnd, "prove|"+s0+"|"+as+","+bs+"|", st, m, r, y)
			if err != nil {
				return nil, err
			}
			a.IndividualProofs = append(a.IndividualProofs, p)
		}
		S := sb.String()
		first := 0
		if q.Blank {
			first = 1
		}
		sa, sbeta := big.NewInt(1), big.NewInt(1)
		var rSum secret
		mSum := 0
		for j := first; j < len(v); j++ {
			sa = mulMod(sa, a.Choices[j].Alpha)
			sbeta = mulMod(sbeta, a.Choices[j].Beta)
			if j == first {
				rSum = rs[j]
			} else {
				rSum = rSum.add(rs[j])
			}
			mSum += v[j]
		}
		if !q.Blank {
			var st []stmt
			for m := q.Min; m <= q.Max; m++ {
				st = append(st, stmt{sa, sbeta, int64(m)})
			}
			p, err := proveDisjunction(rnd, "prove|"+S+"|"+sa.String()+","+sbeta.String()+"|", st, mSum-q.Min, rSum, y)
			if err != nil {
				return nil, err
			}
			a.OverallProof = p
			b.Answers = append(b.Answers, a)
			continue
		}
		blank := v[0] // 1 for a blank vote (secret)
		c0 := a.Choices[0]
		bp, err := proveDisjunction(rnd, "bproof0|"+S+"|", []stmt{{c0.Alpha, c0.Beta, 0}, {sa, sbeta, 0}},
			blank, selectSecret(blank, rSum, rs[0]), y)
		if err != nil {
			return nil, err
		}
		st := []stmt{{c0.Alpha, c0.Beta, 1}}
		for m := q.Min; m <= q.Max; m++ {
			st = append(st, stmt{sa, sbeta, int64(m)})
		}
		// True disjunct: 0 for a blank vote, else 1 + mΣ − min.
		real := (1 - blank) * (1 + mSum - q.Min)
		op, err := proveDisjunction(rnd, "bproof1|"+S+"|", st, real, selectSecret(blank, rs[0], rSum), y)
		if err != nil {
			return nil, err
		}
		a.BlankProof, a.OverallProof = bp, op
		b.Answers = append(b.Answers, a)
	}
	hash := Fingerprint(b.marshalUnsigned())
	sig, err := schnorr(rnd, cred.s, func(A *big.Int) *big.Int { return hashToScalar("sig|"+hash+"|", A) })
	if err != nil {
		return nil, err
	}
	b.Signature = Signature{Hash: hash, Proof: sig}
	return b, nil
}

// PartialDecrypt computes the trustee's decryption factors α^x of the
// tally with their proofs, in constant time in the key.
func (k *TrusteeKey) PartialDecrypt(phi string, tally [][]Ciphertext, rnd io.Reader) (*PartialDecryption, error) {
	X := k.Public.PublicKey
	prefix := "decrypt|" + phi + "|" + X.String() + "|"
	pd := &PartialDecryption{Factors: make([][]*big.Int, len(tally)), Proofs: make([][]Proof, len(tally))}
	for i, q := range tally {
		for _, c := range q {
			f := expCT(c.Alpha, k.x)
			w, err := randomScalar(rnd)
			if err != nil {
				return nil, err
			}
			A, B := expCT(G, w), expCT(c.Alpha, w)
			ch := hashToScalar(prefix, A, B)
			resp := w.sub(k.x.mul(scalarFromInt(ch)))
			pd.Factors[i] = append(pd.Factors[i], f)
			pd.Proofs[i] = append(pd.Proofs[i], Proof{ch, resp.public()})
		}
	}
	return pd, nil
}

// ComputeTally multiplies the ballots' ciphertexts, each raised to its
// weight: the encrypted tally of those ballots (which must already be
// last(B), one per credential).
func ComputeTally(el *Election, ballots []*Ballot, weights []int64) [][]Ciphertext {
	v := &verifier{el: el}
	return v.computeTally(ballots, weights)
}
