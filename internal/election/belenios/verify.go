package belenios

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Names of the checks Verify performs, as reported in CheckError.Check.
const (
	CheckArchive          = "archive"            // tar layout, member names, canonical file
	CheckChain            = "hash-chain"         // parent hashes and heights of events
	CheckEventOrder       = "event-order"        // Setup, Ballot*, EndBallots, EncryptedTally, PartialDecryption*, Result
	CheckElection         = "election"           // election.json well-formed and supported
	CheckTrustees         = "trustee-keys"       // proofs of the trustees' keys (Single and Pedersen)
	CheckElectionKey      = "election-key"       // public key = product of the trustees' keys
	CheckCredentials      = "credentials"        // public credentials well-formed, distinct, in the group
	CheckBallotCanonical  = "ballot-canonical"   // ballot bytes are its canonical JSON
	CheckBallotElection   = "ballot-election"    // ballot is for this election (uuid, fingerprint)
	CheckBallotCredential = "ballot-credential"  // ballot's credential is an eligible public credential
	CheckBallotReplay     = "ballot-replay"      // the same ballot recorded twice
	CheckBallotSignature  = "ballot-signature"   // signature hash and Schnorr proof
	CheckBallotProof      = "ballot-proof"       // ciphertexts in the group and every zero-knowledge proof
	CheckTally            = "encrypted-tally"    // encrypted tally = product of the last ballot per credential
	CheckDecryption       = "partial-decryption" // decryption factors and their proofs
	CheckResult           = "result"             // result = decryption of the tally
)

// CheckError says which check failed, at which event, and why.
type CheckError struct {
	Check  string
	Height int // event height, -1 when not tied to one event
	Msg    string
}

// Error implements error.
func (e *CheckError) Error() string {
	if e.Height >= 0 {
		return fmt.Sprintf("%s check failed at event %d: %s", e.Check, e.Height, e.Msg)
	}
	return fmt.Sprintf("%s check failed: %s", e.Check, e.Msg)
}

func fail(check string, height int, format string, args ...any) *CheckError {
	return &CheckError{check, height, fmt.Sprintf(format, args...)}
}

// Report summarises a verified record.
type Report struct {
	UUID        string
	Name        string
	Fingerprint string // φ, the election hash
	Events      int
	Trustees    int // trustee ids (a Pedersen block counts each member)
	Credentials int
	Ballots     int // Ballot events
	Tallied     int // ballots counted: the last one per credential
	TotalWeight int64
	Result      [][]int64 // nil while the election is not finished
	Warnings    []string
}

// Verify checks an election record: path is a UUID.bel file or a directory
// holding one. It returns the report, or a *CheckError naming the check
// that failed (any other error is an I/O error).
func Verify(path string) (*Report, error) {
	file, err := FindArchive(path)
	if err != nil {
		return nil, err
	}
	a, err := ReadArchive(file)
	if err != nil {
		var ae *ArchiveError
		var ce *ChainError
		switch {
		case errors.As(err, &ce):
			return nil, &CheckError{CheckChain, ce.Height, ce.Msg}
		case errors.As(err, &ae):
			return nil, &CheckError{CheckArchive, -1, ae.Error()}
		}
		return nil, err
	}
	return VerifyArchive(a)
}

// verifier holds the public election data during verification.
type verifier struct {
	el       *Election
	phi      string
	y        *big.Int
	yTab     *fixedBase
	gTab     *fixedBase
	creds    map[string]int64 // decimal public credential → weight
	keys     []trusteeKey     // by trustee id - 1
	trustees []Trustee
}

type trusteeKey struct {
	item  int // index in the trustees list
	index int // 1-based index inside a Pedersen block, 0 for Single
	pub   *big.Int
}

