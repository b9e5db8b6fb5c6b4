package testidp

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
)

func TestNewValidatesConfig(t *testing.T) {
	key := newKey(t)
	good := func() Config {
		return Config{
			Issuer:  "https://torg.example/testidp",
			Clients: []Client{{ID: "web", Secret: "s", RedirectURIs: []string{"https://torg.example/cb"}}},
			Key:     key,
		}
	}
	smallKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{name: "valid", mod: func(*Config) {}},
		{name: "issuer without path", mod: func(c *Config) { c.Issuer = "http://localhost:8080" }},
		{name: "custom-scheme redirect", mod: func(c *Config) { c.Clients[0].RedirectURIs = []string{"no.kommune.app:/cb"} }},
		{name: "empty issuer", mod: func(c *Config) { c.Issuer = "" }, wantErr: "Issuer"},
		{name: "relative issuer", mod: func(c *Config) { c.Issuer = "/testidp" }, wantErr: "Issuer"},
		{name: "ftp issuer", mod: func(c *Config) { c.Issuer = "ftp://x/testidp" }, wantErr: "Issuer"},
		{name: "trailing slash", mod: func(c *Config) { c.Issuer = "https://torg.example/testidp/" }, wantErr: "slash"},
		{name: "issuer with query", mod: func(c *Config) { c.Issuer = "https://torg.example/testidp?x=1" }, wantErr: "query"},
		{name: "issuer with fragment", mod: func(c *Config) { c.Issuer = "https://torg.example/testidp#x" }, wantErr: "fragment"},
		{name: "issuer with odd host", mod: func(c *Config) { c.Issuer = "https://a;b/testidp" }, wantErr: "host"},
		{name: "no clients", mod: func(c *Config) { c.Clients = nil }, wantErr: "client"},
		{name: "client without id", mod: func(c *Config) { c.Clients[0].ID = "" }, wantErr: "ID"},
		{name: "client without secret", mod: func(c *Config) { c.Clients[0].Secret = "" }, wantErr: "Secret"},
		{name: "client without redirect", mod: func(c *Config) { c.Clients[0].RedirectURIs = nil }, wantErr: "redirect"},
		{name: "relative redirect", mod: func(c *Config) { c.Clients[0].RedirectURIs = []string{"/cb"} }, wantErr: "absolute"},
		{name: "redirect with fragment", mod: func(c *Config) { c.Clients[0].RedirectURIs = []string{"https://a/cb#x"} }, wantErr: "fragment"},
		{name: "redirect with CSP-breaking host", mod: func(c *Config) { c.Clients[0].RedirectURIs = []string{"https://a;script-src/cb"} }, wantErr: "host"},
		{name: "bad post-logout", mod: func(c *Config) { c.Clients[0].PostLogoutRedirectURIs = []string{"x"} }, wantErr: "post-logout"},
		{name: "duplicate client", mod: func(c *Config) { c.Clients = append(c.Clients, c.Clients[0]) }, wantErr: "twice"},
		{name: "person without name", mod: func(c *Config) { c.Persons = []Person{{PID: "15838810028"}} }, wantErr: "Name"},
		{name: "person without id", mod: func(c *Config) { c.Persons = []Person{{Name: "X"}} }, wantErr: "PID or Email"},
		{name: "short PID", mod: func(c *Config) { c.Persons = []Person{{Name: "X", PID: "123"}} }, wantErr: "11 digits"},
		{name: "duplicate PID", mod: func(c *Config) {
			c.Persons = []Person{{Name: "X", PID: "15838810028"}, {Name: "Y", PID: "15838810028"}}
		}, wantErr: "duplicate"},
		{name: "duplicate email", mod: func(c *Config) {
			c.Persons = []Person{{Name: "X", Email: "a@b"}, {Name: "Y", Email: "a@b"}}
		}, wantErr: "duplicate"},
		{name: "weak key", mod: func(c *Config) { c.Key = smallKey }, wantErr: "2048"},
		{name: "weak SignWith", mod: func(c *Config) { c.SignWith = smallKey }, wantErr: "SignWith"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good()
			tc.mod(&cfg)
			p, err := New(cfg)
			if tc.wantErr == "" {
				if err != nil || p == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	p, err := New(Config{
		Issuer:  "http://localhost:8080/testidp",
		Clients: []Client{{ID: "web", Secret: "s", RedirectURIs: []string{"http://localhost:8080/cb"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.key == nil || p.key.N.BitLen() != 2048 {
		t.Error("no generated 2048-bit key")
	}
	if len(p.persons) != len(DemoPersons()) {
		t.Errorf("%d persons, want the demo persons", len(p.persons))
	}
	if p.now == nil || p.log == nil {
		t.Error("clock or logger not defaulted")
	}
}

func TestNewCopiesConfig(t *testing.T) {
	persons := DemoPersons()
	clients := []Client{{ID: "web", Secret: "s", RedirectURIs: []string{"https://a/cb"}}}
	p, err := New(Config{Issuer: "https://a/idp", Clients: clients, Persons: persons, Key: newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	persons[0].PID = "00000000000"
	clients[0].RedirectURIs[0] = "https://evil/cb"
	if p.persons[0].PID == "00000000000" || !p.clients["web"].redirects["https://a/cb"] {
		t.Error("provider shares memory with the caller's config")
	}
}
