package politics

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/db"
	"github.com/torg-ekommune/torg/internal/errs"
)

// Origins of a political case.
const (
	OriginAdministration = "administrasjon"     // the chief executive's proposal
	OriginInitiative     = "innbyggerinitiativ" // a citizens' initiative (kommuneloven § 12-1)
	OriginMember         = "representantforslag"
	OriginOther          = "annet"
)

// Origins lists the origins of a case in the order forms show them.
func Origins() []string {
	return []string{OriginAdministration, OriginInitiative, OriginMember, OriginOther}
}

// MaxSteps is the most steps a case's path has; MaxSignatures the most
// signatures a case records.
const (
	MaxSteps      = 12
	MaxSignatures = 10_000_000
)

// Case is a political case (politisk sak): a matter handled by one or more
// bodies along a planned path, linked to its case in the archive. A case
// is public; what of its handling is public follows the rules of its items
// (access.go).
type Case struct {
	ID          string
	Title       string
	Summary     string
	ArchiveRef  string // the archive's case number, "2026/123"; may be empty
	Origin      string // Origin* constants
	Signatures  int    // of a citizens' initiative; 0 otherwise
	ExternalKey string // the creating module's key; may be empty
	Path        []Step
	Created     time.Time
	Modified    time.Time
}

// Step is a step of a case's planned path: a body and when it is planned
// to handle the case.
type Step struct {
	BodyID string
	// Planned is a day ("2026-03-12"), a month ("2026-03") or empty.
	Planned string
}

// CaseForm is a case as typed or as another module gives it: title,
// summary (the text of an initiative), the archive's case number, the
// origin (Origin*; empty: OriginAdministration), the number of signatures
// of an initiative, and an optional external key that makes CreateCase
// idempotent.
type CaseForm struct {
	Title, Summary, ArchiveRef, Origin string
	Signatures                         int
	ExternalKey                        string
}

// The names of the case form's fields, also the keys of its field errors.
const (
	FieldCaseTitle   = "tittel"
	FieldCaseSummary = "sammendrag"
	FieldArchiveRef  = "arkivsak"
	FieldOrigin      = "opphav"
	FieldSignatures  = "underskrifter"
	FieldPath        = "forlop"
)

// checkCase validates f and returns the cleaned case and field errors.
func checkCase(f CaseForm) (Case, map[string]string) {
	c := Case{Title: clean(f.Title), Summary: cleanText(f.Summary), ArchiveRef: clean(f.ArchiveRef), Origin: strings.TrimSpace(f.Origin),
		Signatures: f.Signatures, ExternalKey: strings.TrimSpace(f.ExternalKey)}
	if c.Origin == "" {
		c.Origin = OriginAdministration
	}
	fields := map[string]string{}
	if c.Title == "" || tooLong(c.Title, MaxName*2) {
		fields[FieldCaseTitle] = "politics.error.title"
	}
	if tooLong(c.Summary, MaxDecision) {
		fields[FieldCaseSummary] = "politics.error.summary_long"
	}
	if !validArchiveRef(c.ArchiveRef) {
		fields[FieldArchiveRef] = "politics.error.archive_ref"
	}
	known := false
	for _, o := range Origins() {
		known = known || o == c.Origin
	}
	if !known {
		fields[FieldOrigin] = "politics.error.origin"
	}
	if c.Signatures < 0 || c.Signatures > MaxSignatures {
		fields[FieldSignatures] = "politics.error.signatures"
	}
	if c.Origin != OriginInitiative {
		c.Signatures = 0
	}
	if len(c.ExternalKey) > 200 || strings.ContainsFunc(c.ExternalKey, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		fields["ekstern"] = "politics.error.external_key"
	}
	return c, fields
}

// validArchiveRef reports whether s is empty or an archive case number
// "yyyy/n" (Noark: the year and a sequence number), also written "yy/n".
func validArchiveRef(s string) bool {
	if s == "" {
		return true
	}
	y, n, ok := strings.Cut(s, "/")
	if !ok || (len(y) != 4 && len(y) != 2) || n == "" || len(n) > 7 {
		return false
	}
	for _, c := range y + n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseSignatures reads a count of signatures as typed ("1 234", "1234"),
// at most MaxSignatures; empty is 0.
func ParseSignatures(s string) (int, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '.' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, true
	}
	if len(s) > 8 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= MaxSignatures
}

// CheckCase validates a case form without storing it. Errors: Invalid with
// field errors for tittel, sammendrag, arkivsak, opphav and underskrifter.
func CheckCase(f CaseForm) error {
	_, fields := checkCase(f)
	return invalid(errs.Op("politics.CheckCase"), fields)
}

