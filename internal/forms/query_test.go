package forms_test

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
)

// submit makes one submission of formID in tenant at the clock's time.
func submit(t *testing.T, s *forms.Store, tenant, formID string) forms.Submission {
	t.Helper()
	ctx := context.Background()
	d, err := s.CreateDraft(ctx, tenant, formID, 1, kari, "p1")
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := s.Submit(ctx, submission(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// pageAll reads every page of size n and returns the ids in order.
func pageAll(t *testing.T, s *forms.Store, tenant, formID string, n int) []string {
	t.Helper()
	var ids []string
	var after forms.Cursor
	for range 100 {
		page, next, err := s.TenantSubmissions(context.Background(), tenant, formID, after, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > n {
			t.Fatalf("page of %d, limit %d", len(page), n)
		}
		for _, sub := range page {
			ids = append(ids, sub.ID)
		}
		if next == nil {
			return ids
		}
		if len(page) != n {
			t.Fatalf("short page (%d of %d) with a next cursor", len(page), n)
		}
		// The cursor goes through its text form, as it does in a URL.
		c, err := forms.ParseCursor(next.String())
		if err != nil || c != *next {
			t.Fatalf("cursor %+v does not survive its text form: %+v, %v", *next, c, err)
		}
		after = c
	}
	t.Fatal("no end of pages")
	return nil
}

func TestTenantSubmissions(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		var made []forms.Submission
		// Three at the same instant (ordered by id), then one a second.
		for i := range 8 {
			if i >= 3 {
				c.Add(time.Second)
			}
			form := "kontakt"
			if i%2 == 1 {
				form = "barnehageplass"
			}
			made = append(made, submit(t, s, "9999", form))
			submit(t, s, "4601", form) // another municipality's: never seen
		}
		slices.SortFunc(made, func(a, b forms.Submission) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		c.Add(forms.SettleTime)
		var all, kontakt []string
		for _, sub := range made {
			all = append(all, sub.ID)
			if sub.FormID == "kontakt" {
				kontakt = append(kontakt, sub.ID)
			}
		}
		for _, n := range []int{1, 3, 8, 50} {
			if got := pageAll(t, s, "9999", "", n); !slices.Equal(got, all) {
				t.Errorf("pages of %d: %v, want %v", n, got, all)
			}
		}
		if got := pageAll(t, s, "9999", "kontakt", 2); !slices.Equal(got, kontakt) {
			t.Errorf("kontakt only: %v, want %v", got, kontakt)
		}
		if got := pageAll(t, s, "9999", "nope", 2); len(got) != 0 {
			t.Errorf("unknown form: %v", got)
		}

		// Limits out of range are brought into it.
		for _, tt := range []struct{ limit, want int }{{0, 8}, {-5, 8}, {1000, 8}, {2, 2}} {
			page, _, err := s.TenantSubmissions(ctx, "9999", "", forms.Cursor{}, tt.limit)
			if err != nil || len(page) != tt.want {
				t.Errorf("limit %d: %d items, %v", tt.limit, len(page), err)
			}
		}

		// A submission made while a client pages comes after what it has
		// seen, never before the cursor.
		page, next, err := s.TenantSubmissions(ctx, "9999", "", forms.Cursor{}, 4)
		if err != nil || next == nil || len(page) != 4 {
			t.Fatalf("first page: %d, %v, %v", len(page), next, err)
		}
		late := submit(t, s, "9999", "kontakt")
		// Listed only once it has settled.
		if rest, _, _ := s.TenantSubmissions(ctx, "9999", "", *next, 50); len(rest) != 4 {
			t.Errorf("a submission younger than SettleTime is listed: %d items", len(rest))
		}
		c.Add(forms.SettleTime)
		rest, next2, err := s.TenantSubmissions(ctx, "9999", "", *next, 50)
		if err != nil || next2 != nil || len(rest) != 5 || rest[4].ID != late.ID {
			t.Errorf("after a late submission: %d items, next %v, %v", len(rest), next2, err)
		}
		// The last page ends with no cursor; a cursor past the end gives nothing.
		end := forms.Cursor{CreatedAt: late.CreatedAt, ID: late.ID}
		if page, next, err := s.TenantSubmissions(ctx, "9999", "", end, 10); len(page) != 0 || next != nil || err != nil {
			t.Errorf("past the end: %d, %v, %v", len(page), next, err)
		}

		got, err := s.TenantSubmission(ctx, "9999", late.ID)
		if err != nil || got.Reference != late.Reference || got.SubmitterPID != "15838810028" || string(got.Answers) != `{"a":1}` {
			t.Errorf("TenantSubmission = %+v, %v", got, err)
		}
		if !got.CreatedAt.Equal(late.CreatedAt) {
			t.Errorf("created_at %v, want %v", got.CreatedAt, late.CreatedAt)
		}
		if _, err := s.TenantSubmission(ctx, "4601", late.ID); !errs.Is(errs.NotFound, err) {
			t.Errorf("another municipality's submission: %v", err)
		}
		if _, err := s.TenantSubmission(ctx, "9999", "nope"); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown submission: %v", err)
		}
	})
}

func TestParseCursor(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 123456000, time.UTC)
	good := forms.Cursor{CreatedAt: at, ID: "AbC-_09xyzAbC-_09xyzAbCd"}
	if c, err := forms.ParseCursor(good.String()); err != nil || c != good {
		t.Fatalf("round trip: %+v, %v", c, err)
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tt := range []struct{ name, in string }{
		{"empty", ""},
		{"not base64", "!!!"},
		{"padded", base64.URLEncoding.EncodeToString([]byte("1.ab"))},
		{"standard alphabet", base64.RawStdEncoding.EncodeToString([]byte("1798020000000000.a?>"))},
		{"no dot", enc("1798020000000000")},
		{"no id", enc("1798020000000000.")},
		{"no time", enc(".abc")},
		{"negative", enc("-1.abc")},
		{"plus sign", enc("+1.abc")},
		{"leading zero", enc("01.abc")},
		{"after 9999", enc("253402300800000000.abc")},
		{"overflow", enc("99999999999999999999.abc")},
		{"bad id", enc("1.a b")},
		{"slash in id", enc("1.a/b")},
		{"id too long", enc("1." + strings.Repeat("a", 65))},
		{"too long", strings.Repeat("A", 200)},
		{"trailing bits", strings.TrimSuffix(enc("1.ab"), "g") + "h"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := forms.ParseCursor(tt.in); !errs.Is(errs.Invalid, err) {
				t.Errorf("ParseCursor(%q) = %+v, %v; want Invalid", tt.in, c, err)
			}
		})
	}
}

// FuzzCursor checks that ParseCursor never panics, and that what it
// accepts is exactly the text form of what it returns.
func FuzzCursor(f *testing.F) {
	f.Add(forms.Cursor{CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), ID: "abc"}.String())
	f.Add("")
	f.Add("MTc5ODAyMDAwMDAwMDAwMC5hYmM")
	f.Add("LTEuYQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := forms.ParseCursor(s)
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("ParseCursor(%q): error of kind %v", s, errs.KindOf(err))
			}
			return
		}
		if c.String() != s {
			t.Fatalf("ParseCursor(%q) = %+v, whose text is %q", s, c, c.String())
		}
		if c.ID == "" || c.CreatedAt.Location() != time.UTC || c.CreatedAt.Year() > 9999 || c.CreatedAt.Before(time.Unix(0, 0)) {
			t.Fatalf("ParseCursor(%q) = %+v", s, c)
		}
	})
}
