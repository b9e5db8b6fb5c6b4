package vote

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"filippo.io/bigmod"

	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// This file holds the few computations the web module needs that
// package belenios does not export: the check of one trustee's public
// key, a trustee's partial decryption from a private key file, and the
// combination of partial decryptions into the result. They follow the
// Belenios 2.0 specification exactly as belenios does (the records they
// produce are checked by belenios.VerifyArchive and belenios-tool).

// hashToScalar is Belenios' H: SHA-256 of prefix followed by the decimal
// elements separated by commas, as an integer mod Q.
func hashToScalar(prefix string, elems ...*big.Int) *big.Int {
	var sb strings.Builder
	sb.WriteString(prefix)
	for i, e := range elems {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(e.String())
	}
	sum := sha256.Sum256([]byte(sb.String()))
	x := new(big.Int).SetBytes(sum[:])
	return x.Mod(x, belenios.Q)
}

func isScalar(x *big.Int) bool { return x.Sign() >= 0 && x.Cmp(belenios.Q) < 0 }

// Reasons a trustee key is refused.
var (
	errKeyFormat = errors.New("not a trustee public key in canonical Belenios form")
	errKeyProof  = errors.New("the proof of knowledge of the private key does not verify")
)

// ParseTrusteeKey parses a trustee's public key file (Belenios
// trustee_public_key JSON, canonical bytes) and checks its proof of
// knowledge: whoever uploads it holds the private key.
func ParseTrusteeKey(raw []byte) (belenios.TrusteePublicKey, error) {
	raw = trimNewline(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return belenios.TrusteePublicKey{}, errKeyFormat
	}
	ts, err := belenios.ParseTrustees([]byte(`[["Single",` + string(raw) + `]]`))
	if err != nil || len(ts) != 1 || ts[0].Single == nil {
		return belenios.TrusteePublicKey{}, errKeyFormat
	}
	k := *ts[0].Single
	X, p := k.PublicKey, k.PoK
	if !belenios.IsElement(X) || !isScalar(p.Challenge) || !isScalar(p.Response) {
		return k, errKeyProof
	}
	A := new(big.Int).Exp(belenios.G, p.Response, belenios.P)
	A.Mul(A, new(big.Int).Exp(X, p.Challenge, belenios.P)).Mod(A, belenios.P)
	if hashToScalar("pok|"+belenios.GroupName+"|"+X.String()+"|", A).Cmp(p.Challenge) != 0 {
		return k, errKeyProof
	}
	return k, nil
}

// trimNewline drops one trailing newline (files saved by editors and by
// belenios-tool end with one).
func trimNewline(b []byte) []byte {
	s := strings.TrimRight(string(b), "\r\n")
	return []byte(s)
}

var (
	pMod = mustModulus(belenios.P)
	qMod = mustModulus(belenios.Q)
)

func mustModulus(x *big.Int) *bigmod.Modulus {
	m, err := bigmod.NewModulus(x.Bytes())
	if err != nil {
		panic(err)
	}
	return m
}

// PrivateKey is a Single trustee's private key, held in constant-time
// form. It exists only on the trustee's computer (torg election trustee).
type PrivateKey struct {
	x   *bigmod.Nat
	Pub *big.Int // g^x
}

// ParsePrivateKey reads a private key file as belenios-tool and
// `torg election trustee keygen` write it: a JSON string of the decimal
// exponent.
func ParsePrivateKey(raw []byte) (*PrivateKey, error) {
	s := strings.TrimSpace(string(raw))
	if len(s) < 3 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, errors.New("private key: not a JSON string of digits")
	}
	x, ok := new(big.Int).SetString(s[1:len(s)-1], 10)
	if !ok || x.Sign() <= 0 || x.Cmp(belenios.Q) >= 0 || x.String() != s[1:len(s)-1] {
		return nil, errors.New("private key: not a decimal number between 1 and Q-1")
	}
	n, err := bigmod.NewNat().SetBytes(x.FillBytes(make([]byte, (belenios.Q.BitLen()+7)/8)), qMod)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	k := &PrivateKey{x: n}
	k.Pub = k.exp(belenios.G, n)
	return k, nil
}

// exp returns base^e mod P, in time independent of e and base.
func (k *PrivateKey) exp(base *big.Int, e *bigmod.Nat) *big.Int {
	b, err := bigmod.NewNat().SetBytes(base.FillBytes(make([]byte, (belenios.P.BitLen()+7)/8)), pMod)
	if err != nil {
		panic(err) // callers pass group elements
	}
	r := bigmod.NewNat().Exp(b, e.Bytes(qMod), pMod)
	return new(big.Int).SetBytes(r.Bytes(pMod))
}

