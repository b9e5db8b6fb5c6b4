package forms

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/web"
)

// pageView is one step of a form.
type pageView struct {
	FormTitle  string
	Title      string
	Intro      string
	Step, Of   int
	Action     string // where the page posts
	Back       string // the previous step, or the form's front page
	Multipart  bool
	Fields     []fieldView
	Errors     []errorLink
	Saved      bool // "your draft is saved" after the save button
	SignedIn   bool
	DraftUntil string
}

// errorLink is one line of the error summary.
type errorLink struct {
	Href, Text string
}

func pageIndex(f *formdef.Form, id string) int {
	for i := range f.Pages {
		if f.Pages[i].ID == id {
			return i
		}
	}
	return -1
}

func hasFiles(list []formdef.Field) bool {
	for _, fl := range list {
		if fl.Type == formdef.TypeFile || fl.Type == formdef.TypeGroup && hasFiles(fl.Fields) {
			return true
		}
	}
	return false
}

// renderPage draws step i of l's form from answers (the draft's, or what
// was just posted), with field errors by path.
func (h *pageHandlers) renderPage(w http.ResponseWriter, r *http.Request, status int, l loaded, i int, answers formdef.Answers, fieldErrs []formdef.FieldError) error {
	c := web.From(r)
	f, pg := l.form, &l.form.Pages[i]
	b := &pageBuilder{form: f, page: pg, lang: c.Lang, cat: h.shell.Catalog(), values: formdef.FormValues(f, answers), answers: answers,
		visible: f.Visible(answers), errors: map[string]string{}, locked: citizen(r) != nil, onPage: map[string]bool{}}
	var mark func([]formdef.Field)
	mark = func(list []formdef.Field) {
		for _, fl := range list {
			b.onPage[fl.ID] = true
			mark(fl.Fields)
		}
	}
	mark(pg.Fields)
	v := pageView{FormTitle: f.Title.In(c.Lang), Title: pg.Title.In(c.Lang), Intro: pg.Description.In(c.Lang), Step: i + 1, Of: len(f.Pages),
		Action: l.base() + "side/" + pg.ID, Multipart: hasFiles(pg.Fields), Saved: r.URL.Query().Get("lagret") == "1",
		SignedIn: citizen(r) != nil, DraftUntil: l.draft.ExpiresAt.In(oslo).Format("02.01.2006")}
	if i == 0 {
		v.Back = "skjema/" + f.ID
	} else {
		v.Back = l.base() + "side/" + f.Pages[i-1].ID
	}
	for _, e := range fieldErrs {
		text := fieldErrorText(h.shell.Catalog(), c.Lang, e)
		if _, dup := b.errors[e.Path]; dup {
			continue
		}
		b.errors[e.Path] = text
		v.Errors = append(v.Errors, errorLink{Href: "#" + e.Path, Text: text})
	}
	v.Fields = b.fields(pg.Fields, "", answers)
	return h.pages.Render(w, r, status, "page", v)
}

func (h *pageHandlers) page(w http.ResponseWriter, r *http.Request) error {
	l, err := h.load(r)
	if err != nil {
		return err
	}
	i := pageIndex(l.form, r.PathValue("page"))
	if i < 0 {
		return web.NotFound()
	}
	return h.renderPage(w, r, http.StatusOK, l, i, l.answers, nil)
}

// maxUploadMemory is how much of a multipart body is held in memory; the
// rest of each file goes to a temporary file until it is checked.
const maxUploadMemory = 1 << 20

