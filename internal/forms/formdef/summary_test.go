package formdef

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// summaryText writes a summary as text, one item a line.
func summaryText(items []SummaryItem) string {
	var b strings.Builder
	for _, it := range items {
		indent := strings.Repeat("  ", it.Depth)
		switch {
		case it.Heading:
			fmt.Fprintf(&b, "%s %s## %s [%s]\n", it.PageID, indent, it.Label, it.Path)
		case !it.Answered:
			fmt.Fprintf(&b, "%s %s%s: (%s) [%s]\n", it.PageID, indent, it.Label, it.Value, it.Path)
		default:
			fmt.Fprintf(&b, "%s %s%s: %s [%s]\n", it.PageID, indent, it.Label, it.Value, it.Path)
		}
	}
	return b.String()
}

// TestSummaryGolden compares the summary of a kindergarten application in
// each language with testdata/summary.LANG.golden.
func TestSummaryGolden(t *testing.T) {
	f := library(t, "barnehageplass")
	a := barnehageAnswers(t)
	a["children"].([]Answers)[0]["child_fnr"] = "17058504289" // fixed digits for the golden files
	a["children"].([]Answers)[1]["child_fnr"] = "01019012561"
	a["has_sibling"] = true
	a["sibling_kindergarten"] = "maakeskjaeret"
	a["kindergartens"] = []string{"fjellheim", "trollskogen", "solsikken"}
	a["tax_assessment"] = []File{pdf("u1", "skatt-2025.pdf", 1000), {ID: "u2", Name: "side2.png", ContentType: "image/png", Size: 10}}
	delete(a, "email")
	for _, lang := range []string{"nb", "nn", "en"} {
		t.Run(lang, func(t *testing.T) {
			got := summaryText(f.Summary(a, lang))
			name := "testdata/summary." + lang + ".golden"
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Fatalf("summary differs from %s:\n%s", name, got)
			}
		})
	}
}

// TestSummaryValues checks how each type is written per language.
func TestSummaryValues(t *testing.T) {
	f := formWith(t,
		`{"id":"amt","type":"amount","label":{"nb":"Beløp"}}`,
		`{"id":"small","type":"amount","label":{"nb":"Lite"}}`,
		`{"id":"n","type":"number","label":{"nb":"Tall"}}`,
		`{"id":"big","type":"number","label":{"nb":"Stort"}}`,
		`{"id":"d","type":"date","label":{"nb":"Dato"},"earliest":"today"}`,
		`{"id":"yes","type":"yesno","label":{"nb":"Ja?"}}`,
		`{"id":"no","type":"yesno","label":{"nb":"Nei?"}}`,
		`{"id":"land","type":"phone","label":{"nb":"Fast"}}`,
		`{"id":"intl","type":"phone","international":true,"label":{"nb":"Utland"}}`,
		`{"id":"org","type":"orgnr","label":{"nb":"Org"}}`,
		`{"id":"fnr","type":"fnr","label":{"nb":"Fnr"}}`,
		`{"id":"m","type":"choice","multiple":true,"label":{"nb":"Flere"},"options":[{"value":"a","label":{"nb":"Alfa","en":"Alpha"}},{"value":"b","label":{"nb":"Beta"}}]}`,
		`{"id":"txt","type":"longtext","label":{"nb":"Tekst","en":"Text"}}`,
		`{"id":"hidden","type":"text","label":{"nb":"Skjult"},"visible_if":{"field":"yes","equals":false}}`,
		`{"id":"info","type":"info","text":{"nb":"Info"}}`,
	)
	a := Answers{"amt": "1234567,5", "small": "0,05", "n": "2,5", "big": "-1234567", "d": "01.01.2020", "yes": true, "no": false,
		"land": "22334455", "intl": "+46 70 123 45 67", "org": "974760673", "fnr": "01019012480", "m": []string{"b", "a"},
		"txt": "Linje 1\r\nLinje 2", "hidden": "stale"}
	tests := map[string]string{
		"nb": "Beløp=1 234 567,50 kr|Lite=0,05 kr|Tall=2,5|Stort=-1234567|Dato=01.01.2020|Ja?=Ja|Nei?=Nei|Fast=22 33 44 55|Utland=+46701234567|Org=974 760 673|Fnr=010190 12480|Flere=Alfa, Beta|Tekst=Linje 1\nLinje 2",
		"nn": "Beløp=1 234 567,50 kr|Lite=0,05 kr|Tall=2,5|Stort=-1234567|Dato=01.01.2020|Ja?=Ja|Nei?=Nei|Fast=22 33 44 55|Utland=+46701234567|Org=974 760 673|Fnr=010190 12480|Flere=Alfa, Beta|Tekst=Linje 1\nLinje 2",
		"en": "Beløp=NOK 1,234,567.50|Lite=NOK 0.05|Tall=2.5|Stort=-1234567|Dato=01.01.2020|Ja?=Yes|Nei?=No|Fast=22 33 44 55|Utland=+46701234567|Org=974 760 673|Fnr=010190 12480|Flere=Alpha, Beta|Text=Linje 1\nLinje 2",
		"se": "Beløp=1 234 567,50 kr|Lite=0,05 kr|Tall=2,5|Stort=-1234567|Dato=01.01.2020|Ja?=Ja|Nei?=Nei|Fast=22 33 44 55|Utland=+46701234567|Org=974 760 673|Fnr=010190 12480|Flere=Alfa, Beta|Tekst=Linje 1\nLinje 2",
	}
	for lang, want := range tests {
		var got []string
		for _, it := range f.Summary(a, lang) {
			got = append(got, it.Label+"="+it.Value)
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%s:\n got %s\nwant %s", lang, strings.Join(got, "|"), want)
		}
	}
}

