package belenios

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/big"
)

// PedersenGroup is the outcome of a simulated Pedersen key generation
// among n trustees with threshold t: the public parameters for the
// trustees list and each member's decryption key (its share S_j).
//
// The simulation runs every trustee's part in one process and so skips
// the encrypted channel messages (polynomial, vinput, voutput) that real
// trustees exchange through the server; only the public parameters, which
// are all that the election record holds, are produced exactly as
// belenios-tool's step 6 would.
type PedersenGroup struct {
	Params  ThresholdParams
	Members []*TrusteeKey
}

// pkiKeys derives a trustee's PKI keys from its 22-character seed:
// sk = SHA256hex("sk|"‖seed), dk = SHA256hex("dk|"‖seed) as integers.
func pkiKeys(seed string) (sk, dk secret) {
	h1 := sha256.Sum256([]byte("sk|" + seed))
	h2 := sha256.Sum256([]byte("dk|" + seed))
	return scalarFromBytes(h1[:]), scalarFromBytes(h2[:])
}

// signMsg signs a PKI message (prefix sigmsg).
func signMsg(rnd io.Reader, sk secret, msg string) (SignedMsg, error) {
	p, err := schnorr(rnd, sk, func(A *big.Int) *big.Int { return hashToScalar("sigmsg|"+msg+"|", A) })
	return SignedMsg{msg, p}, err
}

// NewPedersenGroup simulates the threshold key generation of n trustees of
// whom any t can decrypt.
func NewPedersenGroup(n, t int, rnd io.Reader) (*PedersenGroup, error) {
	if n < 1 || t < 1 || t > n {
		return nil, fmt.Errorf("threshold %d of %d trustees is not possible", t, n)
	}
	pg := &PedersenGroup{Params: ThresholdParams{Threshold: t}}
	sks := make([]secret, n)
	for i := 0; i < n; i++ {
		seed, err := randBase58(rnd, 22)
		if err != nil {
			return nil, err
		}
		sk, dk := pkiKeys(seed)
		sks[i] = sk
		var e enc
		e.raw(`{"verification":`)
		e.num(expCT(G, sk))
		e.raw(`,"encryption":`)
		e.num(expCT(G, dk))
		e.raw("}")
		cert, err := signMsg(rnd, sk, string(e.b))
		if err != nil {
			return nil, err
		}
		pg.Params.Certs = append(pg.Params.Certs, cert)
	}
	// Each trustee i draws f_i of degree t-1 and publishes g^(a_ik).
	shares := make([]secret, n) // S_j = Σ_i f_i(j)
	for i := 0; i < n; i++ {
		coef := make([]secret, t)
		var e enc
		e.raw(`{"coefexps":[`)
		for k := range coef {
			a, err := randomScalar(rnd)
			if err != nil {
				return nil, err
			}
			coef[k] = a
			if k > 0 {
				e.raw(",")
			}
			e.num(expCT(G, a))
		}
		e.raw("]}")
		ce, err := signMsg(rnd, sks[i], string(e.b))
		if err != nil {
			return nil, err
		}
		pg.Params.Coefexps = append(pg.Params.Coefexps, ce)
		for j := 1; j <= n; j++ {
			// Horner: f_i(j) = (((a_t-1)·j + a_t-2)·j + …) + a_0
			jj := scalarFromInt(big.NewInt(int64(j)))
			f := coef[t-1]
			for k := t - 2; k >= 0; k-- {
				f = f.mul(jj).add(coef[k])
			}
			if i == 0 {
				shares[j-1] = f
			} else {
				shares[j-1] = shares[j-1].add(f)
			}
		}
	}
	for j := 0; j < n; j++ {
		k, err := trusteeKeyFrom(shares[j], rnd)
		if err != nil {
			return nil, err
		}
		pg.Members = append(pg.Members, k)
		pg.Params.VerificationKeys = append(pg.Params.VerificationKeys, k.Public)
	}
	return pg, nil
}

// PublicKey is the group's contribution to the election key: Π_i g^(a_i0).
func (pg *PedersenGroup) PublicKey() *big.Int {
	y := big.NewInt(1)
	for _, m := range pg.Params.Coefexps {
		// The messages were written by NewPedersenGroup: parse back.
		var ce struct {
			Coefexps []string `json:"coefexps"`
		}
		if err := strictUnmarshal([]byte(m.Message), &ce); err != nil {
			panic(err)
		}
		a0, _ := dec(ce.Coefexps[0])
		y = mulMod(y, a0)
	}
	return y
}
