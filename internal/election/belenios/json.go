package belenios

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// This file holds the record's JSON types and their canonical encoding:
// compact UTF-8, object fields in the order of the Belenios specification,
// optional fields omitted, big numbers as decimal strings. Parsing is
// strict: a value is accepted only if encoding it again gives exactly the
// bytes that were read.

// Proof is a Schnorr-style proof: a challenge and a response, both mod Q.
type Proof struct {
	Challenge, Response *big.Int
}

// Ciphertext is an ElGamal ciphertext (g^r, y^r·g^m).
type Ciphertext struct {
	Alpha, Beta *big.Int
}

// TrusteePublicKey is a public key with its proof of knowledge.
type TrusteePublicKey struct {
	PoK       Proof
	PublicKey *big.Int
	Name      string // optional; "" = absent
}

// SignedMsg is a message signed with a trustee's PKI signing key.
type SignedMsg struct {
	Message   string
	Signature Proof
}

// ThresholdParams are the public parameters of a Pedersen (t of n)
// trustee group.
type ThresholdParams struct {
	Threshold        int
	Certs            []SignedMsg
	Coefexps         []SignedMsg
	VerificationKeys []TrusteePublicKey
}

// Trustee is one item of the trustees list: exactly one of Single and
// Pedersen is set.
type Trustee struct {
	Single   *TrusteePublicKey
	Pedersen *ThresholdParams
}

// Question is a homomorphic question. With Blank, the voter may vote blank
// and the first choice of each answer is the blank flag.
type Question struct {
	Answers  []string
	Blank    bool
	Min, Max int
	Question string
}

// Election is the election.json member.
type Election struct {
	Version             int
	Description         string
	Name                string
	Group               string
	PublicKey           *big.Int
	Questions           []Question
	UUID                string
	Administrator       string // optional
	CredentialAuthority string // optional
}

// Answer is the encrypted answer to one question with its proofs.
type Answer struct {
	Choices          []Ciphertext
	IndividualProofs [][]Proof
	OverallProof     []Proof
	BlankProof       []Proof // only for blank-allowed questions
}

// Signature is a ballot's signature.
type Signature struct {
	Hash  string
	Proof Proof
}

// Ballot is a voter's encrypted ballot.
type Ballot struct {
	ElectionUUID string
	ElectionHash string
	Credential   *big.Int
	Answers      []Answer
	Signature    Signature
}

// PartialDecryption is a trustee's decryption factors with proofs, one per
// ciphertext of the encrypted tally.
type PartialDecryption struct {
	Factors [][]*big.Int
	Proofs  [][]Proof
}

// SizedTally is the payload of the EncryptedTally event.
type SizedTally struct {
	NumTallied  int
	TotalWeight int64
	Tally       string // hex hash of the encrypted_tally member
}

// Owned links a partial decryption (or shuffle) to its trustee.
type Owned struct {
	Owner   int
	Payload string
}

// SetupData is the payload of the Setup event.
type SetupData struct {
	Election, Trustees, Credentials string
}

// Event is one link of the archive's hash chain.
type Event struct {
	Parent  string // "" for the first event
	Height  int
	Type    string
	Payload string // "" when absent
}

// Event types.
const (
	EvSetup             = "Setup"
	EvBallot            = "Ballot"
	EvEndBallots        = "EndBallots"
	EvEncryptedTally    = "EncryptedTally"
	EvShuffle           = "Shuffle"
	EvEndShuffles       = "EndShuffles"
	EvPartialDecryption = "PartialDecryption"
	EvResult            = "Result"
)

// --- encoding ------------------------------------------------------------

type enc struct{ b []byte }

func (e *enc) raw(s string) { e.b = append(e.b, s...) }
func (e *enc) key(k string, first bool) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.str(k)
	e.b = append(e.b, ':')
}
func (e *enc) num(x *big.Int) {
	e.b = append(e.b, '"')
	e.b = x.Append(e.b, 10)
	e.b = append(e.b, '"')
}
func (e *enc) int(x int64) { e.b = strconv.AppendInt(e.b, x, 10) }

