package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/torg-ekommune/torg/internal/election/belenios"
)

const electionUsage = "usage: torg election simulate|verify|trustee|credentials [flags] (e.g. torg election simulate --help)"

// electionCmd runs `torg election simulate|verify`: a whole simulated
// Belenios 2.0 election written as a public record, and the independent
// verification of such a record (Torg's or belenios-tool's); and the
// trustees' and the credential authority's commands (trustee,
// credentials). Exit 0 when
// the record verifies, 1 when a check fails, 2 on usage errors.
func electionCmd(env Env, args []string) error {
	if len(args) == 0 {
		return usageErr(electionUsage)
	}
	switch args[0] {
	case "simulate":
		return electionSimulate(env, args[1:])
	case "trustee":
		return electionTrusteeCmd(env, args[1:])
	case "credentials":
		return electionCredentials(env, args[1:])
	case "verify":
		return electionVerify(env, args[1:])
	}
	return usageErr("unknown election command %q; %s", args[0], electionUsage)
}

func electionSimulate(env Env, args []string) error {
	var o belenios.Options
	var out string
	fs := newFlags(env, "election simulate", "election simulate --voters N --trustees K [--threshold T] [--blank] [--revotes R] --out DIR")
	fs.IntVar(&o.Voters, "voters", 0, "number of voters; each casts one ballot")
	fs.IntVar(&o.Trustees, "trustees", 0, "number of trustees (Single keys, or Pedersen members with --threshold)")
	fs.IntVar(&o.Threshold, "threshold", 0, "with T > 0: any T of the trustees decrypt (Pedersen), plus the server's own key")
	fs.BoolVar(&o.Blank, "blank", false, "allow blank votes (about one in ten simulated votes is blank)")
	fs.IntVar(&o.Revotes, "revotes", 0, "this many voters vote again; only their last ballot counts")
	fs.StringVar(&out, "out", "", "folder for UUID.bel and expected.json; made if missing, must hold no .bel file")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case out == "":
		return usageErr("--out is required: the folder to write the record to")
	case o.Voters < 1 || o.Voters > 10_000_000:
		return usageErr("--voters must be 1 to 10000000")
	case o.Trustees < 1 || o.Trustees > 100:
		return usageErr("--trustees must be 1 to 100")
	case o.Threshold < 0 || o.Threshold > o.Trustees:
		return usageErr("--threshold must be 0 (no threshold) to --trustees")
	case o.Revotes < 0 || o.Revotes > o.Voters:
		return usageErr("--revotes must be 0 to --voters")
	}
	if ms, _ := filepath.Glob(filepath.Join(out, "*.bel")); len(ms) > 0 {
		return usageErr("--out %s already holds a record (%s)", out, filepath.Base(ms[0]))
	}
	start := time.Now()
	sim, err := belenios.Simulate(o)
	if err != nil {
		return err
	}
	file, err := sim.Write(out)
	if err != nil {
		return err
	}
	ballots := 0
	for _, ev := range sim.Archive.Events {
		if ev.Type == belenios.EvBallot {
			ballots++
		}
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%d ballots) and %s in %s\n", file, ballots,
		filepath.Join(out, "expected.json"), time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(env.Stdout, "expected result: %s\n", belenios.MarshalResult(sim.Expected))
	return nil
}

func electionVerify(env Env, args []string) error {
	fs := newFlags(env, "election verify", "election verify DIR|FILE.bel")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr("give one record: a folder holding UUID.bel, or the .bel file")
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); err != nil {
		return usageErr("%v", err)
	}
	start := time.Now()
	r, err := belenios.Verify(path)
	var ce *belenios.CheckError
	if errors.As(err, &ce) {
		fmt.Fprintf(env.Stdout, "verification FAILED: %v\n", ce)
		return &exitError{1, errors.New("")}
	}
	if err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(env.Stdout, "election %s %q, fingerprint %s\n", r.UUID, r.Name, r.Fingerprint)
	fmt.Fprintf(env.Stdout, "%d events, %d trustee keys, %d credentials, %d ballots, %d counted (total weight %d)\n",
		r.Events, r.Trustees, r.Credentials, r.Ballots, r.Tallied, r.TotalWeight)
	for _, w := range r.Warnings {
		fmt.Fprintf(env.Stdout, "warning: %s\n", w)
	}
	if r.Result != nil {
		fmt.Fprintf(env.Stdout, "result: %s\n", belenios.MarshalResult(r.Result))
	}
	fmt.Fprintf(env.Stdout, "all checks passed (%s)\n", time.Since(start).Round(time.Millisecond))
	return nil
}
