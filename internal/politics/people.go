package politics

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// TermForm is a legislative term as typed: the first and the last day
// (dd.mm.yyyy).
type TermForm struct {
	Start, End string
}

// AddTerm stores a legislative term; its id and name are the years, e.g.
// "2023-2027" and "2023–2027". Errors: Invalid with field errors for fra
// and til; Conflict when the term exists.
func (s *Service) AddTerm(ctx context.Context, tenant string, f TermForm, actor audit.Entry) (Term, error) {
	const op = errs.Op("politics.AddTerm")
	fields := map[string]string{}
	start, ok := parseDate(f.Start)
	if !ok {
		fields["fra"] = "politics.error.date"
	}
	end, ok2 := parseDate(f.End)
	if !ok2 {
		fields["til"] = "politics.error.date"
	} else if ok && end < start {
		fields["til"] = "politics.error.end_before_start"
	}
	if err := invalid(op, fields); err != nil {
		return Term{}, err
	}
	now := s.db.Now()
	t := Term{ID: start[:4] + "-" + end[:4], Name: start[:4] + "–" + end[:4], Start: start, End: end, Created: now, Modified: now}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO politics_terms (tenant_id, id, name, start_date, end_date, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, tenant, t.ID, t.Name, t.Start, t.End, now)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, errs.Key("politics.error.exists"), err)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.term.add", "term:"+t.ID, t.Name)
	})
	if err != nil {
		return Term{}, errs.E(op, err)
	}
	return t, nil
}

// Terms returns the municipality's legislative terms, newest first.
func (s *Service) Terms(ctx context.Context, tenant string) ([]Term, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, start_date, end_date, created_at, modified_at
		FROM politics_terms WHERE tenant_id = $1 ORDER BY start_date DESC, id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Terms"), err)
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var t Term
		if err := rows.Scan(&t.ID, &t.Name, &t.Start, &t.End, &t.Created, &t.Modified); err != nil {
			return nil, errs.E(errs.Op("politics.Terms"), err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PartyForm is a party as typed: its short name ("Ap") and full name.
type PartyForm struct {
	ShortName, Name string
}

// AddParty stores a party; its id is its short name in lower case.
// Errors: Invalid with field errors for kortnavn and navn; Conflict when a
// party with that short name exists.
func (s *Service) AddParty(ctx context.Context, tenant string, f PartyForm, actor audit.Entry) (Party, error) {
	const op = errs.Op("politics.AddParty")
	p := Party{ShortName: clean(f.ShortName), Name: clean(f.Name)}
	p.ID = slug(p.ShortName)
	fields := map[string]string{}
	if p.ShortName == "" || p.ID == "" || tooLong(p.ShortName, 20) {
		fields["kortnavn"] = "politics.error.short_name"
	}
	if p.Name == "" || tooLong(p.Name, MaxName) {
		fields["navn"] = "politics.error.name"
	}
	if err := invalid(op, fields); err != nil {
		return Party{}, err
	}
	now := s.db.Now()
	p.Created, p.Modified = now, now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO politics_parties (tenant_id, id, short_name, name, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, tenant, p.ID, p.ShortName, p.Name, now)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, errs.Key("politics.error.exists"), err)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.party.add", "party:"+p.ID, p.Name)
	})
	if err != nil {
		return Party{}, errs.E(op, err)
	}
	return p, nil
}

