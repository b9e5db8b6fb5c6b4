package formdef

import (
	"strings"
	"testing"
)

// rulesFields returns the fields the rule tests use.
func rulesFields() []string {
	return []string{
		`{"id":"from","type":"date","label":{"nb":"Fra"}}`,
		`{"id":"to","type":"date","label":{"nb":"Til"}}`,
		`{"id":"email","type":"email","label":{"nb":"E-post"}}`,
		`{"id":"phone","type":"phone","label":{"nb":"Telefon"},"visible_if":{"field":"no_phone","equals":false}}`,
		`{"id":"no_phone","type":"yesno","label":{"nb":"Uten telefon"}}`,
		`{"id":"rent","type":"amount","label":{"nb":"Husleie"}}`,
		`{"id":"kids","type":"group","label":{"nb":"Barn"},"fields":[
		{"id":"kid_born","type":"date","label":{"nb":"Født"}},
		{"id":"kid_start","type":"date","label":{"nb":"Start"}},
		{"id":"kid_income","type":"amount","label":{"nb":"Inntekt"}},
		{"id":"kid_email","type":"email","label":{"nb":"E-post"}},
		{"id":"kid_phone","type":"phone","label":{"nb":"Telefon"}}
	]}`,
	}
}

// TestRules checks each kind of cross-field rule.
func TestRules(t *testing.T) {
	tests := []struct {
		name string
		rule string
		a    Answers
		want string // "path key arg"; "" for no error
	}{
		{"after ok", `{"field":"to","after_field":"from"}`, Answers{"from": "01.01.2026", "to": "02.01.2026"}, ""},
		{"after equal", `{"field":"to","after_field":"from"}`, Answers{"from": "01.01.2026", "to": "01.01.2026"}, "to forms.error.date_after 01.01.2026"},
		{"after unanswered", `{"field":"to","after_field":"from"}`, Answers{"to": "01.01.2026"}, ""},
		{"after invalid other", `{"field":"to","after_field":"from"}`, Answers{"from": "1.1", "to": "01.01.2026"}, "from forms.error.date"},
		{"before", `{"field":"from","before_field":"to"}`, Answers{"from": "03.01.2026", "to": "02.01.2026"}, "from forms.error.date_before 02.01.2026"},
		{"after every item", `{"field":"from","after_field":"kid_born"}`, Answers{"from": "01.06.2024", "kids": []Answers{{"kid_born": "01.01.2020"}, {"kid_born": "01.07.2024"}, {"kid_born": "01.08.2024"}}}, "from forms.error.date_after 01.08.2024"},
		{"before every item", `{"field":"from","before_field":"kid_born"}`, Answers{"from": "01.06.2024", "kids": []Answers{{"kid_born": "01.01.2020"}, {"kid_born": "01.07.2024"}, {"kid_born": "01.03.2019"}}}, "from forms.error.date_before 01.03.2019"},
		{"per item", `{"field":"kid_start","after_field":"kid_born"}`, Answers{"kids": []Answers{{"kid_born": "01.01.2020", "kid_start": "01.08.2021"}, {"kid_born": "01.07.2024", "kid_start": "01.08.2023"}}}, "kids.1.kid_start forms.error.date_after 01.07.2024"},
		{"item against top level", `{"field":"kid_start","before_field":"to"}`, Answers{"to": "01.01.2025", "kids": []Answers{{"kid_start": "01.08.2025"}, {"kid_start": "01.08.2024"}}}, "kids.0.kid_start forms.error.date_before 01.01.2025"},
		{"any answered ok", `{"any_answered":["email","phone"]}`, Answers{"phone": "91234567", "no_phone": false}, ""},
		{"any answered missing", `{"any_answered":["email","phone"]}`, Answers{"no_phone": false}, "email forms.error.any_answered"},
		{"any answered invalid counts as missing", `{"any_answered":["email","phone"]}`, Answers{"email": "kari", "no_phone": false}, "email forms.error.email"},
		{"any answered first visible", `{"any_answered":["phone","email"]}`, Answers{"no_phone": true, "phone": "91234567"}, "email forms.error.any_answered"},
		{"any answered none visible", `{"any_answered":["phone"]}`, Answers{"no_phone": true}, ""},
		{"any answered per item", `{"any_answered":["kid_email","kid_phone"]}`, Answers{"kids": []Answers{{"kid_phone": "91234567"}, {}}}, "kids.1.kid_email forms.error.any_answered"},
		{"sum ok", `{"sum":["rent","kid_income"],"at_most":10000}`, Answers{"rent": "5000", "kids": []Answers{{"kid_income": "2500"}, {"kid_income": "2500"}}}, ""},
		{"sum over", `{"sum":["rent","kid_income"],"at_most":10000}`, Answers{"rent": "5000", "kids": []Answers{{"kid_income": "2500"}, {"kid_income": "2500,01"}}}, "rent forms.error.sum_max 10 000,00 kr"},
		{"sum on group", `{"sum":["kid_income"],"at_most":100}`, Answers{"kids": []Answers{{"kid_income": "50"}, {"kid_income": "51"}}}, "kids forms.error.sum_max 100,00 kr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, docWith(`[{"id":"r","require":`+tt.rule+`}]`, rulesFields()))
			_, errs := f.Validate(tt.a, ctx())
			var got []string
			for _, e := range errs {
				s := e.Path + " " + e.Key
				for _, a := range e.Args {
					s += " " + a.(string)
				}
				got = append(got, s)
			}
			if strings.Join(got, "; ") != tt.want {
				t.Fatalf("errors %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRuleIfAndMessage checks a rule's condition and its own message, and
// that a rule on a number sum uses plain numbers.
func TestRuleIfAndMessage(t *testing.T) {
	f := mustParse(t, docWith(`[
		{"id":"contact","if":{"field":"no_phone","equals":false},"require":{"any_answered":["email","phone"]},"message":{"nb":"Fyll ut e-post eller telefon.","en":"Fill in email or phone."}},
		{"id":"days","require":{"sum":["a","b"],"at_most":10}}]`,
		append(rulesFields(), `{"id":"a","type":"number","label":{"nb":"A"}}`, `{"id":"b","type":"number","label":{"nb":"B"}}`)))
	_, errs := f.Validate(Answers{"no_phone": true}, ctx())
	if len(errs) != 0 {
		t.Fatalf("rule applied although its condition is false: %s", keysOf(errs))
	}
	_, errs = f.Validate(Answers{"no_phone": false, "a": "6", "b": "4,5"}, ctx())
	if keysOf(errs) != "email forms.error.any_answered; a forms.error.sum_max" {
		t.Fatalf("errors %s", keysOf(errs))
	}
	if errs[0].Message.In("en") != "Fill in email or phone." || errs[0].Message.In("nn") != "Fyll ut e-post eller telefon." {
		t.Errorf("message %v", errs[0].Message)
	}
	if errs[1].Message != nil || errs[1].Args[0] != 10.0 {
		t.Errorf("sum error %+v", errs[1])
	}
}

// TestKontaktRule checks the contact form's rule: e-mail or phone.
func TestKontaktRule(t *testing.T) {
	f := library(t, "kontakt")
	base := Answers{"name": "Kari", "topic": "general", "message": "Hei!"}
	_, errs := f.Validate(base, ctx())
	if keysOf(errs) != "email forms.error.any_answered" || !strings.Contains(errs[0].Message.In("nb"), "telefonnummer") {
		t.Fatalf("errors %+v", errs)
	}
	base["phone"] = "22 33 44 55"
	if _, errs := f.Validate(base, ctx()); len(errs) != 0 {
		t.Fatalf("errors %s", keysOf(errs))
	}
	base["message"] = strings.Repeat("x", 4001)
	if _, errs := f.Validate(base, ctx()); keysOf(errs) != "message forms.error.too_long" || errs[0].Args[0] != 4000 {
		t.Fatalf("errors %+v", errs)
	}
}

// TestErrorOrder checks that errors come in the order of the form, rule
// errors included, with one error per path.
func TestErrorOrder(t *testing.T) {
	f := mustParse(t, docWith(`[{"id":"r","require":{"field":"to","after_field":"from"}},{"id":"c","require":{"any_answered":["email"]}}]`,
		[]string{`{"id":"email","type":"email","label":{"nb":"E"}}`, `{"id":"x","type":"text","required":true,"label":{"nb":"X"}}`},
		[]string{`{"id":"from","type":"date","label":{"nb":"Fra"}}`, `{"id":"to","type":"date","label":{"nb":"Til"},"after":"from"}`, `{"id":"y","type":"text","required":true,"label":{"nb":"Y"}}`}))
	_, errs := f.Validate(Answers{"from": "02.02.2026", "to": "01.02.2026"}, ctx())
	if got, want := keysOf(errs), "email forms.error.any_answered; x forms.error.required; to forms.error.date_after; y forms.error.required"; got != want {
		t.Fatalf("errors %s, want %s", got, want)
	}
}
