package initiatives

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// ResidentTable is the Register kept in this module's own tables: the
// person keys of the residents from the last Folkeregister extract that
// was imported (Service.ImportResidents). Production would call
// Folkeregisteret instead.
type ResidentTable struct{ s *Service }

// Residents returns the service's own Register.
func (s *Service) Residents() *ResidentTable { return &ResidentTable{s: s} }

// Resident reports whether pid is in tenant's last imported extract.
func (t *ResidentTable) Resident(ctx context.Context, tenant, pid string) (bool, error) {
	p, ok := parsePID(pid)
	if !ok {
		return false, nil
	}
	key, err := t.s.personKey(ctx, tenant, p)
	if err != nil {
		return false, err
	}
	var n int
	err = t.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM initiatives_residents WHERE tenant_id = $1 AND person_key = $2`, tenant, key).Scan(&n)
	return n > 0, err
}

// Population is the number of residents in tenant's last imported extract
// (0 before the first import).
func (t *ResidentTable) Population(ctx context.Context, tenant string) (int, error) {
	var n int64
	err := t.s.db.QueryRowContext(ctx, `SELECT population FROM initiatives_register WHERE tenant_id = $1`, tenant).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return int(n), err
}

// Limits of a resident extract.
const (
	MaxResidents  = 10_000_000 // lines of an extract
	maxLineLength = 4096
	maxBadLines   = 10 // bad lines named in an error
)

// ImportError says which lines of an extract are not a fødselsnummer.
type ImportError struct {
	Lines []int // line numbers, from 1, at most maxBadLines
	Total int   // how many lines were bad
}

func (e *ImportError) Error() string {
	s := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		s[i] = strconv.Itoa(l)
	}
	return strconv.Itoa(e.Total) + " lines are not a valid fødselsnummer or D-number (lines " + strings.Join(s, ", ") + ")"
}

// ParseResidents reads a Folkeregister extract: a CSV file (comma or
// semicolon separated) whose first column is a fødselsnummer or D-number,
// one person a line. A first line whose first field is not digits is a
// header; empty lines are skipped; a number given twice counts once. It
// returns the numbers (11 digits each), in file order without repeats.
// Errors: an *ImportError naming the bad lines, or the reader's error.
func ParseResidents(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxLineLength)
	seen := map[string]bool{}
	var out []string
	bad := &ImportError{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimPrefix(sc.Text(), "\ufeff")
		if strings.TrimSpace(text) == "" {
			continue
		}
		field := text
		if i := strings.IndexAny(field, ",;"); i >= 0 {
			field = field[:i]
		}
		field = strings.Trim(strings.TrimSpace(field), `"`)
		if line == 1 && !startsWithDigit(field) {
			continue // a header
		}
		pid, ok := parsePID(field)
		if !ok {
			bad.Total++
			if len(bad.Lines) < maxBadLines {
				bad.Lines = append(bad.Lines, line)
			}
			continue
		}
		if !seen[pid] {
			if len(out) >= MaxResidents {
				return nil, errors.New("the extract has more than " + strconv.Itoa(MaxResidents) + " persons")
			}
			seen[pid] = true
			out = append(out, pid)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			bad.Total++
			bad.Lines = append(bad.Lines, line+1)
			return nil, bad
		}
		return nil, err
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return out, nil
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// insertBatch is how many residents one INSERT statement adds.
const insertBatch = 400

// ImportResidents replaces tenant's list of residents with the extract in
// r (see ParseResidents) and returns how many residents it holds. Only
// their person keys are stored. The import is audited. Errors: Invalid
// (initiatives.error.import_lines, with the first bad line numbers as
// arguments) when a line is not a fødselsnummer; Invalid
// (initiatives.error.import_empty) for an extract without persons.
func (s *Service) ImportResidents(ctx context.Context, tenant string, r io.Reader, actor audit.Entry) (int, error) {
	const op = errs.Op("initiatives.ImportResidents")
	pids, err := ParseResidents(r)
	var ie *ImportError
	if errors.As(err, &ie) {
		lines := make([]string, len(ie.Lines))
		for i, l := range ie.Lines {
			lines[i] = strconv.Itoa(l)
		}
		return 0, errs.E(op, errs.Invalid, errs.Key("initiatives.error.import_lines"), []any{ie.Total, strings.Join(lines, ", ")}, err)
	}
	if err != nil {
		return 0, errs.E(op, errs.Invalid, errs.Key("initiatives.error.import_read"), err)
	}
	if len(pids) == 0 {
		return 0, errs.E(op, errs.Invalid, errs.Key("initiatives.error.import_empty"))
	}
	keys := make([]string, len(pids))
	for i, p := range pids {
		if keys[i], err = s.personKey(ctx, tenant, p); err != nil {
			return 0, errs.E(op, err)
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM initiatives_residents WHERE tenant_id = $1`, tenant); err != nil {
			return err
		}
		for start := 0; start < len(keys); start += insertBatch {
			end := min(start+insertBatch, len(keys))
			var q strings.Builder
			q.WriteString(`INSERT INTO initiatives_residents (tenant_id, person_key) VALUES `)
			args := []any{tenant}
			for i, k := range keys[start:end] {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("($1, $" + strconv.Itoa(i+2) + ")")
				args = append(args, k)
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiatives_register (tenant_id, population, imported_at, imported_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id) DO UPDATE SET population = $2, imported_at = $3, imported_by = $4`,
			tenant, len(keys), s.db.Now(), actor.ActorID); err != nil {
			return err
		}
		actor.Tenant, actor.Action, actor.Object = tenant, "initiatives.residents.import", "register:"+tenant
		actor.Detail = strconv.Itoa(len(keys)) + " residents"
		_, err := s.audit.Append(ctx, tx, actor)
		return err
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return len(keys), nil
}
