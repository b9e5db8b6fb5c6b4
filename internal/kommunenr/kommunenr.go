// Package kommunenr is the official register of Norwegian municipality
// numbers (kommunenummer) and county numbers (fylkesnummer).
//
// The data is embedded in the binary: Statistics Norway's (SSB)
// classification 131, Standard for kommuneinndeling, and classification 104,
// Standard for fylkesinndeling, in the structure in force since 2024-01-01
// (after the county split): 357 municipalities in 15 counties. The names are
// those of the latest version of the classifications; see SOURCE.md for where
// the data comes from.
//
// A municipality number has four digits, the first two of which are the
// number of its county. SSB's code 9999 "Uoppgitt" (unknown) is not a
// municipality and is not in the register. Torg uses 9999 for its fictional
// demo municipality instead; see [DemoNumber] and [IsDemo].
package kommunenr

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ValidFrom is the date from which the embedded lists of numbers are valid.
const ValidFrom = "2024-01-01"

// DemoNumber is the municipality number of "Demo kommune", Torg's fictional
// demo municipality. It is not an official municipality: [Lookup] does not
// know it, and only [IsDemo] and [Validate] accept it.
const DemoNumber = "9999"

// DemoName is the name of the municipality with [DemoNumber].
const DemoName = "Demo kommune"

// Municipality is an official Norwegian municipality (kommune).
type Municipality struct {
	// Number is the four-digit kommunenummer, e.g. "4601".
	Number string
	// County is the two-digit number of the county the municipality is in,
	// the first two digits of Number.
	County string
	// NameNB is the Norwegian name, e.g. "Trondheim". Where two
	// municipalities share a name, SSB's county qualifier is kept, e.g.
	// "Herøy (Nordland)".
	NameNB string
	// NameNN is the name to use in nynorsk. Official names are not
	// translated, so for every municipality in the current list it equals
	// NameNB.
	NameNN string
	// NameSME is the official Sami and/or Kven parallel name, empty if there
	// is none, e.g. "Tråante" for Trondheim. Where there are two, they are
	// joined with " - " in the official order, e.g. "Ráisa - Raisi" for
	// Nordreisa. Despite the field's name the Sami name may be in Northern,
	// Lule or Southern Sami.
	NameSME string
}

// County is an official Norwegian county (fylke).
type County struct {
	// Number is the two-digit fylkesnummer, e.g. "46".
	Number string
	// NameNB is the Norwegian name, e.g. "Troms".
	NameNB string
	// NameNN is the name to use in nynorsk; for every county in the current
	// list it equals NameNB.
	NameNN string
}

var (
	//go:embed data/kommuner.csv
	municipalitiesCSV []byte
	//go:embed data/fylker.csv
	countiesCSV []byte
)

// entry is a municipality or county together with its official name.
type entry[T any] struct {
	value    T
	official string
}

var (
	municipalities    []Municipality // sorted by number
	counties          []County       // sorted by number
	municipalityIndex map[string]entry[Municipality]
	countyIndex       map[string]entry[County]
)

func init() {
	var err error
	municipalities, municipalityIndex, counties, countyIndex, err = load(municipalitiesCSV, countiesCSV)
	if err != nil {
		panic("kommunenr: embedded data: " + err.Error())
	}
}

// load parses and checks the embedded CSV files.
func load(municipalityData, countyData []byte) ([]Municipality, map[string]entry[Municipality], []County, map[string]entry[County], error) {
	countyRows, err := readCSV(countyData, []string{"number", "official_name", "name_nb", "name_nn", "name_sami"})
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("fylker.csv: %w", err)
	}
	cs := make([]County, 0, len(countyRows))
	cIndex := make(map[string]entry[County], len(countyRows))
	for _, r := range countyRows {
		c := County{Number: r[0], NameNB: r[2], NameNN: orDefault(r[3], r[2])}
		if !isDigits(c.Number, 2) {
			return nil, nil, nil, nil, fmt.Errorf("fylker.csv: bad county number %q", c.Number)
		}
		if err := checkOfficial(r[1], c.NameNB, r[4]); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("fylker.csv: county %s: %w", c.Number, err)
		}
		if _, dup := cIndex[c.Number]; dup {
			return nil, nil, nil, nil, fmt.Errorf("fylker.csv: county %s listed twice", c.Number)
		}
		cIndex[c.Number] = entry[County]{c, r[1]}
		cs = append(cs, c)
	}

	municipalityRows, err := readCSV(municipalityData, []string{"number", "county", "official_name", "name_nb", "name_nn", "name_sami"})
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: %w", err)
	}
	ms := make([]Municipality, 0, len(municipalityRows))
	mIndex := make(map[string]entry[Municipality], len(municipalityRows))
	for _, r := range municipalityRows {
		m := Municipality{Number: r[0], County: r[1], NameNB: r[3], NameNN: orDefault(r[4], r[3]), NameSME: r[5]}
		switch {
		case !isDigits(m.Number, 4):
			return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: bad municipality number %q", m.Number)
		case m.Number[:2] != m.County:
			return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: municipality %s is listed in county %s", m.Number, m.County)
		case m.Number == DemoNumber:
			return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: %s is not an official municipality", DemoNumber)
		}
		if _, ok := cIndex[m.County]; !ok {
			return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: municipality %s: no county %s", m.Number, m.County)
		}
		if err := checkOfficial(r[2], m.NameNB, m.NameSME); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: municipality %s: %w", m.Number, err)
		}
		if _, dup := mIndex[m.Number]; dup {
			return nil, nil, nil, nil, fmt.Errorf("kommuner.csv: municipality %s listed twice", m.Number)
		}
		mIndex[m.Number] = entry[Municipality]{m, r[2]}
		ms = append(ms, m)
	}

	slices.SortFunc(cs, func(a, b County) int { return strings.Compare(a.Number, b.Number) })
	slices.SortFunc(ms, func(a, b Municipality) int { return strings.Compare(a.Number, b.Number) })
	return ms, mIndex, cs, cIndex, nil
}

