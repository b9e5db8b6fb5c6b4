package formdef

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FieldError is a problem with one answer, for showing next to the field.
type FieldError struct {
	// Path locates the answer: see the package documentation ("Paths"),
	// e.g. "children.1.birth_date" or "address.postal_code".
	Path string
	// Key is the message key, e.g. "forms.error.required" or
	// "nin.error.check2"; the texts are in Messages (and, for "nin.error.*",
	// in package nin).
	Key string
	// Args are the arguments of the message, in the order of its verbs.
	// They never depend on the language (dates are dd.mm.yyyy).
	Args []any
	// Message is set when a cross-field rule has its own message; show it
	// instead of the text of Key.
	Message Text
}

// ErrorKeys returns the message key of each error by path, the form of
// field errors that errs.E takes.
func ErrorKeys(errs []FieldError) map[string]string {
	m := make(map[string]string, len(errs))
	for _, e := range errs {
		if _, ok := m[e.Path]; !ok {
			m[e.Path] = e.Key
		}
	}
	return m
}

// ValidationContext holds what Validate needs besides the answers.
type ValidationContext struct {
	// Today is the date that "today" in date limits means, in its
	// location; the zero time means the current date.
	Today time.Time
	// PageID, when set, limits errors and the clean answers to that page
	// (for step-wise drafts); empty or unknown means all pages.
	PageID string
}

// Validate checks the answers against the form, as the citizen would
// submit them.
//
// Only visible fields are checked; a hidden field is never required and its
// answer is dropped, as are answers to fields the form does not have. clean
// holds the normalized answers of the visible fields that have no errors
// (see the package documentation, "Answers"). errs is in the order of the
// fields in the form, at most one error per path; cross-field rules are
// checked on the clean answers after the fields.
//
// With ctx.PageID set, every page is still read (rules and conditions need
// them), but only the errors and clean answers of that page are returned:
// store them in the draft in place of that page's previous answers.
func (f *Form) Validate(a Answers, ctx ValidationContext) (clean Answers, errs []FieldError) {
	today := ctx.Today
	if today.IsZero() {
		today = time.Now()
	}
	e := newEval(f.index(), dayOf(today), false)
	clean = e.run(a)
	e.checkRules(clean)
	errs = e.sortedErrors()
	if page := e.pageIndex(ctx.PageID); page >= 0 {
		kept := errs[:0]
		for _, fe := range errs {
			if e.pageOf(fe.Path) == page {
				kept = append(kept, fe)
			}
		}
		errs = kept
		for k := range clean {
			if fi := e.ix.byID[k]; fi == nil || fi.page != page {
				delete(clean, k)
			}
		}
	}
	return clean, errs
}

// Visible reports, for every field path the answers give (see the package
// documentation, "Paths"; group fields once per item in the answers), whether
// the field is visible. Group items are counted as Validate counts them.
func (f *Form) Visible(a Answers) map[string]bool {
	e := newEval(f.index(), dayOf(time.Now()), true)
	out := map[string]bool{}
	top := &scope{answers: a}
	for _, page := range e.ix.pages {
		for _, fi := range page {
			e.markVisible(fi, top, out)
		}
	}
	return out
}

func (e *eval) markVisible(fi *fieldInfo, s *scope, out map[string]bool) {
	out[s.prefix+fi.f.ID] = e.visible(fi, s)
	if fi.f.Type != TypeGroup {
		return
	}
	items, _, _ := e.items(fi, s)
	for i, item := range items {
		is := itemScope(fi, s, i, item)
		for _, c := range fi.children {
			e.markVisible(c, is, out)
		}
	}
}

// scope is where a field's answer is looked up: the top level, or one item
// of a group.
type scope struct {
	answers Answers
	group   *fieldInfo // the group of the item; nil at top level
	parent  *scope     // the scope the group is in
	prefix  string     // path prefix of the answers: "" or "children.0."
}

func itemScope(group *fieldInfo, s *scope, i int, item Answers) *scope {
	return &scope{answers: item, group: group, parent: s, prefix: s.prefix + group.f.ID + "." + strconv.Itoa(i) + "."}
}

// find returns the scope (s or one around it) that holds field r's answer.
func (s *scope) find(r *fieldInfo) *scope {
	for x := s; x != nil; x = x.parent {
		if x.group == r.parent {
			return x
		}
	}
	return nil
}

// Visibility memo states.
const (
	visUnknown int8 = iota
	visBusy
	visHidden
	visShown
)

// eval evaluates one set of answers.
type eval struct {
	ix      *index
	today   time.Time
	lenient bool // keep readable values that have errors (for Summary)
	norms   map[string]*normResult
	vis     map[string]int8
	groups  map[string]groupItems
	errs    []FieldError
}

