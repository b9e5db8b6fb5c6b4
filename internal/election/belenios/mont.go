package belenios

import (
	"math/big"
	"math/bits"
	"sync"
	_ "unsafe" // for go:linkname to math/big's vector arithmetic
)

// Variable-time Montgomery arithmetic mod P for verification (public
// values only: nothing here may see a secret).
//
// math/big keeps its Montgomery multiplication private, and a modular
// product through Mul and Mod costs about twice as much. The word-vector
// kernels below are the assembly routines math/big itself uses; Go keeps
// them reachable by linkname on purpose ("Do not remove or change the
// type signature", go.dev/issue/67401).

//go:linkname addMulVVW math/big.addMulVVW
//go:noescape
func addMulVVW(z, x []big.Word, y big.Word) (c big.Word)

//go:linkname subVV math/big.subVV
//go:noescape
func subVV(z, x, y []big.Word) (c big.Word)

//go:linkname shlVU math/big.shlVU
//go:noescape
func shlVU(z, x []big.Word, s uint) (c big.Word)

// nw is the number of machine words of a value mod P.
const nw = 2048 / bits.UintSize

// melem is a value mod P in Montgomery form, x·2^2048 mod P, as
// little-endian words. Products are "almost" reduced: below 2^2048 but
// not always below P; reduce and fromMont give the canonical value.
type melem [nw]big.Word

var (
	pWords melem    // P
	pK     big.Word // -P^-1 mod 2^W
	rrMod  melem    // 2^4096 mod P, to enter Montgomery form
	plain1 melem    // the plain number 1, to leave Montgomery form
	mOne   melem    // 1 in Montgomery form (2^2048 mod P)
)

func init() {
	copy(pWords[:], P.Bits())
	// Newton iteration for P^-1 mod 2^W (P is odd).
	inv := pWords[0]
	for i := 0; i < 6; i++ {
		inv *= 2 - pWords[0]*inv
	}
	pK = -inv
	r := new(big.Int).Lsh(one, 2048)
	copy(mOne[:], new(big.Int).Mod(r, P).Bits())
	copy(rrMod[:], new(big.Int).Mod(new(big.Int).Mul(r, r), P).Bits())
	plain1[0] = 1
}

// montMul sets z = x·y/2^2048 mod P (almost reduced). z may alias x or y.
// Inputs below 2^2048 give an output below 2^2048.
func montMul(z, x, y *melem) {
	var t [2 * nw]big.Word
	var c big.Word
	for i := 0; i < nw; i++ {
		c2 := addMulVVW(t[i:nw+i], x[:], y[i])
		m := t[i] * pK
		c3 := addMulVVW(t[i:nw+i], pWords[:], m)
		cx := c + c2
		cy := cx + c3
		t[nw+i] = cy
		if cx < c2 || cy < c3 {
			c = 1
		} else {
			c = 0
		}
	}
	if c != 0 {
		subVV(z[:], t[nw:], pWords[:])
	} else {
		copy(z[:], t[nw:])
	}
}

// montSqr sets z = x·x/2^2048 mod P (almost reduced), like montMul(z, x,
// x) but with each cross product computed once: about 1,600 word
// products instead of 2,048. z may alias x.
func montSqr(z, x *melem) {
	var t [2 * nw]big.Word
	// Cross products x[i]·x[j], i < j.
	for i := 0; i < nw-1; i++ {
		t[i+nw] = addMulVVW(t[2*i+1:i+nw], x[i+1:], x[i])
	}
	// Double them and add the squares x[i]².
	shlVU(t[:], t[:], 1)
	var c uint
	for i := 0; i < nw; i++ {
		hi, lo := bits.Mul(uint(x[i]), uint(x[i]))
		var c1 uint
		lo, c1 = bits.Add(uint(t[2*i]), lo, c)
		hi, c = bits.Add(uint(t[2*i+1]), hi, c1)
		t[2*i], t[2*i+1] = big.Word(lo), big.Word(hi)
	}
	// Montgomery reduction, word by word.
	var carry uint
	for i := 0; i < nw; i++ {
		m := t[i] * pK
		cw := addMulVVW(t[i:i+nw], pWords[:], m)
		s, c1 := bits.Add(uint(t[i+nw]), uint(cw), 0)
		s, c2 := bits.Add(s, carry, 0)
		t[i+nw] = big.Word(s)
		carry = c1 + c2
	}
	if carry != 0 {
		subVV(z[:], t[nw:], pWords[:])
	} else {
		copy(z[:], t[nw:])
	}
}

