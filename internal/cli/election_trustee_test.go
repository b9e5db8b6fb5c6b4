package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/election/belenios"
	"github.com/torg-ekommune/torg/internal/vote"
)

func trusteeRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	err := electionTrusteeCmd(env, args)
	code := 0
	if err != nil {
		code = 1
		if e, ok := err.(*exitError); ok {
			code = e.code
			errb.WriteString(e.err.Error())
		}
	}
	return code, out.String(), errb.String()
}

// TestTrusteeKeygenAndDecrypt: keygen writes a key pair whose public half
// passes the server's check; decrypt refuses a record without a tally
// and a key that is not the election's.
func TestTrusteeKeygenAndDecrypt(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := trusteeRun(t, "keygen", "--out", dir); code != 0 || !strings.Contains(out, ".pubkey") {
		t.Fatalf("keygen: %d %s %s", code, out, errs)
	}
	pubs, _ := filepath.Glob(filepath.Join(dir, "*.pubkey"))
	privs, _ := filepath.Glob(filepath.Join(dir, "*.privkey"))
	if len(pubs) != 1 || len(privs) != 1 {
		t.Fatalf("files %v %v", pubs, privs)
	}
	if st, _ := os.Stat(privs[0]); st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v", st.Mode())
	}
	pub, _ := os.ReadFile(pubs[0])
	if _, err := vote.ParseTrusteeKey(pub); err != nil {
		t.Fatalf("the public key does not pass the server's check: %v", err)
	}
	priv, _ := os.ReadFile(privs[0])
	k, err := vote.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := vote.ParseTrusteeKey(pub)
	if k.Pub.Cmp(pk.PublicKey) != 0 {
		t.Fatal("private and public key do not match")
	}
	// A simulated, finished election whose trustee is not this key.
	sim, err := belenios.Simulate(belenios.Options{Voters: 3, Trustees: 1})
	if err != nil {
		t.Fatal(err)
	}
	recDir := t.TempDir()
	file, err := sim.Write(recDir)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := trusteeRun(t, "decrypt", "--key", privs[0], "--tally", file); code != 1 || !strings.Contains(errs, "not one of the election's trustee keys") {
		t.Fatalf("foreign key: %d %q", code, errs)
	}
	// Its own trustee key decrypts, and the output passes the record's
	// proof check when substituted for the recorded one (same tally).
	own := filepath.Join(t.TempDir(), "own.privkey")
	os.WriteFile(own, []byte(sim.Keys[0].PrivateKeyJSON()), 0o600)
	outFile := filepath.Join(t.TempDir(), "pd.json")
	if code, out, errs := trusteeRun(t, "decrypt", "--key", own, "--tally", file, "--out", outFile); code != 0 || !strings.Contains(out, "written") {
		t.Fatalf("decrypt: %d %s %s", code, out, errs)
	}
	b, _ := os.ReadFile(outFile)
	if _, err := belenios.ParsePartialDecryption(bytes.TrimSpace(b)); err != nil {
		t.Fatalf("output: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "keygen|threshold-keygen|polynomial|voutput|decrypt"},
		{[]string{"threshold-keygen"}, "--out is required"},
		{[]string{"voutput", "--key", own}, "--key, --certs and --vinput are required"},
		{[]string{"sign"}, "unknown trustee command"},
		{[]string{"keygen"}, "--out is required"},
		{[]string{"decrypt", "--key", own}, "--key and --tally are required"},
		{[]string{"decrypt", "--key", filepath.Join(dir, "nope"), "--tally", file}, "no such file"},
	} {
		if code, _, errs := trusteeRun(t, c.args...); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: %d %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if code, _, errs := trusteeRun(t, "decrypt", "--key", pubs[0], "--tally", file); code != 1 || !strings.Contains(errs, "private key") {
		t.Errorf("public key as private: %d %q", code, errs)
	}
}

// TestTrusteeThresholdCommands runs a 2-of-2 key ceremony with the
// threshold commands, the server's steps done with package vote's checks:
// threshold-keygen, polynomial, voutput (which writes the .dkey); bad
// input gets a clear message.
func TestTrusteeThresholdCommands(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	var keys, certs []string
	for _, d := range dirs {
		if code, out, errs := trusteeRun(t, "threshold-keygen", "--out", d); code != 0 || !strings.Contains(out, ".cert") {
			t.Fatalf("threshold-keygen: %d %s %s", code, out, errs)
		}
		k, _ := filepath.Glob(filepath.Join(d, "*.key"))
		c, _ := filepath.Glob(filepath.Join(d, "*.cert"))
		if len(k) != 1 || len(c) != 1 {
			t.Fatalf("files %v %v", k, c)
		}
		if st, _ := os.Stat(k[0]); st.Mode().Perm() != 0o600 {
			t.Fatalf("key mode %v", st.Mode())
		}
		raw, _ := os.ReadFile(c[0])
		if _, err := vote.ParseCert(raw); err != nil {
			t.Fatalf("the certificate does not pass the server's check: %v", err)
		}
		keys, certs = append(keys, k[0]), append(certs, strings.TrimSpace(string(raw)))
	}
	certsFile := filepath.Join(dirs[0], "certs.jsons")
	os.WriteFile(certsFile, []byte(strings.Join(certs, "\n")+"\n"), 0o644)
	if code, _, errs := trusteeRun(t, "polynomial", "--key", keys[0], "--certs", certsFile); code == 0 || !strings.Contains(errs, "--threshold") {
		t.Fatalf("polynomial without --threshold: %d %s", code, errs)
	}
	if code, _, errs := trusteeRun(t, "polynomial", "--key", keys[0], "--certs", certsFile, "--threshold", "3"); code == 0 || !strings.Contains(errs, "threshold 3 of 2") {
		t.Fatalf("polynomial with threshold 3 of 2: %d %s", code, errs)
	}
	cs, err := vote.ParseCerts([]byte(strings.Join(certs, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	var polys []*vote.Polynomial
	for i, k := range keys {
		out := filepath.Join(dirs[i], "polynom.json")
		if code, _, errs := trusteeRun(t, "polynomial", "--key", k, "--certs", certsFile, "--threshold", "2", "--out", out); code != 0 {
			t.Fatalf("polynomial: %s", errs)
		}
		raw, _ := os.ReadFile(out)
		p, err := vote.CheckPolynomial(raw, cs[i], 2, 2)
		if err != nil {
			t.Fatalf("polynomial %d: %v", i+1, err)
		}
		polys = append(polys, p)
	}
	for i, k := range keys {
		vin := filepath.Join(dirs[i], "vinput.json")
		os.WriteFile(vin, vote.MakeVinput(polys, i+1), 0o644)
		out := filepath.Join(dirs[i], "voutput.json")
		if code, stdout, errs := trusteeRun(t, "voutput", "--key", k, "--certs", certsFile, "--vinput", vin, "--out", out); code != 0 || !strings.Contains(stdout, ".dkey") {
			t.Fatalf("voutput: %d %s %s", code, stdout, errs)
		}
		if _, err := os.Stat(strings.TrimSuffix(k, ".key") + ".dkey"); err != nil {
			t.Fatal(err)
		}
		// The other trustee's vinput does not open with this key.
		if i == 1 {
			other := filepath.Join(dirs[0], "vinput.json")
			if code, _, errs := trusteeRun(t, "voutput", "--key", k, "--certs", certsFile, "--vinput", other, "--dkey", filepath.Join(dirs[1], "x.dkey")); code == 0 || !strings.Contains(errs, "no voutput made") {
				t.Fatalf("voutput with another's vinput: %d %s", code, errs)
			}
		}
	}
}
