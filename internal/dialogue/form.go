package dialogue

import (
	"slices"

	"github.com/torg-ekommune/torg/internal/i18n"
	"github.com/torg-ekommune/torg/internal/web"
)

// field is one form field as the "field" partial renders it, with its
// texts already in the page's language.
type field struct {
	ID, Name string
	// Type is "text", "email", "textarea", "select", "radio", "checkbox"
	// or "file".
	Type                string
	Label, Hint, Error  string
	Value               string
	Checked             bool
	Options             []choice
	OptGroups           []optGroup // a select's labelled groups of options, after Options
	Class, Autocomplete string
	Inputmode, Accept   string
	Rows                int
	Multiple            bool
}

// choice is an option of a select or a radio group.
type choice struct {
	Value, Label string
	Selected     bool
}

// optGroup is a labelled group of a select's options.
type optGroup struct {
	Label   string
	Options []choice
}

// summaryItem is a line of an error summary: a link to the field and the
// message.
type summaryItem struct {
	Href, Text string
}

// errorSummary is the box at the top of a page whose form has errors.
type errorSummary struct {
	Title string
	Items []summaryItem
}

// translator returns T for the request's language.
func translator(shell *web.Shell, lang string) func(string, ...any) string {
	cat, l := shell.Catalog(), i18n.Lang(lang)
	return func(key string, args ...any) string { return cat.T(l, key, args...) }
}

// formBuilder makes the fields of one form: ids are prefix+name, so that
// several forms can share a page, and errors are the form's field errors.
type formBuilder struct {
	t      func(string, ...any) string
	errs   map[string]string // field name → message key
	prefix string
	order  []string // field names in page order, for the summary
	ids    map[string]string
}

func newForm(t func(string, ...any) string, prefix string, errs map[string]string) *formBuilder {
	return &formBuilder{t: t, errs: errs, prefix: prefix, ids: map[string]string{}}
}

func (b *formBuilder) add(f field) field {
	if f.ID == "" {
		f.ID = b.prefix + f.Name
	}
	if k := b.errs[f.Name]; k != "" {
		f.Error = b.t(k)
	}
	if f.Label != "" {
		f.Label = b.t(f.Label)
	}
	if f.Hint != "" {
		f.Hint = b.t(f.Hint)
	}
	if _, seen := b.ids[f.Name]; !seen {
		b.order = append(b.order, f.Name)
		first := f.ID
		if f.Type == "radio" && len(f.Options) > 0 {
			first = f.ID + "-" + f.Options[0].Value
		}
		b.ids[f.Name] = first
	}
	return f
}

func (b *formBuilder) text(name, label, hint, value string) field {
	return b.add(field{Name: name, Type: "text", Label: label, Hint: hint, Value: value})
}

func (b *formBuilder) textarea(name, label, hint, value string, rows int) field {
	return b.add(field{Name: name, Type: "textarea", Label: label, Hint: hint, Value: value, Rows: rows})
}

func (b *formBuilder) checkbox(name, label, hint string, on bool) field {
	return b.add(field{Name: name, Type: "checkbox", Label: label, Hint: hint, Checked: on})
}

func (b *formBuilder) sel(name, label, hint, value string, options []choice) field {
	for i := range options {
		options[i].Selected = options[i].Value == value
	}
	return b.add(field{Name: name, Type: "select", Label: label, Hint: hint, Value: value, Options: options})
}

// selGroups is a select with options first and then labelled groups of
// options; empty groups are left out.
func (b *formBuilder) selGroups(name, label, hint, value string, options []choice, groups []optGroup) field {
	f := b.sel(name, label, hint, value, options)
	for _, g := range groups {
		if len(g.Options) == 0 {
			continue
		}
		for i := range g.Options {
			g.Options[i].Selected = g.Options[i].Value == value
		}
		f.OptGroups = append(f.OptGroups, g)
	}
	return f
}

func (b *formBuilder) radio(name, label, hint, value string, options []choice) field {
	for i := range options {
		options[i].Selected = options[i].Value == value
	}
	return b.add(field{Name: name, Type: "radio", Label: label, Hint: hint, Value: value, Options: options})
}

// summary lists the form's errors in the order of its fields, and any
// errors of fields the form does not show last.
func (b *formBuilder) summary() *errorSummary {
	if len(b.errs) == 0 {
		return nil
	}
	s := &errorSummary{Title: b.t("dialogue.errors_title")}
	done := map[string]bool{}
	for _, name := range b.order {
		if k := b.errs[name]; k != "" {
			s.Items = append(s.Items, summaryItem{Href: "#" + b.ids[name], Text: b.t(k)})
			done[name] = true
		}
	}
	rest := make([]string, 0, len(b.errs))
	for name := range b.errs {
		if !done[name] {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		s.Items = append(s.Items, summaryItem{Href: "#" + b.prefix + "skjema", Text: b.t(b.errs[name])})
	}
	return s
}
