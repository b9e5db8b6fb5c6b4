package formdef

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// badCase is one case of testdata/bad.txt.
type badCase struct {
	name  string
	wants []Problem
	doc   string
}

// readBadCases reads testdata/bad.txt (its format is described at its top).
func readBadCases(t testing.TB) []badCase {
	t.Helper()
	file, err := os.Open("testdata/bad.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var cases []badCase
	var blocks map[string]*strings.Builder
	var current *strings.Builder
	finish := func() {
		if len(cases) == 0 {
			return
		}
		c := &cases[len(cases)-1]
		if b := blocks["doc"]; b != nil {
			c.doc = b.String()
			return
		}
		pages := `{"id": "p1", "title": {"nb": "Side 1"}, "fields": ` + blocks["fields"].String() + `}`
		if b := blocks["fields2"]; b != nil {
			pages += `, {"id": "p2", "title": {"nb": "Side 2"}, "fields": ` + b.String() + `}`
		}
		c.doc = `{"id": "test", "title": {"nb": "Test"}, "assurance": "none",
			"privacy": {"controller": {"nb": "K"}, "purpose": {"nb": "F"}, "legal_basis": {"nb": "G"}, "retention": {"nb": "L"}},
			"pages": [` + pages + `]`
		if b := blocks["rules"]; b != nil {
			c.doc += `, "rules": ` + b.String()
		}
		c.doc += "}"
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || (current == nil && strings.TrimSpace(line) == ""):
		case strings.HasPrefix(line, "== "):
			finish()
			cases = append(cases, badCase{name: strings.TrimPrefix(line, "== ")})
			blocks, current = map[string]*strings.Builder{}, nil
		case strings.HasPrefix(line, "want "):
			path, msg, ok := strings.Cut(strings.TrimPrefix(line, "want "), ": ")
			if !ok {
				t.Fatalf("bad want line %q", line)
			}
			cases[len(cases)-1].wants = append(cases[len(cases)-1].wants, Problem{Path: strings.TrimSpace(path), Message: msg})
		default:
			word, rest, _ := strings.Cut(line, " ")
			switch word {
			case "doc", "fields", "fields2", "rules":
				current = &strings.Builder{}
				blocks[word] = current
				current.WriteString(rest + "\n")
			default:
				if current == nil {
					t.Fatalf("line outside a block: %q", line)
				}
				current.WriteString(line + "\n")
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	finish()
	return cases
}

// TestParseRejects checks that Parse reports exactly the expected problems
// of each broken definition in testdata/bad.txt.
func TestParseRejects(t *testing.T) {
	cases := readBadCases(t)
	if len(cases) < 20 {
		t.Fatalf("only %d cases read", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte(c.doc))
			if err == nil {
				t.Fatalf("Parse accepted %+v", f)
			}
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *DefinitionError", err, err)
			}
			used := make([]bool, len(de.Problems))
			for _, w := range c.wants {
				found := false
				for i, p := range de.Problems {
					if !used[i] && p.Path == w.Path && strings.Contains(p.Message, w.Message) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("missing problem %q: %q", w.Path, w.Message)
				}
			}
			for i, p := range de.Problems {
				if !used[i] {
					t.Errorf("unexpected problem %s", p)
				}
			}
			if t.Failed() {
				t.Logf("all problems:\n%v", err)
			}
		})
	}
}

