package nin

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readTable reads a tab-separated testdata file, skipping blank lines and
// comments.
func readTable(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// partOf returns the Part of err, failing the test if err is not an *Error.
func partOf(t *testing.T, err error) Part {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e.Part
}

func TestParseValid(t *testing.T) {
	for _, row := range readTable(t, "testdata/valid.txt") {
		t.Run(row[0], func(t *testing.T) {
			if len(row) != 4 {
				t.Fatalf("bad testdata row %q", row)
			}
			n, err := Parse(row[0])
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := n.String(); got != row[0] {
				t.Errorf("String() = %q", got)
			}
			if got := n.Kind().String(); got != row[1] {
				t.Errorf("Kind() = %q, want %q", got, row[1])
			}
			if got := n.BirthDate().Format(time.DateOnly); got != row[2] {
				t.Errorf("BirthDate() = %s, want %s", got, row[2])
			}
			if want, err := strconv.Atoi(row[3]); err != nil || n.Individual() != want {
				t.Errorf("Individual() = %d, want %s", n.Individual(), row[3])
			}
			if got, want := n.Masked(), row[0][:6]+"*****"; got != want {
				t.Errorf("Masked() = %q, want %q", got, want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, row := range readTable(t, "testdata/invalid.txt") {
		input, err := strconv.Unquote(row[0])
		if err != nil || len(row) != 2 {
			t.Fatalf("bad testdata row %q", row)
		}
		t.Run(row[0], func(t *testing.T) {
			n, err := Parse(input)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", input, n)
			}
			if got := partOf(t, err).String(); got != row[1] {
				t.Errorf("Parse(%q): part %s, want %s (%v)", input, got, row[1], err)
			}
			if n != (Number{}) {
				t.Errorf("Parse(%q) returned non-zero Number %v with error", input, n)
			}
		})
	}
}

func TestParseTolerance(t *testing.T) {
	tests := []string{
		"01019012480",
		" 01019012480",
		"01019012480 ",
		"\t01019012480\n",
		"010190 12480",
		"  010190 12480  ",
	}
	for _, in := range tests {
		n, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if n.String() != "01019012480" {
			t.Errorf("Parse(%q).String() = %q", in, n.String())
		}
	}
}

func TestParseAt(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		birth time.Time
		ok    bool
	}{
		{date(1990, 1, 1), true},
		{date(2026, 11, 23), true}, // born today
		{date(2026, 11, 24), false},
		{date(2039, 12, 31), false},
	}
	for _, tt := range tests {
		var n Number
		var err error
		for ind := 500; ind < 1000; ind++ {
			if n, err = Generate(tt.birth, ind, Synthetic); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("Generate(%s): %v", tt.birth.Format(time.DateOnly), err)
		}
		if _, err := Parse(n.String()); err != nil {
			t.Errorf("Parse(%s): %v; Parse must not look at the clock", n, err)
		}
		_, err = ParseAt(n.String(), now)
		if tt.ok && err != nil {
			t.Errorf("ParseAt(%s born %s): %v", n, tt.birth.Format(time.DateOnly), err)
		}
		if !tt.ok {
			if err == nil {
				t.Errorf("ParseAt(%s born %s): no error for a birth date in the future", n, tt.birth.Format(time.DateOnly))
			} else if p := partOf(t, err); p != PartIndividual {
				t.Errorf("ParseAt(%s): part %v, want %v", n, p, PartIndividual)
			}
		}
	}
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name  string
		birth time.Time
		ind   int
		kind  Kind
		want  string
		part  Part // 0 if no error is expected
	}{
		{"ordinary", date(1990, 1, 1), 124, Ordinary, "01019012480", 0},
		{"D-number", date(1990, 1, 1), 124, DNumber, "41019012474", 0},
		{"H-number", date(1990, 1, 1), 124, HNumber, "01419012463", 0},
		{"synthetic", date(1990, 1, 1), 124, Synthetic, "01819012446", 0},
		{"synthetic D-number", date(1990, 1, 1), 125, SyntheticDNumber, "41819012510", 0},
		{"1800s", date(1899, 12, 31), 600, Ordinary, "31129960089", 0},
		{"2000s leap day", date(2000, 2, 29), 500, Ordinary, "29020050088", 0},
		{"1940s high individual", date(1945, 7, 8), 950, Ordinary, "08074595082", 0},
		{"time of day and zone ignored", time.Date(1990, 1, 1, 23, 59, 0, 0, time.FixedZone("CET", 3600)), 124, Ordinary, "01019012480", 0},
		{"no first check digit", date(1990, 1, 1), 123, Ordinary, "", PartCheck1},
		{"no last check digit", date(1990, 1, 1), 138, Ordinary, "", PartCheck2},
		{"no last check digit synthetic D", date(1990, 1, 1), 124, SyntheticDNumber, "", PartCheck2},
		{"individual too high for 1990", date(1990, 1, 1), 600, Ordinary, "", PartIndividual},
		{"individual too low for 2005", date(2005, 1, 1), 499, Ordinary, "", PartIndividual},
		{"individual too low for 1880", date(1880, 1, 1), 100, Ordinary, "", PartIndividual},
		{"individual 750 for 1880", date(1880, 1, 1), 750, Ordinary, "", PartIndividual},
		{"negative individual", date(1990, 1, 1), -1, Ordinary, "", PartIndividual},
		{"individual over 999", date(1990, 1, 1), 1000, Ordinary, "", PartIndividual},
		{"year before 1854", date(1853, 12, 31), 600, Ordinary, "", PartDate},
		{"year after 2039", date(2040, 1, 1), 600, Ordinary, "", PartDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Generate(tt.birth, tt.ind, tt.kind)
			if tt.part != 0 {
				if err == nil {
					t.Fatalf("Generate = %s, want error", n)
				}
				if p := partOf(t, err); p != tt.part {
					t.Errorf("part %v, want %v (%v)", p, tt.part, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if n.String() != tt.want {
				t.Errorf("Generate = %s, want %s", n, tt.want)
			}
		})
	}
	if _, err := Generate(date(1990, 1, 1), 124, Kind(99)); err == nil {
		t.Error("Generate with an unknown kind: no error")
	}
}

// TestRoundTrip generates every individual number for a set of dates and
// kinds, and checks that Parse accepts exactly what Generate produced.
func TestRoundTrip(t *testing.T) {
	dates := []time.Time{
		date(1854, 1, 1), date(1899, 12, 31), date(1900, 2, 28), date(1940, 1, 1),
		date(1969, 7, 20), date(1999, 12, 31), date(2000, 2, 29), date(2024, 1, 31),
		date(2039, 12, 31),
	}
	kinds := []Kind{Ordinary, DNumber, HNumber, Synthetic, SyntheticDNumber}
	for _, d := range dates {
		for _, k := range kinds {
			generated := 0
			for ind := 0; ind <= 999; ind++ {
				n, err := Generate(d, ind, k)
				if err != nil {
					continue
				}
				generated++
				p, err := Parse(n.String())
				if err != nil {
					t.Fatalf("Parse(Generate(%s, %d, %v) = %s): %v", d.Format(time.DateOnly), ind, k, n, err)
				}
				if p != n {
					t.Fatalf("Parse(%s) = %+v, want %+v", n, p, n)
				}
				if !p.BirthDate().Equal(d) || p.Kind() != k || p.Individual() != ind {
					t.Fatalf("Parse(%s): birth %s kind %v individual %d", n, p.BirthDate(), p.Kind(), p.Individual())
				}
			}
			if generated == 0 {
				t.Errorf("no number generated for %s %v", d.Format(time.DateOnly), k)
			}
		}
	}
}

func TestZeroNumber(t *testing.T) {
	var n Number
	if n.String() != "" || n.Masked() != "" || !n.BirthDate().IsZero() || n.Individual() != 0 || n.Kind() != Ordinary {
		t.Errorf("zero Number: %q %q %v %d %v", n.String(), n.Masked(), n.BirthDate(), n.Individual(), n.Kind())
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k         Kind
		want      string
		synthetic bool
	}{
		{Ordinary, "fødselsnummer", false},
		{DNumber, "D-number", false},
		{HNumber, "H-number", false},
		{Synthetic, "synthetic fødselsnummer", true},
		{SyntheticDNumber, "synthetic D-number", true},
		{Kind(42), "Kind(42)", false},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(tt.k), got, tt.want)
		}
		if got := tt.k.IsSynthetic(); got != tt.synthetic {
			t.Errorf("Kind(%d).IsSynthetic() = %v", int(tt.k), got)
		}
	}
}

var allParts = []Part{PartLength, PartFormat, PartDate, PartIndividual, PartCheck1, PartCheck2}

func TestErrorKeysAndMessages(t *testing.T) {
	wantKeys := map[Part]string{
		PartLength:     "nin.error.length",
		PartFormat:     "nin.error.format",
		PartDate:       "nin.error.date",
		PartIndividual: "nin.error.individual",
		PartCheck1:     "nin.error.check1",
		PartCheck2:     "nin.error.check2",
	}
	for _, p := range allParts {
		e := &Error{Part: p}
		if got := e.Key(); got != wantKeys[p] {
			t.Errorf("%v: Key() = %q, want %q", p, got, wantKeys[p])
		}
		if !strings.HasPrefix(e.Error(), "nin: ") {
			t.Errorf("%v: Error() = %q", p, e.Error())
		}
		for _, lang := range []string{"nb", "nn", "en"} {
			if e.Message(lang) == "" || e.Message(lang) != Messages[lang][e.Key()] {
				t.Errorf("%v: no %s message", p, lang)
			}
		}
		if e.Message("se") != Messages["nb"][e.Key()] {
			t.Errorf("%v: Message(\"se\") does not fall back to bokmål", p)
		}
	}
	for lang, msgs := range Messages {
		if len(msgs) != len(allParts) {
			t.Errorf("Messages[%q] has %d keys, want %d", lang, len(msgs), len(allParts))
		}
	}
	if len(Messages) != 3 {
		t.Errorf("Messages has %d languages, want 3", len(Messages))
	}
}

// TestErrorsDoNotLeak checks that error messages never contain the digits
// the user typed.
func TestErrorsDoNotLeak(t *testing.T) {
	for _, row := range readTable(t, "testdata/invalid.txt") {
		input, _ := strconv.Unquote(row[0])
		_, err := Parse(input)
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, input)
		if len(digits) >= 4 && strings.Contains(err.Error(), digits[:4]) {
			t.Errorf("error for %q contains its digits: %v", input, err)
		}
	}
}

// validCheckDigits recomputes both check digits in a different way from the
// package, for the fuzz test.
func validCheckDigits(s string) bool {
	for _, w := range [][]int{{3, 7, 6, 1, 8, 9, 4, 5, 2, 1}, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1}} {
		sum := 0
		for j, weight := range w {
			sum += int(s[j]-'0') * weight
		}
		if sum%11 != 0 {
			return false
		}
	}
	return true
}

func FuzzParse(f *testing.F) {
	for _, row := range readTable(f, "testdata/valid.txt") {
		f.Add(row[0])
	}
	for _, row := range readTable(f, "testdata/invalid.txt") {
		s, _ := strconv.Unquote(row[0])
		f.Add(s)
	}
	f.Add("010190 12480")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %v is not an *Error", s, err)
			}
			if Messages["nb"][e.Key()] == "" {
				t.Fatalf("Parse(%q): no message for key %q", s, e.Key())
			}
			return
		}
		str := n.String()
		if len(str) != Length || strings.Trim(str, "0123456789") != "" {
			t.Fatalf("Parse(%q).String() = %q, not 11 digits", s, str)
		}
		if !validCheckDigits(str) {
			t.Fatalf("Parse(%q) accepted %s with wrong check digits", s, str)
		}
		again, err := Parse(str)
		if err != nil || again != n {
			t.Fatalf("Parse(%q) = %+v, but Parse(%s) = %+v, %v", s, n, str, again, err)
		}
		gen, err := Generate(n.BirthDate(), n.Individual(), n.Kind())
		if err != nil || gen != n {
			t.Fatalf("Parse(%q) = %+v, but Generate from its parts = %+v, %v", s, n, gen, err)
		}
	})
}