type groupItems struct {
	items []Answers
	total int
	ok    bool
}

func newEval(ix *index, today time.Time, lenient bool) *eval {
	return &eval{ix: ix, today: today, lenient: lenient, norms: map[string]*normResult{}, vis: map[string]int8{}, groups: map[string]groupItems{}}
}

func (e *eval) err(path, key string, args ...any) {
	e.errs = append(e.errs, FieldError{Path: path, Key: key, Args: args})
}

// norm returns the normalized answer of field fi in scope s.
func (e *eval) norm(fi *fieldInfo, s *scope) *normResult {
	path := s.prefix + fi.f.ID
	if n, ok := e.norms[path]; ok {
		return n
	}
	n := normalize(fi, s.answers[fi.f.ID], path, e.today)
	e.norms[path] = n
	return n
}

// items returns the items of group fi in scope s (at most MaxGroupItems),
// how many there were, and whether all could be read.
func (e *eval) items(fi *fieldInfo, s *scope) ([]Answers, int, bool) {
	path := s.prefix + fi.f.ID
	if g, ok := e.groups[path]; ok {
		return g.items, g.total, g.ok
	}
	raw := s.answers[fi.f.ID]
	items, ok := asItems(raw)
	if raw == nil {
		ok = true
	}
	g := groupItems{items: items, total: len(items), ok: ok}
	if len(g.items) > MaxGroupItems {
		g.items = g.items[:MaxGroupItems]
	}
	e.groups[path] = g
	return g.items, g.total, g.ok
}

// visible reports whether field fi is visible in scope s: its group item
// is visible and its condition holds.
func (e *eval) visible(fi *fieldInfo, s *scope) bool {
	key := s.prefix + fi.f.ID
	switch e.vis[key] {
	case visShown:
		return true
	case visHidden, visBusy:
		return false
	}
	e.vis[key] = visBusy
	v := true
	if s.group != nil && !e.visible(s.group, s.parent) {
		v = false
	}
	if v && fi.f.VisibleIf != nil {
		v = evalCond(fi.f.VisibleIf, s, e.getVisible)
	}
	e.vis[key] = visHidden
	if v {
		e.vis[key] = visShown
	}
	return v
}

// getVisible is what a visible_if condition sees of field id from scope s:
// the readable normalized answer of a visible field.
func (e *eval) getVisible(id string, s *scope) (any, bool) {
	r := e.ix.byID[id]
	if r == nil {
		return nil, false
	}
	rs := s.find(r)
	if rs == nil || !e.visible(r, rs) {
		return nil, false
	}
	if r.f.Type == TypeGroup {
		items, _, _ := e.items(r, rs)
		return items, len(items) > 0
	}
	n := e.norm(r, rs)
	if !n.answered || n.val == nil {
		return nil, false
	}
	return n.val, true
}

// getClean is what a rule sees of field id from scope s of the clean
// answers.
func (e *eval) getClean(id string, s *scope) (any, bool) {
	r := e.ix.byID[id]
	if r == nil {
		return nil, false
	}
	return cleanValue(r, s)
}

func cleanValue(r *fieldInfo, s *scope) (any, bool) {
	rs := s.find(r)
	if rs == nil {
		return nil, false
	}
	v, ok := rs.answers[r.f.ID]
	return v, ok && v != nil
}