// Parties returns the municipality's parties by short name.
func (s *Service) Parties(ctx context.Context, tenant string) ([]Party, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, short_name, name, created_at, modified_at
		FROM politics_parties WHERE tenant_id = $1 ORDER BY id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Parties"), err)
	}
	defer rows.Close()
	var out []Party
	for rows.Next() {
		var p Party
		if err := rows.Scan(&p.ID, &p.ShortName, &p.Name, &p.Created, &p.Modified); err != nil {
			return nil, errs.E(errs.Op("politics.Parties"), err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// BodyForm is a body as typed.
type BodyForm struct {
	Name, ShortName, Kind, Description, TermID string
}

// AddBody stores a body; its id is made from its name. Errors: Invalid
// with field errors for navn, kortnavn, type, beskrivelse and periode.
func (s *Service) AddBody(ctx context.Context, tenant string, f BodyForm, actor audit.Entry) (Body, error) {
	const op = errs.Op("politics.AddBody")
	b := Body{Name: clean(f.Name), ShortName: clean(f.ShortName), Kind: strings.TrimSpace(f.Kind), Description: cleanText(f.Description), TermID: strings.TrimSpace(f.TermID)}
	if b.ShortName == "" {
		b.ShortName = b.Name
	}
	fields := map[string]string{}
	if b.Name == "" || tooLong(b.Name, MaxName) || slug(b.Name) == "" {
		fields["navn"] = "politics.error.name"
	}
	if tooLong(b.ShortName, MaxName) {
		fields["kortnavn"] = "politics.error.name"
	}
	if !slices.Contains(Kinds(), b.Kind) {
		fields["type"] = "politics.error.kind"
	}
	if tooLong(b.Description, MaxText) {
		fields["beskrivelse"] = "politics.error.text_long"
	}
	if err := invalid(op, fields); err != nil {
		return Body{}, err
	}
	now := s.db.Now()
	b.Created, b.Modified = now, now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if b.TermID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_terms WHERE tenant_id = $1 AND id = $2`, tenant, b.TermID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return invalid(op, map[string]string{"periode": "politics.error.term"})
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_bodies WHERE tenant_id = $1`, tenant).Scan(&b.Position); err != nil {
			return err
		}
		b.Position++
		base := slug(b.Name)
		b.ID = base
		for n := 2; ; n++ {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_bodies WHERE tenant_id = $1 AND id = $2`, tenant, b.ID).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				break
			}
			b.ID = base + "-" + strconv.Itoa(n)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO politics_bodies (tenant_id, id, name, short_name, kind, description, term_id, position, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, tenant, b.ID, b.Name, b.ShortName, b.Kind, b.Description, b.TermID, b.Position, now)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.body.add", "body:"+b.ID, b.Name)
	})
	if err != nil {
		return Body{}, errs.E(op, err)
	}
	return b, nil
}

const bodyColumns = `id, name, short_name, kind, description, term_id, position, created_at, modified_at`

func scanBody(sc interface{ Scan(...any) error }) (Body, error) {
	var b Body
	err := sc.Scan(&b.ID, &b.Name, &b.ShortName, &b.Kind, &b.Description, &b.TermID, &b.Position, &b.Created, &b.Modified)
	return b, err
}

// Bodies returns the municipality's bodies in their order.
func (s *Service) Bodies(ctx context.Context, tenant string) ([]Body, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+bodyColumns+` FROM politics_bodies WHERE tenant_id = $1 ORDER BY position, id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Bodies"), err)
	}
	defer rows.Close()
	var out []Body
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			return nil, errs.E(errs.Op("politics.Bodies"), err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Body returns one body. Errors: NotFound.
func (s *Service) Body(ctx context.Context, tenant, id string) (Body, error) {
	const op = errs.Op("politics.Body")
	if !validID(id) {
		return Body{}, notFound(op, "politics.error.body_not_found", nil)
	}
	b, err := scanBody(s.db.QueryRowContext(ctx, `SELECT `+bodyColumns+` FROM politics_bodies WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if isNoRows(err) {
		return Body{}, notFound(op, "politics.error.body_not_found", err)
	}
	if err != nil {
		return Body{}, errs.E(op, err)
	}
	return b, nil
}

// PersonForm is an elected official as typed.
type PersonForm struct {
	GivenName, FamilyName, PartyID, Title, About, Email string
}

// AddPerson stores an elected official. Errors: Invalid with field errors
// for fornavn, etternavn, parti, tittel, om and epost.
func (s *Service) AddPerson(ctx context.Context, tenant string, f PersonForm, actor audit.Entry) (Person, error) {
	const op = errs.Op("politics.AddPerson")
	p := Person{ID: newID(), GivenName: clean(f.GivenName), FamilyName: clean(f.FamilyName), PartyID: strings.TrimSpace(f.PartyID),
		Title: clean(f.Title), About: cleanText(f.About)}
	fields := map[string]string{}
	if p.GivenName == "" || tooLong(p.GivenName, MaxName) {
		fields["fornavn"] = "politics.error.given_name"
	}
	if p.FamilyName == "" || tooLong(p.FamilyName, MaxName) {
		fields["etternavn"] = "politics.error.family_name"
	}
	if tooLong(p.Title, MaxName) {
		fields["tittel"] = "politics.error.name"
	}
	if tooLong(p.About, MaxText) {
		fields["om"] = "politics.error.text_long"
	}
	if e := strings.TrimSpace(f.Email); e != "" {
		addr, ok := checkEmail(e)
		if !ok {
			fields["epost"] = "politics.error.email"
		}
		p.Email = addr
	}
	if err := invalid(op, fields); err != nil {
		return Person{}, err
	}
	now := s.db.Now()
	p.Created, p.Modified = now, now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkParty(ctx, tx, op, tenant, p.PartyID, "parti"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO politics_people (tenant_id, id, given_name, family_name, party_id, title, about, email, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, tenant, p.ID, p.GivenName, p.FamilyName, p.PartyID, p.Title, p.About, p.Email, now)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.person.add", "person:"+p.ID, p.Name())
	})
	if err != nil {
		return Person{}, errs.E(op, err)
	}
	return p, nil
}

// checkParty returns a field error on field unless party is empty or one
// of the municipality's parties.
func (s *Service) checkParty(ctx context.Context, tx *sql.Tx, op errs.Op, tenant, party, field string) error {
	if party == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_parties WHERE tenant_id = $1 AND id = $2`, tenant, party).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return invalid(op, map[string]string{field: "politics.error.party"})
	}
	return nil
}

const personColumns = `id, given_name, family_name, party_id, title, about, email, created_at, modified_at`

func scanPerson(sc interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := sc.Scan(&p.ID, &p.GivenName, &p.FamilyName, &p.PartyID, &p.Title, &p.About, &p.Email, &p.Created, &p.Modified)
	return p, err
}

// People returns the municipality's elected officials by family name.
func (s *Service) People(ctx context.Context, tenant string) ([]Person, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+personColumns+` FROM politics_people WHERE tenant_id = $1 ORDER BY family_name, given_name, id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("politics.People"), err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, errs.E(errs.Op("politics.People"), err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Person returns one elected official. Errors: NotFound.
func (s *Service) Person(ctx context.Context, tenant, id string) (Person, error) {
	const op = errs.Op("politics.Person")
	if !validID(id) {
		return Person{}, notFound(op, "politics.error.person_not_found", nil)
	}
	p, err := scanPerson(s.db.QueryRowContext(ctx, `SELECT `+personColumns+` FROM politics_people WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if isNoRows(err) {
		return Person{}, notFound(op, "politics.error.person_not_found", err)
	}
	if err != nil {
		return Person{}, errs.E(op, err)
	}
	return p, nil
}

// MembershipForm is a seat as typed: the person, the body, the role, the
// party it is held for (empty: the person's party), the period
// (dd.mm.yyyy; the end may be empty) and whether it carries a vote ("1").
type MembershipForm struct {
	PersonID, BodyID, Role, PartyID, Start, End, VotingRight string
}

// AddMembership stores a seat. A deputy (varamedlem) has no voting right
// unless the form says so. Errors: Invalid with field errors for person,
// organ, rolle, parti, fra and til.
func (s *Service) AddMembership(ctx context.Context, tenant string, f MembershipForm, actor audit.Entry) (Membership, error) {
	const op = errs.Op("politics.AddMembership")
	m := Membership{ID: newID(), PersonID: strings.TrimSpace(f.PersonID), BodyID: strings.TrimSpace(f.BodyID), Role: strings.TrimSpace(f.Role),
		PartyID: strings.TrimSpace(f.PartyID)}
	fields := map[string]string{}
	if !slices.Contains(Roles(), m.Role) {
		fields["rolle"] = "politics.error.role"
	}
	var ok bool
	if m.Start, ok = parseDate(f.Start); !ok {
		fields["fra"] = "politics.error.date"
	}
	if strings.TrimSpace(f.End) != "" {
		end, ok2 := parseDate(f.End)
		switch {
		case !ok2:
			fields["til"] = "politics.error.date"
		case ok && end < m.Start:
			fields["til"] = "politics.error.end_before_start"
		}
		m.End = end
	}
	switch strings.TrimSpace(f.VotingRight) {
	case "1", "true", "ja":
		m.VotingRight = true
	case "":
		m.VotingRight = m.Role != RoleDeputy
	}
	now := s.db.Now()
	m.Created, m.Modified = now, now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var party string
		err := tx.QueryRowContext(ctx, `SELECT party_id FROM politics_people WHERE tenant_id = $1 AND id = $2`, tenant, m.PersonID).Scan(&party)
		if isNoRows(err) || !validID(m.PersonID) {
			fields["person"] = "politics.error.person"
		} else if err != nil {
			return err
		}
		if m.PartyID == "" {
			m.PartyID = party
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_bodies WHERE tenant_id = $1 AND id = $2`, tenant, m.BodyID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fields["organ"] = "politics.error.body"
		}
		if m.PartyID != "" {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_parties WHERE tenant_id = $1 AND id = $2`, tenant, m.PartyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fields["parti"] = "politics.error.party"
			}
		}
		if err := invalid(op, fields); err != nil {
			return err
		}
		// The person and the body list their memberships: they change too.
		if _, err := tx.ExecContext(ctx, `UPDATE politics_people SET modified_at = $1 WHERE tenant_id = $2 AND id = $3`, now, tenant, m.PersonID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE politics_bodies SET modified_at = $1 WHERE tenant_id = $2 AND id = $3`, now, tenant, m.BodyID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO politics_memberships (tenant_id, id, person_id, body_id, role, party_id, start_date, end_date, voting_right, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`, tenant, m.ID, m.PersonID, m.BodyID, m.Role, m.PartyID, m.Start, m.End, m.VotingRight, now)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.membership.add", "membership:"+m.ID, m.PersonID+" "+m.Role+" "+m.BodyID)
	})
	if err != nil {
		return Membership{}, errs.E(op, err)
	}
	return m, nil
}

const membershipColumns = `id, person_id, body_id, role, party_id, start_date, end_date, voting_right, created_at, modified_at`

// Memberships returns every seat in the municipality, by body, role
// (chair first) and start.
func (s *Service) Memberships(ctx context.Context, tenant string) ([]Membership, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+membershipColumns+` FROM politics_memberships WHERE tenant_id = $1 ORDER BY body_id, start_date, id`, tenant)
	if err != nil {
		return nil, errs.E(errs.Op("politics.Memberships"), err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.ID, &m.PersonID, &m.BodyID, &m.Role, &m.PartyID, &m.Start, &m.End, &m.VotingRight, &m.Created, &m.Modified); err != nil {
			return nil, errs.E(errs.Op("politics.Memberships"), err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(errs.Op("politics.Memberships"), err)
	}
	SortMemberships(out)
	return out, nil
}

// SortMemberships orders seats by body, role (chair, deputy chair,
// members, deputies) and start date.
func SortMemberships(list []Membership) {
	rank := func(role string) int { return slices.Index(Roles(), role) }
	slices.SortStableFunc(list, func(a, b Membership) int {
		if c := strings.Compare(a.BodyID, b.BodyID); c != 0 {
			return c
		}
		if c := rank(a.Role) - rank(b.Role); c != 0 {
			return c
		}
		if c := strings.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