// CreateCase creates a political case, without a path (SetPath adds it).
// Other modules call it: the citizens' initiatives module creates the case
// of an initiative that has enough signatures with Origin
// OriginInitiative. With an ExternalKey it is idempotent: when a case with
// that key exists it is returned unchanged, so a retry never makes two
// cases. Errors: Invalid with field errors for tittel, sammendrag,
// arkivsak, opphav, underskrifter and ekstern.
func (s *Service) CreateCase(ctx context.Context, tenant string, f CaseForm, actor audit.Entry) (Case, error) {
	const op = errs.Op("politics.CreateCase")
	c, fields := checkCase(f)
	if err := invalid(op, fields); err != nil {
		return Case{}, err
	}
	if c.ExternalKey != "" {
		if cur, err := s.caseByKey(ctx, s.db, tenant, c.ExternalKey); err == nil {
			return cur, nil
		} else if !errs.Is(errs.NotFound, err) {
			return Case{}, errs.E(op, err)
		}
	}
	c.ID = newID()
	now := s.db.Now()
	c.Created, c.Modified = now, now
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO politics_cases (tenant_id, id, title, summary, archive_ref, origin, signatures, external_key, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, tenant, c.ID, c.Title, c.Summary, c.ArchiveRef, c.Origin, c.Signatures, c.ExternalKey, now); err != nil {
			return err
		}
		return s.record(ctx, tx, tenant, actor, "politics.case.create", "case:"+c.ID, c.Origin+" "+c.ArchiveRef)
	})
	if err != nil && c.ExternalKey != "" && db.IsUniqueViolation(err) {
		// Two calls with one key at once: the other one won.
		if cur, err2 := s.caseByKey(ctx, s.db, tenant, c.ExternalKey); err2 == nil {
			return cur, nil
		}
	}
	if err != nil {
		return Case{}, errs.E(op, err)
	}
	return c, nil
}

// UpdateCase changes a case's title, summary, archive case number, origin
// and signatures; the external key stays. Errors: NotFound; Invalid as
// CreateCase.
func (s *Service) UpdateCase(ctx context.Context, tenant, id string, f CaseForm, actor audit.Entry) (Case, error) {
	const op = errs.Op("politics.UpdateCase")
	var out Case
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.caseTx(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		f.ExternalKey = cur.ExternalKey
		c, fields := checkCase(f)
		if err := invalid(op, fields); err != nil {
			return err
		}
		c.ID, c.Path, c.Created, c.Modified = cur.ID, cur.Path, cur.Created, s.db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE politics_cases SET title = $1, summary = $2, archive_ref = $3, origin = $4, signatures = $5, modified_at = $6
			WHERE tenant_id = $7 AND id = $8`, c.Title, c.Summary, c.ArchiveRef, c.Origin, c.Signatures, c.Modified, tenant, id); err != nil {
			return err
		}
		out = c
		return s.record(ctx, tx, tenant, actor, "politics.case.update", "case:"+id, c.ArchiveRef)
	})
	if err != nil {
		return Case{}, errs.E(op, err)
	}
	return out, nil
}

// StepForm is a step of a path as typed: the body and the planned day
// ("12.03.2026") or month ("03.2026"), which may be empty.
type StepForm struct {
	BodyID, Planned string
}

// ParsePlanned reads when a step is planned: a day written as parseDate
// accepts, or a month written "mm.yyyy", "m.yyyy" or "yyyy-mm". It returns
// "yyyy-mm-dd" or "yyyy-mm"; empty stays empty.
func ParsePlanned(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if d, ok := parseDate(s); ok {
		// The same years as a month: a day the other spelling of which
		// parseDate would refuse cannot be planned.
		if yy, _ := strconv.Atoi(d[:4]); yy < 1900 {
			return "", false
		}
		return d, true
	}
	var y, m string
	if a, b, ok := strings.Cut(s, "."); ok && !strings.Contains(b, ".") {
		m, y = a, b
	} else if a, b, ok := strings.Cut(s, "-"); ok && !strings.Contains(b, "-") {
		y, m = a, b
	} else {
		return "", false
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 {
		return "", false
	}
	for _, c := range y + m {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	if yy < 1900 || mm < 1 || mm > 12 {
		return "", false
	}
	return y + "-" + twoDigits(mm), true
}

// FormatPlanned writes a planned day or month for people: "12.03.2026",
// "03.2026".
func FormatPlanned(p string) string {
	if len(p) == 7 {
		return p[5:] + "." + p[:4]
	}
	return formatDate(p)
}

// SetPath replaces a case's planned path with steps, in order. Steps with
// neither body nor date are left out. Errors: NotFound; Invalid with the
// field errors "forlop-<n>-organ" and "forlop-<n>-dato" (n from 1), and
// "forlop" for too many steps.
func (s *Service) SetPath(ctx context.Context, tenant, caseID string, steps []StepForm, actor audit.Entry) (Case, error) {
	const op = errs.Op("politics.SetPath")
	fields := map[string]string{}
	var path []Step
	for i, sf := range steps {
		st := Step{BodyID: strings.TrimSpace(sf.BodyID)}
		if st.BodyID == "" && strings.TrimSpace(sf.Planned) == "" {
			continue
		}
		n := strconv.Itoa(i + 1)
		if !validID(st.BodyID) {
			fields[FieldPath+"-"+n+"-organ"] = "politics.error.body"
		}
		p, ok := ParsePlanned(sf.Planned)
		if !ok {
			fields[FieldPath+"-"+n+"-dato"] = "politics.error.planned"
		}
		st.Planned = p
		path = append(path, st)
	}
	if len(path) > MaxSteps {
		fields[FieldPath] = "politics.error.too_many_steps"
	}
	var out Case
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.caseTx(ctx, tx, tenant, caseID)
		if err != nil {
			return err
		}
		for i, st := range path {
			key := FieldPath + "-" + strconv.Itoa(i+1) + "-organ"
			if fields[key] != "" {
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM politics_bodies WHERE tenant_id = $1 AND id = $2`, tenant, st.BodyID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fields[key] = "politics.error.body"
			}
		}
		if err := invalid(op, fields); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM politics_case_steps WHERE tenant_id = $1 AND case_id = $2`, tenant, caseID); err != nil {
			return err
		}
		for i, st := range path {
			if _, err := tx.ExecContext(ctx, `INSERT INTO politics_case_steps (tenant_id, case_id, position, body_id, planned) VALUES ($1, $2, $3, $4, $5)`,
				tenant, caseID, i+1, st.BodyID, st.Planned); err != nil {
				return err
			}
		}
		c.Path, c.Modified = path, s.db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE politics_cases SET modified_at = $1 WHERE tenant_id = $2 AND id = $3`, c.Modified, tenant, caseID); err != nil {
			return err
		}
		out = c
		return s.record(ctx, tx, tenant, actor, "politics.case.path", "case:"+caseID, strconv.Itoa(len(path))+" steps")
	})
	if err != nil {
		return Case{}, errs.E(op, err)
	}
	return out, nil
}

