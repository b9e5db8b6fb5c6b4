package formdef

import (
	"strconv"
	"strings"
	"time"
)

// SummaryItem is one line of the summary of a citizen's answers.
type SummaryItem struct {
	// PageID is the page the answer belongs to.
	PageID string
	// Path is the answer's path, e.g. "children.0.name"; for a group item
	// heading the item's path, e.g. "children.0".
	Path string
	// Label is the question (or, for a heading, e.g. "Barn 1").
	Label string
	// Value is the answer written for people, in the language; for an
	// unanswered field the language's "not filled in". Empty for headings.
	Value string
	// Depth is how many group items the line is inside (0 at top level).
	Depth int
	// Heading marks the heading of a group item; the item's fields follow
	// with Depth one more.
	Heading bool
	// Answered is false for a visible field without an answer.
	Answered bool
}

// Summary lists the visible fields and their answers in page order, for the
// summary page before submitting and for the receipt. Values are written
// for people in lang: dates as dd.mm.yyyy, amounts as "1 234,50 kr" (in
// English "NOK 1,234.50"), numbers with a decimal comma (point in English),
// the labels of chosen options (a ranked list as "1. A, 2. B"), yes and no
// in the language, phone numbers, fødselsnumre and organisasjonsnumre
// grouped, an address on one line, and the names of files. Info fields and
// hidden fields are left out. Answers that cannot be read are left out as
// unanswered; answers outside limits (a date too early) are shown.
func (f *Form) Summary(a Answers, lang string) []SummaryItem {
	ix := f.index()
	e := newEval(ix, dayOf(time.Now()), true)
	clean := e.run(a)
	msgs := messagesFor(lang)
	var out []SummaryItem
	top := &scope{answers: clean}
	for pi, page := range ix.pages {
		for _, fi := range page {
			out = e.summarize(out, fi, top, ix.pageIDs[pi], lang, msgs, 0)
		}
	}
	return out
}

func (e *eval) summarize(out []SummaryItem, fi *fieldInfo, s *scope, pageID, lang string, msgs map[string]string, depth int) []SummaryItem {
	fl := fi.f
	path := s.prefix + fl.ID
	if fl.Type == TypeInfo || e.vis[path] != visShown {
		return out
	}
	if fl.Type == TypeGroup {
		items, _ := s.answers[fl.ID].([]Answers)
		if len(items) == 0 {
			return append(out, SummaryItem{PageID: pageID, Path: path, Label: fl.Label.In(lang), Value: msgs[keyValueNotAnswered], Depth: depth})
		}
		name := fl.ItemLabel.In(lang)
		if name == "" {
			name = fl.Label.In(lang)
		}
		for i, item := range items {
			is := itemScope(fi, s, i, item)
			out = append(out, SummaryItem{PageID: pageID, Path: strings.TrimSuffix(is.prefix, "."), Label: name + " " + strconv.Itoa(i+1), Depth: depth, Heading: true, Answered: true})
			for _, c := range fi.children {
				out = e.summarize(out, c, is, pageID, lang, msgs, depth+1)
			}
		}
		return out
	}
	item := SummaryItem{PageID: pageID, Path: path, Label: fl.Label.In(lang), Depth: depth}
	if v, ok := s.answers[fl.ID]; ok && v != nil {
		item.Value, item.Answered = formatValue(fl, v, lang, msgs), true
	} else {
		item.Value = msgs[keyValueNotAnswered]
	}
	return append(out, item)
}

// formatValue writes a clean answer for people.
func formatValue(fl *Field, v any, lang string, msgs map[string]string) string {
	switch fl.Type {
	case TypeDate:
		s, _ := v.(string)
		return formatDate(s)
	case TypeAmount:
		ore, _ := asOre(v)
		return formatAmount(ore, lang)
	case TypeNumber:
		x, _ := asFloat(v)
		return formatNumber(x, lang)
	case TypeYesNo:
		if b, _ := v.(bool); b {
			return msgs[keyValueYes]
		}
		return msgs[keyValueNo]
	case TypeChoice:
		list, _ := asStrings(v)
		labels := make([]string, len(list))
		for i, val := range list {
			labels[i] = val
			if o := fl.Option(val); o != nil {
				labels[i] = o.Label.In(lang)
			}
			if fl.Ranked {
				labels[i] = strconv.Itoa(i+1) + ". " + labels[i]
			}
		}
		return strings.Join(labels, ", ")
	case TypePhone:
		s, _ := v.(string)
		return formatPhone(s)
	case TypeFNR:
		s, _ := v.(string)
		return formatFNR(s)
	case TypeOrgNr:
		s, _ := v.(string)
		return formatOrgNr(s)
	case TypeAddress:
		ad, _ := asAddress(v)
		return formatAddress(ad)
	case TypeFile:
		files, _ := asFiles(v)
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Name
		}
		return strings.Join(names, ", ")
	}
	s, _ := v.(string)
	return s
}
