package belenios

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readDemo(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(demoDir, name))
	if err != nil {
		t.Skipf("demo election not available: %v", err)
	}
	return b
}

// Our credential derivation gives exactly the public credentials that
// belenios-tool published for the demo voters.
func TestDeriveCredentialMatchesBelenios(t *testing.T) {
	uuid := strings.TrimSpace(string(readDemo(t, "uuid.txt")))
	a, err := ReadArchive(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	sd, _ := ParseSetupData(a.Data[a.Events[0].Payload])
	pubs, err := ParseCredentials(a.Data[sd.Credentials])
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]bool{}
	for _, p := range pubs {
		published[p] = true
	}
	lines := strings.Split(strings.TrimSpace(string(readDemo(t, "private_creds.txt"))), "\n")
	if len(lines) != len(pubs) {
		t.Fatalf("%d private, %d public credentials", len(lines), len(pubs))
	}
	for _, l := range lines {
		_, cred, _ := strings.Cut(l, " ")
		c, err := DeriveCredential(uuid, cred)
		if err != nil {
			t.Fatal(err)
		}
		if !published[c.Public.String()] {
			t.Errorf("credential %s derives a public credential belenios did not publish", cred)
		}
	}
	for _, bad := range []string{"MBD-2ve-aaL-Grz-7P9", "MBD-2ve-aaL-Grz-7P", "0BD-2ve-aaL-Grz-7P8", "MBD2veaaLGrz7P8xx"} {
		if _, err := DeriveCredential(uuid, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// With a demo trustee's private key, our partial decryption gives the same
// decryption factors (α^x) as belenios-tool recorded, and its proofs
// verify.
func TestPartialDecryptMatchesBelenios(t *testing.T) {
	a, err := ReadArchive(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	sd, _ := ParseSetupData(a.Data[a.Events[0].Payload])
	elRaw := a.Data[sd.Election]
	ts, err := ParseTrustees(a.Data[sd.Trustees])
	if err != nil {
		t.Fatal(err)
	}
	var tally [][]Ciphertext
	var recorded *PartialDecryption
	for _, ev := range a.Events {
		switch ev.Type {
		case EvEncryptedTally:
			st, _ := ParseSizedTally(a.Data[ev.Payload])
			tally, _ = ParseTally(a.Data[st.Tally])
		case EvPartialDecryption:
			o, _ := ParseOwned(a.Data[ev.Payload])
			if o.Owner == 1 && recorded == nil {
				recorded, _ = ParsePartialDecryption(a.Data[o.Payload])
			}
		}
	}
	// Trustee 1 is the first line of public_keys.jsons; find its privkey.
	first := strings.SplitN(string(readDemo(t, "public_keys.jsons")), "\n", 2)[0]
	ms, _ := filepath.Glob(filepath.Join(demoDir, "*.pubkey"))
	var priv string
	for _, m := range ms {
		b, _ := os.ReadFile(m)
		if bytes.Equal(bytes.TrimSpace(b), []byte(first)) {
			p, _ := os.ReadFile(strings.TrimSuffix(m, ".pubkey") + ".privkey")
			json.Unmarshal(p, &priv)
		}
	}
	x, err := dec(priv)
	if err != nil {
		t.Fatalf("private key of trustee 1: %v", err)
	}
	k := &TrusteeKey{Public: *ts[0].Single, x: scalarFromInt(x)}
	if expCT(G, k.x).Cmp(k.Public.PublicKey) != 0 {
		t.Fatal("private key does not match trustee 1")
	}
	pd, err := k.PartialDecrypt(Fingerprint(elRaw), tally, nil)
	if err != nil {
		t.Fatal(err)
	}
	if recorded == nil || len(pd.Factors) != len(recorded.Factors) {
		t.Fatal("no partial decryption of trustee 1 in the demo record")
	}
	for i := range pd.Factors {
		for j := range pd.Factors[i] {
			if pd.Factors[i][j].Cmp(recorded.Factors[i][j]) != 0 {
				t.Errorf("factor %d,%d differs from belenios-tool's", i, j)
			}
		}
	}
	el, _ := ParseElection(elRaw)
	v := &verifier{el: el, phi: Fingerprint(elRaw), gTab: gBase()}
	if msg := v.verifyPartial(pd, tally, k.Public.PublicKey); msg != "" {
		t.Error(msg)
	}
}

// A ballot made by CreateBallot for the demo election, with a demo
// voter's credential, passes the verifier's ballot checks (and every
// plaintext shape is refused when invalid).
func TestCreateBallotForDemoElection(t *testing.T) {
	a, err := ReadArchive(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	sd, _ := ParseSetupData(a.Data[a.Events[0].Payload])
	elRaw := a.Data[sd.Election]
	el, _ := ParseElection(elRaw)
	uuid := el.UUID
	_, cred, _ := strings.Cut(strings.SplitN(string(readDemo(t, "private_creds.txt")), "\n", 2)[0], " ")
	c, err := DeriveCredential(uuid, cred)
	if err != nil {
		t.Fatal(err)
	}
	v := &verifier{el: el, phi: Fingerprint(elRaw), y: el.PublicKey, gTab: gBase(), yTab: tableFor(el.PublicKey)}
	for _, votes := range [][][]int{{{1, 0}, {0, 1, 0, 0}}, {{0, 1}, {1, 0, 0, 0}}, {{0, 1}, {0, 1, 1, 0}}, {{1, 0}, {0, 0, 1, 1}}} {
		b, err := CreateBallot(elRaw, el, c, votes, nil)
		if err != nil {
			t.Fatal(err)
		}
		if e := v.verifyBallot(b, 1); e != nil {
			t.Errorf("%v: %v", votes, e)
		}
		if _, err := ParseBallot(b.Marshal()); err != nil {
			t.Errorf("%v: %v", votes, err)
		}
	}
	for _, bad := range [][][]int{{{1, 1}, {0, 1, 0, 0}}, {{1, 0}, {0, 1, 1, 1}}, {{1, 0}, {1, 1, 0, 0}}, {{1, 0}, {0, 0, 0, 0}}, {{1, 0}}, {{2, 0}, {0, 1, 0, 0}}, {{1, 0}, {0, 1, 0}}} {
		if _, err := CreateBallot(elRaw, el, c, bad, nil); err == nil {
			t.Errorf("invalid plaintext %v accepted", bad)
		}
	}
}
