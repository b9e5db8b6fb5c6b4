package dialogue_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/dialogue"
	"github.com/torg-ekommune/torg/internal/errs"
)

// FuzzParseOrgNumber checks that ParseOrgNumber never panics, that what
// it accepts is nine digits starting with 8 or 9 with a correct MOD11
// check digit, and that the result parses to itself.
func FuzzParseOrgNumber(f *testing.F) {
	for _, s := range []string{"923609016", "923 609 016", "NO 923 609 016 MVA", "923609017", "", "9", "974760673", "81 00 00 00 0", "NOMVA", "９２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nr, ok := dialogue.ParseOrgNumber(s)
		if !ok {
			if nr != "" {
				t.Fatalf("refused %q but returned %q", s, nr)
			}
			return
		}
		if len(nr) != 9 || (nr[0] != '8' && nr[0] != '9') {
			t.Fatalf("%q gave %q", s, nr)
		}
		sum := 0
		for i, w := range []int{3, 2, 7, 6, 5, 4, 3, 2} {
			if nr[i] < '0' || nr[i] > '9' {
				t.Fatalf("%q gave %q", s, nr)
			}
			sum += int(nr[i]-'0') * w
		}
		if (sum+int(nr[8]-'0'))%11 != 0 {
			t.Fatalf("%q gave %q with a wrong check digit", s, nr)
		}
		if again, ok := dialogue.ParseOrgNumber(nr); !ok || again != nr {
			t.Fatalf("%q does not parse to itself: %q %v", nr, again, ok)
		}
	})
}

// FuzzParseDate checks that ParseDate never panics and that an accepted
// date is the end of a day in 2000–2199 that formats back to itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"10.12.2026", "1.7.2027", "2027-07-01", "29.02.2027", "31/12/2199", "..2026", "1..2026", "", "2026-1-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := dialogue.ParseDate(s)
		if !ok {
			return
		}
		if y := d.Year(); y < 2000 || y > 2200 {
			t.Fatalf("%q gave %v", s, d)
		}
		back, ok := dialogue.ParseDate(dialogue.FormatDate(d))
		if !ok || !back.Equal(d) {
			t.Fatalf("%q gave %v, which formats as %q and parses as %v", s, d, dialogue.FormatDate(d), back)
		}
	})
}

// FuzzCheckStatement checks that the statement form's validation never
// panics, returns Invalid or nothing, and keeps accepted texts valid UTF-8
// within the limits.
func FuzzCheckStatement(f *testing.F) {
	f.Add("Bevar parken.", "meg", "", "", "kari@example.no", true)
	f.Add("<script>alert(1)</script>", "org", "923 609 016", "Lag", "", false)
	f.Add("\x00\xff", "x", "1", "", "a@b", true)
	f.Fuzz(func(t *testing.T, text, behalf, orgnr, orgname, email string, publish bool) {
		out, err := dialogue.CheckStatement(dialogue.StatementForm{Text: text, OnBehalf: behalf, OrgNumber: orgnr, OrgName: orgname, Email: email, Publish: publish}, true)
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("kind %v", errs.KindOf(err))
			}
			return
		}
		if out.Text == "" || !utf8.ValidString(out.Text) || utf8.RuneCountInString(out.Text) > dialogue.MaxStatement || strings.ContainsRune(out.Text, 0) {
			t.Fatalf("accepted text %q", out.Text)
		}
		if out.OnBehalf == dialogue.BehalfOrg && len(out.OrgNumber) != 9 {
			t.Fatalf("accepted org number %q", out.OrgNumber)
		}
		if strings.ContainsAny(out.Email, "\r\n") {
			t.Fatalf("accepted address %q", out.Email)
		}
	})
}
