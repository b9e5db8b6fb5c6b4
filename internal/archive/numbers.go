package archive

import (
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Numbers as people write them: a case "2026/123" (saksaar/
// sakssekvensnummer, also written "2026/000123" or "26/123"), a document
// in a case "2026/123-4" (with the journalpostnummer), a journal number
// "2026/004711" (journalaar/journalsekvensnummer). The parsers accept
// surrounding space and leading zeros, and a two-digit year as 20YY.

// ParseCaseNumber parses "saksaar/sakssekvensnummer". Errors: Invalid.
func ParseCaseNumber(s string) (saksaar, sakssekvensnummer int, err error) {
	y, n, rest, ok := parseYearSlash(strings.TrimSpace(s))
	if !ok || rest != "" {
		return 0, 0, errs.E(errs.Op("archive.ParseCaseNumber"), errs.Invalid, keyNumber)
	}
	return y, n, nil
}

// ParseJournalNumber parses "journalaar/journalsekvensnummer". Errors:
// Invalid.
func ParseJournalNumber(s string) (journalaar, journalsekvensnummer int, err error) {
	y, n, rest, ok := parseYearSlash(strings.TrimSpace(s))
	if !ok || rest != "" {
		return 0, 0, errs.E(errs.Op("archive.ParseJournalNumber"), errs.Invalid, keyNumber)
	}
	return y, n, nil
}

// ParseRegistreringsID parses "saksaar/sakssekvensnummer-journalpostnummer".
// Errors: Invalid.
func ParseRegistreringsID(s string) (saksaar, sakssekvensnummer, journalpostnummer int, err error) {
	y, n, rest, ok := parseYearSlash(strings.TrimSpace(s))
	if ok && strings.HasPrefix(rest, "-") {
		if jp, ok := number(rest[1:], 9); ok && jp > 0 {
			return y, n, jp, nil
		}
	}
	return 0, 0, 0, errs.E(errs.Op("archive.ParseRegistreringsID"), errs.Invalid, keyNumber)
}

// parseYearSlash reads "YYYY/N" (or "YY/N") from the start of s and
// returns what follows the number.
func parseYearSlash(s string) (year, n int, rest string, ok bool) {
	ys, after, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, "", false
	}
	switch len(ys) {
	case 2:
		y, ok := number(ys, 2)
		if !ok {
			return 0, 0, "", false
		}
		year = 2000 + y
	case 4:
		y, ok := number(ys, 4)
		if !ok || y < 1000 {
			return 0, 0, "", false
		}
		year = y
	default:
		return 0, 0, "", false
	}
	end := 0
	for end < len(after) && after[end] >= '0' && after[end] <= '9' {
		end++
	}
	n, ok = number(after[:end], 9)
	if !ok || n == 0 {
		return 0, 0, "", false
	}
	return year, n, after[end:], true
}

// number parses 1 to maxDigits ASCII digits (leading zeros allowed beyond
// that, as long as the value fits).
func number(s string, maxDigits int) (int, bool) {
	if s == "" || len(s) > 12 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	trimmed := strings.TrimLeft(s, "0")
	if len(trimmed) > maxDigits {
		return 0, false
	}
	if trimmed == "" {
		return 0, true
	}
	n, err := strconv.Atoi(trimmed)
	return n, err == nil
}
