package forms

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/i18n"
)

// fieldView is one field of a form page, with every text already in the
// page's language, so one recursive template can draw any field type.
type fieldView struct {
	Path     string // answer path; also the input's name and id
	Type     string
	Label    string
	Help     string
	Optional bool // shown as "(optional)" after the label
	// OptionalText and LockedText are the words for Optional and Locked.
	OptionalText, LockedText string
	Checkbox                 bool   // a multiple choice: checkboxes
	Error                    string // the error next to the field, in the language
	Cond                     string // when the field only applies after an answer on this page, which one
	Locked                   bool   // filled from the sign-in and read-only

	Value string // one value (text-like types, single choice, yes/no)

	Options []optionView // choice and yes/no
	Select  bool         // a single choice with many options is a select, else radios
	Ranks   []rankView   // ranked choice: one select per rank

	Parts []partView // address

	InputType    string // text, email, tel
	InputMode    string // numeric, decimal, email, tel
	Autocomplete string
	Width        string // CSS class for a short input
	Rows         int    // longtext

	Files    []fileView // file: what is uploaded already
	Accept   string     // file: the accept attribute
	Multiple bool       // file: more than one allowed
	CanAdd   bool       // file: room for more; group: room for another item

	Items     []itemView // group
	AddLabel  string     // group: "Legg til barn"
	GroupPath string     // group: the group's path

	Text []string // info: paragraphs
}

// Describe returns the ids of the hint and error, for aria-describedby.
func (f fieldView) Describe() string {
	var ids []string
	if f.Help != "" || f.Cond != "" {
		ids = append(ids, f.Path+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Path+"-error")
	}
	return strings.Join(ids, " ")
}

type optionView struct {
	ID, Value, Label string
	Checked          bool
}

type rankView struct {
	ID, Label string
	Options   []optionView // the first is the empty choice
}

type partView struct {
	ID, Label, Value, Error, Autocomplete, Width, InputMode string
}

type fileView struct {
	Name, Size  string
	Remove      string // the action value that removes it
	RemoveLabel string
}

type itemView struct {
	Path, Label string
	Fields      []fieldView
	Remove      string // the action value that removes the item; empty when it cannot go
	RemoveLabel string
}

// pageBuilder draws the fields of one page.
type pageBuilder struct {
	form    *formdef.Form
	page    *formdef.Page
	lang    string
	cat     *i18n.Catalog
	values  url.Values
	answers formdef.Answers // for group item counts and files
	visible map[string]bool
	errors  map[string]string
	locked  bool // the person is signed in: locked prefills are read-only
	onPage  map[string]bool
}

func (b *pageBuilder) t(key string, args ...any) string {
	return b.cat.T(i18n.Lang(b.lang), key, args...)
}

// fieldErrorText is the text of e in lang.
func fieldErrorText(cat *i18n.Catalog, lang string, e formdef.FieldError) string {
	if len(e.Message) > 0 {
		return e.Message.In(lang)
	}
	return cat.T(i18n.Lang(lang), e.Key, e.Args...)
}

func (b *pageBuilder) fields(list []formdef.Field, prefix string, answers formdef.Answers) []fieldView {
	var out []fieldView
	for i := range list {
		fl := &list[i]
		path := prefix + fl.ID
		if fl.VisibleIf != nil && !b.visible[path] && !b.dependsOnPage(fl.VisibleIf) {
			continue
		}
		out = append(out, b.field(fl, path, answers))
	}
	return out
}

// dependsOnPage reports whether a condition looks at a field of this
// page: such a field is drawn even while hidden, with a note saying when
// it applies, because without JavaScript the page cannot show it the
// moment the answer changes. The server drops its answer when it does not
// apply.
func (b *pageBuilder) dependsOnPage(c *formdef.Condition) bool {
	if c == nil {
		return false
	}
	if c.Field != "" && b.onPage[c.Field] {
		return true
	}
	for i := range c.All {
		if b.dependsOnPage(&c.All[i]) {
			return true
		}
	}
	for i := range c.Any {
		if b.dependsOnPage(&c.Any[i]) {
			return true
		}
	}
	return b.dependsOnPage(c.Not)
}

