package panels

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Cell is a background cell: an age group in an area.
type Cell struct {
	Age, Area string
}

// Population is a municipality's residents by area and age group: the
// areas members choose from, and the targets results are weighted to.
type Population struct {
	Areas []string       // in the order given
	N     map[Cell]int64 // residents per cell
}

// HasArea reports whether area is one of the municipality's areas.
func (p Population) HasArea(area string) bool { return area != "" && slices.Contains(p.Areas, area) }

// Total is the number of residents in all cells.
func (p Population) Total() int64 {
	var t int64
	for _, n := range p.N {
		t += n
	}
	return t
}

// Margins returns the residents per age group and per area.
func (p Population) Margins() (byAge, byArea map[string]int64) {
	byAge, byArea = map[string]int64{}, map[string]int64{}
	for c, n := range p.N {
		byAge[c.Age] += n
		byArea[c.Area] += n
	}
	return byAge, byArea
}

// Text returns the population in the form ParsePopulation reads.
func (p Population) Text() string {
	var b strings.Builder
	for _, a := range p.Areas {
		b.WriteString(a)
		for _, g := range AgeGroups() {
			b.WriteString(";" + strconv.FormatInt(p.N[Cell{g, a}], 10))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// PopulationError says what is wrong with a population text: Key is a
// message key, Line the line (from 1) it is on, or 0.
type PopulationError struct {
	Key  string
	Line int
}

func (e *PopulationError) Error() string {
	return "population: " + e.Key + " on line " + strconv.Itoa(e.Line)
}

// ParsePopulation reads a municipality's population, one area a line:
// the area's name, then the number of residents aged 16–29, 30–44, 45–66
// and 67 or older, separated by semicolons (or commas, or tabs), e.g.
// "Sentrum;1200;1500;1800;900". A first line whose second field is not a
// number is a header; empty lines are skipped. Names are 1 to MaxArea
// characters without "|" and must differ (case aside). Errors: a
// *PopulationError with the key panels.error.population_empty,
// population_long, population_fields, population_name,
// population_duplicate, population_count or population_many.
func ParsePopulation(text string) (Population, error) {
	if len(text) > MaxPopBytes {
		return Population{}, &PopulationError{Key: "panels.error.population_long"}
	}
	p := Population{N: map[Cell]int64{}}
	seen := map[string]bool{}
	text = strings.TrimPrefix(strings.ToValidUTF8(text, ""), "\ufeff")
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		no := i + 1
		if strings.TrimSpace(line) == "" {
			continue
		}
		sep := ";"
		if !strings.Contains(line, ";") {
			if strings.Contains(line, "\t") {
				sep = "\t"
			} else {
				sep = ","
			}
		}
		parts := strings.Split(line, sep)
		if no == 1 && len(parts) > 1 {
			if _, err := strconv.ParseInt(strings.TrimSpace(parts[1]), 10, 64); err != nil {
				continue // a header
			}
		}
		if len(parts) != 1+len(AgeGroups()) {
			return Population{}, &PopulationError{Key: "panels.error.population_fields", Line: no}
		}
		name := cleanLine(strings.Trim(strings.TrimSpace(parts[0]), `"`))
		if name == "" || utf8.RuneCountInString(name) > MaxArea || strings.Contains(name, stratumSep) {
			return Population{}, &PopulationError{Key: "panels.error.population_name", Line: no}
		}
		if seen[strings.ToLower(name)] {
			return Population{}, &PopulationError{Key: "panels.error.population_duplicate", Line: no}
		}
		if len(p.Areas) >= MaxAreas {
			return Population{}, &PopulationError{Key: "panels.error.population_many", Line: no}
		}
		seen[strings.ToLower(name)] = true
		p.Areas = append(p.Areas, name)
		for j, g := range AgeGroups() {
			f := strings.TrimSpace(parts[j+1])
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil || n < 0 || n > MaxCount || strconv.FormatInt(n, 10) != f {
				return Population{}, &PopulationError{Key: "panels.error.population_count", Line: no}
			}
			p.N[Cell{g, name}] = n
		}
	}
	if len(p.Areas) == 0 || p.Total() == 0 {
		return Population{}, &PopulationError{Key: "panels.error.population_empty"}
	}
	return p, nil
}

// Population returns tenant's areas and population (none before
// SetPopulation).
func (s *Service) Population(ctx context.Context, tenant string) (Population, error) {
	const op = errs.Op("panels.Population")
	rows, err := s.db.QueryContext(ctx, `SELECT area, age_group, n FROM panels_population WHERE tenant_id = $1 ORDER BY position, age_group`, tenant)
	if err != nil {
		return Population{}, errs.E(op, err)
	}
	defer rows.Close()
	p := Population{N: map[Cell]int64{}}
	for rows.Next() {
		var c Cell
		var n int64
		if err := rows.Scan(&c.Area, &c.Age, &n); err != nil {
			return Population{}, errs.E(op, err)
		}
		if !slices.Contains(p.Areas, c.Area) {
			p.Areas = append(p.Areas, c.Area)
		}
		p.N[c] = n
	}
	if err := rows.Err(); err != nil {
		return Population{}, errs.E(op, err)
	}
	return p, nil
}

// SetPopulation replaces tenant's areas and population with text (see
// ParsePopulation) and returns the number of areas. Errors: Invalid
// (panels.error.invalid) with a field error for befolkning (the
// PopulationError's key; the line is in the arguments of the error's
// message panels.error.population_line); Conflict
// (panels.error.area_in_use, with the area's name as argument) when a
// member's area would disappear.
func (s *Service) SetPopulation(ctx context.Context, tenant, text string, actor Actor) (int, error) {
	const op = errs.Op("panels.SetPopulation")
	p, err := ParsePopulation(text)
	if pe, ok := err.(*PopulationError); ok {
		return 0, errs.E(op, errs.Invalid, errs.Key("panels.error.population_line"), []any{pe.Line}, map[string]string{FieldPopulation: pe.Key}, err)
	}
	if err != nil {
		return 0, errs.E(op, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT area FROM panels_members WHERE tenant_id = $1 ORDER BY area`, tenant)
		if err != nil {
			return err
		}
		var used []string
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				rows.Close()
				return err
			}
			used = append(used, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, a := range used {
			if !p.HasArea(a) {
				return errs.E(errs.Conflict, errs.Key("panels.error.area_in_use"), []any{a})
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM panels_population WHERE tenant_id = $1`, tenant); err != nil {
			return err
		}
		for i, a := range p.Areas {
			for _, g := range AgeGroups() {
				if _, err := tx.ExecContext(ctx, `INSERT INTO panels_population (tenant_id, area, position, age_group, n) VALUES ($1, $2, $3, $4, $5)`,
					tenant, a, i, g, p.N[Cell{g, a}]); err != nil {
					return err
				}
			}
		}
		return s.log(ctx, tx, tenant, actor, "panel.population", "panel:"+tenant, strconv.Itoa(len(p.Areas))+" areas")
	})
	if err != nil {
		return 0, errs.E(op, err)
	}
	return len(p.Areas), nil
}
