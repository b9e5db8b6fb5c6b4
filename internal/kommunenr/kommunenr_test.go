package kommunenr

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCounts(t *testing.T) {
	if got := len(Municipalities()); got != 357 {
		t.Errorf("%d municipalities, want 357", got)
	}
	if got := len(Counties()); got != 15 {
		t.Errorf("%d counties, want 15", got)
	}
	// Municipalities per county in the structure valid from 2024-01-01.
	perCounty := map[string]int{
		"03": 1, "11": 23, "15": 27, "18": 41, "31": 12, "32": 21, "33": 18, "34": 46,
		"39": 6, "40": 17, "42": 25, "46": 43, "50": 38, "55": 21, "56": 18,
	}
	for county, want := range perCounty {
		if got := len(MunicipalitiesIn(county)); got != want {
			t.Errorf("county %s has %d municipalities, want %d", county, got, want)
		}
	}
	if got := MunicipalitiesIn("30"); got != nil {
		t.Errorf("MunicipalitiesIn(\"30\") = %v, want nil (Viken was dissolved)", got)
	}
}

func TestCounties(t *testing.T) {
	want := []County{
		{"03", "Oslo", "Oslo"},
		{"11", "Rogaland", "Rogaland"},
		{"15", "Møre og Romsdal", "Møre og Romsdal"},
		{"18", "Nordland", "Nordland"},
		{"31", "Østfold", "Østfold"},
		{"32", "Akershus", "Akershus"},
		{"33", "Buskerud", "Buskerud"},
		{"34", "Innlandet", "Innlandet"},
		{"39", "Vestfold", "Vestfold"},
		{"40", "Telemark", "Telemark"},
		{"42", "Agder", "Agder"},
		{"46", "Vestland", "Vestland"},
		{"50", "Trøndelag", "Trøndelag"},
		{"55", "Troms", "Troms"},
		{"56", "Finnmark", "Finnmark"},
	}
	if got := Counties(); !slices.Equal(got, want) {
		t.Errorf("Counties() = %v\nwant %v", got, want)
	}
	for _, c := range want {
		if got, ok := LookupCounty(c.Number); !ok || got != c {
			t.Errorf("LookupCounty(%q) = %v, %v", c.Number, got, ok)
		}
	}
	for _, n := range []string{"", "3", "30", "38", "54", "99", "046", "4600"} {
		if c, ok := LookupCounty(n); ok {
			t.Errorf("LookupCounty(%q) = %v, want not found", n, c)
		}
	}
}

func TestKnownMunicipalities(t *testing.T) {
	tests := []struct {
		m        Municipality
		official string
	}{
		{Municipality{"0301", "03", "Oslo", "Oslo", "Oslove"}, "Oslo - Oslove"},
		{Municipality{"1103", "11", "Stavanger", "Stavanger", ""}, "Stavanger"},
		{Municipality{"1804", "18", "Bodø", "Bodø", ""}, "Bodø"},
		{Municipality{"3201", "32", "Bærum", "Bærum", ""}, "Bærum"},
		{Municipality{"3203", "32", "Asker", "Asker", ""}, "Asker"},
		{Municipality{"3301", "33", "Drammen", "Drammen", ""}, "Drammen"},
		{Municipality{"3907", "39", "Sandefjord", "Sandefjord", ""}, "Sandefjord"},
		{Municipality{"4204", "42", "Kristiansand", "Kristiansand", ""}, "Kristiansand"},
		{Municipality{"4601", "46", "Bergen", "Bergen", ""}, "Bergen"},
		{Municipality{"5001", "50", "Trondheim", "Trondheim", "Tråante"}, "Trondheim - Tråante"},
		{Municipality{"5501", "55", "Tromsø", "Tromsø", ""}, "Tromsø"},
		{Municipality{"1580", "15", "Haram", "Haram", ""}, "Haram"},
		{Municipality{"1818", "18", "Herøy (Nordland)", "Herøy (Nordland)", ""}, "Herøy (Nordland)"},
		{Municipality{"5540", "55", "Kåfjord", "Kåfjord", "Gáivuotna - Kaivuono"}, "Gáivuotna - Kåfjord - Kaivuono"},
		{Municipality{"5610", "56", "Karasjok", "Karasjok", "Kárášjohka"}, "Kárášjohka - Karasjok"},
		{Municipality{"5544", "55", "Nordreisa", "Nordreisa", "Ráisa - Raisi"}, "Nordreisa - Ráisa - Raisi"},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.m.Number)
		if !ok || got != tt.m {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", tt.m.Number, got, ok, tt.m)
		}
		if got, ok := OfficialName(tt.m.Number); !ok || got != tt.official {
			t.Errorf("OfficialName(%q) = %q, %v; want %q", tt.m.Number, got, ok, tt.official)
		}
	}
	if got, ok := OfficialName("55"); !ok || got != "Troms - Romsa - Tromssa" {
		t.Errorf("OfficialName(\"55\") = %q, %v", got, ok)
	}
}