func (b *pageBuilder) field(fl *formdef.Field, path string, answers formdef.Answers) fieldView {
	v := fieldView{Path: path, Type: string(fl.Type), Label: fl.Label.In(b.lang), Help: fl.Help.In(b.lang),
		Optional: !fl.Required && fl.Answerable() && fl.Type != formdef.TypeGroup && fl.Type != formdef.TypeFile, Error: b.errors[path],
		Value: b.values.Get(path), OptionalText: b.t("forms.page.optional"), LockedText: b.t("forms.page.locked")}
	if fl.Type == formdef.TypeFile && !fl.Required {
		v.Optional = true
	}
	if fl.VisibleIf != nil && b.dependsOnPage(fl.VisibleIf) {
		v.Cond = b.condition(fl.VisibleIf)
	}
	switch fl.Type {
	case formdef.TypeText:
		v.InputType = "text"
		if fl.Prefill == formdef.PrefillName {
			v.Autocomplete = "name"
			v.Locked = b.locked
		}
	case formdef.TypeLongText:
		v.Rows = 6
	case formdef.TypeNumber:
		v.InputType, v.InputMode, v.Width = "text", "decimal", "w-10"
		if fl.Integer {
			v.InputMode = "numeric"
		}
	case formdef.TypeAmount:
		v.InputType, v.InputMode, v.Width = "text", "decimal", "w-10"
	case formdef.TypeDate:
		v.InputType, v.InputMode, v.Width = "text", "numeric", "w-10"
		if v.Help == "" {
			v.Help = b.t("forms.page.date_hint")
		}
	case formdef.TypeEmail:
		v.InputType, v.Autocomplete = "email", "email"
	case formdef.TypePhone:
		v.InputType, v.Autocomplete, v.Width = "tel", "tel", "w-20"
	case formdef.TypeFNR:
		v.InputType, v.InputMode, v.Width = "text", "numeric", "w-20"
		if fl.Prefill == formdef.PrefillPID {
			v.Locked = b.locked
		}
	case formdef.TypeOrgNr:
		v.InputType, v.InputMode, v.Width = "text", "numeric", "w-20"
	case formdef.TypeYesNo:
		v.Options = []optionView{
			{ID: path, Value: "true", Label: b.t("forms.value.yes"), Checked: v.Value == "true"},
			{ID: path + "-no", Value: "false", Label: b.t("forms.value.no"), Checked: v.Value == "false"},
		}
	case formdef.TypeChoice:
		b.choice(fl, &v)
	case formdef.TypeAddress:
		for _, p := range []struct{ part, key, ac, width, mode string }{
			{formdef.PartStreet, "forms.page.street", "street-address", "", ""},
			{formdef.PartPostalCode, "forms.page.postal_code", "postal-code", "w-5", "numeric"},
			{formdef.PartPostalTown, "forms.page.postal_town", "address-level2", "w-20", ""},
		} {
			id := path + "." + p.part
			v.Parts = append(v.Parts, partView{ID: id, Label: b.t(p.key), Value: b.values.Get(id), Error: b.errors[id],
				Autocomplete: p.ac, Width: p.width, InputMode: p.mode})
		}
	case formdef.TypeFile:
		files := filesOf(answers[fl.ID])
		for i, f := range files {
			v.Files = append(v.Files, fileView{Name: f.Name, Size: formdef.FormatSize(f.Size), Remove: "removefile:" + path + ":" + strconv.Itoa(i),
				RemoveLabel: b.t("forms.page.remove_file", f.Name)})
		}
		v.Accept = strings.Join(fl.EffectiveAccept(), ",")
		v.Multiple = fl.EffectiveMaxFiles()-len(files) > 1
		v.CanAdd = len(files) < fl.EffectiveMaxFiles()
		hint := b.t("forms.page.file_hint", formdef.TypeNames(fl.EffectiveAccept()), formdef.FormatSize(fl.EffectiveMaxSize()), fl.EffectiveMaxFiles())
		if v.Help != "" {
			v.Help += " " + hint
		} else {
			v.Help = hint
		}
	case formdef.TypeGroup:
		b.group(fl, path, answers, &v)
	case formdef.TypeInfo:
		for _, p := range strings.Split(fl.Text.In(b.lang), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				v.Text = append(v.Text, p)
			}
		}
	}
	return v
}

