package cases

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Rule is a routing rule for one service (by its form): its cases go to
// Unit instead of the unit the service declaration names, and when People
// is not empty only those case workers (by e-mail address, as staff sign
// in) can see and handle them. Cases made before a rule changes keep the
// restriction they were made with.
type Rule struct {
	FormID    string
	Unit      string
	People    []string // lower-case e-mail addresses
	UpdatedAt time.Time
	UpdatedBy string
}

// Restricted reports whether the rule limits who sees the cases.
func (r Rule) Restricted() bool { return len(r.People) > 0 }

// Limits of a rule.
const (
	maxRulePeople = 50
	maxUnit       = 200
)

// ParsePeople reads a list of e-mail addresses separated by commas,
// semicolons, spaces or line breaks, lower-cased, sorted and without
// duplicates. Errors: Invalid with the first address that is not one.
func ParsePeople(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		a, err := mail.ParseAddress(f)
		if err != nil || a.Address != f || strings.ContainsAny(f, "|%_\\") {
			return nil, errs.E(errs.Op("cases.ParsePeople"), errs.Invalid, errs.Key("cases.error.person"),
				map[string]string{"personar": "cases.error.person"})
		}
		f = strings.ToLower(f)
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	if len(out) > maxRulePeople {
		return nil, errs.E(errs.Op("cases.ParsePeople"), errs.Invalid, errs.Key("cases.error.too_many_people"),
			map[string]string{"personar": "cases.error.too_many_people"})
	}
	sort.Strings(out)
	return out, nil
}

// joinPeople is the stored form of a list of addresses: principals between
// bars, so one LIKE finds a member.
func joinPeople(people []string) string {
	if len(people) == 0 {
		return ""
	}
	return "|email:" + strings.Join(people, "|email:") + "|"
}

func splitPeople(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.Trim(s, "|"), "|") {
		if p = strings.TrimPrefix(p, "email:"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SetRule saves the routing rule of a service, or removes it when both
// Unit and People are empty. Errors: Invalid (no form, unit too long, too
// many people; the addresses are checked by ParsePeople).
func (s *Service) SetRule(ctx context.Context, tenant string, r Rule, actor audit.Entry) error {
	const op = errs.Op("cases.SetRule")
	r.Unit = strings.TrimSpace(r.Unit)
	if r.FormID == "" {
		return errs.E(op, errs.Invalid, errs.Key("cases.error.no_form"))
	}
	if utf8.RuneCountInString(r.Unit) > maxUnit {
		return errs.E(op, errs.Invalid, errs.Key("cases.error.form"), map[string]string{"eining": "cases.error.too_long"})
	}
	if len(r.People) > maxRulePeople {
		return errs.E(op, errs.Invalid, errs.Key("cases.error.too_many_people"))
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cases_routes WHERE tenant_id = $1 AND form_id = $2`, tenant, r.FormID); err != nil {
			return errs.E(op, err)
		}
		detail := "removed"
		if r.Unit != "" || len(r.People) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cases_routes (tenant_id, form_id, unit, people, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6)`, tenant, r.FormID, r.Unit, joinPeople(r.People), s.db.Now(), actor.ActorName); err != nil {
				return errs.E(op, err)
			}
			detail = "unit=" + r.Unit + " people=" + strings.Join(r.People, ",")
		}
		actor.Tenant, actor.Action, actor.Object, actor.Detail = tenant, "case.route.set", "form:"+r.FormID, detail
		_, err := s.audit.Append(ctx, tx, actor)
		return err
	})
}

// Rules lists the municipality's routing rules by form.
func (s *Service) Rules(ctx context.Context, tenant string) ([]Rule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT form_id, unit, people, updated_at, updated_by FROM cases_routes
		WHERE tenant_id = $1 ORDER BY form_id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("cases.Rules"), err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		var people string
		if err := rows.Scan(&r.FormID, &r.Unit, &people, &r.UpdatedAt, &r.UpdatedBy); err != nil {
			return nil, errs.E(errs.Op("cases.Rules"), err)
		}
		r.People = splitPeople(people)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ruleTx reads the rule of formID in tx; ok is false when there is none.
func ruleTx(ctx context.Context, tx *sql.Tx, tenant, formID string) (r Rule, ok bool, err error) {
	var people string
	err = tx.QueryRowContext(ctx, `SELECT unit, people FROM cases_routes WHERE tenant_id = $1 AND form_id = $2`, tenant, formID).
		Scan(&r.Unit, &people)
	if errors.Is(err, sql.ErrNoRows) {
		return Rule{}, false, nil
	}
	if err != nil {
		return Rule{}, false, err
	}
	r.FormID, r.People = formID, splitPeople(people)
	return r, true, nil
}

// MayHandle reports whether the staff member with principal may see and
// handle the case: every case worker of the municipality, unless a
// routing rule restricted the case to named people.
func (c Case) MayHandle(principal string) bool {
	return c.RestrictedTo == "" || strings.Contains(c.RestrictedTo, "|"+principal+"|")
}

// Restricted reports whether the case is visible to named people only.
func (c Case) Restricted() bool { return c.RestrictedTo != "" }

// handle loads case id for a staff member's act and refuses (Forbidden,
// recorded in the audit log) when a routing rule keeps it from them.
func (s *Service) handle(ctx context.Context, op errs.Op, tenant, id string, actor audit.Entry) (Case, error) {
	c, err := s.Case(ctx, tenant, id)
	if err != nil {
		return Case{}, err
	}
	if !c.MayHandle(actor.ActorID) {
		actor.Tenant, actor.Action, actor.Object, actor.Detail, actor.Purpose = tenant, "case.denied", "case:"+c.Number, string(op), ""
		if _, err := s.audit.Record(ctx, actor); err != nil {
			return Case{}, errs.E(op, err)
		}
		return Case{}, errs.E(op, errs.Forbidden, errs.Key("cases.error.restricted"))
	}
	return c, nil
}

// likeMember is a LIKE pattern that finds principal in a bar-separated
// list (with ESCAPE '\').
func likeMember(principal string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%|" + r.Replace(principal) + "|%"
}