// evalCond evaluates a condition in scope s, reading answers with get.
func evalCond(c *Condition, s *scope, get func(string, *scope) (any, bool)) bool {
	switch {
	case c.All != nil:
		for i := range c.All {
			if !evalCond(&c.All[i], s, get) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for i := range c.Any {
			if evalCond(&c.Any[i], s, get) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !evalCond(c.Not, s, get)
	}
	v, ok := get(c.Field, s)
	switch {
	case c.Answered != nil:
		return ok == *c.Answered
	case c.Equals != nil:
		return ok && matches(v, c.Equals)
	case c.In != nil:
		if ok {
			for _, w := range c.In {
				if matches(v, w) {
					return true
				}
			}
		}
	}
	return false
}

// matches compares a normalized answer with a value from a condition.
func matches(v, want any) bool {
	switch x := v.(type) {
	case bool:
		w, ok := want.(bool)
		return ok && w == x
	case string:
		w, ok := want.(string)
		return ok && w == x
	case []string:
		w, ok := want.(string)
		return ok && slices.Contains(x, w)
	case float64:
		w, ok := asFloat(want)
		return ok && w == x
	case int64: // an amount in øre
		w, ok := asFloat(want)
		return ok && math.Round(w*100) == float64(x)
	}
	return false
}

// run checks every field and returns the clean answers.
func (e *eval) run(a Answers) Answers {
	top := &scope{answers: a}
	clean := Answers{}
	for _, page := range e.ix.pages {
		for _, fi := range page {
			e.field(fi, top, clean)
		}
	}
	return clean
}

// field checks field fi in scope s and puts its clean answer in out.
func (e *eval) field(fi *fieldInfo, s *scope, out Answers) {
	if !e.visible(fi, s) {
		return
	}
	fl := fi.f
	path := s.prefix + fl.ID
	switch fl.Type {
	case TypeInfo:
		return
	case TypeGroup:
		items, total, ok := e.items(fi, s)
		switch {
		case !ok:
			e.err(path, KeyInvalid)
		case total < fl.EffectiveMinItems():
			e.err(path, KeyTooFewItems, fl.EffectiveMinItems())
		case total > fl.EffectiveMaxItems():
			e.err(path, KeyTooManyItems, fl.EffectiveMaxItems())
		}
		if len(items) == 0 {
			return
		}
		cleanItems := make([]Answers, len(items))
		for i, item := range items {
			is := itemScope(fi, s, i, item)
			cleanItems[i] = Answers{}
			for _, c := range fi.children {
				e.field(c, is, cleanItems[i])
			}
		}
		out[fl.ID] = cleanItems
		return
	}
	n := e.norm(fi, s)
	e.errs = append(e.errs, n.errs...)
	if !n.answered {
		if fl.Required {
			switch fl.Type {
			case TypeChoice, TypeYesNo:
				e.err(path, KeyRequiredChoice)
			case TypeFile:
				e.err(path, KeyRequiredFile)
			case TypeAddress:
				for _, p := range []string{PartStreet, PartPostalCode, PartPostalTown} {
					e.err(path+"."+p, KeyRequired)
				}
			default:
				e.err(path, KeyRequired)
			}
		}
		return
	}
	good := len(n.errs) == 0
	if good && fl.Type == TypeDate {
		good = e.dateOrder(fi, s, n.val.(string), path)
	}
	if good || (e.lenient && n.val != nil) {
		out[fl.ID] = n.val
	}
}

// dateOrder checks the before and after options of a date field.
func (e *eval) dateOrder(fi *fieldInfo, s *scope, d, path string) bool {
	if fi.after != nil {
		if v, ok := e.getVisible(fi.after.f.ID, s); ok {
			if o, _ := v.(string); o != "" && d <= o {
				e.err(path, KeyDateAfter, formatDate(o))
				return false
			}
		}
	}
	if fi.before != nil {
		if v, ok := e.getVisible(fi.before.f.ID, s); ok {
			if o, _ := v.(string); o != "" && d >= o {
				e.err(path, KeyDateBefore, formatDate(o))
				return false
			}
		}
	}
	return true
}

// scopesBelow returns the scopes of every item of group target (nil: the
// top level) inside scope s of the clean answers.
func scopesBelow(target *fieldInfo, s *scope) []*scope {
	if target == s.group {
		return []*scope{s}
	}
	if target == nil {
		return nil
	}
	var out []*scope
	for _, ps := range scopesBelow(target.parent, s) {
		items, _ := ps.answers[target.f.ID].([]Answers)
		for i, item := range items {
			out = append(out, itemScope(target, ps, i, item))
		}
	}
	return out
}

// collect returns the clean answers of field r seen from scope s: its one
// answer if r is in s or around it, else its answers in every item below s.
func collect(r *fieldInfo, s *scope) []any {
	if visibleFrom(r, s.group) {
		if v, ok := cleanValue(r, s); ok {
			return []any{v}
		}
		return nil
	}
	var out []any
	for _, is := range scopesBelow(r.parent, s) {
		if v, ok := is.answers[r.f.ID]; ok && v != nil {
			out = append(out, v)
		}
	}
	return out
}

// checkRules checks the cross-field rules on the clean answers.
func (e *eval) checkRules(clean Answers) {
	top := &scope{answers: clean}
	for _, ri := range e.ix.rules {
		for _, s := range scopesBelow(ri.scope, top) {
			if ri.r.If != nil && !evalCond(ri.r.If, s, e.getClean) {
				continue
			}
			var fe *FieldError
			switch ri.kind {
			case ruleAfter, ruleBefore:
				fe = dateRule(ri, s)
			case ruleAnyAnswered:
				fe = e.anyAnsweredRule(ri, s)
			case ruleSum:
				fe = sumRule(ri, top)
			}
			if fe != nil {
				fe.Message = ri.r.Message
				e.errs = append(e.errs, *fe)
			}
		}
	}
}

func dateRule(ri *ruleInfo, s *scope) *FieldError {
	v, ok := cleanValue(ri.field, s)
	d, _ := v.(string)
	if !ok || d == "" {
		return nil
	}
	path := s.prefix + ri.field.f.ID
	var worst string
	for _, o := range collect(ri.other, s) {
		od, _ := o.(string)
		switch {
		case od == "":
		case ri.kind == ruleAfter && d <= od && od > worst:
			worst = od
		case ri.kind == ruleBefore && d >= od && (worst == "" || od < worst):
			worst = od
		}
	}
	switch {
	case worst == "":
		return nil
	case ri.kind == ruleAfter:
		return &FieldError{Path: path, Key: KeyDateAfter, Args: []any{formatDate(worst)}}
	}
	return &FieldError{Path: path, Key: KeyDateBefore, Args: []any{formatDate(worst)}}
}

func (e *eval) anyAnsweredRule(ri *ruleInfo, s *scope) *FieldError {
	for _, fi := range ri.fields {
		if _, ok := cleanValue(fi, s); ok {
			return nil
		}
	}
	for _, fi := range ri.fields {
		if path := s.prefix + fi.f.ID; e.vis[path] == visShown {
			return &FieldError{Path: path, Key: KeyAnyAnswered}
		}
	}
	return nil
}

func sumRule(ri *ruleInfo, top *scope) *FieldError {
	amount := ri.fields[0].f.Type == TypeAmount
	var sum float64
	for _, fi := range ri.fields {
		for _, v := range collect(fi, top) {
			if amount {
				ore, _ := asOre(v)
				sum += float64(ore)
			} else {
				x, _ := asFloat(v)
				sum += x
			}
		}
	}
	if sum <= ri.atMost {
		return nil
	}
	first := ri.fields[0]
	for first.parent != nil {
		first = first.parent
	}
	if amount {
		return &FieldError{Path: first.f.ID, Key: KeySumMax, Args: []any{formatKroner(int64(ri.atMost), ',', " kr")}}
	}
	return &FieldError{Path: first.f.ID, Key: KeySumMax, Args: []any{ri.atMost}}
}

// pathKey turns a path into numbers that sort in form order: field
// positions, item indexes and address parts.
func (e *eval) pathKey(path string) []int {
	var key []int
	for _, seg := range strings.Split(path, ".") {
		if fi := e.ix.byID[seg]; fi != nil {
			key = append(key, fi.order)
		} else if n, err := strconv.Atoi(seg); err == nil {
			key = append(key, n)
		} else {
			key = append(key, slices.Index([]string{PartStreet, PartPostalCode, PartPostalTown}, seg))
		}
	}
	return key
}

// sortedErrors returns the errors in form order, one per path (the first).
func (e *eval) sortedErrors() []FieldError {
	errs := slices.Clone(e.errs)
	keys := map[string][]int{}
	for _, fe := range errs {
		if _, ok := keys[fe.Path]; !ok {
			keys[fe.Path] = e.pathKey(fe.Path)
		}
	}
	slices.SortStableFunc(errs, func(a, b FieldError) int { return slices.Compare(keys[a.Path], keys[b.Path]) })
	out := errs[:0]
	seen := map[string]bool{}
	for _, fe := range errs {
		if !seen[fe.Path] {
			seen[fe.Path] = true
			out = append(out, fe)
		}
	}
	return out
}

// pageIndex returns the index of the page with the given id, or -1.
func (e *eval) pageIndex(id string) int {
	if id == "" {
		return -1
	}
	return slices.Index(e.ix.pageIDs, id)
}

// pageOf returns the index of the page an answer path is on, or -1.
func (e *eval) pageOf(path string) int {
	top, _, _ := strings.Cut(path, ".")
	if fi := e.ix.byID[top]; fi != nil {
		return fi.page
	}
	return -1
}

// Lookup returns the field a path (see the package documentation, "Paths")
// names, ignoring item indexes and address parts: "children.1.birth_date"
// gives the birth_date field, "address.postal_code" the address field. ok
// is false for a path that does not fit the form.
func (f *Form) Lookup(path string) (field *Field, ok bool) {
	ix := f.index()
	segs := strings.Split(path, ".")
	var container *fieldInfo
	var fi *fieldInfo
	for i := 0; i < len(segs); i++ {
		fi = ix.byID[segs[i]]
		if fi == nil || fi.parent != container {
			return nil, false
		}
		rest := segs[i+1:]
		switch {
		case len(rest) == 0:
			return fi.f, true
		case fi.f.Type == TypeAddress && len(rest) == 1 &&
			(rest[0] == PartStreet || rest[0] == PartPostalCode || rest[0] == PartPostalTown):
			return fi.f, true
		case fi.f.Type == TypeGroup:
			n, err := strconv.Atoi(rest[0])
			if err != nil || n < 0 || n >= MaxGroupItems || strconv.Itoa(n) != rest[0] {
				return nil, false
			}
			if len(rest) == 1 {
				return fi.f, true
			}
			container = fi
			i++
		default:
			return nil, false
		}
	}
	return nil, false
}
