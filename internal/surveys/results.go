package surveys

import (
	"context"
	"database/sql"
	"sort"

	"github.com/torg-ekommune/torg/internal/errs"
)

// MaxTexts is how many free-text answers Results lists per question.
const MaxTexts = 500

// Results are the figures of a survey, with every group of fewer than
// MinGroup answers suppressed.
type Results struct {
	Survey Survey
	// Total is the number of responses; when it is below MinGroup,
	// TotalSuppressed is set and nothing else is filled in.
	Total           int64
	TotalSuppressed bool
	// Background is the question the results are broken down by, or nil.
	Background *Question
	// Groups are the background question's choices, and last the
	// respondents who did not answer it (Choice -1).
	Groups    []Group
	Questions []QuestionResult
}

// Group is one column of a breakdown.
type Group struct {
	Label      string
	Choice     int // -1: did not answer the background question
	N          int64
	Suppressed bool
}

// QuestionResult is the figures of one question.
type QuestionResult struct {
	Question Question
	// Answered is how many responses answered the question; when it is
	// below MinGroup, Suppressed is set and the rest is empty.
	Answered   int64
	Suppressed bool
	Rows       []ResultRow // one for single, multiple and scale; one per matrix row
	Texts      []string    // free text, at most MaxTexts
	MoreTexts  int64       // texts not in Texts
}

// ResultRow is the choices of a question (or of a matrix row, Label).
type ResultRow struct {
	Label string
	Base  int64 // the responses the percentages are of
	Cells []Cell
}

// Cell is the number of responses that made one choice.
type Cell struct {
	Label   string
	Choice  int
	N       int64
	Percent int // of the row's Base, rounded
	// ByGroup holds the figures per group of a breakdown, as Results.Groups.
	ByGroup []GroupCell
}

// GroupCell is a cell's figure in one group: the percentage is of the
// group's respondents.
type GroupCell struct {
	N          int64
	Percent    int
	Suppressed bool
}

func percent(n, base int64) int {
	if base <= 0 {
		return 0
	}
	return int((n*200 + base) / (2 * base))
}

// suppress returns which groups (by size) are hidden: each with fewer than
// MinGroup, and then, while the hidden ones together hold fewer than
// MinGroup (so that one could be worked out from the total), the next
// smallest too.
func suppress(sizes []int64) []bool {
	hidden := make([]bool, len(sizes))
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return sizes[order[a]] < sizes[order[b]] })
	var sum int64
	any := false
	for _, i := range order {
		if sizes[i] > 0 && sizes[i] < MinGroup {
			hidden[i], any = true, true
			sum += sizes[i]
		}
	}
	if !any {
		return hidden
	}
	for _, i := range order {
		if sum >= MinGroup {
			break
		}
		if !hidden[i] && sizes[i] > 0 {
			hidden[i] = true
			sum += sizes[i]
		}
	}
	return hidden
}

type countKey struct {
	q            string
	item, choice int
}