// weight writes a weight or count: a JSON number up to 2^30-1, a string
// above (as OCaml's 31-bit ints require).
func (e *enc) weight(x int64) {
	if x <= 1<<30-1 {
		e.int(x)
		return
	}
	e.b = append(e.b, '"')
	e.int(x)
	e.b = append(e.b, '"')
}

// str writes a JSON string the way Belenios (Yojson) does: only '"', '\\'
// and control characters are escaped; other UTF-8 is written as is.
func (e *enc) str(s string) {
	e.b = append(e.b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			e.b = append(e.b, '\\', '"')
		case '\\':
			e.b = append(e.b, '\\', '\\')
		case '\b':
			e.b = append(e.b, '\\', 'b')
		case '\f':
			e.b = append(e.b, '\\', 'f')
		case '\n':
			e.b = append(e.b, '\\', 'n')
		case '\r':
			e.b = append(e.b, '\\', 'r')
		case '\t':
			e.b = append(e.b, '\\', 't')
		default:
			if c < 0x20 || c == 0x7f {
				e.b = append(e.b, fmt.Sprintf("\\u%04x", c)...)
			} else {
				e.b = append(e.b, c)
			}
		}
	}
	e.b = append(e.b, '"')
}

func (e *enc) proof(p Proof) {
	e.raw(`{"challenge":`)
	e.num(p.Challenge)
	e.raw(`,"response":`)
	e.num(p.Response)
	e.raw("}")
}

func (e *enc) proofs(ps []Proof) {
	e.raw("[")
	for i, p := range ps {
		if i > 0 {
			e.raw(",")
		}
		e.proof(p)
	}
	e.raw("]")
}

func (e *enc) ciphertext(c Ciphertext) {
	e.raw(`{"alpha":`)
	e.num(c.Alpha)
	e.raw(`,"beta":`)
	e.num(c.Beta)
	e.raw("}")
}

func (e *enc) tpk(k TrusteePublicKey) {
	e.raw(`{"pok":`)
	e.proof(k.PoK)
	e.raw(`,"public_key":`)
	e.num(k.PublicKey)
	if k.Name != "" {
		e.raw(`,"name":`)
		e.str(k.Name)
	}
	e.raw("}")
}

func (e *enc) signed(m SignedMsg) {
	e.raw(`{"message":`)
	e.str(m.Message)
	e.raw(`,"signature":`)
	e.proof(m.Signature)
	e.raw("}")
}

// Marshal returns the canonical JSON of an election.
func (el *Election) Marshal() []byte {
	var e enc
	e.raw(`{"version":`)
	e.int(int64(el.Version))
	e.raw(`,"description":`)
	e.str(el.Description)
	e.raw(`,"name":`)
	e.str(el.Name)
	e.raw(`,"group":`)
	e.str(el.Group)
	e.raw(`,"public_key":`)
	e.num(el.PublicKey)
	e.raw(`,"questions":[`)
	for i, q := range el.Questions {
		if i > 0 {
			e.raw(",")
		}
		e.raw(`{"answers":[`)
		for j, a := range q.Answers {
			if j > 0 {
				e.raw(",")
			}
			e.str(a)
		}
		e.raw("]")
		if q.Blank {
			e.raw(`,"blank":true`)
		}
		e.raw(`,"min":`)
		e.int(int64(q.Min))
		e.raw(`,"max":`)
		e.int(int64(q.Max))
		e.raw(`,"question":`)
		e.str(q.Question)
		e.raw("}")
	}
	e.raw(`],"uuid":`)
	e.str(el.UUID)
	if el.Administrator != "" {
		e.raw(`,"administrator":`)
		e.str(el.Administrator)
	}
	if el.CredentialAuthority != "" {
		e.raw(`,"credential_authority":`)
		e.str(el.CredentialAuthority)
	}
	e.raw("}")
	return e.b
}

