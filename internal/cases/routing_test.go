package cases

import (
	"reflect"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/errs"
)

func TestParsePeople(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"  \n ", nil, false},
		{"B@x.no, a@x.no;b@x.no\r\nc@x.no", []string{"a@x.no", "b@x.no", "c@x.no"}, false},
		{"a@x.no b", nil, true},
		{"Per <per@x.no>", nil, true},
		{"a|b@x.no", nil, true},
		{"%@x.no", nil, true},
		{"a_b@x.no", nil, true},
		{strings.Repeat("a@x.no\n", 51), []string{"a@x.no"}, false}, // duplicates collapse
	} {
		got, err := ParsePeople(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("ParsePeople(%q): error %v, want bad=%v", tc.in, err, tc.bad)
			continue
		}
		if err != nil && !errs.Is(errs.Invalid, err) {
			t.Errorf("ParsePeople(%q): %v is not Invalid", tc.in, err)
		}
		if !tc.bad && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParsePeople(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	var many []string
	for i := range 51 {
		many = append(many, strings.Repeat("a", i+1)+"@x.no")
	}
	if _, err := ParsePeople(strings.Join(many, "\n")); !errs.Is(errs.Invalid, err) {
		t.Errorf("51 people: %v", err)
	}
}

func TestMayHandle(t *testing.T) {
	c := Case{RestrictedTo: joinPeople([]string{"a@x.no", "b@x.no"})}
	for who, want := range map[string]bool{"email:a@x.no": true, "email:b@x.no": true, "email:c@x.no": false, "email:a@x.n": false, "": false, "a@x.no": false} {
		if got := c.MayHandle(who); got != want {
			t.Errorf("MayHandle(%q) = %v", who, got)
		}
	}
	if !(Case{}).MayHandle("email:anyone@x.no") {
		t.Error("an unrestricted case is closed")
	}
	if got := splitPeople(c.RestrictedTo); !reflect.DeepEqual(got, []string{"a@x.no", "b@x.no"}) {
		t.Errorf("splitPeople = %q", got)
	}
	if got := likeMember(`email:a_b%c\d`); got != `%|email:a\_b\%c\\d|%` {
		t.Errorf("likeMember = %q", got)
	}
}

// FuzzParsePeople: whatever is pasted, an accepted list joins and splits
// back to itself and never holds the list separator.
func FuzzParsePeople(f *testing.F) {
	f.Add("a@x.no, b@y.no")
	f.Add("Per <p@x.no>")
	f.Add("|a@x.no|")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParsePeople(s)
		if err != nil {
			return
		}
		for _, p := range got {
			if strings.ContainsAny(p, "|%_\\") || p != strings.ToLower(p) {
				t.Fatalf("accepted %q", p)
			}
		}
		if back := splitPeople(joinPeople(got)); len(got) > 0 && !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip %q -> %q", got, back)
		}
	})
}
