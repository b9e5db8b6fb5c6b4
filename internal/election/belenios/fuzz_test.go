package belenios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// testdata/tiny.bel is a 1-voter record made by Simulate (blank-allowed
// question, one trustee), testdata/ballot.json its ballot; both verify
// with belenios-tool. Reading them keeps the fuzz workers' start cheap.
func readSeed(f *testing.F, name string) []byte {
	f.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzParseBallot: the ballot parser never panics, and whatever it accepts
// is in canonical form (its encoding is exactly the input).
func FuzzParseBallot(f *testing.F) {
	f.Add(readSeed(f, "ballot.json"))
	f.Add([]byte(`{"election_uuid":"x","election_hash":"y","credential":"01","answers":[],"signature":{"hash":"","proof":{"challenge":"1","response":"2"}}}`))
	f.Add([]byte(`{"answers":[{"choices":[{"alpha":"1","beta":"2"}],"individual_proofs":[[]],"overall_proof":[],"blank_proof":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBallot(data)
		if err != nil {
			return
		}
		if !bytes.Equal(b.Marshal(), data) {
			t.Fatalf("accepted a ballot that is not canonical: %q", data)
		}
	})
}

// FuzzParseArchive: the archive parser and the verifier never panic, and
// an accepted archive re-encodes to the same bytes.
func FuzzParseArchive(f *testing.F) {
	raw := readSeed(f, "tiny.bel")
	f.Add(raw)
	f.Add(raw[:2048])
	f.Add(append(bytes.Clone(raw), make([]byte, 1024)...))
	f.Add([]byte("BELENIOS"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseArchive(data)
		if err != nil {
			var ae *ArchiveError
			var ce *ChainError
			if !errors.As(err, &ae) && !errors.As(err, &ce) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !bytes.Equal(a.Bytes(), data) {
			t.Fatal("accepted archive does not re-encode to the same bytes")
		}
		if _, err := VerifyArchive(a); err != nil {
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("untyped error %v", err)
			}
		}
	})
}