// MarshalTrustees returns the canonical JSON of a trustees list.
func MarshalTrustees(ts []Trustee) []byte {
	var e enc
	e.raw("[")
	for i, t := range ts {
		if i > 0 {
			e.raw(",")
		}
		if t.Single != nil {
			e.raw(`["Single",`)
			e.tpk(*t.Single)
			e.raw("]")
			continue
		}
		p := t.Pedersen
		e.raw(`["Pedersen",{"threshold":`)
		e.int(int64(p.Threshold))
		e.raw(`,"certs":[`)
		for j, c := range p.Certs {
			if j > 0 {
				e.raw(",")
			}
			e.signed(c)
		}
		e.raw(`],"coefexps":[`)
		for j, c := range p.Coefexps {
			if j > 0 {
				e.raw(",")
			}
			e.signed(c)
		}
		e.raw(`],"verification_keys":[`)
		for j, k := range p.VerificationKeys {
			if j > 0 {
				e.raw(",")
			}
			e.tpk(k)
		}
		e.raw("]}]")
	}
	e.raw("]")
	return e.b
}

// MarshalTrusteePublicKey returns the canonical JSON of a trustee key.
func MarshalTrusteePublicKey(k TrusteePublicKey) []byte {
	var e enc
	e.tpk(k)
	return e.b
}

func (e *enc) answer(a Answer) {
	e.raw(`{"choices":[`)
	for i, c := range a.Choices {
		if i > 0 {
			e.raw(",")
		}
		e.ciphertext(c)
	}
	e.raw(`],"individual_proofs":[`)
	for i, p := range a.IndividualProofs {
		if i > 0 {
			e.raw(",")
		}
		e.proofs(p)
	}
	e.raw(`],"overall_proof":`)
	e.proofs(a.OverallProof)
	if a.BlankProof != nil {
		e.raw(`,"blank_proof":`)
		e.proofs(a.BlankProof)
	}
	e.raw("}")
}

// marshalUnsigned is the ballot without its signature: the bytes whose
// hash the signature signs.
func (b *Ballot) marshalUnsigned() []byte {
	var e enc
	b.body(&e)
	e.raw("}")
	return e.b
}

func (b *Ballot) body(e *enc) {
	e.raw(`{"election_uuid":`)
	e.str(b.ElectionUUID)
	e.raw(`,"election_hash":`)
	e.str(b.ElectionHash)
	e.raw(`,"credential":`)
	e.num(b.Credential)
	e.raw(`,"answers":[`)
	for i, a := range b.Answers {
		if i > 0 {
			e.raw(",")
		}
		e.answer(a)
	}
	e.raw("]")
}

// Marshal returns the canonical JSON of a ballot.
func (b *Ballot) Marshal() []byte {
	var e enc
	b.body(&e)
	e.raw(`,"signature":{"hash":`)
	e.str(b.Signature.Hash)
	e.raw(`,"proof":`)
	e.proof(b.Signature.Proof)
	e.raw("}}")
	return e.b
}

// MarshalTally returns the canonical JSON of an encrypted tally.
func MarshalTally(t [][]Ciphertext) []byte {
	var e enc
	e.raw("[")
	for i, q := range t {
		if i > 0 {
			e.raw(",")
		}
		e.raw("[")
		for j, c := range q {
			if j > 0 {
				e.raw(",")
			}
			e.ciphertext(c)
		}
		e.raw("]")
	}
	e.raw("]")
	return e.b
}

// Marshal returns the canonical JSON of a partial decryption.
func (d *PartialDecryption) Marshal() []byte {
	var e enc
	e.raw(`{"decryption_factors":[`)
	for i, q := range d.Factors {
		if i > 0 {
			e.raw(",")
		}
		e.raw("[")
		for j, f := range q {
			if j > 0 {
				e.raw(",")
			}
			e.num(f)
		}
		e.raw("]")
	}
	e.raw(`],"decryption_proofs":[`)
	for i, q := range d.Proofs {
		if i > 0 {
			e.raw(",")
		}
		e.proofs(q)
	}
	e.raw("]}")
	return e.b
}

