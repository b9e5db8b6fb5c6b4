package i18n

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		choice, accept string
		want           Lang
	}{
		{"", "", NB},
		{"nn", "en", NN},
		{"xx", "en-GB,en;q=0.9", EN},
		{"", "de-DE,de;q=0.9,nn;q=0.8,en;q=0.7", NN},
		{"", "en;q=0.5,nb;q=0.9", NB},
		{"", "no", NB},
		{"", "fr", NB},
		{"", "en;q=bogus", NB},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.choice, tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.choice, tt.accept, got, tt.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	c := NewCatalog()
	err := c.AddFS(fstest.MapFS{
		"nb.json": {Data: []byte(`{"hello":"Hei, %s","only.nb":"x"}`)},
		"nn.json": {Data: []byte(`{"hello":"Hei, %s","only.nb":""}`)},
		"en.json": {Data: []byte(`{"hello":"Hello, %s"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(EN, "hello", "Kari"); got != "Hello, Kari" {
		t.Errorf("T = %q", got)
	}
	if got := c.T(EN, "only.nb"); got != "x" {
		t.Errorf("fallback = %q", got)
	}
	if got := c.T(NN, "nope"); got != "[nope]" {
		t.Errorf("missing = %q", got)
	}
	missing := c.Complete()
	if len(missing) != 2 || missing[0] != "en: only.nb" || missing[1] != "nn: only.nb" {
		t.Errorf("Complete = %v", missing)
	}
	if c.Has("only.nb") || !c.Has("hello") {
		t.Error("Has is wrong")
	}
	if err := c.Add(NB, map[string]string{"hello": "again"}); err == nil {
		t.Error("duplicate key accepted")
	}
	if err := c.AddFS(fstest.MapFS{"nb.json": {Data: []byte(`{`)}}); err == nil {
		t.Error("broken JSON accepted")
	}
}

// FuzzNegotiate checks that any header gives a supported language.
func FuzzNegotiate(f *testing.F) {
	f.Add("nn", "en-GB,en;q=0.9")
	f.Add("", "de;q=x,,;;nn;q=1e309")
	f.Fuzz(func(t *testing.T, choice, accept string) {
		if l := Negotiate(choice, accept); !slices.Contains(Langs, l) {
			t.Fatalf("Negotiate(%q, %q) = %q", choice, accept, l)
		}
	})
}
