package formdef

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestBarnehageValid checks a complete application: no errors, and the
// clean answers normalized.
func TestBarnehageValid(t *testing.T) {
	f := library(t, "barnehageplass")
	a := barnehageAnswers(t)
	clean, errs := f.Validate(a, ctx())
	if len(errs) > 0 {
		t.Fatalf("errors: %s", keysOf(errs))
	}
	children := clean["children"].([]Answers)
	checks := []struct {
		name string
		got  any
		want string
	}{
		{"phone", clean["phone"], `"91234567"`},
		{"start_date", clean["start_date"], `"2026-08-01"`},
		{"kindergartens", clean["kindergartens"], `["trollskogen","solsikken"]`},
		{"address", clean["address"], `{"street":"Storgata 1","postal_code":"0155","postal_town":"Oslo"}`},
		{"child 0", children[0], fmt.Sprintf(`{"birth_date":"2021-05-17","child_fnr":%q,"child_name":"Ola","needs_support":false}`, a["children"].([]Answers)[0]["child_fnr"])},
		{"child 1 support", children[1]["support_description"], `"Trenger  hjelp med mat.\nAllergi."`},
		{"tax_assessment", clean["tax_assessment"], `[{"id":"up1","name":"skatteoppgjør 2025.pdf","content_type":"application/pdf","size":120000}]`},
		{"has_sibling", clean["has_sibling"], `false`},
	}
	for _, c := range checks {
		if got := jsonOf(t, c.got); got != c.want {
			t.Errorf("%s = %s, want %s", c.name, got, c.want)
		}
	}
	if _, ok := clean["sibling_kindergarten"]; ok {
		t.Errorf("hidden sibling_kindergarten kept")
	}
	// Clean answers validate again to themselves, also after a JSON round
	// trip (as a stored draft).
	again, errs := f.Validate(clean, ctx())
	if len(errs) > 0 || jsonOf(t, again) != jsonOf(t, clean) {
		t.Fatalf("clean answers do not validate to themselves: %s\n%s\n%s", keysOf(errs), jsonOf(t, again), jsonOf(t, clean))
	}
	var decoded Answers
	if err := json.Unmarshal([]byte(jsonOf(t, clean)), &decoded); err != nil {
		t.Fatal(err)
	}
	again, errs = f.Validate(decoded, ctx())
	if len(errs) > 0 || jsonOf(t, again) != jsonOf(t, clean) {
		t.Fatalf("clean answers from JSON do not validate to themselves: %s\n%s", keysOf(errs), jsonOf(t, again))
	}
}

// TestHiddenFieldsDropped checks that hidden fields are never required and
// that their stale answers are dropped.
func TestHiddenFieldsDropped(t *testing.T) {
	f := library(t, "barnehageplass")
	a := barnehageAnswers(t)
	children := a["children"].([]Answers)
	children[0]["support_description"] = "stale answer from when the box was ticked"
	children[1]["support_description"] = ""
	a["has_sibling"] = true
	a["apply_reduction"] = false
	a["unknown_field"] = "ignored"
	clean, errs := f.Validate(a, ctx())
	want := "children.1.support_description forms.error.required; sibling_kindergarten forms.error.required_choice"
	if got := keysOf(errs); got != want {
		t.Fatalf("errors %s, want %s", got, want)
	}
	if _, ok := clean["children"].([]Answers)[0]["support_description"]; ok {
		t.Errorf("stale support_description of a child without needs was kept")
	}
	for _, k := range []string{"tax_assessment", "unknown_field"} {
		if _, ok := clean[k]; ok {
			t.Errorf("%s kept", k)
		}
	}
	// A hidden invalid answer is no error either.
	a["has_sibling"] = false
	a["sibling_kindergarten"] = "nonexistent"
	children[1]["support_description"] = "Mat"
	if _, errs := f.Validate(a, ctx()); len(errs) > 0 {
		t.Fatalf("errors on hidden fields: %s", keysOf(errs))
	}
}

// TestVisible checks the visibility map, with one entry per field path.
func TestVisible(t *testing.T) {
	f := library(t, "barnehageplass")
	a := barnehageAnswers(t)
	vis := f.Visible(a)
	want := map[string]bool{
		"applicant_name": true, "children": true,
		"children.0.child_name": true, "children.0.needs_support": true, "children.0.support_description": false,
		"children.1.support_description": true,
		"sibling_kindergarten":           false, "reduction_info": true, "tax_assessment": true,
	}
	for path, w := range want {
		if got, ok := vis[path]; !ok || got != w {
			t.Errorf("Visible[%s] = %v (present %v), want %v", path, got, ok, w)
		}
	}
	if _, ok := vis["children.2.child_name"]; ok {
		t.Errorf("Visible has a path for an item that does not exist")
	}
	for path := range vis {
		if _, ok := f.Lookup(path); !ok {
			t.Errorf("Visible path %q does not resolve", path)
		}
	}
	if n := len(f.Visible(Answers{})); n != 13 {
		t.Errorf("Visible of no answers has %d paths, want the 13 top-level fields", n)
	}
}

