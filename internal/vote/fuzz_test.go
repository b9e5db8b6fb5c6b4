package vote

import (
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// FuzzParseVoterList: any bytes give numbers that are valid and distinct,
// or line numbers, or an error; never a panic.
func FuzzParseVoterList(f *testing.F) {
	pids := testPIDs(f, 3)
	f.Add([]byte("fødselsnummer\n" + strings.Join(pids, "\n")))
	f.Add([]byte(pids[0] + ";Kari\n" + pids[1] + ";Ola\n"))
	f.Add([]byte("\"" + pids[0] + "\",x\n12345678901\n\n"))
	f.Add([]byte("\xef\xbb\xbf" + pids[2]))
	f.Add([]byte("a\"b,c\n\"unterminated"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, bad, err := ParseVoterList(raw)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range got {
			if len(p) != 11 || seen[p] {
				t.Fatalf("bad or repeated number %q", p)
			}
			seen[p] = true
		}
		for _, l := range bad {
			if l < 1 {
				t.Fatalf("line %d", l)
			}
		}
	})
}

// FuzzParseTrusteeKey: only canonical keys with a valid proof pass, and
// what passes re-encodes to the same bytes.
func FuzzParseTrusteeKey(f *testing.F) {
	k, err := belenios.NewTrusteeKey(nil)
	if err != nil {
		f.Fatal(err)
	}
	good := belenios.MarshalTrusteePublicKey(k.Public)
	f.Add(good)
	f.Add([]byte(k.PrivateKeyJSON()))
	f.Add([]byte(`{"pok":{"challenge":"1","response":"1"},"public_key":"2"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := ParseTrusteeKey(raw)
		if err != nil {
			return
		}
		if string(belenios.MarshalTrusteePublicKey(got)) != string(trimNewline(raw)) {
			t.Fatalf("accepted non-canonical key %q", raw)
		}
	})
}

// FuzzParsePrivateKey: a key is accepted only as a JSON string of the
// canonical decimal of a scalar in 1..Q-1.
func FuzzParsePrivateKey(f *testing.F) {
	k, _ := belenios.NewTrusteeKey(nil)
	f.Add([]byte(k.PrivateKeyJSON()))
	f.Add([]byte(`"0"`))
	f.Add([]byte(`"007"`))
	f.Add([]byte(`"` + belenios.Q.String() + `"`))
	f.Add([]byte(`""`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := ParsePrivateKey(raw)
		if err != nil {
			return
		}
		if !belenios.IsElement(p.Pub) {
			t.Fatal("public key outside the group")
		}
	})
}
