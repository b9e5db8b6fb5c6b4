package receipt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// jwk is one JSON Web Key (RFC 7517) holding an Ed25519 key as an Octet
// Key Pair (RFC 8037). Municipality is this package's own member; other
// JWK consumers ignore it.
type jwk struct {
	Kty          string `json:"kty"`
	Crv          string `json:"crv,omitempty"`
	X            string `json:"x,omitempty"`
	D            string `json:"d,omitempty"`
	Kid          string `json:"kid,omitempty"`
	Use          string `json:"use,omitempty"`
	Alg          string `json:"alg,omitempty"`
	Municipality string `json:"municipality,omitempty"`
}

// jwks is a JWK Set.
type jwks struct {
	Keys []jwk `json:"keys"`
}

// MarshalPublicKeys returns keys as a JWK Set (RFC 7517) for publishing at
// a URL, one key per entry:
//
//	{"keys":[{"kty":"OKP","crv":"Ed25519","x":"<base64url>","kid":"demo-2026",
//	  "use":"sig","alg":"EdDSA","municipality":"Demo kommune"}]}
//
// "kty", "crv" and "x" are as RFC 8037 defines them for Ed25519; "alg" is
// RFC 8037's "EdDSA"; "municipality" is Torg's own member and is left out
// when empty. It is an error to pass a key with an invalid key ID or key,
// or two keys with the same key ID.
func MarshalPublicKeys(keys []PublicKey) ([]byte, error) {
	set := jwks{Keys: []jwk{}}
	seen := map[string]bool{}
	for _, k := range keys {
		if !ValidKeyID(k.KeyID) {
			return nil, fmt.Errorf("receipt: invalid key id %q", k.KeyID)
		}
		if seen[k.KeyID] {
			return nil, fmt.Errorf("receipt: key id %s appears twice", k.KeyID)
		}
		seen[k.KeyID] = true
		if len(k.Key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("receipt: key %s is not an Ed25519 public key", k.KeyID)
		}
		set.Keys = append(set.Keys, jwk{
			Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(k.Key),
			Kid: k.KeyID, Use: "sig", Alg: "EdDSA", Municipality: k.Municipality,
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(set); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	return buf.Bytes(), nil
}

// ParsePublicKeys reads a JWK Set as MarshalPublicKeys writes it. Keys of
// other types or curves, and keys whose "use" or "alg" says they are not
// for Ed25519 signatures, are skipped, so a set shared with other keys
// works. It is an error if the set holds no Ed25519 signing key, if a key
// lacks a valid "kid" or "x", if two keys share a key ID, or if a key
// carries its private part ("d"): a published private key must never be
// trusted.
func ParsePublicKeys(data []byte) ([]PublicKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("receipt: reading JWK set: %w", err)
	}
	var keys []PublicKey
	seen := map[string]bool{}
	for i, raw := range set.Keys {
		var k jwk
		if err := json.Unmarshal(raw, &k); err != nil {
			return nil, fmt.Errorf("receipt: JWK set key %d: %w", i, err)
		}
		if k.Kty != "OKP" || k.Crv != "Ed25519" ||
			(k.Use != "" && k.Use != "sig") ||
			(k.Alg != "" && k.Alg != "EdDSA" && k.Alg != "Ed25519") {
			continue
		}
		if k.D != "" {
			return nil, fmt.Errorf("receipt: JWK set key %d (%q) contains a private key; publish only public keys", i, k.Kid)
		}
		if !ValidKeyID(k.Kid) {
			return nil, fmt.Errorf("receipt: JWK set key %d: invalid or missing kid %q", i, k.Kid)
		}
		if seen[k.Kid] {
			return nil, fmt.Errorf("receipt: JWK set: key id %s appears twice", k.Kid)
		}
		seen[k.Kid] = true
		x, err := base64.RawURLEncoding.Strict().DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("receipt: JWK set key %s: \"x\" is not a %d-byte base64url Ed25519 public key", k.Kid, ed25519.PublicKeySize)
		}
		keys = append(keys, PublicKey{KeyID: k.Kid, Key: ed25519.PublicKey(x), Municipality: k.Municipality})
	}
	if len(keys) == 0 {
		return nil, errors.New("receipt: the JWK set holds no Ed25519 signing key")
	}
	return keys, nil
}
