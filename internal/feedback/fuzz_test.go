package feedback

import (
	"testing"
	"time"
)

// FuzzParseTicket checks that the ticket parser never panics, and that
// what it accepts is well-formed and encodes back to a ticket that parses
// the same.
func FuzzParseTicket(f *testing.F) {
	valid := ticket{service: "barnehageplass", month: "2026-11"}
	valid.nonce[3], valid.mac[7] = 9, 42
	f.Add(valid.encode())
	f.Add("")
	f.Add("AQ")
	f.Add("not a ticket")
	f.Add("AjIwMjYxMQ")
	f.Fuzz(func(t *testing.T, s string) {
		tk, ok := parseTicket(s)
		if !ok {
			return
		}
		if !validServiceID(tk.service) {
			t.Fatalf("accepted service id %q", tk.service)
		}
		if _, ok := monthStart(tk.month); !ok {
			t.Fatalf("accepted month %q", tk.month)
		}
		again, ok := parseTicket(tk.encode())
		if !ok || again != tk {
			t.Fatalf("%q: re-encoded ticket parses as %+v, %v", s, again, ok)
		}
	})
}

// FuzzParseDate checks that the date parser never panics and that what it
// accepts is a real calendar day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"23.11.2026", "1.2.2026", "31.02.2026", "", "..", "99.99.9999", " 01.01.2000 ", "1.1.+123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		day, ok := parseDate(s)
		if !ok {
			return
		}
		if _, err := time.Parse("2006-01-02", day); err != nil {
			t.Fatalf("%q gave %q: %v", s, day, err)
		}
	})
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"23.11.2026": "2026-11-23", "1.2.2026": "2026-02-01", " 29.02.2028 ": "2028-02-29",
		"29.02.2026": "", "31.04.2026": "", "23-11-2026": "", "23.11.26": "", "+1.11.2026": "", "123.1.2026": "", "0.1.2026": "", "1.13.2026": ""} {
		got, ok := parseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
