package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/cli"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/forms"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/receipt"
)

// runCLI runs torg with args and the given environment, returning exit
// status, stdout and stderr.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(cli.Env{Args: args, Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func TestUsageAndSettings(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		inStderr string
	}{
		{"no command", nil, nil, 2, "Usage: torg"},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"bad addr", nil, []string{"serve", "--addr", "x"}, 2, "--addr / TORG_ADDR"},
		{"bad env", map[string]string{"TORG_LOG_FORMAT": "xml"}, []string{"serve"}, 2, "TORG_LOG_FORMAT"},
		{"serve needs an identity provider", nil, []string{"serve"}, 2, "TORG_CITIZEN_ISSUER"},
		{"demo refuses no test idp", nil, []string{"demo", "--test-idp=false"}, 2, "--test-idp=true"},
		{"bad flag", nil, []string{"migrate", "--nope"}, 2, "flag provided but not defined"},
		{"bad database", map[string]string{"TORG_DATABASE_URL": "mysql://x"}, []string{"migrate"}, 2, "TORG_DATABASE_URL"},
		{"tenant without number", nil, []string{"tenant", "add"}, 2, "--number is required"},
		{"user needs flags", nil, []string{"user", "grant"}, 2, "--tenant, --user and --role are required"},
		{"audit needs verify", nil, []string{"audit"}, 2, "audit verify"},
		{"loadtest needs a scenario", nil, []string{"loadtest"}, 2, "loadtest pages"},
		{"loadtest needs a target", nil, []string{"loadtest", "pages"}, 2, "--target must be an http(s) URL"},
		{"loadtest target scheme", nil, []string{"loadtest", "pages", "--target", "ftp://x"}, 2, "--target must be an http(s) URL"},
		{"loadtest clients", nil, []string{"loadtest", "pages", "--target", "http://127.0.0.1:1", "--clients", "0"}, 2, "--clients must be 1 to 10000"},
		{"loadtest unreachable", nil, []string{"loadtest", "pages", "--target", "http://127.0.0.1:1", "--duration", "100ms", "--signed-in"}, 1, "set up client 0"},
		{"receipt needs verify", nil, []string{"receipt"}, 2, "receipt verify"},
		{"form needs publish", nil, []string{"form"}, 2, "form publish"},
		{"audit verify on an empty folder", map[string]string{"TORG_DATA": empty}, []string{"audit", "verify"}, 1, "has no audit log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.env, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d (want %d), stderr:\n%s", code, tt.code, stderr)
			}
		})
	}
	if code, out, _ := runCLI(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "torg ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestDataCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TORG_DATA": dir}
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args  []string
		code  int
		inOut string
	}{
		{[]string{"migrate"}, 0, "applied tenant/001_tenants"},
		{[]string{"migrate"}, 0, "up to date"},
		{[]string{"tenant", "add", "--number", "4601", "--host", "bergen.example.no"}, 0, "added 4601 Bergen"},
		{[]string{"tenant", "add", "--number", "4601"}, 1, "already exists"},
		{[]string{"tenant", "add", "--number", "1234"}, 1, "official list"},
		{[]string{"tenant", "add", "--number", "4600"}, 0, "Vestland fylkeskommune"},
		{[]string{"tenant", "add", "--number", "0301", "--colour", "#ffff00"}, 1, "too light"},
		{[]string{"tenant", "list"}, 0, "bergen.example.no"},
		{[]string{"user", "grant", "--tenant", "4601", "--user", "kari@bergen.kommune.no", "--role", "caseworker"}, 0, "granted caseworker email:kari@bergen.kommune.no"},
		{[]string{"user", "grant", "--tenant", "4601", "--user", "15838810028", "--role", "official"}, 0, "granted official pid:15838810028"},
		{[]string{"user", "grant", "--tenant", "4601", "--user", "15838810029", "--role", "official"}, 2, "check digit"},
		{[]string{"user", "grant", "--tenant", "4601", "--user", "15138810028", "--role", "official"}, 2, "date"},
		{[]string{"user", "grant", "--tenant", "4601", "--user", "kari@bergen.kommune.no", "--role", "king"}, 1, "Valid roles are"},
		{[]string{"user", "grant", "--tenant", "1111", "--user", "kari@bergen.kommune.no", "--role", "admin"}, 1, "not on this service"},
		{[]string{"user", "list", "--tenant", "4601"}, 0, "kari@bergen.kommune.no"},
		{[]string{"user", "revoke", "--tenant", "4601", "--user", "kari@bergen.kommune.no", "--role", "caseworker"}, 0, "revoked"},
		{[]string{"user", "revoke", "--tenant", "4601", "--user", "kari@bergen.kommune.no", "--role", "caseworker"}, 1, "does not hold"},
		{[]string{"tenant", "staff-idp", "--number", "4601", "--issuer", "https://login.example.no/bergen", "--client-id", "torg", "--client-secret-file", secretFile}, 0, "now sign in at https://login.example.no/bergen"},
		{[]string{"tenant", "staff-idp", "--number", "4601", "--issuer", "http://login.example.no", "--client-id", "torg", "--client-secret-file", secretFile}, 1, "https"},
		{[]string{"tenant", "staff-idp", "--number", "4601", "--issuer", "https://x.no", "--client-id", "torg", "--client-secret-file", "/nonexistent"}, 2, "--client-secret-file"},
		{[]string{"audit", "verify"}, 0, "audit log intact"},
	}
	for _, s := range steps {
		code, out, stderr := runCLI(t, env, s.args...)
		if code != s.code || !strings.Contains(out+stderr, s.inOut) {
			t.Fatalf("torg %v: exit %d (want %d)\nstdout: %s\nstderr: %s", s.args, code, s.code, out, stderr)
		}
	}
	// Someone edits a row behind Torg's back: verify must fail.
	d, err := sql.Open("sqlite", filepath.Join(dir, "torg.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(`UPDATE audit_log SET detail = 'nothing happened' WHERE tenant_id = '4601' AND seq = 2`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	code, out, _ := runCLI(t, env, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, "4601") {
		t.Errorf("verify after tampering: exit %d\n%s", code, out)
	}
}

