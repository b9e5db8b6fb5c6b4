package belenios

import (
	"crypto/rand"
	"math/big"
	"math/bits"
	"testing"
)

func randBelow(t testing.TB, n *big.Int) *big.Int {
	x, err := rand.Int(rand.Reader, n)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// The Montgomery kernels agree with math/big on random and edge values.
func TestMontgomeryMatchesBig(t *testing.T) {
	pm1 := new(big.Int).Sub(P, one)
	edges := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), pm1, new(big.Int).Sub(P, big.NewInt(2))}
	vals := append([]*big.Int{}, edges...)
	for i := 0; i < 20; i++ {
		vals = append(vals, randBelow(t, P))
	}
	for _, x := range vals {
		xm := toMont(x)
		if got := fromMont(&xm); got.Cmp(x) != 0 {
			t.Fatalf("round trip of %v gave %v", x, got)
		}
		for _, y := range vals {
			ym := toMont(y)
			var z melem
			montMul(&z, &xm, &ym)
			want := mulMod(x, y)
			if got := fromMont(&z); got.Cmp(want) != 0 {
				t.Fatalf("product differs for %v * %v", x, y)
			}
			if x == y {
				var sq melem
				montSqr(&sq, &xm)
				if sq != z {
					t.Fatalf("square of %v differs", x)
				}
			}
			// Aliased operands.
			w := xm
			montMul(&w, &w, &ym)
			if w != z {
				t.Fatal("aliased product differs")
			}
		}
	}
	// Almost-reduced inputs (between P and 2^2048) still give the right
	// product.
	big1 := new(big.Int).Sub(new(big.Int).Lsh(one, 2048), one) // 2^2048-1 ≡ 2^2048-1-P
	var a melem
	copy(a[:], big1.Bits()) // Montgomery form of big1·2^-2048
	b := toMont(big.NewInt(3))
	var z melem
	montMul(&z, &a, &b)
	rinv := new(big.Int).ModInverse(new(big.Int).Lsh(one, 2048), P)
	want := new(big.Int).Mul(big1, rinv)
	want.Mul(want, big.NewInt(3)).Mod(want, P)
	if got := fromMont(&z); got.Cmp(want) != 0 {
		t.Fatal("product of an unreduced input differs")
	}
	montSqr(&z, &a)
	want = new(big.Int).Mul(big1, rinv)
	want.Mul(want, want).Mod(want, P)
	if got := fromMont(&z); got.Cmp(want) != 0 {
		t.Fatal("square of an unreduced input differs")
	}
	// Squares of random words, including the largest.
	for k := 0; k < 50; k++ {
		var x melem
		for i := range x {
			x[i] = big.Word(randBelow(t, new(big.Int).Lsh(one, bits.UintSize)).Uint64())
		}
		if k == 0 {
			for i := range x {
				x[i] = ^big.Word(0)
			}
		}
		var s1, s2 melem
		montMul(&s1, &x, &x)
		montSqr(&s2, &x)
		s1.reduce()
		s2.reduce()
		if s1 != s2 {
			t.Fatalf("montSqr differs from montMul on %v", x)
		}
	}
}

// Exponentiation by a variable base (shared squarings) and by the
// fixed-base tables agrees with big.Int.Exp.
func TestExpMatchesBig(t *testing.T) {
	two256 := new(big.Int).Lsh(one, 256)
	exps := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(15), big.NewInt(16), big.NewInt(255), big.NewInt(256),
		new(big.Int).Sub(Q, one), Q, new(big.Int).Sub(two256, one)}
	for i := 0; i < 10; i++ {
		exps = append(exps, randBelow(t, two256), randBelow(t, Q))
	}
	y := expVT(G, randBelow(t, Q))
	fy := newFixedBase(y)
	for _, base := range []*big.Int{G, y, randBelow(t, P), big.NewInt(1), new(big.Int).Sub(P, one)} {
		vb := newVarBase(base)
		for _, e := range exps {
			want := new(big.Int).Exp(base, e, P)
			r := vb.exp(e)
			if got := fromMont(&r); got.Cmp(want) != 0 {
				t.Fatalf("varBase %v^%v differs", base, e)
			}
		}
		vb.put()
	}
	for _, e := range exps {
		if got, want := gBase().exp(e), new(big.Int).Exp(G, e, P); got.Cmp(want) != 0 {
			t.Fatalf("g^%v differs", e)
		}
		if got, want := fy.exp(e), new(big.Int).Exp(y, e, P); got.Cmp(want) != 0 {
			t.Fatalf("y^%v differs", e)
		}
	}
}

// IsElement accepts exactly the order-Q subgroup.
func TestIsElement(t *testing.T) {
	pm1 := new(big.Int).Sub(P, one)
	cases := []struct {
		x    *big.Int
		want bool
	}{
		{G, true},
		{big.NewInt(1), true},
		{expVT(G, randBelow(t, Q)), true},
		{big.NewInt(0), false},
		{P, false},
		{new(big.Int).Add(P, one), false},
		{big.NewInt(-1), false},
		{pm1, false},            // order 2
		{mulMod(G, pm1), false}, // g times an element of order 2
		{big.NewInt(2), new(big.Int).Exp(big.NewInt(2), Q, P).Cmp(one) == 0},
	}
	for i, c := range cases {
		if got := IsElement(c.x); got != c.want {
			t.Errorf("case %d: IsElement = %v, want %v", i, got, c.want)
		}
	}
}

// BenchmarkMontMul is one Montgomery product mod the 2048-bit P.
func BenchmarkMontMul(b *testing.B) {
	x, y := toMont(randBelow(b, P)), toMont(randBelow(b, P))
	for i := 0; i < b.N; i++ {
		montMul(&x, &x, &y)
	}
}

// BenchmarkMontSqr is one Montgomery square.
func BenchmarkMontSqr(b *testing.B) {
	x := toMont(randBelow(b, P))
	for i := 0; i < b.N; i++ {
		montSqr(&x, &x)
	}
}

// BenchmarkExpBig is big.Int.Exp with a 256-bit exponent, the baseline.
func BenchmarkExpBig(b *testing.B) {
	x, e := randBelow(b, P), randBelow(b, Q)
	z := new(big.Int)
	for i := 0; i < b.N; i++ {
		z.Exp(x, e, P)
	}
}

// BenchmarkVarBase3 is three exponentiations of one base (membership and
// the two challenges of an individual proof).
func BenchmarkVarBase3(b *testing.B) {
	x, e1, e2 := randBelow(b, P), randBelow(b, Q), randBelow(b, Q)
	for i := 0; i < b.N; i++ {
		vb := newVarBase(x)
		vb.exp(Q)
		vb.exp(e1)
		vb.exp(e2)
		vb.put()
	}
}
