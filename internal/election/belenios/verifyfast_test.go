package belenios

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
)

// smallSim is a 3-voter election (one question, 4 answers) with its
// verifier, as VerifyArchive builds it.
func smallSim(t testing.TB) (*Simulation, *verifier, [][]byte) {
	t.Helper()
	sim, err := Simulate(Options{Voters: 3, Trustees: 2})
	if err != nil {
		t.Fatal(err)
	}
	v, err := setup(sim.Archive, &Report{})
	if err != nil {
		t.Fatal(err)
	}
	var raws [][]byte
	for _, ev := range sim.Archive.Events {
		if ev.Type == EvBallot {
			raws = append(raws, sim.Archive.Data[ev.Payload])
		}
	}
	return sim, v, raws
}

// elementOfOrder returns an element of order k in Z_P^* (k divides P-1).
func elementOfOrder(t *testing.T, k int64) *big.Int {
	e := new(big.Int).Sub(P, one)
	if new(big.Int).Mod(e, big.NewInt(k)).Sign() != 0 {
		t.Fatalf("%d does not divide P-1", k)
	}
	e.Div(e, big.NewInt(k))
	for h := int64(2); ; h++ {
		w := new(big.Int).Exp(big.NewInt(h), e, P)
		if w.Cmp(one) != 0 {
			return w
		}
	}
}

// Every ciphertext's membership is checked exactly, also for elements
// that differ from a subgroup element by a factor of small order (2 or 3,
// both divide (P-1)/Q), which a batched membership test could miss.
func TestBallotCiphertextOutsideSubgroup(t *testing.T) {
	sim, v, raws := smallSim(t)
	tests := []struct {
		name string
		edit func(c *Ciphertext)
	}{
		{"alpha times an element of order 2", func(c *Ciphertext) { c.Alpha = mulMod(c.Alpha, elementOfOrder(t, 2)) }},
		{"beta times an element of order 3", func(c *Ciphertext) { c.Beta = mulMod(c.Beta, elementOfOrder(t, 3)) }},
		{"alpha = 0", func(c *Ciphertext) { c.Alpha = big.NewInt(0) }},
		{"beta = P", func(c *Ciphertext) { c.Beta = new(big.Int).Set(P) }},
		{"beta = P + 1", func(c *Ciphertext) { c.Beta = new(big.Int).Add(P, one) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ParseBallot(raws[0])
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(&b.Answers[0].Choices[2])
			raw := resign(t, b, credentialOf(t, sim, b))
			for _, r := range [][]byte{raw, nil} {
				e := v.checkBallot(b, 7, r, b.Credential.String())
				if e == nil || e.Check != CheckBallotProof || e.Height != 7 || !strings.Contains(e.Msg, "question 1 choice 3: ciphertext not in the group") {
					t.Fatalf("got %v, want the membership failure of choice 3", e)
				}
			}
		})
	}
	// The untouched ballots pass, with and without their bytes.
	for i, raw := range raws {
		b, err := ParseBallot(raw)
		if err != nil {
			t.Fatal(err)
		}
		if e := v.checkBallot(b, i+1, raw, b.Credential.String()); e != nil {
			t.Errorf("ballot %d: %v", i, e)
		}
		if e := v.verifyBallot(b, i+1); e != nil {
			t.Errorf("ballot %d without bytes: %v", i, e)
		}
	}
}

// The signed part cut from a ballot's bytes is exactly its re-encoding
// without the signature, and bytes that do not end with the ballot's own
// signature are not used.
func TestUnsignedFromRaw(t *testing.T) {
	_, _, raws := smallSim(t)
	for _, raw := range raws {
		b, err := ParseBallot(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := unsignedFromRaw(b, raw); !bytes.Equal(got, b.marshalUnsigned()) {
			t.Fatalf("cut %q, want %q", got, b.marshalUnsigned())
		}
		other := *b
		other.Signature.Hash = "x" + b.Signature.Hash
		if got := unsignedFromRaw(&other, raw); got != nil {
			t.Fatal("bytes of another signature used")
		}
		if got := unsignedFromRaw(b, raw[len(raw)-10:]); got != nil {
			t.Fatal("short bytes used")
		}
	}
}

// A proof that fails still fails through the shared powers (the
// challenge sum is off by one).
func TestDisjunctionRejectsWrongResponse(t *testing.T) {
	sim, v, raws := smallSim(t)
	b, err := ParseBallot(raws[1])
	if err != nil {
		t.Fatal(err)
	}
	p := &b.Answers[0].IndividualProofs[3][1]
	p.Response = new(big.Int).Mod(new(big.Int).Add(p.Response, one), Q)
	raw := resign(t, b, credentialOf(t, sim, b))
	e := v.checkBallot(b, 2, raw, b.Credential.String())
	if e == nil || e.Check != CheckBallotProof || !strings.Contains(e.Msg, "question 1 choice 4: individual proof") {
		t.Fatalf("got %v", e)
	}
}

// BenchmarkVerifyBallot is the check of one ballot (1 question, 4
// answers: signature, 8 membership tests, 4 individual proofs and the
// overall proof) on one core.
func BenchmarkVerifyBallot(b *testing.B) {
	_, v, raws := smallSim(b)
	ballots := make([]*Ballot, len(raws))
	for i, raw := range raws {
		var err error
		if ballots[i], err = ParseBallot(raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		k := i % len(raws)
		if e := v.checkBallot(ballots[k], k+1, raws[k], ballots[k].Credential.String()); e != nil {
			b.Fatal(e)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/op")
}
