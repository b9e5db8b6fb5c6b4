package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// The channels besides the digital one that staff register submissions
// for, in the order forms show them.
const (
	ChannelPaper    = "papir"
	ChannelPhone    = "telefon"
	ChannelInPerson = "oppmote"
)

// Channels lists the channels staff register, in display order.
func Channels() []string { return []string{ChannelPaper, ChannelPhone, ChannelInPerson} }

// Limits of a registration: the number of submissions, and how far back
// the day may be.
const (
	MinCount = 1
	MaxCount = 1000
	// MaxAgeYears is how many years back a registration's day may be.
	MaxAgeYears = 2
)

// The names of the registration form's fields, which are also the keys of
// its field errors.
const (
	FieldService = "tjeneste"
	FieldDate    = "dato"
	FieldChannel = "kanal"
	FieldCount   = "antall"
)

// ActionRegister is the audit action of a channel registration.
const ActionRegister = "feedback.channel.register"

// ChannelForm is a registration as typed in the form: the service id, the
// day as dd.mm.yyyy, the channel and the number of submissions.
type ChannelForm struct {
	Service, Date, Channel, Count string
}

// Registration is a stored number of submissions that came by another
// channel than the digital one.
type Registration struct {
	ID        string
	ServiceID string
	Day       string // "2026-11-23"
	Channel   string // ChannelPaper, ChannelPhone or ChannelInPerson
	Count     int
	By        string // the principal of who registered it
	ByName    string
	At        time.Time
}

// Date returns the registration's day as a time at midnight in Oslo.
func (r Registration) Date() time.Time {
	t, _ := time.ParseInLocation("2006-01-02", r.Day, oslo)
	return t
}

// parseDate reads a day written dd.mm.yyyy (one-digit day and month are
// accepted, so are spaces around it) and returns it as "yyyy-mm-dd".
func parseDate(s string) (string, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return "", false
	}
	var n [3]int
	for i, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		n[i], _ = strconv.Atoi(p)
	}
	d, m, y := n[0], n[1], n[2]
	if y < 1000 || m < 1 || m > 12 || d < 1 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != time.Month(m) {
		return "", false // 31.02.2026 and the like
	}
	return t.Format("2006-01-02"), true
}

// Register stores a number of submissions of a service that came on paper,
// by phone or in person, as actor, with an audit entry in the same
// transaction. known are the ids of the municipality's services. The day is
// checked against today in Oslo: not in the future, not more than
// MaxAgeYears back. Errors: Invalid (feedback.error.invalid) with field
// errors keyed by the form's field names: tjeneste
// (feedback.error.service_unknown), dato (feedback.error.date_missing,
// feedback.error.date_format, feedback.error.date_future,
// feedback.error.date_old), kanal (feedback.error.channel), antall
// (feedback.error.count).
func (s *Service) Register(ctx context.Context, tenant string, f ChannelForm, known []string, actor audit.Entry) (Registration, error) {
	const op = errs.Op("feedback.Register")
	now := s.db.Now()
	reg := Registration{ID: randomID(), ServiceID: strings.TrimSpace(f.Service), Channel: strings.TrimSpace(f.Channel),
		By: actor.ActorID, ByName: actor.ActorName, At: now}
	fields := map[string]string{}
	if reg.ServiceID == "" || !slices.Contains(known, reg.ServiceID) {
		fields[FieldService] = "feedback.error.service_unknown"
	}
	today := now.In(oslo).Format("2006-01-02")
	oldest := now.In(oslo).AddDate(-MaxAgeYears, 0, 0).Format("2006-01-02")
	switch day, ok := parseDate(f.Date); {
	case strings.TrimSpace(f.Date) == "":
		fields[FieldDate] = "feedback.error.date_missing"
	case !ok:
		fields[FieldDate] = "feedback.error.date_format"
	case day > today:
		fields[FieldDate] = "feedback.error.date_future"
	case day < oldest:
		fields[FieldDate] = "feedback.error.date_old"
	default:
		reg.Day = day
	}
	if !slices.Contains(Channels(), reg.Channel) {
		fields[FieldChannel] = "feedback.error.channel"
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Count))
	if err != nil || n < MinCount || n > MaxCount {
		fields[FieldCount] = "feedback.error.count"
	}
	reg.Count = n
	if len(fields) > 0 {
		return Registration{}, errs.E(op, errs.Invalid, errs.Key("feedback.error.invalid"), fields)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feedback_channel_counts (tenant_id, id, service_id, day, channel, n, registered_by, registered_by_name, registered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			tenant, reg.ID, reg.ServiceID, reg.Day, reg.Channel, reg.Count, reg.By, reg.ByName, reg.At); err != nil {
			return err
		}
		e := actor
		e.Tenant, e.Action, e.Object = tenant, ActionRegister, "channel_count:"+reg.ID
		e.Detail = fmt.Sprintf("%s %s %s: %d", reg.ServiceID, reg.Day, reg.Channel, reg.Count)
		_, err := s.audit.Append(ctx, tx, e)
		return err
	})
	if err != nil {
		return Registration{}, errs.E(op, err)
	}
	return reg, nil
}

// Registrations returns tenant's latest registrations, newest first, at
// most limit (1 to 500; 50 when out of range).
func (s *Service) Registrations(ctx context.Context, tenant string, limit int) ([]Registration, error) {
	const op = errs.Op("feedback.Registrations")
	if limit < 1 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, service_id, day, channel, n, registered_by, registered_by_name, registered_at
		FROM feedback_channel_counts WHERE tenant_id = $1 ORDER BY registered_at DESC, id LIMIT $2`, tenant, limit)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var r Registration
		if err := rows.Scan(&r.ID, &r.ServiceID, &r.Day, &r.Channel, &r.Count, &r.By, &r.ByName, &r.At); err != nil {
			return nil, errs.E(op, err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}
