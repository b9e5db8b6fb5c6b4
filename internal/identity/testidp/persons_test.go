package testidp

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkPID reports why pid is not a valid synthetic (Tenor-style, month+80)
// fødselsnummer, or nil when it is valid.
func checkPID(pid string) error {
	if len(pid) != 11 || strings.Trim(pid, "0123456789") != "" {
		return fmt.Errorf("%q is not 11 digits", pid)
	}
	d := make([]int, 11)
	for i := range pid {
		d[i] = int(pid[i] - '0')
	}
	day := d[0]*10 + d[1]
	month := d[2]*10 + d[3]
	yy := d[4]*10 + d[5]
	individual := d[6]*100 + d[7]*10 + d[8]
	if month < 81 || month > 92 {
		return fmt.Errorf("%q: month %d is not a synthetic month (81–92)", pid, month)
	}
	month -= 80
	var year int
	switch {
	case individual <= 499:
		year = 1900 + yy
	case yy <= 39:
		year = 2000 + yy
	default:
		return fmt.Errorf("%q: individual number %03d does not fit year %02d", pid, individual, yy)
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if birth.Day() != day || int(birth.Month()) != month {
		return fmt.Errorf("%q: %02d.%02d.%d is not a date", pid, day, month, year)
	}
	check := func(weights []int) int {
		sum := 0
		for i, w := range weights {
			sum += d[i] * w
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		return k
	}
	k1 := check([]int{3, 7, 6, 1, 8, 9, 4, 5, 2})
	if k1 == 10 || k1 != d[9] {
		return fmt.Errorf("%q: first check digit is wrong", pid)
	}
	k2 := check([]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	if k2 == 10 || k2 != d[10] {
		return fmt.Errorf("%q: second check digit is wrong", pid)
	}
	return nil
}

// birthYear returns the birth year of a valid synthetic PID.
func birthYear(pid string) int {
	yy, _ := strconv.Atoi(pid[4:6])
	ind, _ := strconv.Atoi(pid[6:9])
	if ind >= 500 {
		return 2000 + yy
	}
	return 1900 + yy
}

func TestCheckPID(t *testing.T) {
	tests := []struct {
		pid   string
		valid bool
	}{
		{"15838810028", true},
		{"21880560058", true},
		{"15838810029", false}, // second check digit
		{"15838810018", false}, // first check digit
		{"15038810028", false}, // real month, not synthetic
		{"32838810028", false}, // no 32nd day
		{"29828910048", false}, // 29 Feb 1989 does not exist
		{"21880510058", false}, // individual number of the 1900s for 2005 is fine, but check digits then fail
		{"21884560058", false}, // 2045 is outside 2000–2039
		{"1583881002", false},
		{"1583881002x", false},
	}
	for _, tc := range tests {
		t.Run(tc.pid, func(t *testing.T) {
			if err := checkPID(tc.pid); (err == nil) != tc.valid {
				t.Errorf("checkPID = %v, want valid = %v", err, tc.valid)
			}
		})
	}
}

func TestDemoPersons(t *testing.T) {
	persons := DemoPersons()
	var citizens, staff int
	var hasÆØÅ, hasSami, hasMinor, hasBorn2000s, hasElderly bool
	seen := map[string]bool{}
	for _, p := range persons {
		if p.Name == "" || p.GivenName == "" || p.FamilyName == "" || p.Description == "" {
			t.Errorf("incomplete person %+v", p)
		}
		if p.Name != p.GivenName+" "+p.FamilyName {
			t.Errorf("name %q is not given %q + family %q", p.Name, p.GivenName, p.FamilyName)
		}
		if strings.ContainsAny(p.Name, "æøåÆØÅ") {
			hasÆØÅ = true
		}
		if strings.ContainsAny(p.Name, "áÁŋŊčČđĐšŠŧŦžŽ") {
			hasSami = true
		}
		for _, key := range []string{p.PID, p.Email} {
			if key != "" && seen[key] {
				t.Errorf("duplicate %q", key)
			}
			seen[key] = true
		}
		if p.PID != "" {
			citizens++
			if err := checkPID(p.PID); err != nil {
				t.Errorf("%s: %v", p.Name, err)
				continue
			}
			year := birthYear(p.PID)
			hasBorn2000s = hasBorn2000s || year >= 2000
			hasMinor = hasMinor || year >= 2010
			hasElderly = hasElderly || year < 1945
			if !strings.Contains(p.Description, strconv.Itoa(year)) {
				t.Errorf("%s: description %q does not match birth year %d", p.Name, p.Description, year)
			}
		}
		if p.Email != "" {
			staff++
			if !strings.HasSuffix(p.Email, "@demo.kommune.no") {
				t.Errorf("%s: e-mail %q is not at demo.kommune.no", p.Name, p.Email)
			}
		}
	}
	if citizens < 8 || staff < 6 {
		t.Errorf("%d citizens and %d staff, want at least 8 and 6", citizens, staff)
	}
	if !hasÆØÅ || !hasSami || !hasMinor || !hasBorn2000s || !hasElderly {
		t.Errorf("æøå %v, Sami %v, minor %v, born 2000s %v, elderly %v", hasÆØÅ, hasSami, hasMinor, hasBorn2000s, hasElderly)
	}
	for _, role := range []string{"Saksbehandler", "Arkivar", "Politisk sekretariat", "Folkevalgt", "Leder", "Systemadministrator"} {
		found := false
		for _, p := range persons {
			found = found || strings.HasPrefix(p.Description, role)
		}
		if !found {
			t.Errorf("no staff person with role %q", role)
		}
	}
	// Callers get their own copy.
	persons[0].Name = "changed"
	if DemoPersons()[0].Name == "changed" {
		t.Error("DemoPersons shares its slice")
	}
}

func TestPKCEKnownAnswer(t *testing.T) {
	// RFC 7636 appendix B.
	if !pkceMatches(testVerifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") {
		t.Error("RFC 7636 example does not match")
	}
	if pkceMatches(testVerifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN") {
		t.Error("wrong challenge matches")
	}
}
