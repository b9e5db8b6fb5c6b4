package vote

import (
	"bytes"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireBeleniosTool returns belenios-tool's path, skipping the test when it is
// missing unless TORG_REQUIRE_BELENIOS=1.
func requireBeleniosTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("belenios-tool")
	if err != nil {
		if os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
			t.Fatal("belenios-tool is required (TORG_REQUIRE_BELENIOS=1) but not found")
		}
		t.Skip("belenios-tool not installed")
	}
	return p
}

func runTool(t *testing.T, tool, dir string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=dumb")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("belenios-tool %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// TestThresholdCeremonyInterop runs the key ceremony with two trustees on
// belenios-tool and one on this package's functions (the ones `torg
// election trustee` runs), the server's steps here: each side reads the
// other's files, and belenios-tool's step 6 accepts the voutputs.
func TestThresholdCeremonyInterop(t *testing.T) {
	tool := requireBeleniosTool(t)
	dir := t.TempDir()
	tk := func(stdin []byte, args ...string) []byte {
		return runTool(t, tool, dir, stdin, append([]string{"setup", "generate-trustee-key-threshold", "--group", "BELENIOS-2048"}, args...)...)
	}
	// Step 1: trustees 1 and 2 on belenios-tool, trustee 3 here.
	tk(nil, "--step", "1")
	tk(nil, "--step", "1")
	keys, _ := filepath.Glob(filepath.Join(dir, "*.key"))
	if len(keys) != 2 {
		t.Fatalf("%d keys", len(keys))
	}
	var seeds []string
	var certLines []string
	for _, k := range keys {
		s, _ := os.ReadFile(k)
		seeds = append(seeds, string(s))
		c, _ := os.ReadFile(strings.TrimSuffix(k, ".key") + ".cert")
		certLines = append(certLines, strings.TrimSpace(string(c)))
	}
	seed3, cert3, err := ThresholdKeygen(nil)
	if err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, seed3)
	certLines = append(certLines, string(cert3))
	certsFile := strings.Join(certLines, "\n") + "\n"
	os.WriteFile(filepath.Join(dir, "certs.jsons"), []byte(certsFile), 0o644)
	tk(nil, "--certs", "certs.jsons", "--step", "2") // belenios-tool accepts our certificate
	certs, err := ParseCerts([]byte(certsFile))
	if err != nil {
		t.Fatal(err)
	}
	// Step 3.
	var polyLines []string
	var polys []*Polynomial
	for i, s := range seeds {
		var line []byte
		if i < 2 {
			line = bytes.TrimSpace(tk(nil, "--certs", "certs.jsons", "--key", keys[i], "--step", "3", "--threshold", "2"))
		} else if line, err = ThresholdPolynomial(s, certs, 2, nil); err != nil {
			t.Fatal(err)
		}
		p, err := CheckPolynomial(line, certs[i], 3, 2)
		if err != nil {
			t.Fatalf("polynomial %d: %v", i+1, err)
		}
		polys = append(polys, p)
		polyLines = append(polyLines, string(line))
	}
	os.WriteFile(filepath.Join(dir, "polynomials.jsons"), []byte(strings.Join(polyLines, "\n")+"\n"), 0o644)
	// Step 4 here, step 5 each on its own tool; step 6 on belenios-tool.
	var A [][]*big.Int
	for _, p := range polys {
		A = append(A, p.A)
	}
	var vouts []string
	for i, s := range seeds {
		vin := MakeVinput(polys, i+1)
		var vo []byte
		if i < 2 {
			vo = bytes.TrimSpace(tk(vin, "--certs", "certs.jsons", "--key", keys[i], "--step", "5"))
		} else if vo, _, err = ThresholdVoutput(s, certs, vin, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := CheckVoutput(vo, A, i+1); err != nil {
			t.Fatalf("voutput %d: %v", i+1, err)
		}
		if i < 2 { // our side opens belenios-tool's encrypted share
			if _, err := openShare(s, vo); err != nil {
				t.Fatalf("share %d: %v", i+1, err)
			}
		}
		vouts = append(vouts, string(vo))
	}
	out := tk([]byte(strings.Join(vouts, "\n")+"\n"), "--certs", "certs.jsons", "--step", "6", "--polynomials", "polynomials.jsons")
	if !bytes.Contains(out, []byte(`"threshold":2`)) {
		t.Fatalf("step 6: %s", out)
	}
}
