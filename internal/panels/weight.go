package panels

import (
	"context"
	"math"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/surveys"
)

// The weighting methods.
const (
	// MethodCells weights each cell (age group × area) to its share of
	// the population: used when every cell with residents has at least
	// surveys.MinGroup respondents.
	MethodCells = "cells"
	// MethodMargins weights to the age groups' and the areas' shares of
	// the population at once (raking), when some cells are too sparse.
	MethodMargins = "margins"
	// MethodNone: no population is given, so nothing is weighted.
	MethodNone = "none"
)

// rakingRounds bounds the raking iterations; they stop earlier when the
// weights change by less than rakingTolerance.
const (
	rakingRounds    = 200
	rakingTolerance = 1e-10
)

// Weights returns the weight of each cell's respondents (post-
// stratification) and the method used, given the population per cell and
// the respondents per cell. The weights are scaled so that the weighted
// number of respondents is the actual number.
//
// When every cell with residents has at least surveys.MinGroup
// respondents, a cell's weight is its share of the population divided by
// its share of the respondents (MethodCells); the population shares are
// of the cells that have respondents. Otherwise the weights are made by
// raking (MethodMargins): starting from 1, they are adjusted in turn so
// that the weighted respondents of each age group, then of each area,
// match that group's share of the population, until they settle. Age
// groups and areas without respondents are left out of the shares, and
// cells with respondents but no residents get weight 0.
func Weights(pop map[Cell]int64, resp map[Cell]int64) (map[Cell]float64, string) {
	var popTotal, n float64
	for _, v := range pop {
		popTotal += float64(v)
	}
	for _, v := range resp {
		n += float64(v)
	}
	w := map[Cell]float64{}
	if popTotal == 0 || n == 0 {
		for c, v := range resp {
			if v > 0 {
				w[c] = 1
			}
		}
		return w, MethodNone
	}
	dense := true
	for c, v := range pop {
		if v > 0 && resp[c] < surveys.MinGroup {
			dense = false
		}
	}
	if dense {
		var present float64 // population of the cells with respondents
		for c, v := range resp {
			if v > 0 {
				present += float64(pop[c])
			}
		}
		for c, v := range resp {
			if v > 0 {
				w[c] = (float64(pop[c]) / present) / (float64(v) / n)
			}
		}
		return w, MethodCells
	}

	// Raking. The targets: each group's share of the population among the
	// groups that have respondents, times the respondents.
	ageResp, areaResp := map[string]float64{}, map[string]float64{}
	for c, v := range resp {
		if v > 0 {
			ageResp[c.Age] += float64(v)
			areaResp[c.Area] += float64(v)
			w[c] = 1
		}
	}
	target := func(key func(Cell) string, present map[string]float64) map[string]float64 {
		t := map[string]float64{}
		var sum float64
		for c, v := range pop {
			if present[key(c)] > 0 {
				t[key(c)] += float64(v)
				sum += float64(v)
			}
		}
		for k := range t {
			if sum > 0 {
				t[k] = t[k] / sum * n
			}
		}
		return t
	}
	ageOf := func(c Cell) string { return c.Age }
	areaOf := func(c Cell) string { return c.Area }
	ageT, areaT := target(ageOf, ageResp), target(areaOf, areaResp)
	adjust := func(key func(Cell) string, t map[string]float64) float64 {
		sum := map[string]float64{}
		for c, wt := range w {
			sum[key(c)] += wt * float64(resp[c])
		}
		change := 0.0
		for c, wt := range w {
			nw := 0.0
			if s := sum[key(c)]; s > 0 {
				nw = wt * t[key(c)] / s
			}
			change = math.Max(change, math.Abs(nw-wt))
			w[c] = nw
		}
		return change
	}
	for range rakingRounds {
		if adjust(ageOf, ageT)+adjust(areaOf, areaT) < rakingTolerance {
			break
		}
	}
	return w, MethodMargins
}

// WeightedCell is one choice of a question (or matrix row) in the
// weighted results.
type WeightedCell struct {
	Label    string
	N        int64 // respondents who made the choice (unweighted)
	Percent  int   // of the row's respondents, unweighted
	Weighted int   // the same, weighted, in per cent
	// WeightedTenths is Weighted in tenths of a per cent, for tests and
	// the table.
	WeightedTenths int
}

// WeightedRow is a question's choices, or a matrix row's.
type WeightedRow struct {
	Label string
	Base  int64
	Cells []WeightedCell
}

// WeightedQuestion is one question's weighted results.
type WeightedQuestion struct {
	Question   surveys.Question
	Answered   int64
	Suppressed bool // fewer than surveys.MinGroup answered
	Rows       []WeightedRow
}

