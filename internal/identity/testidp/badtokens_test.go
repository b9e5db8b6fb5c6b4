package testidp

import (
	"crypto/rsa"
	"testing"

	"golang.org/x/oauth2"
)

// TestRelyingPartyRejectsBadTokens checks that MutateClaims and SignWith
// produce ID tokens that the go-oidc verifier (or the nonce check every
// relying party must do) rejects.
func TestRelyingPartyRejectsBadTokens(t *testing.T) {
	key, other := newKey(t), newKey(t)
	tests := []struct {
		name         string
		mutate       func(map[string]any)
		signWith     *rsa.PrivateKey
		wantVerifyOK bool // Verify passes; the nonce or acr check must catch it
		wantNonceBad bool
		wantACRBad   bool
	}{
		{name: "wrong aud", mutate: func(c map[string]any) { c["aud"] = "someone-else" }},
		{name: "wrong iss", mutate: func(c map[string]any) { c["iss"] = "https://idporten.no" }},
		{name: "expired", mutate: func(c map[string]any) { c["exp"] = c["iat"].(int64) - 3600 }},
		{name: "bad signature", signWith: other},
		{name: "wrong nonce", mutate: func(c map[string]any) { c["nonce"] = "replayed" }, wantVerifyOK: true, wantNonceBad: true},
		{name: "lower acr", mutate: func(c map[string]any) { c["acr"] = acrSubstantial }, wantVerifyOK: true, wantACRBad: true},
		{name: "untouched", mutate: func(map[string]any) {}, wantVerifyOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, key, func(c *Config) {
				c.MutateClaims = tc.mutate
				c.SignWith = tc.signWith
			})
			r := newRP(t, e, oauth2.AuthStyleInHeader)
			tok := r.signIn(t, e, "Kari Nordmann", "the-nonce", oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("acr_values", acrHigh))
			raw, _ := tok.Extra("id_token").(string)
			idt, err := r.verifier.Verify(r.ctx, raw)
			if (err == nil) != tc.wantVerifyOK {
				t.Fatalf("Verify error = %v, want ok = %v", err, tc.wantVerifyOK)
			}
			if err != nil {
				return
			}
			if bad := idt.Nonce != "the-nonce"; bad != tc.wantNonceBad {
				t.Errorf("nonce %q", idt.Nonce)
			}
			var c idClaims
			if err := idt.Claims(&c); err != nil {
				t.Fatal(err)
			}
			if bad := c.ACR != acrHigh; bad != tc.wantACRBad {
				t.Errorf("acr %q", c.ACR)
			}
		})
	}
}