// Marshal returns the canonical JSON of a sized tally.
func (s SizedTally) Marshal() []byte {
	var e enc
	e.raw(`{"num_tallied":`)
	e.int(int64(s.NumTallied))
	e.raw(`,"total_weight":`)
	e.weight(s.TotalWeight)
	e.raw(`,"encrypted_tally":`)
	e.str(s.Tally)
	e.raw("}")
	return e.b
}

// Marshal returns the canonical JSON of an owned payload.
func (o Owned) Marshal() []byte {
	var e enc
	e.raw(`{"owner":`)
	e.int(int64(o.Owner))
	e.raw(`,"payload":`)
	e.str(o.Payload)
	e.raw("}")
	return e.b
}

// Marshal returns the canonical JSON of setup data.
func (s SetupData) Marshal() []byte {
	var e enc
	e.raw(`{"election":`)
	e.str(s.Election)
	e.raw(`,"trustees":`)
	e.str(s.Trustees)
	e.raw(`,"credentials":`)
	e.str(s.Credentials)
	e.raw("}")
	return e.b
}

// Marshal returns the canonical JSON of an event.
func (ev Event) Marshal() []byte {
	var e enc
	e.raw("{")
	if ev.Parent != "" {
		e.raw(`"parent":`)
		e.str(ev.Parent)
		e.raw(",")
	}
	e.raw(`"height":`)
	e.int(int64(ev.Height))
	e.raw(`,"type":`)
	e.str(ev.Type)
	if ev.Payload != "" {
		e.raw(`,"payload":`)
		e.str(ev.Payload)
	}
	e.raw("}")
	return e.b
}

// MarshalResult returns the canonical JSON of a homomorphic result.
func MarshalResult(r [][]int64) []byte {
	var e enc
	e.raw(`{"result":[`)
	for i, q := range r {
		if i > 0 {
			e.raw(",")
		}
		e.raw("[")
		for j, n := range q {
			if j > 0 {
				e.raw(",")
			}
			e.weight(n)
		}
		e.raw("]")
	}
	e.raw("]}")
	return e.b
}

// MarshalCredentials returns the canonical JSON of the public credentials
// list ("dec(g^s)" or "dec(g^s),weight").
func MarshalCredentials(cs []string) []byte {
	var e enc
	e.raw("[")
	for i, c := range cs {
		if i > 0 {
			e.raw(",")
		}
		e.str(c)
	}
	e.raw("]")
	return e.b
}

// --- decoding ------------------------------------------------------------

var errNotCanonical = errors.New("not in canonical form")

// dec parses a canonical decimal string.
func dec(s string) (*big.Int, error) {
	if s == "" || len(s) > 1000 || (len(s) > 1 && s[0] == '0') {
		return nil, fmt.Errorf("bad number %.40q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, fmt.Errorf("bad number %.40q", s)
		}
	}
	x, _ := new(big.Int).SetString(s, 10)
	return x, nil
}

type rawProof struct {
	Challenge string `json:"challenge"`
	Response  string `json:"response"`
}

func (r rawProof) conv() (Proof, error) {
	c, err := dec(r.Challenge)
	if err != nil {
		return Proof{}, err
	}
	s, err := dec(r.Response)
	if err != nil {
		return Proof{}, err
	}
	return Proof{c, s}, nil
}

