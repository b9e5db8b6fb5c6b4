package formdef

import (
	"net/url"
	"strings"
	"testing"
)

// TestAnswersFromForm checks the names of posted form values.
func TestAnswersFromForm(t *testing.T) {
	f := library(t, "barnehageplass")
	v := url.Values{
		"applicant_name":                 {"Kari Nordmann"},
		"address.street":                 {"Storgata 1"},
		"address.postal_code":            {"0155"},
		"address.postal_town":            {"Oslo"},
		"phone":                          {"912 34 567", "ignored second value"},
		"children.0.child_name":          {"Ola"},
		"children.0.needs_support":       {"false"},
		"children.2.child_name":          {"Sara"},
		"children.2.needs_support":       {"true"},
		"children.2.support_description": {"Trenger hjelp"},
		"children.07.child_name":         {"leading zero: ignored"},
		"children.50.child_name":         {"beyond MaxGroupItems: ignored"},
		"children.x.child_name":          {"not a number: ignored"},
		"children.3":                     {""},
		"kindergartens":                  {"trollskogen", "", "solsikken"},
		"has_sibling":                    {"maybe"},
		"apply_reduction":                {""},
		"tax_assessment":                 {"posted file names are not read"},
		"reduction_info":                 {"info fields have no answer"},
		"unknown":                        {"x"},
	}
	got := AnswersFromForm(f, v)
	want := `{"address":{"street":"Storgata 1","postal_code":"0155","postal_town":"Oslo"},"applicant_name":"Kari Nordmann",` +
		`"children":[{"child_name":"Ola","needs_support":false},{"child_name":"Sara","needs_support":true,"support_description":"Trenger hjelp"},{}],` +
		`"has_sibling":"maybe","kindergartens":["trollskogen","solsikken"],"phone":"912 34 567"}`
	if g := jsonOf(t, got); g != want {
		t.Fatalf("AnswersFromForm:\n got %s\nwant %s", g, want)
	}
	// An empty multiple choice posted as one blank value is an empty list:
	// answered as nothing.
	if got := AnswersFromForm(f, url.Values{"kindergartens": {""}}); jsonOf(t, got) != `{"kindergartens":[]}` {
		t.Fatalf("got %s", jsonOf(t, got))
	}
}

// TestFormValuesRoundTrip checks that the clean answers, written into the
// inputs with FormValues and posted back, validate to the same clean
// answers, for every library form.
func TestFormValuesRoundTrip(t *testing.T) {
	cases := map[string]Answers{
		"barnehageplass": barnehageAnswers(t),
		"skoleskyss": {
			"guardian_name": "Kari Nordmann", "guardian_email": "kari@example.no", "pupil_name": "Ola",
			"pupil_fnr": fnrBorn(t, 2015, 6, 1), "school": "fjordglott", "grade": "5", "distance_km": "4,5",
			"reason": "illness", "doctors_note": []File{pdf("d1", "lege.pdf", 5000)},
			"period_from": "01.04.2026", "period_to": "20.06.2026",
		},
		"kontakt": {"name": "Kari", "email": "kari@example.no", "topic": "feedback", "message": "Takk for god hjelp!\nHilsen Kari"},
	}
	for id, a := range cases {
		t.Run(id, func(t *testing.T) {
			f := library(t, id)
			clean, errs := f.Validate(a, ctx())
			if len(errs) > 0 {
				t.Fatalf("errors %s", keysOf(errs))
			}
			values := FormValues(f, clean)
			posted := AnswersFromForm(f, values)
			for _, fi := range f.index().all {
				if fi.f.Type == TypeFile && fi.parent == nil {
					if files, ok := clean[fi.f.ID]; ok {
						posted[fi.f.ID] = files // the upload handler adds the files
					}
				}
			}
			again, errs := f.Validate(posted, ctx())
			if len(errs) > 0 {
				t.Fatalf("errors after the round trip: %s\nvalues %v", keysOf(errs), values)
			}
			if jsonOf(t, again) != jsonOf(t, clean) {
				t.Fatalf("round trip changed the answers:\n got %s\nwant %s\nvalues %v", jsonOf(t, again), jsonOf(t, clean), values)
			}
		})
	}
}

