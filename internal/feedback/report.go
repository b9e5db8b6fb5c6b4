package feedback

import (
	"context"
	"sort"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// Services is what feedback needs to know about the municipality's
// services, which it does not keep itself. The server adapts the form
// platform to it: service ids are form ids (e.g. "barnehageplass").
type Services interface {
	// List returns the municipality's services with their names in lang
	// ("nb", "nn" or "en"), for the registration form and the report.
	List(ctx context.Context, tenant, lang string) ([]ServiceRef, error)
	// DigitalCounts returns the submissions made through Torg per service
	// and Europe/Oslo month, for those made at or after from and before to.
	DigitalCounts(ctx context.Context, tenant string, from, to time.Time) ([]Count, error)
}

// ServiceRef is a service as the pages name it.
type ServiceRef struct {
	ID   string // the form id
	Name string
}

// Count is a number of digital submissions of a service in a month.
type Count struct {
	ServiceID string
	Month     string // "2026-11", Europe/Oslo
	N         int
}

// Row is the figures of one service in one month.
type Row struct {
	ServiceID string
	Month     string // "2026-11"
	// Submissions by channel.
	Digital, Paper, Phone, InPerson int
	// Answers to the satisfaction question, and how many of them scored
	// SatisfiedFrom or more.
	Answers, Satisfied int
}

// Total returns the submissions over all channels.
func (r Row) Total() int { return r.Digital + r.Paper + r.Phone + r.InPerson }

// DigitalShare returns the digital share of the submissions in whole per
// cent, rounded down (so a share shown as 75 % is at least 75 %), and
// false when there were no submissions.
func (r Row) DigitalShare() (int, bool) { return share(r.Digital, r.Total()) }

// DigitalGoalMet reports whether the digital share is at least
// DigitalGoal per cent. Without submissions it is false.
func (r Row) DigitalGoalMet() bool { return r.Total() > 0 && r.Digital*100 >= DigitalGoal*r.Total() }

// SatisfiedShare returns the share of answers that were satisfied (score
// SatisfiedFrom or more) in whole per cent, rounded down, and false when
// there were no answers.
func (r Row) SatisfiedShare() (int, bool) { return share(r.Satisfied, r.Answers) }

// SatisfiedGoalMet reports whether the share satisfied is at least
// SatisfiedGoal per cent. Without answers it is false.
func (r Row) SatisfiedGoalMet() bool {
	return r.Answers > 0 && r.Satisfied*100 >= SatisfiedGoal*r.Answers
}

func share(part, whole int) (int, bool) {
	if whole <= 0 {
		return 0, false
	}
	return part * 100 / whole, true
}

// Months returns the n calendar months (Europe/Oslo) that end with the one
// now is in, newest first, e.g. "2026-11", "2026-10", ….
func Months(now time.Time, n int) []string {
	start, _ := monthStart(MonthOf(now))
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, start.AddDate(0, -i, 0).Format("2006-01"))
	}
	return out
}

// Span returns the times that months (as from Months, any order) cover:
// midnight in Oslo on the first day of the oldest, and on the first day of
// the month after the newest. ok is false when months is empty or holds
// something that is not a month.
func Span(months []string) (from, to time.Time, ok bool) {
	if len(months) == 0 {
		return time.Time{}, time.Time{}, false
	}
	sorted := append([]string(nil), months...)
	sort.Strings(sorted)
	first, ok1 := monthStart(sorted[0])
	last, ok2 := monthStart(sorted[len(sorted)-1])
	if !ok1 || !ok2 {
		return time.Time{}, time.Time{}, false
	}
	return first, last.AddDate(0, 1, 0), true
}

// Report returns the figures of tenant for months ("2026-11", newest
// first, as from Months), given the digital counts (from
// Services.DigitalCounts; counts of other months are ignored). Rows come in
// the order of months, and by service id within a month; a service with
// nothing in a month has no row. Errors: Invalid when months holds
// something that is not a month.
func (s *Service) Report(ctx context.Context, tenant string, months []string, digital []Count) ([]Row, error) {
	const op = errs.Op("feedback.Report")
	if len(months) == 0 {
		return nil, nil
	}
	from, to, ok := Span(months)
	if !ok {
		return nil, errs.E(op, errs.Invalid, errs.Key("feedback.error.year"))
	}
	type key struct{ service, month string }
	rows := map[key]*Row{}
	want := map[string]bool{}
	for _, m := range months {
		want[m] = true
	}
	row := func(service, month string) *Row {
		k := key{service, month}
		if rows[k] == nil {
			rows[k] = &Row{ServiceID: service, Month: month}
		}
		return rows[k]
	}
	for _, c := range digital {
		if want[c.Month] {
			row(c.ServiceID, c.Month).Digital += c.N
		}
	}

	// The days are "yyyy-mm-dd" text, so the range is a text comparison,
	// the same on both databases.
	q, err := s.db.QueryContext(ctx, `SELECT service_id, day, channel, n FROM feedback_channel_counts
		WHERE tenant_id = $1 AND day >= $2 AND day < $3`, tenant, from.Format("2006-01-02"), to.Format("2006-01-02"))
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer q.Close()
	for q.Next() {
		var service, day, channel string
		var n int
		if err := q.Scan(&service, &day, &channel, &n); err != nil {
			return nil, errs.E(op, err)
		}
		month := day[:min(7, len(day))]
		if !want[month] {
			continue
		}
		r := row(service, month)
		switch channel {
		case ChannelPaper:
			r.Paper += n
		case ChannelPhone:
			r.Phone += n
		case ChannelInPerson:
			r.InPerson += n
		}
	}
	if err := q.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	q.Close()

	// Answers given before the receipt survey took over (feedback_answers
	// gets no new rows), then those in the receipt survey: no answer is in
	// both, so the sums are exact. (While MoveOldAnswers runs, a batch
	// moved between the two reads can be counted twice on that one view.)
	a, err := s.db.QueryContext(ctx, `SELECT service_id, month, COUNT(*), SUM(CASE WHEN score >= $4 THEN 1 ELSE 0 END)
		FROM feedback_answers WHERE tenant_id = $1 AND month >= $2 AND month < $3 GROUP BY service_id, month`,
		tenant, from.Format("2006-01"), to.Format("2006-01"), SatisfiedFrom)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer a.Close()
	for a.Next() {
		var service, month string
		var n, satisfied int64
		if err := a.Scan(&service, &month, &n, &satisfied); err != nil {
			return nil, errs.E(op, err)
		}
		if !want[month] {
			continue
		}
		r := row(service, month)
		r.Answers += int(n)
		r.Satisfied += int(satisfied)
	}
	if err := a.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	a.Close()

	rc, ok, err := s.findReceipt(ctx, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if ok {
		counts, err := s.surveys.ReceiptCounts(ctx, tenant, rc.survey, rc.score, from.Format("2006-01"), to.Format("2006-01"))
		if err != nil {
			return nil, errs.E(op, err)
		}
		for _, c := range counts {
			month, service, ok := surveys.SplitContext(c.Stratum)
			if !ok || !want[month] {
				continue
			}
			switch {
			case c.Item == -1 && c.Choice == -1:
				row(service, month).Answers += int(c.N)
			case c.Item == 0 && c.Choice >= SatisfiedFrom:
				row(service, month).Satisfied += int(c.N)
			}
		}
	}

	order := map[string]int{}
	for i, m := range months {
		if _, dup := order[m]; !dup {
			order[m] = i
		}
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Month != out[j].Month {
			return order[out[i].Month] < order[out[j].Month]
		}
		return out[i].ServiceID < out[j].ServiceID
	})
	return out, nil
}