func (h *pageHandlers) savePage(w http.ResponseWriter, r *http.Request) error {
	l, err := h.load(r)
	if err != nil {
		return err
	}
	i := pageIndex(l.form, r.PathValue("page"))
	if i < 0 {
		return web.NotFound()
	}
	f, pg := l.form, &l.form.Pages[i]
	c := web.From(r)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxUploadMemory); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				// The body was cut off: nothing of it can be trusted. Show
				// the step as saved, with the file fields marked.
				return h.renderPage(w, r, http.StatusRequestEntityTooLarge, l, i, l.answers, tooLargeErrors(pg.Fields, mbe.Limit))
			}
			return errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
		}
		defer r.MultipartForm.RemoveAll()
	} else if err := web.ParseForm(r); err != nil {
		return err
	}
	posted := formdef.AnswersFromForm(f, r.PostForm)
	merged := mergePage(l.answers, posted, pg.Fields)
	uploadErrs, err := h.receiveFiles(r, pg.Fields, "", merged)
	if err != nil {
		return err
	}
	merged = f.ApplyPrefill(merged, person(r))

	action := r.PostForm.Get("handling")
	save := func(a formdef.Answers, page string) error {
		data, err := json.Marshal(a)
		if err != nil {
			return errs.E(errs.Internal, err)
		}
		return h.Store.SaveDraft(r.Context(), c.Tenant.ID, l.draft.ID, l.draft.Owner, data, page)
	}
	if len(uploadErrs) > 0 {
		// A refused file is said whatever button was pressed; the rest
		// of the page is kept.
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		return h.renderPage(w, r, http.StatusUnprocessableEntity, l, i, merged, uploadErrs)
	}
	switch {
	case strings.HasPrefix(action, "add:"):
		path := strings.TrimPrefix(action, "add:")
		if !addItem(f, merged, path) {
			return errs.E(errs.Invalid, errs.Key("error.bad_form"))
		}
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		return redirect(w, r, l.base()+"side/"+pg.ID+"#"+path)
	case strings.HasPrefix(action, "remove:"):
		path := strings.TrimPrefix(action, "remove:")
		if !removeItem(merged, path) {
			return errs.E(errs.Invalid, errs.Key("error.bad_form"))
		}
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		group := path[:strings.LastIndexByte(path, '.')]
		return redirect(w, r, l.base()+"side/"+pg.ID+"#"+group)
	case strings.HasPrefix(action, "removefile:"):
		spec := strings.TrimPrefix(action, "removefile:")
		cut := strings.LastIndexByte(spec, ':')
		n, err := strconv.Atoi(spec[cut+1:])
		if cut < 0 || err != nil || !removeFile(merged, spec[:cut], n) {
			return errs.E(errs.Invalid, errs.Key("error.bad_form"))
		}
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		return redirect(w, r, l.base()+"side/"+pg.ID+"#"+spec[:cut])
	case action == "back":
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		if i == 0 {
			return redirect(w, r, "skjema/"+f.ID)
		}
		return redirect(w, r, l.base()+"side/"+f.Pages[i-1].ID)
	case action == "save":
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		return redirect(w, r, l.base()+"side/"+pg.ID+"?lagret=1")
	case action == "next" || action == "":
	default:
		return errs.E(errs.Invalid, errs.Key("error.bad_form"))
	}

	clean, fieldErrs := f.Validate(merged, formdef.ValidationContext{Today: h.Store.db.Now().In(oslo), PageID: pg.ID})
	if len(fieldErrs) > 0 {
		if err := save(merged, pg.ID); err != nil {
			return err
		}
		return h.renderPage(w, r, http.StatusUnprocessableEntity, l, i, merged, sortErrors(f, pg, fieldErrs))
	}
	// Keep the clean answers of this page and what the other pages had.
	next := mergePage(l.answers, clean, pg.Fields)
	nextPage := summaryPage
	if i+1 < len(f.Pages) {
		nextPage = f.Pages[i+1].ID
	}
	if err := save(next, nextPage); err != nil {
		return err
	}
	if nextPage == summaryPage {
		return redirect(w, r, l.base()+"oppsummering")
	}
	return redirect(w, r, l.base()+"side/"+nextPage)
}

// mergePage returns the draft's answers with the answers to the top-level
// fields of one page replaced by posted ones. Files are not posted with the
// other answers: the ones the draft has are carried over into the posted
// group items with the same number.
func mergePage(draft, posted formdef.Answers, fields []formdef.Field) formdef.Answers {
	out := formdef.Answers{}
	for k, v := range draft {
		out[k] = v
	}
	for _, fl := range fields {
		delete(out, fl.ID)
		if v, ok := posted[fl.ID]; ok {
			out[fl.ID] = v
		}
		carryFiles(&fl, draft, out)
	}
	return out
}

// carryFiles copies the files of field fl (or of file fields in group fl)
// from the answers from into to.
func carryFiles(fl *formdef.Field, from, to formdef.Answers) {
	switch fl.Type {
	case formdef.TypeFile:
		if files := filesOf(from[fl.ID]); len(files) > 0 {
			if _, posted := to[fl.ID]; !posted {
				to[fl.ID] = files
			}
		}
	case formdef.TypeGroup:
		if !hasFiles(fl.Fields) {
			return
		}
		old, cur := itemsOf(from[fl.ID]), itemsOf(to[fl.ID])
		for i := range cur {
			if i < len(old) {
				for j := range fl.Fields {
					carryFiles(&fl.Fields[j], old[i], cur[i])
				}
			}
		}
		if cur != nil {
			to[fl.ID] = cur
		}
	}
}

