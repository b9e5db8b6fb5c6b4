package belenios

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// beleniosTool returns the path of belenios-tool, skipping the test when
// it is missing unless TORG_REQUIRE_BELENIOS=1.
func beleniosTool(t *testing.T) string {
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

// toolVerify runs belenios-tool election verify and returns its output.
func toolVerify(t *testing.T, tool, dir string) (string, error) {
	t.Helper()
	cmd := exec.Command(tool, "election", "verify", "--dir", dir)
	cmd.Env = append(os.Environ(), "TERM=dumb")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// toolResult recomputes the result with belenios-tool from the record's
// tally and partial decryptions.
func toolResult(t *testing.T, tool, dir string) string {
	t.Helper()
	cmd := exec.Command(tool, "election", "compute-result", "--dir", dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("compute-result: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestBeleniosToolVerifiesSimulated(t *testing.T) {
	tool := beleniosTool(t)
	for name, o := range map[string]Options{
		"single":    {Voters: 8, Trustees: 3, Revotes: 2},
		"blank":     {Voters: 8, Trustees: 2, Blank: true, Revotes: 1},
		"threshold": {Voters: 6, Trustees: 3, Threshold: 2, Revotes: 1},
		"questions": {Voters: 5, Trustees: 1, Questions: []Question{
			{Answers: []string{"Ja", "Nei"}, Min: 1, Max: 1, Question: "Skal kommunen byggje «ny» skule på Øvre Å?"},
			{Answers: []string{"A", "B", "C"}, Blank: true, Min: 1, Max: 2, Question: "Q2 \"quoted\" \\ back"},
			{Answers: []string{"x", "y", "z"}, Min: 0, Max: 3, Question: "Q3"}}},
	} {
		t.Run(name, func(t *testing.T) {
			sim, err := Simulate(o)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if _, err := sim.Write(dir); err != nil {
				t.Fatal(err)
			}
			out, err := toolVerify(t, tool, dir)
			if err != nil || !strings.Contains(out, "all checks passed") {
				t.Fatalf("belenios-tool verify: %v\n%s", err, out)
			}
			want, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if got := toolResult(t, tool, dir); got != strings.TrimSpace(string(want)) {
				t.Errorf("belenios-tool result %s, expected.json %s", got, want)
			}
		})
	}
}
