package archive

import (
	"fmt"
	"strings"
	"testing"
)

// The windows of a PostgreSQL word search cover the days from the oldest
// to the newest entry exactly once, newest first, each one aligned block
// of 2^k days (one index token) at most twice as long as the one before.
// SetWordSearchPasses sets the PostgreSQL word search's first pass to the
// newest days days and its limit for a second pass without day tokens to
// rows, and returns a function that puts them back.
func SetWordSearchPasses(days, rows int64) func() {
	d, r := firstPassDays, maxRowsWithoutDays
	firstPassDays, maxRowsWithoutDays = days, rows
	return func() { firstPassDays, maxRowsWithoutDays = d, r }
}

func TestJournalWindows(t *testing.T) {
	const nr = 7
	base := int64(nr) * sokTenant
	for _, c := range []struct{ oldest, newest int64 }{
		{20000, 20000}, {19999, 20000}, {18954, 20793}, {0, 5}, {12345, 12345 + 5000}, {20480, 20480 + 4095},
	} {
		lo, hi := base+c.oldest*sokDay+17, base+c.newest*sokDay+999
		qs, los, his := journalWindows(nr, lo, hi, lo, hi-1, []string{"'t U'"})
		if len(qs) != len(los) || len(qs) != len(his) || len(qs) == 0 {
			t.Fatalf("%v: %d queries, %d lo, %d hi", c, len(qs), len(los), len(his))
		}
		if his[0] != hi || los[len(los)-1] != lo {
			t.Errorf("%v: windows span [%d, %d), want [%d, %d)", c, los[len(los)-1], his[0], lo, hi)
		}
		prevSize := int64(1)
		for i, q := range qs {
			if i > 0 && his[i] != los[i-1] {
				t.Errorf("%v: window %d ends at %d, the next starts at %d", c, i, his[i], los[i-1])
			}
			if los[i] >= his[i] {
				t.Errorf("%v: window %d is empty", c, i)
			}
			var size, block int64
			if _, err := fmt.Sscanf(strings.TrimPrefix(q, "'t U' & "), "'d%d %d'", &size, &block); err != nil {
				t.Fatalf("%v: window %d: %q: %v", c, i, q, err)
			}
			if size&(size-1) != 0 || size > 1<<maxDayLevel || size > 2*prevSize {
				t.Errorf("%v: window %d has %d days after %d", c, i, size, prevSize)
			}
			prevSize = size
			// The token's block holds the window's days.
			first, last := (los[i]-base)/sokDay, (his[i]-1-base)/sokDay
			if first < block*size || last >= (block+1)*size {
				t.Errorf("%v: window %d (days %d-%d) is not in block %q", c, i, first, last, q)
			}
		}
		if days := c.newest - c.oldest + 1; days > 64 && len(qs) > 2*maxDayLevel+int(days>>maxDayLevel)+2 {
			t.Errorf("%v: %d windows for %d days", c, len(qs), days)
		}
	}
}

func TestTsLexeme(t *testing.T) {
	for in, want := range map[string]string{
		"u Økonomiavdelingen": `'u Økonomiavdelingen'`,
		`u O'Brien \ & | !`:   `'u O''Brien \\ & | !'`,
		"s 2026/12":           `'s 2026/12'`,
	} {
		if got := tsLexeme(in); got != want {
			t.Errorf("tsLexeme(%q) = %s, want %s", in, got, want)
		}
	}
}
