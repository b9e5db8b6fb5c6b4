package formdef

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// fieldInfo is what Check learns about a field.
type fieldInfo struct {
	f        *Field
	page     int        // index of the page the field is on
	parent   *fieldInfo // the group that contains the field; nil at top level
	depth    int        // how many groups contain the field
	order    int        // position in document order
	defPath  string     // where the field is in the definition
	children []*fieldInfo

	re       *regexp.Regexp // text: the anchored pattern
	earliest *dateExpr      // date
	latest   *dateExpr      // date
	before   *fieldInfo     // date
	after    *fieldInfo     // date
	minOre   *int64         // amount
	maxOre   *int64         // amount
}

// ruleKind is the kind of a cross-field rule.
type ruleKind int

const (
	ruleAfter ruleKind = iota + 1
	ruleBefore
	ruleAnyAnswered
	ruleSum
)

// ruleInfo is what Check learns about a rule.
type ruleInfo struct {
	r      *Rule
	kind   ruleKind
	scope  *fieldInfo   // the group the rule is checked per item of; nil: once
	field  *fieldInfo   // date rules: the field that carries the error
	other  *fieldInfo   // date rules: the field compared with
	fields []*fieldInfo // any_answered and sum
	atMost float64      // sum (in øre for amounts)
}

// index is the checked structure of a form.
type index struct {
	byID    map[string]*fieldInfo
	all     []*fieldInfo   // every field, in document order
	pages   [][]*fieldInfo // the top-level fields of each page
	pageIDs []string       // the id of each page
	rules   []*ruleInfo
}

// index returns the form's index: the one built by Check, or, for a form
// that was never checked successfully, a fresh one (not stored, so that
// unchecked forms stay safe for concurrent reads).
func (f *Form) index() *index {
	if f.idx != nil {
		return f.idx
	}
	ix, _ := f.analyze()
	return ix
}

// isSlug reports whether s matches ^[a-z0-9]+(-[a-z0-9]+)*$.
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	return onlyBytes(s, "abcdefghijklmnopqrstuvwxyz0123456789-")
}

// isID reports whether s matches ^[a-z][a-z0-9_]*$ (field and rule ids).
func isID(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z' && onlyBytes(s, "abcdefghijklmnopqrstuvwxyz0123456789_")
}

// isPageID reports whether s matches ^[a-z][a-z0-9_-]*$.
func isPageID(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z' && onlyBytes(s, "abcdefghijklmnopqrstuvwxyz0123456789_-")
}

// isContentType reports whether s matches ^[a-z]+/[a-z0-9][a-z0-9.+-]*$.
func isContentType(s string) bool {
	typ, sub, ok := strings.Cut(s, "/")
	return ok && typ != "" && onlyBytes(typ, "abcdefghijklmnopqrstuvwxyz") &&
		sub != "" && sub[0] != '.' && sub[0] != '+' && sub[0] != '-' &&
		onlyBytes(sub, "abcdefghijklmnopqrstuvwxyz0123456789.+-")
}

