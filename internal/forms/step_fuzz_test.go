package forms

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/forms/formdef"
	"github.com/torg-ekommune/torg/internal/i18n"
)

// FuzzPageActions feeds a form page arbitrary posted values and button
// values (the "handling" a browser sends, which anyone can change): reading
// them, merging them into a draft, adding and removing items and files,
// and drawing the page again must never panic.
func FuzzPageActions(f *testing.F) {
	form, err := formdef.Parse(formdef.Library()["barnehageplass"])
	if err != nil {
		f.Fatal(err)
	}
	cat := i18n.NewCatalog()
	for _, seed := range []struct{ query, action string }{
		{"children.0.child_name=Emma&children.1.child_name=", "add:children"},
		{"children.0.child_name=Emma&children.1.child_name=", "remove:children.1"},
		{"children.5.needs_support=true", "remove:children.0.x"},
		{"apply_reduction=true", "removefile:tax_assessment:0"},
		{"children.0.child_name=A", "removefile:children.0.x:-1"},
		{"kindergartens=solsikken&kindergartens=solsikken", "add:children.0.children"},
		{"", "remove:"},
		{"", "add:."},
		{"children.49.child_name=x", "add:children"},
	} {
		f.Add(seed.query, seed.action)
	}
	draft := formdef.Answers{"tax_assessment": []any{map[string]any{"id": "ab", "name": "a.pdf", "content_type": "application/pdf", "size": float64(3)}},
		"children": []any{map[string]any{"child_name": "Old"}}}
	f.Fuzz(func(t *testing.T, query, action string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		posted := formdef.AnswersFromForm(form, v)
		for i := range form.Pages {
			pg := &form.Pages[i]
			merged := mergePage(draft, posted, pg.Fields)
			switch {
			case strings.HasPrefix(action, "add:"):
				addItem(form, merged, strings.TrimPrefix(action, "add:"))
			case strings.HasPrefix(action, "remove:"):
				removeItem(merged, strings.TrimPrefix(action, "remove:"))
			case strings.HasPrefix(action, "removefile:"):
				spec := strings.TrimPrefix(action, "removefile:")
				if cut := strings.LastIndexByte(spec, ':'); cut >= 0 {
					if n, err := strconv.Atoi(spec[cut+1:]); err == nil {
						removeFile(merged, spec[:cut], n)
					}
				}
			}
			b := &pageBuilder{form: form, page: pg, lang: "nb", cat: cat, values: formdef.FormValues(form, merged), answers: merged,
				visible: form.Visible(merged), errors: map[string]string{}, onPage: map[string]bool{}}
			b.fields(pg.Fields, "", merged)
			attachmentsOf(form, merged)
		}
	})
}