// TestDemoStartsAndStops runs `torg demo` on a free port, checks that it
// serves the demo municipality on its host, and stops it as SIGTERM would.
func TestDemoStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(cli.Env{Args: []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, Stdout: &out, Stderr: &errOut,
			Getenv: func(string) string { return "" }, Ready: func(a string) { addr <- a }, Context: ctx})
	}()
	var a string
	select {
	case a = <-addr:
	case code := <-done:
		t.Fatalf("demo exited %d:\n%s", code, errOut.String())
	case <-time.After(60 * time.Second):
		t.Fatal("demo did not start")
	}
	port := a[strings.LastIndex(a, ":")+1:]
	req, _ := http.NewRequest("GET", "http://"+a+"/", nil)
	req.Host = "localhost:" + port
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("demo front page: %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo exit %d:\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}
	if !strings.Contains(out.String(), "Demo kommune") || !strings.Contains(errOut.String(), "TEST IDENTITY PROVIDER IS ON") {
		t.Errorf("demo output:\n%s\n%s", out.String(), errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "torg.db")); err != nil {
		t.Errorf("no database in --data: %v", err)
	}
	// A second start finds the demo seeded and starts again.
	code, out2, stderr := runCLI(t, map[string]string{"TORG_DATA": dir}, "audit", "verify")
	if code != 0 {
		t.Errorf("audit verify on the demo's data: %d %s %s", code, out2, stderr)
	}
}

