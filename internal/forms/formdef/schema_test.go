package formdef

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles the embedded JSON Schema.
func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	id, _ := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// validateSchema validates a document against the schema.
func validateSchema(s *jsonschema.Schema, doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// TestSchemaLibrary checks that every library definition validates
// against the JSON Schema.
func TestSchemaLibrary(t *testing.T) {
	s := compileSchema(t)
	if !strings.Contains(string(SchemaJSON()), `"https://json-schema.org/draft/2020-12/schema"`) {
		t.Errorf("schema is not draft 2020-12")
	}
	for id, b := range Library() {
		if err := validateSchema(s, b); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// TestSchemaRejects checks that the schema rejects broken documents, and
// accepts the good one they are made from.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	good := `{"id":"a","type":"text","label":{"nb":"A"}}`
	tests := []struct {
		name string
		doc  string
	}{
		{"missing nb", docWith("", []string{`{"id":"a","type":"text","label":{"nn":"A"}}`})},
		{"empty text", docWith("", []string{`{"id":"a","type":"text","label":{"nb":"  "}}`})},
		{"unknown language", docWith("", []string{`{"id":"a","type":"text","label":{"nb":"A","se":"A"}}`})},
		{"unknown type", docWith("", []string{`{"id":"a","type":"dropdown","label":{"nb":"A"}}`})},
		{"unknown property", docWith("", []string{`{"id":"a","type":"text","lable":{"nb":"A"}}`})},
		{"option of another type", docWith("", []string{`{"id":"a","type":"number","label":{"nb":"A"},"pattern":"[0-9]+"}`})},
		{"bad field id", docWith("", []string{`{"id":"A-1","type":"text","label":{"nb":"A"}}`})},
		{"missing label", docWith("", []string{`{"id":"a","type":"text"}`})},
		{"info without text", docWith("", []string{`{"id":"a","type":"info"}`})},
		{"required info", docWith("", []string{`{"id":"a","type":"info","text":{"nb":"T"},"required":true}`})},
		{"ranked without max_selected", docWith("", []string{`{"id":"a","type":"choice","ranked":true,"label":{"nb":"A"},"options":[{"value":"x","label":{"nb":"X"}}]}`})},
		{"choice without options", docWith("", []string{`{"id":"a","type":"choice","label":{"nb":"A"}}`})},
		{"option value with spaces", docWith("", []string{`{"id":"a","type":"choice","label":{"nb":"A"},"options":[{"value":" x","label":{"nb":"X"}}]}`})},
		{"wrong prefill", docWith("", []string{`{"id":"a","type":"text","label":{"nb":"A"},"prefill":"pid"}`})},
		{"bad date limit", docWith("", []string{`{"id":"a","type":"date","label":{"nb":"A"},"earliest":"yesterday"}`})},
		{"group too big", docWith("", []string{`{"id":"g","type":"group","label":{"nb":"G"},"max_items":51,"fields":[` + good + `]}`})},
		{"group without fields", docWith("", []string{`{"id":"g","type":"group","label":{"nb":"G"}}`})},
		{"condition with two tests", docWith("", []string{good, `{"id":"b","type":"text","label":{"nb":"B"},"visible_if":{"field":"a","equals":"x","answered":true}}`})},
		{"condition with field and not", docWith("", []string{good, `{"id":"b","type":"text","label":{"nb":"B"},"visible_if":{"field":"a","equals":"x","not":{"field":"a","answered":true}}}`})},
		{"empty all", docWith("", []string{good, `{"id":"b","type":"text","label":{"nb":"B"},"visible_if":{"all":[]}}`})},
		{"rule with two kinds", docWith(`[{"id":"r","require":{"any_answered":["a"],"sum":["a"],"at_most":1}}]`, []string{good})},
		{"date rule with both", docWith(`[{"id":"r","require":{"field":"a","after_field":"b","before_field":"b"}}]`, []string{good})},
		{"sum without at_most", docWith(`[{"id":"r","require":{"sum":["a"]}}]`, []string{good})},
		{"unknown assurance", strings.Replace(docWith("", []string{good}), `"none"`, `"low"`, 1)},
		{"no pages", strings.Replace(docWith("", []string{good}), `"pages":[`, `"pages":[],"x":[`, 1)},
		{"bad form id", strings.Replace(docWith("", []string{good}), `"id":"test"`, `"id":"Test Form"`, 1)},
		{"missing retention", strings.Replace(docWith("", []string{good}), `,"retention":{"nb":"1 år"}`, ``, 1)},
	}
	if err := validateSchema(s, []byte(docWith("", []string{good}))); err != nil {
		t.Fatalf("good document rejected: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := validateSchema(s, []byte(tt.doc)); err == nil {
				t.Fatalf("schema accepted %s", tt.doc)
			}
			if _, err := Parse([]byte(tt.doc)); err == nil {
				t.Fatalf("Parse accepted what the schema rejects: %s", tt.doc)
			}
		})
	}
}
