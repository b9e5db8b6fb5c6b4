package belenios

import (
	"fmt"
	"math/big"
	"os"
	"syscall"
	"testing"
)

// BenchmarkVerify verifies the record in $TORG_BENCH_RECORD (a folder or
// .bel file), e.g. one made by `torg election simulate`.
func BenchmarkVerify(b *testing.B) {
	path := os.Getenv("TORG_BENCH_RECORD")
	if path == "" {
		b.Skip("set TORG_BENCH_RECORD to a record")
	}
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := Verify(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkCountAndDecrypt times counting (the homomorphic product of N
// ballots) and decryption (3 trustees' partial decryptions with proofs,
// their combination and the discrete logarithms) for N = 100,000 ballots
// of one question with 4 answers (TORG_BENCH_BALLOTS overrides N). The
// ballots' ciphertexts are valid encryptions re-randomised from a pool
// (their proofs play no part in counting and are not made).
func BenchmarkCountAndDecrypt(b *testing.B) {
	n := 100_000
	if s := os.Getenv("TORG_BENCH_BALLOTS"); s != "" {
		fmt.Sscan(s, &n)
	}
	var keys []*TrusteeKey
	y := big.NewInt(1)
	for i := 0; i < 3; i++ {
		k, err := NewTrusteeKey(nil)
		if err != nil {
			b.Fatal(err)
		}
		keys = append(keys, k)
		y = mulMod(y, k.Public.PublicKey)
	}
	el := &Election{Version: 1, Name: "bench", Group: GroupName, PublicKey: y, UUID: "benchbenchbench",
		Questions: []Question{{Answers: []string{"A", "B", "C", "D"}, Min: 1, Max: 1, Question: "Q"}}}
	phi := Fingerprint(el.Marshal())
	yt := newFixedBase(y)
	enc := func(m int64) Ciphertext {
		r, _ := randomScalar(nil)
		ri := r.public()
		return Ciphertext{gBase().exp(ri), mulMod(yt.exp(ri), expVT(G, big.NewInt(m)))}
	}
	// Pools: one encryption of each vote, and re-randomisers (g^s, y^s).
	var votes [4][4]Ciphertext
	for v := 0; v < 4; v++ {
		for j := 0; j < 4; j++ {
			m := int64(0)
			if j == v {
				m = 1
			}
			votes[v][j] = enc(m)
		}
	}
	rer := make([]Ciphertext, 251)
	for i := range rer {
		rer[i] = enc(0)
	}
	ballots := make([]*Ballot, n)
	weights := make([]int64, n)
	want := []int64{0, 0, 0, 0}
	for i := range ballots {
		v := i % 4
		want[v]++
		cs := make([]Ciphertext, 4)
		for j := range cs {
			z := rer[(i*4+j)%len(rer)]
			cs[j] = Ciphertext{mulMod(votes[v][j].Alpha, z.Alpha), mulMod(votes[v][j].Beta, z.Beta)}
		}
		ballots[i] = &Ballot{Answers: []Answer{{Choices: cs}}}
		weights[i] = 1
	}
	trustees := []Trustee{{Single: &keys[0].Public}, {Single: &keys[1].Public}, {Single: &keys[2].Public}}
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for it := 0; it < b.N; it++ {
		tally := ComputeTally(el, ballots, weights)
		pds := map[int]*PartialDecryption{}
		for i, k := range keys {
			pd, err := k.PartialDecrypt(phi, tally, nil)
			if err != nil {
				b.Fatal(err)
			}
			pds[i+1] = pd
		}
		v := &verifier{el: el, trustees: trustees}
		res, msg := v.decrypt(tally, pds, int64(n))
		if msg != "" {
			b.Fatal(msg)
		}
		if fmt.Sprint(res[0]) != fmt.Sprint(want) {
			b.Fatalf("result %v, want %v", res[0], want)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// cpuSeconds is the process's user+system CPU time: on a shared machine it
// says how much work was done, where wall time also counts waiting.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