// groupAt finds the group list at path ("children" or
// "children.0.allergies") and a function that stores a changed list.
func groupAt(a formdef.Answers, path string) ([]formdef.Answers, func([]formdef.Answers), bool) {
	parts := strings.Split(path, ".")
	scope := a
	for len(parts) > 1 {
		items := itemsOf(scope[parts[0]])
		n, err := strconv.Atoi(parts[1])
		if err != nil || n < 0 || n >= len(items) {
			return nil, nil, false
		}
		scope[parts[0]] = items
		scope = items[n]
		parts = parts[2:]
		if len(parts) == 0 {
			return nil, nil, false
		}
	}
	key := parts[0]
	return itemsOf(scope[key]), func(list []formdef.Answers) { scope[key] = list }, true
}

// addItem adds an empty item to the group at path, if it has room.
func addItem(f *formdef.Form, a formdef.Answers, path string) bool {
	fl, ok := f.Lookup(path)
	if !ok || fl.Type != formdef.TypeGroup || strings.Count(path, ".")%2 != 0 {
		return false
	}
	list, set, ok := groupAt(a, path)
	if !ok {
		return false
	}
	n := len(list)
	if min := fl.EffectiveMinItems(); n < min {
		n = min
	} else if n == 0 && fl.Required {
		n = 1
	}
	if n >= fl.EffectiveMaxItems() {
		return false
	}
	for len(list) < n+1 {
		list = append(list, formdef.Answers{})
	}
	set(list)
	return true
}

// removeItem removes the group item at path ("children.1").
func removeItem(a formdef.Answers, path string) bool {
	cut := strings.LastIndexByte(path, '.')
	if cut < 0 {
		return false
	}
	n, err := strconv.Atoi(path[cut+1:])
	if err != nil {
		return false
	}
	list, set, ok := groupAt(a, path[:cut])
	if !ok || n < 0 || n >= len(list) {
		return false
	}
	set(append(list[:n:n], list[n+1:]...))
	return true
}

// removeFile removes file n of the file field at path.
func removeFile(a formdef.Answers, path string, n int) bool {
	scope, key, ok := fileScope(a, path)
	if !ok {
		return false
	}
	files := filesOf(scope[key])
	if n < 0 || n >= len(files) {
		return false
	}
	scope[key] = append(files[:n:n], files[n+1:]...)
	return true
}

// fileScope finds the answers that hold the file field at path, and its id.
func fileScope(a formdef.Answers, path string) (formdef.Answers, string, bool) {
	cut := strings.LastIndexByte(path, '.')
	if cut < 0 {
		return a, path, true
	}
	inner := path[:cut]
	icut := strings.LastIndexByte(inner, '.')
	if icut < 0 {
		return nil, "", false
	}
	n, err := strconv.Atoi(inner[icut+1:])
	if err != nil {
		return nil, "", false
	}
	list, _, ok := groupAt(a, inner[:icut])
	if !ok || n < 0 || n >= len(list) {
		return nil, "", false
	}
	return list[n], path[cut+1:], true
}

// sortErrors puts upload errors and field errors in the order of the
// fields on the page, so the error summary reads like the page.
func sortErrors(f *formdef.Form, pg *formdef.Page, list []formdef.FieldError) []formdef.FieldError {
	order := map[string]int{}
	n := 0
	var walk func([]formdef.Field)
	walk = func(fs []formdef.Field) {
		for _, fl := range fs {
			order[fl.ID] = n
			n++
			walk(fl.Fields)
		}
	}
	walk(pg.Fields)
	rank := func(path string) int {
		if fl, ok := f.Lookup(path); ok {
			return order[fl.ID]
		}
		return n
	}
	out := append([]formdef.FieldError(nil), list...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && rank(out[j].Path) < rank(out[j-1].Path); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// tooLargeErrors marks every file field of a page when the request body
// was larger than the server takes.
func tooLargeErrors(fields []formdef.Field, limit int64) []formdef.FieldError {
	var out []formdef.FieldError
	for _, fl := range fields {
		if fl.Type == formdef.TypeFile {
			out = append(out, formdef.FieldError{Path: fl.ID, Key: "forms.error.upload_too_large", Args: []any{formdef.FormatSize(limit)}})
		}
	}
	return out
}
