package surveys

import (
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzQuestions is a survey with every kind of question and a condition.
var fuzzQuestions = []Question{
	{ID: "aaaaaaaaaaaaaaaa", Kind: KindSingle, Required: true, Options: []string{"Ja", "Nei"}},
	{ID: "bbbbbbbbbbbbbbbb", Kind: KindMultiple, Options: []string{"A", "B", "C"}},
	{ID: "cccccccccccccccc", Kind: KindScale, Required: true, ScaleMin: 1, ScaleMax: 5, CondQuestion: "aaaaaaaaaaaaaaaa", CondChoice: 0},
	{ID: "dddddddddddddddd", Kind: KindMatrix, Required: true, Options: []string{"Bra", "Dårleg"}, Rows: []string{"X", "Y"}},
	{ID: "eeeeeeeeeeeeeeee", Kind: KindText},
}

// FuzzParseAnswers checks that the answer parser never panics, that what
// it accepts is a valid choice of a visible question, and that required
// visible questions are answered when there are no errors.
func FuzzParseAnswers(f *testing.F) {
	for _, s := range []string{"", "q-aaaaaaaaaaaaaaaa=0&q-cccccccccccccccc=5&q-dddddddddddddddd-0=1&q-dddddddddddddddd-1=0",
		"q-aaaaaaaaaaaaaaaa=1&q-cccccccccccccccc=9&q-bbbbbbbbbbbbbbbb=0&q-bbbbbbbbbbbbbbbb=0&q-eeeeeeeeeeeeeeee=%3Cscript%3E",
		"q-aaaaaaaaaaaaaaaa=01", "q-aaaaaaaaaaaaaaaa=-0", "q-aaaaaaaaaaaaaaaa=+1", "q-bbbbbbbbbbbbbbbb=3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		given, fields := ParseAnswers(fuzzQuestions, form)
		vis := Visible(fuzzQuestions, given)
		byQ := map[string]int{}
		for _, g := range given {
			i := indexOf(fuzzQuestions, g.Question)
			if i < 0 || !vis[g.Question] {
				t.Fatalf("answer to a hidden or unknown question: %+v", g)
			}
			q := fuzzQuestions[i]
			byQ[q.ID]++
			if q.Kind == KindText {
				if g.Text == "" || !utf8.ValidString(g.Text) || utf8.RuneCountInString(g.Text) > MaxAnswer {
					t.Fatalf("text %q", g.Text)
				}
				continue
			}
			ok := slices.ContainsFunc(q.Choices(), func(c Choice) bool { return c.Value == g.Choice })
			if !ok || g.Item < 0 || (q.Kind == KindMatrix && g.Item >= len(q.Rows)) || (q.Kind != KindMatrix && g.Item != 0) {
				t.Fatalf("invalid answer %+v", g)
			}
		}
		if len(fields) == 0 {
			for _, q := range fuzzQuestions {
				if q.Required && vis[q.ID] && byQ[q.ID] == 0 {
					t.Fatalf("required question %s unanswered without an error", q.ID)
				}
			}
		}
	})
}

// FuzzParseAddresses checks that every address accepted is one plain,
// lower-case address, and that nothing is both accepted and refused.
func FuzzParseAddresses(f *testing.F) {
	for _, s := range []string{"ola@demo.no", "A@B.NO, c@d.no; e@f.no\n", "<script>@x", "\"a b\"@c.no", "Ola <ola@demo.no>", "a@b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addrs, _ := ParseAddresses(s)
		seen := map[string]bool{}
		for _, a := range addrs {
			p, err := mail.ParseAddress(a)
			if err != nil || p.Address != a || strings.ToLower(a) != a || strings.ContainsAny(a, " ,;<>\n") || seen[a] {
				t.Fatalf("accepted %q from %q", a, s)
			}
			seen[a] = true
		}
	})
}

// FuzzParseLines checks the option parser: trimmed, non-empty lines
// without control characters, within the limits.
func FuzzParseLines(f *testing.F) {
	for _, s := range []string{"Ja\nNei", " a \r\n\n b", "\x00x", strings.Repeat("x\n", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, ok := ParseLines(s, MaxOptions)
		if !ok {
			return
		}
		if len(lines) > MaxOptions {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if l == "" || l != strings.TrimSpace(l) || strings.ContainsAny(l, "\n\r\x00") || !utf8.ValidString(l) || utf8.RuneCountInString(l) > MaxOption {
				t.Fatalf("line %q", l)
			}
		}
	})
}

// FuzzParseCondition checks that an accepted condition formats back to
// itself.
func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{"aaaaaaaaaaaaaaaa:0", "aaaaaaaaaaaaaaaa:10", "aaaaaaaaaaaaaaaa:-1", "x:1", "aaaaaaaaaaaaaaaa:01", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, n, ok := ParseCondition(s)
		if !ok {
			return
		}
		if !ValidID(id) || strings.TrimSpace(s) != id+":"+strconv.Itoa(n) {
			t.Fatalf("%q parsed as %q, %d", s, id, n)
		}
	})
}

// FuzzToken checks that an accepted token is 43 characters of base64url.
func FuzzToken(f *testing.F) {
	f.Add(newToken())
	f.Add(strings.Repeat("A", 43))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidToken(s) && (len(s) != tokenLen || strings.ContainsFunc(s, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		})) {
			t.Fatalf("accepted %q", s)
		}
	})
}

func TestSuppress(t *testing.T) {
	for _, tt := range []struct {
		sizes []int64
		want  string
	}{
		{[]int64{10, 7, 0}, "---"},
		{[]int64{10, 3, 0}, "xx-"},
		{[]int64{10, 3, 4}, "-xx"},
		{[]int64{10, 2, 1, 20}, "xxx-"},
		{[]int64{6, 3, 1}, "xxx"},
		{[]int64{5, 5}, "--"},
		{[]int64{0, 0, 12}, "---"},
	} {
		h := suppress(tt.sizes)
		var got strings.Builder
		for _, x := range h {
			if x {
				got.WriteByte('x')
			} else {
				got.WriteByte('-')
			}
		}
		if got.String() != tt.want {
			t.Errorf("suppress(%v) = %s, want %s", tt.sizes, got.String(), tt.want)
		}
	}
}