func TestReceiptVerify(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TORG_DATA": dir}
	if code, _, errOut := runCLI(t, env, "tenant", "add", "--number", "9999"); code != 0 {
		t.Fatal(errOut)
	}
	d, err := db.Open(context.Background(), "", dir, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store := forms.NewStore(d, audit.New(d))
	signer, err := store.ReceiptSigner(context.Background(), "9999")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := store.ReceiptKeys(context.Background(), "9999", "Demo kommune")
	d.Close()
	r := receipt.Receipt{Municipality: "Demo kommune", MunicipalityNo: "9999", Service: "Kontakt kommunen", FormID: "kontakt", FormVersion: 1,
		Reference: "2026/00007", SubmittedAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Lang: "nb", VerifyURL: "http://localhost:8080/kvittering/kontroller"}
	pdf, _ := signer.PDF(r)
	js, _ := signer.JSON(r)
	jwks, _ := receipt.MarshalPublicKeys(keys)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pdfFile, jsonFile, keysFile := write("k.pdf", pdf), write("k.json", js), write("keys.json", jwks)
	bad := bytes.Clone(pdf)
	bad[100] ^= 1
	badFile := write("bad.pdf", bad)
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"receipt", "verify", "--tenant", "9999", pdfFile}, 0, "valid: receipt 2026/00007 from Demo kommune"},
		{[]string{"receipt", "verify", "--keys", keysFile, jsonFile}, 0, "valid: receipt 2026/00007"},
		{[]string{"receipt", "verify", "--keys", keysFile, badFile}, 1, "invalid: receipt not valid"},
		{[]string{"receipt", "verify", "--tenant", "9999", keysFile}, 1, "invalid"},
		{[]string{"receipt", "verify", pdfFile}, 2, "either --keys or --tenant"},
		{[]string{"receipt", "verify", "--keys", filepath.Join(dir, "nope.json"), pdfFile}, 2, "no such file"},
		{[]string{"receipt", "verify", "--tenant", "1234", pdfFile}, 1, "not on this service"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, env, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.out) {
			t.Errorf("torg %v: exit %d (want %d)\n%s%s", tt.args, code, tt.code, out, errOut)
		}
	}
}

func TestFormPublish(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TORG_DATA": dir}
	runCLI(t, env, "tenant", "add", "--number", "9999")
	good := filepath.Join(dir, "kontakt.json")
	os.WriteFile(good, formdef.Library()["kontakt"], 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"id":"x","title":{"nb":"X"},"pages":[]}`), 0o600)
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"form", "publish", "--tenant", "9999", good}, 0, "published kontakt version 1 in 9999"},
		{[]string{"form", "publish", "--tenant", "9999", bad}, 1, "not published"},
		{[]string{"form", "publish", "--tenant", "9999", bad}, 1, "assurance: "},
		{[]string{"form", "publish", good}, 2, "give --tenant"},
		{[]string{"form", "publish", "--tenant", "1234", good}, 1, "not on this service"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, env, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.out) {
			t.Errorf("torg %v: exit %d (want %d)\n%s%s", tt.args, code, tt.code, out, errOut)
		}
	}
}

// TestDemoStaffSignInAcrossRestarts signs a case worker in to the demo,
// restarts the demo on the same data, and signs in again: the test
// provider's subjects stay the same, so the staff account binding holds.
func TestDemoStaffSignInAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	for round := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		addr := make(chan string, 1)
		done := make(chan int, 1)
		var errOut bytes.Buffer
		go func() {
			done <- cli.Main(cli.Env{Args: []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, Stdout: io.Discard, Stderr: &errOut,
				Getenv: func(string) string { return "" }, Ready: func(a string) { addr <- a }, Context: ctx})
		}()
		var a string
		select {
		case a = <-addr:
		case code := <-done:
			t.Fatalf("round %d: demo exited %d:\n%s", round, code, errOut.String())
		case <-time.After(60 * time.Second):
			t.Fatal("demo did not start")
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		next, err := testidp.SignIn(ctx, c, "http://"+a+"/k/9999/tilsett/logg-inn?neste=/tilsett", "nora.solberg@demo.kommune.no")
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !strings.HasSuffix(next, "/k/9999/tilsett") {
			t.Errorf("round %d: sent to %s", round, next)
		}
		cancel()
		<-done
	}
}
