package vote

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"filippo.io/bigmod"

	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// This file is the threshold ("Pedersen") key ceremony of Belenios 2.0
// (specification §3.1.1 and §4.6), both sides:
//
//   - the trustee's, run on the trustee's own computer by `torg election
//     trustee` (ThresholdKeygen: step 1, the seed and the certificate;
//     ThresholdPolynomial: step 3; ThresholdVoutput: step 5;
//     DecryptRecordThreshold: the partial decryption after the close);
//   - the server's, which only relays and checks (ParseCert,
//     CheckPolynomial, MakeVinput, CheckVoutput) and never sees a
//     decryption key: every secret travels encrypted to its recipient.
//
// The files are those of `belenios-tool setup generate-trustee-key-threshold`
// (cert, polynomial, vinput, voutput, the 22-character seed file and the
// .dkey), so a trustee may run either tool for any step.

// Reasons a ceremony file is refused.
var (
	errCeremonyFormat = errors.New("not a file of this step in canonical Belenios form")
	errCeremonyProof  = errors.New("a signature or proof in the file does not verify")
)

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// SeedLength is the length of a threshold trustee's secret seed.
const SeedLength = 22

// scalarOf reduces a big-endian byte string mod Q (constant time).
func scalarOf(b []byte) *bigmod.Nat {
	w, err := bigmod.NewNat().SetBytes(b, wideMod)
	if err != nil {
		panic(err) // callers pass at most 64 bytes
	}
	return bigmod.NewNat().Mod(w, qMod)
}

// natOf is a public scalar (already < Q) as a Nat.
func natOf(x *big.Int) *bigmod.Nat {
	n, err := bigmod.NewNat().SetBytes(x.FillBytes(make([]byte, (belenios.Q.BitLen()+7)/8)), qMod)
	if err != nil {
		panic(err)
	}
	return n
}

func natInt(n *bigmod.Nat) *big.Int { return new(big.Int).SetBytes(n.Bytes(qMod)) }

// expSecret is base^e mod P in time independent of e.
func expSecret(base *big.Int, e *bigmod.Nat) *big.Int {
	return (&PrivateKey{}).exp(base, e)
}

// schnorrProof proves knowledge of x (X = g^x) for the challenge function
// ch of the commitment A = g^w: response = w − x·c mod Q.
func schnorrProof(x *bigmod.Nat, ch func(A *big.Int) *big.Int, rnd io.Reader) (belenios.Proof, error) {
	w, err := randomScalar(rnd)
	if err != nil {
		return belenios.Proof{}, err
	}
	c := ch(expSecret(belenios.G, w))
	xc := bigmod.NewNat().ExpandFor(qMod).Add(x, qMod)
	xc.Mul(natOf(c), qMod)
	r := bigmod.NewNat().ExpandFor(qMod).Add(w, qMod).Sub(xc, qMod)
	return belenios.Proof{Challenge: c, Response: natInt(r)}, nil
}

// checkSchnorr verifies g^r·X^c = A with c = ch(A).
func checkSchnorr(X *big.Int, p belenios.Proof, ch func(A *big.Int) *big.Int) bool {
	if !belenios.IsElement(X) || !isScalar(p.Challenge) || !isScalar(p.Response) {
		return false
	}
	A := new(big.Int).Exp(belenios.G, p.Response, belenios.P)
	A.Mul(A, new(big.Int).Exp(X, p.Challenge, belenios.P)).Mod(A, belenios.P)
	return ch(A).Cmp(p.Challenge) == 0
}

// --- JSON in Belenios' compact form ---

