package belenios

import (
	"fmt"
	"testing"
)

func TestSimulateVerifies(t *testing.T) {
	for _, o := range []Options{
		{Voters: 6, Trustees: 2, Revotes: 2},
		{Voters: 5, Trustees: 3, Threshold: 2, Blank: true, Revotes: 1},
		{Voters: 5, Trustees: 1, Questions: []Question{
			{Answers: []string{"Yes", "No"}, Min: 1, Max: 1, Question: "Q1 «æøå»"},
			{Answers: []string{"A", "B", "C"}, Blank: true, Min: 1, Max: 2, Question: "Q2"},
			{Answers: []string{"x", "y", "z"}, Min: 0, Max: 3, Question: "Q3"}}},
	} {
		sim, err := Simulate(o)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := sim.Write(dir); err != nil {
			t.Fatal(err)
		}
		r, err := Verify(dir)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if fmt.Sprint(r.Result) != fmt.Sprint(sim.Expected) {
			t.Errorf("result %v, expected %v", r.Result, sim.Expected)
		}
		t.Logf("%s: %v (%d ballots)", dir, r.Result, r.Ballots)
	}
}
