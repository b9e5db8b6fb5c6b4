package belenios

import (
	"crypto/rand"
	"crypto/sha256"
	"io"
	"math/big"
	"strings"
	"sync"

	"filippo.io/bigmod"
)

// GroupName is the only group this package supports: the 2048-bit
// Schnorr group with a 256-bit subgroup that Belenios 2.0 uses for
// elections with homomorphic questions only (specification §5.1).
const GroupName = "BELENIOS-2048"

const (
	decP = "20694785691422546401013643657505008064922989295751104097100884787057374219242717401922237254497684338129066633138078958404960054389636289796393038773905722803605973749427671376777618898589872735865049081167099310535867780980030790491654063777173764198678527273474476341835600035698305193144284561701911000786737307333564123971732897913240474578834468260652327974647951137672658693582180046317922073668860052627186363386088796882120769432366149491002923444346373222145884100586421050242120365433561201320481118852408731077014151666200162313177169372189248078507711827842317498073276598828825169183103125680162072880719"
	decG = "2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285676155269678799694668298749389095083896573425601900601068477164491735474137283104610458681314511781646755400527402889846139864532661215055797097162016168270312886432456663834863635782106154918419982534315189740658186868651151358576410138882215396016043228843603930989333662772848406593138406010231675095763777982665103606822406635076697764025346253773085133173495194248967754052573659049492477631475991575198775177711481490920456600205478127054728238140972518639858334115700568353695553423781475582491896050296680037745308460627"
	decQ = "78571733251071885079927659812671450121821421258408794611510081919805623223441"
)

// Byte lengths of group elements (mod p) and scalars (mod q).
const (
	elemLen   = 256
	scalarLen = 32
)

var (
	// P is the group's prime modulus.
	P = mustInt(decP)
	// Q is the prime order of the subgroup.
	Q = mustInt(decQ)
	// G generates the order-Q subgroup.
	G = mustInt(decG)

	one = big.NewInt(1)

	pMod = mustModulus(P)
	qMod = mustModulus(Q)

	gTableOnce sync.Once
	gTable     *fixedBase
)

func mustInt(s string) *big.Int {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("belenios: bad constant")
	}
	return x
}

func mustModulus(x *big.Int) *bigmod.Modulus {
	m, err := bigmod.NewModulus(x.Bytes())
	if err != nil {
		panic(err)
	}
	return m
}

// gBase returns the fixed-base table of the generator, built on first use.
func gBase() *fixedBase {
	gTableOnce.Do(func() { gTable = newFixedBase(G) })
	return gTable
}

var baseCache sync.Map // decimal base → *fixedBase

// tableFor returns the fixed-base table of a public base (the election
// key), building it once per process.
func tableFor(base *big.Int) *fixedBase {
	if base.Cmp(G) == 0 {
		return gBase()
	}
	k := base.String()
	if t, ok := baseCache.Load(k); ok {
		return t.(*fixedBase)
	}
	t, _ := baseCache.LoadOrStore(k, newFixedBase(base))
	return t.(*fixedBase)
}

// IsElement reports whether x is in the order-Q subgroup: 0 < x < P and
// x^Q = 1 (mod P). Variable time: only for public values.
func IsElement(x *big.Int) bool {
	if x == nil || x.Sign() <= 0 || x.Cmp(P) >= 0 {
		return false
	}
	vb := newVarBase(x)
	defer vb.put()
	return vb.inSubgroup()
}

// isScalar reports whether 0 <= x < Q.
func isScalar(x *big.Int) bool {
	return x != nil && x.Sign() >= 0 && x.Cmp(Q) < 0
}

// fixedBase is a table for variable-time exponentiation of a fixed public
// base by exponents below 2^256, in Montgomery form (mont.go):
// tab[i][d] = base^(d * 256^i). An exponentiation is then at most 31
// Montgomery products and no squarings, against about 330 for a
// variable base. A table takes 2 MiB.
type fixedBase struct {
	tab [32][256]melem
}

func newFixedBase(base *big.Int) *fixedBase {
	f := new(fixedBase)
	b := loadElem(base)
	for i := range f.tab {
		f.tab[i][0] = mOne
		f.tab[i][1] = b
		for d := 2; d < 256; d++ {
			montMul(&f.tab[i][d], &f.tab[i][d-1], &b)
		}
		montMul(&b, &f.tab[i][255], &b)
	}
	return f
}

