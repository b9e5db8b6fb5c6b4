package innsyn

import "time"

// Easter returns Easter Sunday of year in the Gregorian calendar (the
// anonymous Gregorian algorithm, "Meeus/Jones/Butcher"), as midnight UTC.
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// Holiday reports whether the date of day (its year, month and day, in
// its own location) is a Norwegian public holiday (helligdag or
// høgtidsdag): New Year's Day, Maundy Thursday, Good Friday, Easter
// Sunday and Monday, 1 May, 17 May, Ascension Day, Whit Sunday and
// Monday, Christmas Day and Boxing Day.
func Holiday(day time.Time) bool {
	d := dateOf(day)
	switch m, n := d.Month(), d.Day(); {
	case m == time.January && n == 1,
		m == time.May && (n == 1 || n == 17),
		m == time.December && (n == 25 || n == 26):
		return true
	}
	easter := Easter(d.Year())
	// Both are midnight UTC, so the difference is whole days.
	switch d.Sub(easter) / (24 * time.Hour) {
	case -3, -2, 0, 1, 39, 49, 50:
		return true
	}
	return false
}

// WorkingDay reports whether the date of day is a working day: not a
// Saturday, Sunday or public holiday.
func WorkingDay(day time.Time) bool {
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !Holiday(day)
}

// AddWorkingDays returns the date n working days after the date of day,
// as midnight UTC: the days after day are counted, skipping weekends and
// public holidays, so a request made on a Saturday with n = 1 is due on
// Monday (or the next working day). n <= 0 gives day's date.
func AddWorkingDays(day time.Time, n int) time.Time {
	d := dateOf(day)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if WorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after the date of from up to
// and including the date of to; 0 when to is not after from.
func WorkingDaysBetween(from, to time.Time) int {
	a, b := dateOf(from), dateOf(to)
	n := 0
	for a.Before(b) {
		a = a.AddDate(0, 0, 1)
		if WorkingDay(a) {
			n++
		}
	}
	return n
}

// dateOf returns the calendar date of t (in t's location) as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// oslo is Norway's time zone: days and deadlines are Norwegian.
var oslo = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// today returns the date of now in Norway as midnight UTC.
func today(now time.Time) time.Time { return dateOf(now.In(oslo)) }
