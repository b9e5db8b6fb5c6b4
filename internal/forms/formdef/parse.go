package formdef

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a form definition.
type Problem struct {
	// Path locates the problem in the JSON document: property names joined
	// by dots, array indexes in brackets, e.g.
	// "pages[1].fields[3].visible_if.field". The empty path is the whole
	// document.
	Path string
	// Message says what is wrong, in English, e.g.
	// `unknown field "child_age"`.
	Message string
}

// String returns "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// DefinitionError lists every problem found in a form definition.
type DefinitionError struct {
	// Problems lists every problem found, in a stable order: problems of
	// the JSON structure (which stop parsing before the semantic checks),
	// else the form, its pages and fields, and its rules.
	Problems []Problem
}

// Error lists the problems, one a line.
func (e *DefinitionError) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("formdef: 1 problem in the form definition:")
	} else {
		fmt.Fprintf(&b, "formdef: %d problems in the form definition:", len(e.Problems))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Parse reads a form definition and checks it with [Form.Check].
//
// Parsing is strict: the document must be at most [MaxDefinitionSize]
// bytes of one JSON object nested at most [MaxDepth] levels, with no
// unknown or duplicate properties (names are matched exactly, case
// included) and values of the right JSON types. Every problem found is
// returned in one [*DefinitionError]; problems of the JSON structure are
// reported before the semantic ones are looked for.
func Parse(data []byte) (*Form, error) {
	if len(data) > MaxDefinitionSize {
		return nil, &DefinitionError{Problems: []Problem{{Message: fmt.Sprintf("the definition is %d bytes; at most %d are allowed", len(data), MaxDefinitionSize)}}}
	}
	raw, err := decodeStrict(data)
	if err != nil {
		var p *problemError
		if errors.As(err, &p) {
			return nil, &DefinitionError{Problems: []Problem{p.Problem}}
		}
		return nil, &DefinitionError{Problems: []Problem{{Message: err.Error()}}}
	}
	var probs []Problem
	walkJSON(reflect.TypeFor[Form](), raw, "", &probs)
	if len(probs) > 0 {
		return nil, &DefinitionError{Problems: probs}
	}
	var f Form
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		// walkJSON has checked what Decode checks; this is a safety net.
		return nil, &DefinitionError{Problems: []Problem{{Message: "invalid JSON: " + err.Error()}}}
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	return &f, nil
}

// problemError is a Problem found while decoding.
type problemError struct{ Problem }

func (e *problemError) Error() string { return e.Problem.String() }

// decodeStrict decodes one JSON value into generic values (map[string]any,
// []any, string, json.Number, bool, nil), rejecting duplicate object keys,
// nesting deeper than MaxDepth and trailing data.
func decodeStrict(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec, 0, "")
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the end of the definition")
	}
	return v, nil
}

// readValue reads the next value from dec. path is only used for messages.
func readValue(dec *json.Decoder, depth int, path string) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(dec, err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth+1 > MaxDepth {
		return nil, &problemError{Problem{Path: path, Message: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}}
	}
	switch d {
	case '{':
		m := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, jsonError(dec, err)
			}
			k, _ := kt.(string)
			kp := joinPath(path, k)
			if _, dup := m[k]; dup {
				return nil, &problemError{Problem{Path: kp, Message: fmt.Sprintf("duplicate property %q", k)}}
			}
			v, err := readValue(dec, depth+1, kp)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, jsonError(dec, err)
		}
		return m, nil
	case '[':
		var list []any
		for i := 0; dec.More(); i++ {
			v, err := readValue(dec, depth+1, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, jsonError(dec, err)
		}
		if list == nil {
			list = []any{}
		}
		return list, nil
	}
	return nil, fmt.Errorf("invalid JSON at byte %d", dec.InputOffset())
}

func jsonError(dec *json.Decoder, err error) error {
	if err == io.EOF {
		return errors.New("invalid JSON: unexpected end of the definition")
	}
	return fmt.Errorf("invalid JSON at byte %d: %v", dec.InputOffset(), err)
}

// joinPath appends a property name to a path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// walkJSON checks the generic value v against the Go type t: every object
// property must be a json tag of the struct (exactly), and every value of
// the JSON type the Go type needs. null is accepted where Go has a pointer,
// slice, map or interface (it means "not set").
func walkJSON(t reflect.Type, v any, path string, probs *[]Problem) {
	add := func(msg string) { *probs = append(*probs, Problem{Path: path, Message: msg}) }
	switch t.Kind() {
	case reflect.Pointer:
		if v != nil {
			walkJSON(t.Elem(), v, path, probs)
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			add("must be an object")
			return
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if sf.IsExported() && name != "" && name != "-" {
				fields[name] = sf.Type
			}
		}
		for _, k := range sortedKeys(m) {
			ft, ok := fields[k]
			if !ok {
				*probs = append(*probs, Problem{Path: joinPath(path, k), Message: fmt.Sprintf("unknown property %q", k)})
				continue
			}
			walkJSON(ft, m[k], joinPath(path, k), probs)
		}
	case reflect.Slice:
		if v == nil {
			return
		}
		list, ok := v.([]any)
		if !ok {
			add("must be an array")
			return
		}
		for i, e := range list {
			walkJSON(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i), probs)
		}
	case reflect.Map:
		if v == nil {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			add("must be an object")
			return
		}
		for _, k := range sortedKeys(m) {
			walkJSON(t.Elem(), m[k], joinPath(path, k), probs)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			add("must be a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			add("must be true or false")
		}
	case reflect.Int, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			add("must be an integer")
			return
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			add("must be an integer")
		}
	case reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			add("must be a number")
			return
		}
		if x, err := strconv.ParseFloat(string(n), 64); err != nil || math.IsInf(x, 0) {
			add("number out of range")
		}
	case reflect.Interface:
		switch x := v.(type) {
		case nil, string, bool:
		case json.Number:
			if f, err := strconv.ParseFloat(string(x), 64); err != nil || math.IsInf(f, 0) {
				add("number out of range")
			}
		default:
			add("must be a string, a number or true/false")
		}
	default:
		add("unsupported value")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