// TestFormValues checks how clean values are written into inputs, and that
// raw answers are shown as typed.
func TestFormValues(t *testing.T) {
	f := formWith(t,
		`{"id":"d","type":"date","label":{"nb":"D"}}`,
		`{"id":"amt","type":"amount","label":{"nb":"A"}}`,
		`{"id":"n","type":"number","label":{"nb":"N"}}`,
		`{"id":"yes","type":"yesno","label":{"nb":"Y"}}`,
		`{"id":"m","type":"choice","multiple":true,"label":{"nb":"M"},"options":[{"value":"a","label":{"nb":"A"}},{"value":"b","label":{"nb":"B"}}]}`,
		`{"id":"g","type":"group","label":{"nb":"G"},"fields":[{"id":"x","type":"text","label":{"nb":"X"}}]}`,
	)
	tests := []struct {
		a    Answers
		want string
	}{
		{Answers{"d": "2021-05-17", "amt": int64(123450), "n": 2.5, "yes": true, "m": []string{"a", "b"}, "g": []Answers{{"x": "1"}, {"x": "2"}}},
			"amt=1+234%2C50&d=17.05.2021&g.0.x=1&g.1.x=2&m=a&m=b&n=2%2C5&yes=true"},
		{Answers{"d": "17.5.2021", "amt": "12,5 kr", "n": "abc", "yes": "maybe"},
			"amt=12%2C5+kr&d=17.5.2021&n=abc&yes=maybe"},
	}
	for _, tt := range tests {
		if got := FormValues(f, tt.a).Encode(); got != tt.want {
			t.Errorf("FormValues(%v) = %s, want %s", tt.a, got, tt.want)
		}
	}
}

// TestApplyPrefill checks that locked fields take the signed-in person's
// values and others only fill empty answers.
func TestApplyPrefill(t *testing.T) {
	f := library(t, "barnehageplass")
	p := Person{Name: "Kari Nordmann", PID: "01019012480", Email: "kari@example.no", Address: &Address{Street: "Storgata 1", PostalCode: "0155", PostalTown: "Oslo"}}
	posted := Answers{"applicant_name": "Someone Else", "applicant_fnr": "17058504289", "email": "other@example.no"}
	got := f.ApplyPrefill(posted, p)
	want := `{"address":{"street":"Storgata 1","postal_code":"0155","postal_town":"Oslo"},"applicant_fnr":"01019012480","applicant_name":"Kari Nordmann","email":"other@example.no"}`
	if jsonOf(t, got) != want {
		t.Fatalf("ApplyPrefill = %s, want %s", jsonOf(t, got), want)
	}
	if posted["applicant_name"] != "Someone Else" {
		t.Errorf("ApplyPrefill changed its argument")
	}
	if got := f.ApplyPrefill(Answers{}, Person{}); len(got) != 0 {
		t.Errorf("prefill from nobody: %v", got)
	}
	name := f.Pages[0].Fields[0]
	email := f.Pages[0].Fields[4]
	if !name.Locked() || email.Locked() {
		t.Errorf("Locked: name %v, email %v", name.Locked(), email.Locked())
	}
}

// TestLookup checks resolving answer paths to fields.
func TestLookup(t *testing.T) {
	f := formWith(t, strings.TrimSpace(nestedFields), `{"id":"addr","type":"address","label":{"nb":"A"}}`)
	tests := []struct {
		path, want string
	}{
		{"household", "household"},
		{"people", "people"},
		{"people.0", "people"},
		{"people.2.name", "name"},
		{"people.0.pets.1.chip", "chip"},
		{"people.0.pets", "pets"},
		{"addr", "addr"},
		{"addr.postal_code", "addr"},
		{"addr.country", ""},
		{"name", ""},
		{"people.name", ""},
		{"people.01.name", ""},
		{"people.-1.name", ""},
		{"people.50.name", ""},
		{"people.0.chip", ""},
		{"household.0", ""},
		{"", ""},
		{"people.0.name.x", ""},
	}
	for _, tt := range tests {
		fl, ok := f.Lookup(tt.path)
		got := ""
		if ok {
			got = fl.ID
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
