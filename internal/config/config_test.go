package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func parse(t *testing.T, args []string, env map[string]string, d Defaults) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	build := Register(fs, func(k string) string { return env[k] }, d, true)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return build()
}

func TestDefaults(t *testing.T) {
	c, err := parse(t, nil, nil, Defaults{LogFormat: "text", TestIdP: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Data != "./torg-data" || c.PublicURL != "http://localhost:8080" || !c.TestIdP || !c.Migrate || c.LogFormat != "text" {
		t.Errorf("defaults: %+v", c)
	}
}

func TestPrecedence(t *testing.T) {
	env := map[string]string{"TORG_ADDR": "127.0.0.1:9000", "TORG_DATA": "/env", "TORG_TEST_IDP": "true"}
	c, err := parse(t, []string{"--data", "/flag"}, env, Defaults{LogFormat: "json"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Data != "/flag" || c.PublicURL != "http://localhost:9000" {
		t.Errorf("precedence: %+v", c)
	}
}

func TestBadSettings(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		naming string
	}{
		{"addr", []string{"--addr", "nonsense"}, nil, "--addr / TORG_ADDR"},
		{"port", []string{"--addr", "127.0.0.1:99999"}, nil, "--addr / TORG_ADDR"},
		{"log format", nil, map[string]string{"TORG_LOG_FORMAT": "xml"}, "--log-format / TORG_LOG_FORMAT"},
		{"log level", []string{"--log-level", "loud"}, nil, "--log-level / TORG_LOG_LEVEL"},
		{"bool", []string{"--migrate", "maybe"}, nil, "--migrate / TORG_MIGRATE"},
		{"duration", []string{"--session-idle", "forever"}, nil, "--session-idle / TORG_SESSION_IDLE"},
		{"draft lifetime too short", []string{"--draft-lifetime", "5m"}, nil, "--draft-lifetime / TORG_DRAFT_LIFETIME"},
		{"public url", []string{"--public-url", "ftp://x"}, nil, "--public-url / TORG_PUBLIC_URL"},
		{"database", nil, map[string]string{"TORG_DATABASE_URL": "mysql://root:pw@x/db"}, "--database-url / TORG_DATABASE_URL"},
		{"no identity provider", []string{"--test-idp", "false"}, nil, "TORG_CITIZEN_ISSUER"},
		{"max body", []string{"--max-body", "12"}, nil, "--max-body / TORG_MAX_BODY"},
		{"smtp address", []string{"--smtp-addr", "smtp.example.no"}, nil, "--smtp-addr / TORG_SMTP_ADDR"},
		{"smtp sender", nil, map[string]string{"TORG_SMTP_FROM": "not an address"}, "--smtp-from / TORG_SMTP_FROM"},
		{"trusted proxies", []string{"--trusted-proxies", "10.0.0.0/8,proxy.local"}, nil, "--trusted-proxies / TORG_TRUSTED_PROXIES"},
		{"sign-in rate", []string{"--signin-rate", "0"}, nil, "--signin-rate / TORG_SIGNIN_RATE"},
		{"svarut over plain http", []string{"--svarut-url", "http://svarut.example.no/forsendelser/"}, nil, "--svarut-url / TORG_SVARUT_URL"},
		{"svarut not a URL", nil, map[string]string{"TORG_SVARUT_URL": "svarut"}, "--svarut-url / TORG_SVARUT_URL"},
		{"svarut with a password in it", []string{"--svarut-url", "ftp://konto:pw@svarut.example.no/"}, nil, "--svarut-url / TORG_SVARUT_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.args, tt.env, Defaults{LogFormat: "json", TestIdP: true})
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.naming) || !strings.Contains(err.Error(), "accepted values") {
				t.Errorf("message %q does not name %q and the accepted values", err, tt.naming)
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Error("password in message")
			}
		})
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := parse(t, []string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32"}, nil, Defaults{LogFormat: "json", TestIdP: true})
	if err != nil || len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.7/32" {
		t.Errorf("%v %v", c.TrustedProxies, err)
	}
}

func TestSvarUtURL(t *testing.T) {
	for _, u := range []string{"https://svarut.ks.no/api/v2/kontoer/K/forsendelser/", "http://127.0.0.1:9999/svarut/"} {
		c, err := parse(t, []string{"--svarut-url", u, "--svarut-integration-id", "id"}, nil, Defaults{LogFormat: "json", TestIdP: true})
		if err != nil || c.SvarUtURL != u || c.SvarUtIntegrationID != "id" {
			t.Errorf("%s: %+v %v", u, c.SvarUtURL, err)
		}
	}
}
