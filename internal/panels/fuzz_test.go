package panels_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/panels"
)

// FuzzParsePopulation: any text either fails with a PopulationError or
// gives areas that are valid names and read back the same from Text.
func FuzzParsePopulation(f *testing.F) {
	f.Add(panels.DemoPopulation)
	f.Add("A;1;2;3;4\nB,5,6,7,8\n")
	f.Add("\ufeffx\t1\t2\t3\t4")
	f.Add("A|B;1;2;3;4")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := panels.ParsePopulation(text)
		if err != nil {
			if _, ok := err.(*panels.PopulationError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(p.Areas) == 0 || p.Total() <= 0 {
			t.Fatalf("empty population accepted: %+v", p)
		}
		for _, a := range p.Areas {
			if a == "" || strings.Contains(a, "|") || utf8.RuneCountInString(a) > panels.MaxArea || !utf8.ValidString(a) {
				t.Fatalf("bad area %q", a)
			}
		}
		back, err := panels.ParsePopulation(p.Text())
		if err != nil || back.Text() != p.Text() {
			t.Fatalf("round trip of %q: %v", p.Text(), err)
		}
	})
}
