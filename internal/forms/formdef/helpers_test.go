package formdef

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/nin"
)

// testToday is the date "today" means in the tests: 15 March 2026.
func testToday() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }

// ctx is the validation context of the tests.
func ctx() ValidationContext { return ValidationContext{Today: testToday()} }

// docWith returns a definition with one page per list of field JSON
// objects, and the rules given (a JSON array or "").
func docWith(rules string, pages ...[]string) string {
	var ps []string
	for i, fields := range pages {
		ps = append(ps, `{"id":"p`+string(rune('1'+i))+`","title":{"nb":"Side"},"fields":[`+strings.Join(fields, ",")+`]}`)
	}
	doc := `{"id":"test","title":{"nb":"Test"},"assurance":"none",` +
		`"privacy":{"controller":{"nb":"Demo kommune"},"purpose":{"nb":"Formål"},"legal_basis":{"nb":"Grunnlag"},"retention":{"nb":"1 år"}},` +
		`"pages":[` + strings.Join(ps, ",") + `]`
	if rules != "" {
		doc += `,"rules":` + rules
	}
	return doc + "}"
}

// mustParse parses a definition or fails the test.
func mustParse(t testing.TB, doc string) *Form {
	t.Helper()
	f, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}
	return f
}

// formWith parses a one-page form with the given fields.
func formWith(t testing.TB, fields ...string) *Form {
	t.Helper()
	return mustParse(t, docWith("", fields))
}

// library parses a library definition.
func library(t testing.TB, id string) *Form {
	t.Helper()
	b, ok := Library()[id]
	if !ok {
		t.Fatalf("no library form %q", id)
	}
	f, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(%s): %v", id, err)
	}
	return f
}

// jsonOf marshals v for comparisons.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

// readJSON decodes a testdata file.
func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// errorsByPath indexes field errors by path.
func errorsByPath(errs []FieldError) map[string]FieldError {
	m := map[string]FieldError{}
	for _, e := range errs {
		m[e.Path] = e
	}
	return m
}

// keysOf lists "path key" of each error, for messages.
func keysOf(errs []FieldError) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Path+" "+e.Key)
	}
	return strings.Join(s, "; ")
}

// fixedZone is UTC+1, like Oslo in winter.
func fixedZone() *time.Location { return time.FixedZone("CET", 3600) }

// fnrBorn returns a valid fødselsnummer for someone born on the date.
func fnrBorn(t testing.TB, y int, m time.Month, d int) string {
	t.Helper()
	lo, hi := 500, 1000
	if y < 2000 {
		lo, hi = 0, 500
	}
	for ind := lo; ind < hi; ind++ {
		if n, err := nin.Generate(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), ind, nin.Ordinary); err == nil {
			return n.String()
		}
	}
	t.Fatalf("no fødselsnummer for %d-%d-%d", y, m, d)
	return ""
}

// pdf is an uploaded PDF file.
func pdf(id, name string, size int64) File {
	return File{ID: id, Name: name, ContentType: "application/pdf", Size: size}
}

// barnehageAnswers returns a complete, valid application as the HTTP layer
// would produce it: strings as typed, files from the upload handler.
func barnehageAnswers(t testing.TB) Answers {
	return Answers{
		"applicant_name": "Kari Nordmann",
		"applicant_fnr":  "01019012480",
		"address":        Address{Street: "Storgata 1", PostalCode: "0155", PostalTown: "Oslo"},
		"phone":          "912 34 567",
		"email":          "kari@example.no",
		"children": []Answers{
			{"child_name": "Ola", "child_fnr": fnrBorn(t, 2021, 5, 17), "birth_date": "17.05.2021", "needs_support": false},
			{"child_name": "Sara", "child_fnr": fnrBorn(t, 2024, 11, 2), "birth_date": "02.11.2024", "needs_support": true, "support_description": "Trenger  hjelp med mat.\r\nAllergi."},
		},
		"start_date":      "01.08.2026",
		"kindergartens":   []string{"trollskogen", "solsikken"},
		"has_sibling":     false,
		"apply_reduction": true,
		"tax_assessment":  []File{pdf("up1", "skatteoppgjør 2025.pdf", 120_000)},
	}
}
