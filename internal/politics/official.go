package politics

import (
	"context"
	"slices"
	"time"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Message is a message a citizen sent to an official through the contact
// form.
type Message struct {
	ID, PersonID string
	SenderName   string // may be empty
	SenderEmail  string // may be empty: the official cannot answer
	Body         string
	Created      time.Time
}

// OfficialView is what an elected official signed in as staff sees on
// their own page: the people registered with their address (normally
// one), their current seats, the coming meetings of those bodies as they
// may see them (with the exempt documents they are entitled to, by the
// rules of access.go), and the messages sent to them in the last
// MessageDays days.
type OfficialView struct {
	People   []Person
	Seats    []Membership
	Bodies   []Body
	Meetings []MeetingView // coming, by start
	Messages []Message     // newest first
}

// Official returns the page of the official v (v.Official is their
// address). An address that no official has gives an empty view.
// Errors: Forbidden when v is not an official.
func (s *Service) Official(ctx context.Context, tenant string, v Viewer) (OfficialView, error) {
	const op = errs.Op("politics.Official")
	if v.Official == "" {
		return OfficialView{}, errs.E(op, errs.Forbidden, errs.Key("politics.error.not_official"))
	}
	var out OfficialView
	people, err := s.People(ctx, tenant)
	if err != nil {
		return out, errs.E(op, err)
	}
	mine := map[string]bool{}
	for _, p := range people {
		if p.Email != "" && p.Email == v.Official {
			out.People = append(out.People, p)
			mine[p.ID] = true
		}
	}
	if len(mine) == 0 {
		return out, nil
	}
	now := s.db.Now()
	day := today(now)
	all, err := s.Memberships(ctx, tenant)
	if err != nil {
		return out, errs.E(op, err)
	}
	bodies := map[string]bool{}
	for _, m := range all {
		if mine[m.PersonID] && m.ActiveOn(day) {
			out.Seats = append(out.Seats, m)
			bodies[m.BodyID] = true
		}
	}
	list, err := s.Bodies(ctx, tenant)
	if err != nil {
		return out, errs.E(op, err)
	}
	for _, b := range list {
		if bodies[b.ID] {
			out.Bodies = append(out.Bodies, b)
		}
	}
	meetings, err := s.Meetings(ctx, tenant, "", now.Add(-12*time.Hour), time.Time{})
	if err != nil {
		return out, errs.E(op, err)
	}
	for _, m := range meetings {
		if !bodies[m.BodyID] || m.End.Before(now) {
			continue
		}
		mv, err := s.MeetingDetail(ctx, tenant, m.ID, v)
		if err != nil {
			return out, errs.E(op, err)
		}
		out.Meetings = append(out.Meetings, mv)
	}
	ids := make([]string, 0, len(mine))
	for id := range mine {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		rows, err := s.db.QueryContext(ctx, `SELECT id, person_id, sender_name, sender_email, body, created_at FROM politics_messages
			WHERE tenant_id = $1 AND person_id = $2 AND created_at >= $3 ORDER BY created_at DESC, id`, tenant, id, now.AddDate(0, 0, -MessageDays))
		if err != nil {
			return out, errs.E(op, err)
		}
		for rows.Next() {
			var m Message
			if err := rows.Scan(&m.ID, &m.PersonID, &m.SenderName, &m.SenderEmail, &m.Body, &m.Created); err != nil {
				rows.Close()
				return out, errs.E(op, err)
			}
			out.Messages = append(out.Messages, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, errs.E(op, err)
		}
	}
	slices.SortStableFunc(out.Messages, func(a, b Message) int { return b.Created.Compare(a.Created) })
	return out, nil
}
