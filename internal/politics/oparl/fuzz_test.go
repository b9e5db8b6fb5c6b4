package oparl

import (
	"net/http/httptest"
	"testing"
)

// FuzzParseQuery checks that a list's parameters are read without panics,
// that what is accepted is in range, and that the query the links carry
// reads back the same.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "limit=10&page=2", "created_since=2026-01-01T00%3A00%3A00%2B01%3A00", "modified_until=2026-01-01", "limit=0", "page=-1",
		"limit=99999999999", "omit_internal=true&omit_internal=false", "%zz", "limit=%2B5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/oparl/v1/body/9999/meetings", nil)
		r.URL.RawQuery = raw
		q, err := parseQuery(r)
		if err != nil {
			return
		}
		if q.limit < 1 || q.limit > MaxLimit || q.page < 1 {
			t.Fatalf("%q: limit %d, page %d", raw, q.limit, q.page)
		}
		r2 := httptest.NewRequest("GET", "/x", nil)
		r2.URL.RawQuery = q.raw.Encode()
		q2, err := parseQuery(r2)
		if err != nil || q2.limit != q.limit || !q2.createdSince.Equal(q.createdSince) || !q2.modifiedUntil.Equal(q.modifiedUntil) || q2.omitInternal != q.omitInternal {
			t.Fatalf("%q: the links' query %q reads back as %+v, %v", raw, q.raw.Encode(), q2, err)
		}
	})
}
