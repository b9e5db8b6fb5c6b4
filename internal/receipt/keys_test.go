package receipt

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJWKSRoundTrip(t *testing.T) {
	a, b := testSigner("demo-2025"), testSigner("demo-2026")
	keys := append(testKeys(a), b.Public())
	data, err := MarshalPublicKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	k := set.Keys[0]
	if k["kty"] != "OKP" || k["crv"] != "Ed25519" || k["kid"] != "demo-2025" || k["use"] != "sig" || k["alg"] != "EdDSA" ||
		k["municipality"] != "Demo kommune" || len(k["x"]) != 43 || k["d"] != "" {
		t.Errorf("JWK = %v", k)
	}
	if _, ok := set.Keys[1]["municipality"]; ok {
		t.Error("empty municipality written")
	}
	got, err := ParsePublicKeys(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].KeyID != "demo-2025" || got[0].Municipality != "Demo kommune" ||
		string(got[0].Key) != string(keys[0].Key) || string(got[1].Key) != string(keys[1].Key) {
		t.Errorf("ParsePublicKeys = %+v", got)
	}
	pdf, _ := b.PDF(sampleReceipt("nb", 2))
	if _, err := Verify(pdf, got); err != nil {
		t.Error(err)
	}
}

func TestParsePublicKeys(t *testing.T) {
	const x = `"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"`
	for _, tc := range []struct {
		in   string
		n    int
		fail string
	}{
		{`{"keys":[{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"a"}]}`, 1, ""},
		{`{"keys":[{"kty":"RSA","n":"x","e":"AQAB","kid":"r"},{"kty":"OKP","crv":"X25519",` + x + `,"kid":"x"},{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"a","use":"enc"},{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"b","alg":"Ed25519"}]}`, 1, ""},
		{`{"keys":[{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"a","d":"secret"}]}`, 0, "private key"},
		{`{"keys":[{"kty":"OKP","crv":"Ed25519",` + x + `}]}`, 0, "kid"},
		{`{"keys":[{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"a b"}]}`, 0, "kid"},
		{`{"keys":[{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"a"},{"kty":"OKP","crv":"Ed25519",` + x + `,"kid":"a"}]}`, 0, "twice"},
		{`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"a"}]}`, 0, "32-byte"},
		{`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=","kid":"a"}]}`, 0, "32-byte"},
		{`{"keys":[]}`, 0, "no Ed25519"},
		{`{}`, 0, "no Ed25519"},
		{`[]`, 0, "reading JWK set"},
		{`{"keys":[1]}`, 0, "key 0"},
		{``, 0, "reading JWK set"},
	} {
		got, err := ParsePublicKeys([]byte(tc.in))
		if tc.fail != "" {
			if err == nil || !strings.Contains(err.Error(), tc.fail) {
				t.Errorf("ParsePublicKeys(%s) = %v, want an error containing %q", tc.in, err, tc.fail)
			}
			continue
		}
		if err != nil || len(got) != tc.n {
			t.Errorf("ParsePublicKeys(%s) = %v, %v; want %d keys", tc.in, got, err, tc.n)
		}
	}
}

func TestMarshalPublicKeysRejects(t *testing.T) {
	good := testSigner("a").Public()
	for name, keys := range map[string][]PublicKey{
		"bad kid":   {{KeyID: "a b", Key: good.Key}},
		"short key": {{KeyID: "a", Key: good.Key[:5]}},
		"twice":     {good, good},
	} {
		if _, err := MarshalPublicKeys(keys); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	data, err := MarshalPublicKeys(nil)
	if err != nil || !strings.Contains(string(data), `"keys": []`) {
		t.Errorf("MarshalPublicKeys(nil) = %s, %v", data, err)
	}
}
