package innsyn_test

import (
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/innsyn"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEaster(t *testing.T) {
	for year, want := range map[int]string{2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25", 2285: "2285-03-22"} {
		if got := innsyn.Easter(year); !got.Equal(day(want)) {
			t.Errorf("Easter(%d) = %s, want %s", year, got.Format(time.DateOnly), want)
		}
	}
}

func TestHolidays2026(t *testing.T) {
	want := map[string]bool{"2026-01-01": true, "2026-04-02": true, "2026-04-03": true, "2026-04-05": true, "2026-04-06": true,
		"2026-05-01": true, "2026-05-14": true, "2026-05-17": true, "2026-05-24": true, "2026-05-25": true, "2026-12-25": true, "2026-12-26": true}
	n := 0
	for d := day("2026-01-01"); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		got := innsyn.Holiday(d)
		if got != want[d.Format(time.DateOnly)] {
			t.Errorf("Holiday(%s) = %v", d.Format(time.DateOnly), got)
		}
		if got {
			n++
		}
	}
	if n != len(want) {
		t.Errorf("%d holidays in 2026, want %d", n, len(want))
	}
	// Christmas Eve and Easter Saturday are working days' eves, not holidays.
	if innsyn.Holiday(day("2026-12-24")) || innsyn.Holiday(day("2026-04-04")) {
		t.Error("24 December or Easter Saturday counted as a holiday")
	}
}

func TestAddWorkingDays(t *testing.T) {
	for _, c := range []struct {
		name, from string
		n          int
		want       string
	}{
		{"monday", "2026-11-23", 3, "2026-11-26"},
		{"thursday over the weekend", "2026-11-26", 3, "2026-12-01"},
		{"saturday", "2026-11-28", 1, "2026-11-30"},
		{"the day before Easter 2027", "2027-03-27", 3, "2027-04-01"},
		{"the day before Easter 2026", "2026-04-04", 3, "2026-04-09"},
		{"wednesday before Easter", "2026-04-01", 3, "2026-04-09"},
		{"maundy thursday", "2026-04-02", 1, "2026-04-07"},
		{"over Ascension Day", "2026-05-13", 1, "2026-05-15"},
		{"over Whit Monday", "2026-05-22", 1, "2026-05-26"},
		{"over Christmas", "2026-12-23", 3, "2026-12-29"},
		{"over New Year", "2026-12-31", 1, "2027-01-04"},
		{"17 May on a Monday", "2027-05-14", 1, "2027-05-18"},
		{"zero days", "2026-11-28", 0, "2026-11-28"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := innsyn.AddWorkingDays(day(c.from), c.n); !got.Equal(day(c.want)) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", c.from, c.n, got.Format(time.DateOnly), c.want)
			}
			if c.n > 0 {
				if got := innsyn.WorkingDaysBetween(day(c.from), day(c.want)); got != c.n {
					t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", c.from, c.want, got, c.n)
				}
			}
		})
	}
}