func convProofs(rs []rawProof) ([]Proof, error) {
	out := make([]Proof, len(rs))
	for i, r := range rs {
		p, err := r.conv()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

type rawCiphertext struct {
	Alpha string `json:"alpha"`
	Beta  string `json:"beta"`
}

func (r rawCiphertext) conv() (Ciphertext, error) {
	a, err := dec(r.Alpha)
	if err != nil {
		return Ciphertext{}, err
	}
	b, err := dec(r.Beta)
	if err != nil {
		return Ciphertext{}, err
	}
	return Ciphertext{a, b}, nil
}

// strictUnmarshal decodes data into v refusing unknown fields and
// trailing data.
func strictUnmarshal(data []byte, v any) error {
	if !utf8.Valid(data) {
		return errors.New("not UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

type rawAnswer struct {
	Choices          []rawCiphertext `json:"choices"`
	IndividualProofs [][]rawProof    `json:"individual_proofs"`
	OverallProof     []rawProof      `json:"overall_proof"`
	BlankProof       []rawProof      `json:"blank_proof"`
}

type rawBallot struct {
	ElectionUUID string      `json:"election_uuid"`
	ElectionHash string      `json:"election_hash"`
	Credential   string      `json:"credential"`
	Answers      []rawAnswer `json:"answers"`
	Signature    struct {
		Hash  string   `json:"hash"`
		Proof rawProof `json:"proof"`
	} `json:"signature"`
}

// ParseBallot parses a ballot and checks that data is its canonical form.
func ParseBallot(data []byte) (*Ballot, error) {
	var r rawBallot
	if err := strictUnmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("malformed ballot: %w", err)
	}
	b := &Ballot{ElectionUUID: r.ElectionUUID, ElectionHash: r.ElectionHash, Signature: Signature{Hash: r.Signature.Hash}}
	var err error
	if b.Credential, err = dec(r.Credential); err != nil {
		return nil, fmt.Errorf("malformed ballot: credential: %w", err)
	}
	if b.Signature.Proof, err = r.Signature.Proof.conv(); err != nil {
		return nil, fmt.Errorf("malformed ballot: signature: %w", err)
	}
	for _, ra := range r.Answers {
		var a Answer
		for _, c := range ra.Choices {
			ct, err := c.conv()
			if err != nil {
				return nil, fmt.Errorf("malformed ballot: choice: %w", err)
			}
			a.Choices = append(a.Choices, ct)
		}
		a.Choices = nonNil(a.Choices)
		for _, ip := range ra.IndividualProofs {
			ps, err := convProofs(ip)
			if err != nil {
				return nil, fmt.Errorf("malformed ballot: proof: %w", err)
			}
			a.IndividualProofs = append(a.IndividualProofs, ps)
		}
		a.IndividualProofs = nonNil(a.IndividualProofs)
		if a.OverallProof, err = convProofs(ra.OverallProof); err != nil {
			return nil, fmt.Errorf("malformed ballot: proof: %w", err)
		}
		if ra.BlankProof != nil {
			if a.BlankProof, err = convProofs(ra.BlankProof); err != nil {
				return nil, fmt.Errorf("malformed ballot: proof: %w", err)
			}
		}
		b.Answers = append(b.Answers, a)
	}
	b.Answers = nonNil(b.Answers)
	if !bytes.Equal(b.Marshal(), data) {
		return nil, errNotCanonical
	}
	return b, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type rawTPK struct {
	PoK       rawProof `json:"pok"`
	PublicKey string   `json:"public_key"`
	Name      *string  `json:"name"`
}

func (r rawTPK) conv() (TrusteePublicKey, error) {
	var k TrusteePublicKey
	var err error
	if k.PoK, err = r.PoK.conv(); err != nil {
		return k, err
	}
	if k.PublicKey, err = dec(r.PublicKey); err != nil {
		return k, err
	}
	if r.Name != nil {
		if *r.Name == "" {
			return k, errors.New("empty name")
		}
		k.Name = *r.Name
	}
	return k, nil
}

type rawSigned struct {
	Message   string   `json:"message"`
	Signature rawProof `json:"signature"`
}

func (r rawSigned) conv() (SignedMsg, error) {
	p, err := r.Signature.conv()
	return SignedMsg{r.Message, p}, err
}

// ParseTrustees parses the trustees member (canonical form required).
func ParseTrustees(data []byte) ([]Trustee, error) {
	var raw []json.RawMessage
	if err := strictUnmarshal(data, &raw); err != nil {
		return nil, err
	}
	var out []Trustee
	for _, item := range raw {
		var pair []json.RawMessage
		if err := strictUnmarshal(item, &pair); err != nil || len(pair) != 2 {
			return nil, errors.New("trustee item is not a [kind, value] pair")
		}
		var kind string
		if err := json.Unmarshal(pair[0], &kind); err != nil {
			return nil, err
		}
		switch kind {
		case "Single":
			var r rawTPK
			if err := strictUnmarshal(pair[1], &r); err != nil {
				return nil, err
			}
			k, err := r.conv()
			if err != nil {
				return nil, err
			}
			out = append(out, Trustee{Single: &k})
		case "Pedersen":
			var r struct {
				Threshold        int         `json:"threshold"`
				Certs            []rawSigned `json:"certs"`
				Coefexps         []rawSigned `json:"coefexps"`
				VerificationKeys []rawTPK    `json:"verification_keys"`
			}
			if err := strictUnmarshal(pair[1], &r); err != nil {
				return nil, err
			}
			tp := &ThresholdParams{Threshold: r.Threshold}
			for _, c := range r.Certs {
				s, err := c.conv()
				if err != nil {
					return nil, err
				}
				tp.Certs = append(tp.Certs, s)
			}
			for _, c := range r.Coefexps {
				s, err := c.conv()
				if err != nil {
					return nil, err
				}
				tp.Coefexps = append(tp.Coefexps, s)
			}
			for _, v := range r.VerificationKeys {
				k, err := v.conv()
				if err != nil {
					return nil, err
				}
				tp.VerificationKeys = append(tp.VerificationKeys, k)
			}
			out = append(out, Trustee{Pedersen: tp})
		default:
			return nil, fmt.Errorf("unknown trustee kind %.40q", kind)
		}
	}
	if !bytes.Equal(MarshalTrustees(out), data) {
		return nil, errNotCanonical
	}
	return out, nil
}

// ParseElection parses election.json (canonical form required).
func ParseElection(data []byte) (*Election, error) {
	var r struct {
		Version     int               `json:"version"`
		Description string            `json:"description"`
		Name        string            `json:"name"`
		Group       string            `json:"group"`
		PublicKey   string            `json:"public_key"`
		Questions   []json.RawMessage `json:"questions"`
		UUID        string            `json:"uuid"`
		Admin       string            `json:"administrator"`
		CredAuth    string            `json:"credential_authority"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return nil, err
	}
	el := &Election{Version: r.Version, Description: r.Description, Name: r.Name, Group: r.Group, UUID: r.UUID,
		Administrator: r.Admin, CredentialAuthority: r.CredAuth}
	var err error
	if el.PublicKey, err = dec(r.PublicKey); err != nil {
		return nil, err
	}
	for _, rq := range r.Questions {
		var q struct {
			Answers  []string `json:"answers"`
			Blank    bool     `json:"blank"`
			Min      int      `json:"min"`
			Max      int      `json:"max"`
			Question string   `json:"question"`
		}
		if err := strictUnmarshal(rq, &q); err != nil {
			if bytes.Contains(rq, []byte(`"NonHomomorphic"`)) {
				return nil, errors.New("non-homomorphic questions are not supported")
			}
			return nil, err
		}
		el.Questions = append(el.Questions, Question{Answers: nonNil(q.Answers), Blank: q.Blank, Min: q.Min, Max: q.Max, Question: q.Question})
	}
	el.Questions = nonNil(el.Questions)
	if !bytes.Equal(el.Marshal(), data) {
		return nil, errNotCanonical
	}
	return el, nil
}

// ParseTally parses an encrypted tally (canonical form required).
func ParseTally(data []byte) ([][]Ciphertext, error) {
	var r [][]rawCiphertext
	if err := strictUnmarshal(data, &r); err != nil {
		return nil, err
	}
	out := make([][]Ciphertext, len(r))
	for i, q := range r {
		out[i] = make([]Ciphertext, len(q))
		for j, c := range q {
			ct, err := c.conv()
			if err != nil {
				return nil, err
			}
			out[i][j] = ct
		}
	}
	if !bytes.Equal(MarshalTally(out), data) {
		return nil, errNotCanonical
	}
	return out, nil
}

// ParsePartialDecryption parses a partial decryption (canonical form
// required).
func ParsePartialDecryption(data []byte) (*PartialDecryption, error) {
	var r struct {
		Factors [][]string   `json:"decryption_factors"`
		Proofs  [][]rawProof `json:"decryption_proofs"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return nil, err
	}
	d := &PartialDecryption{Factors: make([][]*big.Int, len(r.Factors)), Proofs: make([][]Proof, len(r.Proofs))}
	for i, q := range r.Factors {
		d.Factors[i] = make([]*big.Int, len(q))
		for j, s := range q {
			x, err := dec(s)
			if err != nil {
				return nil, err
			}
			d.Factors[i][j] = x
		}
	}
	for i, q := range r.Proofs {
		ps, err := convProofs(q)
		if err != nil {
			return nil, err
		}
		d.Proofs[i] = nonNil(ps)
	}
	if !bytes.Equal(d.Marshal(), data) {
		return nil, errNotCanonical
	}
	return d, nil
}

// flexInt is a JSON number or a decimal string (weights and counts).
type flexInt int64

// UnmarshalJSON accepts a number or a decimal string.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) > 0 && s[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	x, err := dec(s)
	if err != nil || !x.IsInt64() {
		return fmt.Errorf("bad integer %.40q", s)
	}
	*f = flexInt(x.Int64())
	return nil
}

// ParseSizedTally parses the EncryptedTally payload.
func ParseSizedTally(data []byte) (SizedTally, error) {
	var r struct {
		NumTallied  int     `json:"num_tallied"`
		TotalWeight flexInt `json:"total_weight"`
		Tally       string  `json:"encrypted_tally"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return SizedTally{}, err
	}
	s := SizedTally{r.NumTallied, int64(r.TotalWeight), r.Tally}
	if !bytes.Equal(s.Marshal(), data) {
		return s, errNotCanonical
	}
	return s, nil
}

// ParseOwned parses an owned payload.
func ParseOwned(data []byte) (Owned, error) {
	var o Owned
	var r struct {
		Owner   int    `json:"owner"`
		Payload string `json:"payload"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return o, err
	}
	o = Owned{r.Owner, r.Payload}
	if !bytes.Equal(o.Marshal(), data) {
		return o, errNotCanonical
	}
	return o, nil
}

// ParseSetupData parses the Setup payload.
func ParseSetupData(data []byte) (SetupData, error) {
	var s SetupData
	var r struct {
		Election    string `json:"election"`
		Trustees    string `json:"trustees"`
		Credentials string `json:"credentials"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return s, err
	}
	s = SetupData{r.Election, r.Trustees, r.Credentials}
	if !bytes.Equal(s.Marshal(), data) {
		return s, errNotCanonical
	}
	return s, nil
}

// ParseEvent parses an event (canonical form required).
func ParseEvent(data []byte) (Event, error) {
	var ev Event
	var r struct {
		Parent  string `json:"parent"`
		Height  int    `json:"height"`
		Type    string `json:"type"`
		Payload string `json:"payload"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return ev, err
	}
	ev = Event{r.Parent, r.Height, r.Type, r.Payload}
	if !bytes.Equal(ev.Marshal(), data) {
		return ev, errNotCanonical
	}
	return ev, nil
}

// ParseResult parses a homomorphic result.
func ParseResult(data []byte) ([][]int64, error) {
	var r struct {
		Result [][]flexInt `json:"result"`
	}
	if err := strictUnmarshal(data, &r); err != nil {
		return nil, err
	}
	out := make([][]int64, len(r.Result))
	for i, q := range r.Result {
		out[i] = make([]int64, len(q))
		for j, n := range q {
			out[i][j] = int64(n)
		}
	}
	if !bytes.Equal(MarshalResult(out), data) {
		return nil, errNotCanonical
	}
	return out, nil
}

// ParseCredentials parses the public credentials member.
func ParseCredentials(data []byte) ([]string, error) {
	var cs []string
	if err := strictUnmarshal(data, &cs); err != nil {
		return nil, err
	}
	cs = nonNil(cs)
	if !bytes.Equal(MarshalCredentials(cs), data) {
		return nil, errNotCanonical
	}
	return cs, nil
}
