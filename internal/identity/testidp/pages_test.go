package testidp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDiscovery(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	res := e.get("/testidp/.well-known/openid-configuration")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", res.status, res.header.Get("Content-Type"))
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(res.body), &d); err != nil {
		t.Fatal(err)
	}
	strs := map[string]string{
		"issuer":                 e.issuer,
		"authorization_endpoint": e.issuer + "/authorize",
		"token_endpoint":         e.issuer + "/token",
		"jwks_uri":               e.issuer + "/jwks.json",
		"userinfo_endpoint":      e.issuer + "/userinfo",
		"end_session_endpoint":   e.issuer + "/logout",
	}
	for k, want := range strs {
		if d[k] != want {
			t.Errorf("%s = %v, want %s", k, d[k], want)
		}
	}
	lists := map[string][]string{
		"response_types_supported":              {"code"},
		"grant_types_supported":                 {"authorization_code"},
		"subject_types_supported":               {"pairwise"},
		"id_token_signing_alg_values_supported": {"RS256"},
		"code_challenge_methods_supported":      {"S256"},
		"acr_values_supported":                  {"idporten-loa-substantial", "idporten-loa-high"},
		"scopes_supported":                      {"openid", "profile", "email"},
		"token_endpoint_auth_methods_supported": {"client_secret_basic", "client_secret_post"},
		"ui_locales_supported":                  {"nb", "nn", "en"},
	}
	for k, want := range lists {
		if got := toStrings(d[k]); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	claims := toStrings(d["claims_supported"])
	for _, c := range []string{"sub", "pid", "acr", "amr", "nonce", "sid", "locale", "name", "email"} {
		if !slices.Contains(claims, c) {
			t.Errorf("claims_supported lacks %q", c)
		}
	}
	if d["authorization_response_iss_parameter_supported"] != true {
		t.Error("authorization_response_iss_parameter_supported is not true")
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestJWKS checks the published key and that its kid is the RFC 7638
// thumbprint, computed here independently of go-jose.
func TestJWKS(t *testing.T) {
	key := newKey(t)
	e := newEnv(t, key, nil)
	res := e.get("/testidp/jwks.json")
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal([]byte(res.body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("%d keys", len(set.Keys))
	}
	k := set.Keys[0]
	if _, ok := k["d"]; ok {
		t.Fatal("JWKS leaks the private key")
	}
	b64 := base64.RawURLEncoding
	n := b64.EncodeToString(key.N.Bytes())
	eb := b64.EncodeToString(big.NewInt(int64(key.E)).Bytes())
	if k["kty"] != "RSA" || k["n"] != n || k["e"] != eb || k["alg"] != "RS256" || k["use"] != "sig" {
		t.Errorf("key %v", k)
	}
	sum := sha256.Sum256([]byte(`{"e":"` + eb + `","kty":"RSA","n":"` + n + `"}`))
	if want := b64.EncodeToString(sum[:]); k["kid"] != want {
		t.Errorf("kid %q, want RFC 7638 thumbprint %q", k["kid"], want)
	}
}

func TestStyleSheet(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	res := e.get("/testidp/static/testidp.css")
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", res.status, res.header.Get("Content-Type"))
	}
	if !strings.Contains(res.body, ":focus-visible") {
		t.Error("style sheet has no visible focus style")
	}
}

// checkPage makes structural accessibility and CSP checks on an HTML page.
func checkPage(t *testing.T, res response, lang, formAction string) {
	t.Helper()
	body := res.body
	if !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Errorf("page lacks <html lang=%q>", lang)
	}
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("%d h1 elements, want 1", n)
	}
	if strings.Count(body, "<main") != 1 || !strings.Contains(body, "<title>") {
		t.Error("page needs one <main> landmark and a title")
	}
	for _, bad := range []string{"<script", "<style", "style=", " on"} {
		if bad == " on" {
			if regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
				t.Error("page has an inline event handler")
			}
			continue
		}
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	want := "default-src 'none'; style-src 'self'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'"
	if got := res.header.Get("Content-Security-Policy"); got != want {
		t.Errorf("CSP %q, want %q", got, want)
	}
	if res.header.Get("X-Content-Type-Options") != "nosniff" || res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", res.header)
	}
	if !strings.Contains(body, `<link rel="stylesheet" href="/testidp/static/testidp.css">`) {
		t.Error("page does not link the style sheet")
	}
}

