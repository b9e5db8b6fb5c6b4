package belenios

import (
	"fmt"
	"testing"
)

// demoDir is belenios-tool 2.0's 50-voter demo election (a copy of the
// shared interop material; see testdata/demo-election/SOURCE.md).
const demoDir = "testdata/demo-election"

func TestVerifyDemoRecords(t *testing.T) {
	for _, c := range []struct {
		dir    string
		result string
	}{
		// Made by belenios-tool 2.0: 1 Single + 2-of-3 Pedersen trustees.
		{"testdata/belenios-tool-threshold.bel", "[[4 3 3]]"},
		// The 50-voter demo (2 questions, blank, 3 Single trustees).
		{demoDir, "[[30 20] [10 20 20 20]]"},
	} {
		r, err := Verify(c.dir)
		if err != nil {
			t.Fatalf("%s: %v", c.dir, err)
		}
		if got := fmt.Sprint(r.Result); got != c.result {
			t.Errorf("%s: result %s, want %s", c.dir, got, c.result)
		}
	}
}
