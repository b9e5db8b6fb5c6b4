package forms_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/db/dbtest"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms"
)

// TestMonthlyCounts submits forms around month ends and checks that they
// are counted in the right Oslo month, per form, within [from, to), and
// only for the municipality asked about.
func TestMonthlyCounts(t *testing.T) {
	each(t, func(t *testing.T, s *forms.Store, c *dbtest.Clock) {
		ctx := context.Background()
		submitAt := func(tenant, form string, at time.Time) {
			t.Helper()
			c.Set(at)
			d, err := s.CreateDraft(ctx, tenant, form, 1, kari, "p1")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Submit(ctx, submission(d), nil); err != nil {
				t.Fatal(err)
			}
		}
		utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
		// 23:30 UTC on 31 October is 00:30 on 1 November in Oslo (CET).
		submitAt("9999", "barnehageplass", utc(2026, 10, 31, 23, 30))
		submitAt("9999", "barnehageplass", utc(2026, 11, 15, 12, 0))
		submitAt("9999", "kontakt", utc(2026, 11, 20, 9, 0))
		// 22:30 UTC on 31 October is 23:30 in Oslo: still October.
		submitAt("9999", "kontakt", utc(2026, 10, 31, 22, 30))
		// 22:30 UTC on 31 July is 00:30 on 1 August in Oslo (CEST).
		submitAt("9999", "kontakt", utc(2026, 7, 31, 22, 30))
		// 23:30 UTC on 30 November is 00:30 on 1 December in Oslo.
		submitAt("9999", "barnehageplass", utc(2026, 11, 30, 23, 30))
		// Another municipality's submission is never counted.
		submitAt("4601", "barnehageplass", utc(2026, 11, 10, 12, 0))

		oslo, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			t.Skip("no time zone data for Europe/Oslo")
		}
		from := time.Date(2026, 8, 1, 0, 0, 0, 0, oslo)
		to := time.Date(2026, 12, 1, 0, 0, 0, 0, oslo)
		got, err := s.MonthlyCounts(ctx, "9999", from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := []forms.MonthCount{
			{FormID: "kontakt", Month: "2026-08", N: 1},
			{FormID: "kontakt", Month: "2026-10", N: 1},
			{FormID: "barnehageplass", Month: "2026-11", N: 2},
			{FormID: "kontakt", Month: "2026-11", N: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("MonthlyCounts =\n%+v\nwant\n%+v", got, want)
		}

		// The end is exclusive and the start inclusive.
		got, err = s.MonthlyCounts(ctx, "9999", utc(2026, 11, 15, 12, 0), utc(2026, 11, 20, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if want := []forms.MonthCount{{FormID: "barnehageplass", Month: "2026-11", N: 1}}; !reflect.DeepEqual(got, want) {
			t.Errorf("half-open range = %+v, want %+v", got, want)
		}

		if got, err := s.MonthlyCounts(ctx, "1234", from, to); err != nil || len(got) != 0 {
			t.Errorf("municipality without submissions = %+v, %v", got, err)
		}
		if _, err := s.MonthlyCounts(ctx, "9999", to, from); !errs.Is(errs.Invalid, err) {
			t.Errorf("reversed range: %v", err)
		}
	})
}
