package dialogue

import (
	"strings"
	"time"
)

// ParseOrgNumber reads a Norwegian organisasjonsnummer as people type it
// ("923 609 016", "923609016", "NO 923 609 016 MVA") and returns its nine
// digits. The last digit is a MOD11 check digit over the first eight with
// the weights 3 2 7 6 5 4 3 2; a remainder that would need check digit 10
// gives no valid number. The first digit is 8 or 9, as Enhetsregisteret
// gives them out. ok is false for anything else.
func ParseOrgNumber(s string) (string, bool) {
	if len(s) > 40 {
		return "", false
	}
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "NO")
	t = strings.TrimSuffix(t, "MVA")
	var digits []byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '.' || c == '-' || c == '\u00a0':
		default:
			return "", false
		}
	}
	if len(digits) != 9 || (digits[0] != '8' && digits[0] != '9') {
		return "", false
	}
	weights := [8]int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(digits[8]-'0') {
		return "", false
	}
	return string(digits), true
}

// ParseDate reads a day as people type it in Norway, "dd.mm.yyyy" (also
// with one-digit day and month, and "-" or "/" between), or as a date
// input gives it, "yyyy-mm-dd". It returns the last second of that day in
// Norway, in UTC. Years from 2000 to 2199 only.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 || len(s) < 8 {
		return time.Time{}, false
	}
	var y, m, d int
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		var ok1, ok2, ok3 bool
		y, ok1 = number(s[0:4])
		m, ok2 = number(s[5:7])
		d, ok3 = number(s[8:10])
		if !ok1 || !ok2 || !ok3 {
			return time.Time{}, false
		}
	} else {
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '/' })
		if len(parts) != 3 || strings.Count(s, string(s[len(parts[0])])) != 2 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
			return time.Time{}, false
		}
		var ok1, ok2, ok3 bool
		d, ok1 = number(parts[0])
		m, ok2 = number(parts[1])
		y, ok3 = number(parts[2])
		if !ok1 || !ok2 || !ok3 {
			return time.Time{}, false
		}
	}
	if y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, false // 31.02
	}
	return endOfDay(y, time.Month(m), d), true
}

// number reads an unsigned decimal of at most four digits.
func number(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// likePattern returns a LIKE pattern that finds q anywhere, lower case,
// with the pattern characters escaped (ESCAPE '\').
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}
