package innsyn_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/innsyn"
)

// FuzzParseIDs checks that any list of ticked values is either refused
// with a field error or gives distinct canonical ids, at most max.
func FuzzParseIDs(f *testing.F) {
	f.Add("0b1d7c0e-0000-4000-8000-000000000000\n0B1D7C0E-0000-4000-8000-000000000000", 3)
	f.Add(" \n\n", 1)
	f.Add("x\n0b1d7c0e-0000-4000-8000-00000000000g", 2)
	f.Add(strings.Repeat("a", 200), 5)
	f.Fuzz(func(t *testing.T, joined string, max int) {
		if max < 1 || max > 100 {
			max = 3
		}
		ids, err := innsyn.ParseIDs(strings.Split(joined, "\n"), max)
		if err != nil {
			if _, _, fields := errs.Public(err); !errs.Is(errs.Invalid, err) || fields[innsyn.FieldEntry] == "" {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		if len(ids) == 0 || len(ids) > max {
			t.Fatalf("%d ids, max %d", len(ids), max)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if len(id) != 36 || strings.ToLower(id) != id || seen[id] {
				t.Fatalf("bad id %q in %q", id, ids)
			}
			seen[id] = true
		}
	})
}

// FuzzCheckEmail checks that an accepted address is one plain address
// without line breaks, and that checking it again keeps it.
func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"kari@example.no", "Kari <kari@example.no>", "a@b", "x\r\n@y.no", "\"a b\"@example.no", "æøå@eksempel.no"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := innsyn.CheckEmail(s)
		if !ok {
			return
		}
		if strings.ContainsAny(a, "\r\n<>, ") || !strings.Contains(a, "@") || len(a) > 254 {
			t.Fatalf("accepted %q as %q", s, a)
		}
		if b, ok := innsyn.CheckEmail(a); !ok || b != a {
			t.Fatalf("%q checks as %q, %v", a, b, ok)
		}
	})
}

// FuzzDecisionForm checks the decision form's parser and its validation:
// errors are Invalid with field errors, and an accepted decision is one
// of the three, with a basis unless granted, within the limits.
func FuzzDecisionForm(f *testing.F) {
	f.Add("1", "granted", "", "", "")
	f.Add("2", "refused", "Offl. § 13", "", "<script>")
	f.Add("-1", "partly", "\x00\r\n", "x", "y")
	f.Add("99999999999999999999", "", "", "", "")
	f.Fuzz(func(t *testing.T, nr, decision, basis, complaint, note string) {
		form := url.Values{innsyn.FieldNr: {nr}, innsyn.FieldDecision: {decision}, innsyn.FieldBasis: {basis},
			innsyn.FieldComplaint: {complaint}, innsyn.FieldNote: {note}}
		d, err := innsyn.ParseDecision(form)
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("parse: %v", err)
			}
			return
		}
		if d.Nr < 1 || d.Nr > 10000 {
			t.Fatalf("nr %d", d.Nr)
		}
		c, err := innsyn.CheckDecision(d)
		if err != nil {
			if _, _, fields := errs.Public(err); !errs.Is(errs.Invalid, err) || len(fields) == 0 {
				t.Fatalf("check: %v", err)
			}
			return
		}
		if c.Decision != innsyn.Granted && c.Decision != innsyn.Partly && c.Decision != innsyn.Refused {
			t.Fatalf("decision %q", c.Decision)
		}
		if c.Decision != innsyn.Granted && c.LegalBasis == "" {
			t.Fatal("refusal without basis accepted")
		}
		if strings.ContainsAny(c.LegalBasis, "\r\n\x00") || !utf8.ValidString(c.Note) || utf8.RuneCountInString(c.LegalBasis) > innsyn.MaxBasis {
			t.Fatalf("basis %q", c.LegalBasis)
		}
	})
}

// FuzzParsePeriod checks that an accepted period is not backwards and
// that errors carry field errors.
func FuzzParsePeriod(f *testing.F) {
	f.Add("2026-01-01", "2026-12-31")
	f.Add("", "")
	f.Add("2026-13-01", "x")
	f.Add("2026-12-31", "2026-01-01")
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		a, b, err := innsyn.ParsePeriod(from, to, now)
		if err != nil {
			if _, _, fields := errs.Public(err); !errs.Is(errs.Invalid, err) || len(fields) == 0 {
				t.Fatalf("error: %v", err)
			}
			return
		}
		if !a.Before(b) {
			t.Fatalf("period %s – %s", a, b)
		}
	})
}
