package formdef

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/nin"
)

// marshalForm writes a form as JSON without HTML escaping.
func marshalForm(t *testing.T, f *Form) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b.Bytes()
}

// FuzzParse feeds Parse random definitions: it must not panic, and what it
// accepts must marshal, parse again to the same form, validate against the
// JSON Schema, and be usable.
func FuzzParse(f *testing.F) {
	// Seeds are small: the fuzzer minimizes every input that finds new
	// code, which takes long for a library-sized definition.
	for _, c := range readBadCases(f) {
		f.Add([]byte(c.doc))
	}
	f.Add([]byte(docWith("", []string{strings.TrimSpace(nestedFields)})))
	f.Add([]byte(docWith(`[{"id":"c","if":{"field":"y","equals":true},"require":{"any_answered":["e","p"]}}]`, []string{
		`{"id":"t","type":"text","label":{"nb":"T"},"pattern":"[a-z]+","prefill":"name"}`,
		`{"id":"y","type":"yesno","label":{"nb":"Y"}}`,
		`{"id":"e","type":"email","label":{"nb":"E"},"visible_if":{"field":"y","equals":true}}`,
		`{"id":"p","type":"phone","label":{"nb":"P"},"international":true}`,
		`{"id":"c","type":"choice","ranked":true,"max_selected":1,"label":{"nb":"C"},"options":[{"value":"a","label":{"nb":"A"}}]}`,
		`{"id":"i","type":"info","text":{"nb":"I"}}`,
	}, []string{
		`{"id":"d","type":"date","label":{"nb":"D"},"earliest":"today-1y"}`,
		`{"id":"o","type":"orgnr","label":{"nb":"O"},"visible_if":{"not":{"field":"c","in":["a"]}}}`,
		`{"id":"f","type":"file","label":{"nb":"F"},"accept":["image/png"]}`,
		`{"id":"a","type":"address","label":{"nb":"A"},"help":{"nb":"H","nn":"H","en":"H"}}`,
	})))
	f.Add([]byte(docWith(`[{"id":"r","require":{"sum":["a"],"at_most":10.5}}]`, []string{`{"id":"a","type":"amount","label":{"nb":"A"},"min":0.5}`})))
	schema := compileSchema(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := Parse(data)
		if err != nil {
			if _, ok := err.(*DefinitionError); !ok {
				t.Fatalf("error %v (%T) is not a *DefinitionError", err, err)
			}
			return
		}
		first := marshalForm(t, form)
		again, err := Parse(first)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", first, err)
		}
		if second := marshalForm(t, again); !bytes.Equal(first, second) {
			t.Fatalf("re-parse changed the form:\n%s\n%s", first, second)
		}
		if err := validateSchema(schema, first); err != nil {
			t.Fatalf("accepted definition fails the JSON Schema: %v\n%s", err, first)
		}
		form.Visible(Answers{})
		form.Validate(Answers{}, ctx())
		form.Summary(Answers{}, "nn")
		form.PrivacyNotice("en")
		AnswersFromForm(form, url.Values{})
	})
}

// pathExists reports whether an answer path names a field of f and, through
// group indexes, an item that exists in the answers a.
func pathExists(f *Form, a Answers, path string) bool {
	if _, ok := f.Lookup(path); !ok {
		return false
	}
	segs := strings.Split(path, ".")
	cur := a
	for i := 0; i < len(segs); i++ {
		fl, _ := f.Lookup(strings.Join(segs[:i+1], "."))
		if fl == nil || fl.Type != TypeGroup || i+1 >= len(segs) {
			continue
		}
		n, _ := strconv.Atoi(segs[i+1])
		items, _ := asItems(cur[fl.ID])
		if n >= len(items) || n >= MaxGroupItems {
			return false
		}
		cur = items[n]
		i++
	}
	return true
}

// FuzzValidate feeds the kindergarten form random answers (as JSON laid
// over a valid application, and as posted form values): no panic, every
// error on a path that exists with a known message key, and answers
// without errors are stable under Validate.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"children":[{"child_name":"Ola","needs_support":true}],"phone":"+47 1"}`))
	f.Add([]byte(`{"children":[{},{},{"birth_date":"31.02.2020"}],"kindergartens":["a","a"],"tax_assessment":[{"id":"x","name":"a.exe","content_type":"application/x-msdownload","size":5}]}`))
	f.Add([]byte(`{"has_sibling":true,"sibling_kindergarten":"fjellheim","apply_reduction":"false","start_date":"01.01.2020"}`))
	f.Add([]byte(`children.0.child_name=Ola&children.0.needs_support=true&children.1.birth_date=1.1.2025&kindergartens=fjellheim&kindergartens=&address.postal_code=12`))
	f.Add([]byte(`{"children":"x","address":{"street":1},"email":["a"]}`))
	form := library(f, "barnehageplass")
	messages := messagesFor("nb")
	base := barnehageAnswers(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var inputs []Answers
		var overlay map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&overlay) == nil {
			a := Answers{}
			for k, v := range base {
				a[k] = v
			}
			for k, v := range overlay {
				a[k] = v
			}
			inputs = append(inputs, a, Answers(overlay))
		}
		if v, err := url.ParseQuery(string(data)); err == nil {
			inputs = append(inputs, AnswersFromForm(form, v))
		}
		for _, a := range inputs {
			clean, errs := form.Validate(a, ctx())
			for _, e := range errs {
				if !pathExists(form, a, e.Path) {
					t.Fatalf("error %+v on a path that does not exist in %v", e, a)
				}
				if _, ok := messages[e.Key]; !ok && nin.Messages["nb"][e.Key] == "" {
					t.Fatalf("error %+v has an unknown key", e)
				}
			}
			if len(errs) == 0 {
				again, errs := form.Validate(clean, ctx())
				if len(errs) > 0 || jsonOf(t, again) != jsonOf(t, clean) {
					t.Fatalf("clean answers are not stable: %s\n%s\n%s", keysOf(errs), jsonOf(t, clean), jsonOf(t, again))
				}
			}
			form.Visible(a)
			form.Summary(a, "en")
			FormValues(form, a)
		}
	})
}