// randomScalar draws a uniform scalar mod Q (64 bytes reduced).
func randomScalar(r io.Reader) (*bigmod.Nat, error) {
	if r == nil {
		r = rand.Reader
	}
	var buf [64]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return nil, err
	}
	wide, err := bigmod.NewNat().SetBytes(buf[:], wideMod)
	if err != nil {
		return nil, err
	}
	return bigmod.NewNat().Mod(wide, qMod), nil
}

var wideMod = mustModulus(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 512), big.NewInt(1)))

// PartialDecrypt computes the trustee's decryption factors α^x of the
// encrypted tally with a proof of each (Belenios decrypt|φ|X| proofs),
// phi being the election fingerprint. The key is used in constant time.
func (k *PrivateKey) PartialDecrypt(phi string, tally [][]belenios.Ciphertext, rnd io.Reader) (*belenios.PartialDecryption, error) {
	prefix := "decrypt|" + phi + "|" + k.Pub.String() + "|"
	pd := &belenios.PartialDecryption{Factors: make([][]*big.Int, len(tally)), Proofs: make([][]belenios.Proof, len(tally))}
	for i, q := range tally {
		pd.Factors[i] = []*big.Int{}
		pd.Proofs[i] = []belenios.Proof{}
		for _, c := range q {
			if !belenios.IsElement(c.Alpha) {
				return nil, errors.New("the encrypted tally holds a value outside the group")
			}
			f := k.exp(c.Alpha, k.x)
			w, err := randomScalar(rnd)
			if err != nil {
				return nil, err
			}
			A, B := k.exp(belenios.G, w), k.exp(c.Alpha, w)
			ch := hashToScalar(prefix, A, B)
			chn, err := bigmod.NewNat().SetBytes(ch.FillBytes(make([]byte, 32)), qMod)
			if err != nil {
				return nil, err
			}
			xc := bigmod.NewNat().ExpandFor(qMod).Add(k.x, qMod)
			xc.Mul(chn, qMod)
			resp := bigmod.NewNat().ExpandFor(qMod).Add(w, qMod).Sub(xc, qMod)
			pd.Factors[i] = append(pd.Factors[i], f)
			pd.Proofs[i] = append(pd.Proofs[i], belenios.Proof{Challenge: ch, Response: new(big.Int).SetBytes(resp.Bytes(qMod))})
		}
	}
	return pd, nil
}

// combine decrypts the tally with the partial decryptions (in trustee
// order), each factor raised to its Lagrange coefficient when lambdas is
// not nil (a threshold election), and solves each g^m for m in 0..max.
func combine(tally [][]belenios.Ciphertext, pds []*belenios.PartialDecryption, lambdas []*big.Int, max int64) ([][]int64, error) {
	out := make([][]int64, len(tally))
	for i, q := range tally {
		out[i] = make([]int64, len(q))
		for j, c := range q {
			F := big.NewInt(1)
			for k, pd := range pds {
				if i >= len(pd.Factors) || j >= len(pd.Factors[i]) {
					return nil, errors.New("partial decryption has the wrong shape")
				}
				f := pd.Factors[i][j]
				if lambdas != nil {
					f = new(big.Int).Exp(f, lambdas[k], belenios.P)
				}
				F.Mul(F, f).Mod(F, belenios.P)
			}
			inv := new(big.Int).ModInverse(F, belenios.P)
			if inv == nil {
				return nil, errors.New("decryption factor is not invertible")
			}
			gm := new(big.Int).Mul(c.Beta, inv)
			gm.Mod(gm, belenios.P)
			acc := big.NewInt(1)
			m := int64(0)
			for ; m <= max && acc.Cmp(gm) != 0; m++ {
				acc.Mul(acc, belenios.G).Mod(acc, belenios.P)
			}
			if m > max {
				return nil, fmt.Errorf("question %d choice %d: no count from 0 to %d decrypts", i+1, j+1, max)
			}
			out[i][j] = m
		}
	}
	return out, nil
}

// eventHash is the SHA-256 hex of an event's canonical JSON, its name in
// the record and the link of the hash chain.
func eventHash(ev belenios.Event) string {
	s := sha256.Sum256(ev.Marshal())
	return fmt.Sprintf("%x", s[:])
}

// dataHash is the SHA-256 hex of a member's bytes.
func dataHash(b []byte) string {
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s[:])
}