// TestParseLimits checks the size and depth limits.
func TestParseLimits(t *testing.T) {
	big := docWith("", []string{`{"id":"a","type":"text","label":{"nb":"` + strings.Repeat("x", MaxDefinitionSize) + `"}}`})
	deep := docWith("", []string{`{"id":"a","type":"yesno","label":{"nb":"A"}}`,
		`{"id":"b","type":"text","label":{"nb":"B"},"visible_if":` + strings.Repeat(`{"not":`, 40) + `{"field":"a","equals":true}` + strings.Repeat("}", 40) + `}`})
	ok := docWith("", []string{`{"id":"a","type":"yesno","label":{"nb":"A"}}`,
		`{"id":"b","type":"text","label":{"nb":"B"},"visible_if":` + strings.Repeat(`{"not":`, 30) + `{"field":"a","equals":true}` + strings.Repeat("}", 30) + `}`})
	tests := []struct {
		name, doc, want string
	}{
		{"too big", big, "at most 1048576 are allowed"},
		{"too deep", deep, "nested deeper than 40 levels"},
		{"empty", "", "unexpected end"},
		{"null", "null", "must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := Parse([]byte(ok)); err != nil {
		t.Fatalf("30 levels of not: %v", err)
	}
}

// TestDefinitionErrorText checks the text of a DefinitionError.
func TestDefinitionErrorText(t *testing.T) {
	e := &DefinitionError{Problems: []Problem{{Path: "id", Message: "missing form id"}, {Message: "invalid JSON"}}}
	want := "formdef: 2 problems in the form definition:\n  id: missing form id\n  invalid JSON"
	if e.Error() != want {
		t.Fatalf("Error() = %q, want %q", e.Error(), want)
	}
	one := &DefinitionError{Problems: []Problem{{Path: "pages", Message: "a form needs at least one page"}}}
	if !strings.HasPrefix(one.Error(), "formdef: 1 problem in") {
		t.Fatalf("Error() = %q", one.Error())
	}
}

// TestLibrary checks that every library definition parses, and that its
// file name is its id.
func TestLibrary(t *testing.T) {
	lib := Library()
	for _, id := range []string{"barnehageplass", "skoleskyss", "kontakt"} {
		if _, ok := lib[id]; !ok {
			t.Errorf("library has no %q", id)
		}
	}
	for id, b := range lib {
		f, err := Parse(b)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if f.ID != id {
			t.Errorf("%s.json has id %q", id, f.ID)
		}
		for _, fi := range f.index().all {
			for _, text := range []Text{fi.f.Label, fi.f.Help, fi.f.Text, fi.f.ItemLabel} {
				if text != nil && (text["nn"] == "" || text["en"] == "") {
					t.Errorf("%s: field %s has a text without nn or en: %v", id, fi.f.ID, text)
				}
			}
		}
	}
}

// TestCheckCodeBuiltForm checks that a form built in code must pass Check,
// and that a failed Check leaves the form usable.
func TestCheckCodeBuiltForm(t *testing.T) {
	f := &Form{
		ID: "kode", Title: Text{"nb": "Kode"}, Assurance: AssuranceNone,
		Privacy: Privacy{Controller: Text{"nb": "K"}, Purpose: Text{"nb": "F"}, LegalBasis: Text{"nb": "G"}, Retention: Text{"nb": "L"}},
		Pages: []Page{{ID: "p1", Title: Text{"nb": "Side"}, Fields: []Field{
			{ID: "a", Type: TypeYesNo, Label: Text{"nb": "A"}},
			{ID: "b", Type: TypeText, Label: Text{"nb": "B"}, Required: true, VisibleIf: &Condition{Field: "a", Equals: true}},
		}}},
	}
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	if _, errs := f.Validate(Answers{"a": true}, ctx()); len(errs) != 1 || errs[0].Path != "b" {
		t.Fatalf("errors %s", keysOf(errs))
	}
	f.Pages[0].Fields[1].VisibleIf = &Condition{Field: "b", Equals: "x"}
	err := f.Check()
	var de *DefinitionError
	if !errors.As(err, &de) || len(de.Problems) != 1 || de.Problems[0].Path != "pages[0].fields[1].visible_if.field" {
		t.Fatalf("Check: %v", err)
	}
	// An unchecked form (with a cycle) must not hang or panic.
	f.Visible(Answers{"b": "x"})
	f.Validate(Answers{"b": "x"}, ctx())
}
