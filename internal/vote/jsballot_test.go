package vote

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/torg-ekommune/torg/internal/browsertest"
	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// jsEnv is headless Chromium on an empty page with static/ballot.js
// loaded, as the voting page loads it.
type jsEnv struct {
	b *browsertest.Browser
}

func newJSEnv(t *testing.T) *jsEnv {
	t.Helper()
	b := browsertest.New(t, browsertest.WithTimeout(8*time.Minute))
	b.Navigate(t, "about:blank")
	if err := chromedp.Do(b.Ctx(), chromedp.Evaluate[chromedp.Void](string(ballotJS))); err != nil {
		t.Fatalf("loading ballot.js: %v", err)
	}
	return &jsEnv{b}
}

// jsEval evaluates a JavaScript expression in the browser of j.
func jsEval[T any](j *jsEnv, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(j.b.Ctx(), 2*time.Minute)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

func jsJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// createBallot makes a ballot in the browser.
func (j *jsEnv) createBallot(t *testing.T, elRaw []byte, cred string, votes [][]int) (string, error) {
	t.Helper()
	return jsEval[string](j, `TorgBallot.createBallot(`+jsJSON(t, string(elRaw))+`, `+jsJSON(t, cred)+`, `+jsJSON(t, votes)+`)`)
}

// TestBallotJSPrimitives checks the script's SHA-256, PBKDF2 and
// credential derivation against Go's.
func TestBallotJSPrimitives(t *testing.T) {
	j := newJSEnv(t)
	for _, n := range []int{0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100000} {
		msg := []byte(strings.Repeat("æ|0,9ø", n))[:n]
		in := make([]int, len(msg))
		for i, c := range msg {
			in[i] = int(c)
		}
		var got []byte
		arr, err := jsEval[[]int](j, `Array.from(TorgBallot.sha256(new Uint8Array(`+jsJSON(t, in)+`)))`)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range arr {
			got = append(got, byte(v))
		}
		if want := sha256.Sum256(msg); string(got) != string(want[:]) {
			t.Fatalf("sha256 of %d bytes: %x, want %x", n, got, want)
		}
	}
	arr, err := jsEval[[]int](j, `Array.from(TorgBallot.pbkdf2SHA256(new TextEncoder().encode("pass ord"), new TextEncoder().encode("salt"), 1000))`)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := pbkdf2.Key(sha256.New, "pass ord", []byte("salt"), 1000, 32)
	for i := range want {
		if len(arr) != 32 || byte(arr[i]) != want[i] {
			t.Fatalf("pbkdf2: %v, want %x", arr, want)
		}
	}
	for i := 0; i < 3; i++ {
		uuid, _ := belenios.NewUUID(nil)
		c, err := belenios.NewCredential(uuid, nil)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := jsEval[string](j, `TorgBallot.deriveCredential(`+jsJSON(t, uuid)+`, `+jsJSON(t, c.Secret)+`).public.toString()`)
		if err != nil {
			t.Fatal(err)
		}
		if pub != c.Public.String() {
			t.Fatalf("credential %s: public %s, want %s", c.Secret, pub, c.Public)
		}
	}
}

// jsElection is an election made by the Go simulator for the script to
// vote in, with its setup members to check ballots against.
type jsElection struct {
	sim   *belenios.Simulation
	elRaw []byte
	setup []string // payload hash of the Setup event, then the members it names
}

func newJSElection(t *testing.T, qs []belenios.Question) *jsElection {
	t.Helper()
	sim, err := belenios.Simulate(belenios.Options{Voters: 1, Trustees: 1, Questions: qs, Name: "Prøve «JS»"})
	if err != nil {
		t.Fatal(err)
	}
	payload := sim.Archive.Events[0].Payload
	sd, err := belenios.ParseSetupData(sim.Archive.Data[payload])
	if err != nil {
		t.Fatal(err)
	}
	return &jsElection{sim: sim, elRaw: sim.Archive.Data[sd.Election], setup: []string{payload, sd.Election, sd.Trustees, sd.Credentials}}
}

// archive returns the election's record: the Setup event and the ballots.
func (e *jsElection) archive(ballots ...[]byte) *belenios.Archive {
	a := belenios.NewArchive(e.sim.Archive.Timestamp)
	for _, h := range e.setup {
		a.Data[h] = e.sim.Archive.Data[h]
	}
	a.AddEvent(belenios.EvSetup, e.setup[0])
	for _, b := range ballots {
		a.AddEvent(belenios.EvBallot, a.AddData(b))
	}
	return a
}

// decrypt returns the plaintext of each choice of a ballot, with the
// (single) trustee's key.
func (e *jsElection) decrypt(t *testing.T, b *belenios.Ballot) [][]int {
	t.Helper()
	var cts [][]belenios.Ciphertext
	for _, a := range b.Answers {
		cts = append(cts, a.Choices)
	}
	pd, err := e.sim.Keys[0].PartialDecrypt(belenios.Fingerprint(e.elRaw), cts, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]int, len(cts))
	for i, q := range cts {
		for j, c := range q {
			gm := new(big.Int).ModInverse(pd.Factors[i][j], belenios.P)
			gm.Mul(gm, c.Beta).Mod(gm, belenios.P)
			switch {
			case gm.Cmp(big.NewInt(1)) == 0:
				out[i] = append(out[i], 0)
			case gm.Cmp(belenios.G) == 0:
				out[i] = append(out[i], 1)
			default:
				t.Fatalf("question %d choice %d decrypts to neither 0 nor 1", i, j)
			}
		}
	}
	return out
}