// VerifyArchive checks a parsed archive (see Verify).
func VerifyArchive(a *Archive) (*Report, error) {
	if err := a.checkChain(); err != nil {
		var ce *ChainError
		errors.As(err, &ce)
		return nil, &CheckError{CheckChain, ce.Height, ce.Msg}
	}
	r := &Report{Events: len(a.Events)}
	if len(a.Events) == 0 || a.Events[0].Type != EvSetup {
		return nil, fail(CheckEventOrder, 0, "the first event must be Setup")
	}
	v, err := setup(a, r)
	if err != nil {
		return nil, err
	}

	// Walk the events: ballots, then the tally phase.
	type ballotAt struct {
		height int
		raw    []byte
		b      *Ballot
		cred   string // decimal credential
	}
	var ballots []ballotAt
	i := 1
	for ; i < len(a.Events) && a.Events[i].Type == EvBallot; i++ {
		if a.Events[i].Payload == "" {
			return nil, fail(CheckEventOrder, i, "Ballot event without payload")
		}
		ballots = append(ballots, ballotAt{height: i, raw: a.Data[a.Events[i].Payload]})
	}
	r.Ballots = len(ballots)

	// Parse and check every ballot on all cores; report the first failure
	// in event order.
	errsAt := make([]*CheckError, len(ballots))
	parallel(len(ballots), func(k int) {
		h := ballots[k].height
		b, err := ParseBallot(ballots[k].raw)
		if errors.Is(err, errNotCanonical) {
			errsAt[k] = fail(CheckBallotCanonical, h, "ballot not in canonical form")
			return
		}
		if err != nil {
			errsAt[k] = fail(CheckBallotCanonical, h, "%v", err)
			return
		}
		ballots[k].b = b
		if b.ElectionUUID != v.el.UUID || b.ElectionHash != v.phi {
			errsAt[k] = fail(CheckBallotElection, h, "ballot is for another election (uuid %q, election hash %q)", b.ElectionUUID, b.ElectionHash)
			return
		}
		cred := b.Credential.String()
		ballots[k].cred = cred
		if _, ok := v.creds[cred]; !ok {
			errsAt[k] = fail(CheckBallotCredential, h, "credential %.20s… is not in the public credentials", cred)
			return
		}
		errsAt[k] = v.checkBallot(b, h, ballots[k].raw, cred)
		// Only the ciphertexts are needed from here on.
		for i := range b.Answers {
			a := &b.Answers[i]
			a.IndividualProofs, a.OverallProof, a.BlankProof = nil, nil, nil
		}
	})
	seen := map[string]int{}
	for k, e := range errsAt {
		ev := a.Events[ballots[k].height]
		if first, dup := seen[ev.Payload]; dup && (e == nil || e.Check != CheckBallotCanonical) {
			return nil, fail(CheckBallotReplay, ballots[k].height, "the ballot of event %d is recorded again", first)
		}
		seen[ev.Payload] = ballots[k].height
		if e != nil {
			return nil, e
		}
	}

	// last(B): the last ballot of each credential counts.
	lastOf := map[string]int{}
	var order []string
	for k, b := range ballots {
		c := b.cred
		if _, ok := lastOf[c]; !ok {
			order = append(order, c)
		}
		lastOf[c] = k
	}
	var tallied []*Ballot
	var weights []int64
	for _, c := range order {
		tallied = append(tallied, ballots[lastOf[c]].b)
		weights = append(weights, v.creds[c])
	}
	r.Tallied = len(tallied)
	for _, w := range weights {
		r.TotalWeight += w
	}

	if i == len(a.Events) {
		r.Warnings = append(r.Warnings, "no result to check (voting is not closed)")
		return r, nil
	}
	if t := a.Events[i].Type; t != EvEndBallots {
		return nil, fail(CheckEventOrder, i, "unexpected %s event during voting", t)
	}
	if a.Events[i].Payload != "" {
		return nil, fail(CheckEventOrder, i, "EndBallots has a payload")
	}
	i++
	if i == len(a.Events) {
		r.Warnings = append(r.Warnings, "no result to check (no encrypted tally yet)")
		return r, nil
	}
	ev := a.Events[i]
	if ev.Type != EvEncryptedTally {
		if ev.Type == EvShuffle || ev.Type == EvEndShuffles {
			return nil, fail(CheckEventOrder, i, "shuffles (non-homomorphic questions) are not supported")
		}
		return nil, fail(CheckEventOrder, i, "expected EncryptedTally, found %s", ev.Type)
	}
	tally := v.computeTally(tallied, weights)
	st, err := ParseSizedTally(a.Data[ev.Payload])
	if err != nil {
		return nil, fail(CheckTally, i, "sized encrypted tally: %v", err)
	}
	if st.NumTallied != r.Tallied || st.TotalWeight != r.TotalWeight {
		return nil, fail(CheckTally, i, "num_tallied %d and total_weight %d, but the ballots give %d and %d", st.NumTallied, st.TotalWeight, r.Tallied, r.TotalWeight)
	}
	recorded, err := ParseTally(a.Data[st.Tally])
	if err != nil {
		return nil, fail(CheckTally, i, "encrypted tally: %v", err)
	}
	if string(MarshalTally(recorded)) != string(MarshalTally(tally)) {
		return nil, fail(CheckTally, i, "encrypted tally is not the product of the last ballot of each credential")
	}
	i++

	// Partial decryptions.
	pds := map[int]*PartialDecryption{}
	for ; i < len(a.Events) && a.Events[i].Type == EvPartialDecryption; i++ {
		o, err := ParseOwned(a.Data[a.Events[i].Payload])
		if err != nil {
			return nil, fail(CheckDecryption, i, "owned partial decryption: %v", err)
		}
		if o.Owner < 1 || o.Owner > len(v.keys) {
			return nil, fail(CheckDecryption, i, "owner %d is not a trustee id (1..%d)", o.Owner, len(v.keys))
		}
		if pds[o.Owner] != nil {
			return nil, fail(CheckDecryption, i, "second partial decryption of trustee %d", o.Owner)
		}
		pd, err := ParsePartialDecryption(a.Data[o.Payload])
		if err != nil {
			return nil, fail(CheckDecryption, i, "partial decryption: %v", err)
		}
		if err := v.verifyPartial(pd, tally, v.keys[o.Owner-1].pub); err != "" {
			return nil, fail(CheckDecryption, i, "trustee %d: %s", o.Owner, err)
		}
		pds[o.Owner] = pd
	}
	if i == len(a.Events) {
		r.Warnings = append(r.Warnings, "no result to check (decryption not finished)")
		return r, nil
	}
	ev = a.Events[i]
	if ev.Type != EvResult {
		return nil, fail(CheckEventOrder, i, "expected PartialDecryption or Result, found %s", ev.Type)
	}
	got, err := ParseResult(a.Data[ev.Payload])
	if err != nil {
		return nil, fail(CheckResult, i, "result: %v", err)
	}
	want, msg := v.decrypt(tally, pds, r.TotalWeight)
	if msg != "" {
		return nil, fail(CheckResult, i, "%s", msg)
	}
	for qi := range want {
		if qi >= len(got) || len(got[qi]) != len(want[qi]) {
			return nil, fail(CheckResult, i, "result has the wrong shape for question %d", qi+1)
		}
		for j := range want[qi] {
			if got[qi][j] != want[qi][j] {
				return nil, fail(CheckResult, i, "question %d choice %d: result says %d, the decrypted tally is %d", qi+1, j+1, got[qi][j], want[qi][j])
			}
		}
	}
	if len(got) != len(want) {
		return nil, fail(CheckResult, i, "result has %d questions, the election %d", len(got), len(want))
	}
	if i != len(a.Events)-1 {
		return nil, fail(CheckEventOrder, i+1, "event after Result")
	}
	r.Result = got
	return r, nil
}