func (b *pageBuilder) choice(fl *formdef.Field, v *fieldView) {
	chosen := map[string]bool{}
	for _, x := range b.values[v.Path] {
		chosen[x] = true
	}
	if fl.Ranked {
		picked := b.values[v.Path]
		for r := 0; r < fl.MaxSelected; r++ {
			id := v.Path
			if r > 0 {
				id = fmt.Sprintf("%s-%d", v.Path, r+1)
			}
			rv := rankView{ID: id, Label: b.t("forms.page.rank", r+1), Options: []optionView{{Value: "", Label: b.t("forms.page.rank_none")}}}
			for _, o := range fl.Options {
				rv.Options = append(rv.Options, optionView{Value: o.Value, Label: o.Label.In(b.lang), Checked: r < len(picked) && picked[r] == o.Value})
			}
			v.Ranks = append(v.Ranks, rv)
		}
		return
	}
	v.Select = !fl.Multiple && len(fl.Options) > 7
	if v.Select {
		v.Options = append(v.Options, optionView{Value: "", Label: b.t("forms.page.choose")})
	}
	for i, o := range fl.Options {
		id := v.Path
		if i > 0 {
			id = fmt.Sprintf("%s-%d", v.Path, i+1)
		}
		v.Options = append(v.Options, optionView{ID: id, Value: o.Value, Label: o.Label.In(b.lang), Checked: chosen[o.Value]})
	}
	v.Checkbox = fl.Multiple
}

func (b *pageBuilder) group(fl *formdef.Field, path string, answers formdef.Answers, v *fieldView) {
	items := itemsOf(answers[fl.ID])
	n := len(items)
	if min := fl.EffectiveMinItems(); n < min {
		n = min
	}
	if n == 0 && fl.Required {
		n = 1
	}
	label := fl.ItemLabel.In(b.lang)
	if label == "" {
		label = v.Label
	}
	v.GroupPath = path
	for i := 0; i < n; i++ {
		var item formdef.Answers
		if i < len(items) {
			item = items[i]
		}
		ip := path + "." + strconv.Itoa(i)
		iv := itemView{Path: ip, Label: fmt.Sprintf("%s %d", label, i+1), Fields: b.fields(fl.Fields, ip+".", item)}
		if n > fl.EffectiveMinItems() && n > 1 || n > fl.EffectiveMinItems() && !fl.Required {
			iv.Remove = "remove:" + ip
			iv.RemoveLabel = b.t("forms.page.remove_item", iv.Label)
		}
		v.Items = append(v.Items, iv)
	}
	v.CanAdd = n < fl.EffectiveMaxItems()
	v.AddLabel = b.t("forms.page.add_item", strings.ToLower(label))
}

// condition says in words when a field applies, for fields drawn before
// their condition can be known.
func (b *pageBuilder) condition(c *formdef.Condition) string {
	if c.Field != "" && (c.Equals != nil || len(c.In) == 1) {
		fl, ok := b.form.Lookup(c.Field)
		if ok {
			want := c.Equals
			if want == nil {
				want = c.In[0]
			}
			return b.t("forms.page.condition_equals", fl.Label.In(b.lang), b.valueLabel(fl, want))
		}
	}
	if c.Field != "" && c.Answered != nil && *c.Answered {
		if fl, ok := b.form.Lookup(c.Field); ok {
			return b.t("forms.page.condition_answered", fl.Label.In(b.lang))
		}
	}
	return b.t("forms.page.condition")
}

func (b *pageBuilder) valueLabel(fl *formdef.Field, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return b.t("forms.value.yes")
		}
		return b.t("forms.value.no")
	case string:
		if o := fl.Option(x); o != nil {
			return o.Label.In(b.lang)
		}
		return x
	}
	return fmt.Sprint(v)
}

// itemsOf reads a group's answer as written by AnswersFromForm or decoded
// from a draft.
func itemsOf(v any) []formdef.Answers {
	switch x := v.(type) {
	case []formdef.Answers:
		return x
	case []any:
		out := make([]formdef.Answers, 0, len(x))
		for _, it := range x {
			switch m := it.(type) {
			case map[string]any:
				out = append(out, formdef.Answers(m))
			case formdef.Answers:
				out = append(out, m)
			default:
				out = append(out, formdef.Answers{})
			}
		}
		return out
	}
	return nil
}

// filesOf reads a file field's answer, from the upload handler or a draft.
func filesOf(v any) []formdef.File {
	switch x := v.(type) {
	case []formdef.File:
		return x
	case formdef.File:
		return []formdef.File{x}
	case []any:
		var out []formdef.File
		for _, it := range x {
			m, ok := it.(map[string]any)
			if !ok {
				continue
			}
			f := formdef.File{}
			f.ID, _ = m["id"].(string)
			f.Name, _ = m["name"].(string)
			f.ContentType, _ = m["content_type"].(string)
			switch n := m["size"].(type) {
			case float64:
				f.Size = int64(n)
			case int64:
				f.Size = n
			}
			if f.ID != "" {
				out = append(out, f)
			}
		}
		return out
	}
	return nil
}