// mexp returns base^e in Montgomery form for 0 <= e < 2^256 (public e
// only).
func (f *fixedBase) mexp(e *big.Int) melem {
	var buf [32]byte
	e.FillBytes(buf[:])
	var r melem
	first := true
	for i := 0; i < 32; i++ {
		d := buf[31-i]
		if d == 0 {
			continue
		}
		if first {
			r = f.tab[i][d]
			first = false
			continue
		}
		montMul(&r, &r, &f.tab[i][d])
	}
	if first {
		return mOne
	}
	return r
}

// exp returns base^e mod P for 0 <= e < 2^256 (public e only).
func (f *fixedBase) exp(e *big.Int) *big.Int {
	r := f.mexp(e)
	return fromMont(&r)
}

// mulMod returns a*b mod P.
func mulMod(a, b *big.Int) *big.Int {
	z := new(big.Int).Mul(a, b)
	return z.Mod(z, P)
}

// expVT returns x^e mod P in variable time (public values only).
func expVT(x, e *big.Int) *big.Int { return new(big.Int).Exp(x, e, P) }

// invMod returns x^-1 mod P.
func invMod(x *big.Int) *big.Int { return new(big.Int).ModInverse(x, P) }

// hashToScalar is the Fiat–Shamir hash of Belenios: SHA-256 of the prefix
// followed by the decimal elements joined with commas, read big-endian and
// reduced mod Q.
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
	return x.Mod(x, Q)
}

// --- constant-time arithmetic on secrets ---------------------------------
//
// Everything that touches a secret (a trustee's private key, a voter's
// credential exponent, an encryption randomness, a plaintext vote, the
// index of the true disjunct of a proof) goes through filippo.io/bigmod,
// whose Exp, Mul, Add and Sub run in time independent of the values. The
// results are converted to math/big only once they are public (published
// ciphertexts, commitments, challenges and responses).

// secret is a scalar mod Q held in constant-time form.
type secret struct{ n *bigmod.Nat }

// randomScalar returns a uniformly random scalar mod Q (64 random bytes
// reduced mod Q: bias below 2^-256).
func randomScalar(r io.Reader) (secret, error) {
	if r == nil {
		r = rand.Reader
	}
	var buf [64]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return secret{}, err
	}
	wide, err := bigmod.NewNat().SetBytes(buf[:], wideMod)
	if err != nil {
		return secret{}, err
	}
	return secret{bigmod.NewNat().Mod(wide, qMod)}, nil
}

// wideMod is 2^512+1, a modulus only used to load 64-byte values.
var wideMod = mustModulus(new(big.Int).Add(new(big.Int).Lsh(one, 512), one))

// scalarFromBytes reduces a big-endian value below 2^256 mod Q in constant
// time.
func scalarFromBytes(b []byte) secret {
	var buf [64]byte
	copy(buf[64-len(b):], b)
	wide, err := bigmod.NewNat().SetBytes(buf[:], wideMod)
	if err != nil {
		panic(err)
	}
	return secret{bigmod.NewNat().Mod(wide, qMod)}
}

// scalarFromInt loads a public scalar.
func scalarFromInt(x *big.Int) secret {
	return scalarFromBytes(x.FillBytes(make([]byte, scalarLen)))
}

func (s secret) bytes() []byte { return s.n.Bytes(qMod) }

// public converts a scalar that is about to be published.
func (s secret) public() *big.Int { return new(big.Int).SetBytes(s.bytes()) }

func (s secret) add(t secret) secret {
	return secret{bigmod.NewNat().ExpandFor(qMod).Add(s.n, qMod).Add(t.n, qMod)}
}

func (s secret) sub(t secret) secret {
	return secret{bigmod.NewNat().ExpandFor(qMod).Add(s.n, qMod).Sub(t.n, qMod)}
}

func (s secret) mul(t secret) secret {
	x := bigmod.NewNat().ExpandFor(qMod).Add(s.n, qMod)
	return secret{x.Mul(t.n, qMod)}
}

// elemCT loads a (public) group element for constant-time use.
func elemCT(x *big.Int) *bigmod.Nat {
	n, err := bigmod.NewNat().SetBytes(x.FillBytes(make([]byte, elemLen)), pMod)
	if err != nil {
		panic(err)
	}
	return n
}

// expCT returns base^s mod P in constant time in s (and base).
func expCT(base *big.Int, s secret) *big.Int {
	r := bigmod.NewNat().Exp(elemCT(base), s.bytes(), pMod)
	return new(big.Int).SetBytes(r.Bytes(pMod))
}

// expCTNat is expCT keeping the result in constant-time form.
func expCTNat(base *big.Int, s secret) *bigmod.Nat {
	return bigmod.NewNat().Exp(elemCT(base), s.bytes(), pMod)
}

func natInt(n *bigmod.Nat) *big.Int { return new(big.Int).SetBytes(n.Bytes(pMod)) }