// TestConditions checks each kind of condition against answers.
func TestConditions(t *testing.T) {
	base := []string{
		`{"id":"yes","type":"yesno","label":{"nb":"Y"}}`,
		`{"id":"pick","type":"choice","label":{"nb":"P"},"options":[{"value":"a","label":{"nb":"A"}},{"value":"b","label":{"nb":"B"}},{"value":"c","label":{"nb":"C"}}]}`,
		`{"id":"multi","type":"choice","multiple":true,"label":{"nb":"M"},"options":[{"value":"a","label":{"nb":"A"}},{"value":"b","label":{"nb":"B"}}]}`,
		`{"id":"n","type":"number","label":{"nb":"N"}}`,
		`{"id":"amt","type":"amount","label":{"nb":"Beløp"}}`,
		`{"id":"txt","type":"text","label":{"nb":"T"}}`,
		`{"id":"day","type":"date","label":{"nb":"D"},"earliest":"today"}`,
		`{"id":"addr","type":"address","label":{"nb":"A"}}`,
		`{"id":"grp","type":"group","label":{"nb":"G"},"fields":[{"id":"g_name","type":"text","label":{"nb":"N"}}]}`,
	}
	tests := []struct {
		cond string
		a    Answers
		want bool
	}{
		{`{"field":"yes","equals":true}`, Answers{"yes": true}, true},
		{`{"field":"yes","equals":true}`, Answers{"yes": "true"}, true},
		{`{"field":"yes","equals":true}`, Answers{"yes": false}, false},
		{`{"field":"yes","equals":false}`, Answers{}, false},
		{`{"field":"yes","equals":true}`, Answers{"yes": "maybe"}, false},
		{`{"field":"pick","equals":"b"}`, Answers{"pick": " b "}, true},
		{`{"field":"pick","in":["a","c"]}`, Answers{"pick": "c"}, true},
		{`{"field":"pick","in":["a","c"]}`, Answers{"pick": "b"}, false},
		{`{"field":"multi","equals":"b"}`, Answers{"multi": []string{"a", "b"}}, true},
		{`{"field":"multi","in":["b"]}`, Answers{"multi": []string{"a"}}, false},
		{`{"field":"n","equals":3}`, Answers{"n": "3,0"}, true},
		{`{"field":"n","in":[1,2]}`, Answers{"n": 2.0}, true},
		{`{"field":"amt","equals":1234.5}`, Answers{"amt": "1 234,50"}, true},
		{`{"field":"amt","equals":1234.5}`, Answers{"amt": int64(123450)}, true},
		{`{"field":"txt","equals":"hei"}`, Answers{"txt": "  hei "}, true},
		{`{"field":"txt","answered":true}`, Answers{"txt": "   "}, false},
		{`{"field":"txt","answered":false}`, Answers{"txt": "   "}, true},
		{`{"field":"day","answered":true}`, Answers{"day": "01.01.2020"}, true},
		{`{"field":"day","answered":true}`, Answers{"day": "i går"}, false},
		{`{"field":"day","equals":"2020-01-01"}`, Answers{"day": "01.01.2020"}, true},
		{`{"field":"addr","answered":true}`, Answers{"addr": Address{Street: "Storgata 1"}}, true},
		{`{"field":"addr","answered":true}`, Answers{"addr": Address{}}, false},
		{`{"field":"grp","answered":true}`, Answers{"grp": []Answers{{}}}, true},
		{`{"field":"grp","answered":true}`, Answers{"grp": []Answers{}}, false},
		{`{"all":[{"field":"yes","equals":true},{"field":"pick","equals":"a"}]}`, Answers{"yes": true, "pick": "a"}, true},
		{`{"all":[{"field":"yes","equals":true},{"field":"pick","equals":"a"}]}`, Answers{"yes": true, "pick": "b"}, false},
		{`{"any":[{"field":"yes","equals":true},{"field":"pick","equals":"a"}]}`, Answers{"yes": false, "pick": "a"}, true},
		{`{"any":[{"field":"yes","equals":true},{"field":"pick","equals":"a"}]}`, Answers{}, false},
		{`{"not":{"field":"yes","equals":true}}`, Answers{}, true},
		{`{"not":{"not":{"field":"yes","equals":true}}}`, Answers{"yes": true}, true},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d", i), func(t *testing.T) {
			f := formWith(t, append(base, `{"id":"target","type":"text","label":{"nb":"T"},"visible_if":`+tt.cond+`}`)...)
			if got := f.Visible(tt.a)["target"]; got != tt.want {
				t.Fatalf("condition %s with %v: visible %v, want %v", tt.cond, tt.a, got, tt.want)
			}
		})
	}
}