// parallel runs f(0..n-1) on all available cores.
func parallel(n int, f func(int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				f(k)
			}
		}()
	}
	wg.Wait()
}

// Fingerprint is φ: the unpadded standard base64 of SHA-256 of the bytes.
func Fingerprint(b []byte) string {
	s := sha256.Sum256(b)
	return base64.RawStdEncoding.EncodeToString(s[:])
}

func setup(a *Archive, r *Report) (*verifier, error) {
	ev := a.Events[0]
	sd, err := ParseSetupData(a.Data[ev.Payload])
	if err != nil {
		return nil, fail(CheckElection, 0, "setup data: %v", err)
	}
	elRaw := a.Data[sd.Election]
	el, err := ParseElection(elRaw)
	if err != nil {
		return nil, fail(CheckElection, 0, "election: %v", err)
	}
	if el.Group != GroupName {
		return nil, fail(CheckElection, 0, "group %q is not supported (only %s)", el.Group, GroupName)
	}
	if el.Version != 1 {
		return nil, fail(CheckElection, 0, "version %d is not supported", el.Version)
	}
	if len(el.Questions) == 0 {
		return nil, fail(CheckElection, 0, "no questions")
	}
	for qi, q := range el.Questions {
		n := len(q.Answers)
		if n == 0 || q.Min < 0 || q.Max < q.Min || q.Max > n || n > 1000 {
			return nil, fail(CheckElection, 0, "question %d: bad answers/min/max", qi+1)
		}
	}
	v := &verifier{el: el, phi: Fingerprint(elRaw), y: el.PublicKey, gTab: gBase()}
	r.UUID, r.Name, r.Fingerprint = el.UUID, el.Name, v.phi
	if !IsElement(el.PublicKey) {
		return nil, fail(CheckElectionKey, 0, "election public key is not in the group")
	}
	v.yTab = newFixedBase(el.PublicKey)

	ts, err := ParseTrustees(a.Data[sd.Trustees])
	if err != nil {
		return nil, fail(CheckTrustees, 0, "trustees: %v", err)
	}
	v.trustees = ts
	if err := v.verifyTrustees(ts); err != nil {
		return nil, err
	}
	r.Trustees = len(v.keys)

	cs, err := ParseCredentials(a.Data[sd.Credentials])
	if err != nil {
		return nil, fail(CheckCredentials, 0, "public credentials: %v", err)
	}
	v.creds = make(map[string]int64, len(cs))
	vals := make([]*big.Int, len(cs))
	for k, c := range cs {
		num, w, hasW := strings.Cut(c, ",")
		x, err := dec(num)
		if err != nil {
			return nil, fail(CheckCredentials, 0, "credential %d: %v", k+1, err)
		}
		weight := int64(1)
		if hasW {
			wx, err := dec(w)
			if err != nil || !wx.IsInt64() || wx.Sign() <= 0 {
				return nil, fail(CheckCredentials, 0, "credential %d: bad weight %.20q", k+1, w)
			}
			weight = wx.Int64()
		}
		if _, dup := v.creds[num]; dup {
			return nil, fail(CheckCredentials, 0, "credential %d is listed twice", k+1)
		}
		v.creds[num] = weight
		vals[k] = x
	}
	bad := make([]bool, len(vals))
	parallel(len(vals), func(k int) { bad[k] = !IsElement(vals[k]) })
	for k, b := range bad {
		if b {
			return nil, fail(CheckCredentials, 0, "credential %d is not in the group", k+1)
		}
	}
	r.Credentials = len(cs)
	return v, nil
}