// Results returns the figures of survey, broken down by question
// background when it is not empty (a single-choice or scale question).
// Errors: NotFound; Invalid (surveys.error.background) when background is
// not such a question of the survey.
func (s *Service) Results(ctx context.Context, tenant, survey, background string) (Results, error) {
	const op = errs.Op("surveys.Results")
	sv, err := s.Get(ctx, tenant, survey)
	if err != nil {
		return Results{}, errs.E(op, err)
	}
	qs, err := queryQuestions(ctx, s.db, tenant, survey)
	if err != nil {
		return Results{}, errs.E(op, err)
	}
	res := Results{Survey: sv}
	if background != "" {
		i := indexOf(qs, background)
		if i < 0 || (qs[i].Kind != KindSingle && qs[i].Kind != KindScale) {
			return Results{}, errs.E(op, errs.Invalid, errs.Key("surveys.error.background"))
		}
		res.Background = &qs[i]
	}

	counts := map[countKey]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT question_id, item, choice, n FROM surveys_counts WHERE tenant_id = $1 AND survey_id = $2`, tenant, survey)
	if err != nil {
		return Results{}, errs.E(op, err)
	}
	for rows.Next() {
		var k countKey
		var n int64
		if err := rows.Scan(&k.q, &k.item, &k.choice, &n); err != nil {
			rows.Close()
			return Results{}, errs.E(op, err)
		}
		counts[k] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Results{}, errs.E(op, err)
	}
	res.Total = counts[countKey{"", -1, -1}]
	if res.Total < MinGroup {
		res.TotalSuppressed = true
		return res, nil
	}

	// The breakdown: groups, and the counts of every choice per group.
	type groupKey struct {
		countKey
		group int
	}
	byGroup := map[groupKey]int64{}
	if b := res.Background; b != nil {
		var sizes []int64
		var answered int64
		for _, c := range b.Choices() {
			n := counts[countKey{b.ID, 0, c.Value}]
			res.Groups = append(res.Groups, Group{Label: c.Label, Choice: c.Value, N: n})
			sizes = append(sizes, n)
			answered += n
		}
		res.Groups = append(res.Groups, Group{Choice: -1, N: res.Total - answered})
		sizes = append(sizes, res.Total-answered)
		for i, h := range suppress(sizes) {
			res.Groups[i].Suppressed = h
		}
		q, err := s.db.QueryContext(ctx, `SELECT question_id, item, choice, bg_choice, n FROM surveys_cross
			WHERE tenant_id = $1 AND survey_id = $2 AND bg_question = $3`, tenant, survey, b.ID)
		if err != nil {
			return Results{}, errs.E(op, err)
		}
		for q.Next() {
			var k groupKey
			var n int64
			if err := q.Scan(&k.q, &k.item, &k.choice, &k.group, &n); err != nil {
				q.Close()
				return Results{}, errs.E(op, err)
			}
			byGroup[k] = n
		}
		q.Close()
		if err := q.Err(); err != nil {
			return Results{}, errs.E(op, err)
		}
	}

	for _, q := range qs {
		qr := QuestionResult{Question: q, Answered: counts[countKey{q.ID, -1, -1}]}
		if qr.Answered < MinGroup {
			qr.Suppressed = true
			res.Questions = append(res.Questions, qr)
			continue
		}
		if q.Kind == KindText {
			texts, err := s.texts(ctx, tenant, survey, q.ID, MaxTexts)
			if err != nil {
				return Results{}, errs.E(op, err)
			}
			qr.Texts = texts
			qr.MoreTexts = max(0, counts[countKey{q.ID, 0, 0}]-int64(len(texts)))
			res.Questions = append(res.Questions, qr)
			continue
		}
		items := []string{""}
		if q.Kind == KindMatrix {
			items = q.Rows
		}
		for item, label := range items {
			row := ResultRow{Label: label, Base: qr.Answered}
			var sum int64
			for _, c := range q.Choices() {
				sum += counts[countKey{q.ID, item, c.Value}]
			}
			if q.Kind == KindMatrix {
				row.Base = sum
			}
			for _, c := range q.Choices() {
				k := countKey{q.ID, item, c.Value}
				cell := Cell{Label: c.Label, Choice: c.Value, N: counts[k], Percent: percent(counts[k], row.Base)}
				if res.Background != nil {
					var rest int64 = cell.N
					for gi, g := range res.Groups {
						if g.Choice == -1 {
							continue
						}
						n := byGroup[groupKey{k, g.Choice}]
						rest -= n
						cell.ByGroup = append(cell.ByGroup, GroupCell{N: n, Percent: percent(n, g.N), Suppressed: res.Groups[gi].Suppressed})
					}
					// Answers stored between the two reads could make it negative.
					rest = max(rest, 0)
					last := res.Groups[len(res.Groups)-1]
					cell.ByGroup = append(cell.ByGroup, GroupCell{N: rest, Percent: percent(rest, last.N), Suppressed: last.Suppressed})
					for i := range cell.ByGroup {
						if cell.ByGroup[i].Suppressed {
							cell.ByGroup[i].N, cell.ByGroup[i].Percent = 0, 0
						}
					}
				}
				row.Cells = append(row.Cells, cell)
			}
			qr.Rows = append(qr.Rows, row)
		}
		res.Questions = append(res.Questions, qr)
	}
	for i := range res.Groups {
		if res.Groups[i].Suppressed {
			res.Groups[i].N = 0
		}
	}
	return res, nil
}

// Texts returns the free-text answers to question q of survey, all of
// them, in the order of the responses' random ids (not the order they came
// in), or none when fewer than MinGroup responses answered it. Errors:
// NotFound.
func (s *Service) Texts(ctx context.Context, tenant, survey, q string) ([]string, error) {
	const op = errs.Op("surveys.Texts")
	if _, err := s.Get(ctx, tenant, survey); err != nil {
		return nil, errs.E(op, err)
	}
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT n FROM surveys_counts WHERE tenant_id = $1 AND survey_id = $2 AND question_id = $3 AND item = -1 AND choice = -1`,
		tenant, survey, q).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return nil, errs.E(op, err)
	}
	if n < MinGroup {
		return nil, nil
	}
	out, err := s.texts(ctx, tenant, survey, q, 0)
	if err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// texts returns up to limit (all when 0) free-text answers to question q,
// in the order of the responses' random ids.
func (s *Service) texts(ctx context.Context, tenant, survey, q string, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := s.db.QueryContext(ctx, `SELECT text FROM surveys_answers WHERE tenant_id = $1 AND survey_id = $2 AND question_id = $3 AND item = 0 AND choice = 0
		ORDER BY response_id LIMIT $4`, tenant, survey, q, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Suppress returns which of a breakdown's groups, given their sizes, are
// hidden: each with fewer than MinGroup, and then the next smallest until
// the hidden ones together hold at least MinGroup, so that none can be
// worked out from a total. Other modules that show breakdowns of survey
// answers (the citizens' panel) use the same rule.
func Suppress(sizes []int64) []bool { return suppress(sizes) }
