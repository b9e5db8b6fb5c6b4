package surveys

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/web"
)

// Chart geometry, in SVG user units.
const (
	chartWidth = 640
	chartLabel = 16 // height of a label line
	chartBar   = 18
	chartGap   = 10
	chartMax   = 460 // the width of a bar at 100 %
)

// bar is one bar of a chart.
type bar struct {
	Label  string
	Value  string // "6 (75 %)"
	LabelY int
	BarY   int
	Width  int
	ValueX int
	ValueY int
}

// chart is a horizontal bar chart drawn as inline SVG. The table next to
// it holds the same numbers and is the accessible source; the chart has
// role="img" and a text alternative (Alt).
type chart struct {
	ID     string
	Alt    string
	Height int
	Width  int
	Bars   []bar
}

// makeChart draws cells as bars of their percentage.
func (h *handlers) makeChart(r *http.Request, id, title string, cells []Cell) chart {
	c := chart{ID: id, Width: chartWidth}
	var alt []string
	y := 0
	for _, cell := range cells {
		w := cell.Percent * chartMax / 100
		if cell.N > 0 && w < 1 {
			w = 1
		}
		value := h.t(r, "surveys.results.count_percent", cell.N, cell.Percent)
		c.Bars = append(c.Bars, bar{Label: cell.Label, Value: value, LabelY: y + chartLabel - 3, BarY: y + chartLabel, Width: w,
			ValueX: w + 8, ValueY: y + chartLabel + chartBar - 4})
		alt = append(alt, cell.Label+": "+value)
		y += chartLabel + chartBar + chartGap
	}
	c.Height = max(y, 1)
	c.Alt = h.t(r, "surveys.results.chart_alt", title, strings.Join(alt, "; "))
	return c
}

type rowView struct {
	ResultRow
	Chart chart
}

type resultQuestionView struct {
	QuestionResult
	Number int
	Rows   []rowView
}

type resultsView struct {
	Results
	Questions    []resultQuestionView
	Backgrounds  []choiceView
	BackgroundID string
	CSV          string
	GroupLabels  []string
}

func (h *handlers) resultsOf(r *http.Request) (Results, error) {
	c := web.From(r)
	return h.svc.Results(r.Context(), c.Tenant.ID, r.PathValue("id"), strings.TrimSpace(r.URL.Query().Get("bakgrunn")))
}

func (h *handlers) groupLabels(r *http.Request, res Results) []string {
	var out []string
	for _, g := range res.Groups {
		if g.Choice == -1 {
			out = append(out, h.t(r, "surveys.results.no_answer"))
		} else {
			out = append(out, g.Label)
		}
	}
	return out
}

func (h *handlers) results(w http.ResponseWriter, r *http.Request) error {
	res, err := h.resultsOf(r)
	if err != nil {
		return err
	}
	c := web.From(r)
	qs, err := h.svc.Questions(r.Context(), c.Tenant.ID, res.Survey.ID)
	if err != nil {
		return err
	}
	v := resultsView{Results: res, CSV: "tilsett/undersokelser/" + res.Survey.ID + "/resultat.csv", GroupLabels: h.groupLabels(r, res)}
	v.Backgrounds = append(v.Backgrounds, choiceView{Value: "", Label: h.t(r, "surveys.results.no_breakdown"), Checked: res.Background == nil})
	for i, q := range qs {
		if q.Kind == KindSingle || q.Kind == KindScale {
			v.Backgrounds = append(v.Backgrounds, choiceView{Value: q.ID, Label: strconv.Itoa(i+1) + ". " + q.Text, Checked: res.Background != nil && res.Background.ID == q.ID})
		}
	}
	if res.Background != nil {
		v.BackgroundID = res.Background.ID
		v.CSV += "?bakgrunn=" + res.Background.ID
	}
	for i, qr := range res.Questions {
		qv := resultQuestionView{QuestionResult: qr, Number: i + 1}
		for j, row := range qr.Rows {
			title := qr.Question.Text
			if row.Label != "" {
				title += " – " + row.Label
			}
			qv.Rows = append(qv.Rows, rowView{ResultRow: row, Chart: h.makeChart(r, "chart-"+qr.Question.ID+"-"+strconv.Itoa(j), title, row.Cells)})
		}
		v.Questions = append(v.Questions, qv)
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.pages.Render(w, r, http.StatusOK, "results", v)
}

// csvCell keeps a spreadsheet from reading a text cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCSV writes res as CSV (semicolons, CRLF, UTF-8 with a byte order
// mark): one line per choice (and matrix row) with the count and per cent,
// and per group of a breakdown; free-text answers follow. Suppressed
// figures are written as the text t("surveys.results.suppressed_short").
func writeCSV(res Results, t func(key string, args ...any) string, groupLabels []string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	hidden := t("surveys.results.suppressed_short")
	head := []string{t("surveys.csv.number"), t("surveys.csv.question"), t("surveys.csv.row"), t("surveys.csv.choice"), t("surveys.csv.count"), t("surveys.csv.percent")}
	for _, g := range groupLabels {
		head = append(head, csvCell(g)+" – "+t("surveys.csv.count"), csvCell(g)+" – "+t("surveys.csv.percent"))
	}
	cw.Write(head)
	total := []string{"", t("surveys.results.total"), "", "", strconv.FormatInt(res.Total, 10), ""}
	if res.TotalSuppressed {
		total[4] = hidden
	}
	for _, g := range res.Groups {
		if g.Suppressed || res.TotalSuppressed {
			total = append(total, hidden, "")
		} else {
			total = append(total, strconv.FormatInt(g.N, 10), "")
		}
	}
	cw.Write(total)
	for i, qr := range res.Questions {
		num := strconv.Itoa(i + 1)
		if qr.Suppressed {
			cw.Write([]string{num, csvCell(qr.Question.Text), "", "", hidden, ""})
			continue
		}
		for _, row := range qr.Rows {
			for _, c := range row.Cells {
				line := []string{num, csvCell(qr.Question.Text), csvCell(row.Label), csvCell(c.Label), strconv.FormatInt(c.N, 10), strconv.Itoa(c.Percent)}
				for _, g := range c.ByGroup {
					if g.Suppressed {
						line = append(line, hidden, "")
					} else {
						line = append(line, strconv.FormatInt(g.N, 10), strconv.Itoa(g.Percent))
					}
				}
				cw.Write(line)
			}
		}
		for _, text := range qr.Texts {
			cw.Write([]string{num, csvCell(qr.Question.Text), "", csvCell(text), "", ""})
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

func (h *handlers) resultsCSV(w http.ResponseWriter, r *http.Request) error {
	res, err := h.resultsOf(r)
	if err != nil {
		return err
	}
	// Every free-text answer, not just those the page lists.
	for i, qr := range res.Questions {
		if qr.Question.Kind == KindText && !qr.Suppressed && qr.MoreTexts > 0 {
			if res.Questions[i].Texts, err = h.svc.Texts(r.Context(), web.From(r).Tenant.ID, res.Survey.ID, qr.Question.ID); err != nil {
				return err
			}
		}
	}
	b, err := writeCSV(res, func(key string, args ...any) string { return h.t(r, key, args...) }, h.groupLabels(r, res))
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="undersoking-`+res.Survey.ID+`.csv"`)
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	return nil
}