// checkPoK verifies a trustee key's proof of knowledge.
func (v *verifier) checkPoK(k TrusteePublicKey) bool {
	if !IsElement(k.PublicKey) || !isScalar(k.PoK.Challenge) || !isScalar(k.PoK.Response) {
		return false
	}
	A := mulMod(v.gTab.exp(k.PoK.Response), expVT(k.PublicKey, k.PoK.Challenge))
	return hashToScalar("pok|"+v.el.Group+"|"+k.PublicKey.String()+"|", A).Cmp(k.PoK.Challenge) == 0
}

// checkSigned verifies a PKI signature (prefix sigmsg).
func (v *verifier) checkSigned(m SignedMsg, vk *big.Int) bool {
	p := m.Signature
	if !isScalar(p.Challenge) || !isScalar(p.Response) {
		return false
	}
	A := mulMod(v.gTab.exp(p.Response), expVT(vk, p.Challenge))
	return hashToScalar("sigmsg|"+m.Message+"|", A).Cmp(p.Challenge) == 0
}

func (v *verifier) verifyTrustees(ts []Trustee) error {
	y := big.NewInt(1)
	if len(ts) == 0 {
		return fail(CheckTrustees, 0, "no trustees")
	}
	for ti, t := range ts {
		if t.Single != nil {
			if !v.checkPoK(*t.Single) {
				return fail(CheckTrustees, 0, "trustee %d: proof of knowledge of the key does not verify", len(v.keys)+1)
			}
			v.keys = append(v.keys, trusteeKey{ti, 0, t.Single.PublicKey})
			y = mulMod(y, t.Single.PublicKey)
			continue
		}
		p := t.Pedersen
		n := len(p.Certs)
		if n == 0 || len(p.Coefexps) != n || len(p.VerificationKeys) != n || p.Threshold < 1 || p.Threshold > n {
			return fail(CheckTrustees, 0, "threshold block %d: %d certificates, %d coefexps, %d verification keys, threshold %d", ti+1, n, len(p.Coefexps), len(p.VerificationKeys), p.Threshold)
		}
		coefs := make([][]*big.Int, n)
		for i := 0; i < n; i++ {
			var ck struct {
				Verification string `json:"verification"`
				Encryption   string `json:"encryption"`
			}
			if err := strictUnmarshal([]byte(p.Certs[i].Message), &ck); err != nil {
				return fail(CheckTrustees, 0, "threshold block %d certificate %d: %v", ti+1, i+1, err)
			}
			vk, err1 := dec(ck.Verification)
			ek, err2 := dec(ck.Encryption)
			if err1 != nil || err2 != nil || !IsElement(vk) || !IsElement(ek) {
				return fail(CheckTrustees, 0, "threshold block %d certificate %d: bad keys", ti+1, i+1)
			}
			if !v.checkSigned(p.Certs[i], vk) {
				return fail(CheckTrustees, 0, "threshold block %d certificate %d: signature does not verify", ti+1, i+1)
			}
			if !v.checkSigned(p.Coefexps[i], vk) {
				return fail(CheckTrustees, 0, "threshold block %d coefexps %d: signature does not verify", ti+1, i+1)
			}
			var ce struct {
				Coefexps []string `json:"coefexps"`
			}
			if err := strictUnmarshal([]byte(p.Coefexps[i].Message), &ce); err != nil || len(ce.Coefexps) != p.Threshold {
				return fail(CheckTrustees, 0, "threshold block %d coefexps %d: want %d coefficients", ti+1, i+1, p.Threshold)
			}
			for _, s := range ce.Coefexps {
				x, err := dec(s)
				if err != nil || !IsElement(x) {
					return fail(CheckTrustees, 0, "threshold block %d coefexps %d: not a group element", ti+1, i+1)
				}
				coefs[i] = append(coefs[i], x)
			}
			y = mulMod(y, coefs[i][0])
		}
		for j := 1; j <= n; j++ {
			// vk_j = Π_i Π_k A_ik^(j^k)
			want := big.NewInt(1)
			for i := 0; i < n; i++ {
				jk := big.NewInt(1)
				for k := 0; k < p.Threshold; k++ {
					want = mulMod(want, expVT(coefs[i][k], jk))
					jk = new(big.Int).Mul(jk, big.NewInt(int64(j)))
					jk.Mod(jk, Q)
				}
			}
			vk := p.VerificationKeys[j-1]
			if vk.PublicKey.Cmp(want) != 0 {
				return fail(CheckTrustees, 0, "threshold block %d: verification key %d does not match the coefficients", ti+1, j)
			}
			if !v.checkPoK(vk) {
				return fail(CheckTrustees, 0, "threshold block %d: proof of knowledge of verification key %d does not verify", ti+1, j)
			}
			v.keys = append(v.keys, trusteeKey{ti, j, vk.PublicKey})
		}
	}
	if y.Cmp(v.el.PublicKey) != 0 {
		return fail(CheckElectionKey, 0, "election public key is not the product of the trustees' keys")
	}
	return nil
}

