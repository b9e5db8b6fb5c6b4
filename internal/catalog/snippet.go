package catalog

import "strings"

// snippetWords is how many words a snippet shows.
const snippetWords = 30

// wordsBefore is how many words a snippet shows before the first match.
const wordsBefore = 8

// span is a word's place in a text.
type span struct {
	start, end int
	match      bool
}

// spans finds the words of text and whether each matches one of the terms:
// whether its normalised form starts with a term's normalised form, the
// same rule the SQLite index applies.
func spans(text string, terms []queryTerm) []span {
	var out []span
	eachWord(text, func(start, end int, w string) {
		st := stem(fold(w))
		m := false
		for _, t := range terms {
			if st != "" && strings.HasPrefix(st, t.stem) {
				m = true
				break
			}
		}
		out = append(out, span{start, end, m})
	})
	return out
}

// squash puts s on one line, as snippets and titles are shown: list
// markers ("- ", "• ") at the start of lines go, and every run of white
// space becomes one space.
func squash(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if v, ok := strings.CutPrefix(l, "- "); ok {
			l = v
		} else if v, ok := strings.CutPrefix(l, "• "); ok {
			l = v
		}
		lines[i] = l
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// segments cuts text[from:to] into segments, marking the words of sp that
// match.
func segments(text string, sp []span, from, to int) []Segment {
	var out []Segment
	add := func(s string, mark bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Mark == mark && !mark {
			out[n-1].Text += s
			return
		}
		out = append(out, Segment{Text: s, Mark: mark})
	}
	pos := from
	for _, w := range sp {
		if w.start < from || w.end > to {
			continue
		}
		if w.match {
			add(text[pos:w.start], false)
			add(text[w.start:w.end], true)
			pos = w.end
		}
	}
	add(text[pos:to], false)
	return out
}

// highlight returns the whole text (on one line) with matching words marked.
func highlight(text string, terms []queryTerm) []Segment {
	text = squash(text)
	return segments(text, spans(text, terms), 0, len(text))
}

// snippet returns up to n words of text around the first word that matches
// the terms, with "…" where text is cut, and false when no word matches.
func snippet(text string, terms []queryTerm, n int) ([]Segment, bool) {
	text = squash(text)
	sp := spans(text, terms)
	first := -1
	for i, w := range sp {
		if w.match {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, false
	}
	start := max(0, first-wordsBefore)
	end := min(len(sp), start+n)
	start = max(0, min(start, end-n))
	return window(text, sp, start, end), true
}

// excerpt returns the first n words of text, unmarked.
func excerpt(text string, n int) []Segment {
	text = squash(text)
	sp := spans(text, nil)
	if len(sp) == 0 {
		if text == "" {
			return nil
		}
		return []Segment{{Text: text}}
	}
	return window(text, sp, 0, min(len(sp), n))
}

// window returns the words start..end-1 of text as segments, from the start
// of the text when start is 0 and to its end when end is the last word, with
// "…" where it is cut.
func window(text string, sp []span, start, end int) []Segment {
	from, to := 0, len(text)
	if start > 0 {
		from = sp[start].start
	}
	if end < len(sp) {
		to = sp[end-1].end
	}
	seg := segments(text, sp, from, to)
	if start > 0 {
		seg = append([]Segment{{Text: "… "}}, seg...)
	}
	if end < len(sp) {
		seg = append(seg, Segment{Text: " …"})
	}
	return seg
}
