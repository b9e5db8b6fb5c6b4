package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
)

const credUUID = "gg5RkiTtsyfqHq"

// TestElectionCredentialsUsage: every bad invocation exits 2 with a
// message that says what is wrong.
func TestElectionCredentialsUsage(t *testing.T) {
	out := t.TempDir()
	ids := filepath.Join(out, "ids.txt")
	os.WriteFile(ids, []byte("a@x.no\nb c\n"), 0o644)
	empty := filepath.Join(out, "empty.txt")
	os.WriteFile(empty, []byte("\n\n"), 0o644)
	for _, tt := range []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"no uuid", []string{"--voters", "2", "--out", out}, "--uuid is required"},
		{"no out", []string{"--uuid", credUUID, "--voters", "2"}, "--out is required"},
		{"neither", []string{"--uuid", credUUID, "--out", out}, "either --voters N or --ids FILE"},
		{"both", []string{"--uuid", credUUID, "--voters", "2", "--ids", ids, "--out", out}, "either --voters N or --ids FILE"},
		{"too many", []string{"--uuid", credUUID, "--voters", "100001", "--out", out}, "--voters must be 1 to"},
		{"bad uuid", []string{"--uuid", "not-a-uuid", "--voters", "2", "--out", out}, "not a Belenios election id"},
		{"id with a space", []string{"--uuid", credUUID, "--ids", ids, "--out", out}, `voter id "b c"`},
		{"empty ids", []string{"--uuid", credUUID, "--ids", empty, "--out", out}, "must hold 1 to"},
		{"missing ids", []string{"--uuid", credUUID, "--ids", filepath.Join(out, "nope"), "--out", out}, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, append([]string{"election", "credentials"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.inStderr)
			}
		})
	}
}

// TestElectionCredentials: the credential authority's files: the private
// ones mode 0600, one valid credential per voter; the public ones as the
// server takes them, with the printed fingerprint; not overwritten by a
// second run; and belenios-tool builds a record from them in which a
// ballot signed with one of the private credentials verifies.
func TestElectionCredentials(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "creds")
	code, stdout, stderr := runCLI(t, nil, "election", "credentials", "--uuid", credUUID, "--voters", "5", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	privFile, pubFile := filepath.Join(dir, credUUID+".privcreds"), filepath.Join(dir, credUUID+".pubcreds")
	st, err := os.Stat(privFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private credentials file: %v %v", st, err)
	}
	priv, _ := os.ReadFile(privFile)
	pub, _ := os.ReadFile(pubFile)
	lines := strings.Split(strings.TrimSpace(string(priv)), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d private credentials", len(lines))
	}
	pubs, err := vote.ParsePublicCredentials(pub)
	if err != nil || len(pubs) != 5 {
		t.Fatalf("public credentials: %d %v", len(pubs), err)
	}
	have := map[string]bool{}
	for _, p := range pubs {
		have[p] = true
	}
	var secrets []string
	for i, l := range lines {
		id, cred, _ := strings.Cut(l, " ")
		if id != []string{"1", "2", "3", "4", "5"}[i] {
			t.Errorf("line %d: id %q", i+1, id)
		}
		c, err := belenios.DeriveCredential(credUUID, cred)
		if err != nil || !have[c.Public.String()] {
			t.Fatalf("credential %d does not derive a listed public credential: %v", i+1, err)
		}
		secrets = append(secrets, cred)
	}
	fp := belenios.Fingerprint(belenios.MarshalCredentials(pubs))
	if !strings.Contains(stdout, "fingerprint of the public credentials: "+fp) {
		t.Errorf("stdout lacks the fingerprint %s:\n%s", fp, stdout)
	}
	if code, _, stderr := runCLI(t, nil, "election", "credentials", "--uuid", credUUID, "--voters", "5", "--out", dir); code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("second run over the files: exit %d %s", code, stderr)
	}

	tool, err := exec.LookPath("belenios-tool")
	if err != nil {
		if os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
			t.Fatal("belenios-tool required but missing")
		}
		t.Skip("belenios-tool not installed")
	}
	work := t.TempDir()
	sh := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(tool, args...)
		cmd.Dir, cmd.Env = work, append(os.Environ(), "TERM=dumb")
		cmd.Stdin = strings.NewReader(stdin)
		var errb strings.Builder
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("belenios-tool %v: %v\n%s%s", args, err, out, errb.String())
		}
		return string(out) + errb.String()
	}
	sh("", "setup", "generate-trustee-key", "--group", "BELENIOS-2048")
	keys, _ := filepath.Glob(filepath.Join(work, "*.pubkey"))
	k, _ := os.ReadFile(keys[0])
	os.WriteFile(filepath.Join(work, "public_keys.jsons"), k, 0o644)
	sh("", "setup", "make-trustees")
	os.WriteFile(filepath.Join(work, "template.json"), []byte(`{"description":"d","name":"n","questions":[{"answers":["Ja","Nei"],"min":1,"max":1,"question":"Q?"}]}`), 0o644)
	sh("", "setup", "make-election", "--uuid", credUUID, "--group", "BELENIOS-2048", "--template", "template.json")
	os.WriteFile(filepath.Join(work, "public_creds.json"), pub, 0o644)
	sh("", "archive", "init")
	os.WriteFile(filepath.Join(work, "cred"), []byte(secrets[2]+"\n"), 0o600)
	os.WriteFile(filepath.Join(work, "plain"), []byte("[[0,1]]\n"), 0o644)
	ballot := sh("", "election", "generate-ballot", "--privcred", "cred", "--ballot", "plain")
	ballot = ballot[strings.Index(ballot, `{"election_uuid"`):]
	ballot = ballot[:strings.Index(ballot, "\n")+1]
	sh(ballot, "archive", "add-event", "--type=Ballot")
	if out := sh("", "election", "verify"); !strings.Contains(out, "all checks passed") {
		t.Fatalf("belenios-tool verify:\n%s", out)
	}
	rep, err := belenios.Verify(work)
	if err != nil || rep.Credentials != 5 || rep.Ballots != 1 {
		t.Fatalf("Verify: %+v %v", rep, err)
	}
}