// onlyBytes reports whether every byte of s is in set.
func onlyBytes(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

// Check checks the semantics of the definition: ids, references between
// fields, conditions, the options of each field type, rules and texts. It
// returns a [*DefinitionError] listing every problem, or nil. On success
// the form remembers what it learnt, so Check must not run concurrently
// with other methods of the same Form.
func (f *Form) Check() error {
	ix, probs := f.analyze()
	if len(probs) > 0 {
		f.idx = nil
		return &DefinitionError{Problems: probs}
	}
	f.idx = ix
	return nil
}

// checker collects problems while building an index.
type checker struct {
	f     *Form
	ix    *index
	probs []Problem
	edges map[*fieldInfo][]*fieldInfo // visible_if references, for cycles
}

func (c *checker) add(path, format string, args ...any) {
	c.probs = append(c.probs, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// analyze builds the index and lists the problems of the definition.
func (f *Form) analyze() (*index, []Problem) {
	c := &checker{f: f, ix: &index{byID: map[string]*fieldInfo{}}, edges: map[*fieldInfo][]*fieldInfo{}}
	switch {
	case f.ID == "":
		c.add("id", "missing form id")
	case len(f.ID) > 64 || !isSlug(f.ID):
		c.add("id", "form id %q must be a slug: lower-case letters and digits separated by single hyphens, at most 64 characters", f.ID)
	}
	if f.Version < 0 {
		c.add("version", "version must not be negative")
	}
	c.text(f.Title, "title", true)
	c.text(f.Description, "description", false)
	switch f.Assurance {
	case AssuranceNone, AssuranceSubstantial, AssuranceHigh:
	case "":
		c.add("assurance", "missing assurance (none, substantial or high)")
	default:
		c.add("assurance", "unknown assurance %q (use none, substantial or high)", f.Assurance)
	}
	c.text(f.Privacy.Controller, "privacy.controller", true)
	c.text(f.Privacy.Purpose, "privacy.purpose", true)
	c.text(f.Privacy.LegalBasis, "privacy.legal_basis", true)
	c.text(f.Privacy.Retention, "privacy.retention", true)
	c.text(f.Privacy.Contact, "privacy.contact", false)

	if len(f.Pages) == 0 {
		c.add("pages", "a form needs at least one page")
	}
	pageIDs := map[string]bool{}
	for i := range f.Pages {
		p := &f.Pages[i]
		path := fmt.Sprintf("pages[%d]", i)
		switch {
		case p.ID == "":
			c.add(path+".id", "missing page id")
		case len(p.ID) > 64 || !isPageID(p.ID):
			c.add(path+".id", "page id %q must match ^[a-z][a-z0-9_-]*$ (at most 64 characters)", p.ID)
		case pageIDs[p.ID]:
			c.add(path+".id", "duplicate page id %q", p.ID)
		}
		pageIDs[p.ID] = true
		c.text(p.Title, path+".title", true)
		c.text(p.Description, path+".description", false)
		if len(p.Fields) == 0 {
			c.add(path+".fields", "a page needs at least one field")
		}
		c.ix.pages = append(c.ix.pages, c.collect(p.Fields, i, nil, path))
		c.ix.pageIDs = append(c.ix.pageIDs, p.ID)
	}
	for _, fi := range c.ix.all {
		c.checkField(fi)
	}
	c.cycles()
	c.checkRules()
	return c.ix, c.probs
}

// collect registers fields (and, recursively, the fields of groups).
func (c *checker) collect(fields []Field, page int, parent *fieldInfo, path string) []*fieldInfo {
	var out []*fieldInfo
	for i := range fields {
		fl := &fields[i]
		fi := &fieldInfo{f: fl, page: page, parent: parent, order: len(c.ix.all), defPath: fmt.Sprintf("%s.fields[%d]", path, i)}
		if parent != nil {
			fi.depth = parent.depth + 1
		}
		switch {
		case fl.ID == "":
			c.add(fi.defPath+".id", "missing field id")
		case len(fl.ID) > 64 || !isID(fl.ID):
			c.add(fi.defPath+".id", "field id %q must match ^[a-z][a-z0-9_]*$ (at most 64 characters)", fl.ID)
		case c.ix.byID[fl.ID] != nil:
			c.add(fi.defPath+".id", "duplicate field id %q", fl.ID)
		default:
			c.ix.byID[fl.ID] = fi
		}
		c.ix.all = append(c.ix.all, fi)
		out = append(out, fi)
		if fl.Type == TypeGroup {
			if fi.depth+1 > MaxGroupDepth {
				c.add(fi.defPath+".type", "groups nest at most %d levels deep: this group is inside %d groups", MaxGroupDepth, fi.depth)
			}
			fi.children = c.collect(fl.Fields, page, fi, fi.defPath)
		}
	}
	return out
}

// text checks a localized text.
func (c *checker) text(t Text, path string, required bool) {
	if t == nil {
		if required {
			c.add(path, "missing text (at least bokmål, nb)")
		}
		return
	}
	for _, k := range sortedKeys(t) {
		switch k {
		case "nb", "nn", "en":
		default:
			c.add(joinPath(path, k), "unknown language %q (use nb, nn or en)", k)
			continue
		}
		if strings.TrimSpace(t[k]) == "" {
			c.add(joinPath(path, k), "text must not be empty")
		}
	}
	if _, ok := t["nb"]; !ok {
		c.add(path, "missing bokmål text (nb)")
	}
}

// option describes a type-specific option of a field.
type option struct {
	name  string
	set   bool
	types []Type
}

func (c *checker) checkField(fi *fieldInfo) {
	fl, path := fi.f, fi.defPath
	known := true
	switch fl.Type {
	case TypeText, TypeLongText, TypeNumber, TypeDate, TypeChoice, TypeYesNo, TypeEmail, TypePhone,
		TypeAddress, TypeFNR, TypeOrgNr, TypeAmount, TypeFile, TypeGroup, TypeInfo:
	case "":
		c.add(path+".type", "missing field type")
		known = false
	default:
		c.add(path+".type", "unknown field type %q", fl.Type)
		known = false
	}
	if fl.Type == TypeInfo {
		c.text(fl.Label, path+".label", false)
		if fl.Required {
			c.add(path+".required", "an info field has no answer and cannot be required")
		}
	} else {
		c.text(fl.Label, path+".label", true)
	}
	c.text(fl.Help, path+".help", false)
	c.checkPrefill(fi)
	switch fl.Category {
	case "":
	case CategoryName, CategoryHealth, CategoryFinance:
		if fl.Type == TypeInfo || fl.Type == TypeGroup {
			c.add(path+".category", "category does not apply to a field of type %q", fl.Type)
		}
	default:
		c.add(path+".category", "unknown category %q (use name, health or finance)", fl.Category)
	}
	if fl.VisibleIf != nil {
		c.checkCond(fl.VisibleIf, fi.parent, fi.page, fi, path+".visible_if")
	}
	if !known {
		return
	}
	opts := []option{
		{"min_length", fl.MinLength != 0, []Type{TypeText, TypeLongText}},
		{"max_length", fl.MaxLength != 0, []Type{TypeText, TypeLongText}},
		{"pattern", fl.Pattern != "", []Type{TypeText}},
		{"min", fl.Min != nil, []Type{TypeNumber, TypeAmount}},
		{"max", fl.Max != nil, []Type{TypeNumber, TypeAmount}},
		{"integer", fl.Integer, []Type{TypeNumber}},
		{"earliest", fl.Earliest != "", []Type{TypeDate}},
		{"latest", fl.Latest != "", []Type{TypeDate}},
		{"before", fl.Before != "", []Type{TypeDate}},
		{"after", fl.After != "", []Type{TypeDate}},
		{"options", fl.Options != nil, []Type{TypeChoice}},
		{"multiple", fl.Multiple, []Type{TypeChoice}},
		{"ranked", fl.Ranked, []Type{TypeChoice}},
		{"min_selected", fl.MinSelected != 0, []Type{TypeChoice}},
		{"max_selected", fl.MaxSelected != 0, []Type{TypeChoice}},
		{"international", fl.International, []Type{TypePhone}},
		{"accept", fl.Accept != nil, []Type{TypeFile}},
		{"max_size", fl.MaxSize != 0, []Type{TypeFile}},
		{"max_files", fl.MaxFiles != 0, []Type{TypeFile}},
		{"fields", fl.Fields != nil, []Type{TypeGroup}},
		{"min_items", fl.MinItems != 0, []Type{TypeGroup}},
		{"max_items", fl.MaxItems != 0, []Type{TypeGroup}},
		{"item_label", fl.ItemLabel != nil, []Type{TypeGroup}},
		{"text", fl.Text != nil, []Type{TypeInfo}},
	}
	for _, o := range opts {
		if o.set && !hasType(o.types, fl.Type) {
			c.add(path+"."+o.name, "option %q does not apply to a field of type %q", o.name, fl.Type)
		}
	}
	switch fl.Type {
	case TypeText, TypeLongText:
		c.checkText(fi)
	case TypeNumber:
		if fl.Min != nil && fl.Max != nil && *fl.Min > *fl.Max {
			c.add(path+".min", "min is larger than max")
		}
	case TypeAmount:
		fi.minOre = c.kroner(fl.Min, path+".min")
		fi.maxOre = c.kroner(fl.Max, path+".max")
		if fi.minOre != nil && fi.maxOre != nil && *fi.minOre > *fi.maxOre {
			c.add(path+".min", "min is larger than max")
		}
	case TypeDate:
		c.checkDate(fi)
	case TypeChoice:
		c.checkChoice(fi)
	case TypeFile:
		seen := map[string]bool{}
		for i, ct := range fl.Accept {
			p := fmt.Sprintf("%s.accept[%d]", path, i)
			switch {
			case !isContentType(ct):
				c.add(p, "%q is not a content type such as application/pdf", ct)
			case seen[ct]:
				c.add(p, "content type %q is listed twice", ct)
			}
			seen[ct] = true
		}
		if fl.Accept != nil && len(fl.Accept) == 0 {
			c.add(path+".accept", "accept must not be empty (leave it out for PDF, JPEG and PNG)")
		}
		if fl.MaxSize < 0 || fl.MaxSize > MaxFileSize {
			c.add(path+".max_size", "max_size must be between 1 and %d bytes", MaxFileSize)
		}
		if fl.MaxFiles < 0 || fl.MaxFiles > MaxFilesPerField {
			c.add(path+".max_files", "max_files must be between 1 and %d", MaxFilesPerField)
		}
	case TypeGroup:
		if len(fl.Fields) == 0 {
			c.add(path+".fields", "a group needs at least one field")
		}
		if fl.MinItems < 0 {
			c.add(path+".min_items", "min_items must not be negative")
		}
		if fl.MaxItems < 0 || fl.MaxItems > MaxGroupItems {
			c.add(path+".max_items", "max_items must be between 1 and %d", MaxGroupItems)
		} else if fl.MinItems > fl.EffectiveMaxItems() {
			c.add(path+".min_items", "min_items is larger than max_items")
		}
		c.text(fl.ItemLabel, path+".item_label", false)
	case TypeInfo:
		c.text(fl.Text, path+".text", true)
	}
}

func hasType(types []Type, t Type) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

func (c *checker) checkPrefill(fi *fieldInfo) {
	fl, path := fi.f, fi.defPath+".prefill"
	if fl.Prefill == "" {
		return
	}
	want := map[Prefill]Type{PrefillName: TypeText, PrefillPID: TypeFNR, PrefillAddress: TypeAddress, PrefillEmail: TypeEmail}
	t, ok := want[fl.Prefill]
	switch {
	case !ok:
		c.add(path, "unknown prefill %q (use name, pid, address or email)", fl.Prefill)
	case fl.Type != t:
		c.add(path, "prefill %q needs a field of type %q", fl.Prefill, t)
	case fi.parent != nil:
		c.add(path, "prefill is only allowed outside groups")
	}
}

func (c *checker) checkText(fi *fieldInfo) {
	fl, path := fi.f, fi.defPath
	if fl.MinLength < 0 {
		c.add(path+".min_length", "min_length must not be negative")
	}
	if fl.MaxLength < 0 || fl.MaxLength > MaxTextLength {
		c.add(path+".max_length", "max_length must be between 1 and %d", MaxTextLength)
	} else if fl.MinLength > fl.EffectiveMaxLength() {
		c.add(path+".min_length", "min_length is larger than max_length")
	}
	if fl.Pattern == "" {
		return
	}
	if len(fl.Pattern) > 1000 {
		c.add(path+".pattern", "pattern is longer than 1000 characters")
		return
	}
	if _, err := regexp.Compile(fl.Pattern); err != nil {
		c.add(path+".pattern", "pattern does not compile: %v", err)
		return
	}
	re, err := regexp.Compile(`^(?:` + fl.Pattern + `)$`)
	if err != nil {
		c.add(path+".pattern", "pattern does not compile when anchored: %v", err)
		return
	}
	fi.re = re
}

// kroner checks an amount limit in kroner and returns it in øre.
func (c *checker) kroner(x *float64, path string) *int64 {
	if x == nil {
		return nil
	}
	ore := math.Round(*x * 100)
	switch {
	case *x < 0:
		c.add(path, "an amount limit must not be negative")
	case *x > maxKroner:
		c.add(path, "an amount limit must be at most %d kroner", int64(maxKroner))
	case math.Abs(ore-*x*100) > 1e-6:
		c.add(path, "an amount limit has at most 2 decimals")
	default:
		o := int64(ore)
		return &o
	}
	return nil
}

func (c *checker) checkDate(fi *fieldInfo) {
	fl, path := fi.f, fi.defPath
	parse := func(s, name string) *dateExpr {
		if s == "" {
			return nil
		}
		e, ok := parseDateExpr(s)
		if !ok {
			c.add(path+"."+name, "%s %q must be a date (YYYY-MM-DD), today, or today plus or minus a number of d, w, m or y, e.g. today-18y", name, s)
			return nil
		}
		return &e
	}
	fi.earliest = parse(fl.Earliest, "earliest")
	fi.latest = parse(fl.Latest, "latest")
	if fi.earliest != nil && fi.latest != nil && !fi.earliest.rel && !fi.latest.rel && fi.earliest.abs.After(fi.latest.abs) {
		c.add(path+".earliest", "earliest is later than latest")
	}
	fi.before = c.dateRef(fi, fl.Before, path+".before")
	fi.after = c.dateRef(fi, fl.After, path+".after")
}

// dateRef resolves the before or after option of a date field.
func (c *checker) dateRef(fi *fieldInfo, name, path string) *fieldInfo {
	if name == "" {
		return nil
	}
	r := c.ix.byID[name]
	switch {
	case r == nil:
		c.add(path, "unknown field %q", name)
	case r == fi:
		c.add(path, "refers to the field itself")
	case r.f.Type != TypeDate:
		c.add(path, "field %q is not a date field", name)
	case !visibleFrom(r, fi.parent):
		c.add(path, "field %q is inside group %q and cannot be seen from here", name, r.parent.f.ID)
	default:
		return r
	}
	return nil
}

func (c *checker) checkChoice(fi *fieldInfo) {
	fl, path := fi.f, fi.defPath
	if len(fl.Options) == 0 {
		c.add(path+".options", "a choice field needs at least one option")
	}
	seen := map[string]bool{}
	for i, o := range fl.Options {
		p := fmt.Sprintf("%s.options[%d]", path, i)
		switch {
		case o.Value == "":
			c.add(p+".value", "missing option value")
		case strings.TrimSpace(o.Value) != o.Value:
			c.add(p+".value", "option value %q must not start or end with white space", o.Value)
		case len(o.Value) > 200:
			c.add(p+".value", "option value is longer than 200 bytes")
		case seen[o.Value]:
			c.add(p+".value", "options must have distinct values")
		}
		seen[o.Value] = true
		c.text(o.Label, p+".label", true)
	}
	if !fl.IsList() {
		if fl.MinSelected != 0 || fl.MaxSelected != 0 {
			c.add(path, "min_selected and max_selected need multiple or ranked")
		}
		return
	}
	switch {
	case fl.MinSelected < 0:
		c.add(path+".min_selected", "min_selected must not be negative")
	case fl.MaxSelected < 0:
		c.add(path+".max_selected", "max_selected must not be negative")
	case fl.MaxSelected > len(fl.Options):
		c.add(path+".max_selected", "max_selected is larger than the number of options")
	case fl.MaxSelected > 0 && fl.MinSelected > fl.MaxSelected:
		c.add(path+".min_selected", "min_selected is larger than max_selected")
	case fl.MinSelected > len(fl.Options):
		c.add(path+".min_selected", "min_selected is larger than the number of options")
	}
	if fl.Ranked && fl.MaxSelected == 0 {
		c.add(path+".max_selected", "a ranked choice needs max_selected: how many the citizen can rank")
	}
}

// visibleFrom reports whether a condition in container from (nil: top
// level) can see field r: r is at top level, in from, or in a group that
// contains from.
func visibleFrom(r *fieldInfo, from *fieldInfo) bool {
	for s := from; ; s = s.parent {
		if s == r.parent {
			return true
		}
		if s == nil {
			return false
		}
	}
}

// within reports whether container inner is outer or inside it.
func within(inner, outer *fieldInfo) bool {
	for s := inner; ; s = s.parent {
		if s == outer {
			return true
		}
		if s == nil {
			return false
		}
	}
}

// checkCond checks a condition seen from container from on page page.
// self is the field whose visible_if it is (nil for rules).
func (c *checker) checkCond(cond *Condition, from *fieldInfo, page int, self *fieldInfo, path string) {
	n := 0
	isField := cond.Field != "" || cond.Equals != nil || cond.In != nil || cond.Answered != nil
	for _, b := range []bool{isField, cond.All != nil, cond.Any != nil, cond.Not != nil} {
		if b {
			n++
		}
	}
	if n != 1 {
		c.add(path, "a condition needs exactly one of field, all, any or not")
		return
	}
	switch {
	case cond.All != nil || cond.Any != nil:
		list, name := cond.All, "all"
		if cond.Any != nil {
			list, name = cond.Any, "any"
		}
		if len(list) == 0 {
			c.add(path+"."+name, "must not be empty")
		}
		for i := range list {
			c.checkCond(&list[i], from, page, self, fmt.Sprintf("%s.%s[%d]", path, name, i))
		}
		return
	case cond.Not != nil:
		c.checkCond(cond.Not, from, page, self, path+".not")
		return
	}
	ops := 0
	for _, b := range []bool{cond.Equals != nil, cond.In != nil, cond.Answered != nil} {
		if b {
			ops++
		}
	}
	if cond.Field == "" {
		c.add(path, "missing field")
		return
	}
	if ops != 1 {
		c.add(path, "a field condition needs exactly one of equals, in or answered")
	}
	r := c.ix.byID[cond.Field]
	fp := path + ".field"
	switch {
	case r == nil:
		c.add(fp, "unknown field %q", cond.Field)
		return
	case r == self:
		c.add(fp, "refers to the field itself")
		return
	case r.f.Type == TypeInfo:
		c.add(fp, "field %q is an info field and has no answer", cond.Field)
		return
	case self != nil && within(self.parent, r):
		c.add(fp, "refers to group %q, which contains this field", cond.Field)
		return
	case !visibleFrom(r, from):
		c.add(fp, "field %q is inside group %q and cannot be seen from here", cond.Field, r.parent.f.ID)
		return
	case r.page > page:
		c.add(fp, "field %q is on a later page", cond.Field)
		return
	}
	if self != nil {
		c.edges[self] = append(c.edges[self], r)
	}
	if cond.Equals != nil {
		c.condValue(r, cond.Equals, path+".equals")
	}
	if cond.In != nil {
		if len(cond.In) == 0 {
			c.add(path+".in", "must not be empty")
		}
		for i, v := range cond.In {
			c.condValue(r, v, fmt.Sprintf("%s.in[%d]", path, i))
		}
	}
}

// condValue checks that v can be compared with an answer of field r.
func (c *checker) condValue(r *fieldInfo, v any, path string) {
	id := r.f.ID
	switch r.f.Type {
	case TypeYesNo:
		if _, ok := v.(bool); !ok {
			c.add(path, "field %q is yes/no: compare with true or false", id)
		}
	case TypeChoice:
		s, ok := v.(string)
		switch {
		case !ok:
			c.add(path, "field %q is a choice: compare with an option value", id)
		case r.f.Option(s) == nil:
			c.add(path, "%q is not an option of field %q", s, id)
		}
	case TypeNumber, TypeAmount:
		if _, ok := asFloat(v); !ok {
			c.add(path, "field %q is a number: compare with a number", id)
		}
	case TypeAddress, TypeFile, TypeGroup:
		c.add(path, "only answered can test field %q of type %q", id, r.f.Type)
	default:
		if _, ok := v.(string); !ok {
			c.add(path, "field %q is text: compare with a string", id)
		}
	}
}

// cycles reports visible_if conditions that depend on themselves.
func (c *checker) cycles() {
	const (
		white = iota
		grey
		black
	)
	color := map[*fieldInfo]int{}
	var stack []*fieldInfo
	var visit func(fi *fieldInfo)
	visit = func(fi *fieldInfo) {
		color[fi] = grey
		stack = append(stack, fi)
		for _, r := range c.edges[fi] {
			switch color[r] {
			case white:
				visit(r)
			case grey:
				var names []string
				start := 0
				for i, s := range stack {
					if s == r {
						start = i
					}
				}
				for _, s := range stack[start:] {
					names = append(names, s.f.ID)
				}
				names = append(names, r.f.ID)
				c.add(r.defPath+".visible_if", "visible_if forms a cycle: %s", strings.Join(names, " → "))
			}
		}
		stack = stack[:len(stack)-1]
		color[fi] = black
	}
	for _, fi := range c.ix.all {
		if color[fi] == white {
			visit(fi)
		}
	}
}

func (c *checker) checkRules() {
	seen := map[string]bool{}
	lastPage := len(c.f.Pages)
	for i := range c.f.Rules {
		r := &c.f.Rules[i]
		path := fmt.Sprintf("rules[%d]", i)
		before := len(c.probs)
		switch {
		case r.ID == "":
			c.add(path+".id", "missing rule id")
		case len(r.ID) > 64 || !isID(r.ID):
			c.add(path+".id", "rule id %q must match ^[a-z][a-z0-9_]*$ (at most 64 characters)", r.ID)
		case seen[r.ID]:
			c.add(path+".id", "duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		c.text(r.Message, path+".message", false)
		ri := c.requirement(r, path+".require")
		if ri != nil && r.If != nil {
			c.checkCond(r.If, ri.scope, lastPage, nil, path+".if")
		}
		if ri != nil && len(c.probs) == before {
			c.ix.rules = append(c.ix.rules, ri)
		}
	}
}

// ruleRef resolves a field named by a rule.
func (c *checker) ruleRef(name, path string) *fieldInfo {
	r := c.ix.byID[name]
	switch {
	case name == "":
		c.add(path, "missing field")
	case r == nil:
		c.add(path, "unknown field %q", name)
	case r.f.Type == TypeInfo:
		c.add(path, "field %q is an info field and has no answer", name)
	default:
		return r
	}
	return nil
}

func (c *checker) requirement(r *Rule, path string) *ruleInfo {
	q := &r.Require
	isDate := q.Field != "" || q.AfterField != "" || q.BeforeField != ""
	isAny := q.AnyAnswered != nil
	isSum := q.Sum != nil || q.AtMost != nil
	n := 0
	for _, b := range []bool{isDate, isAny, isSum} {
		if b {
			n++
		}
	}
	if n != 1 {
		c.add(path, "require needs exactly one of: field with after_field or before_field; any_answered; sum with at_most")
		return nil
	}
	ri := &ruleInfo{r: r}
	switch {
	case isDate:
		ri.kind = ruleAfter
		other, otherPath := q.AfterField, path+".after_field"
		if (q.AfterField == "") == (q.BeforeField == "") {
			c.add(path, "a date rule needs exactly one of after_field and before_field")
			return nil
		}
		if q.BeforeField != "" {
			ri.kind, other, otherPath = ruleBefore, q.BeforeField, path+".before_field"
		}
		ri.field = c.ruleRef(q.Field, path+".field")
		ri.other = c.ruleRef(other, otherPath)
		if ri.field == nil || ri.other == nil {
			return nil
		}
		switch {
		case ri.field.f.Type != TypeDate:
			c.add(path+".field", "field %q is not a date field", q.Field)
		case ri.other.f.Type != TypeDate:
			c.add(otherPath, "field %q is not a date field", other)
		case ri.field == ri.other:
			c.add(otherPath, "refers to the same field as field")
		case !visibleFrom(ri.other, ri.field.parent) && !within(ri.other.parent, ri.field.parent):
			c.add(otherPath, "field %q is in group %q and cannot be compared with %q", other, ri.other.parent.f.ID, q.Field)
		default:
			ri.scope = ri.field.parent
			return ri
		}
	case isAny:
		if len(q.AnyAnswered) == 0 {
			c.add(path+".any_answered", "must not be empty")
			return nil
		}
		names := map[string]bool{}
		for i, name := range q.AnyAnswered {
			p := fmt.Sprintf("%s.any_answered[%d]", path, i)
			fi := c.ruleRef(name, p)
			switch {
			case fi == nil:
			case names[name]:
				c.add(p, "field %q is listed twice", name)
			case len(ri.fields) > 0 && fi.parent != ri.fields[0].parent:
				c.add(p, "the fields of any_answered must all be in the same group")
			default:
				ri.fields = append(ri.fields, fi)
			}
			names[name] = true
		}
		if len(ri.fields) != len(q.AnyAnswered) {
			return nil
		}
		ri.kind, ri.scope = ruleAnyAnswered, ri.fields[0].parent
		return ri
	case isSum:
		ri.kind = ruleSum
		if len(q.Sum) == 0 {
			c.add(path+".sum", "must list at least one field")
			return nil
		}
		for i, name := range q.Sum {
			p := fmt.Sprintf("%s.sum[%d]", path, i)
			fi := c.ruleRef(name, p)
			switch {
			case fi == nil:
			case fi.f.Type != TypeNumber && fi.f.Type != TypeAmount:
				c.add(p, "field %q is not a number or amount field", name)
			case len(ri.fields) > 0 && fi.f.Type != ri.fields[0].f.Type:
				c.add(p, "the fields of sum must all be numbers or all be amounts")
			default:
				ri.fields = append(ri.fields, fi)
			}
		}
		if q.AtMost == nil {
			c.add(path, "sum needs at_most")
			return nil
		}
		if len(ri.fields) != len(q.Sum) {
			return nil
		}
		ri.atMost = *q.AtMost
		if ri.fields[0].f.Type == TypeAmount {
			ore := c.kroner(q.AtMost, path+".at_most")
			if ore == nil {
				return nil
			}
			ri.atMost = float64(*ore)
		}
		return ri
	}
	return nil
}