// stmt is one disjunct: (alpha, beta) encrypts g^m.
type stmt struct {
	alpha, beta *big.Int
	m           int64
}

// powCache holds the squarings of each variable base of one ballot
// (mont.go), so that a ciphertext's membership test and the challenges of
// its proofs share them.
type powCache struct{ m map[*big.Int]*varBase }

func newPowCache() *powCache { return &powCache{m: make(map[*big.Int]*varBase, 16)} }

// get returns the powers of x, keyed by the pointer: the same *big.Int
// is the same base.
func (pc *powCache) get(x *big.Int) *varBase {
	vb, ok := pc.m[x]
	if !ok {
		vb = newVarBase(x)
		pc.m[x] = vb
	}
	return vb
}

func (pc *powCache) release() {
	for _, vb := range pc.m {
		vb.put()
	}
}

// member reports whether x is in the order-Q subgroup (as IsElement).
func (pc *powCache) member(x *big.Int) bool {
	if x == nil || x.Sign() <= 0 || x.Cmp(P) >= 0 {
		return false
	}
	return pc.get(x).inSubgroup()
}

// gyProduct returns base^r · x^c · g^e in Montgomery form, where tab is
// the fixed-base table of g or y, and e may be nil.
func gyProduct(tab *fixedBase, r *big.Int, x *varBase, c *big.Int, gTab *fixedBase, e *big.Int) melem {
	z := tab.mexp(r)
	xc := x.exp(c)
	montMul(&z, &z, &xc)
	if e != nil {
		ge := gTab.mexp(e)
		montMul(&z, &z, &ge)
	}
	return z
}