// TestCascadingVisibility checks that a field that depends on a hidden
// field is hidden, even if the hidden field has a stale answer.
func TestCascadingVisibility(t *testing.T) {
	f := formWith(t,
		`{"id":"a","type":"yesno","label":{"nb":"A"}}`,
		`{"id":"b","type":"text","label":{"nb":"B"},"visible_if":{"field":"a","equals":true}}`,
		`{"id":"c","type":"text","label":{"nb":"C"},"required":true,"visible_if":{"field":"b","answered":true}}`,
	)
	a := Answers{"a": false, "b": "stale", "c": ""}
	if vis := f.Visible(a); vis["b"] || vis["c"] {
		t.Fatalf("visible %v", vis)
	}
	clean, errs := f.Validate(a, ctx())
	if len(errs) > 0 || jsonOf(t, clean) != `{"a":false}` {
		t.Fatalf("clean %s, errors %s", jsonOf(t, clean), keysOf(errs))
	}
	a["a"] = true
	if _, errs := f.Validate(a, ctx()); keysOf(errs) != "c forms.error.required" {
		t.Fatalf("errors %s", keysOf(errs))
	}
}

// nestedForm has a group in a group, conditions on siblings and on the
// top level, and a field after a date of the same item.
const nestedFields = `
{"id":"household","type":"yesno","label":{"nb":"Husstand"}},
{"id":"people","type":"group","label":{"nb":"Personer"},"item_label":{"nb":"Person"},"required":true,"max_items":3,"fields":[
  {"id":"name","type":"text","label":{"nb":"Navn"},"required":true},
  {"id":"born","type":"date","label":{"nb":"Født"},"required":true},
  {"id":"moved_in","type":"date","label":{"nb":"Flyttet inn"},"after":"born"},
  {"id":"has_pets","type":"yesno","label":{"nb":"Dyr?"}},
  {"id":"pets","type":"group","label":{"nb":"Dyr"},"min_items":1,"max_items":2,"visible_if":{"field":"has_pets","equals":true},"fields":[
    {"id":"species","type":"text","label":{"nb":"Art"},"required":true},
    {"id":"chip","type":"text","label":{"nb":"Chip"},"required":true,"visible_if":{"all":[{"field":"household","equals":true},{"field":"species","equals":"hund"}]}}
  ]}
]}`

