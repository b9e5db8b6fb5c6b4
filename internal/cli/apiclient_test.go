package cli_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/api"
	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

func TestAPIClientCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TORG_DATA": dir, "TORG_PUBLIC_URL": "https://torg.example.no/"}
	if code, _, stderr := runCLI(t, env, "tenant", "add", "--number", "4601"); code != 0 {
		t.Fatalf("tenant add: %s", stderr)
	}
	add := func(args ...string) []string {
		return append([]string{"apiclient", "add", "--tenant", "4601"}, args...)
	}
	for _, tt := range []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no subcommand", []string{"apiclient"}, 2, "apiclient add|list|revoke"},
		{"unknown subcommand", []string{"apiclient", "remove"}, 2, `unknown apiclient command "remove"`},
		{"no tenant", []string{"apiclient", "add", "--name", "Sak/arkiv", "--scope", "submissions:read"}, 2, "--tenant and --name are required"},
		{"no name", add("--scope", "submissions:read"), 2, "--tenant and --name are required"},
		{"blank name", add("--name", "  ", "--scope", "submissions:read"), 2, "--tenant and --name are required"},
		{"name too long", add("--name", strings.Repeat("x", 101), "--scope", "submissions:read"), 2, "at most 100 characters"},
		{"no scope", add("--name", "Sak/arkiv"), 2, "--scope: give one or more of submissions:read"},
		{"unknown scope", add("--name", "Sak/arkiv", "--scope", "submissions:write"), 2, `"submissions:write"`},
		{"unknown tenant", []string{"apiclient", "add", "--tenant", "1111", "--name", "Sak/arkiv", "--scope", "submissions:read"}, 2, "1111"},
		{"list without tenant", []string{"apiclient", "list"}, 2, "--tenant is required"},
		{"revoke without id", []string{"apiclient", "revoke", "--tenant", "4601"}, 2, "give --tenant and one CLIENT_ID"},
		{"revoke two ids", []string{"apiclient", "revoke", "--tenant", "4601", "a", "b"}, 2, "give --tenant and one CLIENT_ID"},
		{"revoke unknown", []string{"apiclient", "revoke", "--tenant", "4601", "nope"}, 1, "no API client nope"},
		{"bad flag", add("--nope"), 2, "flag provided but not defined"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, env, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d (want %d), stderr:\n%s", code, tt.code, stderr)
			}
		})
	}

	code, out, stderr := runCLI(t, env, add("--name", "Sak/arkiv", "--scope", "submissions:read")...)
	if code != 0 {
		t.Fatalf("add: exit %d\n%s", code, stderr)
	}
	id := regexp.MustCompile(`(?m)^client_id: +([0-9a-f]{32})$`).FindStringSubmatch(out)
	secret := regexp.MustCompile(`(?m)^client_secret: +([A-Za-z0-9_-]{43})$`).FindStringSubmatch(out)
	if id == nil || secret == nil {
		t.Fatalf("add printed no client_id or secret:\n%s", out)
	}
	wantCurl := "curl -s -u '" + id[1] + ":" + secret[1] + "' -d grant_type=client_credentials https://torg.example.no/k/4601/api/token"
	if !strings.Contains(out, wantCurl) {
		t.Errorf("add output lacks %q:\n%s", wantCurl, out)
	}

	// The printed secret is the one that works.
	ctx := context.Background()
	d, err := db.Open(ctx, "", dir, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.New(d, audit.New(d)).IssueToken(ctx, "4601", id[1], secret[1], nil); err != nil {
		t.Errorf("the printed secret does not work: %v", err)
	}
	d.Close()

	steps := []struct {
		args  []string
		code  int
		inOut string
	}{
		{[]string{"apiclient", "list", "--tenant", "4601"}, 0, id[1] + "  Sak/arkiv  submissions:read"},
		{[]string{"apiclient", "revoke", "--tenant", "4601", id[1]}, 0, "revoked API client " + id[1]},
		{[]string{"apiclient", "revoke", "--tenant", "4601", id[1]}, 1, "revoked already"},
		{[]string{"apiclient", "list", "--tenant", "4601"}, 0, "revoked 20"},
		{[]string{"audit", "verify"}, 0, "audit log intact"},
	}
	for _, s := range steps {
		code, out, stderr := runCLI(t, env, s.args...)
		if code != s.code || !strings.Contains(out+stderr, s.inOut) {
			t.Fatalf("torg %v: exit %d (want %d)\nstdout: %s\nstderr: %s", s.args, code, s.code, out, stderr)
		}
	}

	d, err = db.Open(ctx, "", dir, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := api.New(d, audit.New(d)).IssueToken(ctx, "4601", id[1], secret[1], nil); !errs.Is(errs.Unauthenticated, err) {
		t.Errorf("revoked client gets a token: %v", err)
	}
	entries, err := audit.New(d).List(ctx, "4601", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); !strings.HasSuffix(got, "apiclient.add apiclient.revoke") {
		t.Errorf("audit actions: %s", got)
	}
}