// jstr is s as a JSON string, as Belenios writes it (no HTML escaping).
func jstr(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func jproof(p belenios.Proof) string {
	return `{"challenge":"` + p.Challenge.String() + `","response":"` + p.Response.String() + `"}`
}

func jsigned(m belenios.SignedMsg) string {
	return `{"message":` + jstr(m.Message) + `,"signature":` + jproof(m.Signature) + `}`
}

func jnums(xs []*big.Int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = `"` + x.String() + `"`
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func jstrs(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = jstr(s)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

type rawProofJ struct {
	Challenge string `json:"challenge"`
	Response  string `json:"response"`
}

type rawSignedJ struct {
	Message   string    `json:"message"`
	Signature rawProofJ `json:"signature"`
}

// strict decodes one JSON value, refusing unknown fields and trailing data.
func strict(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

// num parses a decimal number without sign or leading zeros.
func num(s string) (*big.Int, bool) {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok || x.Sign() < 0 || x.String() != s {
		return nil, false
	}
	return x, true
}

func (r rawProofJ) conv() (belenios.Proof, bool) {
	c, ok1 := num(r.Challenge)
	s, ok2 := num(r.Response)
	return belenios.Proof{Challenge: c, Response: s}, ok1 && ok2
}

func (r rawSignedJ) conv() (belenios.SignedMsg, bool) {
	p, ok := r.Signature.conv()
	return belenios.SignedMsg{Message: r.Message, Signature: p}, ok
}

// --- the PKI of §4.6.1 ---

// pki is a threshold trustee's four keys, derived from the seed.
type pki struct {
	sk, dk *bigmod.Nat
	vk, ek *big.Int // g^sk, g^dk
}

func pkiFromSeed(seed string) (*pki, error) {
	if len(seed) != SeedLength || strings.Trim(seed, base58) != "" {
		return nil, fmt.Errorf("the key file is not a threshold trustee seed (%d characters of Base58)", SeedLength)
	}
	h1 := sha256.Sum256([]byte("sk|" + seed))
	h2 := sha256.Sum256([]byte("dk|" + seed))
	k := &pki{sk: scalarOf(h1[:]), dk: scalarOf(h2[:])}
	k.vk, k.ek = expSecret(belenios.G, k.sk), expSecret(belenios.G, k.dk)
	return k, nil
}

func sign(sk *bigmod.Nat, msg string, rnd io.Reader) (belenios.SignedMsg, error) {
	p, err := schnorrProof(sk, func(A *big.Int) *big.Int { return hashToScalar("sigmsg|"+msg+"|", A) }, rnd)
	return belenios.SignedMsg{Message: msg, Signature: p}, err
}

func checkSigned(m belenios.SignedMsg, vk *big.Int) bool {
	return checkSchnorr(vk, m.Signature, func(A *big.Int) *big.Int { return hashToScalar("sigmsg|"+m.Message+"|", A) })
}

// ccm is AES-256-CCM as SJCL and Belenios use it: 13-byte nonce (L = 2),
// 8-byte tag, no associated data. Output: ciphertext ‖ tag.
func ccm(key, nonce, msg []byte, open bool) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	const tagLen = 8
	if len(nonce) != 13 {
		return nil, errors.New("ccm: nonce must be 13 bytes")
	}
	var tag []byte
	if open {
		if len(msg) < tagLen {
			return nil, errors.New("ccm: message too short")
		}
		msg, tag = msg[:len(msg)-tagLen], msg[len(msg)-tagLen:]
	}
	if len(msg) >= 1<<16 {
		return nil, errors.New("ccm: message too long")
	}
	ctr := func(i int) []byte {
		a := make([]byte, 16)
		a[0] = 1 // L − 1
		copy(a[1:14], nonce)
		a[14], a[15] = byte(i>>8), byte(i)
		return a
	}
	// Counter mode from block 1.
	out := make([]byte, len(msg))
	cipher.NewCTR(b, ctr(1)).XORKeyStream(out, msg)
	plain := msg
	if open {
		plain = out
	}
	// CBC-MAC over B0 and the plaintext.
	mac := make([]byte, 16)
	mac[0] = byte(8*((tagLen-2)/2) + 1)
	copy(mac[1:14], nonce)
	mac[14], mac[15] = byte(len(plain)>>8), byte(len(plain))
	b.Encrypt(mac, mac)
	for i := 0; i < len(plain); i += 16 {
		blk := make([]byte, 16)
		copy(blk, plain[i:min(i+16, len(plain))])
		subtle.XORBytes(mac, mac, blk)
		b.Encrypt(mac, mac)
	}
	s0 := make([]byte, 16)
	b.Encrypt(s0, ctr(0))
	subtle.XORBytes(mac, mac, s0)
	if open {
		if subtle.ConstantTimeCompare(mac[:tagLen], tag) != 1 {
			return nil, errors.New("ccm: the message was altered or is for another key")
		}
		return out, nil
	}
	return append(out, mac[:tagLen]...), nil
}

func symKeys(gs, alpha *big.Int) (key, nonce []byte) {
	k := sha256.Sum256([]byte("key|" + gs.String()))
	iv := sha256.Sum256([]byte("iv|" + alpha.String()))
	return k[:], iv[:13]
}

// encryptMsg encrypts msg to ek (an encrypted_msg, serialized).
func encryptMsg(ek *big.Int, msg string, rnd io.Reader) (string, error) {
	r, err := randomScalar(rnd)
	if err != nil {
		return "", err
	}
	s, err := randomScalar(rnd)
	if err != nil {
		return "", err
	}
	alpha, gs := expSecret(belenios.G, r), expSecret(belenios.G, s)
	beta := new(big.Int).Mul(expSecret(ek, r), gs)
	beta.Mod(beta, belenios.P)
	key, nonce := symKeys(gs, alpha)
	data, err := ccm(key, nonce, []byte(msg), false)
	if err != nil {
		return "", err
	}
	return `{"alpha":"` + alpha.String() + `","beta":"` + beta.String() + `","data":"` + hex.EncodeToString(data) + `"}`, nil
}

type encMsgJ struct {
	Alpha string `json:"alpha"`
	Beta  string `json:"beta"`
	Data  string `json:"data"`
}

// checkEncrypted reports whether s is an encrypted_msg in canonical form
// (what the server can check of a message it cannot read).
func checkEncrypted(s string) bool {
	var m encMsgJ
	if strict([]byte(s), &m) != nil {
		return false
	}
	a, ok1 := num(m.Alpha)
	b, ok2 := num(m.Beta)
	d, err := hex.DecodeString(m.Data)
	return ok1 && ok2 && err == nil && len(d) >= 8 && hex.EncodeToString(d) == m.Data &&
		belenios.IsElement(a) && belenios.IsElement(b) &&
		`{"alpha":"`+m.Alpha+`","beta":"`+m.Beta+`","data":"`+m.Data+`"}` == s
}

func decryptMsg(dk *bigmod.Nat, s string) (string, error) {
	var m encMsgJ
	if err := strict([]byte(s), &m); err != nil {
		return "", fmt.Errorf("encrypted message: %w", err)
	}
	alpha, ok1 := num(m.Alpha)
	beta, ok2 := num(m.Beta)
	data, err := hex.DecodeString(m.Data)
	if !ok1 || !ok2 || err != nil || !belenios.IsElement(alpha) || !belenios.IsElement(beta) {
		return "", errors.New("encrypted message: bad numbers")
	}
	inv := new(big.Int).ModInverse(expSecret(alpha, dk), belenios.P)
	gs := inv.Mul(inv, beta)
	gs.Mod(gs, belenios.P)
	key, nonce := symKeys(gs, alpha)
	out, err := ccm(key, nonce, data, true)
	if err != nil {
		return "", fmt.Errorf("encrypted message: %w", err)
	}
	return string(out), nil
}

// send is send(sk, recipient, message) of §4.6.3.
func send(sk *bigmod.Nat, recipient *big.Int, msg string, rnd io.Reader) (string, error) {
	ch := `{"recipient":"` + recipient.String() + `","message":` + jstr(msg) + `}`
	sm, err := sign(sk, ch, rnd)
	if err != nil {
		return "", err
	}
	return encryptMsg(recipient, jsigned(sm), rnd)
}

// receive opens a channel message sent by the holder of vk to k.
func (k *pki) receive(s string, vk *big.Int) (string, error) {
	inner, err := decryptMsg(k.dk, s)
	if err != nil {
		return "", err
	}
	var sm rawSignedJ
	if err := strict([]byte(inner), &sm); err != nil {
		return "", fmt.Errorf("channel message: %w", err)
	}
	m, ok := sm.conv()
	if !ok || !checkSigned(m, vk) {
		return "", errors.New("channel message: the sender's signature does not verify")
	}
	var ch struct {
		Recipient string `json:"recipient"`
		Message   string `json:"message"`
	}
	if err := strict([]byte(m.Message), &ch); err != nil {
		return "", fmt.Errorf("channel message: %w", err)
	}
	if ch.Recipient != k.ek.String() {
		return "", errors.New("channel message: meant for another trustee")
	}
	return ch.Message, nil
}

// --- certificates (step 1) ---

// Cert is a threshold trustee's certificate: its verification and
// encryption keys, signed.
type Cert struct {
	VK, EK *big.Int
	Raw    string // canonical signed_msg JSON
}

// ParseCert parses a certificate file and checks its signature.
func ParseCert(raw []byte) (*Cert, error) {
	raw = trimNewline(raw)
	var sm rawSignedJ
	if err := strict(raw, &sm); err != nil {
		return nil, errCeremonyFormat
	}
	m, ok := sm.conv()
	if !ok || jsigned(m) != string(raw) {
		return nil, errCeremonyFormat
	}
	var ck struct {
		Verification string `json:"verification"`
		Encryption   string `json:"encryption"`
	}
	if err := strict([]byte(m.Message), &ck); err != nil {
		return nil, errCeremonyFormat
	}
	vk, ok1 := num(ck.Verification)
	ek, ok2 := num(ck.Encryption)
	if !ok1 || !ok2 || m.Message != `{"verification":"`+ck.Verification+`","encryption":"`+ck.Encryption+`"}` {
		return nil, errCeremonyFormat
	}
	if !belenios.IsElement(vk) || !belenios.IsElement(ek) || !checkSigned(m, vk) {
		return nil, errCeremonyProof
	}
	return &Cert{VK: vk, EK: ek, Raw: string(raw)}, nil
}

// ParseCerts reads a certs file: one certificate a line, in trustee order.
func ParseCerts(raw []byte) ([]*Cert, error) {
	var out []*Cert
	for i, line := range strings.Split(strings.TrimRight(string(raw), "\r\n"), "\n") {
		c, err := ParseCert([]byte(strings.TrimRight(line, "\r")))
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", i+1, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ThresholdKeygen is step 1 on the trustee's computer: a fresh secret
// seed (keep it: it is needed in steps 3 and 5 and to decrypt) and the
// certificate to upload.
func ThresholdKeygen(rnd io.Reader) (seed string, cert []byte, err error) {
	buf := make([]byte, SeedLength)
	var sb strings.Builder
	for sb.Len() < SeedLength {
		if _, err := io.ReadFull(orRand(rnd), buf); err != nil {
			return "", nil, err
		}
		for _, c := range buf {
			if c < 58*4 && sb.Len() < SeedLength { // unbiased
				sb.WriteByte(base58[c%58])
			}
		}
	}
	seed = sb.String()
	k, _ := pkiFromSeed(seed)
	sm, err := sign(k.sk, `{"verification":"`+k.vk.String()+`","encryption":"`+k.ek.String()+`"}`, rnd)
	if err != nil {
		return "", nil, err
	}
	return seed, []byte(jsigned(sm)), nil
}

// own finds the trustee's own position among the certificates.
func (k *pki) own(certs []*Cert) (int, error) {
	for i, c := range certs {
		if c.VK.Cmp(k.vk) == 0 && c.EK.Cmp(k.ek) == 0 {
			return i, nil
		}
	}
	return 0, errors.New("your certificate is not among the certificates: check the key file and download the certificates again")
}

// --- polynomials (step 3) ---

// Polynomial is a trustee's step 3 file as the server checks it.
type Polynomial struct {
	Polynomial string             // encrypted to the trustee itself
	Secrets    []string           // f(j) encrypted to trustee j
	Coefexps   belenios.SignedMsg // g^a_k, signed
	A          []*big.Int         // the coefexps
}

func (p *Polynomial) marshal() string {
	return `{"polynomial":` + jstr(p.Polynomial) + `,"secrets":` + jstrs(p.Secrets) + `,"coefexps":` + jsigned(p.Coefexps) + `}`
}

func parseCoefexps(m belenios.SignedMsg) ([]*big.Int, bool) {
	var ce struct {
		Coefexps []string `json:"coefexps"`
	}
	if strict([]byte(m.Message), &ce) != nil {
		return nil, false
	}
	var out []*big.Int
	for _, s := range ce.Coefexps {
		x, ok := num(s)
		if !ok || !belenios.IsElement(x) {
			return nil, false
		}
		out = append(out, x)
	}
	return out, len(out) > 0 && m.Message == `{"coefexps":`+jnums(out)+`}`
}

// CheckPolynomial parses a step 3 file of the trustee with certificate c
// among n trustees of whom t decrypt: its form, the signature of its
// coefficients and their number. The secrets it carries are encrypted to
// their recipients, who check them in step 5.
func CheckPolynomial(raw []byte, c *Cert, n, t int) (*Polynomial, error) {
	raw = trimNewline(raw)
	var pj struct {
		Polynomial string     `json:"polynomial"`
		Secrets    []string   `json:"secrets"`
		Coefexps   rawSignedJ `json:"coefexps"`
	}
	if err := strict(raw, &pj); err != nil {
		return nil, errCeremonyFormat
	}
	m, ok := pj.Coefexps.conv()
	if !ok || !checkEncrypted(pj.Polynomial) || len(pj.Secrets) != n {
		return nil, errCeremonyFormat
	}
	for _, s := range pj.Secrets {
		if !checkEncrypted(s) {
			return nil, errCeremonyFormat
		}
	}
	A, ok := parseCoefexps(m)
	if !ok || len(A) != t {
		return nil, errCeremonyFormat
	}
	p := &Polynomial{Polynomial: pj.Polynomial, Secrets: pj.Secrets, Coefexps: m, A: A}
	if p.marshal() != string(raw) {
		return nil, errCeremonyFormat
	}
	if !checkSigned(m, c.VK) {
		return nil, errCeremonyProof
	}
	return p, nil
}

// ThresholdPolynomial is step 3 on the trustee's computer: it checks the
// certificates, draws the polynomial of degree t−1 and returns the file to
// upload.
func ThresholdPolynomial(seed string, certs []*Cert, t int, rnd io.Reader) ([]byte, error) {
	k, err := pkiFromSeed(strings.TrimSpace(seed))
	if err != nil {
		return nil, err
	}
	me, err := k.own(certs)
	if err != nil {
		return nil, err
	}
	n := len(certs)
	if t < 1 || t > n {
		return nil, fmt.Errorf("threshold %d of %d trustees is not possible", t, n)
	}
	a := make([]*bigmod.Nat, t)
	A := make([]*big.Int, t)
	for i := range a {
		if a[i], err = randomScalar(rnd); err != nil {
			return nil, err
		}
		A[i] = expSecret(belenios.G, a[i])
	}
	coefs := make([]*big.Int, t)
	for i := range a {
		coefs[i] = natInt(a[i])
	}
	p := &Polynomial{}
	if p.Polynomial, err = send(k.sk, certs[me].EK, `{"polynomial":`+jnums(coefs)+`}`, rnd); err != nil {
		return nil, err
	}
	for j := 1; j <= n; j++ {
		jj := natOf(big.NewInt(int64(j)))
		f := bigmod.NewNat().ExpandFor(qMod).Add(a[t-1], qMod)
		for i := t - 2; i >= 0; i-- {
			f.Mul(jj, qMod).Add(a[i], qMod)
		}
		s, err := send(k.sk, certs[j-1].EK, `{"secret":"`+natInt(f).String()+`"}`, rnd)
		if err != nil {
			return nil, err
		}
		p.Secrets = append(p.Secrets, s)
	}
	if p.Coefexps, err = sign(k.sk, `{"coefexps":`+jnums(A)+`}`, rnd); err != nil {
		return nil, err
	}
	return []byte(p.marshal()), nil
}

// --- vinputs (step 4) and voutputs (step 5) ---

// MakeVinput is step 4 for trustee j (1-based): its own polynomial, the
// j-th secret of every polynomial and every trustee's coefficients.
func MakeVinput(polys []*Polynomial, j int) []byte {
	secrets := make([]string, len(polys))
	ces := make([]string, len(polys))
	for i, p := range polys {
		secrets[i] = p.Secrets[j-1]
		ces[i] = jsigned(p.Coefexps)
	}
	return []byte(`{"polynomial":` + jstr(polys[j-1].Polynomial) + `,"secrets":` + jstrs(secrets) + `,"coefexps":[` + strings.Join(ces, ",") + `]}`)
}

// shareKey is Π_i Π_k A_ik^(j^k): the public key of trustee j's share.
func shareKey(A [][]*big.Int, j int) *big.Int {
	want := big.NewInt(1)
	for _, Ai := range A {
		jk := big.NewInt(1)
		for _, a := range Ai {
			want.Mul(want, new(big.Int).Exp(a, jk, belenios.P)).Mod(want, belenios.P)
			jk.Mul(jk, big.NewInt(int64(j))).Mod(jk, belenios.Q)
		}
	}
	return want
}

// ThresholdVoutput is step 5 on the trustee's computer: it opens the
// secrets the other trustees sent in the vinput, checks each against its
// sender's signed coefficients, and returns the voutput to upload and the
// .dkey to keep (the share, encrypted to the trustee itself).
func ThresholdVoutput(seed string, certs []*Cert, vinput []byte, rnd io.Reader) (voutput, dkey []byte, err error) {
	k, err := pkiFromSeed(strings.TrimSpace(seed))
	if err != nil {
		return nil, nil, err
	}
	me, err := k.own(certs)
	if err != nil {
		return nil, nil, err
	}
	var vj struct {
		Polynomial string       `json:"polynomial"`
		Secrets    []string     `json:"secrets"`
		Coefexps   []rawSignedJ `json:"coefexps"`
	}
	if err := strict(trimNewline(vinput), &vj); err != nil {
		return nil, nil, fmt.Errorf("vinput: %w", err)
	}
	n := len(certs)
	if len(vj.Secrets) != n || len(vj.Coefexps) != n {
		return nil, nil, fmt.Errorf("vinput: %d secrets and %d coefficient lists for %d trustees", len(vj.Secrets), len(vj.Coefexps), n)
	}
	j := me + 1
	S := bigmod.NewNat().ExpandFor(qMod)
	t := 0
	for i := 0; i < n; i++ {
		m, ok := vj.Coefexps[i].conv()
		A, ok2 := parseCoefexps(m)
		if !ok || !ok2 || !checkSigned(m, certs[i].VK) {
			return nil, nil, fmt.Errorf("vinput: the coefficients of trustee %d are not signed by that trustee", i+1)
		}
		if i == 0 {
			t = len(A)
		} else if len(A) != t {
			return nil, nil, fmt.Errorf("vinput: trustee %d used another threshold", i+1)
		}
		msg, err := k.receive(vj.Secrets[i], certs[i].VK)
		if err != nil {
			return nil, nil, fmt.Errorf("vinput: secret from trustee %d: %w", i+1, err)
		}
		var sj struct {
			Secret string `json:"secret"`
		}
		x, ok := num("")
		if strict([]byte(msg), &sj) == nil {
			x, ok = num(sj.Secret)
		}
		if !ok || x.BitLen() > 512 {
			return nil, nil, fmt.Errorf("vinput: secret from trustee %d is not a number", i+1)
		}
		s := scalarOf(x.FillBytes(make([]byte, 64)))
		if expSecret(belenios.G, s).Cmp(shareKey([][]*big.Int{A}, j)) != 0 {
			return nil, nil, fmt.Errorf("vinput: the secret from trustee %d does not match its coefficients: do not go on, tell the election officer", i+1)
		}
		S.Add(s, qMod)
	}
	d, err := send(k.sk, k.ek, `{"decryption_key":"`+natInt(S).String()+`"}`, rnd)
	if err != nil {
		return nil, nil, err
	}
	X := expSecret(belenios.G, S)
	pok, err := schnorrProof(S, func(A *big.Int) *big.Int {
		return hashToScalar("pok|"+belenios.GroupName+"|"+X.String()+"|", A)
	}, rnd)
	if err != nil {
		return nil, nil, err
	}
	pub := belenios.MarshalTrusteePublicKey(belenios.TrusteePublicKey{PoK: pok, PublicKey: X})
	return []byte(`{"private_key":` + jstr(d) + `,"public_key":` + string(pub) + `}`), []byte(d), nil
}

// CheckVoutput checks trustee j's voutput (1-based) against every
// trustee's coefficients A: the share's public key must be
// Π_i Π_k A_ik^(j^k), with a valid proof of knowledge, and the private
// part an encrypted message. It returns the trustee's verification key.
func CheckVoutput(raw []byte, A [][]*big.Int, j int) (belenios.TrusteePublicKey, error) {
	raw = trimNewline(raw)
	var vo struct {
		PrivateKey string          `json:"private_key"`
		PublicKey  json.RawMessage `json:"public_key"`
	}
	if err := strict(raw, &vo); err != nil || !checkEncrypted(vo.PrivateKey) {
		return belenios.TrusteePublicKey{}, errCeremonyFormat
	}
	k, err := ParseTrusteeKey(vo.PublicKey)
	switch {
	case errors.Is(err, errKeyFormat):
		return k, errCeremonyFormat
	case err != nil:
		return k, errCeremonyProof
	}
	if `{"private_key":`+jstr(vo.PrivateKey)+`,"public_key":`+string(belenios.MarshalTrusteePublicKey(k))+`}` != string(raw) {
		return k, errCeremonyFormat
	}
	if k.PublicKey.Cmp(shareKey(A, j)) != 0 {
		return k, errCeremonyProof
	}
	return k, nil
}

// --- decryption ---

// openShare recovers the trustee's share S_j from the seed and the .dkey
// (or the voutput holding it).
func openShare(seed string, dkey []byte) (*PrivateKey, error) {
	k, err := pkiFromSeed(strings.TrimSpace(seed))
	if err != nil {
		return nil, err
	}
	d := string(trimNewline(dkey))
	var vo struct {
		PrivateKey string          `json:"private_key"`
		PublicKey  json.RawMessage `json:"public_key"`
	}
	if strict([]byte(d), &vo) == nil && vo.PrivateKey != "" {
		d = vo.PrivateKey
	}
	msg, err := k.receive(d, k.vk)
	if err != nil {
		return nil, fmt.Errorf("decryption key file: %w", err)
	}
	var dk struct {
		DecryptionKey string `json:"decryption_key"`
	}
	x, ok := num("")
	if strict([]byte(msg), &dk) == nil {
		x, ok = num(dk.DecryptionKey)
	}
	if !ok || x.BitLen() > 512 { // belenios-tool does not reduce the sum mod Q
		return nil, errors.New("decryption key file: not a key")
	}
	s := scalarOf(x.FillBytes(make([]byte, 64)))
	return &PrivateKey{x: s, Pub: expSecret(belenios.G, s)}, nil
}

func orRand(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}