// WeightedResults are a panel survey's results, unweighted and weighted.
type WeightedResults struct {
	Survey          surveys.Survey
	Total           int64
	TotalSuppressed bool
	Method          string
	// Respondents per age group and per area, suppressed like the panel
	// overview.
	ByAge     []Group
	ByArea    []Group
	Questions []WeightedQuestion
}

type qkey struct {
	q            string
	item, choice int
}

// Weighted returns the results of panel survey id weighted by the
// respondents' background (see Weights), beside the unweighted counts.
// Nothing is shown when fewer than surveys.MinGroup answered, nor for a
// question fewer answered; free-text questions have no weighted figures.
// Errors: NotFound; Conflict (surveys.error.not_panel).
func (s *Service) Weighted(ctx context.Context, tenant, id string) (WeightedResults, error) {
	const op = errs.Op("panels.Weighted")
	sv, err := s.surveys.Get(ctx, tenant, id)
	if err != nil {
		return WeightedResults{}, errs.E(op, err)
	}
	if sv.Audience != surveys.AudiencePanel {
		return WeightedResults{}, errs.E(op, errs.Conflict, errs.Key("surveys.error.not_panel"))
	}
	qs, err := s.surveys.Questions(ctx, tenant, id)
	if err != nil {
		return WeightedResults{}, errs.E(op, err)
	}
	counts, err := s.surveys.StrataCounts(ctx, tenant, id)
	if err != nil {
		return WeightedResults{}, errs.E(op, err)
	}
	pop, err := s.Population(ctx, tenant)
	if err != nil {
		return WeightedResults{}, errs.E(op, err)
	}
	return weigh(sv, qs, counts, pop), nil
}

// weigh computes WeightedResults from a survey's counters per cell.
func weigh(sv surveys.Survey, qs []surveys.Question, counts []surveys.StratumCount, pop Population) WeightedResults {
	res := WeightedResults{Survey: sv}
	byCell := map[Cell]map[qkey]int64{}
	resp := map[Cell]int64{}
	for _, c := range counts {
		age, area, ok := ParseStratum(c.Stratum)
		if !ok {
			continue
		}
		cell := Cell{age, area}
		if byCell[cell] == nil {
			byCell[cell] = map[qkey]int64{}
		}
		byCell[cell][qkey{c.Question, c.Item, c.Choice}] = c.N
		if c.Question == "" {
			resp[cell] = c.N
			res.Total += c.N
		}
	}
	if res.Total < surveys.MinGroup {
		res.TotalSuppressed = true
		return res
	}
	res.ByAge, res.ByArea = groups(resp, pop)
	w, method := Weights(pop.N, resp)
	res.Method = method
	sum := func(k qkey, weighted bool) float64 {
		var t float64
		for cell, m := range byCell {
			f := 1.0
			if weighted {
				f = w[cell]
			}
			t += f * float64(m[k])
		}
		return t
	}
	for _, q := range qs {
		wq := WeightedQuestion{Question: q, Answered: int64(sum(qkey{q.ID, -1, -1}, false))}
		if wq.Answered < surveys.MinGroup {
			wq.Suppressed = true
			res.Questions = append(res.Questions, wq)
			continue
		}
		if q.Kind == surveys.KindText {
			res.Questions = append(res.Questions, wq)
			continue
		}
		items := []string{""}
		if q.Kind == surveys.KindMatrix {
			items = q.Rows
		}
		for item, label := range items {
			row := WeightedRow{Label: label}
			base, wbase := sum(qkey{q.ID, -1, -1}, false), sum(qkey{q.ID, -1, -1}, true)
			if q.Kind == surveys.KindMatrix {
				base, wbase = 0, 0
				for _, c := range q.Choices() {
					base += sum(qkey{q.ID, item, c.Value}, false)
					wbase += sum(qkey{q.ID, item, c.Value}, true)
				}
			}
			row.Base = int64(base)
			for _, c := range q.Choices() {
				k := qkey{q.ID, item, c.Value}
				n, wn := sum(k, false), sum(k, true)
				cell := WeightedCell{Label: c.Label, N: int64(n), Percent: percent(n, base)}
				if wbase > 0 {
					cell.WeightedTenths = int(math.Round(wn * 1000 / wbase))
					cell.Weighted = int(math.Round(wn * 100 / wbase))
				}
				row.Cells = append(row.Cells, cell)
			}
			wq.Rows = append(wq.Rows, row)
		}
		res.Questions = append(res.Questions, wq)
	}
	return res
}