// verifyDisjunction checks a disjunctive Chaum–Pedersen proof whose
// challenge is H(prefix ‖ A0,B0,A1,B1,…).
func (v *verifier) verifyDisjunction(prefix string, st []stmt, ps []Proof, pc *powCache) bool {
	if len(st) != len(ps) {
		return false
	}
	var sb strings.Builder
	sb.WriteString(prefix)
	sum := new(big.Int)
	for j, p := range ps {
		if !isScalar(p.Challenge) || !isScalar(p.Response) {
			return false
		}
		// A = g^r · α^c
		A := gyProduct(v.gTab, p.Response, pc.get(st[j].alpha), p.Challenge, nil, nil)
		// B = y^r · (β / g^m)^c = y^r · β^c · g^(-m·c)
		var e *big.Int
		if st[j].m != 0 {
			e = new(big.Int).Mul(big.NewInt(st[j].m), p.Challenge)
			e.Neg(e).Mod(e, Q)
		}
		B := gyProduct(v.yTab, p.Response, pc.get(st[j].beta), p.Challenge, v.gTab, e)
		if j > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(fromMont(&A).String())
		sb.WriteByte(',')
		sb.WriteString(fromMont(&B).String())
		sum.Add(sum, p.Challenge)
	}
	sum.Mod(sum, Q)
	h := sha256.Sum256([]byte(sb.String()))
	x := new(big.Int).SetBytes(h[:])
	return x.Mod(x, Q).Cmp(sum) == 0
}

// verifyBallot checks a parsed ballot's signature and proofs (the
// election, the credential's eligibility and the canonical form are
// checked by the caller).
func (v *verifier) verifyBallot(b *Ballot, h int) *CheckError {
	return v.checkBallot(b, h, nil, b.Credential.String())
}

// unsignedFromRaw returns the bytes the ballot signature hashes (the
// ballot without its signature), cut from the canonical bytes raw of b
// instead of re-encoding every number; nil if raw does not end with b's
// signature.
func unsignedFromRaw(b *Ballot, raw []byte) []byte {
	var e enc
	e.raw(`,"signature":{"hash":`)
	e.str(b.Signature.Hash)
	e.raw(`,"proof":`)
	e.proof(b.Signature.Proof)
	e.raw("}}")
	n := len(raw) - len(e.b)
	if n < 0 || string(raw[n:]) != string(e.b) {
		return nil
	}
	out := make([]byte, n+1)
	copy(out, raw[:n])
	out[n] = '}'
	return out
}

