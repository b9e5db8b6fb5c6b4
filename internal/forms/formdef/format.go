package formdef

import (
	"strconv"
	"strings"
)

// formatKroner writes an amount in øre as kroner with two decimals, the
// decimal separator dec and groups of three digits separated by a space
// (dec ',') or a comma (dec '.'), followed by suffix: "1 234,50 kr".
func formatKroner(ore int64, dec byte, suffix string) string {
	neg := ore < 0
	if neg {
		ore = -ore
	}
	group := " "
	if dec == '.' {
		group = ","
	}
	s := groupDigits(strconv.FormatInt(ore/100, 10), group) + string(dec) + twoDigits(ore%100) + suffix
	if neg {
		s = "−" + s
	}
	return s
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// groupDigits puts sep between groups of three digits from the right.
func groupDigits(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// formatAmount writes an amount for people: "1 234,50 kr" in Norwegian,
// "NOK 1,234.50" in English.
func formatAmount(ore int64, lang string) string {
	if lang == "en" {
		return "NOK " + formatKroner(ore, '.', "")
	}
	return formatKroner(ore, ',', " kr")
}

// formatNumber writes a number with a decimal comma in Norwegian and a
// decimal point in English.
func formatNumber(x float64, lang string) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formatDate writes a clean date (YYYY-MM-DD) as dd.mm.yyyy.
func formatDate(iso string) string {
	if d, ok := parseISODate(iso); ok {
		return d.Format("02.01.2006")
	}
	return iso
}

// formatPhone groups a Norwegian number the usual way: mobile numbers
// (starting with 4 or 9) as 3-2-3, others as 2-2-2-2. International
// numbers are returned as they are.
func formatPhone(s string) string {
	if len(s) != 8 || !onlyBytes(s, "0123456789") {
		return s
	}
	if s[0] == '4' || s[0] == '9' {
		return s[:3] + " " + s[3:5] + " " + s[5:]
	}
	return s[:2] + " " + s[2:4] + " " + s[4:6] + " " + s[6:]
}

// formatFNR writes a fødselsnummer as the birth date and the rest:
// "010190 12480".
func formatFNR(s string) string {
	if len(s) != 11 {
		return s
	}
	return s[:6] + " " + s[6:]
}

// formatOrgNr writes an organisasjonsnummer in groups of three.
func formatOrgNr(s string) string {
	if len(s) != 9 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// formatAddress writes an address on one line: "Storgata 1, 0155 Oslo".
func formatAddress(a Address) string {
	return strings.TrimSpace(a.Street + ", " + strings.TrimSpace(a.PostalCode+" "+a.PostalTown))
}