// TestGroups checks item counts, nested errors with indexes, and the
// scope of conditions inside groups.
func TestGroups(t *testing.T) {
	f := formWith(t, strings.TrimSpace(nestedFields))
	tests := []struct {
		name string
		a    Answers
		want string
	}{
		{"no items", Answers{}, "people forms.error.too_few_items"},
		{"empty list", Answers{"people": []Answers{}}, "people forms.error.too_few_items"},
		{"too many", Answers{"people": []Answers{{"name": "A", "born": "01.01.2000"}, {"name": "B", "born": "01.01.2000"}, {"name": "C", "born": "01.01.2000"}, {"name": "D", "born": "01.01.2000"}}}, "people forms.error.too_many_items"},
		{"not objects", Answers{"people": []any{"Kari"}}, "people forms.error.invalid; people.0.name forms.error.required; people.0.born forms.error.required"},
		{"not a list", Answers{"people": "Kari"}, "people forms.error.invalid"},
		{"nested errors", Answers{"household": true, "people": []Answers{
			{"name": "Kari", "born": "01.01.1990", "moved_in": "01.01.1980"},
			{"name": "", "born": "01.01.1991", "has_pets": true, "pets": []Answers{{"species": "katt"}, {"species": "hund"}}},
			{"name": "Per", "born": "01.01.1992", "has_pets": true},
		}}, "people.0.moved_in forms.error.date_after; people.1.name forms.error.required; people.1.pets.1.chip forms.error.required; people.2.pets forms.error.too_few_items"},
		{"chip hidden without household", Answers{"household": false, "people": []Answers{
			{"name": "Kari", "born": "01.01.1990", "has_pets": true, "pets": []Answers{{"species": "hund", "chip": "stale"}}},
		}}, ""},
		{"pets hidden without has_pets", Answers{"people": []Answers{
			{"name": "Kari", "born": "01.01.1990", "has_pets": false, "pets": []Answers{{"species": ""}, {}, {}}},
		}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, errs := f.Validate(tt.a, ctx())
			if got := keysOf(errs); got != tt.want {
				t.Fatalf("errors %s, want %s", got, tt.want)
			}
			for _, e := range errs {
				if _, ok := f.Lookup(e.Path); !ok {
					t.Errorf("error path %q does not resolve", e.Path)
				}
			}
			if tt.want == "" {
				people := clean["people"].([]Answers)
				if _, ok := people[0]["pets"].([]Answers); ok && tt.name == "pets hidden without has_pets" {
					t.Errorf("hidden group kept: %v", people[0])
				}
				if pets, ok := people[0]["pets"].([]Answers); ok {
					if _, ok := pets[0]["chip"]; ok {
						t.Errorf("hidden chip kept: %v", pets[0])
					}
				}
			}
		})
	}
	// More items than MaxGroupItems: reported, and only MaxGroupItems read.
	g := formWith(t, `{"id":"g","type":"group","label":{"nb":"G"},"fields":[{"id":"x","type":"text","label":{"nb":"X"},"required":true}]}`)
	items := make([]Answers, MaxGroupItems+10)
	for i := range items {
		items[i] = Answers{}
	}
	clean, errs := g.Validate(Answers{"g": items}, ctx())
	if len(errs) != MaxGroupItems+1 || errs[0].Key != KeyTooManyItems || len(clean["g"].([]Answers)) != MaxGroupItems {
		t.Fatalf("%d errors, first %v, %d items", len(errs), errs[0], len(clean["g"].([]Answers)))
	}
}

// TestPageValidation checks validating one page of a step-wise draft.
func TestPageValidation(t *testing.T) {
	f := library(t, "barnehageplass")
	a := barnehageAnswers(t)
	a["phone"] = "123"
	a["start_date"] = "01.01.2027"
	a["children"].([]Answers)[1]["birth_date"] = "02.01.2027"
	tests := []struct {
		page string
		want string
		keys []string
	}{
		{"soker", "phone forms.error.phone", []string{"address", "applicant_fnr", "applicant_name", "email"}},
		{"barn", "children.1.birth_date forms.error.date_max", []string{"children"}},
		{"plass", "", []string{"has_sibling", "kindergartens", "start_date"}},
		{"", "phone forms.error.phone; children.1.birth_date forms.error.date_max", nil},
		{"nonexistent", "phone forms.error.phone; children.1.birth_date forms.error.date_max", nil},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			c := ctx()
			c.PageID = tt.page
			clean, errs := f.Validate(a, c)
			if got := keysOf(errs); got != tt.want {
				t.Fatalf("errors %s, want %s", got, tt.want)
			}
			if tt.keys != nil {
				var keys []string
				for _, k := range sortedKeys(clean) {
					keys = append(keys, k)
				}
				if strings.Join(keys, ",") != strings.Join(tt.keys, ",") {
					t.Fatalf("clean keys %v, want %v", keys, tt.keys)
				}
			}
		})
	}
	// The cross-field rule on page "plass" sees the birth dates of page
	// "barn".
	a = barnehageAnswers(t)
	a["start_date"] = "01.04.2026"
	a["children"].([]Answers)[1]["birth_date"] = "02.04.2026"
	a["children"].([]Answers)[1]["child_fnr"] = fnrBorn(t, 2026, 3, 2)
	c := ctx()
	c.PageID = "plass"
	if _, errs := f.Validate(a, c); keysOf(errs) != "" {
		t.Fatalf("errors %s (birth date in the future is an error on page barn)", keysOf(errs))
	}
	a["children"].([]Answers)[1]["birth_date"] = "14.03.2026"
	a["start_date"] = "20.03.2026"
	a["children"].([]Answers)[0]["birth_date"] = "02.03.2026"
	if _, errs := f.Validate(a, c); len(errs) != 0 {
		t.Fatalf("errors %s", keysOf(errs))
	}
	a["children"].([]Answers)[1]["birth_date"] = "15.03.2026"
	a["start_date"] = "15.03.2026"
	_, errs := f.Validate(a, c)
	if keysOf(errs) != "start_date forms.error.date_after" || errs[0].Args[0] != "15.03.2026" || errs[0].Message.In("nb") == "" {
		t.Fatalf("errors %+v", errs)
	}
}