// checkBallot is verifyBallot given the ballot's canonical bytes (raw,
// may be nil) and its decimal credential.
func (v *verifier) checkBallot(b *Ballot, h int, raw []byte, cred string) *CheckError {
	pc := newPowCache()
	defer pc.release()
	// Signature over the ballot without its signature.
	var unsigned []byte
	if raw != nil {
		unsigned = unsignedFromRaw(b, raw)
	}
	if unsigned == nil {
		unsigned = b.marshalUnsigned()
	}
	hash := Fingerprint(unsigned)
	if hash != b.Signature.Hash {
		return fail(CheckBallotSignature, h, "signature hash does not match the ballot contents")
	}
	sp := b.Signature.Proof
	if !isScalar(sp.Challenge) || !isScalar(sp.Response) {
		return fail(CheckBallotSignature, h, "signature proof out of range")
	}
	Am := gyProduct(v.gTab, sp.Response, pc.get(b.Credential), sp.Challenge, nil, nil)
	if hashToScalar("sig|"+hash+"|", fromMont(&Am)).Cmp(sp.Challenge) != 0 {
		return fail(CheckBallotSignature, h, "signature does not verify with the ballot's credential")
	}
	if len(b.Answers) != len(v.el.Questions) {
		return fail(CheckBallotProof, h, "ballot has %d answers, the election %d questions", len(b.Answers), len(v.el.Questions))
	}
	s0 := v.phi + "|" + cred
	for qi, q := range v.el.Questions {
		a := b.Answers[qi]
		n := len(q.Answers)
		if q.Blank {
			n++
		}
		if len(a.Choices) != n || len(a.IndividualProofs) != n {
			return fail(CheckBallotProof, h, "question %d: wrong number of choices or proofs", qi+1)
		}
		var sb strings.Builder
		sb.WriteString(s0)
		sb.WriteByte('|')
		for j, c := range a.Choices {
			if !pc.member(c.Alpha) || !pc.member(c.Beta) {
				return fail(CheckBallotProof, h, "question %d choice %d: ciphertext not in the group", qi+1, j+1)
			}
			as, bs := c.Alpha.String(), c.Beta.String()
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(as + "," + bs)
			st := []stmt{{c.Alpha, c.Beta, 0}, {c.Alpha, c.Beta, 1}}
			if !v.verifyDisjunction("prove|"+s0+"|"+as+","+bs+"|", st, a.IndividualProofs[j], pc) {
				return fail(CheckBallotProof, h, "question %d choice %d: individual proof (0 or 1) does not verify", qi+1, j+1)
			}
		}
		S := sb.String()
		first := 0
		if q.Blank {
			first = 1
		}
		sa, sbeta := mOne, mOne
		for _, c := range a.Choices[first:] {
			montMul(&sa, &sa, &pc.get(c.Alpha).pw[0])
			montMul(&sbeta, &sbeta, &pc.get(c.Beta).pw[0])
		}
		saI, sbI := fromMont(&sa), fromMont(&sbeta)
		if !q.Blank {
			if a.BlankProof != nil {
				return fail(CheckBallotProof, h, "question %d: blank proof on a question without blank", qi+1)
			}
			var st []stmt
			for m := q.Min; m <= q.Max; m++ {
				st = append(st, stmt{saI, sbI, int64(m)})
			}
			if !v.verifyDisjunction("prove|"+S+"|"+saI.String()+","+sbI.String()+"|", st, a.OverallProof, pc) {
				return fail(CheckBallotProof, h, "question %d: overall proof (number of choices between min and max) does not verify", qi+1)
			}
			continue
		}
		c0 := a.Choices[0]
		if len(a.BlankProof) != 2 || !v.verifyBlankProof(S, c0, saI, sbI, a.BlankProof, pc) {
			return fail(CheckBallotProof, h, "question %d: blank proof does not verify", qi+1)
		}
		st := []stmt{{c0.Alpha, c0.Beta, 1}}
		for m := q.Min; m <= q.Max; m++ {
			st = append(st, stmt{saI, sbI, int64(m)})
		}
		if !v.verifyDisjunction("bproof1|"+S+"|", st, a.OverallProof, pc) {
			return fail(CheckBallotProof, h, "question %d: overall proof (blank, or number of choices between min and max) does not verify", qi+1)
		}
	}
	return nil
}

// verifyBlankProof checks the proof of m0 = 0 ∨ mΣ = 0.
func (v *verifier) verifyBlankProof(S string, c0 Ciphertext, sa, sb *big.Int, ps []Proof, pc *powCache) bool {
	return v.verifyDisjunction("bproof0|"+S+"|", []stmt{{c0.Alpha, c0.Beta, 0}, {sa, sb, 0}}, ps, pc)
}

func (v *verifier) computeTally(bs []*Ballot, weights []int64) [][]Ciphertext {
	out := make([][]Ciphertext, len(v.el.Questions))
	for qi, q := range v.el.Questions {
		n := len(q.Answers)
		if q.Blank {
			n++
		}
		out[qi] = make([]Ciphertext, n)
		parallel(n, func(j int) {
			a, b := big.NewInt(1), big.NewInt(1)
			for k, bal := range bs {
				c := bal.Answers[qi].Choices[j]
				if w := weights[k]; w != 1 {
					a = mulMod(a, expVT(c.Alpha, big.NewInt(w)))
					b = mulMod(b, expVT(c.Beta, big.NewInt(w)))
					continue
				}
				a = mulMod(a, c.Alpha)
				b = mulMod(b, c.Beta)
			}
			out[qi][j] = Ciphertext{a, b}
		})
	}
	return out
}

