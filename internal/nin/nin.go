// Package nin parses, validates and generates Norwegian national identity
// numbers: fødselsnummer, D-numbers, H-numbers and the synthetic test numbers
// issued by Skatteetaten's Tenor test register.
//
// A national identity number has 11 digits, DDMMYY III K1 K2:
//
//   - DDMMYY is the date of birth. D-numbers add 40 to the day, H-numbers add
//     40 to the month, and synthetic test numbers from Tenor add 80 to the
//     month (a synthetic D-number adds 40 to the day and 80 to the month).
//     Synthetic numbers are what the test persons in ID-porten's test
//     environment use; they can never be issued to a real person.
//   - III is the individual number. Together with YY it decides the century
//     (see [Parse]).
//   - K1 and K2 are modulus 11 check digits.
//
// [Parse] is pure: it never looks at the clock, so it accepts a birth date in
// the future. Use [ParseAt] to also reject those.
//
// Errors are reported as [*Error], whose [Part] says which part of the number
// is wrong and whose [Error.Key] gives a stable message key for the
// translated, user-facing sentences in [Messages]. No error message ever
// contains the number or any of its digits, so errors are safe to log.
package nin

import (
	"fmt"
	"strings"
	"time"
)

// Kind tells which kind of national identity number a [Number] is.
type Kind int

// The kinds of national identity number.
const (
	// Ordinary is a fødselsnummer: the first six digits are the birth date.
	Ordinary Kind = iota
	// DNumber is a D-number, given to people who are not registered as
	// living in Norway: 40 is added to the day of birth.
	DNumber
	// HNumber is an H-number, an auxiliary number used in health care when
	// neither a fødselsnummer nor a D-number is known: 40 is added to the
	// month of birth.
	HNumber
	// Synthetic is a synthetic test fødselsnummer from Skatteetaten's Tenor
	// test register: 80 is added to the month of birth.
	Synthetic
	// SyntheticDNumber is a synthetic test D-number from Tenor: 40 is added
	// to the day and 80 to the month of birth.
	SyntheticDNumber
)

// String returns the English name of the kind, e.g. "D-number".
func (k Kind) String() string {
	switch k {
	case Ordinary:
		return "fødselsnummer"
	case DNumber:
		return "D-number"
	case HNumber:
		return "H-number"
	case Synthetic:
		return "synthetic fødselsnummer"
	case SyntheticDNumber:
		return "synthetic D-number"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// IsSynthetic reports whether numbers of this kind are synthetic test
// numbers that can never belong to a real person.
func (k Kind) IsSynthetic() bool {
	return k == Synthetic || k == SyntheticDNumber
}

// offsets returns what the kind adds to the day and to the month.
func (k Kind) offsets() (day, month int, ok bool) {
	switch k {
	case Ordinary:
		return 0, 0, true
	case DNumber:
		return 40, 0, true
	case HNumber:
		return 0, 40, true
	case Synthetic:
		return 0, 80, true
	case SyntheticDNumber:
		return 40, 80, true
	}
	return 0, 0, false
}

// Number is a valid Norwegian national identity number. The zero Number is
// not a valid number; its String is empty.
//
// The number is personal data: prefer [Number.Masked] in logs.
type Number struct {
	digits string // exactly 11 ASCII digits, or "" for the zero Number
	kind   Kind
	birth  time.Time
}

// Length is the number of digits in a national identity number.
const Length = 11

// Parse parses and validates a national identity number.
//
// It accepts exactly 11 digits, optionally surrounded by white space, and
// optionally with a single space between the six date digits and the five
// others ("010190 12345"). Anything else, such as dots, hyphens or several
// spaces, is rejected with [PartFormat].
//
// The century is decided by the individual number (digits 7–9) and the year:
//
//	000–499                 1900–1999
//	500–749, year 54–99     1854–1899
//	500–999, year 00–39     2000–2039
//	900–999, year 40–99     1940–1999
//
// Other combinations are rejected with [PartIndividual]. The date must be a
// real calendar date, after removing the D-, H- or synthetic offsets.
//
// Parse does not look at the clock and so accepts dates in the future; see
// [ParseAt].
func Parse(s string) (Number, error) {
	digits, err := normalize(s)
	if err != nil {
		return Number{}, err
	}
	return parseDigits(digits)
}

// ParseAt is like [Parse] but also rejects a number whose birth date is
// after the date of now (in now's location), with [PartIndividual].
func ParseAt(s string, now time.Time) (Number, error) {
	n, err := Parse(s)
	if err != nil {
		return Number{}, err
	}
	y, m, d := now.Date()
	if n.birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return Number{}, &Error{Part: PartIndividual, detail: "the date of birth is in the future"}
	}
	return n, nil
}

// normalize trims s and removes the optional separator space, and checks
// that what is left is 11 ASCII digits.
func normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > 6 && s[6] == ' ' && strings.Count(s, " ") == 1 {
		s = s[:6] + s[7:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", &Error{Part: PartFormat, detail: "it may only contain digits"}
		}
	}
	if len(s) != Length {
		return "", &Error{Part: PartLength, detail: fmt.Sprintf("it must have %d digits, not %d", Length, len(s))}
	}
	return s, nil
}