const caseColumns = `id, title, summary, archive_ref, origin, signatures, external_key, created_at, modified_at`

func scanCase(sc interface{ Scan(...any) error }) (Case, error) {
	var c Case
	err := sc.Scan(&c.ID, &c.Title, &c.Summary, &c.ArchiveRef, &c.Origin, &c.Signatures, &c.ExternalKey, &c.Created, &c.Modified)
	return c, err
}

func (s *Service) loadPath(ctx context.Context, q querier, tenant string, c *Case) error {
	rows, err := q.QueryContext(ctx, `SELECT body_id, planned FROM politics_case_steps WHERE tenant_id = $1 AND case_id = $2 ORDER BY position`, tenant, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.Path = nil
	for rows.Next() {
		var st Step
		if err := rows.Scan(&st.BodyID, &st.Planned); err != nil {
			return err
		}
		c.Path = append(c.Path, st)
	}
	return rows.Err()
}

func (s *Service) caseTx(ctx context.Context, q querier, tenant, id string) (Case, error) {
	if !validID(id) {
		return Case{}, errs.E(errs.NotFound, errs.Key("politics.error.case_not_found"))
	}
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM politics_cases WHERE tenant_id = $1 AND id = $2`, tenant, id))
	if isNoRows(err) {
		return Case{}, errs.E(errs.NotFound, errs.Key("politics.error.case_not_found"), err)
	}
	if err != nil {
		return Case{}, err
	}
	return c, s.loadPath(ctx, q, tenant, &c)
}

func (s *Service) caseByKey(ctx context.Context, q querier, tenant, key string) (Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM politics_cases WHERE tenant_id = $1 AND external_key = $2`, tenant, key))
	if isNoRows(err) {
		return Case{}, errs.E(errs.NotFound, errs.Key("politics.error.case_not_found"), err)
	}
	if err != nil {
		return Case{}, err
	}
	return c, s.loadPath(ctx, q, tenant, &c)
}

// Case returns a case with its path. Errors: NotFound.
func (s *Service) Case(ctx context.Context, tenant, id string) (Case, error) {
	c, err := s.caseTx(ctx, s.db, tenant, id)
	if err != nil {
		return Case{}, errs.E(errs.Op("politics.Case"), err)
	}
	return c, nil
}