func (v *verifier) verifyPartial(pd *PartialDecryption, tally [][]Ciphertext, X *big.Int) string {
	if len(pd.Factors) != len(tally) || len(pd.Proofs) != len(tally) {
		return "wrong shape"
	}
	type job struct{ i, j int }
	var jobs []job
	for i := range tally {
		if len(pd.Factors[i]) != len(tally[i]) || len(pd.Proofs[i]) != len(tally[i]) {
			return "wrong shape"
		}
		for j := range tally[i] {
			jobs = append(jobs, job{i, j})
		}
	}
	prefix := "decrypt|" + v.phi + "|" + X.String() + "|"
	bad := make([]bool, len(jobs))
	parallel(len(jobs), func(k int) {
		i, j := jobs[k].i, jobs[k].j
		f, p := pd.Factors[i][j], pd.Proofs[i][j]
		if !IsElement(f) || !isScalar(p.Challenge) || !isScalar(p.Response) {
			bad[k] = true
			return
		}
		A := mulMod(v.gTab.exp(p.Response), expVT(X, p.Challenge))
		B := mulMod(expVT(tally[i][j].Alpha, p.Response), expVT(f, p.Challenge))
		bad[k] = hashToScalar(prefix, A, B).Cmp(p.Challenge) != 0
	})
	for k, b := range bad {
		if b {
			return fmt.Sprintf("decryption proof for question %d choice %d does not verify", jobs[k].i+1, jobs[k].j+1)
		}
	}
	return ""
}

// lagrange returns λ_δ for the index set I (1-based indices).
func lagrange(I []int, delta int) *big.Int {
	num, den := big.NewInt(1), big.NewInt(1)
	for _, k := range I {
		if k == delta {
			continue
		}
		num.Mul(num, big.NewInt(int64(k)))
		den.Mul(den, big.NewInt(int64(k-delta)))
	}
	den.Mod(den, Q)
	l := new(big.Int).Mul(num, new(big.Int).ModInverse(den, Q))
	return l.Mod(l, Q)
}

// decrypt combines the partial decryptions and solves the discrete logs.
func (v *verifier) decrypt(tally [][]Ciphertext, pds map[int]*PartialDecryption, maxCount int64) ([][]int64, string) {
	// Combined factor per ciphertext.
	F := make([][]*big.Int, len(tally))
	for i := range tally {
		F[i] = make([]*big.Int, len(tally[i]))
		for j := range F[i] {
			F[i][j] = big.NewInt(1)
		}
	}
	id := 1
	for ti, t := range v.trustees {
		if t.Single != nil {
			pd := pds[id]
			if pd == nil {
				return nil, fmt.Sprintf("partial decryption of trustee %d is missing", id)
			}
			for i := range F {
				for j := range F[i] {
					F[i][j] = mulMod(F[i][j], pd.Factors[i][j])
				}
			}
			id++
			continue
		}
		p := t.Pedersen
		var I []int
		for k := 1; k <= len(p.VerificationKeys) && len(I) < p.Threshold; k++ {
			if pds[id+k-1] != nil {
				I = append(I, k)
			}
		}
		if len(I) < p.Threshold {
			return nil, fmt.Sprintf("threshold block %d: %d partial decryptions, %d needed", ti+1, len(I), p.Threshold)
		}
		for _, d := range I {
			l := lagrange(I, d)
			pd := pds[id+d-1]
			for i := range F {
				for j := range F[i] {
					F[i][j] = mulMod(F[i][j], expVT(pd.Factors[i][j], l))
				}
			}
		}
		id += len(p.VerificationKeys)
	}
	// g^m = β / F; find m in [0, maxCount].
	out := make([][]int64, len(tally))
	for i := range tally {
		out[i] = make([]int64, len(tally[i]))
	}
	// Simple and exact: walk g^0, g^1, … up to maxCount once, matching
	// every target.
	want := map[string][][2]int{}
	for i := range tally {
		for j := range tally[i] {
			gm := mulMod(tally[i][j].Beta, invMod(F[i][j]))
			k := string(gm.Bytes())
			want[k] = append(want[k], [2]int{i, j})
		}
	}
	found := 0
	total := 0
	for _, l := range want {
		total += len(l)
	}
	x := big.NewInt(1)
	for m := int64(0); m <= maxCount && found < total; m++ {
		if l, ok := want[string(x.Bytes())]; ok {
			for _, ij := range l {
				out[ij[0]][ij[1]] = m
			}
			found += len(l)
			delete(want, string(x.Bytes()))
		}
		x = mulMod(x, G)
	}
	if found < total {
		for _, l := range want {
			return nil, fmt.Sprintf("question %d choice %d: the decrypted tally is not a count between 0 and %d", l[0][0]+1, l[0][1]+1, maxCount)
		}
	}
	return out, ""
}
