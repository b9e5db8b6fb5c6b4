package innsyn

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/identity"
	"github.com/torg-ekommune/torg/internal/notify"
)

// Queue lists the requests of tenant with an entry of unit (every unit
// when empty), oldest deadline first: only those with undecided entries
// unless all is set.
func (s *Service) Queue(ctx context.Context, tenant, unit string, all bool) ([]Request, error) {
	const op = errs.Op("innsyn.Queue")
	q := `SELECT ` + requestColumns + ` FROM innsyn_request r WHERE tenant_id = $1
		AND ($2 = '' OR EXISTS (SELECT 1 FROM innsyn_line l WHERE l.tenant_id = r.tenant_id AND l.request_id = r.id AND l.unit = $2))`
	if !all {
		q += ` AND closed_at IS NULL`
	}
	q += ` ORDER BY deadline, created_at, id LIMIT 500`
	rows, err := s.db.QueryContext(ctx, q, tenant, unit)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows, tenant)
		if err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	for i := range out {
		if err := s.lines(ctx, s.db, &out[i]); err != nil {
			return nil, errs.E(op, err)
		}
	}
	return out, nil
}

// Units lists the units that have had requests in tenant, sorted.
func (s *Service) Units(ctx context.Context, tenant string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT unit FROM innsyn_line WHERE tenant_id = $1 ORDER BY unit`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("innsyn.Units"), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, errs.E(errs.Op("innsyn.Units"), err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Reminder kinds.
const (
	ReminderSoon    = "soon"    // within one working day of the deadline
	ReminderOverdue = "overdue" // after the deadline
)

// DueItem is a unit's part of an open request that is close to or past
// its deadline.
type DueItem struct {
	Tenant, RequestID, Unit string
	Deadline                time.Time
	Open                    int    // undecided entries of the unit
	Kind                    string // ReminderSoon or ReminderOverdue
}

// Due lists, in every municipality, the units' undecided parts of
// requests whose deadline is at most one working day after today (Norway)
// at now: Kind ReminderOverdue when the deadline has passed.
func (s *Service) Due(ctx context.Context, now time.Time) ([]DueItem, error) {
	const op = errs.Op("innsyn.Due")
	day := today(now)
	rows, err := s.db.QueryContext(ctx,
		`SELECT r.tenant_id, r.id, l.unit, r.deadline, COUNT(*) FROM innsyn_request r
		 JOIN innsyn_line l ON l.tenant_id = r.tenant_id AND l.request_id = r.id
		 WHERE r.closed_at IS NULL AND l.decision = '' AND r.deadline <= $1
		 GROUP BY r.tenant_id, r.id, l.unit, r.deadline ORDER BY r.deadline, r.tenant_id, r.id, l.unit`, AddWorkingDays(day, 1))
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []DueItem
	for rows.Next() {
		var d DueItem
		if err := rows.Scan(&d.Tenant, &d.RequestID, &d.Unit, &d.Deadline, &d.Open); err != nil {
			return nil, errs.E(op, err)
		}
		d.Deadline = d.Deadline.UTC()
		d.Kind = ReminderSoon
		if day.After(d.Deadline) {
			d.Kind = ReminderOverdue
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// recipients returns where a unit's reminders go: Config.UnitEmail, else
// the municipality's archivists who sign in with an e-mail address.
func (s *Service) recipients(ctx context.Context, tenant, unit string) ([]string, error) {
	if a := s.cfg.UnitEmail[unit]; a != "" {
		return []string{a}, nil
	}
	if s.staff == nil {
		return nil, nil
	}
	grants, err := s.staff.Grants(ctx, tenant)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range grants {
		if a, ok := strings.CutPrefix(g.Principal, "email:"); ok && g.Role == identity.RoleArchivist && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Remind sends the reminders due at now (see Due): once per request, unit
// and kind, recorded with the mail and an audit entry in one transaction,
// so running it again sends nothing new. A unit with nobody to remind is
// skipped and tried again next time. It returns how many reminders were
// sent.
func (s *Service) Remind(ctx context.Context, now time.Time) (int, error) {
	const op = errs.Op("innsyn.Remind")
	due, err := s.Due(ctx, now)
	if err != nil {
		return 0, errs.E(op, err)
	}
	sent := 0
	for _, d := range due {
		to, err := s.recipients(ctx, d.Tenant, d.Unit)
		if err != nil {
			return sent, errs.E(op, err)
		}
		if len(to) == 0 {
			continue
		}
		var done bool
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx,
				`INSERT INTO innsyn_reminder (tenant_id, request_id, unit, kind, sent_at, recipients) VALUES ($1, $2, $3, $4, $5, $6)
				 ON CONFLICT (tenant_id, request_id, unit, kind) DO NOTHING`, d.Tenant, d.RequestID, d.Unit, d.Kind, s.db.Now(), len(to))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			for _, a := range to {
				if _, err := s.mail.Enqueue(ctx, tx, s.reminderMail(d, a)); err != nil {
					return err
				}
			}
			_, err = s.audit.Append(ctx, tx, audit.Entry{Tenant: d.Tenant, ActorID: "system", Role: "system", Action: "innsyn.remind." + d.Kind,
				Object: "innsynskrav:" + d.RequestID, Detail: fmt.Sprintf("%s: %d entries, %d recipients", d.Unit, d.Open, len(to))})
			done = err == nil
			return err
		})
		if err != nil {
			return sent, errs.E(op, err)
		}
		if done {
			sent++
		}
	}
	return sent, nil
}

// reminderMail is a reminder to a unit, in bokmål (staff mail).
func (s *Service) reminderMail(d DueItem, to string) notify.Mail {
	t := func(key string, args ...any) string { return s.t("nb", key, args...) }
	ref := "INN-" + strings.ToUpper(d.RequestID[:min(8, len(d.RequestID))])
	body := t("innsyn.mail.remind."+d.Kind+".lead", ref, d.Unit, d.Open, d.Deadline.Format("02.01.2006")) + "\n\n" +
		s.tenantURL(d.Tenant) + "tilsett/innsyn/" + d.RequestID + "\n"
	return notify.Mail{Tenant: d.Tenant, To: to, Subject: t("innsyn.mail.remind."+d.Kind+".subject", ref), Body: body}
}

// UnitStats are the figures of one unit.
type UnitStats struct {
	Unit                     string
	Count                    int           // entries asked for
	Decided                  int           // entries decided
	Median                   time.Duration // median time from request to decision; 0 when none decided
	OnTime                   int           // entries decided by their deadline
	Late                     int           // entries decided after their deadline, or open past it
	Granted, Partly, Refused int
}

// Share is the share of entries answered within the deadline, of those
// decided or past their deadline; -1 when there are none.
func (u UnitStats) Share() float64 {
	if u.OnTime+u.Late == 0 {
		return -1
	}
	return float64(u.OnTime) / float64(u.OnTime+u.Late)
}

// Stats gives per unit the figures of the entries of requests made in
// [from, to) in tenant, judged at now (what is open past its deadline
// counts as late), sorted by unit.
func (s *Service) Stats(ctx context.Context, tenant string, from, to, now time.Time) ([]UnitStats, error) {
	const op = errs.Op("innsyn.Stats")
	rows, err := s.db.QueryContext(ctx,
		`SELECT l.unit, l.decision, l.decided_at, r.created_at, r.deadline FROM innsyn_line l
		 JOIN innsyn_request r ON r.tenant_id = l.tenant_id AND r.id = l.request_id
		 WHERE l.tenant_id = $1 AND r.created_at >= $2 AND r.created_at < $3`, tenant, from.UTC(), to.UTC())
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	by := map[string]*UnitStats{}
	times := map[string][]time.Duration{}
	day := today(now)
	for rows.Next() {
		var unit, decision string
		var at sql.NullTime
		var created, deadline time.Time
		if err := rows.Scan(&unit, &decision, &at, &created, &deadline); err != nil {
			return nil, errs.E(op, err)
		}
		u := by[unit]
		if u == nil {
			u = &UnitStats{Unit: unit}
			by[unit] = u
		}
		u.Count++
		deadline = deadline.UTC()
		switch {
		case decision != "" && at.Valid:
			u.Decided++
			times[unit] = append(times[unit], at.Time.Sub(created))
			if today(at.Time).After(deadline) {
				u.Late++
			} else {
				u.OnTime++
			}
			switch decision {
			case Granted:
				u.Granted++
			case Partly:
				u.Partly++
			case Refused:
				u.Refused++
			}
		case day.After(deadline):
			u.Late++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	out := make([]UnitStats, 0, len(by))
	for unit, u := range by {
		u.Median = median(times[unit])
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}

// median returns the median of ds (the mean of the middle two for an even
// number); 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}