func TestPickerPage(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	tests := []struct {
		uiLocales, acr string
		lang           string
		want           []string
	}{
		{"", "", "nb", []string{"Dette er en testtjeneste.", "Velg testperson", "Betydelig", "idporten-loa-substantial", "Fødselsnummer: 15838810028", "E-post: nora.solberg"}},
		{"nn", acrHigh, "nn", []string{"Dette er ei testteneste.", "Vel testperson", "Høgt", "idporten-loa-high", "Avbryt og gå tilbake til tenesta"}},
		{"en-GB nb", "", "en", []string{"This is a test service.", "Choose a test person", "Substantial", "National identity number", "Email: nora.solberg"}},
		{"de fr", "", "nb", []string{"Velg testperson"}},
		{"no", "", "nb", []string{"Velg testperson"}},
	}
	for _, tc := range tests {
		t.Run("ui_locales="+tc.uiLocales, func(t *testing.T) {
			params := e.authParams()
			if tc.uiLocales != "" {
				params.Set("ui_locales", tc.uiLocales)
			}
			if tc.acr != "" {
				params.Set("acr_values", tc.acr)
			}
			res := e.get("/testidp/authorize?" + params.Encode())
			if res.status != http.StatusOK {
				t.Fatalf("status %d", res.status)
			}
			checkPage(t, res, tc.lang, "'self' "+e.srv.URL)
			for _, s := range tc.want {
				if !strings.Contains(res.body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			body := res.body
			for _, s := range []string{`<h1>Test-ID-porten</h1>`, `<form method="post" action="/testidp/authorize" aria-labelledby="choose-heading">`, `<h2 id="choose-heading">`, `<nav class="langs" aria-label=`, `aria-current="true"`, `Máret Ánne Sara`, `Åse Sæbø`, `nora.solberg@demo.kommune.no`} {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if n := strings.Count(body, `name="person"`); n != len(DemoPersons()) {
				t.Errorf("%d person buttons, want %d", n, len(DemoPersons()))
			}
			// Language links keep the request and switch ui_locales.
			links := regexp.MustCompile(`<a href="([^"]+)" lang="nn"`).FindStringSubmatch(body)
			if links == nil {
				t.Fatal("no nynorsk link")
			}
			u, err := url.Parse(html.UnescapeString(links[1]))
			if err != nil || u.Query().Get("ui_locales") != "nn" || u.Query().Get("state") != "state-123" {
				t.Errorf("nynorsk link %q", links[1])
			}
		})
	}
}

func TestErrorAndSignedOutPages(t *testing.T) {
	e := newEnv(t, newKey(t), nil)
	tests := []struct {
		name, path, lang, want string
	}{
		{"unknown client nb", "/testidp/authorize?client_id=x", "nb", "er ikke registrert hos Test-ID-porten"},
		{"unknown client nn", "/testidp/authorize?client_id=x&ui_locales=nn", "nn", "Tenesta som sende deg hit, er ikkje registrert"},
		{"unknown client en", "/testidp/authorize?client_id=x&ui_locales=en", "en", "is not registered with Test-ID-porten"},
		{"signed out nn", "/testidp/logout?ui_locales=nn", "nn", "Du er no logga ut"},
		{"signed out en", "/testidp/logout?ui_locales=en", "en", "You are now signed out"},
		{"bad logout", "/testidp/logout?id_token_hint=x", "nb", "Utloggingsforespørselen er ugyldig."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(tc.path)
			checkPage(t, res, tc.lang, "'self'")
			if !strings.Contains(res.body, tc.want) {
				t.Errorf("page lacks %q:\n%s", tc.want, res.body)
			}
		})
	}
}
