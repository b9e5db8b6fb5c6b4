package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestElectionUsage(t *testing.T) {
	out := t.TempDir()
	for _, tt := range []struct {
		name     string
		args     []string
		inStderr string
	}{
		{"no subcommand", []string{"election"}, "election simulate|verify"},
		{"unknown subcommand", []string{"election", "count"}, `unknown election command "count"`},
		{"no out", []string{"election", "simulate", "--voters", "3", "--trustees", "1"}, "--out is required"},
		{"no voters", []string{"election", "simulate", "--trustees", "1", "--out", out}, "--voters must be"},
		{"no trustees", []string{"election", "simulate", "--voters", "3", "--out", out}, "--trustees must be"},
		{"threshold too high", []string{"election", "simulate", "--voters", "3", "--trustees", "2", "--threshold", "3", "--out", out}, "--threshold must be"},
		{"too many revotes", []string{"election", "simulate", "--voters", "3", "--trustees", "1", "--revotes", "4", "--out", out}, "--revotes must be"},
		{"bad flag", []string{"election", "simulate", "--voters", "x"}, "invalid value"},
		{"verify without record", []string{"election", "verify"}, "give one record"},
		{"verify missing record", []string{"election", "verify", filepath.Join(out, "nope")}, "no such file"},
		{"verify empty folder", []string{"election", "verify", out}, "want exactly one .bel file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.inStderr)
			}
		})
	}
}

func TestElectionSimulateAndVerify(t *testing.T) {
	for name, extra := range map[string][]string{
		"single":    {"--trustees", "3", "--blank", "--revotes", "2"},
		"threshold": {"--trustees", "3", "--threshold", "2", "--revotes", "1"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rec")
			args := append([]string{"election", "simulate", "--voters", "7", "--out", dir}, extra...)
			code, stdout, stderr := runCLI(t, nil, args...)
			if code != 0 {
				t.Fatalf("simulate: exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "(9 ballots)") && !strings.Contains(stdout, "(8 ballots)") {
				t.Errorf("simulate output: %s", stdout)
			}
			expected, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr = runCLI(t, nil, "election", "verify", dir)
			if code != 0 || !strings.Contains(stdout, "all checks passed") {
				t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stdout, "result: "+strings.TrimSpace(string(expected))) {
				t.Errorf("verify result line missing %s:\n%s", expected, stdout)
			}
			// A second simulate into the same folder is refused.
			if code, _, stderr := runCLI(t, nil, args...); code != 2 || !strings.Contains(stderr, "already holds a record") {
				t.Errorf("second simulate: exit %d %s", code, stderr)
			}

			// belenios-tool agrees.
			tool, err := exec.LookPath("belenios-tool")
			if err != nil {
				if os.Getenv("TORG_REQUIRE_BELENIOS") == "1" {
					t.Fatal("belenios-tool required but missing")
				}
				t.Skip("belenios-tool not installed")
			}
			out, err := exec.Command(tool, "election", "verify", "--dir", dir).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "all checks passed") {
				t.Fatalf("belenios-tool verify: %v\n%s", err, out)
			}
			res, err := exec.Command(tool, "election", "compute-result", "--dir", dir).Output()
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(string(res)) != strings.TrimSpace(string(expected)) {
				t.Errorf("belenios-tool result %s, expected.json %s", res, expected)
			}

			// A tampered record fails with exit 1 and the failing check.
			bels, _ := filepath.Glob(filepath.Join(dir, "*.bel"))
			data, _ := os.ReadFile(bels[0])
			i := strings.Index(string(data), `"result":[[`)
			data[i+len(`"result":[[`)]++
			os.WriteFile(bels[0], data, 0o644)
			code, stdout, _ = runCLI(t, nil, "election", "verify", bels[0])
			if code != 1 || !strings.Contains(stdout, "verification FAILED: archive check failed") {
				t.Errorf("tampered: exit %d %s", code, stdout)
			}
		})
	}
}

func TestElectionVerifyBeleniosDemo(t *testing.T) {
	// belenios-tool 2.0's demo records, as the belenios package's tests keep them.
	for _, dir := range []string{"../election/belenios/testdata/demo-election", "../election/belenios/testdata/belenios-tool-threshold.bel"} {
		code, stdout, stderr := runCLI(t, nil, "election", "verify", dir)
		if code != 0 || !strings.Contains(stdout, "all checks passed") {
			t.Errorf("%s: exit %d\n%s%s", dir, code, stdout, stderr)
		}
	}
}
