package formdef

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestFieldValues runs the cases of testdata/values.json: each field
// definition (id "x") with raw answers, the clean value or the error key
// (and arguments) expected.
func TestFieldValues(t *testing.T) {
	var groups []struct {
		Field json.RawMessage `json:"field"`
		Cases []struct {
			In   any             `json:"in"`
			Want json.RawMessage `json:"want"`
			Key  string          `json:"key"`
			Args json.RawMessage `json:"args"`
			Path string          `json:"path"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/values.json", &groups)
	for _, g := range groups {
		var fd map[string]any
		if err := json.Unmarshal(g.Field, &fd); err != nil {
			t.Fatal(err)
		}
		fd["id"] = "x"
		if fd["type"] != "info" {
			fd["label"] = map[string]string{"nb": "X"}
		}
		field := jsonOf(t, fd)
		f := formWith(t, field)
		for i, c := range g.Cases {
			t.Run(fmt.Sprintf("%s/%d", fd["type"], i), func(t *testing.T) {
				clean, errs := f.Validate(Answers{"x": c.In}, ctx())
				if c.Key == "" {
					if len(errs) > 0 {
						t.Fatalf("field %s, answer %#v: errors %s", field, c.In, keysOf(errs))
					}
					got := "null"
					if v, ok := clean["x"]; ok {
						got = compact(t, json.RawMessage(jsonOf(t, v)))
					}
					if want := compact(t, c.Want); got != want {
						t.Fatalf("field %s, answer %#v: clean %s, want %s", field, c.In, got, want)
					}
					return
				}
				path := c.Path
				if path == "" {
					path = "x"
				}
				fe, ok := errorsByPath(errs)[path]
				if !ok || fe.Key != c.Key || (len(errs) > 1 && fe.Key != KeyRequired) {
					t.Fatalf("field %s, answer %#v: errors %s, want %s %s", field, c.In, keysOf(errs), path, c.Key)
				}
				if c.Args != nil {
					if got, want := jsonOf(t, fe.Args), compact(t, c.Args); got != want {
						t.Fatalf("field %s, answer %#v: args %s, want %s", field, c.In, got, want)
					}
				}
				if _, ok := clean["x"]; ok {
					t.Fatalf("clean answers keep the wrong answer: %v", clean)
				}
			})
		}
	}
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	if len(raw) == 0 {
		return "null"
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return jsonOf(t, v)
}

// TestDefaultLengths checks the default max_length of text and longtext.
func TestDefaultLengths(t *testing.T) {
	f := formWith(t, `{"id":"short","type":"text","label":{"nb":"S"}}`, `{"id":"long","type":"longtext","label":{"nb":"L"}}`)
	tests := []struct {
		id   string
		n    int
		want string
	}{
		{"short", DefaultTextMaxLength, ""},
		{"short", DefaultTextMaxLength + 1, KeyTooLong},
		{"long", DefaultLongTextMaxLength, ""},
		{"long", DefaultLongTextMaxLength + 1, KeyTooLong},
	}
	for _, tt := range tests {
		_, errs := f.Validate(Answers{tt.id: strings.Repeat("å", tt.n)}, ctx())
		got := ""
		if len(errs) > 0 {
			got = errs[0].Key
		}
		if got != tt.want {
			t.Errorf("%s with %d characters: %q, want %q", tt.id, tt.n, got, tt.want)
		}
	}
}

// TestTodayInLocation checks that "today" is the calendar day of
// ValidationContext.Today in its own location.
func TestTodayInLocation(t *testing.T) {
	f := formWith(t, `{"id":"d","type":"date","label":{"nb":"D"},"earliest":"today"}`)
	oslo := testToday().Add(11 * 3600e9).In(fixedZone()) // 2026-03-16 00:xx in UTC+1
	if _, errs := f.Validate(Answers{"d": "15.03.2026"}, ValidationContext{Today: oslo}); len(errs) != 1 || errs[0].Key != KeyDateMin {
		t.Fatalf("errors %v, want date_min: today is 16.03 in Oslo", keysOf(errs))
	}
	if _, errs := f.Validate(Answers{"d": "16.03.2026"}, ValidationContext{Today: oslo}); len(errs) != 0 {
		t.Fatalf("errors %v", keysOf(errs))
	}
}