func TestLookupUnknown(t *testing.T) {
	// Numbers from before 2024, county authorities, the demo municipality,
	// SSB's "unknown" code and malformed input are not official
	// municipalities.
	for _, n := range []string{"", "301", "0300", "4600", "3024", "5401", "1507", "3811", "9999", DemoNumber, " 0301", "0301 ", "03010"} {
		if m, ok := Lookup(n); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", n, m)
		}
		if _, ok := OfficialName(n); ok && len(n) != 2 {
			t.Errorf("OfficialName(%q) found", n)
		}
	}
}

func TestData(t *testing.T) {
	ms := Municipalities()
	if !slices.IsSortedFunc(ms, func(a, b Municipality) int { return strings.Compare(a.Number, b.Number) }) {
		t.Error("Municipalities() is not sorted by number")
	}
	cs := Counties()
	if !slices.IsSortedFunc(cs, func(a, b County) int { return strings.Compare(a.Number, b.Number) }) {
		t.Error("Counties() is not sorted by number")
	}
	seen := map[string]bool{}
	withSami := 0
	for _, m := range ms {
		if seen[m.Number] {
			t.Errorf("municipality %s listed twice", m.Number)
		}
		seen[m.Number] = true
		if !isDigits(m.Number, 4) || m.Number[:2] != m.County {
			t.Errorf("municipality %s in county %s", m.Number, m.County)
		}
		if _, ok := LookupCounty(m.County); !ok {
			t.Errorf("municipality %s: county %s does not exist", m.Number, m.County)
		}
		if m.NameNB == "" || m.NameNN == "" || strings.Contains(m.NameNB, " - ") {
			t.Errorf("municipality %s: names %q, %q", m.Number, m.NameNB, m.NameNN)
		}
		for _, name := range []string{m.NameNB, m.NameNN, m.NameSME} {
			if !utf8.ValidString(name) || strings.TrimSpace(name) != name {
				t.Errorf("municipality %s: bad name %q", m.Number, name)
			}
		}
		if m.NameSME != "" {
			withSami++
		}
		if IsDemo(m.Number) {
			t.Errorf("the demo number %s is in the official list", m.Number)
		}
	}
	if withSami != 29 {
		t.Errorf("%d municipalities with a Sami or Kven name, want 29", withSami)
	}
	for _, c := range cs {
		if len(MunicipalitiesIn(c.Number)) == 0 {
			t.Errorf("county %s has no municipalities", c.Number)
		}
	}
	// Callers may modify what they get.
	ms[0].NameNB = "changed"
	cs[0].NameNB = "changed"
	if Municipalities()[0].NameNB == "changed" || Counties()[0].NameNB == "changed" {
		t.Error("modifying a returned slice changed the register")
	}
}

