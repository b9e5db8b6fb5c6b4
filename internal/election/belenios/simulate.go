package belenios

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure Simulate.
type Options struct {
	Voters    int        // number of voters, each casting one ballot
	Trustees  int        // Single trustees, or Pedersen members with Threshold
	Threshold int        // 0: Trustees Single keys; t: a server Single key plus t-of-Trustees Pedersen
	Blank     bool       // allow blank votes on the default question (and cast some)
	Revotes   int        // this many voters vote again; only their last ballot counts
	Questions []Question // default: one question, 4 answers, exactly one to choose
	Name      string     // election name; default "Simulated election"
	Timestamp int64      // archive header time; default now
	// Rand is the source of all cryptographic randomness (crypto/rand when
	// nil); it must be safe for concurrent use. The plaintext votes are
	// drawn from VoteSeed instead, so a test can repeat them.
	Rand     io.Reader
	VoteSeed uint64
}

// Simulation is a finished simulated election.
type Simulation struct {
	Archive     *Archive
	Election    *Election
	UUID        string
	Expected    [][]int64 // plaintext totals of the counted ballots
	Credentials []*Credential
	Keys        []*TrusteeKey // decryption keys by trustee id - 1
}

// Simulate runs a whole election in memory: setup (credentials, trustee
// keys), voting (with revotes), tally, partial decryptions and result,
// producing a canonical Belenios 2.0 record. It fails if its own count
// does not match the plaintext votes.
func Simulate(o Options) (*Simulation, error) {
	if o.Voters < 1 || o.Trustees < 1 || o.Revotes < 0 || o.Revotes > o.Voters {
		return nil, errors.New("need at least one voter and one trustee, and at most one revote per voter")
	}
	if o.Threshold < 0 || o.Threshold > o.Trustees {
		return nil, fmt.Errorf("threshold %d of %d trustees is not possible", o.Threshold, o.Trustees)
	}
	rnd := o.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	if o.Timestamp == 0 {
		o.Timestamp = time.Now().Unix()
	}
	if o.Name == "" {
		o.Name = "Simulated election"
	}
	qs := o.Questions
	if qs == nil {
		qs = []Question{{Answers: []string{"Proposal A", "Proposal B", "Proposal C", "Proposal D"}, Blank: o.Blank, Min: 1, Max: 1, Question: "Which proposal do you support?"}}
	}
	uuid, err := NewUUID(rnd)
	if err != nil {
		return nil, err
	}
	sim := &Simulation{UUID: uuid}

	// Trustees.
	var trustees []Trustee
	y := big.NewInt(1)
	nSingle := o.Trustees
	if o.Threshold > 0 {
		nSingle = 1 // the server's mandatory key
	}
	for i := 0; i < nSingle; i++ {
		k, err := NewTrusteeKey(rnd)
		if err != nil {
			return nil, err
		}
		trustees = append(trustees, Trustee{Single: &k.Public})
		sim.Keys = append(sim.Keys, k)
		y = mulMod(y, k.Public.PublicKey)
	}
	var pg *PedersenGroup
	if o.Threshold > 0 {
		if pg, err = NewPedersenGroup(o.Trustees, o.Threshold, rnd); err != nil {
			return nil, err
		}
		trustees = append(trustees, Trustee{Pedersen: &pg.Params})
		sim.Keys = append(sim.Keys, pg.Members...)
		y = mulMod(y, pg.PublicKey())
	}

	el := &Election{Version: 1, Description: "Simulated by torg election simulate", Name: o.Name, Group: GroupName,
		PublicKey: y, Questions: qs, UUID: uuid}
	elRaw := el.Marshal()
	sim.Election = el

	// Credentials, in parallel (PBKDF2 and g^s each).
	creds := make([]*Credential, o.Voters)
	var credErr error
	var mu sync.Mutex
	parallel(o.Voters, func(i int) {
		c, err := NewCredential(uuid, rnd)
		if err != nil {
			mu.Lock()
			credErr = err
			mu.Unlock()
			return
		}
		creds[i] = c
	})
	if credErr != nil {
		return nil, credErr
	}
	sim.Credentials = creds
	pubs := make([]*big.Int, len(creds))
	for i, c := range creds {
		pubs[i] = c.Public
	}
	sort.Slice(pubs, func(i, j int) bool { return pubs[i].Cmp(pubs[j]) < 0 })
	credStrs := make([]string, len(pubs))
	for i, p := range pubs {
		credStrs[i] = p.String()
	}

	a := NewArchive(o.Timestamp)
	sd := SetupData{Election: a.AddData(elRaw), Trustees: a.AddData(MarshalTrustees(trustees)), Credentials: a.AddData(MarshalCredentials(credStrs))}
	a.AddEvent(EvSetup, a.AddData(sd.Marshal()))

	// Votes: voter i, then the first Revotes voters again.
	vr := mrand.New(mrand.NewPCG(o.VoteSeed, 0x62656c656e696f73))
	type cast struct {
		voter int
		votes [][]int
	}
	var casts []cast
	for i := 0; i < o.Voters; i++ {
		casts = append(casts, cast{i, randomVote(vr, qs)})
	}
	for i := 0; i < o.Revotes; i++ {
		casts = append(casts, cast{i, randomVote(vr, qs)})
	}
	ballots := make([]*Ballot, len(casts))
	var ballotErr error
	parallel(len(casts), func(k int) {
		b, err := CreateBallot(elRaw, el, creds[casts[k].voter], casts[k].votes, rnd)
		if err != nil {
			mu.Lock()
			ballotErr = err
			mu.Unlock()
			return
		}
		ballots[k] = b
	})
	if ballotErr != nil {
		return nil, ballotErr
	}
	for _, b := range ballots {
		a.AddEvent(EvBallot, a.AddData(b.Marshal()))
	}
	a.AddEvent(EvEndBallots, "")

	// Expected totals: the last vote of each voter.
	last := map[int][][]int{}
	for _, c := range casts {
		last[c.voter] = c.votes
	}
	sim.Expected = make([][]int64, len(qs))
	for qi, q := range qs {
		n := len(q.Answers)
		if q.Blank {
			n++
		}
		sim.Expected[qi] = make([]int64, n)
		for _, v := range last {
			for j, m := range v[qi] {
				sim.Expected[qi][j] += int64(m)
			}
		}
	}

	// Tally over last(B), in order of first appearance.
	lastIdx := map[int]int{}
	var order []int
	for k, c := range casts {
		if _, ok := lastIdx[c.voter]; !ok {
			order = append(order, c.voter)
		}
		lastIdx[c.voter] = k
	}
	var tallied []*Ballot
	var weights []int64
	for _, voter := range order {
		tallied = append(tallied, ballots[lastIdx[voter]])
		weights = append(weights, 1)
	}
	tally := ComputeTally(el, tallied, weights)
	tallyHash := a.AddData(MarshalTally(tally))
	st := SizedTally{NumTallied: len(tallied), TotalWeight: int64(len(tallied)), Tally: tallyHash}
	a.AddEvent(EvEncryptedTally, a.AddData(st.Marshal()))

	// Partial decryptions: every Single; for Pedersen the last t members.
	phi := Fingerprint(elRaw)
	var owners []int
	for i := 0; i < nSingle; i++ {
		owners = append(owners, i+1)
	}
	if pg != nil {
		for j := o.Trustees - o.Threshold; j < o.Trustees; j++ {
			owners = append(owners, nSingle+j+1)
		}
	}
	pds := map[int]*PartialDecryption{}
	for _, id := range owners {
		pd, err := sim.Keys[id-1].PartialDecrypt(phi, tally, rnd)
		if err != nil {
			return nil, err
		}
		pds[id] = pd
		ow := Owned{Owner: id, Payload: a.AddData(pd.Marshal())}
		a.AddEvent(EvPartialDecryption, a.AddData(ow.Marshal()))
	}
	v := &verifier{el: el, trustees: trustees}
	result, msg := v.decrypt(tally, pds, st.TotalWeight)
	if msg != "" {
		return nil, errors.New("simulate: " + msg)
	}
	if string(MarshalResult(result)) != string(MarshalResult(sim.Expected)) {
		return nil, fmt.Errorf("simulate: decrypted %v, expected %v", result, sim.Expected)
	}
	a.AddEvent(EvResult, a.AddData(MarshalResult(result)))
	sim.Archive = a
	return sim, nil
}

// randomVote draws a valid plaintext: for a blank-allowed question one in
// ten votes is blank; otherwise between min and max distinct answers.
func randomVote(r *mrand.Rand, qs []Question) [][]int {
	out := make([][]int, len(qs))
	for qi, q := range qs {
		n := len(q.Answers)
		off := 0
		if q.Blank {
			off = 1
		}
		v := make([]int, n+off)
		if q.Blank && r.IntN(10) == 0 {
			v[0] = 1
			out[qi] = v
			continue
		}
		k := q.Min + r.IntN(q.Max-q.Min+1)
		for _, j := range r.Perm(n)[:k] {
			v[off+j] = 1
		}
		out[qi] = v
	}
	return out
}

// Write stores the record as DIR/UUID.bel and the expected totals as
// DIR/expected.json ({"result":[…]}, the form of the record's result).
func (s *Simulation) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.bel"))
	if len(old) > 0 {
		return "", fmt.Errorf("%s already holds %s", dir, strings.Join(old, ", "))
	}
	file := filepath.Join(dir, s.UUID+".bel")
	if err := os.WriteFile(file, s.Archive.Bytes(), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "expected.json"), append(MarshalResult(s.Expected), '\n'), 0o644); err != nil {
		return "", err
	}
	return file, nil
}
