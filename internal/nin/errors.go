package nin

import "fmt"

// Part names the part of a national identity number that is wrong.
type Part int

// The parts of a national identity number that validation can reject.
const (
	// PartLength: the number does not have 11 digits.
	PartLength Part = iota + 1
	// PartFormat: the input contains something other than digits (and the
	// white space Parse tolerates).
	PartFormat
	// PartDate: the first six digits are not a real date of birth, or the
	// year is outside what a number can express.
	PartDate
	// PartIndividual: the individual number (digits 7–9) is impossible for
	// the year of birth under the century rules, or the date of birth is in
	// the future (ParseAt only).
	PartIndividual
	// PartCheck1: the first check digit (digit 10) is wrong, or cannot exist.
	PartCheck1
	// PartCheck2: the last check digit (digit 11) is wrong, or cannot exist.
	PartCheck2
)

// String returns a short English name of the part, e.g. "date".
func (p Part) String() string {
	switch p {
	case PartLength:
		return "length"
	case PartFormat:
		return "format"
	case PartDate:
		return "date"
	case PartIndividual:
		return "individual"
	case PartCheck1:
		return "check1"
	case PartCheck2:
		return "check2"
	}
	return fmt.Sprintf("Part(%d)", int(p))
}

// Key returns the stable message key of the part, such as
// "nin.error.date", under which [Messages] holds the user-facing sentences.
func (p Part) Key() string { return "nin.error." + p.String() }

// Error describes why a national identity number is invalid. Its message
// never contains the number or any of its digits, so it is safe to log.
type Error struct {
	// Part is the part of the number that is wrong.
	Part   Part
	detail string
}

// Error returns an English description of the problem, for logs and
// developers. Show users [Error.Message] instead.
func (e *Error) Error() string {
	if e.detail == "" {
		return "nin: invalid national identity number: wrong " + e.Part.String()
	}
	return "nin: invalid national identity number: " + e.detail
}

// Key returns the stable message key for the part that is wrong, one of
// "nin.error.length", "nin.error.format", "nin.error.date",
// "nin.error.individual", "nin.error.check1" and "nin.error.check2".
func (e *Error) Key() string { return e.Part.Key() }

// Message returns the user-facing sentence for the error in the given
// language ("nb", "nn" or "en"), falling back to bokmål for any other.
func (e *Error) Message(lang string) string {
	msgs, ok := Messages[lang]
	if !ok {
		msgs = Messages["nb"]
	}
	return msgs[e.Key()]
}