// Cases returns the municipality's cases, newest first, with their paths.
func (s *Service) Cases(ctx context.Context, tenant string) ([]Case, error) {
	const op = errs.Op("politics.Cases")
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM politics_cases WHERE tenant_id = $1 ORDER BY created_at DESC, id`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, errs.E(op, err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	steps, err := s.db.QueryContext(ctx, `SELECT case_id, body_id, planned FROM politics_case_steps WHERE tenant_id = $1 ORDER BY case_id, position`, tenant)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer steps.Close()
	byID := map[string]*Case{}
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	for steps.Next() {
		var id string
		var st Step
		if err := steps.Scan(&id, &st.BodyID, &st.Planned); err != nil {
			return nil, errs.E(op, err)
		}
		if c := byID[id]; c != nil {
			c.Path = append(c.Path, st)
		}
	}
	return out, steps.Err()
}

// Step states on a case's page.
const (
	StepDone    = "done"    // the body has decided
	StepNow     = "now"     // where the case is: on a published agenda, or next to be handled
	StepPlanned = "planned" // later
)

// StepView is a step of a case's path as the public sees it.
type StepView struct {
	Step
	State string // Step* constants
	// Meeting and Item are the meeting and item that handle the step,
	// when one is published; empty otherwise.
	Meeting Meeting
	Item    *ItemView
}

// Handling is an item in a published meeting that handles a case.
type Handling struct {
	Meeting Meeting
	Item    ItemView
}

// CaseView is a case as the public sees it: its path with the state of
// each step, and its handling in published meetings (only items the
// public may see: an exempt item or a closed meeting is not listed, as
// redact does not tell which case a hidden item handles).
type CaseView struct {
	Case
	Steps    []StepView
	Handled  []Handling // by meeting start
	Extra    []Handling // handled by a body that is not on the path
	Decision []Handling // the decided items, by meeting start
}

// CaseDetail returns a case with its path and public handling, read
// through PublicData's rules (access.go). Errors: NotFound.
func (s *Service) CaseDetail(ctx context.Context, tenant, id string) (CaseView, error) {
	const op = errs.Op("politics.CaseDetail")
	c, err := s.caseTx(ctx, s.db, tenant, id)
	if err != nil {
		return CaseView{}, errs.E(op, err)
	}
	handled, err := s.publicHandling(ctx, tenant, id)
	if err != nil {
		return CaseView{}, errs.E(op, err)
	}
	return caseView(c, handled), nil
}

// caseView matches a case's handling to its path: each step takes the
// first handling of its body not taken by an earlier step.
func caseView(c Case, handled []Handling) CaseView {
	v := CaseView{Case: c, Handled: handled}
	used := make([]bool, len(handled))
	for _, st := range c.Path {
		sv := StepView{Step: st, State: StepPlanned}
		for i, h := range handled {
			if !used[i] && h.Meeting.BodyID == st.BodyID {
				used[i] = true
				it := h.Item
				sv.Meeting, sv.Item = h.Meeting, &it
				if it.Decided() {
					sv.State = StepDone
				} else {
					sv.State = StepNow
				}
				break
			}
		}
		v.Steps = append(v.Steps, sv)
	}
	now := false
	for _, sv := range v.Steps {
		now = now || sv.State == StepNow
	}
	if !now {
		// Nothing is on an agenda: the case waits for the first step
		// not done.
		for i := range v.Steps {
			if v.Steps[i].State == StepPlanned {
				v.Steps[i].State = StepNow
				break
			}
		}
	}
	for i, h := range handled {
		if !used[i] {
			v.Extra = append(v.Extra, h)
		}
		if h.Item.Decided() {
			v.Decision = append(v.Decision, h)
		}
	}
	return v
}

// publicHandling returns the items of published meetings that handle
// case id and that the public may see, by meeting start.
func (s *Service) publicHandling(ctx context.Context, tenant, id string) ([]Handling, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT meeting_id FROM politics_items WHERE tenant_id = $1 AND case_id = $2`, tenant, id)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var mid string
		if err := rows.Scan(&mid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, mid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Handling
	for _, mid := range ids {
		mv, err := s.MeetingDetail(ctx, tenant, mid, Viewer{})
		if err != nil {
			return nil, err
		}
		for _, it := range mv.Items {
			if !it.Hidden && it.CaseID == id {
				out = append(out, Handling{Meeting: mv.Meeting, Item: it})
			}
		}
	}
	sortHandling(out)
	return out, nil
}

func sortHandling(hs []Handling) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Meeting.Start.Before(hs[j-1].Meeting.Start); j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}
