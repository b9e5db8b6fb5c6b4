package belenios

import (
	"fmt"
	"os"
	"testing"
)

const demoDir = "../../../../shared/belenios/demo-election"

func TestVerifyDemoRecords(t *testing.T) {
	for _, c := range []struct {
		dir    string
		result string
	}{
		// Made by belenios-tool 2.0: 1 Single + 2-of-3 Pedersen trustees.
		{"testdata/belenios-tool-threshold.bel", "[[4 3 3]]"},
		// The 50-voter demo (2 questions, blank, 3 Single trustees), when
		// the shared interop material is present.
		{demoDir, "[[30 20] [10 20 20 20]]"},
		{demoDir + "/threshold-variant", "[[4 3 3]]"},
	} {
		if _, err := os.Stat(c.dir); err != nil {
			t.Logf("skipping %s: %v", c.dir, err)
			continue
		}
		r, err := Verify(c.dir)
		if err != nil {
			t.Fatalf("%s: %v", c.dir, err)
		}
		if got := fmt.Sprint(r.Result); got != c.result {
			t.Errorf("%s: result %s, want %s", c.dir, got, c.result)
		}
	}
}