// parseDigits validates 11 ASCII digits.
func parseDigits(s string) (Number, error) {
	day := num(s[0:2])
	month := num(s[2:4])
	yy := num(s[4:6])
	individual := num(s[6:9])

	kind, day, month, ok := splitKind(day, month)
	if !ok {
		return Number{}, &Error{Part: PartDate, detail: "the first six digits are not a date"}
	}
	century, ok := century(individual, yy)
	if !ok {
		return Number{}, &Error{Part: PartIndividual, detail: "the individual number does not fit the year of birth"}
	}
	year := century + yy
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != day || int(birth.Month()) != month {
		return Number{}, &Error{Part: PartDate, detail: "the first six digits are not a date"}
	}
	if k1, ok := checkDigit(s[:9], weights1); !ok || int(s[9]-'0') != k1 {
		return Number{}, &Error{Part: PartCheck1, detail: "the first check digit is wrong"}
	}
	if k2, ok := checkDigit(s[:10], weights2); !ok || int(s[10]-'0') != k2 {
		return Number{}, &Error{Part: PartCheck2, detail: "the last check digit is wrong"}
	}
	return Number{digits: s, kind: kind, birth: birth}, nil
}

// splitKind removes the D-, H- and synthetic offsets from the day and month
// digits. ok is false if the result cannot be a day and a month.
func splitKind(day, month int) (kind Kind, realDay, realMonth int, ok bool) {
	dNumber := false
	switch {
	case day >= 1 && day <= 31:
	case day >= 41 && day <= 71:
		dNumber = true
		day -= 40
	default:
		return 0, 0, 0, false
	}
	switch {
	case month >= 1 && month <= 12:
		kind = Ordinary
		if dNumber {
			kind = DNumber
		}
	case month >= 41 && month <= 52 && !dNumber:
		kind = HNumber
		month -= 40
	case month >= 81 && month <= 92:
		kind = Synthetic
		if dNumber {
			kind = SyntheticDNumber
		}
		month -= 80
	default:
		return 0, 0, 0, false
	}
	return kind, day, month, true
}

// century returns the century of a two-digit year given the individual
// number, following the rules documented on Parse.
func century(individual, yy int) (int, bool) {
	switch {
	case individual >= 0 && individual <= 499:
		return 1900, true
	case individual >= 500 && individual <= 749 && yy >= 54:
		return 1800, true
	case individual >= 500 && individual <= 999 && yy <= 39:
		return 2000, true
	case individual >= 900 && individual <= 999 && yy >= 40:
		return 1900, true
	}
	return 0, false
}

var (
	weights1 = []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	weights2 = []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// checkDigit computes a modulus 11 check digit of the ASCII digits in s.
// ok is false if the remainder gives 10, for which no check digit exists.
func checkDigit(s string, weights []int) (digit int, ok bool) {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	digit = 11 - sum%11
	if digit == 11 {
		digit = 0
	}
	return digit, digit != 10
}

// num converts a string of ASCII digits to an int.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// String returns the 11 digits of the number, or "" for the zero Number.
func (n Number) String() string { return n.digits }

// Masked returns the number with the individual number and check digits
// hidden ("010190*****"), for logs and support tooling. It returns "" for
// the zero Number.
func (n Number) Masked() string {
	if n.digits == "" {
		return ""
	}
	return n.digits[:6] + "*****"
}

// Kind returns the kind of the number.
func (n Number) Kind() Kind { return n.kind }

// BirthDate returns the real date of birth, with the D-, H- and synthetic
// offsets removed and the century taken from the individual number, at
// midnight UTC. It returns the zero time for the zero Number.
func (n Number) BirthDate() time.Time { return n.birth }

// Individual returns the individual number (digits 7–9), from 0 to 999. Its
// last digit is even for women and odd for men in numbers issued before the
// 2032 reform; Torg does not rely on that.
func (n Number) Individual() int {
	if n.digits == "" {
		return 0
	}
	return num(n.digits[6:9])
}

// Generate builds a valid number of the given kind for a person born on the
// date of birth (its year, month and day in birth's location) with the given
// individual number, computing both check digits.
//
// It fails with [PartDate] if the year is outside 1854–2039, with
// [PartIndividual] if the individual number is outside 0–999 or does not fit
// the century of the year (see [Parse]), and with [PartCheck1] or
// [PartCheck2] if no check digit 0–9 exists for that individual number; try
// another individual number then.
func Generate(birth time.Time, individual int, kind Kind) (Number, error) {
	dayOffset, monthOffset, ok := kind.offsets()
	if !ok {
		return Number{}, fmt.Errorf("nin: unknown kind %d", int(kind))
	}
	year, month, day := birth.Date()
	if year < 1854 || year > 2039 {
		return Number{}, &Error{Part: PartDate, detail: "the year of birth is outside 1854–2039"}
	}
	if individual < 0 || individual > 999 {
		return Number{}, &Error{Part: PartIndividual, detail: "the individual number is outside 0–999"}
	}
	if c, ok := century(individual, year%100); !ok || c != year-year%100 {
		return Number{}, &Error{Part: PartIndividual, detail: "the individual number does not fit the year of birth"}
	}
	s := fmt.Sprintf("%02d%02d%02d%03d", day+dayOffset, int(month)+monthOffset, year%100, individual)
	k1, ok := checkDigit(s, weights1)
	if !ok {
		return Number{}, &Error{Part: PartCheck1, detail: "no first check digit exists for this individual number"}
	}
	s += string(rune('0' + k1))
	k2, ok := checkDigit(s, weights2)
	if !ok {
		return Number{}, &Error{Part: PartCheck2, detail: "no last check digit exists for this individual number"}
	}
	s += string(rune('0' + k2))
	return Number{
		digits: s,
		kind:   kind,
		birth:  time.Date(year, month, day, 0, 0, 0, 0, time.UTC),
	}, nil
}