// readCSV reads a CSV file with '#' comments and the given header, and
// returns the rows after the header.
func readCSV(data []byte, header []string) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(header)
	first, err := r.Read()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(first, header) {
		return nil, fmt.Errorf("header is %q, want %q", first, header)
	}
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
}

// checkOfficial checks that the official name consists of exactly the
// Norwegian name and the Sami/Kven names.
func checkOfficial(official, nb, sami string) error {
	if nb == "" {
		return errors.New("no Norwegian name")
	}
	parts := strings.Split(official, " - ")
	want := []string{nb}
	if sami != "" {
		want = append(want, strings.Split(sami, " - ")...)
	}
	slices.Sort(parts)
	slices.Sort(want)
	if !slices.Equal(parts, want) {
		return fmt.Errorf("official name %q does not consist of %q and %q", official, nb, sami)
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isDigits reports whether s consists of exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Lookup returns the official municipality with the given four-digit number.
// It does not know [DemoNumber] or county numbers written as four digits.
func Lookup(number string) (Municipality, bool) {
	e, ok := municipalityIndex[number]
	return e.value, ok
}

// LookupCounty returns the county with the given two-digit number.
func LookupCounty(number string) (County, bool) {
	e, ok := countyIndex[number]
	return e.value, ok
}

// OfficialName returns the full official name of the municipality (four
// digits) or county (two digits) with the given number, as SSB writes it,
// with the parallel names in the official order, e.g.
// "Gáivuotna - Kåfjord - Kaivuono" for 5540.
func OfficialName(number string) (string, bool) {
	if e, ok := municipalityIndex[number]; ok {
		return e.official, true
	}
	if e, ok := countyIndex[number]; ok {
		return e.official, true
	}
	return "", false
}

// Municipalities returns all official municipalities, sorted by number.
// The caller may modify the returned slice.
func Municipalities() []Municipality { return slices.Clone(municipalities) }

// Counties returns all counties, sorted by number. The caller may modify the
// returned slice.
func Counties() []County { return slices.Clone(counties) }

// MunicipalitiesIn returns the official municipalities in the county with
// the given two-digit number, sorted by number, or nil if there is no such
// county.
func MunicipalitiesIn(county string) []Municipality {
	var ms []Municipality
	for _, m := range municipalities {
		if m.County == county {
			ms = append(ms, m)
		}
	}
	return ms
}

// IsDemo reports whether number is [DemoNumber], Torg's fictional demo
// municipality.
func IsDemo(number string) bool { return number == DemoNumber }

// Errors that [Validate] wraps; test for them with errors.Is.
var (
	// ErrFormat: the number is not exactly four digits.
	ErrFormat = errors.New("not four digits")
	// ErrUnknownCounty: the first two digits are not a county number.
	ErrUnknownCounty = errors.New("unknown county")
	// ErrUnknownMunicipality: the county exists but has no municipality
	// with the number.
	ErrUnknownMunicipality = errors.New("no such municipality")
)

// Validate checks a number that identifies a municipality or county
// authority. It returns nil for:
//
//   - an official municipality number, such as "4601" (Bergen);
//   - a county number written as four digits "NN00", which identifies the
//     county authority (fylkeskommune), such as "4600" for Vestland
//     fylkeskommune. Oslo has no fylkeskommune (Oslo kommune, 0301, has its
//     tasks), so "0300" is rejected;
//   - [DemoNumber].
//
// Otherwise it returns an error, wrapping [ErrFormat], [ErrUnknownCounty] or
// [ErrUnknownMunicipality], that says what is wrong. Surrounding spaces are
// not tolerated.
func Validate(number string) error {
	switch {
	case IsDemo(number):
		return nil
	case !isDigits(number, 4):
		return fmt.Errorf("kommunenr: %q: %w: a municipality number is exactly 4 digits", number, ErrFormat)
	}
	if _, ok := municipalityIndex[number]; ok {
		return nil
	}
	e, ok := countyIndex[number[:2]]
	if !ok {
		return fmt.Errorf("kommunenr: %s: %w %s: no county has that number in the list valid from %s", number, ErrUnknownCounty, number[:2], ValidFrom)
	}
	if number[2:] == "00" {
		if e.value.Number == "03" {
			return fmt.Errorf("kommunenr: %s: %w: Oslo has no fylkeskommune; use 0301 for Oslo kommune", number, ErrUnknownMunicipality)
		}
		return nil
	}
	return fmt.Errorf("kommunenr: %s: %w in %s in the list valid from %s", number, ErrUnknownMunicipality, e.value.NameNB, ValidFrom)
}