func TestDemo(t *testing.T) {
	if !IsDemo("9999") || !IsDemo(DemoNumber) {
		t.Error("IsDemo(DemoNumber) = false")
	}
	for _, n := range []string{"0301", "9998", "99990", " 9999", ""} {
		if IsDemo(n) {
			t.Errorf("IsDemo(%q) = true", n)
		}
	}
	if err := Validate(DemoNumber); err != nil {
		t.Errorf("Validate(DemoNumber): %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		in      string
		want    error // nil if valid
		mention string
	}{
		{"0301", nil, ""},
		{"4601", nil, ""},
		{"5001", nil, ""},
		{"3907", nil, ""},
		{"5636", nil, ""},
		{"4600", nil, ""}, // Vestland fylkeskommune
		{"1100", nil, ""}, // Rogaland fylkeskommune
		{"5600", nil, ""}, // Finnmark fylkeskommune
		{"9999", nil, ""}, // demo municipality
		{"", ErrFormat, "4 digits"},
		{"301", ErrFormat, "4 digits"},
		{"03010", ErrFormat, "4 digits"},
		{" 0301", ErrFormat, "4 digits"},
		{"46O1", ErrFormat, "4 digits"},
		{"46-1", ErrFormat, "4 digits"},
		{"４６０１", ErrFormat, "4 digits"},
		{"3024", ErrUnknownCounty, "2024-01-01"}, // Bærum before 2024, Viken
		{"5401", ErrUnknownCounty, "2024-01-01"}, // Tromsø before 2024
		{"9998", ErrUnknownCounty, "99"},
		{"0000", ErrUnknownCounty, "00"},
		{"3000", ErrUnknownCounty, "30"}, // Viken fylkeskommune
		{"4699", ErrUnknownMunicipality, "Vestland"},
		{"1507", ErrUnknownMunicipality, "2024-01-01"}, // Ålesund before the split
		{"0302", ErrUnknownMunicipality, "Oslo"},
		{"0300", ErrUnknownMunicipality, "0301"}, // Oslo has no fylkeskommune
	}
	for _, tt := range tests {
		err := Validate(tt.in)
		if tt.want == nil {
			if err != nil {
				t.Errorf("Validate(%q): %v", tt.in, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("Validate(%q) = %v, want %v", tt.in, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.mention) || !strings.HasPrefix(err.Error(), "kommunenr: ") {
			t.Errorf("Validate(%q) = %q, want a message mentioning %q", tt.in, err, tt.mention)
		}
	}
	for _, m := range Municipalities() {
		if err := Validate(m.Number); err != nil {
			t.Errorf("Validate(%s): %v", m.Number, err)
		}
	}
}

// TestLoadRejectsBadData checks that the loader refuses inconsistent data
// rather than embedding it.
func TestLoadRejectsBadData(t *testing.T) {
	countyData, err := os.ReadFile("data/fylker.csv")
	if err != nil {
		t.Fatal(err)
	}
	const mHeader = "number,county,official_name,name_nb,name_nn,name_sami\n"
	tests := []struct {
		name string
		data string
	}{
		{"bad header", "nummer,fylke,navn,nb,nn,sme\n0301,03,Oslo,Oslo,,\n"},
		{"wrong county", mHeader + "0301,46,Oslo,Oslo,,\n"},
		{"unknown county", mHeader + "3001,30,Halden,Halden,,\n"},
		{"short number", mHeader + "301,03,Oslo,Oslo,,\n"},
		{"duplicate", mHeader + "0301,03,Oslo,Oslo,,\n0301,03,Oslo,Oslo,,\n"},
		{"demo number", mHeader + "9999,99,Demo,Demo,,\n"},
		{"name mismatch", mHeader + "5001,50,Trondheim - Tråante,Trondheim,,\n"},
		{"no name", mHeader + "0301,03,,,,\n"},
		{"missing field", mHeader + "0301,03,Oslo,Oslo,\n"},
	}
	for _, tt := range tests {
		if _, _, _, _, err := load([]byte(tt.data), countyData); err == nil {
			t.Errorf("%s: load accepted %q", tt.name, tt.data)
		}
	}
	if _, _, _, _, err := load(municipalitiesCSV, []byte("number,official_name,name_nb,name_nn,name_sami\n03,Oslo,Oslo,,\n03,Oslo,Oslo,,\n")); err == nil {
		t.Error("load accepted a duplicate county")
	}
	ms, _, cs, _, err := load(municipalitiesCSV, countiesCSV)
	if err != nil || len(ms) != 357 || len(cs) != 15 {
		t.Errorf("load(embedded data) = %d, %d, %v", len(ms), len(cs), err)
	}
}
