package initiatives_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/initiatives"
	it "github.com/torg-ekommune/torg/internal/initiatives/initiativestest"
)

// FuzzParseResidents feeds arbitrary extracts to the resident parser: it
// must not panic, and what it returns must be valid, distinct numbers.
func FuzzParseResidents(f *testing.F) {
	f.Add("fodselsnummer\n" + it.KariPID + "\n" + it.OlaPID + "\n")
	f.Add("\ufefffnr;navn\n" + it.KariPID + ";Kari\n\"" + it.OlaPID + "\",Ola\r\n")
	f.Add("fnr\n" + it.BadPID + "\n\n")
	f.Add(strings.Repeat("9", 5000))
	f.Fuzz(func(t *testing.T, in string) {
		got, err := initiatives.ParseResidents(strings.NewReader(in))
		if err != nil {
			var ie *initiatives.ImportError
			if errors.As(err, &ie) && (ie.Total < len(ie.Lines) || len(ie.Lines) == 0) {
				t.Fatalf("import error %+v", ie)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range got {
			if len(p) != 11 || seen[p] {
				t.Fatalf("returned %q (repeat: %v)", p, seen[p])
			}
			seen[p] = true
		}
	})
}

// FuzzParseCommitment checks the commitment check's parser: anything it
// accepts is 64 lower-case hex digits, and it accepts its own output.
func FuzzParseCommitment(f *testing.F) {
	f.Add(strings.Repeat("ab", 32))
	f.Add(" " + strings.Repeat("AB", 32) + "\n")
	f.Add("<script>")
	f.Fuzz(func(t *testing.T, in string) {
		c, ok := initiatives.ParseCommitment(in)
		if !ok {
			return
		}
		if len(c) != 64 || strings.Trim(c, "0123456789abcdef") != "" {
			t.Fatalf("accepted %q as %q", in, c)
		}
		if again, ok := initiatives.ParseCommitment(c); !ok || again != c {
			t.Fatalf("not stable: %q → %q", c, again)
		}
	})
}