// reduce makes z canonical (below P).
func (z *melem) reduce() {
	for i := nw - 1; i >= 0; i-- {
		if z[i] != pWords[i] {
			if z[i] > pWords[i] {
				subVV(z[:], z[:], pWords[:])
			}
			return
		}
	}
	*z = melem{} // z == P
}

// isOne reports whether z is 1 (in Montgomery form).
func (z *melem) isOne() bool {
	w := *z
	w.reduce()
	return w == mOne
}

// toMont returns x in Montgomery form; x must be in [0, 2^2048).
func toMont(x *big.Int) melem {
	var a, z melem
	copy(a[:], x.Bits())
	montMul(&z, &a, &rrMod)
	return z
}

// fromMont returns the canonical value of z.
func fromMont(z *melem) *big.Int {
	var w melem
	montMul(&w, z, &plain1)
	w.reduce()
	words := make([]big.Word, nw)
	copy(words, w[:])
	return new(big.Int).SetBits(words)
}

// loadElem returns x mod P in Montgomery form, for any x >= 0 (values
// outside [0, P) occur only in records that fail a membership check).
func loadElem(x *big.Int) melem {
	if x.Sign() < 0 || x.Cmp(P) >= 0 {
		x = new(big.Int).Mod(x, P)
	}
	return toMont(x)
}

// expDigits is the number of 4-bit digits of an exponent below 2^256.
const expDigits = 64

// varBase holds x^(16^i) for i < 64: the squarings of a variable base,
// shared by every exponent of that base (Yao's method). A first
// exponentiation costs 252 squarings plus about 75 products; each further
// one only the products, against about 330 for a separate exponentiation.
type varBase struct{ pw [expDigits]melem }

var varBasePool = sync.Pool{New: func() any { return new(varBase) }}

// newVarBase returns the powers of x (any x >= 0, taken mod P) from a
// pool; release it with put.
func newVarBase(x *big.Int) *varBase {
	vb := varBasePool.Get().(*varBase)
	vb.pw[0] = loadElem(x)
	for i := 1; i < expDigits; i++ {
		p := &vb.pw[i]
		montSqr(p, &vb.pw[i-1])
		montSqr(p, p)
		montSqr(p, p)
		montSqr(p, p)
	}
	return vb
}

func (vb *varBase) put() { varBasePool.Put(vb) }

// digits4 splits e (0 <= e < 2^256) into 64 little-endian 4-bit digits.
func digits4(e *big.Int) (d [expDigits]uint8) {
	words := e.Bits()
	for i := range d {
		bit := 4 * i
		w := bit / bits.UintSize
		if w < len(words) {
			d[i] = uint8(words[w]>>(bit%bits.UintSize)) & 15
		}
	}
	return d
}

// exp returns x^e in Montgomery form, for 0 <= e < 2^256: bucket[d] is
// the product of the powers whose digit is d, and the result
// Π bucket[d]^d is formed by running products from d = 15 down to 1.
func (vb *varBase) exp(e *big.Int) melem {
	if e.BitLen() > 4*expDigits {
		panic("belenios: exponent too large")
	}
	dig := digits4(e)
	var bucket [16]melem
	var used [16]bool
	for i, d := range dig {
		if d == 0 {
			continue
		}
		if used[d] {
			montMul(&bucket[d], &bucket[d], &vb.pw[i])
		} else {
			bucket[d] = vb.pw[i]
			used[d] = true
		}
	}
	var acc, r melem
	haveAcc, haveR := false, false
	for d := 15; d >= 1; d-- {
		if used[d] {
			if haveAcc {
				montMul(&acc, &acc, &bucket[d])
			} else {
				acc, haveAcc = bucket[d], true
			}
		}
		if haveAcc {
			if haveR {
				montMul(&r, &r, &acc)
			} else {
				r, haveR = acc, true
			}
		}
	}
	if !haveR {
		return mOne
	}
	return r
}

// inSubgroup reports whether the powers are of an element of the order-Q
// subgroup (the caller has checked 0 < x < P): x^Q = 1.
func (vb *varBase) inSubgroup() bool {
	r := vb.exp(Q)
	return r.isOne()
}