// TestPrivacyNotice checks the generated privacy notices.
func TestPrivacyNotice(t *testing.T) {
	tests := []struct {
		form, lang string
		signIn     bool
		special    bool
		want       []string // key: fields (* = from sign-in)
		contains   []string
	}{
		{"barnehageplass", "nb", true, true, []string{
			"name*: Navn",
			"nin*: Fødselsnummer, Barnets fødselsnummer",
			"address*: Adresse",
			"email*: E-postadresse",
			"phone: Telefonnummer",
			"health: Beskriv behovet",
			"finance: Skatteoppgjøret for siste år",
			"other: Barnets navn, Fødselsdato, Har barnet behov for særskilt hjelp eller tilrettelegging?, Ønsket oppstartsdato, Hvilke barnehager ønsker du?, Har barnet søsken som allerede går i en av kommunens barnehager?, Hvilken barnehage går søskenet i?, Vil du søke om redusert foreldrebetaling?",
		}, []string{"barnehageloven § 16", "5 år etter at barnet har sluttet"}},
		{"barnehageplass", "nn", true, true, []string{
			"name*: Namn",
			"nin*: Fødselsnummer, Fødselsnummeret til barnet",
			"address*: Adresse",
			"email*: E-postadresse",
			"phone: Telefonnummer",
			"health: Skildre behovet",
			"finance: Skatteoppgjeret for siste år",
			"other: Namnet til barnet, Fødselsdato, Har barnet behov for særskild hjelp eller tilrettelegging?, Ønskt oppstartsdato, Kva barnehagar ønskjer du?, Har barnet sysken som allereie går i ein av barnehagane i kommunen?, Kva barnehage går syskenet i?, Vil du søkje om redusert foreldrebetaling?",
		}, []string{"barnehagelova § 16", "slutta i barnehagen"}},
		{"skoleskyss", "en", true, true, []string{
			"name*: Your name (parent or guardian)",
			"nin: Pupil's national identity number",
			"email*: Your email address",
			"health: Doctor's note",
			"free_text: Describe what makes the way to school dangerous",
			"other: Pupil's name, School, Year, Distance from home to school in kilometres, Why are you applying?, Transport from, Transport until",
		}, []string{"Education Act"}},
		{"kontakt", "nb", false, false, []string{
			"name*: Navn",
			"email*: E-postadresse",
			"phone: Telefonnummer",
			"free_text: Melding",
			"other: Hva gjelder det?",
		}, []string{"forvaltningsloven § 11"}},
	}
	for _, tt := range tests {
		t.Run(tt.form+"/"+tt.lang, func(t *testing.T) {
			n := library(t, tt.form).PrivacyNotice(tt.lang)
			if n.SignIn != tt.signIn || n.Special != tt.special {
				t.Errorf("SignIn %v, Special %v", n.SignIn, n.Special)
			}
			var got []string
			for _, c := range n.Data {
				key := c.Key
				if c.FromSignIn {
					key += "*"
				}
				got = append(got, key+": "+strings.Join(c.Fields, ", "))
				if c.Label == "" {
					t.Errorf("category %s has no label", c.Key)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("data:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			all := strings.Join([]string{n.FormTitle, n.Controller, n.Purpose, n.LegalBasis, n.Retention, n.Contact}, "\n")
			for _, s := range tt.contains {
				if !strings.Contains(all, s) {
					t.Errorf("notice does not mention %q:\n%s", s, all)
				}
			}
			for _, s := range []string{n.FormTitle, n.Controller, n.Purpose, n.LegalBasis, n.Retention} {
				if s == "" {
					t.Errorf("empty text in %+v", n)
				}
			}
		})
	}
	if got := library(t, "kontakt").PrivacyNotice("en").Data[0].Label; got != "Name" {
		t.Errorf("English label %q", got)
	}
}