// TestBallotJS makes ballots with ballot.js in Chromium for elections of
// several shapes and checks each as the server checks a cast ballot (the
// Go verifier: canonical form, signature, every proof), decrypts it to
// the chosen plaintext, and has belenios-tool verify the record of all of
// them. A ballot the script made but that was changed afterwards is
// refused, and the script refuses a vote the question does not allow.
func TestBallotJS(t *testing.T) {
	j := newJSEnv(t)
	cases := []struct {
		name  string
		qs    []belenios.Question
		votes [][][]int
		bad   [][][]int // plaintexts the script must refuse
	}{
		{"yes/no", []belenios.Question{{Question: "Ja eller nei?", Answers: []string{"Ja", "Nei"}, Min: 1, Max: 1}},
			[][][]int{{{1, 0}}, {{0, 1}}}, [][][]int{{{1, 1}}, {{0, 0}}, {{0, 1, 0}}, {{2, 0}}}},
		{"yes/no with blank", []belenios.Question{{Question: "Skal skulen på Øvre Å leggjast ned?", Answers: []string{"Ja", "Nei"}, Blank: true, Min: 1, Max: 1}},
			[][][]int{{{0, 1, 0}}, {{0, 0, 1}}, {{1, 0, 0}}}, [][][]int{{{1, 1, 0}}, {{0, 0, 0}}, {{0, 1}}}},
		{"four answers, one or two", []belenios.Question{{Question: "Kva for tiltak?", Answers: []string{"A", "B", "C", "D"}, Min: 1, Max: 2}},
			[][][]int{{{1, 0, 0, 0}}, {{0, 1, 0, 1}}, {{0, 0, 1, 0}}}, [][][]int{{{1, 1, 1, 0}}}},
		{"two questions, blank on one", []belenios.Question{
			{Question: "Første", Answers: []string{"A", "B", "C"}, Blank: true, Min: 1, Max: 2},
			{Question: "Andre", Answers: []string{"X", "Y"}, Min: 0, Max: 1}},
			[][][]int{{{0, 1, 1, 0}, {0, 0}}, {{1, 0, 0, 0}, {0, 1}}, {{0, 0, 0, 1}, {1, 0}}}, [][][]int{{{1, 1, 0, 0}, {0, 0}}, {{0, 1, 0, 0}}}},
	}
	tool, toolErr := exec.LookPath("belenios-tool")
	if toolErr != nil && os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
		t.Fatal("belenios-tool required (TORG_REQUIRE_BELENIOS=1)")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newJSElection(t, c.qs)
			cred := e.sim.Credentials[0].Secret
			var all [][]byte
			for _, v := range c.votes {
				raw, err := j.createBallot(t, e.elRaw, cred, v)
				if err != nil {
					t.Fatalf("vote %v: %v", v, err)
				}
				b, err := belenios.ParseBallot([]byte(raw))
				if err != nil {
					t.Fatalf("vote %v: %v\n%s", v, err, raw)
				}
				if string(b.Marshal()) != raw {
					t.Fatalf("vote %v: not canonical:\n%s\n%s", v, raw, b.Marshal())
				}
				if _, err := belenios.VerifyArchive(e.archive([]byte(raw))); err != nil {
					t.Fatalf("vote %v: the verifier refuses the ballot: %v", v, err)
				}
				if got := e.decrypt(t, b); jsJSON(t, got) != jsJSON(t, v) {
					t.Fatalf("ballot for %v decrypts to %v", v, got)
				}
				all = append(all, []byte(raw))

				// Changed after the script made it: refused.
				for _, tamper := range []func(*belenios.Ballot){
					func(b *belenios.Ballot) { // another ciphertext
						a := b.Answers[0].Choices[0].Alpha
						b.Answers[0].Choices[0].Alpha = new(big.Int).Mod(new(big.Int).Mul(a, belenios.G), belenios.P)
					},
					func(b *belenios.Ballot) { // swap two choices
						ch := b.Answers[0].Choices
						ch[0], ch[1] = ch[1], ch[0]
					},
					func(b *belenios.Ballot) { // another proof response
						p := &b.Answers[0].OverallProof[0]
						p.Response = new(big.Int).Mod(new(big.Int).Add(p.Response, big.NewInt(1)), belenios.Q)
					},
				} {
					tb, _ := belenios.ParseBallot([]byte(raw))
					tamper(tb)
					_, err := belenios.VerifyArchive(e.archive(tb.Marshal()))
					var ce *belenios.CheckError
					if !errors.As(err, &ce) {
						t.Fatalf("vote %v: a changed ballot is not refused (%v)", v, err)
					}
				}
			}
			for _, v := range c.bad {
				if _, err := j.createBallot(t, e.elRaw, cred, v); err == nil {
					t.Fatalf("the script made a ballot for %v", v)
				}
			}
			// The record with every ballot (the same voter voting again).
			a := e.archive(all...)
			if _, err := belenios.VerifyArchive(a); err != nil {
				t.Fatal(err)
			}
			if toolErr != nil {
				t.Log("belenios-tool not installed: record not checked by it")
				return
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, e.sim.UUID+".bel"), a.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(tool, "election", "verify", "--dir", dir).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "all checks passed") {
				t.Fatalf("belenios-tool: %v\n%s", err, out)
			}
		})
	}

	// How long the script takes in this Chromium, for a referendum
	// ballot: PBKDF2, encryption, proofs and signature. "fresh" is the
	// first ballot on a newly loaded page, as a voter makes it; "warm" a
	// later one on the same page.
	median := func(ms []float64) string {
		sort.Float64s(ms)
		return fmt.Sprintf("median %.0f ms of %d (min %.0f, max %.0f)", ms[len(ms)/2], len(ms), ms[0], ms[len(ms)-1])
	}
	for _, c := range cases[:2] {
		e := newJSElection(t, c.qs)
		expr := `(() => { const t0 = performance.now(); TorgBallot.createBallot(` + jsJSON(t, string(e.elRaw)) + `, ` +
			jsJSON(t, e.sim.Credentials[0].Secret) + `, ` + jsJSON(t, c.votes[0]) + `); return performance.now() - t0; })()`
		var fresh, warm []float64
		for i := 0; i < 7; i++ {
			j.b.Navigate(t, "about:blank")
			if _, err := jsEval[bool](j, string(ballotJS)+";true"); err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 3; k++ {
				d, err := jsEval[float64](j, expr)
				if err != nil {
					t.Fatal(err)
				}
				if k == 0 {
					fresh = append(fresh, d)
				} else {
					warm = append(warm, d)
				}
			}
		}
		t.Logf("ballot.js in Chromium, %s: fresh page %s; warm %s", c.name, median(fresh), median(warm))
	}
}
